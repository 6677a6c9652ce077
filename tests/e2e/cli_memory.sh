#!/bin/bash
# cli_memory.sh - `--memory MB` of build and serve: with a memory cgroup
# (root) the command runs in hindsight-WHO.<pid>/stage.* holding the
# limit, a build over it is killed with a message and leaves no database,
# the cgroup is removed at the end; as a user who cannot make one, the
# command says it uses RLIMIT_AS and still works; bad values are refused.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built example

record_ok "$T/tr" "$PROGS/example"
for bad in abc 8 -5 ''; do
	"$HS" build --memory "$bad" "$T/tr" >/dev/null 2>"$T/err"
	[ $? = 2 ] && grep -q -- "--memory wants a number of MiB" "$T/err" ||
		fail "build --memory '$bad' was not refused: $(cat "$T/err")"
done
"$HS" serve --memory 1x "$T/tr" >/dev/null 2>"$T/err"
[ $? = 2 ] || fail "serve --memory 1x was not refused: $(cat "$T/err")"

# cgroup_of PID: the folder of its memory cgroup (v1's memory hierarchy, or v2's)
cgroup_of()
{
	local line rel
	line=$(grep -E '^[0-9]+:(memory|[^:]*,memory[^:]*|):' "/proc/$1/cgroup" | grep -v '^0::' | head -n 1)
	if [ -n "$line" ]; then
		rel=${line#*:*:}
		echo "/sys/fs/cgroup/memory$rel"
	else
		rel=$(sed -n 's/^0:://p' "/proc/$1/cgroup")
		echo "/sys/fs/cgroup$rel"
	fi
}

"$HS" build --memory 300 "$T/tr" >"$T/out" 2>"$T/err" || fail "build --memory 300: $(cat "$T/err")"
if grep -q "memory cgroup v[12]" "$T/err"; then
	note "$(grep 'memory cgroup' "$T/err")"
	base=$(sed -n 's/.*memory cgroup v[12] \(.*\)\/hindsight-build\.[0-9]*\/stage\..*/\1/p' "$T/err")
	[ -d "$base" ] || fail "no cgroup folder in: $(cat "$T/err")"
	ls -d "$base"/hindsight-build.* 2>/dev/null && fail "the build's cgroup was left behind"
	# over the limit: killed, said, no database
	rm -rf "$T/tr/db"
	"$HS" build --memory 16 "$T/tr" >"$T/out" 2>"$T/err" && fail "a build in 16 MiB succeeded"
	grep -q "over its memory limit (--memory 16 MiB)" "$T/err" || fail "the kill was not said: $(cat "$T/err")"
	[ -e "$T/tr/db" ] && fail "a killed build left $T/tr/db"
	"$HS" build "$T/tr" >/dev/null 2>&1 || fail "build after the killed one"
	# serve: the worker runs in the cgroup with the limit; SIGINT to the
	# command stops it, and the cgroup goes
	serve_start m "$T/tr" --memory 300
	child=$(pgrep -P "$SRV_PID" | head -n 1)
	[ -n "$child" ] || fail "serve --memory runs no child"
	cg=$(cgroup_of "$child")
	case $cg in */hindsight-serve."$SRV_PID"/stage.*) ;; *) fail "serve's worker is in $cg" ;; esac
	limit=$(cat "$cg/memory.limit_in_bytes" 2>/dev/null || cat "$cg/memory.max")
	[ "$limit" = $((300 << 20)) ] || fail "serve's cgroup holds $limit bytes, not 300 MiB"
	expect_status 200 /api/info
	serve_stop
	kill -0 "$child" 2>/dev/null && fail "serve's worker outlived the command"
	[ -d "$cg" ] && fail "serve's cgroup $cg was left behind"
	mode=cgroup
else
	grep -q "RLIMIT_AS 300 MiB" "$T/err" || fail "build --memory said neither cgroup nor RLIMIT_AS: $(cat "$T/err")"
	mode=rlimit
fi

# a user who cannot make a cgroup: RLIMIT_AS, said, and the build works
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	cp -a "$T/tr" "$T/tru" && rm -rf "$T/tru/db" && chown -R nobody "$T/tru" && chmod 755 "$T"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$HS" build --memory 1024 "$T/tru" \
		>"$T/out" 2>"$T/err" || fail "build --memory as nobody: $(cat "$T/err")"
	grep -q "RLIMIT_AS 1024 MiB per process (no memory cgroup" "$T/err" ||
		fail "as nobody, --memory did not say RLIMIT_AS: $(cat "$T/err")"
fi
pass "--memory held by $mode"
