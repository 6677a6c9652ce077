#!/usr/bin/env python3
"""api_calls_compare.py - gdb's `bt 1`, `info args` and `finish` at each
call of a function (native run) against /api/calls of its recording.

    api_calls_compare.py GDB_OUTPUT BASE_URL FUNC[=FRAME]...

GDB_OUTPUT is what a gdb batch run printed with, on each FUNC, a
breakpoint whose commands are `bt 1`, `info args`, `finish` (then the
script's `continue`s).  For each FUNC (in call order, all of them from
gdb's breakpoints), the k-th call's frame arguments, each argument's value
and the value returned must equal the k-th row of /api/calls?name=FUNC
(read in pages of 3, so paging is exercised).  FUNC=FRAME: gdb's frame
line names FUNC FRAME (libc's printf is "__printf"; FRAME,FRAME...: any
of them, as where a copy entered past a prologue shows the innermost block).  Addresses differ between a
native run and a recorded one (Valgrind's layout), so every 0x... number
is compared as "0xX"; gdb's "x=x@entry=5" (an -O2 parameter whose entry
value is known too) is compared as "x=5".  Prints a summary; exits 1 on
the first mismatches.
"""
import json
import re
import sys
import urllib.request

HEX = re.compile(r"0x[0-9a-f]+")
ENTRY = re.compile(r"\b([A-Za-z_]\w*)=\1@entry=")


def norm(s):
    return ENTRY.sub(r"\1=", HEX.sub("0xX", s.strip()))


def frame_of(line):
    """'#0  f (a=1, b=...) at x.c:3' -> ('f', 'a=1, b=...')"""
    body = re.sub(r"^#0\s+(0x[0-9a-f]+ in )?", "", line)
    end = body.rfind(") at ")
    if end < 0:
        end = body.rfind(")")
    start = body.find(" (")
    return body[:start], body[start + 2:end]


def parse_gdb(path, funcs, frames):
    calls = {f: [] for f in funcs}
    cur = None
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("#0  "):
            name, args = frame_of(line)
            # gdb names some frames by signature: "C::f[abi:cxx11](int) const"
            name = re.sub(r"\(.*\)(?: const)?$", "", name)
            want = [f for f in funcs if name in frames[f].split(",") or name.endswith("::" + f)]
            cur = {"args": args, "info": [], "ret": None} if want else None
            if cur is not None:
                calls[want[0]].append(cur)
            continue
        if cur is None:
            continue
        m = re.match(r"^Value returned is \$\d+ = (.*)$", line)
        if m:
            cur["ret"] = m.group(1)
            cur = None
        elif re.match(r"^[A-Za-z_]\w* = ", line):
            cur["info"].append(line)
        elif line.startswith("Run till exit") or re.match(r"^(0x[0-9a-f]+ in )?\S+ \(", line):
            cur["done_info"] = True
    return calls


def fetch(base, func):
    rows, off = [], 0
    while True:
        url = "%s/api/calls?name=%s&offset=%d&count=3" % (base, urllib.request.quote(func), off)
        with urllib.request.urlopen(url) as r:
            page = json.load(r)
        rows += page["rows"]
        off += len(page["rows"])
        if not page["rows"] or off >= page["total"]:
            return rows, page


def main():
    gdb_out, base = sys.argv[1], sys.argv[2]
    funcs = [a.split("=")[0] for a in sys.argv[3:]]
    frames = {a.split("=")[0]: a.split("=")[-1] for a in sys.argv[3:]}
    want = parse_gdb(gdb_out, funcs, frames)
    bad, n_args, n_ret = [], 0, 0
    for f in funcs:
        got, page = fetch(base, f)
        if not want[f]:
            bad.append("%s: gdb saw no call" % f)
            continue
        if len(got) != len(want[f]) or page["total"] != len(got):
            bad.append("%s: %d calls (total %d), gdb %d" % (f, len(got), page["total"], len(want[f])))
            continue
        for k, (g, w) in enumerate(zip(got, want[f])):
            if not g["debug_info"]:
                bad.append("%s call %d: no debug info" % (f, k))
                continue
            if norm(g["frame_args"]) != norm(w["args"]):
                bad.append("%s call %d: args (%s), gdb (%s)" % (f, k, g["frame_args"], w["args"]))
            info = ["%s = %s" % (a["name"], a["value"]) for a in g["args"]]
            if [norm(x) for x in info] != [norm(x) for x in w["info"]]:
                bad.append("%s call %d: info args %s, gdb %s" % (f, k, info, w["info"]))
            n_args += len(info)
            gr = g["return"]["value"] if g["return"] else None
            if (gr is None) != (w["ret"] is None) or (gr is not None and norm(gr) != norm(w["ret"])):
                bad.append("%s call %d: returned %s, gdb %s" % (f, k, gr, w["ret"]))
            n_ret += gr is not None
    for b in bad[:8]:
        print(b)
    print("compared: %s; %d argument values, %d return values" %
          (", ".join("%s %d calls" % (f, len(want[f])) for f in funcs), n_args, n_ret))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
