/* gdbs_names.c - thread names through gdbserver (qXfer:threads): a worker
 * that names itself (prctl), one named by main (pthread_setname_np on
 * another thread writes /proc/self/task/TID/comm), one left with the
 * name it inherited; all alive at stop(). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/prctl.h>

static pthread_barrier_t ready, done;

__attribute__((noinline)) void stop(void)
{
	__asm__ volatile("" ::: "memory");
}

static void *self_named(void *arg)
{
	prctl(PR_SET_NAME, "gdbs-self");
	pthread_barrier_wait(&ready);
	pthread_barrier_wait(&done);
	return arg;
}

static void *plain(void *arg)
{
	pthread_barrier_wait(&ready);
	pthread_barrier_wait(&done);
	return arg;
}

int main(void)
{
	pthread_t a, b, c;

	pthread_barrier_init(&ready, NULL, 4);
	pthread_barrier_init(&done, NULL, 4);
	pthread_create(&a, NULL, self_named, NULL);
	pthread_create(&b, NULL, plain, NULL);
	pthread_create(&c, NULL, plain, NULL);
	pthread_setname_np(b, "gdbs-by-main");
	pthread_barrier_wait(&ready);
	stop();
	pthread_barrier_wait(&done);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_join(c, NULL);
	puts("done");
	return 0;
}
