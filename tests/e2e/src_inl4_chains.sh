#!/bin/bash
# src_inl4_chains.sh - whole chains of gdb's step, next and reverse-step
# through code inlined at -O2 (tests/programs/inl4_chain_o2.c: copies
# nested three deep, two copies on one line, a copy on a line with the
# caller's own code, copies in a loop, functions whose first and last
# rows are a copy's; inl4_cxx_o2.cc: in-class
# methods inlined into each other, a member template, a lambda called
# where it is defined; inl4_tmpl_o2.cc: a constructor and an operator on
# one line, templates two deep, std::max, a virtual call from a copy, a
# return into a row that is no statement; inl3_finish_o2.c, and
# iv_nest_o2.c: copies starting at a function's entry, reverse-stepped
# into), and
# where `break f` stops (/api/calls t_stop) in the program and in libc
# (tests/programs/inl4_libbrk_o2.c).
#
# Oracle: tests/e2e/src_inl4_chains.py, gdb on a native run: `step` and
# `next` from `break main`; for each function the steps went through,
# `break f` and `next` from its first hits (a copy's hit is the view of
# the moment that shows it, calls/f's entry); under `record full`,
# `reverse-step` from f's first hit and from a late `next` stop of main
# back to main's first line.  step-into, next-line and step-back from the
# same moments must stop at the same pcs with gdb's backtraces.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
# both the mounts and the servers end with the test
trap 'for p in "${SRV_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; fs_cleanup' EXIT

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
summary=""
# PROG:LINE:BREAKS, LINE: main's line whose `next` stop the reverse chain
# starts from (0: only the breaks, the steps going into libc); BREAKS: the
# functions whose `break` gdb's first hit /api/calls's t_stop must equal
# (group_member: a frame pointer set up in a libc CU with location lists)
# (tests/programs/inl4_more_o2.c, which found nothing more, is left out
# for time: ORACLE_RLINE=50 ORACLE_BREAKS=m4_rec,m4_sw)
for spec in inl4_chain_o2:57:c4_loop,__vfprintf_internal inl4_cxx_o2:37: \
	inl4_tmpl_o2:43: inl3_finish_o2:35:fin_g iv_nest_o2:63: \
	inl4_libbrk_o2:0:qsort_r,group_member; do
	prog=${spec%%:*}
	rest=${spec#*:}
	rline=${rest%%:*}
	require_built "$prog"
	only=0
	[ "$rline" = 0 ] && only=1
	ORACLE_PROG=$PROGS/$prog ORACLE_RLINE=$rline ORACLE_BREAKS=${rest#*:} ORACLE_ONLY_BREAKS=$only \
		oracle_gdb "$prog" "$ROOT/tests/e2e/src_inl4_chains.py"
	record_ok "$T/$prog.trace" "$PROGS/$prog"
	build_ok "$T/$prog.trace"
	mount_tree "$T/$prog.trace" "$T/$prog.mnt"
	serve_start "$prog" "$T/$prog.trace"
	ORACLE_BASE=$BASE "$PY" "$ROOT/tests/e2e/src_inl4_chains.py" compare "$T/$prog.json" \
		"$T/$prog.mnt" >"$T/$prog.cmp" 2>&1 ||
		fail "$prog: $(head -n 3 "$T/$prog.cmp" | tr '\n' ' ')"
	sed "s/^/$prog: /" "$T/$prog.cmp" >&2
	# every break was compared; the chains went through copies
	[ -z "${rest#*:}" ] || grep -q "t_stop \([1-9][0-9]*\)/\1:" "$T/$prog.cmp" ||
		fail "$prog: a break not compared"
	[ "$only" = 1 ] || grep -q 'break hits [1-9]' "$T/$prog.cmp" || fail "$prog: no break hit compared"
	summary="$summary $prog: $(tail -n 1 "$T/$prog.cmp" | sed 's/: 0 mismatches//');"
done
pass "chains equal to gdb's:$summary"
