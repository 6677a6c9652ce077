# src_alias_compare.py - src_alias_gdb.sh's comparison: every frame of
# Hindsight's backtraces (libc's included, by gdb's names) against gdb's bt
# at each breakpoint hit, and calls/<f> counts against the hits.
#
#   python3 src_alias_compare.py ORACLE_JSON MOUNT
#
# ORACLE_JSON is what scripts/gdb-calls-oracle.py writes inside gdb (its
# "hits": for each function, the bt at every hit, innermost first, down to
# main: [function, file basename, line] with "tailcall" for gdb's tail-call
# frames, or ["<signal handler called>"]; "after_main": the functions
# broken on from main on).  MOUNT is the recording's tree.  For each f:
#   - calls/f (its calls after main's for the after_main ones) has as many
#     lines as gdb's hits;
#   - at the k-th call's first instruction, time/<t_call+1>/backtrace has
#     gdb's frames 1.. exactly: function, file and line each, the signal
#     marker and tail-call frames in their places, down to main;
#   - at an inlined copy's entry, all of gdb's frames (the copy hidden) at
#     t_call, the moment before the entry;
#   - frame 0 (gdb stops after the prologue) is the function gdb names, where
#     the call's first instructions are no PLT stub that the dynamic linker
#     resolves (a lazy binding's first call: there Hindsight's frame 0 is
#     the stub, then ld.so's resolver).
# Prints one line per mismatch (20 at most) and a summary; exit 1 on any.
import json
import os
import re
import sys


def read(mnt, path):
    with open(os.path.join(mnt, path)) as fp:
        return fp.read()


def frames(text):
    """time/<t>/backtrace -> [function, file, line] or [marker], to main."""
    out = []
    for ln in text.splitlines():
        m = re.match(r"#\d+ (.*)$", ln)
        if not m:
            continue
        rest = m.group(1)
        if rest == "<signal handler called>":
            out.append([rest])
            continue
        # "function+0xoff [file:line] (t|inlined|-)"
        body = rest.rsplit(" ", 1)[0]
        m = re.match(r"(.*)\+0x[0-9a-f]+(?: (\S+):(\d+))?$", body)
        if not m:
            out.append([body, "", 0])
            continue
        # a function's .cold part: "f.cold+0x12" names the pc, gdb says "f"
        name = re.sub(r"\.cold$", "", m.group(1)) if m.group(2) else m.group(1)
        out.append([name, m.group(2) or "", int(m.group(3) or 0)])
        if m.group(1) == "main":
            break
    return out


def frame0(mnt, t):
    """The function whose entry Hindsight's frame 0 reaches once the call's
    PLT stub (if any) has jumped on; None when the stub went to ld.so's
    resolver (lazy binding: PLT0, then _dl_runtime_resolve)."""
    for i in range(6):
        # "name+0xoff [file:line]": a C++ name may hold spaces
        # ("operator< <int>", "f(int)::{lambda(int)#1}::operator()(int) const")
        where = read(mnt, "time/%d/where" % t).strip()
        where = re.sub(r" \S+:\d+$", "", where).split(" in ")[0]
        name, _, off = where.rpartition("+0x")
        if (i == 0 or off == "0") and not name.endswith("@plt"):
            return None if name.startswith("_dl_runtime_resolve") else name
        t = int(os.readlink(os.path.join(mnt, "time/%d/next" % t)).split("/")[-1])
    return None


def cpu_neutral(fr):
    """ld.so picks its lazy-binding trampoline by CPU: natively
    _dl_runtime_resolve_xsavec, under Valgrind (no XSAVEC) _xsave."""
    return [[re.sub(r"^_dl_runtime_resolve_\w+$", "_dl_runtime_resolve", f[0])] + f[1:]
            for f in fr]


def main():
    oracle = json.load(open(sys.argv[1]))
    mnt = sys.argv[2]
    main_t = int(read(mnt, "calls/main").split()[0])
    bad, n_hits, n_f0 = [], 0, 0
    for fn, bts in sorted(oracle["hits"].items()):
        try:
            # an inlined copy's t_call names its view, "<t>.<k>": the t
            calls = [ln.split() for ln in read(mnt, "calls/" + fn).splitlines()]
            calls = [[c[0].split(".")[0]] + c[1:] for c in calls]
        except OSError as e:
            bad.append("calls/%s: %s (gdb: %d hits)" % (fn, e.strerror, len(bts)))
            continue
        if fn in oracle.get("after_main", []):
            calls = [c for c in calls if int(c[0]) > main_t]
        if len(calls) != len(bts):
            bad.append("calls/%s: %d calls, gdb %d hits" % (fn, len(calls), len(bts)))
            continue
        for k, (c, bt) in enumerate(zip(calls, bts)):
            n_hits += 1
            t = int(c[0]) + 1
            want = [f[:3] for f in bt]
            if len(c) > 4 and "inline" in c[4].split(","):
                # an inlined copy's entry: gdb stops there with the copy
                # hidden (the caller at the call site), as Hindsight's
                # moment before the entry shows it
                got = frames(read(mnt, "time/%d/backtrace" % (t - 1)))
                if got != want:
                    bad.append("%s call %d (t %d): frames %s, gdb %s" % (fn, k, t - 1, got, want))
                continue
            got = frames(read(mnt, "time/%d/backtrace" % t))
            if cpu_neutral(got[1:]) != cpu_neutral(want[1:]):
                bad.append("%s call %d (t %d): frames %s, gdb %s" % (fn, k, t, got[1:], want[1:]))
            f0 = frame0(mnt, t)
            if f0 is not None:
                n_f0 += 1
                if f0 != want[0][0]:
                    bad.append("%s call %d (t %d): frame 0 %s, gdb %s" % (fn, k, t, f0, want[0][0]))
    for b in bad[:20]:
        print(b)
    print("%d functions, %d calls (%d frame-0 names) compared with gdb, %d mismatches"
          % (len(oracle["hits"]), n_hits, n_f0, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
