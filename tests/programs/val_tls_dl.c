/* val_tls_dl.c - a dlopen'ed library's __thread variables (issue 10):
 * in a thread that has not touched them yet (gdb: "The inferior has not
 * yet allocated storage for thread-local variables in the shared
 * library ..."), and after.  The library is $VAL_TLS_PLUG (built by
 * src_val_eval.sh: __thread int plug_tl = 42, long plug_arr[4] and
 * int plug_touch(int)).  A thread started before the dlopen, and main
 * after it, see the library first without, then with their blocks. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int (*touch)(int);
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int loaded;

__attribute__((noinline)) int stop(int k)
{
	return k + 1; /* line: tls-stop */
}

static void *early(void *a)
{
	(void)a;
	pthread_mutex_lock(&mu);
	while (!loaded)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	stop(1);
	touch(5);
	stop(2);
	return NULL;
}

int main(void)
{
	const char *lib = getenv("VAL_TLS_PLUG");
	pthread_t t;
	void *h;

	if (!lib || pthread_create(&t, NULL, early, NULL))
		return 1;
	h = dlopen(lib, RTLD_NOW);
	if (!h)
		return 1;
	touch = (int (*)(int))dlsym(h, "plug_touch");
	stop(3);
	pthread_mutex_lock(&mu);
	loaded = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(t, NULL);
	stop(4);
	touch(7);
	stop(5);
	printf("%d\n", touch(0));
	return 0;
}
