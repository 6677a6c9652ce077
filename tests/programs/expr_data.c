/* expr_data.c - expressions at a moment (tests/e2e/src_oracle_expr.sh):
 * a linked list, an array of structs, a nested struct, a union, a pointer
 * to a pointer, char arrays and char *, an enum, globals and a static local. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum color { RED, GREEN = 5, BLUE };

struct node {
	int v;
	struct node *next;
};

struct account {
	int id;
	long balance;
	char owner[12];
};

struct point {
	short x, y;
};

struct shape {
	enum color color;
	struct point corner[2];
	struct {
		unsigned char flags;
		const char *label;
	} meta;
};

union word {
	unsigned int u;
	unsigned char b[4];
	float f;
};

struct account g_accounts[3] = {
	{ 1, 100, "alice" }, { 2, -250, "bob" }, { 3, 7, "carol" },
};
int g_count = 3;
const char *g_name = "hindsight";
char g_buf[16] = "xyz";
struct node *g_head;

static int tally(struct node *head)
{
	static int calls;
	struct node **pp = &head;
	int sum = 0;

	calls++;
	while (*pp) {
		sum += (*pp)->v;
		pp = &(*pp)->next;
	}
	return sum + calls; /* line: tally-ret */
}

static long probe(struct account *acc, int n, struct shape *s, union word w)
{
	struct account *it = &acc[1];
	char tag[8] = "tag";
	const char *msg = "hello";
	enum color c = BLUE;
	int arr[5] = { 10, 20, 30, 40, 50 };
	int *p = &arr[2];
	int **pp = &p;
	long total = 0;

	for (int i = 0; i < n; i++)
		total += acc[i].balance;
	total += s->corner[1].x + w.b[0] + c + tag[0] + msg[0] + **pp;
	return total; /* line: probe-ret */
}

int main(void)
{
	struct node *n3 = malloc(sizeof *n3), *n2 = malloc(sizeof *n2), *n1 = malloc(sizeof *n1);
	struct shape s = { GREEN, { { 1, 2 }, { 3, 4 } }, { 7, "box" } };
	union word w;
	long r;

	n3->v = 3;
	n3->next = NULL;
	n2->v = 2;
	n2->next = n3;
	n1->v = 1;
	n1->next = n2;
	g_head = n1;
	w.u = 0x01020304;
	r = probe(g_accounts, g_count, &s, w);
	r += tally(g_head);
	r += tally(g_head);
	printf("%ld %s %s\n", r, g_name, g_buf);
	free(n1);
	free(n2);
	free(n3);
	return 0;
}
