/* find_args.c - a function called many times with varying int, pointer,
 * struct and char * arguments and a return value, for the calls panel's
 * test (tests/e2e/api_calls.sh, ui_search.sh) against gdb's bt/finish. */
#include <stdio.h>
#include <string.h>

struct point {
	int x, y;
};

struct big {
	long a[4];
	char tag[8];
};

static const char *names[] = { "alpha", "beta", "gamma", "delta", "epsilon" };
long total_seen;

__attribute__((noinline)) int score(int n, const char *name, struct point p, int *acc, char c)
{
	int v = n * 3 + p.x - p.y + (int)strlen(name) + c;

	*acc += v;
	return v;
}

__attribute__((noinline)) struct point mid(struct point a, struct point b)
{
	struct point m = { (a.x + b.x) / 2, (a.y + b.y) / 2 };

	return m;
}

__attribute__((noinline)) struct big widen(int k, double scale)
{
	struct big b = { { k, k * 2, k * 3, (long)(k * scale) }, "w" };

	b.tag[1] = (char)('0' + k % 10);
	return b;
}

__attribute__((noinline)) double ratio(unsigned long num, unsigned long den)
{
	return den ? (double)num / (double)den : 0.0;
}

__attribute__((noinline)) void note(long v)
{
	total_seen += v;
}

int main(void)
{
	int acc = 0, rounds = 7;
	struct point p = { 1, 2 };

	for (int i = 0; i < rounds; i++) {
		struct point q = { i * 5, -i };
		int s = score(i, names[i % 5], q, &acc, (char)('a' + i));
		int acc = s + i; /* hides main's acc: locals/ acc and acc:54 */

		p = mid(p, q);
		note(s);
		if (i % 3 == 0) {
			struct big b = widen(i, 1.5);

			note(b.a[3]);
		}
		printf("%d %d %.3f\n", s, p.x, ratio((unsigned long)acc, (unsigned long)i + 1));
	}
	return acc > 0 ? 0 : 1;
}
