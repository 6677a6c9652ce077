#!/bin/bash
# src_sources.sh - sources/ and --sources DIR: a program whose source folder moved after the build.
#
# recursive.c is compiled (-g -O0) from $T/build-here/src/, recorded and
# built, and then its folder is moved to $T/moved/.  The DWARF path no
# longer exists, so:
#  - without --sources, sources/ does not list the file, and where/lines
#    still name it (they need no text);
#  - with --sources $T/moved (cat, ls and mount), sources/<DWARF path>
#    is the moved file, byte for byte;
#  - a --sources folder that does not exist changes nothing and breaks
#    nothing.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
require_built
command -v cc >/dev/null || fail "no C compiler"

mkdir -p "$T/build-here/src" && cp "$ROOT/tests/programs/recursive.c" "$T/build-here/src/" || fail "cp"
(cd "$T/build-here" && cc -g -O0 -o prog src/recursive.c) || fail "cc"
record_ok "$T/tr" "$T/build-here/prog"
build_ok "$T/tr"
mkdir -p "$T/moved" && mv "$T/build-here/src" "$T/moved/" || fail "mv"
DW=$T/build-here/src/recursive.c
rel=${DW#/}

"$HS" ls "$T/tr" "sources/$(dirname "$rel")" >"$T/ls0" 2>&1 && grep -qx recursive.c "$T/ls0" &&
	fail "sources/ lists a file that no longer exists"
# lines/ and where need no source text
"$HS" ls "$T/tr" "lines/$rel" >"$T/lines" 2>"$T/err" || fail "ls lines/$rel: $(cat "$T/err")"
[ "$(wc -l <"$T/lines")" -gt 10 ] || fail "lines/$rel lists $(wc -l <"$T/lines") lines"
# (the last line, main's closing brace: a function's first line is located
# past the prologue as gdb's break puts it, where `where` shows the next)
t=$("$HS" cat "$T/tr" "lines/$rel/$(tail -n 1 "$T/lines")" | head -n 1)
"$HS" cat "$T/tr" "time/$t/where" | grep -q " recursive.c:$(tail -n 1 "$T/lines")\$" ||
	fail "where at $t: $("$HS" cat "$T/tr" "time/$t/where")"

# --sources with cat and ls (a missing folder first: it is skipped)
"$HS" ls --sources "$T/nowhere" --sources "$T/moved" "$T/tr" "sources/$(dirname "$rel")" >"$T/ls1" 2>"$T/err" ||
	fail "ls --sources: $(cat "$T/err")"
grep -qx recursive.c "$T/ls1" || fail "ls --sources: $(tr '\n' ' ' <"$T/ls1")"
"$HS" cat --sources "$T/moved" "$T/tr" "sources/$rel" >"$T/cat1" 2>"$T/err" || fail "cat --sources: $(cat "$T/err")"
cmp -s "$T/cat1" "$T/moved/src/recursive.c" || fail "cat --sources: not the moved file"

# and with mount
mount_tree "$T/tr" "$T/mnt" --sources "$T/moved"
cmp -s "$T/mnt/sources/$rel" "$T/moved/src/recursive.c" || fail "mount --sources: sources/$rel differs"
grep -q "recursive.c" <(ls "$T/mnt/sources/$(dirname "$rel")") || fail "mount --sources: ls"
pass "sources/ follows --sources for cat, ls and mount"
