/* step_recur.c - gdb's reverse-step out of a callee's first line stops in
 * the caller at the start of the row holding the call, also when that row
 * is the second of its line (fib's `fib(n - 1) + fib(n - 2)`: the row
 * after the first call returns), before it goes back into the first call.
 * recur_fini: a destructor that ld.so's _dl_call_fini calls after main
 * returns; gdb's step that began in libc and returned into ld.so stops at
 * its first instruction (its opening line), then with no line at
 * crtstuff's __do_global_dtors_aux and _fini, which ld.so calls too. */
#include <stdio.h>

static int fini_count;

static int fib(int n)
{
	if (n < 2)
		return n;
	return fib(n - 1) + fib(n - 2);
}

__attribute__((destructor)) static void recur_fini(void)
{
	fini_count += 2;
}

int main(void)
{
	int f = fib(4);

	printf("%d\n", f); /* REV_FROM */
	return 0; /* PAST_FROM */
}
