#!/bin/sh
# make demo: record the bundled example, build its database, mount it, and
# show how to look around.  (The web UI joins when `hindsight serve` lands.)
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
echo "The whole run is now a folder: $MNT"
echo "Try:"
echo "  cat $MNT/stdout                          # what the program printed"
echo "  grep write $MNT/syscalls                 # every write(), with its time"
echo "  cat $MNT/time/end/regs                   # registers at the end"
echo "  xxd -s \$(cat $MNT/time/end/reg/rsp) -l 64 $MNT/time/end/mem"
echo "  cd $MNT/time/5000 && cat insn next/insn  # step forward one instruction"
echo "Without a mount: $HS cat $TRACE time/5000/regs"
echo "Unmount with: fusermount3 -u $MNT"
