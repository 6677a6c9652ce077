/* tid_conc.c - four threads running at the same time (they wait on a
 * barrier, so all are alive together); each prints "tid <role> <getpid()> <gettid()>". */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define N 4

static pthread_barrier_t all_up;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void say(const char *role)
{
	pthread_mutex_lock(&out_lock);
	printf("tid %s %d %d\n", role, (int)getpid(), (int)gettid());
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static void *worker(void *arg)
{
	volatile long sum = 0;

	pthread_barrier_wait(&all_up);
	for (long i = 0; i < 20000; i++)
		sum += i ^ (long)arg;
	say("worker");
	return NULL;
}

int main(void)
{
	pthread_t th[N];

	say("main");
	pthread_barrier_init(&all_up, NULL, N + 1);
	for (long i = 0; i < N; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i) != 0)
			return 1;
	pthread_barrier_wait(&all_up);
	for (int i = 0; i < N; i++)
		pthread_join(th[i], NULL);
	return 0;
}
