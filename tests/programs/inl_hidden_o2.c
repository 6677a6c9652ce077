/* inl_hidden_o2.c - at -O2, get_level and load are inlined into main and
 * start at the instruction that faults: gdb shows main there (its copies
 * hidden), with main's variables, not the copies'. */
#include <stdio.h>
#include <stdlib.h>

struct cfg {
	const char *name;
	int level;
};

static int get_level(const struct cfg *c)
{
	return c->level * 2;
}

static int load(int which)
{
	struct cfg ok = { "ok", 3 };
	const struct cfg *c = which ? &ok : NULL;

	return get_level(c);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 2;

	printf("first %d\n", load(rounds > 5));
	fflush(stdout);
	printf("second %d\n", load(0));
	return rounds;
}
