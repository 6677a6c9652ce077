# srv_lib.bash - helpers of the srv_* tests (bash): servers that are always stopped.
# shellcheck shell=bash
#
# Source after lib.sh (and db_lib.bash).  serve_start runs `hindsight serve
# --port 0` in the background and waits for its URL line; the EXIT trap
# stops every server it started before lib.sh's cleanup removes $T.
# Requests go through curl with --path-as-is (curl would otherwise fold
# "/../" itself, and the server would never see it) and -g (no globbing).

SRV_PIDS=()

srv_cleanup()
{
	local p
	for p in "${SRV_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${SRV_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	cleanup
}
trap srv_cleanup EXIT

command -v curl >/dev/null || fail "curl is not installed (sh scripts/install-deps.sh)"

# serve_start NAME TRACE [OPTIONS...]: start a server (stdout in
# $T/NAME.out, stderr in $T/NAME.err); sets SRV_PID, URL (as printed),
# PORT and BASE (http://127.0.0.1:PORT).
serve_start()
{
	local name=$1 trace=$2 i
	shift 2
	"$HS" serve --port 0 "$@" "$trace" >"$T/$name.out" 2>"$T/$name.err" &
	SRV_PID=$!
	SRV_PIDS+=("$SRV_PID")
	for i in $(seq 1200); do # 60 s: a loaded machine runs tests in parallel
		grep -q '^Hindsight serving' "$T/$name.out" 2>/dev/null && break
		kill -0 "$SRV_PID" 2>/dev/null ||
			fail "serve $name exited early: $(head -n 2 "$T/$name.err" | tr '\n' ' ')"
		sleep 0.05
	done
	URL=$(sed -n 's/^Hindsight serving .* at //p' "$T/$name.out")
	[ -n "$URL" ] || fail "serve $name printed no URL: $(head -n 2 "$T/$name.out" "$T/$name.err" | tr '\n' ' ')"
	PORT=$(echo "$URL" | sed -n 's|^http://[^:/]*:\([0-9]*\)/.*|\1|p')
	[ -n "$PORT" ] && [ "$PORT" != 0 ] || fail "no port in the URL '$URL'"
	BASE=http://127.0.0.1:$PORT
}

# serve_stop: SIGINT to the last server; fail unless it exits 0 within 10 s.
serve_stop()
{
	local i rc
	kill -INT "$SRV_PID" 2>/dev/null
	for i in $(seq 100); do
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$SRV_PID" 2>/dev/null && fail "serve did not stop within 10 s of SIGINT"
	wait "$SRV_PID"
	rc=$?
	[ "$rc" = 0 ] || fail "serve exited $rc after SIGINT, expected 0: $(tail -n 2 "$T"/*.err | tr '\n' ' ')"
}

# hget PATH [CURL-OPTIONS...]: GET $BASE$PATH; the body in $T/body, the
# headers in $T/head; prints the status code.
hget()
{
	local path=$1
	shift
	curl -s -g --path-as-is --max-time 30 -o "$T/body" -D "$T/head" -w '%{http_code}' \
		"$@" "$BASE$path"
}

# expect_status WANT PATH [CURL-OPTIONS...]
expect_status()
{
	local want=$1 got
	shift
	got=$(hget "$@")
	[ "$got" = "$want" ] || fail "GET $1 ${*:2}: status $got, expected $want: $(head -c 200 "$T/body")"
}

# json EXPR < FILE: evaluate a python expression on the JSON document j.
json()
{
	"$PY" -c "import json, sys; j = json.load(sys.stdin); r = ($1); print(r if not isinstance(r, (dict, list)) else json.dumps(r))"
}
