#!/bin/bash
# rec_console.sh - the top level's stdout and stderr are what the terminal
# got: every process's writes that reached the recording's fd 1 and 2,
# through any fd, in order (`bash -c 'a | b'` shows b's output, not bash's
# empty fd 1).  processes/<p>/stdout stays that process's own fd 1.
#
# Oracles: the bytes `hindsight record` itself passed through for the
# same run (its stdout and stderr files: what a terminal would have
# shown), and a native run of each command (deterministic programs).
. "$(dirname "$0")/lib.sh"
require_built console

# check NAME PROG [ARGS...]: record with stdout and stderr in two files;
# the tree's stdout and stderr equal them and a native run's.
check()
{
	local name=$1
	shift
	native "$T/$name.native" "$@"
	PROG_STDERR=$T/$name.rec.err record_ok "$T/$name" "$@"
	"$HS" build "$T/$name" >/dev/null 2>&1 || fail "$name: build failed"
	"$HS" cat "$T/$name" stdout >"$T/$name.stdout" || fail "$name: cat stdout failed"
	"$HS" cat "$T/$name" stderr >"$T/$name.stderr" || fail "$name: cat stderr failed"
	# record's own line comes first on its stderr
	grep -v '^hindsight: ' "$T/$name.rec.err" >"$T/$name.passed.err"
	same_file "$name: stdout vs what record passed through" "$T/$name.out" "$T/$name.stdout"
	same_file "$name: stderr vs what record passed through" "$T/$name.passed.err" "$T/$name.stderr"
	same_file "$name: stdout vs the native run" "$T/$name.native.out" "$T/$name.stdout"
	same_file "$name: stderr vs the native run" "$T/$name.native.err" "$T/$name.stderr"
	note "$name: $(wc -c <"$T/$name.stdout") + $(wc -c <"$T/$name.stderr") bytes as the terminal got them"
}

check console "$PROGS/console" "$T/console.file"
# the first process's own fd 1 also has what went into the file
root=$("$HS" ls "$T/console" processes | head -n 1)
"$HS" cat "$T/console" "processes/$root/stdout" >"$T/root.fd1"
grep -q 'into the file' "$T/root.fd1" || fail "processes/$root/stdout lacks the write to fd 1 after dup2"
grep -q 'into the file' "$T/console.stdout" && fail "stdout has what went into the file"
grep -q 'child says hi' "$T/root.fd1" && fail "processes/$root/stdout has the child's write"

check pipeline /bin/bash -c 'echo start; seq 1 30000 | sort -rn | head -n 3; echo to-stderr >&2; printf "%s\n" a b c | tr a-z A-Z; /bin/echo end'
check python /usr/bin/python3 -c '
import subprocess, sys
print("a", flush=True)
subprocess.run(["/bin/echo", "b"])
print("c", file=sys.stderr, flush=True)
subprocess.run(["/bin/sh", "-c", "echo d; echo e >&2"])
print("f")'
check bigpipe /bin/bash -c 'seq 1 150000 | cat'

# stdout a pipe, stderr the same file as stdout: fd 2's writes are stderr
# and the others stdout, each in order
"$HS" record -o "$T/pipe" -- "$PROGS/console" "$T/pipe.file" </dev/null 2>&1 | cat >"$T/pipe.out"
"$HS" build "$T/pipe" >/dev/null 2>&1 || fail "pipe: build failed"
"$HS" cat "$T/pipe" stdout >"$T/pipe.stdout"
"$HS" cat "$T/pipe" stderr >"$T/pipe.stderr"
grep -v -e '^hindsight: ' -e 'stderr$' -e '^parent ends$' "$T/pipe.out" >"$T/pipe.want.out"
grep -e 'stderr$' -e '^parent ends$' "$T/pipe.out" >"$T/pipe.want.err"
same_file "stdout through a pipe" "$T/pipe.want.out" "$T/pipe.stdout"
same_file "stderr, one pipe with stdout" "$T/pipe.want.err" "$T/pipe.stderr"

# events name the writes that reached the terminal
"$HS" cat "$T/console" events | grep -c ' console tid=[0-9]* stdout ns=' >"$T/n" || true
[ "$(cat "$T/n")" -ge 10 ] || fail "events has $(cat "$T/n") console stdout lines, expected at least 10"
pass "stdout and stderr as the terminal got them: fork, exec, dup, writev, threads, pipelines, python subprocess"
