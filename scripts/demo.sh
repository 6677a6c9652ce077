#!/bin/sh
# make demo: record the bundled example, build its database, mount it, and
# show how to look around, and serve the web UI on it (in the background:
# build/demo-serve.pid says which process to stop).
set -eu
cd "$(dirname "$0")/.."
HS=build/bin/hindsight
TRACE=build/demo-trace
MNT=build/demo-mnt

echo "== recording build/programs/example (a program with a buffer overflow)"
status=0
$HS record --force -o "$TRACE" -- build/programs/example || status=$?
echo "== the program exited with status $status"
echo
echo "== hindsight info $TRACE"
$HS info "$TRACE"
echo
echo "== building the database"
$HS build "$TRACE"
echo
echo "== mounting it on $MNT"
mkdir -p "$MNT"
if mountpoint -q "$MNT" 2>/dev/null; then
	fusermount3 -u "$MNT"
fi
$HS mount "$TRACE" "$MNT"
echo

echo "== serving the web UI"
PIDFILE=build/demo-serve.pid
LOG=build/demo-serve.log
# stop the server of an earlier demo (only if that pid is still one)
if [ -s "$PIDFILE" ]; then
	old=$(cat "$PIDFILE")
	if tr '\0' ' ' 2>/dev/null <"/proc/$old/cmdline" | grep -q 'hindsight serve'; then
		kill "$old" 2>/dev/null || true
		sleep 0.5
	fi
	rm -f "$PIDFILE"
fi
# the default port, or any free one when 7070 is taken
url=""
for port in 7070 0; do
	: >"$LOG"
	nohup $HS serve --port "$port" "$TRACE" >"$LOG" 2>&1 </dev/null &
	pid=$!
	for i in $(seq 50); do
		url=$(sed -n 's/^Hindsight serving .* at //p' "$LOG")
		[ -n "$url" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$url" ] && break
done
if [ -n "$url" ]; then
	echo "$pid" >"$PIDFILE"
	echo "Open the web UI: $url"
	echo "  (server pid $pid, log $LOG; stop it with: kill \$(cat $PIDFILE))"
else
	echo "hindsight serve did not start: $(cat "$LOG")" >&2
	exit 1
fi
echo
echo "The whole run is now a folder: $MNT"
echo "Three things to try in a shell:"
echo "  cat $MNT/stdout                          # what the program printed"
echo "  grep write $MNT/syscalls                 # every write(), with its time"
echo "  cat $MNT/time/end/regs                   # registers at the end"
echo "Source level (the example's ledger does not balance; find out why):"
echo "  cat $MNT/calls/copy_name                 # every call: t_call t_return depth caller"
echo "  cat $MNT/time/\$(head -n1 $MNT/calls/rename_account | cut -d' ' -f1)/next/backtrace"
echo "  cat $MNT/lines$(pwd)/tests/programs/example.c/39   # each time line 39 (dst[n] = 0) ran"
echo "More:"
echo "  xxd -s \$(cat $MNT/time/end/reg/rsp) -l 64 $MNT/time/end/mem"
echo "  cd $MNT/time/5000 && cat insn next/insn  # step forward one instruction"
echo "Without a mount: $HS cat $TRACE time/5000/regs"
echo "Unmount with: fusermount3 -u $MNT"
