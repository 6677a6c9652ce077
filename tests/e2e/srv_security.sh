#!/bin/bash
# srv_security.sh - what every response carries and what the server refuses:
# path traversal in every spelling, a foreign Host (DNS rebinding), POST and
# DELETE without the right Origin or Content-Type, and a few hundred
# malformed requests that must neither crash it nor get a 5xx.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built example

TR=$T/ex
record_ok "$TR" "$PROGS/example"
build_ok "$TR"
serve_start s "$TR" --storage "$T/notes" --log "debug=$T/serve.log"

# headers on every kind of response: 200, 404, 403, 405, 400, assets
check_headers()
{
	grep -qi "^content-security-policy: default-src 'self'" "$T/head" ||
		fail "no CSP on $1: $(tr -d '\r' <"$T/head" | tr '\n' '|')"
	grep -qi '^x-content-type-options: nosniff' "$T/head" || fail "no nosniff on $1"
	grep -qi '^referrer-policy: no-referrer' "$T/head" || fail "no Referrer-Policy on $1"
}
for p in / /assets/app.js /api/info /api/tree/README /api/nothing /api/tree/../etc/passwd \
	/api/tree/time/x/y '/api/tree/%zz' /api/events; do
	hget "$p" >/dev/null
	check_headers "$p"
done
hget /api/notes -X PUT -H 'Content-Type: application/json' >/dev/null
check_headers "PUT /api/notes"
expect_status 200 /
grep -qi '^content-type: text/html' "$T/head" || fail "/ is not text/html"
grep -o 'src="[^"]*"' "$T/body" | head -n 1 | sed 's/src="//; s/"$//' >"$T/asset"
if [ -s "$T/asset" ]; then
	expect_status 200 "$(cat "$T/asset")"
fi
expect_status 404 /assets/nosuchfile.js

# traversal: refused before the tree sees it
for p in /api/tree/../../etc/passwd /api/tree/time/../../../etc/passwd \
	/api/tree/%2e%2e/%2e%2e/etc/passwd /api/tree/%2E%2E/x /api/tree/time%2f..%2f..%2fetc \
	/api/tree/time%2F5 /api/tree/./README /api/tree/%2e/README /api/tree/README%00.txt \
	/api/tree/%c0%ae%c0%ae/etc /api/tree/%e0%80%ae/x /api/tree/%ff /api/tree/a%5c..%5cb \
	/api/lines/../events /api/link/%2e%2e/x /assets/../../etc/passwd /assets/%2e%2e/app.js; do
	expect_status 403 "$p"
done
expect_status 400 '/api/tree/%zz'
expect_status 400 '/api/tree/%4'
long=$(head -c 5000 /dev/zero | tr '\0' a)
expect_status 414 "/api/tree/$long"
# %252e%252e is "%2e%2e" once decoded: a name, not a traversal
expect_status 404 '/api/tree/%252e%252e/etc'

# Host: only 127.0.0.1:PORT and localhost:PORT
expect_status 200 /api/info -H "Host: localhost:$PORT"
expect_status 403 /api/info -H "Host: evil.example:$PORT"
expect_status 403 /api/info -H "Host: 127.0.0.1:$((PORT + 1))"
expect_status 403 /api/info -H "Host: 127.0.0.1"
expect_status 403 / -H "Host: attacker.test"
check_headers "a foreign Host"
# the browser's /favicon.ico: no icon, and no 404 for its console
expect_status 204 /favicon.ico
check_headers "/favicon.ico"
# header fields past 32 KiB: our own 431, with the security headers
expect_status 431 /api/info -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' a)"
check_headers "a 431 for 40 KB of headers"
# HTTP/1.0 without a Host header
got=$(printf 'GET /api/info HTTP/1.0\r\n\r\n' | timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; cat >&3; cat <&3" | head -n 1 | tr -d '\r')
case $got in *403*) ;; *) fail "a request without Host got '$got', expected 403" ;; esac

# POST/DELETE: Origin and Content-Type
J='Content-Type: application/json'
O="Origin: http://127.0.0.1:$PORT"
body='{"t": 5, "text": "hello"}'
expect_status 403 /api/notes -X POST -H "$J" --data "$body"
expect_status 403 /api/notes -X POST -H "$J" -H "Origin: http://evil.example" --data "$body"
expect_status 403 /api/notes -X POST -H "$J" -H "Origin: null" --data "$body"
expect_status 403 /api/notes -X POST -H "$O" -H 'Content-Type: text/plain' --data "$body"
expect_status 403 /api/notes -X POST -H "$O" -H 'Content-Type: application/x-www-form-urlencoded' --data "$body"
expect_status 400 /api/notes -X POST -H "$O" -H "$J" --data '{"t": "x"}'
expect_status 400 /api/notes -X POST -H "$O" -H "$J" --data 'not json'
expect_status 400 /api/notes -X POST -H "$O" -H "$J" --data '{"t": -1, "text": "x"}'
expect_status 413 /api/notes -X POST -H "$O" -H "$J" --data "@$(head -c 100000 /dev/zero | tr '\0' x >"$T/big"; echo "$T/big")"
expect_status 201 /api/notes -X POST -H "$O" -H "$J" --data "$body"
id=$(json 'j["id"]' <"$T/body")
expect_status 403 "/api/notes/$id" -X DELETE -H "$J"
expect_status 403 "/api/notes/$id" -X DELETE -H "$J" -H "Origin: http://localhost:$((PORT + 1))"
expect_status 204 "/api/notes/$id" -X DELETE -H "$J" -H "Origin: http://localhost:$PORT" -H "Host: localhost:$PORT"
expect_status 405 /api/info -X POST -H "$O" -H "$J" --data '{}'

# fuzz: malformed targets and headers; none may crash the server or get a 5xx
"$PY" - "$PORT" >"$T/fuzz.out" 2>&1 <<'PYEOF' || fail "fuzz: $(tail -n 3 "$T/fuzz.out" | tr '\n' ' ')"
import random, socket, sys
port = int(sys.argv[1])
r = random.Random(6)
pieces = ["/", "..", "%2e", "%2f", "%00", "%", "%%", "%zz", "%c0%af", "%ff", "?", "&", "=",
          "#", "api", "tree", "time", "5", "regs", "mem", "lines", "moment", "origin", "notes",
          "link", "\\", ";", "~", "%u002e", "t=", "offset=", "length=", "0x", "-1",
          "99999999999999999999999", "start=", "count=", "image=", "addr=", "reg=", "token="]
heads = ["Host: 127.0.0.1:%d" % port, "Host: x", "Host:", "Content-Length: -1",
         "Content-Length: 99999999999", "Transfer-Encoding: chunked", "Cookie: hs_token=",
         "Origin: http://127.0.0.1:%d" % port, "Content-Type: application/json",
         "X: " + "y" * 70000, "Range: bytes=0-", "Expect: 100-continue", "Bad header line"]
methods = ["GET", "HEAD", "POST", "DELETE", "PUT", "OPTIONS", "BREW", "G\x00T", ""]
bad5xx = 0
for i in range(400):
    path = "/" + "".join(r.choice(pieces) for _ in range(r.randrange(1, 12)))
    if r.random() < 0.05:
        path = "/api/tree/" + "a/" * r.randrange(1000, 3000)
    m = r.choice(methods)
    hs = ["Host: 127.0.0.1:%d" % port] if r.random() < 0.8 else []
    hs += [r.choice(heads) for _ in range(r.randrange(0, 3))]
    req = "%s %s HTTP/1.1\r\n%s\r\nConnection: close\r\n\r\n" % (m, path, "\r\n".join(hs) + ("\r\n" if hs else ""))
    if r.random() < 0.1:
        req = "".join(chr(r.randrange(1, 256)) for _ in range(r.randrange(1, 300)))
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        s.sendall(req.encode("latin-1"))
        s.shutdown(socket.SHUT_WR)  # the end: nothing more will come
        data = b""
        while len(data) < 4096:
            b = s.recv(4096)
            if not b:
                break
            data += b
    except OSError:  # reset, broken pipe, timeout, or closed before our shutdown
        data = b""
    finally:
        s.close()
    line = data.split(b"\r\n", 1)[0]
    if line.startswith(b"HTTP/1.1 5") and not line.startswith(b"HTTP/1.1 501") \
       and not line.startswith(b"HTTP/1.1 505"):
        bad5xx += 1
        print("5xx for %r: %r" % (req[:120], line))
if bad5xx:
    sys.exit(1)
print("fuzz: 400 requests, no 5xx")
PYEOF
kill -0 "$SRV_PID" 2>/dev/null || fail "the server died during the fuzz"
expect_status 200 /api/info
grep -q 'rejected' "$T/serve.log" || fail "--log debug wrote no rejected lines"
serve_stop
pass "headers, traversal, Host, Origin, 400 fuzzed requests"
