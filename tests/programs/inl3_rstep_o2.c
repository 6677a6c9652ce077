/* inl3_rstep_o2.c - gdb's reverse-step back through inlined copies at
 * -O2: a copy inside a copy whose rows interleave with the caller's in a
 * loop (a copy entered going back at a row's middle), and a loop whose
 * first line follows a line of the caller's own code. */
#include <stdio.h>

volatile int rs_sink = 2, rs_out;

static inline __attribute__((always_inline)) int rs_inner(int x)
{
	int v = rs_sink;
	return v + x * 5;
}

static inline __attribute__((always_inline)) int rs_pair(int x)
{
	int w = rs_inner(x);
	return w ^ (x + 1);
}

static inline __attribute__((always_inline)) int rs_tail(int a, int b)
{
	rs_out = a;
	return a - b;
}

__attribute__((noinline)) int rs_loop(int n)
{
	int acc = 3;
	for (int i = 0; i < n; i++) {
		rs_out = i; acc += rs_pair(i);
		acc -= rs_sink;
	}
	return rs_tail(acc, n);
}

int main(int argc, char **argv)
{
	int r = rs_loop(argc + 2);

	(void)argv;
	printf("%d\n", r);
	return 0;
}
