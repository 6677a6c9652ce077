#!/bin/bash
# ui_flow.sh - the dataflow chain, heap history, crash banner and thread
# switching in a real browser (tests/browser/flow_ui.mjs, which says what
# it checks) on programs of tests/programs: flow_chain (and at -O2),
# flow_uaf, flow_segv and flow_threads.  gdb on a native run of flow_segv is the
# oracle of the crash banner: the fault address ($_siginfo), the function,
# offset and line of the faulting instruction.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built flow_chain flow_chain_o2 flow_uaf flow_segv flow_threads
command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || fail "$CHROMIUM is missing (apt-get install chromium)"
[ -d "$ROOT/server/ui/node_modules/playwright-core" ] ||
	npm ci --prefix "$ROOT/server/ui" --no-audit --no-fund >"$T/npm.log" 2>&1 ||
	fail "npm ci --prefix server/ui failed"

for p in flow_chain flow_chain_o2 flow_uaf flow_threads; do
	record_ok "$T/$p" "$PROGS/$p"
	build_ok "$T/$p"
done
WANT_RC=139 record_ok "$T/flow_segv" "$PROGS/flow_segv"
build_ok "$T/flow_segv"

timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex run -ex 'p $_siginfo._sifields._sigfault.si_addr' \
	-ex 'info symbol $pc' -ex 'info line *$pc' "$PROGS/flow_segv" </dev/null >"$T/gdb.out" 2>&1
GDB_SI_ADDR=$(sed -n 's/^\$1 = (void \*) \(0x[0-9a-f]*\)$/\1/p' "$T/gdb.out")
read -r GDB_FUNC GDB_OFF < <(sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\) + \([0-9]*\) in section .*/\1 \2/p' "$T/gdb.out")
GDB_LINE=$(sed -n 's/^Line \([0-9]*\) of .*/\1/p' "$T/gdb.out" | head -n 1)
[ -n "$GDB_SI_ADDR" ] && [ -n "$GDB_FUNC" ] && [ -n "$GDB_OFF" ] && [ -n "$GDB_LINE" ] ||
	fail "gdb did not say where flow_segv faulted: $(tail -n 4 "$T/gdb.out" | tr '\n' ' ')"
note "gdb: SIGSEGV at $GDB_SI_ADDR in $GDB_FUNC+$GDB_OFF, line $GDB_LINE"

mkdir -p "$T/storage"
HS=$HS STORAGE=$T/storage CHROMIUM=$CHROMIUM \
	TRACE_CHAIN=$T/flow_chain PROG_CHAIN=$PROGS/flow_chain SRC_CHAIN=$ROOT/tests/programs/flow_chain.c \
	TRACE_CHAIN_O2=$T/flow_chain_o2 PROG_CHAIN_O2=$PROGS/flow_chain_o2 \
	TRACE_UAF=$T/flow_uaf SRC_UAF=$ROOT/tests/programs/flow_uaf.c \
	TRACE_SEGV=$T/flow_segv TRACE_THR=$T/flow_threads \
	GDB_SI_ADDR=$GDB_SI_ADDR GDB_FUNC=$GDB_FUNC GDB_OFF=$GDB_OFF GDB_LINE=$GDB_LINE \
	timeout -k 10 300 node "$ROOT/tests/browser/flow_ui.mjs" >"$T/node.out" 2>&1
rc=$?
cat "$T/node.out" >&2
[ "$rc" = 0 ] || fail "$(grep -m1 '^FAIL' "$T/node.out" | sed 's/^FAIL //')"
pass "$(grep -m1 '^PASS' "$T/node.out" | sed 's/^PASS //')"
