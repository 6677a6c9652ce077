/* step_inline/nodbg.c - built without -g for ext.c and opnew.cc: an
 * allocator and a value that run a few dozen instructions and call
 * nothing (no line starts in them). */
#include <stddef.h>
static char pool[1 << 16];
static size_t used;
void *ext_alloc(size_t n)
{
	volatile int spin = 0;
	for (int i = 0; i < 30; i++)
		spin += i;
	void *p = pool + used;
	used += (n + 15) & ~(size_t)15;
	return p;
}
int ext_val(int k)
{
	volatile int s = k;
	for (int i = 0; i < 20; i++)
		s += i;
	return s;
}
