# inl_lib.bash - the gdb oracle of inlined code (scripts/gdb-inline-oracle.py)
# for src_oracle_inline.sh and src_inl2_oracle.sh.  Source after lib.sh,
# db_lib.bash, fs_lib.bash and src_lib.bash (oracle_gdb, oracle_replay).
# shellcheck shell=bash

# inl_oracle_run PROG MIN_INLINED [WALKS] [REVERSE]: PROG has at least
# MIN_INLINED inlined copies (DW_TAG_inlined_subroutine); gdb runs it
# natively (ORACLE_WALKS=WALKS, ORACLE_REVERSE=REVERSE: "" is the
# oracle's default), Hindsight records, builds and mounts the same run,
# and the two agree (the comparison in $T/PROG.cmp, gdb's in $T/PROG.json).
inl_oracle_run()
{
	local prog=$1 min=$2 walks=${3-} reverse=${4-} n rc
	require_built "$prog"
	n=$(objdump --dwarf=info "$PROGS/$prog" | grep -c DW_TAG_inlined_subroutine)
	[ "$n" -ge "$min" ] || fail "$prog: $n inlined copies, expected >= $min (did the compiler inline?)"
	ORACLE_PROG=$PROGS/$prog ORACLE_WALKS=$walks ORACLE_REVERSE=$reverse \
		oracle_gdb "$prog" "$ROOT/scripts/gdb-inline-oracle.py"
	oracle_replay "$prog" "$PROGS/$prog" "$ROOT/scripts/gdb-inline-oracle.py"
	rc=$?
	[ "$rc" = 0 ] || fail "$prog: $(head -n 3 "$T/$prog.cmp" | tr '\n' ' ')"
}
