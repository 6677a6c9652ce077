/* tid_fork.c - a thread, then a fork whose child starts two threads one
 * after another; every thread of both processes prints
 * "tid <role> <getpid()> <gettid()>". */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *role)
{
	printf("tid %s %d %d\n", role, (int)getpid(), (int)gettid());
	fflush(stdout);
}

static void *worker(void *arg)
{
	say(arg);
	return NULL;
}

static int spawn(const char *role)
{
	pthread_t th;

	if (pthread_create(&th, NULL, worker, (void *)role) != 0)
		return 1;
	return pthread_join(th, NULL);
}

int main(void)
{
	pid_t pid;
	int status;

	say("main");
	if (spawn("worker"))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		say("child-main");
		if (spawn("child-worker") || spawn("child-worker"))
			_exit(1);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
