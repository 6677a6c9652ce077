#!/bin/bash
# db_build_incomplete.sh - a recording whose valgrind was killed builds what is there, with a warning, and verifies; a stream cut short after recording makes info say incomplete; an image that execve ended is complete.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built spin

"$HS" record -o "$T/spin" -- "$PROGS/spin" 120 </dev/null >"$T/spin.out" 2>"$T/spin.err" &
REC_PID=$!
BG_PIDS+=("$REC_PID")
# wait until valgrind runs and has written some chunks, then kill it
for _ in $(seq 1 100); do
	kids=$(descendants "$REC_PID")
	if [ -n "$kids" ] && [ -n "$(find "$T/spin" -name stream.hst -size +300k 2>/dev/null | head -n 1)" ]; then
		break
	fi
	kill -0 "$REC_PID" 2>/dev/null || fail "record of spin ended early: $(tail -n 1 "$T/spin.err")"
	sleep 0.2
done
mapfile -t kids < <(descendants "$REC_PID")
[ "${#kids[@]}" -gt 0 ] || fail "no valgrind child after 20 s"
kill -9 "${kids[@]}" 2>/dev/null
wait "$REC_PID" 2>/dev/null

build_ok "$T/spin" --shards 2
grep -qi 'warning.*incomplete' "$T/spin.build.err" ||
	fail "no warning about the incomplete recording: $(grep -v '^builder' "$T/spin.build.err" | head -n 2 | tr '\n' ' ')"
grep -q '(incomplete recording)' "$T/spin.build.out" || fail "the summary does not say incomplete: $(head -n 1 "$T/spin.build.out")"
verify_ok "$T/spin"
"$PY" - "$T/spin/db/manifest.json" <<'PYEOF' || fail "manifest: $(cat "$T/m.err")"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["complete"] is False, "complete is not false"
assert m["instructions"] > 1000000, "only %d instructions" % m["instructions"]
PYEOF

# a finished recording whose stream was cut short afterwards: the build
# warns, and info no longer says complete
require_built small
require_built forkexec
record_ok "$T/cut" "$PROGS/small"
f=$(ls "$T"/cut/procs/*/stream.hst)
truncate -s $(($(stat -c %s "$f") / 2)) "$f"
build_ok "$T/cut"
grep -qi 'warning.*incomplete' "$T/cut.build.err" || fail "no warning for a stream cut short after recording"
"$HS" info "$T/cut" | grep -qx 'complete: no (its files are cut short: see hindsight verify)' ||
	fail "info of a cut stream: $("$HS" info "$T/cut" | grep complete)"
"$HS" info "$T/cut" | grep -q '^process: .*(incomplete)$' || fail "info does not mark the cut image"
"$HS" info "$T/cut" | grep -qx 'status: cut-short' || fail "info of a cut stream: $("$HS" info "$T/cut" | grep status)"
# verify: the recording said complete, so a cut file is damage (the
# killed recording above verified: a cut there is no damage)
"$HS" verify "$T/cut" >"$T/cut.verify" 2>&1
rc=$?
[ "$rc" = 1 ] || fail "verify of a cut stream exited $rc: $(tail -n 2 "$T/cut.verify" | tr '\n' ' ')"
grep -q "^$f: cut short" "$T/cut.verify" || fail "verify does not name the cut file: $(cat "$T/cut.verify")"
# code.hst cut after the build (the database still whole): info and verify see it
record_ok "$T/cut2" "$PROGS/small"
build_ok "$T/cut2"
verify_ok "$T/cut2"
f=$(ls "$T"/cut2/procs/*/code.hst)
truncate -s $(($(stat -c %s "$f") - 100)) "$f"
"$HS" info "$T/cut2" | grep -qx 'status: cut-short' || fail "info of a cut code.hst: $("$HS" info "$T/cut2" | grep status)"
"$HS" verify "$T/cut2" >"$T/cut2.verify" 2>&1
rc=$?
[ "$rc" = 1 ] && grep -q "^$f: cut short" "$T/cut2.verify" ||
	fail "verify of a cut code.hst exited $rc: $(cat "$T/cut2.verify")"

# a fork child killed at birth (a memory limit kills in the recorder's
# first writes): no stream.hst, a partial one, or (older recorders made
# both files first) a header alone beside an empty code.hst.  It recorded
# nothing and is no image; the rest builds.  A child with both headers
# whole stays an image (of no instruction).
record_ok "$T/fe" "$PROGS/forkexec"
root=$("$HS" info "$T/fe" | sed -n 's/^process: \([0-9]*\)\..*/\1/p' | head -n 1)
kid=$(ls -d "$T"/fe/procs/*.0 | grep -v "/$root\.0\$" | head -n 1)
[ -n "$root" ] && [ -n "$kid" ] || fail "forkexec: no root ($root) or no child ($kid) in $(ls "$T/fe/procs")"
for shape in missing partial header-alone whole; do
	rm -rf "$T/born" && cp -a "$T/fe" "$T/born"
	k=$T/born/procs/${kid##*/}
	case $shape in
	missing) rm -f "$k/stream.hst" ;;
	partial) truncate -s 40 "$k/stream.hst" && truncate -s 72 "$k/code.hst" ;;
	header-alone) truncate -s 72 "$k/stream.hst" && truncate -s 0 "$k/code.hst" ;;
	whole) truncate -s 72 "$k/stream.hst" && truncate -s 72 "$k/code.hst" ;;
	esac
	build_ok "$T/born"
	n=$(ls "$T/born/db" | grep -cx "${kid##*/}")
	[ "$shape" = whole ] && want=1 || want=0
	[ "$n" = "$want" ] || fail "a child killed at birth ($shape): $n images of it in the database, not $want"
done

# an image that execve ended is complete, with its exact count
build_ok "$T/fe"
# (the scratch folder's own name holds "incomplete": match the messages)
grep -qiE 'is incomplete|incomplete recording' "$T/fe.build.err" "$T/fe.build.out" &&
	fail "an image ended by exec is called incomplete: $(grep -hiE 'is incomplete|incomplete recording' "$T/fe.build.err" "$T/fe.build.out" | head -n 2 | tr '\n' ' ')"
"$HS" info "$T/fe" | grep -q '^process: [0-9]*\.0 instructions=[1-9][0-9]* .*ended-by=exec$' ||
	fail "info of an image ended by exec: $("$HS" info "$T/fe" | grep exec)"
pass "$(grep -m1 '^instructions' "$T/spin.build.out")"
