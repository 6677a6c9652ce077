/* test_sysfmt.c - the syscall formatter (fs/query/sys_decode.c, sys_xlat.c)
 * and the syscall table (include/hindsight/syscall_args.h): each decoder on
 * its edge cases, against the lines strace 6 prints for the same calls. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "hindsight/sysfmt.h"

static char line[4096];

/* A call with its arguments; memory set by the test. */
static struct sys_call call(uint32_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			    uint64_t a4, uint64_t a5)
{
	struct sys_call c = { .nr = nr, .row = hs_sys_row_of(nr),
			      .a = { a0, a1, a2, a3, a4, a5 }, .when = SYS_RETURNED };

	return c;
}

static const char *ret(struct sys_call c, uint64_t v)
{
	c.ret = v;
	sys_format(&c, line, sizeof(line));
	return line;
}

static const char *fail_with(struct sys_call c, int e)
{
	c.failed = true;
	c.ret = (uint64_t)e;
	sys_format(&c, line, sizeof(line));
	return line;
}

static struct sys_mem mem(const void *p, size_t n)
{
	return (struct sys_mem){ (ssize_t)n, p };
}

/* ---- the table ------------------------------------------------------------------ */

static void test_sysfmt_table_sorted_and_every_kind_decoded(void **state)
{
	for (size_t i = 0; i < HS_SYS_N_ROWS; i++) {
		const struct hs_sys_row *r = &hs_sys_rows[i];
		bool ended = false;

		if (i)
			assert_true(hs_sys_rows[i - 1].nr < r->nr);
		assert_ptr_equal(hs_sys_row_of(r->nr), r);
		for (int k = 0; k < 6; k++) {
			if (r->kind[k] == HS_K__) {
				ended = true;
				continue;
			}
			/* no gap: "_" only after the last argument */
			assert_false(ended);
			assert_true(sys_has_decoder(r->kind[k]));
		}
		assert_true(r->ret < HS_R_COUNT);
	}
	assert_true(HS_SYS_N_ROWS >= 60);
	assert_null(hs_sys_row_of(999));
}

/* The formatter's index by number has the same rows as the table. */
static void test_sysfmt_index_by_number_is_the_table(void **state)
{
	(void)state;
	for (uint32_t nr = 0; nr < 1200; nr++) {
		const struct hs_sys_row *a = hs_sys_row_of(nr), *b = sys_row_of(nr);

		if (!a) {
			assert_null(b);
			continue;
		}
		assert_non_null(b);
		assert_int_equal(a->nr, b->nr);
		assert_int_equal(a->ret, b->ret);
		assert_int_equal(a->nargs, b->nargs);
		assert_memory_equal(a->kind, b->kind, sizeof(a->kind));
		assert_string_equal(a->name, b->name);
	}
	assert_null(sys_row_of(UINT32_MAX));
}

static void test_sysfmt_want_matches_what_the_formatter_reads(void **state)
{
	const struct hs_sys_row *w = hs_sys_row_of(1), *o = hs_sys_row_of(257);
	uint64_t a[6] = { 1, 0x1000, 5000, 0, 0, 0 };
	int str;

	assert_int_equal(hs_sys_want(w, 1, a, &str), HS_SYS_STR_MAX);
	assert_false(str);
	a[2] = 5;
	assert_int_equal(hs_sys_want(w, 1, a, &str), 5);
	assert_int_equal(hs_sys_want(w, 0, a, &str), 0);
	a[1] = 0; /* NULL: nothing to copy */
	assert_int_equal(hs_sys_want(w, 1, a, &str), 0);
	a[1] = 0x2000;
	assert_int_equal(hs_sys_want(o, 1, a, &str), HS_SYS_STR_MAX + 1);
	assert_true(str);
	assert_int_equal(hs_sys_want(NULL, 0, a, &str), 0);
	/* futex: the timeout of a wait only */
	uint64_t f[6] = { 0x1000, 128 /* FUTEX_WAIT_PRIVATE */, 0, 0x3000, 0, 0 };
	assert_int_equal(hs_sys_want(hs_sys_row_of(202), 3, f, &str), 16);
	f[1] = 129; /* FUTEX_WAKE_PRIVATE: argument 3 is not a pointer */
	assert_int_equal(hs_sys_want(hs_sys_row_of(202), 3, f, &str), 0);
	/* a pollfd array: 8 bytes a descriptor, at most HS_SYS_STR_MAX */
	uint64_t p[6] = { 0x1000, 3, 0, 0, 0, 0 };
	assert_int_equal(hs_sys_want(hs_sys_row_of(7), 0, p, &str), 24);
	p[1] = UINT64_MAX;
	assert_int_equal(hs_sys_want(hs_sys_row_of(7), 0, p, &str), HS_SYS_STR_MAX);
}

/* ---- files ------------------------------------------------------------------------ */

static void test_sysfmt_open_flags_mode_and_unknown_bits(void **state)
{
	struct sys_call c = call(257, (uint64_t)-100, 0x1000, 01101, 0640, 0, 0);

	c.in[1] = mem("/tmp/x", 7);
	assert_string_equal(ret(c, 3),
			    "openat(AT_FDCWD, \"/tmp/x\", O_WRONLY|O_CREAT|O_TRUNC, 0640) = 3");
	c.a[2] = 0x40000000; /* unknown bit, no O_CREAT: no mode */
	assert_string_equal(ret(c, 3), "openat(AT_FDCWD, \"/tmp/x\", O_RDONLY|0x40000000) = 3");
	c.a[2] = 02 | 020200000; /* O_TMPFILE takes a mode, and its bits whole */
	c.a[3] = 0;
	assert_string_equal(ret(c, 3), "openat(AT_FDCWD, \"/tmp/x\", O_RDWR|O_TMPFILE, 000) = 3");
	c.a[0] = (uint64_t)-5; /* a negative fd is printed as one */
	c.a[2] = 0;
	assert_string_equal(fail_with(c, EBADF), "openat(-5, \"/tmp/x\", O_RDONLY) = -1 EBADF (Bad file descriptor)");
	c.a[1] = 0;
	assert_string_equal(fail_with(c, EFAULT), "openat(-5, NULL, O_RDONLY) = -1 EFAULT (Bad address)");
	/* a path whose memory is unknown or runs into an unmapped page: its address */
	c.a[1] = 0x4a0ff0;
	c.in[1] = (struct sys_mem){ -EIO, NULL };
	assert_string_equal(fail_with(c, EFAULT), "openat(-5, 0x4a0ff0, O_RDONLY) = -1 EFAULT (Bad address)");
	c.in[1] = mem("abc", 3);
	assert_string_equal(fail_with(c, EFAULT), "openat(-5, 0x4a0ff0, O_RDONLY) = -1 EFAULT (Bad address)");
}

static void test_sysfmt_buffers_cut_escaped_null_unreadable(void **state)
{
	static const uint8_t bytes[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	struct sys_call c = call(1, 1, 0x1000, 37, 0, 0, 0);

	c.in[1] = mem(bytes, 37);
	assert_string_equal(ret(c, 37), "write(1, \"0123456789abcdefghijklmnopqrstuv\"..., 37) = 37");
	c.a[2] = 1ull << 40; /* a huge count: 32 bytes, "...", the count in decimal */
	c.in[1] = mem(bytes, 37);
	assert_string_equal(fail_with(c, EFAULT),
			    "write(1, \"0123456789abcdefghijklmnopqrstuv\"..., 1099511627776) = -1 EFAULT (Bad address)");
	c.a[2] = 5;
	c.in[1] = (struct sys_mem){ -EIO, NULL }; /* unreadable: the address */
	assert_string_equal(ret(c, 5), "write(1, 0x1000, 5) = 5");
	c.a[1] = 0;
	assert_string_equal(fail_with(c, EFAULT), "write(1, NULL, 5) = -1 EFAULT (Bad address)");
	/* strace's escapes: octal, three digits before a digit */
	c = call(1, 2, 0x1000, 9, 0, 0, 0);
	c.in[1] = mem("\0\0011\t\"\\\x7f\xff", 9);
	assert_string_equal(ret(c, 9), "write(2, \"\\0\\0011\\t\\\"\\\\\\177\\377\\0\", 9) = 9");
	c.a[2] = 0;
	c.in[1] = mem("", 0);
	assert_string_equal(ret(c, 0), "write(2, \"\", 0) = 0");
}

static void test_sysfmt_read_shows_the_bytes_returned(void **state)
{
	struct sys_call c = call(0, 3, 0x1000, 64, 0, 0, 0);

	/* before the return (events' entry line): the address */
	c.when = SYS_ENTRY;
	sys_format(&c, line, sizeof(line));
	assert_string_equal(line, "read(3, 0x1000, 64)");
	c.when = SYS_RETURNED;
	c.out[1] = mem("tomato\n", 7);
	assert_string_equal(ret(c, 7), "read(3, \"tomato\\n\", 64) = 7");
	assert_string_equal(ret(c, 0), "read(3, \"\", 64) = 0");
	c.out[1] = (struct sys_mem){ -EIO, NULL };
	assert_string_equal(ret(c, 7), "read(3, 0x1000, 64) = 7");
	assert_string_equal(fail_with(c, EAGAIN),
			    "read(3, 0x1000, 64) = -1 EAGAIN (Resource temporarily unavailable)");
	c.when = SYS_LOST;
	sys_format(&c, line, sizeof(line));
	assert_string_equal(line, "read(3, 0x1000, 64) = ?");
	c = call(0, (uint64_t)-1, 0, 10, 0, 0, 0);
	assert_string_equal(fail_with(c, EBADF), "read(-1, NULL, 10) = -1 EBADF (Bad file descriptor)");
}

static void test_sysfmt_stat_structs(void **state)
{
	uint8_t st[144] = { 0 };
	struct sys_call c = call(262, 3, 0x1000, 0x2000, 0x1000, 0, 0);

	st[24] = 0xa4; st[25] = 0x81; /* 0100644 */
	st[48] = 13;
	c.in[1] = mem("", 1);
	c.out[2] = mem(st, sizeof(st));
	assert_string_equal(ret(c, 0),
			    "newfstatat(3, \"\", {st_mode=S_IFREG|0644, st_size=13, ...}, AT_EMPTY_PATH) = 0");
	st[24] = 0x90; st[25] = 0x21; /* 020620: a character device */
	st[40] = 0x01; st[41] = 0x88; /* makedev(0x88, 0x1) */
	assert_string_equal(ret(c, 0),
			    "newfstatat(3, \"\", {st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0x1), ...}, AT_EMPTY_PATH) = 0");
	c.out[2] = mem(st, 100); /* fewer bytes known than the struct: its address */
	assert_string_equal(ret(c, 0), "newfstatat(3, \"\", 0x2000, AT_EMPTY_PATH) = 0");
	c.a[3] = 0x100 | 0x80000;
	assert_string_equal(fail_with(c, ENOENT),
			    "newfstatat(3, \"\", 0x2000, AT_SYMLINK_NOFOLLOW|0x80000) = -1 ENOENT (No such file or directory)");
}

/* ---- memory, signals, time ------------------------------------------------------------ */

static void test_sysfmt_mmap_brk_results_in_hex(void **state)
{
	struct sys_call c = call(9, 0, 8192, 3, 0x22, (uint64_t)-1, 0);

	assert_string_equal(ret(c, 0x483c000),
			    "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x483c000");
	c = call(9, 0x4000000, 4096, 0, 0x812, 3, 0x28000);
	assert_string_equal(ret(c, 0x4000000),
			    "mmap(0x4000000, 4096, PROT_NONE, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x28000) = 0x4000000");
	c = call(12, 0, 0, 0, 0, 0, 0);
	assert_string_equal(ret(c, 0x55000), "brk(NULL) = 0x55000");
	c = call(231, 0, 0, 0, 0, 0, 0);
	c.when = SYS_LOST;
	sys_format(&c, line, sizeof(line));
	assert_string_equal(line, "exit_group(0) = ?");
}

static void test_sysfmt_signals_sets_and_actions(void **state)
{
	uint8_t sa[32] = { 0 }, set[8] = { 0 };
	struct sys_call c = call(62, 1234, 15, 0, 0, 0, 0);

	assert_string_equal(ret(c, 0), "kill(1234, SIGTERM) = 0");
	c.a[1] = 99; /* no such signal: the number */
	assert_string_equal(fail_with(c, EINVAL), "kill(1234, 99) = -1 EINVAL (Invalid argument)");
	c.a[1] = 34;
	assert_string_equal(ret(c, 0), "kill(1234, SIGRT_2) = 0");
	c = call(13, 10, 0x1000, 0, 8, 0, 0);
	sa[0] = 0x36; sa[1] = 0x11; sa[2] = 0x40;         /* handler 0x401136 */
	sa[11] = 0x04 | 0x10;                            /* SA_RESTORER|SA_RESTART */
	sa[16] = 0x50;                                   /* restorer 0x50 */
	sa[24] = 1 << 1;                                 /* mask: SIGINT */
	c.in[1] = mem(sa, 32);
	assert_string_equal(ret(c, 0),
			    "rt_sigaction(SIGUSR1, {sa_handler=0x401136, sa_mask=[INT], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x50}, NULL, 8) = 0");
	c.a[1] = 0; /* NULL in, an old action out */
	c.a[2] = 0x2000;
	memset(sa, 0, sizeof(sa));
	c.out[2] = mem(sa, 32);
	assert_string_equal(ret(c, 0), "rt_sigaction(SIGUSR1, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0");
	c = call(14, 0, 0x1000, 0x2000, 8, 0, 0);
	memset(set, 0xff, sizeof(set));
	c.in[1] = mem(set, 8);
	{
		uint8_t old[8] = { 0, 0, 0, 0x80, 0x01 }; /* 32 and 33 */

		c.out[2] = mem(old, 8);
		assert_string_equal(ret(c, 0), "rt_sigprocmask(SIG_BLOCK, ~[], [RTMIN RT_1], 8) = 0");
	}
}

static void test_sysfmt_time_and_sleep(void **state)
{
	uint8_t ts[16] = { 0 };
	struct sys_call c = call(230, 0, 0, 0x1000, 0, 0, 0);

	ts[8] = 0xe8; ts[9] = 0x03; /* 1000 ns */
	c.in[2] = mem(ts, 16);
	assert_string_equal(ret(c, 0),
			    "clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=1000}, NULL) = 0");
	c.a[3] = 0x2000; /* the remainder: an address unless interrupted */
	assert_string_equal(ret(c, 0),
			    "clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=1000}, 0x2000) = 0");
	c.out[3] = mem(ts, 16);
	assert_string_equal(fail_with(c, EINTR),
			    "clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=1000}, {tv_sec=0, tv_nsec=1000}) = -1 EINTR (Interrupted system call)");
	c = call(228, 1, 0x1000, 0, 0, 0, 0);
	c.out[1] = mem(ts, 16);
	assert_string_equal(ret(c, 0), "clock_gettime(CLOCK_MONOTONIC, {tv_sec=0, tv_nsec=1000}) = 0");
	c.a[0] = 42; /* unknown clock: a number */
	assert_string_equal(fail_with(c, EINVAL), "clock_gettime(42, 0x1000) = -1 EINVAL (Invalid argument)");
}

/* ---- sockets, poll, futex ---------------------------------------------------------- */

static void test_sysfmt_sockets(void **state)
{
	static const uint8_t in4[16] = { 2, 0, 0x1f, 0x90, 127, 0, 0, 1 };
	uint8_t len[4] = { 16 };
	struct sys_call c = call(41, 2, 1 | 02000000, 0, 0, 0, 0);

	assert_string_equal(ret(c, 3), "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3");
	c = call(41, 1, 2, 0, 0, 0, 0);
	assert_string_equal(ret(c, 3), "socket(AF_UNIX, SOCK_DGRAM, 0) = 3");
	c = call(42, 3, 0x1000, 16, 0, 0, 0);
	c.in[1] = mem(in4, 16);
	assert_string_equal(fail_with(c, ECONNREFUSED),
			    "connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = -1 ECONNREFUSED (Connection refused)");
	c = call(51, 3, 0x1000, 0x2000, 0, 0, 0);
	c.in[2] = mem(len, 4);
	c.out[1] = mem(in4, 16);
	c.out[2] = mem(len, 4);
	assert_string_equal(ret(c, 0),
			    "getsockname(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"127.0.0.1\")}, [16]) = 0");
	{
		static const uint8_t un[] = { 1, 0, '/', 's', 0 };
		uint8_t l2[4] = { 5 };

		c.out[1] = mem(un, sizeof(un));
		c.out[2] = mem(l2, 4);
		assert_string_equal(ret(c, 0), "getsockname(3, {sa_family=AF_UNIX, sun_path=\"/s\"}, [16 => 5]) = 0");
	}
	c = call(44, 4, 0x1000, 4, 0x4000 | 0x40, 0, 0);
	c.in[1] = mem("ping", 4);
	assert_string_equal(ret(c, 4), "sendto(4, \"ping\", 4, MSG_DONTWAIT|MSG_NOSIGNAL, NULL, 0) = 4");
}

static void test_sysfmt_poll_and_epoll(void **state)
{
	uint8_t fds[16] = { 3, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0 };
	uint8_t ev[12] = { 1, 0, 0, 0, 7 };
	struct sys_call c = call(7, 0x1000, 2, 1000, 0, 0, 0);

	c.in[0] = mem(fds, 16);
	assert_string_equal(ret(c, 0), "poll([{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, 1000) = 0 (Timeout)");
	fds[6] = 1;
	c.out[0] = mem(fds, 16);
	assert_string_equal(ret(c, 1),
			    "poll([{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, 1000) = 1 ([{fd=3, revents=POLLIN}])");
	c.a[1] = 1000000; /* more descriptors than known */
	c.in[0] = mem(fds, 16);
	assert_string_equal(fail_with(c, EINVAL),
			    "poll([{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}, ...], 1000000, 1000) = -1 EINVAL (Invalid argument)");
	c = call(233, 5, 1, 7, 0x1000, 0, 0);
	c.in[3] = mem(ev, 12);
	assert_string_equal(ret(c, 0), "epoll_ctl(5, EPOLL_CTL_ADD, 7, {events=EPOLLIN, data={u32=7, u64=7}}) = 0");
	c = call(232, 5, 0x1000, 8, -1, 0, 0);
	c.out[1] = mem(ev, 12);
	assert_string_equal(ret(c, 1), "epoll_wait(5, [{events=EPOLLIN, data={u32=7, u64=7}}], 8, -1) = 1");
}

static void test_sysfmt_futex_ops(void **state)
{
	struct sys_call c = call(202, 0x1000, 128, 2, 0, 0, 0);

	assert_string_equal(ret(c, 0), "futex(0x1000, FUTEX_WAIT_PRIVATE, 2, NULL) = 0");
	c.a[1] = 129;
	c.a[2] = 1;
	assert_string_equal(ret(c, 1), "futex(0x1000, FUTEX_WAKE_PRIVATE, 1) = 1");
	c = call(202, 0x1000, 9 | 256, 77, 0, 0, 0xffffffff);
	assert_string_equal(ret(c, 0),
			    "futex(0x1000, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 77, NULL, FUTEX_BITSET_MATCH_ANY) = 0");
	c = call(202, 0x1000, 4 | 128, 1, 2147483647, 0x2000, 0);
	assert_string_equal(ret(c, 1), "futex(0x1000, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2147483647, 0x2000, 0) = 1");
	c = call(202, 0x1000, 99, 1, 2, 3, 4); /* unknown op: every argument */
	assert_string_equal(fail_with(c, ENOSYS),
			    "futex(0x1000, 0x63, 1, 0x2, 0x3, 4) = -1 ENOSYS (Function not implemented)");
}

/* ---- results and the rest ---------------------------------------------------------------- */

static void test_sysfmt_results_errno_and_unknown_calls(void **state)
{
	struct sys_call c = call(3, (uint64_t)-1, 0, 0, 0, 0, 0);

	assert_string_equal(fail_with(c, 4000), "close(-1) = -1 (errno 4000)");
	assert_string_equal(fail_with(c, 512), "close(-1) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)");
	c = call(999, 1, 2, 3, 4, 5, 6);
	assert_string_equal(ret(c, 0), "syscall_0x3e7(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = 0");
	c = call(72, 3, 3, 0, 0, 0, 0);
	assert_string_equal(ret(c, 0x8002), "fcntl(3, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)");
	c = call(72, 0, 1, 0, 0, 0, 0);
	assert_string_equal(ret(c, 0), "fcntl(0, F_GETFD) = 0");
	assert_string_equal(ret(c, 1), "fcntl(0, F_GETFD) = 0x1 (flags FD_CLOEXEC)");
	c = call(62, 1, 29, 0, 0, 0, 0);
	assert_string_equal(ret(c, 0), "kill(1, SIGIO) = 0");
	c = call(72, 3, 2, 1, 0, 0, 0);
	assert_string_equal(ret(c, 0), "fcntl(3, F_SETFD, FD_CLOEXEC) = 0");
	c = call(95, 022, 0, 0, 0, 0, 0);
	assert_string_equal(ret(c, 077), "umask(022) = 077");
	c = call(39, 0, 0, 0, 0, 0, 0);
	assert_string_equal(ret(c, 1234), "getpid() = 1234");
	c = call(56, 0x1200011, 0, 0, 0x7000, 0, 0);
	assert_string_equal(ret(c, 55),
			    "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7000) = 55");
	{
		uint8_t tid[4] = { 56 };

		c = call(56, 0x3d0f00, 0x7000, 0x8000, 0x8000, 0x9000, 0);
		c.out[2] = mem(tid, 4);
		assert_string_equal(ret(c, 56),
				    "clone(child_stack=0x7000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, parent_tid=[56], tls=0x9000, child_tidptr=0x8000) = 56");
	}
	c = call(61, 55, 0x1000, 0, 0, 0, 0);
	{
		uint8_t s[4] = { 0, 3 };

		c.out[1] = mem(s, 4);
		assert_string_equal(ret(c, 55), "wait4(55, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 55");
		s[0] = 9;
		assert_string_equal(ret(c, 55), "wait4(55, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 55");
	}
	{
		uint8_t fds[8] = { 3, 0, 0, 0, 4 };

		c = call(293, 0x1000, 02000000, 0, 0, 0, 0);
		c.out[0] = mem(fds, 8);
		assert_string_equal(ret(c, 0), "pipe2([3, 4], O_CLOEXEC) = 0");
	}
}

static void test_sysfmt_more_structs(void **state)
{
	uint8_t sfs[88] = { 0x53, 0xef }, ss[24] = { 0 }, cpus[8] = { 0x05 }, one[4] = { 1 };
	struct sys_call c = call(138, 4, 0x1000, 0, 0, 0, 0);

	sfs[9] = 0x10;                  /* f_bsize 4096 */
	sfs[80] = 0x20;                 /* ST_VALID */
	c.out[1] = mem(sfs, sizeof(sfs));
	assert_string_equal(ret(c, 0),
			    "fstatfs(4, {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=0, f_bfree=0, f_bavail=0, f_files=0, f_ffree=0, f_fsid={val=[0, 0]}, f_namelen=0, f_frsize=0, f_flags=ST_VALID}) = 0");
	c = call(131, 0x1000, 0, 0, 0, 0, 0);
	ss[1] = 0x20;                   /* ss_sp 0x2000 */
	ss[8] = 2;                      /* SS_DISABLE */
	ss[17] = 0x20;                  /* 8192 */
	c.in[0] = mem(ss, sizeof(ss));
	assert_string_equal(ret(c, 0), "sigaltstack({ss_sp=0x2000, ss_flags=SS_DISABLE, ss_size=8192}, NULL) = 0");
	c = call(204, 0, 128, 0x1000, 0, 0, 0);
	c.out[2] = mem(cpus, 8);
	assert_string_equal(ret(c, 8), "sched_getaffinity(0, 128, [0 2]) = 8");
	c = call(79, 0x1000, 4096, 0, 0, 0, 0);
	c.out[0] = mem("/tmp", 5);
	assert_string_equal(ret(c, 5), "getcwd(\"/tmp\", 4096) = 5");
	assert_string_equal(fail_with(c, ERANGE), "getcwd(0x1000, 4096) = -1 ERANGE (Numerical result out of range)");
	c = call(55, 3, 1, 4, 0x1000, 0x2000, 0);
	{
		uint8_t len[4] = { 4 };

		c.in[4] = mem(len, 4);
		c.out[3] = mem(one, 4);
		c.out[4] = mem(len, 4);
		assert_string_equal(ret(c, 0), "getsockopt(3, SOL_SOCKET, SO_ERROR, [1], [4]) = 0");
	}
}

static void test_sysfmt_rusage_times_flock_msync(void **state)
{
	uint8_t ru[32] = { 1, 0, 0, 0, 0, 0, 0, 0, 0xe8, 0x03 }, tms[32] = { 5 };
	struct sys_call c = call(98, 0, 0x1000, 0, 0, 0, 0);

	c.out[1] = mem(ru, sizeof(ru));
	assert_string_equal(ret(c, 0),
			    "getrusage(RUSAGE_SELF, {ru_utime={tv_sec=1, tv_usec=1000}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 0");
	c.a[0] = (uint64_t)-1;
	assert_string_equal(fail_with(c, EFAULT), "getrusage(RUSAGE_CHILDREN, 0x1000) = -1 EFAULT (Bad address)");
	c = call(100, 0x1000, 0, 0, 0, 0, 0);
	c.out[0] = mem(tms, sizeof(tms));
	assert_string_equal(ret(c, 1234),
			    "times({tms_utime=5, tms_stime=0, tms_cutime=0, tms_cstime=0}) = 1234");
	c = call(73, 3, 6, 0, 0, 0, 0);
	assert_string_equal(fail_with(c, EWOULDBLOCK),
			    "flock(3, LOCK_EX|LOCK_NB) = -1 EAGAIN (Resource temporarily unavailable)");
	c = call(26, 0x1000, 4096, 6 | 0x10, 0, 0, 0);
	assert_string_equal(fail_with(c, EINVAL), "msync(0x1000, 4096, MS_SYNC|MS_INVALIDATE|0x10) = -1 EINVAL (Invalid argument)");
	c = call(61, -1, 0, 1, 0x2000, 0, 0); /* WNOHANG, nothing changed: no rusage */
	assert_string_equal(ret(c, 0), "wait4(-1, NULL, WNOHANG, 0x2000) = 0");
}

/* waitid, rt_sigqueueinfo, rt_tgsigqueueinfo, rt_sigtimedwait: the
 * siginfo as strace prints it; "{}" for waitid's zeroed one (WNOHANG,
 * nothing to report); the address when unknown, NULL, or the call failed. */
static void test_sysfmt_siginfo_arguments(void **state)
{
	uint8_t si[128] = { 0 }, zero[128] = { 0 };
	struct sys_call c = call(247, 1, 4242, 0x1000, 4, 0, 0);

	(void)state;
	si[0] = 17;                     /* SIGCHLD */
	si[8] = 1;                      /* CLD_EXITED */
	si[16] = 0x92, si[17] = 0x10;   /* si_pid 4242 */
	si[24] = 3;                     /* si_status */
	c.out[2] = mem(si, sizeof(si));
	assert_string_equal(ret(c, 0), "waitid(P_PID, 4242, {si_signo=SIGCHLD, si_code=CLD_EXITED, "
			    "si_pid=4242, si_uid=0, si_status=3, si_utime=0, si_stime=0}, WEXITED, NULL) = 0");
	c = call(247, 0, 0, 0x1000, 5, 0, 0);
	c.out[2] = mem(zero, sizeof(zero));
	assert_string_equal(ret(c, 0), "waitid(P_ALL, 0, {}, WNOHANG|WEXITED, NULL) = 0");
	assert_string_equal(fail_with(c, ECHILD),
			    "waitid(P_ALL, 0, 0x1000, WNOHANG|WEXITED, NULL) = -1 ECHILD (No child processes)");
	c = call(247, 9, 1, 0x1000, 0x40000004, 0, 0);
	c.out[2] = mem(si, 64);         /* short: unknown */
	assert_string_equal(ret(c, 0), "waitid(9, 1, 0x1000, WEXITED|__WALL, NULL) = 0");
	c = call(247, 1, 1, 0, 4, 0, 0);
	assert_string_equal(fail_with(c, EFAULT),
			    "waitid(P_PID, 1, NULL, WEXITED, NULL) = -1 EFAULT (Bad address)");

	memset(si, 0, sizeof(si));
	si[0] = 10;                     /* SIGUSR1 */
	si[8] = 0xff, si[9] = 0xff, si[10] = 0xff, si[11] = 0xff; /* SI_QUEUE */
	si[16] = 7;                     /* si_pid */
	si[24] = 42;                    /* si_value */
	c = call(129, 7, 10, 0x2000, 0, 0, 0);
	c.in[2] = mem(si, sizeof(si));
	assert_string_equal(ret(c, 0), "rt_sigqueueinfo(7, SIGUSR1, {si_signo=SIGUSR1, si_code=SI_QUEUE, "
			    "si_pid=7, si_uid=0, si_int=42, si_ptr=0x2a}) = 0");
	c.in[2] = (struct sys_mem){ -EIO, NULL };
	assert_string_equal(fail_with(c, EPERM),
			    "rt_sigqueueinfo(7, SIGUSR1, 0x2000) = -1 EPERM (Operation not permitted)");
	c = call(297, 7, 8, 12, 0x2000, 0, 0);
	si[0] = 12;
	c.in[3] = mem(si, sizeof(si));
	assert_string_equal(ret(c, 0), "rt_tgsigqueueinfo(7, 8, SIGUSR2, {si_signo=SIGUSR2, "
			    "si_code=SI_QUEUE, si_pid=7, si_uid=0, si_int=42, si_ptr=0x2a}) = 0");
	c = call(128, 0x3000, 0x2000, 0, 8, 0, 0);
	c.in[0] = mem("\0\x08\0\0\0\0\0\0", 8);
	c.out[1] = mem(si, sizeof(si));
	assert_string_equal(ret(c, 12), "rt_sigtimedwait([USR2], {si_signo=SIGUSR2, si_code=SI_QUEUE, "
			    "si_pid=7, si_uid=0, si_int=42, si_ptr=0x2a}, NULL, 8) = 12 (SIGUSR2)");
	assert_string_equal(fail_with(c, EAGAIN),
			    "rt_sigtimedwait([USR2], 0x2000, NULL, 8) = -1 EAGAIN (Resource temporarily unavailable)");
}

static void test_sysfmt_select_sets_and_result(void **state)
{
	uint8_t rd[1] = { 0x18 }, wr[1] = { 0x08 }, tv[16] = { 1 }, left[16] = { 0 };
	struct sys_call c = call(23, 5, 0x1000, 0x2000, 0, 0x3000, 0);

	c.in[1] = mem(rd, 1);
	c.in[2] = mem(wr, 1);
	c.in[4] = mem(tv, 16);
	assert_string_equal(ret(c, 0), "select(5, [3 4], [3], NULL, {tv_sec=1, tv_usec=0}) = 0 (Timeout)");
	left[8] = 10;
	c.out[1] = mem("\x10", 1);
	c.out[2] = mem("\0", 1);
	c.out[4] = mem(left, 16);
	assert_string_equal(ret(c, 1),
			    "select(5, [3 4], [3], NULL, {tv_sec=1, tv_usec=0}) = 1 (in [4], left {tv_sec=0, tv_usec=10})");
	c.out[1] = (struct sys_mem){ -ENODATA, NULL }; /* not recorded: the result alone */
	c.out[4] = (struct sys_mem){ -ENODATA, NULL };
	assert_string_equal(ret(c, 1), "select(5, [3 4], [3], NULL, {tv_sec=1, tv_usec=0}) = 1");
	c.a[0] = 0; /* no descriptors */
	assert_string_equal(ret(c, 0), "select(0, 0x1000, 0x2000, NULL, {tv_sec=1, tv_usec=0}) = 0 (Timeout)");
}

/* A fake memory for the read callback: one region at 0x1000. */
static uint8_t fake[512];

static ssize_t fake_read(void *ctx, bool at_exit, uint64_t addr, size_t n, uint8_t *buf)
{
	(void)ctx;
	(void)at_exit;
	if (addr < 0x1000 || addr >= 0x1000 + sizeof(fake))
		return -EIO;
	if (addr + n > 0x1000 + sizeof(fake))
		n = (size_t)(0x1000 + sizeof(fake) - addr); /* memory ends: fewer bytes */
	memcpy(buf, fake + (addr - 0x1000), n);
	return (ssize_t)n;
}

static void put64(uint64_t addr, uint64_t v)
{
	for (int k = 0; k < 8; k++)
		fake[addr - 0x1000 + (uint64_t)k] = (uint8_t)(v >> (8 * k));
}

static void test_sysfmt_argv_envp_and_iovecs_through_the_reader(void **state)
{
	struct sys_call c = call(59, 0x1100, 0x1000, 0x1040, 0, 0, 0);

	memset(fake, 0, sizeof(fake));
	put64(0x1000, 0x1100);
	put64(0x1008, 0x1110);
	put64(0x1010, 0);
	memcpy(fake + 0x100, "/bin/true", 10);
	memcpy(fake + 0x110, "one", 4);
	put64(0x1040, 0x1110);
	put64(0x1048, 0x1110);
	put64(0x1050, 0);
	c.in[0] = mem("/bin/true", 10);
	/* without a reader: addresses */
	assert_string_equal(ret(c, 0), "execve(\"/bin/true\", 0x1000, 0x1040) = 0");
	c.read = fake_read;
	assert_string_equal(ret(c, 0), "execve(\"/bin/true\", [\"/bin/true\", \"one\"], 0x1040 /* 2 vars */) = 0");
	c.a[1] = 0x9000; /* unreadable argv */
	c.a[2] = 0;
	assert_string_equal(fail_with(c, EFAULT), "execve(\"/bin/true\", 0x9000, NULL) = -1 EFAULT (Bad address)");
	/* writev: a bad iov_base prints as its address */
	c = call(20, 1, 0x1000, 2, 0, 0, 0);
	c.read = fake_read;
	memset(fake, 0, sizeof(fake));
	put64(0x1000, 0x1100);
	put64(0x1008, 2);
	put64(0x1010, 0x8000);
	put64(0x1018, 5);
	memcpy(fake + 0x100, "hi", 2);
	assert_string_equal(fail_with(c, EFAULT),
			    "writev(1, [{iov_base=\"hi\", iov_len=2}, {iov_base=0x8000, iov_len=5}], 2) = -1 EFAULT (Bad address)");
	/* readv: the bytes returned, spread over the buffers in order */
	c = call(19, 3, 0x1000, 2, 0, 0, 0);
	c.read = fake_read;
	put64(0x1010, 0x1106);
	put64(0x1018, 10);
	memcpy(fake + 0x100, "abcdefghij", 10);
	assert_string_equal(ret(c, 5),
			    "readv(3, [{iov_base=\"ab\", iov_len=2}, {iov_base=\"ghi\", iov_len=10}], 2) = 5");
	c.a[2] = 1000000; /* a huge count: 32 elements, then "..." */
	fail_with(c, EINVAL);
	assert_non_null(strstr(line, "readv(3, 0x1000, 1000000) = -1 EINVAL"));
	c.failed = false;
	c.ret = 0;
	c.when = SYS_ENTRY; /* at entry readv's buffers are addresses */
	sys_format(&c, line, sizeof(line));
	assert_string_equal(line, "readv(3, 0x1000, 1000000)");
	c = call(20, 1, 0x1000, 1000000, 0, 0, 0);
	c.read = fake_read;
	assert_non_null(strstr(ret(c, 3), "iov_len=0}, ...], 1000000) = 3"));
	c.a[2] = (uint64_t)-1; /* a negative count */
	assert_string_equal(fail_with(c, EINVAL), "writev(1, 0x1000, -1) = -1 EINVAL (Invalid argument)");
}

/* Every row with random arguments and random memory of random lengths
 * (short, empty, unreadable): the line is whole, NUL-terminated, the
 * length it says, and a short buffer gets its prefix. */
/* struct termios: the strings are strace 6.1's for the same values (a
 * native run under a pty and on /dev/null) */
static void termios_bytes(uint8_t t[36], uint32_t i, uint32_t o, uint32_t c, uint32_t l)
{
	const uint32_t w[4] = { i, o, c, l };

	memset(t, 0, 36);
	for (int k = 0; k < 4; k++)
		for (int b = 0; b < 4; b++)
			t[4 * k + b] = (uint8_t)(w[k] >> (8 * b));
}

/* getgroups' and setgroups' lists as strace's print_groups: the result's
 * count of gids (an empty list is [], NULL is NULL, a failed call or a
 * count over NGROUPS_MAX the address); timer_create's sigevent shows
 * sigev_value only when it is not 0 (strace's print_sigevent); a
 * capability past the last named one is hex with a comment, as strace;
 * utimensat's two times. */
static void test_sysfmt_groups_and_sigevent(void **state)
{
	uint8_t gids[12] = { 0, 0, 0, 0, 27, 0, 0, 0, 0xff, 0xff, 0xff, 0xff };
	uint8_t sev[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 14, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t times[32] = { 0xa0, 0x6d, 0x0c, 0x5e, 0, 0, 0, 0, 0x00, 0x65, 0xcd, 0x1d, 0, 0, 0, 0,
			      0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x3f, 0, 0, 0, 0 };
	struct sys_call c = call(115, 0, 0x1000, 0, 0, 0, 0);

	(void)state;
	assert_string_equal(ret(c, 0), "getgroups(0, []) = 0");
	c = call(115, 3, 0x1000, 0, 0, 0, 0);
	c.out[1] = mem(gids, sizeof(gids));
	assert_string_equal(ret(c, 3), "getgroups(3, [0, 27, -1]) = 3");
	assert_string_equal(fail_with(c, EINVAL), "getgroups(3, 0x1000) = -1 EINVAL (Invalid argument)");
	c = call(115, 0, 0, 0, 0, 0, 0);
	assert_string_equal(ret(c, 2), "getgroups(0, NULL) = 2");
	c = call(116, 2, 0x1000, 0, 0, 0, 0);
	c.in[1] = mem(gids, 8);
	assert_string_equal(fail_with(c, EPERM),
			    "setgroups(2, [0, 27]) = -1 EPERM (Operation not permitted)");
	c = call(222, 0, 0x1000, 0x2000, 0, 0, 0);
	c.in[1] = mem(sev, sizeof(sev));
	assert_string_equal(ret(c, 0),
			    "timer_create(CLOCK_REALTIME, {sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL}, 0x2000) = 0");
	c = call(157, 23, 48, 0, 0, 0, 0); /* PR_CAPBSET_READ of a capability past the last */
	assert_string_equal(fail_with(c, EINVAL),
			    "prctl(PR_CAPBSET_READ, 0x30 /* CAP_??? */) = -1 EINVAL (Invalid argument)");
	/* utimensat's pair: a date in the reader's time zone (strace: the
	 * tracer's), UTIME_NOW / UTIME_OMIT alone */
	setenv("TZ", "UTC0", 1);
	tzset();
	c = call(280, 0, 0, 0x1000, 0, 0, 0);
	c.in[2] = mem(times, sizeof(times));
	assert_string_equal(ret(c, 0),
			    "utimensat(0, NULL, [{tv_sec=1577872800, tv_nsec=500000000} /* 2020-01-01T10:00:00.500000000+0000 */, UTIME_NOW], 0) = 0");
	c = call(222, 0, 0x1000, 0x2000, 0, 0, 0);
	c.in[1] = mem(sev, sizeof(sev));
	sev[0] = 5;
	assert_string_equal(ret(c, 0),
			    "timer_create(CLOCK_REALTIME, {sigev_value={sival_int=5, sival_ptr=0x5}, sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL}, 0x2000) = 0");
}

static void test_sysfmt_termios_as_strace_prints_it(void **state)
{
	uint8_t t[36];
	struct sys_call c;

	(void)state;
	/* a pty's defaults, as TCGETS wrote them */
	termios_bytes(t, 0x500, 0x5, 0xbf, 0x8a3b);
	c = call(16, 0, 0x5401, 0x1000, 0, 0, 0);
	c.out[2] = mem(t, 36);
	assert_string_equal(ret(c, 0), "ioctl(0, TCGETS, {c_iflag=ICRNL|IXON, "
		"c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, "
		"c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}) = 0");
	/* failed: the address, as the struct was not written */
	assert_string_equal(fail_with(c, ENOTTY),
			    "ioctl(0, TCGETS, 0x1000) = -1 ENOTTY (Inappropriate ioctl for device)");
	/* TCSETS prints what it was given, failed or not; zero words print
	 * nothing, the value fields a '|' after them */
	termios_bytes(t, 0, 0, 0, 0);
	c = call(16, 3, 0x5402, 0x1000, 0, 0, 0);
	c.in[2] = mem(t, 36);
	assert_string_equal(fail_with(c, ENOTTY), "ioctl(3, SNDCTL_TMR_START or TCSETS, "
		"{c_iflag=, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|, c_cflag=B0|CS5|, c_lflag=, ...}) "
		"= -1 ENOTTY (Inappropriate ioctl for device)");
	/* unknown bits, an input speed, the local flags' odd order */
	termios_bytes(t, 0x100000, 0x80000, 0x100d0000, 0x400000 | 04 | 010000 | 040000 | 0200000);
	assert_string_equal(ret(c, 0), "ioctl(3, SNDCTL_TMR_START or TCSETS, "
		"{c_iflag=0x100000, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|0x80000, "
		"c_cflag=B0|B3000000<<IBSHIFT|CS5|, c_lflag=XCASE|FLUSHO|PENDIN|EXTPROC|0x400000, ...}) = 0");
	termios_bytes(t, 0x100000, 0x80000, 010000 | 040 | 010000000000 | 020000000000, 0);
	assert_string_equal(ret(c, 0), "ioctl(3, SNDCTL_TMR_START or TCSETS, "
		"{c_iflag=0x100000, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|0x80000, "
		"c_cflag=BOTHER|CS7|CMSPAR|CRTSCTS, c_lflag=, ...}) = 0");
	termios_bytes(t, 0x100000, 0x80000, 010017 | 020, 0x400000 | 04 | 010000 | 040000 | 0200000);
	assert_string_equal(ret(c, 0), "ioctl(3, SNDCTL_TMR_START or TCSETS, "
		"{c_iflag=0x100000, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|0x80000, "
		"c_cflag=B4000000|CS6|, c_lflag=XCASE|FLUSHO|PENDIN|EXTPROC|0x400000, ...}) = 0");
	/* the delays' other values (TAB3 is XTABS), more flags */
	termios_bytes(t, 0x500 | 01 | 0100 | 020000 | 040000,
		      05 | 020 | 0400 | 02000 | 014000 | 020000 | 040000 | 0100000,
		      0xbf | 0100 | 0400 | 01000 | 02000 | 04000, 0x8a3b | 0100 | 0200 | 0400 | 02000);
	c.a[1] = 0x5403;
	assert_string_equal(ret(c, 0), "ioctl(3, SNDCTL_TMR_STOP or TCSETSW, "
		"{c_iflag=IGNBRK|INLCR|ICRNL|IXON|IMAXBEL|IUTF8, "
		"c_oflag=NL1|CR2|XTABS|BS1|VT1|FF1|OPOST|ONLCR|ONOCR, "
		"c_cflag=B38400|CS8|CSTOPB|CREAD|PARENB|PARODD|HUPCL|CLOCAL, "
		"c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHONL|NOFLSH|IEXTEN|ECHOCTL|ECHOPRT|ECHOKE|TOSTOP, "
		"...}) = 0");
	/* NULL, and memory that could not be read */
	c.a[1] = 0x5404;
	c.a[2] = 0;
	assert_string_equal(ret(c, 0), "ioctl(3, SNDCTL_TMR_CONTINUE or TCSETSF, NULL) = 0");
	c.a[2] = 0x10;
	c.in[2] = (struct sys_mem){ -EFAULT, NULL };
	assert_string_equal(fail_with(c, EFAULT),
			    "ioctl(3, SNDCTL_TMR_CONTINUE or TCSETSF, 0x10) = -1 EFAULT (Bad address)");
}

/* The ints and the window size that an ioctl sets print from the
 * recorder's copy, without a reader (as events print them) */
static void test_sysfmt_ioctl_inputs_from_the_copy(void **state)
{
	const uint8_t one[4] = { 1, 0, 0, 0 }, pg[4] = { 0xd2, 0x04, 0, 0 };
	const uint8_t ws[8] = { 24, 0, 80, 0, 0, 0, 0, 0 };
	uint64_t args[6] = { 0, 0x5410, 0x1000 };
	struct sys_call c;
	int string;

	(void)state;
	c = call(16, 0, 0x5410, 0x1000, 0, 0, 0);
	c.in[2] = mem(pg, 4);
	assert_string_equal(ret(c, 0), "ioctl(0, TIOCSPGRP, [1234]) = 0");
	c = call(16, 4, 0x5421, 0x1000, 0, 0, 0);
	c.in[2] = mem(one, 4);
	assert_string_equal(ret(c, 0), "ioctl(4, FIONBIO, [1]) = 0");
	c = call(16, 0, 0x5414, 0x1000, 0, 0, 0);
	c.in[2] = mem(ws, 8);
	assert_string_equal(ret(c, 0),
			    "ioctl(0, TIOCSWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0");
	/* nothing copied, no reader: the address */
	c.in[2] = (struct sys_mem){ 0, NULL };
	assert_string_equal(ret(c, 0), "ioctl(0, TIOCSWINSZ, 0x1000) = 0");
	/* what the recorder copies */
	assert_int_equal(hs_sys_want(hs_sys_row_of(16), 2, args, &string), 4);
	args[1] = 0x5403;
	assert_int_equal(hs_sys_want(hs_sys_row_of(16), 2, args, &string), 36);
	args[1] = 0x5401; /* TCGETS: output only */
	assert_int_equal(hs_sys_want(hs_sys_row_of(16), 2, args, &string), 0);
}

static void test_sysfmt_every_row_survives_random_memory(void **state)
{
	static uint8_t bytes[12][HS_SYS_STR_MAX + 1];
	static char big[8192], small[40];
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (size_t r = 0; r < HS_SYS_N_ROWS; r++)
		for (int round = 0; round < 200; round++) {
			struct sys_call c = { .nr = hs_sys_rows[r].nr, .row = &hs_sys_rows[r] };
			size_t n, m;

			for (int i = 0; i < 6; i++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				c.a[i] = round % 3 == 0 ? seed >> (seed & 63) : seed % 300;
				for (size_t k = 0; k < sizeof(bytes[i]); k++)
					bytes[i][k] = (uint8_t)(seed >> (k % 56));
				for (size_t k = 0; k < sizeof(bytes[6 + i]); k++)
					bytes[6 + i][k] = (uint8_t)(seed >> ((k + 3) % 56));
				c.in[i] = (struct sys_mem){ (ssize_t)(seed % (HS_SYS_STR_MAX + 2)) - 1,
							    bytes[i] };
				c.out[i] = (struct sys_mem){ (ssize_t)((seed >> 8) % (HS_SYS_STR_MAX + 2)) - 1,
							     bytes[6 + i] };
			}
			c.when = (enum sys_when)(round % 3);
			c.failed = round % 5 == 0;
			c.ret = c.failed ? seed % 600 : seed >> (round % 64);
			c.read = round % 2 ? fake_read : NULL;
			n = sys_format(&c, big, sizeof(big));
			assert_true(n < sizeof(big));
			assert_int_equal(strlen(big), n);
			m = sys_format(&c, small, sizeof(small));
			assert_int_equal(m, n);
			assert_int_equal(strlen(small), sizeof(small) - 1 < n ? sizeof(small) - 1 : n);
			assert_memory_equal(small, big, strlen(small));
		}
}

static void test_sysfmt_short_buffer_is_terminated_and_says_the_length(void **state)
{
	struct sys_call c = call(3, 3, 0, 0, 0, 0, 0);
	char small[6];
	size_t n;

	c.ret = 0;
	n = sys_format(&c, small, sizeof(small));
	assert_int_equal(n, strlen("close(3) = 0"));
	assert_string_equal(small, "close");
	n = sys_format_result(&c, line, sizeof(line));
	assert_string_equal(line, "close = 0");
	assert_int_equal(n, 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sysfmt_table_sorted_and_every_kind_decoded),
		cmocka_unit_test(test_sysfmt_index_by_number_is_the_table),
		cmocka_unit_test(test_sysfmt_want_matches_what_the_formatter_reads),
		cmocka_unit_test(test_sysfmt_open_flags_mode_and_unknown_bits),
		cmocka_unit_test(test_sysfmt_buffers_cut_escaped_null_unreadable),
		cmocka_unit_test(test_sysfmt_read_shows_the_bytes_returned),
		cmocka_unit_test(test_sysfmt_stat_structs),
		cmocka_unit_test(test_sysfmt_mmap_brk_results_in_hex),
		cmocka_unit_test(test_sysfmt_signals_sets_and_actions),
		cmocka_unit_test(test_sysfmt_time_and_sleep),
		cmocka_unit_test(test_sysfmt_sockets),
		cmocka_unit_test(test_sysfmt_poll_and_epoll),
		cmocka_unit_test(test_sysfmt_futex_ops),
		cmocka_unit_test(test_sysfmt_results_errno_and_unknown_calls),
		cmocka_unit_test(test_sysfmt_more_structs),
		cmocka_unit_test(test_sysfmt_select_sets_and_result),
		cmocka_unit_test(test_sysfmt_siginfo_arguments),
		cmocka_unit_test(test_sysfmt_rusage_times_flock_msync),
		cmocka_unit_test(test_sysfmt_argv_envp_and_iovecs_through_the_reader),
		cmocka_unit_test(test_sysfmt_termios_as_strace_prints_it),
		cmocka_unit_test(test_sysfmt_groups_and_sigevent),
		cmocka_unit_test(test_sysfmt_ioctl_inputs_from_the_copy),
		cmocka_unit_test(test_sysfmt_every_row_survives_random_memory),
		cmocka_unit_test(test_sysfmt_short_buffer_is_terminated_and_says_the_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
