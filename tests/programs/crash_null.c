/* crash_null.c - a NULL dereference: SIGSEGV, SEGV_MAPERR at address 0x8. */
#include <stdio.h>

struct node { long key; long value; };

static long read_value(struct node *n)
{
	return n->value;	/* faults: n is NULL */
}

int main(int argc, char **argv)
{
	struct node *n = argc > 5 ? (struct node *)argv : NULL;

	printf("before\n");
	fflush(stdout);
	return (int)read_value(n);
}
