/* inl2_loop_o2.c - inlined code for gdb's next, step, finish and break:
 * helpers inlined in a loop, inlining inside inlining (mix -> scale),
 * a helper inlined into main and also called out of line (through a
 * pointer), and a static inline from a header (inl2_util.h). */
#include <stdio.h>
#include "inl2_util.h"

volatile int inl2_sink;

static inline int scale(int x)
{
	inl2_sink = x;
	return x * 3;
}

static inline int mix(int a, int b)
{
	int s = scale(a);
	s += scale(b);
	inl2_sink = s;
	return s - 1;
}

static __attribute__((noinline)) int bump(int n)
{
	inl2_sink = n;
	return n + 1;
}

int (*volatile inl2_fp)(int) = scale;

int main(void)
{
	int acc = 0;

	for (int i = 0; i < 3; i++)
		acc += scale(i);
	for (int i = 0; i < 2; i++) {
		acc = mix(acc, i);
		acc = bump(acc);
	}
	acc += inl2_fp(acc & 15);
	acc = inl2_clamp(acc, 0, 100);
	printf("%d\n", acc);
	return 0;
}
