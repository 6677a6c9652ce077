#!/bin/sh
# make demo: record the bundled example and show what the recording holds.
# (Build, mount and serve join this script as those features land.)
set -eu
cd "$(dirname "$0")/.."
HS=build/bin/hindsight
TRACE=build/demo-trace

echo "== recording build/programs/example (a program with a buffer overflow)"
status=0
$HS record --force -o "$TRACE" -- build/programs/example || status=$?
echo "== the program exited with status $status"
echo "== hindsight info $TRACE"
$HS info "$TRACE"
echo
echo "== check that the recording replays exactly"
$HS trace-check "$TRACE"
