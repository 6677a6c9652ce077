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

# errno_cases: lines "OP PATH [ARG]" on stdin, each with its allowed errnos;
# prints the first case that did something else.
errno_cases()
{
	"$PY" - "$MNT" <<'PYEOF'
import errno, os, sys
mnt = sys.argv[1]
bad = 0
E = errno
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    op, path, *rest = line.split(" ")
    want = [getattr(E, n) for n in rest[-1].split(",")] if rest else []
    arg = rest[0] if len(rest) > 1 else None
    p = os.path.join(mnt, path.replace("\\n", "\n").replace("\\x01", "\x01"))
    got = "ok"
    try:
        if op == "stat":
            os.stat(p)
        elif op == "lstat":
            os.lstat(p)
        elif op == "read":          # read ARG bytes at 0
            fd = os.open(p, os.O_RDONLY)
            try:
                os.pread(fd, 4096, 0)
            finally:
                os.close(fd)
        elif op == "pread":         # pread at offset ARG: must return b"" or fail
            fd = os.open(p, os.O_RDONLY)
            try:
                b = os.pread(fd, 4096, int(arg, 0))
                got = "ok" if b == b"" else "data"
            finally:
                os.close(fd)
        elif op == "seekdata" or op == "seekhole":
            fd = os.open(p, os.O_RDONLY)
            try:
                os.lseek(fd, int(arg, 0), os.SEEK_DATA if op == "seekdata" else os.SEEK_HOLE)
            finally:
                os.close(fd)
        elif op == "openw":
            os.close(os.open(p, os.O_WRONLY))
        elif op == "openrw":
            os.close(os.open(p, os.O_RDWR))
        elif op == "append":
            os.close(os.open(p, os.O_WRONLY | os.O_APPEND))
        elif op == "creat":
            os.close(os.open(p, os.O_WRONLY | os.O_CREAT, 0o644))
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
    if (want and got not in want) or (not want and got != "ok"):
        name = errno.errorcode.get(got, got) if isinstance(got, int) else got
        print("%s %s: %s (expected %s)" % (op, path, name, rest[-1] if rest else "success"))
        bad += 1
sys.exit(1 if bad else 0)
PYEOF
}

# ---- malformed names, out of range, garbage ------------------------------------------
LONG=$(printf 'x%.0s' $(seq 1 255))
errno_cases >"$T/bad" <<EOF || fail "$(head -n 1 "$T/bad")"
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
stat writes/0X10 ENOENT,EINVAL
