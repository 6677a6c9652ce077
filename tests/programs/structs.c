/* structs.c - structs, arrays, enums, char arrays, pointers and nested
 * structs for the source-level oracle tests (gdb vs Hindsight).
 *
 * Every local is initialised where it is declared, so that its value at
 * every line after its declaration is the same natively and under the
 * recorder (no stack garbage).  Deterministic; pointers are the only
 * address-dependent values and the tests compare them only as pointers.
 */
#include <stdio.h>
#include <string.h>

enum color { RED, GREEN = 5, BLUE };

struct point {
	int x;
	int y;
};

struct shape {
	char name[12];
	enum color color;
	struct point corners[3];
	struct point *anchor;
	unsigned char flags;
	short weight;
};

/* Twice the signed area of the triangle abc. */
static int area2(const struct point *a, const struct point *b,
		 const struct point *c)
{
	int dx1 = b->x - a->x;
	int dy1 = b->y - a->y;
	int dx2 = c->x - a->x;
	int dy2 = c->y - a->y;
	int cross = dx1 * dy2 - dx2 * dy1;

	return cross;
}

static void make_shape(struct shape *s, const char *name, enum color color,
		       int x0, int y0, int size)
{
	size_t len = strlen(name);

	if (len >= sizeof s->name)
		len = sizeof s->name - 1;
	memcpy(s->name, name, len);
	s->name[len] = '\0';
	s->color = color;
	s->corners[0].x = x0;
	s->corners[0].y = y0;
	s->corners[1].x = x0 + size;
	s->corners[1].y = y0;
	s->corners[2].x = x0;
	s->corners[2].y = y0 + size * 2;
	s->flags = (unsigned char)(size * 3);
	s->weight = (short)(-size * 100);
}

static char initial(const struct shape *s)
{
	char c = s->name[0];

	return c;
}

static enum color next_color(enum color c)
{
	enum color n = c == RED ? GREEN : c == GREEN ? BLUE : RED;

	return n;
}

static int checksum(const int *v, int n)
{
	int sum = 0;

	for (int i = 0; i < n; i++)
		sum = sum * 31 + v[i];
	return sum;
}

int main(void)
{
	struct shape shapes[3] = { 0 };
	int areas[3] = { 0, 0, 0 };
	struct point origin = { 1, 2 };
	char label[8] = "abc";
	enum color c = RED;

	make_shape(&shapes[0], "triangle", c, 0, 0, 4);
	c = next_color(c);
	make_shape(&shapes[1], "a very long name", c, 2, 3, 5);
	c = next_color(c);
	make_shape(&shapes[2], "tiny", c, -1, -2, 1);
	shapes[1].anchor = &origin;
	for (int i = 0; i < 3; i++)
		areas[i] = area2(&shapes[i].corners[0], &shapes[i].corners[1],
				 &shapes[i].corners[2]);
	label[3] = initial(&shapes[1]);
	int sum = checksum(areas, 3);
	printf("%s %d %d %d %d\n", label, areas[0], areas[1], areas[2], sum);
	return sum == 0;
}
