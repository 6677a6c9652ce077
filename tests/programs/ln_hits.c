/* ln_hits.c - lines/FILE/N against gdb's `break FILE:N` hit counts
 * (tests/e2e/src_ln_hits.sh): loops, calls on a line, a line spread over
 * several rows, inlined code on a line, a line in a header used by two
 * functions.  ln_hits_o2.c is the same at -O2. */
#include <stdio.h>
#include "ln_hdr.h"

volatile int sink;

__attribute__((noinline)) int sq(int x) { return x * x; }

__attribute__((noinline)) int add(int a, int b)
{
	int r = a + b;
	return r;
}

static int from_a(int v) { return ln_twice(v) + 3; }

__attribute__((noinline)) int from_b(int v)
{
	return ln_twice(v) - 3;
}

int main(void)
{
	int total = 0;

	for (int i = 0; i < 4; i++)
		total += sq(i) + add(i, sq(i + 1));
	for (int i = 0; i < 3; i++) {
		sink = i;
		total += from_a(i);
	}
	int j = 0;
	while (j < 5)
		j++;
	total += add(sq(2),
		     sq(3));
	do {
		total += from_b(j);
		j--;
	} while (j > 2);
	sink = total;
	printf("%d\n", total);
	return 0;
}
