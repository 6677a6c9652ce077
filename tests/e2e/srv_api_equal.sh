#!/bin/bash
# srv_api_equal.sh - the HTTP API gives the same bytes as `hindsight cat`
# (files, ranges of mem, links, folders, lines), and /api/moment and
# /api/origin agree with the tree and `hindsight query`.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built example

TR=$T/ex
record_ok "$TR" "$PROGS/example"
build_ok "$TR"
serve_start s "$TR"

END=$("$HS" cat "$TR" time/end/thread >/dev/null && "$HS" ls -l "$TR" time | sed -n 's/.* end -> //p')
[ -n "$END" ] || fail "no time/end link"
MID=$((END / 2))
IMG=$("$HS" ls "$TR" processes | head -n 1)
TID=$("$HS" ls "$TR" threads | head -n 1)
paths="README info stdout stderr events syscalls output time/0/regs time/$MID/regs
 time/$MID/insn time/$MID/thread time/$MID/maps time/$MID/reg/rsp time/$MID/reg/rip
 time/$MID/next/regs time/$MID/prev/insn time/start/insn time/end/regs threads/$TID
 processes/$IMG/time/5/regs processes/$IMG/info"
n=0
for p in $paths; do
	"$HS" cat "$TR" "$p" >"$T/want" 2>"$T/want.err" || fail "hindsight cat $p failed: $(cat "$T/want.err")"
	expect_status 200 "/api/tree/$p"
	same_file "/api/tree/$p" "$T/want" "$T/body"
	grep -qi '^content-type: text/plain; charset=utf-8' "$T/head" || fail "/api/tree/$p: not text/plain"
	n=$((n + 1))
done

# mem: a range at rsp, the same bytes as cat -s -n
RSP=$("$HS" cat "$TR" "time/$MID/reg/rsp")
"$HS" cat -s "$RSP" -n 256 "$TR" "time/$MID/mem" >"$T/want"
expect_status 200 "/api/tree/time/$MID/mem?offset=$RSP&length=256"
same_file "mem at rsp" "$T/want" "$T/body"
grep -qi '^content-type: application/octet-stream' "$T/head" || fail "mem is not application/octet-stream"
expect_status 400 "/api/tree/time/$MID/mem"                              # length required
expect_status 400 "/api/tree/time/$MID/mem?offset=$RSP&length=2000000"   # over 1 MiB
expect_status 422 "/api/tree/time/$MID/mem?offset=0x10&length=16"        # not mapped
json 'j["errno"]' <"$T/body" | grep -qx EIO || fail "unmapped mem: errno is not EIO: $(cat "$T/body")"
expect_status 404 "/api/tree/time/$MID/nosuchfile"
json 'j["errno"]' <"$T/body" | grep -qx ENOENT || fail "missing file: errno is not ENOENT"
expect_status 404 "/api/tree/time/$((END + 1000))/regs"

# a folder: the same names as hindsight ls, with types
"$HS" ls "$TR" "time/$MID" >"$T/want"
expect_status 200 "/api/tree/time/$MID"
json '"\n".join(e["name"] for e in j["entries"])' <"$T/body" >"$T/got"
same_file "listing of time/$MID" "$T/want" "$T/got"
json '[e["type"] for e in j["entries"] if e["name"] == "next"][0]' <"$T/body" | grep -qx link ||
	fail "next is not listed as a link"
json 'j["path"]' <"$T/body" | grep -qx "time/$MID" || fail "listing path is not time/$MID"
expect_status 200 "/api/tree/"
json 'len(j["entries"]) > 5' <"$T/body" | grep -qx True || fail "the root lists too little"

# links
expect_status 200 "/api/link/time/$MID/next"
json 'j["target"] + " " + j["path"]' <"$T/body" | grep -qx "../$((MID + 1)) time/$((MID + 1))" ||
	fail "link time/$MID/next: $(cat "$T/body")"
expect_status 200 "/api/link/time/start/next"
json 'j["path"]' <"$T/body" | grep -qx "time/1" || fail "link time/start/next: $(cat "$T/body")"
expect_status 404 "/api/link/time/$MID/nosuchlink"
expect_status 400 "/api/link/time/$MID/regs"

# lines: any window equals sed on the whole file
"$HS" cat "$TR" events >"$T/events"
total=$(wc -l <"$T/events")
for w in "0 5" "7 3" "$((total - 2)) 10" "$total 4"; do
	set -- $w
	expect_status 200 "/api/lines/events?start=$1&count=$2"
	json '"\n".join(j["lines"])' <"$T/body" | sed '/^$/d' >"$T/got"
	sed -n "$(($1 + 1)),$(($1 + $2))p" "$T/events" >"$T/want"
	same_file "lines $1+$2 of events" "$T/want" "$T/got"
	json 'j["total"]' <"$T/body" | grep -qx "$total" || fail "lines total is not $total"
done
expect_status 400 "/api/lines/events?start=x"

# moment: registers and links as the tree says
expect_status 200 "/api/moment?t=$MID"
json '"\n".join(k + " " + v for k, v in j["regs"].items())' <"$T/body" >"$T/got"
"$HS" cat "$TR" "time/$MID/regs" >"$T/want"
same_file "moment regs" "$T/want" "$T/got"
json '"%s %s %s" % (j["links"]["next"], j["links"]["prev"], j["t"])' <"$T/body" |
	grep -qx "$((MID + 1)) $((MID - 1)) $MID" || fail "moment links: $(head -c 300 "$T/body")"
json 'j["insn"]' <"$T/body" >"$T/got"
"$HS" cat "$TR" "time/$MID/insn" >"$T/want"
same_file "moment insn" "$T/want" "$T/got"
json 'j["disasm"][0]["current"] and len(j["disasm"]) > 1 and j["paths"]["regs"] == "time/'$MID'/regs"' \
	<"$T/body" | grep -qx True || fail "moment disasm/paths: $(head -c 300 "$T/body")"
expect_status 400 "/api/moment"
expect_status 404 "/api/moment?t=$((END + 5))"
expect_status 404 "/api/moment?t=5&image=7"

# origin: the last write, as hindsight query last-write says
want=$("$HS" query "$TR" last-write "$RSP" 8 "$MID" | awk '{ print $1, $5, $6 }')
expect_status 200 "/api/origin?t=$MID&addr=$RSP&len=8"
got=$(json '"%d %s %d" % (j["t"], j["kind"], j["tid"])' <"$T/body")
[ "$got" = "$want" ] || fail "origin: got '$got', query last-write says '$want'"
# a register's origin: its value there is the value at MID, and the state
# before differs (the instruction before wrote it)
expect_status 200 "/api/origin?t=$MID&reg=rax"
t0=$(json 'j["t"]' <"$T/body")
[ "$t0" -gt 0 ] && [ "$t0" -le "$MID" ] || fail "reg origin t: $(cat "$T/body")"
[ "$("$HS" cat "$TR" "time/$t0/reg/rax")" = "$("$HS" cat "$TR" "time/$MID/reg/rax")" ] ||
	fail "reg origin: rax at $t0 differs from rax at $MID"
[ "$("$HS" cat "$TR" "time/$((t0 - 1))/reg/rax")" != "$("$HS" cat "$TR" "time/$MID/reg/rax")" ] ||
	fail "reg origin: rax at $((t0 - 1)) is already the value at $MID"
expect_status 404 "/api/origin?t=$MID&reg=nosuchreg"
expect_status 400 "/api/origin?t=$MID"

# source: the file time/<main>/source names; its text is sources/PATH and
# its counts are the line counts of lines/PATH/<n>
MAINT=$("$HS" ls -l "$TR" time | sed -n 's/.* main -> //p')
SRC=$("$HS" cat "$TR" "time/$MAINT/source")
case $SRC in */example.c:[0-9]*) ;; *) fail "time/$MAINT/source is '$SRC'" ;; esac
SPATH=${SRC%:*}
expect_status 200 "/api/moment?t=$MAINT"
json 'j["source"]' <"$T/body" | grep -qxF "$SRC" || fail "moment source: $(json 'j["source"]' <"$T/body")"
expect_status 200 "/api/source?path=$SPATH"
json 'j["text"]' <"$T/body" >"$T/got"
{ "$HS" cat "$TR" "sources/$SPATH"; echo; } >"$T/want" # json prints a newline more
same_file "source text" "$T/want" "$T/got"
json '"\n".join("%d %d" % (l, n) for l, n in j["ran"])' <"$T/body" >"$T/got"
for l in $("$HS" ls "$TR" "lines/$SPATH"); do
	echo "$l $("$HS" cat "$TR" "lines/$SPATH/$l" | wc -l)"
done >"$T/want"
same_file "source counts" "$T/want" "$T/got"
expect_status 400 "/api/source?path=/etc/passwd"
expect_status 400 "/api/source?path=a/../../etc/passwd"
expect_status 400 "/api/source?path=./x.c"
expect_status 200 "/api/source?path=no/such/file.c"
json 'j["text"] is None and j["ran"] is None' <"$T/body" | grep -qx True || fail "unknown source: $(cat "$T/body")"

# info
expect_status 200 /api/info
json 'j["t_end"] == '"$END"' and j["built"] and j["marks"]["end"] == '"$END"' and j["images"][0]["name"] == "'"$IMG"'"' \
	<"$T/body" | grep -qx True || fail "info: $(cat "$T/body")"
# the UI's bundle: gzip-encoded to a browser that accepts it, the same bytes
curl -s -D "$T/gzh" -H 'Accept-Encoding: gzip, deflate' -o "$T/app.gz" "$BASE/assets/app.js" ||
	fail "GET /assets/app.js failed"
grep -qi '^content-encoding: gzip' "$T/gzh" || fail "app.js is not gzip-encoded: $(tr -d '\r' <"$T/gzh")"
gzip -dc "$T/app.gz" | cmp -s - "$ROOT/server/ui/dist/app.js" || fail "gunzipped app.js differs from dist/app.js"
curl -s -D "$T/plainh" -H 'Accept-Encoding: gzip;q=0' -o "$T/app.js" "$BASE/assets/app.js"
grep -qi '^content-encoding' "$T/plainh" && fail "gzip;q=0 still got an encoded app.js"
cmp -s "$T/app.js" "$ROOT/server/ui/dist/app.js" || fail "app.js without gzip differs from dist/app.js"

serve_stop
pass "$n files, mem, folders, links, lines, moment, origin"
