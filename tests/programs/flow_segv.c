/* flow_segv.c - dies of a NULL dereference in a nested function: the
 * crash banner names SIGSEGV, the fault address (the member's offset),
 * the faulting instruction, the function and the line (CRASH_LINE). */
#include <stdio.h>
#include <stdlib.h>

struct node {
	long key;
	long value;
	struct node *next;
};

static long __attribute__((noinline)) second_value(struct node *n)
{
	return n->next->value; /* CRASH_LINE */
}

int main(int argc, char **argv)
{
	struct node *a = calloc(1, sizeof *a);

	(void)argv;
	a->key = argc;
	printf("key %ld\n", a->key);
	fflush(stdout);
	return (int)second_value(a);
}
