/* st_sigexit.c - SIGSEGV handlers that never return to the code that
 * faulted (src_st_step.sh): twice the handler siglongjmps back into main
 * past the frame that faulted, whose call's return address is never run
 * again; the third time it ends the process with _exit.  gdb's step and
 * next stop as the signal arrives (default `handle SIGSEGV stop`) and go
 * on to the handler's first instruction. */
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static sigjmp_buf jb;
static volatile int hits;

static void on_segv(int sig)
{
	hits += sig > 0;
	if (hits > 2) {
		static const char msg[] = "bye\n";

		write(1, msg, sizeof msg - 1);
		_exit(3);
	}
	siglongjmp(jb, hits);
}

static int probe(int *p, int n)
{
	if (n > 0)
		return probe(p, n - 1) + 1;
	return *p;
}

static int deref(int *p)
{
	return *p + 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int sum = 0;

	(void)argv;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_segv;
	sigaction(SIGSEGV, &sa, NULL);
	for (int i = 0; i < 2; i++) {
		if (sigsetjmp(jb, 1) == 0)
			sum += probe((int *)(long)(8 * (i + 1)), 2);
	}
	sum += deref(argc > 5 ? &sum : (int *)0);
	return sum;
}
