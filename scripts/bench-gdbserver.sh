#!/bin/bash
# bench-gdbserver.sh - how long gdb's `continue` to the next breakpoint hit
# takes through `hindsight gdbserver` (gdb included: the time between
# gdb.execute("continue") and its return), and a reverse-continue.
#
#   sh scripts/bench-gdbserver.sh [TRACE PROG FUNC [FRAME]]
#
# FRAME: the name gdb gives the hit's frame when it is not FUNC (a libc
# function: `break write` stops in __GI___libc_write).
# Without arguments it records build/programs/gdb_spin (about 8 M
# instructions, mark() called every million) into a scratch folder.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HS=$ROOT/build/bin/hindsight
S=$(mktemp -d /tmp/hs-bench-gdb.XXXXXX)
trap 'kill $SRV 2>/dev/null; rm -rf "$S"' EXIT
SRV=
if [ $# -ge 3 ]; then
	TRACE=$1 PROG=$2 FUNC=$3 FRAME=${4:-$3}
else
	PROG=$ROOT/build/programs/gdb_spin FUNC=mark FRAME=mark TRACE=$S/spin
	"$HS" record -o "$TRACE" -- "$PROG" >/dev/null 2>&1 || exit 1
	"$HS" build "$TRACE" >/dev/null 2>&1 || exit 1
fi
"$HS" gdbserver --port 0 "$TRACE" >"$S/srv.out" 2>&1 &
SRV=$!
for _ in $(seq 50); do
	grep -q "target remote" "$S/srv.out" && break
	sleep 0.1
done
port=$(sed -n "s/.*target remote 127.0.0.1:\([0-9]*\)'$/\1/p" "$S/srv.out")
cat >"$S/bench.py" <<PYEOF
import gdb, time
gdb.execute("set breakpoint pending on", to_string=True)
gdb.execute("break $FUNC", to_string=True)
gdb.execute("continue", to_string=True)   # the first hit: also ld.so's events
fw, bw = [], []
while True:
    t0 = time.time()
    gdb.execute("continue", to_string=True)
    if gdb.selected_frame().name() != "$FRAME":
        break
    fw.append((time.time() - t0) * 1000)
for _ in range(len(fw)):
    t0 = time.time()
    gdb.execute("reverse-continue", to_string=True)
    bw.append((time.time() - t0) * 1000)
fw.sort(); bw.sort()
t_end = gdb.execute("monitor info", to_string=True).split("t-end: ")[1].split()[0]
print("hits %d, t-end %s: continue p50 %.1f ms max %.1f ms; reverse-continue p50 %.1f ms max %.1f ms"
      % (len(fw), t_end, fw[len(fw)//2], fw[-1], bw[len(bw)//2], bw[-1]))
PYEOF
gdb -nx -batch -ex 'set pagination off' -ex 'set debuginfod enabled off' \
	-ex "target remote 127.0.0.1:$port" -x "$S/bench.py" "$PROG" 2>&1 | grep -E "^hits|Error|Traceback|error"
