/* inl_calls_o2.c - inlined code that calls: a real call made from inside
 * an inlined copy (its backtrace has the inlined frame between the callee
 * and main), the same helper inlined at two sites of another function,
 * and inlining two deep under a real call. */
#include <stdio.h>

static volatile int sink;

static __attribute__((noinline)) int leaf(int n)
{
	sink = n;
	return n * 2 + 1;
}

static inline int wrap(int x)
{
	int r = leaf(x + 1);
	sink = r;
	return r - 3;
}

static inline int twice(int x)
{
	int a = wrap(x);
	return wrap(a) + a;
}

static __attribute__((noinline)) int work(int k)
{
	int s = twice(k);
	sink = s;
	s += twice(s & 7);
	return s;
}

int main(void)
{
	int v = work(3);
	int w = wrap(v);
	printf("%d %d\n", v, w);
	return 0;
}
