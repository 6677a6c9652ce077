/* tail_o0caller.c - a caller built at -O0 (no DWARF call-site entries)
 * reaching a function through a tail call in libc: qsort jumps to
 * qsort_r, which calls back cmp.  gdb shows no tail-call frame for qsort
 * there (its chain starts at a call-site entry, and main has none). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int calls;

static int cmp(const void *a, const void *b)
{
	calls++;
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *words[] = { "pear", "apple", "fig" };

	qsort(words, 3, sizeof(words[0]), cmp);
	printf("%s %s %s (%d comparisons)\n", words[0], words[1], words[2], calls);
	return 0;
}
