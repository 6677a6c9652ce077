#!/bin/bash
# stress.sh - `make stress`: a bounded random-read soak of a mounted recording, with the daemon's memory before and after.
#
#   sh scripts/stress.sh        (make stress builds first)
#
# Mounts a recording (gzip -c of 2 MB of text, and dd with 20000 one-byte
# writes for a large events file; or HS_STRESS_TRACE=DIR) with
# --cache-mb HS_STRESS_CACHE_MB (default 64) and --max-inodes 4096, then
# runs HS_STRESS_READERS (default 4) processes that read at random for
# HS_STRESS_SECONDS (default 600): registers, single registers, maps,
# insn, thread, links, memory ranges (mapped and not), writes/ ranges near
# the stack, slices of events/syscalls at random offsets, listings, and
# garbage names.  Every answer must be a success or the errno the tree
# promises (ENOENT, EIO for unmapped memory); anything else counts as an
# error.  The daemon's RSS (VmRSS) is sampled every 5 s.
#
# At the end: a sample of paths must read the same through the mount as
# through `hindsight cat`, the daemon must still answer and unmount
# cleanly.  Prints the figures; exits 1 on any error, a dead daemon, or an
# RSS that ends above the cache cap plus 256 MiB.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HS=${HS:-$ROOT/build/bin/hindsight}
PY=/usr/bin/python3
SECONDS_WANTED=${HS_STRESS_SECONDS:-600}
CACHE_MB=${HS_STRESS_CACHE_MB:-64}
READERS=${HS_STRESS_READERS:-4}
export LC_ALL=C

die()
{
	echo "stress: FAIL: $*"
	exit 1
}
log()
{
	echo "stress: $*"
}

[ -x "$HS" ] || die "$HS is not built (run make)"
W=$(mktemp -d "${TMPDIR:-/tmp}/hs-stress.XXXXXX") || die "no scratch folder"
PIDS=()
MNTS=()
finish()
{
	local m p
	for m in "${MNTS[@]}"; do
		awk -v d="$m" '$2 == d { f = 1 } END { exit !f }' /proc/self/mounts && fusermount3 -u "$m" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ "${HS_KEEP:-0}" = 1 ] && log "kept $W" || rm -rf "$W"
}
trap finish EXIT

TRACES=()
if [ -n "${HS_STRESS_TRACE:-}" ]; then
	TRACES=("$HS_STRESS_TRACE")
else
	log "recording gzip -c of 2 MB and dd of 20000 bytes"
	"$PY" -c '
import random, sys
r = random.Random(5)
w = "alpha beta gamma delta record replay memory register thread signal".split()
out, n = [], 0
while n < 2 << 20:
    l = " ".join(r.choice(w) + str(r.randrange(1000)) for _ in range(r.randrange(3, 12)))
    out.append(l)
    n += len(l) + 1
open(sys.argv[1], "w").write("\n".join(out))
' "$W/text"
	"$HS" record -o "$W/gz" -- /bin/gzip -c "$W/text" >/dev/null 2>"$W/gz.err" || die "record gzip: $(tail -n 1 "$W/gz.err")"
	"$HS" record -o "$W/dd" -- /bin/dd if=/dev/zero bs=1 count=20000 >/dev/null 2>"$W/dd.err" ||
		die "record dd: $(tail -n 1 "$W/dd.err")"
	for t in gz dd; do
		"$HS" build "$W/$t" >/dev/null 2>"$W/$t.build" || die "build $t: $(tail -n 1 "$W/$t.build")"
	done
	TRACES=("$W/gz" "$W/dd")
fi

i=0
for tr in "${TRACES[@]}"; do
	m=$W/mnt$i
	mkdir -p "$m"
	"$HS" mount -f --cache-mb "$CACHE_MB" --max-inodes 4096 "$tr" "$m" 2>"$m.log" &
	PIDS+=($!)
	MNTS+=("$m")
	for _ in $(seq 1 200); do
		awk -v d="$m" '$2 == d { f = 1 } END { exit !f }' /proc/self/mounts && break
		sleep 0.05
	done
	awk -v d="$m" '$2 == d { f = 1 } END { exit !f }' /proc/self/mounts || die "mount of $tr: $(cat "$m.log")"
	i=$((i + 1))
done
log "mounted ${TRACES[*]}; $READERS readers for $SECONDS_WANTED s, query cache cap $CACHE_MB MiB"

"$PY" - "$SECONDS_WANTED" "$READERS" "${PIDS[*]}" "${MNTS[@]}" <<'PYEOF' || die "the soak failed"
import errno, os, random, sys, time
from multiprocessing import Process, Queue

secs, readers, pids, mnts = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(), sys.argv[4:]

def rss_kb(pid):
    try:
        for line in open("/proc/%s/status" % pid):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None

def t_end(m):
    return int(os.readlink(m + "/time/end"))

def reader(seed, q):
    r = random.Random(seed)
    ends = {m: t_end(m) for m in mnts}
    ops = errs = 0
    bad = []
    deadline = time.time() + secs
    def expect(fn, ok=()):
        nonlocal ops, errs
        ops += 1
        try:
            fn()
        except OSError as e:
            if e.errno not in ok:
                errs += 1
                if len(bad) < 5:
                    bad.append("%s: %s" % (getattr(fn, "what", "?"), e))
    while time.time() < deadline:
        m = r.choice(mnts)
        t = r.randrange(ends[m] + 1)
        d = "%s/time/%d" % (m, t)
        # writes/ near the stack reads the range's whole history (a chunk
        # decode per chunk that wrote it): rarer than the rest
        k = r.choice([0, 0, 1, 1, 2, 3, 3, 4, 5, 5, 5, 6, 8, 8, 9, 10, 11] * 3 + [7])
        if k == 0:
            f = lambda: open(d + "/regs", "rb").read()
        elif k == 1:
            f = lambda: open(d + "/reg/" + r.choice(["rax", "rip", "rsp", "ymm3", "xmm9", "fs_base"]), "rb").read()
        elif k == 2:
            f = lambda: open(d + "/maps", "rb").read()
        elif k == 3:
            f = lambda: open(d + "/insn", "rb").read() if t < ends[m] else None
        elif k == 4:
            f = lambda: (os.readlink(d + "/next") if t < ends[m] else None, open(d + "/thread").read())
        elif k == 5:
            def f():
                maps = open(d + "/maps").read().splitlines()
                a, b = (int(x, 16) for x in r.choice(maps).split()[0].split("-"))
                fd = os.open(d + "/mem", os.O_RDONLY)
                try:
                    off = r.randrange(a, b)
                    os.pread(fd, min(r.choice([16, 4096, 65536, 1 << 20]), b - off), off)
                finally:
                    os.close(fd)
        elif k == 6:
            def f():   # an unmapped address: EIO
                fd = os.open(d + "/mem", os.O_RDONLY)
                try:
                    os.pread(fd, 64, r.randrange(0, 0x10000))
                finally:
                    os.close(fd)
            f.what = "unmapped mem"
            expect(f, (errno.EIO,))
            continue
        elif k == 7:
            def f():
                rsp = int(open(d + "/reg/rsp").read(), 16)
                open("%s/writes/0x%x+%d" % (m, rsp - r.randrange(256), r.choice([1, 8, 64])), "rb").read()
        elif k == 8:
            def f():
                name = r.choice(["events", "syscalls", "output", "stdout"])
                fd = os.open(m + "/" + name, os.O_RDONLY)
                try:
                    size = os.fstat(fd).st_size
                    os.pread(fd, r.choice([100, 4096, 131072]), r.randrange(size + 1))
                finally:
                    os.close(fd)
        elif k == 9:
            f = lambda: (os.listdir(d), os.listdir(d + "/reg"), os.listdir(m + "/time"), os.listdir(m + "/threads"))
        elif k == 10:
            f = lambda: os.stat("%s/time/%d/%s" % (m, r.randrange(1 << 62), r.choice(["regs", "x", ""])))
            f.what = "garbage"
            expect(f, (errno.ENOENT,))
            continue
        else:
            f = lambda: os.stat(m + "/" + "".join(r.choice("abcxyz0123/.+-") for _ in range(r.randrange(1, 40))))
            f.what = "garbage"
            expect(f, (errno.ENOENT, errno.ENOTDIR))
            continue
        f.what = "op %d at t %d" % (k, t)
        expect(f)
    q.put((ops, errs, bad))

q = Queue()
start_rss = [rss_kb(p) for p in pids]
procs = [Process(target=reader, args=(i, q)) for i in range(readers)]
for p in procs:
    p.start()
samples = []
t0 = time.time()
while any(p.is_alive() for p in procs):
    time.sleep(5)
    samples.append([rss_kb(p) for p in pids])
    if any(s is None for s in samples[-1]):
        print("stress: a daemon died")
        sys.exit(1)
for p in procs:
    p.join()
ops = errs = 0
bad = []
while not q.empty():
    o, e, b = q.get()
    ops, errs, bad = ops + o, errs + e, bad + b
end_rss = [rss_kb(p) for p in pids]
print("stress: %d reads in %.0f s (%.0f/s), %d errors%s" % (ops, time.time() - t0, ops / (time.time() - t0), errs,
      ": " + "; ".join(bad[:5]) if bad else ""))
for i, p in enumerate(pids):
    col = [s[i] for s in samples]
    warm = col[min(len(col) - 1, 2)] if col else None
    print("stress: daemon %d (%s): RSS start %.1f MiB, after 15 s %.1f MiB, max %.1f MiB, end %.1f MiB"
          % (i, mnts[i], start_rss[i] / 1024, (warm or 0) / 1024, max(col or [0]) / 1024, end_rss[i] / 1024))
sys.exit(1 if errs else 0)
PYEOF

# the mount still tells the truth
for i in "${!TRACES[@]}"; do
	m=${MNTS[$i]}
	tr=${TRACES[$i]}
	end=$(readlink "$m/time/end")
	for t in 0 $((end / 7)) $((end / 3)) $((end / 2)) "$end"; do
		for f in regs maps thread; do
			cmp -s "$m/time/$t/$f" <("$HS" cat "$tr" "time/$t/$f") || die "time/$t/$f differs from hindsight cat after the soak"
		done
	done
	cmp -s "$m/events" <("$HS" cat "$tr" events) || die "events differs from hindsight cat after the soak"
	kill -USR1 "${PIDS[$i]}"
	sleep 0.5
	log "daemon $i: $(grep 'stats:' "$m.log" | tail -n 1 | sed 's/.*stats: //')"
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/${PIDS[$i]}/status")
	[ "$rss" -le $(((CACHE_MB + 256) * 1024)) ] || die "daemon $i ends with $((rss / 1024)) MiB resident, cache cap $CACHE_MB MiB"
	fusermount3 -u "$m" || die "fusermount3 -u $m failed"
	wait "${PIDS[$i]}" || die "daemon $i exited $? after fusermount3 -u"
done

# the HTTP server under a 30 s wrk load: no errors, flat RSS
log "web server load test (scripts/stress_server.sh)"
bash "$ROOT/scripts/stress_server.sh" || die "scripts/stress_server.sh failed"
log "PASS"
