#!/bin/bash
# rec_recorder_fails.sh - when Valgrind itself fails (out of address space
# under ulimit -v; a clone() it refuses, mid-run) record says so and exits
# 125, and info says the program's exit status is unknown; a program's
# own crash and a SIGKILL of the program stay the program's (139, 137).
. "$(dirname "$0")/lib.sh"
require_built crash_null spin clone_vm

# Valgrind cannot even start in 60 MB of address space, nor finish python
for v in 60000 40000; do
	( ulimit -v "$v"; hs_record "$T/uv$v" /usr/bin/python3 -c 'print(1)' )
	rc=$?
	[ "$rc" = 125 ] || fail "ulimit -v $v: record exited $rc, expected 125: $(tail -n 2 "$T/uv$v.err" | tr '\n' ' ')"
	grep -q 'the recorder failed before the program ended' "$T/uv$v.err" ||
		fail "ulimit -v $v: record did not say the recorder failed: $(tail -n 2 "$T/uv$v.err" | tr '\n' ' ')"
	"$HS" info "$T/uv$v" >"$T/info$v" 2>&1
	grep -q '^exit-status: unknown (the recorder failed: Valgrind ' "$T/info$v" ||
		fail "ulimit -v $v: info says $(grep exit "$T/info$v" | tr '\n' ' ')"
	grep -q '^exit-signal' "$T/info$v" && fail "ulimit -v $v: info names a signal of the program"
	note "ulimit -v $v: $(grep '^exit-status' "$T/info$v")"
done

# Valgrind gives up mid-run on clone(CLONE_VM | SIGCHLD) and exits 1
# itself, without the tool's end: the program (natively exit 0) did not
# exit 1
"$PROGS/clone_vm" >"$T/clone.native" || fail "clone_vm natively: exit $?"
hs_record "$T/clone" "$PROGS/clone_vm"
rc=$?
[ "$rc" = 125 ] || fail "clone_vm: record exited $rc, expected 125: $(tail -n 2 "$T/clone.err" | tr '\n' ' ')"
grep -q 'the recorder failed before the program ended (Valgrind exited 1' "$T/clone.err" ||
	fail "clone_vm: record did not say the recorder failed: $(tail -n 2 "$T/clone.err" | tr '\n' ' ')"
"$HS" info "$T/clone" | grep -q '^exit-status: unknown (the recorder failed: Valgrind exited 1)' ||
	fail "clone_vm: info says $("$HS" info "$T/clone" | grep exit | tr '\n' ' ')"

# the program's own crash: its signal, as before
WANT_RC=139 record_ok "$T/crash" "$PROGS/crash_null"
"$HS" info "$T/crash" | grep -q '^exit-signal: SIGSEGV' || fail "crash_null: info lacks exit-signal: SIGSEGV"

# SIGKILL of the program (which is Valgrind's process): no recorder sees it
"$HS" record -o "$T/kill" -- "$PROGS/spin" 120 </dev/null >/dev/null 2>"$T/kill.err" &
REC=$!
for i in $(seq 200); do
	PID=$(ls "$T/kill/procs" 2>/dev/null | head -n 1)
	PID=${PID%%.*}
	[ -n "$PID" ] && break
	sleep 0.1
done
[ -n "$PID" ] || fail "spin: no process image appeared"
sleep 1
kill -KILL "$PID"
wait "$REC"
rc=$?
[ "$rc" = 137 ] || fail "spin killed with SIGKILL: record exited $rc, expected 137"
"$HS" info "$T/kill" | grep -q '^exit-signal: SIGKILL' || fail "spin: info lacks exit-signal: SIGKILL"
grep -q 'recorder failed' "$T/kill.err" && fail "spin: a SIGKILL of the program was called a recorder failure"
pass "Valgrind's failure exits 125 and leaves the status unknown; the program's crash and SIGKILL stay its own"
