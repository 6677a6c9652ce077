#!/bin/bash
# db_build_killed.sh - a build killed (SIGKILL) at random moments never leaves a TRACE/db that is not a whole database; the next build cleans up.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built

record_gzip "$T/gz" 600000
start=$(date +%s%N)
build_ok "$T/gz" --shards 2
end=$(date +%s%N)
verify_ok "$T/gz"
db_hashes "$T/gz" >"$T/ref"
ms=$(((end - start) / 1000000))
[ "$ms" -gt 0 ] || ms=1
note "a whole build takes $ms ms"

RANDOM=4242
kills=8
for ((k = 0; k < kills; k++)); do
	keep_old=$((k % 2)) # odd rounds rebuild over an existing database
	if [ "$keep_old" = 1 ]; then
		[ -e "$T/gz/db" ] || build_ok "$T/gz" --shards 2
	else
		rm -rf "$T/gz/db"
	fi
	# kill anywhere in the build, a little past its usual end included
	delay=$((RANDOM % (ms + ms / 5 + 1)))
	"$HS" build --shards 2 "$T/gz" >"$T/kill.$k.out" 2>&1 &
	pid=$!
	BG_PIDS+=("$pid")
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ -e "$T/gz/db" ]; then
		"$HS" verify "$T/gz" >"$T/kill.$k.verify" 2>&1 ||
			fail "killed after ${delay} ms: TRACE/db exists but does not verify: $(head -n 2 "$T/kill.$k.verify" | tr '\n' ' ')"
		db_hashes "$T/gz" >"$T/kill.$k.hashes"
		cmp -s "$T/ref" "$T/kill.$k.hashes" || fail "killed after ${delay} ms: TRACE/db is another database"
		state=whole
	else
		[ "$keep_old" = 0 ] || fail "killed after ${delay} ms while replacing a database: TRACE/db is gone"
		state=absent
	fi
	note "kill $k after ${delay} ms: TRACE/db $state, left: $(cd "$T/gz" && ls -d .db.* 2>/dev/null | tr '\n' ' ')"
done

# the next build removes what the killed ones left
build_ok "$T/gz" --shards 2
verify_ok "$T/gz"
grep -q 'removed .*\.db\.' "$T/gz.build.err" || note "(nothing was left to remove)"
left=$(cd "$T/gz" && ls -d .db.tmp.* .db.old.* 2>/dev/null | head -n 1)
[ -z "$left" ] || fail "a build after the kills left $left behind"
pass "$kills kills"
