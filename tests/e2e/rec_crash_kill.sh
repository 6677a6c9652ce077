#!/bin/bash
# rec_crash_kill.sh - a process killed by another one: SIGTERM while it runs and while it waits in pause() ends the recording with "signal SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=<sender>, si_uid=<uid>} fatal" (strace's form), exit-signal: SIGTERM and the kernel's exit status (as a native run killed the same way); SIGKILL, which the recorder cannot see, still gives exit-signal: SIGKILL from the exit status, with the recording incomplete.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built crash_term

# start_prog OUT CMD...: run CMD in the background (stdout to OUT), wait
# until the program printed its pid; sets BG and PROG_PID.
start_prog()
{
	local out=$1
	shift
	"$@" </dev/null >"$out" 2>"$out.err" &
	BG=$!
	BG_PIDS+=("$BG")
	for _ in $(seq 1 150); do
		[ -s "$out" ] && break
		kill -0 "$BG" 2>/dev/null || fail "$* ended early: $(tail -n 2 "$out.err" | tr '\n' ' ')"
		sleep 0.1
	done
	PROG_PID=$(head -n 1 "$out")
	[ -n "$PROG_PID" ] || fail "$* printed no pid"
	sleep 1 # well into its loop or its pause()
}

# kill_from SIG PID: send SIG from a shell of its own; prints that shell's
# pid (the sender the kernel names in si_pid).
kill_from()
{
	bash -c 'kill -s "$1" "$2"; echo $$' _ "$1" "$2"
}

for mode in spin pause; do
	arg=
	[ "$mode" = pause ] && arg=pause
	# the kernel's exit status, natively
	# shellcheck disable=SC2086
	start_prog "$T/native.$mode" "$PROGS/crash_term" $arg
	kill_from TERM "$PROG_PID" >/dev/null
	wait "$BG"
	native_rc=$?
	[ "$native_rc" = 143 ] || fail "native crash_term $mode: exit $native_rc after SIGTERM, expected 143"

	# shellcheck disable=SC2086
	start_prog "$T/$mode.out" "$HS" record -o "$T/$mode" -- "$PROGS/crash_term" $arg
	sender=$(kill_from TERM "$PROG_PID")
	wait "$BG"
	rc=$?
	[ "$rc" = "$native_rc" ] || fail "record crash_term $mode exited $rc, natively $native_rc"
	[ "$(info_get "$T/$mode" exit-signal)" = SIGTERM ] ||
		fail "$mode: info says exit-signal: '$(info_get "$T/$mode" exit-signal)'"
	want_info="SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=$sender, si_uid=$(id -u)}"
	[ "$(info_get "$T/$mode" exit-siginfo)" = "$want_info" ] ||
		fail "$mode: info says exit-siginfo: '$(info_get "$T/$mode" exit-siginfo)', sender $sender"
	[ "$(info_word "$T/$mode" complete)" = yes ] || fail "$mode: info says complete: $(info_get "$T/$mode" complete)"
	build_ok "$T/$mode"
	"$HS" cat "$T/$mode" events >"$T/$mode.events" || fail "$mode: cat events"
	# the signal, then the thread's end, then the exit (strace's order)
	line=$(tail -n 3 "$T/$mode.events" | head -n 1)
	case $line in
	*" signal $want_info fatal") ;;
	*) fail "$mode: the last events are '$(tail -n 3 "$T/$mode.events" | tr '\n' '|')', expected the SIGTERM from $sender" ;;
	esac
	tail -n 2 "$T/$mode.events" | head -n 1 | grep -q ' thread-exit ' ||
		fail "$mode: no thread-exit between the signal and the exit: $(tail -n 2 "$T/$mode.events" | tr '\n' '|')"
	tail -n 1 "$T/$mode.events" | grep -q ' exit signal=15 ' || fail "$mode: last event $(tail -n 1 "$T/$mode.events")"
	# the moment it died: in the loop, or in pause() called from main
	insn=$("$HS" cat "$T/$mode" time/crash/insn 2>&1) || fail "$mode: time/crash/insn: $insn"
	bt=$("$HS" cat "$T/$mode" time/crash/backtrace)
	loop=$(grep -n 'n++;' "$ROOT/tests/programs/crash_term.c" | cut -d: -f1)
	call=$(grep -n 'pause();' "$ROOT/tests/programs/crash_term.c" | cut -d: -f1)
	case $mode in
	spin) echo "$bt" | head -n 1 | grep -q "^#0 main+0x[0-9a-f]* crash_term.c:$loop " ||
		fail "spin: time/crash/backtrace starts '$(echo "$bt" | head -n 1)', expected main at line $loop" ;;
	pause) echo "$bt" | grep -q "^#[1-9][0-9]* main+0x[0-9a-f]* crash_term.c:$call " ||
		fail "pause: time/crash/backtrace '$(echo "$bt" | tr '\n' '|')' has no main at line $call" ;;
	esac
done

# SIGKILL: no recorder sees it; the exit status still says it
start_prog "$T/kill.out" "$HS" record -o "$T/kill" -- "$PROGS/crash_term"
kill_from KILL "$PROG_PID" >/dev/null
wait "$BG"
rc=$?
[ "$rc" = 137 ] || fail "record of crash_term killed by SIGKILL exited $rc, expected 137"
[ "$(info_get "$T/kill" exit-signal)" = SIGKILL ] || fail "SIGKILL: info says exit-signal: '$(info_get "$T/kill" exit-signal)'"
[ "$(info_word "$T/kill" complete)" = no ] || fail "SIGKILL: info says complete: $(info_get "$T/kill" complete)"
pass "SIGTERM running and in pause(), SIGKILL"
