/* clone_vm.c - a child made by clone(CLONE_VM | SIGCHLD): shares memory,
 * is not a thread.  Valgrind refuses these flags ("Unsupported clone()
 * flags", it exits 1): rec_recorder_fails.sh checks that record calls
 * that the recorder's failure (125), not the program's exit status.
 * Natively: "shared=42 status=3", exit 0. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static int shared;

static int child(void *arg)
{
	shared = *(int *)arg * 7;
	return 3;
}

int main(void)
{
	size_t size = 64 * 1024;
	char *stack = malloc(size);
	int arg = 6, st = 0;
	pid_t pid;

	if (!stack)
		return 1;
	pid = clone(child, stack + size, CLONE_VM | SIGCHLD, &arg);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 1;
	printf("shared=%d status=%d\n", shared, WEXITSTATUS(st));
	free(stack);
	return 0;
}
