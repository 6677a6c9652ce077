/* crash_rofault.c - a store into a read-only mapping: SIGSEGV, SEGV_ACCERR. */
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
	char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 2;
	printf("mapped\n");
	fflush(stdout);
	p[16] = 'x';	/* faults: the page is read-only */
	return 0;
}
