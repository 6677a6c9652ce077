#!/bin/bash
# play_browser.sh - the playground's editor in a real browser
# (tests/browser/play_editor.mjs: Debian's chromium through playwright-core).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/srv_lib.bash"
. "$ROOT/tests/e2e/play_lib.bash"

UI=$ROOT/server/ui
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null || fail "node is not installed (apt-get install nodejs npm)"
[ -x "$CHROMIUM" ] || fail "$CHROMIUM is missing (apt-get install chromium)"
ui_npm_ci
play_start
BASE=$BASE CHROMIUM=$CHROMIUM timeout -k 10 420 node "$ROOT/tests/browser/play_editor.mjs" >"$T/node.out" 2>&1
rc=$?
cat "$T/node.out" >&2
[ "$rc" = 0 ] || fail "$(grep -m1 '^FAIL' "$T/node.out" | sed 's/^FAIL //')${rc:+ (exit $rc)}"
serve_stop
pass "$(grep '^PASS' "$T/node.out" | sed 's/^PASS //')"
