#!/bin/bash
# rec_exec_self.sh - an execve inside a recording starts the new program
# as the kernel does: a program that runs itself again through
# /proc/self/exe (fork, vfork, posix_spawn, an argv[0] longer than its
# path, fexecve of an fd on /proc/self/exe), dynamic and -static, runs
# (Valgrind's own launcher would load its tool binary and fail with
# "mmap(0x58000000, 4096) failed in UME"), and every exec'd program gets
# the argv[0] it was given, not its path ("ls: cannot access", not
# "/usr/bin/ls: cannot access"): found in PATH, by a relative path, with
# `exec -a` names shorter and longer than the path, empty, and "#!"
# scripts (whose interpreter gets the script's path, as natively).
# Oracles: a native run of the same commands (stdout and stderr byte for
# byte, exit status) and, for the recording's memory at t=0 of an exec'd
# image, the argv and AT_EXECFN that LD_SHOW_AUXV and the program print
# natively.
. "$(dirname "$0")/lib.sh"
require_built exec_self
command -v cc >/dev/null || fail "no C compiler (cc)"

mkdir -p "$T/bin" "$T/cwd"
cp "$PROGS/exec_self" "$T/bin/exec_self"
cc -O0 -static -o "$T/bin/exec_self_st" "$ROOT/tests/programs/exec_self.c" 2>"$T/cc.err" ||
	fail "cc -static failed: $(head -n 2 "$T/cc.err" | tr '\n' ' ')"
printf '#!/bin/sh\necho "script $0 $*"\n' >"$T/bin/scr"
chmod +x "$T/bin/scr"

# without the first line that `hindsight record` writes
prog_err() { grep -v '^hindsight: recording to ' "$1"; }

# the self-exec program, dynamic and static
for p in exec_self exec_self_st; do
	native "$T/$p.n" "$T/bin/$p"
	WANT_RC=$(cat "$T/$p.n.rc") record_ok "$T/$p" "$T/bin/$p"
	grep -q 'fork: st=9' "$T/$p.n.out" || fail "native $p: $(head -c 300 "$T/$p.n.out")"
	same_file "$p's stdout" "$T/$p.n.out" "$T/$p.out"
	prog_err "$T/$p.err" >"$T/$p.err2"
	same_file "$p's stderr" "$T/$p.n.err" "$T/$p.err2"
	[ "$(info_word "$T/$p" complete)" = yes ] || fail "$p: info says complete: '$(info_word "$T/$p" complete)'"
	n=$(info_get "$T/$p" processes)
	[ "$n" = 11 ] || fail "$p: info says processes: '$n', expected 11 (the parent, 5 children, 5 execs)"
done

# a shell's commands: names found in PATH, relative paths, exec -a, scripts
cat >"$T/run.sh" <<'EOF'
ls /nonexist; cat /nonexist
exec_self show a; ../bin/exec_self show b; ../bin/exec_self_st show c
(exec -a fancy-name-longer-than-the-path-of-bash-itself-and-then-some bash -c 'echo "$0"')
(exec -a q /bin/ls /nonexist); (exec -a '' bash -c 'echo "[$0]"')
scr 1 2; ../bin/scr 3; (exec -a zz ../bin/scr 4)
sh -c 'cat /nonexist; exit 3'
EOF
(cd "$T/cwd" && PATH=$T/bin:$PATH native "$T/sh.n" bash "$T/run.sh")
(cd "$T/cwd" && PATH=$T/bin:$PATH WANT_RC=$(cat "$T/sh.n.rc") record_ok "$T/sh" bash "$T/run.sh") || exit 1
grep -q '^ls: cannot access' "$T/sh.n.err" || fail "native ls: $(head -n 1 "$T/sh.n.err")"
same_file "the shell's stdout" "$T/sh.n.out" "$T/sh.out"
prog_err "$T/sh.err" >"$T/sh.err2"
same_file "the shell's stderr" "$T/sh.n.err" "$T/sh.err2"
[ "$(info_word "$T/sh" complete)" = yes ] || fail "sh: info says complete: '$(info_word "$T/sh" complete)'"

# the recording's memory at t=0 of the first exec'd copy: argv and
# AT_EXECFN as the kernel gives them (LD_SHOW_AUXV natively)
"$HS" build "$T/exec_self" >/dev/null 2>"$T/build.err" || fail "build: $(tail -n 2 "$T/build.err")"
img=$("$HS" info "$T/exec_self" | awk '$1 == "process:" && $2 ~ /\.1$/ { print $2; exit }')
[ -n "$img" ] || fail "no exec'd image in $("$HS" info "$T/exec_self" | grep process:)"
mem() { "$HS" query --image "$img" --raw "$T/exec_self" mem 0 "$1" "$2"; }
u64() { mem "$1" 8 | od -An -tu8 | tr -d ' '; }
str() { mem "$1" 256 2>/dev/null | tr '\0' '\n' | head -n 1; }
sp=$("$HS" query --image "$img" "$T/exec_self" reg 0 rsp | grep -o '0x[0-9a-f]*' | head -n 1)
[ -n "$sp" ] || fail "no rsp at t=0 of $img"
argc=$(u64 "$sp")
{
	for ((i = 0; i < argc; i++)); do
		echo "argv[$i]=$(str "$(u64 $((sp + 8 + 8 * i)))")"
	done
	a=$((sp + 8 + 8 * (argc + 1)))
	while [ "$(u64 $a)" != 0 ]; do a=$((a + 8)); done
	for ((a += 8; ; a += 16)); do
		t=$(u64 $a)
		if [ -z "$t" ] || [ "$t" = 0 ]; then break; fi
		[ "$t" = 31 ] && echo "AT_EXECFN=$(str "$(u64 $((a + 8)))")"
	done
} >"$T/stack.got"
# the first child's lines: its AT_EXECFN (the second) and its argv
LD_SHOW_AUXV=1 "$T/bin/exec_self" >"$T/auxv" 2>&1
{
	grep '^AT_EXECFN:' "$T/auxv" | sed -n '2s/^AT_EXECFN: *\(.*\)/AT_EXECFN=\1/p'
	grep -m 1 '^argv\[0\]=' "$T/auxv" | sed -E 's/^argv\[0\]=([^ ]*) \[(.*)\]/argv[0]=\1\nargv[1]=\2/'
} >"$T/stack.n"
sort "$T/stack.n" >"$T/stack.want"
sort "$T/stack.got" >"$T/stack.got2"
same_file "argv and AT_EXECFN at t=0 of $img" "$T/stack.want" "$T/stack.got2"
# info's command line of an exec'd image starts with the argv[0] it was
# given (at t=0 above), not its program's path; ls found in PATH is "ls"
a0=$(sed -n 's/^argv\[0\]=//p' "$T/stack.got")
cmd=$("$HS" cat "$T/exec_self" "processes/$img/info" | sed -n 's/^command: //p')
[ -n "$a0" ] && [ "${cmd%% *}" = "$a0" ] || fail "processes/$img/info: command '$cmd', its argv[0] '$a0'"
"$HS" build "$T/sh" >/dev/null 2>"$T/build.err" || fail "build sh: $(tail -n 2 "$T/build.err")"
for p in $("$HS" ls "$T/sh" processes/); do
	"$HS" cat "$T/sh" "processes/$p/info" | sed -n 's/^command: //p'
done >"$T/sh.cmds"
grep -qx 'ls /nonexist' "$T/sh.cmds" && grep -qx "cat /nonexist" "$T/sh.cmds" ||
	fail "processes/*/info of ls and cat: $(grep -E 'ls|cat' "$T/sh.cmds" | tr '\n' ';')"
pass "self-exec (dynamic, static, 5 ways), argv[0] of exec'd programs as native; $img starts as the kernel's; info's command lines begin with argv[0]"
