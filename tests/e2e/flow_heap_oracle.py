# flow_heap_oracle.py - gdb's view of a program's heap calls (run by
# flow_heap_gdb.sh as `gdb -batch -x`): from main on, every call of malloc,
# calloc, realloc and free, with its arguments (read at the breakpoint on
# the function's entry), its result (rax when the call returns:
# a breakpoint on the return address, what `finish` prints) and its caller (frame 1).  A call
# made inside another of them (realloc(NULL, n) -> malloc) is part of the
# outer one.  The caller is gdb's frame 1 (the inlined copy that made the
# call, when one did), as calls/'s caller column.  Writes one JSON list to $ORACLE_OUT:
#   [{"fn": "malloc", "args": [24], "ret": 93824992252576, "caller": "new_order"}, ...]
# and the program's stdout to $ORACLE_STDOUT.
import json
import os

import gdb

calls = []
depth = [0]

ARGS = {"malloc": ["$rdi"], "calloc": ["$rdi", "$rsi"], "realloc": ["$rdi", "$rsi"],
        "free": ["$rdi"]}


def u64(expr):
    return int(gdb.parse_and_eval(expr)) & 0xFFFFFFFFFFFFFFFF


class Ret(gdb.Breakpoint):
    """The call's return: a breakpoint on the return address, taken when
    the stack is back to the caller's (what `finish` does; gdb's
    FinishBreakpoint misses returns into inlined frames at -O2)."""

    def __init__(self, rec):
        self.rec = rec
        self.sp = u64("$rsp") + 8
        super().__init__("*0x%x" % u64("*(unsigned long *)$rsp"), internal=True)

    def stop(self):
        if u64("$rsp") != self.sp:
            return False
        self.rec["ret"] = u64("$rax")
        depth[0] = 0
        self.enabled = False
        return False


class Entry(gdb.Breakpoint):
    def __init__(self, fn):
        super().__init__(fn, internal=True)
        self.fn = fn

    def stop(self):
        if depth[0]:
            return False  # inside another heap call
        # gdb's frame 1, an inlined copy's function when the call is made
        # from one: calls/'s caller column (README)
        older = gdb.newest_frame().older()
        rec = {"fn": self.fn, "args": [u64(a) for a in ARGS[self.fn]],
               "ret": None, "caller": older.name() if older else None}
        calls.append(rec)
        if self.fn != "free":
            depth[0] = 1
            Ret(rec)
        return False


gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("file " + os.environ["ORACLE_PROG"])
gdb.execute("break main")
gdb.execute("run > " + os.environ["ORACLE_STDOUT"] + " 2>/dev/null")
for fn in ARGS:
    Entry(fn)
gdb.execute("continue")
with open(os.environ["ORACLE_OUT"], "w") as f:
    json.dump(calls, f)
