#!/bin/bash
# rec_ring.sh - the recorder's writer processes (builder/recorder/rec_ring.c)
# are invisible to the program and lose nothing:
#  1. rec_ring_wait (fork, a grandchild, exec, wait() until ECHILD, SIGCHLD
#     count) prints and exits as natively, and its recording replays;
#  2. with 0 (the recorder's own thread writes, as when a process limit
#     stops it from starting writers), 1 and 3 writers (--hs-writers
#     through VALGRIND_OPTS) gzip's
#     recording is complete, replays exactly and has the same instruction
#     count as with the default;
#  3. a writer killed with SIGKILL: the program still runs to its own exit
#     status and output, record says why, and the recording is incomplete.
. "$(dirname "$0")/lib.sh"
require_built rec_ring_wait spin

# 1. wait() and SIGCHLD as natively
native "$T/native" "$PROGS/rec_ring_wait"
record_ok "$T/w" "$PROGS/rec_ring_wait"
same_file "rec_ring_wait's output" "$T/native.out" "$T/w.out"
[ "$(info_word "$T/w" complete)" = yes ] || fail "rec_ring_wait: info says complete: $(info_get "$T/w" complete)"
check_regs "$T/w"

# 2. any number of writers, the same recording
gen_text "$T/in.txt" 300000
counts=
# (VALGRIND_OPTS is in gzip's environment too: the same length each time,
# --hs-level=001 being the default level, keeps its instruction count)
for nw in default 0 1 3; do
	opt=--hs-writers=$nw
	[ "$nw" = default ] && opt=--hs-level=001
	VALGRIND_OPTS=$opt record_ok "$T/g$nw" /usr/bin/gzip -c "$T/in.txt"
	gzip -dc <"$T/g$nw.out" | cmp -s - "$T/in.txt" || fail "gzip's output is wrong with $nw writers"
	[ "$(info_word "$T/g$nw" complete)" = yes ] || fail "$nw writers: info says complete: $(info_get "$T/g$nw" complete)"
	check_regs "$T/g$nw"
	insns "$T/g$nw"
	counts="$counts $INSNS"
done
set -- $counts
[ "$1" = "$2" ] && [ "$1" = "$3" ] && [ "$1" = "$4" ] ||
	fail "instructions with default, 0, 1 and 3 writers differ:$counts"

# 3. a writer killed: the program goes on, the recording is incomplete
"$HS" record -o "$T/k" -- "$PROGS/spin" 6 </dev/null >"$T/k.out" 2>"$T/k.err" &
REC_PID=$!
BG_PIDS+=("$REC_PID")
writer=
for _ in $(seq 1 100); do
	vg=$(descendants "$REC_PID" | head -n 1)
	# spin has no children: valgrind's children are its writers
	[ -n "$vg" ] && writer=$(descendants "$vg" | head -n 1)
	[ -n "$writer" ] && break
	sleep 0.1
done
[ -n "$writer" ] || fail "no writer process under valgrind ($vg) after 10 s"
sleep 1
kill -9 "$writer"
wait "$REC_PID"
rc=$?
[ "$rc" = 0 ] || fail "record exited $rc after a writer was killed, expected spin's 0: $(tail -n 2 "$T/k.err" | tr '\n' ' ')"
grep -q '^spun 6 s' "$T/k.out" || fail "spin's output is missing after a writer was killed"
grep -q 'writer process died' "$T/k.err" || fail "record did not say that a writer died: $(tr '\n' ' ' <"$T/k.err")"
[ "$(info_word "$T/k" complete)" = no ] || fail "info says complete: '$(info_get "$T/k" complete)' after a writer was killed, expected no"
pass "wait/SIGCHLD as native; 0, 1, 3 and default writers: $1 instructions each; a killed writer leaves it incomplete"
