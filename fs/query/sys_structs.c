/* sys_structs.c - the syscall decoders of arguments held in memory:
 * structs (stat, statx, statfs, sigaction, timespec, itimerval, sockaddr,
 * rlimit, stack_t, utsname), sets and arrays (signal sets, CPU sets,
 * epoll events, getdents' count) and what lies behind further pointers
 * (execve's argv and envp, iovec arrays: read through c->read), in
 * strace's form.  sys_decode.c holds the scalar decoders and the line;
 * sys_struct_decoders[] below is this file's part of the kind table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hindsight/db.h"
#include "sys_i.h"

/* ---- structs ------------------------------------------------------------------ */

void sys_put_sigset(struct sys_out *o, uint64_t set)
{
	char tmp[16];
	bool first = true;
	int n = __builtin_popcountll(set);

	/* more than half the signals: the ones not in the set, after ~ */
	if (n > 32) {
		sys_put(o, "~", 1);
		set = ~set;
	}
	sys_put(o, "[", 1);
	for (int s = 1; s <= 64; s++) {
		const char *name;

		if (!(set >> (s - 1) & 1))
			continue;
		name = sys_signame(s, tmp, sizeof(tmp));
		if (!first)
			sys_put(o, " ", 1);
		first = false;
		if (name)
			sys_puts(o, name + 3);
		else
			sys_putf(o, "%d", s);
	}
	sys_put(o, "]", 1);
}

void sys_put_sigaction(struct sys_out *o, const uint8_t *p)
{
	uint64_t handler = sys_le64(p), flags = sys_le64(p + 8), restorer = sys_le64(p + 16);

	sys_puts(o, "{sa_handler=");
	if (handler == 0)
		sys_puts(o, "SIG_DFL");
	else if (handler == 1)
		sys_puts(o, "SIG_IGN");
	else
		sys_putf(o, "%#" PRIx64, handler);
	sys_puts(o, ", sa_mask=");
	sys_put_sigset(o, sys_le64(p + 24));
	sys_puts(o, ", sa_flags=");
	sys_put_flags(o, sys_sa_flags, sys_n_sa_flags, flags);
	if (flags & 0x04000000) {
		sys_puts(o, ", sa_restorer=");
		sys_put_ptr(o, restorer);
	}
	sys_put(o, "}", 1);
}

void sys_put_timespec(struct sys_out *o, const uint8_t *p)
{
	sys_putf(o, "{tv_sec=%" PRId64 ", tv_nsec=%" PRId64 "}", (int64_t)sys_le64(p),
		 (int64_t)sys_le64(p + 8));
}

/* S_IFREG|0644 */
static void put_mode(struct sys_out *o, uint32_t mode)
{
	static const struct { uint32_t v; const char *name; } types[] = {
		{ 0140000, "S_IFSOCK" }, { 0120000, "S_IFLNK" }, { 0100000, "S_IFREG" },
		{ 0060000, "S_IFBLK" }, { 0040000, "S_IFDIR" }, { 0020000, "S_IFCHR" },
		{ 0010000, "S_IFIFO" },
	};
	uint32_t type = mode & 0170000;
	const char *tn = NULL;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].v == type)
			tn = types[i].name;
	if (tn) {
		sys_puts(o, tn);
		sys_put(o, "|", 1);
	} else if (type) {
		sys_putf(o, "%#o|", type);
	}
	/* the set-id and sticky bits by name, as strace shows them */
	if (mode & 04000)
		sys_puts(o, "S_ISUID|");
	if (mode & 02000)
		sys_puts(o, "S_ISGID|");
	if (mode & 01000)
		sys_puts(o, "S_ISVTX|");
	sys_put_octal(o, mode & 0777);
}

void sys_put_stat(struct sys_out *o, const uint8_t *p)
{
	uint32_t mode = sys_le32(p + 24), type = mode & 0170000;

	sys_puts(o, "{st_mode=");
	put_mode(o, mode);
	if (type == 0020000 || type == 0060000) {
		uint64_t dev = sys_le64(p + 40);
		uint64_t major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull);
		uint64_t minor = (dev & 0xff) | ((dev >> 12) & ~0xffull);

		sys_putf(o, ", st_rdev=makedev(%#" PRIx64 ", %#" PRIx64 ")", major, minor);
	} else {
		sys_putf(o, ", st_size=%" PRId64, (int64_t)sys_le64(p + 48));
	}
	sys_puts(o, ", ...}");
}

/* A socket address of len bytes (len as the caller gave it). */
void sys_put_sockaddr(struct sys_out *o, const uint8_t *p, size_t len)
{
	uint16_t family = len >= 2 ? (uint16_t)(p[0] | p[1] << 8) : 0;
	char addr[64];

	if (len < 2) {
		sys_puts(o, "{}");
		return;
	}
	sys_puts(o, "{sa_family=");
	sys_put_const(o, sys_families, sys_n_families, family);
	if (family == 2 && len >= 8) {
		snprintf(addr, sizeof(addr), "%u.%u.%u.%u", p[4], p[5], p[6], p[7]);
		sys_putf(o, ", sin_port=htons(%u), sin_addr=inet_addr(\"%s\")}",
			 (unsigned)(p[2] << 8 | p[3]), addr);
		return;
	}
	if (family == 1) {
		size_t n = len - 2, k = 0;

		while (k < n && p[2 + k])
			k++;
		sys_puts(o, ", sun_path=");
		if (k == 0 && n > 1) {
			/* abstract: a NUL, then the name */
			sys_puts(o, "@");
			sys_put_quoted(o, p + 3, n - 1, false);
		} else {
			sys_put_quoted(o, p + 2, k, false);
		}
		sys_put(o, "}", 1);
		return;
	}
	if (family == 10 && len >= 28) {
		size_t k = 0;

		for (int i = 0; i < 8; i++)
			k += (size_t)snprintf(addr + k, sizeof(addr) - k, "%s%x", i ? ":" : "",
					      (unsigned)(p[8 + 2 * i] << 8 | p[9 + 2 * i]));
		sys_putf(o, ", sin6_port=htons(%u), sin6_flowinfo=htonl(%u), ",
			 (unsigned)(p[2] << 8 | p[3]),
			 (unsigned)((uint32_t)p[4] << 24 | p[5] << 16 | p[6] << 8 | p[7]));
		sys_putf(o, "inet_pton(AF_INET6, \"%s\", &sin6_addr), sin6_scope_id=%u}", addr,
			 sys_le32(p + 24));
		return;
	}
	sys_puts(o, ", sa_data=");
	sys_put_quoted(o, p + 2, len - 2 < 14 ? len - 2 : 14, false);
	sys_put(o, "}", 1);
}

void sys_put_epoll_event(struct sys_out *o, const uint8_t *p)
{
	uint64_t data = sys_le64(p + 4);

	sys_puts(o, "{events=");
	sys_put_flags(o, sys_epoll_events, sys_n_epoll_events, sys_le32(p));
	sys_putf(o, ", data={u32=%" PRIu32 ", u64=%" PRIu64 "}}", (uint32_t)data, data);
}

static void put_rlim(struct sys_out *o, uint64_t v)
{
	if (v == UINT64_MAX)
		sys_puts(o, "RLIM64_INFINITY");
	else if (v > 1024 && v % 1024 == 0)
		sys_putf(o, "%" PRIu64 "*1024", v / 1024);
	else
		sys_putf(o, "%" PRIu64, v);
}

void sys_put_wstatus(struct sys_out *o, uint32_t s)
{
	char tmp[16];
	const char *name;

	if ((s & 0x7f) == 0) {
		sys_putf(o, "[{WIFEXITED(s) && WEXITSTATUS(s) == %u}]", (s >> 8) & 0xff);
	} else if ((s & 0xff) == 0x7f) {
		name = sys_signame((int)((s >> 8) & 0xff), tmp, sizeof(tmp));
		sys_putf(o, "[{WIFSTOPPED(s) && WSTOPSIG(s) == %s}]", name ? name : "?");
	} else {
		name = sys_signame((int)(s & 0x7f), tmp, sizeof(tmp));
		sys_putf(o, "[{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}]", name ? name : "?",
			 s & 0x80 ? " && WCOREDUMP(s)" : "");
	}
}

void sys_put_rlimit(struct sys_out *o, const uint8_t *p)
{
	sys_puts(o, "{rlim_cur=");
	put_rlim(o, sys_le64(p));
	sys_puts(o, ", rlim_max=");
	put_rlim(o, sys_le64(p + 8));
	sys_put(o, "}", 1);
}

/* in[i]: the 8 bytes of the frame's signal mask, found by the reader */
static bool d_sigframe(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_in_mem(c, i, 8);

	if (!p)
		return false;
	sys_puts(o, "{mask=");
	sys_put_sigset(o, sys_le64(p));
	sys_put(o, "}", 1);
	return true;
}

static const struct sys_flag statx_mask[] = {
	{ 0xfff, "STATX_ALL" }, { 0x7ff, "STATX_BASIC_STATS" }, { 0x1, "STATX_TYPE" },
	{ 0x2, "STATX_MODE" },
	{ 0x4, "STATX_NLINK" }, { 0x8, "STATX_UID" }, { 0x10, "STATX_GID" },
	{ 0x20, "STATX_ATIME" }, { 0x40, "STATX_MTIME" }, { 0x80, "STATX_CTIME" },
	{ 0x100, "STATX_INO" }, { 0x200, "STATX_SIZE" }, { 0x400, "STATX_BLOCKS" },
	{ 0x800, "STATX_BTIME" }, { 0x1000, "STATX_MNT_ID" }, { 0x2000, "STATX_DIOALIGN" },
};

/* the sync type (two bits, AT_STATX_SYNC_AS_STAT is 0) first, then AT_ flags */
static bool d_statx_flags(const struct sys_call *c, int i, struct sys_out *o)
{
	static const char *const sync[] = { "AT_STATX_SYNC_AS_STAT", "AT_STATX_FORCE_SYNC",
					    "AT_STATX_DONT_SYNC", "0x6000" };
	uint64_t v = (uint32_t)c->a[i];

	sys_puts(o, sync[(v >> 13) & 3]);
	v &= ~0x6000ull;
	if (v) {
		sys_put(o, "|", 1);
		sys_put_flags(o, sys_at_flags, sys_n_at_flags, v);
	}
	return true;
}

static bool d_statx_mask(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_flags(o, statx_mask, sizeof(statx_mask) / sizeof(statx_mask[0]),
		      (uint32_t)c->a[i]);
	return true;
}

/* stx_attributes (linux/stat.h) */
static const struct sys_flag statx_attrs[] = {
	{ 0x4, "STATX_ATTR_COMPRESSED" }, { 0x10, "STATX_ATTR_IMMUTABLE" },
	{ 0x20, "STATX_ATTR_APPEND" }, { 0x40, "STATX_ATTR_NODUMP" },
	{ 0x800, "STATX_ATTR_ENCRYPTED" }, { 0x1000, "STATX_ATTR_AUTOMOUNT" },
	{ 0x2000, "STATX_ATTR_MOUNT_ROOT" }, { 0x100000, "STATX_ATTR_VERITY" },
	{ 0x200000, "STATX_ATTR_DAX" },
};

static bool d_statx_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_out_mem(c, i, 48);

	if (!c->a[i] || !p) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	sys_puts(o, "{stx_mask=");
	sys_put_flags(o, statx_mask, sizeof(statx_mask) / sizeof(statx_mask[0]), sys_le32(p));
	sys_puts(o, ", stx_attributes=");
	sys_put_flags(o, statx_attrs, sizeof(statx_attrs) / sizeof(statx_attrs[0]), sys_le64(p + 8));
	sys_puts(o, ", stx_mode=");
	put_mode(o, (uint32_t)(p[28] | p[29] << 8));
	sys_puts(o, ", stx_size=");
	sys_put_u64(o, sys_le64(p + 40));
	sys_puts(o, ", ...}");
	return true;
}

static bool d_utsname_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_out_mem(c, i, 130);
	const uint8_t *e1, *e2;

	if (!c->a[i] || !p || !(e1 = memchr(p, 0, 65)) || !(e2 = memchr(p + 65, 0, 65))) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	sys_puts(o, "{sysname=");
	sys_put_quoted(o, p, (size_t)(e1 - p), false);
	sys_puts(o, ", nodename=");
	sys_put_quoted(o, p + 65, (size_t)(e2 - (p + 65)), false);
	sys_puts(o, ", ...}");
	return true;
}

/* getdents: the address and how many entries the call returned, which
 * the reader counted (out[i].n, with out[i].b set) */
static bool d_dirents_out(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_ptr(o, c->a[i]);
	if (c->a[i] && c->when == SYS_RETURNED && !c->failed && c->out[i].b && c->out[i].n >= 0) {
		sys_puts(o, " /* ");
		sys_put_u64(o, (uint64_t)c->out[i].n);
		sys_puts(o, c->out[i].n == 1 ? " entry */" : " entries */");
	}
	return true;
}

/* ---- arguments behind pointers (through c->read) -------------------------- */

#define SYS_MAX_ELEMS 32   /* array elements printed before "..." */

ssize_t sys_mem_read(const struct sys_call *c, bool at_exit, uint64_t addr, size_t n,
		     uint8_t *buf)
{
	return c->read ? c->read(c->read_ctx, at_exit, addr, n, buf) : -ENOSYS;
}

/* A string behind a pointer, at most SYS_STRLEN bytes then "..." */
static void put_string_at(const struct sys_call *c, bool at_exit, uint64_t addr,
			  struct sys_out *o)
{
	uint8_t buf[SYS_STRLEN + 1];
	ssize_t n = addr ? sys_mem_read(c, at_exit, addr, sizeof(buf), buf) : 0;
	const uint8_t *nul = n > 0 ? memchr(buf, 0, (size_t)n) : NULL;

	if (!addr)
		sys_puts(o, "NULL");
	else if (nul)
		sys_put_quoted(o, buf, (size_t)(nul - buf), false);
	else if (n == (ssize_t)sizeof(buf))
		sys_put_quoted(o, buf, SYS_STRLEN, true);
	else
		sys_put_ptr(o, addr);
}

static bool d_argv(const struct sys_call *c, int i, struct sys_out *o)
{
	uint8_t p[8 * (SYS_MAX_ELEMS + 1)];
	ssize_t n = c->a[i] ? sys_mem_read(c, false, c->a[i], sizeof(p), p) : -EFAULT;
	size_t k;

	if (n < 8) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	sys_put(o, "[", 1);
	for (k = 0; k < (size_t)n / 8 && k < SYS_MAX_ELEMS; k++) {
		uint64_t s = sys_le64(p + 8 * k);

		if (!s)
			break;
		if (k)
			sys_puts(o, ", ");
		put_string_at(c, false, s, o);
	}
	if (k == SYS_MAX_ELEMS && (size_t)n / 8 > k && sys_le64(p + 8 * k))
		sys_puts(o, ", ...");
	sys_put(o, "]", 1);
	return true;
}

/* Valgrind adds two variables to a program's environment that a native
 * run does not have: VALGRIND_LIB, and LD_PRELOAD naming only its preload
 * libraries ("...vgpreload_core-amd64-linux.so", with a ':' after it in a
 * child it started; one the user set keeps its own entries and existed
 * natively).  The program passes them on to what it runs, so strace of a
 * native run counts every execve's envp without them.  Whether the
 * variable at addr is one. */
static bool valgrind_var(const struct sys_call *c, uint64_t addr)
{
	char v[256];
	ssize_t n = sys_mem_read(c, false, addr, sizeof(v) - 1, (uint8_t *)v);
	bool any = false;

	if (n <= 0)
		return false;
	v[n] = 0;
	if (!strncmp(v, "VALGRIND_LIB=", 13))
		return true;
	if (strncmp(v, "LD_PRELOAD=", 11))
		return false;
	for (const char *p = v + 11; *p;) {
		size_t k = strcspn(p, ":");

		if (k && (!memmem(p, k, "/vgpreload_", 11) || memchr(p, ' ', k)))
			return false;
		any |= k > 0;
		p += k + (p[k] == ':');
	}
	return any;
}

static bool d_envp(const struct sys_call *c, int i, struct sys_out *o)
{
	uint8_t p[8 * 64];
	size_t vars = 0;
	bool end = false;

	sys_put_ptr(o, c->a[i]);
	if (!c->a[i])
		return true;
	/* count up to the NULL, 64 pointers a read, at most 64 reads */
	for (int r = 0; r < 64 && !end; r++) {
		ssize_t n = sys_mem_read(c, false, c->a[i] + (uint64_t)r * sizeof(p), sizeof(p), p);

		if (n < 8)
			return true;
		for (size_t k = 0; k < (size_t)n / 8; k++) {
			uint64_t s = sys_le64(p + 8 * k);

			if (!s) {
				end = true;
				break;
			}
			vars += !valgrind_var(c, s);
		}
	}
	if (end) {
		sys_puts(o, " /* ");
		sys_put_u64(o, vars);
		sys_puts(o, vars == 1 ? " var */" : " vars */");
	}
	return true;
}

/* iovec arrays: at entry (writev: iov_len bytes each) or at the return
 * (readv: the bytes returned, in order) */
void sys_put_iov_at(const struct sys_call *c, uint64_t addr, int cnt, bool at_exit,
		    struct sys_out *o)
{
	uint64_t left = c->ret;
	uint8_t v[16 * SYS_MAX_ELEMS];
	size_t want = cnt < SYS_MAX_ELEMS ? (size_t)cnt * 16 : sizeof(v);
	ssize_t n = addr && cnt > 0 ? sys_mem_read(c, false, addr, want, v) : -EFAULT;
	size_t k;

	if (addr && cnt == 0) {
		sys_puts(o, "[]");
		return;
	}
	if (n < 16 || (size_t)n < want) {
		sys_put_ptr(o, addr);
		return;
	}
	sys_put(o, "[", 1);
	for (k = 0; k < (size_t)n / 16; k++) {
		uint64_t base = sys_le64(v + 16 * k), len = sys_le64(v + 16 * k + 8);
		uint64_t show = at_exit ? (len < left ? len : left) : len;
		uint8_t buf[SYS_STRLEN];
		size_t want_b = show < SYS_STRLEN ? (size_t)show : SYS_STRLEN;
		ssize_t got = want_b ? sys_mem_read(c, at_exit, base, want_b, buf) : 0;

		if (k)
			sys_puts(o, ", ");
		sys_puts(o, "{iov_base=");
		if (at_exit && !left)
			sys_put_ptr(o, base);
		else if (got == (ssize_t)want_b)
			sys_put_quoted(o, buf, want_b, show > SYS_STRLEN);
		else
			sys_put_ptr(o, base);
		sys_puts(o, ", iov_len=");
		sys_put_u64(o, len);
		sys_put(o, "}", 1);
		if (at_exit)
			left -= show;
	}
	if ((size_t)cnt > k)
		sys_puts(o, ", ...");
	sys_put(o, "]", 1);
}

/* the kernel's iovcnt is an int */
static void put_iov(const struct sys_call *c, int i, struct sys_out *o, bool at_exit)
{
	sys_put_iov_at(c, c->a[i], i < 5 ? (int)c->a[i + 1] : 0, at_exit, o);
}

static bool d_iov_in(const struct sys_call *c, int i, struct sys_out *o)
{
	put_iov(c, i, o, false);
	return true;
}

static bool d_iov_out(const struct sys_call *c, int i, struct sys_out *o)
{
	if (c->when != SYS_RETURNED || c->failed)
		sys_put_ptr(o, c->a[i]);
	else
		put_iov(c, i, o, true);
	return true;
}

/* ---- a few more structs -------------------------------------------------- */

static bool d_itimer_which(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct sys_flag which[] = { { 0, "ITIMER_REAL" }, { 1, "ITIMER_VIRTUAL" },
						 { 2, "ITIMER_PROF" } };

	sys_put_const(o, which, sizeof(which) / sizeof(which[0]), (int)c->a[i]);
	return true;
}

static void put_timeval(struct sys_out *o, const uint8_t *p)
{
	sys_puts(o, "{tv_sec=");
	sys_put_i64(o, (int64_t)sys_le64(p));
	sys_puts(o, ", tv_usec=");
	sys_put_i64(o, (int64_t)sys_le64(p + 8));
	sys_put(o, "}", 1);
}

/* {it_interval={...}, it_value={...}}: setitimer's timevals, or the
 * timespecs of timerfd_settime and timer_settime (the ITIMERSPEC kinds) */
static void put_itimer(struct sys_out *o, const uint8_t *p, bool ns)
{
	sys_puts(o, "{it_interval=");
	(ns ? sys_put_timespec : put_timeval)(o, p);
	sys_puts(o, ", it_value=");
	(ns ? sys_put_timespec : put_timeval)(o, p + 16);
	sys_put(o, "}", 1);
}

static bool d_itimer_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_in_mem(c, i, 32);

	if (c->a[i] && p)
		put_itimer(o, p, c->row->kind[i] == HS_K_ITIMERSPEC_IN);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_itimer_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_out_mem(c, i, 32);

	if (c->a[i] && p)
		put_itimer(o, p, c->row->kind[i] == HS_K_ITIMERSPEC_OUT);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_int_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_out_mem(c, i, 4);

	if (c->a[i] && p) {
		sys_put(o, "[", 1);
		sys_put_i64(o, (int32_t)sys_le32(p));
		sys_put(o, "]", 1);
	} else {
		sys_put_ptr(o, c->a[i]);
	}
	return true;
}

/* getcwd: the string the call wrote (the result counts its NUL) */
static bool d_cstr_out(const struct sys_call *c, int i, struct sys_out *o)
{
	size_t n = c->out[i].n > 0 ? (size_t)c->out[i].n : 0;
	const uint8_t *p = sys_out_mem(c, i, n ? n : 1);
	const uint8_t *nul = p ? memchr(p, 0, n) : NULL;

	if (c->a[i] && nul)
		sys_put_quoted(o, p, (size_t)(nul - p), false);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

/* [0 1]: the CPUs set in the n bytes of a mask */
void sys_put_cpuset(struct sys_out *o, const uint8_t *p, size_t n)
{
	bool first = true;

	sys_put(o, "[", 1);
	for (size_t b = 0; b < 8 * n; b++) {
		if (!(p[b / 8] >> (b % 8) & 1))
			continue;
		if (!first)
			sys_put(o, " ", 1); /* strace separates CPUs with spaces */
		sys_put_u64(o, b);
		first = false;
	}
	sys_put(o, "]", 1);
}

/* sched_getaffinity: the CPUs set in the result's bytes of the mask */
static bool d_cpuset_out(const struct sys_call *c, int i, struct sys_out *o)
{
	size_t n = c->ret < HS_SYS_STR_MAX ? (size_t)c->ret : HS_SYS_STR_MAX;
	const uint8_t *p = sys_out_mem(c, i, n);

	if (!c->a[i] || !p || !n)
		sys_put_ptr(o, c->a[i]);
	else
		sys_put_cpuset(o, p, n);
	return true;
}

static void put_stack(struct sys_out *o, const uint8_t *p)
{
	static const struct sys_flag ss[] = { { 1, "SS_ONSTACK" }, { 2, "SS_DISABLE" },
					      { 0x80000000, "SS_AUTODISARM" } };

	sys_puts(o, "{ss_sp=");
	sys_put_ptr(o, sys_le64(p));
	sys_puts(o, ", ss_flags=");
	sys_put_flags(o, ss, sizeof(ss) / sizeof(ss[0]), sys_le32(p + 8));
	sys_puts(o, ", ss_size=");
	sys_put_u64(o, sys_le64(p + 16));
	sys_put(o, "}", 1);
}

static bool d_stack_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_in_mem(c, i, 24);

	if (c->a[i] && p)
		put_stack(o, p);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_stack_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_out_mem(c, i, 24);

	if (c->a[i] && p)
		put_stack(o, p);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

/* struct statfs, all of it, as strace prints it */
static bool d_statfs_out(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct sys_flag magic[] = {
		{ 0xef53, "EXT2_SUPER_MAGIC" }, { 0x01021994, "TMPFS_MAGIC" },
		{ 0x9fa0, "PROC_SUPER_MAGIC" }, { 0x62656572, "SYSFS_MAGIC" },
		{ 0x794c7630, "OVERLAYFS_SUPER_MAGIC" }, { 0x58465342, "XFS_SUPER_MAGIC" },
		{ 0x9123683e, "BTRFS_SUPER_MAGIC" }, { 0x6969, "NFS_SUPER_MAGIC" },
		{ 0x63677270, "CGROUP2_SUPER_MAGIC" }, { 0x1373, "DEVFS_SUPER_MAGIC" },
		{ 0x65735546, "FUSE_SUPER_MAGIC" }, { 0x858458f6, "RAMFS_MAGIC" },
	};
	static const struct sys_flag st[] = {
		{ 0x1, "ST_RDONLY" }, { 0x2, "ST_NOSUID" }, { 0x4, "ST_NODEV" },
		{ 0x8, "ST_NOEXEC" }, { 0x10, "ST_SYNCHRONOUS" }, { 0x20, "ST_VALID" },
		{ 0x40, "ST_MANDLOCK" }, { 0x400, "ST_NOATIME" }, { 0x800, "ST_NODIRATIME" },
		{ 0x1000, "ST_RELATIME" },
	};
	static const char *const names[] = { "f_bsize", "f_blocks", "f_bfree", "f_bavail",
					     "f_files", "f_ffree" };
	const uint8_t *p = sys_out_mem(c, i, 88);
	uint64_t type;
	bool named = false;

	if (!c->a[i] || !p) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	type = sys_le64(p);
	sys_puts(o, "{f_type=");
	for (size_t k = 0; k < sizeof(magic) / sizeof(magic[0]); k++)
		if (magic[k].v == type) {
			sys_puts(o, magic[k].name);
			named = true;
		}
	if (!named)
		sys_put_x64(o, type);
	for (int k = 0; k < 6; k++) {
		sys_puts(o, ", ");
		sys_puts(o, names[k]);
		sys_put(o, "=", 1);
		sys_put_u64(o, sys_le64(p + 8 + 8 * k));
	}
	sys_puts(o, ", f_fsid={val=[");
	sys_put_x64(o, sys_le32(p + 56));
	sys_puts(o, ", ");
	sys_put_x64(o, sys_le32(p + 60));
	sys_puts(o, "]}, f_namelen=");
	sys_put_u64(o, sys_le64(p + 64));
	sys_puts(o, ", f_frsize=");
	sys_put_u64(o, sys_le64(p + 72));
	sys_puts(o, ", f_flags=");
	sys_put_flags(o, st, sizeof(st) / sizeof(st[0]), sys_le64(p + 80));
	sys_put(o, "}", 1);
	return true;
}

/* struct rusage: the two times, then "..." (strace's abbreviated form) */
static bool d_rusage_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_out_mem(c, i, 32);

	/* wait4 writes it only when a child changed state */
	if (!c->a[i] || !p || (c->nr == 61 && !c->ret)) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	sys_puts(o, "{ru_utime=");
	put_timeval(o, p);
	sys_puts(o, ", ru_stime=");
	put_timeval(o, p + 16);
	sys_puts(o, ", ...}");
	return true;
}

static bool d_tms_out(const struct sys_call *c, int i, struct sys_out *o)
{
	static const char *const names[] = { "tms_utime", "tms_stime", "tms_cutime",
					     "tms_cstime" };
	const uint8_t *p = sys_out_mem(c, i, 32);

	if (!c->a[i] || !p) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	for (int k = 0; k < 4; k++) {
		sys_puts(o, k ? ", " : "{");
		sys_puts(o, names[k]);
		sys_put(o, "=", 1);
		sys_put_u64(o, sys_le64(p + 8 * k));
	}
	sys_put(o, "}", 1);
	return true;
}

/* select's descriptor sets: [3 4] */
void sys_put_fdset(struct sys_out *o, const uint8_t *p, uint64_t nfds)
{
	bool first = true;

	sys_put(o, "[", 1);
	for (uint64_t fd = 0; fd < nfds; fd++) {
		if (!(p[fd / 8] >> (fd % 8) & 1))
			continue;
		if (!first)
			sys_put(o, " ", 1);
		sys_put_u64(o, fd);
		first = false;
	}
	sys_put(o, "]", 1);
}

uint64_t sys_fdset_fds(const struct sys_call *c)
{
	uint64_t n = c->a[0] > 1024 ? 1024 : c->a[0];

	return n > 8 * HS_SYS_STR_MAX ? 8 * HS_SYS_STR_MAX : n;
}

static bool d_fdset(const struct sys_call *c, int i, struct sys_out *o)
{
	uint64_t nfds = sys_fdset_fds(c);
	const uint8_t *p = sys_in_mem(c, i, (size_t)(nfds + 7) / 8);

	if (c->a[i] && p && nfds)
		sys_put_fdset(o, p, nfds);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_tv_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_in_mem(c, i, 16);

	if (c->a[i] && p)
		put_timeval(o, p);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

void sys_put_timeval(struct sys_out *o, const uint8_t *p)
{
	put_timeval(o, p);
}

/* struct sysinfo, all of it */
static bool d_sysinfo_out(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct { const char *name; unsigned off; } f[] = {
		{ "totalram", 32 }, { "freeram", 40 }, { "sharedram", 48 }, { "bufferram", 56 },
		{ "totalswap", 64 }, { "freeswap", 72 },
	};
	const uint8_t *p = sys_out_mem(c, i, 112);

	if (!c->a[i] || !p) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	sys_puts(o, "{uptime=");
	sys_put_i64(o, (int64_t)sys_le64(p));
	for (int k = 0; k < 3; k++) {
		sys_puts(o, k ? ", " : ", loads=[");
		sys_put_u64(o, sys_le64(p + 8 + 8 * k));
	}
	sys_put(o, "]", 1);
	for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
		sys_puts(o, ", ");
		sys_puts(o, f[k].name);
		sys_put(o, "=", 1);
		sys_put_u64(o, sys_le64(p + f[k].off));
	}
	sys_puts(o, ", procs=");
	sys_put_u64(o, (uint16_t)(p[80] | p[81] << 8));
	sys_puts(o, ", totalhigh=");
	sys_put_u64(o, sys_le64(p + 88));
	sys_puts(o, ", freehigh=");
	sys_put_u64(o, sys_le64(p + 96));
	sys_puts(o, ", mem_unit=");
	sys_put_u64(o, sys_le32(p + 104));
	sys_put(o, "}", 1);
	return true;
}

const sys_decoder sys_struct_decoders[HS_K_COUNT] = {
	[HS_K_SYSINFO_OUT] = d_sysinfo_out,
	[HS_K_FDSET] = d_fdset,
	[HS_K_TV_IN] = d_tv_in,
	[HS_K_RUSAGE_OUT] = d_rusage_out,
	[HS_K_TMS_OUT] = d_tms_out,
	[HS_K_SIGFRAME] = d_sigframe,
	[HS_K_STATX_FLAGS] = d_statx_flags,
	[HS_K_STATX_MASK] = d_statx_mask,
	[HS_K_STATX_OUT] = d_statx_out,
	[HS_K_UTSNAME_OUT] = d_utsname_out,
	[HS_K_DIRENTS_OUT] = d_dirents_out,
	[HS_K_ARGV] = d_argv,
	[HS_K_ENVP] = d_envp,
	[HS_K_IOV_IN] = d_iov_in,
	[HS_K_IOV_OUT] = d_iov_out,
	[HS_K_ITIMER_WHICH] = d_itimer_which,
	[HS_K_ITIMERVAL_IN] = d_itimer_in,
	[HS_K_ITIMERVAL_OUT] = d_itimer_out,
	[HS_K_ITIMERSPEC_IN] = d_itimer_in,
	[HS_K_ITIMERSPEC_OUT] = d_itimer_out,
	[HS_K_INT_OUT] = d_int_out,
	[HS_K_CSTR_OUT] = d_cstr_out,
	[HS_K_CPUSET_OUT] = d_cpuset_out,
	[HS_K_STACK_IN] = d_stack_in,
	[HS_K_STACK_OUT] = d_stack_out,
	[HS_K_STATFS_OUT] = d_statfs_out,
	[HS_K_SIGINFO_IN] = sys_d_siginfo_in,
	[HS_K_SIGINFO_OUT] = sys_d_siginfo_out,
};
