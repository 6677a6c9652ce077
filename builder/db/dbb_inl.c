/* dbb_inl.c - the entries of inlined copies, for calls/<f>: the line pass
 * finds them (it sees every instruction of the modules with DWARF), the
 * merge joins what the shards could not know.
 *
 * Design notes.
 *
 * gdb's `break f` stops at every inlined copy of f, at the copy's entry
 * (fs/source, hs_src_inline_entries), each time that instruction runs.
 * Every such run is an entry (t_call: its t); the copy is left at the
 * first instruction outside the copy at the same frame depth (t_ret: its
 * t), when its frame returns (t after the return), or when its thread
 * exits (no return).  Depth is counted per thread by the line pass's calls
 * and returns; the merge's index (dbb_index.c), which knows the frames
 * exactly, then ends an entry no later than the frame it is in (a longjmp
 * or an exception past it: flag unwound).  An entry at the entry address
 * of a copy still open at that depth (a loop back to the copy's first
 * instruction) ends the open one: gdb's breakpoint hits again.
 *
 * A shard knows nothing of the copies open when it starts.  So for each
 * thread it reports, at the outermost level it has seen (0 at its start,
 * one less after each return below it), every change of the innermost
 * copy holding the pc (ops), until a pc in no copy there closes whatever
 * was open at that level; a return below the level, and the thread's
 * exit, are ops too.  At its end it writes each thread's depth change and
 * its open entries (their level relative to that end).  The merge walks
 * the shards in order, closes the entries carried from earlier shards by
 * the ops, and the result does not depend on the sharding.
 *
 * A signal handler runs on top of the instruction it interrupted, which
 * may be in a copy: the copy stays open (gdb shows it under "<signal
 * handler called>") until the code after rt_sigreturn leaves it.  The
 * delivery counts two levels (the handler's frame, and its return into
 * the trampoline, which runs one level above the interrupted code), and
 * rt_sigreturn goes back to the interrupted level: the delivery's, or, for
 * a delivery in an earlier shard, one below the trampoline's.
 *
 * LINES/<s>/linl.sp, records of IREC bytes: u64 t, u64 a, u64 key,
 * i64 level, u32 tid, u32 type (I_*), u32 flags, u32 pad; by type:
 *   I_DONE   an entry closed in the shard: t_call t, t_ret a, key
 *   I_OP     at level, the innermost copy at the pc became a (0: none) at t
 *   I_RET    a return from level: what was open there ends at t
 *   I_EXIT   the thread exited at t: what it had open never returns
 *   I_DEPTH  (at the end) the thread's depth change over the shard: level
 *   I_OPEN   (after every I_DEPTH) an entry open at the end: t_call t,
 *            copy a, key, level relative to the shard's end (<= 0)
 * key is the CALLEE key of db_format.h (HS_DB_INLINE_KEY).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "hindsight/source.h"
#include "dbb_i.h"

#define IREC 48
#define MAX_NEST 16
enum { I_DONE = 1, I_OP, I_RET, I_EXIT, I_DEPTH, I_OPEN };

struct iopen {
	uint64_t t0, frame, key;
	int64_t depth;
};

struct ithread {
	int64_t depth;           /* calls less returns since the shard began */
	int64_t lo;              /* the outermost level seen */
	bool lo_done;            /* nothing of earlier shards is open at lo */
	bool lo_have;            /* lo_fin was reported */
	bool seen;
	uint64_t lo_fin;
	struct iopen *o;
	size_t n, cap;
	int64_t sig[MAX_NEST];   /* depths at the handlers' deliveries */
	size_t n_sig;
};

struct dbb_inl {
	struct dbb_inl_head h;   /* first: dbb_inl_quiet() reads it inline */
	struct hs_src *src;      /* borrowed */
	struct dbb_spill_w *w;
	struct ithread *th;
	size_t n_th;
};

int dbb_inl_new(struct hs_src *src, const char *dir, struct dbb_inl **out)
{
	struct dbb_inl *x = calloc(1, sizeof(*x));
	int ret;

	*out = NULL;
	if (!x)
		return -ENOMEM;
	x->src = src;
	if ((ret = dbb_spill_create_in(dir, "linl.sp", &x->w))) {
		free(x);
		return ret;
	}
	*out = x;
	return 0;
}

void dbb_inl_free(struct dbb_inl *x)
{
	if (!x)
		return;
	dbb_spill_abort(x->w);
	for (size_t i = 0; i < x->n_th; i++)
		free(x->th[i].o);
	free(x->th);
	free(x->h.quiet);
	free(x);
}

static struct ithread *ithread_of(struct dbb_inl *x, uint32_t tid)
{
	if (tid >= x->n_th &&
	    dbb_grow_zero((void **)&x->th, &x->n_th, (size_t)tid + 1, sizeof(*x->th)))
		return NULL;
	if (tid >= x->h.n_quiet &&
	    dbb_grow_zero((void **)&x->h.quiet, &x->h.n_quiet, (size_t)tid + 1, 1))
		return NULL;
	x->th[tid].seen = true;
	return &x->th[tid];
}

/* After a change to th: with nothing open and nothing to report, the
 * thread's instructions need no look (dbb_inl_quiet) but at entries. */
static void settle(struct dbb_inl *x, uint32_t tid, const struct ithread *th)
{
	x->h.quiet[tid] = !th->n && th->lo_done;
}

static int put(struct dbb_inl *x, uint32_t type, uint64_t t, uint64_t a, uint64_t key,
	       int64_t level, uint32_t tid, uint32_t flags)
{
	uint8_t r[IREC];

	hs_put_le64(r, t);
	hs_put_le64(r + 8, a);
	hs_put_le64(r + 16, key);
	hs_put_le64(r + 24, (uint64_t)level);
	hs_put_le32(r + 32, tid);
	hs_put_le32(r + 36, type);
	hs_put_le32(r + 40, flags);
	hs_put_le32(r + 44, 0);
	return dbb_spill_write(x->w, r, sizeof(r));
}

/* Closes the innermost open entry of th (tid) at t_ret. */
static int pop(struct dbb_inl *x, struct ithread *th, uint32_t tid, uint64_t t_ret)
{
	const struct iopen *o = &th->o[--th->n];

	return put(x, I_DONE, o->t0, t_ret, o->key, 0, tid, 0);
}

/* Is the pc whose innermost copy is fin (0: none) in copy `frame`? */
static bool holds(struct dbb_inl *x, uint64_t fin, uint64_t frame)
{
	return fin == frame || hs_src_inline_within(x->src, fin, frame);
}

static int insn(struct dbb_inl *x, struct ithread *th, uint64_t t, uint32_t tid, uint64_t rip,
		uint64_t fin, bool entry)
{
	uint64_t fr[MAX_NEST];
	size_t n;
	int ret = 0;

	while (th->n && th->o[th->n - 1].depth == th->depth &&
	       !holds(x, fin, th->o[th->n - 1].frame))
		if ((ret = pop(x, th, tid, t)))
			return ret;
	if (th->depth == th->lo && !th->lo_done && (!th->lo_have || th->lo_fin != fin)) {
		if ((ret = put(x, I_OP, t, fin, 0, th->lo, tid, 0)))
			return ret;
		th->lo_have = true;
		th->lo_fin = fin;
		th->lo_done = fin == 0;
	}
	if (!entry || !(n = hs_src_inline_entries(x->src, rip, fr, MAX_NEST)))
		return 0;
	/* back at the entry of a copy still open here: that entry ends */
	for (size_t i = th->n; i > 0 && th->o[i - 1].depth == th->depth; i--) {
		if (th->o[i - 1].frame != fr[n - 1])
			continue;
		while (th->n >= i)
			if ((ret = pop(x, th, tid, t)))
				return ret;
		break;
	}
	if (hs_grow((void **)&th->o, &th->cap, th->n + n, sizeof(*th->o)))
		return -ENOMEM;
	for (size_t k = n; k > 0; k--)  /* the outermost first: innermost on top */
		th->o[th->n++] = (struct iopen){ t, fr[k - 1], HS_DB_INLINE_KEY(rip, k),
						 th->depth };
	return 0;
}

int dbb_inl_insn(struct dbb_inl *x, uint64_t t, uint32_t tid, uint64_t rip, uint64_t fin,
		 bool entry)
{
	struct ithread *th = ithread_of(x, tid);
	int ret;

	if (!th)
		return -ENOMEM;
	ret = insn(x, th, t, tid, rip, fin, entry);
	settle(x, tid, th);
	return ret;
}

static int jump(struct dbb_inl *x, struct ithread *th, uint64_t t, uint32_t tid, bool is_ret)
{
	int ret;

	if (!is_ret) {
		th->depth++;
		return 0;
	}
	th->depth--;
	while (th->n && th->o[th->n - 1].depth > th->depth)
		if ((ret = pop(x, th, tid, t + 1)))
			return ret;
	if (th->depth >= th->lo)
		return 0;
	if ((ret = put(x, I_RET, t + 1, 0, 0, th->lo, tid, 0)))
		return ret;
	th->lo = th->depth;
	th->lo_done = th->lo_have = false;
	return 0;
}

int dbb_inl_jump(struct dbb_inl *x, uint64_t t, uint32_t tid, bool is_ret)
{
	struct ithread *th = ithread_of(x, tid);
	int ret;

	if (!th)
		return -ENOMEM;
	ret = jump(x, th, t, tid, is_ret);
	settle(x, tid, th);
	return ret;
}

int dbb_inl_signal(struct dbb_inl *x, uint64_t t, uint32_t tid)
{
	struct ithread *th = ithread_of(x, tid);

	(void)t;
	if (!th)
		return -ENOMEM;
	if (th->n_sig < MAX_NEST)
		th->sig[th->n_sig++] = th->depth;
	th->depth += 2;
	settle(x, tid, th);
	return 0;
}

int dbb_inl_sigreturn(struct dbb_inl *x, uint64_t t, uint32_t tid)
{
	struct ithread *th = ithread_of(x, tid);
	int64_t to;
	int ret;

	if (!th)
		return -ENOMEM;
	to = th->depth - 1;
	/* (a handler left by siglongjmp leaves a delivery depth too deep) */
	if (th->n_sig && th->sig[th->n_sig - 1] < th->depth)
		to = th->sig[th->n_sig - 1];
	if (th->n_sig)
		th->n_sig--;
	while (th->n && th->o[th->n - 1].depth > to)
		if ((ret = pop(x, th, tid, t)))
			return ret;
	th->depth = to;
	if (to < th->lo) {
		if ((ret = put(x, I_RET, t, 0, 0, th->lo, tid, 0)))
			return ret;
		th->lo = to;
		th->lo_done = th->lo_have = false;
	}
	settle(x, tid, th);
	return 0;
}

int dbb_inl_exit(struct dbb_inl *x, uint64_t t, uint32_t tid)
{
	struct ithread *th = ithread_of(x, tid);
	int ret;

	if (!th)
		return -ENOMEM;
	while (th->n)
		if ((ret = pop(x, th, tid, HS_DB_NO_RETURN)))
			return ret;
	/* (also with lo done: entries of earlier shards at outer levels) */
	if ((ret = put(x, I_EXIT, t, 0, 0, 0, tid, 0)))
		return ret;
	/* the slot's next thread begins with nothing open */
	th->depth = th->lo = 0;
	th->n_sig = 0;
	th->lo_done = true;
	settle(x, tid, th);
	return 0;
}

int dbb_inl_finish(struct dbb_inl *x)
{
	int ret = 0;

	for (size_t tid = 0; tid < x->n_th && !ret; tid++)
		if (x->th[tid].seen && x->th[tid].depth)
			ret = put(x, I_DEPTH, 0, 0, 0, x->th[tid].depth, (uint32_t)tid, 0);
	for (size_t tid = 0; tid < x->n_th && !ret; tid++) {
		const struct ithread *th = &x->th[tid];

		for (size_t i = 0; i < th->n && !ret; i++)
			ret = put(x, I_OPEN, th->o[i].t0, th->o[i].frame, th->o[i].key,
				  th->o[i].depth - th->depth, (uint32_t)tid, 0);
	}
	if (ret)
		return ret;
	ret = dbb_spill_close(x->w, false);
	x->w = NULL;
	return ret;
}

/* ---- the merge ---------------------------------------------------------------- */

struct icarry {
	uint64_t t0, frame, key;
	int64_t level;           /* relative to the start of the shard read */
	uint32_t tid;
};

struct iresolve {
	struct hs_src *(*get_src)(void *ctx);
	void *ctx;
	struct dbb_sort *out;
	struct icarry *c;
	size_t n, cap;
};

static int cmp_tcall(const void *a, const void *b)
{
	uint64_t x = hs_le64(a), y = hs_le64(b);

	if (x != y)
		return x < y ? -1 : 1;
	x = hs_le64((const uint8_t *)a + 16);
	y = hs_le64((const uint8_t *)b + 16);
	return x < y ? -1 : x > y;
}

static void key_tcall(const void *rec, uint64_t *hi, uint64_t *lo)
{
	*hi = hs_le64(rec);
	*lo = hs_le64((const uint8_t *)rec + 16);
}

/* An entry as a CALLS record (db_format.h; depth: dbb_index.c's). */
static int emit(struct iresolve *r, uint64_t t0, uint64_t t_ret, uint64_t key, uint32_t tid)
{
	uint8_t c[HS_DB_CALL_REC] = { 0 };

	hs_put_le64(c, t0);
	hs_put_le64(c + 8, t_ret);
	hs_put_le64(c + 16, key);
	hs_put_le64(c + 24, HS_DB_INLINE_PC(key));
	hs_put_le32(c + 32, tid);
	hs_put_le32(c + 40, HS_DB_CALL_INLINE);
	return dbb_sort_add(r->out, c);
}

/* One op of a shard on the entries carried into it. */
static int apply(struct iresolve *r, uint32_t type, uint64_t t, uint64_t a, int64_t level,
		 uint32_t tid)
{
	size_t w = 0;
	int ret = 0;

	for (size_t i = 0; i < r->n; i++) {
		struct icarry *c = &r->c[i];
		bool end = false;
		uint64_t t_ret = t;

		if (c->tid == tid) {
			if (type == I_OP)
				end = c->level == level && !(a && (a == c->frame ||
						hs_src_inline_within(r->get_src(r->ctx), a,
								     c->frame)));
			else if (type == I_RET)
				end = c->level >= level;
			else if (type == I_EXIT)
				end = true, t_ret = HS_DB_NO_RETURN;
			else if (type == I_DEPTH)
				c->level -= level;
		}
		if (end && !ret)
			ret = emit(r, c->t0, t_ret, c->key, c->tid);
		else if (!end)
			r->c[w++] = *c;
	}
	r->n = w;
	return ret;
}

static int resolve_shard(struct iresolve *r, const char *dir)
{
	struct dbb_spill_r *in = NULL;
	char *path = dbb_path(dir, "linl.sp");
	uint8_t rec[IREC];
	int ret;

	if (!path)
		return -ENOMEM;
	ret = dbb_spill_open(path, &in);
	free(path);
	if (ret == -ENOENT)
		return 0; /* a shard of a builder without inline entries */
	if (ret)
		return ret;
	while ((ret = dbb_spill_read(in, rec, sizeof(rec))) == 1) {
		uint64_t t = hs_le64(rec), a = hs_le64(rec + 8), key = hs_le64(rec + 16);
		int64_t level = (int64_t)hs_le64(rec + 24);
		uint32_t tid = hs_le32(rec + 32), type = hs_le32(rec + 36);

		if (type == I_DONE) {
			ret = emit(r, t, a, key, tid);
		} else if (type == I_OPEN) {
			ret = hs_grow((void **)&r->c, &r->cap, r->n + 1, sizeof(*r->c)) ? -ENOMEM : 0;
			if (!ret)
				r->c[r->n++] = (struct icarry){ t, a, key, level, tid };
		} else {
			ret = apply(r, type, t, a, level, tid);
		}
		if (ret)
			break;
	}
	dbb_spill_close_r(in);
	return ret < 0 ? ret : 0;
}

int dbb_inl_resolve(struct hs_src *(*get_src)(void *ctx), void *ctx, char *const *dirs,
		    unsigned n, const char *tmp, struct dbb_sort **out)
{
	struct iresolve r = { .get_src = get_src, .ctx = ctx };
	int ret;

	*out = NULL;
	if ((ret = dbb_sort_new(tmp, "inl", HS_DB_CALL_REC, 16u << 20, cmp_tcall, key_tcall,
				&r.out)))
		return ret;
	for (unsigned s = 0; s < n && !ret; s++)
		ret = resolve_shard(&r, dirs[s]);
	/* open at the end of the recording */
	for (size_t i = 0; i < r.n && !ret; i++)
		ret = emit(&r, r.c[i].t0, HS_DB_NO_RETURN, r.c[i].key, r.c[i].tid);
	free(r.c);
	if (!ret)
		ret = dbb_sort_finish(r.out);
	if (ret) {
		dbb_sort_free(r.out);
		return ret;
	}
	*out = r.out;
	return 0;
}
