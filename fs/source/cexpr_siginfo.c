/* cexpr_siginfo.c - gdb's convenience variable $_siginfo on Linux x86-64:
 * the siginfo of the signal the thread stopped for, typed as gdb's
 * linux_get_siginfo_type builds it (LP64):
 *
 *   struct siginfo {
 *       int si_signo, si_errno, si_code;
 *       union {
 *           int _pad __attribute__ ((vector_size(28)));
 *           struct { __pid_t si_pid; __uid_t si_uid; } _kill;
 *           struct { int si_tid; int si_overrun; sigval_t si_sigval; } _timer;
 *           struct { __pid_t si_pid; __uid_t si_uid; sigval_t si_sigval; } _rt;
 *           struct { __pid_t si_pid; __uid_t si_uid; int si_status;
 *                    __clock_t si_utime, si_stime; } _sigchld;
 *           struct { void *si_addr; short _addr_lsb;
 *                    struct { void *_lower, *_upper; } _addr_bnd; } _sigfault;
 *           struct { long si_band; int si_fd; } _sigpoll;
 *           struct { void *_call_addr; int _syscall; unsigned int _arch; } _sigsys;
 *       } _sifields;
 *   };
 *
 * Its members are values like any (CT_INT, void *); the aggregates are
 * CT_SYN values whose bytes are the 128 of the kernel's siginfo_t.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cexpr_i.h"

#define K(n, kind, off) { n, kind, off, 0, 0, NULL, NULL }
#define A(n, kind, off, size, kids, tn) \
	{ n, kind, off, size, sizeof(kids) / sizeof((kids)[0]), kids, tn }

static const struct cx_syn sigval[] = {
	K("sival_int", CX_SYN_INT, 0), K("sival_ptr", CX_SYN_PTR, 0),
};
static const struct cx_syn kill_f[] = {
	K("si_pid", CX_SYN_INT, 0), K("si_uid", CX_SYN_UINT, 4),
};
static const struct cx_syn timer_f[] = {
	K("si_tid", CX_SYN_INT, 0), K("si_overrun", CX_SYN_INT, 4),
	A("si_sigval", CX_SYN_UNION, 8, 8, sigval, "sigval_t"),
};
static const struct cx_syn rt_f[] = {
	K("si_pid", CX_SYN_INT, 0), K("si_uid", CX_SYN_UINT, 4),
	A("si_sigval", CX_SYN_UNION, 8, 8, sigval, "sigval_t"),
};
static const struct cx_syn sigchld_f[] = {
	K("si_pid", CX_SYN_INT, 0), K("si_uid", CX_SYN_UINT, 4), K("si_status", CX_SYN_INT, 8),
	K("si_utime", CX_SYN_LONG, 16), K("si_stime", CX_SYN_LONG, 24),
};
static const struct cx_syn bnd_f[] = {
	K("_lower", CX_SYN_PTR, 0), K("_upper", CX_SYN_PTR, 8),
};
static const struct cx_syn sigfault_f[] = {
	K("si_addr", CX_SYN_PTR, 0), K("_addr_lsb", CX_SYN_SHORT, 8),
	A("_addr_bnd", CX_SYN_STRUCT, 16, 16, bnd_f, "struct {...}"),
};
static const struct cx_syn sigpoll_f[] = {
	K("si_band", CX_SYN_LONG, 0), K("si_fd", CX_SYN_INT, 8),
};
static const struct cx_syn sigsys_f[] = {
	K("_call_addr", CX_SYN_PTR, 0), K("_syscall", CX_SYN_INT, 8), K("_arch", CX_SYN_UINT, 12),
};
static const struct cx_syn sifields[] = {
	{ "_pad", CX_SYN_INTS, 0, 112, 28, NULL, "int __attribute__ ((vector_size(28)))" },
	A("_kill", CX_SYN_STRUCT, 0, 8, kill_f, "struct {...}"),
	A("_timer", CX_SYN_STRUCT, 0, 16, timer_f, "struct {...}"),
	A("_rt", CX_SYN_STRUCT, 0, 16, rt_f, "struct {...}"),
	A("_sigchld", CX_SYN_STRUCT, 0, 32, sigchld_f, "struct {...}"),
	A("_sigfault", CX_SYN_STRUCT, 0, 32, sigfault_f, "struct {...}"),
	A("_sigpoll", CX_SYN_STRUCT, 0, 16, sigpoll_f, "struct {...}"),
	A("_sigsys", CX_SYN_STRUCT, 0, 16, sigsys_f, "struct {...}"),
};
static const struct cx_syn siginfo_f[] = {
	K("si_signo", CX_SYN_INT, 0), K("si_errno", CX_SYN_INT, 4), K("si_code", CX_SYN_INT, 8),
	A("_sifields", CX_SYN_UNION, 16, 112, sifields, "union {...}"),
};
static const struct cx_syn siginfo = A("$_siginfo", CX_SYN_STRUCT, 0, 128, siginfo_f, "siginfo");

/* SIGTRAP, SI_KERNEL: what gdb reads at a stop for a breakpoint. */
#define SI_KERNEL_CODE 0x80

int cx_siginfo(struct cx *x, struct cx_val *out)
{
	memset(out, 0, sizeof *out);
	out->ty.kind = CT_SYN;
	out->ty.syn = &siginfo;
	out->v.size = siginfo.size;
	memset(out->v.valid, 1, siginfo.size);
	if (x->c->tg->siginfo) {
		memcpy(out->v.bytes, x->c->tg->siginfo, siginfo.size);
	} else {
		/* no signal at this moment: gdb's answer at a breakpoint there
		 * (ptrace's SIGTRAP of the int3) */
		out->v.bytes[0] = 5;
		out->v.bytes[8] = SI_KERNEL_CODE;
	}
	return 0;
}

int cx_syn_kid(const struct cx_val *v, size_t k, struct cx_val *out)
{
	const struct cx_syn *n = v->ty.syn, *m;
	uint64_t u = 0;

	if (k >= n->n)
		return -ENOENT;
	if (n->kind == CX_SYN_INTS) {
		memcpy(&u, v->v.bytes + k * 4, 4);
		cx_int_val(out, u, 4, true);
		return 0;
	}
	m = &n->kids[k];
	switch (m->kind) {
	case CX_SYN_INT:
	case CX_SYN_UINT:
		memcpy(&u, v->v.bytes + m->off, 4);
		cx_int_val(out, u, 4, m->kind == CX_SYN_INT);
		return 0;
	case CX_SYN_SHORT:
		memcpy(&u, v->v.bytes + m->off, 2);
		cx_int_val(out, u, 2, true);
		return 0;
	case CX_SYN_LONG:
		memcpy(&u, v->v.bytes + m->off, 8);
		cx_int_val(out, u, 8, true);
		return 0;
	case CX_SYN_PTR:
		/* void * */
		memcpy(&u, v->v.bytes + m->off, 8);
		cx_int_val(out, u, 8, false);
		memset(&out->ty, 0, sizeof out->ty);
		out->ty.kind = CT_VOID;
		out->ty.nptr = 1;
		return 0;
	default:
		memset(out, 0, sizeof *out);
		out->ty.kind = CT_SYN;
		out->ty.syn = m;
		out->v.size = m->size;
		memcpy(out->v.bytes, v->v.bytes + m->off, m->size);
		memset(out->v.valid, 1, m->size);
		return 0;
	}
}

int cx_syn_member(struct cx *x, const struct cx_val *v, const char *name, size_t len,
		  struct cx_val *out)
{
	const struct cx_syn *n = v->ty.syn;

	if (n->kind == CX_SYN_INTS)
		return -ENOENT;
	for (size_t k = 0; k < n->n; k++)
		if (strlen(n->kids[k].name) == len && !strncmp(n->kids[k].name, name, len))
			return cx_syn_kid(v, k, out);
	return cx_fail(x, "There is no member named %.*s.", (int)len, name);
}

int cx_syn_fail(struct cx *x)
{
	/* gdb's $_siginfo is an lval_computed value: *, ->, arithmetic and
	 * comparisons first take its address (value_addr) */
	return cx_fail(x, "Attempt to take address of value not located in memory.");
}

int cx_syn_index(struct cx *x, const struct cx_val *v, int64_t i, struct cx_val *out)
{
	if (v->ty.syn->kind != CX_SYN_INTS)
		return cx_fail(x, "cannot subscript requested type");
	if (i < 0 || i >= v->ty.syn->n)
		return cx_fail(x, "no such vector element");
	return cx_syn_kid(v, (size_t)i, out);
}
