/* abort.c - prints a line and kills itself with SIGABRT (record must exit 128+6). */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("about to abort\n");
	fflush(stdout);
	abort();
}
