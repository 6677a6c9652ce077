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

# unmatched TRACE: returns that closed no call, all images (manifest).
unmatched()
{
	"$PY" -c '
import json, sys
print(sum(i["unmatched_returns"] for i in json.load(open(sys.argv[1]))["images"]))
' "$1/db/manifest.json"
}

# Every return must close a call, except where the program returns to a
# frame it never called: signal.c's two SIGUSR1 handlers return to the
# signal restorer (its SIGSEGV handler leaves by siglongjmp).
declare -A want_unmatched=([example]=0 [threads]=0 [signal]=2)

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
	u=$(unmatched "$T/$p")
	[ "$u" = "${want_unmatched[$p]}" ] ||
		fail "$p: $u returns matched no call, expected ${want_unmatched[$p]}"
	c=$(calls_count "$T/$p")
	[ "$c" -gt 100 ] || fail "$p: only $c calls recorded"
	note "$p: $c calls"
done
pass
