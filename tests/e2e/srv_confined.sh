#!/bin/bash
# srv_confined.sh - serve and mount confine themselves once set up:
# /proc/<pid>/status says NoNewPrivs: 1 and Seccomp: 2, serve's --log and
# mount's stderr say what was applied, and everything still answers
# (serve even builds a missing database, confined, then serves it from a
# new server that reads only the recording's files).
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

# Landlock: serve creates files only under the recording, --storage and
# $TMPDIR.  A preloaded handler of SIGUSR1 tries from inside the running
# server: a file in a folder outside them is refused (EACCES), one in
# $TMPDIR is made.
if grep -q 'Landlock is not available' "$T/serve.log"; then
	note "this kernel has no Landlock: not checked"
else
	grep -q 'confined: Landlock (ABI [0-9]*) allows writing only under [0-9]* folders' "$T/serve.log" ||
		fail "serve's log does not say Landlock: $(head -n 3 "$T/serve.log" | tr '\n' ' ')"
	mkdir -p "$T/outside" "$T/tmp" "$T/storage"
	cat >"$T/probe.c" <<'EOF2'
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static void try(const char *dir)
{
	char path[4096], line[4200];
	int fd, n;

	if (!dir)
		return;
	snprintf(path, sizeof path, "%s/probe", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	n = snprintf(line, sizeof line, "probe %s %s\n", dir, fd < 0 ? strerror(errno) : "made");
	write(2, line, (size_t)n);
	if (fd >= 0)
		close(fd);
}
static void try_read(const char *path)
{
	char line[4200];
	int fd = open(path, O_RDONLY), n;

	n = snprintf(line, sizeof line, "read %s %s\n", path, fd < 0 ? strerror(errno) : "ok");
	write(2, line, (size_t)n);
	if (fd >= 0)
		close(fd);
}
static void on_usr1(int sig)
{
	(void)sig;
	try(getenv("PROBE_OUTSIDE"));
	try(getenv("TMPDIR"));
	try(getenv("PROBE_TRACE"));
	try_read(getenv("PROBE_SECRET"));
	try_read(getenv("PROBE_SOURCE"));
	try_read("/etc/passwd");
}
__attribute__((constructor)) static void setup(void)
{
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr1); /* mount's daemon takes SIGUSR1 itself */
}
EOF2
	cc -shared -fPIC -o "$T/probe.so" "$T/probe.c" || fail "cannot build the probe"
	echo secret >"$T/outside/secret"
	SRC=$ROOT/tests/programs/example.c
	# a recording without its database: serve builds it in a first
	# server, then serves it from a second one that reads only what the
	# recording names, on the same port
	cp -r "$T/tr" "$T/trb"
	rm -rf "$T/trb/db"
	PROBE_OUTSIDE=$T/outside TMPDIR=$T/tmp PROBE_SECRET=$T/outside/secret PROBE_SOURCE=$SRC \
		PROBE_TRACE=$T/trb LD_PRELOAD=$T/probe.so "$HS" serve --port 0 --storage "$T/storage" \
		--log "info=$T/ll.log" "$T/trb" >"$T/ll.out" 2>"$T/ll.err" &
	LLPID=$!
	for i in $(seq 100); do grep -q 'serving' "$T/ll.out" && break; sleep 0.1; done
	grep -q 'serving' "$T/ll.out" || fail "serve with the probe did not start: $(cat "$T/ll.err")"
	BASE=http://127.0.0.1:$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/ll.out")
	for i in $(seq 300); do
		curl -s "$BASE/api/info" | grep -q '"built":true' && break
		sleep 0.1
	done
	curl -s "$BASE/api/info" | grep -q '"built":true' || fail "serve did not build trb: $(cat "$T/ll.err")"
	grep -q 'reading is not confined while it builds' "$T/ll.log" ||
		fail "the building server's log line: $(grep Landlock "$T/ll.log")"
	# the source is served, no other file is read
	grep -q 'reading only there, under [0-9]* other folders and [0-9]* files' "$T/ll.log" ||
		fail "serve's log does not say reading is confined once built: $(grep Landlock "$T/ll.log")"
	SERVER=$(pgrep -P "$LLPID")
	[ -n "$SERVER" ] && [ "$(echo "$SERVER" | wc -l)" = 1 ] || fail "serve has not one server child: '$SERVER'"
	confined_status "$LLPID" "serve's supervisor"
	curl -s -o "$T/src.txt" "$BASE/api/tree/sources${SRC}" || fail "the source did not come"
	cmp -s "$T/src.txt" "$SRC" || fail "confined serve does not serve example.c: $(head -c 200 "$T/src.txt")"
	tmain=$(curl -s "$BASE/api/info" | sed -n 's/.*"main":\([0-9]*\).*/\1/p')
	curl -s -o "$T/where" "$BASE/api/tree/time/$tmain/where"
	grep -q '^main.* example.c:[0-9]' "$T/where" || fail "confined serve's where at main: $(cat "$T/where")"
	kill -USR1 "$SERVER"
	for i in $(seq 50); do [ "$(grep -c '^read' "$T/ll.err")" -ge 3 ] && break; sleep 0.1; done
	kill -INT "$LLPID"
	wait "$LLPID" || fail "serve did not exit 0 after SIGINT"
	! kill -0 "$SERVER" 2>/dev/null || fail "serve's server outlived SIGINT"
	grep -qx "probe $T/outside Permission denied" "$T/ll.err" ||
		fail "serve could create a file outside its folders: $(grep '^probe' "$T/ll.err" | tr '\n' ' ')"
	grep -qx "probe $T/tmp made" "$T/ll.err" ||
		fail "serve could not create a file in \$TMPDIR: $(grep '^probe' "$T/ll.err" | tr '\n' ' ')"
	[ ! -e "$T/outside/probe" ] || fail "$T/outside/probe exists"
	# the recording is written by its build only, not by its server
	grep -qx "probe $T/trb Permission denied" "$T/ll.err" ||
		fail "serve of a built database could write into the recording: $(grep '^probe' "$T/ll.err" | tr '\n' ' ')"
	for want in "read $T/outside/secret Permission denied" "read /etc/passwd Permission denied" \
		"read $SRC ok"; do
		grep -qx "$want" "$T/ll.err" ||
			fail "expected '$want': $(grep '^read' "$T/ll.err" | tr '\n' ' ')"
	done
fi

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

# mount serves from a child that Landlock confines (reads: the recording,
# its files, the system's folders), while the daemon outside it unmounts
# when the child ends: asked to (SIGINT to either) or killed
if [ -s "$T/probe.so" ]; then
	for stop in int-child kill-child int-daemon; do
		rm -f "$T/fg.err"
		# relative names: the daemon moves to /, its rules must not
		(cd "$T" && PROBE_OUTSIDE=$T/outside TMPDIR=$T/tmp PROBE_SECRET=$T/outside/secret \
			PROBE_SOURCE=$SRC LD_PRELOAD=$T/probe.so exec "$HS" mount -f tr mnt 2>"$T/fg.err") &
		for i in $(seq 100); do grep -q 'reading only there' "$T/fg.err" && break; sleep 0.1; done
		grep -q 'hindsight mount: confined: Landlock (ABI [0-9]*) allows writing only under 1 folder, reading only there' \
			"$T/fg.err" || fail "mount's child does not say Landlock: $(cat "$T/fg.err")"
		grep -q '^main.* example.c:[0-9]' "$T/mnt/time/main/where" ||
			fail "the confined mount's where at main: $(cat "$T/mnt/time/main/where")"
		grep -q '^#1 main' "$T/mnt/time/$(head -n 1 "$T/mnt/calls/rename_account" | cut -d' ' -f1)/next/backtrace" ||
			fail "the confined mount's backtrace: $(cat "$T/mnt/time/$(head -n 1 "$T/mnt/calls/rename_account" | cut -d' ' -f1)/next/backtrace" 2>&1)"
		cmp -s "$T/mnt/sources$SRC" "$SRC" || fail "the confined mount does not serve example.c"
		DAEMON=$(pgrep -f -o "hindsight mount -f tr mnt")
		CHILD=$(pgrep -f -n "hindsight mount -f tr mnt")
		[ -n "$CHILD" ] && [ "$CHILD" != "$DAEMON" ] || fail "mount has no serving child"
		if [ "$stop" = int-child ]; then
			kill -USR2 "$CHILD"
			for i in $(seq 50); do [ "$(grep -c '^read' "$T/fg.err")" -ge 3 ] && break; sleep 0.1; done
			for want in "read $T/outside/secret Permission denied" \
				"read /etc/passwd Permission denied" "read $SRC ok"; do
				grep -qx "$want" "$T/fg.err" ||
					fail "mount: expected '$want': $(grep '^read' "$T/fg.err" | tr '\n' ' ')"
			done
		fi
		case $stop in
		int-child) kill -INT "$CHILD" ;;
		kill-child) kill -KILL "$CHILD" ;;
		int-daemon) kill -INT "$DAEMON" ;;
		esac
		for i in $(seq 100); do
			! grep -q " $T/mnt fuse" /proc/mounts && ! kill -0 "$DAEMON" 2>/dev/null && break
			sleep 0.1
		done
		! grep -q " $T/mnt fuse" /proc/mounts || fail "mount: $stop left the mount"
		! kill -0 "$DAEMON" 2>/dev/null || fail "mount: $stop left the daemon running"
	done
fi
pass "serve and mount: NoNewPrivs 1, Seccomp 2, said so, and still answer; serve writes only under its folders and both read only the recording's (Landlock); mount unmounts however its child ends"
