# gdb-step-oracle.py - gdb's step chains as the oracle of Hindsight's
# step-into, next-line and step-back links.
#
# Two modes, one file; both print one "STOP ..." line per stop, written by
# ORACLE_FORMAT (a Python format string, default "{file} {line} {fn}") from
# the fields fn (the function), file (the source file as gdb or Hindsight
# names it, "?" without one), base (file's base name) and line (0 without
# one), so that a test compares the two chains with diff or its own filter.
#
#   gdb -nx -batch -x scripts/gdb-step-oracle.py PROG   (inside gdb)
#       ORACLE_CMD=step|next|reverse-step (default step)
#       ORACLE_STEPS=N (stops at most, default 5000)
#       ORACLE_ENV="NAME=VALUE ..." (the program's environment: e.g.
#         GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512F,... so that native glibc
#         picks the string functions Valgrind's CPU gets, or LD_BIND_NOW=1
#         where `record full` must not meet the lazy resolver)
#       ORACLE_FROM=file:line (reverse-step only)
#       ORACLE_BREAK=LOCATION (step, next: the chain starts where `break
#         LOCATION`, set at main, first stops instead of at main; the
#         breakpoints are deleted there)
#       ORACLE_PAST_MAIN=1 (step, next: the chain goes on past main's
#         return, through exit and ld.so's destructor calls, until the
#         program ends)
#     runs PROG natively (stdout to /dev/null) from `break main` and prints
#     "MAIN-OFF 0x<off>", where `break main` stopped from main's entry.
#     step, next: repeats CMD until main returns (frame
#     __libc_start_call_main) or the program ends, a STOP line per stop but
#     the one where a signal arrived: that stop is no moment of a recording
#     (the handler's first instruction follows), so Hindsight's next stop is
#     gdb's next one, in the handler.
#     reverse-step: `record full` from `break main`, continue to a
#     breakpoint at ORACLE_FROM, then reverse-step back to where `break
#     main` stopped (or to the end of the recorded history), a STOP line
#     per stop, the first included.
#
#   python3 scripts/gdb-step-oracle.py chain MNT LINK [FROM [N]]
#     the same lines from Hindsight's tree mounted on MNT: from time/FROM
#     (default main) follow time/<t>/LINK (step-into, next-line,
#     step-back; views <t>.<k> included) while time/<t>/where is not in
#     __libc_start_call_main (with ORACLE_PAST_MAIN=1: while the link
#     exists), N stops at most (default 5000); step-back ends at
#     time/main.  ORACLE_FORMAT as above.
import os
import re
import sys

FORMAT = os.environ.get("ORACLE_FORMAT", "{file} {line} {fn}")
PAST_MAIN = os.environ.get("ORACLE_PAST_MAIN") == "1"
MAX_STEPS = 5000


def stop_line(fn, file, line):
    return "STOP " + FORMAT.format(fn=fn, file=file or "?",
                                   base=os.path.basename(file or "?"), line=line)


def gdb_oracle():
    import gdb

    cmd = os.environ.get("ORACLE_CMD", "step")
    steps = int(os.environ.get("ORACLE_STEPS", MAX_STEPS))
    for c in ("set pagination off", "set confirm off", "set width 0",
              "set debuginfod enabled off", "set style enabled off"):
        gdb.execute(c)
    for env in os.environ.get("ORACLE_ENV", "").split():
        gdb.execute("set environment " + env)
    gdb.execute("break main", to_string=True)
    gdb.execute("run >/dev/null", to_string=True)
    f = gdb.selected_frame()
    pc0 = f.pc()
    if f.function():
        print("MAIN-OFF 0x%x" % (pc0 - int(f.function().value().address)))

    def print_stop(f):
        sal = f.find_sal()
        print(stop_line(f.name(), sal.symtab.filename if sal.symtab else None, sal.line))

    if cmd == "reverse-step":
        gdb.execute("record full")
        gdb.execute("break " + os.environ["ORACLE_FROM"], to_string=True)
        gdb.execute("continue", to_string=True)
        for _ in range(steps):
            f = gdb.selected_frame()
            print_stop(f)
            if f.pc() == pc0:
                break
            if "No more reverse-execution history" in gdb.execute(cmd, to_string=True):
                break
    else:
        signal = [False]
        if os.environ.get("ORACLE_BREAK"):
            gdb.execute("break " + os.environ["ORACLE_BREAK"], to_string=True)
            gdb.execute("continue", to_string=True)
            gdb.execute("delete", to_string=True)

        def on_stop(ev):
            signal[0] = isinstance(ev, gdb.SignalEvent)
        gdb.events.stop.connect(on_stop)
        for _ in range(steps):
            if not gdb.selected_inferior().pid:
                break
            f = gdb.selected_frame()
            if f.name() == "__libc_start_call_main" and not PAST_MAIN:
                break
            if not signal[0]:
                print_stop(f)
            gdb.execute(cmd, to_string=True)
    if gdb.selected_inferior().pid:
        gdb.execute("kill", to_string=True)


def moment(mnt, path):
    """the moment a time/ link names (<t> or a view <t>.<k>)"""
    return os.readlink("%s/time/%s" % (mnt, path)).split("/")[-1]


def chain(mnt, link, t, n):
    t_main = moment(mnt, "main")
    if t == "main":
        t = t_main
    for _ in range(n):
        where = open("%s/time/%s/where" % (mnt, t)).read().strip()
        # a function's name may have spaces (C++ templates from DWARF)
        m = re.match(r"(.+?)\+0x[0-9a-f]+(?: (\S+):(\d+))?$", where)
        if not m or (m.group(1) == "__libc_start_call_main" and not PAST_MAIN):
            break
        print(stop_line(m.group(1), m.group(2), m.group(3) or 0))
        if link == "step-back" and t == t_main:
            break
        try:
            t = moment(mnt, "%s/%s" % (t, link))
        except OSError:
            break
    return 0


def main(args):
    if args[:1] != ["chain"] or not 3 <= len(args) <= 5:
        print("usage: gdb -nx -batch -x gdb-step-oracle.py PROG (ORACLE_* set)\n"
              "       python3 gdb-step-oracle.py chain MNT LINK [FROM [N]]", file=sys.stderr)
        return 2
    t = args[3] if len(args) > 3 else "main"
    return chain(args[1], args[2], t, int(args[4]) if len(args) > 4 else MAX_STEPS)


try:
    import gdb  # noqa: F401  (only inside gdb)
except ImportError:
    sys.exit(main(sys.argv[1:]))
gdb_oracle()
