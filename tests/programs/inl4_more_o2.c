/* inl4_more_o2.c - more chains of step, next and reverse-step through
 * inlined code at -O2 (tests/e2e/src_inl4_chains.sh): copies nested at
 * the same pc (views), a copy on each side of a condition, a copy in a
 * switch, one whose caller is on the same line, and a recursive caller. */
#include <stdio.h>

volatile int m4_k = 5, m4_w;

static inline __attribute__((always_inline)) int m4_sq(int x)
{
	return x * x;
}

static inline __attribute__((always_inline)) int m4_wrap(int x)
{
	return m4_sq(x + m4_k);
}

static inline __attribute__((always_inline)) int m4_pick(int x)
{
	if (x & 1)
		return m4_wrap(x);
	m4_w = x;
	return m4_sq(x - 1) + 2;
}

__attribute__((noinline)) int m4_rec(int n)
{
	if (n <= 0)
		return m4_sq(m4_k);
	return m4_pick(n) + m4_rec(n - 1);
}

__attribute__((noinline)) int m4_sw(int c)
{
	switch (c & 3) {
	case 0: return m4_wrap(c);
	case 1: m4_w = m4_sq(c); return 1;
	default: return m4_pick(c) - 3;
	}
}

int main(int argc, char **argv)
{
	int r = m4_wrap(argc); r += m4_rec(3);
	for (int i = 0; i < 3; i++)
		r ^= m4_sw(i + argc);
	r += m4_pick(r & 7);
	(void)argv;
	printf("%d\n", r);
	return 0;
}
