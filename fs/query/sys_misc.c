/* sys_misc.c - the decoders of the less common syscalls strace knows:
 * timers (timerfd_*, timer_*), signalfd, inotify, prctl, priorities and
 * scheduling, fadvise, splice, mincore, sendmsg/recvmsg's msghdr, socket
 * options of TCP and IP, ioctl and fcntl arguments in memory; the flags that O_CLOEXEC-style
 * arguments take in those calls; the results strace names (prctl,
 * personality, sched_getscheduler).
 *
 * The forms are strace 6.1's default output, checked against it on a
 * native run (tests/programs/sys_strace3.c, tests/e2e/ev_strace.sh).
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "sys_i.h"

/* ---- flags of the O_CLOEXEC kind, by syscall ------------------------------------ */

static const struct sys_flag tfd_flags[] = { { 02000000, "TFD_CLOEXEC" }, { 04000, "TFD_NONBLOCK" } };
static const struct sys_flag tfd_set[] = { { 1, "TFD_TIMER_ABSTIME" }, { 2, "TFD_TIMER_CANCEL_ON_SET" } };
static const struct sys_flag timer_set[] = { { 1, "TIMER_ABSTIME" } };
static const struct sys_flag sfd_flags[] = { { 02000000, "SFD_CLOEXEC" }, { 04000, "SFD_NONBLOCK" } };
static const struct sys_flag in_init[] = { { 02000000, "IN_CLOEXEC" }, { 04000, "IN_NONBLOCK" } };
static const struct sys_flag mfd_flags[] = { { 1, "MFD_CLOEXEC" }, { 2, "MFD_ALLOW_SEALING" },
					     { 4, "MFD_HUGETLB" }, { 8, "MFD_NOEXEC_SEAL" },
					     { 16, "MFD_EXEC" } };
static const struct sys_flag mcl_flags[] = { { 1, "MCL_CURRENT" }, { 2, "MCL_FUTURE" },
					     { 4, "MCL_ONFAULT" } };
static const struct sys_flag splice_flags[] = { { 1, "SPLICE_F_MOVE" }, { 2, "SPLICE_F_NONBLOCK" },
						{ 4, "SPLICE_F_MORE" }, { 8, "SPLICE_F_GIFT" } };
static const struct sys_flag close_range_flags[] = { { 2, "CLOSE_RANGE_UNSHARE" },
						     { 4, "CLOSE_RANGE_CLOEXEC" } };

/* the syscalls whose EFLAGS argument takes one of the tables above */
static const struct {
	uint32_t nr;
	const struct sys_flag *t;
	size_t n;
} flags_of[] = {
	{ 151, SYS_XLAT(mcl_flags) },         /* mlockall */
	{ 223, SYS_XLAT(timer_set) },         /* timer_settime */
	{ 275, SYS_XLAT(splice_flags) },      /* splice */
	{ 276, SYS_XLAT(splice_flags) },      /* tee */
	{ 283, SYS_XLAT(tfd_flags) },         /* timerfd_create */
	{ 286, SYS_XLAT(tfd_set) },           /* timerfd_settime */
	{ 289, SYS_XLAT(sfd_flags) },         /* signalfd4 */
	{ 294, SYS_XLAT(in_init) },           /* inotify_init1 */
	{ 319, SYS_XLAT(mfd_flags) },         /* memfd_create */
	{ 436, SYS_XLAT(close_range_flags) }, /* close_range */
};

bool sys_misc_flags(uint32_t nr, uint64_t v, struct sys_out *o)
{
	for (size_t k = 0; k < sizeof(flags_of) / sizeof(flags_of[0]); k++)
		if (flags_of[k].nr == nr) {
			sys_put_flags(o, flags_of[k].t, flags_of[k].n, v);
			return true;
		}
	return false;
}

/* ---- timers (their itimerspecs: sys_structs.c, with itimerval) ---- */

/* timer_create's struct sigevent: strace prints the value only when a
 * signal is sent (SIGEV_SIGNAL, SIGEV_THREAD_ID) */
static bool d_sigevent_in(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct sys_flag notify[] = { { 0, "SIGEV_SIGNAL" }, { 1, "SIGEV_NONE" },
						  { 2, "SIGEV_THREAD" }, { 4, "SIGEV_THREAD_ID" } };
	const uint8_t *p = sys_in_mem(c, i, 16);
	char tmp[16];
	const char *name;
	uint32_t how;

	if (!c->a[i] || !p) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	how = sys_le32(p + 12);
	sys_put(o, "{", 1);
	if (sys_le64(p)) { /* strace shows the value only when it is not 0 */
		uint64_t v = sys_le64(p);

		sys_putf(o, "sigev_value={sival_int=%d, sival_ptr=", (int)(uint32_t)v);
		sys_put_ptr(o, v);
		sys_puts(o, "}, ");
	}
	sys_puts(o, "sigev_signo=");
	name = sys_signame((int)sys_le32(p + 8), tmp, sizeof(tmp));
	if (name && sys_le32(p + 8))
		sys_puts(o, name);
	else
		sys_put_i64(o, (int)sys_le32(p + 8));
	sys_puts(o, ", sigev_notify=");
	sys_put_const(o, SYS_XLAT(notify), how);
	sys_put(o, "}", 1);
	return true;
}

/* ---- small constants --------------------------------------------------------------- */

static bool d_prio_which(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct sys_flag which[] = { { 0, "PRIO_PROCESS" }, { 1, "PRIO_PGRP" },
						 { 2, "PRIO_USER" } };

	sys_put_const(o, SYS_XLAT(which), (int)c->a[i]);
	return true;
}

static bool d_inotify_mask(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct sys_flag mask[] = {
		{ 0x1, "IN_ACCESS" }, { 0x2, "IN_MODIFY" }, { 0x4, "IN_ATTRIB" },
		{ 0x8, "IN_CLOSE_WRITE" }, { 0x10, "IN_CLOSE_NOWRITE" }, { 0x20, "IN_OPEN" },
		{ 0x40, "IN_MOVED_FROM" }, { 0x80, "IN_MOVED_TO" }, { 0x100, "IN_CREATE" },
		{ 0x200, "IN_DELETE" }, { 0x400, "IN_DELETE_SELF" }, { 0x800, "IN_MOVE_SELF" },
		{ 0x2000, "IN_UNMOUNT" }, { 0x4000, "IN_Q_OVERFLOW" }, { 0x8000, "IN_IGNORED" },
		{ 0x1000000, "IN_ONLYDIR" }, { 0x2000000, "IN_DONT_FOLLOW" },
		{ 0x4000000, "IN_EXCL_UNLINK" }, { 0x10000000, "IN_MASK_CREATE" },
		{ 0x20000000, "IN_MASK_ADD" }, { 0x40000000, "IN_ISDIR" },
		{ 0x80000000, "IN_ONESHOT" },
	};

	sys_put_flags(o, SYS_XLAT(mask), (uint32_t)c->a[i]);
	return true;
}

static bool d_fadvice(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct sys_flag advice[] = {
		{ 0, "POSIX_FADV_NORMAL" }, { 1, "POSIX_FADV_RANDOM" },
		{ 2, "POSIX_FADV_SEQUENTIAL" }, { 3, "POSIX_FADV_WILLNEED" },
		{ 4, "POSIX_FADV_DONTNEED" }, { 5, "POSIX_FADV_NOREUSE" },
	};

	sys_put_const(o, SYS_XLAT(advice), (int)c->a[i]);
	return true;
}

static const struct sys_flag policies[] = {
	{ 0, "SCHED_OTHER" }, { 1, "SCHED_FIFO" }, { 2, "SCHED_RR" }, { 3, "SCHED_BATCH" },
	{ 4, "SCHED_ISO" }, { 5, "SCHED_IDLE" }, { 6, "SCHED_DEADLINE" },
};

static bool d_sched_policy(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, SYS_XLAT(policies), (int)c->a[i]);
	return true;
}

/* splice's and copy_file_range's offsets: [0] as of the entry */
static bool d_loff_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_in_mem(c, i, 8);

	if (c->a[i] && p) {
		sys_put(o, "[", 1);
		sys_put_i64(o, (int64_t)sys_le64(p));
		sys_put(o, "]", 1);
	} else {
		sys_put_ptr(o, c->a[i]);
	}
	return true;
}

/* sched_setaffinity's mask: the CPUs set, as sched_getaffinity's */
static bool d_cpuset_in(const struct sys_call *c, int i, struct sys_out *o)
{
	size_t n = i && c->a[i - 1] < HS_SYS_STR_MAX ? (size_t)c->a[i - 1] : HS_SYS_STR_MAX;
	const uint8_t *p = sys_in_mem(c, i, n);

	if (!c->a[i] || !p || !n)
		sys_put_ptr(o, c->a[i]);
	else
		sys_put_cpuset(o, p, n);
	return true;
}

static uint32_t mincore_pages(const struct sys_call *c, int i)
{
	uint64_t n = i ? (c->a[i - 1] + 4095) / 4096 : 0;

	return n < HS_SYS_STR_MAX ? (uint32_t)n : HS_SYS_STR_MAX;
}

/* mincore's vector: a byte a page, 32 of them then "..." (strace's
 * limit on array elements) */
static bool d_mincore_out(const struct sys_call *c, int i, struct sys_out *o)
{
	uint32_t n = mincore_pages(c, i);
	const uint8_t *p = sys_out_mem(c, i, n);

	if (!c->a[i] || !p || !n) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	sys_put(o, "[", 1);
	for (uint32_t k = 0; k < n && k < SYS_STRLEN; k++) {
		if (k)
			sys_puts(o, ", ");
		sys_put_u64(o, p[k] & 1);
	}
	if (n > SYS_STRLEN)
		sys_puts(o, ", ...");
	sys_put(o, "]", 1);
	return true;
}

/* ---- groups ------------------------------------------------------------------------ */

/* gid_t lists: setgroups' (size before it) and getgroups' (the result);
 * the address past NGROUPS_MAX (65536) or a failed getgroups, 32
 * elements then "...", as strace's print_groups. */
static uint32_t gids_count(const struct sys_call *c, int i)
{
	uint64_t n = c->row->kind[i] == HS_K_GIDS_IN ? (i ? c->a[i - 1] : 0) : c->ret;

	if (c->row->kind[i] == HS_K_GIDS_OUT && (c->failed || c->when != SYS_RETURNED))
		return UINT32_MAX;
	return n > 65536 ? UINT32_MAX : (uint32_t)n;
}

static bool d_gids(const struct sys_call *c, int i, struct sys_out *o)
{
	uint32_t n = gids_count(c, i), shown;
	const uint8_t *p;

	if (!c->a[i] || n == UINT32_MAX) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	shown = n < HS_SYS_STR_MAX / 4 ? n : HS_SYS_STR_MAX / 4;
	p = c->row->kind[i] == HS_K_GIDS_IN ? sys_in_mem(c, i, shown * 4) :
					       sys_out_mem(c, i, shown * 4);
	if (n && !p) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	sys_put(o, "[", 1);
	for (uint32_t k = 0; k < shown && k < SYS_STRLEN; k++) {
		if (k)
			sys_puts(o, ", ");
		sys_put_i64(o, sys_le32(p + 4 * k) == UINT32_MAX ? -1 : (int64_t)sys_le32(p + 4 * k));
	}
	if (n > SYS_STRLEN)
		sys_puts(o, ", ...");
	sys_put(o, "]", 1);
	return true;
}

/* ---- utimensat's times --------------------------------------------------------------- */

/* One time as strace prints it: UTIME_NOW or UTIME_OMIT alone, else the
 * timespec and a comment with the date in the reader's time zone (strace:
 * the tracer's), nanoseconds when not 0. */
static void put_utime(struct sys_out *o, const uint8_t *p)
{
	int64_t sec = (int64_t)sys_le64(p), nsec = (int64_t)sys_le64(p + 8);
	time_t tt = (time_t)sec;
	char when[64], zone[8];
	struct tm tm;

	if (nsec == (1l << 30) - 1 || nsec == (1l << 30) - 2) {
		sys_puts(o, nsec == (1l << 30) - 1 ? "UTIME_NOW" : "UTIME_OMIT");
		return;
	}
	sys_put_timespec(o, p);
	if (!localtime_r(&tt, &tm) || !strftime(when, sizeof(when), "%FT%T", &tm) ||
	    !strftime(zone, sizeof(zone), "%z", &tm))
		return;
	if (nsec)
		sys_putf(o, " /* %s.%09" PRId64 "%s */", when, nsec, zone);
	else
		sys_putf(o, " /* %s%s */", when, zone);
}

static bool d_utimens_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_in_mem(c, i, 32);

	if (!c->a[i] || !p) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	sys_put(o, "[", 1);
	put_utime(o, p);
	sys_puts(o, ", ");
	put_utime(o, p + 16);
	sys_put(o, "]", 1);
	return true;
}

/* ---- prctl ------------------------------------------------------------------------- */

enum {
	PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4,
	PR_SET_NAME = 15, PR_GET_NAME = 16, PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24,
	PR_SET_TIMERSLACK = 29, PR_GET_TIMERSLACK = 30, PR_SET_CHILD_SUBREAPER = 36,
	PR_GET_CHILD_SUBREAPER = 37, PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39,
};

static const struct sys_flag prctl_ops[] = {
	{ 1, "PR_SET_PDEATHSIG" }, { 2, "PR_GET_PDEATHSIG" }, { 3, "PR_GET_DUMPABLE" },
	{ 4, "PR_SET_DUMPABLE" }, { 5, "PR_GET_UNALIGN" }, { 6, "PR_SET_UNALIGN" },
	{ 7, "PR_GET_KEEPCAPS" }, { 8, "PR_SET_KEEPCAPS" }, { 9, "PR_GET_FPEMU" },
	{ 10, "PR_SET_FPEMU" }, { 11, "PR_GET_FPEXC" }, { 12, "PR_SET_FPEXC" },
	{ 13, "PR_GET_TIMING" }, { 14, "PR_SET_TIMING" }, { 15, "PR_SET_NAME" },
	{ 16, "PR_GET_NAME" }, { 19, "PR_GET_ENDIAN" }, { 20, "PR_SET_ENDIAN" },
	{ 21, "PR_GET_SECCOMP" }, { 22, "PR_SET_SECCOMP" }, { 23, "PR_CAPBSET_READ" },
	{ 24, "PR_CAPBSET_DROP" }, { 25, "PR_GET_TSC" }, { 26, "PR_SET_TSC" },
	{ 27, "PR_GET_SECUREBITS" }, { 28, "PR_SET_SECUREBITS" }, { 29, "PR_SET_TIMERSLACK" },
	{ 30, "PR_GET_TIMERSLACK" }, { 31, "PR_TASK_PERF_EVENTS_DISABLE" },
	{ 32, "PR_TASK_PERF_EVENTS_ENABLE" }, { 33, "PR_MCE_KILL" }, { 34, "PR_MCE_KILL_GET" },
	{ 35, "PR_SET_MM" }, { 36, "PR_SET_CHILD_SUBREAPER" }, { 37, "PR_GET_CHILD_SUBREAPER" },
	{ 38, "PR_SET_NO_NEW_PRIVS" }, { 39, "PR_GET_NO_NEW_PRIVS" }, { 40, "PR_GET_TID_ADDRESS" },
	{ 41, "PR_SET_THP_DISABLE" }, { 42, "PR_GET_THP_DISABLE" }, { 45, "PR_SET_FP_MODE" },
	{ 46, "PR_GET_FP_MODE" }, { 47, "PR_CAP_AMBIENT" }, { 0x59616d61, "PR_SET_PTRACER" },
};

static const char *const caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

static const struct sys_flag dumpable[] = { { 0, "SUID_DUMP_DISABLE" }, { 1, "SUID_DUMP_USER" },
					    { 2, "SUID_DUMP_ROOT" } };

static bool d_prctl_op(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, SYS_XLAT(prctl_ops), (int)c->a[i]);
	return true;
}

/* How many arguments after the op strace prints for it: the ones below
 * are the ops it decodes; any other prints all four, in hex. */
static int prctl_nargs(int op)
{
	switch (op) {
	case PR_GET_DUMPABLE:
	case PR_GET_TIMERSLACK:
		return 0;
	case PR_SET_PDEATHSIG:
	case PR_GET_PDEATHSIG:
	case PR_SET_DUMPABLE:
	case PR_SET_NAME:
	case PR_GET_NAME:
	case PR_CAPBSET_READ:
	case PR_CAPBSET_DROP:
	case PR_SET_TIMERSLACK:
	case PR_SET_CHILD_SUBREAPER:
	case PR_GET_CHILD_SUBREAPER:
		return 1;
	default:
		return 4;
	}
}

static bool d_prctl_arg(const struct sys_call *c, int i, struct sys_out *o)
{
	int op = (int)c->a[0];
	uint64_t v = c->a[i];
	const uint8_t *p;

	if (i > prctl_nargs(op))
		return false;
	switch (op) {
	case PR_SET_PDEATHSIG: {
		char tmp[16];
		const char *name = v ? sys_signame((int)v, tmp, sizeof(tmp)) : NULL;

		if (name)
			sys_puts(o, name);
		else
			sys_put_i64(o, (int)v);
		return true;
	}
	case PR_GET_PDEATHSIG:
	case PR_GET_CHILD_SUBREAPER:
		p = sys_out_mem(c, i, 4);
		if (!v || !p) {
			sys_put_ptr(o, v);
		} else if (op == PR_GET_PDEATHSIG && sys_le32(p)) {
			char tmp[16];
			const char *name = sys_signame((int)sys_le32(p), tmp, sizeof(tmp));

			sys_putf(o, "[%s]", name ? name : "?");
		} else {
			sys_putf(o, "[%d]", (int)sys_le32(p));
		}
		return true;
	case PR_SET_DUMPABLE:
		sys_put_const(o, SYS_XLAT(dumpable), (int)v);
		return true;
	case PR_SET_NAME:
	case PR_GET_NAME: {
		const uint8_t *nul;

		p = op == PR_SET_NAME ? sys_in_mem(c, i, 1) : sys_out_mem(c, i, 16);
		nul = p ? memchr(p, 0, op == PR_SET_NAME ? (size_t)c->in[i].n : 16) : NULL;
		if (v && nul)
			sys_put_quoted(o, p, (size_t)(nul - p), false);
		else
			sys_put_ptr(o, v);
		return true;
	}
	case PR_CAPBSET_READ:
	case PR_CAPBSET_DROP:
		if (v < sizeof(caps) / sizeof(caps[0]))
			sys_puts(o, caps[v]);
		else /* as strace: one this kernel's headers do not name */
			sys_putf(o, "%#" PRIx64 " /* CAP_??? */", v);
		return true;
	case PR_SET_TIMERSLACK:
	case PR_SET_CHILD_SUBREAPER:
	case PR_SET_NO_NEW_PRIVS:
	case PR_GET_NO_NEW_PRIVS:
		sys_put_u64(o, v);
		return true;
	default:
		sys_put_x64(o, v);
		return true;
	}
}

/* The output bytes prctl's argument i needs at the return. */
static uint32_t prctl_out_span(const struct sys_call *c, int i)
{
	if (i != 1)
		return 0;
	switch ((int)c->a[0]) {
	case PR_GET_NAME:
		return 16;
	case PR_GET_PDEATHSIG:
	case PR_GET_CHILD_SUBREAPER:
		return 4;
	default:
		return 0;
	}
}

uint32_t sys_misc_out_span(const struct sys_call *c, int i)
{
	switch (c->row->kind[i]) {
	case HS_K_ITIMERSPEC_OUT:
		return 32;
	case HS_K_MINCORE_OUT:
		return mincore_pages(c, i);
	case HS_K_GIDS_OUT: {
		uint32_t n = gids_count(c, i);

		return n == UINT32_MAX ? 0 : 4 * (n < HS_SYS_STR_MAX / 4 ? n : HS_SYS_STR_MAX / 4);
	}
	case HS_K_PRCTL_ARG:
		return prctl_out_span(c, i);
	case HS_K_IOCTL_ARG: /* TCGETS's struct termios; a failed one (ENOTTY: isatty()
			      * on a file, common) wrote nothing, not worth a read */
		return (uint32_t)c->a[1] == 0x5401 && !c->failed ? 36 : 0;
	default:
		return 0;
	}
}

/* ---- results ----------------------------------------------------------------------- */

bool sys_misc_result(const struct sys_call *c, struct sys_out *o)
{
	const char *name = NULL;

	switch (c->row->ret) {
	case HS_R_PRCTL:
		if ((int)c->a[0] == PR_GET_DUMPABLE && c->ret <= 2)
			name = dumpable[c->ret].name;
		break;
	case HS_R_PERSONA:
		if ((c->ret & 0xff) == 0) /* the execution domain: 0 is PER_LINUX */
			name = c->ret ? NULL : "PER_LINUX";
		break;
	case HS_R_POLICY:
		if (c->ret < sizeof(policies) / sizeof(policies[0]))
			name = policies[c->ret].name;
		break;
	default:
		return false;
	}
	sys_put_i64(o, (int64_t)c->ret);
	if (name)
		sys_putf(o, " (%s)", name);
	return true;
}

/* ---- sockets: msghdr, options -------------------------------------------------------- */

static const struct sys_flag tcp_opts[] = {
	{ 1, "TCP_NODELAY" }, { 2, "TCP_MAXSEG" }, { 3, "TCP_CORK" }, { 4, "TCP_KEEPIDLE" },
	{ 5, "TCP_KEEPINTVL" }, { 6, "TCP_KEEPCNT" }, { 7, "TCP_SYNCNT" }, { 8, "TCP_LINGER2" },
	{ 9, "TCP_DEFER_ACCEPT" }, { 10, "TCP_WINDOW_CLAMP" }, { 11, "TCP_INFO" },
	{ 12, "TCP_QUICKACK" }, { 13, "TCP_CONGESTION" }, { 18, "TCP_USER_TIMEOUT" },
	{ 23, "TCP_FASTOPEN" }, { 30, "TCP_FASTOPEN_CONNECT" },
};
static const struct sys_flag ip_opts[] = {
	{ 1, "IP_TOS" }, { 2, "IP_TTL" }, { 3, "IP_HDRINCL" }, { 4, "IP_OPTIONS" },
	{ 8, "IP_PKTINFO" }, { 10, "IP_MTU_DISCOVER" }, { 11, "IP_RECVERR" }, { 14, "IP_MTU" },
	{ 15, "IP_FREEBIND" }, { 32, "IP_MULTICAST_IF" }, { 33, "IP_MULTICAST_TTL" },
	{ 34, "IP_MULTICAST_LOOP" }, { 35, "IP_ADD_MEMBERSHIP" }, { 36, "IP_DROP_MEMBERSHIP" },
};
static const struct sys_flag ipv6_opts[] = {
	{ 16, "IPV6_UNICAST_HOPS" }, { 17, "IPV6_MULTICAST_IF" }, { 18, "IPV6_MULTICAST_HOPS" },
	{ 19, "IPV6_MULTICAST_LOOP" }, { 20, "IPV6_ADD_MEMBERSHIP" }, { 21, "IPV6_DROP_MEMBERSHIP" },
	{ 26, "IPV6_V6ONLY" }, { 49, "IPV6_RECVPKTINFO" }, { 67, "IPV6_TCLASS" },
};

bool sys_misc_sockopt(int level, int v, struct sys_out *o)
{
	switch (level) {
	case 0: /* SOL_IP */
		sys_put_const(o, SYS_XLAT(ip_opts), v);
		return true;
	case 6: /* SOL_TCP */
		sys_put_const(o, SYS_XLAT(tcp_opts), v);
		return true;
	case 41: /* SOL_IPV6 */
		sys_put_const(o, SYS_XLAT(ipv6_opts), v);
		return true;
	default:
		return false;
	}
}

/* msg_control: SCM_RIGHTS as strace shows it ([{cmsg_len=20,
 * cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[3]}]), other
 * messages as their address */
static void put_control(const struct sys_call *c, bool at_exit, uint64_t addr, uint64_t len,
			struct sys_out *o)
{
	uint8_t b[64];
	uint64_t clen;

	if (!addr || len < 16 || len > sizeof(b) || sys_mem_read(c, at_exit, addr, len, b) != (ssize_t)len ||
	    (clen = sys_le64(b)) < 16 || clen > len || sys_le32(b + 8) != 1 /* SOL_SOCKET */ ||
	    sys_le32(b + 12) != 1 /* SCM_RIGHTS */) {
		sys_put_ptr(o, addr);
		return;
	}
	sys_putf(o, "[{cmsg_len=%" PRIu64 ", cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[",
		 clen);
	for (uint64_t k = 16; k + 4 <= clen; k += 4)
		sys_putf(o, "%s%d", k > 16 ? ", " : "", (int)sys_le32(b + k));
	sys_puts(o, "]}]");
}

/* struct msghdr (56 bytes): name, namelen, iov, iovlen, control,
 * controllen, flags */
static void put_msghdr(const struct sys_call *c, int i, bool at_exit, struct sys_out *o)
{
	uint8_t m[56], name[128];
	uint64_t name_p, iov_p, iovlen, ctl_p, ctl_len;
	uint32_t namelen;

	if (!c->a[i] || sys_mem_read(c, at_exit, c->a[i], sizeof(m), m) != (ssize_t)sizeof(m)) {
		sys_put_ptr(o, c->a[i]);
		return;
	}
	name_p = sys_le64(m);
	namelen = sys_le32(m + 8);
	iov_p = sys_le64(m + 16);
	iovlen = sys_le64(m + 24);
	ctl_p = sys_le64(m + 32);
	ctl_len = sys_le64(m + 40);
	sys_puts(o, "{msg_name=");
	if (name_p && namelen && namelen <= sizeof(name) &&
	    sys_mem_read(c, at_exit, name_p, namelen, name) == (ssize_t)namelen)
		sys_put_sockaddr(o, name, namelen);
	else
		sys_put_ptr(o, name_p);
	sys_putf(o, ", msg_namelen=%" PRIu32 ", msg_iov=", namelen);
	sys_put_iov_at(c, iov_p, (int)iovlen, at_exit, o);
	sys_putf(o, ", msg_iovlen=%" PRIu64, iovlen);
	if (ctl_len) {
		sys_puts(o, ", msg_control=");
		put_control(c, at_exit, ctl_p, ctl_len, o);
	}
	sys_putf(o, ", msg_controllen=%" PRIu64 ", msg_flags=", ctl_len);
	sys_put_flags(o, sys_msg_flags, sys_n_msg_flags, sys_le32(m + 48));
	sys_put(o, "}", 1);
}

static bool d_msghdr_in(const struct sys_call *c, int i, struct sys_out *o)
{
	put_msghdr(c, i, false, o);
	return true;
}

static bool d_msghdr_out(const struct sys_call *c, int i, struct sys_out *o)
{
	if (c->when != SYS_RETURNED || c->failed)
		sys_put_ptr(o, c->a[i]);
	else
		put_msghdr(c, i, true, o);
	return true;
}

/* sendfile's offset: [0] => [10], the value before and after */
static bool d_loff_io(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *in = sys_in_mem(c, i, 8); /* captured: memory at the
						    * call's t is after it */
	uint8_t out[8];

	if (!c->a[i] || !in) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	sys_putf(o, "[%" PRId64 "]", (int64_t)sys_le64(in));
	if (c->when == SYS_RETURNED && !c->failed && sys_mem_read(c, true, c->a[i], 8, out) == 8)
		sys_putf(o, " => [%" PRId64 "]", (int64_t)sys_le64(out));
	return true;
}

/* ---- ioctl and fcntl arguments in memory ----------------------------------------------- */

/* [n]: an int in memory, as of the entry (the recorder's copy, else
 * read) or the return; the address when it cannot be read or the call
 * failed to write it */
static void put_int_at(const struct sys_call *c, int i, bool at_exit, struct sys_out *o)
{
	const uint8_t *in = at_exit ? NULL : sys_in_mem(c, i, 4);
	uint8_t b[4];

	if (c->a[i] && in)
		sys_putf(o, "[%d]", (int)sys_le32(in));
	else if (c->a[i] && (!at_exit || (c->when == SYS_RETURNED && !c->failed)) &&
		 sys_mem_read(c, at_exit, c->a[i], 4, b) == 4)
		sys_putf(o, "[%d]", (int)sys_le32(b));
	else
		sys_put_ptr(o, c->a[i]);
}

static bool d_ioctl_arg(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *in;
	uint8_t w[8];
	bool out = c->when == SYS_RETURNED && !c->failed;

	if (sys_tty_ioctl_arg(c, i, o))
		return true;
	switch ((uint32_t)c->a[1]) {
	case 0x5450: /* FIONCLEX */
	case 0x5451: /* FIOCLEX */
		return false;
	case 0x541b: /* FIONREAD */
	case 0x540f: /* TIOCGPGRP */
		put_int_at(c, i, true, o);
		return true;
	case 0x5421: /* FIONBIO */
	case 0x5410: /* TIOCSPGRP */
		put_int_at(c, i, false, o);
		return true;
	case 0x40049409: /* FICLONE: the source descriptor */
		sys_put_i64(o, (int)c->a[i]);
		return true;
	case 0x5413: /* TIOCGWINSZ */
	case 0x5414: /* TIOCSWINSZ: the recorder's copy, else read */
		in = c->a[1] == 0x5414 ? sys_in_mem(c, i, 8) : NULL;
		if (in)
			memcpy(w, in, 8);
		if (c->a[i] && (in || ((c->a[1] == 0x5414 || out) &&
				       sys_mem_read(c, c->a[1] == 0x5413, c->a[i], 8, w) == 8))) {
			sys_putf(o, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}",
				 w[0] | w[1] << 8, w[2] | w[3] << 8, w[4] | w[5] << 8, w[6] | w[7] << 8);
			return true;
		}
		sys_put_ptr(o, c->a[i]);
		return true;
	default:
		sys_put_ptr(o, c->a[i]);
		return true;
	}
}

/* fcntl's struct flock: F_SETLK, F_SETLKW and the OFD ones as of the
 * entry, F_GETLK (and F_OFD_GETLK) as the call filled it, with l_pid */
bool sys_misc_flock(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct sys_flag types[] = { { 0, "F_RDLCK" }, { 1, "F_WRLCK" },
						 { 2, "F_UNLCK" } };
	int cmd = (int)c->a[1];
	bool get = cmd == 5 || cmd == 36;
	uint8_t f[32];

	if (!c->a[i] || (get && (c->when != SYS_RETURNED || c->failed)) ||
	    sys_mem_read(c, get, c->a[i], sizeof(f), f) != (ssize_t)sizeof(f)) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	sys_puts(o, "{l_type=");
	sys_put_const(o, SYS_XLAT(types), (int16_t)(f[0] | f[1] << 8));
	sys_puts(o, ", l_whence=");
	sys_put_const(o, sys_whence, sys_n_whence, (int16_t)(f[2] | f[3] << 8));
	sys_putf(o, ", l_start=%" PRId64 ", l_len=%" PRId64, (int64_t)sys_le64(f + 8),
		 (int64_t)sys_le64(f + 16));
	if (get)
		sys_putf(o, ", l_pid=%d", (int)sys_le32(f + 24));
	sys_put(o, "}", 1);
	return true;
}

const sys_decoder sys_misc_decoders[HS_K_COUNT] = {
	[HS_K_PRIO_WHICH] = d_prio_which,
	[HS_K_INOTIFY_MASK] = d_inotify_mask,
	[HS_K_PRCTL_OP] = d_prctl_op,
	[HS_K_PRCTL_ARG] = d_prctl_arg,
	[HS_K_FADVICE] = d_fadvice,
	[HS_K_LOFF_IN] = d_loff_in,
	[HS_K_SIGEVENT_IN] = d_sigevent_in,
	[HS_K_SCHED_POLICY] = d_sched_policy,
	[HS_K_CPUSET_IN] = d_cpuset_in,
	[HS_K_MINCORE_OUT] = d_mincore_out,
	[HS_K_MSGHDR_IN] = d_msghdr_in,
	[HS_K_MSGHDR_OUT] = d_msghdr_out,
	[HS_K_IOCTL_ARG] = d_ioctl_arg,
	[HS_K_LOFF_IO] = d_loff_io,
	[HS_K_GIDS_IN] = d_gids,
	[HS_K_GIDS_OUT] = d_gids,
	[HS_K_UTIMENS_IN] = d_utimens_in,
};
