/* st_segvjmp.c - clang -O2: a one-line SIGSEGV handler whose code is only
 * its call of siglongjmp (no line row of its own after its first
 * instruction).  gdb's step from the handler's first instruction steps
 * over siglongjmp (a longjmp out of the frame stepped) and stops at the
 * entry of the next longjmp call; it does not run to the end.
 * (src_st_step, reviewer's q5c) */
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>

static sigjmp_buf fault_env;
static jmp_buf again;
static volatile int sink;

static void on_segv(int sig) { siglongjmp(fault_env, sig); }

/* the load that faults is inside probe's line, not at its start (the
 * recording has no moment for an instruction that faults) */
__attribute__((noinline)) static int probe(volatile int *p)
{
	sink = 1; return *p + 1;
}

static int try_read(volatile int *p)
{
	if (sigsetjmp(fault_env, 1))
		return -1;
	return probe(p);
}

__attribute__((noinline)) static void leave(int n)
{
	sink = n;
	longjmp(again, n);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_segv };
	int good = 41, r;

	sigaction(SIGSEGV, &sa, NULL);
	r = try_read(&good) + try_read((int *)16);
	if (setjmp(again) == 0)
		leave(r);
	return r != 41;
}
