#!/bin/bash
# ev_syscall_args.sh - syscall strings and buffers in events: cut at 128 bytes, a string or buffer that runs into an unmapped page, an unmapped pointer, escapes; the recorder's copy and the memory fallback print the same.
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
	open(longp, O_RDONLY);             /* cut: 128 bytes, then "... */
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
expect()
{
	grep -qF -- "$1" "$T/events" || fail "no event line with: $1"
}
expect "syscall openat(0xffffff9c, "
expect " \"/$P\"..., 0x0, 0x0)"
expect "openat(0xffffff9c, $(hex "$M + 4093") \"ab\", 0x0, 0x0)"
expect "openat(0xffffff9c, $(hex "$M + 4090") \"abcdef\"..., 0x0, 0x0)"
expect "write(0x1, $(hex "$M + 4090") \"abcdef\", 0x6)"
expect "write(0x63, $(hex "$M + 4090"), 0x14)"
expect "write(0x63, 0x10, 0x5)"
expect " \"/nonexistent\\n\\\"x\\\\\", 0x0, 0x0)"
# the query CLI says the same
"$HS" query "$T/tr" events 0 999999999999 >"$T/q" 2>"$T/q.err" || fail "query events: $(cat "$T/q.err")"
same_file "query events and cat events" "$T/q" "$T/events"
pass "$(grep -c ' syscall ' "$T/events") syscalls"
