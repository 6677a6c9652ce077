#!/bin/bash
# rec_disk_full.sh - a recording that runs out of disk says so, is marked incomplete, and the program still finishes.
. "$(dirname "$0")/lib.sh"
require_built small

# A 1 MiB tmpfs holds the start of the recording but not all of it.
[ "$(id -u)" = 0 ] || pass "skipped: needs root to mount a small tmpfs"
mkdir -p "$T/small-fs"
mount -t tmpfs -o size=1m tmpfs "$T/small-fs" || pass "skipped: cannot mount tmpfs here"
umount_fs() { umount "$T/small-fs" 2>/dev/null; }
trap 'umount_fs; cleanup' EXIT

# gzip of 3 MB of text is ~1 G instructions: far more than 1 MiB of trace.
head -c 3000000 /dev/urandom | base64 >"$T/in.txt"
timeout -k 10 "$STEP_TIMEOUT" "$HS" record -o "$T/small-fs/tr" -- /usr/bin/gzip -c "$T/in.txt" \
	</dev/null >"$T/out.gz" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] || fail "record exited $rc, expected the program's 0: $(tail -n 2 "$T/err" | tr '\n' ' ')"
gzip -dc "$T/out.gz" | cmp -s - "$T/in.txt" || fail "the program's output is wrong after the disk filled up"
grep -q "disk full\|writing the recording failed" "$T/err" || fail "no message about the failed write: $(tr '\n' ' ' <"$T/err")"
grep -q "incomplete" "$T/err" || fail "record did not say the recording is incomplete"
c=$("$HS" info "$T/small-fs/tr" 2>&1 | sed -n 's/^complete: //p')
case $c in
no*) ;;
*) fail "info says complete: '$c', expected no" ;;
esac
pass
