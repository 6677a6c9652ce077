/* rec_ring_wait.c - a process sees only its own children in wait(): the
 * parent forks a child, the child forks a grandchild; each reaps with
 * wait() until ECHILD and says how many it reaped; the child then execs
 * itself by argv[0] ("stage2"), whose wait() must say ECHILD at once.  The parent
 * counts SIGCHLDs.  Under `hindsight record` the recorder's writer
 * processes must change none of this (rec_ring.sh compares with native). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t sigchlds;

static void on_chld(int sig)
{
	(void)sig;
	sigchlds++;
}

/* wait() until it fails: how many were reaped, and the last status */
static int reap_all(const char *who, int *status)
{
	int n = 0, st = 0, e;

	while (wait(&st) > 0) {
		n++;
		*status = st;
	}
	e = errno;
	dprintf(1, "%s: reaped %d, then %s\n", who, n, e == ECHILD ? "ECHILD" : strerror(e));
	return n;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int st = 0;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "stage2") == 0) {
		reap_all("stage2", &st);
		return 3;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	pid = fork();
	if (pid == 0) {
		pid_t g = fork();
		if (g == 0) {
			reap_all("grandchild", &st);
			_exit(5);
		}
		reap_all("child", &st);
		dprintf(1, "child: grandchild exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		execl(argv[0], argv[0], "stage2", (char *)NULL);
		_exit(99);
	}
	reap_all("parent", &st);
	dprintf(1, "parent: child exit %d, SIGCHLD %d\n",
		WIFEXITED(st) ? WEXITSTATUS(st) : -1, (int)sigchlds);
	return 0;
}
