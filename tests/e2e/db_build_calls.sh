#!/bin/bash
# db_build_calls.sh - CALLS are consistent (every return closes its call, depths match the open calls, never negative) and do not depend on the shard count or the chunk size.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built example threads signal forkexec small

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
# signal restorer (its SIGSEGV handler leaves by siglongjmp), and the forked
# child of forkexec.c starts inside fork() and returns out of frames its
# parent called (the child's image does not inherit its parent's stack).
declare -A want_unmatched=([example]=0 [threads]=0 [signal]=2 [forkexec]=2 [small]=0)

# Small chunks (16 KiB) put a shard boundary, and chunk boundaries, at
# places the default never does: signal.c's siglongjmp then leaves calls of
# one shard to return into a frame of an earlier one.
for kb in default 16; do
	for p in example threads signal forkexec small; do
		tr=$T/$p.$kb
		record_chunks "$tr" "$kb" "$PROGS/$p"
		prev=""
		for n in 1 2 3 5; do
			build_ok "$tr" --shards "$n"
			# verify checks t_ret >= t_call, nesting, and depth == open calls
			verify_ok "$tr"
			# the calls themselves, not only the files: t_ret, depth, callee
			for img in $("$PY" -c '
import json, sys
print(" ".join(i["name"] for i in json.load(open(sys.argv[1]))["images"]))
' "$tr/db/manifest.json"); do
				"$HS" query --image "$img" "$tr" calls 0 18446744073709551614
			done >"$tr.calls.$n" || fail "$p (chunks: $kb KiB): query calls failed"
			if [ -n "$prev" ]; then
				cmp -s "$prev" "$tr.calls.$n" ||
					fail "$p (chunks: $kb KiB): calls with $n shards differ from 1 shard: $(diff "$prev" "$tr.calls.$n" | head -n 3 | tr '\n' ' ')"
			fi
			prev=$tr.calls.$n
		done
		u=$(unmatched "$tr")
		[ "$u" = "${want_unmatched[$p]}" ] ||
			fail "$p (chunks: $kb KiB): $u returns matched no call, expected ${want_unmatched[$p]}"
		c=$(wc -l <"$prev")
		[ "$c" -gt 100 ] || fail "$p (chunks: $kb KiB): only $c calls recorded"
		note "$p (chunks: $kb KiB): $c calls"
	done
done
pass
