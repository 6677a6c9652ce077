#!/bin/bash
# db_build_calls.sh - CALLS are consistent (every return closes its call, depths match the open calls, never negative) and do not depend on the shard count.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built example threads signal

# calls_count TRACE: the number of CALLS records, from verify's view of the
# manifest (calls.hdb size is not a count; read the block file header).
calls_count()
{
	"$PY" - "$1" <<'PYEOF'
import glob, struct, sys
n = 0
for f in glob.glob(sys.argv[1] + "/db/*/calls.hdb"):
    h = open(f, "rb").read(64)
    n += struct.unpack_from("<Q", h, 48)[0]
print(n)
PYEOF
}

for p in example threads signal; do
	record_ok "$T/$p" "$PROGS/$p"
	prev=""
	for n in 1 2 3; do
		build_ok "$T/$p" --shards "$n"
		# verify checks t_ret >= t_call, nesting, and depth == open calls
		verify_ok "$T/$p"
		grep 'calls.hdb' <(db_hashes "$T/$p") >"$T/$p.calls.$n"
		if [ -n "$prev" ]; then
			cmp -s "$prev" "$T/$p.calls.$n" ||
				fail "$p: calls.hdb with $n shards differs from 1 shard"
		fi
		prev=$T/$p.calls.$n
	done
	c=$(calls_count "$T/$p")
	[ "$c" -gt 100 ] || fail "$p: only $c calls recorded"
	note "$p: $c calls"
done
pass
