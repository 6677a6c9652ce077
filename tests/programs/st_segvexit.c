/* st_segvexit.c - a SIGSEGV handler that ends the process with _exit
 * (src_st_step.sh): the frame that faulted is never returned to, and
 * gdb's step from the faulting line stops as the signal arrives (default
 * `handle SIGSEGV stop`), then at the handler's first instruction. */
#include <signal.h>
#include <unistd.h>

static void on_segv(int sig)
{
	static const char msg[] = "crashed\n";

	write(1, msg, sizeof msg - 1);
	_exit(sig == SIGSEGV ? 3 : 4);
}

static int deref(int *p)
{
	return *p + 1;
}

int main(int argc, char **argv)
{
	int v = argc;

	(void)argv;
	signal(SIGSEGV, on_segv);
	v += deref(argc > 5 ? &v : (int *)0);
	return v;
}
