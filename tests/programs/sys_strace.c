/* sys_strace.c - syscalls whose strace lines tests/e2e/ev_strace.sh compares
 * with hindsight's `syscalls`: file I/O, mmap, a failing open, signals, a
 * loopback socket, poll, a pipe, a thread that waits on a futex.  The
 * program's own calls lie between getpid() and getppid() (the markers). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	got = sig;
}

/* The thread's futex calls answer the same in every run: a wait whose
 * value does not match (EAGAIN), a wait that times out, a wake of no one.
 * It then writes to the pipe main waits on. */
static void *worker(void *arg)
{
	int *fds = arg, word = 0;
	struct timespec ts = { 0, 1000 };

	syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
	syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
	syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	write(fds[1], "t", 1);
	return NULL;
}

static void files(const char *path)
{
	char buf[64];
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);

	write(fd, "tomato\n\001\0022 \"q\\\n", 16);
	write(fd, "0123456789abcdefghijklmnopqrstuvwxyz\n", 37);
	close(fd);
	fd = open(path, O_RDONLY);
	fstat(fd, &st);
	read(fd, buf, sizeof(buf));
	read(fd, buf, sizeof(buf));
	lseek(fd, 2, SEEK_SET);
	pread(fd, buf, 5, 3);
	close(fd);
	open("/nonexistent/sys_strace", O_RDONLY);
	open(path, O_RDONLY | 0x40000000);
	close(-5);
	unlink(path);
}

static void memory(void)
{
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	m[0] = 1;
	mprotect(m, 4096, PROT_READ);
	munmap(m, 8192);
}

static void signals(void)
{
	struct sigaction sa;
	sigset_t set, old;
	struct timespec ts = { 0, 1000 };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	kill(getpid(), SIGUSR1); /* the handler returns with rt_sigreturn({mask=[USR2]}) */
	sigprocmask(SIG_SETMASK, &old, NULL);
	kill(getpid(), 0);
	clock_nanosleep(CLOCK_REALTIME, 0, &ts, NULL);
	nanosleep(&ts, NULL);
}

static void sockets(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	struct pollfd p[2];
	char buf[16];
	int one = 1, l, c, s, fds[2];

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	bind(l, (struct sockaddr *)&a, sizeof(a));
	listen(l, 1);
	getsockname(l, (struct sockaddr *)&a, &len);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	connect(c, (struct sockaddr *)&a, sizeof(a));
	s = accept(l, NULL, NULL);
	p[0] = (struct pollfd){ .fd = s, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = c, .events = POLLOUT };
	poll(p, 1, 0);
	send(c, "ping", 4, 0);
	poll(p, 2, 1000);
	recv(s, buf, sizeof(buf), 0);
	shutdown(c, SHUT_WR);
	close(s);
	close(c);
	close(l);
	pipe2(fds, O_CLOEXEC);
	write(fds[1], "x", 1);
	read(fds[0], buf, 1);
	close(fds[0]);
	close(fds[1]);
}

int main(int argc, char **argv)
{
	char path[64], c;
	pthread_t th;
	int fds[2];

	snprintf(path, sizeof(path), "%s", argc > 1 ? argv[1] : "/tmp/sys_strace.txt");
	getpid(); /* marker: begin */
	files(path);
	memory();
	signals();
	sockets();
	pipe(fds);
	pthread_create(&th, NULL, worker, fds);
	read(fds[0], &c, 1);
	pthread_join(th, NULL);
	close(fds[0]);
	close(fds[1]);
	getppid(); /* marker: end */
	return 0;
}
