#!/bin/bash
# fs_parallel.sh - 8 parallel readers (xargs -P 8) of a fresh mount get exactly what one sequential reader gets: random moments of gzip, random offsets of a large events file.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
. "$ROOT/tests/e2e/fs_lib.bash"
require_built

gen_text "$T/text" 100000
GZ=$T/gzip
record_ok "$GZ" /bin/gzip -c "$T/text"
build_ok "$GZ"
# many small writes: a large events file (many 64 KiB checkpoints)
DD=$T/dd
record_ok "$DD" /bin/dd if=/dev/zero bs=1 count=3000
build_ok "$DD"
TEND=$(tend "$GZ")

# jobs: "<trace> <what> <arg>" lines; job.sh prints "<trace> <what> <arg> <md5>"
RANDOM=4242
: >"$T/jobs"
for i in $(seq 1 40); do
	t=$(((RANDOM * 32768 + RANDOM) % (TEND + 1)))
	for what in regs maps thread insn stackpage reg-rip next-rsp; do
		echo "gz $what $t" >>"$T/jobs"
	done
done
cat >"$T/job.sh" <<'EOF2'
#!/bin/bash
# job.sh MNT-PREFIX TRACE WHAT ARG: one reader; exit 1 on any error.
set -o pipefail
m=$1-$2
case $3 in
regs | maps | thread) f=$m/time/$4/$3 ;;
insn) f=$m/time/$4/insn; [ -e "$f" ] || f=$m/time/$4/regs ;;
reg-rip) f=$m/time/$4/reg/rip ;;
next-rsp) f=$m/time/$4/next/reg/rsp; [ -e "$m/time/$4/next" ] || f=$m/time/$4/reg/rsp ;;
stackpage)
	rsp=$(cat "$m/time/$4/reg/rsp") || exit 1
	dd if="$m/time/$4/mem" bs=4096 skip=$((rsp / 4096)) count=1 status=none >"$TMPDIR/$$.page" || exit 1
	echo "$2 $3 $4 $(md5sum <"$TMPDIR/$$.page" | cut -c1-32)"
	rm -f "$TMPDIR/$$.page"
	exit 0 ;;
events)
	dd if="$m/events" bs=4096 count=1 skip="$4" iflag=skip_bytes status=none >"$TMPDIR/$$.ev" || exit 1
	echo "$2 $3 $4 $(md5sum <"$TMPDIR/$$.ev" | cut -c1-32)"
	rm -f "$TMPDIR/$$.ev"
	exit 0 ;;
esac
sum=$(md5sum <"$f" | cut -c1-32) || exit 1
echo "$2 $3 $4 $sum"
EOF2
chmod +x "$T/job.sh"
export TMPDIR=$T

# the events file's size, from the database: then random offsets into it
"$HS" cat "$DD" events >"$T/dd.events" || fail "hindsight cat events failed"
EVSIZE=$(stat -c %s "$T/dd.events")
[ "$EVSIZE" -gt $((1 << 20)) ] || fail "the dd events file has only $EVSIZE bytes"
for i in $(seq 1 60); do
	echo "dd events $(((RANDOM * 32768 + RANDOM) % EVSIZE))" >>"$T/jobs"
done
N=$(wc -l <"$T/jobs")

# sequential, on fresh mounts
mount_tree "$GZ" "$T/seq-gz"
mount_tree "$DD" "$T/seq-dd"
: >"$T/seq.out"
while read -r tr what arg; do
	"$T/job.sh" "$T/seq" "$tr" "$what" "$arg" >>"$T/seq.out" || fail "sequential reader: $tr $what $arg failed"
done <"$T/jobs"
# 8 at once, on other fresh mounts (nothing cached: concurrent first reads)
mount_tree "$GZ" "$T/par-gz"
mount_tree "$DD" "$T/par-dd"
xargs -P 8 -L 1 "$T/job.sh" "$T/par" <"$T/jobs" >"$T/par.out" 2>"$T/par.err" ||
	fail "a parallel reader failed: $(head -n 3 "$T/par.err" | tr '\n' ' ')"
[ -s "$T/par.err" ] && fail "parallel readers printed errors: $(head -n 3 "$T/par.err" | tr '\n' ' ')"
[ "$(wc -l <"$T/seq.out")" = "$N" ] || fail "the sequential run answered $(wc -l <"$T/seq.out") of $N"
sort "$T/seq.out" >"$T/seq.sorted"
sort "$T/par.out" >"$T/par.sorted"
same_file "parallel vs sequential answers" "$T/seq.sorted" "$T/par.sorted"

# both equal hindsight cat: the registers, and the events slices
awk '$2 == "regs" { print "time/" $3 "/regs" }' "$T/jobs" >"$T/regpaths"
# shellcheck disable=SC2046 # one path per word
"$HS" cat "$GZ" $(cat "$T/regpaths") >"$T/regs.cat" || fail "hindsight cat of the regs failed"
(cd "$T/par-gz" && cat $(cat "$T/regpaths")) >"$T/regs.mnt" || fail "cat of the regs failed"
same_file "the regs files vs hindsight cat" "$T/regs.cat" "$T/regs.mnt"
awk '$2 == "events" { print $3 }' "$T/jobs" | while read -r off; do
	echo "dd events $off $(tail -c +$((off + 1)) "$T/dd.events" | head -c 4096 | md5sum | cut -c1-32)"
done | sort >"$T/ev.want"
grep '^dd events ' "$T/par.sorted" >"$T/ev.got"
same_file "events slices vs hindsight cat events" "$T/ev.want" "$T/ev.got"
cmp -s "$T/dd.events" "$T/par-dd/events" || fail "the whole events file differs after the parallel reads"

for m in seq-gz seq-dd par-gz par-dd; do
	timeout 10 cat "$T/$m/info" >/dev/null || fail "$m no longer answers after the readers"
done
pass "$N readers, 8 at a time, events $EVSIZE bytes"
