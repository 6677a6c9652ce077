#!/bin/bash
# srv_build_events.sh - serve on a recording without a database builds it
# in the background and streams the progress over SSE, then hands over to
# a server confined to the recording's files, whose stream says "ready"; the
# API answers once it is built.  Also: usage errors, a folder that is not a
# recording, a port in use, and SIGTERM with connections open: exit 0.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built example

TR=$T/ex
record_ok "$TR" "$PROGS/example"
[ -e "$TR/db" ] && fail "the recording has a database already"
serve_start s "$TR"
curl -s -N --max-time 120 -H "Accept: text/event-stream" "$BASE/api/events" >"$T/events" ||
	fail "the event stream failed: $(head -c 300 "$T/events")"
grep -q '^event: progress$' "$T/events" || fail "no progress event: $(head -c 300 "$T/events")"
grep -q '^retry: [0-9]*$' "$T/events" || fail "the stream does not ask for a quick reconnection"
# the server that built it ends the stream with phase "open" and hands the
# socket over to a server that reads confined; the stream reconnected says
# ready
sed -n 's/^data: \({"phase".*\)/\1/p' "$T/events" | tail -n 1 >"$T/last"
json 'j["phase"] == "open" and j["done"] == j["total"] and j["total"] > 0' <"$T/last" |
	grep -qx True || fail "the last progress is not open with done == total: $(cat "$T/last")"
for i in $(seq 100); do
	curl -s -N --max-time 10 "$BASE/api/events" >"$T/events1"
	grep -q '^event: ready$' "$T/events1" && break
	sleep 0.1
done
grep -q '^event: ready$' "$T/events1" || fail "no ready event after the hand-over: $(tail -c 300 "$T/events1")"
# the phases come in order, each one's figures never go back, and the
# merge (as long as the decoding on a big image) is reported too
sed -n 's/^data: \({"phase".*\)/\1/p' "$T/events" >"$T/all"
python3 - "$T/all" <<'PY' || fail "progress events out of order: $(tr '\n' ' ' <"$T/all" | head -c 400)"
import json, sys
order = {"prepare": 0, "build": 1, "merge": 2, "open": 3}
last = (-1, -1)
phases = set()
for line in open(sys.argv[1]):
    j = json.loads(line)
    phases.add(j["phase"])
    key = (order[j["phase"]], j["done"])
    assert key >= last, (key, last)
    last = key
assert "merge" in phases, phases
PY
[ -d "$TR/db" ] || fail "no database after ready"
expect_status 200 /api/info
json 'j["built"]' <"$T/body" | grep -qx True || fail "info says not built after ready"
"$HS" cat "$TR" time/end/regs >"$T/want"
expect_status 200 /api/tree/time/end/regs
same_file "regs after the build" "$T/want" "$T/body"
# once built, the stream says ready at once
curl -s -N --max-time 10 "$BASE/api/events" >"$T/events2"
grep -q '^event: ready$' "$T/events2" || fail "no ready event on a built trace: $(cat "$T/events2")"

# a port in use
timeout -k 5 20 "$HS" serve --port "$PORT" "$TR" >"$T/dup.out" 2>"$T/dup.err"
rc=$?
[ "$rc" = 1 ] || fail "serve on a port in use exited $rc, expected 1"
grep -q "$PORT" "$T/dup.err" || fail "no message naming the port: $(cat "$T/dup.err")"

# SIGTERM with an idle keep-alive connection and a request in flight
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /api/info HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n\r\n' "$PORT" >&3
sleep 0.3
kill -TERM "$SRV_PID"
for i in $(seq 100); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SRV_PID" 2>/dev/null && fail "serve did not stop within 10 s of SIGTERM"
wait "$SRV_PID"
rc=$?
exec 3<&-
[ "$rc" = 0 ] || fail "serve exited $rc after SIGTERM, expected 0"

# bad usage and bad folders
for args in "" "--port" "--port x $TR" "--port 70000 $TR" "--log x=y $TR" "--log info $TR" \
	"--tunnel a:b $TR" "--bogus $TR" "$TR $TR"; do
	# shellcheck disable=SC2086
	"$HS" serve $args >/dev/null 2>"$T/u.err"
	rc=$?
	[ "$rc" = 2 ] || fail "serve $args exited $rc, expected 2"
	[ -s "$T/u.err" ] || fail "serve $args printed no message"
done
mkdir "$T/empty"
"$HS" serve --port 0 "$T/empty" >/dev/null 2>"$T/e.err"
rc=$?
[ "$rc" = 1 ] || fail "serve on an empty folder exited $rc, expected 1"
grep -q 'not a recording' "$T/e.err" || fail "no 'not a recording' message: $(cat "$T/e.err")"
"$HS" serve --port 0 "$T/nonexistent" >/dev/null 2>"$T/e.err"
[ $? = 1 ] || fail "serve on a missing folder did not exit 1"
pass
