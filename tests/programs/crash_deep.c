/* crash_deep.c - a NULL dereference 600 calls deep: SIGSEGV, SEGV_MAPERR
 * at address 0; gdb's bt prints all 602 frames (rec_crash.sh). */
#include <stdio.h>

static volatile int *volatile nowhere;

static int deep(int n)
{
	if (n == 600)
		return *nowhere;	/* faults */
	return deep(n + 1) + 1;
}

int main(void)
{
	printf("before\n");
	fflush(stdout);
	return deep(0);
}
