/* inl4_libbrk_o2.c - gdb's `break f` on libc functions that set up a
 * frame pointer (push %rbp; mov %rsp,%rbp: a prologue gdb's analysis
 * would skip) in CUs whose variables have location lists, where gdb
 * trusts the entry and stops there (tests/e2e/src_inl4_chains.sh). */
#define _GNU_SOURCE /* group_member */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int lb_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int main(void)
{
	int v[5] = { 4, 1, 3, 5, 2 };

	qsort(v, 5, sizeof v[0], lb_cmp);
	int g = group_member(getgid());
	printf("%d %d\n", v[0], g);
	return 0;
}
