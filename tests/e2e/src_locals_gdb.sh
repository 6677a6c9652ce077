#!/bin/bash
# src_locals_gdb.sh - time/<t>/locals/ at -O2 lists exactly the variables
# gdb's `info args` + `info locals` list at a breakpoint, with the values
# gdb prints first for each name: at `break f` on functions inlined with
# loops and nested blocks (the copy's nested-block variables its abstract
# origin holds, <optimized out>), on lines in nested blocks, shadowed
# names (each declaration gdb lists: the hidden ones as name:LINE), a
# struct kept in pieces, constants gdb keeps as bytes, main's
# parameters, values computed by typed DWARF expressions (doubles and
# floats from SSE registers and memory, conversions, entry values of
# SSE registers; _Float128 from a double, __int128 arithmetic gdb 13
# refuses: its error text), and the caller's variables at a return
# (finish:f).
# gcc and clang, -O2, one program at -O0 too.  Oracle:
# scripts/gdb-locals-oracle.py, gdb on the same programs natively.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built loc_virt_o2
require_built loc_inl_o2
require_built loc_typed_o2
require_built loc_pair_o2
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

VIRT=$(specs loc_virt_o2.cc total 'Ci::area' calc finish:calc)
INL=$(specs loc_inl_o2.c add fold outer)
TYPED=$(specs loc_typed_o2.c scale mix grow sum_u widen finish:scale finish:mix finish:grow finish:sum_u finish:widen
	finish:wide128)
PAIR=$(specs loc_pair_o2.cc step swap apply finish:step finish:swap finish:apply)
check virt_gcc "$PROGS/loc_virt_o2" "$VIRT"
check inl_gcc "$PROGS/loc_inl_o2" "$INL"
check typed_gcc "$PROGS/loc_typed_o2" "$TYPED"
check pair_gcc "$PROGS/loc_pair_o2" "$PAIR"
mkdir -p "$T/bin"
# -O0: the shadowed names in frame-based locations (no `break step`:
# its q is not set yet, stack garbage that differs from the native run)
g++ -g -O0 -o "$T/bin/loc_pair_o0" "$ROOT/tests/programs/loc_pair_o2.cc" || fail "g++ -O0 loc_pair_o2.cc"
check pair_o0 "$T/bin/loc_pair_o0" "$(specs loc_pair_o2.cc finish:step finish:swap)"
if command -v clang >/dev/null && command -v clang++ >/dev/null; then
	clang++ -g -O2 -o "$T/bin/loc_virt_clang" "$ROOT/tests/programs/loc_virt_o2.cc" ||
		fail "clang++ loc_virt_o2.cc"
	clang -g -O2 -o "$T/bin/loc_inl_clang" "$ROOT/tests/programs/loc_inl_o2.c" ||
		fail "clang loc_inl_o2.c"
	clang -g -O2 -o "$T/bin/loc_typed_clang" "$ROOT/tests/programs/loc_typed_o2.c" ||
		fail "clang loc_typed_o2.c"
	clang++ -g -O2 -o "$T/bin/loc_pair_clang" "$ROOT/tests/programs/loc_pair_o2.cc" ||
		fail "clang++ loc_pair_o2.cc"
	check virt_clang "$T/bin/loc_virt_clang" "$VIRT"
	check inl_clang "$T/bin/loc_inl_clang" "$INL"
	check typed_clang "$T/bin/loc_typed_clang" "$TYPED"
	check pair_clang "$T/bin/loc_pair_clang" "$PAIR"
fi
pass "locals/ as gdb's info args + info locals (hits/values):$summary"
