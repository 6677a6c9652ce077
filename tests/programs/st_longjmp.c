/* st_longjmp.c - `next` over calls that leave by longjmp into the frame
 * stepped, at setjmp's return, and `step` into longjmp (src_st_step.sh). */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static int deepest;

static void sink(int level, int stop)
{
	deepest = level;
	if (level >= stop)
		longjmp(env, level + 1);
	sink(level + 1, stop);
}

static int twice(int v)
{
	return 2 * v;
}

int main(void)
{
	int sum = 0;

	for (int round = 0; round < 3; round++) {
		int got = setjmp(env);

		if (!got)
			sink(0, round);
		sum += twice(got);
	}
	printf("%d %d\n", sum, deepest);
	return 0;
}
