/* st_sigtail.c - a SIGUSR1 handler whose last statement is a call in tail
 * position (gcc -O2: `jmp raise@plt` on the signal frame), raising SIGUSR2
 * from inside the handler, and an snprintf whose format scan returns from
 * __strchrnul into the first instruction of an inlined IO_validate_vtable
 * (src_st_step.sh).  snprintf and write, not printf: stdout's buffer is
 * set up by what stdout is, which differs between the oracle's run and the
 * recording's. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int count, seen;

static void on_second(int sig)
{
	seen += sig;
}

static void on_first(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	count += si->si_code == SI_TKILL ? sig : 1000;
	if (count < 20)
		raise(SIGUSR2);
}

int main(void)
{
	struct sigaction sa;
	char buf[32];
	int len;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_first;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGUSR2, on_second);
	raise(SIGUSR1);
	raise(SIGUSR1);
	len = snprintf(buf, sizeof(buf), "%d %d\n", count, seen);
	if (write(1, buf, (size_t)len) != len)
		return 1;
	return 0;
}
