#!/bin/bash
# pkg_bom.sh - `hindsight bom` is a CycloneDX 1.6 SBOM that the schema
# accepts (npm's @cyclonedx/cyclonedx-library validator, offline after the
# first run: scripts/bom-validate.sh), and every library ldd finds in
# build/bin/hindsight has its Debian package in it with dpkg's version and
# the file's SHA-256 (pkg_bom_check.py, independent of the C code).  The
# checks fail on an SBOM missing a linked library's package, with a wrong
# version or hash, and the validator on a schema violation.
. "$(dirname "$0")/lib.sh"
require_built

"$HS" bom >"$T/bom.json" 2>"$T/bom.err" || fail "bom exited $?: $(head -c 300 "$T/bom.err")"
out=$(sh "$ROOT/scripts/bom-validate.sh" "$T/bom.json")
rc=$?
[ $rc = 3 ] && fail "the CycloneDX validator is unavailable: $out"
[ $rc = 0 ] || fail "schema: $out"

problems=$($PY "$ROOT/tests/e2e/pkg_bom_check.py" "$T/bom.json" "$HS" "$ROOT/server/ui/package-lock.json") ||
	fail "against ldd/dpkg: $(echo "$problems" | head -3 | tr '\n' ';')"

# The oracle and the validator can fail: an SBOM without libzstd1 (linked
# by the CLI), with libc6's version changed, with a file's hash changed,
# and one that breaks the schema.
$PY - "$T" <<'PYEOF' || fail "cannot make the broken SBOMs"
import json, sys
t = sys.argv[1]
bom = json.load(open(t + '/bom.json'))
def save(name, b):
    json.dump(b, open(t + '/' + name, 'w'))
b = json.loads(json.dumps(bom)); b['components'] = [c for c in b['components'] if c['name'] != 'libzstd1']; save('no_zstd.json', b)
b = json.loads(json.dumps(bom))
for c in b['components']:
    if c['name'] == 'libc6': c['version'] += '.1'
save('old_libc.json', b)
b = json.loads(json.dumps(bom))
for c in b['components']:
    for f in c.get('components', []):
        for h in f.get('hashes', []): h['content'] = '0' * 64
save('bad_hash.json', b)
b = json.loads(json.dumps(bom)); b['components'][0]['hashes'] = [{'alg': 'SHA-256', 'content': 'xyz'}]; save('bad_schema.json', b)
PYEOF
for broken in no_zstd old_libc bad_hash; do
	if $PY "$ROOT/tests/e2e/pkg_bom_check.py" "$T/$broken.json" "$HS" >"$T/$broken.out"; then
		fail "the check accepts $broken.json"
	fi
done
grep -q 'libzstd1 is not in the SBOM' "$T/no_zstd.out" || fail "no_zstd: $(head -2 "$T/no_zstd.out")"
sh "$ROOT/scripts/bom-validate.sh" "$T/bad_schema.json" >"$T/bad_schema.out" && fail "the schema accepts an SHA-256 of 'xyz'"

# DIR: DIR/bom.json, replaced whole, no temporary file left; a missing
# DIR is an error, not a file elsewhere.
mkdir "$T/out"
echo old >"$T/out/bom.json"
"$HS" bom "$T/out" || fail "bom DIR exited $?"
$PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out/bom.json" || fail "DIR/bom.json is not JSON"
[ "$(ls -A "$T/out")" = bom.json ] || fail "bom DIR left: $(ls -A "$T/out" | tr '\n' ' ')"
"$HS" bom "$T/missing" 2>/dev/null && fail "bom into a missing folder exited 0"
[ -e "$T/missing" ] && fail "bom created $T/missing"
"$HS" bom a b 2>/dev/null
[ $? = 2 ] || fail "bom with two folders is not a usage error"
pass
