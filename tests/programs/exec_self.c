/* exec_self.c - a program that runs itself again through /proc/self/exe
 * (fork, vfork, posix_spawn, fexecve of an fd on it) and with a long
 * argv[0]; the copy prints the argv it got and exits 9, the parent prints
 * each child's status.  "exec_self show ARGS" prints its argv only.
 * Oracle: a native run (argv[0] as passed, never the path). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int show(int argc, char **argv, int status)
{
	printf("argv[0]=%s", argv[0]);
	for (int i = 1; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("\n");
	fflush(stdout);
	return status;
}

static void report(const char *how, pid_t pid)
{
	int st = -1;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		perror(how);
	printf("%s: st=%d\n", how, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static char long0[300];
	char *self[] = { "selfexe", "x", NULL };
	char *lng[] = { long0, "long", NULL };
	pid_t pid;
	int fd;

	if (argc > 1 && (!strcmp(argv[1], "x") || !strcmp(argv[1], "long") ||
			 !strcmp(argv[1], "fd") || !strcmp(argv[1], "show")))
		return show(argc, argv, strcmp(argv[1], "show") ? 9 : 0);
	printf("parent argv[0]=%s\n", argv[0]);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv("/proc/self/exe", self);
		_exit(127);
	}
	report("fork", pid);
	pid = vfork();
	if (pid == 0) {
		execv("/proc/self/exe", self);
		_exit(127);
	}
	report("vfork", pid);
	if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, self, environ) != 0)
		pid = -1;
	report("posix_spawn", pid);
	/* argv[0] longer than the program's path */
	memset(long0, 'L', sizeof long0 - 1);
	memcpy(long0, "long-argv0-", 11);
	pid = fork();
	if (pid == 0) {
		execv("/proc/self/exe", lng);
		_exit(127);
	}
	report("long argv[0]", pid);
	/* fexecve: execveat(fd, "", AT_EMPTY_PATH) */
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	pid = fork();
	if (pid == 0) {
		char *fdv[] = { "byfd", "fd", NULL };

		fexecve(fd, fdv, environ);
		_exit(127);
	}
	report("fexecve", pid);
	return 0;
}
