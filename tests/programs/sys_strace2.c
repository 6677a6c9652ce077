/* sys_strace2.c - more syscalls for tests/e2e/ev_strace.sh: epoll,
 * eventfd, socketpair, a forked child and wait4, fcntl, dup2/dup3,
 * directories, rlimits, umask.  Between getpid() and getppid(). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp/sys_strace2.d";
	char path[256], buf[64];
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 7 }, out[4];
	struct rlimit rl;
	uint64_t one = 1;
	int sv[2], ep, efd, fd, st;
	pid_t pid;

	getpid(); /* marker: begin */
	ep = epoll_create1(EPOLL_CLOEXEC);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
	epoll_wait(ep, out, 4, 0);
	write(efd, &one, sizeof(one));
	epoll_wait(ep, out, 4, 100);
	read(efd, &one, sizeof(one));
	close(efd);
	close(ep);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[0], "hello", 5);
	read(sv[1], buf, sizeof(buf));
	{
		struct iovec w[2] = { { "hello ", 6 }, { "world, a longer second part\n", 28 } };
		char a[4], b[64];
		struct iovec r[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

		writev(sv[0], w, 2);
		readv(sv[1], r, 2);
	}
	close(sv[0]);
	close(sv[1]);
	pid = fork();
	if (pid == 0)
		_exit(3);
	waitpid(pid, &st, 0);
	mkdir(dir, 0750);
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_APPEND, 0600);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_GETFD);
	fcntl(fd, F_GETFL);
	dup2(fd, 10);
	dup3(fd, 11, O_CLOEXEC);
	ftruncate(fd, 100);
	fsync(fd);
	flock(fd, LOCK_EX | LOCK_NB);
	flock(fd, LOCK_UN);
	{
		char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		m[0] = 'x';
		msync(m, 4096, MS_SYNC | MS_INVALIDATE);
		munmap(m, 4096);
	}
	close(10);
	close(11);
	close(fd);
	access(path, R_OK | W_OK);
	access("/nonexistent", F_OK);
	{
		/* a path longer than the recorder's copy: strace prints it whole */
		char lp[512];

		snprintf(lp, sizeof(lp), "%s/%0200d-a-file-name-of-more-than-two-hundred-bytes",
			 dir, 7);
		close(open(lp, O_WRONLY | O_CREAT | O_TRUNC, 0600));
		unlink(lp);
	}
	unlink(path);
	rmdir(dir);
	umask(027);
	getrlimit(RLIMIT_NOFILE, &rl);
	prlimit(0, RLIMIT_CORE, NULL, &rl);
	{
		struct itimerval it = { { 0, 0 }, { 5, 250000 } }, old;
		stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536 };
		cpu_set_t cpus;
		int err, ty;
		socklen_t l = sizeof(err);

		getcwd(path, sizeof(path));
		setitimer(ITIMER_REAL, &it, NULL);
		it.it_value.tv_sec = 0;
		it.it_value.tv_usec = 0;
		setitimer(ITIMER_REAL, &it, NULL); /* (the old value would depend on timing) */
		getitimer(ITIMER_PROF, &old);
		sigaltstack(&ss, NULL);
		sched_getaffinity(0, sizeof(cpus), &cpus);
		socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
		getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &err, &l);
		l = sizeof(ty);
		getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &ty, &l);
		{
			fd_set rd, wr;
			struct timeval tv = { 1, 0 };

			FD_ZERO(&rd);
			FD_ZERO(&wr);
			FD_SET(sv[1], &rd);
			FD_SET(sv[0], &wr);
			select(sv[1] + 1, &rd, &wr, NULL, &tv); /* writable only */
			write(sv[0], "s", 1);
			FD_SET(sv[1], &rd);
			select(sv[1] + 1, &rd, NULL, NULL, NULL);
		}
		close(sv[0]);
		close(sv[1]);
	}
	getppid(); /* marker: end */
	return 0;
}
