#!/bin/bash
# ui_search.sh - the search box and the calls panel in chromium
# (ui_search.mjs) on find_args, with gdb's answers on the native program:
# the 3rd call of score (`break score`, `bt`, `finish`) and the number of
# times a line ran (`break find_args.c:LINE`); and find_many's 100 000
# calls of tick in the virtual list.  No console error allowed.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built find_args
require_built find_many
command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
command -v node >/dev/null || fail "node is not installed (apt-get install nodejs npm)"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || fail "$CHROMIUM is missing (apt-get install chromium)"
ui_npm_ci

SRC=$ROOT/tests/programs/find_args.c
LINE=$(grep -n 'note(s);' "$SRC" | cut -d: -f1)
printf '%s\n' "set pagination off" "set confirm off" "set width 0" "break score" "commands" \
	"bt 1" "finish" "end" "break find_args.c:$LINE" run >"$T/cmds.gdb"
for i in $(seq 30); do echo continue >>"$T/cmds.gdb"; done
gdb -nx -batch -x "$T/cmds.gdb" "$PROGS/find_args" </dev/null >"$T/gdb.out" 2>&1
third=$(grep '^#0  score (' "$T/gdb.out" | sed -n 3p)
WANT_ARGS=$(echo "$third" | sed 's/^#0  score (\(.*\)) at .*/\1/')
WANT_RET=$(grep '^Value returned is' "$T/gdb.out" | sed -n 3p | sed 's/^Value returned is \$[0-9]* = //')
WANT_LINE=$(grep '^Breakpoint 1, score' "$T/gdb.out" | head -n 1 | sed 's/.*:\([0-9]*\)$/\1/')
RUNS=$(grep -c "^Breakpoint 2, main" "$T/gdb.out")
[ -n "$WANT_ARGS" ] && [ -n "$WANT_RET" ] && [ -n "$WANT_LINE" ] && [ "$RUNS" -gt 0 ] ||
	fail "gdb: no 3rd call of score or no run of line $LINE: $(tail -n 3 "$T/gdb.out" | tr '\n' ' ')"

TR=$T/args
# recorded from the folder it was compiled in: the source panel looks for
# a relative DWARF path under the recording's cwd first, and its probes
# elsewhere are 404s the browser reports as console errors
cd "$ROOT" || fail "cd $ROOT"
record_ok "$TR" "$PROGS/find_args"
build_ok "$TR"
record_ok "$T/many" "$PROGS/find_many"
build_ok "$T/many"
mkdir -p "$T/storage"
HS=$HS TRACE=$TR TRACE_MANY=$T/many STORAGE=$T/storage CHROMIUM=$CHROMIUM WANT_ARGS=$WANT_ARGS WANT_RET=$WANT_RET \
	WANT_LINE=$WANT_LINE LINE=$LINE RUNS=$RUNS \
	timeout -k 10 300 node "$ROOT/tests/e2e/ui_search.mjs" >"$T/ui.out" 2>&1
rc=$?
cat "$T/ui.out" >&2
[ "$rc" = 0 ] || fail "$(grep -m1 '^FAIL' "$T/ui.out" | sed 's/^FAIL //')"
pass "$(grep -m1 '^PASS' "$T/ui.out" | sed 's/^PASS //')"
