#!/bin/bash
# src_plt_dlclose.sh - calls through the PLT of a library that dlclose
# unmapped before the end of the recording (tests/programs/plt_dlclose:
# loaded, called and unloaded twice; its constructor and its function call
# puts and printf through its own PLT stubs) are filed under the function
# they reach, as gdb's `break puts` counts them: the stub's slot is read
# as it was while the library was mapped (fs/query/db_stub.c).  Compared
# with gdb on a native run (scripts/gdb-calls-oracle.py: counts from main
# on, backtraces at each entry).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/src_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built
SRC=$ROOT/tests/programs/plt_dlclose
cc -g -O0 -fPIC -shared -o "$T/libplugdl.so" "$SRC/lib.c" &&
	cc -g -O0 -o "$T/plt_dlclose" "$SRC/main.c" -ldl -Wl,-rpath,"$T" ||
	fail "cannot build tests/programs/plt_dlclose"
summary=""
LIBFUNCS="puts printf"
calls_oracle plt_dlclose "$T/plt_dlclose" "$SRC/main.c" visit plug_greet
pass "calls through a dlclose'd library's PLT are its functions' calls, equal to gdb's:$summary"
