#!/bin/bash
# db_query_corrupt.sh - a flipped byte in a database block or a stream chunk makes queries fail with a log line naming it, never answer wrong.
#
# A copy of a built recording gets one byte flipped inside the first block
# of pages.hdb, pageidx.hdb, events.hdb, or inside the first chunk of
# stream.hst.  The same questions go to the intact and the damaged copy:
# each answer must be the intact one, or exit 1 with a "hindsight: ..."
# line naming the damaged file; some must fail.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built example

TR=$T/good
record_ok "$TR" "$PROGS/example"
build_ok "$TR"
TEND=$("$HS" query "$TR" info | sed -n 's/^t-end: //p')
IMG=$(basename "$(ls -d "$TR"/procs/*/ | head -n 1)")
# the lowest mapped page: its versions open pages.hdb (block 0)
LOW=0x$("$HS" query "$TR" maps "$TEND" | sed -n '1s/-.*//p')

# The questions: registers, stack and data memory, maps, events, last writes.
questions()
{
	local t rsp
	for t in 0 1 $((TEND / 7)) $((TEND / 3)) $((TEND / 2)) $((TEND * 4 / 5)) "$TEND"; do
		rsp=$("$HS" query "$TR" reg "$t" rsp)
		echo "regs $t"
		echo "mem $t $rsp 64"
		echo "mem $t $(printf '0x%x' $((rsp - 2048))) 256"
		echo "maps $t"
		echo "last-write $rsp 8 $t"
		echo "mem $t $LOW 64"
	done
	echo "events 0 $TEND"
}
questions >"$T/questions"

# ask TRACE OUTDIR: every question, stdout/stderr/exit status per line.
ask()
{
	local i=0 q
	mkdir -p "$2"
	while read -r q; do
		i=$((i + 1))
		# shellcheck disable=SC2086 # the question is words
		timeout -k 10 "$STEP_TIMEOUT" "$HS" query "$1" $q >"$2/$i.out" 2>"$2/$i.err"
		echo $? >"$2/$i.rc"
	done <"$T/questions"
}
ask "$TR" "$T/answers.good"
for f in "$T"/answers.good/*.rc; do
	[ "$(cat "$f")" = 0 ] || fail "intact database: question $(basename "$f" .rc) ($(sed -n "$(basename "$f" .rc)p" "$T/questions")) exited $(cat "$f")"
done

# damage FILE OFFSET: a copy of the trace with one byte of FILE flipped.
damage()
{
	local file=$1 off=$2 name=$3 dir
	dir=$T/$name
	cp -r "$TR" "$dir" || fail "cannot copy the trace"
	case $file in
	stream.hst) file=$dir/procs/$IMG/$file ;;
	*) file=$dir/db/$IMG/$file ;;
	esac
	"$PY" -c '
import sys
f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2])); b = f.read(1)
f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 0x5a]))' "$file" "$off"
	echo "$dir"
}

# check NAME WANT: compare the damaged copy's answers with the intact ones.
check()
{
	local name=$1 want=$2 i failed=0 q
	ask "$T/$name" "$T/answers.$name"
	for ((i = 1; i <= $(wc -l <"$T/questions"); i++)); do
		q=$(sed -n "${i}p" "$T/questions")
		case $(cat "$T/answers.$name/$i.rc") in
		0) cmp -s "$T/answers.good/$i.out" "$T/answers.$name/$i.out" ||
			fail "$name: '$q' answered differently from the intact database" ;;
		1) grep -q "^hindsight: .*$want" "$T/answers.$name/$i.err" ||
			fail "$name: '$q' failed without a line naming $want: $(head -n 2 "$T/answers.$name/$i.err" | tr '\n' ' ')"
			failed=$((failed + 1)) ;;
		*) fail "$name: '$q' exited $(cat "$T/answers.$name/$i.rc"): $(head -n 1 "$T/answers.$name/$i.err")" ;;
		esac
	done
	[ "$failed" -gt 0 ] || fail "$name: no question failed"
	SUMMARY="$SUMMARY $name: $failed failed;"
}

SUMMARY=
# Past the 128-byte file header and the 32-byte block header (dbfile.h).
damage pages.hdb 264 pages >/dev/null
check pages "pages.hdb: block 0"
damage pageidx.hdb 184 pageidx >/dev/null
check pageidx "pageidx.hdb: block 0"
damage events.hdb 184 events >/dev/null
check events "events.hdb: block 0"
# Past the 72-byte file header and the 48-byte chunk header (trace_format.h).
damage stream.hst 300 stream >/dev/null
check stream "chunk 0"
pass "${SUMMARY%;}"
