/* db_syscall.c - a recorded syscall as strace prints it: the database side.
 *
 * sys_decode.c prints a call from its arguments and memory; this file
 * finds that memory in the recording:
 *   - input arguments (paths, write's bytes, structs the call reads): the
 *     recorder's copy in the SYSCALL_ENTER record (trace_format.h, format
 *     4) when it holds what syscall_args.h asks for today, else the
 *     caller's read-ahead (db_evfmt.c's batches), else the recorded
 *     memory at the entry's t;
 *   - output arguments (read's bytes, stat's struct, ...): the HS_EV_MEM
 *     records (source syscall) that the recorder writes between the entry
 *     and the exit (Valgrind's post-syscall wrapper reports what the
 *     kernel wrote just before the tool's post-syscall hook writes the
 *     SYSCALL_EXIT record), given by the caller; what they do not cover is
 *     read from the recorded memory at the exit's t.
 *
 * Syscalls of Valgrind's machinery (sys_valgrind()): under Valgrind the
 * vDSO is not used, so clock_gettime, clock_getres, gettimeofday, time
 * and getcpu, which a native run answers in user space without a
 * syscall, are real syscalls; clone3 and rseq are refused with ENOSYS
 * by Valgrind itself (glibc then uses clone, and runs without rseq).  strace of a native run
 * shows none of them: `syscalls` leaves them out and `events` marks them.
 * A program that makes one of the first five itself through syscall(2)
 * is left out too (the recording does not say who made the call).  So
 * are ld.so's calls that load Valgrind's preload library (db_preload.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_i.h"
#include "sys_i.h"

void db_syscall_args(const struct hs_db_event *ev, uint64_t addr[6], size_t want[6])
{
	const struct hs_sys_row *row = sys_row_of(db_le32(ev->payload + 4));
	uint64_t a[6];

	for (int i = 0; i < 6; i++)
		a[i] = db_le64(ev->payload + 8 + 8 * i);
	for (int i = 0; i < 6; i++) {
		int string;

		want[i] = hs_sys_want(row, i, a, &string);
		addr[i] = want[i] ? a[i] : 0;
	}
}

/* Is the recorder's copy of argument i what the formatter wants now? */
static bool capture_ok(int32_t n, uint32_t want, int string)
{
	if (n == HS_SYSARG_UNCAPTURED)
		return false;
	/* a string holds at least its NUL; a recording made with an older
	 * table copied nothing (0) where this one wants bytes */
	return string ? n >= 1 : (uint32_t)n == want;
}

bool db_syscall_all_captured(const struct hs_db_event *ev)
{
	const struct hs_sys_row *row = sys_row_of(db_le32(ev->payload + 4));
	const uint8_t *bytes[6];
	int32_t n[6];
	uint64_t a[6];

	if (!db_syscall_captured(ev, n, bytes))
		return false;
	for (int i = 0; i < 6; i++)
		a[i] = db_le64(ev->payload + 8 + 8 * i);
	for (int i = 0; i < 6; i++) {
		int string;
		uint32_t want = hs_sys_want(row, i, a, &string);

		if (want && !capture_ok(n[i], want, string))
			return false;
	}
	return true;
}

/* rt_sigreturn's signal mask: in the frame at the stack pointer (the
 * kernel's struct ucontext, which Valgrind's frames keep), at its
 * uc_sigmask (offset 296); -errno when it cannot be found. */
#define UC_SIGMASK 296
static ssize_t frame_mask(struct hs_db_image *img, const struct hs_db_event *ev, uint8_t *buf)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	ssize_t n;

	if (!r)
		return -ENOMEM;
	/* at t the syscall instruction (the t-th) has run: the frame's stack
	 * pointer is the one before it */
	n = ev->t ? hs_db_regs_at(img, ev->t - 1, db_le32(ev->payload), r) : -ESRCH;
	if (!n)
		n = hs_db_mem_read(img, ev->t, r->regs.gpr[4] + UC_SIGMASK, 8, buf);
	free(r);
	return n;
}

int db_sys_from_entry(struct hs_db_image *img, const struct hs_db_event *ev,
		      const struct db_argmem *pre, struct sys_call *c,
		      uint8_t scratch[6][HS_DB_STR_MAX + 1])
{
	const uint8_t *cb[6];
	int32_t cn[6];
	bool capt;
	int err = 0;

	memset(c, 0, sizeof(*c));
	c->nr = db_le32(ev->payload + 4);
	c->row = sys_row_of(c->nr);
	for (int i = 0; i < 6; i++)
		c->a[i] = db_le64(ev->payload + 8 + 8 * i);
	capt = db_syscall_captured(ev, cn, cb);
	/* a call without a row prints its arguments in hex: no memory */
	for (int i = 0; i < (c->row ? c->row->nargs : 0); i++) {
		int string;
		uint32_t want = hs_sys_want(c->row, i, c->a, &string);
		ssize_t n;

		if (c->row && c->row->kind[i] == HS_K_SIGFRAME) {
			c->in[i] = (struct sys_mem){ frame_mask(img, ev, scratch[i]), scratch[i] };
			continue;
		}
		if (!want)
			continue;
		if (capt && capture_ok(cn[i], want, string)) {
			c->in[i] = (struct sys_mem){ cn[i], cb[i] };
			continue;
		}
		if (pre) {
			c->in[i] = (struct sys_mem){ pre[i].n, pre[i].bytes };
			n = pre[i].n;
		} else {
			n = hs_db_mem_read(img, ev->t, c->a[i], want, scratch[i]);
			c->in[i] = (struct sys_mem){ n, scratch[i] };
		}
		if (n < 0 && n != -EIO && !err)
			err = (int)n; /* damage: the line stays, with the address */
	}
	return err;
}

ssize_t db_sys_read(void *ctx, bool at_exit, uint64_t addr, size_t n, uint8_t *buf)
{
	const struct db_sys_reader *r = ctx;

	if (at_exit)
		for (size_t k = 0; k < r->n_mem; k++)
			if (r->mem[k].addr <= addr && r->mem[k].addr + r->mem[k].len >= addr + n) {
				memcpy(buf, r->mem[k].bytes + (addr - r->mem[k].addr), n);
				return (ssize_t)n;
			}
	return hs_db_mem_read(r->img, at_exit ? r->t_exit : r->t_entry, addr, n, buf);
}

void db_sys_entry_reader(struct sys_call *c, struct db_sys_reader *rd,
			 struct hs_db_image *img, uint64_t t)
{
	*rd = (struct db_sys_reader){ img, t, t, NULL, 0 };
	for (int i = 0; c->row && i < c->row->nargs; i++)
		if (c->row->kind[i] == HS_K_ARGV || c->row->kind[i] == HS_K_ENVP) {
			c->read = db_sys_read;
			c->read_ctx = rd;
			return;
		}
}

bool db_sys_valgrind(const struct sys_call *c)
{
	switch (c->nr) {
	case 96:  /* gettimeofday */
	case 201: /* time */
	case 228: /* clock_gettime */
	case 229: /* clock_getres */
	case 309: /* getcpu */
		return true;
	case 334: /* rseq */
	case 435: /* clone3 */
		return c->when == SYS_RETURNED && c->failed && c->ret == ENOSYS;
	default:
		return false;
	}
}

/* getdents' entries in the n bytes at p: each record's length is at
 * offset 16 (linux_dirent and linux_dirent64 alike); -EBADMSG when they
 * do not add up. */
static ssize_t count_dirents(const uint8_t *p, size_t n)
{
	ssize_t k = 0;

	for (size_t off = 0; off < n; k++) {
		size_t len = off + 18 <= n ? (size_t)(p[off + 16] | p[off + 17] << 8) : 0;

		if (len < 19)
			return -EBADMSG;
		off += len;
	}
	return k;
}

/* getdents' count: from the one piece that holds all the bytes returned,
 * else from memory at the exit's t. */
#define DIRENTS_MAX (1u << 20)
static void dirents_arg(struct hs_db_image *img, uint64_t t, struct sys_call *c, int i,
			const struct hs_db_mem_piece *mem, size_t n_mem)
{
	uint64_t a = c->a[i], n = c->ret;
	uint8_t *buf;
	ssize_t got;

	if (c->failed || !a || n > DIRENTS_MAX)
		return;
	for (size_t k = 0; k < n_mem; k++)
		if (mem[k].addr <= a && mem[k].addr + mem[k].len >= a + n) {
			c->out[i] = (struct sys_mem){ count_dirents(mem[k].bytes + (a - mem[k].addr), n),
						      (const uint8_t *)"" };
			return;
		}
	buf = malloc(n ? n : 1);
	if (!buf)
		return;
	got = hs_db_mem_read(img, t, a, n, buf);
	if (got == (ssize_t)n)
		c->out[i] = (struct sys_mem){ count_dirents(buf, n), (const uint8_t *)"" };
	free(buf);
}

/* Output argument i from the pieces (the prefix they cover), else from
 * memory at the exit's t. */
static void out_arg(struct hs_db_image *img, uint64_t t, struct sys_call *c, int i,
		    const struct hs_db_mem_piece *mem, size_t n_mem, uint8_t *buf)
{
	uint32_t span = sys_out_span(c, i);
	uint64_t a = c->a[i];
	bool known[SYS_OUT_MAX];
	uint32_t have = 0;
	ssize_t n;

	if (c->row && c->row->kind[i] == HS_K_DIRENTS_OUT && c->when == SYS_RETURNED) {
		dirents_arg(img, t, c, i, mem, n_mem);
		return;
	}
	if (!span)
		return;
	memset(known, 0, sizeof(known));
	if (span > SYS_OUT_MAX)
		span = SYS_OUT_MAX;
	for (size_t k = 0; k < n_mem; k++) {
		uint64_t lo = mem[k].addr > a ? mem[k].addr : a;
		uint64_t hi = mem[k].addr + mem[k].len < a + span ? mem[k].addr + mem[k].len
								  : a + span;

		if (lo >= hi)
			continue;
		memcpy(buf + (lo - a), mem[k].bytes + (lo - mem[k].addr), hi - lo);
		memset(known + (lo - a), 1, hi - lo);
	}
	while (have < span && known[have])
		have++;
	/* a socket address is as long as the kernel says: a prefix will do */
	if (have == span || (have && c->row && c->row->kind[i] == HS_K_SOCKADDR_OUT)) {
		c->out[i] = (struct sys_mem){ have, buf };
		return;
	}
	/* Valgrind does not report the kernel's writes to select's sets and
	 * timeout (it only checks they were readable); the recorder adds them
	 * as memory records (rec_main.c, record_unreported_writes), but in a
	 * recording made before that the memory still holds what the program
	 * passed, so it would lie */
	if (c->row && c->row->ret == HS_R_SELECT && i >= 1 && i <= 4) {
		c->out[i] = (struct sys_mem){ -ENODATA, NULL };
		return;
	}
	n = hs_db_mem_read(img, t, a, span, buf);
	c->out[i] = (struct sys_mem){ n, buf };
}

/* A call that a signal interrupted: what its kernel code returned before
 * the signal's delivery turned it into EINTR (a handler ran) or restarted
 * it (SA_RESTART).  strace shows that code ("= ? ERESTARTSYS (To be
 * restarted if SA_RESTART is set)"); Valgrind hands the program EINTR, and
 * restarts the call itself.  EINTR for the calls whose kernel code returns
 * it directly (strace: "= -1 EINTR"). */
#define ERESTARTSYS_ 512
#define ERESTARTNOINTR_ 513
#define ERESTARTNOHAND_ 514
#define ERESTART_RESTARTBLOCK_ 516
#define TIMER_ABSTIME_ 1
static uint64_t restart_code(const struct sys_call *c)
{
	switch (c->nr) {
	case 3:   /* close: the kernel makes ERESTARTSYS EINTR */
	case 65:  /* semop */
	case 128: /* rt_sigtimedwait */
	case 208: /* io_getevents */
	case 220: /* semtimedop */
	case 232: /* epoll_wait */
	case 281: /* epoll_pwait */
	case 333: /* io_pgetevents */
	case 441: /* epoll_pwait2 */
		return EINTR;
	case 7:   /* poll */
	case 35:  /* nanosleep */
	case 219: /* restart_syscall */
		return ERESTART_RESTARTBLOCK_;
	case 230: /* clock_nanosleep: a deadline is not restarted with a block */
		return c->a[1] & TIMER_ABSTIME_ ? ERESTARTNOHAND_ : ERESTART_RESTARTBLOCK_;
	case 202: /* futex: FUTEX_WAIT or FUTEX_WAIT_BITSET with a timeout */
		return ((c->a[1] & 0x7f) == 0 || (c->a[1] & 0x7f) == 9) && c->a[3]
			       ? ERESTART_RESTARTBLOCK_ : ERESTARTSYS_;
	case 23:  /* select */
	case 34:  /* pause */
	case 69:  /* msgsnd */
	case 70:  /* msgrcv */
	case 130: /* rt_sigsuspend */
	case 270: /* pselect6 */
	case 271: /* ppoll */
		return ERESTARTNOHAND_;
	case 56:  /* clone */
	case 57:  /* fork */
	case 58:  /* vfork */
	case 435: /* clone3 */
		return ERESTARTNOINTR_;
	default:
		return ERESTARTSYS_;
	}
}

/* rt_sigreturn "returns" the rax it restored (strace: "= -1 EINTR" after
 * a call the handler interrupted, the call's number after one it
 * restarts, the interrupted code's rax otherwise): the thread's rax once
 * the syscall instruction at t has run. */
static void sigreturn_result(struct hs_db_image *img, const struct hs_db_event *exit,
			     struct sys_call *c)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	int64_t rax;

	if (r && hs_db_regs_at(img, exit->t, db_le32(exit->payload), r) == 0) {
		rax = (int64_t)r->regs.gpr[0];
		c->failed = rax < 0 && rax >= -4095;
		c->ret = c->failed ? (uint64_t)-rax : (uint64_t)rax;
	}
	free(r);
}

int hs_db_syscall_line(const struct hs_db_image *cimg, const struct hs_db_event *enter,
		       const struct hs_db_event *exit, const struct hs_db_mem_piece *mem,
		       size_t n_mem, char *buf, size_t cap, unsigned *flags)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	uint8_t in[6][HS_DB_STR_MAX + 1];
	uint8_t out[6][SYS_OUT_MAX];
	struct sys_call c;
	size_t len;
	int err;

	*flags = 0;
	if (cap)
		buf[0] = 0;
	if (enter->tag != HS_EV_SYSCALL_ENTER || enter->len < 56)
		return -EINVAL;
	struct db_sys_reader rd = { img, enter->t, enter->t, mem, n_mem };

	err = db_sys_from_entry(img, enter, NULL, &c, in);
	c.read = db_sys_read;
	c.read_ctx = &rd;
	c.when = SYS_LOST;
	if (exit && exit->tag == HS_EV_SYSCALL_EXIT && exit->len >= 24) {
		c.when = SYS_RETURNED;
		rd.t_exit = exit->t;
		c.failed = db_le32(exit->payload + 8) != 0;
		c.ret = db_le64(exit->payload + 16);
		if (c.failed && c.ret == EINTR)
			c.ret = restart_code(&c);
		if (c.nr == 15)
			sigreturn_result(img, exit, &c);
		for (int i = 0; i < (c.row ? c.row->nargs : 0); i++)
			out_arg(img, exit->t, &c, i, mem, n_mem, out[i]);
	}
	if (db_sys_valgrind(&c) || db_sys_preload(img, &c, enter->t, hs_le32(enter->payload)))
		*flags |= HS_DB_SYSCALL_VALGRIND;
	len = sys_format(&c, buf, cap);
	return err ? err : (int)len;
}
