/* flow_fork100.c - forks N children (default 100), each sums a little and
 * exits with its index; every fifth child execs /bin/true instead; the
 * parent waits for all of them.  A recording of many processes
 * (tests/e2e/ui_procs.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long sink;

static long work(int k)
{
	long s = 0;

	for (int i = 0; i < 200 + k; i++)
		s += (long)i * k;
	return s;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 100;

	for (int k = 0; k < n; k++) {
		pid_t p = fork();

		if (p < 0) {
			perror("fork");
			return 1;
		}
		if (p == 0) {
			if (k % 5 == 4) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			sink = work(k);
			_exit(k & 0x7f);
		}
	}
	for (int k = 0; k < n; k++)
		wait(NULL);
	printf("%d children\n", n);
	return 0;
}
