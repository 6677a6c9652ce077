/* sys_decode.c - one syscall as strace prints it by default.
 *
 * A decoder per argument kind (include/hindsight/syscall_args.h), chosen
 * through the table decoders[] below (the scalar kinds) and
 * sys_struct_decoders[] (sys_structs.c: arguments in memory); each writes
 * its argument and returns true, or returns false for an argument strace
 * leaves out (the mode of an open() without O_CREAT, futex's unused
 * arguments), and then nothing of it is printed, comma included.  What
 * strace prints:
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

/* ---- decoders ------------------------------------------------------------------- */

static bool d_hex(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_x64(o, c->a[i]);
	return true;
}

static bool d_int(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_i64(o, (int)c->a[i]);
	return true;
}

static bool d_long(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_i64(o, (int64_t)c->a[i]);
	return true;
}

static bool d_uint(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_u64(o, c->a[i]);
	return true;
}

static bool d_dirfd(const struct sys_call *c, int i, struct sys_out *o)
{
	if ((int)c->a[i] == -100)
		sys_puts(o, "AT_FDCWD");
	else
		sys_put_i64(o, (int)c->a[i]);
	return true;
}

static bool d_ptr(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_ptr(o, c->a[i]);
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
		sys_put_ptr(o, c->a[i]);
		return;
	}
	n = (size_t)c->in[i].n;
	nul = memchr(s, 0, n);
	if (!nul && n <= HS_SYS_STR_MAX) {
		/* it runs into memory that cannot be read: strace shows the address */
		sys_put_ptr(o, c->a[i]);
		return;
	}
	n = nul ? (size_t)(nul - s) : n;
	sys_put_quoted(o, s, n < max ? n : max, n > max);
}

/* strace prints a path whole, however long: the recorder's copy holds its
 * first HS_SYS_STR_MAX + 1 bytes, the rest is read from memory at entry. */
static bool d_path(const struct sys_call *c, int i, struct sys_out *o)
{
	uint8_t buf[SYS_PATH_MAX];
	const uint8_t *nul = NULL;
	bool cut = c->a[i] && c->in[i].b && c->in[i].n > HS_SYS_STR_MAX &&
		   !memchr(c->in[i].b, 0, (size_t)c->in[i].n);
	ssize_t n;

	if (!cut) { /* the copy holds it whole (or it is NULL, unreadable) */
		put_cstring(c, i, o, SIZE_MAX);
		return true;
	}
	n = c->read ? c->read(c->read_ctx, false, c->a[i], sizeof(buf), buf) : -ENOSYS;
	if (n > 0)
		nul = memchr(buf, 0, (size_t)n);
	if (nul)
		sys_put_quoted(o, buf, (size_t)(nul - buf), false);
	else /* no reader (events), unreadable, or past PATH_MAX: "... */
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
		sys_put_ptr(o, addr);
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
	put_bytes(o, c->a[i], sys_in_mem(c, i, need), len);
	return true;
}

static bool d_buf_out(const struct sys_call *c, int i, struct sys_out *o)
{
	size_t need = c->ret < SYS_STRLEN ? (size_t)c->ret : SYS_STRLEN;
	const uint8_t *b = sys_out_mem(c, i, need);

	if (c->a[i] && c->when == SYS_RETURNED && !c->failed && c->ret == 0)
		sys_put(o, "\"\"", 2); /* nothing read */
	else if (!c->a[i] || !b)
		sys_put_ptr(o, c->a[i]);
	else
		put_bytes(o, c->a[i], b, c->ret);
	return true;
}

/* getrandom's bytes, which strace prints in hex */
static bool d_random_out(const struct sys_call *c, int i, struct sys_out *o)
{
	size_t need = c->ret < SYS_STRLEN ? (size_t)c->ret : SYS_STRLEN;
	const uint8_t *b = sys_out_mem(c, i, need);

	if (!c->a[i] || !b)
		sys_put_ptr(o, c->a[i]);
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
	sys_put_octal(o, c->a[i]);
	return true;
}

static bool d_mode(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_octal(o, c->a[i]);
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
	const uint8_t *p = sys_in_mem(c, i, 32);

	if (c->a[i] && p)
		sys_put_sigaction(o, p);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_sigact_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_out_mem(c, i, 32);

	if (c->a[i] && p)
		sys_put_sigaction(o, p);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_sigset_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_in_mem(c, i, 8);

	if (c->a[i] && p)
		sys_put_sigset(o, sys_le64(p));
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_sigset_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_out_mem(c, i, 8);

	if (c->a[i] && p)
		sys_put_sigset(o, sys_le64(p));
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_sighow(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_sighow, sys_n_sighow, (int)c->a[i]);
	return true;
}

static bool d_ts_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_in_mem(c, i, 16);

	if (c->a[i] && p)
		sys_put_timespec(o, p);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_ts_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_out_mem(c, i, 16);

	if (c->a[i] && p)
		sys_put_timespec(o, p);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

/* nanosleep's remainder: written only when a signal interrupted it
 * (EINTR; ERESTART_RESTARTBLOCK, strace's code for it) */
static bool d_ts_rem(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = NULL;

	if (c->when == SYS_RETURNED && c->failed && (c->ret == EINTR || c->ret == 516) &&
	    c->out[i].n >= 16)
		p = c->out[i].b;
	if (c->a[i] && p)
		sys_put_timespec(o, p);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_stat_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_out_mem(c, i, 144);

	if (c->a[i] && p)
		sys_put_stat(o, p);
	else
		sys_put_ptr(o, c->a[i]);
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
	const uint8_t *p = sys_in_mem(c, i, n);

	if (c->a[i] && p && n)
		sys_put_sockaddr(o, p, n);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

/* The socklen after argument i: its value at the return, else at entry. */
static bool socklen_of(const struct sys_call *c, int i, uint32_t *in, uint32_t *out)
{
	const uint8_t *p = sys_in_mem(c, i, 4), *q = sys_out_mem(c, i, 4);

	if (!c->a[i] || !p)
		return false;
	*in = sys_le32(p);
	*out = q ? sys_le32(q) : *in;
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
		p = sys_out_mem(c, i, n);
	}
	if (c->a[i] && p && n)
		sys_put_sockaddr(o, p, n);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_socklen_io(const struct sys_call *c, int i, struct sys_out *o)
{
	uint32_t lin, lout;

	if (!socklen_of(c, i, &lin, &lout))
		sys_put_ptr(o, c->a[i]);
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
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	sys_put(o, "[", 1);
	for (uint64_t k = 0; k < n && k < have; k++) {
		const uint8_t *p = c->in[i].b + 8 * k;

		sys_putf(o, "%s{fd=%d, events=", k ? ", " : "", (int)sys_le32(p));
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
	const uint8_t *p = sys_in_mem(c, i, 12);

	if (c->a[i] && p)
		sys_put_epoll_event(o, p);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_epoll_out(const struct sys_call *c, int i, struct sys_out *o)
{
	uint64_t n = c->ret;
	size_t have;

	if (!c->a[i] || c->when != SYS_RETURNED || c->failed || c->out[i].n < 0 ||
	    (n && !c->out[i].n)) {
		sys_put_ptr(o, c->a[i]);
		return true;
	}
	have = (size_t)c->out[i].n / 12;
	sys_put(o, "[", 1);
	for (uint64_t k = 0; k < n && k < have; k++) {
		if (k)
			sys_puts(o, ", ");
		sys_put_epoll_event(o, c->out[i].b + 12 * k);
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
		sys_put_ptr(o, c->a[i]);
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
	const uint8_t *p = sys_out_mem(c, i, 8);

	if (c->a[i] && p)
		sys_putf(o, "[%d, %d]", (int)sys_le32(p), (int)sys_le32(p + 4));
	else
		sys_put_ptr(o, c->a[i]);
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
	case 5: case 6: case 7: case 36: case 37: case 38: /* the locks */
		return sys_misc_flock(c, i, o);
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
	const uint8_t *p = sys_out_mem(c, i, 4);

	/* nothing is written when no child changed state (WNOHANG: 0) */
	if (c->a[i] && p && c->ret)
		sys_put_wstatus(o, sys_le32(p));
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_woptions(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_flags(o, sys_wait_options, sys_n_wait_options, (uint32_t)c->a[i]);
	return true;
}

static bool d_idtype(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_idtypes, sys_n_idtypes, (int)c->a[i]);
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
	const uint8_t *p = sys_in_mem(c, i, 4);

	if (c->a[i] && p)
		sys_putf(o, "[%d]", (int)sys_le32(p));
	else
		sys_put_ptr(o, c->a[i]);
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
	else if (!sys_misc_sockopt((int)c->a[1], (int)c->a[i], o))
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
	sys_put_ptr(o, c->a[1]);
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
		const uint8_t *p = sys_out_mem(c, 2, 4);

		if (!(flags & 0x100000))
			return false;
		sys_puts(o, "parent_tid=");
		if (p && c->a[2]) {
			/* the child's tid, written by the call */
			sys_put(o, "[", 1);
			sys_put_u64(o, sys_le32(p));
			sys_put(o, "]", 1);
		} else {
			sys_put_ptr(o, c->a[2]);
		}
		return true;
	}
	case 3:
		if (!(flags & 0x80000))
			return false;
		sys_puts(o, "tls=");
		sys_put_ptr(o, c->a[4]);
		return true;
	default:
		if (!(flags & (0x1000000 | 0x200000)))
			return false;
		sys_puts(o, "child_tidptr=");
		sys_put_ptr(o, c->a[3]);
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
	sys_put_ptr(o, c->a[i]);
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
		if (!sys_misc_flags(c->nr, v, o))
			sys_put_flags(o, sys_open_flags, sys_n_open_flags, v);
	}
	return true;
}

static bool d_rlimit_res(const struct sys_call *c, int i, struct sys_out *o)
{
	sys_put_const(o, sys_rlimits, sys_n_rlimits, (int)c->a[i]);
	return true;
}

static bool d_rlimit_in(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_in_mem(c, i, 16);

	if (c->a[i] && p)
		sys_put_rlimit(o, p);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}

static bool d_rlimit_out(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p = sys_out_mem(c, i, 16);

	if (c->a[i] && p)
		sys_put_rlimit(o, p);
	else
		sys_put_ptr(o, c->a[i]);
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
	sys_put_x64(o, v);
	return true;
}

static bool d_msync_flags(const struct sys_call *c, int i, struct sys_out *o)
{
	/* strace's order */
	static const struct sys_flag ms[] = { { 1, "MS_ASYNC" }, { 4, "MS_SYNC" },
					      { 2, "MS_INVALIDATE" } };

	sys_put_flags(o, ms, sizeof(ms) / sizeof(ms[0]), (uint32_t)c->a[i]);
	return true;
}

static bool d_flock_op(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct sys_flag lk[] = { { 1, "LOCK_SH" }, { 2, "LOCK_EX" },
					      { 4, "LOCK_NB" }, { 8, "LOCK_UN" } };

	sys_put_flags(o, lk, sizeof(lk) / sizeof(lk[0]), (uint32_t)c->a[i]);
	return true;
}

static bool d_rusage_who(const struct sys_call *c, int i, struct sys_out *o)
{
	static const struct sys_flag who[] = { { 0, "RUSAGE_SELF" }, { (uint64_t)-1, "RUSAGE_CHILDREN" },
					       { 1, "RUSAGE_THREAD" } };

	sys_put_const(o, who, sizeof(who) / sizeof(who[0]), (int)c->a[i]);
	return true;
}

/* The decoders of this file; sys_structs.c has the others. */
static const sys_decoder decoders[HS_K_COUNT] = {
	[HS_K_MSYNC_FLAGS] = d_msync_flags,
	[HS_K_FLOCK_OP] = d_flock_op,
	[HS_K_RUSAGE_WHO] = d_rusage_who,
	[HS_K_HEX] = d_hex,
	[HS_K_INT] = d_int,
	[HS_K_LONG] = d_long,
	[HS_K_UINT] = d_uint,
	[HS_K_FD] = d_int,
	[HS_K_DIRFD] = d_dirfd,
	[HS_K_PATH] = d_path,
	[HS_K_BUF_IN] = d_buf_in,
	[HS_K_BUF_OUT] = d_buf_out,
	[HS_K_PTR] = d_ptr,
	[HS_K_OFLAGS] = d_oflags,
	[HS_K_OMODE] = d_omode,
	[HS_K_MODE] = d_mode,
	[HS_K_PROT] = d_prot,
	[HS_K_MAPFLAGS] = d_mapflags,
	[HS_K_SIG] = d_sig,
	[HS_K_SIGACT_IN] = d_sigact_in,
	[HS_K_SIGACT_OUT] = d_sigact_out,
	[HS_K_SIGSET_IN] = d_sigset_in,
	[HS_K_SIGSET_OUT] = d_sigset_out,
	[HS_K_SIGHOW] = d_sighow,
	[HS_K_TS_IN] = d_ts_in,
	[HS_K_TS_OUT] = d_ts_out,
	[HS_K_TS_REM] = d_ts_rem,
	[HS_K_STAT_OUT] = d_stat_out,
	[HS_K_CLOCKID] = d_clockid,
	[HS_K_FAMILY] = d_family,
	[HS_K_SOCKTYPE] = d_socktype,
	[HS_K_SOCKPROTO] = d_sockproto,
	[HS_K_SOCKADDR_IN] = d_sockaddr_in,
	[HS_K_SOCKADDR_OUT] = d_sockaddr_out,
	[HS_K_SOCKLEN_IO] = d_socklen_io,
	[HS_K_POLLFDS] = d_pollfds,
	[HS_K_EPOLL_IN] = d_epoll_in,
	[HS_K_EPOLL_OUT] = d_epoll_out,
	[HS_K_EPOLL_OP] = d_epoll_op,
	[HS_K_FUTEX_OP] = d_futex_op,
	[HS_K_FUTEX_ARG] = d_futex_arg,
	[HS_K_WHENCE] = d_whence,
	[HS_K_ATFLAGS] = d_atflags,
	[HS_K_ACCESS] = d_access,
	[HS_K_PIPE_OUT] = d_pipe_out,
	[HS_K_FCNTL_CMD] = d_fcntl_cmd,
	[HS_K_FCNTL_ARG] = d_fcntl_arg,
	[HS_K_MADV] = d_madv,
	[HS_K_WSTATUS_OUT] = d_wstatus_out,
	[HS_K_WOPTIONS] = d_woptions,
	[HS_K_IDTYPE] = d_idtype,
	[HS_K_IOCTL_REQ] = d_ioctl_req,
	[HS_K_MSGFLAGS] = d_msgflags,
	[HS_K_INT_IN] = d_int_in,
	[HS_K_SOCKLEVEL] = d_socklevel,
	[HS_K_SOCKOPT] = d_sockopt,
	[HS_K_SHUTHOW] = d_shuthow,
	[HS_K_CLONE_FLAGS] = d_clone_flags,
	[HS_K_CLONE_ARG] = d_clone_arg,
	[HS_K_REMAP_FLAGS] = d_remap_flags,
	[HS_K_REMAP_NEW] = d_remap_new,
	[HS_K_EFLAGS] = d_eflags,
	[HS_K_STR] = d_str,
	[HS_K_RLIMIT_RES] = d_rlimit_res,
	[HS_K_RLIMIT_IN] = d_rlimit_in,
	[HS_K_RLIMIT_OUT] = d_rlimit_out,
	[HS_K_OCT] = d_mode,
	[HS_K_ARCH_CODE] = d_arch_code,
	[HS_K_RANDOM_OUT] = d_random_out,
	[HS_K_GRND] = d_grnd,
};

/* The decoder of a kind: this file's or sys_structs.c's; NULL: none. */
static sys_decoder decoder_of(unsigned kind)
{
	if (kind >= HS_K_COUNT)
		return NULL;
	if (decoders[kind])
		return decoders[kind];
	return sys_struct_decoders[kind] ? sys_struct_decoders[kind] : sys_misc_decoders[kind];
}

bool sys_has_decoder(unsigned kind)
{
	return decoder_of(kind) != NULL;
}

/* ---- the row of a syscall ------------------------------------------------------------
 * The table again, indexed by number: hs_sys_row_of()'s binary search is
 * a tenth of a line's formatting.  A row nr >= SYS_NR_MAX fails to
 * compile (an index past the array's size). */
#define SYS_NR_MAX 512
#define SYS_BY_NR_(nr, name, r, a, b, c, d, e, f) [nr] = HS_SYS_ROW_(nr, name, r, a, b, c, d, e, f)
static const struct hs_sys_row rows_by_nr[SYS_NR_MAX] = { HS_SYS_TABLE(SYS_BY_NR_) };

const struct hs_sys_row *sys_row_of(uint32_t nr)
{
	return nr < SYS_NR_MAX && rows_by_nr[nr].name ? &rows_by_nr[nr] : NULL;
}

/* ---- the output memory a line needs ---------------------------------------------- */

uint32_t sys_out_span(const struct sys_call *c, int i)
{
	const struct hs_sys_row *r = c->row;
	uint64_t next = i < 5 ? c->a[i + 1] : 0;

	if (!r || !c->a[i] || c->when != SYS_RETURNED)
		return 0;
	if (c->failed)
		/* EINTR, or ERESTART_RESTARTBLOCK: the remainder is written */
		return r->kind[i] == HS_K_TS_REM && (c->ret == EINTR || c->ret == 516) ? 16 : 0;
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
	case HS_K_RUSAGE_OUT:
	case HS_K_TMS_OUT:
		return 32;
	case HS_K_SYSINFO_OUT:
		return 112;
	case HS_K_FDSET: /* select's sets are written back */
		return r->ret == HS_R_SELECT ? (uint32_t)(sys_fdset_fds(c) + 7) / 8 : 0;
	case HS_K_TV_IN: /* select's timeout: the time left */
		return r->ret == HS_R_SELECT ? 16 : 0;
	case HS_K_TS_IN: /* pselect6's */
		return r->ret == HS_R_SELECT && i == 4 ? 16 : 0;
	case HS_K_INT_OUT:
		return 4;
	case HS_K_SIGINFO_OUT:
		return 128;
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
		return sys_misc_out_span(c, i);
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
		sys_putf(o, "%s{fd=%d, revents=", first ? "" : ", ", (int)sys_le32(p));
		sys_put_flags(o, sys_poll_events, sys_n_poll_events, rev);
		sys_put(o, "}", 1);
		first = false;
	}
	sys_puts(o, "])");
}

/* select's sets at the return, and the time left: " (in [3], left {...})",
 * " (Timeout)" */
static void put_select_result(const struct sys_call *c, struct sys_out *o)
{
	static const char *const names[] = { "in", "out", "except" };
	uint64_t nfds = sys_fdset_fds(c);
	size_t need = (size_t)(nfds + 7) / 8;
	bool first = true;

	if (c->ret == 0) {
		sys_puts(o, " (Timeout)");
		return;
	}
	for (int i = 1; i <= 3; i++) {
		const uint8_t *p = sys_out_mem(c, i, need);
		bool any = false;

		if (!c->a[i] || !p || !need)
			continue;
		for (size_t k = 0; k < need; k++)
			any |= p[k] != 0;
		if (!any)
			continue;
		sys_puts(o, first ? " (" : ", ");
		sys_puts(o, names[i - 1]);
		sys_put(o, " ", 1);
		sys_put_fdset(o, p, nfds);
		first = false;
	}
	if (c->row && c->a[4] && sys_out_mem(c, 4, 16)) {
		sys_puts(o, first ? " (left " : ", left ");
		if (c->row->kind[4] == HS_K_TV_IN)
			sys_put_timeval(o, sys_out_mem(c, 4, 16));
		else
			sys_put_timespec(o, sys_out_mem(c, 4, 16));
		first = false;
	}
	if (!first)
		sys_put(o, ")", 1);
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
		sys_put_x64(o, c->ret);
		break;
	case HS_R_OCT:
		sys_put_octal(o, c->ret);
		break;
	case HS_R_PRCTL:
	case HS_R_PERSONA:
	case HS_R_POLICY:
		sys_misc_result(c, o);
		break;
	default:
		if (c->nr == 72 && (((int)c->a[1] == 1 && c->ret) || (int)c->a[1] == 3)) {
			/* fcntl F_GETFD (unless 0), F_GETFL: the flags too */
			sys_putf(o, "%#" PRIx64 " (flags ", c->ret);
			if ((int)c->a[1] == 1)
				sys_puts(o, c->ret & 1 ? "FD_CLOEXEC" : "0");
			else
				d_oflags(&(struct sys_call){ .a = { c->ret } }, 0, o);
			sys_put(o, ")", 1);
			break;
		}
		sys_put_i64(o, (int64_t)c->ret);
		if (kind == HS_R_SIGNUM) {
			char tmp[16];
			const char *name = sys_signame((int)c->ret, tmp, sizeof(tmp));

			if (name) {
				sys_puts(o, " (");
				sys_puts(o, name);
				sys_put(o, ")", 1);
			}
		}
		if (kind == HS_R_POLL)
			put_poll_result(c, o);
		if (kind == HS_R_SELECT)
			put_select_result(c, o);
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
		sys_decoder d = c->row ? decoder_of(c->row->kind[i]) : d_hex;

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
