/* crash_ill.c - ud2: SIGILL, ILL_ILLOPN (what the kernel gives for ud2). */
#include <stdio.h>

static void trap(void)
{
	__asm__ volatile("ud2");
}

int main(void)
{
	printf("before\n");
	fflush(stdout);
	trap();
	return 0;
}
