# db_lib.bash - helpers of the db_build_* tests (bash); source after lib.sh.
# shellcheck shell=bash

# hs_build TRACE [OPTIONS...]: hindsight build, output to TRACE.build.out/.err;
# returns its exit status.
hs_build()
{
	local trace=$1
	shift
	timeout -k 10 "$STEP_TIMEOUT" "$HS" build "$@" "$trace" >"$trace.build.out" 2>"$trace.build.err"
}

# build_ok TRACE [OPTIONS...]: hs_build, and fail the test unless it exits 0.
build_ok()
{
	local rc
	hs_build "$@"
	rc=$?
	[ "$rc" = 0 ] || fail "build $* exited $rc: $(grep -v '^builder:' "$1.build.err" | head -n 2 | tr '\n' ' ')"
}

# verify_ok TRACE: hindsight verify must exit 0.
verify_ok()
{
	local rc
	timeout -k 10 "$STEP_TIMEOUT" "$HS" verify "$1" >"$1.verify" 2>&1
	rc=$?
	[ "$rc" = 0 ] || fail "verify $1 exited $rc: $(head -n 3 "$1.verify" | tr '\n' ' ')"
}

# db_hashes TRACE: one line per .hdb file, "image/file xxh64", from the
# manifest (the manifest's own time stamp is left out).
db_hashes()
{
	"$PY" - "$1/db/manifest.json" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))
for im in m["images"]:
    for name, f in sorted(im["files"].items()):
        print("%s/%s %s %d" % (im["name"], name, f["xxh64"], f["size"]))
PYEOF
}

# record_chunks TRACE KB PROG [ARGS...]: record_ok with `--chunk-kb KB`
# (KB "default": the recorder's own chunk size), so that tests meet chunk
# boundaries (sync points) at many more places than the default gives.
record_chunks()
{
	local trace=$1 kb=$2 rc
	shift 2
	if [ "$kb" = default ]; then
		record_ok "$trace" "$@"
		return
	fi
	timeout -k 10 "$STEP_TIMEOUT" "$HS" record --chunk-kb "$kb" -o "$trace" -- "$@" \
		</dev/null >"$trace.out" 2>"$trace.err"
	rc=$?
	[ "$rc" = 0 ] ||
		fail "record --chunk-kb $kb $(basename "$1") exited $rc: $(tail -n 3 "$trace.err" | tr '\n' ' ')"
}

# record_gzip TRACE BYTES: record gzip -c of a deterministic text file.
record_gzip()
{
	gen_text "$T/text" "$2"
	record_ok "$1" /bin/gzip -c "$T/text"
}

# block_offset FILE K: the file offset of block K's compressed bytes in a
# block file (dbfile.h: 128-byte header, then blocks of a 32-byte header and
# comp bytes, back to back); prints "OFFSET COMP".
block_offset()
{
	"$PY" - "$1" "$2" <<'PYEOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
off, k = 128, int(sys.argv[2])
for i in range(k + 1):
    magic, raw, comp = struct.unpack_from("<III", data, off)
    assert magic == 0x4b425348, "no block %d at %d" % (i, off)
    if i == k:
        print(off + 32, comp)
        break
    off += 32 + comp
PYEOF
}

# flip_byte FILE OFFSET: xor one byte with 0x20.
flip_byte()
{
	"$PY" -c '
import sys
f = open(sys.argv[1], "r+b"); o = int(sys.argv[2])
f.seek(o); b = f.read(1); f.seek(o); f.write(bytes([b[0] ^ 0x20])); f.close()
' "$1" "$2"
}
