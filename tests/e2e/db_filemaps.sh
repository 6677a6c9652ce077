#!/bin/bash
# db_filemaps.sh - the file maps (query file-maps, the modules of symbols, lines and sources/) are the client's only: Valgrind's tool executable, whose trampoline page Valgrind hands to the client, is no module (its own DWARF sources are not under sources/), yet the recording keeps that page's bytes (maps and mem at t still show it).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built example

tr=$T/ex
record_ok "$tr" "$PROGS/example"
build_ok "$tr"
"$HS" query "$tr" file-maps >"$T/fmaps" 2>&1 || fail "query file-maps failed: $(head -n 1 "$T/fmaps")"
grep -q " $PROGS/example\$" "$T/fmaps" || fail "file-maps lacks the program: $(head -n 1 "$T/fmaps")"
grep -q "ld-linux-x86-64.so.2\$" "$T/fmaps" || fail "file-maps lacks the dynamic loader"
grep -q "libc.so.6\$" "$T/fmaps" || fail "file-maps lacks libc"
tool=$(grep -E '/valgrind/[^/]*-amd64-linux$' "$T/fmaps" | head -n 1)
[ -z "$tool" ] || fail "file-maps names Valgrind's tool: $tool"

# the page is still in the recording: mapped at t 100, with its code bytes
page=$("$HS" query "$tr" maps 100 | grep -E '/valgrind/[^/]*-amd64-linux$' | head -n 1)
[ -n "$page" ] || fail "maps at t 100 lost Valgrind's trampoline page (the client runs it)"
start=0x${page%%-*}
bytes=$("$HS" query "$tr" mem 100 "$start" 64 2>&1) || fail "query mem 100 $start 64 failed: $bytes"
echo "$bytes" | grep -qE ' [0-9a-f]*[1-9a-f][0-9a-f]* ' || fail "the trampoline page reads as zeros: $bytes"

# the tree's modules are the program's only: the tool, built -g from this
# repository, would add its own sources (builder/recorder/...)
fs=$("$HS" cat "$tr" calls/main 2>&1) || fail "cat calls/main failed: $fs"
out=$("$HS" ls "$tr" "sources$ROOT/tests/programs" 2>&1)
echo "$out" | grep -qx example.c || fail "sources/ lacks the program's example.c: $out"
tool_bin=$(echo "$page" | awk '{ print $NF }')
if readelf -S "$tool_bin" 2>/dev/null | grep -q debug_line; then
	out=$("$HS" ls "$tr" "sources$ROOT/builder/recorder" 2>&1) &&
		fail "sources/ lists the tool's own sources: $(echo "$out" | head -n 2 | tr '\n' ' ')"
else
	note "the tool has no DWARF lines: its sources are not checked"
fi
pass "$(wc -l <"$T/fmaps") file maps, none of the tool; its trampoline page $page kept"
