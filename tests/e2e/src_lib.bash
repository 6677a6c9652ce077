# src_lib.bash - helpers of the src_* tests (bash): gdb as the oracle of the
# source-level tree.  Source after lib.sh, db_lib.bash and fs_lib.bash.
# shellcheck shell=bash

# src_oracle PROG [--o2]: runs PROG natively under gdb (scripts/gdb-oracle.py:
# step from main to the end, breakpoints on every function), records and
# builds the same run, mounts it, and compares (gdb-oracle.py compare).
# Fails the test with the first mismatches; the comparison's summary goes
# to stderr (the test log).
src_oracle()
{
	local prog=$1 rc
	shift
	command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
	require_built "$prog"
	ORACLE_PROG=$PROGS/$prog ORACLE_OUT=$T/oracle.json \
		timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$ROOT/scripts/gdb-oracle.py" \
		</dev/null >"$T/gdb.out" 2>&1
	rc=$?
	[ "$rc" = 0 ] && [ -s "$T/oracle.json" ] ||
		fail "gdb oracle exited $rc: $(grep -i 'error\|Traceback' "$T/gdb.out" | head -n 2 | tr '\n' ' ')"
	record_ok "$T/trace" "$PROGS/$prog"
	build_ok "$T/trace"
	mount_tree "$T/trace" "$T/mnt"
	"$PY" "$ROOT/scripts/gdb-oracle.py" compare "$T/oracle.json" "$T/mnt" "$@" >"$T/compare.out" 2>&1
	rc=$?
	cat "$T/compare.out" >&2
	[ "$rc" = 0 ] || fail "$(grep -v '^gdb stops\|^locals compared\|^deepest\|^calls/' "$T/compare.out" | head -n 3 | tr '\n' ' ')"
}
