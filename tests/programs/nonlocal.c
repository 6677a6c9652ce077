/* nonlocal.c - a longjmp out of four frames of recursion back to main, with PLT calls (malloc, strcpy, strlen, printf) around it. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf env;

static __attribute__((noinline)) int leaf(int n)
{
	if (n == 0)
		longjmp(env, 42);
	return n;
}

static __attribute__((noinline)) int descend(int n)
{
	int r = leaf(n);
	if (n > 0)
		r += descend(n - 1);
	return r;
}

static __attribute__((noinline)) int after(int x)
{
	return x * 2;
}

int main(void)
{
	char *p = malloc(32);
	strcpy(p, "hello");
	int v = setjmp(env);
	if (v == 0) {
		descend(3);
		puts("not reached");
	}
	v = after(v);
	printf("%s %d %zu\n", p, v, strlen(p));
	free(p);
	return 0;
}
