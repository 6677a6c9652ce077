/* gdbs_sig.c - signals through gdbserver: SIGUSR1 with a handler, raised
 * (tgkill) and sent to the process (kill) by main, and SIGUSR2 raised by a
 * second thread; continue and reverse-continue stop at each.  (Not
 * sigqueue: Valgrind delivers a signal a process queues to itself with
 * rt_sigqueueinfo at its next syscall, not at the call's return as the
 * kernel does, so gdb would stop elsewhere than natively.) */
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
	raise(SIGUSR2);
	busy(5);
	return arg;
}

int main(void)
{
	pthread_t th;

	signal(SIGUSR1, on_usr);
	signal(SIGUSR2, on_usr);
	busy(10);
	raise(SIGUSR1);
	busy(20);
	kill(getpid(), SIGUSR1);
	busy(30);
	pthread_create(&th, NULL, thr, NULL);
	pthread_join(th, NULL);
	busy(40);
	printf("%d %ld\n", (int)hits, (long)work);
	return 0;
}
