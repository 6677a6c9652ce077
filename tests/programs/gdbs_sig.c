/* gdbs_sig.c - signals through gdbserver: SIGUSR1 with a handler, raised
 * three ways (raise, kill, from a timer-less sigqueue), and SIGUSR2 sent
 * from a second thread; continue and reverse-continue stop at each. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

volatile sig_atomic_t hits;
volatile long work;

static void on_usr(int sig)
{
	hits += sig;
}

__attribute__((noinline)) static void busy(int n)
{
	for (int i = 0; i < n; i++)
		work += i;
}

static void *thr(void *arg)
{
	busy(100);
	kill(getpid(), SIGUSR2);
	return arg;
}

int main(void)
{
	union sigval v = { .sival_int = 7 };
	pthread_t th;

	signal(SIGUSR1, on_usr);
	signal(SIGUSR2, on_usr);
	busy(10);
	raise(SIGUSR1);
	busy(20);
	kill(getpid(), SIGUSR1);
	busy(30);
	sigqueue(getpid(), SIGUSR1, v);
	pthread_create(&th, NULL, thr, NULL);
	pthread_join(th, NULL);
	busy(40);
	printf("%d %ld\n", (int)hits, (long)work);
	return 0;
}
