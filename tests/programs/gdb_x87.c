/* gdb_x87.c - two values on the x87 stack when done() runs, for the
 * gdbserver test's x87 registers (st0, st1, fstat, ftag, fctrl) against
 * native gdb.  Valgrind keeps x87 registers as doubles: -0.1L is exact
 * only to a double's precision in a recording, 7.5 is exact. */
#include <stdio.h>

volatile long double a = 2.5L, b = -0.1L, c;

__attribute__((noinline)) void done(void)
{
	c = 0;
}

int main(void)
{
	long double x = a * 3, y = b;

	__asm__ volatile("fldt %0; fldt %1; call done; fstp %%st(0); fstp %%st(0)"
			 : : "m"(x), "m"(y));
	printf("%Lf\n", x + y);
	return 0;
}
