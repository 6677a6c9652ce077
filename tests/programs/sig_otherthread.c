/* sig_otherthread.c - a process-directed signal that the main thread
 * blocks: the kernel hands it to the second thread, whose handler prints
 * its tid.  `events` files the signal, its frame and the handler's return
 * under that thread, as strace -f does. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	char b[64];
	int n = snprintf(b, sizeof b, "handler in tid %d\n", gettid());

	(void)sig;
	if (write(1, b, (size_t)n) != n)
		_exit(2);
	got = 1;
}

static void *worker(void *arg)
{
	(void)arg;
	printf("worker tid %d\n", gettid());
	fflush(stdout);
	while (!got)
		usleep(1000);
	return NULL;
}

int main(void)
{
	pthread_t th;
	sigset_t set;

	signal(SIGUSR1, on_usr1);
	if (pthread_create(&th, NULL, worker, NULL))
		return 1;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	usleep(20000);
	kill(getpid(), SIGUSR1);
	/* main goes on running: the worker, woken in its nanosleep by the
	 * kernel, takes the signal while main is the thread that ran last */
	for (volatile long i = 0; i < 3000000 && !got; i++)
		;
	pthread_join(th, NULL);
	printf("main tid %d\n", gettid());
	return 0;
}
