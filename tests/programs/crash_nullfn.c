/* crash_nullfn.c - a call through a NULL function pointer: the fault is
 * the fetch at address 0, SIGSEGV SEGV_MAPERR (nothing is mapped there);
 * a jump into a mapped page without execute permission is SEGV_ACCERR. */
#include <stdio.h>

typedef int (*handler_fn)(int);

static char not_code[64] = { 1 };

static int dispatch(handler_fn fn, int v)
{
	return fn(v) + 1;	/* faults: fn is NULL, or not code */
}

int main(int argc, char **argv)
{
	handler_fn fn = argc > 1 ? (handler_fn)(void *)not_code : NULL;

	(void)argv;
	printf("before\n");
	fflush(stdout);
	return dispatch(fn, 41);
}
