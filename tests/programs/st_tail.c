/* st_tail.c - step-into through functions without line info that
 * tail-jump into code with lines (atexit, at_quick_exit, pthread_atfork:
 * libc_nonshared's stubs), through a tail jump between two libc
 * functions with lines (qsort jumps to __qsort_r: gdb stops at its entry),
 * and into __qsort_r called (gdb stops at its prologue's end, a row of
 * line 165 that is no statement). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>

static int calls;

static int cmp(const void *a, const void *b)
{
	calls++;
	return *(const int *)a - *(const int *)b;
}

static int cmp_r(const void *a, const void *b, void *arg)
{
	return *(const int *)b - *(const int *)a + (arg != NULL);
}

static void bye(void)
{
	calls--;
}

static void child(void)
{
	calls += 2;
}

int main(void)
{
	int v[2] = { 3, 1 };

	atexit(bye);
	at_quick_exit(bye);
	pthread_atfork(NULL, NULL, child);
	qsort(v, 2, sizeof v[0], cmp);
	qsort_r(v, 2, sizeof v[0], cmp_r, NULL);
	calls += v[0];
	return calls > 100;
}
