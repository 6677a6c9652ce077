/* gdbw_rw_o2.c - reads at -O2 (gdb_watch_rw.sh): a flag tested in a
 * loop, a table read by index, a pointer chased; writes that change the
 * values (x86 gdb's rwatch is an access watchpoint that ignores writes
 * only when they change the value). */
#include <stdio.h>

int g_flag = 1;
int g_table[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };
struct node { struct node *next; int v; };
struct node g_nodes[3] = { { &g_nodes[1], 10 }, { &g_nodes[2], 20 }, { 0, 30 } };

__attribute__((noinline)) int pick(int i)
{
	return g_table[i & 7];
}

__attribute__((noinline)) int walk(const struct node *n)
{
	int s = 0;

	for (; n; n = n->next)
		s += n->v;
	return s;
}

int main(int argc, char **argv)
{
	int s = 0;

	for (int i = 0; i < 6; i++) {
		if (g_flag)
			s += pick(i + argc);
		if (i == 3)
			g_flag = 0;
	}
	g_table[2] = 40 + argc;
	s += walk(&g_nodes[0]) + pick(2);
	printf("%d\n", s);
	return 0;
}
