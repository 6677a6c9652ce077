/* gdbs_watch.c - watchpoints through gdbserver: a global written by plain
 * stores, a read-modify-write, a memcpy in libc and a store that does not
 * change it (gdb's `watch` does not stop there), from main and from a
 * helper; another global read only (rwatch, awatch). */
#include <stdio.h>
#include <string.h>

long g;
long seen;
volatile int r;

__attribute__((noinline)) static void bump(long by)
{
	g += by;
}

__attribute__((noinline)) static void copy_in(long v)
{
	memcpy(&g, &v, sizeof v);
}

int main(void)
{
	g = 5;
	bump(2);
	g = 7;                  /* the same value: no stop */
	copy_in(40);
	for (int i = 0; i < 3; i++)
		bump(i + 1);
	seen = g + r;
	g = -1;
	printf("%ld %ld\n", g, seen);
	return 0;
}
