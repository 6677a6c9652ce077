#!/bin/bash
# rec_regs_replay.sh - trace-check replays every recording with regs-mismatches 0.
. "$(dirname "$0")/lib.sh"
PROGRAMS="example threads signal forkexec small exitcode abort"
# shellcheck disable=SC2086
require_built $PROGRAMS

gen_text "$T/input.txt" 200000
gen_text "$T/lines.txt" 100000

for p in $PROGRAMS; do
	case $p in
	exitcode) want=3 ;;
	abort) want=134 ;;
	*) want=0 ;;
	esac
	WANT_RC=$want record_ok "$T/$p" "$PROGS/$p"
	check_regs "$T/$p"
	note "$p: regs-mismatches 0"
done
record_ok "$T/gzip" /usr/bin/gzip -c "$T/input.txt"
check_regs "$T/gzip"
record_ok "$T/sort" /usr/bin/sort -S 4M --parallel=1 "$T/lines.txt"
check_regs "$T/sort"
record_ok "$T/python3" /usr/bin/python3 -c 'print(sum(range(1000)))'
check_regs "$T/python3"
pass
