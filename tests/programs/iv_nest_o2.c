/* iv_nest_o2.c - inlined copies that start at the same pc: three deep
 * (top -> mid -> leaf), two deep (two -> leaf), a copy at a loop head
 * (more), and a copy that starts a line of the caller with other code. */
#include <stdio.h>

volatile int sink = 1, sink2;

static inline __attribute__((always_inline)) int leaf(int x)
{
	int v = sink;
	return v + x * 3;
}

static inline __attribute__((always_inline)) int mid(int x)
{
	int m = leaf(x);
	return m - 2 * x;
}

static inline __attribute__((always_inline)) int top(int x)
{
	int k = mid(x);
	return k + 5;
}

static inline __attribute__((always_inline)) int two(int x)
{
	int w = leaf(x);
	return w ^ x;
}

static inline __attribute__((always_inline)) int more(int i, int n)
{
	return i + sink < n;
}

__attribute__((noinline)) int work(int n)
{
	int acc = 0;
	for (int i = 0; more(i, n); i++) {
		acc += top(i);
		acc = acc * 7 + two(i);
	}
	return acc;
}

/* a line of the caller with its own code before a copy on it: gdb's
 * `step` through that line enters the copy (the same line) */
__attribute__((noinline)) int same_line(int n)
{
	int acc = 1;
	for (int i = 0; i < n; i++) {
		sink2 = i; acc += two(i);
		acc ^= sink;
	}
	return acc;
}

int main(int argc, char **argv)
{
	int r = work(argc + 2);
	r += same_line(argc + 1);
	printf("%d\n", r);
	return 0;
}
