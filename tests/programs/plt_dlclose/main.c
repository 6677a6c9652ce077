/* main.c - dlopen, call, dlclose, twice (tests/e2e/src_plt_dlclose.sh). */
#include <dlfcn.h>
#include <stdio.h>

static int visit(const char *lib, const char *who)
{
	void *h = dlopen(lib, RTLD_LAZY);
	int (*greet)(const char *);
	int r;

	if (!h)
		return -1;
	greet = (int (*)(const char *))dlsym(h, "plug_greet");
	r = greet ? greet(who) : -1;
	dlclose(h);
	return r;
}

int main(void)
{
	int r = 0;

	/* found by the program's run path (the test builds it with one) */
	r += visit("libplugdl.so", "first");
	r += visit("libplugdl.so", "second");
	puts("main: done");
	return r > 0 ? 0 : 1;
}
