/* calls_chars.c - char arrays in a call's arguments and return value, for
 * the calls panel (tests/e2e/api_calls.sh): gdb's `info args` and `finish`
 * print them under its default settings, to the array's end ("one\000\000
 * \000\000", a union's "\a\000\000") and with runs of more than 10 equal
 * chars as 'x' <repeats 15 times>, where locals/ stops at the NUL. */
#include <stdio.h>
#include <string.h>

union num {
	int i;
	unsigned char b[4];
};

struct rec {
	char name[8];
	union num n;
	char pad[16];
};

static struct rec table[2] = {
	{ "one", { .i = 7 }, "xxxxxxxxxxxxxxx" },
	{ "two", { .i = 0x414243 }, "ab" },
};

__attribute__((noinline)) static struct rec mutate(struct rec r, int k)
{
	r.n.i += k;
	r.name[3] = (char)('0' + k);
	memset(r.pad + 2, 'y', 12);
	return r;
}

int main(void)
{
	struct rec a = mutate(table[0], 3);
	struct rec b = mutate(table[1], 4);

	printf("%s %s %d %d %s\n", a.name, b.name, a.n.i, b.n.i, b.pad);
	return 0;
}
