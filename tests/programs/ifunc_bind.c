/* ifunc_bind.c - calls of libc's ifuncs (strlen, memcpy, strcmp) through
 * the PLT (tests/e2e/src_ifunc_bind.sh).  Built with -z now (or run with
 * LD_BIND_NOW=1) the slots are bound at start-up and gdb's `break strlen`
 * stops in the function the slot holds (__strlen_avx2) at every call;
 * bound lazily, in the resolver, once, when the first call binds it. */
#include <stdio.h>
#include <string.h>

static char buf[64];

static int work(const char *s, int i)
{
	size_t n = strlen(s);

	memcpy(buf, s, n + 1);
	return strcmp(buf, "gamma") + (int)n + i;
}

int main(void)
{
	const char *words[] = { "alpha", "beta", "gamma" };
	int t = 0;

	for (int i = 0; i < 6; i++)
		t += work(words[i % 3], i);
	printf("%d\n", t);
	return 0;
}
