#!/bin/bash
# src_st_step.sh - step-into and next-line against gdb's step and next where calls hop: a function without line info that tail-jumps into one with lines (atexit, at_quick_exit, pthread_atfork, a library's wrapper built without -g), a tail jump between two libc functions with lines (qsort to __qsort_r: gdb stops at the target's first line, no prologue skipped, and lines/ lists it), C++ thunks (non-virtual, virtual, covariant return: gdb never stops in one), and a SIGSEGV handler entered during `next` at -O0 and -O2.
#
# Compared: every stop as "function file:line" (file by its base name), in
# libc too: gdb runs natively with glibc's AVX-512 variants off so that it
# picks the string functions Valgrind's CPU gets.  The step chains go from
# `break main` until main returns.  next: gdb's default `handle SIGSEGV
# stop`; its stop as the signal arrives is no moment of the recording (the
# handler's first instruction follows: Hindsight's one stop is gdb's next
# one, README).  gdb's `next` over siglongjmp out of the handler runs the
# program to its end (it does not find the longjmp target's frame), so the
# next chains are compared up to the handler's last line.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
command -v g++ >/dev/null || fail "g++ is not installed"
SRC=$ROOT/tests/programs
B=$T/bin
mkdir -p "$B"
gcc -g -O0 -fno-omit-frame-pointer -o "$B/st_tail" "$SRC/st_tail.c" -pthread &&
	g++ -g -O0 -o "$B/st_thunk" "$SRC/st_thunk.cc" &&
	gcc -O2 -fPIC -c -o "$B/nog.o" "$SRC/st_wrap/nog.c" &&
	gcc -g -O0 -fPIC -c -o "$B/dbg.o" "$SRC/st_wrap/dbg.c" &&
	gcc -shared -o "$B/libst_wrap.so" "$B/dbg.o" "$B/nog.o" &&
	gcc -g -O0 -o "$B/st_wrap" "$SRC/st_wrap/main.c" -L"$B" -lst_wrap -Wl,-rpath,"$B" &&
	gcc -g -O0 -o "$B/st_sigjmp" "$SRC/st_sigjmp.c" &&
	gcc -g -O2 -o "$B/st_sigjmp_o2" "$SRC/st_sigjmp.c" ||
	fail "could not compile the test programs"
# st_helper first: a jump to the next instruction is no tail call the
# recording sees (Valgrind follows it inside its block)
objdump -d "$B/libst_wrap.so" | grep -A4 '<st_wrap>:' | grep -q 'jmp.*<st_helper>' ||
	fail "st_wrap does not tail-jump to st_helper (compiler changed?)"

# gdb (scripts/gdb-step-oracle.py): step or next from `break main` until
# main returns or the program ends; Hindsight: the chain of step-into or
# next-line from time/main in the mounted tree, as many stops at most.
# Both as STOP lines "function file:line".
ORACLE=$ROOT/scripts/gdb-step-oracle.py
FMT='{fn} {base}:{line}'
AVX512=glibc.cpu.hwcaps=-AVX512VL,-AVX512BW,-AVX512F,-EVEX

n=0
for p in st_tail st_thunk st_wrap st_sigjmp st_sigjmp_o2; do
	case $p in st_sigjmp*) cmd=next link=next-line ;; *) cmd=step link=step-into ;; esac
	ORACLE_FORMAT=$FMT ORACLE_CMD=$cmd ORACLE_STEPS=400 ORACLE_ENV=GLIBC_TUNABLES=$AVX512 \
		timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$ORACLE" "$B/$p" </dev/null >"$T/$p.gdb" 2>&1
	grep '^STOP ' "$T/$p.gdb" >"$T/$p.want"
	k=$(wc -l <"$T/$p.want")
	[ "$k" -gt 3 ] || fail "$p: gdb gave no stops: $(tail -n 3 "$T/$p.gdb" | tr '\n' ' ')"
	case $p in st_sigjmp*)
		grep -q 'on_segv' "$T/$p.want" || fail "$p: gdb's next never entered on_segv"
		# up to the handler's last stop (see the top)
		k=$(grep -n 'on_segv' "$T/$p.want" | tail -n 1 | cut -d: -f1)
		head -n "$k" "$T/$p.want" >"$T/$p.w" && mv "$T/$p.w" "$T/$p.want" ;;
	esac
	record_ok "$T/$p" "$B/$p"
	build_ok "$T/$p"
	mount_tree "$T/$p" "$T/mnt.$p"
	ORACLE_FORMAT=$FMT "$PY" "$ORACLE" chain "$T/mnt.$p" "$link" main "$k" >"$T/$p.got" || fail "$p: walking $link failed"
	diff "$T/$p.want" "$T/$p.got" >"$T/$p.diff" ||
		fail "$p: $link differs from gdb's $cmd (< gdb, > Hindsight): $(head -n 6 "$T/$p.diff" | tr '\n' ' ')"
	n=$((n + k))
	note "$p: $k stops as gdb's $cmd"
done

# lines/ lists the line gdb's step stops at after the tail jump into
# __qsort_r (its first line, at the function's entry)
line=$(grep -A1 '^STOP __GI_qsort ' "$T/st_tail.want" | sed -n '2s/^STOP __GI___qsort_r msort.c://p')
[ -n "$line" ] || fail "st_tail: gdb's step did not go from qsort to __qsort_r"
dir=$(find "$T/mnt.st_tail/lines" -name msort.c -print -prune -o -name '*.*' -prune | head -n 1)
[ -n "$dir" ] && [ -f "$dir/$line" ] || fail "st_tail: lines/.../msort.c/$line does not exist"
pass "$n stops as gdb's step and next (5 programs), lines/ has msort.c:$line"
