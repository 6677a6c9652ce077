#!/bin/bash
# src_oracle_example.sh - gdb vs Hindsight on the bundled example (ledger, -O0).
#
# As src_oracle_recursive: line sequence, where, locals, calls/<f> counts,
# return values, finish.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"

src_oracle example
pass "$(head -n 1 "$T/compare.out")"
