/* step_recur.c - gdb's reverse-step out of a callee's first line stops in
 * the caller at the start of the row holding the call, also when that row
 * is the second of its line (fib's `fib(n - 1) + fib(n - 2)`: the row
 * after the first call returns), before it goes back into the first call. */
#include <stdio.h>

static int fib(int n)
{
	if (n < 2)
		return n;
	return fib(n - 1) + fib(n - 2);
}

int main(void)
{
	int f = fib(4);

	printf("%d\n", f); /* REV_FROM */
	return 0;
}
