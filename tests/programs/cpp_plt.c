/* cpp_plt.c - PLT stubs and .bss past the file mapping, for src_oracle_cpp
 * (where at a stub says "malloc@plt" as gdb does; a pointer into a big
 * .bss array prints as "0x... <big+4096>").  Built -O0; the test also
 * builds it -O2 and with -Wl,-z,now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char big[1 << 20];
long counter;

static int fill(char *dst, int n)
{
	memset(dst, 'x', (size_t)n);
	return dst[n - 1];
}

int main(int argc, char **argv)
{
	char *p = malloc(64);
	char *q = big + 4096;
	long *c = &counter;

	strcpy(p, "hi");
	counter = fill(q, 100) + argc;
	printf("%s %ld %c\n", p, *c, q[0]);
	free(p);
	return argv[0][0] == 0;
}
