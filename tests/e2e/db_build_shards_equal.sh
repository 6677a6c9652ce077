#!/bin/bash
# db_build_shards_equal.sh - threaded builds with 1, 2, 3 shards and the --shard i/N + --merge builds give the same .hdb files.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built

record_gzip "$T/gz" 300000
chunks=$(find "$T/gz/procs" -name stream.hst -size +1 | head -n 1)
[ -n "$chunks" ] || fail "no stream.hst recorded"

ref=""
for n in 1 2 3; do
	build_ok "$T/gz" --shards "$n"
	verify_ok "$T/gz"
	db_hashes "$T/gz" >"$T/threaded.$n"
	grep -q 'shards: '"$n" "$T/gz.build.out" || fail "build --shards $n: summary does not say shards: $n"
	[ -n "$ref" ] || ref=$T/threaded.$n
	cmp -s "$ref" "$T/threaded.$n" ||
		fail "--shards $n gives other .hdb files than --shards 1: $(diff "$ref" "$T/threaded.$n" | head -n 3 | tr '\n' ' ')"

	# the same N as separate processes, then the merge
	rm -rf "$T/gz/db"
	for ((i = 0; i < n; i++)); do
		build_ok "$T/gz" --shard "$i/$n"
		[ -d "$T/gz/.db.shards/${i}of$n" ] || fail "--shard $i/$n left no $T/gz/.db.shards/${i}of$n"
		[ ! -e "$T/gz/db" ] || fail "--shard $i/$n created TRACE/db"
	done
	build_ok "$T/gz" --merge --shards "$n"
	verify_ok "$T/gz"
	db_hashes "$T/gz" >"$T/merged.$n"
	cmp -s "$T/threaded.$n" "$T/merged.$n" ||
		fail "--shard i/$n + --merge differs from --shards $n: $(diff "$T/threaded.$n" "$T/merged.$n" | head -n 3 | tr '\n' ' ')"
	rm -rf "$T/gz/.db.shards"
done
# no temporary folders stay behind
left=$(find "$T/gz" -maxdepth 2 -name '.db.tmp.*' -o -maxdepth 2 -name '.db.old.*' | head -n 1)
[ -z "$left" ] || fail "left behind: $left"
pass "$(wc -l <"$ref") files, same for 1, 2, 3 shards, threaded and merged"
