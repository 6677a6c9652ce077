/* bg_killparent.c - a child SIGKILLs its parent, then goes on and exits 4:
 * the recording stays incomplete (the parent never ended its stream), but
 * the child's image ended by its own exit. */
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	pid_t parent = getpid();

	if (fork() == 0) {
		nanosleep(&ts, NULL);
		kill(parent, SIGKILL);
		nanosleep(&ts, NULL);
		printf("child still here\n");
		return 4;
	}
	for (;;)
		pause();
}
