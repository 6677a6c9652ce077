# gdb-locals-oracle.py - gdb's `info args` + `info locals` at breakpoints as
# the oracle of Hindsight's time/<t>/locals/.
#
# Two modes, one file:
#
#   gdb -nx -batch -x scripts/gdb-locals-oracle.py   (inside gdb)
#       ORACLE_PROG=build/programs/locals_o2 ORACLE_OUT=locals.json
#       ORACLE_BREAKS="total prog.c:42" [ORACLE_MAXHITS=3]
#     runs the program natively once per spec with gdb's `break SPEC` (a
#     function: its out-of-line entries and inlined copies; FILE:LINE;
#     finish:FUNC, `break FUNC` then `finish`: the caller's frame at the
#     return address) and keeps, for the first ORACLE_MAXHITS hits of
#     each, the lines of `info args` and `info locals` as gdb prints them
#     ("name = value"; a name that an inner block shadows comes again,
#     and only its first line is what `print name` shows) with each
#     symbol's declaration line, and the spec's source file (symtab
#     fullname).  JSON: {"hits": [{spec, hit, file, line, pc, args: [[n,
#     v, decl_line]...], locals: [[n, v, decl_line]...]}...]}.
#
#   python3 scripts/gdb-locals-oracle.py compare ORACLE_JSON MNT
#     (MNT: the recording of the same run, built and mounted)
#     the k-th hit of `break f` is line k of calls/f (its first column,
#     t or t.view), that of `break FILE:N` line k of lines/FILE/N (t.k where
#     gdb shows a copy starting there: the view whose `where` is gdb's
#     frame), that of finish:f the second column of line k of calls/f (the
#     return); an out-of-line call's, the first t past the prologue; at that
#     moment `ls time/<t>/locals` must be exactly the names gdb listed
#     (args and locals; a name listed again, one an inner block hides, as
#     "name:LINE", its declaration's line: locals first, innermost first),
#     and each file the value gdb printed for that declaration (addresses
#     as PTR: the recorder loads the program elsewhere); eval/<name> must
#     be what gdb's `print name` showed (gdb's print finds the innermost
#     declaration) where that is <optimized out> or a number.  Prints one line per mismatch and a summary;
#     exit 0 when they agree, 1 when not, 2 on bad input.
import json
import os
import re
import sys

VAR_RE = re.compile(r"^([A-Za-z_$][\w$]*) = (.*)$")
PTR_RE = re.compile(r"\(?(?:[a-zA-Z_][\w ]*\*+\)\s*)?0x[0-9a-f]+(?: <[^>]*>)?")


def var_lines(text, decls):
    """`info locals` text as [[name, value, decl_line]...]; "No locals."
    is none.  decls: [(name, line)...] of the symbols gdb printed, in its
    order: the k-th line of a name is the k-th symbol of that name."""
    out = []
    seen = {}
    for ln in text.splitlines():
        m = VAR_RE.match(ln)
        if m:
            n = m.group(1)
            lines = [d[1] for d in decls if d[0] == n]
            k = seen.get(n, 0)
            seen[n] = k + 1
            out.append([n, m.group(2), lines[k] if k < len(lines) else 0])
    return out


def frame_decls(fr):
    """The (name, declaration line) of the symbols of gdb's info args and
    info locals at frame fr, each in gdb's order (iterate_over_block_locals:
    block by block up to the function's, the classes it prints)."""
    import gdb
    classes = {gdb.SYMBOL_LOC_CONST, gdb.SYMBOL_LOC_LOCAL, gdb.SYMBOL_LOC_REGISTER,
               gdb.SYMBOL_LOC_STATIC, gdb.SYMBOL_LOC_COMPUTED, gdb.SYMBOL_LOC_OPTIMIZED_OUT}
    args, locs = [], []
    try:
        blk = fr.block()
    except RuntimeError:
        return args, locs
    while blk is not None:
        for sym in blk:
            if sym.is_argument:
                if blk.function is not None:
                    args.append((sym.name, sym.line))
            elif sym.addr_class in classes:
                locs.append((sym.name, sym.line))
        if blk.function is not None:
            break
        blk = blk.superblock
    return args, locs


def print_text(name):
    """What gdb's `print name` shows after "$N = ", or its error."""
    import gdb
    try:
        out = gdb.execute("print " + name, to_string=True)
    except gdb.error as e:
        return str(e)
    return out.split(" = ", 1)[1].rstrip("\n") if " = " in out else out.strip()


def frame_hit(spec, hit):
    """The record of the frame gdb shows now."""
    import gdb
    fr = gdb.selected_frame()
    sal = fr.find_sal()
    blk = fr.block()
    while blk.function is None and blk.superblock is not None:
        blk = blk.superblock
    dargs, dlocs = frame_decls(fr)
    args = var_lines(gdb.execute("info args", to_string=True), dargs)
    locs = var_lines(gdb.execute("info locals", to_string=True), dlocs)
    return {"spec": spec, "hit": hit, "pc": int(fr.pc()), "function": fr.name(),
            "off": int(fr.pc()) - blk.start,
            "file": sal.symtab.fullname() if sal.symtab else "",
            "line": sal.line, "args": args, "locals": locs,
            "print": {v[0]: print_text(v[0]) for v in locs + args}}


def gdb_oracle():
    import gdb

    prog = os.environ["ORACLE_PROG"]
    out = os.environ["ORACLE_OUT"]
    specs = os.environ["ORACLE_BREAKS"].split()
    maxhits = int(os.environ.get("ORACLE_MAXHITS", "3"))
    # locals/ prints as gdb's own print without libstdc++'s printers
    for cmd in ("set auto-load python-scripts off", "set pagination off",
                "set confirm off", "set width 0", "set height 0",
                "set style enabled off", "set print pretty off",
                "set print null-stop on", "set print repeats unlimited",
                "set print elements 200", "set disable-randomization on"):
        gdb.execute(cmd, to_string=True)
    gdb.execute("file " + prog, to_string=True)
    hits = []
    stopped = []
    gdb.events.stop.connect(lambda ev: stopped.append(
        bool(getattr(ev, "breakpoints", None))))
    # one run per spec: the frame gdb shows at a stop depends on every
    # breakpoint at its pc (a `break f` on an inlined f there shows f)
    for spec in specs:
        finish = spec.startswith("finish:")
        bp = gdb.Breakpoint(spec[len("finish:"):] if finish else spec)
        stopped.clear()
        gdb.execute("run >/dev/null", to_string=True)
        hit = 0
        while stopped and stopped[-1] and hit < maxhits:
            hit += 1
            if finish:
                stopped.clear()
                gdb.execute("finish", to_string=True)
                if not stopped or stopped[-1]:
                    break  # another breakpoint stopped it first
            hits.append(frame_hit(spec, hit))
            stopped.clear()
            try:
                gdb.execute("continue", to_string=True)
            except gdb.error:
                break
        bp.delete()
        try:
            gdb.execute("kill", to_string=True)
        except gdb.error:
            pass
    with open(out, "w") as f:
        json.dump({"hits": hits}, f, indent=1)


NUM_RE = re.compile(r"^-?[0-9][0-9.e+-]*$")


def want_files(vs):
    """{file in locals/: value} of gdb's [[name, value, decl_line]...]
    (locals then args, innermost first): a name's first declaration is
    "name", one it hides "name:LINE" ("name:LINE.2"... where two share
    the line)."""
    want = {}
    for v in vs:
        n, val, line = v[0], v[1], (v[2] if len(v) > 2 else 0)
        f, k = n, 1
        while f in want:
            f = "%s:%d" % (n, line) if k == 1 else "%s:%d.%d" % (n, line, k)
            k += 1
        want[f] = val
    return want


def norm(s):
    s = PTR_RE.sub("PTR", s.strip())
    return re.sub(r"\s+", " ", s)


def cat(mnt, path):
    """The text of MNT/path, or None where it cannot be read."""
    try:
        with open(os.path.join(mnt, path)) as f:
            return f.read()
    except OSError:
        return None


def ls(mnt, path):
    try:
        return os.listdir(os.path.join(mnt, path))
    except OSError:
        return []


def m_line(spec):
    """The line of a FILE:LINE spec (a string), else None."""
    m = re.match(r"^.+:(\d+)$", spec)
    return m.group(1) if m else None


def rip(mnt, t):
    m = re.search(r"^rip (0x[0-9a-f]+)", cat(mnt, "time/%d/regs" % t) or "", re.M)
    return int(m.group(1), 16) if m else None


def past_prologue(mnt, entry_t, off):
    """The first t from entry_t on whose rip is off bytes past rip at
    entry_t (64 instructions at most)."""
    base = rip(mnt, entry_t)
    for t in range(entry_t, entry_t + 64):
        if base is None or rip(mnt, t) == base + off:
            return str(t)
    return str(entry_t)


def compare(orc_path, mnt):
    with open(orc_path) as f:
        orc = json.load(f)
    bad = []
    n_vars = 0
    moments = {}
    for h in orc["hits"]:
        spec = h["spec"]
        finish = spec.startswith("finish:")
        if spec not in moments:
            if m_line(spec):
                path = "lines/%s/%s" % (h["file"].lstrip("/"), m_line(spec))
            else:
                path = "calls/" + spec[len("finish:"):] if finish else "calls/" + spec
            text = cat(mnt, path) or ""
            col = 1 if finish else 0
            moments[spec] = [ln.split()[col] for ln in text.splitlines() if ln.strip()]
        ts = moments[spec]
        if len(ts) < h["hit"]:
            bad.append("%s hit %d: Hindsight has %d" % (spec, h["hit"], len(ts)))
            continue
        t = ts[h["hit"] - 1]
        if not m_line(spec) and not finish and "." not in t:
            # an out-of-line call (t_call): gdb stops past the prologue,
            # "off" bytes into the function entered at t_call + 1
            t = past_prologue(mnt, int(t) + 1, h["off"])
        want = want_files(h["locals"] + h["args"])
        where = "%s hit %d (t %s, %s:%d)" % (spec, h["hit"], t, os.path.basename(h["file"]),
                                            h["line"])
        # a moment has one view, the stepping one (copies that start at
        # its pc hidden), where gdb's `break FILE:LINE` shows the copy:
        # the view t.k of the frame gdb shows
        want_fn = h["function"].split("(")[0]
        for k in range(0, 5):
            tk = t if k == 0 else "%s.%d" % (t.split(".")[0], k)
            fn = (cat(mnt, "time/%s/where" % tk) or "?").split("+")[0].strip()
            if fn == want_fn:
                t = tk
                break
        else:
            bad.append("%s: no view shows gdb's frame %s" % (where, h["function"]))
            continue
        got = ls(mnt, "time/%s/locals" % t)
        if sorted(got) != sorted(want):
            bad.append("%s: names %s, gdb %s" % (where, sorted(got), sorted(want)))
        for n in sorted(set(got) & set(want)):
            v = cat(mnt, "time/%s/locals/%s" % (t, n))
            n_vars += 1
            if v is None or norm(v) != norm(want[n]):
                bad.append("%s: %s = %r, gdb %r" % (where, n, v and v.strip(), want[n]))
        # gdb's print finds the innermost declaration: eval/ must too
        for n, p in sorted(h.get("print", {}).items()):
            if p != "<optimized out>" and not NUM_RE.match(p):
                continue
            e = cat(mnt, "time/%s/eval/%s" % (t, n))
            if e is not None and e.strip() != p:
                bad.append("%s: eval/%s = %r, gdb's print %r" % (where, n, e.strip(), p))
    for b in bad:
        print(b)
    print("locals oracle: %d hits, %d values compared, %d mismatches"
          % (len(orc["hits"]), n_vars, len(bad)))
    return 1 if bad else 0


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "compare":
        print("usage: gdb-locals-oracle.py compare ORACLE_JSON MNT", file=sys.stderr)
        sys.exit(2)
    sys.exit(compare(sys.argv[2], sys.argv[3]))


try:
    import gdb  # noqa: F401  (only inside gdb)
    IN_GDB = True
except ImportError:
    IN_GDB = False

if IN_GDB:
    gdb_oracle()
elif __name__ == "__main__":
    main()
