/* st_dltls.c - pthread_create: allocate_stack calls the dynamic linker's
 * _dl_allocate_tls, which calls libc's calloc through __rtld_calloc; gdb's
 * step single-steps through ld.so and stops in calloc (src_st_step.sh). */
#include <pthread.h>

static void *work(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t th;
	void *ret;

	if (pthread_create(&th, NULL, work, NULL) != 0)
		return 2;
	pthread_join(th, &ret);
	return ret != NULL;
}
