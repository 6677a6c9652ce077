#!/bin/bash
# src_bad_input.sh - the source-level tree without debug info, with a missing ELF file, and with corrupt DWARF: still browsable, clear notes, no crash.
#
# Three copies of recursive (-O0 -g):
#  - stripped (strip --strip-all): no symbols, no DWARF.  where is
#    "0xADDR in stripped", locals/ holds only no-debug-info ("no debug info
#    at ..."), calls/ names the program's functions by address, lines/ has
#    none of its lines; libc's functions keep their names.
#  - gone: recorded, then deleted before the build.  modules says
#    "file not found" on its line; the rest as stripped.
#  - corrupt: the first 64 bytes of .debug_info overwritten with 0xff.
#    modules names the file and the problem, where still has its function
#    names (from .symtab), the rest of the process (libc) keeps its DWARF.
# Every path is read with hindsight cat/ls, whose exit status must be 0
# (or 1 with a one-line reason for a path that does not exist), never a
# crash (a signal: status >= 128).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built recursive

# hs_ok CMD ARGS...: run hindsight, fail on a crash or a non-zero status
hs_ok()
{
	"$HS" "$@" >"$T/out" 2>"$T/err"
	local rc=$?
	[ "$rc" -lt 128 ] || fail "hindsight $* crashed (status $rc)"
	[ "$rc" = 0 ] || fail "hindsight $* exited $rc: $(head -n 1 "$T/err")"
}

# t_in_program TRACE PROGPATH: a t at which rip is in the program's own code
# (just after a call from _start or main into it, from calls/)
t_in_program()
{
	local tr=$1 name lo hi t
	read -r lo hi < <(awk -v p="$2" '$2 == p { split($1, r, "-"); print r[1], r[2] }' <("$HS" cat "$tr" modules))
	[ -n "$lo" ] || fail "modules has no line for $2: $("$HS" cat "$tr" modules | head -n 3 | tr '\n' ' ')"
	for name in $("$HS" ls "$tr" calls); do
		case $name in 0x*) ;; *) continue ;; esac
		if [ $((name)) -ge $((lo)) ] && [ $((name)) -lt $((hi)) ]; then
			t=$("$HS" cat "$tr" "calls/$name" | head -n 1 | cut -d' ' -f1)
			echo $((t + 1))
			return 0
		fi
	done
	fail "no call into $2 found in calls/ of $tr: $("$HS" ls "$tr" calls | head -n 5 | tr '\n' ' ')"
}

# common TRACE PROGPATH BASENAME: what every broken copy must still give
common()
{
	local tr=$1 prog=$2 base=$3 t n
	t=$(t_in_program "$tr" "$prog")
	hs_ok cat "$tr" "time/$t/where"
	grep -Eq "^0x[0-9a-f]+ in $base\$" "$T/out" || fail "$base: where at $t: '$(cat "$T/out")'"
	hs_ok ls "$tr" "time/$t/locals"
	[ "$(cat "$T/out")" = no-debug-info ] || fail "$base: ls locals at $t: '$(tr '\n' ' ' <"$T/out")'"
	hs_ok cat "$tr" "time/$t/locals/no-debug-info"
	grep -q "^no debug info at 0x[0-9a-f]* in $base\$" "$T/out" || fail "$base: no-debug-info says '$(cat "$T/out")'"
	hs_ok cat "$tr" "time/$t/backtrace"
	grep -q "^#0 0x" "$T/out" || fail "$base: backtrace at $t: '$(head -n 1 "$T/out")'"
	# libc's frames keep their names (from libc's symbols, or its DWARF
	# with libc6-dbg)
	grep -q "^#[1-9][0-9]* __libc_start" "$T/out" ||
		fail "$base: libc lost its names in the backtrace: '$(tr '\n' ' ' <"$T/out")'"
	hs_ok ls "$tr" lines
	hs_ok ls "$tr" sources
	# every calls/ file reads (one process: each opens the debug info)
	hs_ok ls "$tr" calls
	n=$(wc -l <"$T/out")
	[ "$n" -gt 5 ] || fail "$base: only $n calls/ files"
	# shellcheck disable=SC2046
	hs_ok cat "$tr" $(sed 's|^|calls/|' "$T/out")
	[ "$(wc -l <"$T/out")" -ge "$n" ] || fail "$base: calls/ files hold fewer lines than there are names"
	# and the program's lines are not in lines/ (no DWARF for it)
	"$HS" ls "$tr" "lines$(dirname "$ROOT/tests/programs/recursive.c")" >/dev/null 2>&1 &&
		"$HS" ls "$tr" "lines$ROOT/tests/programs/recursive.c" >/dev/null 2>&1 &&
		fail "$base: lines/ lists recursive.c's lines"
	return 0
}

# ---- stripped ---------------------------------------------------------------------
mkdir -p "$T/s" && cp "$PROGS/recursive" "$T/s/stripped" && strip --strip-all "$T/s/stripped" || fail "strip"
record_ok "$T/stripped" "$T/s/stripped"
build_ok "$T/stripped"
hs_ok cat "$T/stripped" modules
grep -q "$T/s/stripped no-symbols no-dwarf" "$T/out" || fail "stripped: modules: $(grep stripped "$T/out")"
common "$T/stripped" "$T/s/stripped" stripped

# ---- missing ------------------------------------------------------------------------
mkdir -p "$T/g" && cp "$PROGS/recursive" "$T/g/gone" || fail "cp"
record_ok "$T/gone" "$T/g/gone"
rm -f "$T/g/gone"
build_ok "$T/gone"
hs_ok cat "$T/gone" modules
grep "$T/g/gone " "$T/out" | grep -q "not found" || fail "gone: modules: '$(grep gone "$T/out")'"
common "$T/gone" "$T/g/gone" gone

# ---- corrupt DWARF ------------------------------------------------------------------------
mkdir -p "$T/c" && cp "$PROGS/recursive" "$T/c/corrupt" || fail "cp"
off=$(readelf -SW "$T/c/corrupt" | awk '$2 == ".debug_info" { print $5 } $3 == ".debug_info" { print $6 }' | head -n 1)
[ -n "$off" ] || fail "no .debug_info in recursive"
head -c 64 /dev/zero | tr '\0' '\377' | dd of="$T/c/corrupt" bs=1 seek=$((0x$off)) conv=notrunc status=none || fail "dd"
record_ok "$T/corrupt" "$T/c/corrupt"
build_ok "$T/corrupt"
hs_ok cat "$T/corrupt" modules
grep "$T/c/corrupt" "$T/out" | grep -qi "dwarf" || fail "corrupt: modules: '$(grep corrupt "$T/out" | tr '\n' ' ')'"
grep "^0x[0-9a-f]*-0x[0-9a-f]* $T/c/corrupt " "$T/out" | grep -q " symbols no-dwarf" || fail "corrupt: modules line: '$(grep corrupt "$T/out" | head -n 1)'"
# its functions keep their names (.symtab), with no line
hs_ok ls "$T/corrupt" calls
grep -qx height "$T/out" || fail "corrupt: calls/ lacks height: $(tr '\n' ' ' <"$T/out" | head -c 300)"
t=$(( $("$HS" cat "$T/corrupt" calls/height | head -n 1 | cut -d' ' -f1) + 1 ))
hs_ok cat "$T/corrupt" "time/$t/where"
grep -Eq '^height\+0x0$' "$T/out" || fail "corrupt: where at $t: '$(cat "$T/out")'"
hs_ok ls "$T/corrupt" "time/$t/locals"
[ "$(cat "$T/out")" = no-debug-info ] || fail "corrupt: ls locals at $t: '$(tr '\n' ' ' <"$T/out")'"
[ "$("$HS" cat "$T/corrupt" calls/height | wc -l)" = 23 ] || fail "corrupt: calls/height has $("$HS" cat "$T/corrupt" calls/height | wc -l) lines, expected 23"

# ---- damaged database ------------------------------------------------------------------
# A flipped byte in events.hdb's first block (past the 128-byte file
# header and the 32-byte block header): the image's mappings cannot
# be read, so its debug information cannot be built.  Every source-level
# path then fails with one "hindsight ..." line naming why (exit 1), never
# a crash; sources/ once listed through an unset pointer here.
cp -r "$T/corrupt" "$T/damaged" || fail "cp"
img=$(basename "$(ls -d "$T"/damaged/db/*/ | head -n 1)")
"$PY" -c '
import sys
f = open(sys.argv[1], "r+b"); f.seek(184); b = f.read(1)
f.seek(184); f.write(bytes([b[0] ^ 0x5a]))' "$T/damaged/db/$img/events.hdb" || fail "flip"
for q in "ls sources" "ls sources/usr" "ls calls" "cat modules" "cat time/$t/where" \
	"cat time/$t/backtrace" "ls time/$t/locals" "cat time/main"; do
	# shellcheck disable=SC2086 # the question is words
	set -- $q
	"$HS" "$1" "$T/damaged" "$2" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 1 ] || fail "damaged: hindsight $q exited $rc (want 1): $(head -n 3 "$T/err" | tr '\n' ' ')"
	grep -q "^hindsight $1: $2: " "$T/err" || fail "damaged: hindsight $q said '$(tr '\n' ' ' <"$T/err")'"
done

pass "stripped, missing and corrupt-DWARF recordings browse with addresses and notes; a damaged database fails cleanly"
