/* tree_src_longjmp.c - step-into at a call of longjmp: gdb's longjmp master
 * breakpoint.
 *
 * gdb 13 puts a "longjmp master" breakpoint at the entry of every text
 * symbol named longjmp, _longjmp, siglongjmp or _siglongjmp (breakpoint.c,
 * create_longjmp_master_breakpoint: libc's have no stap probes here, and
 * Debian 12's libc.so.6 has no .note.stapsdt; `maint info breakpoints`
 * after `start` lists three at __libc_siglongjmp+0).  A `step` that
 * single-steps onto that entry hits it: BPSTAT_WHAT_SET_LONGJMP_RESUME
 * finds no target (`set debug infrun 1`: "BPSTAT_WHAT_SET_LONGJMP_RESUME
 * (!gdbarch_get_longjmp_target)") and steps on, one instruction in.
 * There "stepped into subroutine" (handle_step_into_function) puts its
 * step-resume breakpoint at the function's start past the prologue, which
 * for glibc's __libc_siglongjmp (push %rbp; mov %rdi,%rbp: no frame set
 * up) is its entry, behind the pc, and continues.  So gdb does not stop
 * in this call: it stops the next time the thread runs that entry (the
 * breakpoint has no frame), in a later call of longjmp from anywhere,
 * at its first line ("stepped to a different line"), or runs to the end,
 * or to a signal it stops on, when no later call comes (checked with gdb
 * 13: `break 10; run; step` at q16.c's longjmp line shows
 * `__libc_siglongjmp (env=..., val=2)`, the next call's, lazy binding or
 * LD_BIND_NOW alike: the PLT stub and the lazy resolver are "dynsym
 * resolve code" that step single-steps, so the breakpoint is hit either
 * way).  Where the prologue ends past the entry the step-resume
 * breakpoint is ahead, in this call, and the line pass's stop there is
 * gdb's already; __longjmp_chk (_FORTIFY_SOURCE) is no such name: step
 * enters it as any function.  Not modelled: the stap probes gdb prefers
 * where a libc has them, a tail jump into longjmp (gcc calls a noreturn
 * function). */
#include "tree_src_i.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int is_longjmp_name(void *ctx, const char *name, bool ifunc)
{
	(void)ctx;
	(void)ifunc;
	return !strcmp(name, "longjmp") || !strcmp(name, "_longjmp") ||
	       !strcmp(name, "siglongjmp") || !strcmp(name, "_siglongjmp");
}

struct entry_hit {
	const struct hs_db_image *img;
	uint32_t tid;
	uint64_t after, pc, found;      /* found 0: none */
	struct hs_db_regs *r;
	int err;
};

/* The first start of the entry's line after `after` on tid at pc: the
 * next call of the function (a new frame's first line is a line start). */
static int on_entry_start(void *ctx, const struct hs_db_line_start *ls)
{
	struct entry_hit *h = ctx;
	int err;

	if (ls->t <= h->after || ls->tid != h->tid)
		return 0;
	if ((err = hs_db_regs_at(h->img, ls->t, ls->tid, h->r)) < 0) {
		h->err = err;
		return 1;
	}
	if (h->r->regs.rip != h->pc)
		return 0;
	h->found = ls->t;
	return 1;
}

/* hs_db_line_starts' callback for one moment: its start copied to ctx. */
static int on_start_at(void *ctx, const struct hs_db_line_start *ls)
{
	*(struct hs_db_line_start *)ctx = *ls;
	return 1;
}

/* From a step-into stop *t found from t0 (err 0): when *t is the entry of
 * a longjmp master breakpoint's function (a line start in a frame a call
 * made), gdb's stop is the next start of that entry on the thread, as
 * above: *t moves there, or -ENOENT when none comes (the caller's signal
 * check then looks for a signal gdb stops on up to the end).  Any other
 * err is handed back. */
int tree_src_step_longjmp(struct hs_tree_step_ctx *sc, uint64_t t0, int err, uint64_t *t)
{
	struct entry_hit h = { .img = sc->img, .after = *t };
	struct hs_db_line_start ls = { 0 };
	struct hs_db_call c;
	int e = 0;

	if (err || !sc->s || *t <= t0 || hs_db_thread_at(sc->img, *t, &h.tid) != 0)
		return err;
	if (!(h.r = malloc(sizeof(*h.r)))) /* not on a FUSE thread's stack */
		return -ENOMEM;
	/* the cheap test first: a longjmp name's entry */
	if (hs_db_regs_at(sc->img, *t, h.tid, h.r) < 0)
		goto out;
	h.pc = h.r->regs.rip;
	if ((e = hs_src_function_names(sc->s, h.pc, is_longjmp_name, NULL)) <= 0)
		goto out;
	e = 0;
	/* in a frame a call made during the step (a
	 * PLT stub's jump included; no tail jump, no signal), a line start */
	if (hs_db_backtrace(sc->img, *t, h.tid, &c, 1) < 1 ||
	    (c.flags & (HS_DB_CALL_SIGNAL | HS_DB_CALL_TAILIN)) || c.t_call < t0 ||
	    hs_db_line_starts(sc->img, *t, *t, h.tid, on_start_at, &ls) < 0 || ls.t != *t)
		goto out;
	e = hs_db_line_times(sc->img, ls.file_id, ls.line, on_entry_start, &h);
	if (e >= 0 && h.err < 0)
		e = h.err;
	if (e >= 0) {
		e = h.found ? 0 : -ENOENT;
		*t = h.found ? h.found : *t;
	}
out:
	free(h.r);
	return e;
}
