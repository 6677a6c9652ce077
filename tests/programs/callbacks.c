/* callbacks.c - libc calling back into the program (qsort, atexit) and the usual libc calls through the PLT (malloc family, strdup, snprintf, puts). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void bye(void)
{
	puts("bye");
}

static int sum(const int *v, int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	return s;
}

int main(int argc, char **argv)
{
	int v[8] = { 5, 3, 9, 1, 7, 2, 8, 4 };
	atexit(bye);
	qsort(v, 8, sizeof(int), cmp);
	char *s = strdup("abc");
	char buf[64];
	snprintf(buf, sizeof(buf), "%s-%d", s, sum(v, 8));
	puts(buf);
	free(s);
	void *p = calloc(4, 100);
	p = realloc(p, 1000);
	free(p);
	return 0;
}
