#!/bin/bash
# ui_vars.sh - the variables panel and expression box in chromium (ui_vars.mjs):
# expand a struct, follow a pointer, type expressions, dataflow from a
# field, an expression in the memory box; values equal the tree's
# time/<t>/eval/<expr>; no console error.
#
# Needs node, /usr/bin/chromium and server/ui/node_modules (as ui_browser).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built expr_data

UI=$ROOT/server/ui
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null || fail "node is not installed (apt-get install nodejs npm)"
[ -x "$CHROMIUM" ] || fail "$CHROMIUM is missing (apt-get install chromium)"
ui_npm_ci

TR=$T/expr_data
record_ok "$TR" "$PROGS/expr_data"
build_ok "$TR"
line=$(grep -n 'line: probe-ret' "$ROOT/tests/programs/expr_data.c" | cut -d: -f1)
t=$("$HS" cat "$TR" "lines/${ROOT#/}/tests/programs/expr_data.c/$line" | head -n 1)
[ -n "$t" ] || fail "lines/ has no execution of expr_data.c:$line"
mkdir -p "$T/storage"
HS=$HS TRACE=$TR STORAGE=$T/storage T=$t CHROMIUM=$CHROMIUM \
	timeout -k 10 300 node "$ROOT/tests/e2e/ui_vars.mjs" >"$T/ui_vars.out" 2>&1
rc=$?
cat "$T/ui_vars.out" >&2
[ "$rc" = 0 ] || fail "$(grep -m1 '^FAIL' "$T/ui_vars.out" | sed 's/^FAIL //')"
pass "$(grep -m1 '^PASS' "$T/ui_vars.out" | sed 's/^PASS //')"
