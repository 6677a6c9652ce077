#!/bin/bash
# srv_slow_clients.sh - 64 clients trickling their headers a byte at a time
# (in --tunnel mode, before any token check) do not stop the server: a
# normal request answers in well under a second, and each trickler is cut
# once its headers' deadline (10 s from its connection) has passed.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built example

TR=$T/ex
record_ok "$TR" "$PROGS/example"
build_ok "$TR"
serve_start s "$TR" --tunnel 127.0.0.1:0
TOKEN=$(echo "$URL" | sed -n 's/.*?token=\([0-9a-f]*\)$/\1/p')
[ -n "$TOKEN" ] || fail "no token in the URL '$URL'"

"$PY" - "$PORT" "$TOKEN" >"$T/slow.out" 2>&1 <<'PYEOF'
import socket, sys, time
port, token = int(sys.argv[1]), sys.argv[2]
slow = []
for i in range(64):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /api/info HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    slow.append(s)
start = time.monotonic()
# a normal request while they all trickle
def normal():
    t0 = time.monotonic()
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    c.sendall(("GET /api/info?token=%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
               % token).encode())
    data = b""
    while True:
        b = c.recv(65536)
        if not b:
            break
        data += b
    c.close()
    return data.split(b" ", 2)[1], time.monotonic() - t0
for s in slow:
    s.sendall(b"a")
status, took = normal()
print("normal request: %s in %.3f s" % (status.decode(), took))
if status != b"200" or took > 0.9:
    sys.exit(1)
# trickle on, a byte a second, until the server cuts them (deadline 10 s)
cut = 0
while time.monotonic() - start < 16 and cut < len(slow):
    time.sleep(1)
    for s in list(slow):
        try:
            s.sendall(b"a")
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    raise ConnectionError
            except BlockingIOError:
                pass
            s.setblocking(True)
        except (ConnectionError, OSError):
            slow.remove(s)
            cut += 1
    status, took = normal()
    if status != b"200" or took > 0.9:
        print("normal request while trickling: %s in %.3f s" % (status, took))
        sys.exit(1)
print("tricklers cut: %d of 64 after %.1f s" % (cut, time.monotonic() - start))
sys.exit(0 if cut == 64 else 1)
PYEOF
rc=$?
cat "$T/slow.out" >&2
[ "$rc" = 0 ] || fail "$(tail -n 2 "$T/slow.out" | tr '\n' ' ')"
kill -0 "$SRV_PID" || fail "the server died"
pass "$(tr '\n' ';' <"$T/slow.out")"
