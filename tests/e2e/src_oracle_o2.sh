#!/bin/bash
# src_oracle_o2.sh - gdb vs Hindsight on loops_o2.c, built -O2 -g: the looser match.
#
# With optimisation, gdb's `step` and a line table disagree on where a
# line "starts" (the compiler interleaves and repeats lines), and many
# variables live only in registers for part of their scope.  So here:
#  - the SET of (file, line) pairs that ran in main's call must be the
#    same (not the sequence);
#  - calls/<f> counts must equal gdb's breakpoint hits, and return values
#    (time/<t_ret>/reg/rax) gdb's "Value returned", exactly;
#  - where/locals/backtrace are compared only if the sequences happen to
#    line up, and a local that either side reports <optimized out> is
#    not compared.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"

src_oracle loops_o2 --o2
pass "$(head -n 1 "$T/compare.out")"
