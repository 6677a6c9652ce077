# src_cpp_oracle.py - gdb as the oracle of src_oracle_cpp.sh: C++ values and
# names, PLT stubs, .bss symbols.
#
#   gdb -nx -batch -iex 'set auto-load python-scripts off' -x src_cpp_oracle.py
#       ORACLE_PROG=prog ORACLE_LINES="28 82" ORACLE_OUT=out.json
#       [ORACLE_FUNCS="Fruit::price;quote"]
#     runs prog natively; at the first stop at each line (a breakpoint on
#     FILE:LINE of main's file) records gdb's frame name, the backtrace's
#     function names down to main, and `info args` + `info locals` as gdb
#     prints them (raw: no pretty printers, `print pretty off`); then, on
#     the file alone, `info symbol` of every 16-byte (8 for .plt.got)
#     entry of .plt, .plt.sec and .plt.got; then, in a second run, how
#     often `break NAME` is hit for each of ORACLE_FUNCS.
#
#   python3 src_cpp_oracle.py compare out.json MNT MODULE_PATH
#     compares with a mounted recording of the same run: where/backtrace
#     at lines/<file>/<line>'s first t, locals/ values (addresses replaced,
#     symbols <...> kept), and the where of every call through a "@plt"
#     stub (filed under calls/X, the function it reaches; the call's first
#     instruction is the stub's) with gdb's info symbol of
#     that file offset, and calls/NAME's count with each NAME's hits.
#     Exit 0 when equal, 1 with one line per mismatch.
import json
import os
import re
import subprocess
import sys


def gdb_side():
    import gdb

    prog = os.environ["ORACLE_PROG"]
    lines = [int(x) for x in os.environ["ORACLE_LINES"].split()]
    for cmd in ("set auto-load python-scripts off", "set pagination off",
                "set confirm off", "set width 0", "set print pretty off",
                "set print null-stop on", "set print repeats unlimited",
                "set print elements 200", "set disable-randomization on",
                "set debug-file-directory /nonexistent"):
        gdb.execute(cmd, to_string=True)
    gdb.execute("file " + prog, to_string=True)
    # PLT stubs, on the file before the run (no process: file addresses): gdb's synthetic symbols
    plt = {}
    secs = subprocess.run(["readelf", "-SW", prog], capture_output=True,
                          text=True).stdout
    for m in re.finditer(r"\]\s+(\.plt(?:\.sec|\.got)?)\s+PROGBITS\s+([0-9a-f]+)\s+"
                         r"[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)", secs):
        addr, size, es = int(m.group(2), 16), int(m.group(3), 16), int(m.group(4), 16)
        es = es if es >= 8 else 16
        for a in range(addr, addr + size, es):
            for off in (0, 4):
                out = gdb.execute("info symbol 0x%x" % (a + off), to_string=True)
                plt["%d" % (a + off)] = out.split(" in section")[0].strip()
    stops = {}

    def var_lines(text):
        """`info locals` text as {name: value}; a value is one line."""
        res = {}
        for ln in text.splitlines():
            m = re.match(r"^(\S+) = (.*)$", ln)
            if m and m.group(1) not in res:
                res[m.group(1)] = m.group(2)
        return res

    gdb.execute("break main", to_string=True)
    gdb.execute("run >/dev/null", to_string=True)
    src = gdb.selected_frame().find_sal().symtab.filename
    gdb.execute("delete", to_string=True)
    for ln in lines:
        gdb.execute("break %s:%d" % (src, ln), to_string=True)
    while True:
        try:
            frame = gdb.selected_frame()
        except gdb.error:
            break
        line = frame.find_sal().line
        if line in lines and line not in stops:
            bt = []
            f = frame
            while f is not None:
                bt.append(f.name())
                if f.name() == "main":
                    break
                f = f.older()
            v = var_lines(gdb.execute("info args", to_string=True))
            v.update(var_lines(gdb.execute("info locals", to_string=True)))
            stops[line] = {"function": frame.name(), "bt": bt, "vars": v}
        try:
            gdb.execute("continue", to_string=True)
        except gdb.error:
            break
        if not gdb.selected_inferior().pid:
            break
    if gdb.selected_inferior().pid:
        gdb.execute("kill", to_string=True)

    # run 2: how often each ORACLE_FUNCS name's `break` is hit
    hits = {}

    class Counter(gdb.Breakpoint):
        def __init__(self, spec):
            super().__init__(spec, internal=True)
            self.spec = spec
            hits[spec] = 0

        def stop(self):
            hits[self.spec] += 1
            return False

    funcs = [f for f in os.environ.get("ORACLE_FUNCS", "").split(";") if f]
    if funcs:
        gdb.execute("delete", to_string=True)
        for name in funcs:
            Counter(name)
        gdb.execute("run >/dev/null", to_string=True)

    with open(os.environ["ORACLE_OUT"], "w") as f:
        json.dump({"file": os.path.basename(src), "stops": stops, "plt": plt,
                   "hits": hits}, f, indent=1)


def norm(s):
    return re.sub(r"0x[0-9a-f]+", "ADDR", s.strip())


def read(path):
    with open(path) as f:
        return f.read()


def compare(oracle, mnt, module):
    orc = json.load(open(oracle))
    bad = []
    n_vars = n_plt = 0
    lines_dir = None
    for dp, dn, fn in os.walk(os.path.join(mnt, "lines")):
        if os.path.basename(dp) == orc["file"]:
            lines_dir = dp
    if lines_dir is None:
        print("no lines/ folder for %s" % orc["file"])
        return 1
    for line, st in sorted(orc["stops"].items(), key=lambda x: int(x[0])):
        ts = read(os.path.join(lines_dir, line)).split()
        if not ts:
            bad.append("line %s: never started" % line)
            continue
        d = os.path.join(mnt, "time", ts[0])
        where = read(os.path.join(d, "where")).strip()
        fn = re.sub(r"\+0x[0-9a-f]+( .*)?$", "", where)
        if fn != st["function"]:
            bad.append("line %s: where %r, gdb %r" % (line, where, st["function"]))
        bt = []
        for ln in read(os.path.join(d, "backtrace")).splitlines():
            # "#N name+0xoff file:line t": names hold spaces ("operator<<")
            m = re.match(r"^#\d+ (.*?)\+0x[0-9a-f]+(?: \S+:\d+)? \S+$", ln)
            bt.append(m.group(1) if m else ln)
            if bt[-1] == "main":
                break
        if bt != st["bt"]:
            bad.append("line %s: backtrace %s, gdb %s" % (line, bt, st["bt"]))
        have = os.listdir(os.path.join(d, "locals"))
        for name, val in st["vars"].items():
            if name not in have:
                bad.append("line %s: %s missing" % (line, name))
                continue
            got = read(os.path.join(d, "locals", name))
            n_vars += 1
            if norm(got) != norm(val):
                bad.append("line %s: %s = %r, gdb %r" % (line, name, got.strip(), val))
    # where at each PLT stub that was called
    base = None
    for ln in read(os.path.join(mnt, "modules")).splitlines():
        parts = ln.split()
        if len(parts) > 1 and parts[1] == module:
            base = int(parts[0].split("-")[0], 16)
    # a call through a stub is filed under the function it reaches
    # (calls/malloc): the calls of the functions the stubs name, whose
    # first instruction is a stub's
    stub_names = sorted({v.split("@")[0] for v in orc["plt"].values()
                         if "@plt" in v and not v.startswith("*ABS*")})
    for name in stub_names:
        if not os.path.exists(os.path.join(mnt, "calls", name)):
            continue
        for ln in read(os.path.join(mnt, "calls", name)).splitlines():
            t = int(ln.split()[0]) + 1
            rip = int(read(os.path.join(mnt, "time", str(t), "reg", "rip")), 16)
            where = read(os.path.join(mnt, "time", str(t), "where")).strip()
            if base is None or str(rip - base) not in orc["plt"]:
                continue   # a direct call, or another module's stub
            n_plt += 1
            want = orc["plt"][str(rip - base)]
            if where != want + "+0x0":
                bad.append("t %d: where %r, gdb info symbol %r" % (t, where, want))
            break
    # calls/<break name>: as many calls as gdb's `break <name>` hits
    for name, want in sorted(orc.get("hits", {}).items()):
        p = os.path.join(mnt, "calls", name)
        got = len(read(p).splitlines()) if os.path.exists(p) else 0
        if got != want or not want:
            bad.append("calls/%s: %d calls, gdb's break %s: %d hits" % (name, got, name, want))
    if not orc["stops"]:
        bad.append("gdb never stopped at the lines asked for")
    if not n_plt:
        bad.append("no call of a PLT stub of %s was found" % module)
    for ln in bad[:20]:
        print(ln)
    print("%d stops, %d values, %d plt stubs, %d calls/ names compared, %d mismatches" % (
        len(orc["stops"]), n_vars, n_plt, len(orc.get("hits", {})), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[4]))
    gdb_side()
