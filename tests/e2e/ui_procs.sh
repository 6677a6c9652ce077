#!/bin/bash
# ui_procs.sh - a recording of 121 process images (flow_fork100: 100 fork
# children, every fifth of them exec'ing /bin/true) served under
# `ulimit -n 256` (fewer descriptors than its database files):
#  - every image answers /api/moment (registers, instruction, where) at its
#    first, middle and last moment: images of the same mappings share
#    their debug files (fs/tree/tree_source.c), no descriptor runs out;
#  - /api/procs lists every image, the recorded root first; each fork
#    child's parent made it (the parent's syscalls file has the clone()
#    that returned its pid, at the child's parent_t), each exec image
#    follows the image of its pid it replaced and runs /bin/true; the
#    counts of forks and execs are strace -f's on a native run;
#  - in chromium (tests/browser/flow_procs.mjs): the picker is that tree
#    and several images open with their own registers, no console error.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built flow_fork100
command -v strace >/dev/null || fail "strace is not installed"

# every process ends in exit_group: the pids strace names are the root and
# its fork children (calls interleave: "<unfinished ...>", so no call is
# counted by its result)
strace -f -qq -e trace=clone,clone3,fork,vfork,execve,exit_group -o "$T/strace" \
	"$PROGS/flow_fork100" >/dev/null 2>&1 || fail "flow_fork100 failed natively"
want_forks=$(($(cut -d' ' -f1 "$T/strace" | sort -u | wc -l) - 1))
want_execs=$(grep -c '^[0-9]* *execve("/bin/true"' "$T/strace")
record_ok "$T/trace" "$PROGS/flow_fork100"
build_ok "$T/trace"
n=$(ls "$T/trace/procs" | wc -l)
[ "$n" = $((1 + want_forks + want_execs)) ] ||
	fail "$n images recorded; strace saw $want_forks forks and $want_execs execs"

( ulimit -n 256; exec "$HS" serve --port 0 "$T/trace" >"$T/s.out" 2>"$T/s.err" ) &
SRV_PID=$!
SRV_PIDS+=("$SRV_PID")
for i in $(seq 200); do
	grep -q '^Hindsight serving' "$T/s.out" 2>/dev/null && break
	sleep 0.05
done
BASE=http://127.0.0.1:$(sed -n 's|^Hindsight serving .* at http://[^:/]*:\([0-9]*\)/.*|\1|p' "$T/s.out")
expect_status 200 /api/procs
cp "$T/body" "$T/procs.json"
expect_status 200 /api/info
"$PY" - "$T/procs.json" "$T/body" "$HS" "$T/trace" "$want_forks" "$want_execs" "$BASE" >"$T/check.out" 2>&1 <<'PYEOF'
import json, re, subprocess, sys, urllib.request
procs = json.load(open(sys.argv[1]))["processes"]
info = json.load(open(sys.argv[2]))
hs, trace, forks, execs = sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
bad = []
names = [i["name"] for i in info["images"]]
if [p["name"] for p in procs] != names:
    bad.append("/api/procs and /api/info list different images")
top = subprocess.run([hs, "cat", trace, "info"], capture_output=True, text=True).stdout
root = re.search(r"^process: (\S+)", top, re.M).group(1)
if procs[0]["name"] != root or procs[0]["parent"] is not None:
    bad.append("the first image is %s (parent %s), the recording's first process %s" % (procs[0]["name"], procs[0]["parent"], root))
byname = {p["name"]: p for p in procs}
sysc_of = {}
nf = ne = 0
for p in procs[1:]:
    par = byname.get(p["parent"])
    if par is None:
        bad.append("%s: parent %s is no image" % (p["name"], p["parent"]))
        continue
    if p["how"] == "fork":
        nf += 1
        if par["name"] not in sysc_of:
            path = "/api/tree/" + ("processes/%s/" % par["name"] if par is not procs[0] else "") + "syscalls"
            with urllib.request.urlopen(sys.argv[7] + path) as r:
                sysc_of[par["name"]] = r.read().decode()
        sysc = sysc_of[par["name"]]
        made = [l for l in sysc.splitlines() if re.search(r"\b(clone|clone3|fork|vfork)\(.*\) = %d$" % p["pid"], l)]
        if len(made) != 1 or int(made[0].split()[0]) != p["parent_t"]:
            bad.append("%s: its parent %s's syscalls show %s, parent_t %s" % (p["name"], par["name"], made, p["parent_t"]))
    elif p["how"] == "exec":
        ne += 1
        pid, n = p["name"].split(".")
        if par["name"] != "%s.%d" % (pid, int(n) - 1) or p["program"] != "/bin/true":
            bad.append("%s: exec of %s running %s" % (p["name"], par["name"], p["program"]))
    else:
        bad.append("%s: how %s" % (p["name"], p["how"]))
if (nf, ne) != (forks, execs):
    bad.append("%d forks and %d execs in /api/procs, strace saw %d and %d" % (nf, ne, forks, execs))
print("%d images: %d forks, %d execs" % (len(procs), nf, ne))
for b in bad[:8]:
    print("BAD " + b)
sys.exit(1 if bad else 0)
PYEOF
rc=$?
cat "$T/check.out" >&2
[ "$rc" = 0 ] || fail "$(grep -m3 '^BAD\|Error' "$T/check.out" | tr '\n' ' ')"
# every image is viewable: its first and its last moment, with registers,
# instruction and where (5 descriptors of debug files per image once
# exhausted `ulimit -n 256` at the 40th image: accept() failed, and reads
# answered EMFILE)
"$PY" - "$T/body" "$BASE" >"$T/view.out" 2>&1 <<'PYEOF' || fail "$(grep -m3 '^BAD\|Error' "$T/view.out" | tr '\n' ' ')"
import json, sys, urllib.request
bad = []
images = json.load(open(sys.argv[1]))["images"]
for i, img in enumerate(images):
    for t in (0, img["t_end"] // 2, img["t_end"]):
        with urllib.request.urlopen("%s/api/moment?t=%d&image=%d" % (sys.argv[2], t, i)) as r:
            m = json.load(r)
        for k in ("regs", "where") + (("insn",) if t < img["t_end"] else ()):
            if not m.get(k):
                bad.append("image %s at t=%d: %s is %s" % (img["name"], t, k, m.get(k)))
# the search's name list of each image the page moved to is built ahead,
# in the warm-up thread: it must be that image's (it once was image 0's:
# python3, the 7th image of a pyenv shim's recording, found nothing).
# work() runs in the fork children that do not exec, /bin/true has none.
procs = json.load(urllib.request.urlopen(sys.argv[2] + "/api/procs"))["processes"]
for i, p in enumerate(procs[:12]):
    r = json.load(urllib.request.urlopen("%s/api/search?q=work&image=%d" % (sys.argv[2], i)))
    kinds = sorted(x["kind"] for x in r["results"] if x["name"] == "work")
    want = [] if p["program"] == "/bin/true" else ["symbol"] if i == 0 or p["ended"] == "exec" else ["function"]
    if kinds != want:
        bad.append("search work in image %d (%s): %s, want %s" % (i, p["program"], kinds, want))
print("%d images viewed" % len(images))
for b in bad[:5]:
    print("BAD " + b)
sys.exit(1 if bad else 0)
PYEOF
[ "$(grep -o '"name"' "$T/procs.json" | wc -l)" = "$n" ] || fail "/api/procs does not list $n images"
grep -q 'Too many open files' "$T/s.err" "$T/s.out" && fail "serve ran out of descriptors: $(grep -m1 'Too many' "$T/s.err" "$T/s.out")"
fds=$(ls "/proc/$SRV_PID/fd" | wc -l)
serve_stop

mkdir -p "$T/storage"
HS=$HS TRACE=$T/trace STORAGE=$T/storage timeout -k 10 300 node "$ROOT/tests/browser/flow_procs.mjs" >"$T/node.out" 2>&1
rc=$?
cat "$T/node.out" >&2
[ "$rc" = 0 ] || fail "$(grep -m1 '^FAIL' "$T/node.out" | sed 's/^FAIL //')"
pass "$n images each viewable under ulimit -n 256 ($fds descriptors open), $(head -n 1 "$T/check.out"); $(grep -m1 '^PASS' "$T/node.out" | sed 's/^PASS //')"
