# src_ln_hits.py - gdb oracle for src_ln_hits.sh: `break FILE:N` on every
# line N of the given files (a breakpoint whose stop() counts and returns
# False), run the program to its end, print "FILE N HITS" for every line
# gdb put a breakpoint on (a line without code gets the next line's
# locations: gdb moves the breakpoint there, and lines/FILE/N shows those
# hits too; "MOVED FILE N M" says so).
import gdb

gdb.execute("set breakpoint pending off")
gdb.execute("set confirm off")
counts = {}


class Count(gdb.Breakpoint):
    def stop(self):
        counts[self.key] = counts.get(self.key, 0) + 1
        return False


for path in FILES:
    with open(path) as f:
        n = sum(1 for _ in f)
    for line in range(1, n + 1):
        try:
            sals = gdb.decode_line("%s:%d" % (path, line))[1] or []
        except gdb.error:
            continue
        if sals and not any(s.line == line for s in sals):
            print("MOVED %s %d %d" % (path, line, sals[0].line))
        try:
            bp = Count("%s:%d" % (path, line), internal=True)
        except gdb.error:
            continue
        locs = ["%#x:%s" % (l.address, l.source[1] if l.source else "?") for l in bp.locations]
        print("LOCS %s %d %s" % (path, line, " ".join(locs)))
        bp.key = (path, line)
        counts[bp.key] = 0
gdb.execute("run >/dev/null")
for (path, line), c in sorted(counts.items()):
    print("HITS %s %d %d" % (path, line, c))
