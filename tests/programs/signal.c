/* signal.c - handles a raise()d SIGUSR1, and a SIGSEGV from a bad pointer by siglongjmp()ing out. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t usr1_count;
static void *volatile fault_addr;
static sigjmp_buf recover;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void on_segv(int sig, siginfo_t *si, void *uctx)
{
	(void)sig;
	(void)uctx;
	fault_addr = si->si_addr;
	siglongjmp(recover, 1);
}

int main(void)
{
	struct sigaction sa;
	int *volatile bad = (int *)16;	/* unmapped: the first page is never mapped */

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) != 0) {
		perror("sigaction SIGUSR1");
		return 1;
	}
	raise(SIGUSR1);
	raise(SIGUSR1);
	printf("SIGUSR1 handled %d times\n", (int)usr1_count);

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) != 0) {
		perror("sigaction SIGSEGV");
		return 1;
	}
	if (sigsetjmp(recover, 1) == 0) {
		*bad = 42;	/* faults */
		printf("not reached\n");
		return 1;
	}
	printf("SIGSEGV caught at address %p\n", fault_addr);
	printf("done\n");
	return 0;
}
