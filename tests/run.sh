#!/bin/bash
# run.sh - run every unit test binary and end-to-end script; print "N passed, N failed".
#
#   sh tests/run.sh [PATTERN...]     (make test builds everything first)
#
# Runs build/tests/test_* (cmocka), build/san/tests/test_* (the same, built
# with ASan and UBSan) and tests/e2e/*.sh (lib.sh excepted),
# each under `timeout` (HS_TEST_TIMEOUT seconds, default 600), from the
# repository root, HS_TEST_JOBS at a time (default: the number of CPUs, at
# most 4; most tests keep one core busy with one Valgrind run, and every
# test works in a folder and on a port of its own).  With PATTERNs, only tests whose
# name contains one of them run.  Prints one line per test, as each ends:
#
#   PASS  rec_threads                      12s
#   FAIL  rec_signal                        3s  <the test's one-line reason>
#
# and then exactly one final line "N passed, N failed".  Each test's full
# output is kept in build/test-logs/<name>.log.  Exits 1 if any test failed.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u

# Tests start with fds 0-2 only, wherever they run: an fd the caller
# leaked (a terminal's, a CI runner's) shifts every number a program
# opens, and once hid a bug that only a CI run without it showed.
for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] && eval "exec $fd>&-"
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
LOGS=$ROOT/build/test-logs
mkdir -p "$LOGS"
LIMIT=${HS_TEST_TIMEOUT:-600}
# default: the CPUs, at most 4 (the kill-timing and memory tests were
# sized for a few at once)
JOBS=${HS_TEST_JOBS:-$(n=$(nproc 2>/dev/null || echo 1); [ "$n" -gt 4 ] && n=4; echo "$n")}
case $JOBS in '' | *[!0-9]* | 0) echo "HS_TEST_JOBS must be a positive number, not '$JOBS'" >&2; exit 2 ;; esac
RESULTS=$(mktemp "${TMPDIR:-/tmp}/hs-run.XXXXXX") || exit 1
trap 'rm -f "$RESULTS"' EXIT
running=0

selected()
{
	local p
	[ $# -gt 1 ] || return 0
	for p in "${@:2}"; do
		case $1 in *"$p"*) return 0 ;; esac
	done
	return 1
}

# run_one NAME COMMAND...: one test; its line goes to stdout and to
# $RESULTS (a line is shorter than PIPE_BUF, so parallel appends stay whole)
run_one()
{
	local name=$1 log=$LOGS/$1.log start end rc secs reason line
	shift
	start=$(date +%s)
	timeout -k 10 "$LIMIT" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	end=$(date +%s)
	secs=$((end - start))
	if [ "$rc" = 0 ]; then
		line=$(printf 'PASS  %-32s %4ss' "$name" "$secs")
	else
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			reason="timed out after ${LIMIT}s"
		else
			reason=$(grep -E '^FAIL' "$log" | tail -n 1)
			reason=${reason#FAIL $name: }
			[ -n "$reason" ] || reason="exit $rc: $(grep -v '^[[:space:]]*$' "$log" | tail -n 1)"
		fi
		line=$(printf 'FAIL  %-32s %4ss  %s' "$name" "$secs" "${reason:0:300}")
	fi
	echo "$line"
	echo "$line" >>"$RESULTS"
}

# start NAME COMMAND...: run_one in the background, at most $JOBS at once
start()
{
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_one "$@" &
	running=$((running + 1))
}

# the end-to-end scripts first, from the end of the alphabet: the long
# source-level oracles (src_*) start at once, the sanitized unit tests
# next, and the short plain ones fill the last minutes: no job waits
# alone on a long test at the end
for t in $(printf '%s\n' tests/e2e/*.sh | sort -r); do
	name=$(basename "$t" .sh)
	[ "$name" = lib ] && continue
	selected "$name" "$@" || continue
	start "$name" bash "$t"
done

# the same unit tests built with AddressSanitizer and UBSan (make
# san-units): any report fails them, leaks included
for t in build/san/tests/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	case $t in *.d | *.o) continue ;; esac
	name=san_$(basename "$t")
	selected "$name" "$@" || continue
	start "$name" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1 "$t"
done

for t in build/tests/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	case $t in *.d | *.o) continue ;; esac
	name=$(basename "$t")
	selected "$name" "$@" || continue
	start "$name" "$t"
done
wait

passed=$(grep -c '^PASS' "$RESULTS")
failed=$(grep -c '^FAIL' "$RESULTS")
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
