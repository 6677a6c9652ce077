#!/bin/bash
# src_i10_sigtail.sh - a tail call out of a signal handler (gcc -O2 turns
# `write(...);` or `note(2);` at a handler's end into a jmp): calls/write
# and calls/note have as many calls as gdb's breakpoints hit, and the
# backtrace at each entry is gdb's bt ("<signal handler called>" under the
# function jumped to, which runs on the signal frame); the handler's line
# says "signal,tail", the callee's frame ends where the handler's would
# have, at rt_sigreturn (where the interrupted code goes on).  With 4
# shards the database is the same bytes.  Oracle:
# scripts/gdb-calls-oracle.py (gdb on a native run).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/src_lib.bash"
command -v gdb >/dev/null || fail "gdb is not installed"
require_built i10_sigtail_o2
summary=""
LIBFUNCS="write"
calls_oracle sigtail "$PROGS/i10_sigtail_o2" "$ROOT/tests/programs/i10_sigtail_o2.c" \
	on_usr1 on_usr2 on_alrm note
tr=$T/sigtail.trace
"$HS" cat "$tr" calls/on_usr1 >"$T/on_usr1" || fail "calls/on_usr1"
[ "$(grep -c ' signal,tail$' "$T/on_usr1")" = 2 ] ||
	fail "calls/on_usr1: not 2 handlers left by a tail call: $(cat "$T/on_usr1")"
"$HS" cat "$tr" calls/note >"$T/note" || fail "calls/note"
"$HS" cat "$tr" calls/write >"$T/write" || fail "calls/write"
# on_usr2 -> note -> write, each by a jmp (note.isra.0 drops write's
# value): note's frame is left by its own tail call ("tail", no "signal":
# no delivery entered it), and write, on the signal frame at the end of
# the chain, ends at the rt_sigreturn that ends the delivery: where the
# interrupted code goes on, as a handler's frame does
read -r t_call t_ret _ <"$T/note"
[ "$(wc -l <"$T/note")" = 2 ] && ! grep -q signal "$T/note" &&
	[ "$(head -n 1 "$T/note" | cut -d' ' -f5)" = tail ] || fail "calls/note: $(cat "$T/note")"
w=$(awk -v t=$((t_ret - 1)) '$1 == t' "$T/write")
[ -n "$w" ] || fail "no call of write at note's jump (t $((t_ret - 1))): $(cat "$T/write")"
set -- $w
"$HS" cat "$tr" "time/$(($1 + 1))/backtrace" >"$T/bt" || fail "backtrace in write"
sed -n 2p "$T/bt" | grep -q '<signal handler called>' || fail "backtrace in write: $(cat "$T/bt")"
after=$(sed -n 3p "$T/bt" | cut -d' ' -f2 | sed 's/+0x.*//')
back=$("$HS" cat "$tr" "time/$2/where" | sed 's/+0x.*//')
[ "$back" = "$after" ] || fail "write's frame ends in $back, the handler interrupted $after"
# 800 handlers that compute a while and then tail-call tally: the
# shards of a build begin inside handlers, so tail calls out of frames of
# earlier shards are re-run by the merge; the database is the same bytes
# for 1 and 4 shards, with every tail call in it
record_ok "$T/loop.trace" "$PROGS/i10_sigtail_o2" 800
cp -r "$T/loop.trace" "$T/loop4.trace"
"$HS" build --shards 1 "$T/loop.trace" >/dev/null 2>&1 || fail "build --shards 1"
"$HS" build --shards 4 "$T/loop4.trace" >/dev/null 2>&1 || fail "build --shards 4"
diff -r -x manifest.json "$T/loop.trace/db" "$T/loop4.trace/db" >"$T/diff" ||
	fail "--shards 4 gives another database: $(head -n 2 "$T/diff")"
[ "$("$HS" cat "$T/loop.trace" calls/tally | wc -l)" = 800 ] ||
	fail "calls/tally: not 800 calls"
[ "$("$HS" cat "$T/loop.trace" calls/on_busy | grep -c ' signal,tail$')" = 800 ] ||
	fail "calls/on_busy: not 800 handlers left by a tail call"
pass "calls and backtraces equal gdb's:$summary; 800 tail calls out of handlers, the same database with 1 and 4 shards"
