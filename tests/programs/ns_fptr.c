// ns_fptr.c - pointers to code and data: the <sym> gdb prints after them (issue 10)
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
static int helper(int a) { return a * 2; }
int (*fp_raise)(int) = raise;
void *vp_raise = (void *)raise;
size_t (*fp_strlen)(const char *) = strlen;
void (*fp_free)(void *) = free;
int (*fp_helper)(int) = helper;
void *(*fp_malloc)(size_t) = malloc;
int (*fp_arr[2])(int) = { helper, raise };
int main(void)
{
	char *code_mid = (char *)helper + 3;
	char *raise_mid = (char *)raise + 5;
	FILE *o = stdout;
	int *perr = &errno;
	printf("%p %p %p %d\n", code_mid, raise_mid, (void *)o, *perr); // line: fptr-stop
	return helper(0);
}
