/* crash_so.c - a stack overflow: SIGSEGV where the frame under the stack
 * cannot be written.  Its depth is the stack's size (Valgrind's differs
 * from the kernel's); at the fault gdb cannot read the variables of the
 * innermost frame and says so (rec_crash.sh). */
#include <stdio.h>

static int deep(int n)
{
	volatile char pad[4096];

	pad[0] = (char)n;
	return deep(n + 1) + pad[0];
}

int main(void)
{
	printf("before\n");
	fflush(stdout);
	return deep(0);
}
