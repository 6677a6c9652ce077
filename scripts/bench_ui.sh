#!/bin/bash
# bench_ui.sh - the web UI's speed in a real browser (chromium through
# playwright-core) on the gzip recording; appends to bench/RESULTS.md.
#
#   sh scripts/bench_ui.sh            (after make; records what it needs)
#
# Recording: HS_BENCH_GZ=TRACE reuses a built recording; otherwise gzip -c
# of HS_BENCH_MB (default 10) MB of generated text is recorded and built
# in a scratch folder (as scripts/bench.sh does: about 3 G instructions).
# Figures (tests/browser/bench.mjs, measured in the page):
#   first paint        navigation start -> first contentful paint, and ->
#                      every panel of the first moment drawn (fresh browser
#                      contexts, random t); target <= 1 s
#   step               click on an instruction step -> every panel of the
#                      new moment drawn, p50/p95 (target p95 <= 50 ms), with
#                      the UI's neighbour prefetch and without it (cold)
#   jump               "go to" a random t -> drawn (cold moments)
# HS_BENCH_STEPS, HS_BENCH_LOADS, HS_BENCH_JUMPS change the counts.
# Needs node, /usr/bin/chromium and server/ui/node_modules (npm ci).
# HS_BENCH_RESULTS names another results file (default bench/RESULTS.md).
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HS=${HS:-$ROOT/build/bin/hindsight}
RESULTS=${HS_BENCH_RESULTS:-$ROOT/bench/RESULTS.md}
MB=${HS_BENCH_MB:-10}
export LC_ALL=C

die()
{
	echo "bench_ui: $*" >&2
	exit 1
}
log()
{
	echo "bench_ui: $*" >&2
}

[ -x "$HS" ] || die "$HS is not built (run make)"
command -v node >/dev/null || die "node is not installed (apt-get install nodejs npm)"
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing (apt-get install chromium)"
if [ ! -d "$ROOT/server/ui/node_modules/playwright-core" ]; then
	npm ci --prefix "$ROOT/server/ui" --no-audit --no-fund >&2 || die "npm ci --prefix server/ui failed"
fi
W=$(mktemp -d "${HS_BENCH_DIR:-${TMPDIR:-/tmp}}/hs-bench-ui.XXXXXX") || die "no scratch folder"
cleanup()
{
	if [ "${HS_KEEP:-0}" = 1 ]; then
		log "kept $W"
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT

TR=${HS_BENCH_GZ:-}
if [ -z "$TR" ]; then
	TR=$W/gzip
	log "recording gzip -c of $MB MB of text"
	/usr/bin/python3 -c '
import random, sys
r = random.Random(20240501)
words = ("the of and to in is was that for it with as his on be at by this had "
         "not are but from or have an they which one you were her all she there "
         "record replay memory register instruction thread signal process store "
         "debugger hindsight valgrind compression window history").split()
limit, out, n = int(sys.argv[2]), [], 0
while n < limit:
    line = " ".join(r.choice(words) for _ in range(r.randrange(4, 16)))
    out.append(line.capitalize() + ".")
    n += len(out[-1]) + 1
open(sys.argv[1], "wb").write(("\n".join(out) + "\n").encode()[:limit])
' "$W/input.txt" $((MB * 1024 * 1024)) || die "cannot write the input"
	"$HS" record -o "$TR" -- /usr/bin/gzip -c "$W/input.txt" >/dev/null 2>"$W/record.err" ||
		die "record failed: $(tail -n 2 "$W/record.err")"
	log "building the database"
	"$HS" build "$TR" >"$W/build.out" 2>&1 || die "build failed: $(tail -n 2 "$W/build.out")"
fi
[ "$("$HS" info "$TR" | sed -n 's/^built: *//p')" = yes ] || die "$TR has no database (hindsight build it)"
INSNS=$("$HS" info "$TR" | sed -n 's/^instructions: *//p')
mkdir -p "$W/storage"
log "measuring in chromium"
HS=$HS TRACE=$TR STORAGE=$W/storage node "$ROOT/tests/browser/bench.mjs" >"$W/bench.json" 2>"$W/bench.err" ||
	die "bench.mjs failed: $(cat "$W/bench.json" "$W/bench.err" | tail -n 3)"
grep -q '^{' "$W/bench.json" || die "bench.mjs printed: $(head -n 3 "$W/bench.json")"

TABLE=$(/usr/bin/python3 - "$W/bench.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
def row(name, s, target=""):
    if not s or not s.get("n"):
        return "| %s | - | - | - | 0 | %s |" % (name, target)
    return "| %s | %.1f | %.1f | %.1f | %d | %s |" % (name, s["p50"], s["p95"], s["max"], s["n"], target)
print("| figure (ms) | p50 | p95 | max | n | target |")
print("|---|---|---|---|---|---|")
print(row("first contentful paint", d.get("first_contentful_paint"), "<= 1000"))
print(row("first moment drawn (every panel)", d.get("first_moment_drawn"), "<= 1000"))
print(row("step, click -> views updated (prefetch on)", d["step_prefetch"]["drawn"], "p95 <= 50"))
print(row("step, click -> next frame (prefetch on)", d["step_prefetch"]["frame"]))
print(row("step, click -> views updated (no prefetch: one round trip)", d["step_cold"]["drawn"], "p95 <= 50"))
print(row("step, click -> next frame (no prefetch)", d["step_cold"]["frame"]))
if "line_step_cold" in d:
    print(row("line step, click -> views updated (no prefetch)", d["line_step_cold"]["drawn"]))
print(row("go to a random t -> views updated", d.get("jump_cold")))
print(row("go to a moment in a source file not shown yet -> views updated", d.get("new_source_file"), "<= 100"))
PYEOF
) || die "cannot read $W/bench.json"
echo "$TABLE"
{
	echo
	echo "## Web UI in chromium ($(date -u +%Y-%m-%d), $(nproc) cores, $(/usr/bin/chromium --version 2>/dev/null | head -n 1))"
	echo
	echo "Command: \`sh scripts/bench_ui.sh\` (tests/browser/bench.mjs; times measured in the page with performance.now(),"
	echo "from the click to the UI's hindsight-settled event, i.e. every panel of the new moment drawn)."
	if [ -n "${HS_BENCH_GZ:-}" ]; then
		echo "Recording: HS_BENCH_GZ=$HS_BENCH_GZ ($("$HS" info "$TR" | sed -n 's/^command: *//p')), $INSNS instructions."
	else
		echo "Recording: gzip -c of ${MB} MB of text, $INSNS instructions."
	fi
	echo
	echo "$TABLE"
} >>"$RESULTS"
log "appended to $RESULTS"
