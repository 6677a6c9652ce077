/* flow_uaf.c - a use-after-free: an order is freed, its memory is handed
 * to the next allocation, and the stale pointer reads the new owner's
 * quantity (ui_flow.sh finds the free() through the heap history).
 * Also a calloc, a realloc that moves and one that shrinks in place, and
 * a free(NULL) (gcc drops it), for /api/heap against gdb (flow_heap_gdb.sh). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct order {
	int qty;
	char name[20];
};

static struct order *new_order(const char *name, int qty)
{
	struct order *o = malloc(sizeof *o);

	o->qty = qty;
	strncpy(o->name, name, sizeof o->name - 1);
	o->name[sizeof o->name - 1] = 0;
	return o;
}

static void cancel(struct order *o)
{
	free(o); /* FREE_LINE */
}

int main(void)
{
	struct order *first = new_order("apples", 5);
	int *counts = calloc(8, sizeof *counts);
	char *log = malloc(16);
	char *pad = malloc(32); /* after log: log's growth must move it */
	struct order *second;
	uintptr_t first_addr = (uintptr_t)first; /* the tests' anchor */
	int stale;

	cancel(first);
	second = new_order("pears", 99);
	stale = first->qty; /* USE_LINE: reads the pears' quantity */
	counts[1] = stale;
	log = realloc(log, 4000);
	strcpy(log, "moved");
	log = realloc(log, 8);
	free(NULL);
	printf("stale qty %d, second %s %d, %s %d\n", stale, second->name, second->qty, log,
	       counts[1]);
	printf("first 0x%lx\n", (unsigned long)first_addr);
	free(log);
	free(pad);
	free(counts);
	free(second);
	return 0;
}
