#!/bin/bash
# bench_tree.sh - speed of the mounted tree: regs at random t (cold), grep over events, 1 MB of mem.
#
#   sh scripts/bench_tree.sh             (after make; records what it needs)
#
# Recordings (made in a scratch folder unless given):
#   HS_BENCH_GZ=TRACE  gzip -c of HS_BENCH_MB (default 10) MB of text: regs, mem
#   HS_BENCH_DD=TRACE  dd if=/dev/zero bs=1 count=100000 (100k one-byte
#                      writes: a 40 MB events file): grep
#   HS_BENCH_FIND=TRACE  find /usr/share/doc (a stat and a path string per
#                      file, between more instructions): grep
# Figures, each through a real FUSE mount (`hindsight mount -f`):
#   regs     open+read+close of time/<t>/regs at HS_BENCH_N (default 200)
#            random t never asked before (cold: the kernel and the daemon
#            have not seen that moment); p50, p90, p99 in ms
#   mem      pread of 1 MiB of mapped memory (libc's code, then the largest
#            writable mapping) at 20 random t, cold; p50 and max in ms
#   grep     grep -c over events: the first time (includes generating the
#            whole file for its exact size), and again (served from the
#            spill file); MB/s, and the CPU seconds the daemon spent on the
#            first (user + system, from /proc: wall time on a busy machine
#            says little).  On dd, find and the gzip recording.
# Prints a small table on stdout; appends nothing.  Scratch files go to a
# new folder under HS_BENCH_DIR or ${TMPDIR:-/tmp}, removed at the end
# unless HS_KEEP=1.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HS=${HS:-$ROOT/build/bin/hindsight}
PY=/usr/bin/python3
MB=${HS_BENCH_MB:-10}
N=${HS_BENCH_N:-200}
export LC_ALL=C

# shellcheck source=scripts/bench_lib.bash
. "$ROOT/scripts/bench_lib.bash"
bench_start bench_tree
# shellcheck source=scripts/bench_rec.bash
. "$ROOT/scripts/bench_rec.bash"

GZ=${HS_BENCH_GZ:-}
if [ -z "$GZ" ]; then
	GZ=$W/gz
	log "recording gzip -c of $MB MB (a few minutes)"
	bench_rec_gzip "$GZ" "$MB" "$W" || die "record or build of gzip failed"
fi
DD=${HS_BENCH_DD:-}
if [ -z "$DD" ]; then
	DD=$W/dd
	log "recording dd bs=1 count=100000"
	"$HS" record -o "$DD" -- /bin/dd if=/dev/zero bs=1 count=100000 >/dev/null 2>"$W/dd.rec" ||
		die "record dd failed"
	"$HS" build "$DD" >/dev/null 2>"$W/dd.build" || die "build dd failed"
fi

FIND=${HS_BENCH_FIND:-}
if [ -z "$FIND" ]; then
	FIND=$W/find
	log "recording find /usr/share/doc"
	"$HS" record -o "$FIND" -- /usr/bin/find /usr/share/doc >/dev/null 2>"$W/find.rec" ||
		die "record find failed"
	"$HS" build "$FIND" >/dev/null 2>"$W/find.build" || die "build find failed"
fi

sync
echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
bench_mnt "$GZ" "$W/m-gz"
PID_gz=${PIDS[-1]}
bench_mnt "$DD" "$W/m-dd"
PID_dd=${PIDS[-1]}
bench_mnt "$FIND" "$W/m-find"
PID_find=${PIDS[-1]}
TEND=$("$HS" query "$GZ" info | sed -n 's/^t-end: //p')

log "regs at $N random t, and 1 MiB of mem at 20 random t"
"$PY" - "$W/m-gz" "$TEND" "$N" <<'PYEOF'
import os, random, sys, time
mnt, tend, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(7)
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]
lat = []
for t in r.sample(range(tend + 1), n):
    t0 = time.perf_counter()
    with open("%s/time/%d/regs" % (mnt, t), "rb") as f:
        f.read()
    lat.append((time.perf_counter() - t0) * 1e3)
print("regs  cold  n=%d  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms"
      % (n, pct(lat, .5), pct(lat, .9), pct(lat, .99), max(lat)))
for what in ("libc code", "largest rw mapping"):
    lat = []
    for t in r.sample(range(tend // 10, tend + 1), 20):
        maps = open("%s/time/%d/maps" % (mnt, t)).read().splitlines()
        if what == "libc code":
            m = [l for l in maps if "libc.so" in l and " r-xp " in l]
        else:   # the largest writable mapping: data the program wrote
            m = sorted((l for l in maps if " rw-p " in l),
                       key=lambda l: -eval("-".join("0x" + x for x in l.split()[0].split("-")[::-1])))
        a, b = (int(x, 16) for x in m[0].split()[0].split("-"))
        size = min(1 << 20, b - a)
        fd = os.open("%s/time/%d/mem" % (mnt, t), os.O_RDONLY)
        t0 = time.perf_counter()
        got = 0
        while got < size:
            d = os.pread(fd, size - got, a + got)
            if not d:
                break
            got += len(d)
        lat.append((time.perf_counter() - t0) * 1e3)
        os.close(fd)
    print("mem   1 MiB (%s, %d KiB read)  cold  n=20  p50 %.2f ms  max %.2f ms"
          % (what, size >> 10, pct(lat, .5), max(lat)))
PYEOF

# cpu PID: user + system seconds of a process so far
cpu()
{
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.3f", ($12 + $13) / hz }' "/proc/$1/stat"
}
for tr in dd find gz; do
	m=$W/m-$tr
	pid_var=PID_$tr
	c0=$(cpu "${!pid_var}")
	t0=$(date +%s.%N)
	c=$(grep -c write "$m/events") # (to a pipe: grep stops at once on /dev/null)
	t1=$(date +%s.%N)
	c1=$(cpu "${!pid_var}")
	sync
	echo 1 >/proc/sys/vm/drop_caches 2>/dev/null # the kernel's copy; the daemon keeps its spill
	t2=$(date +%s.%N)
	grep -c write "$m/events" >"$W/count"
	t3=$(date +%s.%N)
	size=$(stat -c %s "$m/events")
	awk -v s="$size" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v n="$c" -v tr="$tr" \
		-v u="$(awk -v x="$c0" -v y="$c1" 'BEGIN { print y - x }')" 'BEGIN {
		printf "grep  %-4s events  %.1f MB, %d matches  first %.2f s = %.1f MB/s (daemon cpu %.2f s = %.0f MB/s)  again %.3f s = %.0f MB/s\n",
			tr, s / 1e6, n, b - a, s / 1e6 / (b - a), u, (u > 0 ? s / 1e6 / u : 0), d - c, s / 1e6 / (d - c) }'
done
kill -USR1 "${PIDS[0]}"
sleep 0.3
log "$(grep stats: "$W/m-gz.log" | tail -n 1)"
