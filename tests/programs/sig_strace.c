/* sig_strace.c - signals a handler takes, each with the siginfo strace
 * prints: SIGUSR1 from raise (SI_TKILL), kill (SI_USER), sigqueue with
 * an int and with a pointer (SI_QUEUE), SIGCHLD from a child's exit and
 * from a child killed by SIGTERM (CLD_EXITED, CLD_KILLED), SIGALRM from
 * alarm and setitimer (SI_KERNEL) and from a POSIX timer (SI_TIMER),
 * SIGPIPE from a write to a pipe without a reader (SI_USER), and a
 * realtime signal, and a SIGSEGV at 0x8 whose handler runs on the
 * alternate stack and siglongjmps out. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static sigjmp_buf env;
static char altstack[65536];

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	got = sig;
}

static void handle(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	siglongjmp(env, 1);
}

static void fault_on_altstack(void)
{
	stack_t ss;
	struct sigaction sa;

	memset(&ss, 0, sizeof(ss));
	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(env, 1) == 0) {
		volatile int *p = (volatile int *)8;

		*p = 1;
	}
	printf("SIGSEGV handled\n");
}

/* until the handler of sig ran (natively a signal sent to oneself runs
 * its handler before the sending call returns; Valgrind delivers it at
 * its next blocking syscall, so no pause(): it may come before it) */
static void wait_for(int sig)
{
	struct timespec ms = { 0, 1000000 };

	while (got != sig)
		nanosleep(&ms, NULL);
	got = 0;
}

static void child_signals(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(3);
	wait_for(SIGCHLD);
	waitpid(pid, NULL, 0);
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	kill(pid, SIGTERM);
	wait_for(SIGCHLD);
	waitpid(pid, NULL, 0);
}

static void timer_signals(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	struct sigevent sev;
	struct itimerspec ts = { { 0, 0 }, { 0, 20000000 } };
	timer_t timer;

	alarm(1);
	wait_for(SIGALRM);
	setitimer(ITIMER_REAL, &it, NULL);
	wait_for(SIGALRM);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGALRM;
	sev.sigev_value.sival_int = 7;
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0) {
		timer_settime(timer, 0, &ts, NULL);
		wait_for(SIGALRM);
		timer_delete(timer);
	}
}

int main(void)
{
	union sigval v;
	int fds[2];

	handle(SIGUSR1);
	handle(SIGCHLD);
	handle(SIGALRM);
	handle(SIGPIPE);
	handle(SIGRTMIN + 1);
	/* each waited for: a second SIGUSR1 while one is pending would be
	 * merged with it */
	raise(SIGUSR1);
	wait_for(SIGUSR1);
	kill(getpid(), SIGUSR1);
	wait_for(SIGUSR1);
	memset(&v, 0, sizeof(v));
	v.sival_int = 42;
	sigqueue(getpid(), SIGUSR1, v);
	wait_for(SIGUSR1);
	v.sival_ptr = (void *)(uintptr_t)0x1234567890;
	sigqueue(getpid(), SIGUSR1, v);
	wait_for(SIGUSR1);
	memset(&v, 0, sizeof(v));
	v.sival_int = -5;
	sigqueue(getpid(), SIGRTMIN + 1, v);
	wait_for(SIGRTMIN + 1);
	child_signals();
	timer_signals();
	if (pipe(fds) == 0) {
		close(fds[0]);
		if (write(fds[1], "x", 1) < 0)
			printf("write: EPIPE\n");
	}
	fault_on_altstack();
	printf("done\n");
	return 0;
}
