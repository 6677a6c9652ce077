/* step_plt/main.c - calls through the PLT (lazy binding: the first call of
 * each goes through the dynamic linker's resolver, and for libc's string
 * functions through their ifunc resolvers) into a -g library, a library
 * without debug info that calls back (gdb's `step` runs it to its return),
 * qsort with a callback, and libc's string functions.  Built by
 * tests/e2e/src_step_gdb.sh with dbg.c and nodbg.c as shared libraries. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int plt_square(int x);
int plt_twice(int x);
int nodbg_apply(int (*f)(int), int x);
int nodbg_plain(int x);

static int cb(int v)
{
	return v + 10;
}

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int main(void)
{
	int a[4] = { 3, 1, 4, 2 };
	char buf[32];
	int r;

	r = plt_square(3);
	r += plt_square(4);
	r += plt_twice(r);
	r += nodbg_plain(r);
	r += nodbg_apply(cb, 1);
	r += nodbg_apply(cb, 2);
	qsort(a, 4, sizeof(a[0]), cmp); /* REV_FROM */
	memcpy(buf, "hello", 6);
	r += (int)strlen(buf);
	r += (int)strlen(buf + 1);
	memcpy(buf, "ok\n", 3);
	if (write(1, buf, 3) != 3)
		return 2;
	return r == 0;
}
