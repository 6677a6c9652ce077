#!/usr/bin/python3
# gdb-rnext-oracle.py - gdb 13's reverse-next under `record full` against
# Hindsight's prev-line.
#
#   gdb -nx -batch -x gdb-rnext-oracle.py     (RN_PROG, RN_FILES, RN_OUT;
#                                              RN_MAX stops, default 600)
#     From `break main`, `record full`, then gdb's `step` (a stop outside
#     RN_FILES, comma-separated source base names, is left by `finish`):
#     at each stop in RN_FILES, `reverse-next`, its stop kept, and back to
#     the end of the history (`record goto end`).  The program runs with
#     LD_BIND_NOW=1 and glibc's AVX variants off (gdb 13 records no AVX
#     instruction).  gdb cannot step back over code that wrote the
#     extended registers here ("Couldn't write extended state status":
#     kernel 6.x): such a stop is kept as ERR and gdb starts over, `record
#     full` at main again and the same steps to the next stop.
#     Lines: K<TAB>FROM<TAB>N<TAB>TO<TAB>M, FROM and TO "func+OFF file:line
#     dDEPTH" (OFF decimal, C++ names without parameters), N and M their
#     instruction numbers in the history (0: `break main`'s stop).
#   python3 gdb-rnext-oracle.py compare OUT MNT
#     Hindsight recorded the same way (same environment): the moment of
#     `break main`'s stop is the first with its pc after calls/main's
#     entry, a stop N instructions later is that moment + N (checked: the
#     pc of time/<t>/where; where it differs, the runs parted, in libc's
#     output after a printf, and the later stops are not compared);
#     time/<t>/prev-line must be the moment of gdb's stop.  Stops where gdb went back to the start of its history
#     (M = 0: it cannot go further) and ERR stops are not compared.  Exit
#     1 on a mismatch or when fewer than 3 stops were compared.
import os
import re
import sys


CLONE = r"\.(constprop|isra|part|cold)(\.\d+)?$"    # gcc's clones' suffixes


def sym_name(s):
    """'Acc::get() const+8' -> 'Acc::get+8', 'gcd.constprop.0+4' -> 'gcd+4'
    (gdb's `info symbol`; Hindsight's where names the function)."""
    name, _, off = s.rpartition("+")
    if not name:
        name, off = s, "0"
    name = re.sub(r"\(.*\)( const)?$", "", name)
    name = re.sub(CLONE, "", name)
    return "%s+%d" % (name, int(off))


def walk():
    import gdb
    prog = os.environ["RN_PROG"]
    files = set(os.environ["RN_FILES"].split(","))
    most = int(os.environ.get("RN_MAX", "600"))
    out = open(os.environ["RN_OUT"], "w")
    for c in ("set pagination off", "set confirm off", "file " + prog,
              "set environment LD_BIND_NOW=1",
              "set environment GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512VL,-AVX512BW,"
              "-AVX512F,-EVEX,-AVX2,-AVX,-ERMS,-FSRM",
              "set record full stop-at-limit off"):
        gdb.execute(c, to_string=True)

    def start():
        for c in ("break main", "run >/dev/null", "delete", "record full"):
            gdb.execute(c, to_string=True)

    def here():
        f = gdb.selected_frame()
        sal = f.find_sal()
        d, g = 0, f
        while g is not None:
            d, g = d + 1, g.older()
        s = gdb.execute("info symbol %d" % f.pc(), to_string=True).split(" in section")[0]
        base = os.path.basename(sal.symtab.filename) if sal.symtab else "?"
        return "%s %s:%d d%d" % (sym_name(s.replace(" + ", "+")), base, sal.line, d), base

    def insn():
        s = gdb.execute("info record", to_string=True)
        m = (re.search(r"Current instruction number is (\d+)", s) or
             re.search(r"Log contains (\d+) instructions", s))
        return int(m.group(1)) if m else 0

    cmds = []
    start()
    k = 0
    while k < most:
        try:
            h, base = here()
        except gdb.error:
            break
        if base not in files:
            try:
                gdb.execute("finish", to_string=True)
            except gdb.error:
                break
            cmds.append("finish")
            continue
        n = insn()
        broken = False
        try:
            r = gdb.execute("reverse-next", to_string=True)
            to, m = (here()[0], insn()) if "No more reverse" not in r else ("NONE", 0)
        except gdb.error as e:
            to, m, broken = "ERR " + str(e).replace("\n", " ")[:60], 0, True
        out.write("%d\t%s\t%d\t%s\t%d\n" % (k, h, n, to, m))
        out.flush()
        if broken:
            try:
                gdb.execute("kill", to_string=True)
            except gdb.error:
                pass
            start()
            for c in cmds:
                gdb.execute(c, to_string=True)
        else:
            try:
                gdb.execute("record goto end", to_string=True)
            except gdb.error:
                pass    # already there
        k += 1
        try:
            gdb.execute("step", to_string=True)
            gdb.selected_frame()
        except gdb.error:
            break
        cmds.append("step")


def where(mnt, t):
    try:
        with open(os.path.join(mnt, "time", str(t), "where")) as f:
            return f.read().split(" ")[0]
    except OSError:
        return None


def hs_pc(s):
    """'main+8 file:line d1' -> 'main+0x8', Hindsight's where."""
    name, _, off = s.split(" ")[0].rpartition("+")
    return "%s+0x%x" % (re.sub(CLONE, "", name), int(off))


def compare(out, mnt):
    rows = [l.rstrip("\n").split("\t") for l in open(out) if l.count("\t") == 4]
    if not rows:
        print("gdb gave no stops")
        return 1
    with open(os.path.join(mnt, "calls", "main")) as f:
        t_main = int(f.readline().split(" ")[0])
    first = hs_pc(rows[0][1])
    base = next((t_main + i for i in range(64) if where(mnt, t_main + i) == first), None)
    if base is None:
        print("no moment at %s after main's call" % first)
        return 1
    n_ok, bad = 0, []
    for k, frm, n, to, m in rows:
        if to.startswith("ERR") or to == "NONE" or int(m) == 0:
            continue
        t = base + int(n)
        if where(mnt, t) != hs_pc(frm):
            # from here the two runs differ (libc's output path after
            # a printf): the rest is not compared
            print("stop %s (%s): the moment %d is at %s: %d stops left uncompared" %
                  (k, frm, t, where(mnt, t), len(rows) - int(k)))
            break
        try:
            got = int(os.readlink(os.path.join(mnt, "time", str(t), "prev-line")).split("/")[-1])
        except (OSError, ValueError) as e:
            got = str(e)
        if got != base + int(m):
            bad.append("stop %s from %s (t %d): prev-line %s (%s), gdb's reverse-next %s (t %d)" %
                       (k, frm, t, got, where(mnt, got) if isinstance(got, int) else "-",
                        to, base + int(m)))
            continue
        n_ok += 1
    for b in bad[:8]:
        print(b)
    print("%d prev-line = gdb's reverse-next, %d differ" % (n_ok, len(bad)))
    return 1 if bad or n_ok < 3 else 0


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "compare":
    sys.exit(compare(sys.argv[2], sys.argv[3]))
try:
    import gdb  # noqa: F401  (only inside gdb)
    walk()
except ImportError:
    if __name__ == "__main__":
        print(__doc__ or "usage: see the top of the file", file=sys.stderr)
        sys.exit(2)
