#!/bin/bash
# src_calls_gdb.sh - gdb vs Hindsight's call tree: calls through the PLT
# and callbacks from libc (qsort, atexit), and frames that end without
# returning or begin without a call: longjmp out of recursion, a C++
# exception through two frames, a signal handler entered twice, siglongjmp
# out of a SIGSEGV handler, a handler on a sigaltstack, inlined copies left by a throw or a longjmp
# that lands in their own frame; a C++ template by its name without arguments
# (every instantiation); coroutines on their own stacks (ucontext);
# -O0 and -O2, dynamic and static; a call in
# which gdb's `break f` does not stop (clang -O2: its address past a
# branch) is none of calls/<f>'s.
#
# For each program gdb breaks on its functions natively (scripts/
# gdb-calls-oracle.py): calls/<f> must have as many calls as gdb's hits,
# the backtrace at each call's entry must equal gdb's bt (frames of the
# program's own file, and "<signal handler called>"), an unwound call must
# end in a frame that was under it, a handler's frame where it interrupted.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/src_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
command -v g++ >/dev/null || fail "g++ is not installed"
require_built nonlocal
require_built sighandler
require_built signal
require_built callbacks cpp_members

summary=""
SRC=$ROOT/tests/programs
# calls through the PLT are filed under the function they reach (and
# -static has no PLT): as many as gdb's breakpoints in libc hit
LIBFUNCS="malloc free calloc realloc qsort strdup puts snprintf atexit memcpy exit"
calls_oracle callbacks "$PROGS/callbacks" "$SRC/callbacks.c" cmp bye sum
# every function called has a name: ld.so's calls of the init functions
# of Valgrind's vgpreload_core.so (unnamed, not in a native run) are left out
unnamed=$("$HS" ls "$T/callbacks.trace" calls | grep '^0x' | head -n 3 | tr '\n' ' ')
[ -z "$unnamed" ] || fail "callbacks: calls/ lists unnamed functions: $unnamed"
LIBFUNCS="malloc free printf _setjmp longjmp puts"
calls_oracle nonlocal "$PROGS/nonlocal" "$SRC/nonlocal.c" leaf descend after
LIBFUNCS="raise sigaction printf"
calls_oracle sighandler "$PROGS/sighandler" "$SRC/sighandler.c" on_usr1 bump work
LIBFUNCS="raise sigaction printf __sigsetjmp siglongjmp"
calls_oracle signal "$PROGS/signal" "$SRC/signal.c" on_usr1 on_segv
require_built calls_altstack
LIBFUNCS="raise"
calls_oracle altstack "$PROGS/calls_altstack" "$SRC/calls_altstack.c" note on_usr1 work
# -O2 with its sibling calls: a tail call (jmp f) is a call of f, as gdb's
# breakpoint counts it, and gdb's bt shows the function that jumped as a
# "tailcall" frame (src_tail_gdb.sh)
O2="-O2"
LIBFUNCS="malloc free printf _setjmp longjmp puts"
gcc -g $O2 -o "$T/longjmp_o2" "$SRC/nonlocal.c" || fail "gcc -O2 longjmp.c"
calls_oracle longjmp_o2 "$T/longjmp_o2" "$SRC/nonlocal.c" leaf descend after
gcc -g -O0 -static -o "$T/longjmp_static" "$SRC/nonlocal.c" || fail "gcc -static longjmp.c"
calls_oracle longjmp_static "$T/longjmp_static" "$SRC/nonlocal.c" leaf descend after
# calls made from inlined code: the caller column is the copy that made
# the call, gdb's frame 1 (sum_to, and twice inlined into sum_to)
require_built calls_inlcaller_o2
LIBFUNCS="printf"
calls_oracle inlcaller_o2 "$PROGS/calls_inlcaller_o2" "$SRC/calls_inlcaller_o2.c" work
LIBFUNCS="raise sigaction printf"
gcc -g $O2 -o "$T/sighandler_o2" "$SRC/sighandler.c" || fail "gcc -O2 sighandler.c"
calls_oracle sighandler_o2 "$T/sighandler_o2" "$SRC/sighandler.c" on_usr1 bump work
LIBFUNCS="malloc printf __cxa_throw __cxa_begin_catch _Unwind_RaiseException"
g++ -g -O0 -o "$T/exception_O0" "$SRC/cxx/exception.cc" || fail "g++ -O0 exception.cc"
calls_oracle exception_O0 "$T/exception_O0" "$SRC/cxx/exception.cc" inner middle after
# a template's name without arguments: every instantiation called, as
# gdb's `break add` stops in add<int> and add<long>
calls_oracle templates "$PROGS/cpp_members" "$SRC/cpp_members.cc" add twice "twice(int)" "twice(double)"
g++ -g $O2 -o "$T/exception_O2" "$SRC/cxx/exception.cc" || fail "g++ -O2 exception.cc"
calls_oracle exception_O2 "$T/exception_O2" "$SRC/cxx/exception.cc" inner middle after
# gdb's `break f` past a branch: clang -O2 puts gcd's prologue_end row on
# its 64-bit idiv path, so gdb stops in the calls that divide 64-bit
# numbers only (3 of the program's 9 calls); calls/gcd lists those
if command -v clang >/dev/null; then
	clang -g -O2 -o "$T/bphit_clang" "$SRC/calls_bphit.c" || fail "clang -O2 calls_bphit.c"
	LIBFUNCS="printf"
	calls_oracle bphit_clang "$T/bphit_clang" "$SRC/calls_bphit.c" gcd twice
	hits=$("$PY" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["hits"]["gcd"]))' \
		"$T/bphit_clang.json")
	[ "$hits" -lt 9 ] || fail "bphit_clang: gdb stops in all $hits calls of gcd: no call to leave out"
fi

# an inlined copy whose call a throw or a longjmp left, landing in the
# frame holding the copy (at -O2 the copy's first instruction is often
# that call): the copy ends where it landed, inline,unwound
require_built calls_inlthrow_o2 calls_inljmp_o2
LIBFUNCS="__cxa_throw"
calls_oracle inlthrow_o2 "$PROGS/calls_inlthrow_o2" "$SRC/calls_inlthrow_o2.cc" must_positive run
LIBFUNCS="_setjmp longjmp"
calls_oracle inljmp_o2 "$PROGS/calls_inljmp_o2" "$SRC/calls_inljmp_o2.c" atom fail parse
# inl_left TRACE COPY CALLEE: every entry of COPY open at the call of an
# unwound CALLEE at its depth ends with that call, inline,unwound
inl_left()
{
	"$HS" cat "$T/$1.trace" "calls/$2" >"$T/$1.$2" || fail "$1: calls/$2"
	"$HS" cat "$T/$1.trace" "calls/$3" >"$T/$1.$3" || fail "$1: calls/$3"
	"$PY" - "$T/$1.$2" "$T/$1.$3" <<'PYEOF' || fail "$1: calls/$2: $(cat "$T/$1.$2" | tr '\n' ' ')"
import sys
def rows(path):
    out = []
    for line in open(path):
        f = line.split()
        out.append((float(f[0]), int(f[1]), f[2], f[-1]))
    return out
copies, calls = rows(sys.argv[1]), rows(sys.argv[2])
n = 0
for t, t_ret, depth, how in calls:
    if 'unwound' not in how:
        continue
    for c in copies:
        if c[2] == depth and int(c[0]) <= t <= c[1]:
            n += 1
            if c[1] != t_ret or c[3] != 'inline,unwound':
                sys.exit('copy %s: %s %s, not %s inline,unwound (call %s)' % (c[0], c[1], c[3], t_ret, t))
if not n:
    sys.exit('no copy open at an unwound call')
PYEOF
}
inl_left inlthrow_o2 wrap must_positive
inl_left inljmp_o2 expr atom
inl_left inljmp_o2 term atom

# coroutines on their own stacks (ucontext): a makecontext'd function is
# entered by swapcontext's `ret`, a call as gdb's break counts it; the
# backtrace is the running stack's alone; a frame suspended by a switch
# is not unwound and returns when resumed.  -O0 dynamic and static, -O2
# (its inlined functions left out: gdb's Python sees an inlined copy's
# hit in the function holding it), and the calls of a build in 4 shards
# over small chunks are those of one shard.
require_built calls_ucontext
LIBFUNCS="swapcontext makecontext puts"
calls_oracle ucontext "$PROGS/calls_ucontext" "$SRC/calls_ucontext.c" generator produce \
	yield_value worker step co_yield busy start schedule once after
gcc -g -O0 -static -o "$T/ucontext_static" "$SRC/calls_ucontext.c" || fail "gcc -static calls_ucontext.c"
calls_oracle ucontext_static "$T/ucontext_static" "$SRC/calls_ucontext.c" generator produce \
	yield_value worker step co_yield busy once after
gcc -g $O2 -o "$T/ucontext_o2" "$SRC/calls_ucontext.c" || fail "gcc -O2 calls_ucontext.c"
LIBFUNCS="makecontext puts"
calls_oracle ucontext_o2 "$T/ucontext_o2" "$SRC/calls_ucontext.c" generator worker busy start \
	schedule once after
for f in produce yield_value swapcontext; do
	"$HS" cat "$T/ucontext.trace" "calls/$f" >"$T/ucontext.$f" || fail "ucontext: calls/$f"
	! grep -q 'unwound' "$T/ucontext.$f" || fail "ucontext: calls/$f: unwound: $(grep unwound "$T/ucontext.$f" | head -n 2 | tr '\n' ' ')"
done
# the worker started again on its finished stack: the first run's frames
# left on that stack (__start_context's setcontext) end as it switches away
[ "$("$HS" cat "$T/ucontext.trace" calls/worker | wc -l)" = 4 ] || fail "ucontext: calls/worker: not 4 calls"
hdb_hashes()
{
	"$PY" -c 'import json, sys
for im in json.load(open(sys.argv[1]))["images"]:
    for name, f in sorted(im["files"].items()):
        print(im["name"], name, f["xxh64"])' "$1/db/manifest.json"
}
"$HS" record --chunk-kb 16 -o "$T/ucontext16.trace" -- "$PROGS/calls_ucontext" >/dev/null 2>&1 ||
	fail "ucontext: record --chunk-kb 16"
for n in 1 4; do
	"$HS" build "$T/ucontext16.trace" --shards "$n" >"$T/ucontext16.build" 2>&1 ||
		fail "ucontext: build --shards $n: $(tail -n 1 "$T/ucontext16.build")"
	hdb_hashes "$T/ucontext16.trace" >"$T/ucontext16.$n" || fail "ucontext: manifest"
done
cmp -s "$T/ucontext16.1" "$T/ucontext16.4" ||
	fail "ucontext: --shards 4 differs from 1: $(diff "$T/ucontext16.1" "$T/ucontext16.4" | head -n 3 | tr '\n' ' ')"
"$HS" verify "$T/ucontext16.trace" >"$T/ucontext16.verify" 2>&1 || fail "ucontext: verify: $(tail -n 2 "$T/ucontext16.verify")"

# the fifth column says how: two handlers, four unwound frames of longjmp
"$HS" cat "$T/nonlocal.trace" calls/descend >"$T/descend" || fail "calls/descend"
[ "$(grep -c ' unwound$' "$T/descend")" = 4 ] || fail "calls/descend: not 4 unwound: $(cat "$T/descend")"
"$HS" cat "$T/sighandler.trace" calls/on_usr1 >"$T/on_usr1" || fail "calls/on_usr1"
[ "$(grep -c ' signal$' "$T/on_usr1")" = 2 ] || fail "calls/on_usr1: not 2 signal entries: $(cat "$T/on_usr1")"
pass "call counts and backtraces equal gdb's:$summary"
