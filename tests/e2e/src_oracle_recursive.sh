#!/bin/bash
# src_oracle_recursive.sh - gdb vs Hindsight on recursive.c (-O0): a recursive tree insert 7 calls deep, height, sum_depths, factorial.
#
# gdb steps natively from main to the end; Hindsight's recording of the
# same run must give the same line sequence (lines/), the same function
# and line at each stop (where), the same values of the locals that do not
# depend on addresses (locals/), as many calls/<f> as gdb's breakpoint
# hits, gdb's "Value returned" in time/<t_ret>/reg/rax and through
# time/<t>/finish, and gdb's bt (backtrace) at the deepest stop.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"

src_oracle recursive
deep=$(sed -n 's/^deepest stop: [0-9]*, depth \([0-9]*\),.*/\1/p' "$T/compare.out")
[ "${deep:-0}" -ge 7 ] || fail "the deepest stop compared is not 7 calls deep: $(grep deepest "$T/compare.out")"
pass "$(head -n 1 "$T/compare.out")"
