/* flow_chain.c - one value copied through three variables in three
 * functions into a global: the dataflow chain from `total`'s bytes leads
 * back through each copy to the line that computed it
 * (tests/browser/flow_ui.mjs; the lines are marked HOP_*). */
#include <stdio.h>

long total;

static long __attribute__((noinline)) third(long c)
{
	long kept = c; /* HOP_3 */

	total = kept; /* HOP_4 */
	return kept;
}

static long __attribute__((noinline)) second(long b)
{
	long carried = b; /* HOP_2 */

	return third(carried);
}

static long __attribute__((noinline)) first(int argc)
{
	long born = argc * 1000 + 234; /* HOP_1 */

	return second(born);
}

int main(int argc, char **argv)
{
	(void)argv;
	first(argc);
	printf("total %ld\n", total);
	return 0;
}
