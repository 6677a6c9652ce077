/* alias_siginl_o2.c - a signal handler that runs inside an inlined copy
 * (tests/e2e/src_alias_gdb.sh): work() is inlined into main at -O2, its
 * division by zero raises SIGFPE, whose handler steps over the idiv; gdb
 * shows the copy under "<signal handler called>", and the copy goes on
 * after the handler. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static volatile int got;
static volatile int sink;

static void on_fpe(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)si;
	got += sig;
	uc->uc_mcontext.gregs[REG_RIP] += 2; /* past the idivl %ecx (f7 f9) */
}

static inline __attribute__((always_inline)) int work(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		sink = s += i;
	__asm__ volatile("xorl %%ecx, %%ecx\n\tcltd\n\tidivl %%ecx"
			 : "+a"(s) : : "ecx", "edx", "cc");
	for (int i = 0; i < n; i++)
		sink = s += i * got; /* AFTER_HANDLER */
	return s;
}

int main(void)
{
	struct sigaction sa;
	int r;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fpe;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGFPE, &sa, NULL);
	r = work(10);
	printf("%d %d\n", r, got); /* AFTER_COPY */
	return 0;
}
