# bench_lib.bash - the frame the bench scripts share (bash; source it with
# HS set): their messages, a scratch folder, and what they started in the
# background (mounts, servers) undone at the end.
# shellcheck shell=bash

# bench_start NAME: die and log say "NAME: ..."; HS must be built; W is a
# new folder under HS_BENCH_DIR or ${TMPDIR:-/tmp}, removed at the end
# unless HS_KEEP=1.  At the end too, the mounts of bench_mnt are undone
# and the processes in PIDS (bench_mnt's daemons, a script's servers)
# killed.
bench_start()
{
	BENCH_NAME=$1
	PIDS=()
	MNTS=()
	[ -x "$HS" ] || die "$HS is not built (run make)"
	W=$(mktemp -d "${HS_BENCH_DIR:-${TMPDIR:-/tmp}}/hs-${1//_/-}.XXXXXX") || die "no scratch folder"
	trap bench_finish EXIT
}

die()
{
	echo "$BENCH_NAME: $*" >&2
	exit 1
}

log()
{
	echo "$BENCH_NAME: $*" >&2
}

bench_finish()
{
	local m p
	for m in "${MNTS[@]}"; do
		fusermount3 -u "$m" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ "${HS_KEEP:-0}" = 1 ]; then
		log "kept $W"
	else
		rm -rf "$W"
	fi
}

# bench_mnt TRACE DIR: `hindsight mount -f` in the background (its log in
# DIR.log), back once the mount is up
bench_mnt()
{
	local i
	mkdir -p "$2"
	"$HS" mount -f "$1" "$2" >/dev/null 2>"$2.log" &
	PIDS+=($!)
	MNTS+=("$2")
	for i in $(seq 1 200); do
		awk -v d="$2" '$2 == d { f = 1 } END { exit !f }' /proc/self/mounts && return 0
		sleep 0.05
	done
	die "mount of $1 did not come up: $(cat "$2.log")"
}
