/* ev9_regs.c - eval/ with gdb's print defaults (char arrays past their
 * NUL, <repeats N times>, 200 elements), registers ($pc, $sp, $rax...)
 * and frame numbers through a signal handler (src_ev9_eval.sh). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t hits;
static int zeros[16];
static char big[300];
static char abc[300];
static struct pt { int x, y; } pts[14];

static void on_usr1(int sig)
{
	int depth = sig * 2;

	hits += depth; /* line: handler */
}

static int fill(char *line, int *arr, int n)
{
	int total = 0;

	for (int i = 0; i < n; i++) {
		arr[i] = i < 12 ? 7 : i;
		total += arr[i];
	}
	memcpy(line, "the\0dog\0barks", 14);
	memset(line + 20, 'x', 15);
	return total; /* line: fill-ret */
}

int main(void)
{
	char line[64];
	int arr[20];
	struct sigaction sa;
	long mark = 12345;

	memset(line, 0, sizeof line);
	memset(arr, 0, sizeof arr);
	memset(big, 'a', sizeof big - 1);
	for (int i = 0; i < 250; i++)
		abc[i] = (char)('A' + i % 50);
	pts[13].y = 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	mark += fill(line, arr, 20);
	raise(SIGUSR1);
	printf("%ld %d %d\n", mark, hits, zeros[3]); /* line: main-end */
	return 0;
}
