#!/bin/bash
# db_backtrace_naive.sh - `query backtrace T` (stacks.hdb checkpoints + calls.hdb) equals a naive reconstruction from every call (query calls) and thread exit, at random and boundary t, with threads and tid reuse; callees and calls-to agree with the calls.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built threads recursive example

for p in threads recursive example; do
	tr=$T/$p
	record_chunks "$tr" 16 "$PROGS/$p"
	build_ok "$tr" --shards 3
	verify_ok "$tr"
	out=$("$PY" - "$HS" "$tr" 2>&1 <<'PYEOF'
import random, subprocess, sys
hs, tr = sys.argv[1], sys.argv[2]
INF = 2**64 - 1

def q(*args):
    r = subprocess.run([hs, "query", tr] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("query %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return r.stdout.splitlines()

calls = [l.split() for l in q("calls", "0", str(INF - 1))]
exits = {}
for l in q("events", "--kind", "thread-exit", "0", str(INF - 1)):
    f = l.split()
    exits.setdefault(int(f[3].split("=")[1]), []).append(int(f[0]))
t_end_of = []
for c in calls:
    t_call, tid = int(c[0]), int(c[3])
    if c[1] != "-":
        t_end_of.append(int(c[1]))
    else:
        later = [e for e in exits.get(tid, []) if e > t_call]
        # still open at the exit itself (the dying thread's stack)
        t_end_of.append(min(later) + 1 if later else INF)
info = dict(l.split(": ", 1) for l in q("info") if ": " in l)
t_max = int(info["t-end"])

def naive(t, tid):
    open_ = [" ".join(c) for c, e in zip(calls, t_end_of)
             if int(c[3]) == tid and int(c[0]) < t < e]
    return open_[::-1]

rnd = random.Random(5)
ts = [rnd.randrange(0, t_max) for _ in range(15)]
for _ in range(12):
    i = rnd.randrange(len(calls))
    c = calls[i]
    ts += [int(c[0]), int(c[0]) + 1]
    if c[1] != "-":
        ts += [int(c[1]) - 1, int(c[1])]
deepest = max(range(len(calls)), key=lambda i: int(calls[i][2]))
ts.append(int(calls[deepest][0]) + 1)
# each thread's exit and the end: a dying thread keeps its stack there
ts += [e + d for es in exits.values() for e in es for d in (-1, 0)] + [t_max]
checked = maxdepth = 0
for t in sorted(set(x for x in ts if 0 <= x <= t_max)):
    tid = int(q("thread", str(t))[0])
    got = q("backtrace", str(t))
    want = naive(t, tid)
    if got != want:
        sys.exit("t=%d tid=%d: backtrace\n  %s\nnaive\n  %s" % (t, tid, "\n  ".join(got[:6]), "\n  ".join(want[:6])))
    # another thread's stack at the same t (--tid)
    for o in sorted(set(int(c[3]) for c in calls) - {tid})[:2]:
        r = subprocess.run([hs, "query", "--tid", str(o), tr, "backtrace", str(t)],
                           capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.splitlines() != naive(t, o):
            sys.exit("t=%d --tid %d: backtrace\n  %s\nnaive\n  %s\nexits %s" % (
                t, o, "\n  ".join(r.stdout.splitlines()[:6]), "\n  ".join(naive(t, o)[:6]),
                exits.get(o)))
    checked += 1
    maxdepth = max(maxdepth, len(got))
# calls-to and callees agree with the calls
by = {}
for c in calls:
    by.setdefault(int(c[4], 16), []).append(" ".join(c))
# (entries of inlined copies are callees too, keyed pc | k << 56, but no
# calls: left out here)
callees = [l for l in q("callees") if int(l.split()[0], 16) >> 56 == 0]
if len(callees) != len(by):
    sys.exit("callees lists %d functions, the calls %d" % (len(callees), len(by)))
for l in callees:
    a, n = l.split()
    if int(n) != len(by[int(a, 16)]):
        sys.exit("callees: %s has %s calls, the calls say %d" % (a, n, len(by[int(a, 16)])))
for a in rnd.sample(sorted(by), min(8, len(by))):
    if q("calls-to", hex(a)) != by[a]:
        sys.exit("calls-to %s differs from the calls to it" % hex(a))
print("%d t checked, depth up to %d, %d calls, %d callees" % (checked, maxdepth, len(calls), len(by)))
PYEOF
	) || fail "$p: $out"
	note "$p: $out"
done
pass
