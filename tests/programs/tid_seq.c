/* tid_seq.c - three threads created one after another, each joined before
 * the next starts (Valgrind gives all three the same thread slot); every
 * thread prints "tid <role> <getpid()> <gettid()>". */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

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

	for (long i = 0; i < 1000; i++)
		sum += i * (long)arg;
	say("worker");
	return NULL;
}

int main(void)
{
	say("main");
	for (long i = 1; i <= 3; i++) {
		pthread_t th;

		if (pthread_create(&th, NULL, worker, (void *)i) != 0)
			return 1;
		pthread_join(th, NULL);
	}
	return 0;
}
