/* gdb_spin.c - a few million instructions between the calls of a function,
 * for timing gdbserver's continue to the next breakpoint hit (bench). */
#include <stdio.h>

static volatile unsigned long sink;

__attribute__((noinline)) static void mark(unsigned long i)
{
	sink += i;
}

int main(void)
{
	unsigned long h = 1469598103934665603ul;

	for (unsigned long i = 0; i < 400000; i++) {
		h = (h ^ i) * 1099511628211ul;
		if (i % 50000 == 0)
			mark(h);
	}
	printf("%lu\n", h + sink);
	return 0;
}
