/* expr_walk_o2.c - expressions at -O2 (tests/e2e/src_oracle_expr.sh):
 * parameters and locals in registers, a list on the heap, globals. */
#include <stdio.h>
#include <stdlib.h>

struct item {
	int qty;
	long price;
	struct item *next;
	char name[8];
};

struct item *g_list;
struct item g_stock[2] = { { 4, 250, NULL, "nut" }, { 9, 120, NULL, "bolt" } };
int g_rounds;

__attribute__((noinline)) static long worth(const struct item *it, int rounds)
{
	long sum = 0;

	for (; it; it = it->next) {
		sum += (long)it->qty * it->price;
		__asm__ volatile("" : : "r"(sum), "r"(it) : "memory"); /* line: worth-loop */
	}
	return sum * rounds;
}

__attribute__((noinline)) static struct item *push(struct item *head, int qty, long price)
{
	struct item *it = calloc(1, sizeof *it);

	it->qty = qty;
	it->price = price;
	it->next = head;
	it->name[0] = (char)('a' + qty);
	return it; /* line: push-ret */
}

int main(int argc, char **argv)
{
	(void)argv;
	g_rounds = argc + 1;
	for (int i = 1; i <= 3; i++)
		g_list = push(g_list, i, 10 * i);
	g_stock[0].next = &g_stock[1];
	printf("%ld %ld\n", worth(g_list, g_rounds), worth(g_stock, 1));
	while (g_list) {
		struct item *n = g_list->next;
		free(g_list);
		g_list = n;
	}
	return 0;
}
