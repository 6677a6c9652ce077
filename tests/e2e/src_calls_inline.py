# src_calls_inline.py - gdb as the oracle of calls/<f> for functions with
# inlined copies (src_calls_inline.sh).
#
#   gdb -nx -batch -x tests/e2e/src_calls_inline.py
#       ORACLE_PROG=prog ORACLE_OUT=out.json ORACLE_FUNCS="f g"
#     runs the program natively once per function with gdb's `break f`
#     (a location at every inlined copy and at the function itself); at
#     each hit it keeps whether frame #0 is an inlined copy, the pc (as an
#     offset into the program's file), the backtrace ([function, line]
#     innermost first, the program's own frames), and then steps (stepi;
#     `finish` out of the calls made from inside) to the first pc outside
#     the copy's block at the same depth of real frames, or past its
#     frame's return: where the copy (or the call) was left.  (gdb's own
#     `finish` out of an inlined frame stops later where the copy has
#     several ranges: it steps on to the next line.)  A hit before that
#     leaves the exit unknown.  At an inlined hit also what `info args` and
#     `info locals` print (name = value, the innermost of a name; a local
#     is not set yet at the copy's first instruction: what the stack held,
#     which differs between runs, so only its name is compared).
#     JSON: {f: [{"inline": bool, "pc": off, "bt": [...], "exit": off|null,
#                 "locals": [[name, value|null], ...]}]}
#
#   python3 tests/e2e/src_calls_inline.py compare JSON MNT PROGNAME
#     compares with the mounted recording of the same run: calls/<f> has
#     one line per hit, in the same order; an inlined hit is marked
#     "inline" and the others are not; an inlined entry's t_call is a view
#     of its moment, "<t>.<k>" (the copies starting at that pc are hidden
#     at time/<t>, as gdb hides them at a stop that is not a breakpoint on
#     the copy's function: README), where the pc is gdb's stop pc and the
#     backtrace and locals/ are gdb's (the copy as frame #0); and the pc
#     at t_return is where gdb's `finish` stopped.  Prints one line per
#     mismatch and a summary; exit 0 when there is no mismatch.
import json
import os
import re
import sys


def gdb_oracle():
    import gdb

    prog = os.environ["ORACLE_PROG"]
    funcs = os.environ["ORACLE_FUNCS"].split()
    base_name = os.path.basename(prog)
    for cmd in ("set pagination off", "set confirm off", "set width 0", "set height 0",
                "set style enabled off", "set disable-randomization on",
                "set print frame-arguments none"):
        gdb.execute(cmd, to_string=True)
    gdb.execute("file " + prog, to_string=True)
    state = {"stop": None}

    def on_stop(ev):
        state["stop"] = ev

    gdb.events.stop.connect(on_stop)

    def base():
        for line in gdb.execute("info proc mappings", to_string=True).splitlines():
            f = line.split()
            if len(f) >= 5 and f[-1].endswith("/" + base_name):
                return int(f[0], 16)
        return 0

    def backtrace():
        out, f = [], gdb.newest_frame()
        while f is not None:
            sal = f.find_sal()
            name = f.name() or "??"
            if sal.symtab is not None and \
                    os.path.basename(sal.symtab.filename) in os.environ["ORACLE_SRC"].split():
                out.append([name, sal.line])
            f = f.older()
        return out

    def variables():
        out, seen = [], set()
        for cmd in ("info args", "info locals"):
            for line in gdb.execute(cmd, to_string=True).splitlines():
                m = re.match(r"^([A-Za-z_]\w*) = (.*)$", line)
                if m and m.group(1) not in seen:
                    seen.add(m.group(1))
                    out.append([m.group(1), m.group(2) if cmd == "info args" else None])
        return out

    def hit(bp):
        ev = state["stop"]
        return isinstance(ev, gdb.BreakpointEvent) and bp in ev.breakpoints

    def real_depth():
        # frames on the stack: not inlined copies, nor the "tailcall"
        # frames gdb shows for functions that left by a jump
        n, f = 0, gdb.newest_frame()
        while f is not None:
            n += f.type() not in (gdb.INLINE_FRAME, gdb.TAILCALL_FRAME)
            f = f.older()
        return n

    def func_block(fr):
        b = fr.block()      # frame #0 is f's (copies inside it hidden)
        while b is not None and b.function is None:
            b = b.superblock
        return (b.start, b.end) if b is not None else None

    def in_block(pc, blk):
        b = gdb.block_for_pc(pc)
        while b is not None:
            if b.function is not None and (b.start, b.end) == blk:
                return True
            b = b.superblock
        return False

    def alive():
        return gdb.selected_inferior().pid != 0

    def go(cmd):
        state["stop"] = None
        try:
            gdb.execute(cmd, to_string=True)
        except gdb.error:
            return False
        return alive()

    result = {}
    for fn in funcs:
        hits, pend = [], None
        bp = gdb.Breakpoint(fn, internal=False)
        ok = go("run")
        b = base()
        while ok:
            pc = gdb.newest_frame().pc()
            if pend is not None:
                d = real_depth()
                if d < pend["depth"] or (d == pend["depth"] and not in_block(pc, pend["blk"])):
                    pend["h"]["exit"] = pc - b
                    pend = None
            if hit(bp):
                fr = gdb.newest_frame()
                h = {"inline": fr.type() == gdb.INLINE_FRAME, "pc": pc - b,
                     "bt": backtrace(), "exit": None}
                if h["inline"]:
                    h["locals"] = variables()
                hits.append(h)
                # a hit before the exit of the one pending: that exit stays unknown
                pend = {"h": h, "depth": real_depth(), "blk": func_block(fr)}
            if pend is None:
                ok = go("continue")
            elif real_depth() > pend["depth"]:
                ok = go("finish")   # a call made from inside: to its return
            else:
                ok = go("stepi")
        bp.delete()
        result[fn] = hits
        go("kill")
    with open(os.environ["ORACLE_OUT"], "w") as fo:
        json.dump(result, fo)


def read(path):
    with open(path) as f:
        return f.read()


def hs_base(mnt, t, prog):
    for line in read("%s/time/%s/maps" % (mnt, t)).splitlines():
        f = line.split()
        if len(f) >= 6 and f[-1].endswith("/" + prog):
            return int(f[0].split("-")[0], 16)
    return 0


def hs_pc(mnt, t, prog):
    return int(read("%s/time/%s/reg/rip" % (mnt, t)), 16) - hs_base(mnt, t, prog)


def hs_bt(mnt, t, exts):
    out = []
    for line in read("%s/time/%s/backtrace" % (mnt, t)).splitlines():
        m = re.match(r"#\d+ (.+?)\+0x[0-9a-f]+ (\S+):(\d+) ", line)
        if m and m.group(2) in exts:
            out.append([m.group(1), int(m.group(3))])
    return out


def compare(js, mnt, prog):
    oracle = json.load(open(js))
    exts = os.environ["ORACLE_SRC"].split()
    bad, n_hits, n_inline, n_exit, n_local, n_vars, n_moved = [], 0, 0, 0, 0, 0, 0
    for fn, hits in oracle.items():
        try:
            lines = read("%s/calls/%s" % (mnt, fn)).splitlines()
        except OSError as e:
            bad.append("%s: calls/%s: %s" % (fn, fn, e))
            continue
        # gdb's `break Box::each` also stops in a lambda defined in it when
        # the lambda has linkage (its name, "Box::each(int)::{lambda(int)#1}
        # ::operator()(int) const", begins with Box::each's scope): those
        # hits are the lambda's calls (calls/operator()), not Box::each's
        local = [h for h in hits if h["bt"] and h["bt"][0][0].startswith(fn + "(")
                 and ")::" in h["bt"][0][0]]
        n_local += len(local)
        hits = [h for h in hits if h not in local]
        if len(lines) != len(hits):
            bad.append("%s: %d calls, gdb's break hit %d times" % (fn, len(lines), len(hits)))
        for k, (line, h) in enumerate(zip(lines, hits)):
            f = line.split()
            view, t_ret = f[0], f[1]     # "<t>" or, a copy hidden there, "<t>.<k>"
            t_call = int(view.split(".")[0])
            inline = len(f) > 4 and "inline" in f[4].split(",")
            where = "%s #%d (t=%s)" % (fn, k, view)
            n_hits += 1
            if inline != h["inline"]:
                bad.append("%s: inline %s, gdb's frame #0 inlined %s" % (where, inline, h["inline"]))
                continue
            if inline:
                n_inline += 1
                pc = hs_pc(mnt, t_call, prog)
                if pc != h["pc"]:
                    bad.append("%s: pc +0x%x, gdb stopped at +0x%x" % (where, pc, h["pc"]))
                # the moment hides the copy (gdb's arrival there), its view
                # shows it as gdb's `break f` does; a copy that starts at
                # its function's entry is entered past the prologue, where
                # it does not start: nothing hidden, the moment is gdb's
                bt, gbt = hs_bt(mnt, t_call, exts), h["bt"]
                if "." not in view and bt != gbt:
                    bad.append("%s: backtrace %s, gdb's %s (no view)" % (where, bt, gbt))
                    continue
                if "." not in view:
                    n_moved += 1
                elif not bt or len(bt) >= len(gbt) or gbt[len(gbt) - len(bt):] != bt:
                    bad.append("%s: backtrace %s is not gdb's %s less the copies" % (where, bt, gbt))
                bt = hs_bt(mnt, view, exts)
                if bt != gbt:
                    bad.append("%s: backtrace %s, gdb's %s" % (where, bt, gbt))
                for name, value in h.get("locals", []):
                    n_vars += 1
                    try:
                        got = read("%s/time/%s/locals/%s" % (mnt, view, name)).rstrip("\n")
                    except OSError as e:
                        got = str(e)
                    if value is None and not got.startswith("[Errno"):
                        continue    # a local: named, not set yet
                    if got != value:
                        bad.append("%s: locals/%s %r, gdb's %r" % (where, name, got, value))
            # (past a prologue gdb's frame #0 is the innermost block there,
            # whose exit is not the copy's)
            if h["exit"] is not None and t_ret != "-" and (not inline or "." in view):
                n_exit += 1
                pc = hs_pc(mnt, int(t_ret), prog)
                if pc != h["exit"]:
                    bad.append("%s: left at pc +0x%x (t=%s), gdb's finish stopped at +0x%x"
                               % (where, pc, t_ret, h["exit"]))
    for b in bad:
        print(b)
    print("%d mismatches, %d hits (%d inlined), %d exits compared, %d in local functions, "
          "%d variables, %d past a prologue" % (len(bad), n_hits, n_inline, n_exit, n_local,
                                               n_vars, n_moved))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4]))
    gdb_oracle()
