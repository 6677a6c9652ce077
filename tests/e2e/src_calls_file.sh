#!/bin/bash
# src_calls_file.sh - calls/FILE:FUNCTION is gdb's `break FILE:FUNCTION`:
# two static functions named helper in two files, each file's calls alone
# (hit counts and the pc of the first hit against gdb on a native run);
# calls/helper holds both, a file with no such function is ENOENT, and
# C++'s A::f is not read as FILE:FUNCTION.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
cat >"$T/cf_a.c" <<'C'
static int helper(int x) { return x + 1; }
int run_b(int);
int run_a(int n) { int s = 0; for (int i = 0; i < n; i++) s += helper(i); return s; }
int main(void) { return (run_a(3) + run_b(2)) & 1; }
C
cat >"$T/cf_b.c" <<'C'
static int helper(int x)
{
	return x * 2;
}
int run_b(int n) { int s = 0; for (int i = 0; i < n; i++) s += helper(i); return s; }
C
(cd "$T" && gcc -g -O0 -o cf cf_a.c cf_b.c) || fail "gcc"
record_ok "$T/t" "$T/cf"
build_ok "$T/t"
for f in cf_a.c cf_b.c; do
	# the first hit, then (all hits ignored) the count at the end
	timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex "break $f:helper" -ex run "$T/cf" \
		</dev/null >"$T/$f.gdb" 2>&1
	timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex "break $f:helper" -ex 'ignore 1 1000000' \
		-ex run -ex 'info breakpoints' "$T/cf" </dev/null >"$T/$f.count" 2>&1
	want=$(sed -n 's/.*breakpoint already hit \([0-9]*\) time.*/\1/p' "$T/$f.count")
	"$HS" cat "$T/t" "calls/$f:helper" >"$T/$f.calls" || fail "calls/$f:helper"
	[ -n "$want" ] && [ "$want" -gt 0 ] && [ "$(wc -l <"$T/$f.calls")" = "$want" ] ||
		fail "calls/$f:helper: $(wc -l <"$T/$f.calls") lines, gdb's break $f:helper $want hits"
	# the first call's step-into lands where gdb's breakpoint stopped
	t=$(head -n 1 "$T/$f.calls" | cut -d' ' -f1)
	got=$("$HS" cat "$T/t" "time/$t/step-into/where" | cut -d' ' -f2)
	line=$(sed -n 's/^Breakpoint 1, helper .* at .*:\([0-9]*\)$/\1/p' "$T/$f.gdb" | head -n 1)
	[ "$got" = "$f:$line" ] || fail "calls/$f:helper's first call steps into $got, gdb stopped at $f:$line"
done
[ "$(cat "$T/cf_a.c.calls" "$T/cf_b.c.calls" | sort)" = "$("$HS" cat "$T/t" calls/helper | sort)" ] ||
	fail "calls/helper is not both files' calls"
"$HS" cat "$T/t" calls/cf_c.c:helper >/dev/null 2>&1 && fail "calls/cf_c.c:helper exists"
"$HS" cat "$T/t" calls/cf_a.c:run_b >/dev/null 2>&1 && fail "calls/cf_a.c:run_b exists (run_b is cf_b.c's)"
"$HS" cat "$T/t" calls/cf_b.c:run_b >/dev/null 2>&1 || fail "calls/cf_b.c:run_b does not exist"
pass "calls/FILE:helper: $(wc -l <"$T/cf_a.c.calls") + $(wc -l <"$T/cf_b.c.calls") calls as gdb's break FILE:helper"
