/* calls_inlcaller_o2.c - at -O2 calls made from inlined code: gdb's frame
 * 1 at `break work` is the inlined function that made the call (sum_to,
 * or twice inlined into sum_to), not main, and so is calls/work's caller
 * column (src_calls_gdb.sh). */
#include <stdio.h>

__attribute__((noinline)) int work(int x)
{
	return x * 3 + 1;
}

static inline int twice(int y)
{
	return work(y) + work(y + 1);
}

static inline int sum_to(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += work(i);
	return s + twice(n);
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("%d %d\n", sum_to(argc + 2), work(argc));
	return 0;
}
