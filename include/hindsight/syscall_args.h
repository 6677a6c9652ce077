/* syscall_args.h - which syscall arguments are strings or buffers.
 *
 * Shared by the recorder (builder/recorder, a static Valgrind tool: no
 * libc, hence a plain table in a header) and the events formatter
 * (fs/query/db_text.c).  The formatter prints a syscall's arguments in
 * hex, as many as nargs, and after the hex:
 *   - for an argument in str_mask, the C string at that address, at most
 *     HS_SYS_STR_MAX bytes ("..." when cut);
 *   - for argument buf_arg (when len_arg >= 0), the first
 *     min(args[len_arg], HS_SYS_STR_MAX) bytes of the buffer.
 * The recorder copies exactly those bytes into the SYSCALL_ENTER record
 * (trace_format.h), so that the formatter needs no memory read.
 * Syscalls not listed: 6 arguments, no strings.
 *
 * Owner: the events formatter's maintainers.  Nothing here allocates.
 */
#ifndef HINDSIGHT_SYSCALL_ARGS_H
#define HINDSIGHT_SYSCALL_ARGS_H

#include <stdint.h>

/* Bytes of a string or buffer argument that the formatter prints
 * (equals HS_DB_STR_MAX in db.h). */
#define HS_SYS_STR_MAX 128

struct hs_sys_sig {
	uint16_t nr;
	uint8_t nargs;
	uint8_t str_mask;   /* bit i: argument i is a NUL-terminated string */
	int8_t buf_arg;     /* an argument that is a buffer, or -1 */
	int8_t len_arg;     /* the argument that holds its length, or -1 */
};

#define HS_SYS_S(n) (1u << (n))

/* Sorted by nr. */
static const struct hs_sys_sig hs_sys_sigs[] = {
	{ 0, 3, 0, -1, -1 },        /* read */
	{ 1, 3, 0, 1, 2 },          /* write */
	{ 2, 3, HS_SYS_S(0), -1, -1 },     /* open */
	{ 3, 1, 0, -1, -1 },        /* close */
	{ 4, 2, HS_SYS_S(0), -1, -1 },     /* stat */
	{ 5, 2, 0, -1, -1 },        /* fstat */
	{ 6, 2, HS_SYS_S(0), -1, -1 },     /* lstat */
	{ 7, 3, 0, -1, -1 },        /* poll */
	{ 8, 3, 0, -1, -1 },        /* lseek */
	{ 9, 6, 0, -1, -1 },        /* mmap */
	{ 10, 3, 0, -1, -1 },       /* mprotect */
	{ 11, 2, 0, -1, -1 },       /* munmap */
	{ 12, 1, 0, -1, -1 },       /* brk */
	{ 13, 4, 0, -1, -1 },       /* rt_sigaction */
	{ 14, 4, 0, -1, -1 },       /* rt_sigprocmask */
	{ 15, 0, 0, -1, -1 },       /* rt_sigreturn */
	{ 16, 3, 0, -1, -1 },       /* ioctl */
	{ 17, 4, 0, -1, -1 },       /* pread64 */
	{ 18, 4, 0, 1, 2 },         /* pwrite64 */
	{ 19, 3, 0, -1, -1 },       /* readv */
	{ 20, 3, 0, -1, -1 },       /* writev */
	{ 21, 2, HS_SYS_S(0), -1, -1 },    /* access */
	{ 22, 1, 0, -1, -1 },       /* pipe */
	{ 23, 5, 0, -1, -1 },       /* select */
	{ 24, 0, 0, -1, -1 },       /* sched_yield */
	{ 25, 5, 0, -1, -1 },       /* mremap */
	{ 26, 3, 0, -1, -1 },       /* msync */
	{ 28, 3, 0, -1, -1 },       /* madvise */
	{ 32, 1, 0, -1, -1 },       /* dup */
	{ 33, 2, 0, -1, -1 },       /* dup2 */
	{ 35, 2, 0, -1, -1 },       /* nanosleep */
	{ 39, 0, 0, -1, -1 },       /* getpid */
	{ 41, 3, 0, -1, -1 },       /* socket */
	{ 42, 3, 0, -1, -1 },       /* connect */
	{ 43, 3, 0, -1, -1 },       /* accept */
	{ 44, 6, 0, 1, 2 },         /* sendto */
	{ 45, 6, 0, -1, -1 },       /* recvfrom */
	{ 56, 5, 0, -1, -1 },       /* clone */
	{ 57, 0, 0, -1, -1 },       /* fork */
	{ 58, 0, 0, -1, -1 },       /* vfork */
	{ 59, 3, HS_SYS_S(0), -1, -1 },    /* execve */
	{ 60, 1, 0, -1, -1 },       /* exit */
	{ 61, 4, 0, -1, -1 },       /* wait4 */
	{ 62, 2, 0, -1, -1 },       /* kill */
	{ 63, 1, 0, -1, -1 },       /* uname */
	{ 72, 3, 0, -1, -1 },       /* fcntl */
	{ 73, 2, 0, -1, -1 },       /* flock */
	{ 74, 1, 0, -1, -1 },       /* fsync */
	{ 76, 2, HS_SYS_S(0), -1, -1 },    /* truncate */
	{ 77, 2, 0, -1, -1 },       /* ftruncate */
	{ 78, 3, 0, -1, -1 },       /* getdents */
	{ 79, 2, 0, -1, -1 },       /* getcwd */
	{ 80, 1, HS_SYS_S(0), -1, -1 },    /* chdir */
	{ 81, 1, 0, -1, -1 },       /* fchdir */
	{ 82, 2, HS_SYS_S(0) | HS_SYS_S(1), -1, -1 }, /* rename */
	{ 83, 2, HS_SYS_S(0), -1, -1 },    /* mkdir */
	{ 84, 1, HS_SYS_S(0), -1, -1 },    /* rmdir */
	{ 85, 2, HS_SYS_S(0), -1, -1 },    /* creat */
	{ 86, 2, HS_SYS_S(0) | HS_SYS_S(1), -1, -1 }, /* link */
	{ 87, 1, HS_SYS_S(0), -1, -1 },    /* unlink */
	{ 88, 2, HS_SYS_S(0) | HS_SYS_S(1), -1, -1 }, /* symlink */
	{ 89, 3, HS_SYS_S(0), -1, -1 },    /* readlink */
	{ 90, 2, HS_SYS_S(0), -1, -1 },    /* chmod */
	{ 91, 2, 0, -1, -1 },       /* fchmod */
	{ 92, 3, HS_SYS_S(0), -1, -1 },    /* chown */
	{ 93, 3, 0, -1, -1 },       /* fchown */
	{ 94, 3, HS_SYS_S(0), -1, -1 },    /* lchown */
	{ 95, 1, 0, -1, -1 },       /* umask */
	{ 96, 2, 0, -1, -1 },       /* gettimeofday */
	{ 97, 2, 0, -1, -1 },       /* getrlimit */
	{ 98, 2, 0, -1, -1 },       /* getrusage */
	{ 99, 1, 0, -1, -1 },       /* sysinfo */
	{ 100, 1, 0, -1, -1 },      /* times */
	{ 102, 0, 0, -1, -1 },      /* getuid */
	{ 104, 0, 0, -1, -1 },      /* getgid */
	{ 107, 0, 0, -1, -1 },      /* geteuid */
	{ 108, 0, 0, -1, -1 },      /* getegid */
	{ 110, 0, 0, -1, -1 },      /* getppid */
	{ 131, 2, 0, -1, -1 },      /* sigaltstack */
	{ 137, 2, HS_SYS_S(0), -1, -1 },   /* statfs */
	{ 138, 2, 0, -1, -1 },      /* fstatfs */
	{ 157, 5, 0, -1, -1 },      /* prctl */
	{ 158, 2, 0, -1, -1 },      /* arch_prctl */
	{ 186, 0, 0, -1, -1 },      /* gettid */
	{ 201, 1, 0, -1, -1 },      /* time */
	{ 202, 6, 0, -1, -1 },      /* futex */
	{ 204, 3, 0, -1, -1 },      /* sched_getaffinity */
	{ 217, 3, 0, -1, -1 },      /* getdents64 */
	{ 218, 1, 0, -1, -1 },      /* set_tid_address */
	{ 228, 2, 0, -1, -1 },      /* clock_gettime */
	{ 230, 4, 0, -1, -1 },      /* clock_nanosleep */
	{ 231, 1, 0, -1, -1 },      /* exit_group */
	{ 234, 3, 0, -1, -1 },      /* tgkill */
	{ 257, 4, HS_SYS_S(1), -1, -1 },   /* openat */
	{ 258, 3, HS_SYS_S(1), -1, -1 },   /* mkdirat */
	{ 262, 4, HS_SYS_S(1), -1, -1 },   /* newfstatat */
	{ 263, 3, HS_SYS_S(1), -1, -1 },   /* unlinkat */
	{ 264, 4, HS_SYS_S(1) | HS_SYS_S(3), -1, -1 }, /* renameat */
	{ 265, 5, HS_SYS_S(1) | HS_SYS_S(3), -1, -1 }, /* linkat */
	{ 266, 3, HS_SYS_S(0) | HS_SYS_S(2), -1, -1 }, /* symlinkat */
	{ 267, 4, HS_SYS_S(1), -1, -1 },   /* readlinkat */
	{ 268, 3, HS_SYS_S(1), -1, -1 },   /* fchmodat */
	{ 269, 3, HS_SYS_S(1), -1, -1 },   /* faccessat */
	{ 273, 2, 0, -1, -1 },      /* set_robust_list */
	{ 280, 4, HS_SYS_S(1), -1, -1 },   /* utimensat */
	{ 292, 3, 0, -1, -1 },      /* dup3 */
	{ 293, 2, 0, -1, -1 },      /* pipe2 */
	{ 302, 4, 0, -1, -1 },      /* prlimit64 */
	{ 316, 5, HS_SYS_S(1) | HS_SYS_S(3), -1, -1 }, /* renameat2 */
	{ 318, 3, 0, -1, -1 },      /* getrandom */
	{ 319, 2, HS_SYS_S(0), -1, -1 },   /* memfd_create */
	{ 322, 5, HS_SYS_S(1), -1, -1 },   /* execveat */
	{ 332, 5, HS_SYS_S(1), -1, -1 },   /* statx */
	{ 334, 4, 0, -1, -1 },      /* rseq */
	{ 435, 2, 0, -1, -1 },      /* clone3 */
	{ 437, 4, HS_SYS_S(1), -1, -1 },   /* openat2 */
	{ 439, 4, HS_SYS_S(1), -1, -1 },   /* faccessat2 */
};

/* The signature of syscall nr: 6 arguments and no strings when unknown. */
static inline struct hs_sys_sig hs_sys_sig_of(uint32_t nr)
{
	uint32_t lo = 0, hi = sizeof(hs_sys_sigs) / sizeof(hs_sys_sigs[0]);
	struct hs_sys_sig none = { 0, 6, 0, -1, -1 };

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (hs_sys_sigs[mid].nr == nr)
			return hs_sys_sigs[mid];
		if (hs_sys_sigs[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	none.nr = (uint16_t)nr;
	return none;
}

#endif
