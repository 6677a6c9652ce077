#!/bin/bash
# stress_server.sh - load test of `hindsight serve` on loopback (part of
# make stress): wrk for HS_STRESS_SECS (default 30) seconds with 16
# connections over a mix of the UI's requests (moment at random times,
# regs, mem at the stack, event lines, links, info).  Passes when wrk saw
# no error and no non-2xx answer, and the server's RSS after the run is
# within 10% + 16 MiB of its RSS after a 10 s warm-up (memory stays flat),
# with the query cache capped at HS_STRESS_CACHE_MB (default 16) MiB.
#
#   HS_STRESS_TRACE=DIR   use a built recording instead of recording the
#                         bundled example
set -u
cd "$(dirname "$0")/.." || exit 1
HS=$PWD/build/bin/hindsight
SECS=${HS_STRESS_SECS:-30}
# A small query cache, so that the warm-up fills it and what is measured
# after is the server's own memory, not the cache growing to its cap.
CACHE_MB=${HS_STRESS_CACHE_MB:-16}
W=$(mktemp -d "${TMPDIR:-/tmp}/hs-stress-srv.XXXXXX") || exit 1
SRV=""
cleanup()
{
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
die()
{
	echo "stress_server: FAIL: $*"
	exit 1
}

command -v wrk >/dev/null || die "wrk is not installed (sh scripts/install-deps.sh)"
[ -x "$HS" ] || die "$HS is not built (run make)"
TRACE=${HS_STRESS_TRACE:-}
if [ -z "$TRACE" ]; then
	TRACE=$W/example
	"$HS" record -o "$TRACE" -- build/programs/example >/dev/null 2>"$W/rec.err" </dev/null
	"$HS" build "$TRACE" >/dev/null 2>"$W/build.err" || die "build failed: $(tail -n 1 "$W/build.err")"
fi
T_END=$("$HS" ls -l "$TRACE" time | sed -n 's/.* end -> //p')
RSP0=$("$HS" cat "$TRACE" time/0/reg/rsp)
[ -n "$T_END" ] && [ -n "$RSP0" ] || die "cannot read time/end and time/0/reg/rsp of $TRACE"

"$HS" serve --port 0 --cache-mb "$CACHE_MB" "$TRACE" >"$W/serve.out" 2>"$W/serve.err" &
SRV=$!
for i in $(seq 100); do
	grep -q '^Hindsight serving' "$W/serve.out" && break
	sleep 0.1
done
PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$W/serve.out")
[ -n "$PORT" ] || die "serve did not start: $(cat "$W/serve.err")"

cat >"$W/mix.lua" <<LUA
local tend = $T_END
local rsp0 = "$RSP0"
math.randomseed(6)
request = function()
  local k = math.random(1, 6)
  local t = math.random(0, tend - 1)
  local p
  if k == 1 then p = "/api/moment?t=" .. t
  elseif k == 2 then p = "/api/tree/time/" .. t .. "/regs"
  elseif k == 3 then p = "/api/tree/time/" .. t .. "/mem?offset=" .. rsp0 .. "&length=256"
  elseif k == 4 then p = "/api/lines/events?start=" .. math.random(0, 200) .. "&count=50"
  elseif k == 5 then p = "/api/link/time/" .. t .. "/next"
  else p = "/api/info" end
  return wrk.format("GET", p)
end
LUA

rss_kb()
{
	awk '/^VmRSS:/ { print $2 }' "/proc/$SRV/status"
}
wrk -t 2 -c 16 -d 10s -s "$W/mix.lua" "http://127.0.0.1:$PORT/" >"$W/warm.txt" 2>&1 ||
	die "wrk (warm-up) failed: $(tail -n 2 "$W/warm.txt")"
RSS0=$(rss_kb)
echo "stress_server: warm-up done, server RSS ${RSS0} kB; $SECS s of wrk -t 2 -c 16 on $TRACE (t_end $T_END)"
(
	for i in $(seq $((SECS / 5))); do
		sleep 5
		echo "$(rss_kb)"
	done
) >"$W/rss.txt" &
SAMPLER=$!
wrk -t 2 -c 16 -d "${SECS}s" --latency -s "$W/mix.lua" "http://127.0.0.1:$PORT/" >"$W/wrk.txt" 2>&1
rc=$?
wait "$SAMPLER"
RSS1=$(rss_kb)
cat "$W/wrk.txt"
echo "stress_server: RSS samples every 5 s (kB): $(tr '\n' ' ' <"$W/rss.txt")"
echo "stress_server: RSS after warm-up ${RSS0} kB, after the run ${RSS1} kB"
[ "$rc" = 0 ] || die "wrk exited $rc"
kill -0 "$SRV" 2>/dev/null || die "the server died"
grep -q 'Non-2xx' "$W/wrk.txt" && die "non-2xx answers: $(grep 'Non-2xx' "$W/wrk.txt")"
grep -q 'Socket errors' "$W/wrk.txt" && die "socket errors: $(grep 'Socket errors' "$W/wrk.txt")"
limit=$((RSS0 + RSS0 / 10 + 16384))
[ "$RSS1" -le "$limit" ] || die "RSS grew from ${RSS0} kB to ${RSS1} kB (limit ${limit} kB)"
kill -INT "$SRV"
wait "$SRV"
rc=$?
SRV=""
[ "$rc" = 0 ] || die "serve exited $rc after SIGINT"
echo "stress_server: PASS ($(sed -n 's/^Requests\/sec: *//p' "$W/wrk.txt") requests/s, no errors, RSS flat)"
