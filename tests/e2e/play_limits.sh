#!/bin/bash
# play_limits.sh - the playground's per-run limits and what `limits` says:
# the memory of the run as a whole (a cgroup: 20 children of 50 MiB each,
# every one far under RLIMIT_AS, are stopped together), the process count
# (a fork bomb), the instruction cap and the CPU limit (endless loops,
# with SIGXCPU ignored or not), each named in limits.hit, the program cut
# short; a run cut by a limit still has its recording built and browsable
# up to the cut; a server that cannot make a cgroup (not root) says so
# at start and in every answer and still holds the limits by rlimits.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/srv_lib.bash"
. "$ROOT/tests/e2e/play_lib.bash"

[ "$(id -u)" = 0 ] || fail "the test needs root (the sandbox's cgroups)"
grep -q cgroup /proc/filesystems || fail "no cgroup filesystem"

play_start --record-limit 2 --record-instructions 40000000 --memory-mb 256 --jobs 1
grep -q 'sandbox limits: cgroup v[12] in ' "$T/play.log" ||
	fail "the log does not say which cgroup holds the runs: $(grep 'sandbox limits' "$T/play.log")"

# a hello world: not cut, its limits say what holds it
printf 'echo hi\n' >"$T/hi.sh"
play_run sh "$T/hi.sh"
[ "$(jans 'j["stdout"]')" = hi ] || fail "hello: $(head -c 400 "$T/ans")"
[ "$(jans 'j["limits"]["hit"]')" = None ] || fail "hello hit a limit: $(head -c 400 "$T/ans")"
[ "$(jans 'j["limits"]["memory"]')" = cgroup ] && [ "$(jans 'j["limits"]["processes"]')" = cgroup ] &&
	[ "$(jans 'j["limits"]["memory_mb"]')" = 256 ] ||
	fail "hello: limits $(jans 'j["limits"]')"

# 20 children touching 50 MiB each (1000 MiB, 256 allowed): each is far
# under its RLIMIT_AS (4 GiB), so without a cgroup all of them finish
play_run c "$ROOT/tests/programs/box_kids.c" "" 20 50
[ "$(jans 'j["limits"]["hit"]')" = memory ] && [ "$(jans 'j["limits"]["stage"]')" = record ] ||
	fail "20 x 50 MiB children: not cut by the memory limit: $(head -c 600 "$T/ans")"
jans 'j["stdout"]' | grep -q 'touched 50 MiB: 20 of 20' && fail "20 x 50 MiB: every child touched its memory"
[ "$(jans 'j["signal"]')" = KILL ] || fail "20 x 50 MiB: signal $(jans 'j["signal"]')"
# ... and its recording, up to the cut, is built and opens
ID=$(jans 'j["trace"]')
[ "$ID" != None ] || fail "the recording of the memory-cut run is not built: $(jans 'j["error"]')"
[ "$(jans 'j["recording_complete"]')" = False ] || fail "a killed recording says it is complete"
expect_status 200 "/t/$ID/api/info"
json 'j["images"][0]["t_end"] > 0' <"$T/body" | grep -q True || fail "/t/$ID/api/info: $(head -c 300 "$T/body")"
alive "the memory bomb"
# the same children within the limit: not cut
play_run c "$ROOT/tests/programs/box_kids.c" "" 2 20
jans 'j["stdout"]' | grep -q 'touched 20 MiB: 2 of 2' && [ "$(jans 'j["limits"]["hit"]')" = None ] ||
	fail "2 x 20 MiB children: $(head -c 600 "$T/ans")"

# a fork bomb whose children wait: the process limit, named
cat >"$T/bomb.c" <<'C'
#include <stdio.h>
#include <unistd.h>
int main(void)
{
	int n = 0;

	while (fork() >= 0 && ++n)
		; /* the children loop too: a real bomb */
	printf("forks: %d\n", n);
	for (;;)
		pause();
}
C
play_run c "$T/bomb.c"
[ "$(jans 'j["limits"]["hit"]')" = processes ] && [ "$(jans 'j["limits"]["stage"]')" = record ] ||
	fail "fork bomb: $(head -c 600 "$T/ans")"
[ "$(jans 'j["limits"]["processes_max"]')" = 32 ] || fail "fork bomb: $(jans 'j["limits"]')"
[ "$(jans 'j["trace"]')" != None ] || fail "the fork bomb's recording is not built: $(jans 'j["error"]')"
alive "the fork bomb"
# endless loops.  A tight one runs into the instruction cap (40 M here,
# some 0.5 s of CPU under the recorder): SIGXCPU, as at the CPU limit, and
# its recording (complete: a program a signal killed) is built and steps
# up to the cut.  One that ignores SIGXCPU is SIGKILLed a little later:
# its recording is incomplete, and built all the same.
# cut_run LANG FILE HIT SIGNAL COMPLETE: the run, its limits, its recording
cut_run()
{
	local id t
	play_run "$1" "$2"
	[ "$(jans 'j["limits"]["hit"]')" = "$3" ] && [ "$(jans 'j["limits"]["stage"]')" = record ] ||
		fail "$(basename "$2"): not cut by $3: $(head -c 600 "$T/ans")"
	[ "$(jans 'j["signal"]')" = "$4" ] || fail "$(basename "$2"): signal $(jans 'j["signal"]'), not $4"
	[ "$(jans 'j["recording_complete"]')" = "$5" ] ||
		fail "$(basename "$2"): recording_complete $(jans 'j["recording_complete"]')"
	id=$(jans 'j["trace"]')
	[ "$id" != None ] || fail "$(basename "$2"): the recording is not built: $(jans 'j["error"]')"
	expect_status 200 "/t/$id/api/info"
	t=$(json 'j["images"][0]["t_end"]' <"$T/body")
	if [ "$3" = instructions ]; then
		[ "$t" -ge 40000000 ] && [ "$t" -lt 60000000 ] ||
			fail "$(basename "$2"): $t instructions recorded, the cap is 40000000"
	fi
	[ "$t" -gt 1000000 ] || fail "$(basename "$2"): only $t instructions recorded"
	# the last moments step: a backtrace in main (not for the system
	# call loops: a moment in 700 000 getppid calls takes minutes to answer)
	[ "$3" = instructions ] || return 0
	expect_status 200 "/t/$id/api/moment?t=$((t - 10))"
	grep -q 'main+0x[0-9a-f]* main\.c:' "$T/body" || fail "$(basename "$2"): no main at t=$((t - 10)): $(head -c 300 "$T/body")"
}
printf 'int main(void)\n{\n\tfor (;;)\n\t\t;\n}\n' >"$T/loop.c"
cut_run c "$T/loop.c" instructions XCPU True
printf '#include <signal.h>\nint main(void)\n{\n\tsignal(SIGXCPU, SIG_IGN);\n\tfor (;;)\n\t\t;\n}\n' >"$T/loopign.c"
cut_run c "$T/loopign.c" instructions KILL False
# a loop of system calls (few instructions, much CPU under the recorder:
# some 10 M in 2 s): the CPU limit, SIGXCPU; ignored: SIGKILL at the hard
# limit, named all the same
printf '#include <unistd.h>\nint main(void)\n{\n\tfor (;;)\n\t\tgetppid();\n}\n' >"$T/sys.c"
cut_run c "$T/sys.c" cpu XCPU True
printf '#include <signal.h>\n#include <unistd.h>\nint main(void)\n{\n\tsignal(SIGXCPU, SIG_IGN);\n\tfor (;;)\n\t\tgetppid();\n}\n' >"$T/sysign.c"
cut_run c "$T/sysign.c" cpu KILL False
alive "the endless loops"

# every stage's cgroup is gone; the server's own folder with the server
cg=$(sed -n 's/.*sandbox limits: cgroup v[12] in \([^ ]*\).*/\1/p' "$T/play.log")
[ -d "$cg" ] || fail "no cgroup folder $cg"
[ -z "$(find "$cg" -mindepth 1 -maxdepth 1 -type d)" ] || fail "stage cgroups left: $(ls "$cg")"
serve_stop
[ ! -d "$cg" ] || fail "the server's cgroup folder $cg outlived it"

# not root: no cgroup can be made; said once at start and in each answer,
# and the rlimits still hold (per process)
mkdir "$T/nb"
chown 65534:65534 "$T/nb"
PLAY_AS=(setpriv --reuid 65534 --regid 65534 --clear-groups)
PLAY_DATA=$T/nb/data PLAY_LOG=$T/nb/play.log play_start --record-limit 3 --jobs 1
n=$(grep -c 'WARNING: no memory or pids cgroup' "$T/nb/play.log")
[ "$n" = 1 ] || fail "not root: the log says $n times that there is no cgroup: $(cat "$T/nb/play.log")"
grep -q 'not root' "$T/nb/play.log" || fail "not root: the log does not say why: $(cat "$T/nb/play.log")"
play_run c "$ROOT/tests/programs/box_kids.c" "" 2 20
[ "$(jans 'j["limits"]["memory"]')" = rlimit ] && [ "$(jans 'j["limits"]["processes"]')" = rlimit ] ||
	fail "not root: limits $(jans 'j["limits"]')"
jans 'j["limits"]["note"]' | grep -q 'RLIMIT_AS' || fail "not root: no note: $(jans 'j["limits"]')"
jans 'j["stdout"]' | grep -q 'touched 20 MiB: 2 of 2' || fail "not root: $(head -c 600 "$T/ans")"
printf '#include <stdio.h>\n#include <stdlib.h>\nint main(void) { size_t n = 0; while (malloc(64 << 20)) n++; printf("%%zu\\n", n * 64); return 0; }\n' >"$T/mem.c"
play_run c "$T/mem.c"
mb=$(jans 'j["stdout"]')
[ -n "$mb" ] && [ "$mb" -lt 4096 ] || fail "not root: memory bomb: $(head -c 300 "$T/ans")"
[ "$(grep -c 'WARNING: no memory or pids cgroup' "$T/nb/play.log")" = 1 ] || fail "not root: said more than once"
serve_stop
pass "memory cgroup (children together), process count, instruction cap, CPU, recordings of cut runs, no cgroup said once"
