#!/bin/bash
# src_calls_inline.sh - calls/<f> counts the entries of f's inlined copies
# as gdb's `break f` does: gdb puts a location at every copy (its entry:
# the start of its first range) and at the function itself, and stops at
# each every time it runs.  C at -O2 (copies in a loop, nested copies that
# start at the same pc, a copy in a recursive function, a function also
# called out of line through a pointer), C at -O0 with always_inline
# (copies left by a longjmp from a function they call), a function
# inlined into a copy of itself at the same pc (one hit), C++ at -O2
# (in-class methods, a function template, lambdas, a copy left by an
# exception), clang++ -O2 copies that start at their function's entry
# (gdb's `break f` stops past its prologue: symtab.c skip_prologue_sal).
# And a program whose copies stay open across a build's shard boundaries
# (inlc_shards_o2): calls/ must not depend on --shards.
#
# Oracle: tests/e2e/src_calls_inline.py runs each program natively under
# gdb with `break f` for each f and, at each hit, keeps whether frame #0
# is an inlined copy, the pc, the backtrace, and the pc where the copy is
# left (stepping to the first pc outside the copy's block at the same
# depth of real frames).  calls/<f> must have one line per hit in the
# same order, "inline" exactly on the inlined ones, the pc at each
# inlined entry's t_call gdb's, the backtrace there gdb's less the copies
# starting at that pc (hidden, as at any arrival: README), and the pc at
# t_return where the copy was left.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
summary=""

# check PROG FUNCS...: gdb's breakpoints against calls/ of the recording
# (BIN=path SRC=source: a program built here, not by the Makefile)
check()
{
	local prog=$1 src=${SRC:-} bin=${BIN:-$PROGS/$1} rc
	shift
	if [ -z "${BIN:-}" ]; then
		require_built "$prog"
		src=$(ls "$ROOT/tests/programs/$prog".c* | head -n 1)
		src=$(basename "$src")
	fi
	ORACLE_PROG=$bin ORACLE_OUT=$T/$prog.json ORACLE_FUNCS="$*" ORACLE_SRC=$src \
		timeout -k 10 "$STEP_TIMEOUT" gdb -nx -batch -x "$ROOT/tests/e2e/src_calls_inline.py" \
		</dev/null >"$T/$prog.gdb" 2>&1
	[ -s "$T/$prog.json" ] ||
		fail "$prog: gdb oracle: $(grep -i 'error\|Traceback' "$T/$prog.gdb" | head -n 2 | tr '\n' ' ')"
	record_ok "$T/$prog.trace" "$bin"
	build_ok "$T/$prog.trace"
	mount_tree "$T/$prog.trace" "$T/$prog.mnt"
	ORACLE_SRC=$src "$PY" "$ROOT/tests/e2e/src_calls_inline.py" compare "$T/$prog.json" \
		"$T/$prog.mnt" "$prog" >"$T/$prog.cmp" 2>&1
	rc=$?
	cat "$T/$prog.cmp" >&2
	[ "$rc" = 0 ] || fail "$prog: $(head -n 3 "$T/$prog.cmp" | tr '\n' ' ')"
	grep -q '^0 mismatches, [1-9][0-9]* hits ([1-9]' "$T/$prog.cmp" ||
		fail "$prog: no inlined hit compared: $(tail -n 1 "$T/$prog.cmp")"
	summary="$summary $prog:$(tail -n 1 "$T/$prog.cmp" | cut -d, -f2 | cut -d' ' -f2)"
}

check inlc_multi_o2 scale twice around rec leaf tailw viatail ext
check inlc_nonlocal guarded count_down bail first
check inlc_cpp_o2 Box::area Box::grow 'clampv<int>' twice guarded risky 'operator()' Box::each
check inlc_selfnest_o2 leaf rec
# copies that start at the entry of the function holding them (clang++
# -O2: main's first statement): gdb's `break f` stops past that
# function's prologue, in the innermost block there, nothing hidden; g++
# -O2 trusts the entry (no prologue skipped)
check inlc_prologue_o2 level2 level3 'Guard::~Guard' work
if command -v clang++ >/dev/null; then
	clang++ -g -O2 -o "$T/inlc_prologue_clang" "$ROOT/tests/programs/inlc_prologue_o2.cc" ||
		fail "clang++ inlc_prologue_o2.cc"
	BIN=$T/inlc_prologue_clang SRC=inlc_prologue_o2.cc check inlc_prologue_clang \
		level2 level3 'Guard::~Guard' work
	grep -q ', [1-9][0-9]* past a prologue$' "$T/inlc_prologue_clang.cmp" ||
		fail "inlc_prologue_clang: no copy entered past a prologue: $(tail -n 1 "$T/inlc_prologue_clang.cmp")"
fi

# a copy left by longjmp and one left by an exception end where the
# unwinding lands, marked so; a copy left by a tail call, at the jump
grep -c ' inline,tail$' "$T/inlc_multi_o2.mnt/calls/tailw" | grep -qx 2 ||
	fail "calls/tailw: not 2 inline,tail: $(cat "$T/inlc_multi_o2.mnt/calls/tailw")"
grep -c ' inline,unwound$' "$T/inlc_nonlocal.mnt/calls/guarded" | grep -qx 2 ||
	fail "calls/guarded: not 2 inline,unwound: $(cat "$T/inlc_nonlocal.mnt/calls/guarded")"
grep -c ' inline,unwound$' "$T/inlc_cpp_o2.mnt/calls/guarded" | grep -qx 1 ||
	fail "calls/guarded (C++): not 1 inline,unwound: $(cat "$T/inlc_cpp_o2.mnt/calls/guarded")"
# copies open across shard boundaries: the same calls/ whatever the shard
# count (the merge closes what a shard left open), and as many as ran
require_built inlc_shards_o2
record_ok "$T/sh.trace" "$PROGS/inlc_shards_o2"
for n in 1 5; do
	"$HS" build --shards $n "$T/sh.trace" >"$T/sh.build" 2>&1 || fail "build --shards $n: $(tail -n 1 "$T/sh.build")"
	for f in inner outer work; do
		"$HS" cat "$T/sh.trace" "calls/$f" >"$T/sh.$f.$n" || fail "calls/$f (--shards $n)"
	done
done
for f in inner outer work; do
	cmp -s "$T/sh.$f.1" "$T/sh.$f.5" || fail "calls/$f differs with 5 shards: $(diff "$T/sh.$f.1" "$T/sh.$f.5" | head -n 4 | tr '\n' ' ')"
done
# outer's copy calls inner twice per iteration (400), the loop once in 7
[ "$(wc -l <"$T/sh.inner.1")" = 858 ] || fail "calls/inner: $(wc -l <"$T/sh.inner.1") entries, not 858"
# frame names of lambdas and local classes' functions (inlc_lambda, -O0):
# where and backtrace's caller at each TAG line, as gdb's bt at a
# breakpoint on that line (the whole signature when they have linkage)
require_built inlc_lambda
src=$ROOT/tests/programs/inlc_lambda.cc
args=()
for l in $(grep -n '// TAG_' "$src" | cut -d: -f1); do
	args+=(-ex "break inlc_lambda.cc:$l")
done
cmds=(-ex run)
for _ in 1 2 3 4 5 6; do
	cmds+=(-ex "bt 2" -ex continue)
done
timeout -k 5 60 gdb -nx -batch "${args[@]}" "${cmds[@]}" "$PROGS/inlc_lambda" </dev/null >"$T/lambda.gdb" 2>&1
record_ok "$T/lambda.trace" "$PROGS/inlc_lambda"
build_ok "$T/lambda.trace"
mount_tree "$T/lambda.trace" "$T/lambda.mnt"
names=0
while IFS=$'\t' read -r line f0; do
	IFS= read -r f1
	t=$(head -n 1 "$T/lambda.mnt/lines$src/$line") || fail "no line start of inlc_lambda.cc:$line"
	got0=$(sed -n '1s/^#0 //; 1s/+0x[0-9a-f]* .*//p' "$T/lambda.mnt/time/$t/backtrace")
	got1=$(sed -n '2s/^#1 //; 2s/+0x[0-9a-f]* .*//p' "$T/lambda.mnt/time/$t/backtrace")
	[ "$got0" = "$f0" ] && [ "$got1" = "$f1" ] ||
		fail "inlc_lambda.cc:$line: frames '$got0', '$got1'; gdb's '$f0', '$f1'"
	names=$((names + 1))
done < <(sed -n -E 's/^#0  (0x[0-9a-f]+ in )?(.*) \([^()]*\) at .*:([0-9]+)$/\3\t\2/p
		   s/^#1  (0x[0-9a-f]+ in )?(.*) \([^()]*\) at .*/\2/p' "$T/lambda.gdb")
[ "$names" = 6 ] || fail "inlc_lambda: $names of 6 frames compared: $(grep '^#' "$T/lambda.gdb" | head -n 4 | tr '\n' ' ')"
pass "calls/ of inlined functions as gdb's breakpoints:$summary; the same with 5 shards; 6 lambda and local class frames named as gdb's bt"
