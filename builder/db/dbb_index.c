/* dbb_index.c - the merge's source-level indexes, made while calls.hdb is
 * written: backtrace checkpoints (stacks.hdb), calls by callee (callee.hdb,
 * callees.hdb) and the line starts with their depth (lines.hdb,
 * lineidx.hdb, linefiles.hdb).  db_format.h specifies the files.
 *
 * Design notes.
 *
 * Calls arrive in t_call order with their final t_ret.  A heap of the
 * calls that are open ("live"), by t_end, gives both the checkpoints (a
 * copy of the heap) and each thread's depth at any t (a count per thread),
 * as long as time only moves forward: before call i (t_call T) is added,
 * the line starts with t <= T are given their depth (after dropping the
 * calls that ended at or before their t), then the calls that ended at or
 * before T are dropped.  A call is open at t when t_call < t < t_end.
 *
 * Everything is a function of calls.hdb, the thread exits and the
 * resolved line starts, none of which depends on the sharding.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "dbb_i.h"

struct live {
	uint64_t t_end;
	uint8_t rec[HS_DB_CALL_REC];
};

struct dbb_index {
	const char *out;               /* the image's db folder */
	const struct hs_dbfile_ident *id;
	int level;
	unsigned threads;
	struct hs_dbb_err *err;
	const struct dbb_exit *exits;  /* by (tid, t) */
	size_t n_exits;
	/* live calls */
	struct live *heap;
	size_t n_heap, cap_heap;
	uint32_t *count;               /* [tid] open calls */
	size_t n_count;
	uint64_t n_calls, since_cp;
	struct hs_dbfile_writer *stacks;
	uint8_t *cp;                   /* a checkpoint record being built */
	size_t cap_cp;
	/* calls by callee */
	struct dbb_sort *by_callee;
	/* line starts */
	struct dbb_spill_r *lines_in;  /* resolved starts, by t, or NULL */
	bool have_line;
	uint8_t line[HS_DB_LINE_REC];
	struct hs_dbfile_writer *lines;
	struct dbb_sort *by_line;
	const struct dbb_lines *lm;    /* NULL: no line starts */
	/* entries of inlined copies (dbb_inl.c), by t_call: into by_callee,
	 * through pend[] while a call may still end them (inl_upto) */
	bool have_inl;
	uint8_t inl[HS_DB_CALL_REC];
	uint8_t (*pend)[HS_DB_CALL_REC];
	size_t n_pend, cap_pend, flush_at;
	/* stack switches (CTXSW records, by t; borrowed): a depth counts the
	 * calls of the context running then */
	const uint8_t *sw;
	size_t n_sw;
};

static int cmp_callee(const void *a, const void *b)
{
	const uint8_t *x = a, *y = b;
	uint64_t cx = hs_le64(x + 16), cy = hs_le64(y + 16);
	uint64_t tx = hs_le64(x), ty = hs_le64(y);

	if (cx != cy)
		return cx < cy ? -1 : 1;
	return tx < ty ? -1 : tx > ty;
}

static int cmp_line(const void *a, const void *b)
{
	const uint8_t *x = a, *y = b;
	uint64_t kx = (uint64_t)hs_le32(x + 12) << 32 | hs_le32(x + 16);
	uint64_t ky = (uint64_t)hs_le32(y + 12) << 32 | hs_le32(y + 16);
	uint64_t tx = hs_le64(x), ty = hs_le64(y);

	if (kx != ky)
		return kx < ky ? -1 : 1;
	return tx < ty ? -1 : tx > ty;
}

static void key_callee(const void *rec, uint64_t *hi, uint64_t *lo)
{
	*hi = hs_le64((const uint8_t *)rec + 16);
	*lo = hs_le64(rec);
}

static void key_line(const void *rec, uint64_t *hi, uint64_t *lo)
{
	const uint8_t *x = rec;

	*hi = (uint64_t)hs_le32(x + 12) << 32 | hs_le32(x + 16);
	*lo = hs_le64(x);
}

/* The next inlined entry into x->inl. */
static int inl_next(struct dbb_index *x)
{
	const void *p;
	int ret = dbb_sort_next(x->lm->inl, &p);

	x->have_inl = ret == 1;
	if (ret == 1)
		memcpy(x->inl, p, sizeof(x->inl));
	return ret;
}

static int create_file(struct dbb_index *x, const char *name, uint32_t kind,
		       struct hs_dbfile_writer **w)
{
	char *path = dbb_path(x->out, name);
	int ret;

	if (!path)
		return -ENOMEM;
	ret = hs_dbfile_create(path, kind, x->level, x->id, w);
	if (!ret)
		ret = hs_dbfile_parallel(*w, x->threads);
	if (ret)
		dbb_err_set(x->err, "%s: %s", path, strerror(-ret));
	free(path);
	return ret;
}

static int fail_file(struct dbb_index *x, const char *name, int ret)
{
	if (!x->err->msg[0])
		dbb_err_set(x->err, "%s/%s: %s", x->out, name, strerror(-ret));
	return ret;
}

int dbb_index_new(const char *out, const struct hs_dbfile_ident *id, const char *tmp,
		  int level, unsigned threads, const struct dbb_exit *exits, size_t n_exits,
		  const struct dbb_lines *lines, struct hs_dbb_err *err, struct dbb_index **outp)
{
	struct dbb_index *x = calloc(1, sizeof(*x));
	int ret;

	*outp = NULL;
	if (!x)
		return -ENOMEM;
	x->out = out;
	x->id = id;
	x->level = level;
	x->threads = threads;
	x->err = err;
	x->exits = exits;
	x->n_exits = n_exits;
	x->lm = lines;
	if ((ret = create_file(x, "stacks.hdb", HS_DB_STACKS, &x->stacks)) ||
	    (ret = create_file(x, "lines.hdb", HS_DB_LINES, &x->lines)))
		goto fail;
	if ((ret = dbb_sort_new(tmp, "callee", HS_DB_CALL_REC, 64u << 20, cmp_callee,
				key_callee, &x->by_callee)) ||
	    (ret = dbb_sort_new(tmp, "lineidx", HS_DB_LINE_REC, 32u << 20, cmp_line,
				key_line, &x->by_line))) {
		dbb_err_set(err, "%s: %s", tmp, strerror(-ret));
		goto fail;
	}
	dbb_sort_threads(x->by_callee, threads);
	dbb_sort_threads(x->by_line, threads);
	if (lines) {
		if ((ret = dbb_spill_open(lines->res_path, &x->lines_in))) {
			dbb_err_set(err, "%s: %s", lines->res_path, strerror(-ret));
			goto fail;
		}
		ret = dbb_spill_read(x->lines_in, x->line, sizeof(x->line));
		if (ret < 0) {
			dbb_err_set(err, "%s: %s", lines->res_path, strerror(-ret));
			goto fail;
		}
		x->have_line = ret == 1;
		if (lines->inl && (ret = inl_next(x)) < 0)
			goto fail;
	}
	*outp = x;
	return 0;
fail:
	dbb_index_free(x);
	return ret;
}

void dbb_index_free(struct dbb_index *x)
{
	if (!x)
		return;
	hs_dbfile_abort(x->stacks);
	hs_dbfile_abort(x->lines);
	dbb_sort_free(x->by_callee);
	dbb_sort_free(x->by_line);
	dbb_spill_close_r(x->lines_in);
	free(x->heap);
	free(x->count);
	free(x->cp);
	free(x->pend);
	free(x);
}

/* ---- the live calls ---------------------------------------------------------- */

static void live_swap(struct live *a, struct live *b)
{
	struct live t = *a;

	*a = *b;
	*b = t;
}

static void live_down(struct dbb_index *x, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < x->n_heap && x->heap[l].t_end < x->heap[m].t_end)
			m = l;
		if (r < x->n_heap && x->heap[r].t_end < x->heap[m].t_end)
			m = r;
		if (m == i)
			return;
		live_swap(&x->heap[i], &x->heap[m]);
		i = m;
	}
}

static uint32_t *count_of(struct dbb_index *x, uint32_t tid)
{
	if (tid >= x->n_count &&
	    hs_grow_zero((void **)&x->count, &x->n_count, (size_t)tid + 1, sizeof(*x->count)))
		return NULL;
	return &x->count[tid];
}

/* Drops the calls that ended at or before t. */
static void live_drop(struct dbb_index *x, uint64_t t)
{
	while (x->n_heap && x->heap[0].t_end <= t) {
		uint32_t tid = hs_le32(x->heap[0].rec + 32);

		if (tid < x->n_count && x->count[tid])
			x->count[tid]--;
		x->heap[0] = x->heap[--x->n_heap];
		live_down(x, 0);
	}
}

/* t_end of a call (db_format.h): t_ret, or its thread's exit after it. */
static uint64_t call_end(const struct dbb_index *x, const uint8_t *rec)
{
	uint64_t t_call = hs_le64(rec), t_ret = hs_le64(rec + 8);
	uint32_t tid = hs_le32(rec + 32);
	size_t lo = 0, hi = x->n_exits;

	if (t_ret != HS_DB_NO_RETURN)
		return t_ret;
	/* the first exit of tid with t > t_call */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct dbb_exit *e = &x->exits[mid];

		if (e->tid < tid || (e->tid == tid && e->t <= t_call))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < x->n_exits && x->exits[lo].tid == tid)
		return x->exits[lo].t;
	return HS_DB_NO_RETURN;
}

static int cmp_live_t(const void *a, const void *b)
{
	uint64_t x = hs_le64(((const struct live *)a)->rec);
	uint64_t y = hs_le64(((const struct live *)b)->rec);

	return x < y ? -1 : x > y;
}

/* A checkpoint covering calls [0, n_calls), key t (the last one's t_call). */
static int checkpoint(struct dbb_index *x, uint64_t t)
{
	size_t need = HS_DB_STACKS_HDR + x->n_heap * HS_DB_STACKS_FRAME;
	struct live *sorted;
	int ret;

	if (hs_grow((void **)&x->cp, &x->cap_cp, need, 1))
		return -ENOMEM;
	sorted = malloc((x->n_heap + 1) * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, x->heap, x->n_heap * sizeof(*sorted));
	qsort(sorted, x->n_heap, sizeof(*sorted), cmp_live_t);
	hs_put_le64(x->cp, t);
	hs_put_le64(x->cp + 8, x->n_calls);
	hs_put_le32(x->cp + 16, (uint32_t)x->n_heap);
	hs_put_le32(x->cp + 20, 0);
	hs_put_le64(x->cp + 24, 0);
	for (size_t i = 0; i < x->n_heap; i++) {
		uint8_t *f = x->cp + HS_DB_STACKS_HDR + i * HS_DB_STACKS_FRAME;

		memcpy(f, sorted[i].rec, HS_DB_CALL_REC);
		hs_put_le64(f + HS_DB_CALL_REC, sorted[i].t_end);
	}
	free(sorted);
	ret = hs_dbfile_append(x->stacks, t, x->cp, need, NULL, NULL);
	x->since_cp = 0;
	return ret ? fail_file(x, "stacks.hdb", ret) : 0;
}

void dbb_index_set_switches(struct dbb_index *x, const uint8_t *sw, size_t n)
{
	x->sw = sw;
	x->n_sw = n;
}

/* The context tid runs on at t (db_format.h, CTXSW). */
static uint32_t ctx_at(const struct dbb_index *x, uint32_t tid, uint64_t t)
{
	size_t lo = 0, hi = x->n_sw;

	while (lo < hi) { /* the first switch after t */
		size_t mid = (lo + hi) / 2;

		if (hs_le64(x->sw + mid * HS_DB_CTXSW_REC) <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i > 0; i--)
		if (hs_le32(x->sw + (i - 1) * HS_DB_CTXSW_REC + 8) == tid)
			return hs_le32(x->sw + (i - 1) * HS_DB_CTXSW_REC + 12);
	return 0;
}

/* tid's depth at t (the live calls are those open at t): its open calls
 * on the context it runs on. */
static uint32_t depth_at(const struct dbb_index *x, uint32_t tid, uint64_t t)
{
	uint32_t ctx, n = 0;

	if (!x->n_sw)
		return tid < x->n_count ? x->count[tid] : 0;
	ctx = ctx_at(x, tid, t);
	for (size_t i = 0; i < x->n_heap; i++)
		if (hs_le32(x->heap[i].rec + 32) == tid && hs_le32(x->heap[i].rec + 44) == ctx)
			n++;
	return n;
}

/* Gives every line start with t <= upto its depth and writes it. */
static int lines_upto(struct dbb_index *x, uint64_t upto)
{
	int ret;

	while (x->have_line && hs_le64(x->line) <= upto) {
		uint64_t t = hs_le64(x->line);
		uint32_t tid = hs_le32(x->line + 8);
		bool bp = hs_le32(x->line + 20) == DBB_LINE_BP;

		live_drop(x, t);
		hs_put_le32(x->line + 12, x->lm->remap[hs_le32(x->line + 12)]);
		hs_put_le32(x->line + 20, depth_at(x, tid, t));
		/* lines.hdb: step's line starts; lineidx.hdb: break's hits */
		if (!bp && (ret = hs_dbfile_append(x->lines, t, x->line, sizeof(x->line), NULL, NULL)))
			return fail_file(x, "lines.hdb", ret);
		if (bp && (ret = dbb_sort_add(x->by_line, x->line)))
			return fail_file(x, "lineidx.hdb", ret);
		ret = dbb_spill_read(x->lines_in, x->line, sizeof(x->line));
		if (ret < 0)
			return fail_file(x, "lines (resolved)", ret);
		x->have_line = ret == 1;
	}
	return 0;
}

/* The innermost call of tid open now (the heap holds the open calls), or
 * NULL: the frame an inlined copy entered now is in. */
static const struct live *innermost(const struct dbb_index *x, uint32_t tid, uint64_t t)
{
	const struct live *best = NULL;
	uint32_t ctx = x->n_sw ? ctx_at(x, tid, t) : 0;

	for (size_t i = 0; i < x->n_heap; i++)
		if (hs_le32(x->heap[i].rec + 32) == tid && hs_le32(x->heap[i].rec + 44) == ctx &&
		    (!best || hs_le64(x->heap[i].rec) > hs_le64(best->rec)))
			best = &x->heap[i];
	return best;
}

/* Files the pending inlined entries that no call after t can change
 * (all: t UINT64_MAX). */
static int inl_flush(struct dbb_index *x, uint64_t t)
{
	size_t w = 0;
	int ret = 0;

	for (size_t i = 0; i < x->n_pend; i++) {
		if (hs_le64(x->pend[i] + 8) > t)
			memmove(x->pend[w++], x->pend[i], HS_DB_CALL_REC);
		else if (!ret && (ret = dbb_sort_add(x->by_callee, x->pend[i])))
			ret = fail_file(x, "callee.hdb", ret);
	}
	x->n_pend = w;
	x->flush_at = 2 * w + 64;
	return ret;
}

/* A call made from the frame of pending inlined entries was unwound (a
 * longjmp or an exception caught in that frame): the line pass, which
 * counts calls and returns, has lost the depth there, so an entry open
 * across it ends where the unwinding lands (taken to be outside the
 * copy: a catch inside an inlined function is not told apart).  An entry
 * at the call's own t is open across it too: at -O2 the copy's first
 * instruction is often the call (`return f(x) * 3 + 1;`). */
static void inl_unwound(struct dbb_index *x, const uint8_t *rec)
{
	uint64_t t_call = hs_le64(rec), t_ret = hs_le64(rec + 8);
	uint32_t tid = hs_le32(rec + 32), depth = hs_le32(rec + 36);

	for (size_t i = 0; i < x->n_pend; i++) {
		uint8_t *e = x->pend[i];

		if (hs_le32(e + 32) == tid && hs_le32(e + 36) == depth && hs_le64(e) <= t_call &&
		    t_ret < hs_le64(e + 8)) {
			hs_put_le64(e + 8, t_ret);
			hs_put_le32(e + 40, hs_le32(e + 40) | HS_DB_CALL_UNWOUND);
		}
	}
}

/* Gives every inlined copy's entry with t_call <= upto its depth, ends it
 * no later than the frame holding it (a longjmp or an exception past the
 * copy: the line pass counts only calls and returns), and files it by
 * callee (pending while a call may still end it). */
static int inl_upto(struct dbb_index *x, uint64_t upto)
{
	int ret;

	while (x->have_inl && hs_le64(x->inl) <= upto) {
		uint64_t t = hs_le64(x->inl), t_ret = hs_le64(x->inl + 8);
		uint32_t tid = hs_le32(x->inl + 32);
		const struct live *f;

		live_drop(x, t);
		hs_put_le32(x->inl + 36, depth_at(x, tid, t));
		f = innermost(x, tid, t);
		/* (at the frame's own end: how the frame ended is how the copy did) */
		if (f && hs_le64(f->rec + 8) != HS_DB_NO_RETURN && hs_le64(f->rec + 8) <= t_ret) {
			hs_put_le64(x->inl + 8, hs_le64(f->rec + 8));
			hs_put_le32(x->inl + 40, hs_le32(x->inl + 40) | (hs_le32(f->rec + 40) &
					(HS_DB_CALL_UNWOUND | HS_DB_CALL_TAIL)));
		}
		if (hs_grow((void **)&x->pend, &x->cap_pend, x->n_pend + 1, sizeof(*x->pend)))
			return -ENOMEM;
		HS_ANALYZER_ASSUME(x->pend); /* hs_grow made room */
		memcpy(x->pend[x->n_pend++], x->inl, HS_DB_CALL_REC);
		if (x->n_pend >= x->flush_at && (ret = inl_flush(x, t)))
			return ret;
		if ((ret = inl_next(x)) < 0)
			return fail_file(x, "inlined entries", ret);
	}
	return 0;
}

int dbb_index_call(struct dbb_index *x, const uint8_t *rec)
{
	uint64_t t_call = hs_le64(rec), upto;
	uint32_t *cnt = count_of(x, hs_le32(rec + 32)), flags = hs_le32(rec + 40);
	int ret;

	if (!cnt)
		return -ENOMEM;
	/* a handler entered by a signal is open from its first instruction,
	 * t_call: the line start there is the handler's (its depth counts
	 * it); any other call's t_call is its call instruction's, the
	 * caller's */
	upto = (flags & HS_DB_CALL_SIGNAL) && !(flags & HS_DB_CALL_TAILIN) && t_call ? t_call - 1 :
									      t_call;
	if ((ret = lines_upto(x, upto)) || (ret = inl_upto(x, upto)))
		return ret;
	if (hs_le32(rec + 40) & HS_DB_CALL_UNWOUND)
		inl_unwound(x, rec);
	live_drop(x, t_call);
	if (hs_grow((void **)&x->heap, &x->cap_heap, x->n_heap + 1, sizeof(*x->heap)))
		return -ENOMEM;
	{
		size_t i = x->n_heap++;

		x->heap[i].t_end = call_end(x, rec);
		memcpy(x->heap[i].rec, rec, HS_DB_CALL_REC);
		while (i && x->heap[(i - 1) / 2].t_end > x->heap[i].t_end) {
			live_swap(&x->heap[i], &x->heap[(i - 1) / 2]);
			i = (i - 1) / 2;
		}
	}
	(*cnt)++;
	x->n_calls++;
	x->since_cp++;
	if ((ret = dbb_sort_add(x->by_callee, rec)))
		return fail_file(x, "callee.hdb", ret);
	if (x->since_cp >= HS_DB_STACKS_EVERY && x->since_cp >= x->n_heap)
		return checkpoint(x, t_call);
	return 0;
}

/* ---- the end: the sorted files ------------------------------------------------ */

static int write_callees(struct dbb_index *x)
{
	struct hs_dbfile_writer *cw = NULL, *nw = NULL;
	const void *p;
	uint64_t cur = 0, n = 0, first = 0, index = 0;
	uint8_t r[HS_DB_CALLEES_REC];
	int ret;

	if ((ret = dbb_sort_finish(x->by_callee)))
		return fail_file(x, "callee.hdb", ret);
	if ((ret = create_file(x, "callee.hdb", HS_DB_CALLEE, &cw)) ||
	    (ret = create_file(x, "callees.hdb", HS_DB_CALLEES, &nw)))
		goto out;
	while ((ret = dbb_sort_next(x->by_callee, &p)) == 1) {
		uint64_t callee = hs_le64((const uint8_t *)p + 16);

		if (n && callee != cur) {
			hs_put_le64(r, cur);
			hs_put_le64(r + 8, n);
			hs_put_le64(r + 16, first);
			if ((ret = hs_dbfile_append(nw, cur, r, sizeof(r), NULL, NULL)))
				break;
			n = 0;
		}
		if (!n) {
			cur = callee;
			first = index;
		}
		n++;
		index++;
		if ((ret = hs_dbfile_append(cw, callee, p, HS_DB_CALL_REC, NULL, NULL)))
			break;
	}
	if (ret == 0 && n) {
		hs_put_le64(r, cur);
		hs_put_le64(r + 8, n);
		hs_put_le64(r + 16, first);
		ret = hs_dbfile_append(nw, cur, r, sizeof(r), NULL, NULL);
	}
	if (ret < 0)
		goto out;
	ret = hs_dbfile_finish(cw);
	cw = NULL;
	if (!ret)
		ret = hs_dbfile_finish(nw);
	nw = NULL;
out:
	hs_dbfile_abort(cw);
	hs_dbfile_abort(nw);
	return ret ? fail_file(x, "callee.hdb", ret) : 0;
}

struct lcount {
	uint32_t line;
	uint64_t n;
};

static int flush_file(struct dbb_index *x, struct hs_dbfile_writer *w, uint32_t fid,
		      const struct lcount *lc, size_t n)
{
	const char *path = x->lm && fid < x->lm->n_files ? x->lm->files[fid] : "";
	size_t len = strlen(path);
	uint8_t *r = malloc(HS_DB_LINEFILE_HDR + len);
	int ret;

	if (!r)
		return -ENOMEM;
	hs_put_le32(r, fid);
	hs_put_le32(r + 4, 0);
	hs_put_le64(r + 8, n);
	hs_put_le32(r + 16, (uint32_t)len);
	memcpy(r + HS_DB_LINEFILE_HDR, path, len);
	ret = hs_dbfile_append(w, (uint64_t)fid << 32, r, HS_DB_LINEFILE_HDR + len, NULL, NULL);
	free(r);
	for (size_t i = 0; i < n && !ret; i++) {
		uint8_t c[HS_DB_LINEFILE_HDR];

		hs_put_le32(c, fid);
		hs_put_le32(c + 4, lc[i].line);
		hs_put_le64(c + 8, lc[i].n);
		hs_put_le32(c + 16, 0);
		ret = hs_dbfile_append(w, (uint64_t)fid << 32 | lc[i].line, c, sizeof(c), NULL,
				       NULL);
	}
	return ret;
}

/* The files before fid that have no hit (line starts only): their
 * record, of no lines, so that lines/ lists them too. */
static int flush_empty(struct dbb_index *x, struct hs_dbfile_writer *w, uint32_t *next,
		       uint32_t fid)
{
	int ret = 0;

	for (; *next < fid && !ret; ++*next)
		ret = flush_file(x, w, *next, NULL, 0);
	return ret;
}

static int write_lineidx(struct dbb_index *x)
{
	struct hs_dbfile_writer *iw = NULL, *fw = NULL;
	struct lcount *lc = NULL;
	size_t n_lc = 0, cap_lc = 0;
	uint32_t fid = 0, next = 0, n_files = x->lm ? (uint32_t)x->lm->n_files : 0;
	bool any = false;
	const void *p;
	int ret;

	if ((ret = dbb_sort_finish(x->by_line)))
		return fail_file(x, "lineidx.hdb", ret);
	if ((ret = create_file(x, "lineidx.hdb", HS_DB_LINEIDX, &iw)) ||
	    (ret = create_file(x, "linefiles.hdb", HS_DB_LINEFILES, &fw)))
		goto out;
	while ((ret = dbb_sort_next(x->by_line, &p)) == 1) {
		const uint8_t *r = p;
		uint32_t f = hs_le32(r + 12), line = hs_le32(r + 16);

		if (any && f != fid) {
			if ((ret = flush_file(x, fw, fid, lc, n_lc)))
				break;
			n_lc = 0;
		}
		if ((!any || f != fid) && (ret = flush_empty(x, fw, &next, f)))
			break;
		any = true;
		fid = f;
		next = f + 1;
		if (!n_lc || lc[n_lc - 1].line != line) {
			if ((ret = hs_grow((void **)&lc, &cap_lc, n_lc + 1, sizeof(*lc))))
				break;
			lc[n_lc++] = (struct lcount){ line, 0 };
		}
		lc[n_lc - 1].n++;
		if ((ret = hs_dbfile_append(iw, (uint64_t)f << 32 | line, r, HS_DB_LINE_REC,
					    NULL, NULL)))
			break;
	}
	if (ret == 0 && any)
		ret = flush_file(x, fw, fid, lc, n_lc);
	if (ret == 0)
		ret = flush_empty(x, fw, &next, n_files);
	if (ret < 0)
		goto out;
	ret = hs_dbfile_finish(iw);
	iw = NULL;
	if (!ret)
		ret = hs_dbfile_finish(fw);
	fw = NULL;
out:
	free(lc);
	hs_dbfile_abort(iw);
	hs_dbfile_abort(fw);
	return ret ? fail_file(x, "lineidx.hdb", ret) : 0;
}

struct lineidx_job {
	struct dbb_index x;       /* a copy, reporting to err */
	struct hs_dbb_err err;
	int ret;
};

static void *lineidx_thread(void *arg)
{
	struct lineidx_job *j = arg;

	j->ret = write_lineidx(&j->x);
	return NULL;
}

/* callee.hdb and lineidx.hdb, each a sort and a stream of its own: in two
 * threads (the line sort reads only by_line and lm, the callee one only
 * by_callee). */
static int write_sorted(struct dbb_index *x)
{
	struct lineidx_job j = { .x = *x };
	pthread_t th;
	int ret;

	j.x.err = &j.err;
	if (x->threads <= 1 || pthread_create(&th, NULL, lineidx_thread, &j) != 0) {
		if ((ret = write_callees(x)))
			return ret;
		return write_lineidx(x);
	}
	ret = write_callees(x);
	pthread_join(th, NULL);
	if (!ret && j.ret) {
		ret = j.ret;
		dbb_err_set(x->err, "%s", j.err.msg);
	}
	return ret;
}

int dbb_index_finish(struct dbb_index *x)
{
	int ret;

	if ((ret = lines_upto(x, UINT64_MAX)) || (ret = inl_upto(x, UINT64_MAX)) ||
	    (ret = inl_flush(x, UINT64_MAX)))
		return ret;
	ret = hs_dbfile_finish(x->stacks);
	x->stacks = NULL;
	if (ret)
		return fail_file(x, "stacks.hdb", ret);
	ret = hs_dbfile_finish(x->lines);
	x->lines = NULL;
	if (ret)
		return fail_file(x, "lines.hdb", ret);
	return write_sorted(x);
}
