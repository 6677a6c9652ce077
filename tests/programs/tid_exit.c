/* tid_exit.c - one thread calls pthread_exit early while two others keep
 * running; then a new thread starts while those two still run (so it takes
 * the dead one's slot).  Each prints "tid <role> <getpid()> <gettid()>". */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int quitter_gone;
static volatile int stop;

static void say(const char *role)
{
	pthread_mutex_lock(&out_lock);
	printf("tid %s %d %d\n", role, (int)getpid(), (int)gettid());
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static void *quitter(void *arg)
{
	(void)arg;
	say("quitter");
	pthread_exit(NULL);
}

static void *runner(void *arg)
{
	volatile long sum = 0;

	(void)arg;
	say("runner");
	while (!stop)
		for (long i = 0; i < 1000; i++)
			sum += i;
	return NULL;
}

static void *late(void *arg)
{
	(void)arg;
	say("late");
	return NULL;
}

int main(void)
{
	pthread_t q, r1, r2, l;

	say("main");
	if (pthread_create(&r1, NULL, runner, NULL) || pthread_create(&q, NULL, quitter, NULL) ||
	    pthread_create(&r2, NULL, runner, NULL))
		return 1;
	pthread_join(q, NULL);
	if (pthread_create(&l, NULL, late, NULL))
		return 1;
	pthread_join(l, NULL);
	stop = 1;
	pthread_join(r1, NULL);
	pthread_join(r2, NULL);
	return 0;
}
