/* prog.c - the program of tests/e2e/rec_pack.sh: calls into a private
 * library; with an argument, maps that file (a large one makes pack slow). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "plib.h"

struct acc {
	int sum;
	int n;
};

static int step(struct acc *a, int v)
{
	int s = plib_scale(v);

	a->sum += s;
	a->n++;
	return s;
}

static long touch(const char *path)
{
	struct stat st;
	const unsigned char *p;
	long sum = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	for (off_t i = 0; i < st.st_size; i += 1 << 20)
		sum += p[i];
	return sum;
}

int main(int argc, char **argv)
{
	struct acc a = { 0, 0 };
	long big = argc > 1 ? touch(argv[1]) : 0;

	for (int i = 0; i < 4; i++)
		step(&a, i);
	printf("%d %d %ld\n", a.sum, a.n, big);
	return 0;
}
