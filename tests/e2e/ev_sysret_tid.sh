#!/bin/bash
# ev_sysret_tid.sh - threads.c: in events, each sysret names the thread whose syscall returns (its tid's last syscall has its name), as syscalls pairs them.
. "$(dirname "$0")/lib.sh"
require_built threads

record_ok "$T/tr" "$PROGS/threads"
"$HS" build "$T/tr" >/dev/null 2>"$T/build.err" || fail "build: $(tail -n 2 "$T/build.err")"
"$HS" cat "$T/tr" events >"$T/events" 2>"$T/cat.err" || fail "cat events: $(cat "$T/cat.err")"
n=$(grep -c ' sysret ' "$T/events")
[ "$n" -gt 20 ] || fail "only $n sysret events"
[ "$(awk '{print $2}' "$T/events" | sort -u | wc -l)" -gt 2 ] || fail "fewer than two threads in events"
# every sysret follows a syscall of its own thread, with the same name
bad=$(awk '$3 == "syscall" { split($4, a, "("); open[$2] = a[1]; next }
	$3 == "sysret" { if (open[$2] != $4) { print; n++ } delete open[$2] }
	END { exit n > 0 }' "$T/events") || fail "sysrets not paired with their thread's syscall: $(echo "$bad" | head -n 3)"
# and the query CLI says the same
"$HS" query "$T/tr" events 0 999999999999 >"$T/q" 2>"$T/q.err" || fail "query events: $(cat "$T/q.err")"
same_file "query events and cat events" "$T/q" "$T/events"
pass "$n sysrets"
