/* st_sigjmp.c - a SIGSEGV handler that siglongjmps back into main: gdb's
 * next stops as the signal arrives (its default `handle SIGSEGV stop`),
 * and the next `next` goes to the handler's first instruction. */
#include <setjmp.h>
#include <signal.h>
#include <string.h>

static sigjmp_buf jb;
static volatile int hits;

static void on_segv(int sig)
{
	hits += sig > 0;
	siglongjmp(jb, hits);
}

static int probe(int *p)
{
	return *p;
}

int main(void)
{
	struct sigaction sa;
	int good = 7, sum = 0;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_segv;
	sigaction(SIGSEGV, &sa, NULL);
	for (int i = 0; i < 3; i++) {
		if (sigsetjmp(jb, 1) == 0)
			sum += probe(i == 1 ? (int *)16 : &good);
	}
	return sum + hits > 100;
}
