/* dbb_calls.c - CALLS of one shard: call stacks, records in t_call order, and
 * the merge's exact re-run of a shard whose guess was wrong.
 *
 * Design notes.
 *
 * Frames end by the stack pointer (db_format.h, CALLS): every frame keeps
 * the slot of its return address (rsp after the call; a signal handler's:
 * rsp at its first instruction).  After a return or an indirect jump with
 * rsp R, every open frame whose slot is below R has been left: a return
 * pops its own frame, a longjmp, siglongjmp or an exception's landing pad
 * (eh_return ends in a return, longjmp in jmp *reg) pops every frame it
 * skips.  The frames of a thread's stack have decreasing slots from the
 * outermost in, so the frames left are always the innermost ones, and the
 * decision for each needs only its own slot: it does not depend on what
 * earlier shards left open.  So when a shard's own frames of a thread are
 * all left and R may reach further, it writes an "orphan" (corph.sp) with
 * R; the merge pops the calls earlier shards left open (G) by the same
 * rule (dbb_merge.c).  The one exception: a signal handler returning into
 * its restorer (a return to R = slot + 8 of the innermost frame, a signal
 * frame) leaves the frame open until the thread's rt_sigreturn, where the
 * innermost signal frame closes with everything above it.
 *
 * When rsp is not known (a decoder with no state for the thread), the old
 * rule holds: a return closes the innermost open call whose return address
 * it lands on and every call above it.  A return that matches no call of
 * the shard is then an orphan that the merge matches against G.  With
 * some calls of the shard open, the shard's own state depends on the
 * outcome, which it cannot know, so it guesses from the stack pointer (a
 * return that pops past the slot of the thread's outermost open call of
 * the shard leaves every one of them: flag ORPH_CLOSED).  The merge checks
 * every guess against G (dbb_merge.c, pass 1); when one is wrong it re-runs
 * this tracker over the shard's chunks with G given (dbb_calls_redo).  So
 * the database never depends on the shard count.
 *
 * Records come out in t_call order although their t_ret is known only
 * later: records wait in a queue until every older call has returned.  A
 * call that stays open long (main) would hold the queue forever, so past
 * QUEUE_MAX waiting records the oldest are written anyway with t_ret
 * unknown and patched by the merge (cpatch.sp).
 *
 * Tail calls.  `return f(x);` compiles to a jmp to f with rsp as at the
 * caller's entry (pointing at its return address), so f runs in the
 * caller's place and returns where the caller would have (and `if (c)
 * return f(x);` to a jcc, in hand-written assembly such as glibc's and
 * with newer compilers: the decoder reports it when taken and kept, with
 * dst the target; not taken, dst is the next instruction).  A jump (jmp
 * rel, jcc, jmp r/m64) whose rsp is the innermost frame's slot and whose target
 * is a function's entry, from another function that is no PLT stub (by
 * the start-up modules' symbols, dbb_lsrc_tail_target), ends that frame
 * (HS_DB_CALL_TAIL) and opens one for the target at the same depth, with
 * the same slot and return address.  The symbols are needed: a function
 * that keeps no frame of its own (most leaf functions at -O2) runs its
 * loops and switch tables with rsp at its slot too (measured: building a
 * recording of `gzip -c` of 3 MB sees 531,202 jumps with rsp at the
 * innermost slot to another address than the frame's entry, of which 57
 * are tail calls by the symbols; tests/programs/tail_calls_o2.c 199 and
 * 37, every one of which gdb's breakpoints count).  With no call of the
 * shard open, the frame it replaces is one of G (earlier shards): the
 * shard takes the jump for a tail call out of it (the first shard, whose
 * G is empty, does not) and says so in an orphan (ORPH_TAILCAND, with
 * ORPH_TAILED if it took it); the merge checks that guess like the others
 * and re-runs the shard with G's slots when it is wrong.  A tail call out
 * of a signal handler's frame (`return write(...)` at -O2) is one too:
 * the callee runs on the signal frame in the handler's place and returns
 * into the restorer, so its frame carries HS_DB_CALL_SIGNAL with
 * HS_DB_CALL_TAILIN and ends at rt_sigreturn as the handler's would have.
 * A shard cannot know that a frame of G is a handler's: a guessed tail
 * call out of one counts as a wrong guess (the merge), and the re-run
 * knows G's flags.
 *
 * Stack switches (ucontext).  glibc's swapcontext and setcontext load
 * another stack's rsp, push the saved rip and return; the rule above
 * would end every frame of a higher stack and never see the other's
 * again.  So a thread keeps its frames per context (stack): the running
 * one's in f, the suspended ones in susp.  Before the rule, a return or
 * indirect jump that is not the running stack's own innermost return
 * (slot popped) is checked against the suspended contexts: landing on
 * the return address of one's innermost frame with its slot popped
 * resumes it (that frame, its swapcontext, returns; the running context
 * is suspended, nothing is left or unwound).  A return landing on a
 * function's entry (tail_target's symbols; no return of the running
 * stack does) enters a makecontext'd function: a call on a new context
 * (HS_DB_CALL_SWITCH, return address unknown, slot rsp).  A context
 * whose entry frame returned is finished: when it switches away
 * (__start_context's setcontext to uc_link) its frames end, unwound.
 * Records carry their context (CALLS pad) and depth within it; each
 * switch is an orphan ORPH_CTXSW for the merge's ctxsw.hdb.  measured:
 * tests/programs/calls_ucontext.c (-O0, -O2, static) and its gdb.
 * Shards: a shard cannot know the contexts earlier shards left, so the
 * merge re-runs the first shard with a switch exactly over every later
 * chunk (dbb_merge.c); G's calls are then all of context 0 (before any
 * switch), and no orphan about G is written from another context.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>


#include "dbb_i.h"
#include "hindsight/source.h"

#define QUEUE_MAX (1u << 18)

struct frame {
	uint64_t index, ret_addr, t_call, sp, site;
	uint32_t depth;
	uint32_t flags;          /* HS_DB_CALL_SIGNAL, HS_DB_CALL_TAILIN */
};

/* A context suspended by a stack switch: its frames, outermost first. */
struct cstack {
	struct frame *f;
	size_t n, cap;
	uint32_t id;
	bool ended;              /* its entry frame returned */
};

struct cthread {
	struct frame *f;         /* the running context's frames */
	size_t n, cap;
	uint32_t ctx;            /* the running context: 0 the thread's first */
	uint32_t last_ctx;       /* the last context id given */
	bool ctx_ended;          /* the running context's entry frame returned */
	struct cstack *susp;     /* the contexts suspended by a switch */
	size_t n_susp, cap_susp;
	uint64_t *ext;           /* exact mode: return addresses of G */
	uint64_t *ext_sp;        /* ... their slots, or NULL */
	uint32_t *ext_flags;     /* ... their flags (with ext_sp) */
	uint64_t *ext_site;      /* ... their call sites (with ext_sp) */
	size_t n_ext;
	bool sig_pending;        /* a signal is being delivered: the next
				  * HS_REGS_SIGNAL dump enters its handler */
	uint64_t sig_site;
	uint64_t orph_max;       /* the largest sp of an orphan written */
};

struct qent {
	uint8_t rec[HS_DB_CALL_REC];
	bool done;
};

struct forced {
	uint64_t index, t_ret;
	uint32_t flags;          /* HS_DB_CALL_UNWOUND */
};

/* A jump's tail-call test by the symbols, cached: (from, to) -> yes. */
struct tentry {
	uint64_t from, to;
	bool yes;
};
#define TCACHE_BITS 12

struct dbb_calls {
	char *dir;
	bool sync;
	bool exact;
	bool g_empty;            /* no calls of earlier shards (the first) */
	struct dbb_lsrc *src;    /* borrowed; NULL: no tail calls */
	struct tentry *tc;       /* [1 << TCACHE_BITS] */
	int guess;               /* enum hs_dbb_guess */
	struct dbb_spill_w *calls, *corph;
	struct cthread *th;      /* [tid] */
	size_t n_th;
	struct qent *q;          /* ring of QUEUE_MAX + 1 */
	uint64_t q_base;         /* index of q[q_head] */
	size_t q_head, q_len;
	uint64_t next_index;
	struct forced *forced;   /* written while open, by index */
	size_t n_forced, cap_forced;
	uint64_t n_calls, n_orphans;
};


static struct cthread *thread_of(struct dbb_calls *c, uint32_t tid)
{
	if (tid >= c->n_th &&
	    dbb_grow_zero((void **)&c->th, &c->n_th, (size_t)tid + 1, sizeof(*c->th)))
		return NULL;
	return &c->th[tid];
}

int dbb_calls_new(const char *dir, bool sync, const struct dbb_calls_ext *ext,
		  int guess, struct dbb_calls **out)
{
	struct dbb_calls *c = calloc(1, sizeof(*c));
	int ret = -ENOMEM;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->sync = sync;
	c->guess = guess;
	c->dir = strdup(dir);
	c->q = malloc((QUEUE_MAX + 1) * sizeof(*c->q));
	if (!c->dir || !c->q)
		goto fail;
	if (ext) {
		c->exact = true;
		for (size_t tid = 0; tid < ext->n_tids; tid++) {
			struct cthread *th;

			if (!ext->n[tid])
				continue;
			th = thread_of(c, (uint32_t)tid);
			if (!th)
				goto fail;
			th->ext = malloc(ext->n[tid] * sizeof(*th->ext));
			if (!th->ext)
				goto fail;
			memcpy(th->ext, ext->ret_addr[tid], ext->n[tid] * sizeof(*th->ext));
			th->n_ext = ext->n[tid];
			if (!ext->sp)
				continue;
			th->ext_sp = malloc(ext->n[tid] * sizeof(*th->ext_sp));
			th->ext_flags = malloc(ext->n[tid] * sizeof(*th->ext_flags));
			th->ext_site = malloc(ext->n[tid] * sizeof(*th->ext_site));
			if (!th->ext_sp || !th->ext_flags || !th->ext_site)
				goto fail;
			memcpy(th->ext_site, ext->site[tid], ext->n[tid] * sizeof(*th->ext_site));
			memcpy(th->ext_sp, ext->sp[tid], ext->n[tid] * sizeof(*th->ext_sp));
			memcpy(th->ext_flags, ext->flags[tid], ext->n[tid] * sizeof(*th->ext_flags));
		}
	}
	if ((ret = dbb_spill_create_in(c->dir, "calls.sp", &c->calls)) ||
	    (ret = dbb_spill_create_in(c->dir, "corph.sp", &c->corph)))
		goto fail;
	*out = c;
	return 0;
fail:
	dbb_calls_free(c);
	return ret;
}

void dbb_calls_free(struct dbb_calls *c)
{
	if (!c)
		return;
	dbb_spill_abort(c->calls);
	dbb_spill_abort(c->corph);
	for (size_t i = 0; i < c->n_th; i++) {
		free(c->th[i].f);
		for (size_t k = 0; k < c->th[i].n_susp; k++)
			free(c->th[i].susp[k].f);
		free(c->th[i].susp);
		free(c->th[i].ext);
		free(c->th[i].ext_sp);
		free(c->th[i].ext_flags);
		free(c->th[i].ext_site);
	}
	free(c->th);
	free(c->q);
	free(c->tc);
	free(c->forced);
	free(c->dir);
	free(c);
}

int dbb_calls_set_src(struct dbb_calls *c, struct dbb_lsrc *ls, bool g_empty)
{
	c->g_empty = g_empty;
	if (!ls)
		return 0;
	if (!c->tc && !(c->tc = calloc((size_t)1 << TCACHE_BITS, sizeof(*c->tc))))
		return -ENOMEM;
	c->src = ls;
	return 0;
}

uint64_t dbb_calls_count(const struct dbb_calls *c)
{
	return c->n_calls;
}

/* ---- the queue ------------------------------------------------------------ */

/* Writes the oldest queued record. */
static int queue_pop(struct dbb_calls *c)
{
	struct qent *e = &c->q[c->q_head];
	int ret;

	if (!e->done) {
		if (hs_grow((void **)&c->forced, &c->cap_forced, c->n_forced + 1,
			 sizeof(*c->forced)))
			return -ENOMEM;
		c->forced[c->n_forced++] = (struct forced){ c->q_base, HS_DB_NO_RETURN, 0 };
	}
	ret = dbb_spill_write(c->calls, e->rec, HS_DB_CALL_REC);
	c->q_head = (c->q_head + 1) % (QUEUE_MAX + 1);
	c->q_len--;
	c->q_base++;
	return ret;
}

static int queue_drain(struct dbb_calls *c)
{
	int ret = 0;

	while (c->q_len && c->q[c->q_head].done && !ret)
		ret = queue_pop(c);
	return ret;
}

/* Call `index` ended at t_ret (HS_DB_NO_RETURN: its thread exited); flags
 * HS_DB_CALL_UNWOUND when it was left without its return. */
static void call_close(struct dbb_calls *c, uint64_t index, uint64_t t_ret, uint32_t flags)
{
	size_t lo = 0, hi = c->n_forced;

	if (index >= c->q_base) {
		struct qent *e = &c->q[(c->q_head + (index - c->q_base)) % (QUEUE_MAX + 1)];

		hs_put_le64(e->rec + 8, t_ret);
		hs_put_le32(e->rec + 40, hs_le32(e->rec + 40) | flags);
		e->done = true;
		return;
	}
	/* written already: patch it (forced[] is sorted by index) */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c->forced[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->n_forced && c->forced[lo].index == index) {
		c->forced[lo].t_ret = t_ret;
		c->forced[lo].flags = flags;
	}
}

/* Closes the innermost frame of th at t_ret. */
static void frame_pop(struct dbb_calls *c, struct cthread *th, uint64_t t_ret, uint32_t flags)
{
	if (th->f[th->n - 1].flags & HS_DB_CALL_SWITCH)
		th->ctx_ended = true; /* the context's function is done */
	call_close(c, th->f[--th->n].index, t_ret, flags);
}

/* ---- calls, returns, exits --------------------------------------------------- */

static int frame_push(struct dbb_calls *c, struct cthread *th, uint64_t t, uint32_t tid,
		      uint64_t site, uint64_t ret_addr, uint64_t callee, uint64_t sp,
		      uint32_t flags)
{
	struct qent *e;
	int ret;

	if (hs_grow((void **)&th->f, &th->cap, th->n + 1, sizeof(*th->f)))
		return -ENOMEM;
	if (c->q_len == QUEUE_MAX && (ret = queue_pop(c)))
		return ret;
	e = &c->q[(c->q_head + c->q_len) % (QUEUE_MAX + 1)];
	hs_put_le64(e->rec, t);
	hs_put_le64(e->rec + 8, HS_DB_NO_RETURN);
	hs_put_le64(e->rec + 16, callee);
	hs_put_le64(e->rec + 24, site);
	hs_put_le32(e->rec + 32, tid);
	hs_put_le32(e->rec + 36, (uint32_t)th->n);
	hs_put_le32(e->rec + 40, flags);
	hs_put_le32(e->rec + 44, th->ctx);
	e->done = false;
	c->q_len++;
	th->f[th->n] = (struct frame){ c->next_index++, ret_addr, t, sp, site, (uint32_t)th->n,
				       flags };
	th->n++;
	c->n_calls++;
	return 0;
}

int dbb_calls_call(struct dbb_calls *c, uint64_t t, uint32_t tid, uint64_t site,
		   uint32_t len, uint64_t callee, uint64_t sp)
{
	struct cthread *th = thread_of(c, tid);

	if (!th)
		return -ENOMEM;
	th->sig_pending = false;
	return frame_push(c, th, t, tid, site, site + len, callee, sp, 0);
}

static int write_orphan(struct dbb_calls *c, uint64_t t, uint64_t target, uint32_t tid,
			uint32_t kind, uint32_t nested, uint32_t flags, uint64_t sp,
			uint64_t index)
{
	uint8_t r[DBB_CORPH_REC];

	hs_put_le64(r, t);
	hs_put_le64(r + 8, target);
	hs_put_le32(r + 16, tid);
	hs_put_le32(r + 20, kind);
	hs_put_le32(r + 24, nested);
	hs_put_le32(r + 28, flags);
	hs_put_le64(r + 32, sp);
	hs_put_le64(r + 40, index);
	c->n_orphans++;
	return dbb_spill_write(c->corph, r, sizeof(r));
}

/* Exact mode: G as the merge will have it after an orphan of the kind
 * with sp and nested 0 (dbb_merge.c, gstack_keep). */
static void ext_keep(struct cthread *th, uint32_t kind, uint64_t sp)
{
	size_t j = th->n_ext;

	if (!th->ext_sp)
		return;
	if (kind == ORPH_SIGRET) {
		while (j > 0 && !(th->ext_flags[j - 1] & HS_DB_CALL_SIGNAL))
			j--;
		th->n_ext = j ? j - 1 : 0;
		return;
	}
	while (j > 0 && dbb_calls_left(th->ext_sp[j - 1], th->ext_flags[j - 1],
				       kind == ORPH_SP_RET, sp))
		j--;
	th->n_ext = j;
}

/* Is a jump from `from` to `to` a tail call's by the symbols? */
static bool tail_target(struct dbb_calls *c, uint64_t from, uint64_t to)
{
	struct tentry *e;

	if (!c->src)
		return false;
	e = &c->tc[((from ^ to) * 0x9e3779b97f4a7c15ull) >> (64 - TCACHE_BITS)];
	if (e->from != from || e->to != to) {
		e->from = from;
		e->to = to;
		e->yes = dbb_lsrc_tail_target(c->src, from, to);
	}
	return e->yes;
}

/* Can a jump from site to dst with rsp sp after it, which left no frame,
 * be a tail call: rsp is the innermost frame's slot (or no frame of the
 * shard is open: G's may be) and the symbols say so? */
static bool tail_candidate(struct dbb_calls *c, const struct cthread *th, uint64_t site,
			   uint64_t dst, uint64_t sp)
{
	if (th->n && th->f[th->n - 1].sp != sp)
		return false;
	if (!th->n && th->ctx)
		return false; /* G's calls are all on the thread's first stack */
	return tail_target(c, site, dst);
}

/* The tail call at t to dst that tail_candidate allowed (see the top of
 * the file): the new call has the call site and return address of the
 * one it replaces (the jump itself is rip at its t_call). */
static int tail_jump(struct dbb_calls *c, struct cthread *th, uint64_t t, uint32_t tid,
		     uint64_t dst, uint64_t sp)
{
	uint64_t ret_addr = 0, call_site = 0;
	bool take;
	int ret;

	uint32_t sig = 0;

	if (th->n) {
		ret_addr = th->f[th->n - 1].ret_addr;
		call_site = th->f[th->n - 1].site;
		/* out of a handler: the callee runs on the signal frame in its
		 * place, returns into the restorer, ends at rt_sigreturn */
		sig = th->f[th->n - 1].flags & HS_DB_CALL_SIGNAL;
		frame_pop(c, th, t + 1, HS_DB_CALL_TAIL);
		return frame_push(c, th, t, tid, call_site, ret_addr, dst, sp,
				  HS_DB_CALL_TAILIN | sig) ?: queue_drain(c);
	}
	/* out of a call of G: guessed (not by tests that make every shard
	 * guess wrong), or known in exact mode */
	take = !c->g_empty && c->guess != HS_DBB_GUESS_NEVER;
	if (c->exact) {
		ext_keep(th, ORPH_SP_JMP, sp);
		take = th->ext_sp && th->n_ext && th->ext_sp[th->n_ext - 1] == sp;
		if (take) {
			sig = th->ext_flags[th->n_ext - 1] & HS_DB_CALL_SIGNAL;
			call_site = th->ext_site[th->n_ext - 1];
			ret_addr = th->ext[--th->n_ext];
		}
	}
	if (sp > th->orph_max)
		th->orph_max = sp;
	ret = write_orphan(c, t + 1, dst, tid, ORPH_SP_JMP, 0,
			   ORPH_TAILCAND | (take ? ORPH_TAILED : 0) | (sig ? ORPH_TAILSIG : 0), sp,
			   take ? c->next_index : 0);
	if (ret || !take)
		return ret;
	return frame_push(c, th, t, tid, call_site, ret_addr, dst, sp, HS_DB_CALL_TAILIN | sig);
}

/* ---- stack switches (ucontext) ------------------------------------------ */

/* The running context leaves its stack (see the top of the file): it is
 * suspended with its frames, or, when its entry function has returned
 * (__start_context's setcontext to uc_link), dropped: its frames can
 * never return and end now, unwound. */
static int ctx_suspend(struct dbb_calls *c, struct cthread *th, uint64_t t)
{
	struct cstack *cs;

	if (th->ctx && th->ctx_ended) {
		while (th->n)
			frame_pop(c, th, t, HS_DB_CALL_UNWOUND);
		return 0;
	}
	if (hs_grow((void **)&th->susp, &th->cap_susp, th->n_susp + 1, sizeof(*th->susp)))
		return -ENOMEM;
	cs = &th->susp[th->n_susp++];
	*cs = (struct cstack){ th->f, th->n, th->cap, th->ctx, th->ctx_ended };
	th->f = NULL;
	th->n = th->cap = 0;
	return 0;
}

/* The switch to context ctx at t (t after the instruction), for the
 * merge's switch index (ctxsw.hdb) and its shard check (dbb_merge.c). */
static int ctx_note(struct dbb_calls *c, uint64_t t, uint32_t tid, uint64_t target,
		    uint64_t sp, uint32_t ctx)
{
	return write_orphan(c, t, target, tid, ORPH_CTXSW, 0, ctx, sp, 0);
}

/* The suspended context whose innermost frame a return (or jump) with
 * rsp sp resumes: that frame's slot popped, on its return address
 * (swapcontext's `ret` on the saved stack) or elsewhere (setcontext to a
 * context getcontext saved from the same frame: that frame is left
 * there, as by longjmp); -1: none. */
static ptrdiff_t ctx_resumed(const struct cthread *th, uint64_t target, uint64_t sp)
{
	ptrdiff_t left = -1;

	for (size_t k = th->n_susp; k > 0; k--) {
		const struct cstack *cs = &th->susp[k - 1];

		if (!cs->n || cs->f[cs->n - 1].sp + 8 != sp)
			continue;
		if (cs->f[cs->n - 1].ret_addr == target)
			return (ptrdiff_t)(k - 1);
		if (left < 0)
			left = (ptrdiff_t)(k - 1);
	}
	return left;
}

static int ctx_resume(struct dbb_calls *c, struct cthread *th, uint64_t t_ret, uint32_t tid,
		      size_t k, uint64_t target, uint64_t sp)
{
	struct cstack cs = th->susp[k];
	int ret;

	th->susp[k] = th->susp[--th->n_susp];
	if ((ret = ctx_suspend(c, th, t_ret))) {
		th->susp[th->n_susp++] = cs; /* freed with the thread */
		return ret;
	}
	free(th->f);
	th->f = cs.f;
	th->n = cs.n;
	th->cap = cs.cap;
	th->ctx = cs.id;
	th->ctx_ended = cs.ended;
	/* its swapcontext returns */
	frame_pop(c, th, t_ret, th->f[th->n - 1].ret_addr == target ? 0 : HS_DB_CALL_UNWOUND);
	return ctx_note(c, t_ret, tid, target, sp, th->ctx) ?: queue_drain(c);
}

/* Is a return from site to target with rsp sp the first entry of a
 * makecontext'd function: it lands on a function's entry (by the
 * symbols, as a tail call's target), which no return of the running
 * stack does. */
static bool ctx_entered(struct dbb_calls *c, const struct cthread *th, uint64_t site,
			uint64_t target, uint64_t sp)
{
	struct hs_src_loc loc;

	if (!c->src || !site)
		return false;
	if (th->n && (th->f[th->n - 1].ret_addr == target || th->f[th->n - 1].sp + 8 == sp))
		return false;
	/* the return of a call of G (exact mode knows its slot) */
	if (!th->n && th->ext_sp && th->n_ext && th->ext_sp[th->n_ext - 1] + 8 == sp)
		return false;
	if (!tail_target(c, site, target))
		return false;
	/* a handler returns into the signal restorer's entry, whose frame
	 * may be G's: no switch (glibc's and musl's name) */
	return hs_src_lookup(dbb_lsrc_src(c->src), target, &loc) || !loc.function ||
	       strcmp(loc.function, "__restore_rt") != 0;
}

/* A new context: the function entered at t_ret - 1 by the return at site
 * is a call (as gdb's `break` counts it) on its own stack, slot sp (where
 * makecontext put __start_context's address: its return address, not
 * known here). */
static int ctx_enter(struct dbb_calls *c, struct cthread *th, uint64_t t_ret, uint32_t tid,
		     uint64_t site, uint64_t target, uint64_t sp)
{
	int ret;

	if ((ret = ctx_suspend(c, th, t_ret)))
		return ret;
	th->ctx = ++th->last_ctx;
	th->ctx_ended = false;
	if ((ret = frame_push(c, th, t_ret - 1, tid, site, 0, target, sp, HS_DB_CALL_SWITCH)))
		return ret;
	return ctx_note(c, t_ret, tid, target, sp, th->ctx) ?: queue_drain(c);
}

/* A return or jump with rsp known that switches stacks: resumes a
 * suspended context or enters a new one.  1 when it did. */
static int ctx_switch(struct dbb_calls *c, struct cthread *th, uint64_t t_ret, uint32_t tid,
		      bool is_ret, uint64_t site, uint64_t target, uint64_t sp)
{
	ptrdiff_t k;
	int ret;

	/* the running stack's own return comes first */
	if (th->n && dbb_calls_returned(th->f[th->n - 1].sp, th->f[th->n - 1].ret_addr, is_ret,
					target, sp))
		return 0;
	if ((k = ctx_resumed(th, target, sp)) >= 0)
		ret = ctx_resume(c, th, t_ret, tid, (size_t)k, target, sp);
	else if (is_ret && ctx_entered(c, th, site, target, sp))
		ret = ctx_enter(c, th, t_ret, tid, site, target, sp);
	else
		return 0;
	return ret ?: 1;
}

/* dbb_calls_leave, and for a jump from site (tail_ok): the tail call it
 * may be. */
static int leave(struct dbb_calls *c, uint64_t t_ret, uint32_t tid, bool is_ret,
		 uint64_t target, uint64_t sp, bool tail_ok, uint64_t site)
{
	struct cthread *th = thread_of(c, tid);
	uint64_t outer_sp = 0;
	size_t n0;
	int ret = 0;

	if (!th)
		return -ENOMEM;
	th->sig_pending = false;
	if ((ret = ctx_switch(c, th, t_ret, tid, is_ret, site, target, sp)))
		return ret < 0 ? ret : 0;
	n0 = th->n;
	while (th->n && dbb_calls_left(th->f[th->n - 1].sp, th->f[th->n - 1].flags, is_ret, sp)) {
		const struct frame *f = &th->f[th->n - 1];

		outer_sp = f->sp;
		frame_pop(c, th, t_ret, dbb_calls_returned(f->sp, f->ret_addr, is_ret, target, sp)
					? 0 : HS_DB_CALL_UNWOUND);
	}
	if (is_ret && n0 == th->n) {
		/* a return that leaves no frame of the shard: one of an earlier
		 * shard when none of the shard's is open, else nothing (the
		 * merge counts it); G's calls are all on the thread's first
		 * stack (dbb_merge.c re-runs the rest of the build from the
		 * first switch) */
		if (th->ctx)
			return n0 != th->n ? queue_drain(c) : 0;
		if (!th->n && sp - 8 > th->orph_max)
			th->orph_max = sp - 8;
		if (!th->n && c->exact)
			ext_keep(th, ORPH_SP_RET, sp);
		return write_orphan(c, t_ret, target, tid, ORPH_SP_RET, (uint32_t)th->n, 0, sp, 0);
	}
	/* Frames of earlier shards (G, outer: higher slots) can be left only
	 * when all of this shard's are, and not by a return that popped its
	 * own frame's slot; after an orphan with sp R, those left in G all
	 * have slots >= R (R - 8 after a return: a handler's frame it
	 * returned from into the restorer stays), so an orphan whose R is
	 * not above that changes nothing there. */
	if (tail_ok && n0 == th->n && tail_candidate(c, th, site, target, sp))
		return tail_jump(c, th, t_ret - 1, tid, target, sp);
	if (!th->n && !th->ctx && sp > th->orph_max && !(is_ret && outer_sp + 8 == sp)) {
		th->orph_max = is_ret ? sp - 8 : sp;
		if (c->exact)
			ext_keep(th, is_ret ? ORPH_SP_RET : ORPH_SP_JMP, sp);
		ret = write_orphan(c, t_ret, target, tid, is_ret ? ORPH_SP_RET : ORPH_SP_JMP, 0,
				   n0 ? ORPH_POPPED : 0, sp, 0);
	}
	return ret ?: (n0 != th->n ? queue_drain(c) : 0);
}

int dbb_calls_leave(struct dbb_calls *c, uint64_t t_ret, uint32_t tid, bool is_ret,
		    uint64_t target, uint64_t sp)
{
	return leave(c, t_ret, tid, is_ret, target, sp, false, 0);
}

int dbb_calls_ret(struct dbb_calls *c, uint64_t t_ret, uint32_t tid, uint64_t target,
		  bool have_sp, uint64_t sp)
{
	struct cthread *th;
	bool close_all;
	size_t j;
	int ret;

	if (have_sp)
		return dbb_calls_leave(c, t_ret, tid, true, target, sp);
	if (!(th = thread_of(c, tid)))
		return -ENOMEM;
	th->sig_pending = false;
	for (j = th->n; j > 0; j--)
		if (th->f[j - 1].ret_addr == target)
			break;
	if (j > 0) {
		while (th->n >= j) /* the match and every call above it */
			frame_pop(c, th, t_ret, th->n == j ? 0 : HS_DB_CALL_UNWOUND);
		return queue_drain(c);
	}
	/* An orphan: a call of an earlier shard, or nothing. */
	if (th->ctx)
		return 0; /* G's calls are all on the first stack */
	if (c->exact) {
		size_t k;

		for (k = th->n_ext; k > 0; k--)
			if (th->ext[k - 1] == target)
				break;
		close_all = k > 0;
		if (k > 0)
			th->n_ext = k - 1;
	} else if (c->guess == HS_DBB_GUESS_SP) {
		/* the guess (see the top of the file) */
		close_all = th->n && have_sp && sp > th->f[0].sp;
	} else {
		close_all = c->guess == HS_DBB_GUESS_ALWAYS; /* tests */
	}
	ret = write_orphan(c, t_ret, target, tid, ORPH_RET, (uint32_t)th->n,
			   close_all && th->n ? ORPH_CLOSED : 0, 0, 0);
	if (ret || !close_all || !th->n)
		return ret;
	while (th->n)
		frame_pop(c, th, t_ret, HS_DB_CALL_UNWOUND);
	return queue_drain(c);
}

int dbb_calls_signal(struct dbb_calls *c, uint64_t t, uint32_t tid, uint64_t site)
{
	struct cthread *th = thread_of(c, tid);

	if (!th)
		return -ENOMEM;
	th->sig_pending = true;
	th->sig_site = site;
	return 0;
}

int dbb_calls_handler(struct dbb_calls *c, uint64_t t, uint32_t tid, uint64_t handler,
		      uint64_t sp)
{
	struct cthread *th = thread_of(c, tid);

	if (!th)
		return -ENOMEM;
	/* Delivery and the handler's first state come together when the
	 * thread runs next (for another thread's signal, after other threads
	 * ran): a dump after rt_sigreturn, or with no delivery before it, is
	 * no handler. */
	if (!th->sig_pending)
		return 0;
	th->sig_pending = false;
	return frame_push(c, th, t, tid, th->sig_site, 0, handler, sp, HS_DB_CALL_SIGNAL);
}

int dbb_calls_sigreturn(struct dbb_calls *c, uint64_t t, uint32_t tid)
{
	struct cthread *th = thread_of(c, tid);
	size_t j, n0;

	if (!th)
		return -ENOMEM;
	th->sig_pending = false;
	for (j = th->n; j > 0; j--)
		if (th->f[j - 1].flags & HS_DB_CALL_SIGNAL)
			break;
	n0 = th->n;
	if (j > 0) {
		while (th->n >= j)
			frame_pop(c, th, t, th->n == j ? 0 : HS_DB_CALL_UNWOUND);
		return queue_drain(c);
	}
	/* the handler's frame is one of an earlier shard (or none) */
	while (th->n)
		frame_pop(c, th, t, HS_DB_CALL_UNWOUND);
	if (th->ctx)
		return n0 ? queue_drain(c) : 0;
	if (c->exact)
		ext_keep(th, ORPH_SIGRET, 0);
	return write_orphan(c, t, 0, tid, ORPH_SIGRET, 0, 0, 0, 0) ?: (n0 ? queue_drain(c) : 0);
}

int dbb_calls_thread_exit(struct dbb_calls *c, uint64_t t, uint32_t tid)
{
	struct cthread *th = thread_of(c, tid);
	uint32_t n, was;

	if (!th)
		return -ENOMEM;
	n = (uint32_t)th->n;
	while (th->n)
		frame_pop(c, th, HS_DB_NO_RETURN, 0);
	/* every context's frames stay as they were at the exit (Valgrind
	 * reuses the tid: a new thread starts on its first stack) */
	for (size_t k = 0; k < th->n_susp; k++) {
		while (th->susp[k].n)
			call_close(c, th->susp[k].f[--th->susp[k].n].index, HS_DB_NO_RETURN, 0);
		free(th->susp[k].f);
	}
	th->n_susp = 0;
	was = th->ctx;
	th->ctx = 0;
	th->ctx_ended = false;
	th->n_ext = 0;
	th->sig_pending = false;
	th->orph_max = 0;
	return write_orphan(c, t, 0, tid, ORPH_EXIT, n, 0, 0, 0) ?:
	       (was ? ctx_note(c, t + 1, tid, 0, 0, 0) : 0) ?: queue_drain(c);
}

/* ---- what the decoder says ------------------------------------------------ */

int dbb_calls_jump(struct dbb_calls *c, const struct hs_trace_decoder *d, uint64_t t,
		   uint32_t tid, uint32_t jk, uint64_t addr, uint32_t len, uint64_t dst)
{
	/* the state after the instruction: rsp has moved */
	const uint8_t *st = hs_trace_decoder_state(d, tid);
	uint64_t sp = st ? hs_trace_state_sp(st) : 0;

	if (jk == HS_TRACE_JK_CALL)
		return dbb_calls_call(c, t, tid, addr, len, dst, sp);
	if (jk == HS_TRACE_JK_RET && st) /* the return's site: a stack switch's */
		return leave(c, t + 1, tid, true, dst, sp, false, addr);
	if (jk == HS_TRACE_JK_RET)
		return dbb_calls_ret(c, t + 1, tid, dst, false, 0);
	if (jk == HS_TRACE_JK_JUMP && st)
		return leave(c, t + 1, tid, false, dst, sp, true, addr);
	/* dst == addr + len: a jcc not taken (see the top), or a jmp to the
	 * next instruction, which is a tail call when a function starts
	 * there (gcc's `jmp g` to the g laid out next: gdb's `break g` stops
	 * there); either way the pc reaches dst, as gdb's breakpoint sees */
	if (jk == HS_TRACE_JK_DIRECT && st && c->src) {
		/* a direct jump moves no rsp: it leaves nothing */
		struct cthread *th = thread_of(c, tid);

		if (!th)
			return -ENOMEM;
		if (!tail_candidate(c, th, addr, dst, sp))
			return 0;
		return tail_jump(c, th, t, tid, dst, sp);
	}
	return 0;
}

int dbb_calls_event(struct dbb_calls *c, const struct hs_trace_decoder *d, uint64_t t,
		    uint32_t tag, const uint8_t *pl, uint32_t len)
{
	uint32_t tid;
	const uint8_t *st;

	if (len < 4)
		return 0;
	tid = hs_le32(pl);
	switch (tag) {
	case HS_EV_THREAD_EXIT:
		return dbb_calls_thread_exit(c, t, tid);
	case HS_EV_SIGNAL:
		/* delivery begins: the state is still the interrupted one */
		st = hs_trace_decoder_state(d, tid);
		return st ? dbb_calls_signal(c, t, tid, hs_trace_state_ip(st)) : 0;
	case HS_EV_SIGRETURN:
		return dbb_calls_sigreturn(c, t, tid);
	default:
		return 0;
	}
}

int dbb_calls_regs(struct dbb_calls *c, uint64_t t, uint32_t tid, uint32_t reason,
		   const uint8_t *state)
{
	if (reason == HS_REGS_SYNC) {
		/* a chunk starts: a shard may start here, knowing of no
		 * delivery before it, so no build does (the same calls for
		 * any shard count; a handler entered across a chunk start is
		 * no call) */
		struct cthread *th = thread_of(c, tid);

		if (!th)
			return -ENOMEM;
		th->sig_pending = false;
		return 0;
	}
	if (reason != HS_REGS_SIGNAL)
		return 0;
	return dbb_calls_handler(c, t, tid, hs_trace_state_ip(state), hs_trace_state_sp(state));
}

/* The open calls of one context of th (s: susp[s], or the running one
 * when s == n_susp) into copen.sp, pad its id. */
static int copen_write(struct dbb_spill_w *w, const struct cthread *th, uint32_t tid, size_t s)
{
	const struct frame *fr = s < th->n_susp ? th->susp[s].f : th->f;
	size_t n = s < th->n_susp ? th->susp[s].n : th->n;
	uint32_t ctx = s < th->n_susp ? th->susp[s].id : th->ctx;
	int ret = 0;

	for (size_t k = 0; k < n && !ret; k++) {
		const struct frame *f = &fr[k];
		uint8_t r[DBB_COPEN_REC];

		hs_put_le64(r, f->index);
		hs_put_le64(r + 8, f->ret_addr);
		hs_put_le64(r + 16, f->t_call);
		hs_put_le32(r + 24, tid);
		hs_put_le32(r + 28, f->depth);
		hs_put_le64(r + 32, f->sp);
		hs_put_le32(r + 40, f->flags);
		hs_put_le32(r + 44, ctx);
		hs_put_le64(r + 48, f->site);
		ret = dbb_spill_write(w, r, sizeof(r));
	}
	return ret;
}

/* Shard end: the open calls (copen.sp), every queued record, the patches. */
int dbb_calls_finish(struct dbb_calls *c)
{
	struct dbb_spill_w *w = NULL;
	int ret;

	if ((ret = dbb_spill_create_in(c->dir, "copen.sp", &w)))
		return ret;
	for (size_t tid = 0; tid < c->n_th && !ret; tid++)
		for (size_t s = 0; s <= c->th[tid].n_susp && !ret; s++)
			ret = copen_write(w, &c->th[tid], (uint32_t)tid, s);
	if (ret) {
		dbb_spill_abort(w);
		return ret;
	}
	if ((ret = dbb_spill_close(w, c->sync)))
		return ret;
	/* open calls are written with t_ret unknown, not as patches */
	while (c->q_len && !ret) {
		c->q[c->q_head].done = true;
		ret = queue_pop(c);
	}
	if (ret)
		return ret;
	if ((ret = dbb_spill_create_in(c->dir, "cpatch.sp", &w)))
		return ret;
	for (size_t i = 0; i < c->n_forced && !ret; i++) {
		uint8_t r[DBB_CPATCH_REC];

		if (c->forced[i].t_ret == HS_DB_NO_RETURN)
			continue;
		hs_put_le64(r, c->forced[i].index);
		hs_put_le64(r + 8, c->forced[i].t_ret);
		hs_put_le32(r + 16, c->forced[i].flags);
		hs_put_le32(r + 20, 0);
		ret = dbb_spill_write(w, r, sizeof(r));
	}
	if (ret) {
		dbb_spill_abort(w);
		return ret;
	}
	if ((ret = dbb_spill_close(w, c->sync)))
		return ret;
	ret = dbb_spill_close(c->calls, c->sync);
	c->calls = NULL;
	if (!ret)
		ret = dbb_spill_close(c->corph, c->sync);
	c->corph = NULL;
	return ret;
}

/* ---- the merge's re-run ------------------------------------------------------- */

struct redo {
	struct dbb_calls *c;
	struct hs_trace_decoder *d;
	int cb_ret;
};

static int redo_jump(void *ctx, uint64_t t, uint32_t tid, uint32_t jk, uint64_t addr,
		     uint32_t len, uint64_t dst)
{
	struct redo *r = ctx;
	int ret = dbb_calls_jump(r->c, r->d, t, tid, jk, addr, len, dst);

	if (ret)
		r->cb_ret = ret;
	return ret;
}

static int redo_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag,
		      const uint8_t *pl, uint32_t len)
{
	struct redo *r = ctx;
	int ret = dbb_calls_event(r->c, r->d, t, tag, pl, len);

	if (ret)
		r->cb_ret = ret;
	return ret;
}

static int redo_regs(void *ctx, uint64_t t, uint32_t tid, uint32_t reason,
		     const uint8_t *state)
{
	struct redo *r = ctx;
	int ret = dbb_calls_regs(r->c, t, tid, reason, state);

	if (ret)
		r->cb_ret = ret;
	return ret;
}

int dbb_calls_redo(struct dbb_image *img, size_t c0, size_t c1,
		   const struct dbb_calls_ext *ext, const char *dir, struct hs_dbb_err *err)
{
	struct redo r = { 0 };
	struct hs_trace_visitor vis = { .ctx = &r, .jump = redo_jump, .event = redo_event,
					.regs = redo_regs };
	struct hs_trace_decoder *d = NULL;
	struct hs_trace_chunk chunk = { .data = NULL };
	struct hs_trace_err terr = { "" };
	int ret = 0;

	if ((ret = dbb_image_code(img, err)))
		return ret;
	/* the tail calls' symbols: the shards' (a --merge build has none yet) */
	if (!img->lsrc) {
		if (!img->have_smaps &&
		    !(ret = dbb_lines_startup(img, &img->smaps, &img->n_smaps)))
			img->have_smaps = true;
		if (!ret)
			ret = dbb_lsrc_new(img->lcache, img->smaps, img->n_smaps, true,
					   img->pack_dir, &img->lsrc);
		if (ret) {
			dbb_err_set(err, "%s: symbols: %s", img->dir, strerror(-ret));
			return ret;
		}
	}
	/* always: code.hst may have been loaded again by the merge's line
	 * pass, which keeps every direct jmp (filtering twice changes nothing) */
	dbb_lsrc_keep_direct(img->lsrc, img->code);
	if ((ret = dbb_calls_new(dir, false, ext, HS_DBB_GUESS_SP, &r.c)) ||
	    (ret = dbb_calls_set_src(r.c, img->lsrc, false))) {
		dbb_err_set(err, "%s: %s", dir, strerror(-ret));
		dbb_calls_free(r.c);
		return ret;
	}
	if ((ret = hs_trace_decoder_new(img->code, &vis, &d)))
		goto out;
	r.d = d;
	hs_trace_decoder_set_check(d, false);
	for (size_t k = c0; k < c1 && !ret; k++) {
		ret = hs_trace_file_read_chunk(img->stream, k, &chunk, &terr);
		if (!ret)
			ret = hs_trace_decoder_chunk(d, &chunk, &terr);
	}
	if (!ret)
		ret = dbb_calls_finish(r.c);
	if (ret)
		dbb_err_set(err, "%s/stream.hst: calls decoded again: %s", img->dir,
			    !r.cb_ret && terr.msg[0] ? terr.msg : strerror(-ret));
out:
	hs_trace_chunk_release(&chunk);
	hs_trace_decoder_free(d);
	dbb_calls_free(r.c);
	return ret;
}
