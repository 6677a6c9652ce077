#!/bin/bash
# srv_confined.sh - serve and mount confine themselves once set up:
# /proc/<pid>/status says NoNewPrivs: 1 and Seccomp: 2, serve's --log and
# mount's stderr say what was applied, and everything still answers
# (serve even builds a missing database, confined).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built example

record_ok "$T/tr" "$PROGS/example"

# confined_status PID WHAT
confined_status()
{
	grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$1/status" || fail "$2: NoNewPrivs is not 1"
	grep -q '^Seccomp:[[:space:]]*2$' "/proc/$1/status" || fail "$2: Seccomp is not 2 (filter)"
}

# serve with no database yet: it builds it in the background, confined
serve_start s "$T/tr" --log "info=$T/serve.log"
confined_status "$SRV_PID" serve
grep -q 'confined: no_new_privs; seccomp refuses execve' "$T/serve.log" ||
	fail "serve's log does not say it is confined: $(head -n 3 "$T/serve.log" | tr '\n' ' ')"
for i in $(seq 300); do
	expect_status 200 /api/info >/dev/null 2>&1
	grep -q '"built":true' "$T/body" && break
	sleep 0.1
done
grep -q '"built":true' "$T/body" || fail "serve did not build the database while confined"
expect_status 200 /api/tree/stdout
cmp -s "$T/body" "$T/tr.out" || fail "serve's stdout differs from the program's"
serve_stop

# mount
mkdir -p "$T/mnt"
"$HS" mount "$T/tr" "$T/mnt" 2>"$T/mount.err" || fail "mount failed: $(cat "$T/mount.err")"
trap 'fusermount3 -u "$T/mnt" 2>/dev/null; cleanup' EXIT
grep -q 'hindsight mount: confined: no_new_privs' "$T/mount.err" ||
	fail "mount does not say it is confined: $(cat "$T/mount.err")"
PID=$(pgrep -f -n "hindsight mount $T/tr")
[ -n "$PID" ] || fail "no mount daemon"
confined_status "$PID" mount
cmp -s "$T/mnt/stdout" "$T/tr.out" || fail "the mount's stdout differs from the program's"
fusermount3 -u "$T/mnt" || fail "unmount failed"
pass "serve and mount: NoNewPrivs 1, Seccomp 2, said so, and still answer"
