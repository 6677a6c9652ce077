/* gdbw_rw.c - reads and writes of globals and of a buffer, for read and
 * access watchpoints (gdb_watch_rw.sh): plain loads, a load in a callee,
 * read-then-write at -O0, a write alone, and a buffer that strlen and
 * memcpy read with libc's vector instructions. */
#include <stdio.h>
#include <string.h>

int g_val = 5;
long g_other = 7;
char g_buf[64] = "watch this buffer, it is read by strlen and memcpy";
char g_copy[64];

int reader(void)
{
	return g_val;
}

int main(void)
{
	int sum = 0;

	for (int i = 0; i < 3; i++) {
		sum += reader();
		g_val = g_val + 1;
		g_other += i;
	}
	g_val = 100;
	sum += (int)strlen(g_buf);
	memcpy(g_copy, g_buf, sizeof(g_buf));
	printf("%d %s %d\n", sum, g_copy, g_val);
	return 0;
}
