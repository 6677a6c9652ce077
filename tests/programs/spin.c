/* spin.c - busy-loops for SECONDS of wall-clock time (default 60), for kill tests; output not deterministic. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 60;
	volatile unsigned long counter = 0;
	time_t end = time(NULL) + seconds;

	while (time(NULL) < end)
		for (int i = 0; i < (1 << 20); i++)
			counter += (unsigned long)i ^ (counter >> 3);
	printf("spun %d s, counter %lu\n", seconds, counter);
	return 0;
}
