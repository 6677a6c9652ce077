/* inl2_loop_o2.c - inlined code for gdb's next, step, finish and break:
 * helpers inlined in loops (one unrolled, one run n times), inlining
 * inside inlining (mix -> scale),
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

int main(int argc, char **argv)
{
	int acc = 0, n = argc + 2;

	(void)argv;
	for (int i = 0; i < 3; i++)
		acc += scale(i);
	/* a loop gcc cannot unroll: the same copies run n times */
	for (int i = 0; i < n; i++)
		acc = inl2_clamp(acc + scale(i), 0, 1000);
	for (int i = 0; i < 2; i++) {
		acc = mix(acc, i);
		acc = bump(acc);
	}
	acc += inl2_fp(acc & 15);
	acc = inl2_clamp(acc, 0, 100);
	printf("%d\n", acc);
	return 0;
}
