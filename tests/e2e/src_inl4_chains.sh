#!/bin/bash
# src_inl4_chains.sh - whole chains of gdb's step, next and reverse-step
# through code inlined at -O2 (tests/programs/inl4_chain_o2.c: copies
# nested three deep, two copies on one line, a copy on a line with the
# caller's own code, copies in a loop, functions whose first and last
# rows are a copy's; inl4_cxx_o2.cc: in-class methods inlined into each
# other, a member template, a lambda called where it is defined; and
# inl3_finish_o2.c).
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

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
summary=""
# PROG:LINE, LINE: main's line whose `next` stop the reverse chain starts from
for spec in inl4_chain_o2:57 inl3_finish_o2:35; do
	prog=${spec%%:*}
	require_built "$prog"
	ORACLE_PROG=$PROGS/$prog ORACLE_RLINE=${spec#*:} \
		oracle_gdb "$prog" "$ROOT/tests/e2e/src_inl4_chains.py"
	oracle_replay "$prog" "$PROGS/$prog" "$ROOT/tests/e2e/src_inl4_chains.py" ||
		fail "$prog: $(head -n 3 "$T/$prog.cmp" | tr '\n' ' ')"
	# the chains went through copies: breaks on inlined functions were hit
	grep -q 'break hits [1-9]' "$T/$prog.cmp" || fail "$prog: no break hit compared"
	summary="$summary $prog: $(tail -n 1 "$T/$prog.cmp" | sed 's/: 0 mismatches//');"
done
pass "chains equal to gdb's:$summary"
