#!/bin/bash
# src_ln_hits.sh - lines/FILE/N holds one moment per hit of gdb's `break FILE:N`.
#
# gdb (src_ln_hits.py) puts a counting breakpoint on every line with code of
# ln_hits.c and ln_hdr.h and runs the program natively; for each such line
# the number of moments in lines/FILE/N must equal the hits.  ln_hits.c has
# loops, several calls on one line, a line spread over rows, inlined code
# and a header line used by two functions; it runs at -O0 and -O2 (where a
# line has several locations, one per block, and a line's only statement
# row may lie past the first row of its statement).
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
	g++ -g -O0 -o "$B/ln_tmpl" "$SRC/ln_tmpl.cc" ||
	fail "could not compile the test programs"

bad=0
# val_tls_o2: `sink = i;` in use() has its one statement row past the
# statement's first row
# ln_tmpl: C++ (a template line in two functions, in-class methods, a
# lambda, an exception); at -O2 g++ puts a line's rows in main.cold before
# main's entry, and gdb moves those locations to main's entry, one more
# location (and hit) at that pc: not modelled, so -O0 only.
for p in ln_hits ln_hits_o2 val_tls_o2 ln_tmpl; do
	TR=$T/$p.trace
	record_ok "$TR" "$B/$p"
	build_ok "$TR"
	files="'$SRC/ln_hits.c', '$SRC/ln_hdr.h'"
	[ "$p" = val_tls_o2 ] && files="'$SRC/val_tls.c'"
	[ "$p" = ln_tmpl ] && files="'$SRC/ln_tmpl.cc'"
	gdb -batch -nx -ex "python FILES=[$files]" \
		-x "$ROOT/tests/e2e/src_ln_hits.py" "$B/$p" >"$T/$p.gdb" 2>&1 </dev/null
	grep -q '^HITS' "$T/$p.gdb" || fail "$p: gdb gave no counts: $(tail -n 3 "$T/$p.gdb" | tr '\n' ' ')"
	n=0
	while read -r _ file line want; do
		got=$(hcat "lines$file/$line" 2>/dev/null | wc -l)
		n=$((n + 1))
		if [ "$got" != "$want" ]; then
			note "$p: $(basename "$file"):$line: lines/ has $got, gdb's break hits $want"
			bad=$((bad + 1))
		fi
	done < <(grep '^HITS' "$T/$p.gdb")
	[ "$n" -ge 10 ] || fail "$p: only $n lines compared"
done
[ "$bad" = 0 ] || fail "$bad lines differ from gdb's break hit counts (see the log)"
pass "lines/ counts equal gdb's break hits on every line of ln_hits (-O0, -O2) val_tls_o2 and ln_tmpl (C++)"
