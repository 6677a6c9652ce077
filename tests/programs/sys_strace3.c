/* sys_strace3.c - the less common calls strace decodes: timerfd, POSIX
 * timers, signalfd, inotify, prctl, priorities and scheduling, fadvise,
 * preadv, splice, mincore, memfd, mlockall, close_range, sendmsg/recvmsg,
 * ioctl FIONREAD/FIONBIO, TCP options, fcntl locks, sendfile, the set-id
 * and sticky bits of st_mode, statx's STATX_ALL.  Between a
 * getpid() and a getppid() marker (tests/e2e/ev_strace.sh).  argv[1]: a
 * folder to watch (must exist).  Every call's answer is the same on every
 * run (timers are read while disarmed). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static void timers(void)
{
	struct itimerspec its = { { 1, 500 }, { 2, 0 } }, old, off = { { 0, 0 }, { 0, 0 } };
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	timer_t tid;
	int tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);

	timerfd_gettime(tfd, &old);
	timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, &old);
	timerfd_settime(tfd, 0, &off, NULL);
	close(tfd);
	timer_create(CLOCK_MONOTONIC, &sev, &tid);
	timer_gettime(tid, &old);
	timer_settime(tid, TIMER_ABSTIME, &its, NULL);
	timer_getoverrun(tid);
	timer_delete(tid);
}

static void notifications(const char *dir)
{
	sigset_t ss;
	int sfd, ifd, w;

	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR2);
	sigaddset(&ss, SIGINT);
	sfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	signalfd(sfd, &ss, 0);
	close(sfd);
	ifd = inotify_init1(IN_CLOEXEC);
	w = inotify_add_watch(ifd, dir, IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_ONLYDIR);
	inotify_add_watch(ifd, "/nonexistent", IN_ALL_EVENTS);
	inotify_rm_watch(ifd, w);
	close(ifd);
}

static void process(void)
{
	char name[16];
	cpu_set_t cs;
	struct sched_param sp;
	struct timespec res;

	prctl(PR_SET_NAME, "worker-1");
	prctl(PR_GET_NAME, name);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_GET_DUMPABLE);
	prctl(PR_SET_DUMPABLE, 1);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	prctl(PR_SET_TIMERSLACK, 50000);
	prctl(PR_CAPBSET_READ, 21);
	getpriority(PRIO_PROCESS, 0);
	setpriority(PRIO_PROCESS, 0, 1);
	personality(0xffffffff);
	CPU_ZERO(&cs);
	CPU_SET(0, &cs);
	sched_setaffinity(0, sizeof(cs), &cs);
	sched_getscheduler(0);
	sched_getparam(0, &sp);
	sched_get_priority_max(SCHED_FIFO);
	sched_get_priority_min(SCHED_RR);
	clock_getres(CLOCK_MONOTONIC, &res); /* the vDSO's natively: no line */
}

static void files(void)
{
	char buf[16];
	struct iovec iov[1] = { { buf, 10 } };
	unsigned char vec[4];
	loff_t off = 0;
	int p[2], fd = open("/etc/passwd", O_RDONLY);
	int mfd = memfd_create("seal", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	void *m = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	close(mfd);
	posix_fadvise(fd, 0, 100, POSIX_FADV_SEQUENTIAL);
	preadv(fd, iov, 1, 5);
	pipe(p);
	splice(fd, &off, p[1], NULL, 16, SPLICE_F_MOVE);
	close(fd);
	close(p[0]);
	close(p[1]);
	mincore(m, 8192, vec);
	munmap(m, 8192);
	mlockall(MCL_CURRENT);
	munlockall();
	syscall(SYS_close_range, 100, 200, 0);
}

static void sockets(const char *dir)
{
	char buf[64], path[256];
	struct iovec iov[2] = { { "abc", 3 }, { "defg", 4 } }, riov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	struct msghdr rh = { .msg_iov = &riov, .msg_iovlen = 1 };
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
	int sv[2], n, one = 1, fd, out, s;
	off_t off = 0;

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	sendmsg(sv[0], &mh, 0);
	ioctl(sv[1], FIONREAD, &n);
	recvmsg(sv[1], &rh, 0);
	ioctl(sv[1], FIONBIO, &one);
	ioctl(sv[1], FIOCLEX);
	close(sv[0]);
	close(sv[1]);
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	{
		/* lengths the kernel writes back: [128 => 16], [8 => 4] */
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		struct sockaddr_storage st;
		socklen_t sl = sizeof(st), ol = 8;
		long v = 0;

		bind(s, (struct sockaddr *)&sa, sizeof(sa));
		getsockname(s, (struct sockaddr *)&st, &sl);
		getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &ol);
	}
	close(s);
	snprintf(path, sizeof(path), "%s/lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	fcntl(fd, F_SETLK, &fl);
	fcntl(fd, F_GETLK, &fl);
	write(fd, "0123456789", 10);
	snprintf(path, sizeof(path), "%s/copy", dir);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	sendfile(out, fd, &off, 10);
	close(fd);
	close(out);
}

int main(int argc, char **argv)
{
	uid_t r, e, s;

	getpid();
	timers();
	notifications(argc > 1 ? argv[1] : "/tmp");
	process();
	files();
	sockets(argc > 1 ? argv[1] : "/tmp");
	{
		struct stat st;
		struct statx stx;

		stat("/tmp", &st); /* sticky: S_IFDIR|S_ISVTX|0777 */
		statx(AT_FDCWD, "/tmp", AT_SYMLINK_NOFOLLOW, STATX_ALL, &stx);
	}
	getresuid(&r, &e, &s);
	getresgid(&r, &e, &s);
	setreuid(-1, -1);
	getppid();
	return 0;
}
