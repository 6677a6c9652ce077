#!/bin/bash
# api_search.sh - /api/search: functions that were called, source files and
# file:line, globals and symbols (address and size checked against the
# ELF's symbol table and the recorded mappings), marks, notes; ranking
# (exact, prefix, substring), the cap and its flag, errors.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built find_args

TR=$T/args
record_ok "$TR" "$PROGS/find_args"
build_ok "$TR"
serve_start s "$TR"
SRC=$ROOT/tests/programs/find_args.c

# q -> the first result's fields
first()
{
	expect_status 200 "/api/search?q=$1"
	json "$2" <"$T/body"
}

# a called function: exact name first; a prefix and a substring find it too
[ "$(first score 'j["results"][0]["kind"], j["results"][0]["name"]')" = "('function', 'score')" ] ||
	fail "score: $(head -c 300 "$T/body")"
[ "$(first sco 'j["results"][0]["name"]')" = score ] || fail "prefix sco: $(head -c 300 "$T/body")"
[ "$(first SCORE 'j["results"][0]["name"]')" = score ] || fail "case: $(head -c 300 "$T/body")"
first cor '[r["name"] for r in j["results"] if r["kind"] == "function"]' | grep -q '"score"' ||
	fail "substring cor does not find score: $(head -c 300 "$T/body")"
# ranking: exact before prefix before substring ("mid" is exact; "midpoint"-like
# prefixes and "...mid..." substrings come after)
first mid '[r["name"].lower() for r in j["results"]]' >"$T/names"
"$PY" -c "
import ast, sys
n = ast.literal_eval(open('$T/names').read())
rank = [0 if x == 'mid' else 1 if x.startswith('mid') else 2 for x in n]
sys.exit(0 if n and n[0] == 'mid' and rank == sorted(rank) else 1)" ||
	fail "mid: not ranked exact, prefix, substring: $(cat "$T/names")"

# a file, and file:line (a line that ran, one that did not)
LINE=$(grep -n 'note(s);' "$SRC" | cut -d: -f1)
[ "$(first find_args.c 'j["results"][0]["kind"], j["results"][0]["path"], j["results"][0]["lines"]')" = \
	"('file', '${SRC#/}', True)" ] || fail "file: $(head -c 300 "$T/body")"
[ "$(first "find_args.c:$LINE" 'j["results"][0]["kind"], j["results"][0]["line"], j["results"][0]["ran"]')" = \
	"('line', $LINE, True)" ] || fail "file:line: $(head -c 300 "$T/body")"
"$HS" cat "$TR" "lines/${SRC#/}/$LINE" >/dev/null || fail "lines/ has no $LINE"
# past the file's end no `break` can go; line 1, a comment, is gdb's
# `break` moved to the next line with code (score's), which ran
PAST=$(($(wc -l <"$SRC") + 5))
[ "$(first "find_args.c:$PAST" 'j["results"][0]["kind"], j["results"][0]["ran"]')" = "('line', False)" ] ||
	fail "a line that did not run: $(head -c 300 "$T/body")"
[ "$(first "find_args.c:1" 'j["results"][0]["kind"], j["results"][0]["ran"]')" = "('line', True)" ] ||
	fail "a line without code (gdb's break moves it to a line that ran): $(head -c 300 "$T/body")"

# a global: its address is the ELF symbol's plus the program's load base
# (the recorded mapping of file offset 0), its size the symbol's
read -r off size < <(nm -S "$PROGS/find_args" | awk '$4 == "total_seen" { print $1, $2 }')
[ -n "$off" ] || fail "nm: no total_seen"
base=$("$HS" cat "$TR" time/end/maps | awk -v p="$PROGS/find_args" '$6 == p && $3 == "00000000" { split($1, a, "-"); print a[1]; exit }')
[ -n "$base" ] || fail "no mapping of find_args at offset 0 in time/end/maps"
want=$(printf '0x%x %d' $((0x$base + 0x$off)) $((0x$size)))
[ "$(first total_seen 'j["results"][0]["kind"] + " " + j["results"][0]["addr"] + " " + str(j["results"][0]["size"])')" = \
	"variable $want" ] || fail "total_seen: want $want: $(head -c 300 "$T/body")"
# a library function that was never called: a symbol with its module
first scandir 'j["results"][0]["kind"], j["results"][0]["module"]' | grep -q "('symbol', '.*libc" ||
	fail "scandir: $(head -c 300 "$T/body")"

# marks: time/main
MAIN=$("$HS" ls -l "$TR" time | sed -n 's/.* main -> //p')
first main '[r["t"] for r in j["results"] if r["kind"] == "mark" and r["name"] == "main"]' |
	grep -qx "\[$MAIN\]" || fail "mark main (t $MAIN): $(head -c 400 "$T/body")"

# notes
expect_status 201 /api/notes -X POST -H 'Content-Type: application/json' \
	-H "Origin: http://127.0.0.1:$PORT" --data '{"t": 1234, "text": "Suspicious Frobnication here"}'
[ "$(first frobnic '[(r["kind"], r["t"]) for r in j["results"]]')" = '[["note", 1234]]' ] ||
	fail "note: $(head -c 300 "$T/body")"

# the cap: at most 50, and it says it cut
[ "$(first s 'len(j["results"]), j["truncated"], j["matched"] > 50')" = "(50, True, True)" ] ||
	fail "cap: $(head -c 200 "$T/body")"
[ "$(first zzzqqq 'len(j["results"]), j["truncated"]')" = "(0, False)" ] || fail "no match"
expect_status 400 "/api/search"
expect_status 400 "/api/search?q="
expect_status 404 "/api/search?q=x&image=9"

# fast once the lists are built (the first search built them)
t=$(curl -s -o /dev/null -w '%{time_total}' "$BASE/api/search?q=a")
"$PY" -c "import sys; sys.exit(0 if $t < 0.1 else 1)" || fail "search took $t s"
pass "functions, files, file:line, globals, symbols, marks, notes; ranked and capped; ${t}s"
