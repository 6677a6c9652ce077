# gdb-oracle.py - gdb as the oracle of Hindsight's source-level answers.
#
# Two modes, one file:
#
#   gdb -nx -batch -x scripts/gdb-oracle.py      (inside gdb: the oracle)
#       ORACLE_PROG=build/programs/recursive ORACLE_OUT=oracle.json
#       [ORACLE_ARGS="a b"]
#     runs the program natively under gdb and writes JSON:
#       stops:   gdb `step` from main's first line until the program exits,
#                one entry per stop in the program's own source files:
#                function, file (basename), line, depth (0: main),
#                bt [[function, line], ...] innermost first down to main,
#                vars [{name, arg, decl_line, type, ptr, value}, ...]
#                (`info args` + `info locals` as gdb's Python API sees them:
#                innermost block first, a name once)
#       calls:   per function of the program's files, the hit count of a
#                breakpoint on it and each call's "Value returned" (taken
#                by a FinishBreakpoint, so recursion is handled), in call
#                order: {name: {hits, ret_type, ret_size, ret_int, returns}}
#     libc's debug info (libc6-dbg) is turned off (debug-file-directory),
#     so that `step` steps over libc as it does on a machine without it;
#     Hindsight's side is filtered to the program's files in the same way.
#
#   python3 scripts/gdb-oracle.py compare ORACLE_JSON MNT [--o2]
#     compares the oracle with a mounted Hindsight tree of a recording of
#     the same program (same argv) and prints one line per mismatch class;
#     exit 0 when they agree, 1 when not, 2 on bad input.  See compare()
#     for exactly what is compared and what --o2 loosens.
import json
import os
import re
import sys

MAX_STEPS = 20000


# ---------------------------------------------------------------------------
# inside gdb
# ---------------------------------------------------------------------------

def gdb_oracle():
    import gdb

    prog = os.environ["ORACLE_PROG"]
    out = os.environ["ORACLE_OUT"]
    args = os.environ.get("ORACLE_ARGS", "")

    # libstdc++'s pretty printers are auto-loaded even with -nx: the
    # oracle is gdb's own raw `print` (Hindsight prints C++ objects as
    # gdb does without them)
    for cmd in ("set auto-load python-scripts off",
                "set pagination off", "set confirm off", "set width 0",
                "set height 0", "set style enabled off",
                "set debug-file-directory /nonexistent",
                "set print pretty off", "set print null-stop on",
                "set print repeats unlimited", "set print elements 200",
                "set print symbol off", "set print frame-arguments none",
                "set disable-randomization on"):
        gdb.execute(cmd, to_string=True)
    gdb.execute("file " + prog, to_string=True)

    def own_file(sal):
        return sal is not None and sal.symtab is not None and \
            sal.symtab.filename in own_files

    def frames_to_main(frame):
        """[(function, line)] innermost first, down to main included."""
        bt = []
        f = frame
        while f is not None:
            sal = f.find_sal()
            bt.append([f.name(), sal.line if sal else 0])
            if f.name() == "main":
                break
            f = f.older()
        return bt

    def value_text(v):
        try:
            # `info locals` text: a C++ reference with its value
            # ("@0x7ffe...: 3"); str() would stop at the address
            return v.format_string(deref_refs=True)
        except gdb.error as e:
            return "<error: %s>" % e

    def frame_vars(frame):
        seen = set()
        res = []
        try:
            block = frame.block()
        except RuntimeError:
            return res
        while block is not None and not block.is_global and not block.is_static:
            for sym in block:
                if not (sym.is_argument or sym.is_variable):
                    continue
                if sym.name in seen:
                    continue
                seen.add(sym.name)
                t = sym.type.strip_typedefs()
                try:
                    val = value_text(sym.value(frame))
                except (gdb.error, RuntimeError) as e:
                    val = "<error: %s>" % e
                res.append({
                    "name": sym.name,
                    "arg": bool(sym.is_argument),
                    "static": sym.addr_class == gdb.SYMBOL_LOC_STATIC,
                    "decl_line": sym.line,
                    "type": str(sym.type),
                    "ptr": t.code == gdb.TYPE_CODE_PTR,
                    "value": val,
                })
            if block.function is not None:
                break
            block = block.superblock
        return res

    # ---- run 1: step from main to the end ---------------------------------
    gdb.execute("start " + args + " >/dev/null", to_string=True)
    frame = gdb.selected_frame()
    main_sal = frame.find_sal()
    own_files = {main_sal.symtab.filename}
    functions = []
    for blk in (main_sal.symtab.global_block(), main_sal.symtab.static_block()):
        for sym in blk:
            if sym.is_function and sym.symtab.filename in own_files:
                functions.append(sym.name)

    # Calls entered so far, per function, counted by breakpoints on the
    # exact entry addresses that never stop (a step goes on through them):
    # each stop records them, so that the comparison knows which call of a
    # function a stop belongs to (same depth, new count: a new call).
    entries = {}

    class Counter(gdb.Breakpoint):
        def __init__(self, name, addr):
            super().__init__("*0x%x" % addr, internal=True)
            self.fname = name

        def stop(self):
            entries[self.fname] = entries.get(self.fname, 0) + 1
            return False

    for name in functions:
        try:
            addr = int(gdb.parse_and_eval("&'%s'" % name).cast(
                gdb.lookup_type("unsigned long")))
        except gdb.error:
            continue
        if name != "main":
            Counter(name, addr)

    stops = []
    for _ in range(MAX_STEPS):
        try:
            frame = gdb.selected_frame()
        except gdb.error:
            break   # the program exited
        sal = frame.find_sal()
        if own_file(sal):
            bt = frames_to_main(frame)
            stops.append({
                "function": frame.name(),
                "file": os.path.basename(sal.symtab.filename),
                "line": sal.line,
                "depth": len(bt) - 1,
                "calls": entries.get(frame.name(), 0),
                "bt": bt,
                "vars": frame_vars(frame),
            })
        try:
            gdb.execute("step", to_string=True)
        except gdb.error:
            break
        if not gdb.selected_inferior().pid:
            break

    # ---- run 2: breakpoints on every function, return values -------------
    calls = {}

    class Finish(gdb.FinishBreakpoint):
        def __init__(self, frame, rec, idx):
            super().__init__(frame, internal=True)
            self.rec = rec
            self.idx = idx

        def stop(self):
            v = self.return_value
            if v is not None:
                self.rec["returns"][self.idx] = value_text(v)
                try:
                    code = v.type.strip_typedefs().code
                    if code in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_ENUM,
                                gdb.TYPE_CODE_CHAR, gdb.TYPE_CODE_BOOL):
                        self.rec["ret_int"][self.idx] = int(v)
                except gdb.error:
                    pass
            return False

        def out_of_scope(self):
            pass

    class Entry(gdb.Breakpoint):
        def __init__(self, name):
            super().__init__(name, internal=False)
            self.fname = name
            calls[name] = {"hits": 0, "returns": [], "ret_int": [],
                           "ret_type": None, "ret_size": 0}

        def stop(self):
            rec = calls[self.fname]
            rec["hits"] += 1
            frame = gdb.newest_frame()
            rt = frame.function().type.target()
            if rec["ret_type"] is None:
                rec["ret_type"] = str(rt) if rt is not None else "void"
                rec["ret_size"] = rt.sizeof if rt is not None and \
                    rt.code != gdb.TYPE_CODE_VOID else 0
            rec["returns"].append(None)
            rec["ret_int"].append(None)
            if rec["ret_size"] and self.fname != "main":
                Finish(frame, rec, len(rec["returns"]) - 1)
            return False

    if gdb.selected_inferior().pid:
        gdb.execute("kill", to_string=True)
    gdb.execute("delete", to_string=True)
    for name in functions:
        Entry(name)
    gdb.execute("run " + args + " >/dev/null", to_string=True)

    source = {}
    try:
        with open(main_sal.symtab.fullname()) as f:
            source[os.path.basename(main_sal.symtab.filename)] = f.read().splitlines()
    except OSError:
        pass
    with open(out, "w") as f:
        json.dump({"prog": prog, "files": sorted(own_files), "source": source,
                   "functions": functions, "stops": stops, "calls": calls},
                  f, indent=1)


# ---------------------------------------------------------------------------
# the comparison (plain python3)
# ---------------------------------------------------------------------------

PTR_RE = re.compile(r"\(?(?:[a-zA-Z_][\w ]*\*+\)\s*)?0x[0-9a-f]+(?: <[^>]*>)?")


def norm_value(s):
    """A value with every address replaced by PTR (the recorder loads the
    program elsewhere), spaces squeezed."""
    s = PTR_RE.sub("PTR", s.strip())
    s = re.sub(r"PTR \"", "\"", s)   # char *: gdb prints 0x... "text"
    return re.sub(r"\s+", " ", s)


def read(path):
    with open(path) as f:
        return f.read()


class Mismatch:
    def __init__(self):
        self.kinds = {}

    def add(self, kind, text):
        self.kinds.setdefault(kind, []).append(text)

    def report(self):
        for kind, items in self.kinds.items():
            print("%s: %d mismatch(es), first: %s" % (kind, len(items),
                                                      "; ".join(items[:3])))
        return 1 if self.kinds else 0


def own_line_starts(mnt, files):
    """Every (t, basename, line) of the line starts (gdb's `step` stops:
    `hindsight query TRACE line-starts`; lines/ holds `break FILE:N` hits)
    whose file's basename is one of files, by t."""
    import subprocess
    trace = None
    for ln in read(os.path.join(mnt, "info")).splitlines():
        if ln.startswith("trace: "):
            trace = ln[len("trace: "):]
    hs = os.environ.get("HS") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build", "bin", "hindsight")

    def q(*args):
        return subprocess.run([hs, "query", trace] + list(args), capture_output=True,
                              text=True, check=True).stdout.splitlines()
    names = {}
    for ln in q("lines"):
        fid, path = ln.split(" ", 1)
        names[int(fid)] = os.path.basename(path)
    res = []
    for ln in q("line-starts", "0", str(2**64 - 2)):
        f = ln.split()
        base = names.get(int(f[2]))
        if base in files:
            res.append((int(f[0]), base, int(f[3])))
    res.sort()
    return res


def parse_calls(mnt, fname):
    """calls/<fname> as [(t_call, t_ret or None, depth, caller)]."""
    p = os.path.join(mnt, "calls", fname)
    if not os.path.exists(p):
        return []
    res = []
    for ln in read(p).splitlines():
        f = ln.split()
        if len(f) < 3:
            continue
        res.append((int(f[0]), None if f[1] == "-" else int(f[1]),
                    int(f[2]), f[3] if len(f) > 3 else ""))
    return res


WHERE_RE = re.compile(r"^(\S+?)\+0x[0-9a-f]+(?: (\S+):(\d+))?$")


def compare(oracle_path, mnt, o2):
    orc = json.load(open(oracle_path))
    files = {os.path.basename(f) for f in orc["files"]}
    stops = orc["stops"]
    mm = Mismatch()

    # Hindsight's line starts in the program's files, inside main's call.
    main_calls = parse_calls(mnt, "main")
    if len(main_calls) != 1:
        print("calls/main has %d calls, expected 1" % len(main_calls))
        return 1
    t0, t1 = main_calls[0][0], main_calls[0][1]
    hs = [x for x in own_line_starts(mnt, files)
          if x[0] >= t0 and (t1 is None or x[0] <= t1)]
    gdb_seq = [(s["file"], s["line"]) for s in stops]
    hs_seq = [(b, ln) for (_, b, ln) in hs]
    print("gdb stops: %d, Hindsight line starts in main: %d"
          % (len(gdb_seq), len(hs_seq)))

    # 1. the line sequence
    if not o2:
        if gdb_seq != hs_seq:
            i = next((k for k in range(min(len(gdb_seq), len(hs_seq)))
                      if gdb_seq[k] != hs_seq[k]), min(len(gdb_seq), len(hs_seq)))
            mm.add("line sequence",
                   "first difference at stop %d: gdb %s, Hindsight %s (t %s)" % (
                       i, gdb_seq[i:i + 3], hs_seq[i:i + 3],
                       hs[i][0] if i < len(hs) else "-"))
    else:
        # -O2: gdb's `step` and the line table disagree on where a line
        # "starts" when the optimiser interleaves lines; the lines that
        # ran must be the same set.
        if set(gdb_seq) != set(hs_seq):
            mm.add("line set (-O2)", "gdb only %s, Hindsight only %s" % (
                sorted(set(gdb_seq) - set(hs_seq))[:5],
                sorted(set(hs_seq) - set(gdb_seq))[:5]))

    # 2. where, locals and backtraces at every stop (when the sequences
    # line up: stop k is Hindsight's line start k)
    aligned = gdb_seq == hs_seq
    n_vars = n_skipped = 0
    src = orc.get("source", {})

    def has_init(s, v):
        """The declaration's line gives v a value ("int x = 1", "x[3] = {")."""
        lines = src.get(s["file"], [])
        if not 0 < v["decl_line"] <= len(lines):
            return False
        return re.search(r"\b%s\s*(\[[^]]*\]\s*)*=" % re.escape(v["name"]),
                         lines[v["decl_line"] - 1]) is not None

    # Frame instances, to know which locals hold a value yet: a local is
    # compared once this call of its function has run its declaration
    # line with an initialiser, or once gdb saw it change in this call
    # (before that it is stack garbage, which differs natively and under
    # the recorder).  Parameters and function statics always.  A new call
    # starts when the depth grows, or at the same depth with another
    # function or the function's entry line again (recursion).
    # new_call[k]: stop k is the first of a call.  The oracle counts the
    # calls entered per function ("calls"); an old oracle file without the
    # counts falls back on the function's entry line.
    entry_line = {}
    for s in stops:
        entry_line.setdefault(s["function"], s["line"])
    new_call = []
    for k, s in enumerate(stops):
        p = stops[k - 1] if k else None
        if p is None or s["depth"] > p["depth"]:
            new_call.append(True)
        elif s["depth"] < p["depth"]:
            new_call.append(False)   # back in a caller (checked below)
        elif s["function"] != p["function"]:
            new_call.append(True)
        elif "calls" in s:
            new_call.append(s["calls"] != p["calls"])
        else:
            new_call.append(s["line"] == entry_line[s["function"]])
    frames = []     # per depth: {"f", "seen": lines, "first": values, "live": names}

    def frame_for(k, s):
        d = s["depth"]
        del frames[d + 1:]
        new = d >= len(frames) or frames[d] is None or frames[d]["f"] != s["function"] or \
            new_call[k]
        if new:
            while len(frames) <= d:
                frames.append(None)
            frames[d] = {"f": s["function"], "seen": set(), "first": {}, "live": set()}
        return frames[d]

    def comparable(fr, s, v):
        if v["arg"] or v["static"]:
            return True
        name = v["name"]
        if name in fr["live"]:
            return True
        if v["decl_line"] in fr["seen"] and has_init(s, v):
            fr["live"].add(name)
        elif name in fr["first"] and fr["first"][name] != v["value"]:
            fr["live"].add(name)
        fr["first"].setdefault(name, v["value"])
        return name in fr["live"]
    deepest = max(range(len(stops)), key=lambda k: stops[k]["depth"]) if stops else None
    if aligned:
        for k, s in enumerate(stops):
            t = hs[k][0]
            d = os.path.join(mnt, "time", str(t))
            where = read(os.path.join(d, "where")).strip()
            m = WHERE_RE.match(where)
            if not m or m.group(1) != s["function"] or \
               os.path.basename(m.group(2) or "") != s["file"] or \
               int(m.group(3) or 0) != s["line"]:
                mm.add("where", "t %d: %r, gdb %s %s:%d" % (
                    t, where, s["function"], s["file"], s["line"]))
            ldir = os.path.join(d, "locals")
            have = set(os.listdir(ldir))
            fr = frame_for(k, s)
            for v in s["vars"]:
                # pointers are compared only as "a pointer" (norm_value)
                if not comparable(fr, s, v):
                    n_skipped += 1
                    continue
                if v["name"] not in have:
                    if v["static"]:
                        n_skipped += 1
                        continue
                    mm.add("locals missing", "t %d %s: %s" % (t, s["function"], v["name"]))
                    continue
                got = read(os.path.join(ldir, v["name"]))
                n_vars += 1
                if norm_value(got) != norm_value(v["value"]):
                    if o2 and ("optimized out" in got or "optimized out" in v["value"]):
                        continue
                    mm.add("locals value", "t %d %s %s: Hindsight %r, gdb %r" % (
                        t, s["function"], v["name"], got.strip(), v["value"]))
            if k == deepest or s["depth"] >= 3 and k % 7 == 0:
                bt = read(os.path.join(d, "backtrace")).splitlines()
                got = []
                for ln in bt:
                    # "#N <where> <t_call or ->"
                    wm = WHERE_RE.match(" ".join(ln.split()[1:-1]))
                    if wm:
                        got.append([wm.group(1), int(wm.group(3) or 0)])
                    if wm and wm.group(1) == "main":
                        break
                if got != s["bt"]:
                    mm.add("backtrace", "t %d: Hindsight %s, gdb %s" % (t, got, s["bt"]))
            fr["seen"].add(s["line"])
    elif not o2:
        mm.add("where/locals/backtrace", "not compared: the line sequences differ")
    print("locals compared: %d values (%d skipped: not yet initialised)"
          % (n_vars, n_skipped))
    if deepest is not None:
        print("deepest stop: %d, depth %d, gdb bt %s" % (
            deepest, stops[deepest]["depth"], stops[deepest]["bt"]))

    # 3. calls/<f>: as many calls as gdb's breakpoint hits; each call's
    # return value (time/<t_ret>/reg/rax) equals gdb's "Value returned";
    # time/<t>/finish at the call's first line start leads to that t_ret.
    calls_of = {}
    clones = {}
    if o2:
        # -O2: GCC's clones keep the DWARF name gdb uses (gcd) but their
        # symbol is gcd.constprop.0, which is what calls/ lists
        for name in os.listdir(os.path.join(mnt, "calls")):
            m = re.match(r"^(.+?)\.(?:constprop|isra|part|cold)\.\d+", name)
            if m:
                clones.setdefault(m.group(1), []).append(name)
    for fname, rec in orc["calls"].items():
        # C++: gdb's symbol names carry the parameters ("main()"); calls/
        # files a function under its break name ("main", "Fruit::price")
        hc = parse_calls(mnt, re.sub(r"\(.*\)(?: const)?$", "", fname))
        for clone in clones.get(fname, []):
            hc += parse_calls(mnt, clone)
        hc.sort()
        calls_of[fname] = hc
        hc = [c for c in hc if c[0] >= t0 and (t1 is None or c[0] <= t1)] \
            if fname != "main" else hc
        if len(hc) != rec["hits"]:
            mm.add("calls count", "%s: Hindsight %d, gdb %d" % (fname, len(hc), rec["hits"]))
            continue
        size = rec["ret_size"]
        if not size or fname == "main":
            continue
        for i, c in enumerate(hc):
            want = rec["ret_int"][i]
            if want is None or c[1] is None:
                continue
            rax = int(read(os.path.join(mnt, "time", str(c[1]), "reg", "rax")), 16)
            mask = (1 << (8 * size)) - 1
            if rax & mask != want & mask:
                mm.add("return value", "%s call %d at t %d: rax 0x%x, gdb %s" % (
                    fname, i, c[0], rax, rec["returns"][i]))
        print("calls/%s: %d calls, return values compared" % (fname, len(hc)))

    # From every stop that enters a function (a new call, as frame_for
    # decides), finish leads to a state whose rax is gdb's value and
    # caller to that call's t_call in calls/<f>.
    if aligned:
        entered = {}
        n_links = 0
        for k, s in enumerate(stops):
            if k == 0 or not new_call[k]:
                continue
            fname = s["function"]
            idx = entered.get(fname, 0)
            entered[fname] = idx + 1
            hc = calls_of.get(fname, [])
            if idx < len(hc):
                try:
                    got = os.readlink(os.path.join(mnt, "time", str(hs[k][0]), "caller"))
                except OSError as e:
                    got = str(e)
                n_links += 1
                if got != "../%d" % hc[idx][0]:
                    mm.add("caller", "t %d %s call %d: caller -> %s, calls/%s says %d" % (
                        hs[k][0], fname, idx, got, fname, hc[idx][0]))
            rec = orc["calls"].get(fname)
            if not rec or not rec["ret_size"] or idx >= len(rec["ret_int"]):
                continue
            want = rec["ret_int"][idx]
            if want is None:
                continue
            fin = os.path.join(mnt, "time", str(hs[k][0]), "finish")
            try:
                rax = int(read(os.path.join(fin, "reg", "rax")), 16)
            except OSError as e:
                mm.add("finish", "t %d: %s" % (hs[k][0], e))
                continue
            mask = (1 << (8 * rec["ret_size"])) - 1
            if rax & mask != want & mask:
                mm.add("finish", "t %d %s: finish/reg/rax 0x%x, gdb %s" % (
                    hs[k][0], fname, rax, rec["returns"][idx]))
        print("caller links compared: %d" % n_links)

        # next-line is gdb's next, derived from the step sequence by gdb's
        # rules: `next` goes to the next stop at a depth <= this one's,
        # except that a stop of the same line at the same depth (where a
        # call returns into a new row of the line, or a loop on one line
        # comes round) only refreshes gdb's step range.  Stops whose answer
        # lies outside the program's files (main's return into libc, the
        # start) are not compared.  prev-line is not derived here: gdb 13's
        # reverse-next stops at the start of the line-table row it last
        # entered, often no stop of the step sequence (a line of several
        # rows, a callee's first line: the caller's row holding the call);
        # src_st_step compares it with gdb's own reverse-next under
        # `record full` (scripts/gdb-rnext-oracle.py), these programs too.
        def same(a, b):
            return (stops[a]["depth"] == stops[b]["depth"] and
                    stops[a]["line"] == stops[b]["line"] and
                    stops[a]["function"] == stops[b]["function"])

        n_links = 0
        for k, s in enumerate(stops):
            d = s["depth"]
            nxt = next((j for j in range(k + 1, len(stops))
                        if stops[j]["depth"] <= d and not same(j, k)), None)
            for name, j in (("next-line", nxt),):
                if j is None:
                    continue
                try:
                    got = os.readlink(os.path.join(mnt, "time", str(hs[k][0]), name))
                except OSError as e:
                    got = str(e)
                n_links += 1
                if got != "../%d" % hs[j][0]:
                    mm.add(name, "t %d (%s:%d): %s -> %s, gdb goes to %s:%d (t %d)" % (
                        hs[k][0], s["function"], s["line"], name, got,
                        stops[j]["function"], stops[j]["line"], hs[j][0]))
        print("next-line links compared: %d" % n_links)
    return mm.report()


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "compare":
        try:
            sys.exit(compare(sys.argv[2], sys.argv[3], "--o2" in sys.argv[4:]))
        except (OSError, ValueError, KeyError) as e:
            print("gdb-oracle: %s" % e)
            sys.exit(1)
    print("usage: gdb -nx -batch -x gdb-oracle.py (ORACLE_PROG, ORACLE_OUT set)\n"
          "       python3 gdb-oracle.py compare ORACLE_JSON MNT [--o2]",
          file=sys.stderr)
    sys.exit(2)


try:
    import gdb  # noqa: F401  (only inside gdb)
    IN_GDB = True
except ImportError:
    IN_GDB = False

if IN_GDB:
    gdb_oracle()
elif __name__ == "__main__":
    main()
