/* crash_bg.c - leaves a background child behind: the parent exits at
 * once, the child exits 3 after about a second (it outlives its parent). */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec ts = { 1, 0 };
	pid_t pid;

	printf("parent\n");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		nanosleep(&ts, NULL);
		_exit(3);
	}
	return 0;
}
