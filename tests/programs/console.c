/* console.c - writes that reach the terminal from several processes and
 * threads, through fd 1, fd 2, a dup of fd 1 and writev; then fd 1 is
 * moved to a file (argv[1]) and what goes there is not the terminal's.
 * Every step waits for the one before it, so the terminal's text is the
 * same in every run (tests/e2e/rec_console.sh). */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0)
		_exit(3);
}

static void *worker(void *arg)
{
	char line[64];

	for (int i = 0; i < 3; i++) {
		snprintf(line, sizeof line, "thread %ld line %d\n", (long)arg, i);
		say(1, line);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct iovec iov[2] = { { "writev ", 7 }, { "in two parts\n", 13 } };
	pthread_t th;
	int five, f;
	pid_t p;

	say(1, "parent first\n");
	say(2, "parent to stderr\n");
	p = fork();
	if (p == 0) {
		say(1, "child says hi\n");
		say(2, "child to stderr\n");
		_exit(0);
	}
	waitpid(p, NULL, 0);
	p = fork();
	if (p == 0) {
		execl("/bin/echo", "echo", "echoed after exec", (char *)NULL);
		_exit(127);
	}
	waitpid(p, NULL, 0);
	five = fcntl(1, F_DUPFD, 5);
	say(five, "through a dup of fd 1\n");
	if (writev(1, iov, 2) < 0)
		return 3;
	for (long i = 1; i <= 3; i++) {
		pthread_create(&th, NULL, worker, (void *)i);
		pthread_join(th, NULL);
	}
	f = open(argc > 1 ? argv[1] : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f < 0 || dup2(f, 1) < 0)
		return 4;
	say(1, "into the file, not the terminal\n");
	say(five, "the dup is still the terminal\n");
	say(2, "parent ends\n");
	return 0;
}
