#!/bin/bash
# db_build_bad_input.sh - build and verify refuse bad options (exit 2) and say what is wrong with a bad TRACE_DIR; the builder confines its network.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built small

record_ok "$T/s" "$PROGS/small"

# a recording whose only image has an empty stream: the build names that
cp -r "$T/s" "$T/empty" && rm -rf "$T/empty/db"
for f in "$T"/empty/procs/*/stream.hst; do : >"$f"; done
"$HS" build "$T/empty" >"$T/e.out" 2>"$T/e.err"
[ $? = 1 ] || fail "build of a recording with an empty stream did not exit 1"
grep -q "procs: none of its 1 image folder holds a recorded stream (stream.hst empty" "$T/e.err" ||
	fail "build with an empty stream.hst: $(grep -v '^builder:' "$T/e.err")"

# usage RC ARGS...: build must exit RC with a message on stderr.
usage()
{
	local want=$1 rc
	shift
	timeout -k 10 60 "$HS" build "$@" >"$T/u.out" 2>"$T/u.err"
	rc=$?
	[ "$rc" = "$want" ] || fail "build $*: exited $rc, expected $want"
	[ -s "$T/u.err" ] || fail "build $*: no message"
}

usage 2
usage 2 --compression-level 0 "$T/s"
usage 2 --compression-level 23 "$T/s"
usage 2 --compression-level x "$T/s"
grep -q '1..22' "$T/u.err" || fail "bad level: message does not give the range: $(head -n 1 "$T/u.err")"
usage 2 --shards 0 "$T/s"
usage 2 --shard 2/2 "$T/s"
usage 2 --shard 1 "$T/s"
usage 2 --shard 0/2 --merge "$T/s"
usage 2 --bogus "$T/s"
usage 2 "$T/s" "$T/s"

# bad TRACE_DIR: non-zero, the path in the message
usage 1 "$T/nothing-here"
grep -q "$T/nothing-here" "$T/u.err" || fail "missing TRACE_DIR not named: $(head -n 1 "$T/u.err")"
mkdir "$T/empty"
usage 1 "$T/empty"
grep -q "$T/empty" "$T/u.err" || fail "empty TRACE_DIR not named: $(grep -v '^builder' "$T/u.err" | head -n 1)"
# --merge with no shards built
usage 1 --merge "$T/s"
grep -q 'shard' "$T/u.err" || fail "--merge without shards: $(grep -v '^builder' "$T/u.err" | head -n 1)"

# a good build: confinement is logged, a summary is printed
build_ok "$T/s" --compression-level 19 --shards 1
grep -qE '^builder: network (confined|not confined)' "$T/s.build.err" ||
	fail "no confinement line: $(head -n 1 "$T/s.build.err")"
if [ "$(id -u)" = 0 ]; then
	grep -q '^builder: network confined (new network namespace)' "$T/s.build.err" ||
		fail "root, but: $(head -n 1 "$T/s.build.err")"
fi
for k in instructions shards database bytes-per-instruction elapsed speed; do
	grep -q "^$k:" "$T/s.build.out" || fail "summary lacks $k: $(tr '\n' ' ' <"$T/s.build.out")"
done
grep -q '"level":[ ]*19' "$T/s/db/manifest.json" || fail "manifest does not record level 19"

# a folder that is no recording: one clear line, exit 1, nothing written
mkdir -p "$T/plain"
"$HS" build "$T/plain" >"$T/p.out" 2>"$T/p.err"
[ $? = 1 ] || fail "build of a folder that is no recording did not exit 1"
grep -q "is not a recording (no procs folder)" "$T/p.err" || fail "build of a plain folder: $(cat "$T/p.err")"
[ -z "$(ls -A "$T/plain")" ] || fail "build of a plain folder wrote $(ls -A "$T/plain")"

# a damaged meta.json beside a good database: every command refuses it
# with one line naming the file, rather than serving the database as the
# recording's (whose it is cannot be known any more)
cp "$T/s/meta.json" "$T/meta.good"
for bad in 'garbage{' '{"format":"other"}'; do
	printf '%s\n' "$bad" >"$T/s/meta.json"
	for cmd in "info" "cat:calls" "ls:calls" "build" "verify"; do
		"$HS" ${cmd%%:*} "$T/s" $([ "${cmd#*:}" != "$cmd" ] && echo "${cmd#*:}") >"$T/m.out" 2>"$T/m.err"
		[ $? != 0 ] || fail "${cmd%%:*} with meta.json '$bad' exited 0"
		grep -q "meta.json is damaged" "$T/m.err" || fail "${cmd%%:*} with meta.json '$bad': $(head -n 1 "$T/m.err")"
	done
done
cp "$T/meta.good" "$T/s/meta.json"
"$HS" cat "$T/s" info >/dev/null 2>"$T/m.err" || fail "cat info with meta.json restored: $(head -n 1 "$T/m.err")"

"$HS" verify >"$T/v.out" 2>&1
[ $? = 2 ] || fail "verify without TRACE_DIR did not exit 2"
"$HS" verify "$T/nothing-here" >"$T/v.out" 2>&1
[ $? = 2 ] || fail "verify of a missing folder did not exit 2"
pass
