/* sighandler.c - a SIGUSR1 handler entered twice (raise), which calls a function of its own. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int hits;

static __attribute__((noinline)) int bump(int x)
{
	return x + 1;
}

static __attribute__((noinline)) void on_usr1(int sig)
{
	hits = bump(hits);
}

static __attribute__((noinline)) int work(int i)
{
	raise(SIGUSR1);
	return i * 3;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	int s = 0;
	for (int i = 0; i < 2; i++)
		s += work(i);
	printf("%d %d\n", hits, s);
	return 0;
}
