/* gdbs_siginfo.c - syscalls that carry a siginfo, for `syscalls` against
 * strace: waitid on an exited, a killed and a stopped child (with and
 * without rusage, WNOHANG with nothing to report), rt_sigqueueinfo
 * (sigqueue) and rt_tgsigqueueinfo with a value, rt_sigtimedwait taking
 * the queued signal. Between two marker calls (getppid). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_sig(int sig)
{
	got = sig;
}

int main(void)
{
	siginfo_t si;
	struct rusage ru;
	sigset_t set;
	union sigval v = { .sival_int = 42 };
	struct timespec ts = { 1, 0 };
	pid_t a, b, c;

	getppid();
	a = fork();
	if (a == 0)
		_exit(3);
	memset(&si, 0, sizeof si);
	waitid(P_PID, (id_t)a, &si, WEXITED);
	b = fork();
	if (b == 0) {
		pause();
		_exit(0);
	}
	kill(b, SIGTERM);
	syscall(SYS_waitid, P_ALL, 0, &si, WEXITED, &ru);
	c = fork();
	if (c == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	waitid(P_PID, (id_t)c, &si, WSTOPPED);
	memset(&si, 0, sizeof si);
	waitid(P_ALL, 0, &si, WEXITED | WNOHANG);
	kill(c, SIGKILL);
	waitid(P_PID, (id_t)c, &si, WEXITED);

	signal(SIGUSR1, on_sig);
	sigqueue(getpid(), SIGUSR1, v);
	memset(&si, 0, sizeof si);
	si.si_signo = SIGUSR2;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_ptr = (void *)0x1234;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), SIGUSR2, &si);
	memset(&si, 0, sizeof si);
	sigtimedwait(&set, &si, &ts);
	getppid();
	printf("%d\n", (int)got);
	return 0;
}
