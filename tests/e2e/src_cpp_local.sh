#!/bin/bash
# src_cpp_local.sh - C++ functions named by their local scope (a local
# class's method, lambdas, a function in an anonymous namespace) as gdb
# names them: the frame gdb shows at a breakpoint on each one's line is
# where's function there, each calls/<name> holds as many calls as gdb's
# breakpoint hits, and the enclosing function's calls/ is not swelled by
# them.  Oracle: gdb batch runs of the same program.
. "$(dirname "$0")/lib.sh"
require_built cpp_local
command -v gdb >/dev/null || fail "gdb is not installed"
P=$PROGS/cpp_local
SRC=$ROOT/tests/programs/cpp_local.cc

record_ok "$T/tr" "$P"
"$HS" build "$T/tr" >/dev/null 2>"$T/build.err" || fail "build: $(tail -n 2 "$T/build.err")"
rel=${SRC#/}
n=0
for tag in LAMBDA_A LOCAL_G LAMBDA_C ANON; do
	line=$(grep -n "// $tag" "$SRC" | cut -d: -f1)
	timeout -k 5 120 gdb -nx -batch -ex "break cpp_local.cc:$line" -ex run -ex "bt 1" "$P" \
		</dev/null >"$T/gdb.$tag" 2>&1
	want=$(sed -n -E 's/^#0  (0x[0-9a-f]+ in )?(.*) \([^()]*\) at .*/\2/p' "$T/gdb.$tag" | head -n 1)
	[ -n "$want" ] || fail "gdb stopped nowhere at line $line: $(tail -n 3 "$T/gdb.$tag")"
	t=$("$HS" cat "$T/tr" "lines/$rel/$line" | head -n 1)
	[ -n "$t" ] || fail "no line start of $rel:$line"
	got=$("$HS" cat "$T/tr" "time/$t/where" | sed 's/+0x[0-9a-f]* .*//')
	[ "$got" = "$want" ] || fail "$tag (line $line): where says '$got', gdb '$want'"
	n=$((n + 1))
done
# calls: gdb's breakpoint hits of each function, by the name gdb shows
for f in 'operator()' 'L::g' '(anonymous namespace)::anon' 'ns::free_fn' 'local_class' 'C::out_class'; do
	printf 'break %s\ncommands\nsilent\ncontinue\nend\nrun\ninfo breakpoints\n' "$f" >"$T/gdbc.cmd"
	timeout -k 5 120 gdb -nx -batch -x "$T/gdbc.cmd" "$P" </dev/null >"$T/gdbc" 2>&1
	want=$(sed -n 's/.*breakpoint already hit \([0-9]*\) time.*/\1/p' "$T/gdbc" | head -n 1)
	got=$("$HS" cat "$T/tr" "calls/$f" 2>/dev/null | wc -l)
	[ "$got" = "${want:-0}" ] || fail "calls/$f has $got calls, gdb's break $f hit ${want:-0}"
done
pass "$n frames named as gdb names them, calls of 6 functions as gdb's breakpoints"
