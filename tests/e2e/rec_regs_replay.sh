#!/bin/bash
# rec_regs_replay.sh - trace-check replays every recording with regs-mismatches 0.
#
# Records every test program and gzip/sort/python3, checks them all, and
# reports every recording that fails, not just the first.
. "$(dirname "$0")/lib.sh"
PROGRAMS="example threads signal forkexec small exitcode abort"
# shellcheck disable=SC2086
require_built $PROGRAMS

gen_text "$T/input.txt" 200000
gen_text "$T/lines.txt" 100000
problems=()
failed=()

# replay NAME WANT_RC PROG [ARGS...]
replay()
{
	local name=$1 want=$2 rc p
	shift 2
	hs_record "$T/$name" "$@"
	rc=$?
	if [ "$rc" != "$want" ]; then
		problems+=("$name: record exited $rc, expected $want")
		failed+=("$name")
		return
	fi
	p=$(regs_problem "$T/$name")
	if [ -n "$p" ]; then
		problems+=("$p")
		failed+=("$name")
		note "$p"
	else
		note "$name: regs-mismatches 0"
	fi
}

for p in $PROGRAMS; do
	case $p in
	exitcode) replay "$p" 3 "$PROGS/$p" ;;
	abort) replay "$p" 134 "$PROGS/$p" ;;
	*) replay "$p" 0 "$PROGS/$p" ;;
	esac
done
replay gzip 0 /usr/bin/gzip -c "$T/input.txt"
replay sort 0 /usr/bin/sort -S 4M --parallel=1 "$T/lines.txt"
replay python3 0 /usr/bin/python3 -c 'print(sum(range(1000)))'

if [ ${#problems[@]} != 0 ]; then
	fail "${#problems[@]} of 10 recordings fail (${failed[*]}); first: ${problems[0]}"
fi
pass
