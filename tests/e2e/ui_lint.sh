#!/bin/bash
# ui_lint.sh - the web UI's sources and the browser tests pass ESLint's
# recommended rules (server/ui/eslint.config.mjs), and the committed
# bundle server/ui/dist is what esbuild makes of server/ui/src today
# (bundled into a scratch folder and compared file by file): an edit of
# the sources without `node server/ui/build.mjs` fails here.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || fail "node is not installed (apt-get install nodejs npm)"
ui_npm_ci
UI=$ROOT/server/ui

(cd "$ROOT" && "$UI/node_modules/.bin/eslint" --config server/ui/eslint.config.mjs \
	server/ui/src server/ui/build.mjs server/ui/eslint.config.mjs tests/browser) >"$T/lint" 2>&1 ||
	fail "eslint: $(grep -E 'error|warning' "$T/lint" | head -n 5 | tr '\n' ' ')"

node "$UI/build.mjs" "$T/dist" >"$T/build.log" 2>&1 || fail "build.mjs: $(tail -n 3 "$T/build.log")"
n=0
for f in "$UI"/dist/* "$T"/dist/*; do
	name=${f##*/}
	cmp -s "$UI/dist/$name" "$T/dist/$name" ||
		fail "server/ui/dist/$name is not the bundle of today's sources: run node server/ui/build.mjs"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no bundle files"
pass "ESLint finds nothing in the UI's sources and browser tests; dist/ equals a fresh bundle ($((n / 2)) files)"
