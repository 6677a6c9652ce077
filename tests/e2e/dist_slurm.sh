#!/bin/bash
# dist_slurm.sh - `build --slurm` on a one-node Slurm cluster started here gives the .hdb files of `build --shards N`; a failed shard, a missing sbatch and an unreachable controller fail cleanly.
#
# munged, slurmctld and slurmd run by hand (no systemd) from a slurm.conf in
# $T: state, spool, logs, pid files and the munge socket and key are all in
# $T, the ports are free ones away from Slurm's defaults (6817/6818), and
# SLURM_CONF points every client here, so a real Slurm on the machine is
# neither used nor disturbed.  The daemons are stopped on every exit.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built

# the daemons are in sbin, which a non-login root shell may lack
PATH=$PATH:/usr/sbin:/sbin
for p in munged mungekey slurmctld slurmd sbatch squeue scancel sinfo; do
	command -v "$p" >/dev/null 2>&1 ||
		pass "skipped: slurm-wlm not installed (no $p; scripts/install-deps.sh installs slurm-wlm and munge)"
done
[ "$(id -u)" = 0 ] || pass "skipped: needs root to run slurmd"

SHARDS=3
DAEMONS=()
OUR_CONF=""

# ours PID...: those of the PIDs that run with this test's SLURM_CONF in
# their environment (slurmd passes its own to every slurmstepd and job).
ours()
{
	local p
	for p in "$@"; do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qxF "SLURM_CONF=$OUR_CONF" &&
			echo "$p"
	done
}

# our_steps: the pids of slurmstepd processes (and what they run) of this
# test's cluster.
our_steps()
{
	local f pids=()
	for f in /proc/[0-9]*/comm; do
		read -r c 2>/dev/null <"$f" || continue
		[ "$c" = slurmstepd ] || continue
		f=${f#/proc/}
		read -r c 2>/dev/null <"/proc/${f%/comm}/stat" || continue
		[ "${c##*) }" = "${c##*) Z}" ] || continue # a zombie, ended
		pids+=("${f%/comm}")
	done
	[ ${#pids[@]} -gt 0 ] && ours "${pids[@]}"
}

# stop_slurm: cancel what is left and let the job steps end, then stop
# slurmd, slurmctld and munged (TERM, then KILL after 5 s), then kill any
# step of ours still there; run from the EXIT trap whatever happened.
stop_slurm()
{
	local p i k
	if [ -n "$OUR_CONF" ] && [ ${#DAEMONS[@]} -gt 1 ]; then
		SLURM_CONF=$OUR_CONF timeout 5 scancel --quiet --user=root >/dev/null 2>&1
		for ((i = 0; i < 40; i++)); do
			[ -z "$(SLURM_CONF=$OUR_CONF timeout 5 squeue -h -o %A 2>/dev/null)" ] &&
				[ -z "$(our_steps)" ] && break
			sleep 0.25
		done
	fi
	for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
		p=${DAEMONS[i]}
		kill "$p" 2>/dev/null || continue
		for ((k = 0; k < 50; k++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	DAEMONS=()
	if [ -n "$OUR_CONF" ]; then
		for p in $(our_steps); do
			kill -9 "$p" 2>/dev/null
		done
	fi
}
trap 'stop_slurm; cleanup' EXIT

# port_free PORT: nothing listens on PORT (IPv4 or IPv6).
port_free()
{
	local hex
	hex=$(printf ':%04X ' "$1")
	! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == "0A" { print $2 " " }' |
		grep -q -- "$hex"
}

# two consecutive free ports in 20000..29999, from this shell's pid
base=$((20000 + ($$ % 5000) * 2))
for ((i = 0; i < 50; i++)); do
	port_free "$base" && port_free $((base + 1)) && break
	base=$((20000 + (base - 20000 + 2) % 10000))
done
port_free "$base" || fail "no free port pair for slurmctld and slurmd"

S=$T/slurm
mkdir -p "$S/state" "$S/spool" "$S/munge"
chmod 711 "$S/munge"
mungekey -c -k "$S/munge/munge.key" >/dev/null 2>&1 || fail "mungekey could not make a key"
munged -F --force --socket="$S/munge/sock" --key-file="$S/munge/munge.key" \
	--pid-file="$S/munge/pid" --seed-file="$S/munge/seed" >"$S/munged.log" 2>&1 &
DAEMONS+=($!)

host=$(hostname -s)
cat >"$S/slurm.conf" <<EOF
ClusterName=hstest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$S/munge/sock
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=hstest Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$S/slurm.conf
OUR_CONF=$SLURM_CONF
for ((i = 0; i < 30; i++)); do
	[ -S "$S/munge/sock" ] && break
	sleep 0.1
done
[ -S "$S/munge/sock" ] || fail "munged did not start: $(tail -n 2 "$S/munged.log" | tr '\n' ' ')"
slurmctld -D -f "$SLURM_CONF" >"$S/slurmctld.out" 2>&1 &
DAEMONS+=($!)
slurmd -D -f "$SLURM_CONF" >"$S/slurmd.out" 2>&1 &
DAEMONS+=($!)
for ((i = 0; i < 60; i++)); do
	state=$(timeout 5 sinfo -h -o %t 2>/dev/null)
	[ "$state" = idle ] && break
	sleep 0.25
done
[ "$state" = idle ] ||
	fail "the node is not idle after 15 s ('$state'): $(grep -h -m1 -E 'error|fatal' "$S"/slurm*.out | tr '\n' ' ')"
note "slurmctld on port $base, slurmd on $((base + 1)), node $host idle"

# ---- the distributed build equals the threaded one ----------------------------
record_gzip "$T/gz" 100000
hs_build "$T/gz" --slurm --partition hstest --shards "$SHARDS"
rc=$?
[ "$rc" = 0 ] || fail "build --slurm exited $rc: $(grep -v '^builder:' "$T/gz.build.err" | tail -n 3 | tr '\n' ' ')"
grep -q "^built: .*/gz/db" "$T/gz.build.out" || fail "build --slurm printed no 'built:' line: $(head -n 2 "$T/gz.build.out")"
grep -q "^shards: $SHARDS\$" "$T/gz.build.out" || fail "build --slurm: the summary does not say shards: $SHARDS"
grep -q "shards (job [0-9]*): [0-9]* done, [0-9]* running, [0-9]* pending" "$T/gz.build.err" ||
	fail "build --slurm printed no progress line: $(head -n 2 "$T/gz.build.err" | tr '\n' ' ')"
grep -q "^slurm: $SHARDS shards done (job [0-9]*), merged (job [0-9]*)" "$T/gz.build.err" ||
	fail "build --slurm printed no final line: $(tail -n 2 "$T/gz.build.err" | tr '\n' ' ')"
note "$(grep '^slurm: built in' "$T/gz.build.err")"
verify_ok "$T/gz"
[ ! -e "$T/gz/.db.shards" ] || fail "the merge left $T/gz/.db.shards"
[ ! -e "$T/gz/.db.slurm" ] || fail "a successful build --slurm left its logs in $T/gz/.db.slurm"
db_hashes "$T/gz" >"$T/slurm.hashes"
mv "$T/gz/db" "$T/slurm.db"

build_ok "$T/gz" --shards "$SHARDS"
db_hashes "$T/gz" >"$T/threaded.hashes"
cmp -s "$T/threaded.hashes" "$T/slurm.hashes" ||
	fail "build --slurm differs from --shards $SHARDS: $(diff "$T/threaded.hashes" "$T/slurm.hashes" | head -n 3 | tr '\n' ' ')"
files=0
while read -r f; do
	cmp -s "$T/gz/db/$f" "$T/slurm.db/$f" || fail "$f differs between build --slurm and --shards $SHARDS"
	files=$((files + 1))
done < <(cd "$T/gz/db" && find . -name '*.hdb' | sort)
[ "$files" -gt 0 ] || fail "no .hdb files to compare"

# ---- a shard that fails: non-zero, said, the merge cancelled, no database -----
cp -r "$ROOT/scripts/slurm" "$T/bad"
# shellcheck disable=SC2016 # the $ is for the job script
sed -i 's|^set -eu$|set -eu\n[ "$SLURM_ARRAY_TASK_ID" != 1 ] \|\| { echo "injected failure of task 1"; exit 3; }|' \
	"$T/bad/build.sbatch"
grep -q 'injected failure' "$T/bad/build.sbatch" || fail "cannot make the failing build.sbatch"
rm -rf "$T/gz/db"
HINDSIGHT_SLURM_DIR=$T/bad hs_build "$T/gz" --slurm --shards "$SHARDS"
rc=$?
[ "$rc" = 1 ] || fail "build --slurm with a failing shard exited $rc, expected 1"
grep -q "shard 1 of $SHARDS (job [0-9]*_1) ended FAILED" "$T/gz.build.err" ||
	fail "a failed shard is not reported: $(grep -v '^slurm:' "$T/gz.build.err" | head -n 2 | tr '\n' ' ')"
grep -q "injected failure of task 1" "$T/gz.build.err" || fail "the failed shard's log is not shown"
[ ! -e "$T/gz/db" ] || fail "a failed build --slurm left $T/gz/db"
for ((i = 0; i < 20; i++)); do
	left=$(squeue -h -o '%A %j %T')
	[ -z "$left" ] && break
	sleep 0.25
done
[ -z "$left" ] || fail "jobs left in the queue after a failed shard: $(echo "$left" | tr '\n' ' ')"
[ -s "$T/gz/.db.slurm/shard-1.out" ] || fail "a failed build --slurm kept no log of the failed shard"
rm -rf "$T/gz/.db.slurm"

# ---- SIGTERM while shards run: both jobs cancelled, exit 128+15 ---------------
cp -r "$ROOT/scripts/slurm" "$T/slow"
sed -i 's|^set -eu$|set -eu\nsleep 60|' "$T/slow/build.sbatch"
HINDSIGHT_SLURM_DIR=$T/slow "$HS" build --slurm --shards 2 "$T/gz" >"$T/gz.build.out" 2>"$T/gz.build.err" &
bpid=$!
BG_PIDS+=("$bpid")
for ((i = 0; i < 80; i++)); do
	grep -q 'shards (job [0-9]*): 0 done, [12] running' "$T/gz.build.err" && break
	sleep 0.25
done
grep -q 'running' "$T/gz.build.err" || fail "no shard of the slow build ran within 20 s: $(tail -n 1 "$T/gz.build.err")"
kill -TERM "$bpid"
wait "$bpid"
rc=$?
[ "$rc" = 143 ] || fail "build --slurm exited $rc on SIGTERM, expected 143"
grep -q "cancelling jobs" "$T/gz.build.err" || fail "SIGTERM: no word of cancelling: $(tail -n 1 "$T/gz.build.err")"
for ((i = 0; i < 40; i++)); do
	left=$(squeue -h -o '%A %j %T')
	[ -z "$left" ] && [ -z "$(our_steps)" ] && break
	sleep 0.25
done
[ -z "$left" ] || fail "jobs left in the queue after SIGTERM: $(echo "$left" | tr '\n' ' ')"
[ -z "$(our_steps)" ] || fail "job steps still run 10 s after SIGTERM"
[ ! -e "$T/gz/db" ] || fail "an interrupted build --slurm left $T/gz/db"
rm -rf "$T/gz/.db.slurm"

# ---- no sbatch, and no controller -----------------------------------------------
mkdir "$T/nobin"
timeout -k 10 "$STEP_TIMEOUT" env PATH="$T/nobin" "$HS" build --slurm --shards 2 "$T/gz" \
	>"$T/gz.build.out" 2>"$T/gz.build.err"
rc=$?
[ "$rc" = 1 ] && grep -q "sbatch is not installed" "$T/gz.build.err" ||
	fail "without sbatch: exit $rc, $(head -n 1 "$T/gz.build.err")"
sed "s/^SlurmctldPort=.*/SlurmctldPort=$((base + 3))/" "$SLURM_CONF" >"$S/down.conf"
echo "MessageTimeout=1" >>"$S/down.conf"
SLURM_CONF=$S/down.conf hs_build "$T/gz" --slurm --shards 2
rc=$?
[ "$rc" = 1 ] && grep -q "Unable to contact slurm controller" "$T/gz.build.err" ||
	fail "with no controller: exit $rc, $(head -n 1 "$T/gz.build.err")"
[ ! -e "$T/gz/db" ] && [ ! -e "$T/gz/.db.slurm" ] || fail "an unreachable controller left files in $T/gz"

pass "$files .hdb files of build --slurm --shards $SHARDS equal --shards $SHARDS; failed shard, SIGTERM, no sbatch, no controller end cleanly"
