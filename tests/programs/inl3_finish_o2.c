/* inl3_finish_o2.c - gdb's `step` from where `finish` returned into the
 * middle of a line of main (no inlined code in main): a call whose
 * return address is in a row of the next line, before that line's
 * statement row, two calls on one line; the callees have inlined copies. */
#include <stdio.h>

volatile int inl3_fin_sink = 1;

static inline __attribute__((always_inline)) int sq(int x)
{
	return x * x + inl3_fin_sink;
}

__attribute__((noinline)) int fin_f(int x)
{
	int a = sq(x);
	return a + sq(a & 15);
}

__attribute__((noinline)) int fin_g(int x)
{
	int b = sq(x + 1);
	inl3_fin_sink = b & 1;
	return b - 1;
}

int main(int argc, char **argv)
{
	int r = fin_f(argc + 2);
	r += fin_g(argc + 1);
	r += fin_f(r & 7) + fin_g(argc);
	r = fin_g(r) * 3 + fin_f(2);

	(void)argv;
	printf("%d\n", r);
	return 0;
}
