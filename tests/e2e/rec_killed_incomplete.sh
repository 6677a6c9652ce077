#!/bin/bash
# rec_killed_incomplete.sh - a recording whose valgrind (or whose `hindsight record`) is kill -9ed reads as complete: no, before and after build; a kill -9ed record takes its recorder with it.
. "$(dirname "$0")/lib.sh"
require_built spin

# start_spin TRACE: record spin in the background; sets REC_PID.
start_spin()
{
	"$HS" record -o "$1" -- "$PROGS/spin" 120 </dev/null >"$1.out" 2>"$1.err" &
	REC_PID=$!
	BG_PIDS+=("$REC_PID")
}

# wait_recording TRACE: until valgrind runs and has written some trace.
wait_recording()
{
	local kids
	for _ in $(seq 1 100); do
		kids=$(descendants "$REC_PID")
		if [ -n "$kids" ] && [ -d "$1" ] &&
			[ -n "$(find "$1" -type f -size +0 2>/dev/null | head -n 1)" ]; then
			sleep 0.5 # into the run (longer only makes the trace bigger)
			return 0
		fi
		kill -0 "$REC_PID" 2>/dev/null || fail "record of spin ended early: $(tail -n 1 "$1.err")"
		sleep 0.2
	done
	fail "no valgrind child or no trace data after 20 s"
}

# exited PID SECONDS: whether our child PID has exited (is a zombie or gone)
# within SECONDS.
exited()
{
	local _i st
	for _i in $(seq 1 $(($2 * 10))); do
		st=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null)
		case $st in '' | Z) return 0 ;; esac
		sleep 0.1
	done
	return 1
}

# check_incomplete NAME TRACE
check_incomplete()
{
	local out rc
	out=$(timeout -k 5 60 "$HS" info "$2" 2>&1)
	rc=$?
	[ "$rc" -lt 126 ] || fail "$1: hindsight info crashed or hung (exit $rc)"
	echo "$out" | grep -qE '^complete: *no( |$)' ||
		fail "$1: info does not say 'complete: no': $(echo "$out" | grep '^complete' || echo "$out" | tail -n 1)"
	timeout -k 5 120 "$HS" trace-check "$2" >"$2.check" 2>&1
	rc=$?
	[ "$rc" -lt 124 ] || fail "$1: trace-check crashed or hung on the incomplete trace (exit $rc)"
}

# 1. kill -9 valgrind (every process below record): record must notice.
start_spin "$T/a"
wait_recording "$T/a"
mapfile -t kids < <(descendants "$REC_PID")
note "killing valgrind: ${kids[*]}"
kill -9 "${kids[@]}" 2>/dev/null
exited "$REC_PID" 60 || fail "record did not exit within 60 s after its valgrind was killed"
wait "$REC_PID"
rc=$?
[ "$rc" != 0 ] || fail "record exited 0 although its valgrind was killed"
check_incomplete "valgrind killed" "$T/a"

# 2. kill -9 record itself: its recorder dies with it within a second (no
#    orphan recording on), and what it left behind is incomplete.
start_spin "$T/b"
wait_recording "$T/b"
mapfile -t kids < <(descendants "$REC_PID")
BG_PIDS+=("${kids[@]}")
kill -9 "$REC_PID"
wait "$REC_PID" 2>/dev/null
for k in "${kids[@]}"; do
	exited "$k" 1 || fail "the recorder $k outlived its SIGKILLed record by a second"
done
check_incomplete "record killed" "$T/b"
"$HS" build "$T/b" >"$T/b.build" 2>&1
grep -qi "incomplete" "$T/b.build" "$T/b/db/manifest.json" 2>/dev/null ||
	fail "build does not say the killed recording is incomplete: $(tail -n 2 "$T/b.build")"
check_incomplete "record killed, built" "$T/b"
pass
