/* expr_grid.c - expressions at a moment (tests/e2e/src_oracle_expr.sh):
 * multi-dimensional arrays and pointers to rows, bit-fields, anonymous
 * members, arrays of pointers and of structs, doubles, a function pointer,
 * typedefs, const pointers; variable-length arrays (a local, two
 * dimensions, a parameter) and flexible array members. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct msg {
	int len;
	short tag;
	char data[];
};

struct ivec {
	long n;
	int v[];
};

static double trace(int n, double m[n][n])
{
	double t = 0;

	for (int i = 0; i < n; i++)
		t += m[i][i];
	return t; /* line: trace-ret */
}

static int vla(int rows, int cols)
{
	int sq[cols];
	int tab[rows][cols];
	char name[cols + 1];

	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cols; c++)
			tab[r][c] = r * 10 + c;
	for (int c = 0; c < cols; c++)
		sq[c] = c * c;
	memset(name, 'x', cols);
	name[cols] = 0;
	return tab[rows - 1][cols - 1] + sq[1] + (int)strlen(name); /* line: vla-ret */
}

static int flex(void)
{
	struct msg *m = malloc(sizeof *m + 3);
	struct ivec *iv = malloc(sizeof *iv + 3 * sizeof(int));
	int r;

	m->len = 2;
	m->tag = -2;
	memcpy(m->data, "hi", 3);
	iv->n = 3;
	iv->v[0] = 7;
	iv->v[1] = 8;
	iv->v[2] = 9;
	r = m->data[1] + iv->v[2]; /* line: flex-stop */
	free(m);
	free(iv);
	return r;
}

int main(void)
{
	double sq[3][3] = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } };

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
	printf("%g %d %d\n", trace(3, sq), vla(2, 3), flex());
	return 0;
}
