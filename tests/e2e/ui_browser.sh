#!/bin/bash
# ui_browser.sh - the web UI in a real browser (Debian's chromium driven by
# playwright-core from npm; no browser download): tests/browser/*.mjs on
# the bundled example, served by `hindsight serve --port 0`.
#
# Needs node, /usr/bin/chromium (apt-get install chromium) and
# server/ui/node_modules (installed with `npm ci` when missing: ui_npm_ci).
# Leaves the screenshot in build/ui-screenshot.png.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built example spin

UI=$ROOT/server/ui
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null || fail "node is not installed (apt-get install nodejs npm)"
[ -x "$CHROMIUM" ] || fail "$CHROMIUM is missing (apt-get install chromium)"
ui_npm_ci
"$HS" serve --help >"$T/serve.help" 2>&1
grep -qi 'usage\|serve' "$T/serve.help" || fail "hindsight has no serve command: $(head -n 1 "$T/serve.help")"

TR=$T/example
record_ok "$TR" "$PROGS/example"
build_ok "$TR"
# a second recording left unbuilt: the server builds it (ui_unbuilt); one
# second of spin gives a build long enough for the page to see it
record_ok "$T/unbuilt" "$PROGS/spin" 1
LEDGER_SYM=$(nm "$PROGS/example" | awk '$3 == "ledger" { print $1 }')
[ -n "$LEDGER_SYM" ] || fail "nm finds no ledger symbol in $PROGS/example"
mkdir -p "$T/storage" "$ROOT/build"
rm -f "$ROOT/build/ui-screenshot.png"

for test in "$ROOT"/tests/browser/ui_*.mjs; do
	name=$(basename "$test" .mjs)
	note "node $name"
	HS=$HS TRACE=$TR TRACE_UNBUILT=$T/unbuilt STORAGE=$T/storage PROG=$PROGS/example OUT=$ROOT/build \
		LEDGER_SYM=$LEDGER_SYM CHROMIUM=$CHROMIUM \
		timeout -k 10 300 node "$test" >"$T/$name.out" 2>&1
	rc=$?
	cat "$T/$name.out" >&2
	if [ "$rc" != 0 ]; then
		why=$(grep -m1 '^FAIL' "$T/$name.out" | sed 's/^FAIL //')
		fail "$name: ${why:-exit $rc: $(tail -n 1 "$T/$name.out")}"
	fi
done
[ -s "$ROOT/build/ui-screenshot.png" ] || fail "no screenshot in build/ui-screenshot.png"
pass "$(grep -h '^PASS' "$T"/ui_*.out | sed 's/^PASS //' | tr '\n' ' ')"
