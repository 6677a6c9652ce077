#!/bin/bash
# rec_breakdown.sh - where the recorder's time goes, side by side in one run.
#
#   bash bench/rec_breakdown.sh [REPS]        (default 5)
#
# For each workload (gzip -c of 4 MB of generated text, a small python3
# program, sqlite3) it runs, interleaved so that load from elsewhere hits
# every row alike, REPS times:
#   none        valgrind --tool=none
#   nolog       our tool, exact registers (VexRegUpdAllregsAtEachInsn), no
#               instrumentation: Valgrind's floor for any exact recorder
#   nocompress  every instruction logged, each full chunk dropped
#   nowrite     logged and zstd-compressed (level 1), nothing written
#   fast        recorded at zstd's fastest level (--hs-level=-50), written
#   record      `hindsight record` as it is (level 1)
#   inline      recorded with --hs-writers=0: the program's thread compresses
#               and writes, as before the writer processes
#   writers1    recorded with one writer process (--hs-writers=1)
# and prints, per row, the median over the reps of wall / none's wall of
# the same rep, the same for user+sys CPU seconds, the peak RSS (GNU time,
# the largest process) and the recording's bytes per instruction.  The
# machine may be shared: compare ratios, not seconds.
#
# HS: the hindsight binary (default build/bin/hindsight).  HS_BREAKDOWN_ONLY:
# space-separated workload names (gzip python sqlite) to run a subset;
# HS_BREAKDOWN_ROWS: the rows (none first), default all.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HS=${HS:-$ROOT/build/bin/hindsight}
TOOL_DIR=$ROOT/build/lib/hindsight/valgrind
REPS=${1:-5}
ONLY=${HS_BREAKDOWN_ONLY:-gzip python sqlite}
W=$(mktemp -d "${TMPDIR:-/tmp}/hs-breakdown.XXXXXX")
trap 'rm -rf "$W"' EXIT

/usr/bin/python3 "$ROOT/scripts/gen-text.py" "$W/input.txt" $((4 * 1024 * 1024))

cat >"$W/prog.py" <<'EOF'
import json, re
d = {str(i): [i * i, "x" * (i % 7)] for i in range(3000)}
s = json.dumps(d)
print(len(s), len(re.findall(r"\d+", s)), sum(v[0] for v in json.loads(s).values()))
EOF
cat >"$W/q.sql" <<'EOF'
create table t(a integer, b text);
with recursive c(x) as (select 1 union all select x + 1 from c where x < 20000)
insert into t select x, hex(randomblob(8)) from c;
create index i on t(b);
select count(*), sum(a) from t where b > '8';
EOF

workload() # workload NAME: the command line, one word per line
{
	case $1 in
	gzip) printf '%s\n' /usr/bin/gzip -c "$W/input.txt" ;;
	python) printf '%s\n' /usr/bin/python3 "$W/prog.py" ;;
	sqlite) printf '%s\n' /usr/bin/sqlite3 -batch :memory: ".read $W/q.sql" ;;
	esac
}

VG_ARGS=(--trace-children=yes -q --vgdb=no)
run_row() # run_row ROW CMD...: prints "wall cpu rss_kb"
{
	local row=$1 out=$W/trace-$1
	shift
	rm -rf "$out"
	case $row in
	none)
		/usr/bin/time -o "$W/t" -f '%e %U %S %M' valgrind --tool=none "${VG_ARGS[@]}" "$@" ;;
	record)
		/usr/bin/time -o "$W/t" -f '%e %U %S %M' "$HS" record -o "$out" -- "$@" ;;
	*)
		local m=$row lv=1 nw=
		case $row in
		fast) m=full lv=-50 ;;
		inline) m=full nw=--hs-writers=0 ;;
		writers1) m=full nw=--hs-writers=1 ;;
		esac
		mkdir -p "$out/procs"
		VALGRIND_LIB=$TOOL_DIR /usr/bin/time -o "$W/t" -f '%e %U %S %M' \
			valgrind --tool=hindsight --hs-out="$out/procs" --hs-level=$lv \
			--hs-measure=$m $nw "${VG_ARGS[@]}" "$@" ;;
	esac >/dev/null 2>"$W/err" || { cat "$W/err" >&2; return 1; }
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$W/t"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ROWS=${HS_BREAKDOWN_ROWS:-none nolog nocompress nowrite fast inline writers1 record}
for wl in $ONLY; do
	mapfile -t CMD < <(workload "$wl")
	: >"$W/res"
	run_row none "${CMD[@]}" >/dev/null # warm the page cache
	for rep in $(seq "$REPS"); do
		for row in $ROWS; do
			echo "$rep $row $(run_row "$row" "${CMD[@]}")" >>"$W/res"
		done
	done
	insns=$("$HS" info "$W/trace-record" | sed -n 's/^instructions: *//p')
	echo "### $wl: ${CMD[*]##*/}"
	echo
	echo "instructions: $insns; $REPS reps, median of each rep's ratio to none's"
	echo
	echo "| row | wall / none | cpu / none | none wall s (median) | peak RSS MiB | bytes/insn |"
	echo "|---|---:|---:|---:|---:|---:|"
	for row in $ROWS; do
		wr=$(awk -v r="$row" '$2 == "none" { w[$1] = $3 } $2 == r { print $3 / w[$1] }' "$W/res" | median)
		cr=$(awk -v r="$row" '$2 == "none" { c[$1] = $4 } $2 == r { print $4 / c[$1] }' "$W/res" | median)
		nw=$(awk '$2 == "none" { print $3 }' "$W/res" | median)
		rss=$(awk -v r="$row" '$2 == r { print $5 / 1024 }' "$W/res" | median)
		bpi=-
		case $row in
		fast | inline | writers1 | record)
			bpi=$(du -sb "$W/trace-$row/procs" | awk -v n="$insns" '{ printf "%.3f", $1 / n }') ;;
		esac
		printf '| %s | %.2f | %.2f | %.2f | %.0f | %s |\n' "$row" "$wr" "$cr" "$nw" "$rss" "$bpi"
	done
	echo
	# the recorder's own CPU accounting of one full run (--hs-verbose)
	rm -rf "$W/trace-v"
	mkdir -p "$W/trace-v/procs"
	VALGRIND_LIB=$TOOL_DIR valgrind --tool=hindsight --hs-out="$W/trace-v/procs" \
		--hs-verbose=yes "${VG_ARGS[@]}" "${CMD[@]}" 2>&1 >/dev/null |
		sed -n 's/^==[0-9]*== hindsight: raw/    raw/p'
	echo
done
