/* sig_trap.c - an int3 the program does not handle: SIGTRAP, which x86-64
 * Linux reports as SI_KERNEL with si_addr NULL. */
#include <stdio.h>

int main(void)
{
	printf("before\n");
	fflush(stdout);
	__asm__ volatile("int3");
	printf("after\n");
	return 0;
}
