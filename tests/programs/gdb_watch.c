/* gdb_watch.c - a small program for the gdbserver test: a function called
 * several times (breakpoints, reverse-continue), a global written a few
 * times (watchpoints), and a buffer on the stack (memory reads). */
#include <stdio.h>
#include <string.h>

int counter;
volatile long total;

__attribute__((noinline)) static long leaf(long x)
{
	char buf[32];

	memset(buf, (int)(x & 0x7f), sizeof buf);
	counter += (int)x;
	return buf[3] + x * 3;
}

__attribute__((noinline)) static long middle(long x)
{
	long r = leaf(x + 1);

	total += r;
	return r;
}

int main(void)
{
	long s = 0;

	for (int i = 0; i < 4; i++)
		s += middle(i * 10);
	counter = 1000;
	printf("%ld %d %ld\n", s, counter, (long)total);
	return 0;
}
