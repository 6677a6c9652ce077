#!/bin/bash
# src_ln_hits.sh - lines/FILE/N holds one moment per hit of gdb's `break FILE:N`.
#
# gdb (src_ln_hits.py) puts a counting breakpoint on every line of the
# test's files and runs the program natively; for each line gdb takes the
# number of moments in lines/FILE/N must equal the hits.  A line without
# code is gdb's next line with code (gdb moves the breakpoint there).
# ln_hits.c has loops, several calls on one line, a line spread over rows,
# inlined code and a header line used by two functions; it runs at -O0 and
# -O2 (where a line has several locations, one per block, a line's only
# statement row may lie past the first row of its statement, and gdb's
# line table loses a line's rows at an address where an inlined header
# line's row follows: `break` on from_b's lines moves to main).
# ln_cold.c and ln_tmpl.cc at -O2: gcc puts unlikely code (a call to a
# cold function, a throw, a catch) in work.cold / main.cold, below the
# function's entry, and gdb moves those locations to the entry (one more
# location, and hit, where the line also has one there).  With clang:
# its prologue_end rows and line-0 rows inside functions.
# ln_deep.cc (g++ and clang++, -O0 and -O2; non-PIE): at -O2 four nested
# inlined copies start at one address (17 rows there: break on the
# innermost copy's lines has a location at it), std::vector and std::map
# inlined deep, a virtual thunk with line rows (a location of its own).
# There also the backtrace at the first time the pc reaches each location
# of Both::vb's line and each landing pad of catcher (an unwound call's
# return: clang's pads are line-0 rows, which gdb drops, so the pad is
# the line of the row before it) equals gdb's at `break *ADDR`
# (src_ln_bt.py): frame names ("virtual thunk to Both::vb()" by its
# symbol), file:line (none for a call site of line 0), the inlined copies
# where libdw's dwarf_getscopes finds no scope (clang -O2: Item::operator=
# inlined in std::__insertion_sort).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
command -v g++ >/dev/null || fail "g++ is not installed"
[ -x "$HS" ] || fail "$HS is not built (run make)"
SRC=$ROOT/tests/programs
B=$T/bin
mkdir -p "$B"
gcc -g -O0 -fno-omit-frame-pointer -o "$B/ln_hits" "$SRC/ln_hits.c" &&
	gcc -g -O2 -o "$B/ln_hits_o2" "$SRC/ln_hits_o2.c" &&
	gcc -g -O2 -o "$B/val_tls_o2" "$SRC/val_tls_o2.c" -pthread &&
	g++ -g -O0 -o "$B/ln_tmpl" "$SRC/ln_tmpl.cc" &&
	g++ -g -O2 -o "$B/ln_tmpl_o2" "$SRC/ln_tmpl.cc" &&
	gcc -g -O2 -o "$B/ln_cold" "$SRC/ln_cold.c" &&
	g++ -g -O0 -no-pie -o "$B/ln_deep" "$SRC/ln_deep.cc" &&
	g++ -g -O2 -no-pie -o "$B/ln_deep_o2" "$SRC/ln_deep.cc" ||
	fail "could not compile the test programs"
progs="ln_hits ln_hits_o2 val_tls_o2 ln_tmpl ln_tmpl_o2 ln_cold ln_deep ln_deep_o2"
if command -v clang >/dev/null && command -v clang++ >/dev/null; then
	clang -g -O0 -o "$B/ln_hits_clang" "$SRC/ln_hits.c" &&
		clang++ -g -O0 -o "$B/ln_tmpl_clang" "$SRC/ln_tmpl.cc" &&
		clang++ -g -O2 -o "$B/ln_tmpl_clang_o2" "$SRC/ln_tmpl.cc" &&
		clang++ -g -O0 -no-pie -o "$B/ln_deep_clang" "$SRC/ln_deep.cc" &&
		clang++ -g -O2 -no-pie -o "$B/ln_deep_clang_o2" "$SRC/ln_deep.cc" ||
		fail "clang could not compile the test programs"
	progs="$progs ln_hits_clang ln_tmpl_clang ln_tmpl_clang_o2 ln_deep_clang ln_deep_clang_o2"
else
	note "clang is not installed: its programs are left out"
fi

# frames FILE: the frames of a backtrace (gdb's BT lines or Hindsight's)
# up to main's, "NAME|FILE:LINE" each
hs_frames()
{
	local num rest name tail
	while read -r num rest; do
		name=${rest%+0x*}
		tail=${rest##*+0x}
		tail=${tail#* }
		case $tail in
		*:*' '*) echo "$name|${tail%% *}" ;;
		*) echo "$name|-" ;;
		esac
		[ "$name" = main ] && break
	done
}

# bt_check PROG MNT: the backtrace at the first moment each pc of Both::vb's
# line's moments, of Item's (its implicit members inlined deep in
# std::sort) and of catcher's landing pads ran against gdb's (an
# internal breakpoint: gdb hides the inlined copies that start at the pc,
# as time/<t> does)
bt_check()
{
	local p=$1 M=$2 vline iline t pc pcs="" n=0 want got
	vline=$(grep -n 'int vb() override' "$SRC/ln_deep.cc" | cut -d: -f1)
	iline=$(grep -n '^struct Item {' "$SRC/ln_deep.cc" | cut -d: -f1)
	declare -A first=()
	for t in $(cat "$M/lines$SRC/ln_deep.cc/$vline" "$M/lines$SRC/ln_deep.cc/$iline") \
		$(grep unwound "$M/calls/guarded" | cut -d' ' -f2); do
		pc=$(cut -d' ' -f1 <"$M/time/$t/insn")
		[ -n "${first[$pc]:-}" ] && [ "${first[$pc]}" -le "$t" ] && continue
		first[$pc]=$t
	done
	for pc in "${!first[@]}"; do pcs="$pcs'$pc',"; done
	[ "${#first[@]}" -ge 2 ] || fail "$p: only ${#first[@]} pcs of Both::vb's line and pads"
	gdb -batch -nx -ex "python PCS=[$pcs]" -x "$ROOT/tests/e2e/src_ln_bt.py" "$B/$p" \
		>"$T/$p.bt" 2>&1 </dev/null
	for pc in "${!first[@]}"; do
		t=${first[$pc]}
		want=$(grep "^BT $pc " "$T/$p.bt" | cut -d' ' -f4-)
		[ -n "$want" ] || fail "$p: gdb never stopped at $pc: $(tail -n 2 "$T/$p.bt" | tr '\n' ' ')"
		got=$(hs_frames <"$M/time/$t/backtrace")
		n=$((n + 1))
		if [ "$want" != "$got" ]; then
			note "$p: backtrace at time/$t (pc $pc): $(echo "$got" | tr '\n' ' ')," \
				"gdb's: $(echo "$want" | tr '\n' ' ')"
			bad=$((bad + 1))
		fi
	done
	bts="$bts $p:$n"
}

bad=0
bts=""
# val_tls_o2: `sink = i;` in use() has its one statement row past the
# statement's first row
# ln_tmpl: C++ (a template line in two functions, in-class methods, a
# lambda, an exception)
for p in $progs; do
	TR=$T/$p.trace
	record_ok "$TR" "$B/$p"
	build_ok "$TR"
	files="'$SRC/ln_hits.c', '$SRC/ln_hdr.h'"
	[ "$p" = val_tls_o2 ] && files="'$SRC/val_tls.c'"
	case $p in ln_tmpl*) files="'$SRC/ln_tmpl.cc'" ;; ln_deep*) files="'$SRC/ln_deep.cc'" ;; esac
	[ "$p" = ln_cold ] && files="'$SRC/ln_cold.c'"
	gdb -batch -nx -ex "python FILES=[$files]" \
		-x "$ROOT/tests/e2e/src_ln_hits.py" "$B/$p" >"$T/$p.gdb" 2>&1 </dev/null
	grep -q '^HITS' "$T/$p.gdb" || fail "$p: gdb gave no counts: $(tail -n 3 "$T/$p.gdb" | tr '\n' ' ')"
	M=$T/mnt.$p
	mount_tree "$TR" "$M" # one mount: a `hindsight cat` per line loads DWARF each time
	n=0
	while read -r _ file line want; do
		got=$(cat "$M/lines$file/$line" 2>/dev/null | wc -l)
		n=$((n + 1))
		if [ "$got" != "$want" ]; then
			note "$p: $(basename "$file"):$line: lines/ has $got, gdb's break hits $want"
			bad=$((bad + 1))
		fi
	done < <(grep '^HITS' "$T/$p.gdb")
	case $p in ln_deep*) bt_check "$p" "$M" ;; esac
	unmount_tree "$M"
	[ "$n" -ge 10 ] || fail "$p: only $n lines compared"
	grep -q '^MOVED' "$T/$p.gdb" || fail "$p: gdb moved no line without code"
done
[ "$bad" = 0 ] || fail "$bad lines differ from gdb's break hit counts (see the log)"

# ln_steps: gdb's `step` into helper stops in ln_steps_only.c, where
# `break` finds no line: lines/ still lists the file (it has line starts),
# with no line in it
# (the assembler names ln_steps_only.c in its working folder, $T)
(cd "$T" && gcc -g -O0 -o "$B/ln_steps" "$SRC/ln_steps.c" "$SRC/ln_steps_asm.s") ||
	fail "could not build ln_steps"
gdb -batch -nx -ex "break ln_steps.c:12" -ex run -ex step -ex "info line *\$pc" \
	-ex "break ln_steps_only.c:3" "$B/ln_steps" >"$T/steps.gdb" 2>&1 </dev/null
grep -q '^Line 3 of "ln_steps_only.c"' "$T/steps.gdb" ||
	fail "gdb's step did not stop in ln_steps_only.c: $(tail -n 4 "$T/steps.gdb" | tr '\n' ' ')"
grep -q 'No line 3 in file "ln_steps_only.c"' "$T/steps.gdb" ||
	fail "gdb's break found ln_steps_only.c:3: $(tail -n 4 "$T/steps.gdb" | tr '\n' ' ')"
TR=$T/ln_steps.trace
record_ok "$TR" "$B/ln_steps"
build_ok "$TR"
hls() { timeout -k 10 "$STEP_TIMEOUT" "$HS" ls "$TR" "$@"; }
hls "lines$T" | grep -qx ln_steps_only.c ||
	fail "lines/ does not list ln_steps_only.c: $(hls "lines$T" | tr '\n' ' ')"
[ -z "$(hls "lines$T/ln_steps_only.c")" ] || fail "ln_steps_only.c has lines in lines/"
[ "$(hcat "lines$T/ln_steps_only.c/3" 2>/dev/null | wc -l)" = 0 ] ||
	fail "lines/ln_steps_only.c/3 has hits"
pass "lines/ counts equal gdb's break hits on every line (those without code too) of $progs; a file with step stops only is listed; backtraces at thunks and landing pads equal gdb's ($bts)"
