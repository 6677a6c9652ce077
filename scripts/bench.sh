#!/bin/bash
# bench.sh - recorder speed figures on `gzip -c`, side by side with its alternatives; appends to bench/RESULTS.md.
#
#   sh scripts/bench.sh            (make bench builds first)
#
# One run measures, on the same deterministic text:
#   native      gzip -c                      (HS_BENCH_MB, default 10 MB)
#   none        valgrind --tool=none gzip -c (same input)
#   lackey      valgrind --tool=lackey --trace-mem=yes, log to /dev/null
#               (HS_BENCH_LACKEY_KB, default 1024 KB: it is ~100x slower)
#   gdb         gdb `record full`, from gzip's first read() to the end or to
#               the first instruction/syscall gdb cannot record
#               (HS_BENCH_GDB_BYTES, default 1000 bytes: ~7k insn/s)
#   hindsight   build/bin/hindsight record   (same input as native)
#   decode      hindsight trace-check --insns of that trace (only with
#               HS_BENCH_DECODE=1; it can take minutes)
#   source, ui  scripts/bench_source.sh and scripts/bench_ui.sh on that trace
#               (where/backtrace/locals, calls/ and lines/ rates; step
#               round trip and first paint in chromium), at the end
#   tree        scripts/bench_tree.sh on that trace (and dd and find
#               recordings of its own): the mounted tree's latency and the
#               speed of grep over events
#
# Instruction counts: hindsight's own count (`info` instructions:) for the
# full input, which tests/e2e/rec_icount_matches_lackey.sh proves equal to
# lackey's; lackey --basic-counts=yes for the lackey input; gdb's own
# "Log contains N instructions".  Native and --tool=none runs are credited
# with the recorded run's count: the program is the same, and Valgrind's
# LD_PRELOAD changes it by a few thousand instructions in billions.
# Wall times are the best of HS_BENCH_REPS (default 3) runs for the fast
# rows, one run for the others.  Peak RSS comes from GNU time (/usr/bin/time,
# Debian package `time`); its wait4() figure for `hindsight record` is the
# largest of the CLI and its Valgrind child.
#
# Scratch files (the trace is several GB) go to a new folder under
# HS_BENCH_DIR or ${TMPDIR:-/tmp}, removed at the end unless HS_KEEP=1.
# HS_BENCH_RESULTS names another results file (default bench/RESULTS.md).
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HS=${HS:-$ROOT/build/bin/hindsight}
RESULTS=${HS_BENCH_RESULTS:-$ROOT/bench/RESULTS.md}
MB=${HS_BENCH_MB:-10}
LACKEY_KB=${HS_BENCH_LACKEY_KB:-1024}
GDB_BYTES=${HS_BENCH_GDB_BYTES:-1000}
REPS=${HS_BENCH_REPS:-3}
GZIP=/usr/bin/gzip
GNUTIME=/usr/bin/time
export LC_ALL=C

die()
{
	echo "bench: $*" >&2
	exit 1
}

[ -x "$HS" ] || die "$HS is not built (run make)"
command -v valgrind >/dev/null || die "valgrind is not installed (scripts/install-deps.sh)"
if [ ! -x "$GNUTIME" ]; then
	echo "bench: $GNUTIME (Debian package 'time') is missing: no peak RSS figures" >&2
	GNUTIME=
fi

W=$(mktemp -d "${HS_BENCH_DIR:-${TMPDIR:-/tmp}}/hs-bench.XXXXXX") || die "cannot create a scratch folder"
cleanup()
{
	if [ "${HS_KEEP:-0}" = 1 ]; then
		echo "bench: kept $W" >&2
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT

log()
{
	echo "bench: $*" >&2
}

# ---- input -------------------------------------------------------------------
# Pseudo-English from a fixed seed: compresses about like ordinary text.
gen_input()
{
	/usr/bin/python3 "$ROOT/scripts/gen-text.py" "$1" "$2"
}

BIG=$W/input.txt
gen_input "$BIG" $((MB * 1024 * 1024)) || die "cannot write $BIG"
LK_IN=$W/input-${LACKEY_KB}k.txt
GDB_IN=$W/input-${GDB_BYTES}b.txt
head -c $((LACKEY_KB * 1024)) "$BIG" >"$LK_IN"
head -c "$GDB_BYTES" "$BIG" >"$GDB_IN"
BIG_BYTES=$(stat -c %s "$BIG")

# ---- measuring ---------------------------------------------------------------
# measure NAME CMD...: run CMD (stdout to $MEASURE_OUT or /dev/null, stderr
# to $W/NAME.err); sets SECS (wall) and RSS_KB (peak, or empty).  Returns
# CMD's status.
measure()
{
	local name=$1 rc out=${MEASURE_OUT:-/dev/null}
	shift
	if [ -n "$GNUTIME" ]; then
		"$GNUTIME" -f '%e %M' -o "$W/$name.time" "$@" >"$out" 2>"$W/$name.err" </dev/null
		rc=$?
		# GNU time prefixes "Command exited with non-zero status N" lines.
		read -r SECS RSS_KB < <(tail -n 1 "$W/$name.time")
	else
		local t0 t1
		t0=$(date +%s.%N)
		"$@" >"$out" 2>"$W/$name.err" </dev/null
		rc=$?
		t1=$(date +%s.%N)
		SECS=$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')
		RSS_KB=
	fi
	return $rc
}

# best NAME CMD...: the fastest of REPS runs.
best()
{
	local name=$1 i s=
	local r=
	shift
	for i in $(seq 1 "$REPS"); do
		measure "$name" "$@" || die "$name failed: $(tail -n 2 "$W/$name.err")"
		if [ -z "$s" ] || awk -v a="$SECS" -v b="$s" 'BEGIN { exit !(a < b) }'; then
			s=$SECS
			r=$RSS_KB
		fi
		log "$name run $i: ${SECS}s"
	done
	SECS=$s
	RSS_KB=$r
}

ROWS=()
NATIVE_RATE=
# row NAME INPUT-BYTES INSNS SECS RSS_KB TRACE-BYTES NOTE
row()
{
	local name=$1 in=$2 n=$3 s=$4 rss=$5 tb=$6 note=$7 rate mis slow bpi rssm
	rate=$(awk -v n="$n" -v s="$s" 'BEGIN { if (n > 0 && s > 0) printf "%.0f", n / s; else print "" }')
	mis=$(awk -v r="$rate" 'BEGIN { if (r != "") printf "%.3f", r / 1e6; else print "n/a" }')
	slow=n/a
	if [ -n "$NATIVE_RATE" ] && [ -n "$rate" ]; then
		slow=$(awk -v a="$NATIVE_RATE" -v b="$rate" 'BEGIN { printf "%.1fx", a / b }')
	fi
	bpi=-
	[ -n "$tb" ] && bpi=$(awk -v t="$tb" -v n="$n" 'BEGIN { printf "%.3f", t / n }')
	rssm=n/a
	[ -n "$rss" ] && rssm=$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')
	ROWS+=("| $name | $in | $n | $s | $mis | $slow | ${tb:--} | $bpi | $rssm | $note |")
	[ "$name" = "native gzip -c" ] && NATIVE_RATE=$rate
	log "row: $name: $n insns in ${s}s = $mis M insn/s"
}

# ---- hindsight record (first: its count is the reference) --------------------
TRACE=$W/trace
log "hindsight record of ${MB} MB (one run)"
measure hindsight "$HS" record -o "$TRACE" -- "$GZIP" -c "$BIG" ||
	die "hindsight record failed: $(tail -n 3 "$W/hindsight.err")"
HS_SECS=$SECS
HS_RSS=$RSS_KB
N_BIG=$("$HS" info "$TRACE" | sed -n 's/^instructions: *//p' | tr -d ',')
TRACE_BYTES=$(du -sb "$TRACE" | cut -f1)
[ -n "$N_BIG" ] && [ "$N_BIG" -gt 0 ] 2>/dev/null || die "hindsight info gives no instruction count"
HS_COMPLETE=$("$HS" info "$TRACE" | sed -n 's/^complete: *//p')

# ---- native and valgrind --tool=none -----------------------------------------
log "native gzip -c, best of $REPS"
best native "$GZIP" -c "$BIG"
row "native gzip -c" "$BIG_BYTES" "$N_BIG" "$SECS" "$RSS_KB" "" ""
log "valgrind --tool=none, best of $REPS"
best none valgrind --tool=none "$GZIP" -c "$BIG"
row "valgrind --tool=none" "$BIG_BYTES" "$N_BIG" "$SECS" "$RSS_KB" "" ""

# ---- lackey --trace-mem=yes ----------------------------------------------------
LK_BYTES=$(stat -c %s "$LK_IN")
log "counting the lackey input's instructions (lackey --basic-counts=yes)"
valgrind --tool=lackey --basic-counts=yes --log-file="$W/lackey-count.log" "$GZIP" -c "$LK_IN" >/dev/null </dev/null ||
	die "lackey count failed"
N_LK=$(sed -n 's/.*guest instrs: *//p' "$W/lackey-count.log" | tr -d ',')
log "lackey --trace-mem=yes on $LK_BYTES bytes"
measure lackey valgrind --tool=lackey --trace-mem=yes --log-file=/dev/null "$GZIP" -c "$LK_IN" ||
	die "lackey failed: $(tail -n 2 "$W/lackey.err")"
row "valgrind --tool=lackey --trace-mem=yes" "$LK_BYTES" "$N_LK" "$SECS" "$RSS_KB" "" "log to /dev/null"

# ---- gdb record full -----------------------------------------------------------
# gdb records from gzip's first read() (ld.so and libc start-up would take
# minutes at its speed) until the program exits or gdb meets an instruction
# (AVX, in glibc's string functions) or a syscall it cannot record; the
# rate is over what it did record, timed inside gdb.
if command -v gdb >/dev/null; then
	# (`run ARGS` replaces the --args arguments, so the arguments go here.)
	cat >"$W/record.gdb" <<-EOF
		set pagination off
		set confirm off
		set record full insn-number-max unlimited
		set breakpoint pending on
		break read
		run -c $GDB_IN >/dev/null
		delete
		record full
		python import time; t0 = time.time()
		continue
		python print("BENCH-RECORD-SECONDS %.3f" % (time.time() - t0))
		info record
		kill
		quit
	EOF
	log "gdb record full on $GDB_BYTES bytes (about a minute)"
	MEASURE_OUT=$W/gdb.out measure gdb timeout 900 gdb -nx -q -batch -x "$W/record.gdb" "$GZIP"
	cat "$W/gdb.err" >>"$W/gdb.out"
	N_GDB=$(sed -n 's/^Log contains \([0-9]*\) instructions.*/\1/p' "$W/gdb.out" | tail -n 1)
	S_GDB=$(sed -n 's/^BENCH-RECORD-SECONDS //p' "$W/gdb.out" | tail -n 1)
	if grep -q 'does not support instruction' "$W/gdb.out"; then
		GDB_NOTE="stopped early: $(grep -m1 -o 'does not support instruction[^.]*' "$W/gdb.out")"
	elif grep -qE "(doesn't|does not) support syscall" "$W/gdb.out"; then
		GDB_NOTE="stopped early: $(grep -m1 -oE "(doesn't|does not) support syscall[^.]*" "$W/gdb.out")"
	elif grep -qE 'inferior program stopped|exited normally|_exit' "$W/gdb.out"; then
		GDB_NOTE="first read() to exit"
	else
		GDB_NOTE="stop reason unknown: $(grep -v '^$' "$W/gdb.out" | tail -n 1 | cut -c1-60)"
	fi
	if [ -n "$N_GDB" ] && [ -n "$S_GDB" ]; then
		row "gdb record full" "$GDB_BYTES" "$N_GDB" "$S_GDB" "$RSS_KB" "" "$GDB_NOTE"
	else
		log "gdb gave no figures: $(tail -n 3 "$W/gdb.out")"
		ROWS+=("| gdb record full | $GDB_BYTES | n/a | n/a | n/a | n/a | - | - | n/a | no figures: $GDB_NOTE |")
	fi
else
	ROWS+=("| gdb record full | - | n/a | n/a | n/a | n/a | - | - | n/a | gdb not installed |")
fi

row "hindsight record" "$BIG_BYTES" "$N_BIG" "$HS_SECS" "$HS_RSS" "$TRACE_BYTES" "complete: ${HS_COMPLETE:-?}"

# ---- optional: decode ----------------------------------------------------------
if [ "${HS_BENCH_DECODE:-0}" = 1 ]; then
	log "hindsight trace-check --insns (decode)"
	if measure decode "$HS" trace-check --insns "$TRACE"; then
		row "hindsight trace-check --insns" "$BIG_BYTES" "$N_BIG" "$SECS" "$RSS_KB" "" "decode only"
	else
		ROWS+=("| hindsight trace-check --insns | $BIG_BYTES | n/a | $SECS | n/a | n/a | - | - | n/a | failed |")
	fi
fi

# ---- hindsight build: the scaling table, 1, 2, 4, ... shards up to the cores ----
# Scaling beyond this machine's cores needs a bigger machine: run this script
# there, or HS_BENCH_SHARDS="1 2 4 8 16".
BUILD_SHARDS=
for ((n = 1; n < $(nproc); n *= 2)); do
	BUILD_SHARDS="$BUILD_SHARDS $n"
done
BUILD_SHARDS="${BUILD_SHARDS# } $(nproc)"
SCALE=()
ONE_SECS=
# timed NAME CMD...: like measure, with user and system seconds (U_SECS, S_SECS).
timed()
{
	local name=$1 rc
	shift
	if [ -z "$GNUTIME" ]; then
		measure "$name" "$@"
		rc=$?
		U_SECS=n/a
		S_SECS=n/a
		return $rc
	fi
	"$GNUTIME" -f '%e %U %S %M' -o "$W/$name.time" "$@" >/dev/null 2>"$W/$name.err" </dev/null
	rc=$?
	read -r SECS U_SECS S_SECS RSS_KB < <(tail -n 1 "$W/$name.time")
	return $rc
}
for n in ${HS_BENCH_SHARDS:-$BUILD_SHARDS}; do
	rm -rf "$TRACE/db"
	log "hindsight build --shards $n"
	if timed "build$n" "$HS" build --shards "$n" "$TRACE"; then
		DB=$(du -sb "$TRACE/db" | cut -f1)
		row "hindsight build --shards $n" "$BIG_BYTES" "$N_BIG" "$SECS" "$RSS_KB" "$DB" \
			"db only; db + raw $(awk -v a="$DB" -v b="$TRACE_BYTES" -v n="$N_BIG" 'BEGIN { printf "%.3f", (a + b) / n }') B/insn"
		[ -n "$ONE_SECS" ] || ONE_SECS=$SECS
		SCALE+=("| $n | $SECS | $U_SECS | $S_SECS | $(awk -v a="$ONE_SECS" -v b="$SECS" 'BEGIN { printf "%.2fx", a / b }') |")
		MAX_SHARDS=$n
	else
		ROWS+=("| hindsight build --shards $n | $BIG_BYTES | n/a | $SECS | n/a | n/a | - | - | n/a | failed: $(tail -n 1 "$W/build$n.err") |")
	fi
done

# ---- the merge's share: the most shards as --shard i/N processes (at once), then --merge ----
MERGE_LINE="merge: not measured (no build succeeded)"
if [ -n "${MAX_SHARDS:-}" ]; then
	n=$MAX_SHARDS
	log "hindsight build --shard i/$n (at once), then --merge"
	rm -rf "$TRACE/db" "$TRACE/.db.shards"
	t0=$(date +%s.%N)
	for ((i = 0; i < n; i++)); do
		"$HS" build --shard "$i/$n" "$TRACE" >/dev/null 2>"$W/shard$i.err" </dev/null &
	done
	wait
	SHARD_SECS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	if timed merge "$HS" build --merge --shards "$n" "$TRACE"; then
		MERGE_LINE=$(awk -v m="$SECS" -v u="$U_SECS" -v sh="$SHARD_SECS" -v one="$ONE_SECS" -v n="$n" 'BEGIN {
			printf "merge of %d shards: %.2f s wall, %s s user; %.1f%% of a 1-shard build (%.2f s), %.1f%% of the distributed build (%.2f s shards + %.2f s merge)",
				n, m, u, 100 * m / one, one, 100 * m / (sh + m), sh, m }')
	else
		MERGE_LINE="merge of $n shards failed: $(tail -n 1 "$W/merge.err")"
	fi
	rm -rf "$TRACE/.db.shards"
fi
log "$MERGE_LINE"
if measure verify "$HS" verify "$TRACE"; then
	row "hindsight verify" "$BIG_BYTES" "$N_BIG" "$SECS" "$RSS_KB" "" "every checksum"
fi

# ---- query latency at random t, on the same database ---------------------------
log "hindsight query bench (latency of random questions)"
"$HS" query "$TRACE" bench "${HS_BENCH_QUERIES:-400}" 1 >"$W/qbench.out" 2>&1 || log "query bench failed"

# ---- the tree through a FUSE mount (scripts/bench_tree.sh), on the same trace ----
log "tree figures through a mount (scripts/bench_tree.sh; records dd and find itself)"
HS_BENCH_GZ=$TRACE bash "$ROOT/scripts/bench_tree.sh" >"$W/tree.out" 2>"$W/tree.err" ||
	log "bench_tree failed: $(tail -n 2 "$W/tree.err")"

# ---- report --------------------------------------------------------------------
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || REV="$REV (with uncommitted changes)"
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
GZ_RATIO=$(awk -v a="$("$GZIP" -c "$BIG" | wc -c)" -v b="$BIG_BYTES" 'BEGIN { printf "%.1f%%", 100 * a / b }')
{
	echo
	echo "## $(date -u '+%Y-%m-%d %H:%M UTC'): gzip -c of ${MB} MB"
	echo
	echo "Machine: $CPU, $(nproc) cores, Linux $(uname -r), $(valgrind --version), hindsight $REV."
	echo "Input: $BIG_BYTES bytes of generated text (fixed seed, scripts/bench.sh), gzip -c output $GZ_RATIO of it."
	echo "Smaller inputs are prefixes of it. Wall seconds; M insn/s = instructions / seconds / 1e6;"
	echo "slowdown against native per instruction; peak RSS from GNU time. Best of $REPS runs for native and none."
	echo
	echo "| run | input bytes | instructions | seconds | M insn/s | slowdown | trace bytes | bytes/insn | peak RSS MiB | note |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	for r in "${ROWS[@]}"; do
		echo "$r"
	done
	echo
	echo "Build scaling (\`hindsight build --shards N\`; speedup: the 1-shard wall over N's):"
	echo
	echo "| shards | wall s | user s | sys s | speedup |"
	echo "|---:|---:|---:|---:|---:|"
	for r in "${SCALE[@]}"; do
		echo "$r"
	done
	echo
	echo "The merge's share (\`hindsight build --shard i/N\` for every i at once, then \`--merge\`):"
	echo "$MERGE_LINE."
	echo
	echo "Commands (in the scratch folder; each wrapped in \`/usr/bin/time -f '%e %M'\`):"
	echo
	echo "    $GZIP -c input.txt >/dev/null"
	echo "    valgrind --tool=none $GZIP -c input.txt >/dev/null"
	echo "    valgrind --tool=lackey --trace-mem=yes --log-file=/dev/null $GZIP -c $(basename "$LK_IN") >/dev/null"
	echo "    valgrind --tool=lackey --basic-counts=yes $GZIP -c $(basename "$LK_IN") >/dev/null   # instruction count only"
	echo "    gdb -nx -q -batch -x record.gdb $GZIP"
	echo "    $HS record -o trace -- $GZIP -c input.txt >/dev/null"
	echo "    $HS info trace                        # instructions:"
	echo "    $HS build --shards N trace            # for N in: ${HS_BENCH_SHARDS:-$BUILD_SHARDS}"
	echo "    $HS build --shard I/N trace &         # for I in 0..N-1, N = ${MAX_SHARDS:-?}; wait"
	echo "    $HS build --merge --shards N trace"
	echo "    $HS verify trace"
	echo "    $HS query trace bench ${HS_BENCH_QUERIES:-400} 1"
	echo
	echo "Query latency (ms; cold: cache dropped first, warm: asked again, next: t+1 after t):"
	echo
	sed 's/^/    /' "$W/qbench.out"
	echo
	echo "The tree through a FUSE mount (\`HS_BENCH_GZ=trace bash scripts/bench_tree.sh\`: regs = open+read+close"
	echo "of time/<t>/regs at random t never asked before; mem = pread of 1 MiB of a mapping at a random t;"
	echo "grep = \`grep -c write MNT/events\`, first = generating the whole file, again = from the spill file;"
	echo "dd = dd bs=1 count=100000, find = find /usr/share/doc, gz = the trace above):"
	echo
	sed 's/^/    /' "$W/tree.out"
	[ "${HS_BENCH_DECODE:-0}" = 1 ] && echo "    $HS trace-check --insns trace"
	echo
	echo "record.gdb:"
	echo
	sed "s|$W/||; s/^/    /" "$W/record.gdb" 2>/dev/null
} >>"$RESULTS.tmp.$$"
[ -f "$RESULTS" ] || printf '# Benchmark results\n\nAppended by `make bench` (scripts/bench.sh); newest last.\n' >"$RESULTS"
cat "$RESULTS.tmp.$$" >>"$RESULTS"
rm -f "$RESULTS.tmp.$$"
cat "$RESULTS" | tail -n $((${#ROWS[@]} + 20))
echo
echo "Build scaling:"
printf '%s\n' "| shards | wall s | user s | sys s | speedup |" "${SCALE[@]}"
echo "$MERGE_LINE"
log "appended to $RESULTS"

# ---- source level and the web UI, on the same trace (each appends its own section) ----
log "source-level figures (scripts/bench_source.sh)"
HS_BENCH_GZ=$TRACE HS_BENCH_APPEND=1 bash "$ROOT/scripts/bench_source.sh" ||
	log "bench_source failed"
log "web UI figures in chromium (scripts/bench_ui.sh)"
HS_BENCH_GZ=$TRACE bash "$ROOT/scripts/bench_ui.sh" || log "bench_ui failed"
