/* val9_abort.c - a failed assert: abort() raises SIGABRT inside libc's
 * __pthread_kill_implementation, whose no_tid is DW_OP_entry_value(rdx)
 * there, given by a tail call's call site (lit0) under the real caller's
 * (raise's) call site of __pthread_kill: src_val9_entry compares the
 * crash frame's arguments with gdb's `info args`. */
#include <assert.h>
#include <stdio.h>

static void check(int total)
{
	assert(total < 5 && "total too large");
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("checking\n");
	fflush(stdout);
	check(argc + 8);
	return 0;
}
