/* expr_grid.c - expressions at a moment (tests/e2e/src_oracle_expr.sh):
 * multi-dimensional arrays and pointers to rows, bit-fields, anonymous
 * members, arrays of pointers and of structs, doubles, a function pointer,
 * typedefs, const pointers. */
#include <stdbool.h>
#include <stdio.h>

typedef struct {
	int a;
	unsigned b : 3;
	int c : 5;
} bits_t;

typedef struct rec {
	const char *name;
	double score;
	float ratio;
	bool ok;
	long long big;
} rec_t;

struct anon {
	int tag;
	union {
		int i;
		char c[4];
	};
	struct {
		short s1, s2;
	};
};

enum sign { NEG = -2, ZERO = 0, POS = 2 };

int grid[3][4];
int *ptrs[3];
int (*fp)(const char *, ...) = printf;
rec_t recs[2] = { { "ann", 1.5, 0.25f, true, 1LL << 40 }, { NULL, -2.0, 3.0f, false, -5 } };
static const char *const words[] = { "alpha", "beta" };
char names[2][6] = { "ab", "cdef" };

int main(void)
{
	bits_t bt = { 7, 5, -3 };
	struct anon an = { 1, { 0x41424344 }, { 3, -4 } };
	enum sign sg = NEG;
	int (*row)[4] = grid;
	unsigned u = 4000000000u;
	char neg = -5;

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 4; j++)
			grid[i][j] = i * 10 + j;
	ptrs[0] = &grid[1][2];
	ptrs[1] = NULL;
	ptrs[2] = &grid[2][3];
	printf("%d %d %d %u %d %s\n", bt.c, an.s2, sg, u, neg, words[1]); /* line: grid-stop */
	printf("%d\n", row[1][1] + names[1][0]);
	return 0;
}
