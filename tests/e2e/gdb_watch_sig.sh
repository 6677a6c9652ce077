#!/bin/bash
# gdb_watch_sig.sh - `hindsight gdbserver` against native gdb on three
# programs of its own:
#   gdbs_watch: `watch g` + continue stops at each write that changes g
#     (the first one by gdb's step over the breakpoint it is at), printing
#     the Old/New values and places native gdb prints, at the t of a store
#     in writes/; reverse-continue stops before each, as native gdb's
#     `record full` with software watchpoints does (its hardware ones do
#     not trigger in reverse); awatch stops at the write and at the read
#     of another global as native gdb does, rwatch + reverse-continue
#     goes back to the read.
#   gdbs_sig: continue stops at each signal (raise, kill, a second thread's
#     raise) as native gdb reports it, thread names included;
#     reverse-continue stops at the same ones, at the same t, backwards.
#   gdbs_names: `info threads` (qXfer:threads) lists the tree's OS tids
#     with the names native gdb shows (exec name, prctl, a name set by
#     another thread through /proc/self/task/TID/comm, an inherited one).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/gdb_lib.bash"

command -v gdb >/dev/null || fail "gdb is not installed (apt-get install gdb)"
require_built gdbs_watch gdbs_sig gdbs_names

# section NAME: gdb's output between `echo S` and `echo E`, addresses
# masked, gdb's thread notes ([New Thread ...], [Switching ...]) left out
section()
{
	sed -n '/^S$/,/^E$/p' "$T/$1.gdb" | grep -v '^\[' | sed 's/0x[0-9a-f]*/ADDR/g'
}
same_section() { same_as_live section "$@"; }

# ---- watch g ----
P=$PROGS/gdbs_watch
record_ok "$T/w" "$P"
build_ok "$T/w"
serve "$T/w" srv-w
C=(-ex continue -ex 'monitor when')
nativerun w-nat "$P" -ex 'break main' -ex run -ex 'watch g' -ex 'echo S\n' \
	-ex continue -ex continue -ex continue -ex continue -ex continue -ex continue -ex continue -ex 'echo E\n'
gdbrun w "$P" -ex 'break main' -ex continue -ex 'echo A\n' -ex 'print/x &g' -ex 'watch g' -ex 'echo S\n' \
	"${C[@]}" "${C[@]}" "${C[@]}" "${C[@]}" "${C[@]}" "${C[@]}" "${C[@]}" -ex 'echo E\n' \
	-ex 'echo R\n' -ex reverse-continue -ex 'monitor when' -ex reverse-continue -ex 'monitor when' \
	-ex reverse-continue -ex 'monitor when' -ex reverse-continue -ex 'monitor when' \
	-ex reverse-continue -ex 'monitor when' -ex reverse-continue -ex 'monitor when' -ex 'echo Q\n'
# the server's section without its `monitor when` lines (numbers alone)
grep -v '^[0-9][0-9]*$' "$T/w.gdb" >"$T/w-nowhen.gdb"
grep -c '^New value' "$T/w-nat.gdb" | grep -qx 7 || fail "native gdb: not 7 watchpoint stops: $(tr '\n' ' ' <"$T/w-nat.gdb")"
same_section w-nat w-nowhen 30 "watch g + continue"
# each forward stop is a store to g in writes/ (the t after it), each
# reverse stop the t before one, last first
addr=$(sed -n '/^A$/{n;s/^\$1 = \(0x[0-9a-f]*\)$/\1/p}' "$T/w.gdb")
[ -n "$addr" ] || fail "print/x &g: $(sed -n '/^A$/{n;p}' "$T/w.gdb")"
fw=$(sed -n '/^S$/,/^E$/p' "$T/w.gdb" | grep '^[0-9][0-9]*$' | tr '\n' ' ')
bw=$(sed -n '/^R$/,/^Q$/p' "$T/w.gdb" | grep '^[0-9][0-9]*$' | tr '\n' ' ')
stores=" $("$HS" cat "$T/w" "writes/$addr+8" | awk '{print $1}' | tr '\n' ' ')"
[ "$(echo "$fw" | wc -w)" = 7 ] || fail "watch g: forward stops at '$fw'"
want=""
for tt in $fw; do
	[[ $stores == *" $tt "* ]] || fail "watch g stopped at $tt, which is no write in writes/ of g: '$stores'"
	want="$((tt - 1)) $want"
done
# the last stop is the last write; six reverse stops go back to the first
want=$(echo "$want" | cut -d' ' -f1-6)
[ "$(echo "$bw" | sed 's/ $//')" = "$want" ] || fail "watch g: reverse stops '$bw', want '$want' (before each forward stop)"
# reverse: native gdb's record full, software watchpoints
nativerun wr-nat "$P" -ex 'set can-use-hw-watchpoints 0' -ex 'break main' -ex run -ex record -ex 'watch g' \
	-ex continue -ex continue -ex continue -ex continue -ex continue -ex continue -ex continue -ex 'echo S\n' \
	-ex reverse-continue -ex reverse-continue -ex reverse-continue -ex reverse-continue \
	-ex reverse-continue -ex reverse-continue -ex 'echo E\n'
sed -n '/^R$/,/^Q$/p' "$T/w.gdb" | grep -v '^[0-9][0-9]*$' | sed '1s/.*/S/; $s/.*/E/; s/^Hardware watchpoint/Watchpoint/' >"$T/wr.gdb"
same_section wr-nat wr 30 "watch g + reverse-continue"

# next and step with the watchpoint: a range step stops at the write
# inside the call it steps over, as native gdb's does
N=(-ex next -ex next -ex next -ex next -ex next -ex step -ex next -ex next)
nativerun wn-nat "$P" -ex 'break main' -ex run -ex 'watch g' -ex 'echo S\n' "${N[@]}" -ex 'echo E\n'
gdbrun wn "$P" -ex 'break main' -ex continue -ex 'watch g' -ex 'echo S\n' "${N[@]}" -ex 'echo E\n'
same_section wn-nat wn 20 "watch g + next/step"
# gdb's MI (IDEs): the same stops, with the values
printf '%s\n' "-target-select remote 127.0.0.1:$port" "-break-insert main" "-exec-continue" \
	"-break-watch g" "-exec-continue" "-exec-continue" "-exec-continue --reverse" "-gdb-exit" |
	timeout -k 5 60 gdb -nx --interpreter=mi "$P" >"$T/wmi.out" 2>&1
got=$(sed -n 's/^\*stopped,reason="watchpoint-trigger",wpt={number="2",exp="g"},value={old="\([-0-9]*\)",new="\([-0-9]*\)"},frame={[^}]*func="\([a-z_]*\)".*/\1>\2 \3/p' "$T/wmi.out" | tr '\n' ';')
[ "$got" = "0>5 main;5>7 bump;7>5 bump;" ] || fail "MI watchpoint stops '$got': $(grep -c stopped "$T/wmi.out") stops"

# rwatch and awatch (the instructions' reads, gdb_watch_rw.sh has more):
# the write and the read of `seen`, as native gdb stops at them
RW=(-ex 'awatch seen' -ex 'echo S\n' -ex continue -ex continue -ex 'delete 2' -ex 'echo E\n')
nativerun rw-nat "$P" -ex 'break main' -ex run "${RW[@]}"
gdbrun rw "$P" -ex 'break main' -ex continue "${RW[@]}" -ex 'rwatch seen' -ex reverse-continue \
	-ex 'echo Q\n' -ex 'delete 3' -ex 'watch seen' -ex continue
grep -q '^Value = 46$' "$T/rw-nat.gdb" || fail "native awatch seen: no read: $(tr '\n' ' ' <"$T/rw-nat.gdb")"
same_section rw-nat rw 8 "awatch seen + continue"
# back over the read, then the write again (watch)
sed -n '/^E$/,/^Q$/p' "$T/rw.gdb" | grep -q '^Value = 46$' ||
	fail "rwatch seen + reverse-continue: no stop at the read: $(sed -n '/^E$/,$p' "$T/rw.gdb" | tr '\n' ' ')"
grep -q '^New value = 46$' "$T/rw.gdb" || fail "watch seen after rwatch/awatch: $(tr '\n' ' ' <"$T/rw.gdb")"

# ---- signals ----
P=$PROGS/gdbs_sig
record_ok "$T/s" "$P"
build_ok "$T/s"
serve "$T/s" srv-s
nativerun s-nat "$P" -ex run -ex 'echo S\n' -ex continue -ex continue -ex 'echo E\n'
gdbrun s "$P" -ex continue -ex 'monitor when' -ex 'echo S\n' -ex continue -ex 'monitor when' \
	-ex continue -ex 'monitor when' -ex 'echo E\n' -ex continue \
	-ex 'echo R\n' -ex reverse-continue -ex 'monitor when' -ex reverse-continue -ex 'monitor when' \
	-ex reverse-continue -ex 'monitor when' -ex reverse-continue -ex 'monitor when'
# native gdb's first stop is after `run`; the server's after the first continue
nativerun s-nat1 "$P" -ex 'echo S\n' -ex run -ex 'echo E\n'
sed -n '/^S$/,/^E$/p' "$T/s.gdb" | grep -v '^[0-9][0-9]*$' >"$T/s2.gdb"
# from the first "Program received" on (native gdb's libthread_db notes
# and the server's first stop at _start come before)
first_stop() { sed -n "1,/^$2\$/p" "$T/$1.gdb" | sed -n '/^Program received/,$p' | grep -v "^[0-9]*\$\|^$2\$" | sed '1i S' | sed '$a E'; }
first_stop s-nat1 E >"$T/s1n.gdb"
first_stop s S >"$T/s1.gdb"
same_section s1n s1 1 "the first signal"
same_section s-nat s2 4 "continue to the next signals"
fw=$(grep '^[0-9][0-9]*$' "$T/s.gdb" | head -n 3 | tr '\n' ' ')
bw=$(sed -n '/^R$/,$p' "$T/s.gdb" | grep '^[0-9][0-9]*$' | head -n 4 | tr '\n' ' ')
want=$(echo "$fw" | awk '{print $3, $2, $1, 0}')
[ "$bw" = "$want " ] || fail "signals: reverse-continue stopped at '$bw', want '$want' (the forward stops '$fw', then the start)"
# the same stop texts backwards, each with its thread
got=$(sed -n '/^R$/,$p' "$T/s.gdb" | grep -v '^\[' | grep -A1 'received signal' | grep -v '^--$' |
	sed 's/0x[0-9a-f]*/ADDR/g; s/^Thread [0-9]* \("[^"]*" \)\{0,1\}received/received/; s/^Program received/received/' | tr '\n' ';')
want=$(sed -n '1,/^R$/p' "$T/s.gdb" | grep -v '^\[' | grep -A1 'received signal' | grep -v '^--$' |
	sed 's/0x[0-9a-f]*/ADDR/g; s/^Thread [0-9]* \("[^"]*" \)\{0,1\}received/received/; s/^Program received/received/' |
	paste -d';' - - | tac | tr '\n' ';')
[ -n "$want" ] && [ "$got" = "$want" ] || fail "signals backwards: '$got', forwards reversed '$want'"

# ---- thread names: info threads ----
P=$PROGS/gdbs_names
record_ok "$T/n" "$P"
build_ok "$T/n"
serve "$T/n" srv-n
nativerun n-nat "$P" -ex 'break stop' -ex run -ex 'echo S\n' -ex 'info threads' -ex 'echo E\n'
gdbrun n "$P" -ex 'break stop' -ex continue -ex 'echo S\n' -ex 'info threads' -ex 'echo E\n'
# Id and name of each row, and the function of the current one (where
# the others wait depends on timing, natively too)
cols() { sed -n '/^S$/,/^E$/s/^\([* ]\) *\([0-9][0-9]*\)  *Thread .* \("[^"]*"\)  *\([A-Za-z_][A-Za-z_0-9]*\) .*/\1\2 \3 \4/p' "$T/$1.gdb" | sed 's/^ \([0-9]* "[^"]*"\) .*/\1/'; }
got=$(cols n | tr '\n' ';') want=$(cols n-nat | tr '\n' ';')
[ "$(cols n | wc -l)" = 4 ] && [ "$got" = "$want" ] || fail "info threads: gdbserver '$got', native gdb '$want'"
grep -q '"gdbs-by-main"' "$T/n.gdb" && grep -q '"gdbs-self"' "$T/n.gdb" || fail "info threads: names missing: $got"
got=$(sed -n '/^S$/,/^E$/s/^[* ] *[0-9][0-9]*  *Thread \([0-9]*\) .*/\1/p' "$T/n.gdb" | sort | tr '\n' ' ')
want=$("$HS" ls "$T/n" threads | sort | tr '\n' ' ')
[ "$got" = "$want" ] || fail "info threads: tids '$got', the tree's threads '$want'"
pass
