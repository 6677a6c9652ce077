/* val_tls.c - thread-local variables (__thread, libc's errno) and libc's
 * ELF-alias globals (environ, program_invocation_name) as gdb prints them,
 * in main and in two threads that run one after the other
 * (tests/e2e/src_val_eval.sh; val_tls_o2.c is this at -O2). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct pt {
	int x, y;
	char tag[6];
};

static __thread int tl_count = 5;
__thread char tl_name[16] = "main";
__thread long tl_arr[4] = { 1, 2, 3, 4 };
__thread struct pt tl_pt = { 7, 8, "pt" };
static __thread const char *tl_str;
int shared[4];

static volatile long sink;

/* its third call is main's (the stop in main: -O2 leaves no row on the
 * printf's first line); the stops store to a volatile so that -O2 keeps
 * a row on their line */
__attribute__((noinline)) static int use(long i)
{
	shared[i & 3] += tl_count; /* line: use-ret */
	sink = i;
	return shared[i & 3];
}

static void *work(void *arg)
{
	long i = (long)arg;

	tl_count += (int)i * 10;
	tl_name[0] = 'w';
	tl_arr[i] = i * 100;
	tl_pt.x = (int)i;
	tl_str = tl_name;
	errno = (int)i + 20;
	shared[i] = use(i);
	sink = i + 1; /* line: work-stop */
	return NULL;
}

int main(void)
{
	pthread_t t;

	for (long i = 1; i <= 2; i++) {
		pthread_create(&t, NULL, work, (void *)i);
		pthread_join(t, NULL);
	}
	tl_count++;
	tl_str = "in main";
	errno = 0;
	close(-1);
	use(0);
	printf("%d %d %d %s %s %d\n", shared[1], shared[2], tl_count,
	       tl_name, tl_str, errno);
	return 0;
}
