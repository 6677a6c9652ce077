/* loops_o2.c - a small program built with -O2 -g for the source-level
 * oracle tests, where gdb and Hindsight are compared more loosely (see
 * tests/e2e/src_oracle_o2.sh): the optimiser moves, merges and drops
 * lines and variables.  The functions are noinline so that calls exist.
 */
#include <stdio.h>

__attribute__((noinline)) static int collatz_steps(unsigned int n)
{
	int steps = 0;

	while (n != 1) {
		n = (n & 1) ? 3 * n + 1 : n / 2;
		steps++;
	}
	return steps;
}

__attribute__((noinline)) static long gcd(long a, long b)
{
	while (b != 0) {
		long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

__attribute__((noinline)) static int digit_sum(int n)
{
	if (n < 10)
		return n;
	return n % 10 + digit_sum(n / 10);
}

int main(int argc, char **argv)
{
	int best = 0;
	long g = 0;

	for (unsigned int i = 1; i <= 9; i++) {
		int s = collatz_steps(i * (unsigned int)argc);
		if (s > best)
			best = s;
	}
	for (long k = 2; k <= 5; k++)
		g += gcd(k * 84, 360);
	int d = digit_sum(98765 + argc);
	printf("%d %ld %d\n", best, g, d);
	return 0;
}
