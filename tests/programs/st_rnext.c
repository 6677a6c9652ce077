/* st_rnext.c - lines with two calls (`a() && b()`, `f(g(x))`): gdb's
 * reverse-next from the second call's first line stops at the start of
 * the caller's line-table row holding that call (src_st_step.sh). */
#include <stdio.h>

int is_even(int x) { return x % 2 == 0; }
int inc(int x) { return x + 1; }
int dbl(int x) { return x * 2; }

int main(int argc, char **argv)
{
	int e = is_even(argc + 3) && !is_even(argc + 4);
	int y = dbl(inc(e + argc));
	printf("%d %d\n", e, y);
	return 0;
}
