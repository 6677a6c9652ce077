/* i10_dlopen.c - ld.so's own inlined malloc, calloc and free wrappers run
 * after main (dlopen, dlclose, lazy binding): gdb's `break malloc` set at
 * main stops in them as well as in libc's malloc (src_i10_ldso.sh). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char *p = malloc(32);
	void *h;
	double (*f)(double);

	strcpy(p, "cos");
	h = dlopen("libm.so.6", RTLD_NOW);
	if (!h)
		return 1;
	f = (double (*)(double))dlsym(h, p);
	printf("%s %.3f\n", p, f ? f(0.5) : -1.0);
	dlclose(h);
	h = dlopen("libz.so.1", RTLD_LAZY);
	if (h)
		dlclose(h);
	free(p);
	return 0;
}
