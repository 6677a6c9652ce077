/* lib.c - a plug-in that main.c loads and unloads twice
 * (tests/e2e/src_plt_dlclose.sh): its calls go through its own PLT, whose
 * stubs are gone from memory by the end of the recording. */
#include <stdio.h>

__attribute__((constructor)) static void plug_init(void)
{
	puts("plug: loaded");
}

int plug_greet(const char *who)
{
	printf("plug: hello %s\n", who);
	return puts(who);
}
