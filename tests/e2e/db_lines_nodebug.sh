#!/bin/bash
# db_lines_nodebug.sh - a program with no debug info anywhere (static, no -g) builds without warnings and has no line starts: lines is empty, lines FILE and step say "no answer" with exit 1, never a crash; its calls, callees and backtraces are there.
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
for how in into over back-into back-over; do
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
