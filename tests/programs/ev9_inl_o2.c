/* ev9_inl_o2.c - /api/eval's frame numbers through inlined copies at -O2
 * (src_ev9_eval.sh): leaf() is called from scale(), which is inlined
 * into main; frame 1 is the copy of scale, frame 2 main. */
#include <stdio.h>
#include <stdlib.h>

static volatile int sink;

__attribute__((noinline)) static int leaf(int v)
{
	sink = v; /* line: leaf */
	return v * 3;
}

static inline int scale(int k)
{
	int twice = k * 2;

	return leaf(twice) + 1;
}

int main(int argc, char **argv)
{
	int base = argc > 1 ? atoi(argv[1]) : 5;
	int r = scale(base);

	printf("%d %d\n", r, base);
	return r == 0;
}
