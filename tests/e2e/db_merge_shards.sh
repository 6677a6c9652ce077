#!/bin/bash
# db_merge_shards.sh - 16 and 64 shards (threaded), and 16 as --shard i/N processes + --merge, give the same .hdb files as 1 shard, on a multi-threaded program recorded with 16 KiB chunks (lines, calls across shards); the merge gives the same bytes with --threads 1 (no threads) and --threads 4.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built threads

tr=$T/threads
record_chunks "$tr" 16 "$PROGS/threads"
build_ok "$tr" --shards 1
db_hashes "$tr" >"$T/ref"
grep -q 'lines.hdb' "$T/ref" || fail "no lines.hdb in the 1-shard build"
chunks=$("$HS" query "$tr" info 2>/dev/null | grep -o 'chunks[ =:]*[0-9]*' | head -n 1)

same()
{
	db_hashes "$tr" >"$T/h"
	cmp -s "$T/ref" "$T/h" ||
		fail "$1 gives other .hdb files than --shards 1: $(diff "$T/ref" "$T/h" | head -n 3 | tr '\n' ' ')"
}

for n in 16 64; do
	build_ok "$tr" --shards "$n"
	grep -q "shards: $n" "$tr.build.out" || fail "build --shards $n: summary does not say shards: $n"
	same "--shards $n"
done

# 16 shards as processes, two at a time (each costs about 0.2 s of CPU,
# mostly debug info: 64 of them would take the test past its budget; the
# merge of 64 shards is the same code, run above by the threaded build)
n=16
rm -rf "$tr/db"
seq 0 $((n - 1)) | xargs -P 2 -I{} sh -c 'timeout -k 10 "$1" "$2" build --shard "$3/$4" \
	--threads 1 "$5" >/dev/null 2>"$5.shard.$3" || { cat "$5.shard.$3"; exit 255; }' sh \
	"$STEP_TIMEOUT" "$HS" {} "$n" "$tr" >"$T/shards.err" 2>&1 ||
	fail "--shard i/$n: $(grep -v '^builder:' "$T/shards.err" | head -n 2 | tr '\n' ' ')"
for ((i = 0; i < n; i++)); do
	[ -d "$tr/.db.shards/${i}of$n" ] || fail "--shard $i/$n left no .db.shards/${i}of$n"
done
for th in 1 4; do
	rm -rf "$tr/db"
	build_ok "$tr" --merge --shards "$n" --threads "$th"
	same "--shard i/$n + --merge --threads $th"
done
verify_ok "$tr"
pass "$(wc -l <"$T/ref") files, the same for 1, 16 and 64 shards, and for 16 processes merged with 1 and 4 threads ($chunks)"
