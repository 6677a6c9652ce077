#!/bin/bash
# fs_errors.sh - bad paths, huge offsets, writes, unmapped memory and signals: the right errno, and the daemon stays up; memory stays bounded.
#
# Checks: malformed names, times out of range and garbage get ENOENT, EINVAL
# or EIO (never a dead daemon); every kind of write gets EROFS; reads of
# unmapped mem fail with EIO and SEEK_DATA/SEEK_HOLE follow the mappings;
# files of unknown size (writes/) read with direct I/O; the inode table
# is freed by FORGET and capped (--max-inodes); the query cache keeps to
# --cache-mb; SIGTERM and SIGINT of `mount -f` unmount cleanly, and a
# daemonized mount goes away with fusermount3 -u.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
require_built example

TR=$T/example
record_ok "$TR" "$PROGS/example"
build_ok "$TR"
TEND=$(tend "$TR")
MID=$((TEND / 2))
MNT=$T/mnt
mount_tree "$TR" "$MNT" --max-inodes 16

# errno_cases: lines "OP PATH [ARG] [ERRNO,...]" on stdin (no ERRNO: it must
# succeed); prints each case that did something else, exits 1 if any.
errno_cases()
{
	"$PY" -c '
import errno, os, sys
mnt = sys.argv[1]
bad = 0
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    op, path, *rest = line.split(" ")
    want = []
    if rest and rest[-1][:1] == "E":
        want = [getattr(errno, n) for n in rest.pop().split(",")]
    arg = rest[0] if rest else None
    p = os.path.join(mnt, path.replace("\\n", "\n").replace("\\x01", "\x01"))
    got = "ok"
    fd = -1
    try:
        if op == "stat":
            os.stat(p)
        elif op == "pread":         # must return nothing, or fail
            fd = os.open(p, os.O_RDONLY)
            if os.pread(fd, 4096, int(arg, 0)) != b"":
                got = "data"
        elif op in ("seekdata", "seekhole"):
            fd = os.open(p, os.O_RDONLY)
            os.lseek(fd, int(arg, 0), os.SEEK_DATA if op == "seekdata" else os.SEEK_HOLE)
        elif op == "openw":
            fd = os.open(p, os.O_WRONLY)
        elif op == "openrw":
            fd = os.open(p, os.O_RDWR)
        elif op == "append":
            fd = os.open(p, os.O_WRONLY | os.O_APPEND)
        elif op == "creat":
            fd = os.open(p, os.O_WRONLY | os.O_CREAT, 0o644)
        elif op == "trunc":
            os.truncate(p, 0)
        elif op == "mkdir":
            os.mkdir(p)
        elif op == "rmdir":
            os.rmdir(p)
        elif op == "unlink":
            os.unlink(p)
        elif op == "rename":
            os.rename(p, p + ".new")
        elif op == "symlink":
            os.symlink("x", p)
        elif op == "link":
            os.link(p, p + ".lnk")
        elif op == "chmod":
            os.chmod(p, 0o777)
        elif op == "utime":
            os.utime(p, None)
        elif op == "setxattr":
            os.setxattr(p, "user.x", b"1")
        elif op == "listdir":
            os.listdir(p)
        else:
            raise SystemExit("unknown op " + op)
    except OSError as e:
        got = e.errno
    finally:
        if fd >= 0:
            os.close(fd)
    if (want and got not in want) or (not want and got != "ok"):
        name = errno.errorcode.get(got, got) if isinstance(got, int) else got
        print("%s %s: %s, expected %s" % (op, path[:60], name, "/".join(errno.errorcode[w] for w in want) or "success"))
        bad += 1
sys.exit(1 if bad else 0)
' "$MNT"
}

# ---- malformed names, out of range, garbage ------------------------------------------
LONG=$(printf 'x%.0s' $(seq 1 255))
errno_cases >"$T/bad" <<CASES || fail "$(head -n 1 "$T/bad")"
stat nosuch ENOENT
stat time/abc ENOENT,EINVAL
stat time/-1 ENOENT,EINVAL
stat time/+1 ENOENT,EINVAL
stat time/01 ENOENT,EINVAL
stat time/1e3 ENOENT,EINVAL
stat time/0x10 ENOENT,EINVAL
stat time/$((TEND + 1)) ENOENT,EINVAL
stat time/18446744073709551615 ENOENT,EINVAL
stat time/99999999999999999999999999 ENOENT,EINVAL
stat time/$LONG ENOENT,EINVAL
stat time/1/nosuch ENOENT
stat time/1/reg/nosuch ENOENT
stat time/1/reg/RAX ENOENT
stat time/1/regs/x ENOTDIR
stat README/x ENOTDIR
stat time/$TEND/insn ENOENT
stat time/$TEND/next ENOENT
stat time/0/prev ENOENT
stat time/crash ENOENT
stat writes/zzz ENOENT,EINVAL
stat writes/0x ENOENT,EINVAL
stat writes/0x10+0 ENOENT,EINVAL
stat writes/0x10+1048577 ENOENT,EINVAL
stat writes/0x10+-1 ENOENT,EINVAL
stat writes/0x800000000000 ENOENT,EINVAL
stat writes/0xffffffffffffffff+2 ENOENT,EINVAL
stat writes/0x11111111111111111111 ENOENT,EINVAL
stat writes/0X10 ENOENT,EINVAL
stat threads/0 ENOENT
stat threads/abc ENOENT
stat threads/99999 ENOENT
stat processes/1.2.3 ENOENT
stat processes/x ENOENT
stat a\nb ENOENT
stat \x01 ENOENT
stat time/1/reg/rax/x ENOTDIR
listdir writes
listdir time/1/reg
stat writes/0x10+8
stat writes/0x10+0x8
CASES
alive "after malformed names"

# ---- huge offsets, unmapped memory ---------------------------------------------------------
errno_cases >"$T/bad" <<CASES || fail "$(head -n 1 "$T/bad")"
pread events 0x4000000000000000
pread time/$MID/regs 0x10000000000
pread time/$MID/mem 0x800000000000
pread time/$MID/mem 0x7ffffffffffffff0 ENOENT,EINVAL,EIO,EFBIG
pread time/$MID/mem 0x7ffffffffff0 EIO
pread time/$MID/mem 0x1000 EIO
pread time/$MID/mem 0x0 EIO
pread writes/0x10+8 0x4000000000000000
seekdata time/$MID/mem 0x800000000000 ENXIO,EINVAL
seekhole time/$MID/mem 0x7fffffffffffffff ENXIO,EINVAL
seekdata events 0x40000000 ENXIO
CASES
alive "after huge offsets"
# a read that runs off the end of the stack: the mapped part, then EIO
STACK_END=$(awk '/\[stack\]$/ { split($1, r, "-"); print r[2] }' "$MNT/time/$MID/maps")
[ -n "$STACK_END" ] || fail "no [stack] in maps"
pread_file "$MNT/time/$MID/mem" $((0x$STACK_END - 100)) 200 >"$T/tail" 2>"$T/tail.err"
[ $? = 1 ] && [ "$(wc -c <"$T/tail")" = 100 ] && grep -qx EIO "$T/tail.err" ||
	fail "reading across the end of the stack: $(wc -c <"$T/tail") bytes, $(cat "$T/tail.err")"
"$HS" query --raw "$TR" mem "$MID" $((0x$STACK_END - 100)) 100 | cmp -s - "$T/tail" ||
	fail "the stack's last bytes differ from query mem"

# ---- SEEK_DATA / SEEK_HOLE follow the mappings --------------------------------------------------
"$PY" -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
want = []
for line in open(sys.argv[2]):
    a, b = (int(x, 16) for x in line.split()[0].split("-"))
    if want and want[-1][1] == a:
        want[-1][1] = b
    else:
        want.append([a, b])
got, off = [], 0
while True:
    try:
        d = os.lseek(fd, off, os.SEEK_DATA)
    except OSError as e:
        assert e.errno == 6, e  # ENXIO: no data past off
        break
    h = os.lseek(fd, d, os.SEEK_HOLE)
    got.append([d, h])
    assert os.lseek(fd, d + 1, os.SEEK_DATA) == d + 1  # inside data: itself
    os.pread(fd, 16, d)                                 # mapped: reads
    if h < (1 << 47):
        try:
            os.pread(fd, 16, h)                         # a hole: EIO
            raise SystemExit("read at hole 0x%x worked" % h)
        except OSError as e:
            assert e.errno == 5, e
    off = h
if got != want:
    print("lseek walk:", [(hex(a), hex(b)) for a, b in got])
    print("maps:      ", [(hex(a), hex(b)) for a, b in want])
    sys.exit(1)
' "$MNT/time/$MID/mem" "$MNT/time/$MID/maps" >"$T/seek" 2>&1 || fail "SEEK_DATA/SEEK_HOLE: $(tr '\n' ' ' <"$T/seek")"
alive "after SEEK_DATA/SEEK_HOLE"

# ---- read-only ----------------------------------------------------------------------------------
errno_cases >"$T/bad" <<CASES || fail "$(head -n 1 "$T/bad")"
openw events EROFS
openrw time/$MID/regs EROFS
append stdout EROFS
creat newfile EROFS
creat time/$MID/newfile EROFS
trunc info EROFS
mkdir newdir EROFS
rmdir time EROFS
rmdir threads EROFS
unlink README EROFS
unlink time/end EROFS
rename events EROFS
symlink newlink EROFS
link events EROFS,EPERM
chmod README EROFS
utime README EROFS
setxattr README EROFS,ENOTSUP
openw time/$MID/mem EROFS
openw writes/0x10+8 EROFS
CASES
(echo x >"$MNT/README") 2>/dev/null && fail "a shell redirection wrote to README"
touch "$MNT/new" 2>/dev/null && fail "touch created a file"
alive "after writes"

# ---- unknown sizes read directly; known sizes are exact ----------------------------------------------
BASE=$(awk '$6 ~ /\/example$/ && $3 == "00000000" { split($1, a, "-"); print a[1]; exit }' "$MNT/time/$TEND/maps")
LEDGER=$(nm "$PROGS/example" | awk '$3 == "ledger" { print $1 }')
[ -n "$BASE" ] && [ -n "$LEDGER" ] || fail "no ledger address"
W=writes/$(printf '0x%x' $((0x$BASE + 0x$LEDGER + 16)))+8
[ "$(stat -c %s "$MNT/$W")" = 0 ] || fail "$W reports $(stat -c %s "$MNT/$W") bytes"
"$PY" -c '
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
data = b""
while True:
    b = os.read(fd, 7)      # tiny reads, to the end: no size needed
    if not b:
        break
    data += b
assert data.count(b"\n") >= 3, data
try:                        # direct I/O: no page cache to map
    mmap.mmap(fd, 4096, prot=mmap.PROT_READ)
    raise SystemExit("mmap of a direct I/O file worked")
except (OSError, ValueError):
    pass
fd = os.open(sys.argv[2], os.O_RDONLY)
size = os.fstat(fd).st_size
assert len(os.pread(fd, size + 100, 0)) == size
m = mmap.mmap(fd, 0, prot=mmap.PROT_READ)   # page-cached: it maps
assert m[:size] == os.pread(fd, size, 0)
' "$MNT/$W" "$MNT/events" >"$T/dio" 2>&1 || fail "direct I/O or exact size: $(tail -n 1 "$T/dio")"
alive "after direct I/O"

# ---- memory: the inode table is freed by FORGET and capped --------------------------------------------
# stats: the daemon's "stats: table-inodes N ... cache-bytes N cache-cap N" line on SIGUSR1
stats()
{
	local n
	n=$(grep -c 'stats:' "$MNT.log")
	kill -USR1 "$MOUNT_PID"
	for _ in $(seq 1 50); do
		[ "$(grep -c 'stats:' "$MNT.log")" -gt "$n" ] && break
		sleep 0.1
	done
	grep 'stats:' "$MNT.log" | tail -n 1
}
stat_field()
{
	stats | sed -n "s/.* $1 \([0-9]*\).*/\1/p"
}
for i in $(seq 1 300); do
	stat "$MNT/writes/$(printf '0x%x' $((0x100000 + i * 8)))+8" >/dev/null || fail "stat of writes/ range $i failed"
done
sleep 1
N=$(stat_field table-inodes)
[ -n "$N" ] || fail "no statistics on SIGUSR1: $(tail -n 2 "$MNT.log")"
[ "$N" -le 64 ] || fail "the inode table holds $N entries after 300 lookups with --max-inodes 16"
[ "$(stat_field invalidated)" -gt 0 ] || fail "the janitor invalidated nothing"
sync
if (echo 2 >/proc/sys/vm/drop_caches) 2>/dev/null; then
	sleep 1
	N=$(stat_field table-inodes)
	[ "$N" -le 4 ] || fail "after the kernel dropped its caches (FORGET) the table still holds $N entries"
else
	note "cannot write /proc/sys/vm/drop_caches: FORGET not checked"
fi
alive "after FORGET"
unmount_tree "$MNT"

# the query cache keeps to --cache-mb
MNT=$T/mnt-cache
mount_tree "$TR" "$MNT" --cache-mb 1
for i in $(seq 0 40); do
	cat "$MNT/time/$((i * TEND / 40))/regs" "$MNT/time/$((i * TEND / 40))/maps" >/dev/null ||
		fail "cat of regs/maps at $((i * TEND / 40)) failed"
done
CAP=$(stat_field cache-cap)
USED=$(stat_field cache-bytes)
[ "$CAP" = 1048576 ] || fail "cache-cap is '$CAP' with --cache-mb 1"
[ "$USED" -le $((CAP + CAP / 2)) ] || fail "the query cache holds $USED bytes, cap $CAP"

# ---- signals: SIGTERM and SIGINT of mount -f unmount cleanly ------------------------------------------
for sig in TERM INT; do
	kill -s "$sig" "$MOUNT_PID"
	wait "$MOUNT_PID"
	rc=$?
	[ "$rc" = 0 ] || fail "mount -f exited $rc on SIG$sig: $(tail -n 2 "$MNT.log")"
	is_mounted "$MNT" && fail "still mounted after SIG$sig"
	[ "$sig" = TERM ] && mount_tree "$TR" "$MNT"
done
# a daemonized mount: returns once the tree is up, goes away with fusermount3 -u
mkdir -p "$T/mnt-bg"
MOUNTS+=("$T/mnt-bg")
"$HS" mount "$TR" "$T/mnt-bg" 2>"$T/bg.err" || fail "hindsight mount (daemon) exited $?: $(cat "$T/bg.err")"
"$HS" query "$TR" regs "$MID" >"$T/regs.q"
cmp -s "$T/mnt-bg/time/$MID/regs" "$T/regs.q" || fail "the daemonized mount's regs differ"
fusermount3 -u "$T/mnt-bg" || fail "fusermount3 -u of the daemonized mount failed"
is_mounted "$T/mnt-bg" && fail "still mounted after fusermount3 -u"
# bad usage and a missing database
"$HS" mount "$TR" 2>/dev/null && fail "mount without a mount point succeeded"
"$HS" mount "$TR" "$T/nonexistent" 2>/dev/null && fail "mount on a missing folder succeeded"
record_ok "$T/nodb" "$PROGS/example"
mkdir -p "$T/mnt-nodb"
"$HS" mount -f "$T/nodb" "$T/mnt-nodb" 2>"$T/nodb.err" && fail "mount of a recording without a database succeeded"
grep -q 'hindsight build' "$T/nodb.err" || fail "no hint to build: $(cat "$T/nodb.err")"
is_mounted "$T/mnt-nodb" && fail "a recording without a database got mounted"
pass "errors, read-only, seeks, FORGET, caps, signals"
