#!/bin/bash
# db_lines_shards.sh - line starts (lines, lineidx, linefiles.hdb) do not depend on the shard count or on --shard/--merge, even with 16 KiB chunks (also across longjmp at -O2); their depth is the backtrace's count; lines FILE / FILE LINE (gdb's break hits) agree with each other; step into/over/back-into/back-over agree with the listed starts (gdb's next and reverse-next rules: same-line starts in one frame are one line).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built threads recursive

for p in recursive threads; do
	tr=$T/$p
	record_chunks "$tr" 16 "$PROGS/$p"
	ref=""
	for n in 1 5; do
		build_ok "$tr" --shards "$n"
		db_hashes "$tr" | grep -E 'line|stacks|callee' >"$tr.h.$n"
		"$HS" query "$tr" line-starts 0 18446744073709551614 >"$tr.ls.$n" ||
			fail "$p: query line-starts failed"
		[ -n "$ref" ] || ref=$n
		cmp -s "$tr.h.$ref" "$tr.h.$n" ||
			fail "$p: --shards $n gives other line/stack/callee files than --shards 1: $(diff "$tr.ls.$ref" "$tr.ls.$n" | head -n 3 | tr '\n' ' ')"
	done
	rm -rf "$tr/db"
	for i in 0 1 2; do
		build_ok "$tr" --shard "$i/3"
	done
	build_ok "$tr" --merge --shards 3
	verify_ok "$tr"
	db_hashes "$tr" | grep -E 'line|stacks|callee' >"$tr.h.m"
	cmp -s "$tr.h.1" "$tr.h.m" || fail "$p: --shard i/3 + --merge gives other line files"
	out=$("$PY" - "$HS" "$tr" "$(basename "$p").c" 2>&1 <<'PYEOF'
import random, subprocess, sys
hs, tr, src = sys.argv[1:4]
INF = 2**64 - 1

def q(*args, ok=(0,)):
    r = subprocess.run([hs, "query", tr] + list(args), capture_output=True, text=True)
    if r.returncode not in ok:
        sys.exit("query %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return r.stdout.splitlines()

starts = [tuple(map(int, l.split())) for l in q("line-starts", "0", str(INF - 1))]
files = dict(l.split(" ", 1) for l in q("lines"))
fid = [int(i) for i, path in files.items() if path.endswith("/" + src)]
if len(fid) != 1:
    sys.exit("lines: %s listed %d times" % (src, len(fid)))
fid = fid[0]
mine = [s for s in starts if s[2] == fid]
if len(mine) < 20:
    sys.exit("only %d line starts in %s" % (len(mine), src))
counts = {}
for s in mine:
    counts[s[3]] = counts.get(s[3], 0) + 1
# lines FILE [LINE] are the hits of gdb's `break FILE:LINE` (src_ln_hits
# compares them with gdb): each count is its line's records, in t order,
# each with the backtrace's depth
got = {int(a): int(b) for a, b in (l.split() for l in q("lines", src))}
if len(got) < 10:
    sys.exit("lines %s: only %d lines" % (src, len(got)))
rnd = random.Random(3)
for line in rnd.sample(sorted(got), min(5, len(got))):
    hits = [tuple(map(int, l.split())) for l in q("lines", str(fid), str(line))]
    if len(hits) != got[line] or hits != sorted(hits) or \
       any(h[2:4] != (fid, line) for h in hits):
        sys.exit("lines %s %d: %d records, counted %d" % (src, line, len(hits), got[line]))
    for h in hits[:2]:
        bt = q("--tid", str(h[1]), "backtrace", str(h[0]))
        if len(bt) != h[4]:
            sys.exit("lines %s %d: t=%d: depth %d, backtrace has %d frames"
                     % (src, line, h[0], h[4], len(bt)))
# depth is the backtrace's count; steps agree with the list
for s in rnd.sample(mine, 12):
    t, tid, f, line, depth = s
    bt = q("--tid", str(tid), "backtrace", str(t))
    if len(bt) != depth:
        sys.exit("t=%d: depth %d, backtrace has %d frames" % (t, depth, len(bt)))
    th = [x for x in starts if x[1] == tid]
    i = th.index(s)

    def frame(x):
        # [t_call, t_ret) of the innermost call a start x is in
        if x[4] == 0:
            return 0, float("inf")
        for row in q("--tid", str(tid), "backtrace", str(x[0])):
            c = row.split()
            if int(c[2]) == x[4] - 1:
                return int(c[0]), int(c[1]) if c[1].isdigit() else float("inf")
        sys.exit("t=%d: no call at depth %d in its backtrace" % (x[0], x[4] - 1))

    def same(a, b):
        return a[2:5] == b[2:5]

    def run_first(j):
        # gdb's reverse-next lands on the first start of a line's run:
        # starts of one line in one frame with only deeper starts between
        lo = frame(th[j])[0]
        while True:
            k = next((k for k in range(j - 1, -1, -1) if th[k][4] <= th[j][4]), None)
            if k is None or not same(th[k], th[j]) or th[k][0] <= lo:
                return j
            j = k

    end = frame(s)[1]
    over = next((x[0] for x in th[i + 1:] if x[4] <= depth and
                 not (same(x, s) and x[0] < end)), None)
    j = run_first(i)
    if j == i:
        j = next((k for k in range(i - 1, -1, -1) if th[k][4] <= depth), None)
        j = None if j is None else run_first(j)
    expect = {
        "into": th[i + 1][0] if i + 1 < len(th) else None,
        "back-into": th[i - 1][0] if i > 0 else None,
        "over": over,
        "back-over": None if j is None else th[j][0],
    }
    for how, want in expect.items():
        r = q("step", str(t), how, ok=(0, 1))
        have = int(r[0]) if r else None
        if have != want:
            sys.exit("step %d %s: %s, the list says %s" % (t, how, have, want))
print("%d line starts, %d in %s over %d lines" % (len(starts), len(mine), src, len(counts)))
PYEOF
	) || fail "$p: $out"
	note "$p: $out"
done
# longjmp at -O2 back into main, where an inlined copy starts: the frame
# changed at __longjmp's jump (dbb_lines.c, jump_frame) whatever shard
# the jump falls in
tr=$T/st_ljinl_o2
gcc -g -O2 -o "$T/st_ljinl_o2.bin" "$ROOT/tests/programs/st_ljinl.c" || fail "could not compile st_ljinl.c"
record_chunks "$tr" 16 "$T/st_ljinl_o2.bin"
for n in 1 5; do
	build_ok "$tr" --shards "$n"
	db_hashes "$tr" | grep -E 'line|stacks|callee' >"$tr.h.$n"
	"$HS" query "$tr" line-starts 0 18446744073709551614 >"$tr.ls.$n" ||
		fail "st_ljinl_o2: query line-starts failed"
done
cmp -s "$tr.h.1" "$tr.h.5" ||
	fail "st_ljinl_o2: --shards 5 gives other line files than --shards 1: $(diff "$tr.ls.1" "$tr.ls.5" | head -n 3 | tr '\n' ' ')"
pass
