#!/bin/bash
# src_regs_gdb.sh - regs and reg/ against gdb's `info registers` on a
# native run: at two lines reached after flag-setting arithmetic, rflags
# (gdb's eflags: with IF and bit 1, which every user-mode rflags has),
# the segment registers and gs_base, and reg/eflags (gdb's name) equal to
# reg/rflags.  Registers whose values depend on where things are mapped
# (pointers, fs_base) are not compared: Valgrind maps elsewhere.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built regs_flags
SRC=$ROOT/tests/programs/regs_flags.c
REGS="eflags cs ss ds es fs gs gs_base"

record_ok "$T/r" "$PROGS/regs_flags"
build_ok "$T/r"
n=0
for mark in after-xor after-sub; do
	line=$(grep -n "mark: $mark\b" "$SRC" | cut -d: -f1)
	timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -ex "break regs_flags.c:$line" -ex run \
		-ex "info registers $REGS" "$PROGS/regs_flags" </dev/null >"$T/$mark.gdb" 2>&1 ||
		fail "$mark: gdb: $(tail -n 2 "$T/$mark.gdb" | tr '\n' ' ')"
	t=$("$HS" cat "$T/r" "lines$(dirname "$SRC")/regs_flags.c/$line" | head -n 1 | cut -d' ' -f1)
	[ -n "$t" ] || fail "$mark: lines/.../regs_flags.c/$line has no t"
	"$HS" cat "$T/r" "time/$t/regs" >"$T/$mark.regs" || fail "$mark: time/$t/regs"
	for r in $REGS; do
		want=$(awk -v r="$r" '$1 == r { print $2 }' "$T/$mark.gdb")
		[ -n "$want" ] || fail "$mark: gdb printed no $r: $(tr '\n' ' ' <"$T/$mark.gdb" | tail -c 300)"
		tr=$r
		[ "$r" = eflags ] && tr=rflags
		got=$(awk -v r="$tr" '$1 == r { print $2 }' "$T/$mark.regs")
		[ -n "$got" ] && [ $((got)) = $((want)) ] ||
			fail "$mark (t=$t): $r: gdb $want, regs '$got'"
		n=$((n + 1))
	done
	cmp -s <("$HS" cat "$T/r" "time/$t/reg/eflags") <("$HS" cat "$T/r" "time/$t/reg/rflags") ||
		fail "$mark: reg/eflags is not reg/rflags"
done
# the two marks differ in their flags (the test compares something)
[ "$(awk '$1 == "eflags" { print $2 }' "$T/after-xor.gdb")" != \
  "$(awk '$1 == "eflags" { print $2 }' "$T/after-sub.gdb")" ] || note "the two marks have the same eflags"
pass "$n registers equal to gdb's at 2 lines"
