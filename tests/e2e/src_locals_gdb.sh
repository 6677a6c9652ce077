#!/bin/bash
# src_locals_gdb.sh - time/<t>/locals/ at -O2 lists exactly the variables
# gdb's `info args` + `info locals` list at a breakpoint, with the values
# gdb prints first for each name: at `break f` on functions inlined with
# loops and nested blocks (the copy's nested-block variables its abstract
# origin holds, <optimized out>), on lines in nested blocks, shadowed
# names, a struct kept in pieces, constants gdb keeps as bytes, main's
# parameters.  gcc and clang.  Oracle: scripts/gdb-locals-oracle.py, gdb
# on the same programs natively.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built loc_virt_o2
require_built loc_inl_o2
ORC=$ROOT/scripts/gdb-locals-oracle.py
summary=

# specs FILE FUNC... : the functions, then FILE:LINE of each /* TAG */ line
specs()
{
	local file=$1 src=$ROOT/tests/programs/$1
	shift
	echo "$@ $(grep -n '[/][*/] [A-Z]*\( \*/\)\?$' "$src" | cut -d: -f1 | sed "s|^|$file:|" | tr '\n' ' ')"
}

# check NAME BINARY SPECS: gdb's hits against the recording of the same run
check()
{
	local name=$1 bin=$2 rc
	ORACLE_PROG=$bin ORACLE_OUT=$T/$name.json ORACLE_BREAKS=$3 \
		timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$ORC" </dev/null >"$T/$name.gdb" 2>&1
	[ -s "$T/$name.json" ] || fail "$name: gdb oracle: $(grep -i 'error\|Traceback' "$T/$name.gdb" | head -n 2 | tr '\n' ' ')"
	record_ok "$T/$name.trace" "$bin"
	build_ok "$T/$name.trace"
	mount_tree "$T/$name.trace" "$T/$name.mnt"
	"$PY" "$ORC" compare "$T/$name.json" "$T/$name.mnt" >"$T/$name.cmp" 2>&1
	rc=$?
	sed "s/^/$name: /" "$T/$name.cmp" >&2
	[ "$rc" = 0 ] || fail "$name: $(head -n 2 "$T/$name.cmp" | tr '\n' ' ')"
	summary="$summary $name:$(tail -n 1 "$T/$name.cmp" | sed 's/.*: \([0-9]*\) hits, \([0-9]*\) values.*/\1\/\2/')"
}

VIRT=$(specs loc_virt_o2.cc total 'Ci::area' calc)
INL=$(specs loc_inl_o2.c add fold outer)
check virt_gcc "$PROGS/loc_virt_o2" "$VIRT"
check inl_gcc "$PROGS/loc_inl_o2" "$INL"
if command -v clang >/dev/null && command -v clang++ >/dev/null; then
	mkdir -p "$T/bin"
	clang++ -g -O2 -o "$T/bin/loc_virt_clang" "$ROOT/tests/programs/loc_virt_o2.cc" ||
		fail "clang++ loc_virt_o2.cc"
	clang -g -O2 -o "$T/bin/loc_inl_clang" "$ROOT/tests/programs/loc_inl_o2.c" ||
		fail "clang loc_inl_o2.c"
	check virt_clang "$T/bin/loc_virt_clang" "$VIRT"
	check inl_clang "$T/bin/loc_inl_clang" "$INL"
fi
pass "locals/ as gdb's info args + info locals (hits/values):$summary"
