/* find_many.c - one function called 100 000 times, for the calls panel's
 * virtual list (tests/e2e/ui_search.sh): call k has n = k. */
#include <stdio.h>

__attribute__((noinline)) int tick(int n)
{
	return n & 7;
}

int main(void)
{
	int s = 0;

	for (int i = 0; i < 100000; i++)
		s += tick(i);
	printf("%d\n", s);
	return 0;
}
