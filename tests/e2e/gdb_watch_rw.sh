#!/bin/bash
# gdb_watch_rw.sh - read and access watchpoints (Z3, Z4) and the build's per-chunk address filters (addrs.hdb) through `hindsight gdbserver`, against native gdb:
#   gdbw_rw (-O0): `rwatch g_val` + continue stops after each read (in a
#     callee, the read of a read-then-write) with the values and places
#     native gdb prints; `awatch g_val` at every read and write; `rwatch
#     g_buf[40]` in libc's strlen (vector loads) and an inlined memcpy;
#     next/step/stepi with the read watchpoint; reverse-continue stops
#     before each read, the t before each forward stop; the stack slots
#     that pop (or leave) and ret read, one instruction after the other.
#   gdbw_rw_o2 (-O2): a table read by index, a flag tested in a loop.
#   gdb_spin recorded with 16 KiB chunks: `break mark` + continue stops at
#     the same t with the database's filters, without them (a database
#     built before addrs.hdb) and with a damaged block (which `hindsight
#     verify` names).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/gdb_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built gdbw_rw gdbw_rw_o2 gdb_spin

# sect NAME: gdb's output between `echo S` and `echo E`,
# addresses masked, without `monitor when` (its numbers; native gdb's no) and libc's
# strlen variant (native gdb's CPU has AVX-512, Valgrind's has not)
sect()
{
	sed -n '/^S$/,/^E$/p' "$T/$1.gdb" | grep -v '^[0-9][0-9]*$\|^"monitor" command not supported' |
		sed 's/0x[0-9a-f]*/ADDR/g; s/__strlen_[a-z0-9]* ().*/STRLEN/; /^[0-9]*\t\.\.\/sysdeps/d'
}
# same NAT SRV MIN WHAT: their sects agree (gdb_lib.bash)
same() { same_as_live sect "$@"; }
# conts N: N x (continue; monitor when)
conts() { for _ in $(seq "$1"); do printf '%s\0' -ex continue -ex 'monitor when'; done; }

# ---- gdbw_rw: rwatch, awatch, next/step, reverse ----
P=$PROGS/gdbw_rw
record_ok "$T/rw" "$P"
build_ok "$T/rw"
serve "$T/rw" srv-rw
mapfile -d '' C7 < <(conts 7)
mapfile -d '' C11 < <(conts 11)
nativerun rd-nat "$P" -ex 'break main' -ex run -ex 'rwatch g_val' -ex 'echo S\n' "${C7[@]}" -ex 'echo E\n'
gdbrun rd "$P" -ex 'break main' -ex continue -ex 'rwatch g_val' -ex 'echo S\n' "${C7[@]}" -ex 'echo E\n' \
	-ex 'echo R\n' \
	-ex reverse-continue -ex 'monitor when' -ex reverse-continue -ex 'monitor when' \
	-ex reverse-continue -ex 'monitor when' -ex reverse-continue -ex 'monitor when' \
	-ex reverse-continue -ex 'monitor when' -ex reverse-continue -ex 'monitor when' \
	-ex reverse-continue -ex 'monitor when' -ex 'echo Q\n'
[ "$(grep -c '^Value = ' "$T/rd-nat.gdb")" = 7 ] || fail "native rwatch g_val: not 7 reads: $(tr '\n' ' ' <"$T/rd-nat.gdb")"
same rd-nat rd 30 "rwatch g_val + continue"
# backwards: before each read, the last first
fw=$(sed -n '/^S$/,/^E$/p' "$T/rd.gdb" | grep '^[0-9][0-9]*$' | tr '\n' ' ')
bw=$(sed -n '/^R$/,/^Q$/p' "$T/rd.gdb" | grep '^[0-9][0-9]*$' | tr '\n' ' ')
want=""
for tt in $fw; do want="$((tt - 1)) $want"; done
[ "$(echo "$fw" | wc -w)" = 7 ] && [ "$bw" = "$want" ] ||
	fail "rwatch g_val: forward stops '$fw', reverse '$bw', want '$want'"
sed -n '/^R$/,/^Q$/p' "$T/rd.gdb" | grep -q '^Hardware read watchpoint 2: g_val' ||
	fail "reverse-continue: no read watchpoint stop: $(sed -n '/^R$/,/^Q$/p' "$T/rd.gdb" | head -n 6 | tr '\n' ' ')"

nativerun ac-nat "$P" -ex 'break main' -ex run -ex 'awatch g_val' -ex 'echo S\n' "${C11[@]}" -ex 'echo E\n'
gdbrun ac "$P" -ex 'break main' -ex continue -ex 'awatch g_val' -ex 'echo S\n' "${C11[@]}" -ex 'echo E\n'
[ "$(grep -c '^New value = ' "$T/ac-nat.gdb")" = 4 ] || fail "native awatch g_val: not 4 writes"
same ac-nat ac 50 "awatch g_val + continue"

mapfile -d '' C2 < <(conts 2)
nativerun bf-nat "$P" -ex 'break main' -ex run -ex 'rwatch g_buf[40]' -ex 'echo S\n' "${C2[@]}" -ex 'echo E\n'
gdbrun bf "$P" -ex 'break main' -ex continue -ex 'rwatch g_buf[40]' -ex 'echo S\n' "${C2[@]}" -ex 'echo E\n'
grep -q '^__strlen_' "$T/bf-nat.gdb" || fail "native rwatch g_buf[40]: no stop in strlen: $(tr '\n' ' ' <"$T/bf-nat.gdb")"
same bf-nat bf 8 "rwatch g_buf[40] (strlen, memcpy)"

# the stack reads no operand names, one right after the other: leave's
# or pop's of the saved rbp, then ret's of the return address (the values
# are stack addresses: native and recorded stacks differ)
K=(-ex 'rwatch -l *(long*)$sp' -ex 'rwatch -l *(long*)($sp+8)' -ex 'echo S\n' -ex continue -ex 'x/i $pc' -ex continue -ex 'x/i $pc' -ex 'echo E\n')
nativerun sk-nat "$P" -ex 'break reader' -ex run "${K[@]}"
gdbrun sk "$P" -ex 'break reader' -ex continue "${K[@]}"
sed -i '/^Value = /d' "$T/sk-nat.gdb" "$T/sk.gdb"
grep -q '^Hardware read watchpoint 3: -location \*(long\*)(\$sp+8)' "$T/sk-nat.gdb" || fail "native: no ret read: $(tr '\n' ' ' <"$T/sk-nat.gdb")"
same sk-nat sk 10 "rwatch on the saved rbp and the return address"

N=(-ex next -ex next -ex next -ex step -ex next -ex next -ex next -ex next -ex next -ex stepi -ex stepi -ex next)
nativerun nx-nat "$P" -ex 'break main' -ex run -ex 'rwatch g_val' -ex 'echo S\n' "${N[@]}" -ex 'echo E\n'
gdbrun nx "$P" -ex 'break main' -ex continue -ex 'rwatch g_val' -ex 'echo S\n' "${N[@]}" -ex 'echo E\n'
same nx-nat nx 20 "rwatch g_val + next/step/stepi"

# ---- gdbw_rw_o2 ----
P=$PROGS/gdbw_rw_o2
record_ok "$T/o2" "$P"
build_ok "$T/o2"
serve "$T/o2" srv-o2
mapfile -d '' C6 < <(conts 6)
for w in 'rwatch g_table[2]:2' 'awatch g_flag:6'; do
	n=${w%% *} k=${w##*:} w=${w%:*}
	nativerun "$n-o2-nat" "$P" -ex 'break main' -ex run -ex "$w" -ex 'echo S\n' "${C6[@]:0:$((4 * k))}" -ex 'echo E\n'
	gdbrun "$n-o2" "$P" -ex 'break main' -ex continue -ex "$w" -ex 'echo S\n' "${C6[@]:0:$((4 * k))}" -ex 'echo E\n'
	[ "$(grep -c '^Value = \|^New value = ' "$T/$n-o2-nat.gdb")" = "$k" ] || fail "native $w: not $k stops"
	same "$n-o2-nat" "$n-o2" $((3 * k)) "$w (-O2) + continue"
done

# ---- addrs.hdb: the same breakpoint stops with the filters, without, damaged ----
P=$PROGS/gdb_spin
record_chunks "$T/sp" 16 "$P"
build_ok "$T/sp"
verify_ok "$T/sp"
img=$(ls "$T/sp/db" | grep -v manifest | head -n 1)
A=$T/sp/db/$img/addrs.hdb
[ -s "$A" ] || fail "no addrs.hdb in $T/sp/db/$img"
mapfile -d '' C10 < <(conts 10)
R3=(-ex reverse-continue -ex 'monitor when' -ex reverse-continue -ex 'monitor when' -ex reverse-continue -ex 'monitor when')
# mark's 8 calls, then line 21 once, the end; back over the last three (10
# stops at mark, 2 at line 21).  Not in a $(...): the server's pid must
# reach BG_PIDS, which the cleanup kills
spin()
{
	serve "$T/sp" "srv-$1"
	gdbrun "$1" "$P" -ex 'break mark' -ex 'break gdb_spin.c:21' -ex 'echo S\n' "${C10[@]}" "${R3[@]}" -ex 'echo E\n'
}
stops() { sed -n '/^S$/,/^E$/p' "$T/$1.gdb" | grep '^[0-9][0-9]*$' | tr '\n' ' '; }
spin sp1
with=$(stops sp1)
[ "$(echo "$with" | wc -w)" = 13 ] && [ "$(grep -c '^Breakpoint 1, mark' "$T/sp1.gdb")" = 10 ] &&
	[ "$(grep -c '^Breakpoint 2, main' "$T/sp1.gdb")" = 2 ] ||
	fail "break mark, break gdb_spin.c:21: stops '$with': $(sed -n '/^S$/,$p' "$T/sp1.gdb" | grep -c Breakpoint)"
mv "$A" "$T/addrs.keep"
spin sp2
without=$(stops sp2)
[ "$with" = "$without" ] || fail "break mark without addrs.hdb: '$without', with: '$with'"
cp "$T/addrs.keep" "$A"
read -r off _ < <(block_offset "$A" 0)
flip_byte "$A" $((off + 9))
"$HS" verify "$T/sp" >"$T/verify.out" 2>&1 && fail "verify passed a damaged addrs.hdb"
grep -q 'addrs.hdb' "$T/verify.out" || fail "verify does not name addrs.hdb: $(head -n 3 "$T/verify.out" | tr '\n' ' ')"
spin sp3
damaged=$(stops sp3)
[ "$with" = "$damaged" ] || fail "break mark with a damaged addrs.hdb: '$damaged', intact: '$with'"
pass "rwatch/awatch as native gdb (forward, next/step, -O2, libc's vector loads), reverse before each read; break with, without and with damaged address filters alike"
