/* crash_thread.c - a NULL dereference in a second thread while main waits
 * in pthread_join: SIGSEGV in the thread that faulted. */
#include <pthread.h>
#include <stdio.h>

static int *volatile target;

static void *worker(void *arg)
{
	(void)arg;
	return (void *)(long)*target;	/* faults: target is NULL */
}

int main(void)
{
	pthread_t th;

	printf("start\n");
	fflush(stdout);
	if (pthread_create(&th, NULL, worker, NULL) != 0)
		return 2;
	pthread_join(th, NULL);
	return 0;
}
