# src_lib.bash - helpers of the src_* tests (bash): gdb as the oracle of the
# source-level tree.  Source after lib.sh, db_lib.bash and fs_lib.bash.
# (calls_oracle, expr_cases and expr_gdb need lib.sh only.)
# shellcheck shell=bash

# oracle_gdb NAME SCRIPT [GDB-ARGS...]: gdb runs the oracle SCRIPT in
# batch mode (ORACLE_OUT=$T/NAME.json; the caller sets the other ORACLE_*
# variables, ORACLE_PROG among them); its output in $T/NAME.gdb.  Fails
# the test unless gdb exits 0 and writes the JSON.
oracle_gdb()
{
	local name=$1 script=$2 rc
	shift 2
	ORACLE_OUT=$T/$name.json timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch "$@" -x "$script" \
		</dev/null >"$T/$name.gdb" 2>&1
	rc=$?
	[ "$rc" = 0 ] && [ -s "$T/$name.json" ] ||
		fail "$name: gdb oracle exited $rc: $(grep -i 'error\|Traceback' "$T/$name.gdb" | head -n 2 | tr '\n' ' ')"
}

# oracle_replay NAME PROG SCRIPT [COMPARE-ARGS...]: records PROG (the run
# oracle_gdb NAME watched) into $T/NAME.trace, builds and mounts it on
# $T/NAME.mnt, and compares it with $T/NAME.json (SCRIPT compare); the
# comparison in $T/NAME.cmp and on stderr (the test log), each line after
# "NAME: ".  Returns the comparison's status.
oracle_replay()
{
	local name=$1 prog=$2 script=$3 rc
	shift 3
	record_ok "$T/$name.trace" "$prog"
	build_ok "$T/$name.trace"
	mount_tree "$T/$name.trace" "$T/$name.mnt"
	"$PY" "$script" compare "$T/$name.json" "$T/$name.mnt" "$@" >"$T/$name.cmp" 2>&1
	rc=$?
	sed "s/^/$name: /" "$T/$name.cmp" >&2
	return $rc
}

# src_oracle PROG [--o2]: runs PROG natively under gdb (scripts/gdb-oracle.py:
# step from main to the end, breakpoints on every function), records and
# builds the same run, mounts it, and compares (gdb-oracle.py compare).
# Fails the test with the first mismatches; the comparison's summary goes
# to stderr (the test log) and stays in $T/compare.out.
src_oracle()
{
	local prog=$1 rc
	shift
	command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
	require_built "$prog"
	ORACLE_PROG=$PROGS/$prog oracle_gdb oracle "$ROOT/scripts/gdb-oracle.py"
	oracle_replay oracle "$PROGS/$prog" "$ROOT/scripts/gdb-oracle.py" "$@"
	rc=$?
	mv "$T/oracle.cmp" "$T/compare.out"
	[ "$rc" = 0 ] || fail "$(grep -v '^gdb stops\|^locals compared\|^deepest\|^calls/' "$T/compare.out" | head -n 3 | tr '\n' ' ')"
}

# calls_oracle NAME BINARY SOURCE FUNCS...: scripts/gdb-calls-oracle.py
# under gdb on BINARY (breakpoints on FUNCS, and on LIBFUNCS, libc's, after
# main) against calls/ of the same run recorded and built in
# $T/NAME.trace (read with `hindsight cat`); appends "NAME:<count>" to
# $summary.  Fails the test on the first mismatches.
calls_oracle()
{
	local name=$1 bin=$2 src=$3 rc
	shift 3
	ORACLE_PROG=$bin ORACLE_OUT=$T/$name.json ORACLE_FUNCS="$*" ORACLE_LIBFUNCS="$LIBFUNCS" \
		timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$ROOT/scripts/gdb-calls-oracle.py" \
		</dev/null >"$T/$name.gdb" 2>&1
	[ -s "$T/$name.json" ] || fail "$name: gdb oracle: $(grep -i 'error\|Traceback' "$T/$name.gdb" | head -n 2 | tr '\n' ' ')"
	record_ok "$T/$name.trace" "$bin"
	"$HS" build "$T/$name.trace" >"$T/$name.build" 2>&1 || fail "$name: build: $(tail -n 1 "$T/$name.build")"
	"$PY" "$ROOT/scripts/gdb-calls-oracle.py" compare "$T/$name.json" "$HS" "$T/$name.trace" \
		"$(basename "$src")" >"$T/$name.cmp" 2>&1
	rc=$?
	cat "$T/$name.cmp" >&2
	[ "$rc" = 0 ] || fail "$name: $(head -n 2 "$T/$name.cmp" | tr '\n' ' ')"
	summary="$summary $name:$(tail -n 1 "$T/$name.cmp" | cut -d, -f2 | cut -d' ' -f2)"
}

# expr_cases FILE PATTERN HIT: the cases of scripts/gdb-expr-oracle.py,
# "FILE:LINE<TAB>HIT<TAB>EXPR" for each expression on stdin, LINE where
# PATTERN (grep) matches in tests/programs/FILE.
expr_cases()
{
	local line
	line=$(grep -n "$2" "$ROOT/tests/programs/$1" | cut -d: -f1)
	while IFS= read -r e; do
		printf '%s:%s\t%s\t%s\n' "$1" "$line" "$3" "$e"
	done
}

# expr_gdb PROG CASES: scripts/gdb-expr-oracle.py on $PROGS/PROG natively;
# gdb's values in $T/PROG.gdb.tsv, its output in $T/PROG.gdb.out.  Fails
# the test unless gdb exits 0 and writes values.
expr_gdb()
{
	local rc
	EXPR_CASES=$2 EXPR_OUT=$T/$1.gdb.tsv timeout -k 10 "$STEP_TIMEOUT" \
		gdb -nx -batch -x "$ROOT/scripts/gdb-expr-oracle.py" "$PROGS/$1" </dev/null >"$T/$1.gdb.out" 2>&1
	rc=$?
	[ "$rc" = 0 ] && [ -s "$T/$1.gdb.tsv" ] || fail "gdb on $1 exited $rc"
}
