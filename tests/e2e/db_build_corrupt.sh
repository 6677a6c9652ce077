#!/bin/bash
# db_build_corrupt.sh - verify names the damaged file and block (and raw chunk); other format versions ask for a rebuild; a build of a damaged recording names the chunk.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built

record_gzip "$T/gz" 30000
build_ok "$T/gz" --shards 2
verify_ok "$T/gz"
img=$(cd "$T/gz/db" && ls -d */ | head -n 1)
img=${img%/}
cp -a "$T/gz/db" "$T/good"

# expect_bad WHAT PATTERN...: verify must exit 1 and print every pattern.
expect_bad()
{
	local what=$1 rc p
	shift
	timeout -k 10 "$STEP_TIMEOUT" "$HS" verify "$T/gz" >"$T/v.out" 2>"$T/v.err"
	rc=$?
	[ "$rc" = 1 ] || fail "$what: verify exited $rc, expected 1: $(head -n 2 "$T/v.out" | tr '\n' ' ')"
	for p in "$@"; do
		grep -qE -- "$p" "$T/v.out" || fail "$what: verify output lacks '$p': $(head -n 3 "$T/v.out" | tr '\n' ' ')"
	done
}

restore()
{
	rm -rf "$T/gz/db"
	cp -a "$T/good" "$T/gz/db"
}

# a flipped byte inside a block, in several files and blocks
for f in pages.hdb events.hdb calls.hdb pageidx.hdb; do
	nblocks=$("$PY" -c 'import struct,sys; print(struct.unpack_from("<Q", open(sys.argv[1],"rb").read(64), 16)[0])' "$T/gz/db/$img/$f")
	k=$((nblocks / 2))
	read -r off comp < <(block_offset "$T/gz/db/$img/$f" "$k")
	flip_byte "$T/gz/db/$img/$f" $((off + comp / 2))
	expect_bad "$f block $k" "$img/$f: block $k: corrupt" "$img/$f: XXH64 .* differs from manifest"
	note "$f block $k of $nblocks: $(grep -m1 'block' "$T/v.out")"
	restore
done

# a file cut short never opens
f=$T/gz/db/$img/calls.hdb
head -c $(($(stat -c %s "$f") - 7)) "$f" >"$T/cut" && cat "$T/cut" >"$f"
expect_bad "cut calls.hdb" "$img/calls.hdb: (cannot open|size)"
restore

# a raw chunk's payload
nchunks=$("$HS" trace-check "$T/gz" 2>/dev/null | sed -n 's/^ *chunks: *//p' | head -n 1)
read -r off < <("$PY" - "$T/gz/procs/$img/stream.hst" <<'PYEOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
off, i = struct.unpack_from("<I", d, 12)[0], 0  # the file header's size
while True:
    comp = struct.unpack_from("<I", d, off + 28)[0]
    if i == 1:
        print(off + 48 + comp // 2); break
    off += 48 + comp; i += 1
PYEOF
)
cp "$T/gz/procs/$img/stream.hst" "$T/stream.good"
flip_byte "$T/gz/procs/$img/stream.hst" "$off"
expect_bad "raw chunk 1" "stream.hst: chunk 1: payload checksum mismatch"
# ... and the builder names the file and the chunk
rm -rf "$T/gz/db"
hs_build "$T/gz" && fail "build of a recording with a damaged chunk exited 0"
grep -qE 'stream.hst: chunk 1' "$T/gz.build.err" ||
	fail "build error does not name stream.hst chunk 1: $(grep -v '^builder' "$T/gz.build.err" | head -n 1)"
[ ! -e "$T/gz/db" ] || fail "a failed build left TRACE/db"
cp "$T/stream.good" "$T/gz/procs/$img/stream.hst"
restore

# another format version
sed -i 's/"version":[ ]*[0-9]*/"version":99/' "$T/gz/db/manifest.json"
expect_bad "version 99" "rebuild with hindsight build"
restore

# no database at all
rm -rf "$T/gz/db"
"$HS" verify "$T/gz" >"$T/v.out" 2>&1
rc=$?
[ "$rc" = 2 ] || fail "verify without a database exited $rc, expected 2"
grep -q 'no database' "$T/v.out" || fail "verify without a database: $(head -n 1 "$T/v.out")"
pass "${nchunks:-?} chunks"
