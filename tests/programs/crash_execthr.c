/* crash_execthr.c - runs a second thread, then execs /bin/true: the first
 * image had two threads, the second one. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *worker(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, worker, NULL) != 0 || pthread_join(th, NULL) != 0)
		return 2;
	printf("exec\n");
	fflush(stdout);
	execl("/bin/true", "true", (char *)NULL);
	return 1;
}
