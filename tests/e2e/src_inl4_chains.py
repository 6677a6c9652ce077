# src_inl4_chains.py - whole chains of gdb's step, next and reverse-step
# through code inlined at -O2, against Hindsight's step-into, next-line
# and step-back links (tests/e2e/src_inl4_chains.sh).
#
#   gdb -nx -batch -x src_inl4_chains.py   (ORACLE_PROG, ORACLE_OUT,
#       ORACLE_RLINE: the line of main whose `next` stop the reverse
#       chain starts from) runs the program natively:
#     "step":  `step` from `break main` while in the program's files;
#     "next":  `next` from `break main`;
#     "brk":   for each inlined function the steps went through, `break f`
#              (every copy), its first hits (each with `next` NEXTS times,
#              breakpoints off) and, under `record full` from main, the
#              first hit with `reverse-step` BACKS times;
#     "back":  under `record full`, the `next` stop at ORACLE_RLINE, then
#              `reverse-step` back to main's first line;
#     "bps":   the first hit of `break f` for f in ORACLE_BREAKS, with
#              libc's debug info (its offset in f).
#     ORACLE_ONLY_BREAKS=1: "bps" only (a program whose steps go into a
#     library: gdb here runs without libc's lines, Hindsight with them).
#     Each stop: pc (offset from main), bt [[function, line], ...] to main.
#   python3 src_inl4_chains.py compare ORACLE_JSON MNT
#     follows the same links from the same moments (time/main; a hit:
#     the calls/<f> entry of gdb's, at its pc, after the last moment
#     compared) and compares pcs and backtraces, and /api/calls's t_stop
#     (ORACLE_BASE: a server of the recording) with "bps"; prints the
#     mismatches and a summary, exit 1 when any.
import json
import os
import re
import sys

MAX_STEPS = 600
NEXTS = 4
BACKS = 6
HITS = 3


def frames_of(frame):
    bt = []
    f = frame
    while f is not None:
        bt.append([f.name(), f.find_sal().line])
        if f.name() == "main":
            break
        f = f.older()
    return bt


def history_start(back, pc0):
    """The history begins at `break main`'s stop (pc0): a reverse-step
    that would go back past it stops there for want of history."""
    while len(back) > 1 and back[-1]["pc"] == pc0:
        back.pop()


def gdb_oracle():
    import gdb

    def run(cmd):
        return gdb.execute(cmd, to_string=True)

    prog = os.environ["ORACLE_PROG"]
    for cmd in ("set auto-load python-scripts off", "set pagination off",
                "set confirm off", "set width 0", "set height 0",
                "set style enabled off", "set debug-file-directory /nonexistent",
                "set disable-randomization on"):
        run(cmd)
    run("file " + prog)
    run("break main")
    run("run >/dev/null")
    run("delete")
    main = int(gdb.parse_and_eval("(long)&main"))
    own = os.path.dirname(gdb.selected_frame().find_sal().symtab.filename)

    def stop(label=None):
        """The stop now, or None outside the program's own files."""
        try:
            fr = gdb.selected_frame()
        except gdb.error:
            return None
        sal = fr.find_sal()
        if sal is None or sal.symtab is None or os.path.dirname(sal.symtab.filename) != own:
            return None
        s = {"pc": fr.pc() - main, "bt": frames_of(fr),
             "file": os.path.basename(sal.symtab.filename)}
        if label:
            s["cmd"] = label
        return s

    def alive():
        return bool(gdb.selected_inferior().pid)

    def restart():
        if alive():
            run("kill")
        run("delete")
        run("break main")
        run("run >/dev/null")
        run("delete")

    def chain(cmd, n, first=None):
        out = [first or stop()]
        for _ in range(n):
            try:
                text = run(cmd)
            except gdb.error:
                break
            if not alive() or "No more reverse-execution" in text:
                break
            s = stop()
            if s is None:
                break
            out.append(s)
        return out

    only_breaks = os.environ.get("ORACLE_ONLY_BREAKS") == "1"
    res = {"step": [] if only_breaks else chain("step", MAX_STEPS)}
    restart()
    res["next"] = [] if only_breaks else chain("next", MAX_STEPS)
    names = []
    for s in res["step"]:
        for fr in s["bt"][:-1]:
            if fr[0] not in names and fr[0] != "main":
                names.append(fr[0])
    res["brk"] = []
    for name in names:
        restart()
        try:
            run("break %s" % name)
        except gdb.error:
            continue
        hits = []
        for _ in range(HITS):
            try:
                run("continue")
            except gdb.error:
                break
            if not alive():
                break
            first = stop()
            if first is None or first["bt"][0][0] != name:
                break
            run("disable")
            hits.append(chain("next", NEXTS, first))
            run("enable")
        back = None
        restart()
        try:
            run("record full")
            run("break %s" % name)
            run("continue")
            first = stop()
            run("delete")
            if first is not None and first["bt"][0][0] == name:
                back = chain("reverse-step", BACKS, first)
                history_start(back, res["next"][0]["pc"])
            run("record stop")
        except gdb.error:
            back = None
        res["brk"].append({"function": name, "hits": hits, "back": back})
    # where `break f` stops (its first hit), as an offset in f: functions
    # of the program and of libc (with its debug info, as Hindsight reads
    # it: gdb's rule for a CU whose variables have location lists)
    res["bps"] = []
    run("set debug-file-directory /usr/lib/debug")
    for name in [n for n in os.environ.get("ORACLE_BREAKS", "").split(",") if n]:
        restart()
        try:
            run("break %s" % name)
            run("continue")
            fr = gdb.selected_frame()
            entry = int(gdb.parse_and_eval("(long)&%s" % name))
            res["bps"].append({"function": name, "off": fr.pc() - entry})
        except gdb.error:
            continue
    run("set debug-file-directory /nonexistent")
    # reverse-step from a late `next` stop of main back to its first line
    restart()
    res["back"] = None
    rline = int(os.environ.get("ORACLE_RLINE", "0"))
    idx = next((i for i, s in enumerate(res["next"]) if s["bt"][0][1] == rline), None)
    if idx:
        run("record full")
        for _ in range(idx):
            run("next")
        first = stop()
        back = chain("reverse-step", MAX_STEPS, first)
        run("record stop")
        history_start(back, res["next"][0]["pc"])
        res["back"] = {"from": idx, "stops": back}
    with open(os.environ["ORACLE_OUT"], "w") as fp:
        json.dump(res, fp, indent=1)


WHERE_RE = re.compile(r"^(\S+?)\+0x[0-9a-f]+(?: (\S+):(\d+))?$")
LINKS = {"step": "step-into", "next": "next-line", "reverse-step": "step-back"}


class Tree:
    def __init__(self, mnt):
        self.mnt = mnt
        calls = self.read("calls/main").split()
        self.t_main_ret = int(calls[1])
        self.main = self.pc(str(int(calls[0]) + 1), rel=False)
        self.file = None
        self.files = set()
        self.file = self.where_file(str(int(calls[0]) + 1))

    def read(self, path):
        with open(os.path.join(self.mnt, path)) as f:
            return f.read()

    def pc(self, m, rel=True):
        v = int(self.read("time/%s/insn" % m).split()[0], 16)
        return v - self.main if rel else v

    def bt(self, m):
        got = []
        for ln in self.read("time/%s/backtrace" % m).splitlines():
            w = WHERE_RE.match(" ".join(ln.split()[1:-1]))
            if not w:
                continue
            got.append([w.group(1), int(w.group(3) or 0)])
            if w.group(1) == "main":
                break
        return got

    def stop_of(self, e, pc):
        """A calls/<f> entry's moment where gdb's `break f` stops: an
        inlined copy's entry is its view there; a call's is its t_call,
        the stop a few instructions on (at gdb's pc, when it comes)."""
        if "." in e or pc is None:
            return e
        for t in range(int(e) + 1, int(e) + 64):
            if self.pc(str(t)) == pc:
                return str(t)
        return None

    def link(self, m, name):
        try:
            return os.readlink(os.path.join(self.mnt, "time", m, name)).split("/")[-1]
        except OSError:
            return None

    def where_file(self, m):
        w = WHERE_RE.match(self.read("time/%s/where" % m).strip())
        return w.group(2) if w else None

    def own(self, m):
        """In the program's files (main's, and the headers gdb's stops
        were in), as gdb's chain keeps."""
        f = self.where_file(m)
        return f == self.file or f in self.files


def t_of(m):
    return int(m.split(".")[0])


def same(tree, m, s):
    return tree.pc(m) == s["pc"] and tree.bt(m) == s["bt"]


def show(tree, m):
    return "%s main+0x%x %s" % (m, tree.pc(m), tree.bt(m)[:3])


def follow(tree, m, link, stops, what, bad, skip_foreign=False):
    """Compares stops[0] with moment m and each next stop with the link
    followed (links to stops outside the program's files skipped when
    skip_foreign: gdb's `step` chain keeps only its own files).  The
    number compared and the last moment."""
    n = 0
    for j, s in enumerate(stops):
        if j > 0:
            m = tree.link(m, link)
            while skip_foreign and m is not None and t_of(m) < tree.t_main_ret and \
                    not tree.own(m):
                m = tree.link(m, link)
        if m is None:
            bad.append("%s stop %d: no link, gdb main+0x%x %s" % (what, j, s["pc"], s["bt"][:3]))
            return n, None
        if not same(tree, m, s):
            bad.append("%s stop %d: %s, gdb main+0x%x %s" % (what, j, show(tree, m), s["pc"],
                                                            s["bt"][:3]))
            return n, None
        n += 1
    return n, m


def compare_breaks(orc, tree, bad):
    """/api/calls's t_stop of each function's first call (ORACLE_BASE: the
    server of the same recording) against gdb's `break f`: the offset in
    the function of time/<t_stop>/where."""
    import urllib.parse
    import urllib.request
    base = os.environ.get("ORACLE_BASE")
    n = 0
    for b in orc.get("bps", []) if base else []:
        url = "%s/api/calls?name=%s&count=1" % (base, urllib.parse.quote(b["function"]))
        with urllib.request.urlopen(url, timeout=30) as r:
            rows = json.load(r)["rows"]
        if not rows:
            bad.append("/api/calls?name=%s: no call" % b["function"])
            continue
        where = tree.read("time/%d/where" % rows[0]["t_stop"]).split()[0]
        off = int(where.split("+")[-1], 16)
        if off != b["off"]:
            bad.append("break %s: t_stop %d at %s, gdb at +0x%x" % (
                b["function"], rows[0]["t_stop"], where, b["off"]))
        n += 1
    return n


def compare(path, mnt):
    orc = json.load(open(path))
    tree = Tree(mnt)
    tree.files = set(s.get("file") for s in orc["step"])
    bad = []
    start = tree.link("", "main")
    n_step, _ = follow(tree, start, "step-into", orc["step"], "step", bad, True)
    n_next, _ = follow(tree, start, "next-line", orc["next"], "next", bad)
    n_brk = n_hits = n_bk = 0
    for b in orc["brk"]:
        name = b["function"]
        try:
            entries = [ln.split()[0] for ln in tree.read("calls/%s" % name).splitlines()]
        except OSError:
            bad.append("calls/%s: none, gdb's break %s hits %d" % (name, name, len(b["hits"])))
            continue
        entries = [tree.stop_of(e, b["hits"][0][0]["pc"] if b["hits"] else None)
                   for e in entries]
        entries = [e for e in entries if e]
        after = -1
        for k, hit in enumerate(b["hits"]):
            m = next((e for e in entries if t_of(e) > after and tree.pc(e) == hit[0]["pc"]),
                     None)
            if m is None:
                bad.append("break %s hit %d: no calls/ entry at main+0x%x" % (
                    name, k, hit[0]["pc"]))
                break
            c, last = follow(tree, m, "next-line", hit, "break %s hit %d, next" % (name, k),
                             bad)
            n_brk += c
            n_hits += 1
            if last is None:
                break
            after = t_of(last)
        if b["back"] and entries:
            c, _ = follow(tree, entries[0], "step-back", b["back"],
                          "break %s, reverse-step" % name, bad)
            n_bk += c
    n_bps = compare_breaks(orc, tree, bad)
    n_back = 0
    if orc.get("back"):
        m = start
        for _ in range(orc["back"]["from"]):
            m = tree.link(m, "next-line") if m else None
        if m:
            n_back, _ = follow(tree, m, "step-back", orc["back"]["stops"], "reverse-step", bad)
    for b in bad[:20]:
        print(b)
    print("step %d/%d, next %d/%d, break hits %d (next stops %d), reverse-step from a hit %d, "
          "reverse-step from main %d/%d, /api/calls t_stop %d/%d: %d mismatches" % (
              n_step, len(orc["step"]), n_next, len(orc["next"]), n_hits, n_brk, n_bk,
              n_back, len(orc["back"]["stops"]) if orc.get("back") else 0, n_bps,
              len(orc.get("bps", [])), len(bad)))
    return 1 if bad else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        try:
            sys.exit(compare(sys.argv[2], sys.argv[3]))
        except (OSError, ValueError, KeyError, IndexError) as e:
            print("src_inl4_chains: %s" % e)
            sys.exit(1)
    print("usage: gdb -nx -batch -x src_inl4_chains.py | python3 src_inl4_chains.py "
          "compare ORACLE_JSON MNT", file=sys.stderr)
    sys.exit(2)


try:
    import gdb  # noqa: F401
    IN_GDB = True
except ImportError:
    IN_GDB = False

if IN_GDB:
    gdb_oracle()
elif __name__ == "__main__":
    main()
