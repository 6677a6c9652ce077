#!/bin/bash
# db_lines_nodebug.sh - a program with no debug info anywhere (static, no -g) builds without warnings and has no line starts: lines is empty, lines FILE says "no answer" with exit 1, step forward runs the function to its return as gdb's step does ("no line number information"), never a crash; its calls, callees and backtraces are there.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built
command -v cc >/dev/null || fail "no C compiler (cc)"

cc -O0 -static -o "$T/nodebug" "$ROOT/tests/programs/small.c" 2>"$T/cc.err" ||
	fail "cc -static failed: $(head -n 2 "$T/cc.err" | tr '\n' ' ')"
tr=$T/nd
record_ok "$tr" "$T/nodebug"
build_ok "$tr" --shards 2
verify_ok "$tr"
grep -i 'warning' "$tr.build.err" && fail "build warned: $(grep -i warning "$tr.build.err" | head -n 1)"

out=$("$HS" query "$tr" lines 2>&1) || fail "query lines exited $?: $out"
[ -z "$out" ] || fail "query lines listed files: $(echo "$out" | head -n 2 | tr '\n' ' ')"
out=$("$HS" query "$tr" lines small.c 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "query lines small.c exited $rc (want 1): $out"
echo "$out" | grep -q "no line starts" || fail "query lines small.c said: $out"
# forward, gdb's step and next in a function without line info run it to
# its return and stop in the caller ("Single stepping until exit from
# function ..., which has no line number information."): the return of
# the call open at t=1000; backwards there is no answer
fn=$("$HS" cat "$tr" time/1000/backtrace | head -n 1 | awk '{ sub(/\+0x[0-9a-f]+$/, "", $2); print $2 }')
t_call=$("$HS" cat "$tr" time/1000/backtrace | head -n 1 | awk '{ print $NF }')
ret=$("$HS" cat "$tr" "calls/$fn" | awk -v t="$t_call" '$1 == t { print $2 }')
[ -n "$ret" ] || fail "no return of $fn's call at $t_call in calls/$fn"
out=$("$HS" query "$tr" step 1000 into 2>&1) || fail "query step 1000 into exited $?: $out"
[ "$out" = "$ret" ] || fail "query step 1000 into: $out, the return of $fn is $ret"
for link in step-into next-line; do
	got=$("$HS" ls -l "$tr" "time/1000/$link" | sed 's/.* -> //')
	[ "$got" = "../$ret" ] || fail "time/1000/$link -> $got, the return of $fn is $ret"
done
for how in back-into back-over; do
	out=$("$HS" query "$tr" step 1000 "$how" 2>&1)
	rc=$?
	[ "$rc" = 1 ] || fail "query step 1000 $how exited $rc (want 1): $out"
done
n=$("$HS" query "$tr" line-starts 0 18446744073709551614 | wc -l)
[ "$n" = 0 ] || fail "$n line starts without debug info"
c=$("$HS" query "$tr" callees | wc -l)
[ "$c" -gt 10 ] || fail "only $c callees"
t=$("$HS" query "$tr" calls 0 18446744073709551614 | awk 'NR == 20 { print $1 + 1 }')
"$HS" query "$tr" backtrace "$t" >"$T/bt" || fail "query backtrace $t failed"
[ -s "$T/bt" ] || fail "no frames at t=$t, just inside a call"
pass "no lines; $c callees; $(wc -l <"$T/bt") frames at t=$t"
