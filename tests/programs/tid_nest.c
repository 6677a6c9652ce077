/* tid_nest.c - a thread that creates a thread, which creates another; then,
 * after all of them ended, one more thread (which reuses a freed slot).
 * Each prints "tid <role> <getpid()> <gettid()>". */
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

static void *nested(void *arg)
{
	long depth = (long)arg;

	say(depth == 1 ? "child" : depth == 2 ? "grandchild" : "greatgrandchild");
	if (depth < 3) {
		pthread_t th;

		if (pthread_create(&th, NULL, nested, (void *)(depth + 1)) != 0)
			return (void *)1;
		pthread_join(th, NULL);
	}
	return NULL;
}

static void *last(void *arg)
{
	(void)arg;
	say("last");
	return NULL;
}

int main(void)
{
	pthread_t th;

	say("main");
	if (pthread_create(&th, NULL, nested, (void *)1L) != 0)
		return 1;
	pthread_join(th, NULL);
	if (pthread_create(&th, NULL, last, NULL) != 0)
		return 1;
	pthread_join(th, NULL);
	return 0;
}
