/* exitcode.c - prints a line and exits with status 3 (for exit-status tests). */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("exiting with status 3\n");
	exit(3);
}
