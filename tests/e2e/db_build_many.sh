#!/bin/bash
# db_build_many.sh - recordings of many processes: the build holds only
# the images it is decoding (its peak memory grows far less than the
# number of images; every image once loaded libc's line tables: 600
# processes needed 22 GB); cat and serve read them under a small
# `ulimit -n` (files open when read, within a budget); and the first
# process stays the top of the tree when pids wrap around.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built

# peak_kb CMD...: the peak resident size of CMD, in KiB (exits 1 if it fails)
peak_kb()
{
	"$PY" - "$@" <<'PYEOF'
import resource, subprocess, sys
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(1 if rc else 0)
PYEOF
}

record_ok "$T/one" /bin/bash -c '/bin/true'
record_ok "$T/many" /bin/bash -c 'for i in $(seq 40); do /bin/true; done'
n=$(ls "$T/many/procs" | wc -l)
[ "$n" -ge 80 ] || fail "the loop made $n process images, expected 81"
one=$(peak_kb "$HS" build --shards 2 "$T/one") || fail "build of one /bin/true failed"
many=$(peak_kb "$HS" build --shards 2 "$T/many") || fail "build of $n images failed"
note "peak memory: $one KiB for 3 images, $many KiB for $n"
# all images loaded at once took ~70 MB each: 80 images, 5.6 GB
[ "$many" -lt $((one * 4)) ] || fail "the build of $n images peaked at $many KiB, the one of 3 at $one KiB"
[ "$("$HS" ls "$T/many" processes | wc -l)" = "$n" ] || fail "processes/ lacks images"

# read under `ulimit -n 64`: every image's 15 files cannot all be open
# (1,200 here); they open when read and the least recently used close
mapfile -t imgs < <("$HS" ls "$T/many" processes)
for p in "${imgs[@]}"; do
	"$HS" cat "$T/many" "processes/$p/syscalls" >"$T/sys.$p" || fail "cat processes/$p/syscalls failed"
done
( ulimit -n 64
  for p in "${imgs[@]}"; do
	"$HS" cat "$T/many" "processes/$p/syscalls" 2>"$T/low.err" | cmp -s - "$T/sys.$p" ||
		{ echo "cat processes/$p/syscalls under ulimit -n 64: $(head -n 1 "$T/low.err")"; exit 1; }
  done ) >"$T/low.out" || fail "$(cat "$T/low.out")"
. "$ROOT/tests/e2e/srv_lib.bash"
( ulimit -n 96; exec "$HS" serve --port 0 "$T/many" >"$T/s.out" 2>"$T/s.err" ) &
SRV_PID=$!
SRV_PIDS+=("$SRV_PID")
for i in $(seq 200); do
	grep -q '^Hindsight serving' "$T/s.out" 2>/dev/null && break
	sleep 0.05
done
BASE=http://127.0.0.1:$(sed -n 's|^Hindsight serving .* at http://[^:/]*:\([0-9]*\)/.*|\1|p' "$T/s.out")
for p in "${imgs[@]}"; do
	expect_status 200 "/api/tree/processes/$p/syscalls"
	cmp -s "$T/body" "$T/sys.$p" || fail "serve under ulimit -n 96: processes/$p/syscalls differs"
done
fds=$(ls "/proc/$SRV_PID/fd" | wc -l)
note "serve under ulimit -n 96 answered all $n images' syscalls with $fds descriptors open"
serve_stop

# pid wraparound: in a pid namespace whose next pid is near pid_max the
# shell gets the last pids and its children wrap to small ones
[ "$(id -u)" = 0 ] || pass "peak memory bounded; wraparound skipped (needs root for a pid namespace)"
unshare --pid --fork --mount-proc /bin/sh -c '
	echo $(( $(cat /proc/sys/kernel/pid_max) - 3 )) >/proc/sys/kernel/ns_last_pid &&
	exec "$0" record -o "$1" -- /bin/bash -c "for i in 1 2 3; do /bin/true; done"' \
	"$HS" "$T/wrap" </dev/null >"$T/wrap.out" 2>"$T/wrap.err" ||
	fail "record in a pid namespace: $(tail -n 2 "$T/wrap.err" | tr '\n' ' ')"
build_ok "$T/wrap"
first=$("$HS" ls "$T/wrap" processes | head -n 1)
small=$(ls "$T/wrap/procs" | sort -n | head -n 1)
[ "${first%%.*}" -gt "${small%%.*}" ] || fail "no wraparound happened: first $first, smallest $small"
"$HS" cat "$T/wrap" info | grep -q '^program: /usr/bin/bash$' ||
	fail "the top of the tree is not bash: $("$HS" cat "$T/wrap" info | sed -n 3p)"
"$HS" info "$T/wrap" | grep -m1 '^process:' | grep -q "^process: $first " ||
	fail "info's first process is not $first: $("$HS" info "$T/wrap" | grep -m1 '^process:')"
pass "$n images built in $many KiB (3 in $one KiB); after a pid wraparound the first process is still the top ($first)"
