#!/bin/bash
# rec_icount_matches_lackey.sh - trace-check --insns equals lackey's count of executed instructions.
#
# Workloads: tests/programs/small, `gzip -c` of a 300 KB file, `sort` of a
# 100 KB file and `python3 -c 'print(sum(range(1000)))'`.  The oracle is
# lackey --basic-counts=yes ("guest instrs"), run with the environment the
# recorded program saw (see lib.sh); callgrind's Ir is not exact (lib.sh).
# If a count differs, both runs are repeated once: a second, matching pair
# passes (and is reported), so that a one-off environmental wobble in the
# program itself is told apart from a recorder that miscounts.
. "$(dirname "$0")/lib.sh"
require_built small

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
		got=$(insns "$T/tr")
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

check_count small "$PROGS/small"
check_count gzip /usr/bin/gzip -c "$T/input.txt"
check_count sort /usr/bin/sort -S 4M --parallel=1 "$T/lines.txt"
check_count python3 /usr/bin/python3 -c 'print(sum(range(1000)))'
pass
