/* step_signal.c - gdb's step through signals: SIGUSR1 (gdb stops on it:
 * the step ends in its handler, entered twice) and SIGALRM (gdb passes it
 * silently: the step goes over its handler), raised from main and from a
 * function of its own; a one-line handler (its first instruction and its
 * body row after the prologue are one line: a single stop). */
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

static void on_usr2(int sig) { hits += 3 * sig; }

static int poke(int sig)
{
	raise(sig);
	return hits;
}

int main(void)
{
	signal(SIGUSR1, on_usr1);
	signal(SIGALRM, on_alrm);
	signal(SIGUSR2, on_usr2);
	raise(SIGUSR1);
	raise(SIGALRM);
	poke(SIGUSR1);
	raise(SIGUSR2);
	printf("hits %d\n", hits);
	return 0;
}
