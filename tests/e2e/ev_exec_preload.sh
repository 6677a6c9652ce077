#!/bin/bash
# ev_exec_preload.sh - `syscalls` starts as strace does and leaves out what
# running under Valgrind adds: the first line is the execve that started
# the program (made from the state at t=0: AT_EXECFN, argv, the number of
# environment variables a native run has), an image begun by exec starts
# with its own and a fork child with none; ld.so's calls that load
# Valgrind's preload library (open, read, fstat, mmap, close, the RELRO
# mprotect) are not in `syscalls` and are marked in `events`; a "#!"
# script's first line is the call made (the script and its argv), not the
# interpreter's argv that the first image starts with; `events`
# prints an execve's argv and envp as `syscalls` does.  Oracle:
# `strace -f -o` of the same commands, run natively with the environment
# the recorder gives minus what Valgrind adds.
. "$(dirname "$0")/lib.sh"
require_built forkexec
command -v strace >/dev/null || fail "strace is not installed"

mask() { sed -E 's/0x[0-9a-f]{6,}/ADDR/g'; }

# a dynamic program with arguments: the first line, and no trace of the
# preload library anywhere in syscalls
record_ok "$T/ls" /bin/ls -la /etc/apt
"$HS" build "$T/ls" >/dev/null 2>"$T/build.err" || fail "build: $(tail -n 2 "$T/build.err")"
"$HS" cat "$T/ls" syscalls >"$T/ls.sys" 2>"$T/cat.err" || fail "cat syscalls: $(cat "$T/cat.err")"
strace -a0 -o "$T/ls.st" /bin/ls -la /etc/apt >/dev/null 2>&1 || fail "strace /bin/ls failed"
head -n 1 "$T/ls.st" | mask >"$T/want"
head -n 1 "$T/ls.sys" | cut -d' ' -f3- | mask >"$T/got"
same_file "the first line of syscalls (strace's execve)" "$T/want" "$T/got"
head -n 1 "$T/ls.sys" | grep -q '^0 [0-9]* execve(' || fail "the execve line is not at t=0: $(head -n 1 "$T/ls.sys")"
grep -q 'vgpreload' "$T/ls.sys" && fail "syscalls shows the preload library: $(grep -m1 vgpreload "$T/ls.sys")"
# every line strace has before the program's first own call is there too,
# in order: ld.so's work, without Valgrind's part
"$HS" cat "$T/ls" events >"$T/ls.ev" 2>/dev/null || fail "cat events failed"
marked=$(grep -c "loads Valgrind's preload library" "$T/ls.ev")
[ "$marked" -ge 6 ] || fail "events marks $marked calls as loading the preload library (open, read, fstat, mmaps, close)"
for call in openat read newfstatat mmap close; do
	n_st=$(grep -c "^$call(" "$T/ls.st")
	n_hs=$(cut -d' ' -f3- "$T/ls.sys" | grep -c "^$call(")
	[ "$n_st" = "$n_hs" ] || fail "$call: strace has $n_st, syscalls $n_hs"
done

# a program given by its name alone: strace (as a shell) finds it in
# PATH and execve gets the path; so does the line
record_ok "$T/true" true --version
"$HS" build "$T/true" >/dev/null 2>"$T/build.err" || fail "build true: $(tail -n 2 "$T/build.err")"
strace -a0 -o "$T/true.st" true --version >/dev/null 2>&1 || fail "strace true failed"
head -n 1 "$T/true.st" | mask >"$T/want"
"$HS" cat "$T/true" syscalls | head -n 1 | cut -d' ' -f3- | mask >"$T/got"
same_file "the execve of a program named without a path" "$T/want" "$T/got"

# a "#!" script, by its path (with an argument on its "#!" line) and by
# its name alone on PATH: the interpreter runs it, but strace shows the
# call made, execve("./s.sh", ["./s.sh", "x"], ...)
mkdir -p "$T/bin"
printf '#!/bin/sh -e\necho "$0" "$@"\n' >"$T/bin/hs-script"
chmod +x "$T/bin/hs-script"
for how in "$T/bin/hs-script" hs-script; do
	PATH=$T/bin:$PATH record_ok "$T/script" "$how" one "two words"
	"$HS" build "$T/script" >/dev/null 2>"$T/build.err" || fail "build script: $(tail -n 2 "$T/build.err")"
	PATH=$T/bin:$PATH strace -a0 -o "$T/script.st" "$how" one "two words" >/dev/null 2>&1 ||
		fail "strace $how failed"
	head -n 1 "$T/script.st" | mask >"$T/want"
	"$HS" cat "$T/script" syscalls | head -n 1 | cut -d' ' -f3- | mask >"$T/got"
	same_file "the execve of a script run as $how" "$T/want" "$T/got"
	rm -rf "$T/script"
done

# a pipeline: each exec'd image starts with the execve its shell made
# (argv as passed, not Valgrind's; the variables without Valgrind's two,
# which the shell passes on), as strace -f shows each child's
calls() { grep -o 'execve("[^"]*", \[[^]]*\], 0x[0-9a-f]* /\* [0-9]* vars \*/' | sed -E 's/0x[0-9a-f]+/ADDR/' | sort; }
record_ok "$T/pipe" bash -c 'cat /etc/hostname | wc -c'
"$HS" build "$T/pipe" >/dev/null 2>"$T/build.err" || fail "build pipe: $(tail -n 2 "$T/build.err")"
for img in $("$HS" ls "$T/pipe" processes); do
	"$HS" cat "$T/pipe" "processes/$img/syscalls" | head -n 1
done | grep ' = 0$' | calls >"$T/got"
strace -f -e trace=execve -o "$T/pipe.st" bash -c 'cat /etc/hostname | wc -c' >/dev/null 2>&1 || fail "strace bash"
calls <"$T/pipe.st" >"$T/want"
[ "$(wc -l <"$T/want")" = 3 ] || fail "strace shows $(wc -l <"$T/want") execve calls, not 3: $(cat "$T/pipe.st")"
same_file "the execve lines that start the pipeline's images" "$T/want" "$T/got"
# events print those execve calls (the fork images' last) with argv and
# the count of variables too, not their addresses: strace's lines but
# bash's own first
for img in $("$HS" ls "$T/pipe" processes); do
	"$HS" cat "$T/pipe" "processes/$img/events"
done | grep '^[0-9]* [0-9]* syscall execve(' | calls >"$T/got"
grep -v "^[0-9]* *execve(\"[^\"]*\", \[\"bash\"" "$T/pipe.st" | calls >"$T/want"
[ "$(wc -l <"$T/want")" = 2 ] || fail "strace shows $(wc -l <"$T/want") execve calls of bash's children, not 2"
same_file "the execve lines of events (argv, the count of variables)" "$T/want" "$T/got"

# fork and exec: the exec'd image starts with its execve, the fork child
# with none
record_ok "$T/fe" "$PROGS/forkexec"
"$HS" build "$T/fe" >/dev/null 2>"$T/build.err" || fail "build: $(tail -n 2 "$T/build.err")"
for img in $("$HS" ls "$T/fe" processes); do
	first=$("$HS" cat "$T/fe" "processes/$img/syscalls" | head -n 1 | cut -d' ' -f3-)
	parent=$("$HS" cat "$T/fe" "processes/$img/info" | sed -n 's/^parent: *//p')
	case $parent in
	*fork*)
		case $first in execve\(*) fail "fork child $img starts with $first" ;; esac ;;
	*)
		case $first in execve\(*) ;; *) fail "image $img (parent: ${parent:-none}) starts with '$first', not its execve" ;; esac ;;
	esac
done
pass "execve first as strace has it, $marked preload calls hidden and marked, fork/exec images"
