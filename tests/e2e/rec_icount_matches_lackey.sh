#!/bin/bash
# rec_icount_matches_lackey.sh - trace-check --insns equals lackey's count of executed instructions.
#
# Workloads: tests/programs/small, `gzip -c` of a 300 KB file, `sort` of a
# 100 KB file and `python3 -c 'print(sum(range(1000)))'` (PYTHONHASHSEED=0).  The oracle is
# lackey --basic-counts=yes ("guest instrs"), run with the environment the
# recorded program saw (see lib.sh); callgrind's Ir is not exact (lib.sh).
# If a count differs, both runs are repeated once: a second, matching pair
# passes (and is reported), so that a one-off environmental wobble in the
# program itself is told apart from a recorder that miscounts.
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2034 # read by lib.sh
PROG_STDERR=/dev/null # see lib.sh, "stderr's offset"
require_built small rec_spec_arm

gen_text "$T/input.txt" 300000
gen_text "$T/lines.txt" 100000
capture_client_env "$T/tr" "$T/env"

check_count()
{
	local name=$1 try got want
	shift
	for try in 1 2; do
		rm -rf "$T/tr" "$T"/tr.*
		record_ok "$T/tr" "$@"
		insns "$T/tr"
		got=$INSNS
		want=$(lackey_insns "$T/env" "$T/lk" "$@")
		[ -n "$want" ] || fail "$name: lackey printed no guest instrs line ($(tail -n 1 "$T/lk.log"))"
		[ -n "$got" ] || fail "$name: trace-check --insns printed nothing"
		if [ "$got" = "$want" ]; then
			note "$name: $got instructions (try $try)"
			return 0
		fi
		note "$name: recorded $got, lackey $want (try $try)"
	done
	fail "$name: trace-check --insns says $got, lackey says $want (diff $((got - want)))"
}

# rec_spec_arm's count is known by hand (see its source): lackey with
# Valgrind's default chasing says 6006, the instructions of a branch arm
# VEX speculated; the recording must hold only what ran
record_ok "$T/tr" "$PROGS/rec_spec_arm"
insns "$T/tr"
[ "$INSNS" = 4016 ] || fail "rec_spec_arm: recorded $INSNS instructions, it runs exactly 4016"
note "rec_spec_arm: 4016 instructions, as counted by hand"
check_count small "$PROGS/small"
check_count gzip /usr/bin/gzip -c "$T/input.txt"
check_count sort /usr/bin/sort -S 4M --parallel=1 "$T/lines.txt"
# The real file, not the /usr/bin/python3 symlink: argv[0] must be the same
# in both runs whatever record does with symlinks (rec_output_equals_real
# checks that it keeps argv[0]).
check_count python3 "$(readlink -f /usr/bin/python3)" -c 'print(sum(range(1000)))'
pass
