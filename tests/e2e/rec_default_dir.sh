#!/bin/bash
# rec_default_dir.sh - record without -o writes a new folder under ~/.local/share/hindsight/ and points `latest` at it.
. "$(dirname "$0")/lib.sh"
require_built small exitcode

export HOME=$T/home
mkdir -p "$HOME"
base=$HOME/.local/share/hindsight

timeout -k 10 "$STEP_TIMEOUT" "$HS" record -- "$PROGS/small" </dev/null >"$T/1.out" 2>"$T/1.err" ||
	fail "first record without -o exited $?: $(tail -n 1 "$T/1.err")"
[ -L "$base/latest" ] || fail "$base/latest is not a symlink"
first=$(readlink -f "$base/latest")
[ -d "$first" ] || fail "latest points at '$first', not a folder"
"$HS" info "$base/latest" | grep -q '^command:.*small' || fail "info latest does not show the small program"

timeout -k 10 "$STEP_TIMEOUT" "$HS" record -- "$PROGS/exitcode" </dev/null >"$T/2.out" 2>"$T/2.err"
rc=$?
[ "$rc" = 3 ] || fail "second record without -o exited $rc, expected 3"
second=$(readlink -f "$base/latest")
[ "$first" != "$second" ] || fail "the second recording reused the first one's folder"
[ -d "$first" ] || fail "the second recording removed the first one"
"$HS" info "$base/latest" | grep -q '^command:.*exitcode' || fail "latest does not point at the newest recording"
pass
