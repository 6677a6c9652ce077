#!/bin/bash
# bench_search.sh - speed of the search box and the calls panel over HTTP:
# /api/search and the first page of /api/calls, on a gzip and a python3
# recording (the ones of bench_source.sh: scripts/bench_rec.bash).
#
#   sh scripts/bench_search.sh            (after make; records what it needs)
#   HS_BENCH_APPEND=1 sh scripts/bench_search.sh    also appends to bench/RESULTS.md
#
#   HS_BENCH_GZ=TRACE, HS_BENCH_PY=TRACE  recordings made already
#   HS_BENCH_MB  size of gzip's input (default 2)
# Figures per recording, from `hindsight serve` (curl-less: python's
# http.client on one kept-alive connection, so the times are the server's
# plus a loopback round trip):
#   search first   the first search (builds the image's name list once)
#   search         40 queries (names, prefixes, substrings, file:line), each
#                  3 times, after the first: p50, p95, max
#   calls first page   /api/calls?name=F (50 rows: each call's arguments
#                  and return value) the first time, for the 5 most called
#                  functions and 10 others picked at random: p50, max; and
#                  a page in the middle of the most called one's calls
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HS=${HS:-$ROOT/build/bin/hindsight}
PY=/usr/bin/python3
MB=${HS_BENCH_MB:-2}
export LC_ALL=C

# shellcheck source=scripts/bench_lib.bash
. "$ROOT/scripts/bench_lib.bash"
bench_start bench_search

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

# bench NAME TRACE: serve it, then the figures
bench()
{
	local name=$1 tr=$2 i port top
	"$HS" serve --port 0 "$tr" >"$W/$name.srv" 2>&1 &
	SRV=$!
	PIDS=("$SRV")
	for i in $(seq 200); do
		port=$(sed -n 's|^Hindsight serving .* at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$W/$name.srv")
		[ -n "$port" ] && break
		sleep 0.05
	done
	[ -n "$port" ] || die "serve $name printed no URL: $(head -n 2 "$W/$name.srv")"
	# the most called functions (by entry address), named as calls/ names them
	top=$("$HS" query "$tr" callees | sort -k2,2nr | head -n 5 | while read -r addr _; do
		t=$("$HS" query "$tr" calls-to "$addr" | head -n 1 | cut -d' ' -f1)
		"$HS" cat "$tr" "time/$((t + 1))/where" | sed 's/[+ ].*//'
	done | tr '\n' ' ')
	"$PY" - "$port" "$name" "$top" <<'PYEOF'
import http.client, json, random, sys, time, urllib.parse
port, name, top = int(sys.argv[1]), sys.argv[2], sys.argv[3].split()
c = http.client.HTTPConnection("127.0.0.1", port)
def get(path):
    t0 = time.perf_counter()
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    return (time.perf_counter() - t0) * 1e3, r.status, body
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]
q = urllib.parse.quote
ms, st, _ = get("/api/search?q=main")
print("%-7s search first (builds the name list)  %.1f ms" % (name, ms))
queries = ("a e s x mem str cpy deflate zip gzip fill_window longest_match malloc free "
           "__libc init _dl main open read write Py json re_ dict list obj "
           "hash error exit lock gzip.c:100 deflate.c:200 util.c memmove.S:270 "
           "stdio :12 zzzz _IO_ printf").split()
lat = []
for k in range(3):
    for s in queries:
        ms, st, body = get("/api/search?q=" + q(s))
        assert st == 200, (s, st, body[:200])
        lat.append(ms)
print("%-7s search  n=%d  p50 %.2f ms  p95 %.2f ms  max %.2f ms" % (
    name, len(lat), pct(lat, .5), pct(lat, .95), max(lat)))
ms, st, body = get("/api/tree/calls")
names = [e["name"] for e in json.loads(body)["entries"]]
r = random.Random(7)
pick = [n for n in top if n in names] + r.sample(names, min(10, len(names)))
first, rows_args = [], 0
for f in pick:
    ms, st, body = get("/api/calls?name=" + q(f))
    assert st == 200, (f, st, body[:200])
    j = json.loads(body)
    first.append(ms)
    rows_args += sum(1 for x in j["rows"] if x["debug_info"])
print("%-7s calls first page (50 rows)  n=%d functions  p50 %.1f ms  max %.1f ms  (%d rows with arguments)" % (
    name, len(first), pct(first, .5), max(first), rows_args))
if top and top[0] in names:
    ms, st, body = get("/api/calls?name=" + q(top[0]))
    total = json.loads(body)["total"]
    ms, st, body = get("/api/calls?name=%s&offset=%d" % (q(top[0]), total // 2))
    print("%-7s calls/%s: %d calls; the page at offset %d, first time: %.1f ms" % (
        name, top[0], total, total // 2, ms))
PYEOF
	kill "$SRV"
	wait "$SRV" 2>/dev/null
	PIDS=()
}

OUT=$W/table
echo "gzip: $("$HS" info "$GZ" | sed -n 's/^command: //p'), $("$HS" query "$GZ" info | sed -n 's/^t-end: //p') instructions" >"$OUT"
echo "python3: $("$HS" query "$PYT" info | sed -n 's/^t-end: //p') instructions" >>"$OUT"
bench gzip "$GZ" >>"$OUT" || die "gzip figures failed"
bench python3 "$PYT" >>"$OUT" || die "python3 figures failed"
cat "$OUT"
if [ "${HS_BENCH_APPEND:-0}" = 1 ]; then
	{
		echo
		echo "## Search box and calls panel: /api/search, /api/calls ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, shared)"
		echo
		echo "Command: \`HS_BENCH_APPEND=1 sh scripts/bench_search.sh\` (HS_BENCH_MB=$MB); over HTTP on one kept-alive connection."
		echo
		sed 's/^/    /' "$OUT"
	} >>"$ROOT/bench/RESULTS.md"
	log "appended to bench/RESULTS.md"
fi
