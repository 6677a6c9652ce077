# src_ln_bt.py - gdb oracle for src_ln_hits.sh: the backtrace at the first
# time the pc reaches each address of PCS (a non-PIE program: the
# recording's addresses), as gdb's `break *ADDR` stops there (internal
# breakpoints: the inlined copies that start at the pc hidden, as a user's
# `step` arriving there would show it).  Prints "BT 0xADDR #k NAME|FILE:LINE" per frame up
# to main's, FILE:LINE "-" where gdb shows none ("virtual thunk to
# Both::vb() ()").
import re

import gdb

gdb.execute("set breakpoint pending off")
gdb.execute("set confirm off")
gdb.execute("set width 0")
gdb.execute("set print frame-arguments none")
FRAME = re.compile(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(.*?) \(.*?\)(?: at (\S+):(\d+))?(?: from \S+)?$")
want = {int(p, 16) for p in PCS}
bps = {}
for pc in sorted(want):
    bps[pc] = gdb.Breakpoint("*%#x" % pc, internal=True)
gdb.execute("run >/dev/null")
while want:
    try:
        pc = int(gdb.parse_and_eval("$pc"))
    except gdb.error:
        break  # the program ended
    if pc in want:
        want.discard(pc)
        bps[pc].delete()
        for ln in gdb.execute("bt", to_string=True).splitlines():
            m = FRAME.match(ln)
            if not m:
                continue
            loc = "%s:%s" % (m.group(3).split("/")[-1], m.group(4)) if m.group(3) else "-"
            print("BT %#x #%s %s|%s" % (pc, m.group(1), m.group(2), loc))
            if m.group(2) == "main":
                break
    if not want:
        break
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error:
        break
for pc in sorted(want):
    print("MISSED %#x" % pc)
