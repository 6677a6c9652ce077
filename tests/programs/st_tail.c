/* st_tail.c - step-into through functions without line info that
 * tail-jump into code with lines (atexit, at_quick_exit, pthread_atfork:
 * libc_nonshared's stubs), and through a tail jump between two libc
 * functions with lines (qsort jumps to __qsort_r). */
#include <pthread.h>
#include <stdlib.h>

static int calls;

static int cmp(const void *a, const void *b)
{
	calls++;
	return *(const int *)a - *(const int *)b;
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
	calls += v[0];
	return calls > 100;
}
