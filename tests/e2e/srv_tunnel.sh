#!/bin/bash
# srv_tunnel.sh - with --tunnel every request needs the access token (never written to the --log file): 403
# without it, 200 with ?token= (which sets an HttpOnly SameSite=Strict
# cookie), 200 with the cookie alone; any Host is accepted then.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built example

TR=$T/ex
record_ok "$TR" "$PROGS/example"
build_ok "$TR"
serve_start s "$TR" --tunnel 127.0.0.1:0 --log "debug=$T/tunnel.log"
TOKEN=$(echo "$URL" | sed -n 's/.*?token=\([0-9a-f]*\)$/\1/p')
[ "${#TOKEN}" = 32 ] || fail "no 32-digit token in the URL '$URL'"

expect_status 403 /api/info
expect_status 403 /
expect_status 403 "/api/info?token=${TOKEN}0"
expect_status 403 "/api/info?token=$(echo "$TOKEN" | tr 0-9a-f a-f0-9)"
expect_status 403 /api/info -H "Cookie: hs_token=nottoken"
grep -qi '^set-cookie' "$T/head" && fail "a refused request set a cookie"
expect_status 200 "/?token=$TOKEN"
cookie=$(tr -d '\r' <"$T/head" | sed -n 's/^[Ss]et-[Cc]ookie: //p')
case $cookie in "hs_token=$TOKEN;"*) ;; *) fail "no token cookie: '$cookie'" ;; esac
echo "$cookie" | grep -qi 'HttpOnly' || fail "the cookie is not HttpOnly: $cookie"
echo "$cookie" | grep -qi 'SameSite=Strict' || fail "the cookie is not SameSite=Strict: $cookie"
expect_status 200 /api/info -H "Cookie: hs_token=$TOKEN"
expect_status 200 /api/tree/time/5/regs -H "Cookie: other=1; hs_token=$TOKEN"
# behind a tunnel the Host is the tunnel's
expect_status 200 /api/info -H "Cookie: hs_token=$TOKEN" -H "Host: debug.example.org:8443"
# POST still needs its own Origin
expect_status 403 /api/notes -X POST -H "Cookie: hs_token=$TOKEN" -H 'Content-Type: application/json' \
	-H 'Origin: http://evil.example' --data '{"t":1,"text":"x"}'
expect_status 201 /api/notes -X POST -H "Cookie: hs_token=$TOKEN" -H 'Content-Type: application/json' \
	-H "Origin: http://127.0.0.1:$PORT" --data '{"t":1,"text":"x"}'
expect_status 200 "/api/info?x=1&%74ok%65n=$TOKEN&y=2"   # the name spelt with escapes
serve_stop

# without --tunnel there is no token, and none is needed
grep -q "token=\*" "$T/tunnel.log" || fail "the log shows no request with a hidden token"
grep -q "%74ok%65n=\*&y=2" "$T/tunnel.log" || fail "the log shows no escaped token name hidden"
grep -q "$TOKEN" "$T/tunnel.log" && fail "the access token is in the --log file"
serve_start plain "$TR"
echo "$URL" | grep -q token && fail "a token without --tunnel: $URL"
expect_status 200 /api/info
serve_stop
pass
