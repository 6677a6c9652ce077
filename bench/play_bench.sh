#!/bin/bash
# play_bench.sh - wall time of POST /api/run on `hindsight playground`
# (compile, record, database build, all in the sandbox), for hello world
# in C and in Python, and runs per minute with --jobs 2.
#
#   bash bench/play_bench.sh [N]     (N runs of each, default 5)
#
# Prints a markdown table for bench/RESULTS.md.  Needs bwrap and curl.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HS=${HS:-$ROOT/build/bin/hindsight}
N=${1:-5}
T=$(mktemp -d /tmp/hs-play-bench.XXXXXX)
chmod o+x "$T"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT

"$HS" playground --port 0 --data "$T/data" --jobs 2 >"$T/out" 2>"$T/err" &
PID=$!
for _ in $(seq 200); do
	grep -q '^Hindsight playground' "$T/out" 2>/dev/null && break
	sleep 0.05
done
BASE=$(sed -n 's|^Hindsight playground at \(http://[^/]*\)/.*|\1|p' "$T/out")
[ -n "$BASE" ] || { cat "$T/err"; exit 1; }

printf '{"lang":"c","code":"#include <stdio.h>\\nint main(void) { puts(\\"hello, world\\"); return 0; }\\n"}' >"$T/c.json"
printf '{"lang":"python","code":"print(\\"hello, world\\")\\n"}' >"$T/py.json"

post() # post FILE: prints the wall seconds of one POST /api/run
{
	curl -s -o "$T/ans" -w '%{time_total}\n' -H 'Content-Type: application/json' \
		--data-binary "@$1" "$BASE/api/run"
	grep -q '"stdout":"hello, world\\n"' "$T/ans" || { echo "bad answer: $(cat "$T/ans")" >&2; exit 1; }
}

stats() # stats LABEL FILE-OF-SECONDS
{
	sort -n "$2" | awk -v l="$1" '{ a[NR] = $1; s += $1 }
		END { printf "| %s | %d | %.2f | %.2f | %.2f |\n", l, NR, a[1], a[int((NR + 1) / 2)], s / NR }'
}

for _ in $(seq "$N"); do post "$T/c.json"; done >"$T/c.s"
for _ in $(seq "$N"); do post "$T/py.json"; done >"$T/py.s"
# throughput: 4 clients at once, 2 runs each, --jobs 2
t0=$(date +%s.%N)
for k in 1 2 3 4; do
	(post "$T/c.json" >/dev/null; post "$T/c.json" >/dev/null) &
done
wait $(jobs -p | grep -v "^$PID$") 2>/dev/null || true
t1=$(date +%s.%N)

echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, Linux $(uname -r), hindsight $(git -C "$ROOT" rev-parse --short HEAD)."
echo
echo "| POST /api/run | runs | min s | median s | mean s |"
echo "|---|---:|---:|---:|---:|"
stats "hello world, C (gcc -g -O0)" "$T/c.s"
stats "hello world, Python 3" "$T/py.s"
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "\nThroughput, --jobs 2, 4 clients x 2 C hello-world runs: %.1f s for 8 runs = %.1f runs/minute.\n", b - a, 8 * 60 / (b - a) }'
