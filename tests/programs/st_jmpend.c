/* st_jmpend.c - `next` where gdb's next stops once or never (src_st_step.sh):
 * into a one-line signal handler (gdb stops at its first instruction and
 * its next `next` runs the rest of that line), into a handler of several
 * lines, and over a call that longjmps back to a setjmp in no loop: gdb's
 * step-resume breakpoint at the call's return address is never hit, so
 * its `next` runs the program to its end. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf env;
static volatile sig_atomic_t hits;
static int depth_seen;

static void on_usr1(int sig) { hits += sig; }

static void on_usr2(int sig)
{
	hits += 2 * sig;
	if (hits > 1000)
		hits = 0;
}

static int dive(int n)
{
	depth_seen = n;
	if (n == 4)
		longjmp(env, n * 10);
	return dive(n + 1) + 1;
}

static int leaf(int x)
{
	return x * 3;
}

int main(void)
{
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	raise(SIGUSR1);
	raise(SIGUSR2);
	int r = setjmp(env);
	if (r == 0) {
		dive(1);
		puts("not reached");
	}
	int v = leaf(r);
	printf("r=%d v=%d depth=%d hits=%d\n", r, v, depth_seen, (int)hits);
	return 0;
}
