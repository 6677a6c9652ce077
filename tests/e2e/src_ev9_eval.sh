#!/bin/bash
# src_ev9_eval.sh - /api/eval and eval/ against gdb's print under gdb's
# default print settings, with registers, in frames chosen by number.
#
# Programs: ev9_regs (-O0: a char array with NULs inside, int arrays with
# runs, $pc/$sp/$fp/$rdi..., a signal handler), ev9_inl_o2 (-O2: a call
# out of an inlined copy), ev9_vec ($xmm: floats, halves, a NaN),
# ev9_wide (C++ wide char arrays) and ev10_casts (-O0 and -O2: members of
# a virtual base, casts of objects, references and pointers to base and
# derived classes; gdb's own oddities kept out: a cast to a class with a
# virtual base prints garbage for it, a downcast of an -O2 object split
# into registers fails), and the variables tree's child of a virtual base.
# gdb runs each natively (default print settings, libc's debug info off) and prints each case
# in the frame of the function named (for <signal handler called>: the
# signal trampoline's frame); the tree evaluates it through /api/eval
# with frame=N, N the number its own time/<t>/backtrace gives that
# function, so the backtrace's numbers must be gdb's `frame N`.  Hex
# numbers of 5 digits or more compare as "0x?" (Valgrind maps elsewhere).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built ev9_regs ev9_inl_o2 ev9_vec ev9_wide ev10_casts ev10_casts_o2
SRC=$ROOT/tests/programs

# "file:line<TAB>function<TAB>expr" for the first hit of the line
cases()
{
	local f=$1 tag func
	shift
	while IFS='|' read -r tag func e; do
		[ -n "$tag" ] || continue
		printf '%s:%s\t%s\t%s\n' "$f" "$(grep -n "line: $tag\b" "$SRC/$f" | cut -d: -f1)" \
			"$func" "$e"
	done
}

cases ev9_regs.c >"$T/ev9_regs.cases" <<'CASES'
fill-ret|fill|$pc
fill-ret|fill|$rip
fill-ret|fill|$sp
fill-ret|fill|$fp
fill-ret|fill|$rsp
fill-ret|fill|$rbp
fill-ret|fill|$rsp + 8
fill-ret|fill|$pc + 1
fill-ret|fill|*$pc
fill-ret|fill|$pc == $rip
fill-ret|fill|sizeof $eflags
fill-ret|fill|$sp - $fp
fill-ret|fill|$sp == $rsp
fill-ret|fill|(long)$fp - (long)$sp
fill-ret|main|(long)$fp - (long)$sp
fill-ret|main|(long)$sp - (long)$rbp
fill-ret|fill|*arr@20
fill-ret|fill|line[4]@5
fill-ret|fill|*line@16
fill-ret|fill|line
fill-ret|fill|$nonexistent
fill-ret|fill|$99
fill-ret|main|line
fill-ret|main|arr
fill-ret|main|zeros
fill-ret|main|big
fill-ret|main|abc
fill-ret|main|pts
fill-ret|main|abc[240]@20
handler|on_usr1|$eflags
fill-ret|main|mark
fill-ret|main|$pc
fill-ret|main|$sp
fill-ret|main|$fp
handler|on_usr1|sig
handler|on_usr1|$edi
handler|on_usr1|$rdi
handler|on_usr1|$di
handler|on_usr1|$dil
handler|on_usr1|$pc
handler|<signal handler called>|mark
handler|<signal handler called>|$pc
handler|<signal handler called>|$sp
handler|<signal handler called>|$fp
handler|<signal handler called>|$rdi
handler|<signal handler called>|$rbp == $fp
handler|on_usr1|$fp
handler|main|mark
handler|main|sa.sa_flags
handler|main|line
handler|main|$pc
fill-ret|fill|n@entry
fill-ret|fill|arr@entry
fill-ret|main|mark@entry
fill-ret|main|(mark)@entry
fill-ret|main|nosuch@entry
fill-ret|fill|$_siginfo
handler|on_usr1|$_siginfo.si_signo
handler|on_usr1|$_siginfo._sifields._sigfault
fill-ret|main|/x arr
fill-ret|main|/x line
fill-ret|main|/d line
fill-ret|main|/c line[0]@4
fill-ret|main|/x pts
fill-ret|main|/o mark
fill-ret|main|/t mark
fill-ret|main|/z mark
fill-ret|main|/d (unsigned char)200
fill-ret|main|/u -1
fill-ret|main|/c mark
fill-ret|main|/f mark
fill-ret|main|/a $pc
fill-ret|main|/x $sp
fill-ret|main|/x &mark
fill-ret|main|/x main
fill-ret|main|/a main
fill-ret|main|/x sa.sa_flags
fill-ret|main|/s line
fill-ret|main|/y mark
fill-ret|main|/2x mark
fill-ret|main|/xb mark
fill-ret|main|/i mark
fill-ret|main|/X mark
fill-ret|fill|/x *arr@20
fill-ret|fill|/x line
fill-ret|fill|/d n
fill-ret|fill|/x $_siginfo.si_code
CASES
cases ev9_inl_o2.c >"$T/ev9_inl_o2.cases" <<'CASES'
leaf|leaf|v
leaf|leaf|$pc
leaf|leaf|$edi
leaf|leaf|$fp
leaf|leaf|(long)$fp - (long)$sp
leaf|main|(long)$fp - (long)$sp
leaf|scale|$fp
leaf|main|$fp
leaf|scale|k
leaf|scale|twice
leaf|scale|$pc
leaf|scale|$sp
leaf|scale|base
leaf|main|base
leaf|main|k
leaf|main|$pc
leaf|main|$sp
leaf|leaf|v@entry
leaf|leaf|v @ entry
leaf|leaf|-v@entry * 2
leaf|leaf|/x v@entry
leaf|leaf|&v@entry
leaf|leaf|v@entryx
leaf|scale|k@entry
leaf|scale|twice@entry
leaf|main|argc@entry
leaf|main|base@entry
CASES
cases ev9_vec.c >"$T/ev9_vec.cases" <<'CASES'
vec|main|$xmm2
vec|main|$xmm3
vec|main|$xmm3 + 1
vec|main|/x $xmm2
CASES
cases ev9_wide.cc >"$T/ev9_wide.cases" <<'CASES'
wide|main|wa
wide|main|u16
wide|main|u32
wide|main|wr
wide|main|wa[1]@3
wide|main|*wr@20
CASES
cases ev10_casts.cc >"$T/ev10_casts.cases" <<'CASES'
pet-speak|Pet::speak|legs
pet-speak|Pet::speak|this->legs
pet-speak|Pet::speak|*this
pet-speak|Pet::speak|tag + legs
pet-speak|Dog::speak|legs
pet-speak|Dog::speak|weight
pet-speak|main|d.legs
pet-speak|main|h.d.legs
pet-speak|main|(Animal)d
pet-speak|main|(Animal&)d
pet-speak|main|(Sized&)b
legs-of|legs_of|w.legs
legs-of|legs_of|(Animal)w
legs-of|legs_of|(Animal*)&w
legs-of|legs_of|(Dog*)&w
legs-of|legs_of|*s
legs-of|legs_of|(Box*)s
legs-of|legs_of|(Cube*)s
legs-of|legs_of|(Box&)*s
main-print|main|d.legs
main-print|main|h.d.legs
main-print|main|pp->legs
main-print|main|g_dog->legs
main-print|main|h
main-print|main|sizeof(d.legs)
main-print|main|(Animal)d
main-print|main|(Animal)h.d
main-print|main|(Animal&)d
main-print|main|(Animal*)&d
main-print|main|(Worker*)&d
main-print|main|*(Worker*)&d
main-print|main|((Worker*)&d)->legs
main-print|main|(Sized&)b
main-print|main|(Sized)b
main-print|main|(Sized*)&b
main-print|main|(const Sized &)c
main-print|main|(Named&)b
main-print|main|(Box*)ps
main-print|main|(Box&)*ps
main-print|main|*(Box*)ps
main-print|main|(Box*)pc
main-print|main|(Cube*)pc
main-print|main|(Cube&)*pc
main-print|main|(Box*)pnull
main-print|main|(Dog*)pp
main-print|main|(Dog&)a
main-print|main|(Dog*)&a
main-print|main|a.legs
main-print|main|(Animal)a
main-print|main|(P1*)&both
main-print|main|(Both*)p1
main-print|main|*(Both*)p1
main-print|main|(Both&)*p1
main-print|main|(P0)both
main-print|main|(Sized&)d
main-print|main|(Named)d
main-print|main|(int&)both.b
main-print|main|(Sized&&)b
main-print|main|(P1&)both
main-print|main|*&(Animal&)d
main-print|main|&(Sized&)b
main-print|main|(Box*)0
main-print|main|(Animal)3
main-print|main|/x h
main-print|main|/d (Animal)d
CASES
cases ev10_casts.cc >"$T/ev10_casts_o2.cases" <<'CASES'
legs-of|legs_of|w.legs
legs-of|legs_of|(Animal)w
legs-of|legs_of|(Animal*)&w
legs-of|legs_of|(Dog*)&w
legs-of|legs_of|(Dog&)w
legs-of|legs_of|*s
legs-of|legs_of|(Box*)s
legs-of|legs_of|(Cube*)s
legs-of|legs_of|(Cube&)*s
legs-of|legs_of|((Cube*)s)->d
main-print|main|d.legs
main-print|main|h.d.legs
main-print|main|pp->legs
main-print|main|(Animal)d
main-print|main|(Animal&)d
main-print|main|(Cube*)pc
main-print|main|(Box*)pc
main-print|main|(Cube&)*pc
main-print|main|(Dog&)a
main-print|main|(Dog*)&a
main-print|main|a.legs
main-print|main|(const Sized &)c
CASES

cat >"$T/oracle.py" <<'PYEOF'
import gdb, os
cases = [l.rstrip("\n").split("\t") for l in open(os.environ["EV_CASES"]) if l.strip()]
for c in ("set pagination off", "set width 0", "set height 0", "set confirm off",
          "set print elements 200", "set style enabled off",
          "set debug-file-directory /nonexistent"):
    gdb.execute(c)
out = open(os.environ["EV_OUT"], "w")
locs = sorted(set(c[0] for c in cases))
bps = {loc: gdb.Breakpoint(loc) for loc in locs}
gdb.execute("handle SIGUSR1 nostop noprint pass")
gdb.execute("run", to_string=True)
done = set()
def frame_of(func):
    f = gdb.newest_frame()
    while f is not None:
        if (func == "<signal handler called>" and f.type() == gdb.SIGTRAMP_FRAME) or f.name() == func:
            return f
        f = f.older()
    return None
while True:
    here = [loc for loc, bp in bps.items() if bp.hit_count and loc not in done]
    if not here:
        break
    done.update(here)
    for loc, func, e in cases:
        if loc not in here:
            continue
        f = frame_of(func)
        if f is None:
            out.write("%s\t%s\t%s\tNO FRAME\n" % (loc, func, e))
            continue
        f.select()
        try:
            v = gdb.execute("print " + e, to_string=True).split(" = ", 1)[1].rstrip("\n")
        except gdb.error as err:
            v = str(err)
        out.write("%s\t%s\t%s\t%s\n" % (loc, func, e, v))
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error:
        break
out.close()
PYEOF

check()
{
	local prog=$1
	EV_CASES=$T/$prog.cases EV_OUT=$T/$prog.gdb.tsv timeout -k 10 "$STEP_TIMEOUT" \
		gdb -nx -batch -x "$T/oracle.py" "$PROGS/$prog" </dev/null >"$T/$prog.gdb.out" 2>&1
	[ -s "$T/$prog.gdb.tsv" ] || fail "gdb on $prog wrote nothing: $(tail -n 2 "$T/$prog.gdb.out" | tr '\n' ' ')"
	record_ok "$T/$prog.tr" "$PROGS/$prog"
	build_ok "$T/$prog.tr"
	serve_start "$prog" "$T/$prog.tr"
	"$PY" - "$HS" "$T/$prog.tr" "$SRC" "$BASE" "$T/$prog.gdb.tsv" "$ROOT" <<'PYEOF' || fail "$prog: eval differs from gdb (see above)"
import json, re, sys, urllib.parse, urllib.request
hs, tr, src, base, gdb_f, root = sys.argv[1:]
sys.path.insert(0, root + "/scripts")
from hs_tree import tree_cat
def cat(path):
    return tree_cat(base, path, hs, tr)
def ev(t, frame, e):
    u = "%s/api/eval?t=%s&frame=%d&expr=%s" % (base, t, frame, urllib.parse.quote(e))
    d = json.load(urllib.request.urlopen(u))
    if e.startswith("/") and "error" not in d:
        # the print format stays on every expr answered (the UI expands
        # children by their expr)
        fmt = e.split(None, 1)[0] + " "
        for c in [d] + d.get("children", []):
            if not c["expr"].startswith(fmt):
                bad.append("%s: /api/eval's expr %r lost the format" % (e, c["expr"]))
    return d.get("error") or d["value"]
def norm(v):
    return re.sub(r"0x[0-9a-f]{5,}", "0x?", v)
bad, n, moments = [], 0, {}
for l in open(gdb_f):
    loc, func, e, want = l.rstrip("\n").split("\t", 3)
    if loc not in moments:
        f, line = loc.rsplit(":", 1)
        t = cat("lines/%s/%s/%s" % (src.lstrip("/"), f, line)).split()[0]
        bt = cat("time/%s/backtrace" % t).splitlines()
        moments[loc] = (t, bt)
    t, bt = moments[loc]
    num = None
    for b in bt:
        m = re.match(r"#(\d+) (\S+)", b)
        name = "<signal handler called>" if "<signal handler called>" in b else \
            (m.group(2).split("+")[0] if m else None)
        if m and name == func:
            num = int(m.group(1))
            break
    if num is None:
        bad.append("%s at %s: no frame %s in %r" % (e, loc, func, bt))
        continue
    got = ev(t, num, e)
    if num == 0 and cat("time/%s/eval/%s" % (t, e.replace("/", "%2F"))) != got:
        bad.append("%s at %s: eval/ and /api/eval differ" % (e, loc))
    n += 1
    if norm(got) != norm(want):
        bad.append("%s at %s in #%d %s: gdb %r, tree %r" % (e, loc, num, func, want, got))
sys.stderr.write("%s: %d expressions, %d differ\n" % (tr, n, len(bad)))
for b in bad:
    sys.stderr.write("  " + b + "\n")
sys.exit(1 if bad or n == 0 else 0)
PYEOF
	serve_stop
}

check ev9_regs

# $_siginfo where gdb stops for the signal (raise's SIGUSR1, "Program
# received signal"): the tree's moment of the events' signal line.  The
# sender's pid differs between the runs: it reads PID in both (si_addr
# holds it too, in hex).
timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex 'set debug-file-directory /nonexistent' \
	-ex 'set width 0' -ex run -ex 'print $_siginfo' -ex 'print $_siginfo.si_signo' \
	-ex 'print/x $_siginfo.si_code' -ex 'print $_siginfo._sifields._rt' \
	-ex 'print $_siginfo._sifields._pad[2]' -ex 'print $_siginfo->si_signo' \
	-ex 'print $_siginfo.nope' "$PROGS/ev9_regs" </dev/null 2>&1 |
	sed -n 's/^\$[0-9]* = //p; /^Attempt\|^There is/p' >"$T/sig.gdb"
sig_t=$("$HS" cat "$T/ev9_regs.tr" events | awk '$3 == "signal" && $4 == "SIGUSR1" { print $1; exit }')
[ -n "$sig_t" ] || fail "ev9_regs: no SIGUSR1 line in events"
for e in '$_siginfo' '$_siginfo.si_signo' '/x $_siginfo.si_code' '$_siginfo._sifields._rt' \
	'$_siginfo._sifields._pad[2]' '$_siginfo->si_signo' '$_siginfo.nope'; do
	"$HS" cat "$T/ev9_regs.tr" "time/$sig_t/eval/$(printf '%s' "$e" | sed 's,/,%2F,g')"
	echo
done | sed '/^$/d' >"$T/sig.tree"
pidnorm()
{
	local pid
	pid=$(grep -o 'si_pid = [0-9]*' "$1" | head -1 | cut -d' ' -f3)
	if [ -n "$pid" ]; then
		sed "s/\b$pid\b/PID/g; s/\b$(printf '0x%x' "$pid")\b/PID/g" "$1"
	else
		cat "$1"
	fi
}
[ "$(wc -l <"$T/sig.gdb")" -eq 7 ] || fail "gdb's \$_siginfo at SIGUSR1: $(cat "$T/sig.gdb")"
diff <(pidnorm "$T/sig.gdb") <(pidnorm "$T/sig.tree") >&2 ||
	fail "\$_siginfo at the SIGUSR1 stop differs from gdb's (above: < gdb, > tree)"

check ev9_inl_o2
check ev9_vec
check ev9_wide
check ev10_casts
check ev10_casts_o2

# the variables tree: a virtual base is a child of the class holding it,
# whose value and expression are gdb's print of (Animal)d
serve_start ev10_kids "$T/ev10_casts.tr"
"$PY" - "$BASE" "$HS" "$T/ev10_casts.tr" "$SRC" "$T/ev10_casts.gdb.tsv" <<'PYEOF' ||
import json, re, subprocess, sys, urllib.parse, urllib.request
base, hs, tr, src, tsv = sys.argv[1:]
want = [l.rstrip("\n").split("\t") for l in open(tsv)]
want = [w for w in want if w[1] == "main" and w[2] == "(Animal)d"][-1]
f, line = want[0].rsplit(":", 1)
t = subprocess.run([hs, "cat", tr, "lines/%s/%s/%s" % (src.lstrip("/"), f, line)],
                   capture_output=True, text=True).stdout.split()[0]
def ev(e):
    u = "%s/api/eval?t=%s&expr=%s" % (base, t, urllib.parse.quote(e))
    return json.load(urllib.request.urlopen(u))
norm = lambda v: re.sub(r"0x[0-9a-f]{5,}", "0x?", v)
kids = [c for c in ev("(Pet)d").get("children", []) if c["name"] == "<Animal>"]
if not kids or norm(kids[0]["value"]) != norm(want[3]) or \
        norm(ev(kids[0]["expr"]).get("value", "")) != norm(want[3]):
    sys.exit("(Pet)d's children %r, gdb's (Animal)d %r" % (kids, want[3]))
PYEOF
	fail "the variables tree has no virtual base (see above)"
serve_stop
pass "eval/ and /api/eval in frames by number equal gdb's print (defaults, print/FMT, x@entry, \$_siginfo) on ev9_regs, ev9_inl_o2 (-O2), ev9_vec (xmm), ev9_wide (C++) and ev10_casts (C++ classes, -O0 and -O2)"
