#!/bin/bash
# ui_vars.sh - the variables panel and expression box in chromium (ui_vars.mjs):
# expand a struct, follow a pointer, type expressions, dataflow from a
# field, an expression in the memory box; values equal the tree's
# time/<t>/eval/<expr>; a C++ vector local as gdb's pretty printer shows
# it, its elements and items.size(); no console error.
#
# Needs node, /usr/bin/chromium and server/ui/node_modules (as ui_browser).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built expr_data u16_std

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
# C++ containers: the locals show gdb's pretty printers' text (u16_std.cc)
TR2=$T/u16_std
record_ok "$TR2" "$PROGS/u16_std"
build_ok "$TR2"
line=$(grep -n 'line: std-ret' "$ROOT/tests/programs/u16_std.cc" | cut -d: -f1)
t2=$("$HS" cat "$TR2" "lines/${ROOT#/}/tests/programs/u16_std.cc/$line" | head -n 1)
[ -n "$t2" ] || fail "lines/ has no execution of u16_std.cc:$line"
mkdir -p "$T/storage"
HS=$HS TRACE=$TR STORAGE=$T/storage T=$t TRACE2=$TR2 T2=$t2 CHROMIUM=$CHROMIUM \
	timeout -k 10 300 node "$ROOT/tests/e2e/ui_vars.mjs" >"$T/ui_vars.out" 2>&1
rc=$?
cat "$T/ui_vars.out" >&2
[ "$rc" = 0 ] || fail "$(grep -m1 '^FAIL' "$T/ui_vars.out" | sed 's/^FAIL //')"
pass "$(grep -m1 '^PASS' "$T/ui_vars.out" | sed 's/^PASS //')"
