/* inl4_chain_o2.c - gdb's step, next and reverse-step through inlined
 * code at -O2 (tests/e2e/src_inl4_chains.sh): copies nested three deep,
 * two copies on one line, a copy whose call is on the same line as the
 * caller's other code, copies in a loop, and out-of-line functions whose
 * first or last row is a copy's (a `break` on the inlined function stops
 * at the caller's entry; a reverse-step comes back in through a `ret`). */
#include <stdio.h>

volatile int c4_sink = 3, c4_out;

static inline __attribute__((always_inline)) int c4_leaf(int x)
{
	return x * c4_sink + 1;
}

static inline __attribute__((always_inline)) int c4_mid(int x)
{
	int v = c4_leaf(x + 1);
	c4_out = v;
	return v - x;
}

static inline __attribute__((always_inline)) int c4_top(int x)
{
	int a = c4_mid(x);
	return a + c4_leaf(a & 7);
}

__attribute__((noinline)) int c4_pair(int x)
{
	return c4_leaf(x) + c4_leaf(x + 2);
}

__attribute__((noinline)) int c4_nest(int x)
{
	int r = c4_top(x);
	r ^= c4_mid(r & 3);
	return r;
}

__attribute__((noinline)) int c4_loop(int n)
{
	int acc = 0;
	for (int i = 0; i < n; i++)
		acc += c4_leaf(i) - c4_mid(acc & 1);
	return acc;
}

int main(int argc, char **argv)
{
	int r = c4_pair(argc);
	r += c4_nest(r & 15);
	int s = c4_leaf(r); r -= s;
	r += c4_loop(argc + 2);
	r += c4_top(argc) + c4_pair(r & 3);
	(void)argv;
	printf("%d\n", r);
	return 0;
}
