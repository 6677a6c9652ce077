#!/bin/bash
# rec_output_equals_real.sh - captured stdout/stderr (trace-check --output 1/2) equal a native run's, byte for byte.
#
# Also checks that `hindsight record` passes the program's stdout through
# unchanged (nothing of its own on stdout).
. "$(dirname "$0")/lib.sh"
require_built example

gen_text "$T/input.txt" 200000

check_output()
{
	local name=$1 fd
	shift
	native "$T/$name.native" "$@"
	record_ok "$T/$name" "$@"
	for fd in 1 2; do
		tc_data "$T/$name.fd$fd" --output "$fd" "$T/$name"
	done
	same_file "$name: captured stdout" "$T/$name.native.out" "$T/$name.fd1"
	same_file "$name: captured stderr" "$T/$name.native.err" "$T/$name.fd2"
	same_file "$name: stdout passed through by record" "$T/$name.native.out" "$T/$name.out"
	note "$name: $(wc -c <"$T/$name.fd1") + $(wc -c <"$T/$name.fd2") bytes match"
}

check_output example "$PROGS/example"
check_output gzip /usr/bin/gzip -c "$T/input.txt"
check_output python3 /usr/bin/python3 -c 'print(sum(range(1000)))'
# The example's bug must be visible (it writes its warning to stderr).
grep -q 'do not balance' "$T/example.fd2" || fail "example: no 'do not balance' warning on stderr"
pass
