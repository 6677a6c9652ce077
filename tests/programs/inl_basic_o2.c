/* inl_basic_o2.c - static helpers that gcc inlines at -O2: one inlined
 * from two call sites, and inlining two deep (outer -> inner). */
#include <stdio.h>
#include <stdlib.h>

static volatile int sink;

static inline int square(int x)
{
	sink = x;
	return x * x;
}

static inline int inner(int v)
{
	int r = v + sink;
	sink = r;
	return r * 3;
}

static inline int outer(int v)
{
	int a = inner(v + 1);
	sink = a;
	return a + 2;
}

static __attribute__((noinline)) int called(int n)
{
	sink = n;
	return n + 7;
}

int main(int argc, char **argv)
{
	int n = argc + (argv[1] ? atoi(argv[1]) : 4);
	int s = square(n);
	int t = square(s + 1);
	int u = outer(t);
	int w = called(u);
	printf("%d %d %d %d\n", s, t, u, w);
	return 0;
}
