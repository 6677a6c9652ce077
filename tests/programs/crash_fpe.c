/* crash_fpe.c - an integer division by zero: SIGFPE, FPE_INTDIV. */
#include <stdio.h>

static int divide(int a, int b)
{
	return a / b;
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("%d\n", divide(100, argc - 1));
	return 0;
}
