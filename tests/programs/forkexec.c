/* forkexec.c - forks; the child execs /bin/echo; the parent waits and prints the child's status. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t pid;
	int status;
	long squares = 0;

	for (int i = 1; i <= 100; i++)
		squares += i * i;
	printf("parent: sum of squares %ld\n", squares);
	fflush(stdout);		/* or the child would inherit the buffer */

	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		execl("/bin/echo", "echo", "child: hello from /bin/echo", (char *)NULL);
		perror("execl");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	if (WIFEXITED(status))
		printf("parent: child exited with status %d\n", WEXITSTATUS(status));
	else
		printf("parent: child ended abnormally (0x%x)\n", status);
	return 0;
}
