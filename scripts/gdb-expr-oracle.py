# gdb-expr-oracle.py - gdb's `print EXPR` at source lines: the oracle of time/<t>/eval/.
#
#   EXPR_CASES=cases.tsv EXPR_OUT=gdb.tsv gdb -nx -batch -x gdb-expr-oracle.py PROG
#
# cases.tsv: "file:line<TAB>hit<TAB>expr" lines (# comments): print expr
# when the breakpoint at file:line is hit the hit-th time (1 = first).
# gdb.tsv: "file:line<TAB>hit<TAB>expr<TAB>value" where value is what
# follows "$N = ", or gdb's error message.  Print settings are gdb's defaults
# (null-stop off, repeats 10, elements 200), as eval/ follows them.
# Separate debug files (libc's) are off unless EXPR_DEBUG_FILES=1.
import gdb, os
cases = [l.rstrip("\n").split("\t") for l in open(os.environ["EXPR_CASES"]) if l.strip() and not l.startswith("#")]
for c in ("set pagination off", "set width 0", "set height 0", "set confirm off",
          "set print pretty off", "set print null-stop off", "set print repeats 10",
          "set print elements 200", "set style enabled off"):
    gdb.execute(c)
if os.environ.get("EXPR_DEBUG_FILES") != "1":
    gdb.execute("set debug-file-directory /nonexistent")
out = open(os.environ["EXPR_OUT"], "w")
stops = []
for loc, hit, _ in cases:
    if (loc, hit) not in stops:
        stops.append((loc, hit))
bps = {}
for loc, hit in stops:
    if loc not in bps:
        bps[loc] = gdb.Breakpoint(loc)
gdb.execute("run", to_string=True)
hits = {}
while True:
    try:
        frame = gdb.selected_frame()
    except gdb.error:
        break
    sal = frame.find_sal()
    here = None
    for loc, bp in bps.items():
        if bp.hit_count and hits.get(loc, 0) < bp.hit_count:
            here = loc
    if here is None:
        break
    hits[here] = bps[here].hit_count
    for loc, hit, e in cases:
        if loc == here and int(hit) == hits[here]:
            try:
                v = gdb.execute("print " + e, to_string=True)
                v = v.split(" = ", 1)[1].rstrip("\n")
            except gdb.error as err:
                v = str(err)
            out.write("%s\t%s\t%s\t%s\n" % (loc, hit, e, v))
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error:
        break
out.close()
