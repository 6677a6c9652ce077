/* crash_term.c - waits to be killed: prints its pid, then spins in a
 * loop (no syscall) until another process sends SIGTERM. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	volatile unsigned long n = 0;

	(void)argv;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	if (argc > 1)
		for (;;)
			pause();	/* killed inside a syscall */
	for (;;)
		n++;		/* killed while running */
	return 0;
}
