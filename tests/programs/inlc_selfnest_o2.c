/* inlc_selfnest_o2.c - at -O2 gcc inlines leaf into rec and, at the pc
 * where that copy starts, a second copy of leaf nested in the first:
 * gdb's `break leaf` stops there once (one hit, the outer copy shown),
 * so calls/leaf has one entry there, not one per copy.  (A longjmp out of
 * the recursion leaves the copies, as in inlc_nonlocal.) */
#include <setjmp.h>
#include <stdio.h>
static jmp_buf env;
static int depth_hit;
static void leaf(int n)
{
	if (n == 0)
		longjmp(env, 42);
	depth_hit = n;
}
static int rec(int n)
{
	if (n == 3) {
		int r = setjmp(env);
		if (r)
			return r + n;
		return rec(n - 1) + 1;
	}
	if (n == 0) {
		leaf(0);
		return -1;
	}
	leaf(n);
	return rec(n - 1) + 1;
}
int main(void)
{
	int r = rec(6);
	leaf(5);
	printf("r=%d %d\n", r, depth_hit);
	return 0;
}
