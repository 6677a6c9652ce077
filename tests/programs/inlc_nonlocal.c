/* inlc_nonlocal.c - calls/<f> of always_inline functions at -O0: a copy
 * left by longjmp from a function it calls, a copy at the very start of
 * a function (before its prologue ends), a copy whose first instruction
 * is a loop's head, and a copy entered from a signal handler's function. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static volatile int sink;

static __attribute__((noinline)) void bail(int n)
{
	if (n > 1)
		longjmp(env, n);
	sink = n;
}

static inline __attribute__((always_inline)) int guarded(int n)
{
	sink = n;
	bail(n);
	return n + 1;
}

static inline __attribute__((always_inline)) int count_down(int n)
{
	int s = 0;

	while (n > 0)
		s += n--;
	return s;
}

static __attribute__((noinline)) int first(int n)
{
	return count_down(n) + guarded(0);
}

int main(void)
{
	int total = 0;

	for (int i = 0; i < 4; i++) {
		if (setjmp(env) == 0)
			total += guarded(i);
		else
			total += 100;
	}
	total += first(3);
	total += count_down(2);
	printf("%d\n", total);
	return 0;
}
