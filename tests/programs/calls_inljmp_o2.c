/* calls_inljmp_o2.c - inlined copies left by a longjmp that lands in the
 * frame holding them (src_calls_gdb.sh): expr() and term() are inlined
 * into parse(), atom() is not; fail() longjmps to parse()'s setjmp.
 * calls/expr's and calls/term's entries in parse that the longjmp left end
 * where it lands, flagged inline,unwound. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf err_env;
static const char *src;
static int pos;

__attribute__((noinline)) static void fail(void)
{
	longjmp(err_env, pos + 1);
}

static int expr(void);

__attribute__((noinline)) static int atom(void)
{
	if (src[pos] == '(') {
		pos++;
		int v = expr();
		if (src[pos] != ')')
			fail();
		pos++;
		return v;
	}
	if (src[pos] >= '0' && src[pos] <= '9')
		return src[pos++] - '0';
	fail();
	return 0;
}

static inline int term(void)
{
	int v = atom();
	while (src[pos] == '*') {
		pos++;
		v *= atom();
	}
	return v;
}

static inline int expr(void)
{
	int v = term();
	while (src[pos] == '+') {
		pos++;
		v += term();
	}
	return v;
}

__attribute__((noinline)) static int parse(const char *s, int *out)
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
	const char *cases[] = { "1+2*3", "(1+(2*x))", "x", "2*(3+4)" };
	int total = 0;
	for (int i = 0; i < 4; i++) {
		int v = 0;
		int r = parse(cases[i], &v);
		if (r)
			printf("%s: error %d\n", cases[i], r);
		else
			total += v;
	}
	printf("total %d\n", total);
	return 0;
}
