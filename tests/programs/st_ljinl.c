/* st_ljinl.c - step and next after longjmp lands where setjmp returns at
 * -O2, on the first instruction of an inlined copy (src_st_step.sh): gdb
 * sees another frame there (__longjmp's was stepped, the frame is main's),
 * so it is no "stepped into inlined function" stop. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf jb, jb2;
static int count;

static void bail(int v)
{
	count += v;
	longjmp(jb, v);
}

static void deeper(int v, int d)
{
	if (d > 0)
		deeper(v, d - 1);
	count += d;
	longjmp(jb2, v);
}

static __attribute__((noinline)) int again(int n)
{
	int r = setjmp(jb2);
	if (r < n)
		deeper(r + 1, 2);
	return r;
}

int main(void)
{
	int r = setjmp(jb);
	if (r < 3)
		bail(r + 1);
	printf("r=%d count=%d\n", r, count);
	return again(2) - 2;
}
