#!/bin/bash
# rec_max_instructions.sh - record --max-instructions N: a process that
# has run N instructions gets SIGXCPU (its recording complete, ended by
# that signal, between N and N + one chunk's instructions); one that
# ignores SIGXCPU is SIGKILLed a little later (incomplete, still built);
# a program that ends under the cap is recorded as without it (same
# instruction count, exit 0).
. "$(dirname "$0")/lib.sh"
require_built box_loop

N=20000000
"$HS" record -o "$T/a" --max-instructions $N -- "$PROGS/box_loop" >"$T/a.out" 2>"$T/a.err"
rc=$?
[ "$rc" = 152 ] || fail "the capped loop exited $rc, not 128 + SIGXCPU: $(tail -n 2 "$T/a.err")"
grep -q "hindsight: the instruction cap ($N) is reached: SIGXCPU" "$T/a.err" || fail "no cap message: $(cat "$T/a.err")"
"$HS" info "$T/a" >"$T/a.info" 2>&1
grep -q '^complete: *yes' "$T/a.info" || fail "capped: not complete: $(grep complete "$T/a.info")"
grep -q '^exit-signal: SIGXCPU' "$T/a.info" || fail "capped: $(grep exit "$T/a.info")"
n=$(sed -n 's/^instructions: *\([0-9]*\).*/\1/p' "$T/a.info")
[ "$n" -ge $N ] && [ "$n" -lt $((N + 5000000)) ] || fail "capped at $N: $n instructions recorded"

"$HS" record -o "$T/b" --max-instructions $N -- "$PROGS/box_loop" ignore >"$T/b.out" 2>"$T/b.err"
rc=$?
[ "$rc" = 137 ] || fail "the loop ignoring SIGXCPU exited $rc, not 128 + SIGKILL: $(tail -n 2 "$T/b.err")"
grep -q 'is passed: SIGKILL' "$T/b.err" || fail "no SIGKILL message: $(cat "$T/b.err")"
"$HS" info "$T/b" | grep -q '^complete: *no' || fail "killed at the cap, yet complete"
"$HS" build "$T/b" >"$T/b.build" 2>&1 || fail "the killed recording does not build: $(tail -n 2 "$T/b.build")"
n=$("$HS" info "$T/b" | sed -n 's/^instructions: *\([0-9]*\).*/\1/p')
[ "$n" -ge $N ] && [ "$n" -lt $((N * 2)) ] || fail "killed past $N: $n instructions"

# under the cap: as without it
"$HS" record -o "$T/c" --max-instructions $N -- "$PROGS/box_loop" exit 100000 >/dev/null 2>"$T/c.err" ||
	fail "under the cap: exit $?: $(tail -n 2 "$T/c.err")"
"$HS" record -o "$T/d" -- "$PROGS/box_loop" exit 100000 >/dev/null 2>&1 || fail "no cap: exit $?"
a=$("$HS" info "$T/c" | grep '^instructions:')
b=$("$HS" info "$T/d" | grep '^instructions:')
[ "$a" = "$b" ] || fail "under the cap: $a, without it: $b"
"$HS" record -o "$T/e" --max-instructions 0 -- true 2>/dev/null && fail "--max-instructions 0 accepted"
pass
