/* db_backtrace.c - source level from the call tree: file maps, backtraces
 * at any t (stacks.hdb checkpoints plus calls.hdb), calls by callee
 * (callee.hdb, callees.hdb).  db_format.h specifies the files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_i.h"

/* ---- file maps ------------------------------------------------------------- */

struct fmaps {
	struct hs_db_file_map *v;
	size_t n, cap;
	struct range_ev { uint64_t t, start, end; } *gone; /* unmaps, later maps */
	size_t n_gone, cap_gone;
	bool with_tool;          /* Valgrind's tool file is listed too */
	int err;
};

static int on_map_event(void *ctx, const struct hs_db_event *ev)
{
	struct fmaps *f = ctx;
	const uint8_t *pl = ev->payload;
	struct hs_trace_map mp;
	uint64_t start, len;

	if (ev->len < 16)
		return 0;
	start = hs_le64(pl);
	len = hs_le64(pl + 8);
	if (hs_grow((void **)&f->gone, &f->cap_gone, f->n_gone + 1, sizeof(*f->gone)))
		return -ENOMEM;
	f->gone[f->n_gone++] = (struct range_ev){ ev->t, start, start + len };
	if (ev->tag == HS_EV_MAP && !hs_trace_map_parse(pl, ev->len, &mp) &&
	    (mp.flags & HS_MAP_FILE)) {
		char *path;

		if (mp.path_len == 0 ||
		    (!f->with_tool && hs_trace_map_is_tool(mp.path, mp.path_len)))
			return 0;
		if (hs_grow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v)))
			return -ENOMEM;
		/* copied now: the payload is the events block's, which the scan
		 * may reuse once it moves on (and not NUL-terminated) */
		path = strndup(mp.path, mp.path_len);
		if (!path)
			return -ENOMEM;
		f->v[f->n++] = (struct hs_db_file_map){
			.path = path, .start = start, .end = start + len,
			.offset = mp.file_offset, .prot = mp.prot, .t_map = ev->t,
			.t_unmap = HS_DB_NO_RETURN,
		};
	}
	return 0;
}

/* A forked image's inherited maps: its parent's that were mapped at the
 * fork, from t 0 on. */
struct inherit {
	uint64_t at;
	hs_db_file_map_fn cb;
	void *ctx;
};

static int on_parent_map(void *ctx, const struct hs_db_file_map *m)
{
	struct inherit *in = ctx;
	struct hs_db_file_map c = *m;

	if (m->t_map > in->at || m->t_unmap <= in->at)
		return 0;
	c.t_map = 0;
	c.t_unmap = HS_DB_NO_RETURN; /* the child's own unmaps are not followed */
	return in->cb(in->ctx, &c);
}

static int file_maps(const struct hs_db_image *img, hs_db_file_map_fn cb, void *ctx, int depth,
		     bool with_tool)
{
	struct fmaps f = { .with_tool = with_tool };
	int err;

	if (img->parent && depth < DB_MAX_DEPTH) {
		struct inherit in = { img->parent_t, cb, ctx };

		if ((err = file_maps(img->parent, on_parent_map, &in, depth + 1, with_tool)))
			return err;
	}
	err = hs_db_events(img, 0, UINT64_MAX,
			   HS_DB_KIND_BIT(HS_EV_MAP) | HS_DB_KIND_BIT(HS_EV_UNMAP), on_map_event,
			   &f);
	if (err)
		goto out;
	/* gone: the first later unmap or map over any of its bytes */
	for (size_t i = 0, g = 0; i < f.n; i++) {
		while (g < f.n_gone && f.gone[g].t <= f.v[i].t_map)
			g++;
		for (size_t k = g; k < f.n_gone; k++) {
			if (f.gone[k].start < f.v[i].end && f.gone[k].end > f.v[i].start) {
				f.v[i].t_unmap = f.gone[k].t;
				break;
			}
		}
	}
	for (size_t i = 0; i < f.n && !err; i++)
		err = cb(ctx, &f.v[i]);
out:
	for (size_t i = 0; i < f.n; i++)
		free((char *)f.v[i].path);
	free(f.v);
	free(f.gone);
	return err;
}

int hs_db_file_maps(const struct hs_db_image *img, hs_db_file_map_fn cb, void *ctx)
{
	return file_maps(img, cb, ctx, 0, false);
}

int hs_db_file_maps_all(const struct hs_db_image *img, hs_db_file_map_fn cb, void *ctx)
{
	return file_maps(img, cb, ctx, 0, true);
}

/* ---- backtraces ------------------------------------------------------------ */

struct frames {
	struct hs_db_call *v;
	size_t n, cap;
};

static void call_parse(const uint8_t *rec, struct hs_db_call *c)
{
	*c = (struct hs_db_call){
		.t_call = hs_le64(rec), .t_ret = hs_le64(rec + 8),
		.callee = hs_le64(rec + 16), .call_site = hs_le64(rec + 24),
		.tid = hs_le32(rec + 32), .depth = hs_le32(rec + 36),
			.flags = hs_le32(rec + 40),
	};
}

static int frames_add(struct frames *f, const uint8_t *rec)
{
	if (hs_grow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v)))
		return -ENOMEM;
	call_parse(rec, &f->v[f->n++]);
	return 0;
}

struct exit_find {
	uint32_t tid;
	bool found;
};

static int on_exit_ev(void *ctx, const struct hs_db_event *ev)
{
	struct exit_find *x = ctx;

	if (ev->len >= 4 && hs_le32(ev->payload) == x->tid) {
		x->found = true;
		return 1;
	}
	return 0;
}

/* The context (stack) tid runs on at t: that of its last switch with
 * key <= t (ctxsw.hdb, db_format.h), 0 before any.  A thread that never
 * switched, in a recording with switches of others, reads every block. */
int db_ctx_at(struct hs_db_image *img, uint64_t t, uint32_t tid, uint32_t *ctx)
{
	const struct hs_dbfile *f = img->files[HS_DB_CTXSW];
	size_t b;
	int err = 0;

	*ctx = 0;
	if (!f || hs_dbfile_block_count(f) == 0)
		return 0;
	b = hs_dbfile_find(f, t) + 1;
	while (b-- > 0) {
		struct db_centry *e = NULL;
		const uint8_t *data;
		size_t len;
		bool found = false;

		if ((err = db_block_get(img, HS_DB_CTXSW, b, &e, &data, &len)))
			return err;
		for (size_t i = len / HS_DB_CTXSW_REC; i > 0 && !found; i--) {
			const uint8_t *r = data + (i - 1) * HS_DB_CTXSW_REC;

			if (hs_le64(r) <= t && hs_le32(r + 8) == tid) {
				*ctx = hs_le32(r + 12);
				found = true;
			}
		}
		db_cache_put(&img->db->cache, e);
		if (found)
			break;
	}
	return 0;
}

/* The checkpoint to start from: the one with the largest key < t.  Adds
 * its frames open at t on context ctx and sets *index to the first call
 * it does not cover (0 when there is none). */
static int from_checkpoint(struct hs_db_image *img, uint64_t t, uint32_t tid, uint32_t ctx,
			   struct frames *out, uint64_t *index)
{
	const struct hs_dbfile *f = img->files[HS_DB_STACKS];
	const uint8_t *data, *best = NULL;
	struct db_centry *e = NULL;
	size_t b, len, off = 0;
	int err;

	*index = 0;
	if (t == 0 || hs_dbfile_block_count(f) == 0)
		return 0;
	b = hs_dbfile_find(f, t - 1);
	if (hs_dbfile_block(f, b)->first_key > t - 1)
		return 0;
	if ((err = db_block_get(img, HS_DB_STACKS, b, &e, &data, &len)))
		return err;
	while (off + HS_DB_STACKS_HDR <= len) {
		uint32_t n = hs_le32(data + off + 16);
		size_t size = HS_DB_STACKS_HDR + (size_t)n * HS_DB_STACKS_FRAME;

		if (size > len - off) {
			err = db_corrupt(f, b, "a checkpoint runs past the block");
			goto out;
		}
		if (hs_le64(data + off) > t - 1)
			break;
		best = data + off;
		off += size;
	}
	if (!best)
		goto out;
	*index = hs_le64(best + 8);
	for (uint32_t i = 0; i < hs_le32(best + 16); i++) {
		const uint8_t *fr = best + HS_DB_STACKS_HDR + (size_t)i * HS_DB_STACKS_FRAME;
		uint64_t end = hs_le64(fr + HS_DB_CALL_REC);
		/* a call that never returned is still open at its thread's
		 * exit (hs_db_backtrace) */
		bool closed = hs_le64(fr + 8) == HS_DB_NO_RETURN ? end < t : end <= t;

		if (hs_le32(fr + 32) != tid || hs_le32(fr + 44) != ctx || hs_le64(fr) >= t ||
		    closed)
			continue;
		if ((err = frames_add(out, fr)))
			break;
	}
out:
	db_cache_put(&img->db->cache, e);
	return err;
}

bool db_has_switches(const struct hs_db_image *img)
{
	return img->files[HS_DB_CTXSW] && hs_dbfile_record_count(img->files[HS_DB_CTXSW]);
}

/* The open calls of tid at t on context ctx, outermost first, into out. */
static int open_calls_in(struct hs_db_image *img, uint64_t t, uint32_t tid, uint32_t ctx,
			 struct frames *out)
{
	const struct hs_dbfile *f = img->files[HS_DB_CALLS];
	struct db_fcursor cur;
	const uint8_t *rec;
	uint64_t index, before = 0;
	size_t b = 0, nb = hs_dbfile_block_count(f);
	int err;

	if ((err = from_checkpoint(img, t, tid, ctx, out, &index)))
		return err;
	/* calls.hdb record `index`: its block from the records per block */
	while (b < nb && before + hs_dbfile_block(f, b)->n_records <= index)
		before += hs_dbfile_block(f, b++)->n_records;
	db_fcursor_init(&cur, img, HS_DB_CALLS, HS_DB_CALL_REC, b, false);
	for (uint64_t skip = index - before; skip > 0; skip--) {
		err = db_fcursor_next(&cur, &rec);
		if (err) {
			err = err < 0 ? err : 0;
			goto out;
		}
	}
	for (;;) {
		uint64_t t_call, t_ret;

		err = db_fcursor_next(&cur, &rec);
		if (err) {
			err = err < 0 ? err : 0;
			break;
		}
		t_call = hs_le64(rec);
		if (t_call > t)
			break;
		if (hs_le32(rec + 32) != tid || hs_le32(rec + 44) != ctx)
			continue;
		/* a handler runs from its delivery on: the state at its t_call
		 * is its first (a call's is the caller's, at the call) */
		if (t_call == t && (hs_le32(rec + 40) & (HS_DB_CALL_SIGNAL | HS_DB_CALL_TAILIN)) !=
				   HS_DB_CALL_SIGNAL)
			continue;
		t_ret = hs_le64(rec + 8);
		if (t_ret != HS_DB_NO_RETURN) {
			if (t_ret <= t)
				continue;
		} else {
			/* closed by its thread's exit before t?  At the exit
			 * itself the calls are still there: the stack of a
			 * thread (or process) as it dies is what one asks for */
			struct exit_find x = { .tid = tid };

			if (t > t_call + 1) {
				err = hs_db_events(img, t_call + 1, t - 1,
						   HS_DB_KIND_BIT(HS_EV_THREAD_EXIT), on_exit_ev, &x);
				if (err < 0)
					break;
			}
			if (x.found)
				continue;
		}
		if ((err = frames_add(out, rec)))
			break;
	}
out:
	db_fcursor_release(&cur);
	return err;
}

/* The open calls of tid at t, outermost first, into out: those of the
 * stack it runs on then (gdb's bt shows no other). */
static int open_calls(struct hs_db_image *img, uint64_t t, uint32_t tid, struct frames *out)
{
	uint32_t ctx;
	int err = db_ctx_at(img, t, tid, &ctx);

	return err ? err : open_calls_in(img, t, tid, ctx, out);
}

int db_backtrace_ctx(struct hs_db_image *img, uint64_t t, uint32_t tid, uint32_t ctx,
		     struct hs_db_call *frames, size_t max)
{
	struct frames fr = { 0 };
	int err;

	if ((err = open_calls_in(img, t, tid, ctx, &fr)))
		goto out;
	for (size_t i = 0; i < fr.n && i < max; i++)
		frames[i] = fr.v[fr.n - 1 - i];
	err = fr.n > (size_t)INT32_MAX ? INT32_MAX : (int)fr.n;
out:
	free(fr.v);
	return err;
}

int db_open_calls(struct hs_db_image *img, uint64_t t, uint32_t tid, size_t *n)
{
	struct frames fr = { 0 };
	int err = open_calls(img, t, tid, &fr);

	*n = fr.n;
	free(fr.v);
	return err;
}

int hs_db_backtrace(const struct hs_db_image *cimg, uint64_t t, uint32_t tid,
		    struct hs_db_call *frames, size_t max)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	uint32_t ctx;
	int err;

	if (t > img->t_end)
		return -ERANGE;
	if (!tid && (err = hs_db_thread_at(img, t, &tid)))
		return err;
	if ((err = db_ctx_at(img, t, tid, &ctx)))
		return err;
	return db_backtrace_ctx(img, t, tid, ctx, frames, max);
}

/* ---- calls by callee ----------------------------------------------------- */

int hs_db_callees(const struct hs_db_image *cimg, hs_db_callee_fn cb, void *ctx)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	struct db_fcursor cur;
	const uint8_t *rec;
	int err;

	db_fcursor_init(&cur, img, HS_DB_CALLEES, HS_DB_CALLEES_REC, 0, false);
	for (;;) {
		int got = db_fcursor_next(&cur, &rec);

		if (got) {
			err = got < 0 ? got : 0;
			break;
		}
		if ((err = cb(ctx, hs_le64(rec), hs_le64(rec + 8))))
			break;
	}
	db_fcursor_release(&cur);
	return err;
}

int hs_db_calls_to(const struct hs_db_image *cimg, uint64_t callee, hs_db_call_fn cb,
		   void *ctx)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	const struct hs_dbfile *f = img->files[HS_DB_CALLEE];
	struct db_fcursor cur;
	const uint8_t *rec;
	int err;

	db_fcursor_init(&cur, img, HS_DB_CALLEE, HS_DB_CALLEE_REC, db_block_first_ge(f, callee),
			false);
	for (;;) {
		struct hs_db_call c;
		int got = db_fcursor_next(&cur, &rec);
		uint64_t k;

		if (got) {
			err = got < 0 ? got : 0;
			break;
		}
		k = hs_le64(rec + 16);
		if (k < callee)
			continue;
		if (k > callee) {
			err = 0;
			break;
		}
		call_parse(rec, &c);
		if ((err = cb(ctx, &c)))
			break;
	}
	db_fcursor_release(&cur);
	return err;
}
