#!/bin/bash
# src_iv_views.sh - the views of a moment where inlined copies start
# (time/<t>.<k>) are gdb's stops that show those copies: `break f` on an
# inlined f, and `step` into a copy at the same pc.  Programs at -O2 with
# copies nested two and three deep that start at the same pc, a copy at a
# loop head, a copy on a line of the caller that has code before it
# (tests/programs/iv_nest_o2.c), and C++ in-class methods, a function
# template two deep and a lambda (iv_cpp_o2.cc).
#
# Oracles (gdb on native runs):
#  - scripts/gdb-inline-oracle.py: gdb's `step` sequence from main and
#    walks of next/step/finish; every stop, the copies entered at the same
#    pc included, is a moment or a view reached by the same links, with
#    gdb's where and backtrace;
#  - tests/e2e/src_calls_inline.py: `break f` for each inlined f, at each
#    hit the whole backtrace (the copy as frame #0) and `info args` against
#    calls/<f>'s view and its backtrace and locals/;
#  - below: from f's first hit, gdb's `step`, `next` and `finish` against
#    step-into, next-line and finish of that view (pc and backtrace), and
#    gdb's reverse-step under `record full` against step-back from the
#    same stop (which enters the copies at a stop like `step`).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"
. "$ROOT/tests/e2e/inl_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
# both the mounts and the servers end with the test
trap 'for p in "${SRV_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; fs_cleanup' EXIT

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"

# gdb: from the first hit of `break F` (ORACLE_FUNCS), where `step`,
# `next` and `finish` stop; and from the first hit of ORACLE_BACK_FROM,
# ORACLE_BACK_N `step`s under `record full`, then reverse-steps back.
# Stops as {pc (offset from main), bt [[function, line], ...] to main}.
cat >"$T/moves.py" <<'PYEOF'
import gdb, json, os
for c in ("set pagination off", "set confirm off", "set width 0", "set height 0",
          "set style enabled off", "set debuginfod enabled off",
          "set disable-randomization on"):
    gdb.execute(c, to_string=True)
main = None

def stop():
    f = gdb.selected_frame()
    bt, g = [], f
    while g is not None:
        bt.append([g.name(), g.find_sal().line])
        if g.name() == "main":
            break
        g = g.older()
    return {"pc": f.pc() - main, "bt": bt}

def restart(fn):
    global main
    if gdb.selected_inferior().pid:
        gdb.execute("kill", to_string=True)
    gdb.execute("delete", to_string=True)
    gdb.execute("break " + fn, to_string=True)
    gdb.execute("run >/dev/null", to_string=True)
    gdb.execute("delete", to_string=True)
    main = int(gdb.parse_and_eval("(long)&main"))

out = {"moves": {}, "back": None}
for fn in os.environ["ORACLE_FUNCS"].split():
    m = {}
    for cmd in ("step", "next", "finish"):
        restart(fn)
        m["hit"] = stop()
        gdb.execute(cmd, to_string=True)
        m[cmd] = stop() if gdb.selected_inferior().pid else None
    out["moves"][fn] = m
restart(os.environ["ORACLE_BACK_FROM"])
gdb.execute("record full", to_string=True)
fwd = [stop()]
for _ in range(int(os.environ["ORACLE_BACK_N"])):
    gdb.execute("step", to_string=True)
    fwd.append(stop())
back = []
for _ in range(len(fwd) - 1):
    o = gdb.execute("reverse-step", to_string=True)
    if "No more reverse-execution history" in o:
        break
    back.append(stop())
gdb.execute("record stop", to_string=True)
out["back"] = {"fwd": fwd, "back": back}
json.dump(out, open(os.environ["ORACLE_OUT"], "w"))
PYEOF

# Hindsight: the same moves by the links, from the views calls/<f> names
# and from the step-into chain that reaches gdb's first stop.
cat >"$T/moves_cmp.py" <<'PYEOF'
import json, os, re, sys
orc, mnt, back_from = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
RE = re.compile(r"^(\S+?)\+0x[0-9a-f]+(?: (\S+):(\d+))?$")
def rd(p):
    return open(os.path.join(mnt, p)).read()
t0 = int(rd("calls/main").split()[0])
main = int(rd("time/%d/insn" % (t0 + 1)).split()[0], 16)
def at(m):
    bt = []
    for ln in rd("time/%s/backtrace" % m).splitlines():
        x = RE.match(" ".join(ln.split()[1:-1]))
        if x:
            bt.append([x.group(1), int(x.group(3) or 0)])
            if x.group(1) == "main":
                break
    return {"pc": int(rd("time/%s/insn" % m).split()[0], 16) - main, "bt": bt}
def link(m, name):
    try:
        return os.readlink(os.path.join(mnt, "time", m, name)).split("/")[-1]
    except OSError:
        return None
# where Hindsight is known to differ from gdb (not in views; see the .sh)
known = set(os.environ.get("KNOWN", "").split(";")) - {""}
bad, n, views, n_known = [], 0, 0, 0
def same(what, m, want):
    global n, n_known
    got = at(m) if m else None
    if what in known:
        n_known += got != want
        return got == want
    n += 1
    if got != want:
        bad.append("%s: t %s %s, gdb %s" % (what, m, got, want))
        return False
    return True
LINK = {"step": "step-into", "next": "next-line", "finish": "finish"}
for fn, mv in orc["moves"].items():
    m = rd("calls/" + fn).split()[0]
    views += "." in m
    if not same("%s: break" % fn, m, mv["hit"]):
        continue
    for cmd, l in LINK.items():
        if mv[cmd] is not None:
            same("%s: %s" % (fn, cmd), link(m, l), mv[cmd])
# step-back against reverse-step: from the stop where the forward steps end
b = orc["back"]
m = str(int(rd("calls/" + back_from).split()[0].split(".")[0]))
for _ in range(8):  # into the function, to gdb's `break` stop
    if at(m) == b["fwd"][0]:
        break
    m = link(m, "step-into")
fwd = [m]
for want in b["fwd"][1:]:
    fwd.append(link(fwd[-1], "step-into"))
    views += fwd[-1] is not None and "." in fwd[-1]
    if not same("step %d" % (len(fwd) - 1), fwd[-1], want):
        break
m = fwd[-1]
for k, want in enumerate(b["back"]):
    m = link(m, "step-back") if m else None
    views += m is not None and "." in m
    if not same("reverse-step %d" % k, m, want):
        break
for x in bad:
    print(x)
print("%d stops compared (%d in views), %d mismatches, %d known" % (n, views, len(bad), n_known))
sys.exit(1 if bad else 0)
PYEOF

summary=""
# moves PROG BACK_FROM N FUNCS...: the gdb moves above against the links
moves()
{
	local prog=$1 from=$2 nb=$3 known=$4 src rc
	shift 4
	src=$(basename "$(ls "$ROOT/tests/programs/$prog".c*)")
	ORACLE_FUNCS="$*" ORACLE_BACK_FROM=$from ORACLE_BACK_N=$nb \
		oracle_gdb "$prog.mv" "$T/moves.py" "$PROGS/$prog"
	KNOWN=$known "$PY" "$T/moves_cmp.py" "$T/$prog.mv.json" "$T/$prog.mnt" "$from" >"$T/$prog.mv.cmp" 2>&1
	rc=$?
	sed "s/^/$prog moves: /" "$T/$prog.mv.cmp" >&2
	[ "$rc" = 0 ] || fail "$prog: $(head -n 3 "$T/$prog.mv.cmp" | tr '\n' ' ')"
	grep -q '([1-9][0-9]* in views), 0 mismatches' "$T/$prog.mv.cmp" ||
		fail "$prog: no view compared: $(tail -n 1 "$T/$prog.mv.cmp")"
	# calls/<f>: every hit's view, backtrace and arguments as gdb's break
	ORACLE_PROG=$PROGS/$prog ORACLE_OUT=$T/$prog.ci.json ORACLE_FUNCS="$*" ORACLE_SRC=$src \
		timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$ROOT/tests/e2e/src_calls_inline.py" \
		</dev/null >"$T/$prog.ci.gdb" 2>&1
	ORACLE_SRC=$src "$PY" "$ROOT/tests/e2e/src_calls_inline.py" compare "$T/$prog.ci.json" \
		"$T/$prog.mnt" "$prog" >"$T/$prog.ci.cmp" 2>&1 ||
		fail "$prog calls/: $(head -n 3 "$T/$prog.ci.cmp" | tr '\n' ' ')"
	sed "s/^/$prog calls: /" "$T/$prog.ci.cmp" >&2
	summary="$summary $prog:$(tail -n 1 "$T/$prog.mv.cmp" | cut -d' ' -f1)+$(tail -n 1 "$T/$prog.ci.cmp" | sed 's/.*, \([0-9]*\) hits.*/\1/')"
}

# gdb's walks; in "step,finish" its `step` from where `finish` returned
# into main (the middle of a line, in a row that is no statement: main
# has no inlined code) goes on to the call on that line, stepping the
# line of the row it returned into, not the line that made the call
WALKS="next;step,next;step,step,finish,next;next,step,finish;step,finish"
for prog in iv_nest_o2 iv_cpp_o2; do
	inl_oracle_run "$prog" 4 "$WALKS" no # reverse-next: src_inl2_oracle's
	grep -q 'compared [0-9]* ([0-9]* in inlined code; [1-9][0-9]* entering a copy' "$T/$prog.cmp" ||
		fail "$prog: no step into a copy at the same pc: $(tail -n 1 "$T/$prog.cmp")"
	summary="$summary $prog:$(tail -n 1 "$T/$prog.cmp" | sed 's/.*compared \([0-9]*\) .*walks \([0-9]*\) stops.*/\1+\2/')"
done
# inl3_finish_o2: `step` after each `finish` back into the middle of a
# line of main (no copies in main; two calls on a line, a return address
# in another line's row)
inl_oracle_run inl3_finish_o2 3 "step,finish;next,step,finish;step,step,finish,next" no
grep -q 'walks [1-9][0-9]* stops' "$T/inl3_finish_o2.cmp" ||
	fail "inl3_finish_o2: no walk compared: $(tail -n 1 "$T/inl3_finish_o2.cmp")"
summary="$summary inl3_finish_o2:$(tail -n 1 "$T/inl3_finish_o2.cmp" | sed 's/.*walks \([0-9]*\) stops.*/\1/')"
# gdb's reverse-step from inside a copy (view 0) back through the copy's
# rows (iv_nest_o2: out of two's line 29 to two's previous row) and from
# the loop's first line back to the line before it (iv_cpp_o2): compared
# with no known difference.
moves iv_nest_o2 same_line 8 "" top mid leaf two more
moves iv_cpp_o2 work 10 "" \
	Box::twice Box::area Leaf::get 'scale2<int>' 'scale<int>'
# inl3_rstep_o2: reverse-step through a copy in a copy in a loop, 16 deep
# (this build's rows: gdb's stops there are line starts too)
inl_oracle_run inl3_rstep_o2 3 "next" no
moves inl3_rstep_o2 rs_loop 16 "" rs_inner rs_pair rs_tail
# the HTTP API: /api/calls rows name their view and the copy's arguments
# there; /api/moment and /api/eval with view=K are time/<t>.<K>'s files
serve_start iv "$T/iv_nest_o2.trace"
cat >"$T/api.py" <<'PYEOF'
import json, os, sys, urllib.error, urllib.request
base, mnt = sys.argv[1], sys.argv[2]
def get(q):
    try:
        return json.load(urllib.request.urlopen(base + q)), 200
    except urllib.error.HTTPError as e:
        return None, e.code
def rd(p):
    return open(os.path.join(mnt, p)).read()
bad, n = [], 0
for fn in ("top", "mid", "leaf", "two"):
    lines = rd("calls/" + fn).splitlines()
    rows, _ = get("/api/calls?name=%s&count=500" % fn)
    for line, r in zip(lines, rows["rows"]):
        m = line.split()[0]
        t, k = (int(x) for x in m.split("."))
        n += 1
        if (r["t_call"], r["view"]) != (t, k):
            bad.append("%s: row %s.%s, calls/ %s" % (fn, r["t_call"], r["view"], m))
        params = {a["name"]: a["value"] for a in r["args"] or []}
        for name, value in params.items():
            if rd("time/%s/locals/%s" % (m, name)).rstrip("\n") != value:
                bad.append("%s %s: arg %s=%s, locals/ %s" % (fn, m, name, value,
                           rd("time/%s/locals/%s" % (m, name))))
        if not params:
            bad.append("%s %s: no arguments" % (fn, m))
    mo, _ = get("/api/moment?t=%d&view=%d" % (t, k))
    if mo["view"] != k or mo["where"].strip() != rd("time/%s/where" % m).strip() or \
            mo["backtrace"].strip() != rd("time/%s/backtrace" % m).strip():
        bad.append("%s: /api/moment view %d: %s" % (fn, k, mo["where"]))
    for link, want in (("step-into", os.readlink("%s/time/%s/step-into" % (mnt, m))),
                       ("finish", os.readlink("%s/time/%s/finish" % (mnt, m)))):
        got = "../%d" % mo["links"][link] + (".%d" % mo["link_views"][link]
                                              if link in mo["link_views"] else "")
        if got != want:
            bad.append("%s: /api/moment %s %s, the link %s" % (fn, link, got, want))
    ev, _ = get("/api/eval?t=%d&view=%d&expr=x" % (t, k))
    if ev.get("value", ev.get("error")) != rd("time/%s/eval/x" % m).rstrip("\n"):
        bad.append("%s: /api/eval x %s, eval/x %s" % (fn, ev, rd("time/%s/eval/x" % m)))
    if get("/api/moment?t=%d&view=%d" % (t, 4))[1] != 404:
        bad.append("%s: /api/moment view 4 is no 404" % fn)
for b in bad:
    print(b)
print("%d rows compared, %d mismatches" % (n, len(bad)))
sys.exit(1 if bad else 0)
PYEOF
"$PY" "$T/api.py" "$BASE" "$T/iv_nest_o2.mnt" >"$T/api.cmp" 2>&1 ||
	fail "api: $(head -n 3 "$T/api.cmp" | tr '\n' ' ')"
summary="$summary api:$(tail -n 1 "$T/api.cmp" | cut -d' ' -f1)"
pass "views compared with gdb (step sequence+walks, moves, calls/ hits):$summary"
