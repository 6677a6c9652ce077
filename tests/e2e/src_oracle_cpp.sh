#!/bin/bash
# src_oracle_cpp.sh - gdb vs Hindsight on C++ programs (-O0): objects with single, multiple and virtual bases, static members, std::vector and std::string members, references, pointers to members, enum class, bool, methods and `this`; demangled function names.
#
# As src_oracle_structs: line sequence, where (gdb's frame names:
# "Fruit::price"), locals (gdb's raw `print` text, no pretty printers),
# backtraces, calls/<f> counts and return values.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"

src_oracle cpp_objects
pass "$(head -n 1 "$T/compare.out")"
