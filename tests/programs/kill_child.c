/* kill_child.c - a parent SIGKILLs three busy children: it reaps one with
 * waitpid, one with waitid, and hears of the third by its SIGCHLD alone
 * (no wait: a zombie until the parent exits).  strace -f: "+++ killed by
 * SIGKILL +++" three times.  No recorder sees SIGKILL; the parent's learns
 * it from the wait or the SIGCHLD, so each child's image ended there and
 * the recording is complete. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile long n;
static volatile sig_atomic_t chld_code;

static pid_t spinner(void)
{
	pid_t c = fork();

	if (c == 0)
		for (;;)
			n++;
	return c;
}

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_code = si->si_code;
}

int main(void)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO };
	pid_t a = spinner(), b = spinner(), c;
	sigset_t chld, old;
	siginfo_t si;
	int st = 0;

	nanosleep(&ts, NULL);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	waitpid(a, &st, 0);
	printf("waitpid: signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));
	waitid(P_PID, (id_t)b, &si, WEXITED);
	printf("waitid: killed=%d status=%d\n", si.si_code == CLD_KILLED, si.si_status);

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	sigaction(SIGCHLD, &sa, NULL);
	c = spinner();
	nanosleep(&ts, NULL);
	kill(c, SIGKILL);
	while (!chld_code)
		sigsuspend(&old);
	printf("SIGCHLD: killed=%d\n", chld_code == CLD_KILLED);
	return 3;
}
