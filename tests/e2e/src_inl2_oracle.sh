#!/bin/bash
# src_inl2_oracle.sh - gdb's next, step, finish, where and backtrace in
# code inlined at -O2, on programs of their own: helpers inlined in loops
# (unrolled), inlining inside inlining, a helper inlined into main and
# also called out of line (through a pointer), a static inline from a
# header, and C++ in-class methods, a member template and a function
# template two deep (tests/programs/inl2_*); and the lines of inlined
# frames that are callers (tests/programs/inl3_frames_o2.c): glibc's
# bsearch inlined into main with its comparator inlined into it (a copy
# of two ranges whose first range starts before its entry pc), real calls
# made from copies nested two deep and from a copy's last instruction
# (frame #1's return address past the copy: gdb looks up pc - 1).
#
# Oracle: scripts/gdb-inline-oracle.py on a native run: gdb's `step`
# sequence from main, and walks of `next`, `step` and `finish` in fixed
# patterns; Hindsight follows the same links (next-line, step-into,
# finish) from time/main and must stop at the same pcs with gdb's where
# and backtrace.  gdb's `next` steps over inlined calls and, like any
# arrival, shows the call site at a copy's first instruction (the copy
# hidden): so does every moment.  The stop where gdb's `step` then enters
# the copy at the same pc has no moment of its own (only the frames under
# the copy are compared there).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"
. "$ROOT/tests/e2e/inl_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
summary=""
# gdb's reverse-next (under `record full`, from a late `next` stop back to
# main) against prev-line: in inl2_cpp_o2 prev-line stops where gdb does;
# in inl2_loop_o2 gdb's reverse-next stops at places its `next` does not
# (inside lines, around the header's copies) and prev-line, which stops
# where next-line would, does not follow it: not compared there.
for spec in inl2_loop_o2:no inl2_cpp_o2: inl3_frames_o2:no; do
	prog=${spec%%:*}
	reverse=${spec#*:}
	inl_oracle_run "$prog" 4 "" "$reverse"
	[ "$prog" = inl3_frames_o2 ] && continue # its walks leave for bsearch.h
	# the walks must have gone through inlined code and used every link
	grep -q 'walks [0-9]* stops ([1-9][0-9]* in inlined code' "$T/$prog.cmp" ||
		fail "$prog: no walk stop in inlined code was compared"
	for cmd in next step finish; do
		grep -q "\"cmd\": \"$cmd\"" "$T/$prog.json" || fail "$prog: no gdb $cmd in the walks"
	done
	summary="$summary $prog:$(tail -n 1 "$T/$prog.cmp" |
		sed 's/.*compared \([0-9]*\) .*walks \([0-9]*\) stops.*/\1+\2/')"
done
# inl3_frames_o2: the stops in the comparator's copy inside bsearch's and
# in leaf under two copies were compared (frames and lines)
grep -q 'compared [0-9]* ([1-9][0-9]* in inlined code; [1-9][0-9]* entering a copy' \
	"$T/inl3_frames_o2.cmp" || fail "inl3_frames_o2: $(tail -n 1 "$T/inl3_frames_o2.cmp")"
summary="$summary inl3_frames_o2:$(tail -n 1 "$T/inl3_frames_o2.cmp" | sed 's/.*compared \([0-9]*\) .*/\1/')"
pass "stops compared (step sequence + walks):$summary"
