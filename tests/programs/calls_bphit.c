/* calls_bphit.c - gdb's `break gcd` past a branch: clang -O2 (b, 360,
 * propagated into gcd) puts gcd's prologue_end row on its 64-bit idiv
 * path, which the calls with 32-bit numbers never run, so gdb stops in
 * 3 of the 9 calls (src_calls_gdb.sh). */
#include <stdio.h>

__attribute__((noinline)) static long gcd(long a, long b)
{
	for (long r; b; a = b, b = r)
		r = a % b;
	return a;
}

__attribute__((noinline)) static long twice(long a)
{
	return gcd(a, 360) + gcd(a + 1, 360);
}

int main(int argc, char **argv)
{
	long g = 0;

	(void)argv;
	for (long k = 2; k <= 5; k++)
		g += gcd(k * 84 + argc, 360);
	g += gcd((1L << 40) + argc, 360); /* one 64-bit step, then 32-bit ones */
	g += twice(1L << 41);
	g += twice(argc);
	printf("%ld\n", g);
	return 0;
}
