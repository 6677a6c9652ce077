/* step_tail/main.c - tail jumps into and out of a library without debug
 * info: gdb's `step` stops in nd_free with no line (a jump out of a
 * function with lines is no call), and from there at free's first line,
 * its entry (the jump out of the function it steps whole is no call
 * either), through the lazy resolver the first time.  A line whose call
 * into the library runs free at the depth of the frame stepped before
 * has no stop inside free.  Built by tests/e2e/src_step_gdb.sh with
 * nodbg.c as a shared library without -g, -O2 (tail calls). */
#include <stdlib.h>

void nd_free(void *p);
void *nd_alloc(unsigned long n);
void nd_release(int v, void *p);

__attribute__((noinline)) void release(void *p)
{
	nd_free(p);
}

__attribute__((noinline)) void *get(unsigned long n)
{
	return nd_alloc(n);
}

__attribute__((noinline)) int first(const char *p)
{
	return p[0];
}

int main(void)
{
	char *p = get(100);
	char *q = get(50);

	p[0] = 1;
	q[0] = 2;
	release(p);
	release(q);
	p = malloc(40);
	p[0] = 3;
	nd_release(first(p), p);
	return 0;
}
