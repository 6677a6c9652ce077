# fs_lib.bash - helpers of the fs_* tests (bash): mounts that are always undone.
# shellcheck shell=bash
#
# Source after lib.sh and db_lib.bash.  mount_tree runs `hindsight mount -f`
# in the background and waits until the kernel shows the mount; the EXIT
# trap unmounts every mount (fusermount3 -u, lazily if busy) and stops
# every daemon before lib.sh's cleanup removes $T, whether the test passed
# or failed.

MOUNTS=()
DAEMONS=()

fs_cleanup()
{
	local m p
	cd / || true
	for m in "${MOUNTS[@]}"; do
		if is_mounted "$m"; then
			fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null
		fi
	done
	for p in "${DAEMONS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${DAEMONS[@]}"; do
		wait "$p" 2>/dev/null
	done
	cleanup
}
trap fs_cleanup EXIT

# is_mounted DIR: the kernel lists a hindsight mount on DIR.
is_mounted()
{
	local d
	d=$(realpath -m "$1")
	awk -v d="$d" '$2 == d && $3 == "fuse.hindsight" { found = 1 } END { exit !found }' /proc/self/mounts
}

# mount_tree TRACE MNT [OPTIONS...]: mount in the foreground, in the
# background; MOUNT_PID is the daemon, its stderr goes to MNT.log.
mount_tree()
{
	local trace=$1 mnt=$2 i
	shift 2
	mkdir -p "$mnt"
	"$HS" mount -f "$@" "$trace" "$mnt" 2>"$mnt.log" &
	MOUNT_PID=$!
	DAEMONS+=("$MOUNT_PID")
	MOUNTS+=("$mnt")
	for i in $(seq 1 1200); do # 60 s: a loaded machine runs tests in parallel
		is_mounted "$mnt" && return 0
		kill -0 "$MOUNT_PID" 2>/dev/null || fail "hindsight mount exited: $(tr '\n' ' ' <"$mnt.log")"
		sleep 0.05
	done
	fail "hindsight mount did not show up on $mnt in 60 s"
}

# unmount_tree MNT: fusermount3 -u, then the daemon must exit 0.
unmount_tree()
{
	local mnt=$1 rc
	fusermount3 -u "$mnt" || fail "fusermount3 -u $mnt failed"
	wait "$MOUNT_PID"
	rc=$?
	[ "$rc" = 0 ] || fail "the daemon of $mnt exited $rc after fusermount3 -u: $(tail -n 2 "$mnt.log")"
}

# alive WHY: the daemon of the last mount_tree is running and its mount
# ($MNT) still answers (fail otherwise).
alive()
{
	kill -0 "$MOUNT_PID" 2>/dev/null || fail "the daemon died ($1): $(tail -n 3 "$MNT.log" | tr '\n' ' ')"
	timeout 10 cat "$MNT/info" >/dev/null 2>&1 || fail "the mount no longer answers ($1)"
}

# hcat PATH...: hindsight cat of $TR.
hcat()
{
	timeout -k 10 "$STEP_TIMEOUT" "$HS" cat "$TR" "$@"
}

# tend TRACE: the image's last t.
tend()
{
	"$HS" query "$1" info | sed -n 's/^t-end: //p'
}

# reg_at TRACE T NAME: one register, "0x" and 16 hex digits.
reg_at()
{
	"$HS" query "$1" reg "$2" "$3"
}

# pread_file FILE OFFSET LENGTH: the bytes at OFFSET (decimal or 0x) on
# stdout, read with one pread per 64 KiB like a program would; on an error,
# what was read so far, then "ERRNO-NAME" on stderr and exit 1.
pread_file()
{
	"$PY" - "$@" <<'PYEOF'
import errno, os, sys
path, off, n = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3], 0)
fd = os.open(path, os.O_RDONLY)
out = sys.stdout.buffer
while n > 0:
    try:
        b = os.pread(fd, min(n, 65536), off)
    except OSError as e:
        out.flush()
        sys.stderr.write(errno.errorcode.get(e.errno, str(e.errno)) + "\n")
        sys.exit(1)
    if not b:
        break
    out.write(b)
    off += len(b)
    n -= len(b)
PYEOF
}
