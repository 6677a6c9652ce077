#!/bin/bash
# db_query_cli.sh - every `hindsight query` question answers in its format, on the example's bug; bad input exits 1 or 2.
#
# The example program (tests/programs/example.c) clears the low byte of a
# balance with a terminating NUL written one past a name field.  The last
# write to that byte, asked of the database, must be that one-byte store,
# and the instruction before it a byte move.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built example

TR=$T/example
record_ok "$TR" "$PROGS/example"
build_ok "$TR" --shards 2

# q ARGS...: hindsight query TR ARGS..., stdout to $T/q.out, stderr to
# $T/q.err; sets RC.
q()
{
	timeout -k 10 "$STEP_TIMEOUT" "$HS" query "$TR" "$@" >"$T/q.out" 2>"$T/q.err"
	RC=$?
}

# q_ok ARGS...: q, which must exit 0.
q_ok()
{
	q "$@"
	[ "$RC" = 0 ] || fail "query $* exited $RC: $(head -n 2 "$T/q.err" | tr '\n' ' ')"
}

q_ok info
TEND=$(sed -n 's/^t-end: //p' "$T/q.out")
# the one thread's tid is the OS's: the process id
MAIN_TID=$(sed -n 's/^image: \([0-9]*\)\.0$/\1/p' "$T/q.out")
[ -n "$MAIN_TID" ] || fail "info: no image line: $(head -n 1 "$T/q.out")"
[ -n "$TEND" ] && [ "$TEND" -gt 10000 ] || fail "info: t-end is '$TEND'"
MID=$((TEND / 2))

# registers: names and 64-bit hex values; reg agrees with regs
q_ok regs "$MID"
grep -qE '^rip 0x[0-9a-f]{16}$' "$T/q.out" || fail "regs: no rip line: $(head -n 3 "$T/q.out")"
[ "$(grep -cE '^(r[a-z0-9]+|fs_base) 0x[0-9a-f]{16}$' "$T/q.out")" -ge 19 ] || fail "regs: fewer than 19 general registers"
grep -qE '^ymm15 0x[0-9a-f]{64}$' "$T/q.out" || fail "regs: no ymm15 line"
RIP=$(sed -n 's/^rip //p' "$T/q.out")
RSP=$(sed -n 's/^rsp //p' "$T/q.out")
q_ok reg "$MID" RIP
[ "$(cat "$T/q.out")" = "$RIP" ] || fail "reg RIP says $(cat "$T/q.out"), regs says $RIP"
q_ok thread "$MID"
[ "$(cat "$T/q.out")" = "$MAIN_TID" ] || fail "thread: $(cat "$T/q.out"), expected the pid $MAIN_TID"

# the instruction at t is at rip
q_ok insn "$MID"
grep -qE '^0x[0-9a-f]+ [0-9a-f]{2,30} [a-z]' "$T/q.out" || fail "insn: bad line '$(cat "$T/q.out")'"
[ "$(awk '{ print $1 }' "$T/q.out")" = "$(printf '0x%x' "$RIP")" ] || fail "insn is at $(awk '{ print $1 }' "$T/q.out"), rip is $RIP"

# memory: a hex dump, and the same bytes raw
q_ok mem "$MID" "$RSP" 32
[ "$(wc -l <"$T/q.out")" = 2 ] || fail "mem: expected 2 dump lines, got $(wc -l <"$T/q.out")"
grep -qE '^[0-9a-f]{16}: ([0-9a-f]{2} ){15}[0-9a-f]{2}  \|.{16}\|$' "$T/q.out" || fail "mem: bad dump line '$(head -n 1 "$T/q.out")'"
DUMP=$(sed -E 's/^[0-9a-f]+: //; s/  \|.*//; s/ //g' "$T/q.out" | tr -d '\n')
q_ok --raw mem "$MID" "$RSP" 32
RAW=$(od -An -tx1 -v "$T/q.out" | tr -d ' \n')
[ "$DUMP" = "$RAW" ] || fail "mem --raw differs from the dump"
[ "$(wc -c <"$T/q.out")" = 32 ] || fail "mem --raw wrote $(wc -c <"$T/q.out") bytes"

# maps: the program, libc, the stack
q_ok maps "$MID"
grep -qE '^[0-9a-f]{8,}-[0-9a-f]{8,} r-xp [0-9a-f]{8} [0-9a-f]{2}:[0-9a-f]{2} [0-9]+ +/.*/example$' "$T/q.out" ||
	fail "maps: no executable mapping of the program: $(head -n 2 "$T/q.out")"
grep -q 'libc.so' "$T/q.out" || fail "maps: no libc"
grep -qE ' rw-p .*\[stack\]$' "$T/q.out" || fail "maps: no [stack]"

# the bug: who cleared the low byte of ledger[0].balance?
BASE=$(awk '$6 ~ /\/example$/ && $3 == "00000000" { split($1, a, "-"); print a[1]; exit }' "$T/q.out")
[ -n "$BASE" ] || fail "maps: no mapping of the program at offset 0"
LEDGER=$(nm "$PROGS/example" | awk '$3 == "ledger" { print $1 }')
[ -n "$LEDGER" ] || fail "nm found no 'ledger' in the example"
BAL=$(printf '0x%x' $((0x$BASE + 0x$LEDGER + 16)))
q_ok last-write "$BAL" 1 "$TEND"
read -r WT WADDR WLEN WHEX WKIND WTID <"$T/q.out"
[ "$WADDR $WLEN $WHEX $WKIND $WTID" = "$BAL 1 00 store $MAIN_TID" ] ||
	fail "last write of the balance's low byte: '$(cat "$T/q.out")', expected a 1-byte store of 00 at $BAL"
q_ok insn $((WT - 1))
grep -qE ' movb ' "$T/q.out" || fail "the store's instruction is '$(cat "$T/q.out")', expected a movb"
# ... and its history: the deposit, the transactions, the NUL
q_ok writes "$BAL" 8
[ "$(wc -l <"$T/q.out")" -ge 3 ] || fail "writes: only $(wc -l <"$T/q.out") writes to the balance"
[ "$(tail -n 1 "$T/q.out" | awk '{ print $1 }')" = "$WT" ] || fail "writes: the last is not the last write"
awk 'NR > 1 && $1 < prev { exit 1 } { prev = $1 }' "$T/q.out" || fail "writes: not in time order"

# events: the program's output as write() syscalls
q_ok events --kind syscall 0 "$TEND"
# (strace's first 32 bytes of the buffer: the start of what it printed)
grep -qF " $MAIN_TID syscall write(1, \"$(head -c 20 "$TR.out")" "$T/q.out" ||
	fail "events: no write(1, ...) of the ledger: $(grep -m1 write "$T/q.out")"
grep -q ' sysret ' "$T/q.out" && fail "events --kind syscall listed a sysret"
q_ok events 0 0
grep -q ' map ' "$T/q.out" || fail "events 0 0: no startup mappings"
q_ok calls 0 "$TEND"
grep -qE '^[0-9]+ ([0-9]+|-) [0-9]+ '"$MAIN_TID"' 0x[0-9a-f]+ 0x[0-9a-f]+$' "$T/q.out" || fail "calls: bad line '$(head -n 1 "$T/q.out")'"

# no answer: exit 1 with a reason
q mem "$MID" 0x10 8
[ "$RC" = 1 ] && grep -q 'not mapped' "$T/q.err" || fail "mem of an unmapped address: exit $RC, '$(cat "$T/q.err")'"
q regs $((TEND + 1))
[ "$RC" = 1 ] && grep -q 'past the end' "$T/q.err" || fail "regs past the end: exit $RC, '$(cat "$T/q.err")'"
q insn "$TEND"
[ "$RC" = 1 ] || fail "insn at the end: exit $RC"
# bad usage: exit 2
for args in "regs" "regs x" "nonsense 1" "events --kind bogus 0 1" "--image 1.99 regs 0" "mem 0 0x10"; do
	# shellcheck disable=SC2086 # word splitting wanted
	q $args
	[ "$RC" = 2 ] || fail "query $args: exit $RC, expected 2"
done
# no database
record_ok "$T/nodb" "$PROGS/example"
timeout -k 10 "$STEP_TIMEOUT" "$HS" query "$T/nodb" regs 0 >/dev/null 2>"$T/q.err"
RC=$?
[ "$RC" = 2 ] && grep -q 'hindsight build' "$T/q.err" || fail "no database: exit $RC, '$(cat "$T/q.err")'"
pass "last write of the balance at t=$WT"
