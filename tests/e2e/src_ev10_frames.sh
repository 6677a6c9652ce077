#!/bin/bash
# src_ev10_frames.sh - frame names and offsets at -O2 against gdb 13.
#
# Program: tests/programs/ev10_frames_o2.cc: members of a class template
# over a lambda, in a namespace, inlined into a lambda that std::function
# calls; a throw gcc moves into a function's .cold part (safe_div.cold,
# std::_Function_handler<...>::_M_invoke's).
#
# Oracles (gdb on a native run):
#  - calls/leaf, calls/safe_div, calls/__cxa_throw have gdb's hit counts and
#    the backtrace at each entry equals gdb's bt in the program's own
#    file (scripts/gdb-calls-oracle.py's gdb part and its frame parsing;
#    calls/'s caller column is left out): inlined copies are named as gdb
#    names them from DWARF ("ns::Holder<main(int, char**)::<lambda(int)>
#    >::srun", not "srun"); a .cold part's frame is its function's;
#  - the frame that called __cxa_throw from a .cold part is named as gdb's
#    bt names it (safe_div) and its offset counts from the part's symbol:
#    hindsight's "safe_div+0xOFF" there is gdb's `info symbol $pc - 1` in
#    that frame ("safe_div(int, int) [clone .cold] + N", N = OFF + 5 - 1:
#    the call instruction's address against its return address less one).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/src_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built ev10_frames_o2
SRC=$ROOT/tests/programs
BIN=$PROGS/ev10_frames_o2

# gdb's bt at every entry of leaf, safe_div and (after main) __cxa_throw
ORACLE_PROG=$BIN ORACLE_OUT=$T/bt.json ORACLE_FUNCS="leaf safe_div" ORACLE_LIBFUNCS="__cxa_throw" \
	timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$ROOT/scripts/gdb-calls-oracle.py" \
	</dev/null >"$T/bt.gdb" 2>&1
[ -s "$T/bt.json" ] || fail "gdb oracle: $(grep -i 'error\|Traceback' "$T/bt.gdb" | head -n 2 | tr '\n' ' ')"
record_ok "$T/ev10_frames.trace" "$BIN"
build_ok "$T/ev10_frames.trace"
# the backtraces' frames in the program's own file (the caller column of
# calls/ is not compared: for a call from an inlined copy it names the
# real function, gdb's frame 1 the copy)
"$PY" - "$ROOT/scripts" "$T/bt.json" "$HS" "$T/ev10_frames.trace" <<'PYEOF' || fail "backtraces differ from gdb's (see above)"
import json, sys
sys.path.insert(0, sys.argv[1])
oracle = __import__("gdb-calls-oracle")
from hs_tree import TreeServer
hits = json.load(open(sys.argv[2]))["hits"]
tree, own = TreeServer(sys.argv[3], sys.argv[4]), {"ev10_frames_o2.cc"}
main_t = int(oracle.hs(tree, "calls/main").split()[0])
bad, n = [], 0
for fn, bts in sorted(hits.items()):
    calls = [l.split()[0] for l in oracle.hs(tree, "calls/" + fn).splitlines()]
    calls = [t for t in calls if int(t) > main_t]
    if len(calls) != len(bts):
        bad.append("calls/%s: %d calls, gdb %d hits" % (fn, len(calls), len(bts)))
        continue
    for t, bt in zip(calls, bts):
        got = oracle.hs_frames(oracle.hs(tree, "time/%d/backtrace" % (int(t) + 1)), own)
        want = oracle.gdb_frames(bt, own)
        if got[:1] and want[:1] and got[0][0] == want[0][0]:
            got[0] = want[0]  # gdb stops after the prologue
        n += 1
        if got != want:
            bad.append("%s at t %s: %s, gdb %s" % (fn, t, got, want))
tree.close()
sys.stderr.write("%d backtraces compared, %d differ\n" % (n, len(bad)))
for b in bad:
    sys.stderr.write("  " + b + "\n")
sys.exit(1 if bad or n < 5 else 0)
PYEOF

# gdb: at each __cxa_throw, the symbol holding frame 1's call
timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex "set pagination off" \
	-ex "set style enabled off" -ex "break __cxa_throw" -ex run \
	-ex "frame 1" -ex 'info symbol $pc - 1' -ex continue \
	-ex "frame 1" -ex 'info symbol $pc - 1' -ex continue \
	-ex "frame 1" -ex 'info symbol $pc - 1' "$BIN" </dev/null >"$T/sym.gdb" 2>&1
# "safe_div(int, int) [clone .cold] + 52 in section .text": "safe_div.cold 52"
sed -n 's/^\(.*\) + \([0-9]*\) in section .*/\1 \2/p' "$T/sym.gdb" |
	sed 's/(.*) \[clone \(\.cold\)\]/\1/; s/\[cold\]/.cold/' >"$T/sym.want"
[ "$(wc -l <"$T/sym.want")" = 2 ] || fail "gdb: not 2 throws: $(head -c 300 "$T/sym.gdb")"
grep -q '\.cold ' "$T/sym.want" || fail "gdb: no throw from a .cold part: $(cat "$T/sym.want")"
: >"$T/sym.got"
# (frame 1's offset is its pc, the return address, as gdb's $pc there)
for t in $("$HS" cat "$T/ev10_frames.trace" calls/__cxa_throw | cut -d' ' -f1); do
	"$HS" cat "$T/ev10_frames.trace" "time/$((t + 1))/backtrace" | sed -n 2p |
		sed 's/^#1 \(.*\)+0x\([0-9a-f]*\) .*/\1 \2/' |
		while read -r name off; do echo "$name $((0x$off - 1))"; done >>"$T/sym.got"
done
note "gdb's symbols at the throws: $(tr '\n' ';' <"$T/sym.want"), hindsight: $(tr '\n' ';' <"$T/sym.got")"
# gdb names the std::function handler's symbol with its parameters: only
# the program's own .cold part is compared by name
grep safe_div "$T/sym.want" | sed 's/\.cold / /' >"$T/sym.want1"
grep safe_div "$T/sym.got" >"$T/sym.got1"
cmp -s "$T/sym.want1" "$T/sym.got1" ||
	fail "frame 1 at the throw: hindsight '$(cat "$T/sym.got1")', gdb '$(cat "$T/sym.want1")'"
pass "frame names at -O2 equal gdb's bt (inlined template members by their DWARF scopes, .cold parts); a .cold frame's offset names the pc"
