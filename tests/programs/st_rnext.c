/* st_rnext.c - lines with two calls (`a() && b()`, `f(g(x))`): gdb 13's
 * reverse-next from a callee's first line stops at the start of the
 * caller's line-table row holding the call, not at the line's first row
 * nor at the callee's entry (src_st_step.sh). */
#include <stdio.h>

/* calls at -O2 too (the empty asm keeps clang from folding them) */
__attribute__((noinline)) int is_even(int x) { asm(""); return x % 2 == 0; }
__attribute__((noinline)) int inc(int x) { asm(""); return x + 1; }
__attribute__((noinline)) int dbl(int x) { asm(""); return x * 2; }

int main(int argc, char **argv)
{
	int e = is_even(argc + 3) && !is_even(argc + 4);
	int y = dbl(inc(e + argc));
	printf("%d %d\n", e, y);
	return 0;
}
