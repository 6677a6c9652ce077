#!/bin/bash
# bench_eval.sh - speed of C expressions at a moment: GET /api/eval (time/<t>/eval/<expr>) on a gzip recording.
#
#   sh scripts/bench_eval.sh                  (after make; records what it needs)
#   HS_BENCH_APPEND=1 sh scripts/bench_eval.sh    also appends to bench/RESULTS.md
#
# HS_BENCH_GZ=TRACE uses a recording of gzip -c made elsewhere (else gzip
# -c of HS_BENCH_MB, default 2, MB of text is recorded here).  gzip has no
# DWARF of its own: the names are libc's (libc6-dbg), as a user stopped
# in libc sees them.  `hindsight serve` answers; per request, over one
# kept-alive HTTP connection, at HS_BENCH_N (default 200) random moments
# where a line of C code with locals starts (a random execution of a
# random line of lines/), each asked once, after that t's locals/ listing
# (which picks the name; the UI too asks /api/moment first):
#   local    a local or parameter of the frame, by name, with its children
#   member   that local's first child expression (a member, *p, [0])
#   global   a name no frame has: looked up in every compile unit
#            (`__libc_single_threaded`... the first global that answers)
#   error    a name nothing has ("No symbol ...": every compile unit of
#            every module searched)
# p50, p90, p99 in ms.  Scratch files go under ${TMPDIR:-/tmp}, removed
# at the end unless HS_KEEP=1.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HS=${HS:-$ROOT/build/bin/hindsight}
PY=/usr/bin/python3
. "$ROOT/scripts/bench_rec.bash"
MB=${HS_BENCH_MB:-2}
N=${HS_BENCH_N:-200}
export LC_ALL=C

# shellcheck source=scripts/bench_lib.bash
. "$ROOT/scripts/bench_lib.bash"
bench_start bench_eval

GZ=${HS_BENCH_GZ:-}
if [ -z "$GZ" ]; then
	GZ=$W/gz
	bench_rec_gzip "$GZ" "$MB" "$W" || die "recording gzip failed: $(tail -n 2 "$W/gz.rec" "$W/gz.build" 2>/dev/null)"
fi
"$HS" serve --port 0 "$GZ" >"$W/serve.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do
	grep -q 'http://127.0.0.1:' "$W/serve.out" && break
	sleep 0.1
done
URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$W/serve.out" | head -n 1)
[ -n "$URL" ] || die "serve printed no URL: $(cat "$W/serve.out")"

"$PY" - "$URL" "$N" "$GZ" "$("$HS" info "$GZ" | sed -n 's/^instructions: //p')" >"$W/table" <<'PYEOF' || die "the benchmark failed"
import http.client, json, random, sys, time, urllib.parse
url, n, trace, insns = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
host = urllib.parse.urlparse(url)
con = http.client.HTTPConnection(host.hostname, host.port)
def get(path):
    t0 = time.perf_counter()
    con.request("GET", path)
    r = con.getresponse()
    body = r.read()
    return (time.perf_counter() - t0) * 1000, r.status, body
def ev(t, e, count=200):
    return get("/api/eval?t=%d&count=%d&expr=%s" % (t, count, urllib.parse.quote(e)))
rnd = random.Random(7)
# warm: the debug information of every module is loaded once
ms, st, _ = ev(insns // 2, "x_no_such_name")
first = ms
times = {"local": [], "member": [], "global": [], "error": []}
glob = None
for g in ("__libc_single_threaded", "__environ", "_IO_2_1_stdout_", "main_arena"):
    _, st, body = ev(insns // 2, g)
    if st == 200 and "error" not in json.loads(body):
        glob = g
        break
# moments where a user stops: line starts in C code with debug info (libc's,
# gzip has none), found through lines/: random files, lines, executions
def listing(path):
    _, st, body = get("/api/tree/" + urllib.parse.quote(path))
    return json.loads(body).get("entries", []) if st == 200 else []
files, todo = [], ["lines"]
while todo and len(files) < 400:
    d = todo.pop(0)
    ents = listing(d)
    if ents and all(e["type"] == "file" and e["name"].isdigit() for e in ents):
        files.append((d, [e["name"] for e in ents]))
        continue
    todo += [d + "/" + e["name"] for e in ents if e["type"] == "dir"]
tries = 0
while files and len(times["local"]) < n and tries < n * 20:
    tries += 1
    d, lines = rnd.choice(files)
    _, st, body = get("/api/tree/" + urllib.parse.quote(d + "/" + rnd.choice(lines)) )
    ts = body.decode().split()[:1000] if st == 200 else []
    if not ts:
        continue
    t = int(rnd.choice(ts))
    _, st, body = get("/api/tree/time/%d/locals" % t)
    if st != 200:
        continue
    names = [e["name"] for e in json.loads(body).get("entries", []) if e["name"] != "no-debug-info"]
    if not names:
        continue
    name = rnd.choice(names)
    ms, st, body = ev(t, name)
    v = json.loads(body)
    if st != 200 or "error" in v:
        continue
    times["local"].append(ms)
    if v.get("children"):
        ms, st, _ = ev(t, v["children"][0]["expr"])
        times["member"].append(ms)
    if glob:
        ms, st, _ = ev(t, glob)
        times["global"].append(ms)
    ms, st, _ = ev(t, "x_no_such_name")
    times["error"].append(ms)
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))]
print("    gzip: %s, %d instructions; first eval (loads the debug info) %.1f ms" % (trace.rsplit("/", 1)[-1], insns, first))
for k, v in times.items():
    if v:
        print("    %-7s n=%-4d p50 %.2f ms  p90 %.2f ms  p99 %.2f ms%s" % (k, len(v), pct(v, .5), pct(v, .9), pct(v, .99),
              "  (%s)" % glob if k == "global" else ""))
PYEOF
cat "$W/table"
if [ "${HS_BENCH_APPEND:-0}" = 1 ]; then
	{
		echo
		echo "## C expressions: GET /api/eval on gzip -c of $MB MB ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
		echo
		echo "Command: \`HS_BENCH_APPEND=1 sh scripts/bench_eval.sh\` (HS_BENCH_MB=$MB, HS_BENCH_N=$N); HTTP round trips over one connection, each t asked once, after its locals/ listing."
		echo
		cat "$W/table"
	} >>"$ROOT/bench/RESULTS.md"
fi
