/* syscall_args.h - the syscall table: one row per syscall, the kind of
 * each argument and of the result.
 *
 * Shared by the recorder (builder/recorder, a static Valgrind tool: no
 * libc, hence a plain table in a header) and the formatter
 * (fs/query/sys_decode.c, which prints each call as strace does).  The
 * kind says both what the recorder copies at syscall entry
 * (hs_sys_want(): strings, input buffers and input structs, at most
 * HS_SYS_STR_MAX + 1 bytes each, into the SYSCALL_ENTER record, see
 * trace_format.h) and how the formatter prints the argument.  Output
 * arguments (read's buffer, stat's struct, ...) are not copied at entry:
 * the formatter takes them from the HS_EV_MEM records (source syscall)
 * that the recorder writes before the syscall's exit record.
 *
 * Adding a syscall: one row in HS_SYS_TABLE below, in nr order (a unit
 * test checks the order and that every kind has a decoder).  A new kind
 * needs a decoder in fs/query/sys_decode.c and, when it is an input held
 * in memory, a line in hs_sys_want().  A syscall without a row prints as
 * strace prints one it does not know: six arguments in hex.
 *
 * Changing a row changes what new recordings capture; old recordings stay
 * readable because the reader uses a captured argument only when its
 * count is what hs_sys_want() asks for now, and reads memory otherwise.
 *
 * Owner: the syscall formatter's maintainers.  Nothing here allocates.
 */
#ifndef HINDSIGHT_SYSCALL_ARGS_H
#define HINDSIGHT_SYSCALL_ARGS_H

#include <stdint.h>

/* Bytes of a string or input argument that the recorder copies (equals
 * HS_DB_STR_MAX in db.h). */
#define HS_SYS_STR_MAX 128

/* Argument kinds: how one argument prints (strace's form in comments). */
enum hs_sys_kind {
	HS_K__ = 0,     /* no such argument */
	HS_K_HEX,       /* 0x1f (0 prints 0) */
	HS_K_INT,       /* signed decimal (int) */
	HS_K_LONG,      /* signed decimal (long) */
	HS_K_UINT,      /* unsigned decimal (size_t, counts) */
	HS_K_FD,        /* an fd: int, decimal */
	HS_K_DIRFD,     /* AT_FDCWD or an fd */
	HS_K_PATH,      /* "a string" (in, NUL-terminated), NULL */
	HS_K_BUF_IN,    /* "bytes"..., length in the next argument */
	HS_K_BUF_OUT,   /* "bytes"... the call returned (length = result) */
	HS_K_PTR,       /* NULL or 0x7f... */
	HS_K_OFLAGS,    /* O_WRONLY|O_CREAT|O_TRUNC */
	HS_K_OMODE,     /* 0640, only after flags with O_CREAT or O_TMPFILE */
	HS_K_MODE,      /* 0640 */
	HS_K_PROT,      /* PROT_READ|PROT_WRITE */
	HS_K_MAPFLAGS,  /* MAP_PRIVATE|MAP_ANONYMOUS */
	HS_K_SIG,       /* SIGTERM */
	HS_K_SIGACT_IN, /* {sa_handler=..., sa_mask=[], sa_flags=..., ...} */
	HS_K_SIGACT_OUT,
	HS_K_SIGSET_IN, /* [INT TERM], ~[] */
	HS_K_SIGSET_OUT,
	HS_K_SIGHOW,    /* SIG_BLOCK */
	HS_K_TS_IN,     /* {tv_sec=0, tv_nsec=1000} */
	HS_K_TS_OUT,    /* as TS_IN, written by the call */
	HS_K_TS_REM,    /* nanosleep's remainder: a pointer unless EINTR */
	HS_K_STAT_OUT,  /* {st_mode=S_IFREG|0644, st_size=13, ...} */
	HS_K_CLOCKID,   /* CLOCK_MONOTONIC */
	HS_K_FAMILY,    /* AF_INET */
	HS_K_SOCKTYPE,  /* SOCK_STREAM|SOCK_CLOEXEC */
	HS_K_SOCKPROTO, /* IPPROTO_IP (after a family argument) */
	HS_K_SOCKADDR_IN,  /* {sa_family=AF_INET, ...}, length next */
	HS_K_SOCKADDR_OUT, /* written by the call, length pointer next */
	HS_K_SOCKLEN_IO,   /* [16], [16 => 8] */
	HS_K_POLLFDS,   /* [{fd=3, events=POLLIN}], count next */
	HS_K_EPOLL_IN,  /* {events=EPOLLIN, data={u32=3, u64=3}} */
	HS_K_EPOLL_OUT, /* [{events=..., data=...}], as many as the result */
	HS_K_EPOLL_OP,  /* EPOLL_CTL_ADD */
	HS_K_FUTEX_OP,  /* FUTEX_WAIT_PRIVATE */
	HS_K_FUTEX_ARG, /* the rest of futex: which print depends on the op */
	HS_K_WHENCE,    /* SEEK_SET */
	HS_K_ATFLAGS,   /* AT_EMPTY_PATH, 0 */
	HS_K_ACCESS,    /* F_OK, R_OK|W_OK */
	HS_K_PIPE_OUT,  /* [3, 4] */
	HS_K_FCNTL_CMD, /* F_SETFD */
	HS_K_FCNTL_ARG, /* printed for the commands that take one */
	HS_K_MADV,      /* MADV_DONTNEED */
	HS_K_WSTATUS_OUT, /* [{WIFEXITED(s) && WEXITSTATUS(s) == 0}] */
	HS_K_WOPTIONS,  /* WNOHANG */
	HS_K_IOCTL_REQ, /* TCGETS, or 0x.. */
	HS_K_MSGFLAGS,  /* MSG_DONTWAIT, 0 */
	HS_K_INT_IN,    /* [1]: an int in memory (setsockopt's value) */
	HS_K_SOCKLEVEL, /* SOL_SOCKET */
	HS_K_SOCKOPT,   /* SO_REUSEADDR (after a level argument) */
	HS_K_SHUTHOW,   /* SHUT_WR */
	HS_K_CLONE_FLAGS, /* clone: flags=CLONE_VM|...|SIGCHLD */
	HS_K_CLONE_ARG, /* clone's others, printed by CLONE_FLAGS */
	HS_K_REMAP_FLAGS, /* MREMAP_MAYMOVE */
	HS_K_REMAP_NEW, /* mremap's new address, only with MREMAP_FIXED */
	HS_K_EFLAGS,    /* O_CLOEXEC, EPOLL_CLOEXEC, EFD_*, SOCK_*: by syscall; 0 */
	HS_K_STR,       /* "a string" that is not a path: cut at 32 */
	HS_K_RLIMIT_RES, /* RLIMIT_STACK */
	HS_K_RLIMIT_IN, /* {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY} */
	HS_K_RLIMIT_OUT,
	HS_K_OCT,       /* umask's argument: 022 */
	HS_K_RANDOM_OUT, /* getrandom's bytes: "\x9f\x51", hex escapes */
	HS_K_GRND,      /* GRND_NONBLOCK */
	HS_K_ARCH_CODE, /* ARCH_SET_FS */
	HS_K_STATX_FLAGS, /* AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW */
	HS_K_STATX_MASK, /* STATX_MODE|STATX_SIZE */
	HS_K_STATX_OUT, /* {stx_mask=..., stx_attributes=0, stx_mode=..., stx_size=13, ...} */
	HS_K_UTSNAME_OUT, /* {sysname="Linux", nodename="vm", ...} */
	HS_K_DIRENTS_OUT, /* the address and a comment "17 entries": the reader
			   * counts them */
	HS_K_ARGV,      /* ["/bin/ls", "-l"]: read through the reader's callback */
	HS_K_ENVP,      /* 0x7ffc... followed by a comment "20 vars" */
	HS_K_IOV_IN,    /* [{iov_base="hi", iov_len=2}], count next (writev) */
	HS_K_IOV_OUT,   /* the same with the bytes the call returned (readv) */
	HS_K_ITIMER_WHICH, /* ITIMER_REAL */
	HS_K_ITIMERVAL_IN, /* {it_interval={tv_sec=0, tv_usec=0}, it_value={...}} */
	HS_K_ITIMERVAL_OUT,
	HS_K_INT_OUT,   /* [0]: an int the call writes (getsockopt's value) */
	HS_K_CSTR_OUT,  /* "/tmp": a string the call writes (getcwd) */
	HS_K_CPUSET_OUT, /* [0 1]: the CPUs of the mask the call wrote */
	HS_K_STACK_IN,  /* {ss_sp=0x..., ss_flags=0, ss_size=8192} */
	HS_K_STACK_OUT,
	HS_K_STATFS_OUT, /* {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, ...} */
	HS_K_MSYNC_FLAGS, /* MS_SYNC */
	HS_K_FLOCK_OP,  /* LOCK_EX|LOCK_NB */
	HS_K_RUSAGE_WHO, /* RUSAGE_SELF */
	HS_K_RUSAGE_OUT, /* {ru_utime={tv_sec=0, tv_usec=2945}, ru_stime={...}, ...} */
	HS_K_TMS_OUT,   /* {tms_utime=0, tms_stime=0, tms_cutime=0, tms_cstime=0} */
	HS_K_FDSET,     /* [3 4]: select's set of the first argument's size */
	HS_K_TV_IN,     /* {tv_sec=1, tv_usec=0} (select's timeout) */
	HS_K_SYSINFO_OUT, /* {uptime=4263, loads=[...], totalram=..., ..., mem_unit=1} */
	HS_K_SIGFRAME,  /* rt_sigreturn's {mask=[...]}: the signal frame's
			 * uc_sigmask at the stack pointer + 296, read by the
			 * reader (no argument: prints nothing when unknown) */
	HS_K_IDTYPE,    /* waitid's P_PID */
	HS_K_SIGINFO_IN,  /* {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=..., ...}:
			   * the 128 bytes the call reads (rt_sigqueueinfo) */
	HS_K_SIGINFO_OUT, /* the same, written by the call (waitid), {} when
			   * it wrote a zero si_signo */
	HS_K_ITIMERSPEC_IN,  /* {it_interval={tv_sec=1, tv_nsec=0}, it_value={...}} */
	HS_K_ITIMERSPEC_OUT,
	HS_K_PRIO_WHICH,     /* PRIO_PROCESS */
	HS_K_INOTIFY_MASK,   /* IN_MODIFY|IN_CREATE */
	HS_K_PRCTL_OP,       /* PR_SET_NAME */
	HS_K_PRCTL_ARG,      /* prctl's others: which print, and how, depends on the op */
	HS_K_FADVICE,        /* POSIX_FADV_SEQUENTIAL */
	HS_K_LOFF_IN,        /* [0]: an offset in memory (splice, copy_file_range), NULL */
	HS_K_SIGEVENT_IN,    /* {sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL, ...} */
	HS_K_SCHED_POLICY,   /* SCHED_FIFO */
	HS_K_CPUSET_IN,      /* [0 1]: sched_setaffinity's mask, its size before it */
	HS_K_MINCORE_OUT,    /* [1, 0]: a byte a page of the length before it */
	HS_K_MSGHDR_IN,      /* {msg_name=NULL, msg_namelen=0, msg_iov=[...], ...} (sendmsg) */
	HS_K_MSGHDR_OUT,     /* the same, as the call filled it (recvmsg) */
	HS_K_IOCTL_ARG,      /* [0] (FIONREAD), {ws_row=24, ...} (TIOCGWINSZ), {c_iflag=...} (TCGETS,
			      * TCSETS*: the recorder copies the struct set), or an address */
	HS_K_LOFF_IO,        /* [0] => [10]: sendfile's offset before and after */
	HS_K_GIDS_IN,        /* [0, 4, 27]: setgroups' list, its size before it */
	HS_K_GIDS_OUT,       /* the same, getgroups' (as many as the result) */
	HS_K_UTIMENS_IN,     /* [{tv_sec=1577836800, tv_nsec=0} /\* 2020-01-01T00:00:00+0000 *\/,
			      * UTIME_NOW]: utimensat's two times */
	HS_K_COUNT
};

/* Result kinds. */
enum hs_sys_ret {
	HS_R_INT = 0,   /* = 3 */
	HS_R_HEX,       /* = 0x483c000 (addresses: mmap, brk) */
	HS_R_NONE,      /* never returns (exit, exit_group): = ? */
	HS_R_POLL,      /* = 1 ([{fd=3, revents=POLLIN}]), = 0 (Timeout) */
	HS_R_SELECT,    /* = 1 (in [3], left {tv_sec=0, tv_usec=999990}) */
	HS_R_OCT,       /* = 022 */
	HS_R_SIGNUM,    /* = 12 (SIGUSR2): a signal number (rt_sigtimedwait) */
	HS_R_PRCTL,     /* = 1 (SUID_DUMP_USER): prctl's named results */
	HS_R_PERSONA,   /* = 0 (PER_LINUX) */
	HS_R_POLICY,    /* = 0 (SCHED_OTHER) */
	HS_R_COUNT
};

/* One row: nr, name, result kind, then six argument kinds (_ for none,
 * which must come last).  In nr order. */
#define HS_SYS_TABLE(X) \
	X(0, read, INT, FD, BUF_OUT, UINT, _, _, _) \
	X(1, write, INT, FD, BUF_IN, UINT, _, _, _) \
	X(2, open, INT, PATH, OFLAGS, OMODE, _, _, _) \
	X(3, close, INT, FD, _, _, _, _, _) \
	X(4, stat, INT, PATH, STAT_OUT, _, _, _, _) \
	X(5, fstat, INT, FD, STAT_OUT, _, _, _, _) \
	X(6, lstat, INT, PATH, STAT_OUT, _, _, _, _) \
	X(7, poll, POLL, POLLFDS, UINT, INT, _, _, _) \
	X(8, lseek, INT, FD, LONG, WHENCE, _, _, _) \
	X(9, mmap, HEX, PTR, UINT, PROT, MAPFLAGS, FD, HEX) \
	X(10, mprotect, INT, PTR, UINT, PROT, _, _, _) \
	X(11, munmap, INT, PTR, UINT, _, _, _, _) \
	X(12, brk, HEX, PTR, _, _, _, _, _) \
	X(13, rt_sigaction, INT, SIG, SIGACT_IN, SIGACT_OUT, UINT, _, _) \
	X(14, rt_sigprocmask, INT, SIGHOW, SIGSET_IN, SIGSET_OUT, UINT, _, _) \
	X(15, rt_sigreturn, INT, SIGFRAME, _, _, _, _, _) \
	X(16, ioctl, INT, FD, IOCTL_REQ, IOCTL_ARG, _, _, _) \
	X(17, pread64, INT, FD, BUF_OUT, UINT, LONG, _, _) \
	X(18, pwrite64, INT, FD, BUF_IN, UINT, LONG, _, _) \
	X(19, readv, INT, FD, IOV_OUT, INT, _, _, _) \
	X(20, writev, INT, FD, IOV_IN, INT, _, _, _) \
	X(21, access, INT, PATH, ACCESS, _, _, _, _) \
	X(22, pipe, INT, PIPE_OUT, _, _, _, _, _) \
	X(23, select, SELECT, INT, FDSET, FDSET, FDSET, TV_IN, _) \
	X(24, sched_yield, INT, _, _, _, _, _, _) \
	X(25, mremap, HEX, PTR, UINT, UINT, REMAP_FLAGS, REMAP_NEW, _) \
	X(26, msync, INT, PTR, UINT, MSYNC_FLAGS, _, _, _) \
	X(27, mincore, INT, PTR, UINT, MINCORE_OUT, _, _, _) \
	X(28, madvise, INT, PTR, UINT, MADV, _, _, _) \
	X(32, dup, INT, FD, _, _, _, _, _) \
	X(33, dup2, INT, FD, FD, _, _, _, _) \
	X(34, pause, INT, _, _, _, _, _, _) \
	X(35, nanosleep, INT, TS_IN, TS_REM, _, _, _, _) \
	X(36, getitimer, INT, ITIMER_WHICH, ITIMERVAL_OUT, _, _, _, _) \
	X(37, alarm, INT, UINT, _, _, _, _, _) \
	X(38, setitimer, INT, ITIMER_WHICH, ITIMERVAL_IN, ITIMERVAL_OUT, _, _, _) \
	X(39, getpid, INT, _, _, _, _, _, _) \
	X(40, sendfile, INT, FD, FD, LOFF_IO, UINT, _, _) \
	X(41, socket, INT, FAMILY, SOCKTYPE, SOCKPROTO, _, _, _) \
	X(42, connect, INT, FD, SOCKADDR_IN, UINT, _, _, _) \
	X(43, accept, INT, FD, SOCKADDR_OUT, SOCKLEN_IO, _, _, _) \
	X(44, sendto, INT, FD, BUF_IN, UINT, MSGFLAGS, SOCKADDR_IN, UINT) \
	X(45, recvfrom, INT, FD, BUF_OUT, UINT, MSGFLAGS, SOCKADDR_OUT, SOCKLEN_IO) \
	X(46, sendmsg, INT, FD, MSGHDR_IN, MSGFLAGS, _, _, _) \
	X(47, recvmsg, INT, FD, MSGHDR_OUT, MSGFLAGS, _, _, _) \
	X(48, shutdown, INT, FD, SHUTHOW, _, _, _, _) \
	X(49, bind, INT, FD, SOCKADDR_IN, UINT, _, _, _) \
	X(50, listen, INT, FD, INT, _, _, _, _) \
	X(51, getsockname, INT, FD, SOCKADDR_OUT, SOCKLEN_IO, _, _, _) \
	X(52, getpeername, INT, FD, SOCKADDR_OUT, SOCKLEN_IO, _, _, _) \
	X(53, socketpair, INT, FAMILY, SOCKTYPE, SOCKPROTO, PIPE_OUT, _, _) \
	X(54, setsockopt, INT, FD, SOCKLEVEL, SOCKOPT, INT_IN, UINT, _) \
	X(55, getsockopt, INT, FD, SOCKLEVEL, SOCKOPT, INT_OUT, SOCKLEN_IO, _) \
	X(56, clone, INT, CLONE_FLAGS, CLONE_ARG, CLONE_ARG, CLONE_ARG, CLONE_ARG, _) \
	X(57, fork, INT, _, _, _, _, _, _) \
	X(58, vfork, INT, _, _, _, _, _, _) \
	X(59, execve, INT, PATH, ARGV, ENVP, _, _, _) \
	X(60, exit, NONE, INT, _, _, _, _, _) \
	X(61, wait4, INT, INT, WSTATUS_OUT, WOPTIONS, RUSAGE_OUT, _, _) \
	X(62, kill, INT, INT, SIG, _, _, _, _) \
	X(63, uname, INT, UTSNAME_OUT, _, _, _, _, _) \
	X(72, fcntl, INT, FD, FCNTL_CMD, FCNTL_ARG, _, _, _) \
	X(73, flock, INT, FD, FLOCK_OP, _, _, _, _) \
	X(74, fsync, INT, FD, _, _, _, _, _) \
	X(75, fdatasync, INT, FD, _, _, _, _, _) \
	X(76, truncate, INT, PATH, LONG, _, _, _, _) \
	X(77, ftruncate, INT, FD, LONG, _, _, _, _) \
	X(78, getdents, INT, FD, DIRENTS_OUT, UINT, _, _, _) \
	X(79, getcwd, INT, CSTR_OUT, UINT, _, _, _, _) \
	X(80, chdir, INT, PATH, _, _, _, _, _) \
	X(81, fchdir, INT, FD, _, _, _, _, _) \
	X(82, rename, INT, PATH, PATH, _, _, _, _) \
	X(83, mkdir, INT, PATH, MODE, _, _, _, _) \
	X(84, rmdir, INT, PATH, _, _, _, _, _) \
	X(85, creat, INT, PATH, MODE, _, _, _, _) \
	X(86, link, INT, PATH, PATH, _, _, _, _) \
	X(87, unlink, INT, PATH, _, _, _, _, _) \
	X(88, symlink, INT, PATH, PATH, _, _, _, _) \
	X(89, readlink, INT, PATH, BUF_OUT, UINT, _, _, _) \
	X(90, chmod, INT, PATH, MODE, _, _, _, _) \
	X(91, fchmod, INT, FD, MODE, _, _, _, _) \
	X(92, chown, INT, PATH, INT, INT, _, _, _) \
	X(93, fchown, INT, FD, INT, INT, _, _, _) \
	X(94, lchown, INT, PATH, INT, INT, _, _, _) \
	X(95, umask, OCT, OCT, _, _, _, _, _) \
	X(96, gettimeofday, INT, PTR, PTR, _, _, _, _) \
	X(97, getrlimit, INT, RLIMIT_RES, RLIMIT_OUT, _, _, _, _) \
	X(98, getrusage, INT, RUSAGE_WHO, RUSAGE_OUT, _, _, _, _) \
	X(99, sysinfo, INT, SYSINFO_OUT, _, _, _, _, _) \
	X(100, times, INT, TMS_OUT, _, _, _, _, _) \
	X(102, getuid, INT, _, _, _, _, _, _) \
	X(104, getgid, INT, _, _, _, _, _, _) \
	X(105, setuid, INT, INT, _, _, _, _, _) \
	X(106, setgid, INT, INT, _, _, _, _, _) \
	X(107, geteuid, INT, _, _, _, _, _, _) \
	X(108, getegid, INT, _, _, _, _, _, _) \
	X(109, setpgid, INT, INT, INT, _, _, _, _) \
	X(110, getppid, INT, _, _, _, _, _, _) \
	X(111, getpgrp, INT, _, _, _, _, _, _) \
	X(112, setsid, INT, _, _, _, _, _, _) \
	X(113, setreuid, INT, INT, INT, _, _, _, _) \
	X(114, setregid, INT, INT, INT, _, _, _, _) \
	X(115, getgroups, INT, INT, GIDS_OUT, _, _, _, _) \
	X(116, setgroups, INT, INT, GIDS_IN, _, _, _, _) \
	X(117, setresuid, INT, INT, INT, INT, _, _, _) \
	X(118, getresuid, INT, INT_OUT, INT_OUT, INT_OUT, _, _, _) \
	X(119, setresgid, INT, INT, INT, INT, _, _, _) \
	X(120, getresgid, INT, INT_OUT, INT_OUT, INT_OUT, _, _, _) \
	X(121, getpgid, INT, INT, _, _, _, _, _) \
	X(124, getsid, INT, INT, _, _, _, _, _) \
	X(127, rt_sigpending, INT, SIGSET_OUT, UINT, _, _, _, _) \
	X(128, rt_sigtimedwait, SIGNUM, SIGSET_IN, SIGINFO_OUT, TS_IN, UINT, _, _) \
	X(129, rt_sigqueueinfo, INT, INT, SIG, SIGINFO_IN, _, _, _) \
	X(130, rt_sigsuspend, INT, SIGSET_IN, UINT, _, _, _, _) \
	X(131, sigaltstack, INT, STACK_IN, STACK_OUT, _, _, _, _) \
	X(135, personality, PERSONA, HEX, _, _, _, _, _) \
	X(137, statfs, INT, PATH, STATFS_OUT, _, _, _, _) \
	X(138, fstatfs, INT, FD, STATFS_OUT, _, _, _, _) \
	X(140, getpriority, INT, PRIO_WHICH, INT, _, _, _, _) \
	X(141, setpriority, INT, PRIO_WHICH, INT, INT, _, _, _) \
	X(143, sched_getparam, INT, INT, INT_OUT, _, _, _, _) \
	X(145, sched_getscheduler, POLICY, INT, _, _, _, _, _) \
	X(146, sched_get_priority_max, INT, SCHED_POLICY, _, _, _, _, _) \
	X(147, sched_get_priority_min, INT, SCHED_POLICY, _, _, _, _, _) \
	X(149, mlock, INT, PTR, UINT, _, _, _, _) \
	X(150, munlock, INT, PTR, UINT, _, _, _, _) \
	X(151, mlockall, INT, EFLAGS, _, _, _, _, _) \
	X(152, munlockall, INT, _, _, _, _, _, _) \
	X(157, prctl, PRCTL, PRCTL_OP, PRCTL_ARG, PRCTL_ARG, PRCTL_ARG, PRCTL_ARG, _) \
	X(158, arch_prctl, INT, ARCH_CODE, HEX, _, _, _, _) \
	X(160, setrlimit, INT, RLIMIT_RES, RLIMIT_IN, _, _, _, _) \
	X(161, chroot, INT, PATH, _, _, _, _, _) \
	X(162, sync, INT, _, _, _, _, _, _) \
	X(186, gettid, INT, _, _, _, _, _, _) \
	X(188, setxattr, INT, PATH, STR, BUF_IN, UINT, HEX, _) \
	X(189, lsetxattr, INT, PATH, STR, BUF_IN, UINT, HEX, _) \
	X(190, fsetxattr, INT, FD, STR, BUF_IN, UINT, HEX, _) \
	X(191, getxattr, INT, PATH, STR, BUF_OUT, UINT, _, _) \
	X(192, lgetxattr, INT, PATH, STR, BUF_OUT, UINT, _, _) \
	X(193, fgetxattr, INT, FD, STR, BUF_OUT, UINT, _, _) \
	X(200, tkill, INT, INT, SIG, _, _, _, _) \
	X(201, time, INT, PTR, _, _, _, _, _) \
	X(202, futex, INT, PTR, FUTEX_OP, FUTEX_ARG, FUTEX_ARG, FUTEX_ARG, FUTEX_ARG) \
	X(203, sched_setaffinity, INT, INT, UINT, CPUSET_IN, _, _, _) \
	X(204, sched_getaffinity, INT, INT, UINT, CPUSET_OUT, _, _, _) \
	X(213, epoll_create, INT, INT, _, _, _, _, _) \
	X(217, getdents64, INT, FD, DIRENTS_OUT, UINT, _, _, _) \
	X(218, set_tid_address, INT, PTR, _, _, _, _, _) \
	X(219, restart_syscall, INT, _, _, _, _, _, _) \
	X(221, fadvise64, INT, FD, LONG, LONG, FADVICE, _, _) \
	X(222, timer_create, INT, CLOCKID, SIGEVENT_IN, INT_OUT, _, _, _) \
	X(223, timer_settime, INT, INT, EFLAGS, ITIMERSPEC_IN, ITIMERSPEC_OUT, _, _) \
	X(224, timer_gettime, INT, INT, ITIMERSPEC_OUT, _, _, _, _) \
	X(225, timer_getoverrun, INT, INT, _, _, _, _, _) \
	X(226, timer_delete, INT, INT, _, _, _, _, _) \
	X(227, clock_settime, INT, CLOCKID, TS_IN, _, _, _, _) \
	X(228, clock_gettime, INT, CLOCKID, TS_OUT, _, _, _, _) \
	X(229, clock_getres, INT, CLOCKID, TS_OUT, _, _, _, _) \
	X(230, clock_nanosleep, INT, CLOCKID, INT, TS_IN, TS_REM, _, _) \
	X(231, exit_group, NONE, INT, _, _, _, _, _) \
	X(232, epoll_wait, INT, FD, EPOLL_OUT, INT, INT, _, _) \
	X(233, epoll_ctl, INT, FD, EPOLL_OP, FD, EPOLL_IN, _, _) \
	X(234, tgkill, INT, INT, INT, SIG, _, _, _) \
	X(247, waitid, INT, IDTYPE, INT, SIGINFO_OUT, WOPTIONS, RUSAGE_OUT, _) \
	X(253, inotify_init, INT, _, _, _, _, _, _) \
	X(254, inotify_add_watch, INT, FD, PATH, INOTIFY_MASK, _, _, _) \
	X(255, inotify_rm_watch, INT, FD, INT, _, _, _, _) \
	X(257, openat, INT, DIRFD, PATH, OFLAGS, OMODE, _, _) \
	X(258, mkdirat, INT, DIRFD, PATH, MODE, _, _, _) \
	X(262, newfstatat, INT, DIRFD, PATH, STAT_OUT, ATFLAGS, _, _) \
	X(263, unlinkat, INT, DIRFD, PATH, ATFLAGS, _, _, _) \
	X(264, renameat, INT, DIRFD, PATH, DIRFD, PATH, _, _) \
	X(265, linkat, INT, DIRFD, PATH, DIRFD, PATH, ATFLAGS, _) \
	X(266, symlinkat, INT, PATH, DIRFD, PATH, _, _, _) \
	X(267, readlinkat, INT, DIRFD, PATH, BUF_OUT, UINT, _, _) \
	X(268, fchmodat, INT, DIRFD, PATH, MODE, _, _, _) \
	X(269, faccessat, INT, DIRFD, PATH, ACCESS, _, _, _) \
	X(270, pselect6, SELECT, INT, FDSET, FDSET, FDSET, TS_IN, PTR) \
	X(271, ppoll, POLL, POLLFDS, UINT, TS_IN, SIGSET_IN, UINT, _) \
	X(273, set_robust_list, INT, PTR, UINT, _, _, _, _) \
	X(275, splice, INT, FD, LOFF_IN, FD, LOFF_IN, UINT, EFLAGS) \
	X(276, tee, INT, FD, FD, UINT, EFLAGS, _, _) \
	X(280, utimensat, INT, DIRFD, PATH, UTIMENS_IN, ATFLAGS, _, _) \
	X(281, epoll_pwait, INT, FD, EPOLL_OUT, INT, INT, SIGSET_IN, UINT) \
	X(282, signalfd, INT, FD, SIGSET_IN, UINT, _, _, _) \
	X(283, timerfd_create, INT, CLOCKID, EFLAGS, _, _, _, _) \
	X(284, eventfd, INT, UINT, _, _, _, _, _) \
	X(285, fallocate, INT, FD, INT, LONG, LONG, _, _) \
	X(286, timerfd_settime, INT, FD, EFLAGS, ITIMERSPEC_IN, ITIMERSPEC_OUT, _, _) \
	X(287, timerfd_gettime, INT, FD, ITIMERSPEC_OUT, _, _, _, _) \
	X(288, accept4, INT, FD, SOCKADDR_OUT, SOCKLEN_IO, EFLAGS, _, _) \
	X(289, signalfd4, INT, FD, SIGSET_IN, UINT, EFLAGS, _, _) \
	X(290, eventfd2, INT, UINT, EFLAGS, _, _, _, _) \
	X(291, epoll_create1, INT, EFLAGS, _, _, _, _, _) \
	X(292, dup3, INT, FD, FD, EFLAGS, _, _, _) \
	X(293, pipe2, INT, PIPE_OUT, EFLAGS, _, _, _, _) \
	X(294, inotify_init1, INT, EFLAGS, _, _, _, _, _) \
	X(295, preadv, INT, FD, IOV_OUT, INT, LONG, _, _) \
	X(296, pwritev, INT, FD, IOV_IN, INT, LONG, _, _) \
	X(297, rt_tgsigqueueinfo, INT, INT, INT, SIG, SIGINFO_IN, _, _) \
	X(302, prlimit64, INT, INT, RLIMIT_RES, RLIMIT_IN, RLIMIT_OUT, _, _) \
	X(306, syncfs, INT, FD, _, _, _, _, _) \
	X(316, renameat2, INT, DIRFD, PATH, DIRFD, PATH, HEX, _) \
	X(318, getrandom, INT, RANDOM_OUT, UINT, GRND, _, _, _) \
	X(319, memfd_create, INT, STR, EFLAGS, _, _, _, _) \
	X(322, execveat, INT, DIRFD, PATH, ARGV, ENVP, ATFLAGS, _) \
	X(326, copy_file_range, INT, FD, LOFF_IN, FD, LOFF_IN, UINT, UINT) \
	X(332, statx, INT, DIRFD, PATH, STATX_FLAGS, STATX_MASK, STATX_OUT, _) \
	X(334, rseq, INT, PTR, HEX, INT, HEX, _, _) \
	X(434, pidfd_open, INT, INT, UINT, _, _, _, _) \
	X(435, clone3, INT, PTR, UINT, _, _, _, _) \
	X(436, close_range, INT, UINT, UINT, EFLAGS, _, _, _) \
	X(437, openat2, INT, DIRFD, PATH, PTR, UINT, _, _) \
	X(439, faccessat2, INT, DIRFD, PATH, ACCESS, ATFLAGS, _, _)

struct hs_sys_row {
	uint16_t nr;
	uint8_t ret;            /* enum hs_sys_ret */
	uint8_t nargs;
	uint8_t kind[6];        /* enum hs_sys_kind */
	const char *name;
};

#define HS_SYS_NARGS_(a, b, c, d, e, f) \
	((HS_K_##a != HS_K__) + (HS_K_##b != HS_K__) + (HS_K_##c != HS_K__) + \
	 (HS_K_##d != HS_K__) + (HS_K_##e != HS_K__) + (HS_K_##f != HS_K__))
#define HS_SYS_ROW_(nr, name, r, a, b, c, d, e, f) \
	{ nr, HS_R_##r, HS_SYS_NARGS_(a, b, c, d, e, f), \
	  { HS_K_##a, HS_K_##b, HS_K_##c, HS_K_##d, HS_K_##e, HS_K_##f }, #name },

static const struct hs_sys_row hs_sys_rows[] = { HS_SYS_TABLE(HS_SYS_ROW_) };

#define HS_SYS_N_ROWS (sizeof(hs_sys_rows) / sizeof(hs_sys_rows[0]))

/* The row of syscall nr, or NULL when the table has none. */
static inline const struct hs_sys_row *hs_sys_row_of(uint32_t nr)
{
	uint32_t lo = 0, hi = HS_SYS_N_ROWS;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (hs_sys_rows[mid].nr == nr)
			return &hs_sys_rows[mid];
		if (hs_sys_rows[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

#define HS_SYS_CAP_(n) ((n) < HS_SYS_STR_MAX ? (uint32_t)(n) : (uint32_t)HS_SYS_STR_MAX)

/* What the recorder copies of argument i at entry, and the reader expects
 * there: the number of bytes at args[i] (0: nothing); *string set when
 * the bytes stop after a NUL (a string: at most HS_SYS_STR_MAX + 1 bytes,
 * the last one not a NUL when cut). */
static inline uint32_t hs_sys_want(const struct hs_sys_row *r, int i, const uint64_t args[6],
				   int *string)
{
	uint64_t a = args[i], next = i < 5 ? args[i + 1] : 0;

	*string = 0;
	if (!r || !a)
		return 0;
	switch (r->kind[i]) {
	case HS_K_PATH:
	case HS_K_STR:
		*string = 1;
		return HS_SYS_STR_MAX + 1;
	case HS_K_BUF_IN:
	case HS_K_SOCKADDR_IN:
		return HS_SYS_CAP_(next);
	case HS_K_SIGINFO_IN:
		return 128; /* siginfo_t */
	case HS_K_SIGACT_IN:
	case HS_K_ITIMERVAL_IN:
	case HS_K_ITIMERSPEC_IN:
		return 32; /* sigaction: handler, flags, restorer, mask (the kernel's) */
	case HS_K_STACK_IN:
		return 24;
	case HS_K_SIGSET_IN:
		return 8;
	case HS_K_TS_IN:
	case HS_K_TV_IN:
	case HS_K_RLIMIT_IN:
		return 16;
	case HS_K_UTIMENS_IN:
		return 32;
	case HS_K_FDSET: { /* the bits of the first nfds descriptors */
		uint64_t n = args[0] > 1024 ? 1024 : args[0];

		return HS_SYS_CAP_((n + 7) / 8);
	}
	case HS_K_EPOLL_IN:
		return 12;
	case HS_K_LOFF_IN:
	case HS_K_LOFF_IO: /* the kernel writes it back */
		return 8;
	case HS_K_SIGEVENT_IN:
		return 16; /* value, signo, notify: what strace prints */
	case HS_K_CPUSET_IN: /* the size is the argument before */
		return HS_SYS_CAP_(i ? args[i - 1] : 0);
	case HS_K_GIDS_IN: /* gid_t, as many as the argument before */
		return i && args[i - 1] <= 65536 ? HS_SYS_CAP_(args[i - 1] * 4) : 0;
	case HS_K_PRCTL_ARG: /* PR_SET_NAME's name */
		if (i == 1 && args[0] == 15) {
			*string = 1;
			return 16;
		}
		return 0;
	case HS_K_INT_IN:
	case HS_K_SOCKLEN_IO:
		return 4;
	case HS_K_IOCTL_ARG:
		switch ((uint32_t)args[1]) {
		case 0x5402: /* TCSETS, TCSETSW, TCSETSF: struct termios */
		case 0x5403:
		case 0x5404:
			return 36;
		case 0x5414: /* TIOCSWINSZ: struct winsize */
			return 8;
		case 0x5410: /* TIOCSPGRP, FIONBIO: an int */
		case 0x5421:
			return 4;
		default:
			return 0;
		}
	case HS_K_POLLFDS:
		return next > HS_SYS_STR_MAX / 8 ? HS_SYS_STR_MAX : (uint32_t)next * 8;
	case HS_K_FUTEX_ARG: {
		/* the timeout of the waiting ops (FUTEX_WAIT, _BITSET, LOCK_PI*) */
		uint32_t op = (uint32_t)args[1] & 127;

		return i == 3 && (op == 0 || op == 9 || op == 6 || op == 11 || op == 13) ? 16 : 0;
	}
	default:
		return 0;
	}
}

#endif
