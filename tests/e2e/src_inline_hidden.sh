#!/bin/bash
# src_inline_hidden.sh - where inlined copies start, gdb shows their caller
# (the copies hidden) and the caller's variables: locals/ and eval/ at such
# a moment are the frame `where` shows, as gdb's `info locals` and `print`
# after it stopped there (inl_hidden_o2: a NULL dereference at the first
# instruction of two copies inlined into main).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built inl_hidden_o2
P=$PROGS/inl_hidden_o2

# gdb at the crash: the frame, the names of info locals, and print c
gdb -nx -batch -ex 'set pagination off' -ex run -ex 'frame' -ex 'echo LOCALS\n' -ex 'info locals' \
	-ex 'echo END\n' -ex 'print c' "$P" </dev/null >"$T/crash.gdb" 2>&1
grep -q 'SIGSEGV' "$T/crash.gdb" || fail "gdb saw no SIGSEGV: $(tail -n 3 "$T/crash.gdb" | tr '\n' ' ')"
grep -q "^#0  main " "$T/crash.gdb" || fail "gdb's frame at the crash is not main: $(grep '^#0' "$T/crash.gdb")"
want_locals=$(sed -n '/^LOCALS$/,/^END$/p' "$T/crash.gdb" | sed -n 's/^\([A-Za-z_][A-Za-z_0-9]*\) = .*/\1/p' | sort | tr '\n' ' ')
want_c=$(grep -m1 'No symbol "c"' "$T/crash.gdb")
[ -n "$want_c" ] || fail "gdb printed c at the crash: $(tail -n 2 "$T/crash.gdb" | tr '\n' ' ')"

"$HS" record -o "$T/r" -- "$P" >"$T/rec.out" 2>"$T/rec.err"
[ $? = 139 ] || fail "record of the crash did not exit 139: $(tail -n 1 "$T/rec.err")"
build_ok "$T/r"
case $("$HS" cat "$T/r" time/crash/where) in main+*) ;; *) fail "where at the crash: $("$HS" cat "$T/r" time/crash/where)" ;; esac
# locals/: main's parameters and locals (gdb's info args + info locals)
got=$("$HS" ls "$T/r" time/crash/locals | grep -vx 'argc\|argv' | sort | tr '\n' ' ')
[ "$got" = "$want_locals" ] || fail "locals at the crash: '$got', gdb's info locals: '$want_locals'"
got_c=$("$HS" cat "$T/r" time/crash/eval/c)
[ "$got_c" = "$want_c" ] || fail "eval/c at the crash: '$got_c', gdb: '$want_c'"
pass "at the crash inside two hidden copies: main's variables ($want_locals), c unknown, as gdb"
