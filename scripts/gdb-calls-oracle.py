# gdb-calls-oracle.py - gdb as the oracle of Hindsight's call tree: calls/,
# backtraces at every function entry, and how frames end.
#
# Two modes, one file:
#
#   gdb -nx -batch -x scripts/gdb-calls-oracle.py    (inside gdb)
#       ORACLE_PROG=build/programs/longjmp ORACLE_OUT=calls.json
#       ORACLE_FUNCS="leaf descend after" [ORACLE_LIBFUNCS="malloc free"]
#       [ORACLE_FUNCS_SEP="|": the lists split there, not at spaces]
#     runs the program natively with a breakpoint on each function (gdb's
#     `break f`: after the prologue); signals pass to the program without
#     stopping.  At every hit it keeps the backtrace: frames innermost first,
#     each [function, file basename, line] or ["<signal handler called>"].
#     ORACLE_LIBFUNCS are broken on once main is reached (so that gdb puts
#     them in the loaded library, not on the program's PLT stubs), and
#     hits in inlined frames do not count (gdb also breaks where ld.so
#     inlines its own allocator into its functions).
#     JSON: {"hits": {f: [bt, ...]}, "after_main": [f, ...]}.
#
#   python3 scripts/gdb-calls-oracle.py compare ORACLE_JSON HINDSIGHT TRACE OWN_FILES
#     compares with the recording of the same run (OWN_FILES: the
#     program's own source files' base names, comma-separated; required):
#       - calls/<f> has as many lines as gdb's breakpoint hits on f (for
#         ORACLE_LIBFUNCS: the calls after main's);
#       - the k-th call's backtrace (time/<t_call+1>/backtrace: the first
#         instruction of f) equals gdb's bt at the k-th hit, over the frames
#         in the program's own source files and the signal-handler markers
#         (gdb shows inlined frames of libc that a call tree cannot);
#       - its caller column names gdb's frame 1 where that frame is in
#         the program's own files (for a tail call, the function that
#         jumped: gdb's "tailcall" frame);
#       - a call marked "unwound" ends (t_return) in a function that was on
#         its stack when it was called (the frame that caught it);
#       - a call marked "signal" ends where it began: rt_sigreturn resumes
#         the interrupted instruction (where at t_return is the frame under
#         "<signal handler called>" in the handler's backtrace).
#     gdb's bt shows a function that left by a tail call (jmp f) as a frame
#     of its own ("tailcall" frames, found from DWARF call-site info when
#     the chain is unique); the oracle marks them [function, file, line,
#     "tailcall"] and compares them like the others.
#     Prints one line per mismatch; exit 0 when none, 1 when some.
import json
import os
import re
import sys


def gdb_oracle():
    import gdb

    prog = os.environ["ORACLE_PROG"]
    out = os.environ["ORACLE_OUT"]
    # ORACLE_FUNCS_SEP (say "|"): names with spaces ("operator< <int>")
    sep = os.environ.get("ORACLE_FUNCS_SEP") or None
    funcs = [f for f in os.environ["ORACLE_FUNCS"].split(sep) if f]
    for cmd in ("set pagination off", "set confirm off", "set width 0",
                "set height 0", "set style enabled off",
                "set disable-randomization on"):
        gdb.execute(cmd, to_string=True)
    for sig in ("SIGUSR1", "SIGUSR2", "SIGALRM", "SIGSEGV", "SIGINT", "SIGTERM",
                "SIGCHLD", "SIGPIPE", "SIGFPE"):
        gdb.execute("handle %s nostop noprint pass" % sig, to_string=True)
    gdb.execute("file " + prog, to_string=True)
    hits = {f: [] for f in funcs}

    def frames():
        bt = []
        f = gdb.newest_frame()
        while f is not None:
            if f.type() == gdb.SIGTRAMP_FRAME:
                bt.append(["<signal handler called>"])
            else:
                sal = f.find_sal()
                fn = f.name() or "??"
                fname = sal.symtab.filename if sal and sal.symtab else ""
                bt.append([fn, os.path.basename(fname), sal.line if sal else 0])
                if f.type() == gdb.TAILCALL_FRAME:
                    bt[-1].append("tailcall")
            if f.name() == "main":
                break
            f = f.older()
        return bt

    class Hit(gdb.Breakpoint):
        def __init__(self, name):
            super().__init__(name, internal=True)
            self.fname = name

        def stop(self):
            hits[self.fname].append(frames())
            return False

    class LibHit(Hit):
        def stop(self):
            # gdb also breaks where ld.so inlines its own allocator into
            # its functions: an inlined frame is no call
            if gdb.newest_frame().type() != gdb.INLINE_FRAME:
                hits[self.fname].append(frames())
            return False

    libfuncs = [f for f in os.environ.get("ORACLE_LIBFUNCS", "").split(sep) if f]
    for f in libfuncs:
        hits[f] = []
    for f in funcs:
        Hit(f)
    if libfuncs:
        gdb.execute("tbreak main", to_string=True)
        gdb.execute("run", to_string=True)
        for f in libfuncs:
            try:
                LibHit(f)
            except RuntimeError:
                del hits[f]  # gdb cannot break there: nothing to compare
                libfuncs.remove(f)
        gdb.execute("continue", to_string=True)
    else:
        gdb.execute("run", to_string=True)
    with open(out, "w") as fp:
        json.dump({"hits": hits, "after_main": libfuncs}, fp)


def hs(tree, path):
    try:
        return tree.cat(path)
    except Exception as e:  # hs_tree.TreeError: the file cannot be read
        raise RuntimeError(str(e)) from None


def hs_frames(text, own):
    """Backtrace lines -> [function, file, line] of own files and markers."""
    out = []
    for ln in text.splitlines():
        m = re.match(r"#\d+ (.*)$", ln)
        if not m:
            continue
        rest = m.group(1)
        if rest.startswith("<signal handler called>"):
            out.append(["<signal handler called>"])
            continue
        # "function+0xoff file:line t": a C++ name may hold spaces
        # ("std::tuple<int, int>"), so the file and t are taken from the end
        m = re.match(r"(.*)\+0x[0-9a-f]+ (\S+):(\d+) \S+$", rest)
        if m and m.group(2) in own:
            # a function's .cold part: "f.cold+0x12" names the pc, gdb "f"
            out.append([re.sub(r"\.cold$", "", m.group(1)), m.group(2), int(m.group(3))])
    return out


def gdb_frames(bt, own):
    return [f if len(f) == 1 else [f[0], f[1], f[2]]
            for f in bt if len(f) == 1 or f[1] in own]


def compare(oracle_path, hindsight, trace, own):
    # one server reads every file (a cat each would load the DWARF again)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from hs_tree import TreeServer
    with TreeServer(hindsight, trace) as tree:
        return compare_tree(oracle_path, tree, own)


def compare_tree(oracle_path, tree, own):
    with open(oracle_path) as fp:
        oracle = json.load(fp)
    hits = oracle["hits"]
    main_t = int(hs(tree, "calls/main").split()[0])
    bad = []
    for fn, bts in sorted(hits.items()):
        try:
            calls = [ln.split("\t")[0].split()
                     for ln in hs(tree, "calls/" + fn).splitlines()]
        except RuntimeError as e:
            if bts:  # a function never called has no calls/<f>
                bad.append("calls/%s: %s (gdb: %d hits)" % (fn, e, len(bts)))
            continue
        if fn in oracle.get("after_main", []):
            # "<t>.<k>": an inlined copy's row, its frame #0 the view k
            calls = [c for c in calls if int(c[0].split(".")[0]) > main_t]
        if len(calls) != len(bts):
            bad.append("calls/%s: %d calls, gdb %d hits" % (fn, len(calls), len(bts)))
            continue
        for k, (c, bt) in enumerate(zip(calls, bts)):
            if "." in c[0]:
                t_call, tpath = int(c[0].split(".")[0]), c[0]
            else:
                t_call, tpath = int(c[0]), str(int(c[0]) + 1)
            got = hs_frames(hs(tree, "time/%s/backtrace" % tpath), own)
            want = gdb_frames(bt, own)
            # frame 0: gdb stops after the prologue, Hindsight at the entry
            if got[:1] and want[:1] and got[0][0] == want[0][0]:
                got[0] = want[0]
            if got != want:
                bad.append("%s call %d (t %d): backtrace %s, gdb %s" % (fn, k, t_call, got, want))
            how = c[4] if len(c) > 4 else ""
            # the caller column: gdb's frame 1 (a tail call's is the
            # function that jumped, gdb's "tailcall" frame)
            if ("signal" not in how and len(bt) > 1 and len(bt[1]) > 1 and bt[1][1] in own
                    and c[3] != bt[1][0]):
                bad.append("%s call %d (t %d): caller %s, gdb's frame 1 %s"
                           % (fn, k, t_call, c[3], bt[1][0]))
            if c[1] == "-":
                continue
            t_ret = int(c[1])
            if how == "signal":
                raw = hs(tree, "time/%s/backtrace" % tpath).splitlines()
                after = [raw[i + 1].split()[1] for i in range(len(raw) - 1)
                         if "<signal handler called>" in raw[i]]
                back = hs(tree, "time/%d/where" % t_ret).split()[0]
                if after[:1] != [back]:
                    bad.append("%s call %d: the handler's frame ends at %s, it interrupted %s"
                               % (fn, k, back, after[:1]))
            if "unwound" in how:
                where = hs(tree, "time/%d/where" % t_ret).split("+0x")[0]
                if where not in [f[0] for f in want[1:]]:
                    bad.append("%s call %d unwound at t %d into %s, not a caller (%s)"
                               % (fn, k, t_ret, where, want))
    for b in bad[:20]:
        print(b)
    print("%d functions, %d calls compared with gdb, %d mismatches" %
          (len(hits), sum(len(v) for v in hits.values()), len(bad)))
    return 1 if bad else 0


def main():
    # OWN_FILES is required: without it no frame would be compared and
    # the comparison could not fail on a backtrace
    if len(sys.argv) == 6 and sys.argv[1] == "compare" and sys.argv[5].strip(","):
        own = set(f for f in sys.argv[5].split(",") if f)
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4], own))
    print("usage: gdb -nx -batch -x gdb-calls-oracle.py (ORACLE_* set) | "
          "gdb-calls-oracle.py compare ORACLE_JSON HINDSIGHT TRACE OWN_FILES", file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    try:
        import gdb  # noqa: F401
        gdb_oracle()
    except ImportError:
        main()
