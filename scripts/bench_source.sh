#!/bin/bash
# bench_source.sh - speed of the source-level tree: where, backtrace, locals at random t (cold); calls/<f> and lines/<file>/<line> streaming.
#
#   sh scripts/bench_source.sh            (after make; records what it needs)
#   HS_BENCH_APPEND=1 sh scripts/bench_source.sh    also appends to bench/RESULTS.md
#
# Recordings (made in a scratch folder unless given):
#   HS_BENCH_GZ=TRACE  gzip -c of HS_BENCH_MB (default 2) MB of text
#   HS_BENCH_PY=TRACE  python3 -c '<a short script: json, re, a class,
#                      sorting>' (python3 has no DWARF of its own here:
#                      libc and ld.so have, from libc6-dbg)
#   HS_BENCH_SPIN=TRACE  build/programs/spin 1 (-g -O0; its loop line
#                      starts millions of times: the lines/ streaming figure)
# Figures, through a real FUSE mount (`hindsight mount -f`), per recording:
#   first    the first source-level read after the mount (loads the debug
#            information of every module once)
#   where, backtrace      open+read+close at HS_BENCH_N (default 200) random
#            t never asked before (cold for the kernel and the daemon)
#   locals   listing time/<t>/locals/ and reading every file in it, at the
#            same kind of random t
#            p50, p90, p99 in ms
#   calls    calls/<f> of the most called function, read whole with 128 KiB
#            reads, the first time: lines/s
#   lines    lines/<file>/<line> of the line that started most often: lines/s
# Prints a small table on stdout (appended to bench/RESULTS.md with
# HS_BENCH_APPEND=1, with the command and the machine).  Scratch files go
# under HS_BENCH_DIR or ${TMPDIR:-/tmp}, removed at the end unless HS_KEEP=1.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HS=${HS:-$ROOT/build/bin/hindsight}
PY=/usr/bin/python3
MB=${HS_BENCH_MB:-2}
N=${HS_BENCH_N:-200}
export LC_ALL=C

# shellcheck source=scripts/bench_lib.bash
. "$ROOT/scripts/bench_lib.bash"
bench_start bench_source

# shellcheck source=scripts/bench_rec.bash
. "$ROOT/scripts/bench_rec.bash"
GZ=${HS_BENCH_GZ:-}
if [ -z "$GZ" ]; then
	GZ=$W/gz
	log "recording gzip -c of $MB MB"
	bench_rec_gzip "$GZ" "$MB" "$W" || die "record or build of gzip failed"
fi
PYT=${HS_BENCH_PY:-}
if [ -z "$PYT" ]; then
	PYT=$W/py
	log "recording python3"
	bench_rec_python "$PYT" "$W" || die "record or build of python3 failed"
fi

SP=${HS_BENCH_SPIN:-}
if [ -z "$SP" ]; then
	SP=$W/spin
	log "recording build/programs/spin 1 (a -g program with one hot line)"
	[ -x "$ROOT/build/programs/spin" ] || die "build/programs/spin is not built (make build/programs/spin)"
	"$HS" record -o "$SP" -- "$ROOT/build/programs/spin" 1 >/dev/null 2>"$W/spin.rec" || die "record spin failed"
	"$HS" build "$SP" >/dev/null 2>"$W/spin.build" || die "build spin failed: $(tail -n 2 "$W/spin.build")"
fi

# bench NAME TRACE: the figures of one recording
bench()
{
	local name=$1 tr=$2 m=$W/m-$1 top t line
	sync
	echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
	bench_mnt "$tr" "$m"
	# the most called function and the most started line, from the query CLI
	# (the first calls of the 8 most called: one that ran only before main,
	# as the dynamic linker's inlined copies, has no calls/ file)
	t=$("$HS" query "$tr" callees | sort -k2,2nr | head -n 8 | while read -r callee _; do
		"$HS" query "$tr" calls-to "$callee" | head -n 1 | cut -d' ' -f1
	done | paste -sd,)
	line=$("$HS" query "$tr" lines | while read -r id path; do
		"$HS" query "$tr" lines "$id" | sort -k2,2nr | head -n 1 | sed "s|^|$id $path |"
	done | sort -k4,4nr | head -n 1)
	"$PY" - "$m" "$("$HS" query "$tr" info | sed -n 's/^t-end: //p')" "$N" "$name" "$t" "$line" <<'PYEOF'
import os, random, re, sys, time
mnt, tend, n, name, t_tops, line = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
r = random.Random(11)
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]
def read(p):
    with open(p, "rb") as f:
        return f.read()
t0 = time.perf_counter()
read("%s/time/%d/where" % (mnt, tend // 2))
print("%-7s first source-level read (loads the debug info)  %.1f ms" % (name, (time.perf_counter() - t0) * 1e3))
ts = r.sample(range(1, tend), 3 * n)
for k, what in enumerate(("where", "backtrace", "locals")):
    lat = []
    for t in ts[k * n:(k + 1) * n]:
        p = "%s/time/%d/%s" % (mnt, t, what)
        t0 = time.perf_counter()
        if what == "locals":
            for v in os.listdir(p):
                read(p + "/" + v)
        else:
            read(p)
        lat.append((time.perf_counter() - t0) * 1e3)
    print("%-7s %-9s cold  n=%d  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms" % (
        name, what, n, pct(lat, .5), pct(lat, .9), pct(lat, .99)))
# calls/<f>: the most called function that calls/ has, named as where
# names it
for t_top in t_tops.split(","):
    w = read("%s/time/%d/where" % (mnt, int(t_top) + 1)).decode().split()[0]
    fname = w.split("+")[0] if "+0x" in w else w
    if os.path.exists("%s/calls/%s" % (mnt, fname)):
        break
def stream(p):
    t0 = time.perf_counter()
    nl = size = 0
    fd = os.open(p, os.O_RDONLY)
    while True:
        b = os.read(fd, 128 << 10)
        if not b:
            break
        nl += b.count(b"\n")
        size += len(b)
    os.close(fd)
    return nl, size, time.perf_counter() - t0
nl, size, s = stream("%s/calls/%s" % (mnt, fname))
print("%-7s calls/%s  %d lines, %.1f MB in %.3f s: %.2f M lines/s" % (name, fname, nl, size / 1e6, s, nl / s / 1e6))
fid, path, ln, starts = line.split()
parts = [x for x in path.split("/") if x not in ("", ".")]
norm = []
for x in parts:
    if x == "..":
        if norm:
            norm.pop()
    else:
        norm.append(x)
nl, size, s = stream("%s/lines/%s/%s" % (mnt, "/".join(norm), ln))
print("%-7s lines/%s/%s  %d lines, %.1f MB in %.3f s: %.2f M lines/s" % (name, "/".join(norm), ln, nl, size / 1e6, s, nl / s / 1e6))
PYEOF
}

# not in a pipeline: the mounts must be this shell's children (finish)
OUT=$W/table
echo "gzip: $("$HS" info "$GZ" | sed -n 's/^command: //p'), $("$HS" query "$GZ" info | sed -n 's/^t-end: //p') instructions" >"$OUT"
echo "python3: $("$HS" query "$PYT" info | sed -n 's/^t-end: //p') instructions" >>"$OUT"
bench gzip "$GZ" >>"$OUT" || die "gzip figures failed"
bench python3 "$PYT" >>"$OUT" || die "python3 figures failed"
echo "spin: $("$HS" query "$SP" info | sed -n 's/^t-end: //p') instructions (build/programs/spin 1: one line started millions of times)" >>"$OUT"
bench spin "$SP" >>"$OUT" || die "spin figures failed"
cat "$OUT"
if [ "${HS_BENCH_APPEND:-0}" = 1 ]; then
	{
		echo
		echo "## Source level: where, backtrace, locals, calls/, lines/ ($(date -u +%Y-%m-%d), $(nproc) cores)"
		echo
		echo "Command: \`HS_BENCH_APPEND=1 sh scripts/bench_source.sh\` (HS_BENCH_MB=$MB, HS_BENCH_N=$N); through a FUSE mount, page cache dropped first."
		echo
		sed 's/^/    /' "$OUT"
	} >>"$ROOT/bench/RESULTS.md"
	log "appended to bench/RESULTS.md"
fi
