#!/bin/bash
# db_swapped_files.sh - a database file moved to another process's folder,
# or copied in from another database, is refused by cat, mount and serve
# with a line that names it, never answered from (exit 0 with the other
# process's syscalls was the bug).
#
# Every .hdb header names its build and image (dbfile.h); the manifest's
# sizes are checked on open; a stream.hst names its pid.  Files of equal
# size (threads.hdb of two single-threaded images) reach the header check.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/db_lib.bash"
require_built forkexec example

record_ok "$T/a" "$PROGS/forkexec"
build_ok "$T/a"
record_ok "$T/b" "$PROGS/forkexec"
build_ok "$T/b"
mapfile -t IMGS < <("$HS" ls "$T/a" processes)
[ "${#IMGS[@]}" -ge 2 ] || fail "forkexec gave ${#IMGS[@]} process images, expected 2 or more"
"$HS" cat "$T/a" syscalls >"$T/a.syscalls" || fail "the intact database does not answer"

# refused TRACE WHAT: cat, mount and serve of TRACE fail and say why
refused()
{
	local tr=$1 what=$2 rc
	"$HS" cat "$tr" syscalls >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" != 0 ] || fail "$what: cat syscalls exited 0 ($(wc -l <"$T/out") lines)"
	grep -Eq 'rebuild|record again' "$T/err" || fail "$what: cat's error does not say what to do: $(head -n 2 "$T/err" | tr '\n' ' ')"
	mkdir -p "$T/mnt"
	timeout 20 "$HS" mount "$tr" "$T/mnt" >"$T/mount.out" 2>&1
	rc=$?
	if mountpoint -q "$T/mnt"; then
		fusermount3 -u "$T/mnt" 2>/dev/null
		fail "$what: mount succeeded"
	fi
	[ "$rc" != 0 ] || fail "$what: mount exited 0"
	timeout 20 "$HS" serve --port 0 "$tr" >"$T/serve.out" 2>&1
	rc=$?
	[ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "$what: serve exited $rc (it should refuse at once)"
	case $what in stream.hst*) ;; *)
		"$HS" verify "$tr" >"$T/verify.out" 2>&1 && fail "$what: verify exited 0" ;;
	esac
	note "$what: refused ($(grep -m 1 hindsight "$T/err" | cut -c1-150))"
}

# with_copy NAME: a fresh copy of a in $T/NAME
with_copy()
{
	rm -rf "${T:?}/$1"
	cp -a "$T/a" "$T/$1"
}

A0=${IMGS[0]}
A1=${IMGS[1]}
for f in events.hdb threads.hdb calls.hdb; do
	# two images of one database swap a file
	with_copy swap
	mv "$T/swap/db/$A0/$f" "$T/swap/x"
	mv "$T/swap/db/$A1/$f" "$T/swap/db/$A0/$f"
	mv "$T/swap/x" "$T/swap/db/$A1/$f"
	refused "$T/swap" "$f swapped between $A0 and $A1"
	# the same image of another recording's database
	with_copy other
	B0=$("$HS" ls "$T/b" processes | head -n 1)
	cp "$T/b/db/$B0/$f" "$T/other/db/$A0/$f"
	refused "$T/other" "$f copied from another database"
done

# one header byte of the identity changed: the header's checksum fails
with_copy flip
printf 'X' | dd of="$T/flip/db/$A0/threads.hdb" bs=1 seek=66 conv=notrunc 2>/dev/null
refused "$T/flip" "a flipped image name in a header"

# stream.hst of another process
with_copy stream
cp "$T/stream/procs/$A1/stream.hst" "$T/stream/procs/$A0/stream.hst"
refused "$T/stream" "stream.hst of $A1 in $A0's folder"

# the intact copy still answers the same
with_copy intact
"$HS" cat "$T/intact" syscalls >"$T/intact.syscalls" || fail "an intact copy does not answer"
cmp -s "$T/a.syscalls" "$T/intact.syscalls" || fail "an intact copy answers differently"
pass "swapped, copied-in and altered database files are refused by cat, mount and serve"
