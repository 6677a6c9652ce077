# gdb-inline-oracle.py - gdb as the oracle of Hindsight's inlined frames
# (where and backtrace in code that the compiler inlined, -O2).
#
# Two modes, one file:
#
#   gdb -nx -batch -x scripts/gdb-inline-oracle.py     (inside gdb)
#       ORACLE_PROG=build/programs/inl_basic_o2 ORACLE_OUT=inline.json
#     runs the program natively and `step`s from main's first line to the
#     end.  At each stop in the program's own files it keeps the pc (as an
#     offset from main: the recorder loads a PIE elsewhere), the backtrace
#     [[function, line], ...] innermost first down to main, the file of
#     frame 0, and whether gdb hides inline frames there.  gdb's `step`
#     stops at the entry of an inlined copy twice or more at the same pc:
#     first in the caller at the call site (the copy's frame hidden), then,
#     one `step` later without running anything, in the copy (one copy
#     more per `step` where several start there).  A moment shows what gdb
#     shows when it arrives there (by `next`, `finish`, a return): the call
#     site, the copies hidden; its views time/<t>.<k> show k of them, and
#     step-into leads from one to the next as gdb's `step` does (and to
#     view 1 where gdb's `step` entered a copy on arriving, the call site
#     being the line it stepped): every stop is compared in full.
#     Then, for each inlined function it stepped through, `break f`, run,
#     `next` and, still in f, `finish` (pc offsets of both).
#     Then the walks: from `break main`, gdb's `next`, `step` and `finish`
#     in fixed patterns (WALKS, or ORACLE_WALKS="next;step,finish"), every
#     stop kept as above with its command.  And gdb's reverse-next under
#     `record full` from a late stop of the `next` walk back to main's
#     first line (unless ORACLE_REVERSE=no).
#     JSON: {"stops": [{pc, file, bt, inline (frames shown), hidden}, ...],
#            "finishes": [{function, hit, finish}, ...],
#            "walks": [{pattern, stops: [{cmd, pc, file, bt, inline}]}]}.
#
#   python3 scripts/gdb-inline-oracle.py compare ORACLE_JSON MNT
#     walks Hindsight's `step` (time/main, then each time/<t>/step-into,
#     to a moment or a view of one, time/<t>.<k>) while in main's call, at the stops in the program's own file, the pc
#     of each (time/<t>/insn) as an offset from main's entry; each gdb
#     stop must be such a stop at the same pc, found in order, and there
#     time/<t>/where must be gdb's frame 0 (function, file, line) and
#     time/<t>/backtrace gdb's bt down to main (functions and lines;
#     inlined frames included); and every line start must be one of gdb's
#     stops (the step sequence is gdb's); and time/<t>/finish at the step
#     stop at each finish's pc is where gdb's `finish` stopped.  Then each
#     walk follows the same links (next-line, step-into, finish) from
#     time/main: the same pcs, wheres and backtraces; and prev-line from
#     the reverse-next's first stop the same lines and frames.  Prints the
#     mismatches and a summary line; exit 0 when none, 1 when some.
import json
import os
import re
import sys

MAX_STEPS = 5000
MAX_WALK = 400


def frames_of(gdb, frame):
    """gdb's bt from frame down to main, [[function, line], ...], and how
    many inline frames lead it."""
    bt = []
    shown = 0
    f = frame
    while f is not None:
        if f.type() == gdb.INLINE_FRAME and len(bt) == shown:
            shown += 1
        bt.append([f.name(), f.find_sal().line])
        if f.name() == "main":
            break
        f = f.older()
    return bt, shown


def gdb_oracle():
    import gdb

    prog = os.environ["ORACLE_PROG"]
    out = os.environ["ORACLE_OUT"]
    for cmd in ("set auto-load python-scripts off", "set pagination off",
                "set confirm off", "set width 0", "set height 0",
                "set style enabled off", "set debug-file-directory /nonexistent",
                "set disable-randomization on"):
        gdb.execute(cmd, to_string=True)
    gdb.execute("file " + prog, to_string=True)
    gdb.execute("start >/dev/null", to_string=True)
    main = int(gdb.parse_and_eval("(long)&main"))
    own = gdb.selected_frame().find_sal().symtab.filename

    def inline_blocks(pc):
        """How many function blocks hold pc, less the real function's."""
        n = 0
        b = gdb.block_for_pc(pc)
        while b is not None and not b.is_static and not b.is_global:
            if b.function is not None:
                n += 1
            b = b.superblock
        return max(n - 1, 0)

    stops = []
    for _ in range(MAX_STEPS):
        try:
            frame = gdb.selected_frame()
        except gdb.error:
            break
        sal = frame.find_sal()
        if sal is not None and sal.symtab is not None and sal.symtab.filename == own:
            bt, shown = frames_of(gdb, frame)
            pc = frame.pc()
            stops.append({"pc": pc - main, "file": os.path.basename(sal.symtab.filename),
                          "bt": bt, "inline": shown,
                          "hidden": shown < inline_blocks(pc)})
        try:
            gdb.execute("step", to_string=True)
        except gdb.error:
            break
        if not gdb.selected_inferior().pid:
            break
    # finish out of an inline frame: for each inlined function the step
    # went through, its breakpoint's first hit and where `finish` stops
    # (the first instruction outside the copy)
    names = []
    for s in stops:
        for fr in s["bt"][:s["inline"]]:
            if fr[0] not in names:
                names.append(fr[0])
    finishes = []
    for name in names:
        if gdb.selected_inferior().pid:
            gdb.execute("kill", to_string=True)
        gdb.execute("delete", to_string=True)
        try:
            gdb.execute("break %s" % name, to_string=True)
            gdb.execute("run >/dev/null", to_string=True)
            gdb.execute("delete", to_string=True)
            # the hit shows the copy at its first instruction (a user
            # breakpoint on it), a moment there the call site: finish
            # from the copy's next line, where both show the copy
            gdb.execute("next", to_string=True)
            fr = gdb.selected_frame()
            if fr.name() != name or fr.type() != gdb.INLINE_FRAME:
                continue
            hit = fr.pc()
            gdb.execute("finish", to_string=True)
            finishes.append({"function": name, "hit": hit - main,
                             "finish": gdb.selected_frame().pc() - main})
        except gdb.error:
            continue
    # the walks with libc's debug info, as Hindsight reads it (libc6-dbg):
    # a `step` into printf enters it on both sides (the walk ends there)
    gdb.execute("set debug-file-directory /usr/lib/debug", to_string=True)
    pats = WALKS
    if os.environ.get("ORACLE_WALKS"):  # "next;step,finish": fewer walks
        pats = [p.split(",") for p in os.environ["ORACLE_WALKS"].split(";") if p]
    walks = [gdb_walk(gdb, main, own, pat) for pat in pats]
    back = None
    if walks and walks[0]["pattern"] == ["next"] and os.environ.get("ORACLE_REVERSE") != "no":
        back = gdb_reverse(gdb, main, walks[0])
    with open(out, "w") as fp:
        json.dump({"prog": prog, "stops": stops, "finishes": finishes, "walks": walks,
                   "reverse": back}, fp, indent=1)


def gdb_reverse(gdb, main, walk):
    """reverse-next under `record full` from a stop of the `next` walk
    back to main's first line: the latest stop that gdb can record up to
    (it cannot record every instruction of libc's), tried from the end.
    {from: index of that stop in the walk, stops: [{pc, bt, inline}]}."""
    stops = walk["stops"]
    for i in range(len(stops) - 2, 0, -1):
        if gdb.selected_inferior().pid:
            gdb.execute("kill", to_string=True)
        gdb.execute("delete", to_string=True)
        try:
            gdb.execute("break main", to_string=True)
            gdb.execute("run >/dev/null", to_string=True)
            gdb.execute("delete", to_string=True)
            gdb.execute("record full", to_string=True)
            gdb.execute("break *0x%x" % (main + stops[i]["pc"]), to_string=True)
            gdb.execute("continue", to_string=True)
            gdb.execute("delete", to_string=True)
            fr = gdb.selected_frame()
            # a breakpoint at a copy's first instruction shows the copy
            # (a moment the call site): start where both agree
            if fr.pc() != main + stops[i]["pc"] or (
                    fr.type() == gdb.INLINE_FRAME and arrival_hides(gdb, fr)):
                continue
            back = []
            for _ in range(MAX_WALK):
                frame = gdb.selected_frame()
                bt, shown = frames_of(gdb, frame)
                back.append({"pc": frame.pc() - main, "bt": bt, "inline": shown})
                if frame.pc() == main + stops[0]["pc"]:
                    break
                out = gdb.execute("reverse-next", to_string=True)
                if "No more reverse-execution" in out:
                    break
            gdb.execute("record stop", to_string=True)
            # the history begins at `break main`'s stop: a reverse-next
            # from a later pc of that line stops there for want of history
            if len(back) > 1 and back[-1]["pc"] == stops[0]["pc"] and \
                    back[-1]["bt"][0] == back[-2]["bt"][0]:
                back.pop()
            return {"from": i, "stops": back}
        except gdb.error:
            continue
    return None


# The walks: gdb's commands in a fixed pattern from `break main`, each
# stop kept; Hindsight follows the same links (next-line, step-into,
# finish) from time/main.  `finish` only from a frame other than main's
# own.  A `step` that entered an inlined copy at its first instruction
# is a view of that moment (time/<t>.<k>): the pattern goes on from it
# (`next` and `finish` from a view are compared too).
WALKS = [["next"], ["step", "next"], ["step", "step", "finish", "next"],
         ["next", "step", "finish"], ["step", "finish"]]
HS_LINK = {"next": "next-line", "step": "step-into", "finish": "finish"}


def function_block(b):
    while b is not None and b.function is None:
        b = b.superblock
    return b


def arrival_hides(gdb, frame):
    """Whether gdb, arriving at frame's pc by other means than a `step`
    into it, would hide frame's copy (inline-frame.c: its first address,
    or one whose previous byte is outside it)."""
    b = function_block(frame.block())
    pc = frame.pc()
    if b is None or pc == b.start:
        return True
    up = gdb.block_for_pc(pc - 1)
    while up is not None:
        if (up.start == b.start and up.end == b.end and up.function is not None and
                up.function.name == b.function.name):
            return False
        up = up.superblock
    return True


def gdb_walk(gdb, main, own, pattern):
    if gdb.selected_inferior().pid:
        gdb.execute("kill", to_string=True)
    gdb.execute("delete", to_string=True)
    gdb.execute("break main", to_string=True)
    gdb.execute("run >/dev/null", to_string=True)
    gdb.execute("delete", to_string=True)
    walk = []
    cmd = "start"
    k = 0
    for _ in range(MAX_WALK):
        try:
            frame = gdb.selected_frame()
        except gdb.error:
            break
        sal = frame.find_sal()
        # the program's own files: its source and the headers beside it
        if sal is None or sal.symtab is None or \
                os.path.dirname(sal.symtab.filename) != os.path.dirname(own):
            break
        bt, shown = frames_of(gdb, frame)
        walk.append({"cmd": cmd, "pc": frame.pc() - main, "bt": bt, "inline": shown,
                     "file": os.path.basename(sal.symtab.filename)})
        cmd = pattern[k % len(pattern)]
        if cmd == "finish" and shown == 0 and frame.name() == "main":
            cmd = "step"    # the pattern goes on after it
        else:
            k += 1
        try:
            gdb.execute(cmd, to_string=True)
        except gdb.error:
            break
        if not gdb.selected_inferior().pid:
            break
    return {"pattern": pattern, "stops": walk}


def read(path):
    with open(path) as f:
        return f.read()


WHERE_RE = re.compile(r"^(\S+?)\+0x[0-9a-f]+(?: (\S+):(\d+))?$")


def hs_frames(text):
    """backtrace lines "#N where t_call|-|inlined" -> [[function, line]]
    down to main."""
    got = []
    for ln in text.splitlines():
        m = WHERE_RE.match(" ".join(ln.split()[1:-1]))
        if not m:
            continue
        got.append([m.group(1), int(m.group(3) or 0)])
        if m.group(1) == "main":
            break
    return got


def moment_t(m):
    """The t of a moment's name: "<t>" or a view of it, "<t>.<k>"."""
    return int(m.split(".")[0])


def step_chain(mnt, t1):
    """time/main, then its step-into links (moments and views, "<t>" or
    "<t>.<k>") while inside main's call."""
    res = []
    link = os.path.join(mnt, "time", "main")
    while len(res) < MAX_STEPS:
        try:
            m = os.readlink(link).split("/")[-1]
            t = moment_t(m)
        except (OSError, ValueError):
            break
        if t > t1:
            break
        res.append(m)
        link = os.path.join(mnt, "time", m, "step-into")
    return res


def link_t(mnt, t, name):
    """The moment (or view) link name of moment t leads to, or None."""
    try:
        m = os.readlink(os.path.join(mnt, "time", str(t), name)).split("/")[-1]
        moment_t(m)
        return m
    except (OSError, ValueError):
        return None


def compare_walks(orc, mnt, main, bad):
    """Each walk's gdb stops against the same links from time/main: the
    pc, where and backtrace of every stop (a `step` that entered a copy
    at its first instruction: a view of the moment)."""
    n = entered = inl = 0
    hidden_pcs = set(s["pc"] for s in orc["stops"] if s["hidden"])
    for w in orc.get("walks", []):
        t = link_t(mnt, "", "main")
        for j, s in enumerate(w["stops"]):
            if j > 0:
                t = link_t(mnt, t, HS_LINK[s["cmd"]]) if t is not None else None
            if t is None:
                bad.append("walk %s stop %d (%s): no link, gdb main+0x%x %s:%d" % (
                    "/".join(w["pattern"]), j, s["cmd"], s["pc"], s["bt"][0][0],
                    s["bt"][0][1]))
                break
            pc = int(read(os.path.join(mnt, "time", str(t), "insn")).split()[0], 16) - main
            if pc != s["pc"]:
                bad.append("walk %s stop %d (%s): t %s at main+0x%x, gdb main+0x%x %s:%d" % (
                    "/".join(w["pattern"]), j, s["cmd"], t, pc, s["pc"], s["bt"][0][0],
                    s["bt"][0][1]))
                break
            got = hs_frames(read(os.path.join(mnt, "time", str(t), "backtrace")))
            entered += "." in t     # a view: gdb's step entered a copy
            n += 1
            inl += s["inline"] > 0 or s["pc"] in hidden_pcs
            where = read(os.path.join(mnt, "time", str(t), "where")).strip()
            m = WHERE_RE.match(where)
            want = (s["bt"][0][0], s["file"], s["bt"][0][1])
            if not m or (m.group(1), m.group(2), int(m.group(3) or 0)) != want:
                bad.append("walk %s stop %d (%s): t %s where %r, gdb %s %s:%d" % (
                    ("/".join(w["pattern"]), j, s["cmd"], t, where) + want))
            if got != s["bt"]:
                bad.append("walk %s stop %d (%s): t %s backtrace %s, gdb %s" % (
                    "/".join(w["pattern"]), j, s["cmd"], t, got, s["bt"]))
    return n, inl, entered


def compare_reverse(orc, mnt, main, bad):
    """gdb's reverse-next from a stop of the `next` walk: prev-line from
    the same moment (reached by next-line from time/main) must stop at the
    same lines in the same frames (backtraces).  Not always at the same pc:
    in a line that begins with an inlined copy, gdb's reverse-next stops
    at the copy's entry pc where its `next` stopped at the copy's first
    range (both show the call site).  The numbers compared and at
    another pc."""
    back = orc.get("reverse")
    other_pc = 0
    if not back:
        return 0, 0
    t = link_t(mnt, "", "main")
    for _ in range(back["from"]):
        t = link_t(mnt, t, "next-line") if t is not None else None
    n = 0
    for j, s in enumerate(back["stops"]):
        if j > 0:
            t = link_t(mnt, t, "prev-line") if t is not None else None
        if t is None:
            bad.append("reverse-next stop %d: no link, gdb main+0x%x" % (j, s["pc"]))
            break
        pc = int(read(os.path.join(mnt, "time", str(t), "insn")).split()[0], 16) - main
        got = hs_frames(read(os.path.join(mnt, "time", str(t), "backtrace")))
        if got != s["bt"]:
            bad.append("reverse-next stop %d: t %s (main+0x%x) backtrace %s, gdb main+0x%x %s" %
                       (j, t, pc, got, s["pc"], s["bt"]))
            break
        other_pc += pc != s["pc"]
        n += 1
    return n, other_pc


def hs_function(mnt, t):
    """The function of time/<t>/where (frame 0), or None."""
    m = WHERE_RE.match(read(os.path.join(mnt, "time", t, "where")).strip())
    return m.group(1) if m else None


def compare(oracle_path, mnt):
    orc = json.load(open(oracle_path))
    stops = orc["stops"]
    if not stops:
        print("the oracle has no stops")
        return 1
    own = stops[0]["file"]
    calls = read(os.path.join(mnt, "calls", "main")).split()
    t0, t1 = int(calls[0]), int(calls[1])
    main = int(read(os.path.join(mnt, "time", str(t0 + 1), "insn")).split()[0], 16)
    hs = []
    for t in step_chain(mnt, t1):
        m = WHERE_RE.match(read(os.path.join(mnt, "time", str(t), "where")).strip())
        if not m or m.group(2) != own:
            continue    # outside the program's own file (gdb's side too)
        pc = int(read(os.path.join(mnt, "time", str(t), "insn")).split()[0], 16)
        hs.append((t, pc - main))
    bad = []
    k = n = hidden = inl = entered = 0
    matched = set()
    for s in stops:
        hidden += s["hidden"]
        j = next((j for j in range(k, len(hs)) if hs[j][1] == s["pc"]), None)
        if j is None:
            bad.append("gdb stops at main+0x%x (%s:%d), no step does after t %s" % (
                s["pc"], s["bt"][0][0], s["bt"][0][1], hs[k][0] if k < len(hs) else "-"))
            continue
        matched.add(j)
        k = j + 1
        t = hs[j][0]
        bt_text = read(os.path.join(mnt, "time", t, "backtrace"))
        entered += "." in t     # a view: gdb's step entered a copy there
        n += 1
        inl += s["inline"] > 0 or s["hidden"]
        where = read(os.path.join(mnt, "time", t, "where")).strip()
        m = WHERE_RE.match(where)
        want = (s["bt"][0][0], s["file"], s["bt"][0][1])
        if not m or (m.group(1), m.group(2), int(m.group(3) or 0)) != want:
            bad.append("t %s where %r, gdb %s %s:%d" % ((t, where) + want))
        got = hs_frames(bt_text)
        if got != s["bt"]:
            bad.append("t %s backtrace %s, gdb %s" % (t, got, s["bt"]))
    # and `step` stops nowhere else: every step is a stop of gdb's, as
    # often as gdb's
    pcs = [s["pc"] for s in stops]
    for j, (t, pc) in enumerate(hs):
        if pc not in pcs:
            bad.append("t %s: a step stops at main+0x%x where gdb's does not" % (t, pc))
        elif j not in matched:
            bad.append("t %s: a step stops at main+0x%x more often than gdb's" % (t, pc))
    # finish from the first hit of each inlined function's breakpoint
    n_fin = 0
    for fin in orc.get("finishes", []):
        # the step stop at that pc whose frame 0 is the function's (a view
        # of the moment where copies start there)
        t = next((t for (t, pc) in hs if pc == fin["hit"] and
                  hs_function(mnt, t) == fin["function"]), None)
        if t is None:
            continue
        n_fin += 1
        try:
            tf = os.readlink(os.path.join(mnt, "time", t, "finish")).split("/")[-1]
            got = int(read(os.path.join(mnt, "time", tf, "insn")).split()[0], 16) - main
        except (OSError, ValueError) as e:
            bad.append("t %s finish from %s: %s" % (t, fin["function"], e))
            continue
        if got != fin["finish"]:
            bad.append("t %s finish from %s: main+0x%x, gdb main+0x%x" % (
                t, fin["function"], got, fin["finish"]))
    n_walk, n_walk_inl, n_entered = compare_walks(orc, mnt, main, bad)
    n_back, n_back_pc = compare_reverse(orc, mnt, main, bad)
    for b in bad[:20]:
        print(b)
    print("gdb stops %d (%d with inline frames hidden), compared %d "
          "(%d in inlined code; %d entering a copy: a view of the moment), finish "
          "from %d inline frames, walks %d stops (%d in inlined code; %d entering a "
          "copy), reverse-next %d stops (%d at another pc of the line), %d mismatches" % (
              len(stops), hidden, n, inl, entered, n_fin, n_walk, n_walk_inl, n_entered,
              n_back, n_back_pc, len(bad)))
    return 1 if bad else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        try:
            sys.exit(compare(sys.argv[2], sys.argv[3]))
        except (OSError, ValueError, KeyError, IndexError) as e:
            print("gdb-inline-oracle: %s" % e)
            sys.exit(1)
    print("usage: gdb -nx -batch -x gdb-inline-oracle.py (ORACLE_PROG, ORACLE_OUT set)\n"
          "       python3 gdb-inline-oracle.py compare ORACLE_JSON MNT", file=sys.stderr)
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
