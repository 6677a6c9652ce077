/* st_jmprec.c - `next` over a call that longjmps back into the frame
 * stepped (src_st_step.sh), whose return address the frame never runs
 * again; the frame returns, and the caller calls it again from the same
 * place: gdb's step-resume breakpoint belongs to a frame id (the function
 * and its stack address), so the second frame, the same id, hits it where
 * its call returns, and gdb's `next` stops on the line after that call in
 * the second call of helper. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static int round_no, got;

static int dive(int n)
{
	if (n == 2 && round_no == 0)
		longjmp(env, 1);
	return n < 2 ? dive(n + 1) + 1 : 0;
}

static void helper(void)
{
	if (!setjmp(env))
		got = dive(0);
	round_no++;
}

int main(void)
{
	for (int i = 0; i < 2; i++)
		helper();
	printf("%d %d\n", round_no, got);
	return 0;
}
