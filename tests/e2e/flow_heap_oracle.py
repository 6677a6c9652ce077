# flow_heap_oracle.py - gdb's view of a program's heap calls (run by
# flow_heap_gdb.sh as `gdb -batch -x`): from main on, every call of malloc,
# calloc, realloc and free, with its arguments (read at the breakpoint on
# the function's entry), its result (rax when the call returns:
# FinishBreakpoint, what `finish` prints) and its caller (frame 1).  A call
# made inside another of them (realloc(NULL, n) -> malloc) is part of the
# outer one.  Writes one JSON list to $ORACLE_OUT:
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


class Ret(gdb.FinishBreakpoint):
    def __init__(self, rec):
        super().__init__(gdb.newest_frame(), internal=True)
        self.rec = rec

    def stop(self):
        self.rec["ret"] = u64("$rax")
        depth[0] = 0
        return False

    def out_of_scope(self):
        depth[0] = 0


class Entry(gdb.Breakpoint):
    def __init__(self, fn):
        super().__init__(fn, internal=True)
        self.fn = fn

    def stop(self):
        if depth[0]:
            return False  # inside another heap call
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
