/* main.c - calls into lib.c's stripped library (tests/e2e/src_tail_gdb.sh). */
#include <stdio.h>

void *tsl_dup(const char *s, size_t n);
void tsl_drop(void *p);
extern size_t (*volatile tsl_count_e)(const char *);

static int round_trip(const char *s, size_t n)
{
	char *p = tsl_dup(s, n);
	int c = p ? p[0] + (int)tsl_count_e(s) : -1;

	tsl_drop(p);
	return c;
}

int main(void)
{
	int sum = 0;

	for (int i = 0; i < 4; i++)
		sum += round_trip("hindsight", 5 + (size_t)i);
	printf("%d\n", sum);
	return 0;
}
