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
pass "a frame in no function names its module by the dynamic loader's l_name, as gdb's bt: $(tr '\n' ' ' <"$T/tree.from")"
