# bench_rec.bash - the recordings the bench scripts share (bash; source it
# with HS and PY set).  Each returns non-zero with the tool's message in
# SCRATCH/<name>.rec or .build.
# shellcheck shell=bash

# bench_rec_gzip OUT MB SCRATCH: gzip -c of MB MB of generated text (words
# and numbers, always the same), recorded into OUT and built
bench_rec_gzip()
{
	local out=$1 mb=$2 w=$3
	"$PY" -c '
import random, sys
r = random.Random(20240501)
w = "the of and to in is was that for it with as record replay memory register thread".split()
out, n = [], 0
while n < int(sys.argv[2]):
    l = " ".join(r.choice(w) for _ in range(r.randrange(4, 16))) + " %d" % r.randrange(100000)
    out.append(l)
    n += len(l) + 1
open(sys.argv[1], "w").write("\n".join(out))
' "$w/in.txt" $((mb << 20)) || return 1
	"$HS" record -o "$out" -- /bin/gzip -c "$w/in.txt" >/dev/null 2>"$w/gz.rec" || return 1
	"$HS" build "$out" >/dev/null 2>"$w/gz.build"
}

# bench_rec_python OUT SCRATCH: python3 -c '<json, re, a class, sorting>'
# (python3 has no DWARF of its own here: libc and ld.so have, from
# libc6-dbg), recorded into OUT and built
bench_rec_python()
{
	local out=$1 w=$2
	(cd "$w" && "$HS" record -o "$out" -- /usr/bin/python3 -c '
import json, re
class P:
    def __init__(s, n): s.n = n
    def f(s): return sum(i * i for i in range(s.n))
d = {str(i): P(i).f() for i in range(300)}
t = json.dumps(d, sort_keys=True)
print(len(t), len(re.findall(r"[0-9]+", t)), sorted(d.values())[-1])
' >/dev/null 2>"$w/py.rec") || return 1
	"$HS" build "$out" >/dev/null 2>"$w/py.build"
}
