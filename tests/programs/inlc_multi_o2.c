/* inlc_multi_o2.c - calls/<f> of a static inline function: inlined at
 * several sites (in a loop, nested in another inlined function, in a
 * recursive function) and also called out of line through a pointer, so
 * gdb's `break scale` has locations at every copy and at the function;
 * and a copy that ends in a tail call out of its frame (tailw). */
#include <stdio.h>

static volatile int sink;

static inline int scale(int x)
{
	sink = x;
	return x * 3 + sink;
}

static inline int twice(int x)
{
	int a = scale(x);
	sink = a;
	return scale(a + 1) - a;
}

static __attribute__((noinline)) int leaf(int n)
{
	sink = n;
	return n + 1;
}

static inline int around(int x)
{
	int r = leaf(x);
	sink = r;
	return r * 2;
}

static __attribute__((noinline)) int rec(int n)
{
	if (n <= 0)
		return scale(n + 7);
	return rec(n - 1) + scale(n);
}

static __attribute__((noinline)) int ext(int x)
{
	sink = x;
	return x * 3;
}

/* ends in a tail call (jmp ext) once inlined into viatail */
static inline int tailw(int x)
{
	sink = x;
	return ext(x + 1);
}

static __attribute__((noinline)) int viatail(int n)
{
	return tailw(n);
}

int (*volatile fp)(int) = scale;

int main(int argc, char **argv)
{
	int s = 0;

	(void)argv;
	for (int i = 0; i < 3; i++)
		s += scale(i + argc);
	s += twice(s & 15);
	s += around(s & 7);
	s += rec(2);
	s += fp(5);
	s += viatail(s & 3) + viatail(1);
	printf("%d\n", s);
	return 0;
}
