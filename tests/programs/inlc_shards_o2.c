/* inlc_shards_o2.c - inlined copies that stay open across long calls
 * (nested copies starting at one pc, each calling a loop of a few
 * thousand instructions), so that a build's shard boundaries fall inside
 * them: calls/inner and calls/outer must not depend on the shard count. */
#include <stdio.h>

static volatile int sink;

static __attribute__((noinline)) int work(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += sink + i;
	return s;
}

static inline int inner(int x)
{
	sink = x;
	return work(x & 1023) + x;
}

static inline int outer(int x)
{
	int a = inner(x);

	sink = a;
	return inner(a & 511) - a;
}

int main(void)
{
	int s = 0;

	for (int i = 0; i < 400; i++) {
		s += outer(i * 37);
		if (i % 7 == 0)
			s += inner(i);
	}
	printf("%d\n", s);
	return 0;
}
