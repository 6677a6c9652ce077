# play_lib.bash - helpers of the play_* tests (bash): a playground that is
# always stopped, and POST /api/run from a file.
# shellcheck shell=bash
#
# Source after lib.sh and srv_lib.bash.  play_start runs `hindsight
# playground --port 0 --data $T/data` in the background and waits for its
# URL line (sets SRV_PID, PORT, BASE as serve_start does); play_run posts
# code and leaves the answer in $T/ans; jans EXPR evaluates a Python
# expression over it (j: the answer).

command -v bwrap >/dev/null || fail "bubblewrap is not installed (sh scripts/install-deps.sh)"

# play_start [OPTIONS...]: with PLAY_DATA (default $T/data) and PLAY_LOG
# (default $T/play.log); the command prefixed by the array PLAY_AS (e.g.
# setpriv ...) when set.
play_start()
{
	local i out err
	# each start its own files: a server stopped a moment ago may still
	# write its last lines into the one it had
	PLAY_STARTS=$((${PLAY_STARTS:-0} + 1))
	out=$T/play.$PLAY_STARTS.out
	err=$T/play.$PLAY_STARTS.err
	chmod o+x "$T" # the sandbox runs as nobody when the tests run as root
	"${PLAY_AS[@]}" "$HS" playground --port 0 --data "${PLAY_DATA:-$T/data}" \
		--log "debug=${PLAY_LOG:-$T/play.log}" "$@" >"$out" 2>"$err" &
	SRV_PID=$!
	SRV_PIDS+=("$SRV_PID")
	PORT=
	for i in $(seq 1200); do # 60 s: a loaded machine runs tests in parallel
		# the whole line, port included
		PORT=$(sed -n 's|^Hindsight playground at http://[^:/]*:\([0-9]*\)/.*|\1|p' "$out")
		[ -n "$PORT" ] && break
		kill -0 "$SRV_PID" 2>/dev/null ||
			fail "playground exited early: $(head -n 2 "$err" | tr '\n' ' ')"
		sleep 0.05
	done
	[ -n "$PORT" ] && [ "$PORT" != 0 ] || fail "playground printed no port: $(cat "$out" "$err")"
	cp "$out" "$T/play.out"
	BASE=http://127.0.0.1:$PORT
}

# play_req LANG FILE [INPUT [ARGS...]]: the JSON body in $T/req.json
play_req()
{
	"$PY" - "$@" >"$T/req.json" <<'PYEOF'
import json, sys
a = sys.argv[1:]
req = {"lang": a[0], "code": open(a[1]).read()}
if len(a) > 2:
    req["input"] = a[2]
if len(a) > 3:
    req["args"] = a[3:]
print(json.dumps(req))
PYEOF
}

# play_run LANG FILE [INPUT [ARGS...]]: POST /api/run; the answer in
# $T/ans; fails unless the status is 200.
play_run()
{
	local code
	play_req "$@"
	code=$(curl -s --max-time 120 -o "$T/ans" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary "@$T/req.json" "$BASE/api/run")
	[ "$code" = 200 ] || fail "POST /api/run ($1 $(basename "$2")): status $code: $(head -c 300 "$T/ans")"
}

jans()
{
	json "$1" <"$T/ans"
}

# alive: the playground still answers (GET / is its editor page)
alive()
{
	local code
	code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$BASE/")
	[ "$code" = 200 ] || fail "the playground does not answer after $1 (GET / says $code)"
	kill -0 "$SRV_PID" 2>/dev/null || fail "the playground died after $1"
}
