/* c2_a.c (with c2_b.c) - gdb's `break FILE:FUNCTION` (src_c2_short.sh): a
 * header's static function in two files, a function whose first line row
 * is a header's inlined code (-O2), main, in the files of its unit. */
#include <stdio.h>
#include "c2_h.h"
int run_b(int);
volatile int vs;

__attribute__((noinline)) int lead(int n)
{
	int s = hsq(n);

	for (int i = 0; i < n; i++)
		s += i * vs;
	return s;
}

int main(void)
{
	int s = 0;

	for (int i = 0; i < 3; i++)
		s += hsq(i + vs) + lead(i);
	s += run_b(2);
	printf("%d\n", s);
	return 0;
}
