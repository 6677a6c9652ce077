#!/bin/bash
# db_build_pages_replay.sh - memory rebuilt from TRACE/db's page versions equals a plain replay of every store and event, at every chunk's end, with default and small chunks.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
ORACLE=$ROOT/build/tests/test_dbbuild
require_built example threads signal forkexec
[ -x "$ORACLE" ] || fail "$ORACLE is not built (run make test)"

check()
{
	local name=$1 rc
	build_ok "$T/$name" --shards 3
	timeout -k 10 "$STEP_TIMEOUT" "$ORACLE" replay "$T/$name" >"$T/$name.replay" 2>&1
	rc=$?
	[ "$rc" = 0 ] || fail "$name: $(grep -m1 -E 'DIFFER|byte|nothing|:' "$T/$name.replay")"
	note "$(tr '\n' ' ' <"$T/$name.replay")"
}

# the default chunks, and small ones: a version at every 16 KiB of stream
for kb in default 16; do
	for p in example threads signal forkexec; do
		record_chunks "$T/$p.$kb" "$kb" "$PROGS/$p"
		check "$p.$kb"
	done
done
record_gzip "$T/gz" 20000
check gz
pass "example, threads, signal, forkexec (default and 16 KiB chunks), gzip"
