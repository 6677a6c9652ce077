/* calls_altstack.c - a signal handler on an alternate stack (sigaltstack,
 * SA_ONSTACK) interrupting a recursion (src_calls_gdb.sh): its frame and
 * its calls sit on the handler's stack, the interrupted frames stay open
 * under "<signal handler called>", as gdb's bt shows them; a guard for
 * stack switches (a jump of rsp to another stack is no unwind). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int hits;

static void note(int sig)
{
	hits += sig;
}

static void on_usr1(int sig)
{
	note(sig);
}

static void work(int n)
{
	if (n > 0) {
		work(n - 1);
		return;
	}
	raise(SIGUSR1);
}

int main(void)
{
	stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536 };
	struct sigaction sa;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	work(3);
	work(1);
	printf("%d\n", hits);
	return 0;
}
