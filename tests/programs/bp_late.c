/* bp_late.c - a small expression parser with longjmp errors.  clang -O2
 * jumps from main's prologue into its loop, past the row it marks
 * prologue_end: gdb's `break main` stops there only after the first
 * parse() has returned (main+0x30, line 75); src_next_gdb.sh checks that
 * time/main does too. */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static jmp_buf err_env;
static const char *src;
static int pos;
static char errmsg[64];

static void fail(const char *what)
{
	snprintf(errmsg, sizeof errmsg, "%s at %d", what, pos);
	longjmp(err_env, pos + 1);
}

static int expr(void);

static int atom(void)
{
	if (src[pos] == '(') {
		pos++;
		int v = expr();
		if (src[pos] != ')')
			fail("missing )");
		pos++;
		return v;
	}
	if (src[pos] >= '0' && src[pos] <= '9')
		return src[pos++] - '0';
	fail("bad atom");
	return 0;
}

static int term(void)
{
	int v = atom();
	while (src[pos] == '*') {
		pos++;
		v *= atom();
	}
	return v;
}

static int expr(void)
{
	int v = term();
	while (src[pos] == '+') {
		pos++;
		v += term();
	}
	return v;
}

static int parse(const char *s, int *out)
{
	int code;
	src = s;
	pos = 0;
	if ((code = setjmp(err_env)) != 0)
		return -code;
	*out = expr();
	return 0;
}

int main(void)
{
	const char *cases[] = { "1+2*3", "(1+(2*x))", "((4)", "2*(3+4)" };
	int total = 0;
	for (int i = 0; i < 4; i++) {
		int v = 0;
		int r = parse(cases[i], &v);
		if (r)
			printf("%s: error %d %s\n", cases[i], r, errmsg);
		else
			total += v;
	}
	printf("total %d\n", total);
	return 0;
}
