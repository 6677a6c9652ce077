/* alias_abort.c - libc's own names in backtraces (tests/e2e/src_alias_gdb.sh):
 * a handler entered by raise, a qsort comparator, malloc/strdup/memcpy/
 * strlen/puts/printf/free, then an assert that fails (abort, SIGABRT). */
#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile int got;

static void on_usr1(int sig)
{
	/* write first: at -O2 a handler's last call is a tail call, and a
	 * tail call out of a handler is not a call Hindsight sees (yet) */
	write(1, "usr1\n", 5);
	got += sig;
}

static int by_value(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 1);

	memcpy(p, a, la);
	memcpy(p + la, b, lb + 1);
	return p;
}

int main(int argc, char **argv)
{
	int v[5] = { 5, 3, 9, 1, 7 };
	char *s, *d;

	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	qsort(v, 5, sizeof v[0], by_value);
	s = join("alias", "-test");
	d = strdup(s);
	puts(d);
	printf("%s %zu %d %d\n", s, strlen(s), v[0], got);
	free(d);
	free(s);
	fflush(stdout);
	assert(argc > 3);
	return 0;
}
