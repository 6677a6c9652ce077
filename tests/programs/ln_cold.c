// ln_cold.c - gcc -O2 moves unlikely code to work.cold, below work's entry:
// gdb moves the locations of its lines to work's entry.
#include <stdio.h>
#include <stdlib.h>

volatile int sink;

__attribute__((cold, noinline)) static void rare(int i)
{
	sink += i;
}

__attribute__((noinline)) static int work(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++) {
		if (__builtin_expect(i % 3 == 0, 0)) {
			rare(i);
			s += 2;
		}
		s += i;
	}
	if (__builtin_expect(n < 0, 0))
		abort();
	return s;
}

int main(int argc, char **argv)
{
	int t = 0;

	(void)argv;
	for (int k = 0; k < 3; k++)
		t += work(10 + argc);
	printf("%d\n", t);
	return 0;
}
