#!/bin/sh
# bom-validate.sh BOM.json... - validate CycloneDX 1.6 SBOMs against the
# schema, offline once set up.  The validator (npm: @cyclonedx/cyclonedx-
# library with ajv, ajv-formats, ajv-formats-draft2019, pinned in
# tests/e2e/pkg_bom_validator/package.json) is installed by npm into
# build/bom-validator/ the first time and reused after (the fast path: no
# network); it never goes into the product or git.  Exit status: 0 all
# valid, 1 invalid, 3 the validator could not be installed or run (npm
# missing or the registry unreachable: say so, never pass).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=$ROOT/tests/e2e/pkg_bom_validator
DIR=$ROOT/build/bom-validator
if ! cmp -s "$SRC/package.json" "$DIR/package.json" ||
	[ ! -f "$DIR/node_modules/.hs-installed" ]; then
	command -v npm >/dev/null 2>&1 || { echo "bom-validate: npm is not installed (scripts/install-deps.sh)"; exit 3; }
	rm -rf "$DIR"
	mkdir -p "$DIR" || exit 3
	cp "$SRC/package.json" "$DIR/package.json"
	echo "bom-validate: installing the CycloneDX validator into $DIR (npm)" >&2
	if ! (cd "$DIR" && timeout 60 npm install --no-audit --no-fund --no-save --loglevel=error --prefer-offline \
			--fetch-retries=1 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000 >npm.log 2>&1); then
		echo "bom-validate: npm install failed (is the npm registry reachable?): $(tail -3 "$DIR/npm.log" | tr '\n' ' ')"
		rm -rf "$DIR/node_modules"
		exit 3
	fi
	touch "$DIR/node_modules/.hs-installed"
fi
cp "$SRC/validate.cjs" "$DIR/validate.cjs"
exec node "$DIR/validate.cjs" "$@"
