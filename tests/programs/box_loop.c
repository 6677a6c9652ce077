/* box_loop.c - loops forever (a tight loop); with an argument, ignores
 * SIGXCPU first.  With "exit N", runs N iterations and exits 0. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	volatile unsigned long i = 0, n = 0;

	if (argc > 2 && !strcmp(argv[1], "exit"))
		n = strtoul(argv[2], NULL, 10);
	else if (argc > 1)
		signal(SIGXCPU, SIG_IGN);
	while (!n || i < n)
		i++;
	return 0;
}
