# lib.sh - shared helpers for Hindsight's end-to-end tests (bash); source it first.
# shellcheck shell=bash
#
# Every test runs in its own scratch directory $T (removed on exit unless
# HS_KEEP=1), prints one line, and exits 0 on pass or 1 on fail:
#
#   PASS rec_threads
#   FAIL rec_threads: info says threads: 1, expected 5
#
# Progress notes go to stderr so that tests/run.sh keeps them in the log.
#
# Oracles.  Valgrind's own lackey counts exactly the guest instructions and
# stores that any Valgrind tool sees, but only if the client process is the
# same in every detail that steers it:
#  - argv: program paths are always absolute (and real files where argv[0]
#    matters, see rec_icount_matches_lackey);
#  - environment: its size moves the stack, and ld.so and libc walk it.  An
#    oracle run copies the environment a *recorded* program saw
#    (capture_client_env records /usr/bin/env -0) and runs
#    /usr/bin/valgrind.bin (not Debian's /usr/bin/valgrind wrapper script,
#    which would append to LD_LIBRARY_PATH a second time) under `env -i`,
#    minus the LD_PRELOAD that Valgrind adds back itself;
#  - descriptors: stdin is /dev/null, stdout a regular file (glibc runs
#    isatty() on character devices), the tool's log on descriptor 100
#    (see vg_oracle);
#  - stderr's offset: oracle tests set PROG_STDERR=/dev/null, because
#    `hindsight record` writes a line to its stderr before the program
#    starts and python3 asks stderr for tell() at start-up;
#  - the current directory: the empty $T/cwd (python3 lists it).
#
# callgrind is NOT used as an instruction-count oracle: its Ir total is not
# the number of executed instructions.  It undercounts a superblock's final
# compare-and-branch pair on some paths (valgrind 3.19): a static
# hand-written loop of exactly 4006 instructions gives lackey 4006 and
# callgrind 4003; /bin/true gives lackey 128,758 and callgrind 127,602.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HS=${HS:-$ROOT/build/bin/hindsight}
TOOL=${HS_TOOL:-$ROOT/build/lib/hindsight/valgrind/hindsight-amd64-linux}
PROGS=$ROOT/build/programs
VALGRIND_BIN=/usr/bin/valgrind.bin
PY=/usr/bin/python3
[ -x "$VALGRIND_BIN" ] || VALGRIND_BIN=$(command -v valgrind)
TEST_NAME=$(basename "$0" .sh)
# How long one recording or oracle run may take before the test gives up.
STEP_TIMEOUT=${HS_STEP_TIMEOUT:-300}

# One deterministic environment for everything the tests run.
export LC_ALL=C TZ=UTC PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1
unset LD_PRELOAD LD_AUDIT VALGRIND_OPTS XDG_DATA_HOME HINDSIGHT_TRACE_DIR

T=$(mktemp -d "${TMPDIR:-/tmp}/hs-$TEST_NAME.XXXXXX")
BG_PIDS=()

cleanup()
{
	local p
	for p in "${BG_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	if [ "${HS_KEEP:-0}" = 1 ]; then
		echo "  kept scratch dir $T" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
# Programs run in an empty folder that nothing writes to: python3, for one,
# lists its current directory at start-up (sys.path[0] is ''), so a folder
# that gains files between a recording and its oracle run changes the count.
mkdir "$T/cwd" && cd "$T/cwd" || exit 1

fail()
{
	echo "FAIL $TEST_NAME: $*"
	exit 1
}

pass()
{
	echo "PASS $TEST_NAME${1:+: $1}"
	exit 0
}

note()
{
	echo "  $*" >&2
}

# require_built [PROGRAM...]: the CLI, its tool, and the named test programs.
require_built()
{
	local p
	[ -x "$HS" ] || fail "$HS is not built (run make)"
	[ -x "$TOOL" ] || fail "$TOOL is not built (run make)"
	for p in "$@"; do
		[ -x "$PROGS/$p" ] || fail "$PROGS/$p is not built (run make test)"
	done
}

# ---- recording --------------------------------------------------------------

# hs_record TRACE PROG [ARGS...]: record into TRACE (which must not exist);
# the program's stdout and stderr as passed through by `hindsight record` go
# to TRACE.out and TRACE.err (or to $PROG_STDERR, see the oracles).
# Returns record's exit status.
hs_record()
{
	local trace=$1
	shift
	timeout -k 10 "$STEP_TIMEOUT" "$HS" record -o "$trace" -- "$@" \
		</dev/null >"$trace.out" 2>"${PROG_STDERR:-$trace.err}"
}

# record_ok TRACE PROG [ARGS...]: hs_record, and fail the test unless it
# exited with WANT_RC (default 0).
record_ok()
{
	local rc want=${WANT_RC:-0}
	hs_record "$@"
	rc=$?
	[ "$rc" = "$want" ] ||
		fail "record $(basename "$2") exited $rc, expected $want: $(tail -n 3 "$1.err" 2>/dev/null | tr '\n' ' ')"
}

# native OUTPREFIX PROG [ARGS...]: run natively, stdout/stderr to
# OUTPREFIX.out/.err, exit status in OUTPREFIX.rc.
native()
{
	local pre=$1 rc
	shift
	timeout -k 10 "$STEP_TIMEOUT" "$@" </dev/null >"$pre.out" 2>"$pre.err"
	rc=$?
	echo "$rc" >"$pre.rc"
	return 0
}

# info_get TRACE KEY: the value of "KEY: value" from `hindsight info`.
info_get()
{
	"$HS" info "$1" 2>/dev/null | sed -n "s/^$2: *//p" | head -n 1
}

# regs_problem TRACE: run trace-check on a complete recording and print
# what is wrong, or nothing: it must exit 0, say complete: yes, have checked
# some register dumps, and every regs-mismatches line (per image and total)
# must be 0.  The full output is kept in TRACE.check.
regs_problem()
{
	local out rc n why name
	name=$(basename "$1")
	out=$(timeout -k 10 "$STEP_TIMEOUT" "$HS" trace-check "$1" 2>&1)
	rc=$?
	printf '%s\n' "$out" >"$1.check"
	why=$(echo "$out" | grep -E '^ *error:|^hindsight' | head -n 1 | sed 's/^ *//')
	if ! echo "$out" | grep -q '^regs-mismatches:'; then
		echo "trace-check $name (exit $rc) printed no regs-mismatches line: ${why:-$(echo "$out" | tail -n 1)}"
		return
	fi
	n=$(echo "$out" | grep -E '^ *regs-mismatches:' | grep -v ': *0$' | tail -n 1 | sed 's/^ *//')
	if [ -n "$n" ]; then
		echo "trace-check $name: $n, first $(echo "$out" | grep -m1 -E '^ *mismatch' | sed 's/^ *//')"
		return
	fi
	if [ "$rc" != 0 ]; then
		echo "trace-check $name exited $rc: ${why:-no error line}"
		return
	fi
	n=$(echo "$out" | sed -n 's/^complete: *//p')
	if [ -n "$n" ] && [ "$n" != yes ]; then
		echo "trace-check $name says complete: $n"
		return
	fi
	n=$(echo "$out" | sed -n 's/^regs-dumps-checked: *//p')
	if [ "$n" = 0 ]; then
		echo "trace-check $name checked no register dumps"
	fi
}

# check_regs TRACE: fail the test unless regs_problem finds nothing.
check_regs()
{
	local p
	p=$(regs_problem "$1")
	[ -z "$p" ] || fail "$p"
}

# tc_data OUTFILE OPTION... TRACE: run trace-check in a data mode (--insns,
# --stores, --output FD) with stdout to OUTFILE and stderr to OUTFILE.err.
# Exit status 1 only reports register mismatches, which rec_regs_replay
# tests, so it is accepted here; anything else fails the test.
tc_data()
{
	local out=$1 rc
	shift
	timeout -k 10 "$STEP_TIMEOUT" "$HS" trace-check "$@" >"$out" 2>"$out.err"
	rc=$?
	case $rc in
	0 | 1) ;;
	*) fail "trace-check $* exited $rc: $(grep -m1 -E 'error|hindsight' "$out.err")" ;;
	esac
}

# insns TRACE: set INSNS to the total instruction count (trace-check
# --insns).  (Not for use in $(...): it may fail the test.)
insns()
{
	tc_data "$1.insns" --insns "$1"
	# shellcheck disable=SC2034 # read by the caller
	INSNS=$(tr -d ' ,\n' <"$1.insns")
}

# info_word TRACE KEY: the first word of KEY's value ("no" from
# "complete: no (recording was interrupted)").
info_word()
{
	info_get "$1" "$2" | awk '{ print $1 }'
}

# same_file WHAT EXPECTED ACTUAL: fail with the first difference.
same_file()
{
	local line
	cmp -s "$2" "$3" && return 0
	line=$(cmp "$2" "$3" 2>/dev/null | sed -n 's/.* line \([0-9]*\).*/\1/p')
	if [ -n "$line" ] && grep -qI . "$2" && grep -qI . "$3"; then
		fail "$1 differs at line $line: expected '$(sed -n "${line}p" "$2" | cut -c1-100)', got '$(sed -n "${line}p" "$3" | cut -c1-100)'"
	fi
	fail "$1 differs: $(cmp "$2" "$3" 2>&1 | head -n 1) (expected $(wc -c <"$2") bytes, got $(wc -c <"$3"))"
}

# ---- oracles ------------------------------------------------------------------

# capture_client_env TRACE ENVFILE: record /usr/bin/env -0 into TRACE (then
# removed again, so that the real recording can reuse the same path: the
# recorder may pass the trace path to the client) and write the environment
# the recorded program saw to ENVFILE, NUL-separated, without LD_PRELOAD.
capture_client_env()
{
	local trace=$1 envfile=$2
	rm -rf "$trace" "$trace".*
	record_ok "$trace" /usr/bin/env -0
	tc_data "$envfile.raw" --output 1 "$trace"
	cmp -s "$envfile.raw" "$trace.out" ||
		fail "captured stdout of /usr/bin/env -0 differs from what record passed through"
	tr '\0' '\n' <"$envfile.raw" | grep -q '^PATH=' ||
		fail "recorded /usr/bin/env printed no PATH"
	# Drop LD_PRELOAD (Valgrind appends it itself); keep everything else.
	"$PY" -c '
import sys
raw = open(sys.argv[1], "rb").read().split(b"\0")
out = [v for v in raw if v and not v.startswith(b"LD_PRELOAD=")]
open(sys.argv[2], "wb").write(b"".join(v + b"\0" for v in out))
' "$envfile.raw" "$envfile" || fail "cannot write $envfile"
	rm -rf "$trace" "$trace".*
}

# vg_oracle ENVFILE OUTPREFIX TOOL-OPTIONS... -- PROG [ARGS...]: run valgrind
# with the client environment from ENVFILE; the program's stdout and stderr
# go to OUTPREFIX.out and .err, the tool's log to OUTPREFIX.log.  The log
# is written through an inherited descriptor, 100, far from the program's
# own: --log-file opens at the lowest free descriptor (the program's first
# open() would return 4, not 3), and --log-fd=2 moves stderr's file offset,
# which python3 reads at start-up (TextIOWrapper asks tell()).  Either
# changes the instruction count.  --vex-guest-chase=no as the recorder
# sets it: with chasing, VEX runs the IMarks of a speculated short branch
# arm whether or not it is taken, so lackey would count instructions that
# never ran (rec_icount_matches_lackey's rec_spec_arm).
vg_oracle()
{
	local envfile=$1 pre=$2 opts=()
	local -a envs
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	mapfile -d '' envs <"$envfile"
	timeout -k 10 "$STEP_TIMEOUT" env -i "${envs[@]}" "$VALGRIND_BIN" \
		--trace-children=yes --log-fd=100 --vex-guest-chase=no "${opts[@]}" "$@" \
		</dev/null >"$pre.out" 2>"${PROG_STDERR:-$pre.err}" 100>"$pre.log"
}

# lackey_insns ENVFILE OUTPREFIX PROG [ARGS...]: lackey's "guest instrs"
# (every executed instruction; each rep iteration counts once), summed over
# every process in the log.
lackey_insns()
{
	local envfile=$1 pre=$2
	shift 2
	vg_oracle "$envfile" "$pre" --tool=lackey --basic-counts=yes -- "$@"
	grep 'guest instrs:' "$pre.log" | sed 's/.*guest instrs: *//; s/,//g' |
		awk '{ s += $1 } END { if (NR) print s }'
}

# norm_stores: read lackey-format memory events on stdin and print one
# "addr,size" line per store, addr in lower-case hex without 0x or leading
# zeros (the space after S/M is optional here; rec_stores_match_lackey
# checks the exact format separately).  A lackey "M" (modify: load and store of the same address and size
# by one instruction) is a store.  Loads ("L") and instructions ("I") are
# dropped.
norm_stores()
{
	sed -nE 's/^ *[SM] *(0[xX])?0*([0-9a-fA-F]+),([0-9]+).*$/\2,\3/p' | tr 'A-F' 'a-f'
}

# ---- processes ----------------------------------------------------------------

# descendants PID: every descendant process id of PID, parents first.
# Reads /proc directly: procps (ps, pgrep) is not in every Debian image.
descendants()
{
	local f line rest pid
	local -a kids=() fields
	for f in /proc/[0-9]*/stat; do
		read -r line <"$f" 2>/dev/null || continue
		rest=${line##*) }
		read -r -a fields <<<"$rest"
		if [ "${fields[1]}" = "$1" ]; then
			pid=${f#/proc/}
			kids+=("${pid%/stat}")
		fi
	done
	for pid in "${kids[@]}"; do
		echo "$pid"
		descendants "$pid"
	done
}

# gen_text FILE BYTES: a deterministic text file of about BYTES bytes.
gen_text()
{
	"$PY" -c '
import random, sys
r = random.Random(20240501)
words = ("alpha beta gamma delta hindsight valgrind record replay memory "
         "store load register thread signal fork exec instruction").split()
out, n, limit = [], 0, int(sys.argv[2])
while n < limit:
    line = " ".join(r.choice(words) + str(r.randrange(10000)) for _ in range(r.randrange(3, 12)))
    out.append(line)
    n += len(line) + 1
open(sys.argv[1], "w").write("\n".join(out) + "\n")
' "$1" "$2"
}

# ui_npm_ci: server/ui/node_modules as package-lock.json says (npm ci when
# the lock changed since the last install, or nothing is installed).  Tests
# run side by side: one installs while the others wait on the lock, so none
# reads a half-made node_modules.
ui_npm_ci()
{
	local ui=$ROOT/server/ui
	command -v npm >/dev/null || fail "npm is not installed (sh scripts/install-deps.sh)"
	mkdir -p "$ROOT/build"
	(
		flock 9
		if [ ! -f "$ui/node_modules/.package-lock.json" ] ||
			[ "$ui/package-lock.json" -nt "$ui/node_modules/.package-lock.json" ]; then
			note "npm ci --prefix server/ui"
			npm ci --prefix "$ui" --no-audit --no-fund >"$T/npm.log" 2>&1 ||
				fail "npm ci --prefix server/ui failed: $(tail -n 2 "$T/npm.log" | tr '\n' ' ')"
		fi
	) 9>"$ROOT/build/.npm-ci.lock" || exit 1
}
