/* loc_inl_o2.c - locals at -O2 (src_locals_gdb): inlined functions with
 * loops and nested blocks inlined into each other, a struct gcc keeps in
 * pieces (one member optimized out), shadowed names, main's parameters
 * (gdb resolves no entry value in main), a variable-length array (its
 * bound an artificial variable: a location list under gcc, a constant
 * gdb 13 takes as one element under clang). */
#include <stdio.h>

struct acc { long sum; int n; };

static inline void add(struct acc *a, int v)
{
	if (v > 0) {
		long w = v * 3L;
		a->sum += w; /* ADD */
	}
	a->n++;
}

static inline long fold(const int *v, int n)
{
	struct acc a = { 0, 0 };
	for (int i = 0; i < n; i++) {
		int cur = v[i] - 2;
		add(&a, cur); /* FOLD */
	}
	return a.sum * 10 + a.n;
}

__attribute__((noinline)) long outer(int seed)
{
	int buf[6];
	for (int j = 0; j < 6; j++)
		buf[j] = seed + j;
	long r = fold(buf, 6);
	if (r > 100) {
		long half = r / 2;
		r = half + fold(buf + 2, 3); /* HALF */
	}
	{
		int seed = (int)r % 7;
		printf("inner seed %d\n", seed); /* SHADOW */
	}
	return r;
}

__attribute__((noinline)) long squares(int n)
{
	int sq[n];
	for (int k = 0; k < n; k++)
		sq[k] = k * k;
	long r = fold(sq, n);
	printf("squares %ld %d\n", r, sq[n - 1]); /* SQUARES */
	return r + sq[1];
}

/* a local past gdb's max-value-size (64 KiB): info locals says it
 * cannot read it ("value requires 68000 bytes, ...") */
static __attribute__((noinline)) long bigsum(int n)
{
	int big[17000];
	long s = 0;

	for (int i = 0; i < 17000; i++)
		big[i] = i * n;
	for (int i = 0; i < 17000; i += 3)
		s += big[i];
	printf("bigsum %ld %d\n", s, big[n]); /* BIGSUM */
	return s + big[2];
}

int main(int argc, char **argv)
{
	long a = outer(argc) + squares(argc + 4) + bigsum(argc + 1);
	long b = outer(argc + 39);
	printf("%ld %ld %s\n", a, b, argv[0] ? "ok" : ""); /* PRINT */
	return 0;
}
