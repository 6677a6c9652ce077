#!/bin/bash
# src_oracle_inline.sh - gdb vs Hindsight in code the compiler inlined
# (-O2): where and backtrace show every inlined copy holding the pc as a
# frame, step-into enters copies and finish leaves them as gdb does
# (scripts/gdb-inline-oracle.py).
#
# Programs (tests/programs/inl_*_o2.*): static helpers inlined at two
# sites, inlining two deep, a real call made from inside inlined code (its
# backtrace has the inlined frames between the callee and the caller),
# C++ in-class methods and a template inlined into main.  The test first
# checks with objdump that the compiler did inline them.
#
# Oracle: gdb `step` from main to the end on a native run; at every stop
# Hindsight's line start at the same pc (in order) has gdb's frame 0 as
# `where` and gdb's bt down to main as `backtrace`.  At the first
# instruction of an inlined copy gdb first shows the caller at the call
# site (the copy hidden), as it does whenever it arrives there, and a
# moment does too; the `step` that then enters the copy at the same pc
# has no moment of its own (only the frames under the copy are compared
# there).  Every step-into stop in main's call must be one of gdb's
# stops: the step sequence is gdb's.  `finish` out of an inline frame
# (gdb: `break f`, run, `next`, `finish`) stops where gdb's does.  And
# walks of gdb's `next`, `step` and `finish` in fixed patterns from main:
# Hindsight's next-line, step-into and finish links from time/main stop at
# the same pcs with the same where and backtrace (next steps over inlined
# calls; finish out of a copy goes on as next in the caller).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"
. "$ROOT/tests/e2e/inl_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
summary=""

# inline_oracle PROG MIN_INLINED: PROG has at least MIN_INLINED inlined
# copies (DW_TAG_inlined_subroutine) and agrees with gdb
inline_oracle()
{
	local prog=$1 min=$2
	inl_oracle_run "$@"
	[ "$min" = 0 ] || grep -q ' ([1-9][0-9]* in inlined code' "$T/$prog.cmp" ||
		fail "$prog: no stop in inlined code was compared"
	summary="$summary $prog:$(tail -n 1 "$T/$prog.cmp" |
		sed 's/.*compared \([0-9]*\) .*finish from \([0-9]*\) .*/\1 (\2)/')"
}

inline_oracle inl_basic_o2 4 "next;step,finish"
inline_oracle inl_calls_o2 3 "next;step,finish"
inline_oracle inl_methods_o2 4 "next;step,finish"
# and the step sequence through tail calls by conditional jumps out of
# assembly without line info: gdb steps over such a function, and so over
# the function it jumps to (tests/programs/inl_tailjcc_o2.c)
# (no reverse-next there: main has no inlined copy, and gdb's reverse-next
# back to main's first line stops at its opening line's prologue row,
# which prev-line, fs/query's, does not)
inline_oracle inl_tailjcc_o2 0 "next" no
pass "stops compared per program (and inline finishes):$summary"
