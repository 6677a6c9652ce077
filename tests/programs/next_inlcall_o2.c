/* next_inlcall_o2.c - gcc -O2: the call to calloc on one line is scheduled
 * inside the ranges of the inlined fill() called on the next line, and
 * calloc returns through a tail call (its jmp to memset).  gdb's `next`
 * from main's first line stops at fill's call line once (the copy's first
 * range) and goes on through the later range that starts after the
 * return, a statement row of the same line; it must not stop there a
 * second time.  (src_next_gdb, reviewer's q22) */
#include <stdio.h>
#include <stdlib.h>

struct item { int key; int weight; char tag[12]; };

static void fill(struct item *v, int n)
{
	for (int i = 0; i < n; i++) {
		v[i].key = i;
		v[i].weight = (i * 29) % 13;
		snprintf(v[i].tag, sizeof v[i].tag, "i%d", i);
	}
}

static int heaviest(const struct item *v, int n)
{
	int b = 0;

	for (int i = 1; i < n; i++)
		if (v[i].weight > v[b].weight)
			b = i;
	return v[b].key;
}

int main(void)
{
	struct item *v = calloc(8, sizeof *v);
	fill(v, 8);
	int b = heaviest(v, 8);
	printf("heaviest %d %s\n", b, v[b].tag);
	free(v);
	return 0;
}
