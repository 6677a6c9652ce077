#!/bin/bash
# rec_images.sh - several process images: info's instructions: are those of all images and threads: the OS threads of all (each image's own on its process: line, equal to what trace-check decodes, before and after the build), an image that execve ended has its thread count, a child its recorded parent SIGKILLed and reaped (waitpid, waitid) or heard of by SIGCHLD ended there, at its last recorded moment (as strace -f says, killed by SIGKILL), so the recording is complete, a SIGKILLed parent's line counts its log, a background child that outlives its parent makes the recording complete once it has ended, and processes/<image>/info is that image's own info.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built crash_execthr crash_bg forkexec bg_killparent kill_child

# per_image TRACE: "image instructions threads" per process: line of info
per_image()
{
	"$HS" info "$1" | sed -n 's/^process: \([^ ]*\) instructions=\([0-9]*\) threads=\([0-9]*\) .*/\1 \2 \3/p'
}

# decoded TRACE: the same from trace-check, which decodes every record
decoded()
{
	"$HS" trace-check "$1" | awk '/^image: / { img = $2 } /^  instructions: / { n = $2 }
		/^  threads: / { print img, n, $2 }'
}

# check_totals TRACE WHAT: headline = sum of process: lines = trace-check
check_totals()
{
	local sum_i sum_t
	per_image "$1" >"$1.imgs"
	decoded "$1" >"$1.dec"
	same_file "$2: process: lines (image instructions threads) against trace-check" "$1.dec" "$1.imgs"
	sum_i=$(awk '{ s += $2 } END { print s + 0 }' "$1.imgs")
	# OS threads: an exec'd image (<pid>.<n>, n > 0) goes on with a
	# thread of an earlier image
	sum_t=$(awk '{ s += $3; if ($1 !~ /\.0$/ && $3 > 0) s-- } END { print s + 0 }' "$1.imgs")
	[ "$(info_get "$1" instructions)" = "$sum_i" ] ||
		fail "$2: info says instructions: $(info_get "$1" instructions), the images together $sum_i"
	[ "$(info_get "$1" threads)" = "$sum_t" ] ||
		fail "$2: info says threads: $(info_get "$1" threads), the images' OS threads $sum_t"
}

# ---- exec: the first image ran two threads ----------------------------------------
record_ok "$T/et" "$PROGS/crash_execthr"
check_totals "$T/et" "exec"
first=$(head -n 1 "$T/et.imgs")
[ "$(echo "$first" | cut -d' ' -f3)" = 2 ] || fail "exec: the image that ran two threads says '$first'"
[ "$(wc -l <"$T/et.imgs")" = 2 ] || fail "exec: $(wc -l <"$T/et.imgs") images, expected 2"
build_ok "$T/et"
check_totals "$T/et" "exec, built"

# processes/<image>/info: that image's own lines
img0=$(sed -n 1p "$T/et.imgs" | cut -d' ' -f1)
img1=$(sed -n 2p "$T/et.imgs" | cut -d' ' -f1)
"$HS" cat "$T/et" "processes/$img0/info" >"$T/info0" || fail "cat processes/$img0/info"
"$HS" cat "$T/et" "processes/$img1/info" >"$T/info1" || fail "cat processes/$img1/info"
"$HS" cat "$T/et" info >"$T/info.top" || fail "cat info"
cmp -s "$T/info0" "$T/info.top" && fail "processes/$img0/info is the whole recording's info"
for k in "image: $img0" "program: $PROGS/crash_execthr" "ended-by: exec" "threads: 2" \
	"instructions: $(sed -n 1p "$T/et.imgs" | cut -d' ' -f2)" "complete: yes"; do
	grep -qx "$k" "$T/info0" || fail "processes/$img0/info has no '$k': $(tr '\n' '|' <"$T/info0")"
done
for k in "image: $img1" "program: /bin/true" "ended-by: exit" "exit-status: 0" "threads: 1" \
	"instructions: $(sed -n 2p "$T/et.imgs" | cut -d' ' -f2)"; do
	grep -qx "$k" "$T/info1" || fail "processes/$img1/info has no '$k': $(tr '\n' '|' <"$T/info1")"
done

# ---- fork + exec -------------------------------------------------------------------
record_ok "$T/fe" "$PROGS/forkexec"
check_totals "$T/fe" "forkexec"
[ "$(wc -l <"$T/fe.imgs")" = 3 ] || fail "forkexec: $(wc -l <"$T/fe.imgs") images, expected 3"

# ---- a background child that outlives its parent -----------------------------------
record_ok "$T/bg" "$PROGS/crash_bg"
# the child sleeps a second: it is still running when record returns
[ "$(info_word "$T/bg" complete)" = no ] || fail "bg: complete: $(info_get "$T/bg" complete) while the child runs"
for _ in $(seq 1 100); do
	[ "$(info_word "$T/bg" complete)" = yes ] && break
	sleep 0.2
done
[ "$(info_word "$T/bg" complete)" = yes ] || fail "bg: still complete: $(info_get "$T/bg" complete) 20 s after the child's end"
"$HS" info "$T/bg" | grep -q '^process: [0-9]*\.0 .* ended-by=exec\|^process: [0-9]*\.0 .* ended-by=exit exit=0$' ||
	fail "bg: the parent's line: $("$HS" info "$T/bg" | grep '^process:' | head -n 1)"
"$HS" info "$T/bg" | grep -q '^process: .* ended-by=exit exit=3$' ||
	fail "bg: no child that exited 3: $("$HS" info "$T/bg" | grep '^process:' | tr '\n' '|')"
check_totals "$T/bg" "bg"
[ "$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["status"])' "$T/bg/meta.json")" = complete ] ||
	fail "bg: meta.json was not brought up to date"
build_ok "$T/bg"
[ "$(info_word "$T/bg" complete)" = yes ] || fail "bg, built: complete: $(info_get "$T/bg" complete)"
# a build made while that child still runs: it says so, and once the
# child has ended, info says the database is older than the recording
record_ok "$T/bg2" "$PROGS/crash_bg"
build_ok "$T/bg2"
grep -q '^hindsight build: process [0-9]* still runs in the background; the database holds' \
	"$T/bg2.build.err" || fail "bg, built early: build said $(tr '\n' '|' <"$T/bg2.build.err")"
for _ in $(seq 1 100); do
	[ "$(info_get "$T/bg2" status)" = built-early ] && break
	sleep 0.2
done
[ "$(info_get "$T/bg2" complete)" = "no (the database was built before the recording ended: run hindsight build again)" ] ||
	fail "bg, built early: complete: $(info_get "$T/bg2" complete) once the child ended"
# the child's line: it has ended (by exit), its counts are the
# recording's (those of a new build), the database holds only its start
early=$("$HS" info "$T/bg2" | grep '^process: .* ended-by=exit exit=[0-9]* (incomplete: the database was built before it ended and holds its first [0-9]* instructions: build again)$')
[ -n "$early" ] || fail "bg, built early: the child's line: $("$HS" info "$T/bg2" | grep '^process:' | tr '\n' '|')"
build_ok "$T/bg2"
[ "$(info_word "$T/bg2" complete)" = yes ] || fail "bg, built again: complete: $(info_get "$T/bg2" complete)"
"$HS" info "$T/bg2" | grep -qxF "${early% (incomplete*}" ||
	fail "bg: the early line '$early' does not count as the new build: $("$HS" info "$T/bg2" | grep '^process:' | tr '\n' '|')"
# a child that SIGKILLs its parent and then exits 4: the recording stays
# incomplete, but the child's line says how it ended
WANT_RC=137 record_ok "$T/kp" "$PROGS/bg_killparent"
for _ in $(seq 1 100); do
	"$HS" info "$T/kp" | grep -q '^process: .* ended-by=exit exit=4$' && break
	sleep 0.2
done
"$HS" info "$T/kp" | grep -q '^process: .* ended-by=exit exit=4$' ||
	fail "kp: the child's line: $("$HS" info "$T/kp" | grep '^process:' | tr '\n' '|')"
[ "$(info_word "$T/kp" complete)" = no ] || fail "kp: complete: $(info_get "$T/kp" complete)"
# the killed parent has no EXIT record: its line counts its log (t at its
# last whole chunk's end, the threads alive then) as trace-check does
check_totals "$T/kp" "kp"
# a parent that SIGKILLs three children and reaps them (waitpid, waitid)
# or hears of it by SIGCHLD alone: no recorder sees SIGKILL, the parent's
# does; each child ended there, at its last recorded moment, and the
# recording is complete
WANT_RC=3 record_ok "$T/kc" "$PROGS/kill_child"
grep -q '^SIGCHLD: killed=1$' "$T/kc.out" || fail "kc: the program says: $(tr '\n' ' ' <"$T/kc.out")"
strace -f -o "$T/kc.strace" "$PROGS/kill_child" >/dev/null 2>&1
want=$(grep -c '+++ killed by SIGKILL +++' "$T/kc.strace")
kc_killed()
{
	"$HS" info "$1" | grep -c '^process: [0-9.]* instructions=[0-9]* threads=1 ended-by=signal signal=SIGKILL (killed: recorded up to its last recorded moment, t=[0-9]*)$'
}
[ "$want" = 3 ] || fail "kc: strace -f says $want children killed by SIGKILL"
[ "$(kc_killed "$T/kc")" = "$want" ] ||
	fail "kc: killed children's lines: $("$HS" info "$T/kc" | grep '^process:' | tr '\n' '|')"
[ "$(info_word "$T/kc" complete)" = yes ] || fail "kc: complete: $(info_get "$T/kc" complete)"
check_totals "$T/kc" "kc"
kimg=$("$HS" info "$T/kc" | sed -n 's/^process: \([^ ]*\) .*signal=SIGKILL.*/\1/p' | head -n 1)
kt=$(grep "^$kimg " "$T/kc.imgs" | cut -d' ' -f2)
build_ok "$T/kc"
[ "$(info_word "$T/kc" complete)" = yes ] || fail "kc, built: complete: $(info_get "$T/kc" complete)"
[ "$(kc_killed "$T/kc")" = "$want" ] || fail "kc, built: $("$HS" info "$T/kc" | grep '^process:' | tr '\n' '|')"
check_totals "$T/kc" "kc, built"
"$HS" cat "$T/kc" "processes/$kimg/info" >"$T/kc.info0" || fail "cat processes/$kimg/info"
for want_line in "complete: yes" "ended-by: signal" "exit-signal: SIGKILL" "instructions: $kt"; do
	grep -qxF "$want_line" "$T/kc.info0" || fail "kc: processes/$kimg/info has no '$want_line': $(tr '\n' '|' <"$T/kc.info0")"
done
grep -q "^killed: at its last recorded moment, t=$kt " "$T/kc.info0" ||
	fail "kc: processes/$kimg/info: $(grep '^killed' "$T/kc.info0")"
"$HS" verify "$T/kc" >"$T/kc.verify" 2>&1 || fail "kc: verify: $(tail -n 2 "$T/kc.verify")"
# a kill that cut the child's log inside a chunk (a recorder writing its
# own chunks, with no writer process): as though record had found it so,
# the image ends at its last whole chunk, never after it
rm -rf "$T/kc/db"
truncate -s -1000 "$T/kc/procs/$kimg/stream.hst"
"$PY" -c 'import json, sys; m = json.load(open(sys.argv[1])); m["status"] = "incomplete"
json.dump(m, open(sys.argv[1], "w"))' "$T/kc/meta.json"
per_image "$T/kc" >"$T/kc.cut.imgs"
kt2=$(grep "^$kimg " "$T/kc.cut.imgs" | cut -d' ' -f2)
[ -n "$kt2" ] && [ "$kt2" -lt "$kt" ] || fail "kc, cut: the killed image counts $kt2 instructions, uncut $kt"
[ "$(info_word "$T/kc" complete)" = yes ] || fail "kc, cut: complete: $(info_get "$T/kc" complete)"
check_totals "$T/kc" "kc, cut"
build_ok "$T/kc"
grep -q "note: .*$kimg: killed while its recorder wrote its last chunk" "$T/kc.build.err" ||
	fail "kc, cut: build said $(grep -i "$kimg" "$T/kc.build.err" | tr '\n' '|')"
[ "$(info_word "$T/kc" complete)" = yes ] || fail "kc, cut, built: complete: $(info_get "$T/kc" complete)"
"$HS" cat "$T/kc" "processes/$kimg/info" >"$T/kc.info1" || fail "cat processes/$kimg/info"
grep -qxF "instructions: $kt2" "$T/kc.info1" && grep -q "^killed: at its last recorded moment, t=$kt2 .*its log ends inside a chunk, which is left out" "$T/kc.info1" ||
	fail "kc, cut: processes/$kimg/info: $(tr '\n' '|' <"$T/kc.info1")"
"$HS" verify "$T/kc" >"$T/kc.verify" 2>&1 || fail "kc, cut: verify: $(tail -n 2 "$T/kc.verify")"
grep -q "stream.hst: note: ends inside a chunk (the process was killed" "$T/kc.verify" ||
	fail "kc, cut: verify said $(tr '\n' '|' <"$T/kc.verify")"
# each image's command: line is shell-quoted as the top one is: pasted
# back to a shell it gives the program the same arguments
record_ok "$T/q" /bin/sh -c '/bin/echo "x y" '\''q'\'' "a\b" z'
build_ok "$T/q"
last=$("$HS" info "$T/q" | sed -n 's/^process: \([^ ]*\) .*/\1/p' | tail -n 1)
cmdline=$("$HS" cat "$T/q" "processes/$last/info" | sed -n 's/^command: //p')
[ "$cmdline" = "/bin/echo 'x y' q 'a\b' z" ] || fail "processes/$last/info command: $cmdline"
[ "$(sh -c "$cmdline")" = "$(/bin/echo 'x y' q 'a\b' z)" ] || fail "command: pasted back differs: $cmdline"
pass "$(info_get "$T/et" instructions) instructions in 2 images"
