/* step_inline/ext.c - small inlined constructors that call a function
 * without line info (nodbg.c, built without -g), built
 * -O2 with gcc and clang by tests/e2e/src_step_gdb.sh: gdb's next runs the
 * call to its return and goes on with the line it refreshed to in main's
 * own code; gcc's copies there start on lines next stops at again. */
#include <stddef.h>
void *ext_alloc(size_t n);
int ext_val(int k);
struct pt { int x, y; };
struct seg { struct pt *a, *b; int len; };
static inline struct pt *pt_new(int x, int y)
{
	struct pt *p = ext_alloc(sizeof(*p));
	p->x = x;
	p->y = y;
	return p;
}
static inline struct seg *seg_new(int x0, int y0, int x1, int y1)
{
	struct seg *s = ext_alloc(sizeof(*s));
	s->a = pt_new(x0, y0);
	s->b = pt_new(x1, y1);
	s->len = ext_val(x1 - x0) + (y1 - y0);
	return s;
}
static inline int seg_len(const struct seg *s) { return s->len + ext_val(s->a->x); }
int main(int argc, char **argv)
{
	struct seg *s = seg_new(argc, 2, 5, 7);
	struct seg *t = seg_new(1, argc, 3, 9);
	int total = seg_len(s);
	total += seg_len(t);
	struct pt *q = pt_new(total, argc);
	total += q->x + q->y;
	return total == 1234 || argv[0] == NULL;
}
