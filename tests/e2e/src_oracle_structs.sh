#!/bin/bash
# src_oracle_structs.sh - gdb vs Hindsight on structs.c (-O0): structs, nested structs, arrays, enums, char arrays, pointers, chars, shorts.
#
# As src_oracle_recursive: line sequence, where, locals (struct and array
# values in gdb's {a = 1, ...} form, pointers only as "a pointer"),
# calls/<f> counts, return values (int, char, enum) and finish.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"

src_oracle structs
pass "$(head -n 1 "$T/compare.out")"
