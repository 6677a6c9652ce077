/* sys_decode.c - one syscall as strace prints it by default.
 *
 * A decoder per argument kind (include/hindsight/syscall_args.h), chosen
 * through the table decoders[] below; each writes its argument and
 * returns true, or returns false for an argument strace leaves out (the
 * mode of an open() without O_CREAT, futex's unused arguments), and then
 * nothing of it is printed, comma included.  What strace prints:
 *
 *   openat(AT_FDCWD, "/tmp/x", O_WRONLY|O_CREAT|O_TRUNC, 0640) = 3
 *   read(3, "tomato\n", 64) = 7                 the bytes the call returned
 *   newfstatat(3, "", {st_mode=S_IFREG|0640, st_size=7, ...}, AT_EMPTY_PATH) = 0
 *   mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x483c000
 *   openat(AT_FDCWD, "/nope", O_RDONLY) = -1 ENOENT (No such file or directory)
 *   exit_group(0) = ?
 *
 * Strings and buffers print SYS_STRLEN (32) bytes, then "..." when there
 * were more (a path prints whole, up to the HS_SYS_STR_MAX bytes the
 * recorder copies), escaped as strace escapes (\n \t \" \\, octal for the
 * rest).  An argument whose memory is not known prints as its address
 * (strace does the same when it cannot read it); an output argument
 * before the return, or of a failed call, too.  No padding before " = "
 * (strace -a0).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hindsight/db.h"
#include "sys_i.h"

/* ---- text building --------------------------------------------------------- */

void sys_put(struct sys_out *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t room = o->cap - o->len - 1, k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->buf[o->len + k] = 0;
	}
	o->len += n;
}

void sys_puts(struct sys_out *o, const char *s)
{
	sys_put(o, s, strlen(s));
}

void sys_putf(struct sys_out *o, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		sys_put(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

void sys_put_hexquoted(struct sys_out *o, const uint8_t *s, size_t n, bool cut)
{
	static const char digits[] = "0123456789abcdef";
	char e[HS_SYS_STR_MAX * 4 + 2];
	size_t k = 0;

	if (n > HS_SYS_STR_MAX)
		n = HS_SYS_STR_MAX;
	e[k++] = '"';
	for (size_t i = 0; i < n; i++) {
		e[k++] = '\\';
		e[k++] = 'x';
		e[k++] = digits[s[i] >> 4];
		e[k++] = digits[s[i] & 15];
	}
	e[k++] = '"';
	sys_put(o, e, k);
	if (cut)
		sys_put(o, "...", 3);
}

void sys_put_quoted(struct sys_out *o, const uint8_t *s, size_t n, bool cut)
{
	char e[HS_SYS_STR_MAX * 4 + 4];
	size_t k = 0;

	if (n > HS_SYS_STR_MAX)
		n = HS_SYS_STR_MAX;
	e[k++] = '"';
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];

		switch (c) {
		case '"': case '\\':
			e[k++] = '\\';
			e[k++] = (char)c;
			continue;
		case '\f': e[k++] = '\\'; e[k++] = 'f'; continue;
		case '\n': e[k++] = '\\'; e[k++] = 'n'; continue;
		case '\r': e[k++] = '\\'; e[k++] = 'r'; continue;
		case '\t': e[k++] = '\\'; e[k++] = 't'; continue;
		case '\v': e[k++] = '\\'; e[k++] = 'v'; continue;
		default:
			break;
		}
		if (c >= ' ' && c < 0x7f) {
			e[k++] = (char)c;
			continue;
		}
		/* octal, three digits when an octal digit follows (as strace) */
		e[k++] = '\\';
		if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7') {
			e[k++] = (char)('0' + (c >> 6));
			e[k++] = (char)('0' + ((c >> 3) & 7));
		} else {
			if (c >> 6)
				e[k++] = (char)('0' + (c >> 6));
			if (c >> 3)
				e[k++] = (char)('0' + ((c >> 3) & 7));
		}
		e[k++] = (char)('0' + (c & 7));
	}
	e[k++] = '"';
	sys_put(o, e, k);
	if (cut)
		sys_put(o, "...", 3);
}

/* Numbers without printf: most arguments are one (the hot path of a
 * first read of `syscalls`). */
static void put_u64(struct sys_out *o, uint64_t v)
{
	char tmp[20];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sys_put(o, tmp + n, sizeof(tmp) - n);
}

static void put_i64(struct sys_out *o, int64_t v)
{
	if (v < 0) {
		sys_put(o, "-", 1);
		put_u64(o, 0 - (uint64_t)v);
	} else {
		put_u64(o, (uint64_t)v);
	}
}

/* "%#lx": 0 prints 0 */
static void put_x64(struct sys_out *o, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[18];
	size_t n = sizeof(tmp);

	if (!v) {
		sys_put(o, "0", 1);
		return;
	}
	while (v) {
		tmp[--n] = digits[v & 15];
		v >>= 4;
	}
	tmp[--n] = 'x';
	tmp[--n] = '0';
	sys_put(o, tmp + n, sizeof(tmp) - n);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put_ptr(struct sys_out *o, uint64_t v)
{
	if (v)
		put_x64(o, v);
	else
		sys_put(o, "NULL", 4);
}

/* The input memory of argument i when all of need bytes are known. */
static const uint8_t *in_mem(const struct sys_call *c, int i, size_t need)
{
	return c->in[i].n >= 0 && (size_t)c->in[i].n >= need && c->in[i].b ? c->in[i].b : NULL;
}

/* The output memory of argument i, when the call returned successfully. */
static const uint8_t *out_mem(const struct sys_call *c, int i, size_t need)
{
	if (c->when != SYS_RETURNED || c->failed)
		return NULL;
	return c->out[i].n >= 0 && (size_t)c->out[i].n >= need && c->out[i].b ? c->out[i].b : NULL;
}

static void put_octal(struct sys_out *o, uint64_t v)
{
	sys_putf(o, "%#03" PRIo64, v);
}

/* ---- structs ------------------------------------------------------------------ */

static void put_sigset(struct sys_out *o, uint64_t set)
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

static void put_sigaction(struct sys_out *o, const uint8_t *p)
{
	uint64_t handler = le64(p), flags = le64(p + 8), restorer = le64(p + 16);

	sys_puts(o, "{sa_handler=");
	if (handler == 0)
		sys_puts(o, "SIG_DFL");
	else if (handler == 1)
		sys_puts(o, "SIG_IGN");
	else
		sys_putf(o, "%#" PRIx64, handler);
	sys_puts(o, ", sa_mask=");
	put_sigset(o, le64(p + 24));
	sys_puts(o, ", sa_flags=");
	sys_put_flags(o, sys_sa_flags, sys_n_sa_flags, flags);
	if (flags & 0x04000000) {
		sys_puts(o, ", sa_restorer=");
		put_ptr(o, restorer);
	}
	sys_put(o, "}", 1);
}

static void put_timespec(struct sys_out *o, const uint8_t *p)
{
	sys_putf(o, "{tv_sec=%" PRId64 ", tv_nsec=%" PRId64 "}", (int64_t)le64(p),
		 (int64_t)le64(p + 8));
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
	put_octal(o, mode & 07777);
}

static void put_stat(struct sys_out *o, const uint8_t *p)
{
	uint32_t mode = le32(p + 24), type = mode & 0170000;

	sys_puts(o, "{st_mode=");
	put_mode(o, mode);
	if (type == 0020000 || type == 0060000) {
		uint64_t dev = le64(p + 40);
		uint64_t major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull);
		uint64_t minor = (dev & 0xff) | ((dev >> 12) & ~0xffull);

		sys_putf(o, ", st_rdev=makedev(%#" PRIx64 ", %#" PRIx64 ")", major, minor);
	} else {
		sys_putf(o, ", st_size=%" PRId64, (int64_t)le64(p + 48));
	}
	sys_puts(o, ", ...}");
}

/* A socket address of len bytes (len as the caller gave it). */
static void put_sockaddr(struct sys_out *o, const uint8_t *p, size_t len)
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
			 le32(p + 24));
		return;
	}
	sys_puts(o, ", sa_data=");
	sys_put_quoted(o, p + 2, len - 2 < 14 ? len - 2 : 14, false);
	sys_put(o, "}", 1);
}

static void put_epoll_event(struct sys_out *o, const uint8_t *p)
{
	uint64_t data = le64(p + 4);

	sys_puts(o, "{events=");
	sys_put_flags(o, sys_epoll_events, sys_n_epoll_events, le32(p));
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

static void put_wstatus(struct sys_out *o, uint32_t s)
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

/* ---- decoders ------------------------------------------------------------------- */

typedef bool (*sys_decoder)(const struct sys_call *c, int i, struct sys_out *o);

static bool d_hex(const struct sys_call *c, int i, struct sys_out *o)
{
	put_x64(o, c->a[i]);
	return true;
}

static bool d_int(const struct sys_call *c, int i, struct sys_out *o)
{
	put_i64(o, (int)c->a[i]);
	return true;
}

static bool d_long(const struct sys_call *c, int i, struct sys_out *o)
{
	put_i64(o, (int64_t)c->a[i]);
	return true;
}

static bool d_uint(const struct sys_call *c, int i, struct sys_out *o)
{
	put_u64(o, c->a[i]);
	return true;
}

static bool d_dirfd(const struct sys_call *c, int i, struct sys_out *o)
{
	if ((int)c->a[i] == -100)
		sys_puts(o, "AT_FDCWD");
	else
		put_i64(o, (int)c->a[i]);
	return true;
}

static bool d_ptr(const struct sys_call *c, int i, struct sys_out *o)
{
	put_ptr(o, c->a[i]);
	return true;
}

/* A NUL-terminated string; a path prints whole (what was copied), other
 * strings SYS_STRLEN bytes. */
static void put_cstring(const struct sys_call *c, int i, struct sys_out *o, size_t max)
{
	const uint8_t *s = c->in[i].b, *nul;
	size_t n;

	if (!c->a[i]) {
		sys_puts(o, "NULL");
		return;
	}
	if (c->in[i].n <= 0 || !s) {
		put_ptr(o, c->a[i]);
		return;
	}
	n = (size_t)c->in[i].n;
	nul = memchr(s, 0, n);
	if (!nul && n <= HS_SYS_STR_MAX) {
		/* it runs into memory that cannot be read: strace shows the address */
		put_ptr(o, c->a[i]);
		return;
	}
	n = nul ? (size_t)(nul - s) : n;
	sys_put_quoted(o, s, n < max ? n : max, n > max);
}

static bool d_path(const struct sys_call *c, int i, struct sys_out *o)
{
	put_cstring(c, i, o, HS_SYS_STR_MAX);
	return true;
}

static bool d_str(const struct sys_call *c, int i, struct sys_out *o)
{
	put_cstring(c, i, o, SYS_STRLEN);
	return true;
}

static void put_bytes(struct sys_out *o, uint64_t addr, const uint8_t *b, uint64_t len)
{
	size_t n = len < SYS_STRLEN ? (size_t)len : SYS_STRLEN;

	if (!b && len)
		put_ptr(o, addr);
	else
		sys_put_quoted(o, b, n, len > SYS_STRLEN);
}

static bool d_buf_in(const struct sys_call *c, int i, struct sys_out *o)
{
	uint64_t len = i < 5 ? c->a[i + 1] : 0;
	size_t need = len < SYS_STRLEN ? (size_t)len : SYS_STRLEN;

	if (!c->a[i]) {
		sys_puts(o, "NULL");
		return true;
	}
	put_bytes(o, c->a[i], in_mem(c, i, need), len);
	return true;
}

static bool d_buf_out(const struct sys_call *c, int i, struct sys_out *o)
{
	size_t need = c->ret < SYS_STRLEN ? (size_t)c->ret : SYS_STRLEN;
	const uint8_t *b = out_mem(c, i, need);

	if (c->a[i] && c->when == SYS_RETURNED && !c->failed && c->ret == 0)
		sys_put(o, "\"\"", 2); /* nothing read */
	else if (!c->a[i] || !b)
		put_ptr(o, c->a[i]);
	else
		put_bytes(o, c->a[i], b, c->ret);
	return true;
}

/* getrandom's bytes, which strace prints in hex */
static bool d_random_out(const struct sys_call *c, int i, struct sys_out *o)
{
	size_t need = c->ret < SYS_STRLEN ? (size_t)c->ret : SYS_STRLEN;
	const uint8_t *b = out_mem(c, i, need);

	if (!c->a[i] || !b)
		put_ptr(o, c->a[i]);
	else
		sys_put_hexquoted(o, b, need, c->ret > SYS_STRLEN);
	return true;
}

static bool d_grnd(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct sys_flag grnd[] = { { 1, "GRND_NONBLOCK" }, { 2, "GRND_RANDOM" },
						{ 4, "GRND_INSECURE" } };

	sys_put_flags(o, grnd, sizeof(grnd) / sizeof(grnd[0]), (uint32_t)c->a[i]);
	return true;
}

static bool d_oflags(const struct sys_call *c, int i, struct sys_out *o)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	uint64_t v = (uint32_t)c->a[i];

	sys_puts(o, acc[v & 3]);
	if (v & ~3ull) {
		sys_put(o, "|", 1);
		sys_put_flags(o, sys_open_flags, sys_n_open_flags, v & ~3ull);
	}
	return true;
}

static bool d_omode(const struct sys_call *c, int i, struct sys_out *o)
{
	uint64_t flags = i ? c->a[i - 1] : 0;

	if (!(flags & 0100) && (flags & 020200000) != 020200000)
		return false;
	put_octal(o, c->a[i]);
	return true;
}

static bool d_mode(const struct sys_call *c, int i, struct sys_out *o)
{
	put_octal(o, c->a[i]);
	return true;
}

static bool d_prot(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_flags(o, sys_prot_flags, sys_n_prot_flags, c->a[i]);
	return true;
}

static bool d_mapflags(const struct sys_call *c, int i, struct sys_out *o)
{
	static const char *const types[] = { NULL, "MAP_SHARED", "MAP_PRIVATE",
					     "MAP_SHARED_VALIDATE" };
	uint64_t v = (uint32_t)c->a[i], type = v & 0xf;

	if (type < 4 && types[type])
		sys_puts(o, types[type]);
	else
		sys_putf(o, "%#" PRIx64, type);
	if (v & ~0xfull) {
		sys_put(o, "|", 1);
		sys_put_flags(o, sys_map_flags, sys_n_map_flags, v & ~0xfull);
	}
	return true;
}

static bool d_sig(const struct sys_call *c, int i, struct sys_out *o)
{
	char tmp[16];
	const char *name = sys_signame((int)c->a[i], tmp, sizeof(tmp));

	if (name)
		sys_puts(o, name);
	else
		sys_putf(o, "%d", (int)c->a[i]);
	return true;
}

static bool d_sigact_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = in_mem(c, i, 32);

	if (c->a[i] && p)
		put_sigaction(o, p);
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_sigact_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = out_mem(c, i, 32);

	if (c->a[i] && p)
		put_sigaction(o, p);
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_sigset_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = in_mem(c, i, 8);

	if (c->a[i] && p)
		put_sigset(o, le64(p));
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_sigset_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = out_mem(c, i, 8);

	if (c->a[i] && p)
		put_sigset(o, le64(p));
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_sighow(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_sighow, sys_n_sighow, (int)c->a[i]);
	return true;
}

static bool d_ts_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = in_mem(c, i, 16);

	if (c->a[i] && p)
		put_timespec(o, p);
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_ts_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = out_mem(c, i, 16);

	if (c->a[i] && p)
		put_timespec(o, p);
	else
		put_ptr(o, c->a[i]);
	return true;
}

/* nanosleep's remainder: written only when a signal interrupted it */
static bool d_ts_rem(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = NULL;

	if (c->when == SYS_RETURNED && c->failed && c->ret == EINTR && c->out[i].n >= 16)
		p = c->out[i].b;
	if (c->a[i] && p)
		put_timespec(o, p);
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_stat_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = out_mem(c, i, 144);

	if (c->a[i] && p)
		put_stat(o, p);
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_clockid(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_clocks, sys_n_clocks, (int)c->a[i]);
	return true;
}

static bool d_family(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_families, sys_n_families, (int)c->a[i]);
	return true;
}

static bool d_socktype(const struct sys_call *c, int i, struct sys_out *o)
{
	uint64_t v = (uint32_t)c->a[i];

	sys_put_const(o, sys_socktypes, sys_n_socktypes, (int64_t)(v & 0xf));
	if (v & ~0xfull) {
		sys_put(o, "|", 1);
		sys_put_flags(o, sys_sock_flags, sys_n_sock_flags, v & ~0xfull);
	}
	return true;
}

static bool d_sockproto(const struct sys_call *c, int i, struct sys_out *o)
{
	int family = (int)c->a[0];

	if (family == 2 || family == 10)
		sys_put_const(o, sys_ipprotos, sys_n_ipprotos, (int)c->a[i]);
	else
		sys_putf(o, "%d", (int)c->a[i]);
	return true;
}

static bool d_sockaddr_in(const struct sys_call *c, int i, struct sys_out *o)
{
	uint64_t len = i < 5 ? c->a[i + 1] : 0;
	size_t n = len < HS_SYS_STR_MAX ? (size_t)len : HS_SYS_STR_MAX;
	const uint8_t *p = in_mem(c, i, n);

	if (c->a[i] && p && n)
		put_sockaddr(o, p, n);
	else
		put_ptr(o, c->a[i]);
	return true;
}

/* The socklen after argument i: its value at the return, else at entry. */
static bool socklen_of(const struct sys_call *c, int i, uint32_t *in, uint32_t *out)
{
	const uint8_t *p = in_mem(c, i, 4), *q = out_mem(c, i, 4);

	if (!c->a[i] || !p)
		return false;
	*in = le32(p);
	*out = q ? le32(q) : *in;
	return true;
}

static bool d_sockaddr_out(const struct sys_call *c, int i, struct sys_out *o)
{
	uint32_t lin, lout;
	const uint8_t *p = NULL;
	size_t n = 0;

	if (i < 5 && socklen_of(c, i + 1, &lin, &lout)) {
		n = lout < lin ? lout : lin;
		if (n > HS_SYS_STR_MAX)
			n = HS_SYS_STR_MAX;
		p = out_mem(c, i, n);
	}
	if (c->a[i] && p && n)
		put_sockaddr(o, p, n);
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_socklen_io(const struct sys_call *c, int i, struct sys_out *o)
{
	uint32_t lin, lout;

	if (!socklen_of(c, i, &lin, &lout))
		put_ptr(o, c->a[i]);
	else if (lin != lout)
		sys_putf(o, "[%" PRIu32 " => %" PRIu32 "]", lin, lout);
	else
		sys_putf(o, "[%" PRIu32 "]", lin);
	return true;
}

/* pollfd array: fds and events at entry (revents go after the result) */
static bool d_pollfds(const struct sys_call *c, int i, struct sys_out *o)
{
	uint64_t n = i < 5 ? c->a[i + 1] : 0;
	size_t have = c->in[i].n > 0 ? (size_t)c->in[i].n / 8 : 0;

	if (!c->a[i] || (n && !have)) {
		put_ptr(o, c->a[i]);
		return true;
	}
	sys_put(o, "[", 1);
	for (uint64_t k = 0; k < n && k < have; k++) {
		const uint8_t *p = c->in[i].b + 8 * k;

		sys_putf(o, "%s{fd=%d, events=", k ? ", " : "", (int)le32(p));
		sys_put_flags(o, sys_poll_events, sys_n_poll_events, (uint16_t)(p[4] | p[5] << 8));
		sys_put(o, "}", 1);
	}
	if (n > have)
		sys_puts(o, ", ...");
	sys_put(o, "]", 1);
	return true;
}

static bool d_epoll_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = in_mem(c, i, 12);

	if (c->a[i] && p)
		put_epoll_event(o, p);
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_epoll_out(const struct sys_call *c, int i, struct sys_out *o)
{
	uint64_t n = c->ret;
	size_t have;

	if (!c->a[i] || c->when != SYS_RETURNED || c->failed || c->out[i].n < 0 ||
	    (n && !c->out[i].n)) {
		put_ptr(o, c->a[i]);
		return true;
	}
	have = (size_t)c->out[i].n / 12;
	sys_put(o, "[", 1);
	for (uint64_t k = 0; k < n && k < have; k++) {
		if (k)
			sys_puts(o, ", ");
		put_epoll_event(o, c->out[i].b + 12 * k);
	}
	if (n > have)
		sys_puts(o, ", ...");
	sys_put(o, "]", 1);
	return true;
}

static bool d_epoll_op(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_epoll_ops, sys_n_epoll_ops, (int)c->a[i]);
	return true;
}

static bool d_futex_op(const struct sys_call *c, int i, struct sys_out *o)
{
	uint32_t op = (uint32_t)c->a[i], cmd = op & ~(128u | 256u);
	bool known = false;

	for (size_t k = 0; k < sys_n_futex_ops; k++)
		if (sys_futex_ops[k].v == cmd) {
			sys_puts(o, sys_futex_ops[k].name);
			known = true;
		}
	if (!known)
		sys_putf(o, "%#x", cmd);
	if (op & 128)
		sys_puts(o, "_PRIVATE");
	if (op & 256)
		sys_puts(o, "|FUTEX_CLOCK_REALTIME");
	return true;
}

/* futex's arguments 2..5 (val, timeout or val2, uaddr2, val3), by op. */
static bool d_futex_arg(const struct sys_call *c, int i, struct sys_out *o)
{
	/* bit i-2: val, timeout, uaddr2, val3; 0x10: argument 3 is val2 */
	static const uint8_t use[14] = {
		[0] = 0x3, [1] = 0x1, [2] = 0x1, [3] = 0x17, [4] = 0x1f, [5] = 0x1f,
		[6] = 0x2, [7] = 0, [8] = 0, [9] = 0xb, [10] = 0x9, [11] = 0x7,
		[12] = 0x1f, [13] = 0x2,
	};
	uint32_t cmd = (uint32_t)c->a[1] & ~(128u | 256u);
	uint8_t u = cmd < 14 ? use[cmd] : 0xf;

	if (!(u & (1u << (i - 2))))
		return false;
	switch (i) {
	case 2:
		sys_putf(o, "%" PRIu32, (uint32_t)c->a[i]);
		break;
	case 3:
		if (u & 0x10)
			sys_putf(o, "%" PRIu32, (uint32_t)c->a[i]);
		else
			d_ts_in(c, i, o);
		break;
	case 4:
		put_ptr(o, c->a[i]);
		break;
	default:
		if ((cmd == 9 || cmd == 10) && (uint32_t)c->a[i] == UINT32_MAX)
			sys_puts(o, "FUTEX_BITSET_MATCH_ANY");
		else if (cmd == 9 || cmd == 10 || cmd == 5)
			sys_putf(o, "%#" PRIx32, (uint32_t)c->a[i]);
		else
			sys_putf(o, "%" PRIu32, (uint32_t)c->a[i]);
	}
	return true;
}

static bool d_whence(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_whence, sys_n_whence, (int)c->a[i]);
	return true;
}

static bool d_atflags(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_flags(o, sys_at_flags, sys_n_at_flags, (uint32_t)c->a[i]);
	return true;
}

static bool d_access(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_flags(o, sys_access, sys_n_access, (uint32_t)c->a[i]);
	return true;
}

static bool d_pipe_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = out_mem(c, i, 8);

	if (c->a[i] && p)
		sys_putf(o, "[%d, %d]", (int)le32(p), (int)le32(p + 4));
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_fcntl_cmd(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_fcntl_cmds, sys_n_fcntl_cmds, (int)c->a[i]);
	return true;
}

static bool d_fcntl_arg(const struct sys_call *c, int i, struct sys_out *o)
{
	switch ((int)c->a[1]) {
	case 1: case 3: case 9: case 11: case 1025: case 1032: case 1034:
		return false; /* the F_GET* commands take none */
	case 2:
		if (c->a[i] == 1)
			sys_puts(o, "FD_CLOEXEC");
		else
			sys_putf(o, "%#" PRIx64, c->a[i]);
		return true;
	case 4:
		return d_oflags(c, i, o);
	case 5: case 6: case 7:
		put_ptr(o, c->a[i]);
		return true;
	default:
		sys_putf(o, "%" PRId64, (int64_t)c->a[i]);
		return true;
	}
}

static bool d_madv(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_madv, sys_n_madv, (int)c->a[i]);
	return true;
}

static bool d_wstatus_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = out_mem(c, i, 4);

	/* nothing is written when no child changed state (WNOHANG: 0) */
	if (c->a[i] && p && c->ret)
		put_wstatus(o, le32(p));
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_woptions(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_flags(o, sys_wait_options, sys_n_wait_options, (uint32_t)c->a[i]);
	return true;
}

static bool d_ioctl_req(const struct sys_call *c, int i, struct sys_out *o)
{
	uint32_t v = (uint32_t)c->a[i];

	for (size_t k = 0; k < sys_n_ioctls; k++)
		if (sys_ioctls[k].v == v) {
			sys_puts(o, sys_ioctls[k].name);
			return true;
		}
	sys_putf(o, "%#" PRIx32, v);
	return true;
}

static bool d_msgflags(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_flags(o, sys_msg_flags, sys_n_msg_flags, (uint32_t)c->a[i]);
	return true;
}

static bool d_int_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = in_mem(c, i, 4);

	if (c->a[i] && p)
		sys_putf(o, "[%d]", (int)le32(p));
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_socklevel(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_sol, sys_n_sol, (int)c->a[i]);
	return true;
}

static bool d_sockopt(const struct sys_call *c, int i, struct sys_out *o)
{
	if ((int)c->a[1] == 1)
		sys_put_const(o, sys_so_opts, sys_n_so_opts, (int)c->a[i]);
	else
		sys_putf(o, "%d", (int)c->a[i]);
	return true;
}

static bool d_shuthow(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_shut, sys_n_shut, (int)c->a[i]);
	return true;
}

/* clone(flags, stack, parent_tid, child_tid, tls) prints as strace's
 * clone(child_stack=..., flags=..., parent_tid=..., tls=..., child_tidptr=...) */
static bool d_clone_flags(const struct sys_call *c, int i, struct sys_out *o)
{
	uint64_t flags = c->a[0];
	char tmp[16];
	const char *sig = sys_signame((int)(flags & 0xff), tmp, sizeof(tmp));

	sys_puts(o, "child_stack=");
	put_ptr(o, c->a[1]);
	sys_puts(o, ", flags=");
	if (flags & ~0xffull)
		sys_put_flags(o, sys_clone_flags, sys_n_clone_flags, flags & ~0xffull);
	if (flags & 0xff) {
		if (flags & ~0xffull)
			sys_put(o, "|", 1);
		if (sig)
			sys_puts(o, sig);
		else
			sys_putf(o, "%" PRIu64, flags & 0xff);
	} else if (!(flags & ~0xffull)) {
		sys_put(o, "0", 1);
	}
	(void)i;
	return true;
}

static bool d_clone_arg(const struct sys_call *c, int i, struct sys_out *o)
{
	uint64_t flags = c->a[0];

	switch (i) {
	case 1:
		return false; /* the stack, printed with the flags */
	case 2: {
		const uint8_t *p = out_mem(c, 2, 4);

		if (!(flags & 0x100000))
			return false;
		sys_puts(o, "parent_tid=");
		if (p && c->a[2]) {
			/* the child's tid, written by the call */
			sys_put(o, "[", 1);
			put_u64(o, le32(p));
			sys_put(o, "]", 1);
		} else {
			put_ptr(o, c->a[2]);
		}
		return true;
	}
	case 3:
		if (!(flags & 0x80000))
			return false;
		sys_puts(o, "tls=");
		put_ptr(o, c->a[4]);
		return true;
	default:
		if (!(flags & (0x1000000 | 0x200000)))
			return false;
		sys_puts(o, "child_tidptr=");
		put_ptr(o, c->a[3]);
		return true;
	}
}

static bool d_remap_flags(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_flags(o, sys_remap_flags, sys_n_remap_flags, (uint32_t)c->a[i]);
	return true;
}

static bool d_remap_new(const struct sys_call *c, int i, struct sys_out *o)
{
	if (!(c->a[3] & 2))
		return false;
	put_ptr(o, c->a[i]);
	return true;
}

/* O_CLOEXEC-style flags, named as the syscall's own constants */
static bool d_eflags(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct sys_flag epoll[] = { { 02000000, "EPOLL_CLOEXEC" } };
	static const struct sys_flag efd[] = { { 1, "EFD_SEMAPHORE" }, { 02000000, "EFD_CLOEXEC" },
					       { 04000, "EFD_NONBLOCK" } };
	static const struct sys_flag sock[] = { { 02000000, "SOCK_CLOEXEC" },
						{ 04000, "SOCK_NONBLOCK" } };
	uint64_t v = (uint32_t)c->a[i];

	switch (c->nr) {
	case 291:
		sys_put_flags(o, SYS_XLAT(epoll), v);
		break;
	case 290:
		sys_put_flags(o, SYS_XLAT(efd), v);
		break;
	case 288:
		sys_put_flags(o, SYS_XLAT(sock), v);
		break;
	default:
		sys_put_flags(o, sys_open_flags, sys_n_open_flags, v);
	}
	return true;
}

static bool d_rlimit_res(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_rlimits, sys_n_rlimits, (int)c->a[i]);
	return true;
}

static void put_rlimit(struct sys_out *o, const uint8_t *p)
{
	sys_puts(o, "{rlim_cur=");
	put_rlim(o, le64(p));
	sys_puts(o, ", rlim_max=");
	put_rlim(o, le64(p + 8));
	sys_put(o, "}", 1);
}

static bool d_rlimit_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = in_mem(c, i, 16);

	if (c->a[i] && p)
		put_rlimit(o, p);
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_rlimit_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = out_mem(c, i, 16);

	if (c->a[i] && p)
		put_rlimit(o, p);
	else
		put_ptr(o, c->a[i]);
	return true;
}

/* in[i]: the 8 bytes of the frame's signal mask, found by the reader */
static bool d_sigframe(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = in_mem(c, i, 8);

	if (!p)
		return false;
	sys_puts(o, "{mask=");
	put_sigset(o, le64(p));
	sys_put(o, "}", 1);
	return true;
}

static bool d_arch_code(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct sys_flag codes[] = {
		{ 0x1001, "ARCH_SET_GS" }, { 0x1002, "ARCH_SET_FS" }, { 0x1003, "ARCH_GET_FS" },
		{ 0x1004, "ARCH_GET_GS" }, { 0x1011, "ARCH_GET_CPUID" }, { 0x1012, "ARCH_SET_CPUID" },
	};
	uint32_t v = (uint32_t)c->a[i];

	for (size_t k = 0; k < sizeof(codes) / sizeof(codes[0]); k++)
		if (codes[k].v == v) {
			sys_puts(o, codes[k].name);
			return true;
		}
	put_x64(o, v);
	return true;
}

static const struct sys_flag statx_mask[] = {
	{ 0x7ff, "STATX_BASIC_STATS" }, { 0x1, "STATX_TYPE" }, { 0x2, "STATX_MODE" },
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

static bool d_statx_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = out_mem(c, i, 48);

	if (!c->a[i] || !p) {
		put_ptr(o, c->a[i]);
		return true;
	}
	sys_puts(o, "{stx_mask=");
	sys_put_flags(o, statx_mask, sizeof(statx_mask) / sizeof(statx_mask[0]), le32(p));
	sys_puts(o, ", stx_attributes=");
	put_x64(o, le64(p + 8));
	sys_puts(o, ", stx_mode=");
	put_mode(o, (uint32_t)(p[28] | p[29] << 8));
	sys_puts(o, ", stx_size=");
	put_u64(o, le64(p + 40));
	sys_puts(o, ", ...}");
	return true;
}

static bool d_utsname_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = out_mem(c, i, 130);
	const uint8_t *e1, *e2;

	if (!c->a[i] || !p || !(e1 = memchr(p, 0, 65)) || !(e2 = memchr(p + 65, 0, 65))) {
		put_ptr(o, c->a[i]);
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
	put_ptr(o, c->a[i]);
	if (c->a[i] && c->when == SYS_RETURNED && !c->failed && c->out[i].b && c->out[i].n >= 0) {
		sys_puts(o, " /* ");
		put_u64(o, (uint64_t)c->out[i].n);
		sys_puts(o, c->out[i].n == 1 ? " entry */" : " entries */");
	}
	return true;
}

/* ---- arguments behind pointers (through c->read) -------------------------- */

#define SYS_MAX_ELEMS 32   /* array elements printed before "..." */

static ssize_t mem_read(const struct sys_call *c, bool at_exit, uint64_t addr, size_t n,
			uint8_t *buf)
{
	return c->read ? c->read(c->read_ctx, at_exit, addr, n, buf) : -ENOSYS;
}

/* A string behind a pointer, at most SYS_STRLEN bytes then "..." */
static void put_string_at(const struct sys_call *c, bool at_exit, uint64_t addr,
			  struct sys_out *o)
{
	uint8_t buf[SYS_STRLEN + 1];
	ssize_t n = addr ? mem_read(c, at_exit, addr, sizeof(buf), buf) : 0;
	const uint8_t *nul = n > 0 ? memchr(buf, 0, (size_t)n) : NULL;

	if (!addr)
		sys_puts(o, "NULL");
	else if (nul)
		sys_put_quoted(o, buf, (size_t)(nul - buf), false);
	else if (n == (ssize_t)sizeof(buf))
		sys_put_quoted(o, buf, SYS_STRLEN, true);
	else
		put_ptr(o, addr);
}

static bool d_argv(const struct sys_call *c, int i, struct sys_out *o)
{
	uint8_t p[8 * (SYS_MAX_ELEMS + 1)];
	ssize_t n = c->a[i] ? mem_read(c, false, c->a[i], sizeof(p), p) : -EFAULT;
	size_t k;

	if (n < 8) {
		put_ptr(o, c->a[i]);
		return true;
	}
	sys_put(o, "[", 1);
	for (k = 0; k < (size_t)n / 8 && k < SYS_MAX_ELEMS; k++) {
		uint64_t s = le64(p + 8 * k);

		if (!s)
			break;
		if (k)
			sys_puts(o, ", ");
		put_string_at(c, false, s, o);
	}
	if (k == SYS_MAX_ELEMS && (size_t)n / 8 > k && le64(p + 8 * k))
		sys_puts(o, ", ...");
	sys_put(o, "]", 1);
	return true;
}

static bool d_envp(const struct sys_call *c, int i, struct sys_out *o)
{
	uint8_t p[8 * 64];
	size_t vars = 0;
	bool end = false;

	put_ptr(o, c->a[i]);
	if (!c->a[i])
		return true;
	/* count up to the NULL, 64 pointers a read, at most 64 reads */
	for (int r = 0; r < 64 && !end; r++) {
		ssize_t n = mem_read(c, false, c->a[i] + (uint64_t)r * sizeof(p), sizeof(p), p);

		if (n < 8)
			return true;
		for (size_t k = 0; k < (size_t)n / 8; k++) {
			if (!le64(p + 8 * k)) {
				end = true;
				break;
			}
			vars++;
		}
	}
	if (end) {
		sys_puts(o, " /* ");
		put_u64(o, vars);
		sys_puts(o, vars == 1 ? " var */" : " vars */");
	}
	return true;
}

/* iovec arrays: at entry (writev: iov_len bytes each) or at the return
 * (readv: the bytes returned, in order) */
static void put_iov(const struct sys_call *c, int i, struct sys_out *o, bool at_exit)
{
	int cnt = i < 5 ? (int)c->a[i + 1] : 0; /* the kernel's iovcnt is an int */
	uint64_t left = c->ret;
	uint8_t v[16 * SYS_MAX_ELEMS];
	size_t want = cnt < SYS_MAX_ELEMS ? (size_t)cnt * 16 : sizeof(v);
	ssize_t n = c->a[i] && cnt > 0 ? mem_read(c, false, c->a[i], want, v) : -EFAULT;
	size_t k;

	if (c->a[i] && cnt == 0) {
		sys_puts(o, "[]");
		return;
	}
	if (n < 16 || (size_t)n < want) {
		put_ptr(o, c->a[i]);
		return;
	}
	sys_put(o, "[", 1);
	for (k = 0; k < (size_t)n / 16; k++) {
		uint64_t base = le64(v + 16 * k), len = le64(v + 16 * k + 8);
		uint64_t show = at_exit ? (len < left ? len : left) : len;
		uint8_t buf[SYS_STRLEN];
		size_t want_b = show < SYS_STRLEN ? (size_t)show : SYS_STRLEN;
		ssize_t got = want_b ? mem_read(c, at_exit, base, want_b, buf) : 0;

		if (k)
			sys_puts(o, ", ");
		sys_puts(o, "{iov_base=");
		if (at_exit && !left)
			put_ptr(o, base);
		else if (got == (ssize_t)want_b)
			sys_put_quoted(o, buf, want_b, show > SYS_STRLEN);
		else
			put_ptr(o, base);
		sys_puts(o, ", iov_len=");
		put_u64(o, len);
		sys_put(o, "}", 1);
		if (at_exit)
			left -= show;
	}
	if ((size_t)cnt > k)
		sys_puts(o, ", ...");
	sys_put(o, "]", 1);
}

static bool d_iov_in(const struct sys_call *c, int i, struct sys_out *o)
{
	put_iov(c, i, o, false);
	return true;
}

static bool d_iov_out(const struct sys_call *c, int i, struct sys_out *o)
{
	if (c->when != SYS_RETURNED || c->failed)
		put_ptr(o, c->a[i]);
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
	put_i64(o, (int64_t)le64(p));
	sys_puts(o, ", tv_usec=");
	put_i64(o, (int64_t)le64(p + 8));
	sys_put(o, "}", 1);
}

static void put_itimerval(struct sys_out *o, const uint8_t *p)
{
	sys_puts(o, "{it_interval=");
	put_timeval(o, p);
	sys_puts(o, ", it_value=");
	put_timeval(o, p + 16);
	sys_put(o, "}", 1);
}

static bool d_itimerval_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = in_mem(c, i, 32);

	if (c->a[i] && p)
		put_itimerval(o, p);
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_itimerval_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = out_mem(c, i, 32);

	if (c->a[i] && p)
		put_itimerval(o, p);
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_int_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = out_mem(c, i, 4);

	if (c->a[i] && p) {
		sys_put(o, "[", 1);
		put_i64(o, (int32_t)le32(p));
		sys_put(o, "]", 1);
	} else {
		put_ptr(o, c->a[i]);
	}
	return true;
}

/* getcwd: the string the call wrote (the result counts its NUL) */
static bool d_cstr_out(const struct sys_call *c, int i, struct sys_out *o)
{
	size_t n = c->out[i].n > 0 ? (size_t)c->out[i].n : 0;
	const uint8_t *p = out_mem(c, i, n ? n : 1);
	const uint8_t *nul = p ? memchr(p, 0, n) : NULL;

	if (c->a[i] && nul)
		sys_put_quoted(o, p, (size_t)(nul - p), false);
	else
		put_ptr(o, c->a[i]);
	return true;
}

/* sched_getaffinity: the CPUs set in the result's bytes of the mask */
static bool d_cpuset_out(const struct sys_call *c, int i, struct sys_out *o)
{
	size_t n = c->ret < HS_SYS_STR_MAX ? (size_t)c->ret : HS_SYS_STR_MAX;
	const uint8_t *p = out_mem(c, i, n);
	bool first = true;

	if (!c->a[i] || !p || !n) {
		put_ptr(o, c->a[i]);
		return true;
	}
	sys_put(o, "[", 1);
	for (size_t b = 0; b < 8 * n; b++) {
		if (!(p[b / 8] >> (b % 8) & 1))
			continue;
		if (!first)
			sys_put(o, " ", 1); /* strace separates CPUs with spaces */
		put_u64(o, b);
		first = false;
	}
	sys_put(o, "]", 1);
	return true;
}

static void put_stack(struct sys_out *o, const uint8_t *p)
{
	static const struct sys_flag ss[] = { { 1, "SS_ONSTACK" }, { 2, "SS_DISABLE" },
					      { 0x80000000, "SS_AUTODISARM" } };

	sys_puts(o, "{ss_sp=");
	put_ptr(o, le64(p));
	sys_puts(o, ", ss_flags=");
	sys_put_flags(o, ss, sizeof(ss) / sizeof(ss[0]), le32(p + 8));
	sys_puts(o, ", ss_size=");
	put_u64(o, le64(p + 16));
	sys_put(o, "}", 1);
}

static bool d_stack_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = in_mem(c, i, 24);

	if (c->a[i] && p)
		put_stack(o, p);
	else
		put_ptr(o, c->a[i]);
	return true;
}

static bool d_stack_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = out_mem(c, i, 24);

	if (c->a[i] && p)
		put_stack(o, p);
	else
		put_ptr(o, c->a[i]);
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
	const uint8_t *p = out_mem(c, i, 88);
	uint64_t type;
	bool named = false;

	if (!c->a[i] || !p) {
		put_ptr(o, c->a[i]);
		return true;
	}
	type = le64(p);
	sys_puts(o, "{f_type=");
	for (size_t k = 0; k < sizeof(magic) / sizeof(magic[0]); k++)
		if (magic[k].v == type) {
			sys_puts(o, magic[k].name);
			named = true;
		}
	if (!named)
		put_x64(o, type);
	for (int k = 0; k < 6; k++) {
		sys_puts(o, ", ");
		sys_puts(o, names[k]);
		sys_put(o, "=", 1);
		put_u64(o, le64(p + 8 + 8 * k));
	}
	sys_puts(o, ", f_fsid={val=[");
	put_x64(o, le32(p + 56));
	sys_puts(o, ", ");
	put_x64(o, le32(p + 60));
	sys_puts(o, "]}, f_namelen=");
	put_u64(o, le64(p + 64));
	sys_puts(o, ", f_frsize=");
	put_u64(o, le64(p + 72));
	sys_puts(o, ", f_flags=");
	sys_put_flags(o, st, sizeof(st) / sizeof(st[0]), le64(p + 80));
	sys_put(o, "}", 1);
	return true;
}

static const sys_decoder decoders[HS_K_COUNT] = {
	[HS_K_HEX] = d_hex, [HS_K_INT] = d_int, [HS_K_LONG] = d_long, [HS_K_UINT] = d_uint,
	[HS_K_FD] = d_int, [HS_K_DIRFD] = d_dirfd, [HS_K_PATH] = d_path,
	[HS_K_BUF_IN] = d_buf_in, [HS_K_BUF_OUT] = d_buf_out, [HS_K_PTR] = d_ptr,
	[HS_K_OFLAGS] = d_oflags, [HS_K_OMODE] = d_omode, [HS_K_MODE] = d_mode,
	[HS_K_PROT] = d_prot, [HS_K_MAPFLAGS] = d_mapflags, [HS_K_SIG] = d_sig,
	[HS_K_SIGACT_IN] = d_sigact_in, [HS_K_SIGACT_OUT] = d_sigact_out,
	[HS_K_SIGSET_IN] = d_sigset_in, [HS_K_SIGSET_OUT] = d_sigset_out,
	[HS_K_SIGHOW] = d_sighow, [HS_K_TS_IN] = d_ts_in, [HS_K_TS_OUT] = d_ts_out,
	[HS_K_TS_REM] = d_ts_rem, [HS_K_STAT_OUT] = d_stat_out, [HS_K_CLOCKID] = d_clockid,
	[HS_K_FAMILY] = d_family, [HS_K_SOCKTYPE] = d_socktype, [HS_K_SOCKPROTO] = d_sockproto,
	[HS_K_SOCKADDR_IN] = d_sockaddr_in, [HS_K_SOCKADDR_OUT] = d_sockaddr_out,
	[HS_K_SOCKLEN_IO] = d_socklen_io, [HS_K_POLLFDS] = d_pollfds,
	[HS_K_EPOLL_IN] = d_epoll_in, [HS_K_EPOLL_OUT] = d_epoll_out,
	[HS_K_EPOLL_OP] = d_epoll_op, [HS_K_FUTEX_OP] = d_futex_op,
	[HS_K_FUTEX_ARG] = d_futex_arg, [HS_K_WHENCE] = d_whence, [HS_K_ATFLAGS] = d_atflags,
	[HS_K_ACCESS] = d_access, [HS_K_PIPE_OUT] = d_pipe_out, [HS_K_FCNTL_CMD] = d_fcntl_cmd,
	[HS_K_FCNTL_ARG] = d_fcntl_arg, [HS_K_MADV] = d_madv, [HS_K_WSTATUS_OUT] = d_wstatus_out,
	[HS_K_WOPTIONS] = d_woptions, [HS_K_IOCTL_REQ] = d_ioctl_req,
	[HS_K_MSGFLAGS] = d_msgflags, [HS_K_INT_IN] = d_int_in, [HS_K_SOCKLEVEL] = d_socklevel,
	[HS_K_SOCKOPT] = d_sockopt, [HS_K_SHUTHOW] = d_shuthow,
	[HS_K_CLONE_FLAGS] = d_clone_flags, [HS_K_CLONE_ARG] = d_clone_arg,
	[HS_K_REMAP_FLAGS] = d_remap_flags, [HS_K_REMAP_NEW] = d_remap_new,
	[HS_K_EFLAGS] = d_eflags, [HS_K_STR] = d_str, [HS_K_RLIMIT_RES] = d_rlimit_res,
	[HS_K_RLIMIT_IN] = d_rlimit_in, [HS_K_RLIMIT_OUT] = d_rlimit_out, [HS_K_OCT] = d_mode,
	[HS_K_SIGFRAME] = d_sigframe, [HS_K_ARCH_CODE] = d_arch_code,
	[HS_K_STATX_FLAGS] = d_statx_flags, [HS_K_STATX_MASK] = d_statx_mask,
	[HS_K_STATX_OUT] = d_statx_out, [HS_K_UTSNAME_OUT] = d_utsname_out,
	[HS_K_DIRENTS_OUT] = d_dirents_out, [HS_K_ARGV] = d_argv, [HS_K_ENVP] = d_envp,
	[HS_K_IOV_IN] = d_iov_in, [HS_K_IOV_OUT] = d_iov_out,
	[HS_K_ITIMER_WHICH] = d_itimer_which, [HS_K_ITIMERVAL_IN] = d_itimerval_in,
	[HS_K_ITIMERVAL_OUT] = d_itimerval_out, [HS_K_INT_OUT] = d_int_out,
	[HS_K_CSTR_OUT] = d_cstr_out, [HS_K_CPUSET_OUT] = d_cpuset_out,
	[HS_K_STACK_IN] = d_stack_in, [HS_K_STACK_OUT] = d_stack_out,
	[HS_K_STATFS_OUT] = d_statfs_out, [HS_K_RANDOM_OUT] = d_random_out, [HS_K_GRND] = d_grnd,
};

bool sys_has_decoder(unsigned kind)
{
	return kind < HS_K_COUNT && decoders[kind];
}

/* ---- the output memory a line needs ---------------------------------------------- */

uint32_t sys_out_span(const struct sys_call *c, int i)
{
	const struct hs_sys_row *r = c->row;
	uint64_t next = i < 5 ? c->a[i + 1] : 0;

	if (!r || !c->a[i] || c->when != SYS_RETURNED)
		return 0;
	if (c->failed)
		return r->kind[i] == HS_K_TS_REM && c->ret == EINTR ? 16 : 0;
	switch (r->kind[i]) {
	case HS_K_BUF_OUT:
	case HS_K_RANDOM_OUT:
		return c->ret < SYS_STRLEN ? (uint32_t)c->ret : SYS_STRLEN;
	case HS_K_STAT_OUT:
		return 144;
	case HS_K_STATX_OUT:
		return 48;
	case HS_K_UTSNAME_OUT:
		return 130;
	case HS_K_ITIMERVAL_OUT:
		return 32;
	case HS_K_STACK_OUT:
		return 24;
	case HS_K_STATFS_OUT:
		return 88;
	case HS_K_INT_OUT:
		return 4;
	case HS_K_CSTR_OUT: /* the result counts the NUL */
	case HS_K_CPUSET_OUT:
		return c->ret < HS_SYS_STR_MAX ? (uint32_t)c->ret : HS_SYS_STR_MAX;
	case HS_K_CLONE_ARG:
		return i == 2 && (c->a[0] & 0x100000) ? 4 : 0; /* parent_tid */
	case HS_K_TS_OUT:
	case HS_K_RLIMIT_OUT:
		return 16;
	case HS_K_SIGACT_OUT:
		return 32;
	case HS_K_SIGSET_OUT:
	case HS_K_PIPE_OUT:
		return 8;
	case HS_K_SOCKLEN_IO:
	case HS_K_WSTATUS_OUT:
		return 4;
	case HS_K_SOCKADDR_OUT: {
		uint32_t lin, lout;

		if (i == 5 || !socklen_of(c, i + 1, &lin, &lout))
			return 0;
		return lin < HS_SYS_STR_MAX ? lin : HS_SYS_STR_MAX;
	}
	case HS_K_POLLFDS:
		return next > HS_SYS_STR_MAX / 8 ? HS_SYS_STR_MAX : (uint32_t)next * 8;
	case HS_K_EPOLL_OUT:
		return c->ret > 10 ? 120 : (uint32_t)c->ret * 12;
	default:
		return 0;
	}
}

/* ---- the line ---------------------------------------------------------------------- */

static void put_name(const struct sys_call *c, struct sys_out *o)
{
	const char *name = c->row ? c->row->name : hs_db_syscall_name(c->nr);

	if (name)
		sys_puts(o, name);
	else
		sys_putf(o, "syscall_%#" PRIx32, c->nr);
}

/* poll's revents after the result: " ([{fd=3, revents=POLLIN}])" */
static void put_poll_result(const struct sys_call *c, struct sys_out *o)
{
	int i = 0;
	uint64_t n = c->a[1];
	size_t have;
	bool first = true;

	if (c->ret == 0) {
		sys_puts(o, " (Timeout)");
		return;
	}
	if (c->out[i].n <= 0 || !c->out[i].b)
		return;
	have = (size_t)c->out[i].n / 8;
	sys_puts(o, " ([");
	for (uint64_t k = 0; k < n && k < have; k++) {
		const uint8_t *p = c->out[i].b + 8 * k;
		uint16_t rev = (uint16_t)(p[6] | p[7] << 8);

		if (!rev)
			continue;
		sys_putf(o, "%s{fd=%d, revents=", first ? "" : ", ", (int)le32(p));
		sys_put_flags(o, sys_poll_events, sys_n_poll_events, rev);
		sys_put(o, "}", 1);
		first = false;
	}
	sys_puts(o, "])");
}

static void put_result(const struct sys_call *c, struct sys_out *o)
{
	unsigned kind = c->row ? c->row->ret : HS_R_INT;

	if (c->when == SYS_LOST || kind == HS_R_NONE) {
		sys_puts(o, "?");
		return;
	}
	if (c->failed) {
		const char *name, *text;

		sys_errno(c->ret, &name, &text);
		if (c->ret >= 512 && c->ret <= 516)
			sys_putf(o, "? %s (%s)", name, text);
		else if (name)
			sys_putf(o, "-1 %s (%s)", name, text ? text : "?");
		else
			sys_putf(o, "-1 (errno %" PRIu64 ")", c->ret);
		return;
	}
	switch (kind) {
	case HS_R_HEX:
		put_x64(o, c->ret);
		break;
	case HS_R_OCT:
		put_octal(o, c->ret);
		break;
	default:
		if (c->nr == 72 && ((int)c->a[1] == 1 || (int)c->a[1] == 3)) {
			/* fcntl F_GETFD, F_GETFL: the flags too */
			sys_putf(o, "%#" PRIx64 " (flags ", c->ret);
			if ((int)c->a[1] == 1)
				sys_puts(o, c->ret & 1 ? "FD_CLOEXEC" : "0");
			else
				d_oflags(&(struct sys_call){ .a = { c->ret } }, 0, o);
			sys_put(o, ")", 1);
			break;
		}
		put_i64(o, (int64_t)c->ret);
		if (kind == HS_R_POLL)
			put_poll_result(c, o);
	}
}

size_t sys_format(const struct sys_call *c, char *buf, size_t cap)
{
	struct sys_out o = { buf, cap, 0 };
	int nargs = c->row ? c->row->nargs : 6;
	bool first = true;

	if (cap)
		buf[0] = 0;
	put_name(c, &o);
	sys_put(&o, "(", 1);
	for (int i = 0; i < nargs; i++) {
		size_t mark = o.len;
		sys_decoder d = c->row ? decoders[c->row->kind[i]] : d_hex;

		if (!first)
			sys_put(&o, ", ", 2);
		if (!d)
			d = d_hex;
		if (d(c, i, &o)) {
			first = false;
			continue;
		}
		/* left out: take back the comma */
		o.len = mark;
		if (o.len < o.cap)
			o.buf[o.len] = 0;
	}
	sys_put(&o, ")", 1);
	if (c->when != SYS_ENTRY) {
		sys_put(&o, " = ", 3);
		put_result(c, &o);
	}
	return o.len;
}

size_t sys_format_result(const struct sys_call *c, char *buf, size_t cap)
{
	struct sys_out o = { buf, cap, 0 };

	if (cap)
		buf[0] = 0;
	put_name(c, &o);
	sys_put(&o, " = ", 3);
	put_result(c, &o);
	return o.len;
}
