#!/bin/bash
# ev_syscall_args.sh - syscall strings and buffers in events and syscalls: a path cut at the 128 bytes recorded, a string or buffer that runs into an unmapped page or an unmapped pointer (its address, as strace), escapes; the recorder's copy and the memory fallback print the same.
#
# The recorder copies the bytes the formatter prints into each syscall
# entry (trace_format.h, format 4), except where some byte is unreadable:
# then the reader reads the recorded memory.  This program makes both
# happen, and every line is checked against the text it must be.
. "$(dirname "$0")/lib.sh"
require_built

cat >"$T/args.c" <<'CEOF'
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	char longp[300];
	void *volatile bad = (void *)16;
	char *m = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED || munmap(m + 4096, 4096))
		return 2;
	printf("%p\n", (void *)m);
	fflush(stdout);
	memset(longp, 'p', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = 0;
	open(longp, O_RDONLY);             /* events: the 128 bytes recorded, then "...; syscalls: whole, as strace */
	memcpy(m + 4093, "ab", 3);
	open(m + 4093, O_RDONLY);          /* NUL on the mapping's last byte */
	memcpy(m + 4090, "abcdef", 6);
	open(m + 4090, O_RDONLY);          /* no NUL before the unmapped page */
	write(1, m + 4090, 6);             /* a buffer that fits */
	write(99, m + 4090, 20);           /* a buffer that runs into it */
	write(99, bad, 5);                 /* an unmapped pointer */
	open("/nonexistent\n\"x\\", O_RDONLY); /* escapes */
	return 0;
}
CEOF
cc -g -O0 -o "$T/args" "$T/args.c" 2>"$T/cc.err" || fail "cc: $(head -n 2 "$T/cc.err")"
record_ok "$T/tr" "$T/args"
"$HS" build "$T/tr" >/dev/null 2>"$T/build.err" || fail "build: $(tail -n 2 "$T/build.err")"
"$HS" cat "$T/tr" events >"$T/events" 2>"$T/cat.err" || fail "cat events: $(cat "$T/cat.err")"
M=$(head -n 1 "$T/tr.out")
[ -n "$M" ] || fail "the program printed no address"
hex()
{
	printf '0x%x' $(($1))
}
P=$(printf 'p%.0s' $(seq 127))
PLONG=$(printf 'p%.0s' $(seq 298))
expect()
{
	grep -qF -- "$1" "$T/events" || fail "no event line with: $1"
}
expect "syscall openat(AT_FDCWD, \"/$P\"..., O_RDONLY)"
expect "syscall openat(AT_FDCWD, \"ab\", O_RDONLY)"
expect "syscall openat(AT_FDCWD, $(hex "$M + 4090"), O_RDONLY)"
expect "syscall write(1, \"abcdef\", 6)"
expect "syscall write(99, $(hex "$M + 4090"), 20)"
expect "syscall write(99, 0x10, 5)"
expect "syscall openat(AT_FDCWD, \"/nonexistent\\n\\\"x\\\\\", O_RDONLY)"
# syscalls: the same calls with strace's results
"$HS" cat "$T/tr" syscalls >"$T/syscalls" 2>"$T/cat.err" || fail "cat syscalls: $(cat "$T/cat.err")"
grep -qF -- "write(99, 0x10, 5) = -1 EBADF (Bad file descriptor)" "$T/syscalls" ||
	fail "no syscalls line with: write(99, 0x10, 5) = -1 EBADF (Bad file descriptor)"
grep -qF -- "openat(AT_FDCWD, \"/$PLONG\", O_RDONLY) = -1 ENAMETOOLONG (File name too long)" "$T/syscalls" ||
	fail "syscalls does not print the 299-byte path whole, as strace does"
grep -qF -- "openat(AT_FDCWD, \"ab\", O_RDONLY) = -1 ENOENT (No such file or directory)" "$T/syscalls" ||
	fail "no syscalls line with: openat(AT_FDCWD, \"ab\", O_RDONLY) = -1 ENOENT"
# the query CLI says the same
"$HS" query "$T/tr" events 0 999999999999 >"$T/q" 2>"$T/q.err" || fail "query events: $(cat "$T/q.err")"
same_file "query events and cat events" "$T/q" "$T/events"
pass "$(grep -c ' syscall ' "$T/events") syscalls"
