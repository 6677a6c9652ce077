#!/bin/bash
# play_http.sh - the playground's doors: a foreign Origin or Host is
# refused and a script with no Origin is served; with --tunnel the token
# is required; the editor page and its assets are there; --jobs 2: four
# runs at once all succeed; --jobs 1: past the queue, 503 with Retry-After;
# a bad request is a 400 that says why; --keep-mb removes the oldest runs.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/srv_lib.bash"
. "$ROOT/tests/e2e/play_lib.bash"

printf 'sleep 1; echo "run $1"\n' >"$T/s.sh"
play_req sh "$T/s.sh" "" x
post() # post STATUS-FILE [CURL-OPTIONS...]: POST $T/req.json
{
	local out=$1
	shift
	curl -s --max-time 60 -o "$out.body" -D "$out.head" -w '%{http_code}' \
		-H 'Content-Type: application/json' "$@" --data-binary "@$T/req.json" "$BASE/api/run" >"$out"
}

play_start --jobs 2
expect_status 200 /
grep -q 'play.js' "$T/body" || fail "/ is not the editor"
expect_status 200 /assets/play.js
grep -qi "^content-security-policy: default-src 'self'" "$T/head" || fail "no CSP on the editor's assets"
expect_status 403 / -H 'Host: evil.example:80'
post "$T/o" -H 'Origin: http://evil.example'
[ "$(cat "$T/o")" = 403 ] || fail "a foreign Origin got $(cat "$T/o")"
post "$T/o" -H "Origin: http://127.0.0.1:$PORT"
[ "$(cat "$T/o")" = 200 ] || fail "the playground's own Origin got $(cat "$T/o")"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' --data-binary "@$T/req.json" "$BASE/api/run")
[ "$code" = 403 ] || fail "text/plain got $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"lang":"cobol","code":""}' "$BASE/api/run")
[ "$code" = 400 ] && grep -q 'unknown lang' "$T/body" || fail "unknown lang: $code $(cat "$T/body")"
expect_status 404 /t/0123456789abcdef/api/info
expect_status 403 /t/../../etc/passwd

# four at once, two running, two waiting: all succeed
pids=()
for i in 1 2 3 4; do
	post "$T/q$i" &
	pids+=($!)
done
wait "${pids[@]}"
for i in 1 2 3 4; do
	[ "$(cat "$T/q$i")" = 200 ] || fail "run $i of 4 at once: $(cat "$T/q$i") $(head -c 200 "$T/q$i.body")"
	[ "$(json 'j["stdout"]' <"$T/q$i.body")" = "run x" ] || fail "run $i of 4 printed $(json 'j["stdout"]' <"$T/q$i.body")"
done
serve_stop

# --jobs 1: one running, two waiting, the fourth turned away
play_start --jobs 1
pids=()
for i in 1 2 3 4; do
	post "$T/q$i" &
	pids+=($!)
	sleep 0.1
done
wait "${pids[@]}"
[ "$(cat "$T/q4")" = 503 ] || fail "the fourth run with --jobs 1 got $(cat "$T/q4")"
grep -qi '^retry-after: [0-9]' "$T/q4.head" || fail "503 without Retry-After"
for i in 1 2 3; do
	[ "$(cat "$T/q$i")" = 200 ] || fail "run $i with --jobs 1: $(cat "$T/q$i")"
done
serve_stop

# --tunnel: the token
play_start --tunnel 127.0.0.1:0
TOKEN=$(sed -n 's/.*?token=\([0-9a-f]*\)$/\1/p' "$T/play.out")
[ ${#TOKEN} = 32 ] || fail "no token printed: $(cat "$T/play.out")"
expect_status 403 /
post "$T/o"
[ "$(cat "$T/o")" = 403 ] || fail "a run without the token got $(cat "$T/o")"
expect_status 200 "/?token=$TOKEN"
post "$T/o" -H "Cookie: hs_token=$TOKEN"
[ "$(cat "$T/o")" = 200 ] || fail "a run with the token got $(cat "$T/o")"
serve_stop
# --keep-mb 1: a run of a few MiB pushes the one before it out
play_start --keep-mb 1
post "$T/k1"
post "$T/k2"
K1=$(json 'j["id"]' <"$T/k1.body")
K2=$(json 'j["id"]' <"$T/k2.body")
[ ! -e "$T/data/runs/$K1" ] || fail "--keep-mb 1: the older run is still there"
expect_status 404 "/api/runs/$K1"
expect_status 404 "/t/$K1/api/info"
expect_status 200 "/t/$K2/api/info"
grep -q 'removed 1 old runs' "$T/play.log" || fail "no 'removed' line in the log"
serve_stop
pass "Origin, Host, Content-Type, token, queue (4 at once, 503), 400, --keep-mb"
