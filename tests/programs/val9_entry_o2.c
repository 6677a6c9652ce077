/* val9_entry_o2.c - -O2 parameters gdb shows with their entry values
 * (src_val9_entry): "x=x@entry=7" in frame lines, resolved through the
 * caller's DW_TAG_call_site_parameter, through a chain of tail calls
 * (the real caller's call site calls another function, which jumps to
 * the one stopped in), and <synthetic pointer> for an inlined function's
 * pointer to a struct kept in registers (DW_OP_implicit_pointer). */
#include <stdio.h>
#include <stdlib.h>

struct acc { long sum, n; };

static int sink_v;

__attribute__((noinline)) int leaf(int x, int mode, long scale)
{
	sink_v += x;
	__asm__ volatile("" ::: "memory");
	return mode ? (int)(x * scale) : x - (int)scale;
}

/* a tail call with a constant and a value passed on unchanged */
__attribute__((noinline)) int relay(int x)
{
	return leaf(x, 0, 3);
}

/* two hops of tail calls */
__attribute__((noinline)) int relay2(int x, int y)
{
	return relay(x + y);
}

/* gcc inlines it into itself: main's call site names the abstract
 * function (DW_AT_inline, no address), which gives gdb no callee to check
 * the frame against, so no entry value: "fib (n=10)" */
int fib(int n)
{
	if (n < 2)
		return n;
	return fib(n - 1) + fib(n - 2);
}

struct pt { int x, y; };

/* a double in xmm0 (the call site's value is DW_OP_const_type) and a
 * struct in one register: gdb shows "p=p@entry=..." */
__attribute__((noinline)) double scale_by(double f, struct pt p, int k)
{
	sink_v += p.x;
	__asm__ volatile("" ::: "memory");
	return f * (k + p.y);
}

static inline void acc_add(struct acc *a, long v)
{
	a->sum += v;
	a->n++;
}

__attribute__((noinline)) long pick(const long *p, int i, long dflt)
{
	return p && i >= 0 ? p[i] : dflt;
}

int main(int argc, char **argv)
{
	struct acc a = { 0, 0 };
	long vals[4] = { 3, 1, 4, 1 };
	int base = argc + 6;
	struct pt q = { argc, 2 * argc };
	int r;

	r = leaf(base, 1, 2);
	r += relay(base);
	r += relay2(base, 2);
	for (int i = 0; i < 3; i++)
		acc_add(&a, pick(vals, i + argc - 1, 9) + (argv[0][0] == '/'));
	r += (int)scale_by(1.25, q, base);
	r += fib(base + 3);
	printf("%d %ld %ld\n", r, a.sum, a.n);
	return 0;
}
