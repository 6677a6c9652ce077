/* step_hinline.c - header inline functions at -O2 (step_hinline.h): gdb's
 * `step` enters each copy and goes through the code it shares with the
 * others; built by tests/e2e/src_step_gdb.sh with gcc and clang -O2. */
#include <stdio.h>
#include "step_hinline.h"

__attribute__((noinline)) int work(int n)
{
	int acc = mix(n, n + 1);
	for (int i = 0; i < n; i++)
		acc += mix(i, acc & 7);
	return clampi(acc, -5, 5000);
}

int main(int argc, char **argv)
{
	int r = work(argc + 3);

	(void)argv;
	printf("%d\n", r);
	return r == 0;
}
