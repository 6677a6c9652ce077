/* step_signal.c - gdb's step through signals: SIGUSR1 (gdb stops on it:
 * the step ends in its handler, entered twice) and SIGALRM (gdb passes it
 * silently: the step goes over its handler), raised from main and from a
 * function of its own. */
#include <signal.h>
#include <stdio.h>

static volatile int hits;

static void on_usr1(int sig)
{
	hits += sig;
}

static void on_alrm(int sig)
{
	hits += 2 * sig;
}

static int poke(int sig)
{
	raise(sig);
	return hits;
}

int main(void)
{
	signal(SIGUSR1, on_usr1);
	signal(SIGALRM, on_alrm);
	raise(SIGUSR1);
	raise(SIGALRM);
	poke(SIGUSR1);
	printf("hits %d\n", hits);
	return 0;
}
