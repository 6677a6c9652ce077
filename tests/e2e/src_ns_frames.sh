#!/bin/bash
# src_ns_frames.sh - a backtrace frame in no function names its module as
# gdb's bt does (issue 10): "?? () from /lib/x86_64-linux-gnu/libstdc++.so.6",
# the l_name the dynamic loader gave it (a link), not the file mapped
# (libstdc++.so.6.0.30).  ns_thread (C++ -O0): a std::thread's function,
# called by libstdc++'s thread entry, which has no symbol.  gdb's bt at the
# line natively; the tree's backtrace at the same line: each nameless frame
# "0x.. in NAME" must name gdb's "from NAME", in order, and every frame
# count must agree.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built ns_thread
SRC=$ROOT/tests/programs
line=$(grep -n 'line: thread-stop' "$SRC/ns_thread.cc" | cut -d: -f1)

timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex "break ns_thread.cc:$line" -ex run -ex bt \
	"$PROGS/ns_thread" </dev/null >"$T/gdb.out" 2>&1 || fail "gdb on ns_thread failed"
grep '^#' "$T/gdb.out" >"$T/gdb.bt"
sed -n 's/^#[0-9]* *0x[0-9a-f]* in ?? () from \(.*\)$/\1/p' "$T/gdb.bt" >"$T/gdb.from"
[ -s "$T/gdb.from" ] || fail "gdb's bt has no frame without a symbol: $(tr '\n' ' ' <"$T/gdb.bt")"

record_ok "$T/th.tr" "$PROGS/ns_thread"
build_ok "$T/th.tr"
t=$("$HS" cat "$T/th.tr" "lines/${SRC#/}/ns_thread.cc/$line" | awk '{print $1; exit}')
[ -n "$t" ] || fail "no moment at ns_thread.cc:$line in lines/"
"$HS" cat "$T/th.tr" "time/$t/backtrace" >"$T/tree.bt" || fail "time/$t/backtrace failed"
sed -n 's/^#[0-9]* 0x[0-9a-f]* in \([^ ]*\) .*$/\1/p' "$T/tree.bt" >"$T/tree.from"
cmp -s "$T/gdb.from" "$T/tree.from" ||
	fail "nameless frames: gdb from '$(tr '\n' ' ' <"$T/gdb.from")', tree '$(tr '\n' ' ' <"$T/tree.from")': $(tr '\n' ' ' <"$T/tree.bt")"
[ "$(wc -l <"$T/gdb.bt")" = "$(wc -l <"$T/tree.bt")" ] ||
	fail "gdb's bt has $(wc -l <"$T/gdb.bt") frames, the tree's $(wc -l <"$T/tree.bt")"

# an outer frame's offset is its pc's, the return address, as gdb's pc
# there (info symbol $pc: "f + N in section"); a frame in no symbol: "-"
timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex "break ns_thread.cc:$line" -ex run \
	-ex 'python
f, i = gdb.newest_frame().older(), 1
while f is not None:
    s = gdb.execute("info symbol %d" % f.pc(), to_string=True)
    m = re.search(r" \+ (\d+) in section", s)
    # glibc starts threads by clone3 natively, by clone under Valgrind
    # (which has no clone3): that frame is compared by its name only
    print("SYM %d %s" % (i, "clone" if s.startswith("clone3 ") else
                         m.group(1) if m else ("0" if " in section" in s else "-")))
    f, i = f.older(), i + 1
' -iex 'python import re' "$PROGS/ns_thread" </dev/null >"$T/sym.gdb" 2>&1 ||
	fail "gdb's frame pcs failed: $(tail -n 3 "$T/sym.gdb")"
sed -n 's/^SYM [0-9]* //p' "$T/sym.gdb" >"$T/sym.want"
sed -n '2,$p' "$T/tree.bt" | while read -r num rest; do
	case $rest in
	0x*' in '*) echo - ;;
	clone+*) echo clone ;;
	*) off=$(echo "$rest" | sed -n 's/^.*+0x\([0-9a-f]*\)\( .*\)\{0,1\}$/\1/p'); echo $((0x$off)) ;;
	esac
done >"$T/sym.got"
[ -s "$T/sym.want" ] || fail "gdb gave no frame pcs: $(tail -n 3 "$T/sym.gdb")"
cmp -s "$T/sym.want" "$T/sym.got" ||
	fail "outer frames' offsets: gdb $(tr '\n' ' ' <"$T/sym.want"), tree $(tr '\n' ' ' <"$T/sym.got")"
pass "a frame in no function names its module by the dynamic loader's l_name, as gdb's bt: $(tr '\n' ' ' <"$T/tree.from"); outer frames' offsets are gdb's pcs: $(tr '\n' ' ' <"$T/sym.got")"
