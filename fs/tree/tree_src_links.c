/* tree_src_links.c - time/<t>/next-line, prev-line, step-*, finish, caller; time/main. */
#include "tree_src_i.h"

#include "hindsight/le.h"
#include "hindsight/trace_format.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- links: next-line, prev-line, finish, caller ------------------------------------ */

/* A link that cannot be computed (no lines index, an old database) is
 * left out of listings like one that does not exist, so that ls time/<t>
 * always works; reading it still reports why. */
int tree_src_link_exists(int err)
{
	return err == -ENOSYS || err == -ENODATA || err == -EOPNOTSUPP ? -ENOENT : err;
}

/* gdb's step enters a call only when the code that makes it has line
 * info outside the dynamic linker (fs/source): it runs a library without
 * debug info, and the lazy resolver, to their return, callbacks and ifunc
 * resolvers included.  A frame entered by a tail call (its call site is
 * the call of the frame it replaced) is entered when that call was and
 * the code that jumped (rip at its t_call) has line info too: gdb steps
 * over a function without line info to its return, whatever it jumps
 * to on the way, also through a chain of jumps (atexit, libc_nonshared's
 * stub without lines, jumps to __cxa_atexit, which has lines and jumps
 * to __internal_atexit: all of it is run to atexit's return).  A jump
 * out of a function without lines that the step began in is entered. */
#define TAIL_CHAIN_MAX 64

static enum hs_db_step_enter tail_enters(struct hs_tree_step_ctx *sc, const struct hs_db_call *c)
{
	struct hs_db_regs *r = malloc(sizeof(*r)); /* not on a FUSE thread's stack */
	enum hs_db_step_enter e = HS_DB_STEP_SKIP;
	struct hs_db_call j = *c;
	bool lined;

	for (int hop = 0; r && hop < TAIL_CHAIN_MAX; hop++) {
		if (hs_db_regs_at(sc->img, j.t_call, j.tid, r) < 0) {
			e = HS_DB_STEP_ENTER; /* as before this rule: the stop is the line pass's */
			break;
		}
		/* the jumper has no lines; a C++ thunk without any (clang's
		 * "virtual thunk to X::f()") is no stop of gdb's step, which
		 * goes on to the method (gnuv3_skip_trampoline) */
		lined = hs_src_step_stops(sc->s, r->regs.rip) || hs_src_thunk(sc->s, r->regs.rip);
		/* the frame it replaced: the innermost open at its t_call */
		if (hs_db_backtrace(sc->img, j.t_call, j.tid, &j, 1) < 1) {
			e = lined ? HS_DB_STEP_ENTER : HS_DB_STEP_SKIP;
			break;
		}
		/* a jumper without lines whose frame the step began in: gdb
		 * stepped it whole ("Single stepping until exit from
		 * function"), and the frame the jump makes is no callee of
		 * it, so its line is new (operator delete's jump to free:
		 * gdb stops at free's entry, its first line) */
		if (!lined) {
			if (j.t_call < sc->t0)
				e = HS_DB_STEP_ENTER;
			break;
		}
		if (j.t_call <= sc->t0) {
			e = HS_DB_STEP_ENTER; /* the step began in that chain */
			break;
		}
		if (!(j.flags & HS_DB_CALL_TAILIN)) {
			/* the chain's call, made during the step, into code
			 * with lines (it jumped from there): gdb entered it */
			e = HS_DB_STEP_ENTER;
			break;
		}
	}
	free(r);
	return e;
}

/* A call made by the dynamic linker's code.  gdb's `step` single-steps
 * through all of ld.so's text (infrun.c: "stepped into dynsym resolve
 * code", svr4_in_dynsym_resolve_code: ld.so's .text and .plt, any PLT,
 * an ifunc's resolver) until the pc leaves it; there the usual tests
 * apply, and code with lines whose frame is no callee of the one
 * stepped (its caller is ld.so's) is "a different line": a stop, at the
 * first instruction of, say, __libc_calloc that _dl_allocate_tls calls
 * through __rtld_calloc.  So a call into ld.so itself, or into code with
 * lines, is entered; one into an ifunc's resolver (the lazy resolver's
 * elf_ifunc_invoke) is run through, as one into code without lines (gdb
 * would stop there with no line, where no moment is a line start). */
static enum hs_db_step_enter dl_enters(struct hs_tree_step_ctx *sc, const struct hs_db_call *c)
{
	uint64_t to = tree_src_reached(sc->img, sc->s, c->callee);
	struct hs_src_loc loc;

	if (hs_src_lookup(sc->s, to, &loc) == 0 && loc.module &&
	    hs_src_dynamic_linker(loc.module->path))
		return HS_DB_STEP_ENTER;
	return hs_src_step_stops(sc->s, to) && !hs_src_ifunc_resolver(sc->s, to) ?
	       HS_DB_STEP_ENTER : HS_DB_STEP_SKIP;
}

/* A call made, during a step that began in code without line info, from
 * that very frame: gdb's step range is then the whole function ("Single
 * stepping until exit from function ..."), and a call it makes is
 * "stepped into subroutine": entered when the function reached has line
 * info (a library's callback), as from a line; one without is run to its
 * return.  A call made deeper (from a function stepped over) is not. */
static bool from_start_frame(struct hs_tree_step_ctx *sc, const struct hs_db_call *c)
{
	struct hs_db_call a, b;
	int na, nb;
	uint64_t to;

	if (!sc->t0 || c->t_call < sc->t0)
		return false;
	na = hs_db_backtrace(sc->img, sc->t0, c->tid, &a, 1);
	nb = hs_db_backtrace(sc->img, c->t_call, c->tid, &b, 1);
	if (na < 0 || na != nb || (uint32_t)na != c->depth || (na > 0 && a.t_call != b.t_call))
		return false;
	to = tree_src_reached(sc->img, sc->s, c->callee);
	return hs_src_step_stops(sc->s, to) && !hs_src_ifunc_resolver(sc->s, to);
}

enum hs_db_step_enter hs_tree_step_enters(void *ctx, const struct hs_db_call *c)
{
	struct hs_tree_step_ctx *sc = ctx;
	struct hs_src_loc loc;

	/* no call made it: gdb steps over a handler, or stops as the signal
	 * arrives (hs_tree_step_signal_stop); a tail jump out of a handler
	 * (HS_DB_CALL_TAILIN too, on the signal frame) is a jump as any */
	if ((c->flags & (HS_DB_CALL_SIGNAL | HS_DB_CALL_TAILIN)) == HS_DB_CALL_SIGNAL)
		return HS_DB_STEP_SKIP;
	/* a C++ thunk without line rows (clang's covariant return thunk
	 * calls the method, then adjusts what it returns) is no frame gdb's
	 * step runs to its return: it goes on to the method
	 * (gnuv3_skip_trampoline), and stops in the thunk when the method
	 * returns there (no line: the step's return stop) */
	if (hs_src_step_stops(sc->s, c->call_site) || hs_src_thunk(sc->s, c->call_site))
		return c->flags & HS_DB_CALL_TAILIN ? tail_enters(sc, c) : HS_DB_STEP_ENTER;
	if (hs_src_lookup(sc->s, c->call_site, &loc) == 0 && loc.module &&
	    hs_src_dynamic_linker(loc.module->path))
		return dl_enters(sc, c);
	if (from_start_frame(sc, c))
		return HS_DB_STEP_ENTER;
	return HS_DB_STEP_SKIP_CALLER;
}

bool hs_tree_step_stops(void *ctx, uint64_t pc)
{
	struct hs_tree_step_ctx *sc = ctx;

	return hs_src_step_stops(sc->s, pc);
}

/* step-into's f->stops: a return into the dynamic linker's code or into
 * an ifunc's resolver is no stop for want of a line, as a return into a
 * library without line info is: gdb's `step` runs on through such code
 * (dl_enters) to the next line it reaches. */
static bool step_goes_on(void *ctx, uint64_t pc)
{
	struct hs_tree_step_ctx *sc = ctx;
	struct hs_src_loc loc;

	return hs_src_step_stops(sc->s, pc) || hs_src_ifunc_resolver(sc->s, pc) ||
	       (hs_src_lookup(sc->s, pc, &loc) == 0 && loc.module &&
		hs_src_dynamic_linker(loc.module->path));
}

/* ---- step and the dynamic linker's calls ---------------------------------------------
 * gdb's `step` single-steps the dynamic linker's code (dl_enters), so a
 * call that ld.so makes during the step, into code outside it, is met at
 * the callee's first instruction, where the frame is no callee of the one
 * stepped ("stepped into subroutine" does not apply): with lines, the
 * start of a statement row is "a different line", a stop before any
 * prologue (a destructor that _dl_call_fini calls, a step that began in
 * libc and returned into _dl_fini); without lines, a function with a
 * symbol is a stop with no line (`? 0 __do_global_dtors_aux`, `_fini`:
 * stop_pc_sal.line == 0).  An ifunc's resolver (the lazy resolver's) and
 * a PLT stub are dynsym resolve code, run through. */
static bool in_ldso(struct hs_tree_step_ctx *sc, uint64_t pc)
{
	struct hs_src_loc loc;

	return hs_src_lookup(sc->s, pc, &loc) == 0 && loc.module &&
	       hs_src_dynamic_linker(loc.module->path);
}

/* Code at `to`, reached from the dynamic linker, where gdb's step stops. */
static bool dl_target_stops(struct hs_tree_step_ctx *sc, uint64_t to)
{
	struct hs_src_line_info li;
	struct hs_src_loc loc;
	size_t n;

	if (hs_src_lookup(sc->s, to, &loc) != 0 || !loc.function || loc.func_start != to ||
	    hs_src_ifunc_resolver(sc->s, to) || (loc.module && hs_src_dynamic_linker(loc.module->path)))
		return false;
	n = strlen(loc.function);
	if (n >= 4 && !strcmp(loc.function + n - 4, "@plt"))
		return false;
	if (!hs_src_step_stops(sc->s, to))
		return true;
	return hs_src_line_info(sc->s, to, &li) == 0 && li.line && li.row_start && li.is_stmt;
}

static bool dl_callee_stops(struct hs_tree_step_ctx *sc, const struct hs_db_call *c)
{
	return !(c->flags & (HS_DB_CALL_SIGNAL | HS_DB_CALL_TAILIN)) && in_ldso(sc, c->call_site) &&
	       dl_target_stops(sc, c->callee);
}

/* A frame of the dynamic linker may end by a jump out of it, a hop of its
 * call (no tail call is recorded from ld.so): _dl_call_fini's jump to
 * the object's _fini.  The moment after t0 where that jump lands, when
 * gdb's step stops there (dl_target_stops); 0 for none.  Found back from
 * the frame's last instruction, over the calls it made. */
#define HOP_BACK_MAX 4096

static uint64_t dl_hop(struct hs_tree_step_ctx *sc, const struct hs_db_call *c, uint64_t t0,
		       struct hs_db_regs *r)
{
	struct hs_src_loc loc;
	struct hs_db_call in;
	uint64_t u;

	if (c->t_ret == HS_DB_NO_RETURN || c->t_ret <= t0 + 1 ||
	    (c->flags & (HS_DB_CALL_SIGNAL | HS_DB_CALL_UNWOUND | HS_DB_CALL_TAIL)) ||
	    !in_ldso(sc, c->callee) || hs_db_regs_at(sc->img, c->t_ret - 1, c->tid, r) < 0 ||
	    in_ldso(sc, r->regs.rip) || hs_src_lookup(sc->s, r->regs.rip, &loc) != 0 ||
	    !loc.function || !dl_target_stops(sc, loc.func_start))
		return 0;
	u = c->t_ret - 1;
	for (int k = 0; k < HOP_BACK_MAX && u > t0 && u > c->t_call; k++) {
		if (hs_db_backtrace(sc->img, u, c->tid, &in, 1) < 1)
			return 0;
		if (in.t_call != c->t_call) {
			u = in.t_call; /* a call the frame made: from its call */
			continue;
		}
		if (hs_db_regs_at(sc->img, u, c->tid, r) < 0 || in_ldso(sc, r->regs.rip))
			return 0;
		if (r->regs.rip == loc.func_start)
			return u;
		u--;
	}
	return 0;
}

struct dl_scan {
	struct hs_tree_step_ctx *sc;
	uint32_t tid;
	uint64_t t0;
	uint64_t found;         /* a stop's t; UINT64_MAX: none */
	uint64_t resume;        /* > 0: scan again from there (a call leapt) */
	struct hs_db_regs *r;
};

static int on_dl_call(void *ctx, const struct hs_db_call *c)
{
	struct dl_scan *w = ctx;
	uint64_t h;

	if (c->tid != w->tid)
		return 0;
	if (c->t_call + 1 >= w->found)
		return 1;
	if (dl_callee_stops(w->sc, c)) {
		w->found = c->t_call + 1;
		return 1;
	}
	/* a call the step runs to its return: nothing inside it is met */
	if (hs_tree_step_enters(w->sc, c) != HS_DB_STEP_ENTER) {
		if (c->t_ret != HS_DB_NO_RETURN)
			w->resume = c->t_ret;
		return 1;
	}
	if ((h = dl_hop(w->sc, c, w->t0, w->r)) && h < w->found)
		w->found = h;
	return 0;
}

/* The frames open at t0 that the dynamic linker's code runs (the step
 * returns into them): their hops out (dl_hop). */
static int dl_open_hops(struct dl_scan *w)
{
	struct hs_db_call *fr;
	int n = hs_db_backtrace(w->sc->img, w->t0, w->tid, NULL, 0);
	uint64_t h;

	if (n <= 0)
		return n;
	if (!(fr = calloc((size_t)n, sizeof(*fr))))
		return -ENOMEM;
	n = hs_db_backtrace(w->sc->img, w->t0, w->tid, fr, (size_t)n);
	for (int i = 0; i < n; i++)
		if ((h = dl_hop(w->sc, &fr[i], w->t0, w->r)) && h < w->found)
			w->found = h;
	free(fr);
	return n < 0 ? n : 0;
}

/* The step from t0 found *t (err 0) or no stop (-ENOENT): an earlier stop
 * at the first instruction of a function the dynamic linker called on
 * the way (dl_callee_stops) replaces it. */
static int step_dl_callee(struct hs_tree_step_ctx *sc, uint64_t t0, int err, uint64_t *t)
{
	struct dl_scan w = { sc, 0, t0, UINT64_MAX, 0, NULL };
	struct hs_db_image_info info;
	uint64_t from = t0 + 1, end;
	int e = 0;

	if ((err && err != -ENOENT) || hs_db_thread_at(sc->img, t0, &w.tid))
		return err;
	if (!(w.r = malloc(sizeof(*w.r)))) /* not on a FUSE thread's stack */
		return -ENOMEM;
	hs_db_image_info(sc->img, &info);
	end = err ? info.t_end : *t - 1;
	if ((e = dl_open_hops(&w)) < 0)
		goto out;
	while (from <= end && from < w.found) {
		w.resume = 0;
		if ((e = hs_db_calls(sc->img, from, end, on_dl_call, &w)) < 0 || !w.resume)
			break;
		from = w.resume;
	}
	if (e >= 0 && w.found <= end) {
		*t = w.found;
		err = 0;
	}
out:
	free(w.r);
	return e < 0 ? e : err;
}

/* ---- step and signals ----------------------------------------------------------------
 * A signal whose handler runs while gdb steps stops the step where it
 * arrives ("Program received signal"), unless gdb's defaults let it pass
 * silently (`handle SIG nostop`: SIGALRM, SIGURG, SIGCHLD, SIGIO,
 * SIGVTALRM, SIGPROF, SIGWINCH), when gdb steps over the handler.  The
 * next `step` from there enters the handler at its first instruction, on
 * the line of its opening brace, before the prologue.  A moment is an
 * instruction, so the two stops are one: the handler's first instruction. */

static bool gdb_stops_on(int32_t signo)
{
	switch (signo) {
	case SIGALRM: case SIGURG: case SIGCHLD: case SIGIO: case SIGVTALRM: case SIGPROF:
	case SIGWINCH:
		return false;
	default:
		return true;
	}
}

struct sig_stop {
	uint32_t tid;
	uint64_t t;             /* 0: none */
};

static int on_signal(void *ctx, const struct hs_db_event *ev)
{
	struct sig_stop *ss = ctx;

	/* u32 tid, i32 signo, u32 flags (trace_format.h, HS_EV_SIGNAL) */
	if (ev->tid != ss->tid || ev->len < 12 || (hs_le32(ev->payload + 8) & HS_SIG_FATAL) ||
	    !gdb_stops_on((int32_t)hs_le32(ev->payload + 4)))
		return 0;
	ss->t = ev->t;
	return 1;
}

int hs_tree_step_signal_stop(const struct hs_db_image *img, uint64_t t0, uint64_t *t)
{
	struct sig_stop ss = { 0, 0 };
	int err;

	if (*t <= t0 + 1)
		return 0;
	if ((err = hs_db_thread_at(img, t0, &ss.tid)))
		return err;
	err = hs_db_events(img, t0 + 1, *t - 1, HS_DB_KIND_BIT(HS_EV_SIGNAL), on_signal, &ss);
	if (err < 0)
		return err;
	if (ss.t)
		*t = ss.t;
	return 0;
}

/* A step that finds no stop (err -ENOENT: the stepped frame is never
 * returned to, left by longjmp, an exception or a handler that exits or
 * siglongjmps past it) runs to the end under gdb, and a signal it stops on
 * arriving on the way ends it there all the same ("Program received
 * signal", then the handler's first instruction): looked for up to the
 * image's end.  Any other err is the step's own answer, handed back. */
int hs_tree_step_signal_after(const struct hs_db_image *img, uint64_t t0, int err, uint64_t *t)
{
	struct hs_db_image_info info;
	uint64_t u;

	if (err == 0)
		return hs_tree_step_signal_stop(img, t0, t);
	if (err != -ENOENT)
		return err;
	hs_db_image_info(img, &info);
	u = info.t_end + 1;
	if ((err = hs_tree_step_signal_stop(img, t0, &u)))
		return err;
	if (u > info.t_end)
		return -ENOENT;
	*t = u;
	return 0;
}

/* ---- reverse-step out of a frame ---------------------------------------------------
 * gdb's reverse-step that leaves a frame backwards (from its first line)
 * comes back to the call instruction in the caller and goes on to the
 * start of the line-table row holding it: it stops there.  That row may
 * be no line start of the forward step (a second row of the line being
 * stepped, where gdb's forward step refreshes its range and goes on), so
 * it is found here: back from the call, in the caller's frame, to the
 * moment its pc is the row's first address; a call that returned on the
 * way is passed at its t_call.  Bounded walk: a row is a few
 * instructions and the calls it makes. */

#define BACK_ROW_MAX 256

static int innermost_call(const struct hs_db_image *img, uint64_t t, uint32_t tid,
			  struct hs_db_call *c)
{
	int n = hs_db_backtrace(img, t, tid, c, 1);

	return n < 0 ? n : n == 0 ? -ENOENT : 0;
}

/* The moment the caller's pc was row_addr, walking back from t_call
 * (depth: the caller's open calls); 0 when not found. */
static uint64_t row_start_back(const struct hs_db_image *img, uint32_t tid, uint64_t t,
			       int depth, uint64_t row_addr, uint64_t row_end,
			       struct hs_db_regs *r)
{
	for (int i = 0; i < BACK_ROW_MAX && t > 0; i++) {
		struct hs_db_call c;
		int d = hs_db_backtrace(img, t, tid, NULL, 0);

		if (d < 0)
			return 0;
		if (d > depth) { /* inside a call the row made: to its call */
			if (innermost_call(img, t, tid, &c) < 0 || c.t_call >= t)
				return 0;
			t = c.t_call;
			continue;
		}
		if (d < depth || hs_db_regs_at(img, t, tid, r) < 0)
			return 0;
		if (r->regs.rip == row_addr)
			return t;
		if (r->regs.rip < row_addr || r->regs.rip >= row_end)
			return t + 1; /* the row was entered past its start */
		t--;
	}
	return 0;
}

/* gdb's reverse-step that comes back into a function through its return
 * (infrun.c, handle_step_into_function_backward) takes the line-table row
 * holding the return instruction as its range, statement or not, and
 * stops at its start (unless that is the function's entry): where the
 * line starts answer with the function's last statement row before it
 * (a `ret` on a row of its own, the closing brace's, is no statement at
 * -O2).  For call c (of thread tid, d + 1 deep): that moment, 0 when not
 * known. */
static uint64_t return_row_start(struct hs_tree_step_ctx *sc, const struct hs_db_call *c,
				 uint32_t tid, int d, struct hs_db_regs *r)
{
	struct hs_src_line_info li;
	uint64_t at;

	if (c->t_ret == 0 || c->t_ret == HS_DB_NO_RETURN ||
	    hs_db_regs_at(sc->img, c->t_ret - 1, 0, r) < 0 || r->tid != tid ||
	    hs_db_backtrace(sc->img, c->t_ret - 1, tid, NULL, 0) != d + 1 ||
	    hs_src_line_info(sc->s, r->regs.rip, &li) != 0 || !li.line ||
	    li.row_addr == c->callee)
		return 0;
	at = row_start_back(sc->img, tid, c->t_ret - 1, d + 1, li.row_addr, li.row_end, r);
	return at && hs_db_regs_at(sc->img, at, tid, r) == 0 && r->regs.rip == li.row_addr ? at :
	       0;
}

/* Moves *t to return_row_start's when the step went back into a frame
 * that returned into t0's and that is later. */
static int step_back_return_row(struct hs_tree_step_ctx *sc, uint64_t t0, uint64_t *t)
{
	struct hs_db_regs *r = malloc(sizeof(*r)); /* not on a FUSE thread's stack */
	struct hs_db_call c;
	uint64_t at;
	uint32_t tid;
	int d;

	if (!r)
		return -ENOMEM;
	if (t0 == 0 || *t >= t0 || hs_db_regs_at(sc->img, t0, 0, r) < 0)
		goto out;
	tid = r->tid;
	d = hs_db_backtrace(sc->img, t0, tid, NULL, 0);
	/* the frame of *t, one deeper, returned before t0 */
	if (d < 0 || hs_db_backtrace(sc->img, *t, tid, &c, 1) != d + 1 || c.t_ret > t0)
		goto out;
	at = return_row_start(sc, &c, tid, d, r);
	if (at > *t)
		*t = at;
out:
	free(r);
	return 0;
}

int hs_tree_step_back_row(struct hs_tree_step_ctx *sc, uint64_t t0, uint64_t *t)
{
	struct hs_src_line_info li;
	struct hs_db_regs *r;
	struct hs_db_call c;
	uint32_t tid;
	uint64_t at;
	int depth, err;

	if ((err = hs_db_thread_at(sc->img, t0, &tid)))
		return err;
	err = innermost_call(sc->img, t0, tid, &c);
	if (err)
		return err == -ENOENT ? 0 : err;
	/* stayed in the frame, or a frame no call made (a handler) */
	if (*t >= c.t_call || (c.flags & (HS_DB_CALL_SIGNAL | HS_DB_CALL_TAILIN)) ||
	    !hs_src_step_stops(sc->s, c.call_site) ||
	    hs_src_line_info(sc->s, c.call_site, &li) != 0 || !li.line)
		return 0;
	depth = hs_db_backtrace(sc->img, c.t_call, tid, NULL, 0);
	if (depth < 0)
		return depth;
	r = malloc(sizeof(*r)); /* not on a FUSE thread's stack */
	if (!r)
		return -ENOMEM;
	at = row_start_back(sc->img, tid, c.t_call, depth, li.row_addr, li.row_end, r);
	free(r);
	if (at > *t)
		*t = at;
	return 0;
}

/* Where a reverse-step's run back meets a call made from the frame at
 * its last instruction u (returned at u + 1): gdb enters it where its
 * step would, at the start of its return's row; elsewhere (no line info)
 * *t, the line starts' answer, stands. */
static int step_back_enter(struct hs_tree_step_ctx *sc, uint32_t tid, uint64_t u, uint64_t *t,
			   uint32_t *view)
{
	struct hs_db_regs *r;
	struct hs_db_call c;

	if (hs_db_backtrace(sc->img, u, tid, &c, 1) < 1 || c.t_ret != u + 1 ||
	    hs_tree_step_enters(sc, &c) != HS_DB_STEP_ENTER)
		return 0;
	r = malloc(sizeof(*r)); /* not on a FUSE thread's stack */
	if (!r)
		return -ENOMEM;
	u = return_row_start(sc, &c, tid, (int)c.depth, r);
	free(r);
	if (u) {
		*t = u;
		*view = 0;
	}
	return 0;
}

/* A reverse-step that left the frame open at t0 back to its call (*t at
 * or before the call instruction): the caller's state from there
 * (tree_src_step_back_caller). */
static int step_back_caller(struct hs_tree_step_ctx *sc, uint64_t t0, uint64_t *t,
			    uint32_t *view)
{
	struct hs_db_call c;
	uint32_t tid;
	uint64_t u;
	int err;

	if ((err = hs_db_thread_at(sc->img, t0, &tid)))
		return err;
	err = innermost_call(sc->img, t0, tid, &c);
	if (err)
		return err == -ENOENT ? 0 : err;
	if (*t > c.t_call || (c.flags & (HS_DB_CALL_SIGNAL | HS_DB_CALL_TAILIN)))
		return 0;
	u = *t;
	err = tree_src_step_back_caller(sc->img, sc->s, c.t_call, &u, view);
	if (err != 2) {
		*t = err == 0 ? u : *t;
		return err < 0 ? err : 0;
	}
	return step_back_enter(sc, tid, u, t, view);
}

/* From a handler's first instruction t0 (a signal stop), gdb's step and
 * next run the rest of that line: a one-line handler's body row after its
 * prologue is no stop (gdb refreshes its range there), the next line is.
 * 1 when the stop t found from t0 is such a row: in the handler's frame,
 * on the line of t0's pc. */
static int entry_line_again(struct hs_tree_step_ctx *sc, uint64_t t0, uint64_t t)
{
	struct hs_src_line_info a, b;
	struct hs_db_regs *r;
	struct hs_db_call c;
	int err;

	if (!sc->s)
		return 0;
	r = malloc(sizeof(*r)); /* not on a FUSE thread's stack */
	err = r ? hs_db_backtrace(sc->img, t0, 0, &c, 1) : -ENOMEM;
	if (err < 1 || !(c.flags & HS_DB_CALL_SIGNAL) || c.t_call != t0 ||
	    hs_db_regs_at(sc->img, t0, 0, r) || hs_src_line_info(sc->s, r->regs.rip, &a) ||
	    !a.line || hs_db_regs_at(sc->img, t, 0, r) ||
	    hs_src_line_info(sc->s, r->regs.rip, &b) || b.line != a.line ||
	    b.file_id != a.file_id || hs_db_backtrace(sc->img, t, 0, NULL, 0) != (int)c.depth + 1)
		err = err < 0 ? err : 0;
	else
		err = 1;
	free(r);
	return err;
}

/* A step that returned out of the frame it stepped into the middle of
 * its caller's line L takes L as its line (infrun.c: set_step_info on
 * "keep stepping"), and a call it then steps over (no lines) that returns
 * to a new row of L is no stop; the line pass, whose state began again in
 * the callee, starts L there (g++ -O0: std::operator+'s call of the move
 * constructor after std::move returned).  db_lines.c's step_into knows
 * this in the frame it steps only.  1 when the stop t found from t0 is
 * such a start: the return of a call made by t's frame after t0, in a
 * frame out of t0's, from a call site on t's line. */
static int returned_line_again(struct hs_tree_step_ctx *sc, uint64_t t0, uint64_t t)
{
	struct hs_src_line_info a, b;
	struct hs_db_regs *r;
	struct hs_db_call c;
	int d, err = 0;

	if (!sc->s || t <= t0 + 1 || !(r = malloc(sizeof(*r)))) /* not on a FUSE thread's stack */
		return sc->s && t > t0 + 1 ? -ENOMEM : 0;
	/* the cheap test first: is t a return? */
	if (hs_db_regs_at(sc->img, t, 0, r) == 0 &&
	    (d = hs_db_backtrace(sc->img, t - 1, r->tid, &c, 1) - 1) >= 0 && c.t_ret == t &&
	    c.t_call > t0 && !(c.flags & (HS_DB_CALL_SIGNAL | HS_DB_CALL_TAILIN)) &&
	    hs_db_backtrace(sc->img, t0, r->tid, NULL, 0) > d &&
	    hs_src_line_info(sc->s, r->regs.rip, &b) == 0 && b.line && b.row_start &&
	    hs_src_line_info(sc->s, c.call_site, &a) == 0 && a.line == b.line &&
	    a.file_id == b.file_id)
		err = 1;
	free(r);
	return err;
}

/* The stop t found from t0 that gdb's step goes on from (entry_line_again,
 * returned_line_again): the step from there. */
static int step_past_line_again(struct hs_tree_step_ctx *sc, const struct hs_db_step_filter *f,
				uint64_t t0, uint64_t *t)
{
	int err = entry_line_again(sc, t0, *t);

	if (err == 0)
		err = returned_line_again(sc, t0, *t);
	if (err <= 0)
		return err;
	err = hs_db_step_line_filtered(sc->img, *t, HS_DB_STEP_INTO, f, t);
	return err ? err : hs_tree_step_signal_stop(sc->img, t0, t);
}

/* The step passes over a start of the line being stepped in its own
 * frame (gdb refreshes its range there), except where inlined copies
 * start: the line pass made that start because gdb's step stops there to
 * enter them ("stepped into inlined function"), on any line. */
struct inl_start {
	struct hs_tree_step_ctx *sc;
	uint32_t depth;
	uint64_t found;         /* 0: none */
	struct hs_db_regs *r;
	uint64_t frame;         /* t_call of the frame stepped (depth > 0) */
};

static int on_inl_start(void *ctx, const struct hs_db_line_start *ls)
{
	struct inl_start *is = ctx;
	struct hs_src_line_info li;
	struct hs_db_call c;

	if (ls->depth != is->depth || hs_db_regs_at(is->sc->img, ls->t, ls->tid, is->r) < 0 ||
	    hs_src_line_info(is->sc->s, is->r->regs.rip, &li) != 0 ||
	    li.inline_frame == li.inline_hidden)
		return 0;
	/* as deep, but another frame: one a tail jump made in place of a
	 * callee that the step ran to its return (free's, from operator
	 * delete) */
	if (is->depth && (hs_db_backtrace(is->sc->img, ls->t, ls->tid, &c, 1) < 1 ||
			  c.t_call != is->frame))
		return 0;
	is->found = ls->t;
	return 1;
}

static void step_inline_start(struct hs_tree_step_ctx *sc, uint64_t t0, uint64_t *t)
{
	struct inl_start is = { sc, 0, 0, malloc(sizeof(struct hs_db_regs)), 0 };
	struct hs_db_regs *r = is.r;
	struct hs_db_call c;
	int depth;

	if (r && hs_db_regs_at(sc->img, t0, 0, r) == 0 &&
	    (depth = hs_db_backtrace(sc->img, t0, r->tid, NULL, 0)) >= 0 && *t > t0 + 1 &&
	    (depth == 0 || hs_db_backtrace(sc->img, t0, r->tid, &c, 1) > 0)) {
		is.depth = (uint32_t)depth;
		is.frame = depth ? c.t_call : 0;
		if (hs_db_line_starts(sc->img, t0 + 1, *t - 1, r->tid, on_inl_start, &is) >= 0 &&
		    is.found)
			*t = is.found;
	}
	free(r);
}

/* At a stop where inlined copies start, gdb's `step` enters the next
 * copy without running ("Step at an inlined function behaves like down",
 * infrun.c prepare_one_step), and so does its `reverse-step` (checked
 * under `record full`): from view k < h of a moment, view k + 1.  1 and
 * *view then, 0 when the step runs. */
static int step_down(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		     uint32_t *view)
{
	unsigned h;

	if (tree_src_views(tree, n, &h) < 0 || n->view >= h)
		return 0;
	*t = n->t;
	*view = n->view + 1;
	return 1;
}

/* next-line and prev-line where code was inlined (tree_src_next.c), from
 * the frame the moment's view shows; -E2BIG: fs/query answers. */
static int step_over_inline(struct hs_tree *tree, const struct hs_tree_node *n,
			    struct hs_tree_step_ctx *sc, enum hs_db_step how, uint64_t *t)
{
	struct hs_db_regs *r;
	bool inl;

	if (tree_src_get(tree, n, &sc->s) != 0 || tree_src_regs_at(tree, n, &r) != 0)
		return -E2BIG;
	inl = n->view || hs_src_inline_in_function(sc->s, r->regs.rip);
	free(r);
	if (!inl)
		return -E2BIG;
	return how == HS_DB_STEP_OVER ? tree_src_next_inline(sc->img, sc->s, n->t, n->view, t) :
	       tree_src_prev_inline(sc->img, sc->s, n->t, n->view, t);
}

/* gdb's next and reverse-next from n. */
static int step_over(struct hs_tree *tree, const struct hs_tree_node *n,
		     struct hs_tree_step_ctx *sc, enum hs_db_step how, uint64_t *t)
{
	int err = step_over_inline(tree, n, sc, how, t);

	/* no copies there: gdb 13's reverse-next run back */
	if (err == -E2BIG && how == HS_DB_STEP_BACK_OVER && sc->s)
		err = tree_src_prev_line(sc->img, sc->s, n->t, t);
	/* or too long a walk: fs/query's answer */
	if (err == -E2BIG) {
		struct hs_db_step_filter fo = { .ret_line = tree_src_next_ret_line,
						.stops = sc->s ? step_goes_on : NULL,
						.ctx = sc };

		err = hs_db_step_line_filtered(sc->img, n->t, how,
					       how == HS_DB_STEP_OVER ? &fo : NULL, t);
	}
	/* gdb's next, as its step, stops as a signal it stops on
	 * arrives and goes into the handler with the next `next`:
	 * one stop, the handler's first instruction, at -O0 and -O2 */
	if (how == HS_DB_STEP_OVER)
		err = hs_tree_step_signal_after(sc->img, n->t, err, t);
	return err;
}

static int step_t(struct hs_tree *tree, const struct hs_tree_node *n, enum hs_db_step how,
		  uint64_t *t, uint32_t *view)
{
	struct hs_tree_step_ctx sc = { .img = tree_image(tree, n) };
	struct hs_db_step_filter f = { .enter = hs_tree_step_enters, .stops = step_goes_on,
					 .ctx = &sc };
	uint64_t from;
	int err;

	if (how == HS_DB_STEP_OVER || how == HS_DB_STEP_BACK_OVER) {
		err = step_over(tree, n, &sc, how, t);
		/* from a handler's entry, the rest of its line (gdb's range) */
		if (err == 0 && how == HS_DB_STEP_OVER &&
		    (err = entry_line_again(&sc, n->t, *t)) > 0) {
			struct hs_tree_node m = *n;

			m.t = *t;
			m.view = 0;
			err = step_over(tree, &m, &sc, how, t);
		}
		return err;
	}
	if ((how != HS_DB_STEP_INTO && how != HS_DB_STEP_BACK_INTO) ||
	    tree_src_get(tree, n, &sc.s) != 0)
		return hs_db_step_line_filtered(sc.img, n->t, how, NULL, t);
	if (step_down(tree, n, t, view))
		return 0;
	/* from the last view: the copies starting at t are entered */
	from = n->t;
	if (how == HS_DB_STEP_INTO) {
		err = tree_src_step_inline(sc.img, sc.s, n->t, &from);
		if (err != 0) {
			*t = from;
			return err < 0 ? err : tree_src_step_view(sc.img, sc.s, n->t, *t, view);
		}
	}
	sc.t0 = from;
	err = hs_db_step_line_filtered(sc.img, from, how, &f, t);
	if (how == HS_DB_STEP_INTO)
		err = step_dl_callee(&sc, from, err, t);
	if (err == 0 && how == HS_DB_STEP_INTO)
		step_inline_start(&sc, from, t);
	if (how == HS_DB_STEP_INTO)
		err = tree_src_step_longjmp(&sc, from, err, t);
	if (how == HS_DB_STEP_INTO)
		err = hs_tree_step_signal_after(sc.img, from, err, t);
	if (err == 0 && how == HS_DB_STEP_INTO)
		err = step_past_line_again(&sc, &f, from, t);
	if (err == 0 && how == HS_DB_STEP_INTO)
		err = tree_src_step_view(sc.img, sc.s, n->t, *t, view);
	if (err == 0 && how == HS_DB_STEP_BACK_INTO)
		err = hs_tree_step_back_row(&sc, from, t);
	if (err == 0 && how == HS_DB_STEP_BACK_INTO)
		err = step_back_return_row(&sc, from, t);
	if (err == 0 && how == HS_DB_STEP_BACK_INTO) {
		uint64_t u = *t;
		uint32_t tid;

		err = tree_src_step_back_inline(sc.img, sc.s, n->t, n->view, &u, view);
		if (err == 2)
			err = hs_db_thread_at(sc.img, n->t, &tid) ? 0 :
			      step_back_enter(&sc, tid, u, t, view);
		else if (err >= 0)
			*t = u;
	}
	if (err == 1) { /* back at the entry with no stop: on to the call */
		from = *t;
		sc.t0 = from;
		err = hs_db_step_line_filtered(sc.img, from, how, &f, t);
		if (err == 0)
			err = hs_tree_step_back_row(&sc, from, t);
	}
	if (err == 0 && how == HS_DB_STEP_BACK_INTO)
		err = step_back_caller(&sc, from, t, view);
	return err;
}

int tree_next_line_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		     uint32_t *view)
{
	return step_t(tree, n, HS_DB_STEP_OVER, t, view);
}

int tree_prev_line_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		     uint32_t *view)
{
	return step_t(tree, n, HS_DB_STEP_BACK_OVER, t, view);
}

int tree_step_into_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		     uint32_t *view)
{
	return step_t(tree, n, HS_DB_STEP_INTO, t, view);
}

int tree_step_back_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		     uint32_t *view)
{
	return step_t(tree, n, HS_DB_STEP_BACK_INTO, t, view);
}

/* The *_exists of a link whose target hook is fn. */
static int link_exists(struct hs_tree *tree, const struct hs_tree_node *n,
		       int (*fn)(struct hs_tree *, const struct hs_tree_node *, uint64_t *,
				 uint32_t *))
{
	uint64_t t;
	uint32_t view = 0;

	return tree_src_link_exists(fn(tree, n, &t, &view));
}

int tree_step_into_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return link_exists(tree, n, tree_step_into_t);
}

int tree_step_back_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return link_exists(tree, n, tree_step_back_t);
}

int tree_next_line_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return link_exists(tree, n, tree_next_line_t);
}

int tree_prev_line_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return link_exists(tree, n, tree_prev_line_t);
}

/* The innermost call open at t. */
static int open_call(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_db_call *c)
{
	int open;

	open = hs_db_backtrace(tree_image(tree, n), n->t, 0, c, 1);
	if (open < 0)
		return open;
	return open == 0 ? -ENOENT : 0;
}

/* gdb's finish out of an inline frame (the pc in an inlined copy) runs
 * to the first instruction of the thread outside the copy, at the same
 * depth or above (the calls made from inside it run to their return),
 * and goes on from there as a `next` in the caller (tree_src_finish_inline).
 * The exit is found by a scan, one instruction at a time: bounded, past
 * it there is no answer. */
#define INL_FINISH_MAX 4096
#define INL_FINISH_CALLS 64

int tree_src_inline_exit(const struct hs_db_image *img, struct hs_src *s, uint64_t frame,
			 uint64_t t0, uint32_t tid, int depth0, uint64_t *t)
{
	struct hs_db_call *fr = malloc(INL_FINISH_CALLS * sizeof(*fr));
	struct hs_db_insn in;
	uint64_t u = t0;
	uint32_t tu;
	int open, err = -ENOENT;

	for (int k = 0; fr && k < INL_FINISH_MAX; k++) {
		u++;
		if (hs_db_thread_at(img, u, &tu) < 0 || hs_db_insn_at(img, u, &in) < 0)
			break;
		if (tu != tid || hs_src_inline_holds(s, frame, in.addr))
			continue;
		open = hs_db_backtrace(img, u, tid, fr, INL_FINISH_CALLS);
		if (open < 0 || open - depth0 > INL_FINISH_CALLS)
			break;
		if (open > depth0) {
			/* in a call made from the copy: past its return */
			if (fr[open - depth0 - 1].t_ret == HS_DB_NO_RETURN)
				break;
			u = fr[open - depth0 - 1].t_ret - 1;
			continue;
		}
		*t = u;
		err = 0;
		break;
	}
	free(fr);
	return fr ? err : -ENOMEM;
}

/* 1 and *t when the pc at n is in an inlined copy, 0 when not. */
static int inline_finish(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	const struct hs_db_image *img = tree_image(tree, n);
	struct hs_src_line_info li;
	struct hs_db_regs *r;
	struct hs_src *s;
	uint64_t frame;
	int err = tree_src_get(tree, n, &s), depth;

	if (err < 0)
		return 0;       /* no debug info: no inlined copies */
	err = tree_src_regs_at(tree, n, &r);
	if (err < 0)
		return err;
	/* the frame shown: at a copy's first instruction its caller, or the
	 * copy a view of the moment shows */
	if (hs_src_line_info(s, r->regs.rip, &li) != 0 ||
	    !(frame = tree_src_shown_frame(s, r->regs.rip, n->view))) {
		free(r);
		return 0;
	}
	depth = hs_db_backtrace(img, n->t, r->tid, NULL, 0);
	err = depth < 0 ? depth : tree_src_inline_exit(img, s, frame, n->t, r->tid, depth, t);
	if (err == 0)
		err = tree_src_finish_inline(img, s, depth, t);
	free(r);
	return err < 0 ? err : 1;
}

/* gdb's finish: the return of the innermost frame; one left by a tail
 * call returns when the call that replaced it (the innermost one open
 * right after the jump, at the same depth) does, or the one that replaced
 * that...  In an inlined copy: where the copy is left (inline_finish). */
int tree_finish_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		  uint32_t *view)
{
	struct hs_db_call c;
	int err = inline_finish(tree, n, t);

	if (err != 0)
		return err < 0 ? err : 0;
	err = open_call(tree, n, &c);

	while (err == 0 && (c.flags & HS_DB_CALL_TAIL) && c.t_ret != HS_DB_NO_RETURN) {
		int open = hs_db_backtrace(tree_image(tree, n), c.t_ret, c.tid, &c, 1);

		err = open < 0 ? open : open == 0 ? -ENOENT : 0;
	}
	if (err < 0)
		return err;
	if (c.t_ret == HS_DB_NO_RETURN)
		return -ENOENT;
	*t = c.t_ret;
	return 0;
}

/* A view shows copies at the same pc, whose call sites no call made:
 * the caller is the real frame's, as from anywhere inside a copy. */
int tree_caller_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		  uint32_t *view)
{
	struct hs_db_call c;
	int err = open_call(tree, n, &c);

	if (err < 0)
		return err;
	/* a handler's t_call is its delivery, its own first instruction:
	 * the call itself is the interrupted code's last one, before it */
	*t = (c.flags & (HS_DB_CALL_SIGNAL | HS_DB_CALL_TAILIN)) == HS_DB_CALL_SIGNAL && c.t_call ?
		c.t_call - 1 : c.t_call;
	return 0;
}

int tree_finish_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return link_exists(tree, n, tree_finish_t);
}

int tree_caller_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return link_exists(tree, n, tree_caller_t);
}

/* ---- time/main -------------------------------------------------------------------- */

struct main_find {
	const struct hs_db_image *img;
	uint64_t t_call;           /* the earliest call of any entry named main */
	uint64_t entry;            /* ... and that entry */
	bool found;
};

static int on_main_call(void *ctx, const struct hs_db_call *c)
{
	struct main_find *m = ctx;

	if (!m->found || c->t_call < m->t_call) {
		m->t_call = c->t_call;
		m->entry = c->callee;
		m->found = true;
	}
	return 1; /* calls come by t_call: the first is the earliest */
}

static int on_main_entry(void *ctx, uint64_t addr)
{
	struct main_find *m = ctx;
	int err = hs_db_calls_to(m->img, addr, on_main_call, m);

	return err < 0 ? err : 0;
}

/* The thread's first call in [t0, t1] (hs_db_calls' order: by t_call). */
struct thread_call {
	uint32_t tid;
	bool found;
	struct hs_db_call c;
};

static int on_thread_call(void *ctx, const struct hs_db_call *c)
{
	struct thread_call *w = ctx;

	if (c->tid != w->tid)
		return 0;
	w->c = *c;
	w->found = true;
	return 1;
}

static bool thread_call(const struct hs_db_image *img, uint32_t tid, uint64_t t0, uint64_t t1,
			struct hs_db_call *out)
{
	struct thread_call w = { .tid = tid };

	if (hs_db_calls(img, t0, t1, on_thread_call, &w) < 0 || !w.found)
		return false;
	*out = w.c;
	return true;
}

/* Where the line table marks the prologue's end (clang), gdb's `break`
 * stops: the first time the function's own code reaches that address, a
 * few instructions in.  clang -O2 may schedule calls before the marked
 * row (main jumps into its loop, over the row, and calls first): the
 * breakpoint is hit once they have returned.  Only within this call: a
 * call that never reaches the row has no stop there. */
#define PROLOGUE_END_MAX 64
#define PROLOGUE_END_CALLS 8
static bool prologue_end(const struct hs_db_image *img, struct hs_src *s, uint64_t entry,
			 uint64_t t_call, uint64_t *t)
{
	struct hs_db_insn in;
	struct hs_db_call own, c;
	uint64_t bp, from = t_call + 1, end;
	uint32_t tid;

	if (hs_src_break_addr(s, entry, &bp) != 0 || hs_db_thread_at(img, t_call, &tid) != 0 ||
	    !thread_call(img, tid, t_call, t_call, &own))
		return false;
	end = own.t_ret; /* HS_DB_NO_RETURN: to the scan's limits */
	for (int round = 0; round < PROLOGUE_END_CALLS; round++) {
		for (uint64_t k = from; k <= from + PROLOGUE_END_MAX && k < end; k++) {
			if (hs_db_insn_at(img, k, &in) != 0)
				return false;
			if (in.addr == bp) {
				*t = k;
				return true;
			}
		}
		/* the first call of the thread in that stretch is the function's own */
		if (!thread_call(img, tid, from, from + PROLOGUE_END_MAX, &c) ||
		    c.t_ret == HS_DB_NO_RETURN || c.t_ret >= end)
			break;
		from = c.t_ret;
	}
	return false;
}

/* A PLT stub reaches its function in a few instructions; so does the lazy
 * resolver once its _dl_fixup call has returned. */
#define ENTRY_HOPS_MAX 64

uint64_t tree_src_entry_t(const struct hs_db_image *img, uint64_t entry, uint64_t t_call)
{
	uint64_t from = t_call + 1;
	struct hs_db_insn in;
	struct hs_db_call c;
	uint32_t tid;

	/* a bound stub jumps there at once; a lazy binding's resolver calls
	 * _dl_fixup first, then jumps there a few instructions after */
	for (int round = 0; round < 2; round++) {
		for (uint64_t k = from; k <= from + ENTRY_HOPS_MAX; k++) {
			if (hs_db_insn_at(img, k, &in) != 0)
				return t_call + 1;
			if (in.addr == entry)
				return k;
		}
		if (hs_db_thread_at(img, t_call, &tid) != 0 ||
		    !thread_call(img, tid, from, from + ENTRY_HOPS_MAX, &c) ||
		    c.t_ret == HS_DB_NO_RETURN)
			break;
		from = c.t_ret;
	}
	return t_call + 1;
}

/* Where gdb's `break` on the function at entry stops in its call at
 * t_call: its entry in a CU gdb trusts there (GCC's, with location
 * lists: symtab.c skip_prologue_sal skips no prologue), else where the
 * line table marks the prologue's end, else the function's first line
 * start (after its prologue), or its entry without line info there.  The
 * start must be the function's own: a line of a function it calls first
 * would be deeper. */
void tree_src_break_t(const struct hs_db_image *img, struct hs_src *s, uint64_t entry,
		      uint64_t t_call, uint64_t *t)
{
	struct hs_db_regs r;
	struct hs_src_loc loc;
	uint64_t t1;

	*t = tree_src_entry_t(img, entry, t_call);
	if (hs_src_locations_valid(s, entry) || prologue_end(img, s, entry, t_call, t))
		return;
	if (hs_db_step_line(img, t_call, HS_DB_STEP_INTO, &t1) == 0 &&
	    hs_db_regs_at(img, t1, 0, &r) == 0 &&
	    hs_src_lookup(s, r.regs.rip, &loc) == 0 && loc.function &&
	    loc.func_start == entry)
		*t = t1;
}

/* Where gdb's `break main` stops (tree_src_break_t). */
static int main_t(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src *s,
		  uint64_t *t)
{
	struct main_find m = { .img = tree_image(tree, n) };
	int err = hs_src_function_entries(s, "main", on_main_entry, &m);

	if (err < 0)
		return err;
	if (!m.found)
		return -ENOENT;
	tree_src_break_t(m.img, s, m.entry, m.t_call, t);
	return 0;
}

int tree_main_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		uint32_t *view)
{
	struct tree_src_image *si = tree_src_image_of(tree, n);
	struct hs_src *s;
	int err;

	if (!si)
		return -ENOENT;
	err = tree_src_get(tree, n, &s);
	pthread_mutex_lock(&si->lock);
	if (!si->main_done) {
		si->main_err = err < 0 ? err : main_t(tree, n, s, &si->main_t);
		si->main_done = true;
	}
	err = si->main_err;
	*t = si->main_t;
	pthread_mutex_unlock(&si->lock);
	return err;
}

int tree_main_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return link_exists(tree, n, tree_main_t);
}
