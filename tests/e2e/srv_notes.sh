#!/bin/bash
# srv_notes.sh - the notebook survives restarts, is written atomically as a
# JSON array through temp files no one can plant (stale ones are removed),
# refuses bad notes (trailing garbage, invalid UTF-8, t out of range), and
# a notes.json that is not a notebook stops the server rather than being
# overwritten.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/srv_lib.bash"
require_built example

TR=$T/ex
record_ok "$TR" "$PROGS/example"
build_ok "$TR"
NB=$T/store/nb
post()
{
	expect_status 201 /api/notes -X POST -H 'Content-Type: application/json' \
		-H "Origin: http://127.0.0.1:$PORT" --data "$1"
}

serve_start a "$TR" --storage "$NB"
expect_status 200 /api/notes
[ "$(cat "$T/body")" = "[]" ] || fail "a new notebook is not []: $(cat "$T/body")"
post '{"t": 100, "text": "the loop starts"}'
id1=$(json 'j["id"]' <"$T/body")
json 'j["t"] == 100 and j["text"] == "the loop starts" and j["created"].endswith("Z")' <"$T/body" |
	grep -qx True || fail "the new note: $(cat "$T/body")"
post '{"t": 2000, "text": "caf\u00e9 \"quoted\" </script>"}'
id2=$(json 'j["id"]' <"$T/body")
[ "$id1" != "$id2" ] || fail "two notes with one id"
serve_stop
json 'len(j)' <"$NB/notes.json" | grep -qx 2 || fail "notes.json does not hold 2 notes: $(cat "$NB/notes.json")"
ls -a "$NB" | grep -q tmp && fail "a temporary file was left in $NB: $(ls -a "$NB")"

serve_start b "$TR" --storage "$NB"
expect_status 200 /api/notes
json '" ".join(n["id"] for n in j)' <"$T/body" | grep -qx "$id1 $id2" || fail "after a restart: $(cat "$T/body")"
json 'j[1]["text"]' <"$T/body" | grep -qx 'café "quoted" </script>' || fail "text changed: $(cat "$T/body")"
expect_status 204 "/api/notes/$id1" -X DELETE -H 'Content-Type: application/json' -H "Origin: http://127.0.0.1:$PORT"
expect_status 404 "/api/notes/$id1" -X DELETE -H 'Content-Type: application/json' -H "Origin: http://127.0.0.1:$PORT"
serve_stop
serve_start c "$TR" --storage "$NB"
expect_status 200 /api/notes
json '" ".join(n["id"] for n in j)' <"$T/body" | grep -qx "$id2" || fail "after a delete and a restart: $(cat "$T/body")"
serve_stop

# bad notes: trailing garbage, invalid UTF-8, a t past the end, negative
serve_start e "$TR" --storage "$NB"
bad_note()
{
	expect_status 400 /api/notes -X POST -H 'Content-Type: application/json' \
		-H "Origin: http://127.0.0.1:$PORT" --data-binary "$1"
}
bad_note '{"t": 1, "text": "x"} trailing'
bad_note "$(printf '{"t": 1, "text": "\xff\xfe"}')"
bad_note '{"t": 99999999999999, "text": "past the end"}'
bad_note '{"t": -1, "text": "x"}'
serve_stop
json 'len(j)' <"$NB/notes.json" | grep -qx 1 || fail "a bad note was kept: $(cat "$NB/notes.json")"

# a symlink planted at the old predictable temp name, and stale temp
# files of a killed save: the target is untouched, the stale ones go
echo precious >"$T/target"
ln -s "$T/target" "$NB/.notes.json.tmp.12345"
ln -s "$T/target" "$NB/.notes.json.tmp.abcdef"
echo stale >"$NB/.notes.json.tmp.XYZ123"
serve_start f "$TR" --storage "$NB"
post '{"t": 3, "text": "after the planted links"}'
serve_stop
[ "$(cat "$T/target")" = precious ] || fail "the symlink's target was written: $(cat "$T/target")"
ls -a "$NB" | grep -q tmp && fail "stale temp files left in $NB: $(ls -a "$NB")"
json 'len(j)' <"$NB/notes.json" | grep -qx 2 || fail "notes.json after the planted links: $(cat "$NB/notes.json")"

# the default storage is TRACE/notebook
serve_start d "$TR"
post '{"t": 1, "text": "x"}'
serve_stop
[ -s "$TR/notebook/notes.json" ] || fail "no $TR/notebook/notes.json"

# a broken notebook is never overwritten
echo '{"not": "a list"' >"$NB/notes.json"
cp "$NB/notes.json" "$T/broken"
"$HS" serve --port 0 --storage "$NB" "$TR" >"$T/e.out" 2>"$T/e.err" &
pid=$!
SRV_PIDS+=("$pid")
for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "serve started on a broken notes.json"
wait "$pid"
rc=$?
[ "$rc" = 1 ] || fail "serve on a broken notebook exited $rc, expected 1"
grep -q 'notes.json' "$T/e.err" || fail "no message naming notes.json: $(cat "$T/e.err")"
cmp -s "$T/broken" "$NB/notes.json" || fail "the broken notes.json was changed"
pass
