/* step_loopjump.c - loops whose code clang -O2 lays out so that a line is
 * left through the middle of another line's row and started again: gdb's
 * step stops at it again (its step range and line refreshed in the middle
 * of the other line: set_step_info), and at -O0 a recursion's lines. */
#include <stdio.h>

static void qs(int *a, int lo, int hi)
{
	if (lo >= hi)
		return;
	int p = a[(lo + hi) / 2], i = lo, j = hi;
	while (i <= j) {
		while (a[i] < p)
			i++;
		while (a[j] > p)
			j--;
		if (i <= j) {
			int t = a[i];
			a[i] = a[j];
			a[j] = t;
			i++;
			j--;
		}
	}
	qs(a, lo, j);
	qs(a, i, hi);
}

int main(void)
{
	int a[] = { 5, 3, 9, 1, 7, 2 };

	qs(a, 0, 5);
	printf("%d %d\n", a[0], a[5]);
	return 0;
}
