#!/bin/bash
# rec_abort_signal.sh - abort(): the EXIT record names SIGABRT (exit signal=6), time/crash exists and is the last moment (the default action runs at the tgkill).
. "$(dirname "$0")/lib.sh"
require_built abort small

WANT_RC=134 record_ok "$T/tr" "$PROGS/abort"
"$HS" build "$T/tr" >/dev/null 2>"$T/build.err" || fail "build: $(tail -n 2 "$T/build.err")"
"$HS" cat "$T/tr" events >"$T/events" 2>"$T/cat.err" || fail "cat events: $(cat "$T/cat.err")"
last=$(tail -n 1 "$T/events")
case $last in
*" exit signal=6 "*) ;;
*) fail "last event is '$last', expected exit signal=6" ;;
esac
grep -q ' syscall tgkill(.*, SIGABRT)$' "$T/events" || fail "no tgkill(..., SIGABRT) in events"
"$HS" ls "$T/tr" time >"$T/ls" 2>&1 || fail "ls time: $(cat "$T/ls")"
grep -qx crash "$T/ls" || fail "no time/crash: $(tr '\n' ' ' <"$T/ls")"
tend=$("$HS" query "$T/tr" info | sed -n 's/^t-end: //p')
"$HS" cat "$T/tr" time/crash/regs >"$T/crash.regs" 2>&1 || fail "cat time/crash/regs: $(cat "$T/crash.regs")"
"$HS" cat "$T/tr" "time/$tend/regs" >"$T/end.regs" 2>&1 || fail "cat time/$tend/regs"
same_file "time/crash and time/t_end" "$T/end.regs" "$T/crash.regs"

# a normal exit still says its status
record_ok "$T/ok" "$PROGS/small"
"$HS" build "$T/ok" >/dev/null 2>&1 || fail "build small"
"$HS" cat "$T/ok" events | tail -n 1 | grep -q ' exit status=0 ' || fail "small: last event is not exit status=0"
pass
