#!/bin/bash
# flow_heap_gdb.sh - GET /api/heap (server/srv_heap.c) against gdb on a
# native run of flow_uaf (a use-after-free, a calloc, a realloc that moves
# and one that shrinks in place, stdio's buffer): gdb's breakpoints on
# malloc, calloc, realloc and free give every call's arguments, its result
# (rax at `finish`) and its caller (flow_heap_oracle.py).  For every block
# gdb saw, the server's history of that address (the native and recorded
# heaps differ only by their base: both runs print the first block's
# address) must list the same blocks: size, the allocating call (function,
# arguments, result, caller) and the freeing one.  Then the
# use-after-free question at the USE_LINE (flow_uaf.c): the stale pointer's
# address is in a live block allocated after an earlier block there was
# freed by cancel() (at -O2 inlined into main) at the FREE_LINE; between that free and the next malloc
# the address is "freed".
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built flow_uaf flow_uaf_o2
command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
SRC=$ROOT/tests/programs/flow_uaf.c
summary=

# check PROG: the comparison for one build of flow_uaf.c
check()
{
local PROG=$PROGS/$1 T=$T/$1 rc
mkdir -p "$T"
ORACLE_PROG=$PROG ORACLE_OUT=$T/oracle.json ORACLE_STDOUT=$T/native.out \
	timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$ROOT/tests/e2e/flow_heap_oracle.py" \
	</dev/null >"$T/gdb.out" 2>&1
[ -s "$T/oracle.json" ] || fail "the gdb oracle wrote nothing: $(grep -i 'error\|Traceback' "$T/gdb.out" | head -n 2 | tr '\n' ' ')"
record_ok "$T/trace" "$PROG"
build_ok "$T/trace"
serve_start s "$T/trace"
# times of the marked lines, from the tree: the use, and the free inside cancel
use_line=$(grep -n 'USE_LINE' "$SRC" | cut -d: -f1)
free_line=$(grep -n 'FREE_LINE' "$SRC" | cut -d: -f1)
lines_dir=$("$HS" ls "$T/trace" lines | head -n 1)
# (at -O2 the use itself may start no line: the next line that does)
for l in $(seq "$use_line" $((use_line + 8))); do
	t_use=$("$HS" cat "$T/trace" "lines/${SRC#/}/$l" 2>/dev/null | head -n 1 | cut -d' ' -f1)
	[ -n "$t_use" ] && break
done
t_free=$("$HS" cat "$T/trace" "lines/${SRC#/}/$free_line" | head -n 1 | cut -d' ' -f1)
[ -n "$t_use" ] && [ -n "$t_free" ] || fail "no execution of lines $use_line and $free_line in lines/ (lines/$lines_dir...)"
t_end=$("$HS" cat "$T/trace" info | sed -n 's/^instructions: //p')

SRC=$SRC BASE=$BASE T_END=$t_end T_USE=$t_use T_FREE=$t_free "$PY" - "$T/oracle.json" \
	"$T/native.out" "$T/trace.out" >"$T/check.out" 2>&1 <<'PYEOF'
import json, os, re, sys, urllib.request

calls = json.load(open(sys.argv[1]))
anchor = lambda f: int(re.search(r"^first 0x([0-9a-f]+)$", open(f).read(), re.M).group(1), 16)
native, rec = anchor(sys.argv[2]), anchor(sys.argv[3])
base = os.environ["BASE"]
rel = lambda p: p - native + rec if p else 0
bad = []

def heap(t, addr):
    with urllib.request.urlopen("%s/api/heap?t=%d&addr=0x%x" % (base, t, addr)) as r:
        return json.load(r)

def caller(name):
    return name or ""  # gdb's own names (__GI__IO_file_doallocate): compared exactly

# gdb's blocks, by the same rules as any allocator's user sees them
blocks, live = [], {}
for c in calls:
    fn, a, ret = c["fn"], c["args"], c["ret"]
    if fn in ("free", "realloc") and a[0] and a[0] in live and (fn == "free" or ret or a[1] == 0):
        live.pop(a[0])["free"] = c
    if fn != "free" and ret:
        size = a[0] if fn == "malloc" else a[0] * a[1] if fn == "calloc" else a[1]
        b = {"addr": ret, "size": size, "alloc": c, "free": None}
        blocks.append(b)
        live[ret] = b

def same_call(g, s, what):
    if s is None or g is None:
        if (s is None) != (g is None):
            bad.append("%s: gdb %s, server %s" % (what, g and g["fn"], s and s["fn"]))
        return
    want_args = [rel(x) if g["fn"] in ("free", "realloc") and i == 0 else x
                 for i, x in enumerate(g["args"])]
    got_args = [int(x, 16) for x in s["args"]]
    if s["fn"] != g["fn"] or got_args != want_args:
        bad.append("%s: gdb %s%s, server %s%s" % (what, g["fn"], want_args, s["fn"], got_args))
    if g["ret"] is not None and int(s["ret"], 16) != rel(g["ret"]):
        bad.append("%s: gdb returned 0x%x, server %s" % (what, rel(g["ret"]), s["ret"]))
    if caller(s["caller"]) != caller(g["caller"]):
        bad.append("%s: caller gdb %s, server %s" % (what, g["caller"], s["caller"]))

t_end = int(os.environ["T_END"])
main_t = None
for addr in sorted({b["addr"] for b in blocks}):
    want = [b for b in blocks if b["addr"] <= addr < b["addr"] + max(b["size"], 1)]
    got = heap(t_end, rel(addr))["blocks"]
    if len(got) != len(want):
        bad.append("0x%x: gdb saw %d blocks there, the server %d" % (rel(addr), len(want), len(got)))
        continue
    for i, (g, s) in enumerate(zip(want, got)):
        what = "block %d at 0x%x" % (i, rel(addr))
        if int(s["addr"], 16) != rel(g["addr"]) or s["size"] != g["size"]:
            bad.append("%s: gdb 0x%x+%d, server %s+%d" % (what, rel(g["addr"]), g["size"], s["addr"], s["size"]))
        same_call(g["alloc"], s["alloc"], what + " alloc")
        same_call(g["free"], s["free"], what + " free")

# the use-after-free question at the use
first = rel(calls[0]["ret"])
u = heap(int(os.environ["T_USE"]), first)
if u["state"] != "live" or u["at"] != 1 or len(u["blocks"]) < 2:
    bad.append("at the use: state %s, at %s, %d blocks" % (u["state"], u["at"], len(u["blocks"])))
else:
    f = u["blocks"][0]["free"]
    gdb_free = [c for c in calls if c["fn"] == "free" and c["args"][0] == calls[0]["ret"]][0]
    if not f or caller(f["caller"]) != caller(gdb_free["caller"]) or not f["where"].endswith(":%s" % os.popen(
            "grep -n FREE_LINE " + os.environ["SRC"]).read().split(":")[0]):
        bad.append("the first block's free: %s" % f)
    if u["blocks"][1]["alloc"]["t_call"] <= f["t_return"]:
        bad.append("the second block was allocated before the first was freed")
    between = heap(f["t_return"], first)  # free has returned
    if between["state"] != "freed" or between["at"] != 0:
        bad.append("right after the free: state %s, at %s" % (between["state"], between["at"]))
print("%d gdb calls, %d blocks compared" % (len(calls), len(blocks)))
for b in bad[:10]:
    print("BAD " + b)
sys.exit(1 if bad else 0)
PYEOF
rc=$?
cat "$T/check.out" >&2
[ "$rc" = 0 ] || fail "$(grep -m3 '^BAD\|Error' "$T/check.out" | tr '\n' ' ')"
# bad requests are refused, and say why
expect_status 400 "/api/heap?t=1"
expect_status 400 "/api/heap?addr=0x10"
expect_status 400 "/api/heap?t=1&addr=0x10&image=x"
expect_status 404 "/api/heap?t=1&addr=0x10&image=99"
expect_status 200 "/api/heap?t=1&addr=0x10"
grep -q '"blocks":\[\]' "$T/body" || fail "0x10 is in a heap block: $(head -c 200 "$T/body")"
serve_stop
summary="$summary $1: $(head -n 1 "$T/check.out");"
}

check flow_uaf
check flow_uaf_o2
pass "/api/heap equals gdb's malloc/calloc/realloc/free;$summary the use-after-free's free() found"
