/* sys_xlat.c - symbolic names of syscall flags and constants, in strace's
 * spelling and order (strace 6's xlat tables), and their printing.
 *
 * A flags table lists single bits in increasing order, except that a
 * value of several bits comes before the bits it contains (O_TMPFILE
 * before O_DIRECTORY), so that the greedy match in sys_put_flags() takes
 * it whole.  Values are Linux x86-64's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sys_i.h"

#define TABLE(name) const struct sys_flag name[]
#define COUNT(name) const size_t sys_n_##name = sizeof(sys_##name) / sizeof(sys_##name[0])

/* the access mode is printed apart (O_RDONLY is 0); strace's order, which
 * is not the bits' (O_DIRECTORY last) */
TABLE(sys_open_flags) = {
	{ 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" }, { 01000, "O_TRUNC" },
	{ 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" }, { 04010000, "O_SYNC" },
	{ 010000, "O_DSYNC" }, { 020000, "O_ASYNC" }, { 040000, "O_DIRECT" },
	{ 0100000, "O_LARGEFILE" }, { 0400000, "O_NOFOLLOW" }, { 01000000, "O_NOATIME" },
	{ 02000000, "O_CLOEXEC" }, { 010000000, "O_PATH" }, { 020200000, "O_TMPFILE" },
	{ 0200000, "O_DIRECTORY" },
};
COUNT(open_flags);

TABLE(sys_prot_flags) = {
	{ 0, "PROT_NONE" }, { 1, "PROT_READ" }, { 2, "PROT_WRITE" }, { 4, "PROT_EXEC" },
	{ 8, "PROT_SEM" }, { 0x1000000, "PROT_GROWSDOWN" }, { 0x2000000, "PROT_GROWSUP" },
};
COUNT(prot_flags);

/* the type (MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE) is printed apart */
TABLE(sys_map_flags) = {
	{ 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" }, { 0x40, "MAP_32BIT" },
	{ 0x100, "MAP_GROWSDOWN" }, { 0x800, "MAP_DENYWRITE" }, { 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" }, { 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" }, { 0x20000, "MAP_STACK" }, { 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" }, { 0x100000, "MAP_FIXED_NOREPLACE" },
};
COUNT(map_flags);

TABLE(sys_whence) = {
	{ 0, "SEEK_SET" }, { 1, "SEEK_CUR" }, { 2, "SEEK_END" }, { 3, "SEEK_DATA" },
	{ 4, "SEEK_HOLE" },
};
COUNT(whence);

TABLE(sys_clocks) = {
	{ 0, "CLOCK_REALTIME" }, { 1, "CLOCK_MONOTONIC" }, { 2, "CLOCK_PROCESS_CPUTIME_ID" },
	{ 3, "CLOCK_THREAD_CPUTIME_ID" }, { 4, "CLOCK_MONOTONIC_RAW" },
	{ 5, "CLOCK_REALTIME_COARSE" }, { 6, "CLOCK_MONOTONIC_COARSE" }, { 7, "CLOCK_BOOTTIME" },
	{ 8, "CLOCK_REALTIME_ALARM" }, { 9, "CLOCK_BOOTTIME_ALARM" }, { 11, "CLOCK_TAI" },
};
COUNT(clocks);

TABLE(sys_families) = {
	{ 0, "AF_UNSPEC" }, { 1, "AF_UNIX" }, { 2, "AF_INET" }, { 10, "AF_INET6" },
	{ 16, "AF_NETLINK" }, { 17, "AF_PACKET" },
};
COUNT(families);

TABLE(sys_socktypes) = {
	{ 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" }, { 4, "SOCK_RDM" },
	{ 5, "SOCK_SEQPACKET" }, { 6, "SOCK_DCCP" }, { 10, "SOCK_PACKET" },
};
COUNT(socktypes);

TABLE(sys_sock_flags) = {
	{ 02000000, "SOCK_CLOEXEC" }, { 04000, "SOCK_NONBLOCK" },
};
COUNT(sock_flags);

TABLE(sys_ipprotos) = {
	{ 0, "IPPROTO_IP" }, { 1, "IPPROTO_ICMP" }, { 6, "IPPROTO_TCP" }, { 17, "IPPROTO_UDP" },
	{ 41, "IPPROTO_IPV6" }, { 58, "IPPROTO_ICMPV6" }, { 132, "IPPROTO_SCTP" },
	{ 255, "IPPROTO_RAW" },
};
COUNT(ipprotos);

TABLE(sys_at_flags) = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_REMOVEDIR" }, { 0x400, "AT_SYMLINK_FOLLOW" },
	{ 0x800, "AT_NO_AUTOMOUNT" }, { 0x1000, "AT_EMPTY_PATH" }, { 0x2000, "AT_STATX_FORCE_SYNC" },
	{ 0x4000, "AT_STATX_DONT_SYNC" }, { 0x8000, "AT_RECURSIVE" },
};
COUNT(at_flags);

TABLE(sys_access) = {
	{ 0, "F_OK" }, { 4, "R_OK" }, { 2, "W_OK" }, { 1, "X_OK" },
};
COUNT(access);

TABLE(sys_madv) = {
	{ 0, "MADV_NORMAL" }, { 1, "MADV_RANDOM" }, { 2, "MADV_SEQUENTIAL" },
	{ 3, "MADV_WILLNEED" }, { 4, "MADV_DONTNEED" }, { 8, "MADV_FREE" },
	{ 9, "MADV_REMOVE" }, { 10, "MADV_DONTFORK" }, { 11, "MADV_DOFORK" },
	{ 12, "MADV_MERGEABLE" }, { 13, "MADV_UNMERGEABLE" }, { 14, "MADV_HUGEPAGE" },
	{ 15, "MADV_NOHUGEPAGE" }, { 16, "MADV_DONTDUMP" }, { 17, "MADV_DODUMP" },
	{ 18, "MADV_WIPEONFORK" }, { 19, "MADV_KEEPONFORK" }, { 20, "MADV_COLD" },
	{ 21, "MADV_PAGEOUT" }, { 100, "MADV_HWPOISON" },
};
COUNT(madv);

TABLE(sys_poll_events) = {
	{ 0x1, "POLLIN" }, { 0x2, "POLLPRI" }, { 0x4, "POLLOUT" }, { 0x8, "POLLERR" },
	{ 0x10, "POLLHUP" }, { 0x20, "POLLNVAL" }, { 0x40, "POLLRDNORM" }, { 0x80, "POLLRDBAND" },
	{ 0x100, "POLLWRNORM" }, { 0x200, "POLLWRBAND" }, { 0x400, "POLLMSG" },
	{ 0x1000, "POLLREMOVE" }, { 0x2000, "POLLRDHUP" },
};
COUNT(poll_events);

TABLE(sys_epoll_events) = {
	{ 0x1, "EPOLLIN" }, { 0x2, "EPOLLPRI" }, { 0x4, "EPOLLOUT" }, { 0x8, "EPOLLERR" },
	{ 0x10, "EPOLLHUP" }, { 0x20, "EPOLLNVAL" }, { 0x40, "EPOLLRDNORM" },
	{ 0x80, "EPOLLRDBAND" }, { 0x100, "EPOLLWRNORM" }, { 0x200, "EPOLLWRBAND" },
	{ 0x400, "EPOLLMSG" }, { 0x2000, "EPOLLRDHUP" }, { 0x8000000, "EPOLLURING_WAKE" },
	{ 0x10000000, "EPOLLEXCLUSIVE" }, { 0x20000000, "EPOLLWAKEUP" },
	{ 0x40000000, "EPOLLONESHOT" }, { 0x80000000, "EPOLLET" },
};
COUNT(epoll_events);

TABLE(sys_epoll_ops) = {
	{ 1, "EPOLL_CTL_ADD" }, { 2, "EPOLL_CTL_DEL" }, { 3, "EPOLL_CTL_MOD" },
};
COUNT(epoll_ops);

TABLE(sys_futex_ops) = {
	{ 0, "FUTEX_WAIT" }, { 1, "FUTEX_WAKE" }, { 2, "FUTEX_FD" }, { 3, "FUTEX_REQUEUE" },
	{ 4, "FUTEX_CMP_REQUEUE" }, { 5, "FUTEX_WAKE_OP" }, { 6, "FUTEX_LOCK_PI" },
	{ 7, "FUTEX_UNLOCK_PI" }, { 8, "FUTEX_TRYLOCK_PI" }, { 9, "FUTEX_WAIT_BITSET" },
	{ 10, "FUTEX_WAKE_BITSET" }, { 11, "FUTEX_WAIT_REQUEUE_PI" },
	{ 12, "FUTEX_CMP_REQUEUE_PI" }, { 13, "FUTEX_LOCK_PI2" },
};
COUNT(futex_ops);

TABLE(sys_fcntl_cmds) = {
	{ 0, "F_DUPFD" }, { 1, "F_GETFD" }, { 2, "F_SETFD" }, { 3, "F_GETFL" }, { 4, "F_SETFL" },
	{ 5, "F_GETLK" }, { 6, "F_SETLK" }, { 7, "F_SETLKW" }, { 8, "F_SETOWN" },
	{ 9, "F_GETOWN" }, { 10, "F_SETSIG" }, { 11, "F_GETSIG" }, { 1024, "F_SETLEASE" },
	{ 1025, "F_GETLEASE" }, { 1026, "F_NOTIFY" }, { 1030, "F_DUPFD_CLOEXEC" },
	{ 1031, "F_SETPIPE_SZ" }, { 1032, "F_GETPIPE_SZ" }, { 1033, "F_ADD_SEALS" },
	{ 1034, "F_GET_SEALS" },
};
COUNT(fcntl_cmds);

TABLE(sys_ioctls) = {
	{ 0x5401, "TCGETS" }, /* strace names the sound ioctls of the same numbers too */
	{ 0x5402, "SNDCTL_TMR_START or TCSETS" }, { 0x5403, "SNDCTL_TMR_STOP or TCSETSW" },
	{ 0x5404, "SNDCTL_TMR_CONTINUE or TCSETSF" },
	{ 0x540f, "TIOCGPGRP" }, { 0x5410, "TIOCSPGRP" }, { 0x5413, "TIOCGWINSZ" },
	{ 0x5414, "TIOCSWINSZ" }, { 0x541b, "FIONREAD" }, { 0x5421, "FIONBIO" },
	{ 0x5450, "FIONCLEX" }, { 0x5451, "FIOCLEX" }, { 0x5452, "FIOASYNC" },
	{ 0x40049409, "BTRFS_IOC_CLONE or FICLONE" }, { 0x4020940d, "BTRFS_IOC_CLONE_RANGE or FICLONERANGE" },
	{ 0x80086601, "FS_IOC_GETFLAGS" }, { 0x40086602, "FS_IOC_SETFLAGS" },
};
COUNT(ioctls);

TABLE(sys_msg_flags) = {
	{ 0x1, "MSG_OOB" }, { 0x2, "MSG_PEEK" }, { 0x4, "MSG_DONTROUTE" }, { 0x8, "MSG_CTRUNC" },
	{ 0x10, "MSG_PROXY" }, { 0x20, "MSG_TRUNC" }, { 0x40, "MSG_DONTWAIT" }, { 0x80, "MSG_EOR" },
	{ 0x100, "MSG_WAITALL" }, { 0x200, "MSG_FIN" }, { 0x400, "MSG_SYN" },
	{ 0x800, "MSG_CONFIRM" }, { 0x1000, "MSG_RST" }, { 0x2000, "MSG_ERRQUEUE" },
	{ 0x4000, "MSG_NOSIGNAL" }, { 0x8000, "MSG_MORE" }, { 0x10000, "MSG_WAITFORONE" },
	{ 0x40000000, "MSG_CMSG_CLOEXEC" },
};
COUNT(msg_flags);

TABLE(sys_sa_flags) = {
	{ 0x04000000, "SA_RESTORER" }, { 0x08000000, "SA_ONSTACK" }, { 0x10000000, "SA_RESTART" },
	{ 0x40000000, "SA_NODEFER" }, { 0x80000000, "SA_RESETHAND" }, { 0x4, "SA_SIGINFO" },
	{ 0x1, "SA_NOCLDSTOP" }, { 0x2, "SA_NOCLDWAIT" }, { 0x400, "SA_UNSUPPORTED" },
	{ 0x800, "SA_EXPOSE_TAGBITS" },
};
COUNT(sa_flags);

TABLE(sys_sighow) = {
	{ 0, "SIG_BLOCK" }, { 1, "SIG_UNBLOCK" }, { 2, "SIG_SETMASK" },
};
COUNT(sighow);

TABLE(sys_clone_flags) = {
	{ 0x100, "CLONE_VM" }, { 0x200, "CLONE_FS" }, { 0x400, "CLONE_FILES" },
	{ 0x800, "CLONE_SIGHAND" }, { 0x1000, "CLONE_PIDFD" }, { 0x2000, "CLONE_PTRACE" },
	{ 0x4000, "CLONE_VFORK" }, { 0x8000, "CLONE_PARENT" }, { 0x10000, "CLONE_THREAD" },
	{ 0x20000, "CLONE_NEWNS" }, { 0x40000, "CLONE_SYSVSEM" }, { 0x80000, "CLONE_SETTLS" },
	{ 0x100000, "CLONE_PARENT_SETTID" }, { 0x200000, "CLONE_CHILD_CLEARTID" },
	{ 0x400000, "CLONE_DETACHED" }, { 0x800000, "CLONE_UNTRACED" },
	{ 0x1000000, "CLONE_CHILD_SETTID" }, { 0x2000000, "CLONE_NEWCGROUP" },
	{ 0x4000000, "CLONE_NEWUTS" }, { 0x8000000, "CLONE_NEWIPC" },
	{ 0x10000000, "CLONE_NEWUSER" }, { 0x20000000, "CLONE_NEWPID" },
	{ 0x40000000, "CLONE_NEWNET" }, { 0x80000000, "CLONE_IO" },
};
COUNT(clone_flags);

TABLE(sys_wait_options) = {
	{ 1, "WNOHANG" }, { 2, "WSTOPPED" }, { 4, "WEXITED" }, { 8, "WCONTINUED" },
	{ 0x1000000, "WNOWAIT" }, { 0x20000000, "__WNOTHREAD" }, { 0x40000000, "__WALL" },
	{ 0x80000000, "__WCLONE" },
};
COUNT(wait_options);

TABLE(sys_idtypes) = {
	{ 0, "P_ALL" }, { 1, "P_PID" }, { 2, "P_PGID" }, { 3, "P_PIDFD" },
};
COUNT(idtypes);

TABLE(sys_sol) = {
	{ 0, "SOL_IP" }, { 1, "SOL_SOCKET" }, { 6, "SOL_TCP" }, { 17, "SOL_UDP" },
	{ 41, "SOL_IPV6" },
};
COUNT(sol);

TABLE(sys_so_opts) = {
	{ 1, "SO_DEBUG" }, { 2, "SO_REUSEADDR" }, { 3, "SO_TYPE" }, { 4, "SO_ERROR" },
	{ 5, "SO_DONTROUTE" }, { 6, "SO_BROADCAST" }, { 7, "SO_SNDBUF" }, { 8, "SO_RCVBUF" },
	{ 9, "SO_KEEPALIVE" }, { 10, "SO_OOBINLINE" }, { 13, "SO_LINGER" },
	{ 15, "SO_REUSEPORT" }, { 20, "SO_RCVTIMEO_OLD" }, { 21, "SO_SNDTIMEO_OLD" },
};
COUNT(so_opts);

TABLE(sys_shut) = {
	{ 0, "SHUT_RD" }, { 1, "SHUT_WR" }, { 2, "SHUT_RDWR" },
};
COUNT(shut);

TABLE(sys_remap_flags) = {
	{ 1, "MREMAP_MAYMOVE" }, { 2, "MREMAP_FIXED" }, { 4, "MREMAP_DONTUNMAP" },
};
COUNT(remap_flags);

TABLE(sys_rlimits) = {
	{ 0, "RLIMIT_CPU" }, { 1, "RLIMIT_FSIZE" }, { 2, "RLIMIT_DATA" }, { 3, "RLIMIT_STACK" },
	{ 4, "RLIMIT_CORE" }, { 5, "RLIMIT_RSS" }, { 6, "RLIMIT_NPROC" }, { 7, "RLIMIT_NOFILE" },
	{ 8, "RLIMIT_MEMLOCK" }, { 9, "RLIMIT_AS" }, { 10, "RLIMIT_LOCKS" },
	{ 11, "RLIMIT_SIGPENDING" }, { 12, "RLIMIT_MSGQUEUE" }, { 13, "RLIMIT_NICE" },
	{ 14, "RLIMIT_RTPRIO" }, { 15, "RLIMIT_RTTIME" },
};
COUNT(rlimits);

void sys_put_flags(struct sys_out *o, const struct sys_flag *t, size_t n, uint64_t v)
{
	bool any = false;

	if (!v) {
		for (size_t i = 0; i < n; i++)
			if (t[i].v == 0) {
				sys_puts(o, t[i].name);
				return;
			}
		sys_put(o, "0", 1);
		return;
	}
	for (size_t i = 0; i < n && v; i++) {
		if (!t[i].v || (v & t[i].v) != t[i].v)
			continue;
		if (any)
			sys_put(o, "|", 1);
		sys_puts(o, t[i].name);
		v &= ~t[i].v;
		any = true;
	}
	if (v)
		sys_putf(o, "%s%#" PRIx64, any ? "|" : "", v);
}

void sys_put_const(struct sys_out *o, const struct sys_flag *t, size_t n, int64_t v)
{
	for (size_t i = 0; i < n; i++)
		if ((int64_t)t[i].v == v) {
			sys_puts(o, t[i].name);
			return;
		}
	sys_putf(o, "%" PRId64, v);
}

const char *sys_signame(int signo, char *tmp, size_t cap)
{
	const char *s;

	if (signo < 1 || signo > 64)
		return NULL;
	if (signo == 29) {
		snprintf(tmp, cap, "SIGIO"); /* strace's name; glibc says POLL */
	} else if (signo < 32) {
		s = sigabbrev_np(signo);
		if (!s)
			return NULL;
		snprintf(tmp, cap, "SIG%s", s);
	} else if (signo == 32) {
		snprintf(tmp, cap, "SIGRTMIN");
	} else {
		/* strace counts from the kernel's SIGRTMIN (32), not glibc's */
		snprintf(tmp, cap, "SIGRT_%d", signo - 32);
	}
	return tmp;
}

void sys_errno(uint64_t e, const char **name, const char **text)
{
	/* the kernel's restart codes, which strace names itself */
	static const struct {
		uint64_t e;
		const char *name, *text;
	} restart[] = {
		{ 512, "ERESTARTSYS", "To be restarted if SA_RESTART is set" },
		{ 513, "ERESTARTNOINTR", "To be restarted" },
		{ 514, "ERESTARTNOHAND", "To be restarted if no handler" },
		{ 515, "ENOIOCTLCMD", "No ioctl command" },
		{ 516, "ERESTART_RESTARTBLOCK", "Interrupted by signal" },
	};

	*name = NULL;
	*text = NULL;
	for (size_t i = 0; i < sizeof(restart) / sizeof(restart[0]); i++)
		if (restart[i].e == e) {
			*name = restart[i].name;
			*text = restart[i].text;
			return;
		}
	if (e == 0 || e >= 4096)
		return;
	*name = strerrorname_np((int)e);
	if (*name)
		*text = strerrordesc_np((int)e);
}
