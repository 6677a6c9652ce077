/* st_sigspin.c - a busy loop that SIGALRM handlers interrupt
 * (tests/e2e/src_st_step.sh, clang -O2): the handler's first instruction
 * is a statement row, and a line start there is the handler's own (one
 * call deeper), so `next` and `step` over the loop's line pass the
 * handler silently, as gdb's do, and stop after the loop. */
#include <signal.h>
#include <string.h>
#include <sys/time.h>

static volatile int alarms;
static volatile long spin;

static void on_alrm(int sig) { (void)sig; alarms++; }

int main(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alrm;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	while (alarms < 3) spin++; /* one line: stepping it ends after the loop */
	setitimer(ITIMER_REAL, &off, NULL);
	return alarms == 3 ? 0 : 1;
}
