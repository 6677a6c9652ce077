/* crash_writes.c - bytes written in different ways: by the kernel (read
 * from a pipe), by instructions (stores), and a new anonymous mapping's
 * zeros, for the kind column of writes/. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	char buf[8] = { 0 };
	int pfd[2];
	char *page;

	if (pipe(pfd) != 0 || write(pfd[1], "hello", 5) != 5 || read(pfd[0], buf, 5) != 5)
		return 2;
	buf[0] = 'H';	/* a store over what the kernel wrote */
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 2;
	page[8] = 'x';
	printf("%s %p %p\n", buf, (void *)buf, (void *)page);
	return 0;
}
