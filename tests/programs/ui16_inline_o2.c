/* ui16_inline_o2.c - at -O2, sq() is inlined into main's loop and also
 * called out of line through a pointer: calls/sq lists both kinds, and
 * /api/calls must page through the inlined copies (they once failed the
 * whole page with a 404) and read the out-of-line call's argument as
 * gdb's `break sq` shows it (tests/e2e/ui_flow.sh). */
#include <stdio.h>

static volatile int sink;

static int sq(int v)
{
	sink = v;
	return v * v + 1;
}

int main(int argc, char **argv)
{
	int (*volatile f)(int) = sq;
	int s = 0;

	(void)argv;
	for (int i = 0; i < 3 + argc; i++)
		s += sq(i + argc);
	s += f(argc + 40);
	printf("%d\n", s);
	return 0;
}
