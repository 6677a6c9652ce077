/* siblings.c - two calls on one line, then more lines: gdb's `next` from
 * the first callee's last line must come back to the caller's next line,
 * not stop in the second callee (tests/e2e/src_next_gdb.sh). */
#include <stdio.h>

__attribute__((noinline)) static int first(int a)
{
	int r = a * 3;

	return r + 1;
}

__attribute__((noinline)) static int second(int a)
{
	volatile int big[16];

	for (int i = 0; i < 16; i++)
		big[i] = a + i;
	return big[5];
}

int main(int argc, char **argv)
{
	int x = first(argc) + second(argc);

	x += first(x) + first(x + 1);
	printf("%d\n", x);
	return 0;
}
