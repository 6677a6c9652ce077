/* crash_bus.c - a read past the end of a truncated file mapping: SIGBUS,
 * BUS_ADRERR at the page past EOF. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	char path[] = "/tmp/crash_bus.XXXXXX";
	int fd = mkstemp(path);
	volatile char *p;

	if (fd < 0 || ftruncate(fd, 3 * 4096) != 0)
		return 2;
	p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 2;
	unlink(path);
	if (ftruncate(fd, 4096) != 0)
		return 2;
	p[0] = 'a';
	printf("truncated\n");
	fflush(stdout);
	return p[2 * 4096 + 8];	/* faults: past EOF */
}
