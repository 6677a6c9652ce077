#!/bin/bash
# fs_tools.sh - the mounted example recording through everyday tools: cat, grep, xxd, ls, find, stat, head, tail, diff, tar, cp, cd.
#
# Every answer is checked against another source: the program's real
# output, `hindsight info`, `hindsight query` (the query library), the
# example's own symbols.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
require_built example

TR=$T/example
record_ok "$TR" "$PROGS/example"
build_ok "$TR"
native "$T/native" "$PROGS/example"
TEND=$(tend "$TR")
[ -n "$TEND" ] && [ "$TEND" -gt 10000 ] || fail "t-end is '$TEND'"
MID=$((TEND / 2))
MNT=$T/mnt
mount_tree "$TR" "$MNT"

# ---- ls, find: the contract's names ---------------------------------------------
[ "$(ls "$MNT" | tr '\n' ' ')" = "README calls events info lines modules output processes sources stderr stdout syscalls threads time writes " ] ||
	fail "ls MNT: $(ls "$MNT" | tr '\n' ' ')"
[ "$(ls "$MNT/time" | tr '\n' ' ')" = "end main start " ] || fail "ls time: $(ls "$MNT/time" | tr '\n' ' ')"
# (the source-level entries, some of which depend on t, are src_* tests' business)
lst() { ls "$1" | grep -vxE 'where|backtrace|locals|next-line|prev-line|step-into|step-back|finish|caller|eval|globals|source' | tr '\n' ' '; }
[ "$(lst "$MNT/time/$MID")" = "insn maps mem next prev reg regs thread " ] ||
	fail "ls time/$MID: $(ls "$MNT/time/$MID" | tr '\n' ' ')"
[ "$(lst "$MNT/time/0")" = "insn maps mem next reg regs thread " ] || fail "ls time/0 (no prev): $(ls "$MNT/time/0" | tr '\n' ' ')"
[ "$(lst "$MNT/time/$TEND")" = "maps mem prev reg regs thread " ] ||
	fail "ls time/end (no next, no insn): $(ls "$MNT/time/$TEND" | tr '\n' ' ')"
ls "$MNT/time/$MID/reg" | grep -qx rax && ls "$MNT/time/$MID/reg" | grep -qx ymm15 && ls "$MNT/time/$MID/reg" | grep -qx xmm0 ||
	fail "ls reg: $(ls "$MNT/time/$MID/reg" | tr '\n' ' ')"
PID_IMG=$(ls "$MNT/processes")
[[ $PID_IMG =~ ^[0-9]+\.0$ ]] || fail "ls processes: '$PID_IMG'"
MAIN_TID=${PID_IMG%.0} # the one thread's tid is the OS's: the pid
find "$MNT" -maxdepth 2 2>"$T/find.err" | sed "s|^$MNT|MNT|" | grep -vE '^MNT/(calls|lines|sources)/' | sort >"$T/find.out" || fail "find -maxdepth 2: $(head -n 2 "$T/find.err")"
[ -s "$T/find.err" ] && fail "find printed errors: $(head -n 2 "$T/find.err")"
cat >"$T/find.want" <<EOF
MNT
MNT/README
MNT/calls
MNT/events
MNT/info
MNT/lines
MNT/modules
MNT/output
MNT/processes
MNT/processes/$PID_IMG
MNT/sources
MNT/stderr
MNT/stdout
MNT/syscalls
MNT/threads
MNT/threads/$MAIN_TID
MNT/time
MNT/time/end
MNT/time/main
MNT/time/start
MNT/writes
EOF
sort -o "$T/find.want" "$T/find.want"
same_file "find MNT -maxdepth 2" "$T/find.want" "$T/find.out"
# hindsight ls shows the same folders
for d in "" time "time/$MID" "time/$MID/reg" threads processes "processes/$PID_IMG"; do
	"$HS" ls "$TR" "$d" | sort >"$T/hls" || fail "hindsight ls $d failed"
	ls -A "$MNT/$d" | sort >"$T/mls"
	same_file "hindsight ls '$d' vs ls" "$T/mls" "$T/hls"
done
# processes/<pid>.<n>/ has the top's layout (without processes/)
[ "$(ls "$MNT/processes/$PID_IMG" | tr '\n' ' ')" = "$(ls "$MNT" | grep -vx processes | tr '\n' ' ')" ] ||
	fail "processes/$PID_IMG/ lists $(ls "$MNT/processes/$PID_IMG" | tr '\n' ' ')"
cmp -s "$MNT/processes/$PID_IMG/time/$MID/regs" "$MNT/time/$MID/regs" || fail "processes/$PID_IMG/time/$MID/regs differs from time/$MID/regs"
cmp -s "$MNT/processes/$PID_IMG/events" "$MNT/events" || fail "processes/$PID_IMG/events differs"

# ---- time/: marks are links, any number resolves -----------------------------------
[ "$(readlink "$MNT/time/start")" = 0 ] || fail "time/start -> $(readlink "$MNT/time/start")"
[ "$(readlink "$MNT/time/end")" = "$TEND" ] || fail "time/end -> $(readlink "$MNT/time/end"), t-end is $TEND"
[ "$(readlink "$MNT/time/$MID/next")" = "../$((MID + 1))" ] || fail "next -> $(readlink "$MNT/time/$MID/next")"
[ "$(readlink "$MNT/time/$MID/prev")" = "../$((MID - 1))" ] || fail "prev -> $(readlink "$MNT/time/$MID/prev")"
for t in 0 1 $MID $TEND; do
	[ -d "$MNT/time/$t" ] || fail "time/$t is not a folder"
done
[ -e "$MNT/time/$((TEND + 1))" ] && fail "time/$((TEND + 1)) exists past the end"

# ---- cat, README, info, stdout, stderr ------------------------------------------------
hcat README >"$T/readme"
cmp -s "$MNT/README" "$T/readme" || fail "README differs from hindsight cat README"
for name in info stdout stderr events syscalls output 'time/<t>/regs' 'time/<t>/reg/' 'time/<t>/mem' \
	'time/<t>/maps' 'time/<t>/insn' 'time/<t>/thread' next prev 'threads/<tid>' 'writes/0xADDR' \
	'processes/<pid>.<n>/' 'time/end' SEEK_DATA EIO; do
	grep -qF -- "$name" "$MNT/README" || fail "README does not explain $name"
done
"$HS" info "$TR" >"$T/info"
same_file "info vs hindsight info" "$T/info" "$MNT/info"
same_file "stdout vs the program's stdout" "$T/native.out" "$MNT/stdout"
same_file "stderr vs the program's stderr" "$T/native.err" "$MNT/stderr"
same_file "stdout vs what record passed through" "$TR.out" "$MNT/stdout"
grep -q 'do not balance' "$MNT/stderr" || fail "stderr has no 'do not balance' warning"

# ---- grep -c, head, tail, stat, cp ----------------------------------------------------------
"$HS" query "$TR" events 0 "$TEND" >"$T/events.q"
same_file "events vs hindsight query events" "$T/events.q" "$MNT/events"
N_WRITES=$(grep -c ' syscall write(' "$T/events.q")
[ "$N_WRITES" -ge 2 ] || fail "the example made $N_WRITES write syscalls"
[ "$(grep -c ' write(' "$MNT/syscalls")" = "$N_WRITES" ] || fail "grep -c write syscalls: $(grep -c ' write(' "$MNT/syscalls"), events say $N_WRITES"
[ "$(wc -l <"$MNT/output")" = "$N_WRITES" ] || fail "output has $(wc -l <"$MNT/output") lines for $N_WRITES writes"
grep -qE "^[0-9]+ $MAIN_TID "'write\(1, ".*"(\.\.\.)?, [0-9]+\) = [0-9]+$' "$MNT/syscalls" ||
	fail "syscalls: no 'write(1, ...) = N' line: $(grep -m1 write "$MNT/syscalls")"
grep -qE "^[0-9]+ $MAIN_TID "'exit_group\(0\) = \?$' "$MNT/syscalls" || fail "syscalls: no exit_group: $(tail -n 1 "$MNT/syscalls")"
awk 'NR > 1 && $1 < prev { exit 1 } { prev = $1 }' "$MNT/syscalls" || fail "syscalls are not in time order"
grep -qE '^[0-9]+ 1 .*Grace Hopper.*\\n$' "$MNT/output" || fail "output: no C-escaped line of the ledger: $(head -n 1 "$MNT/output")"
head -n 3 "$T/events.q" >"$T/h.want"
head -n 3 "$MNT/events" >"$T/h.got"
same_file "head -n 3 events" "$T/h.want" "$T/h.got"
tail -n 2 "$T/events.q" >"$T/t.want"
tail -n 2 "$MNT/events" >"$T/t.got"
same_file "tail -n 2 events" "$T/t.want" "$T/t.got"
for f in README info stdout stderr events syscalls output "time/$MID/regs" "time/$MID/reg/rip" \
	"time/$MID/reg/ymm3" "time/$MID/maps" "time/$MID/insn" "time/$MID/thread" "threads/$MAIN_TID"; do
	size=$(stat -c %s "$MNT/$f")
	real=$(cat "$MNT/$f" | wc -c)
	[ "$size" = "$real" ] || fail "stat says $f has $size bytes, it has $real"
	[ "$(stat -c %F "$MNT/$f")" = "regular file" ] || fail "$f is a $(stat -c %F "$MNT/$f")"
done
[ "$(stat -c %F "$MNT/time/end")" = "symbolic link" ] || fail "time/end is a $(stat -c %F "$MNT/time/end")"
[ "$(stat -c %F "$MNT/time/$MID")" = directory ] || fail "time/$MID is a $(stat -c %F "$MNT/time/$MID")"
[ "$(stat -c %s "$MNT/time/$MID/mem")" = 140737488355328 ] || fail "mem is $(stat -c %s "$MNT/time/$MID/mem") bytes, not 128 TiB"
[ "$(stat -c %b "$MNT/time/$MID/mem")" -lt 1000000 ] || fail "mem claims $(stat -c %b "$MNT/time/$MID/mem") blocks: not sparse"
cp "$MNT/events" "$MNT/time/$MID/regs" "$T/" || fail "cp failed"
cmp -s "$T/events" "$T/events.q" || fail "cp of events differs"
less -FX "$MNT/time/$MID/maps" </dev/null >"$T/less.out" 2>&1
cmp -s "$T/less.out" "$MNT/time/$MID/maps" || fail "less -F of maps differs from cat"
# inode numbers are stable: a second mount gives the same ones
INOS=$(stat -c %i "$MNT/events" "$MNT/time/$MID/regs" "$MNT/time/$MID/reg/rax" "$MNT/threads/$MAIN_TID" | tr '\n' ' ')
mount_tree "$TR" "$T/mnt2"
[ "$(stat -c %i "$T/mnt2/events" "$T/mnt2/time/$MID/regs" "$T/mnt2/time/$MID/reg/rax" "$T/mnt2/threads/$MAIN_TID" | tr '\n' ' ')" = "$INOS" ] ||
	fail "inode numbers differ between two mounts"
# a second mount on the same folder is refused, not stacked on the first
"$HS" mount "$TR" "$T/mnt2" 2>"$T/mnt2.err" && fail "a second mount on mnt2 succeeded"
grep -q 'already holds a Hindsight tree' "$T/mnt2.err" || fail "second mount on mnt2 said: $(cat "$T/mnt2.err")"
[ "$(grep -c " $T/mnt2 " /proc/self/mountinfo)" = 1 ] || fail "mnt2 holds $(grep -c " $T/mnt2 " /proc/self/mountinfo) mounts"
unmount_tree "$T/mnt2"

# ---- registers, diff between two moments ---------------------------------------------------
"$HS" query "$TR" regs "$MID" >"$T/regs.a"
"$HS" query "$TR" regs $((MID + 50)) >"$T/regs.b"
same_file "time/$MID/regs vs query regs" "$T/regs.a" "$MNT/time/$MID/regs"
diff "$T/regs.a" "$T/regs.b" >"$T/diff.want"
diff "$MNT/time/$MID/regs" "$MNT/time/$((MID + 50))/regs" >"$T/diff.got"
[ $? = 1 ] || fail "diff of two moments' regs found no difference"
same_file "diff time/$MID/regs time/$((MID + 50))/regs" "$T/diff.want" "$T/diff.got"
[ "$(cat "$MNT/time/$MID/reg/rip")" = "$(reg_at "$TR" "$MID" rip)" ] || fail "reg/rip differs from query reg rip"

# ---- cd time/T/next: one instruction further ------------------------------------------------
(
	cd "$MNT/time/$MID/next" || exit 1
	[ "$(cat reg/rip)" = "$(reg_at "$TR" $((MID + 1)) rip)" ] || exit 2
	cd next/next/prev || exit 3
	[ "$(cat reg/rip)" = "$(reg_at "$TR" $((MID + 2)) rip)" ] || exit 4
	cd ../end || exit 5
	[ "$(cat thread)" = "$MAIN_TID" ] || exit 6
) || fail "cd time/$MID/next (and on) failed at step $?"
[ "$(awk '{ print $1 }' "$MNT/time/$MID/insn")" = "$(printf '0x%x' "$(cat "$MNT/time/$MID/reg/rip")")" ] ||
	fail "insn is not at rip: $(cat "$MNT/time/$MID/insn")"

# ---- xxd on mem: the example's ledger ---------------------------------------------------------
"$HS" query "$TR" maps "$MID" >"$T/maps.q"
same_file "maps vs query maps" "$T/maps.q" "$MNT/time/$MID/maps"
BASE=$(awk '$6 ~ /\/example$/ && $3 == "00000000" { split($1, a, "-"); print a[1]; exit }' "$T/maps.q")
LEDGER=$(nm "$PROGS/example" | awk '$3 == "ledger" { print $1 }')
[ -n "$BASE" ] && [ -n "$LEDGER" ] || fail "no ledger address (base '$BASE', ledger '$LEDGER')"
ADDR=$((0x$BASE + 0x$LEDGER))
xxd -s "$ADDR" -l 64 "$MNT/time/$TEND/mem" >"$T/xxd.got" || fail "xxd -s $ADDR -l 64 mem failed"
"$HS" query --raw "$TR" mem "$TEND" "$ADDR" 64 | xxd -o "$ADDR" >"$T/xxd.want"
same_file "xxd of the ledger at the end" "$T/xxd.want" "$T/xxd.got"
grep -q 'Alexandr' "$T/xxd.got" || fail "the ledger holds no 'Alexandr...': $(head -n 2 "$T/xxd.got")"

# ---- writes/: who wrote the balance ------------------------------------------------------------
BAL=$(printf '0x%x' $((ADDR + 16)))
"$HS" query "$TR" writes "$BAL" 8 | cut -d' ' -f1-5 >"$T/writes.want" # (query adds the tid)
# (its size is unknown, 0 for stat: cmp would trust that, so through cat)
cat "$MNT/writes/$BAL+8" >"$T/writes.got" || fail "cat writes/$BAL+8 failed"
same_file "writes/$BAL+8 vs query writes" "$T/writes.want" "$T/writes.got"
[ "$(wc -l <"$T/writes.want")" -ge 3 ] || fail "writes/$BAL+8 has $(wc -l <"$T/writes.want") lines"
grep -vqE '^[0-9]+ 0x[0-9a-f]+ [0-9]+ [0-9a-f]+ (store|syscall|signal|core|map|zero|remap)$' "$MNT/writes/$BAL+8" &&
	fail "writes: a line not '<t> 0xaddr len hex kind': $(grep -vE '^[0-9]+ 0x[0-9a-f]+ [0-9]+ [0-9a-f]+ [a-z]+$' "$MNT/writes/$BAL+8" | head -n 1)"
[ "$(tail -n 1 "$MNT/writes/$BAL")" = "$("$HS" query "$TR" last-write "$BAL" 1 "$TEND" | cut -d' ' -f1-5)" ] ||
	fail "the last line of writes/$BAL is not the last write: $(tail -n 1 "$MNT/writes/$BAL")"
[ "$(stat -c %s "$MNT/writes/$BAL+8")" = 0 ] || fail "writes/ should report size 0 (unknown, direct I/O)"

# ---- tar of one moment's folder (mem as a sparse file) -------------------------------------------
tar -cSf "$T/moment.tar" -C "$MNT/time/$MID" . 2>"$T/tar.err" || fail "tar -cS of time/$MID: $(head -n 2 "$T/tar.err")"
tar -tf "$T/moment.tar" | sort >"$T/tar.list"
for f in ./regs ./reg/rax ./reg/ymm15 ./mem ./maps ./insn ./thread ./next ./prev; do
	grep -qx -- "$f" "$T/tar.list" || fail "the tar has no $f"
done
mkdir "$T/x" && tar -xf "$T/moment.tar" -C "$T/x" --exclude=./mem ./regs ./maps ./reg ./next || fail "cannot untar"
cmp -s "$T/x/regs" "$T/regs.a" && cmp -s "$T/x/maps" "$T/maps.q" || fail "regs or maps differ after tar"
[ "$(readlink "$T/x/next")" = "../$((MID + 1))" ] || fail "the tar's next link is $(readlink "$T/x/next")"
[ "$(stat -c %s "$T/moment.tar")" -lt $((64 << 20)) ] || fail "the tar is $(stat -c %s "$T/moment.tar") bytes: holes were read"

unmount_tree "$MNT"

# ---- time/crash: a program killed by a signal ---------------------------------------------------
WANT_RC=134 record_ok "$T/abort" "$PROGS/abort"
build_ok "$T/abort"
mount_tree "$T/abort" "$T/mnt-abort"
[ "$(ls "$T/mnt-abort/time" | tr '\n' ' ')" = "crash end main start " ] || fail "ls time of a crash: $(ls "$T/mnt-abort/time" | tr '\n' ' ')"
CRASH=$(readlink "$T/mnt-abort/time/crash")
[ -n "$CRASH" ] && [ "$CRASH" -le "$(readlink "$T/mnt-abort/time/end")" ] || fail "time/crash -> '$CRASH'"
[ "$("$HS" ls -l "$T/abort" time/crash)" = "l ${#CRASH} time/crash -> $CRASH" ] ||
	fail "hindsight ls -l time/crash: $("$HS" ls -l "$T/abort" time/crash)"
cmp -s "$T/mnt-abort/time/crash/regs" <("$HS" query "$T/abort" regs "$CRASH") || fail "time/crash/regs differs from query regs $CRASH"
unmount_tree "$T/mnt-abort"
# cat -s and -n are decimal or 0x hex: a leading 0 is no octal
"$HS" cat -s 010 -n 5 "$T/abort" README >"$T/s010" || fail "cat -s 010 failed"
"$HS" cat -s 10 -n 5 "$T/abort" README >"$T/s10" || fail "cat -s 10 failed"
"$HS" cat -s 0xa -n 5 "$T/abort" README >"$T/s0xa" || fail "cat -s 0xa failed"
cmp -s "$T/s010" "$T/s10" && cmp -s "$T/s0xa" "$T/s10" || fail "cat -s 010 / 0xa do not read at 10"
"$HS" cat -s 0x "$T/abort" README >/dev/null 2>&1 && fail "cat -s 0x was accepted"
pass "t-end $TEND, $N_WRITES writes"
