#!/bin/bash
# db_query_io.sh - memory from the database holds what write() wrote and what read() read, checked against the real files.
#
# For every write(fd, buf, n) syscall that `hindsight query events` lists,
# the n bytes at buf at that t, read with `hindsight query mem --raw`, are
# what the program wrote: together they equal its real stdout.  For every
# read(fd, buf, n) of a file the program opened by path, the bytes at buf
# after the syscall equal that file's contents at that offset.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built example

gen_text "$T/input.txt" 150000

check()
{
	local name=$1 out
	shift
	record_ok "$T/$name" "$@"
	build_ok "$T/$name" --shards 2
	"$HS" query "$T/$name" events --kind syscall,sysret 0 0xffffffffffffffff >"$T/$name.sys" 2>"$T/$name.sys.err" ||
		fail "$name: query events: $(head -n 1 "$T/$name.sys.err")"
	out=$("$PY" - "$HS" "$T/$name" "$T/$name.sys" "$T/$name.fd1" <<'PYEOF'
import os, re, subprocess, sys
hs, trace, listing, fd1 = sys.argv[1:5]

def mem(t, addr, n):
    r = subprocess.run([hs, "query", "--raw", trace, "mem", str(t), hex(addr), str(n)],
                       capture_output=True)
    if r.returncode != 0:
        sys.exit("mem %d %#x %d: exit %d: %s" % (t, addr, n, r.returncode, r.stderr.decode().strip()))
    return r.stdout

def regs(t, tid):
    # the registers before the syscall instruction (the t-th) ran: its arguments
    r = subprocess.run([hs, "query", "--tid", tid, trace, "regs", str(t - 1)], capture_output=True)
    if r.returncode != 0:
        sys.exit("regs %d: exit %d: %s" % (t - 1, r.returncode, r.stderr.decode().strip()))
    v = dict(l.split()[:2] for l in r.stdout.decode().splitlines() if len(l.split()) >= 2)
    return [int(v[n], 16) for n in ("rdi", "rsi", "rdx", "r10")]

call = re.compile(r'^(\d+) (\d+) syscall (\w+)\((.*)\)$')
ret = re.compile(r'^(\d+) (\d+) sysret (\w+) = (\S+)')
pending = {}   # tid -> (name, args)
fds = {}       # fd -> [path, offset]
out = open(fd1, "wb")
writes = reads = 0
for line in open(listing, encoding="utf-8", errors="replace"):
    m = call.match(line.rstrip("\n"))
    if m:
        t, tid, name, args = int(m[1]), m[2], m[3], m[4]
        if name not in ("openat", "close", "lseek", "write", "read", "pread64"):
            pending.pop(tid, None)
            continue
        # the arguments from the registers (strace's line shows write's
        # bytes, not their address); openat's path is its first string
        path = re.search(r'"((?:[^"\\]|\\.)*)"', args)
        pending[tid] = (t, name, regs(t, tid), path[1] if path else None)
        continue
    m = ret.match(line)
    if not m or m[2] not in pending:
        continue
    t, tid, name, res = int(m[1]), m[2], m[3], m[4]
    t0, cname, nums, path = pending.pop(tid)
    if res.startswith("-") or res == "?":
        continue            # failed
    res = int(res, 0)
    if cname == "openat" and path and "\\" not in path:
        if not path.startswith("/") and nums[0] in fds:     # relative to a directory fd
            path = fds[nums[0]][0].rstrip("/") + "/" + path
        if path.startswith("/"):
            fds[res] = [path, 0]
    elif cname == "close" and nums[0] in fds:
        del fds[nums[0]]
    elif cname == "lseek" and nums[0] in fds:
        fds[nums[0]][1] = res
    elif cname == "write" and res > 0:
        data = mem(t0, nums[1], res)      # the buffer as the syscall began
        if nums[0] == 1:
            out.write(data)
        writes += 1
    elif cname in ("read", "pread64") and res > 0 and nums[0] in fds:
        f = fds[nums[0]]
        if os.path.isdir(f[0]):
            continue
        off = nums[3] if cname == "pread64" else f[1]
        want = open(f[0], "rb").read()[off:off + res]
        got = mem(t, nums[1], res)        # the buffer once the syscall returned
        if got != want:
            sys.exit("%s at t=%d of %s: %d bytes at %#x differ from the file at offset %d"
                     % (cname, t, f[0], res, nums[1], off))
        if cname == "read":
            f[1] += res
        reads += 1
print("%d writes, %d reads" % (writes, reads))
PYEOF
) || fail "$name: $out"
	same_file "$name: stdout rebuilt from write() buffers" "$T/$name.out" "$T/$name.fd1"
	SUMMARY="$SUMMARY $name: $out;"
}

SUMMARY=
check example "$PROGS/example"
check gzip /usr/bin/gzip -c "$T/input.txt"
grep -q ' 0 reads' <<<"$SUMMARY" && fail "no read() was checked:$SUMMARY"
pass "${SUMMARY%;}"
