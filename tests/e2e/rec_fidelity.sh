#!/bin/bash
# rec_fidelity.sh - the recorded program sees what a native run sees: argv (argv[0] too), free descriptors, environment.
#
#   argv   /usr/bin/python3 is a symlink; the program must still get
#          argv[0] = /usr/bin/python3 (multi-call programs such as busybox
#          dispatch on it).
#   fds    the first descriptor the program opens is 3, as natively: the
#          recorder's own files must live in Valgrind's reserved range
#          (VG_(safe_fd)), or the program's numbering shifts and a program
#          that closes every descriptor >= 3 (daemons, subprocess children)
#          closes the trace.
#   env    the same variables and values, except VALGRIND_LIB (documented
#          in the README) and Valgrind's LD_PRELOAD.  Debian's
#          /usr/bin/valgrind wrapper script adds LD_LIBRARY_PATH and
#          GLIBCXX_FORCE_NEW/GLIBCPP_FORCE_NEW; /usr/bin/valgrind.bin does not.
. "$(dirname "$0")/lib.sh"
require_built

PY=/usr/bin/python3

# same NAME ARGS...: stdout of a native and a recorded run are equal.
same()
{
	local name=$1
	shift
	native "$T/$name.native" "$@"
	record_ok "$T/$name" "$@"
	same_file "$name" "$T/$name.native.out" "$T/$name.out"
}

same argv "$PY" -c 'import sys; print(sys.orig_argv)' one 'two words'
same fds "$PY" -c 'import os; print("first free descriptor:", os.open("/dev/null", os.O_RDONLY))'

# Environment: compare as sorted NUL-separated lists.
envdump()
{
	tr '\0' '\n' <"$1" | grep -vE '^(VALGRIND_LIB|LD_PRELOAD)=' | sort
}
native "$T/env.native" /usr/bin/env -0
record_ok "$T/env" /usr/bin/env -0
envdump "$T/env.native.out" >"$T/env.native.sorted"
envdump "$T/env.out" >"$T/env.sorted"
if ! cmp -s "$T/env.native.sorted" "$T/env.sorted"; then
	extra=$(comm -13 "$T/env.native.sorted" "$T/env.sorted" | cut -c1-60 | tr '\n' ' ')
	missing=$(comm -23 "$T/env.native.sorted" "$T/env.sorted" | cut -c1-60 | tr '\n' ' ')
	fail "env: the recorded program sees extra [${extra}] missing [${missing}]"
fi
pass
