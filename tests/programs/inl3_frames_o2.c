/* inl3_frames_o2.c - the lines of inlined frames that are callers, at -O2:
 * glibc's bsearch (stdlib-bsearch.h) inlined into main with the comparator
 * inlined into it, whose copy has two ranges and starts (gdb 13: the first
 * range) before its entry pc; a real call (leaf) made from a copy nested
 * in a copy, and one that is the copy's last instruction, whose return
 * address lies past the copy (gdb looks up pc - 1 above frame #0). */
#include <stdio.h>
#include <stdlib.h>

static int inl3_ncmp;
volatile int inl3_sink;

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	inl3_ncmp++;
	return (x > y) - (x < y);
}

static __attribute__((noinline)) int leaf(int v)
{
	inl3_sink = v;
	return v * 2;
}

static inline int wrap(int v)
{
	inl3_sink = v + 1;
	return leaf(v);
}

static inline int outer(int v)
{
	int r = wrap(v) + 1;
	inl3_sink = r;
	return r;
}

int main(int argc, char **argv)
{
	int v[7] = {1, 3, 5, 7, 9, 11, 13};
	int key = argc + 8;
	int *p = bsearch(&key, v, 7, sizeof v[0], cmp_int);
	int acc = outer(argc);

	(void)argv;
	acc = acc * 3 + wrap(acc);
	printf("%d %d %d\n", p ? (int)(p - v) : -1, acc, inl3_ncmp);
	return 0;
}
