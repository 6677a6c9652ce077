/* sys9_intr.c - syscalls a signal interrupts, as strace shows them:
 *   pause     pause() and a SIGALRM handler: ERESTARTNOHAND, then EINTR
 *   sleep     nanosleep: ERESTART_RESTARTBLOCK, then EINTR
 *   read      read on a pipe, handler without SA_RESTART: ERESTARTSYS, EINTR
 *   restart   the same with SA_RESTART: the read starts again (the
 *             handler writes the byte it then reads)
 *   alarm     sleep(3) and alarm(1): clock_nanosleep, ERESTART_RESTARTBLOCK
 *   select    select on a pipe: ERESTARTNOHAND
 *   wait      wait4 for a child that sleeps, SA_RESTART: ERESTARTSYS, restart
 *   poll      poll with a timeout: ERESTART_RESTARTBLOCK
 *   epoll     epoll_wait: the kernel returns EINTR itself
 * The timer fires once, 30 ms after the call starts (setitimer).  Each
 * mode named runs in turn ("all": every one); each prints a line. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fds[2], feed_fd = -1;
static volatile sig_atomic_t hits;

/* SIGALRM: counts, and writes the byte a restarted read waits for */
static void on_alrm(int s)
{
	hits++;
	if (s == SIGALRM && feed_fd >= 0)
		(void)!write(feed_fd, "x", 1);
}

/* A SIGALRM handler with these sa_flags, a pipe, and the timer armed;
 * feed: the handler writes a byte into the pipe. */
static void arm(int flags, int feed)
{
	struct itimerval it = { { 0, 0 }, { 0, 30000 } };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alrm;
	sa.sa_flags = flags;
	sigaction(SIGALRM, &sa, NULL);
	if (pipe(fds) < 0)
		return;
	feed_fd = feed ? fds[1] : -1;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void run(const char *mode)
{
	char c = 0;
	long r = 0;

	if (!strcmp(mode, "pause")) {
		arm(0, 0);
		r = pause();
	} else if (!strcmp(mode, "sleep")) {
		struct timespec ts = { 5, 0 }, rem;

		arm(0, 0);
		r = nanosleep(&ts, &rem);
	} else if (!strcmp(mode, "read")) {
		arm(0, 0);
		r = read(fds[0], &c, 1);
	} else if (!strcmp(mode, "restart")) {
		arm(SA_RESTART, 1);
		r = read(fds[0], &c, 1);
	} else if (!strcmp(mode, "alarm")) {
		signal(SIGALRM, on_alrm);
		alarm(1);
		r = sleep(3) > 0; /* 1 or 2 seconds left, as the timing goes */
	} else if (!strcmp(mode, "select")) {
		fd_set set;

		arm(0, 0);
		FD_ZERO(&set);
		FD_SET(fds[0], &set);
		r = select(fds[0] + 1, &set, NULL, NULL, NULL);
	} else if (!strcmp(mode, "wait")) {
		pid_t kid;
		int st = 0;

		arm(SA_RESTART, 0);
		kid = fork();
		if (kid == 0) {
			struct timespec ts = { 0, 100000000 };

			nanosleep(&ts, NULL);
			_exit(3);
		}
		r = waitpid(kid, &st, 0) == kid ? WEXITSTATUS(st) : -1;
	} else if (!strcmp(mode, "poll")) {
		struct pollfd p = { 0, POLLIN, 0 };

		arm(0, 0);
		p.fd = fds[0];
		r = poll(&p, 1, 5000);
	} else if (!strcmp(mode, "epoll")) {
		struct epoll_event ev = { EPOLLIN, { 0 } }, out;
		int ep = epoll_create1(0);

		arm(0, 0);
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev);
		r = epoll_wait(ep, &out, 1, 5000);
	}
	printf("%s: r=%ld c=%d hits=%d\n", mode, r, c, (int)hits);
}

/* Each mode named in argv, in turn; "all": every one. */
int main(int argc, char **argv)
{
	static const char *const all[] = { "pause", "sleep", "read", "restart", "select",
					   "poll", "epoll", "wait", "alarm" };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "all"))
			run(argv[i]);
		for (size_t k = 0; !strcmp(argv[i], "all") && k < sizeof all / sizeof all[0]; k++)
			run(all[k]);
	}
	return 0;
}
