/* dbb_merge.c - shards -> the .hdb files of one process image.
 *
 * Inputs are the shard folders of dbb_shard.c (dbb_i.h lists their files),
 * in shard order; shards are contiguous chunk ranges, so CHUNKS, EVENTS and
 * RUNS are concatenations.  PAGES is a k-way merge of every shard's sorted
 * runs by (page, chunk), through the chain folder of dbb_fold.c, with one
 * PAGEIDX entry per record written.  CALLS needs two passes:
 *
 *  1. (small data) walk the shards in order with one stack per thread of
 *     the calls still open from earlier shards (G): each shard's orphan
 *     returns close the innermost matching G entry and every entry above
 *     it, thread exits empty G; then the shard's own open calls are pushed.
 *     This gives the t_ret of every call left open by a shard, and for each
 *     shard the size of G over time (the depth its calls sit at).  Where a
 *     shard guessed wrong how an orphan that left calls of its own open
 *     resolves (dbb_calls.c), its calls are first decoded again from G
 *     (calls_redo), exactly, into OUT/<image>/calls.<s>/ (removed after).
 *     The first shard with a stack switch (ucontext, ORPH_CTXSW) is
 *     decoded again from G over every later chunk too, and the later
 *     shards get empty calls files: a shard cannot know the contexts
 *     (stacks) earlier ones left, so one tracker follows them all from
 *     the first switch (the calls are those of a single shard; coroutine
 *     programs decode their calls once more, in one thread).  The
 *     switches make ctxsw.hdb.
 *  2. stream each shard's calls.sp, adding that depth (to calls of
 *     context 0 only: G's are all there) and filling in the t_ret values
 *     from its patches (cpatch.sp) and from pass 1.
 *
 * The parts run side by side (merge_parts): PAGES, CHUNKS + RUNS and pass
 * 1 each in a thread, EVENTS, THREADS and the line pass in the caller's,
 * then pass 2, its records read and completed in one thread and written
 * with the indexes in the caller's (the indexes' sorts sort and write
 * their runs in threads); every file is compressed by worker threads
 * (hs_dbfile_parallel).  The merge's threads are hs_dbb_opts.threads
 * (--threads; 1: none at all); an image under MERGE_SMALL_CHUNKS chunks
 * gets none either.
 * The output depends only on the shards' files, never on timing or the
 * threads, so the threaded build and the --shard/--merge build give the
 * same bytes.  HS_BUILD_TIMES=1 prints each part's seconds.
 */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dbb_i.h"

struct shard_in {
	char *dir;             /* SHARD/<image> */
	char *calls_dir;       /* its calls decoded again (calls_redo), or NULL */
	size_t first_chunk, end_chunk, planned_end;
	uint64_t first_t, end_t, chunks;
	bool truncated;
	unsigned page_runs;
	/* calls, pass 1 */
	struct copen *open;    /* copen.sp */
	size_t n_open;
	struct gchange *chg;   /* G size changes, in t order */
	size_t n_chg;
	uint32_t *g0;          /* [tid] size of G at the shard's start */
	size_t n_g0;
	struct tailfill *fill; /* its tail calls out of calls of G */
	size_t n_fill, cap_fill;
};

/* Call `index` of a shard replaced a call of G by a tail call: its return
 * address is that call's. */
struct tailfill {
	uint64_t index, ret_addr, site;
};

struct copen {
	uint64_t index, ret_addr, t_call, t_ret, sp, site;
	uint32_t tid, depth;
	uint32_t flags;          /* HS_DB_CALL_SIGNAL, then HS_DB_CALL_UNWOUND */
};

struct gchange {
	uint64_t t;
	uint32_t tid, size;
};

struct merge {
	struct dbb_image *img;
	const char *image;
	struct shard_in *sh;
	unsigned n;            /* shards used */
	const char *out;       /* out_dir/<image> */
	int level;
	FILE *log;
	struct hs_dbb_err *err;
	unsigned threads;         /* compression workers per file; 1: no threads */
	/* held by the line pass and by calls_redo: both load and filter the
	 * image's code and start-up symbols (img->code, smaps, lsrc) */
	pthread_mutex_t *img_lock;
	bool times;               /* HS_BUILD_TIMES: each part's seconds on log */
	/* for the source-level indexes (dbb_index.c, dbb_lines.c) */
	struct dbb_exit *exits;   /* thread exits, by (tid, t) */
	size_t n_exits, cap_exits;
	struct dbb_fmap *maps;    /* file-backed mappings, in t order */
	size_t n_maps, cap_maps;
	struct dbb_lines *lines;  /* resolved line starts, or NULL */
	char *tmp;                /* out/idx.tmp: sort runs, line passes */
	struct dbb_threads *threads_rec; /* THREADS, from the events (dbb_threads.c) */
	/* stack switches (CTXSW records, in t order) */
	uint8_t *sw;
	size_t n_sw, cap_sw;
};

/* Keeps what the indexes need from an event: thread exits, file maps. */
static int note_event(struct merge *m, const uint8_t *rec, uint32_t len)
{
	uint32_t tag = hs_le32(rec + 12);
	const uint8_t *pl = rec + HS_DB_EVENT_HDR;
	int ret = dbb_threads_event(m->threads_rec, hs_le64(rec), tag, pl, len);

	if (ret)
		return ret;
	if (tag == HS_EV_THREAD_EXIT && len >= 4) {
		if (hs_grow((void **)&m->exits, &m->cap_exits, m->n_exits + 1, sizeof(*m->exits)))
			return -ENOMEM;
		m->exits[m->n_exits++] = (struct dbb_exit){ hs_le32(pl), hs_le64(rec) };
	} else if (tag == HS_EV_MAP) {
		struct hs_trace_map mp;

		if (hs_trace_map_parse(pl, len, &mp) || !(mp.flags & HS_MAP_FILE) || !mp.path_len)
			return 0;
		if ((ret = dbb_fmap_add(&m->maps, &m->cap_maps, &m->n_maps, &mp)))
			return ret;
		m->maps[m->n_maps - 1].t = hs_le64(rec);
	}
	return 0;
}

static int cmp_exit(const void *a, const void *b)
{
	const struct dbb_exit *x = a, *y = b;

	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->t < y->t ? -1 : x->t > y->t;
}


static int open_in(const struct shard_in *s, const char *name, struct dbb_spill_r **r,
		   struct hs_dbb_err *err)
{
	char *path = dbb_path(s->dir, name);
	int ret;

	if (!path)
		return -ENOMEM;
	ret = dbb_spill_open(path, r);
	if (ret)
		dbb_err_set(err, "%s: %s", path, strerror(-ret));
	free(path);
	return ret;
}

static int bad_in(const struct shard_in *s, const char *name, int ret,
		  struct hs_dbb_err *err)
{
	dbb_err_set(err, "%s/%s: %s", s->dir, name,
		    ret == -EBADMSG ? "shard file is damaged or cut short" : strerror(-ret));
	return ret ? ret : -EBADMSG;
}

/* The calls files (calls.sp, cpatch.sp, copen.sp, corph.sp) of a shard:
 * its own, or those of its re-run. */
static int open_calls(const struct shard_in *s, const char *name, struct dbb_spill_r **r,
		      struct hs_dbb_err *err)
{
	struct shard_in t = *s;

	if (s->calls_dir)
		t.dir = s->calls_dir;
	return open_in(&t, name, r, err);
}

static int create_out(struct merge *m, const char *name, uint32_t kind,
		      struct hs_dbfile_writer **w, struct hs_dbb_err *err)
{
	char *path = dbb_path(m->out, name);
	int ret;

	if (!path)
		return -ENOMEM;
	ret = hs_dbfile_create(path, kind, m->level, &m->img->id, w);
	if (!ret)
		ret = hs_dbfile_parallel(*w, m->threads);
	if (ret)
		dbb_err_set(err, "%s: %s", path, strerror(-ret));
	free(path);
	return ret;
}

static int finish_out(struct merge *m, const char *name, struct hs_dbfile_writer *w,
		      struct hs_dbb_err *err)
{
	int ret = hs_dbfile_finish(w);

	if (ret)
		dbb_err_set(err, "%s/%s: %s", m->out, name, strerror(-ret));
	return ret;
}

/* ---- shard info -------------------------------------------------------- */

/* o's member key as a number; false (and a message) when it is missing. */
static bool get_u64(json_object *o, const char *key, uint64_t *out, const char *path,
		    struct hs_dbb_err *err)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v)) {
		dbb_err_set(err, "%s: no \"%s\"", path, key);
		return false;
	}
	*out = (uint64_t)json_object_get_int64(v);
	return true;
}

static int read_info(struct shard_in *s, const char *image, struct hs_dbb_err *err)
{
	char *path = dbb_path(s->dir, "info.json"), *text = NULL;
	json_object *o = NULL, *v;
	uint64_t first, end, planned, runs, truncated;
	int ret;

	if (!path)
		return -ENOMEM;
	ret = dbb_read_file(path, &text, NULL);
	if (ret) {
		dbb_err_set(err, "%s: %s (was this shard built?)", path, strerror(-ret));
		goto out;
	}
	o = json_tokener_parse(text);
	if (!o || !json_object_object_get_ex(o, "image", &v) ||
	    strcmp(json_object_get_string(v), image) != 0) {
		dbb_err_set(err, "%s: not the shard info of image %s", path, image);
		ret = -EBADMSG;
		goto out;
	}
	if (!get_u64(o, "first_chunk", &first, path, err) ||
	    !get_u64(o, "end_chunk", &end, path, err) ||
	    !get_u64(o, "planned_end_chunk", &planned, path, err) ||
	    !get_u64(o, "first_t", &s->first_t, path, err) ||
	    !get_u64(o, "end_t", &s->end_t, path, err) ||
	    !get_u64(o, "page_runs", &runs, path, err) ||
	    !get_u64(o, "truncated", &truncated, path, err)) {
		ret = -EBADMSG;
		goto out;
	}
	s->first_chunk = (size_t)first;
	s->end_chunk = (size_t)end;
	s->planned_end = (size_t)planned;
	s->page_runs = (unsigned)runs;
	s->truncated = truncated != 0;
	s->chunks = s->end_chunk - s->first_chunk;
out:
	json_object_put(o);
	free(text);
	free(path);
	return ret;
}

/* ---- CHUNKS, EVENTS, RUNS ------------------------------------------------ */

static int merge_chunks(struct merge *m, uint64_t *end_t, uint64_t *n_chunks)
{
	struct hs_dbfile_writer *w = NULL;
	uint8_t rec[HS_DB_CHUNK_REC];
	uint64_t t = 0, seq = 0;
	int ret;

	if ((ret = create_out(m, "chunks.hdb", HS_DB_CHUNKS, &w, m->err)))
		return ret;
	for (unsigned s = 0; s < m->n; s++) {
		struct dbb_spill_r *r = NULL;

		if ((ret = open_in(&m->sh[s], "chunks.sp", &r, m->err)))
			goto fail;
		while ((ret = dbb_spill_read(r, rec, sizeof(rec))) == 1) {
			if (hs_le64(rec) != seq || (seq && hs_le64(rec + 8) != t)) {
				dbb_err_set(m->err, "%s: chunk %" PRIu64 " does not continue chunk %"
					    PRIu64 " (t %" PRIu64 " vs %" PRIu64 ")", m->sh[s].dir,
					    hs_le64(rec), seq, hs_le64(rec + 8), t);
				ret = -EBADMSG;
				break;
			}
			seq++;
			t = hs_le64(rec + 16);
			if ((ret = hs_dbfile_append(w, hs_le64(rec + 8), rec, sizeof(rec), NULL, NULL)))
				break;
		}
		dbb_spill_close_r(r);
		if (ret < 0) {
			bad_in(&m->sh[s], "chunks.sp", ret, m->err);
			goto fail;
		}
	}
	*end_t = t;
	*n_chunks = seq;
	return finish_out(m, "chunks.hdb", w, m->err);
fail:
	hs_dbfile_abort(w);
	return ret;
}

static int merge_events(struct merge *m)
{
	struct hs_dbfile_writer *w = NULL;
	uint8_t *buf = NULL;
	size_t cap = 0;
	int ret;

	if ((ret = create_out(m, "events.hdb", HS_DB_EVENTS, &w, m->err)))
		return ret;
	for (unsigned s = 0; s < m->n; s++) {
		struct dbb_spill_r *r = NULL;

		if ((ret = open_in(&m->sh[s], "events.sp", &r, m->err)))
			goto fail;
		for (;;) {
			uint8_t h[HS_DB_EVENT_HDR];
			uint32_t len;

			ret = dbb_spill_read(r, h, sizeof(h));
			if (ret != 1)
				break;
			len = hs_le32(h + 16);
			if ((ret = hs_grow((void **)&buf, &cap, HS_DB_EVENT_HDR + (size_t)len, 1)))
				break;
			memcpy(buf, h, sizeof(h));
			if (len && (ret = dbb_spill_read(r, buf + HS_DB_EVENT_HDR, len)) != 1) {
				ret = ret ? ret : -EBADMSG;
				break;
			}
			if ((ret = hs_dbfile_append(w, hs_le64(h), buf, HS_DB_EVENT_HDR + (size_t)len,
						    NULL, NULL)) ||
			    (ret = note_event(m, buf, len)))
				break;
		}
		dbb_spill_close_r(r);
		if (ret < 0) {
			bad_in(&m->sh[s], "events.sp", ret, m->err);
			goto fail;
		}
	}
	free(buf);
	return finish_out(m, "events.hdb", w, m->err);
fail:
	free(buf);
	hs_dbfile_abort(w);
	return ret;
}

static int merge_threads(struct merge *m)
{
	struct hs_dbfile_writer *w = NULL;
	uint8_t rec[HS_DB_THREAD_REC];
	int ret;

	if ((ret = create_out(m, "threads.hdb", HS_DB_THREADS, &w, m->err)))
		return ret;
	for (size_t i = 0; i < dbb_threads_count(m->threads_rec); i++) {
		dbb_threads_record(m->threads_rec, i, rec);
		if ((ret = hs_dbfile_append(w, hs_le64(rec), rec, sizeof(rec), NULL, NULL))) {
			dbb_err_set(m->err, "%s/threads.hdb: %s", m->out, strerror(-ret));
			hs_dbfile_abort(w);
			return ret;
		}
	}
	return finish_out(m, "threads.hdb", w, m->err);
}

static int merge_runs(struct merge *m)
{
	struct hs_dbfile_writer *w = NULL;
	uint8_t rec[HS_DB_RUN_REC];
	bool have = false;
	uint32_t last = 0;
	int ret;

	if ((ret = create_out(m, "runs.hdb", HS_DB_RUNS, &w, m->err)))
		return ret;
	for (unsigned s = 0; s < m->n; s++) {
		struct dbb_spill_r *r = NULL;

		if ((ret = open_in(&m->sh[s], "runs.sp", &r, m->err)))
			goto fail;
		while ((ret = dbb_spill_read(r, rec, sizeof(rec))) == 1) {
			uint32_t tid = hs_le32(rec + 8);

			if (have && tid == last)
				continue; /* a shard's first, same thread */
			have = true;
			last = tid;
			if ((ret = hs_dbfile_append(w, hs_le64(rec), rec, sizeof(rec), NULL, NULL)))
				break;
		}
		dbb_spill_close_r(r);
		if (ret < 0) {
			bad_in(&m->sh[s], "runs.sp", ret, m->err);
			goto fail;
		}
	}
	return finish_out(m, "runs.hdb", w, m->err);
fail:
	hs_dbfile_abort(w);
	return ret;
}

/* ---- CALLS ---------------------------------------------------------------- */

struct gstack {
	struct copen **e;
	size_t n, cap;
};

static int cmp_open(const void *a, const void *b)
{
	uint64_t x = ((const struct copen *)a)->index, y = ((const struct copen *)b)->index;

	return x < y ? -1 : x > y;
}

static struct gstack *gstack_of(struct gstack **g, size_t *n_g, uint32_t tid)
{
	if (hs_grow_zero((void **)g, n_g, (size_t)tid + 1, sizeof(**g)))
		return NULL;
	return &(*g)[tid];
}

/* The orphans of shard si (corph.sp of its calls folder) into *out. */
static int read_orphans(struct shard_in *si, uint8_t **out, size_t *n, struct hs_dbb_err *err)
{
	struct dbb_spill_r *r = NULL;
	uint8_t *v = NULL;
	size_t cap = 0;
	int ret;

	*out = NULL;
	*n = 0;
	if ((ret = open_calls(si, "corph.sp", &r, err)))
		return ret;
	for (;;) {
		if ((ret = hs_grow((void **)&v, &cap, (*n + 1) * DBB_CORPH_REC, 1)))
			break;
		ret = dbb_spill_read(r, v + *n * DBB_CORPH_REC, DBB_CORPH_REC);
		if (ret != 1)
			break;
		(*n)++;
	}
	dbb_spill_close_r(r);
	if (ret < 0) {
		free(v);
		*n = 0;
		return bad_in(si, "corph.sp", ret, err);
	}
	*out = v;
	return 0;
}

/* The innermost entry of st[0..n) returning to target, plus one; 0: none. */
static size_t gstack_match(const struct gstack *st, size_t n, uint64_t target)
{
	size_t j;

	for (j = n; j > 0; j--)
		if (st->e[j - 1]->ret_addr == target)
			break;
	return j;
}

/* How many of st's first n entries an orphan of kind ORPH_SP_RET,
 * ORPH_SP_JMP or ORPH_SIGRET leaves open: the frame rule of dbb_calls.c
 * over the calls earlier shards left open. */
static size_t gstack_keep(const struct gstack *st, size_t n, uint32_t kind, uint64_t sp)
{
	size_t j = n;

	if (kind == ORPH_SIGRET) {
		while (j > 0 && !(st->e[j - 1]->flags & HS_DB_CALL_SIGNAL))
			j--;
		return j ? j - 1 : 0; /* no handler open: every frame ends */
	}
	while (j > 0 && dbb_calls_left(st->e[j - 1]->sp, st->e[j - 1]->flags,
				       kind == ORPH_SP_RET, sp))
		j--;
	return j;
}

/* Can a jump with rsp sp be a tail call out of the innermost of st's
 * first n entries (dbb_calls.c)? */
static bool gstack_tail(const struct gstack *st, size_t n, uint64_t sp)
{
	return n && st->e[n - 1]->sp == sp;
}

/* Did shard si guess right, for every orphan that left calls of its own
 * open, whether it returns to a call of G (dbb_calls.c)?  Replays the
 * orphans on the sizes of G alone. */
static int guesses_hold(const struct gstack *g, size_t n_g, const uint8_t *orph,
			size_t n_orph, bool *ok)
{
	size_t *size = calloc(n_g + 1, sizeof(*size));

	*ok = true;
	if (!size)
		return -ENOMEM;
	for (size_t tid = 0; tid < n_g; tid++)
		size[tid] = g[tid].n;
	for (size_t i = 0; i < n_orph && *ok; i++) {
		const uint8_t *rec = orph + i * DBB_CORPH_REC;
		uint32_t tid = hs_le32(rec + 16), kind = hs_le32(rec + 20);
		size_t j = 0;

		if (kind == ORPH_CTXSW)
			continue; /* changes nothing of G (calls_pass1) */
		if (kind == ORPH_SP_RET || kind == ORPH_SP_JMP || kind == ORPH_SIGRET) {
			uint32_t fl = hs_le32(rec + 28);
			bool tail = false;

			if (tid < n_g && !hs_le32(rec + 24)) {
				size[tid] = gstack_keep(&g[tid], size[tid], kind, hs_le64(rec + 32));
				tail = gstack_tail(&g[tid], size[tid], hs_le64(rec + 32));
			}
			if ((fl & ORPH_TAILCAND) && tail != !!(fl & ORPH_TAILED))
				*ok = false;
			/* out of a handler's frame: the call the shard opened
			 * must carry HS_DB_CALL_SIGNAL, which only a re-run
			 * knows to give it (G's flags) */
			if ((fl & ORPH_TAILED) && tail &&
			    !(g[tid].e[size[tid] - 1]->flags & HS_DB_CALL_SIGNAL) !=
			    !(fl & ORPH_TAILSIG))
				*ok = false;
			if ((fl & ORPH_TAILED) && tail)
				size[tid]--;
			continue;
		}
		if (kind != ORPH_RET) {
			if (tid < n_g)
				size[tid] = 0;
			continue;
		}
		/* a thread G has nothing of matches nothing */
		if (tid < n_g)
			j = gstack_match(&g[tid], size[tid], hs_le64(rec + 8));
		if (hs_le32(rec + 24) && (j > 0) != !!(hs_le32(rec + 28) & ORPH_CLOSED))
			*ok = false;
		if (j)
			size[tid] = j - 1;
	}
	free(size);
	return 0;
}

/* Shard s guessed wrong: decode its chunks again for their calls, from G,
 * into OUT/calls.<s>/, which its calls files are then read from. */
static int calls_redo(struct merge *m, unsigned s, const struct gstack *g, size_t n_g,
		      size_t end_chunk)
{
	struct shard_in *si = &m->sh[s];
	struct dbb_calls_ext ext = { .n_tids = n_g };
	char name[32];
	int ret = -ENOMEM;

	snprintf(name, sizeof(name), "calls.%u", s);
	si->calls_dir = dbb_path(m->out, name);
	ext.n = calloc(n_g + 1, sizeof(*ext.n));
	ext.ret_addr = calloc(n_g + 1, sizeof(*ext.ret_addr));
	ext.sp = calloc(n_g + 1, sizeof(*ext.sp));
	ext.flags = calloc(n_g + 1, sizeof(*ext.flags));
	ext.site = calloc(n_g + 1, sizeof(*ext.site));
	if (!si->calls_dir || !ext.n || !ext.ret_addr || !ext.sp || !ext.flags || !ext.site)
		goto out;
	for (size_t tid = 0; tid < n_g; tid++) {
		ext.n[tid] = g[tid].n;
		ext.ret_addr[tid] = malloc((g[tid].n + 1) * sizeof(**ext.ret_addr));
		ext.sp[tid] = malloc((g[tid].n + 1) * sizeof(**ext.sp));
		ext.flags[tid] = malloc((g[tid].n + 1) * sizeof(**ext.flags));
		ext.site[tid] = malloc((g[tid].n + 1) * sizeof(**ext.site));
		if (!ext.ret_addr[tid] || !ext.sp[tid] || !ext.flags[tid] || !ext.site[tid])
			goto out;
		for (size_t k = 0; k < g[tid].n; k++) {
			ext.ret_addr[tid][k] = g[tid].e[k]->ret_addr;
			ext.sp[tid][k] = g[tid].e[k]->sp;
			ext.flags[tid][k] = g[tid].e[k]->flags;
			ext.site[tid][k] = g[tid].e[k]->site;
		}
	}
	if ((ret = dbb_rmtree(si->calls_dir)) || (ret = dbb_mkdir(si->calls_dir))) {
		dbb_err_set(m->err, "%s: %s", si->calls_dir, strerror(-ret));
		goto out;
	}
	pthread_mutex_lock(m->img_lock);
	ret = dbb_calls_redo(m->img, si->first_chunk, end_chunk, &ext, si->calls_dir, m->err);
	pthread_mutex_unlock(m->img_lock);
out:
	for (size_t tid = 0; tid < n_g; tid++) {
		if (ext.ret_addr)
			free(ext.ret_addr[tid]);
		if (ext.sp)
			free(ext.sp[tid]);
		if (ext.flags)
			free(ext.flags[tid]);
		if (ext.site)
			free(ext.site[tid]);
	}
	free(ext.ret_addr);
	free(ext.sp);
	free(ext.flags);
	free(ext.site);
	free(ext.n);
	return ret;
}

/* The calls shard si leaves open at its end (copen.sp), per thread
 * innermost last, with the return sites of the tail calls pass 1 filled
 * in (si->fill). */
static int read_open_calls(struct merge *m, struct shard_in *si)
{
	struct dbb_spill_r *r = NULL;
	uint8_t rec[DBB_COPEN_REC];
	size_t cap = 0;
	int ret;

	if ((ret = open_calls(si, "copen.sp", &r, m->err)))
		return ret;
	while ((ret = dbb_spill_read(r, rec, DBB_COPEN_REC)) == 1) {
		if ((ret = hs_grow((void **)&si->open, &cap, si->n_open + 1, sizeof(*si->open))))
			break;
		si->open[si->n_open++] = (struct copen){
			.index = hs_le64(rec), .ret_addr = hs_le64(rec + 8),
			.t_call = hs_le64(rec + 16), .t_ret = HS_DB_NO_RETURN,
			.tid = hs_le32(rec + 24), .depth = hs_le32(rec + 28),
			.sp = hs_le64(rec + 32), .flags = hs_le32(rec + 40),
			.site = hs_le64(rec + 48),
		};
	}
	dbb_spill_close_r(r);
	if (ret < 0) {
		bad_in(si, "copen.sp", ret, m->err);
		return ret;
	}
	for (size_t f = 0; f < si->n_fill; f++)
		for (size_t k = 0; k < si->n_open; k++)
			if (si->open[k].index == si->fill[f].index && !si->open[k].site) {
				si->open[k].ret_addr = si->fill[f].ret_addr;
				si->open[k].site = si->fill[f].site;
			}
	return 0;
}

/* Has a shard's orphan list a stack switch (ORPH_CTXSW)? */
static bool orph_switches(const uint8_t *orph, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hs_le32(orph + i * DBB_CORPH_REC + 20) == ORPH_CTXSW)
			return true;
	return false;
}

/* Shard s's calls are an earlier shard's re-run's: it gets calls files
 * with nothing in them. */
static int calls_empty(struct merge *m, unsigned s)
{
	struct shard_in *si = &m->sh[s];
	struct dbb_calls *c = NULL;
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "calls.%u", s);
	free(si->calls_dir);
	if (!(si->calls_dir = dbb_path(m->out, name)))
		return -ENOMEM;
	if ((ret = dbb_rmtree(si->calls_dir)) || (ret = dbb_mkdir(si->calls_dir)) ||
	    (ret = dbb_calls_new(si->calls_dir, false, NULL, HS_DBB_GUESS_SP, &c)) ||
	    (ret = dbb_calls_finish(c)))
		dbb_err_set(m->err, "%s: %s", si->calls_dir, strerror(-ret));
	dbb_calls_free(c);
	return ret;
}

/* A stack switch of tid to ctx at t (ctxsw.hdb). */
static int switch_add(struct merge *m, uint64_t t, uint32_t tid, uint32_t ctx)
{
	uint8_t *r;

	if (hs_grow((void **)&m->sw, &m->cap_sw, (m->n_sw + 1) * HS_DB_CTXSW_REC, 1))
		return -ENOMEM;
	r = m->sw + m->n_sw++ * HS_DB_CTXSW_REC;
	hs_put_le64(r, t);
	hs_put_le32(r + 8, tid);
	hs_put_le32(r + 12, ctx);
	return 0;
}

/* ctxsw.hdb: the switches, in t order (every shard's are, and shards
 * come in t order). */
static int write_switches(struct merge *m)
{
	struct hs_dbfile_writer *w = NULL;
	int ret;

	if ((ret = create_out(m, "ctxsw.hdb", HS_DB_CTXSW, &w, m->err)))
		return ret;
	for (size_t i = 0; i < m->n_sw && !ret; i++) {
		const uint8_t *r = m->sw + i * HS_DB_CTXSW_REC;

		ret = hs_dbfile_append(w, hs_le64(r), r, HS_DB_CTXSW_REC, NULL, NULL);
	}
	if (ret) {
		dbb_err_set(m->err, "%s/ctxsw.hdb: %s", m->out, strerror(-ret));
		hs_dbfile_abort(w);
		return ret;
	}
	return finish_out(m, "ctxsw.hdb", w, m->err);
}

static int calls_pass1(struct merge *m, uint64_t *redone, uint64_t *unmatched)
{
	struct gstack *g = NULL;
	size_t n_g = 0;
	bool rest = false, whole;
	int ret = 0;

	for (unsigned s = 0; s < m->n && !ret; s++) {
		struct shard_in *si = &m->sh[s];
		size_t cap_chg = 0, n_orph = 0;
		uint8_t *orph = NULL;
		bool ok;

		/* G at the shard's start */
		si->g0 = calloc(n_g + 1, sizeof(*si->g0));
		if (!si->g0) {
			ret = -ENOMEM;
			break;
		}
		si->n_g0 = n_g;
		for (size_t tid = 0; tid < n_g; tid++)
			si->g0[tid] = (uint32_t)g[tid].n;
		/* its orphan returns and thread exits, on the shard's guesses */
		if ((ret = read_orphans(si, &orph, &n_orph, m->err)) ||
		    (ret = guesses_hold(g, n_g, orph, n_orph, &ok)))
			break;
		/* the first shard with a stack switch: a later shard cannot
		 * know the contexts it leaves, so it decodes every later
		 * chunk too, and the later shards have no calls of their own */
		whole = s + 1 < m->n && !rest && orph_switches(orph, n_orph);
		if (whole) {
			rest = true;
			for (unsigned k = s + 1; k < m->n && !ret; k++)
				ret = calls_empty(m, k);
			if (ret)
				break;
		}
		if (!ok || whole) {
			free(orph);
			orph = NULL;
			(*redone)++;
			if ((ret = calls_redo(m, s, g, n_g, whole ? m->sh[m->n - 1].end_chunk :
							  si->end_chunk)) ||
			    (ret = read_orphans(si, &orph, &n_orph, m->err)) ||
			    (ret = guesses_hold(g, n_g, orph, n_orph, &ok)))
				break;
			if (!ok) {
				dbb_err_set(m->err, "%s: calls decoded again still disagree with "
					    "the earlier shards", si->calls_dir);
				free(orph);
				ret = -EBADMSG;
				break;
			}
		}
		for (size_t i = 0; i < n_orph && !ret; i++) {
			const uint8_t *o = orph + i * DBB_CORPH_REC;
			uint64_t t = hs_le64(o), target = hs_le64(o + 8);
			uint32_t tid = hs_le32(o + 16), kind = hs_le32(o + 20);
			struct gstack *st = gstack_of(&g, &n_g, tid);
			size_t j = 0;

			if (!st) {
				ret = -ENOMEM;
				break;
			}
			if (kind == ORPH_CTXSW) {
				ret = switch_add(m, t, tid, hs_le32(o + 28));
				continue;
			}
			if (kind == ORPH_RET) {
				j = gstack_match(st, st->n, target);
				if (j == 0) {
					(*unmatched)++; /* matches nothing: ignored */
					continue;
				}
				j--;
				for (size_t k = j; k < st->n; k++) {
					st->e[k]->t_ret = t;
					if (k > j)
						st->e[k]->flags |= HS_DB_CALL_UNWOUND;
				}
			} else if (kind != ORPH_EXIT) {
				uint64_t sp = hs_le64(o + 32);
				bool tailed = hs_le32(o + 28) & ORPH_TAILED;

				if (hs_le32(o + 24)) {
					(*unmatched)++; /* left nothing: ignored */
					continue;
				}
				j = gstack_keep(st, st->n, kind, sp);
				tailed = tailed && gstack_tail(st, j, sp);
				if (j == st->n && !tailed) {
					if (kind == ORPH_SP_RET && !(hs_le32(o + 28) & ORPH_POPPED))
						(*unmatched)++;
					continue;
				}
				for (size_t k = j; k < st->n; k++) {
					struct copen *e = st->e[k];
					bool done = kind == ORPH_SIGRET
						? k == j && (e->flags & HS_DB_CALL_SIGNAL)
						: dbb_calls_returned(e->sp, e->ret_addr,
								     kind == ORPH_SP_RET, target, sp);

					e->t_ret = t;
					if (!done)
						e->flags |= HS_DB_CALL_UNWOUND;
				}
				if (tailed) {
					/* the shard's call `index` replaced it */
					struct copen *e = st->e[--j];

					if ((ret = hs_grow((void **)&si->fill, &si->cap_fill,
							    si->n_fill + 1, sizeof(*si->fill))))
						break;
					si->fill[si->n_fill++] = (struct tailfill){
						hs_le64(o + 40), e->ret_addr, e->site };
					e->t_ret = t;
					e->flags |= HS_DB_CALL_TAIL;
					/* G shrinks as that call is made, at the
					 * jump's t (no later change is in yet) */
					t--;
				}
			}
			st->n = j;
			if ((ret = hs_grow((void **)&si->chg, &cap_chg, si->n_chg + 1, sizeof(*si->chg))))
				break;
			si->chg[si->n_chg++] = (struct gchange){ t, tid, (uint32_t)j };
		}
		free(orph);
		if (ret)
			break;
		if ((ret = read_open_calls(m, si)))
			break;
		for (size_t k = 0; k < si->n_open && !ret; k++) {
			struct gstack *st = gstack_of(&g, &n_g, si->open[k].tid);

			if (!st || hs_grow((void **)&st->e, &st->cap, st->n + 1, sizeof(*st->e)))
				ret = -ENOMEM;
			else
				st->e[st->n++] = &si->open[k];
		}
	}
	/* pass 2 looks the open calls up by index; G is done with them */
	for (unsigned s = 0; s < m->n; s++)
		if (m->sh[s].open)
			qsort(m->sh[s].open, m->sh[s].n_open, sizeof(*m->sh[s].open), cmp_open);
	for (size_t tid = 0; tid < n_g; tid++)
		free(g[tid].e);
	free(g);
	return ret ?: write_switches(m);
}

/* Where pass 2's records go, in order: calls.hdb and the indexes. */
struct csink {
	struct merge *m;
	struct hs_dbfile_writer *w;
	struct dbb_index *ix;
};

static int sink_rec(struct csink *k, const uint8_t *rec)
{
	struct merge *m = k->m;
	int ret;

	if ((ret = hs_dbfile_append(k->w, hs_le64(rec), rec, HS_DB_CALL_REC, NULL, NULL))) {
		dbb_err_set(m->err, "%s/calls.hdb: %s", m->out, strerror(-ret));
		return ret;
	}
	if ((ret = dbb_index_call(k->ix, rec))) {
		if (!m->err->msg[0])
			dbb_err_set(m->err, "%s: indexes: %s", m->out, strerror(-ret));
		return ret;
	}
	return 0;
}

/* Pass 2's records between the thread that reads and completes them
 * (pass2_read) and the one that writes them (sink_rec): a ring of
 * CP_SLOTS batches, so reading overlaps writing and indexing. */
#define CP_SLOTS 4
#define CP_BATCH 8192 /* records */

struct cpipe {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint8_t *buf[CP_SLOTS];
	size_t n[CP_SLOTS];
	uint64_t put, got;      /* batches handed over, taken back */
	bool done, stop;        /* the reader is done; the writer gave up */
	struct csink *sink;     /* NULL: batches go through the ring */
	struct merge m;         /* the reader's copy, reporting to err */
	struct hs_dbb_err err;
	int ret;                /* the reader's */
};

/* Hands the batch being filled over to the writer; waits for a free slot. */
static int pipe_put(struct cpipe *p)
{
	int ret = 0;

	pthread_mutex_lock(&p->lock);
	p->put++;
	pthread_cond_broadcast(&p->cond);
	while (p->put - p->got >= CP_SLOTS && !p->stop)
		pthread_cond_wait(&p->cond, &p->lock);
	if (p->stop)
		ret = -ECANCELED;
	pthread_mutex_unlock(&p->lock);
	if (!ret)
		p->n[p->put % CP_SLOTS] = 0;
	return ret;
}

/* One completed record: to the sink, or into the ring. */
static int pipe_rec(struct cpipe *p, const uint8_t *rec)
{
	unsigned k = p->put % CP_SLOTS;

	if (p->sink)
		return sink_rec(p->sink, rec);
	memcpy(p->buf[k] + p->n[k] * HS_DB_CALL_REC, rec, HS_DB_CALL_REC);
	if (++p->n[k] == CP_BATCH)
		return pipe_put(p);
	return 0;
}

/* Shard si's calls, completed: the depth of G at each call added, t_ret
 * and flags from its patches and from pass 1, the sites of its tail calls
 * out of calls of G. */
static int pass2_shard(struct merge *m, struct shard_in *si, struct cpipe *p)
{
	struct dbb_spill_r *r = NULL, *pr = NULL;
	uint8_t rec[HS_DB_CALL_REC], patch[DBB_CPATCH_REC];
	size_t chg = 0, op = 0, fill = 0, n_gsize = si->n_g0;
	uint32_t *gsize = calloc(n_gsize + 1, sizeof(*gsize));
	uint64_t index = 0;
	bool have_patch;
	int ret = -ENOMEM;

	if (!gsize)
		return ret;
	memcpy(gsize, si->g0, n_gsize * sizeof(*gsize));
	if ((ret = open_calls(si, "calls.sp", &r, m->err)) ||
	    (ret = open_calls(si, "cpatch.sp", &pr, m->err)))
		goto out;
	ret = dbb_spill_read(pr, patch, sizeof(patch));
	have_patch = ret == 1;
	if (ret < 0) {
		bad_in(si, "cpatch.sp", ret, m->err);
		goto out;
	}
	while ((ret = dbb_spill_read(r, rec, sizeof(rec))) == 1) {
		uint64_t t_call = hs_le64(rec);
		uint32_t tid = hs_le32(rec + 32);

		/* G as it was at t_call */
		while (chg < si->n_chg && si->chg[chg].t <= t_call) {
			const struct gchange *c = &si->chg[chg++];

			if (c->tid >= n_gsize) {
				uint32_t *q = realloc(gsize, (c->tid + 1) * sizeof(*q));

				if (!q) {
					ret = -ENOMEM;
					goto out;
				}
				memset(q + n_gsize, 0, (c->tid + 1 - n_gsize) * sizeof(*q));
				gsize = q;
				n_gsize = c->tid + 1;
			}
			gsize[c->tid] = c->size;
		}
		/* G's calls are all on the thread's first stack */
		if (tid < n_gsize && !hs_le32(rec + 44))
			hs_put_le32(rec + 36, hs_le32(rec + 36) + gsize[tid]);
		if (have_patch && hs_le64(patch) == index) {
			hs_put_le64(rec + 8, hs_le64(patch + 8));
			hs_put_le32(rec + 40, hs_le32(rec + 40) | hs_le32(patch + 16));
			ret = dbb_spill_read(pr, patch, sizeof(patch));
			have_patch = ret == 1;
			if (ret < 0) {
				bad_in(si, "cpatch.sp", ret, m->err);
				goto out;
			}
		}
		/* a tail call out of a call of G: that call's site */
		while (fill < si->n_fill && si->fill[fill].index < index)
			fill++;
		if (fill < si->n_fill && si->fill[fill].index == index && !hs_le64(rec + 24))
			hs_put_le64(rec + 24, si->fill[fill].site);
		while (op < si->n_open && si->open[op].index < index)
			op++;
		if (op < si->n_open && si->open[op].index == index) {
			hs_put_le64(rec + 8, si->open[op].t_ret);
			hs_put_le32(rec + 40, si->open[op].flags);
		}
		index++;
		if ((ret = pipe_rec(p, rec)))
			goto out;
	}
	if (ret < 0)
		bad_in(si, "calls.sp", ret, m->err);
out:
	dbb_spill_close_r(r);
	dbb_spill_close_r(pr);
	free(gsize);
	return ret;
}

static int pass2_read(struct cpipe *p)
{
	int ret = 0;

	for (unsigned s = 0; s < p->m.n && !ret; s++)
		ret = pass2_shard(&p->m, &p->m.sh[s], p);
	return ret;
}

static void *pass2_reader(void *arg)
{
	struct cpipe *p = arg;

	p->ret = pass2_read(p);
	pthread_mutex_lock(&p->lock);
	p->put++; /* the last batch, maybe empty */
	p->done = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* The writer's side of the ring: every batch into k. */
static int pass2_write(struct cpipe *p, struct csink *k)
{
	int ret = 0;

	for (;;) {
		unsigned slot;

		pthread_mutex_lock(&p->lock);
		while (p->got == p->put && !p->done)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->got == p->put) {
			pthread_mutex_unlock(&p->lock);
			return 0;
		}
		pthread_mutex_unlock(&p->lock);
		slot = p->got % CP_SLOTS;
		for (size_t i = 0; i < p->n[slot] && !ret; i++)
			ret = sink_rec(k, p->buf[slot] + i * HS_DB_CALL_REC);
		pthread_mutex_lock(&p->lock);
		p->got++;
		if (ret)
			p->stop = true;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		if (ret)
			return ret;
	}
}

/* Pass 2: the shards' calls read and completed in a thread (with one
 * thread for the merge: here), written to calls.hdb and the indexes here. */
static int pass2_run(struct merge *m, struct csink *k)
{
	struct cpipe p = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER,
			   .m = *m };
	pthread_t th;
	int ret = -ENOMEM;

	p.m.err = &p.err;
	if (m->threads <= 1) {
		p.sink = k;
		p.m.err = m->err;
		return pass2_read(&p);
	}
	for (unsigned i = 0; i < CP_SLOTS; i++)
		if (!(p.buf[i] = malloc(CP_BATCH * HS_DB_CALL_REC)))
			goto out;
	if (pthread_create(&th, NULL, pass2_reader, &p) != 0) {
		p.sink = k;
		p.m.err = m->err;
		ret = pass2_read(&p);
		goto out;
	}
	ret = pass2_write(&p, k);
	pthread_join(th, NULL);
	if (!ret && p.ret && p.ret != -ECANCELED) {
		ret = p.ret;
		dbb_err_set(m->err, "%s", p.err.msg);
	}
out:
	for (unsigned i = 0; i < CP_SLOTS; i++)
		free(p.buf[i]);
	return ret;
}

static int calls_pass2(struct merge *m)
{
	struct csink k = { .m = m };
	int ret;

	qsort(m->exits, m->n_exits, sizeof(*m->exits), cmp_exit);
	if ((ret = dbb_index_new(m->out, &m->img->id, m->tmp, m->level, m->threads, m->exits,
				 m->n_exits, m->lines, m->err, &k.ix)))
		return ret;
	dbb_index_set_switches(k.ix, m->sw, m->n_sw);
	if ((ret = create_out(m, "calls.hdb", HS_DB_CALLS, &k.w, m->err))) {
		dbb_index_free(k.ix);
		return ret;
	}
	ret = pass2_run(m, &k);
	if (!ret) {
		ret = finish_out(m, "calls.hdb", k.w, m->err);
		k.w = NULL;
	}
	if (!ret && (ret = dbb_index_finish(k.ix)) && !m->err->msg[0])
		dbb_err_set(m->err, "%s: indexes: %s", m->out, strerror(-ret));
	hs_dbfile_abort(k.w);
	dbb_index_free(k.ix);
	return ret;
}

/* A forked child's maps: its parent's at the fork come first. */
static int prepend_parent_maps(struct merge *m)
{
	const struct dbb_image *pa = m->img->parent;
	struct dbb_fmap *v = calloc(pa->n_all_maps + m->n_maps + 1, sizeof(*v));
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < pa->n_all_maps; i++) {
		if (pa->all_maps[i].t > m->img->parent_t)
			continue;
		v[k] = pa->all_maps[i];
		v[k].t = 0;
		if (!(v[k].path = strdup(pa->all_maps[i].path))) {
			/* not a shorter list: the child's lines would miss
			 * the parent's modules */
			dbb_fmaps_free(v, k);
			return -ENOMEM;
		}
		k++;
	}
	if (m->n_maps)
		memcpy(v + k, m->maps, m->n_maps * sizeof(*v));
	free(m->maps);
	m->maps = v;
	m->n_maps += k;
	m->cap_maps = m->n_maps + 1;
	return 0;
}

/* The line pass, when the image has debug info (dbb_lines.c). */
static int lines_pass(struct merge *m)
{
	size_t *first = calloc(m->n + 1, sizeof(*first)), *end = calloc(m->n + 1, sizeof(*end));
	char **dirs = calloc(m->n + 1, sizeof(*dirs));
	int ret = -ENOMEM;

	if (!first || !end || !dirs)
		goto out;
	if (m->img->parent && m->img->parent->all_maps && (ret = prepend_parent_maps(m)))
		goto out;
	for (unsigned s = 0; s < m->n; s++) {
		first[s] = m->sh[s].first_chunk;
		end[s] = m->sh[s].end_chunk;
		dirs[s] = m->sh[s].dir;
	}
	/* the maps stay with the image, for its forked children */
	m->img->all_maps = m->maps;
	m->img->n_all_maps = m->n_maps;
	m->maps = NULL;
	m->n_maps = 0;
	pthread_mutex_lock(m->img_lock);
	ret = dbb_lines_build(m->img, m->img->all_maps, m->img->n_all_maps, dirs, first, end,
			      m->n, m->tmp, m->log, &m->lines, m->err);
	pthread_mutex_unlock(m->img_lock);
out:
	free(dirs);
	free(first);
	free(end);
	return ret;
}

/* ---- PAGES ---------------------------------------------------------------- */

struct run_in {
	struct dbb_spill_r *r;
	uint64_t page, chunk;
	size_t len;
	uint8_t rec[HS_DB_PAGE_HDR + HS_DB_PAGE];
	const char *dir;
	unsigned k;
};

/* Next record of a run: 1, 0 at its end, or -errno. */
static int run_next(struct run_in *ri)
{
	uint32_t dlen;
	int ret = dbb_spill_read(ri->r, ri->rec, HS_DB_PAGE_HDR);

	if (ret != 1)
		return ret;
	dlen = hs_le32(ri->rec + HS_DB_PAGE_HDR - 4);
	if (dlen > HS_DB_PAGE)
		return -EBADMSG;
	if (dlen && (ret = dbb_spill_read(ri->r, ri->rec + HS_DB_PAGE_HDR, dlen)) != 1)
		return ret ? ret : -EBADMSG;
	ri->page = hs_le64(ri->rec);
	ri->chunk = hs_le64(ri->rec + 8);
	ri->len = HS_DB_PAGE_HDR + dlen;
	return 1;
}

static bool run_less(const struct run_in *a, const struct run_in *b)
{
	return a->page != b->page ? a->page < b->page : a->chunk < b->chunk;
}

static void heap_down(struct run_in **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct run_in *t;

		if (l < n && run_less(h[l], h[m]))
			m = l;
		if (r < n && run_less(h[r], h[m]))
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static int merge_pages(struct merge *m)
{
	struct hs_dbb_err *err = m->err;
	struct hs_dbfile_writer *pw = NULL, *iw = NULL;
	struct hs_dbb_fold *fold = NULL;
	struct run_in *runs = NULL, **heap = NULL;
	size_t n_runs = 0, n_heap = 0;
	uint64_t last_page = 0, last_chunk = 0;
	bool any = false;
	int ret;

	for (unsigned s = 0; s < m->n; s++)
		n_runs += m->sh[s].page_runs;
	runs = calloc(n_runs + 1, sizeof(*runs));
	heap = calloc(n_runs + 1, sizeof(*heap));
	if (!runs || !heap || hs_dbb_fold_new(&fold)) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned s = 0, i = 0; s < m->n; s++) {
		for (unsigned k = 0; k < m->sh[s].page_runs; k++, i++) {
			char name[32];

			snprintf(name, sizeof(name), "pages.%u.sp", k);
			runs[i].dir = m->sh[s].dir;
			runs[i].k = k;
			if ((ret = open_in(&m->sh[s], name, &runs[i].r, err)))
				goto out;
			ret = run_next(&runs[i]);
			if (ret < 0) {
				bad_in(&m->sh[s], name, ret, err);
				goto out;
			}
			if (ret == 1)
				heap[n_heap++] = &runs[i];
		}
	}
	for (size_t i = n_heap; i-- > 0;)
		heap_down(heap, n_heap, i);
	if ((ret = create_out(m, "pages.hdb", HS_DB_PAGES, &pw, err)) ||
	    (ret = create_out(m, "pageidx.hdb", HS_DB_PAGEIDX, &iw, err)))
		goto out;
	while (n_heap) {
		struct run_in *ri = heap[0];
		struct hs_dbb_page_rec v;
		const uint8_t *rec;
		size_t len;
		uint8_t idx[HS_DB_PAGEIDX_REC];
		uint32_t block, offset;

		if (any && (ri->page < last_page ||
			    (ri->page == last_page && ri->chunk <= last_chunk))) {
			dbb_err_set(err, "%s/pages.%u.sp: page 0x%" PRIx64 " chunk %" PRIu64
				    " out of order", ri->dir, ri->k, ri->page, ri->chunk);
			ret = -EBADMSG;
			goto out;
		}
		any = true;
		last_page = ri->page;
		last_chunk = ri->chunk;
		if ((ret = hs_dbb_fold_next(fold, ri->rec, ri->len, &rec, &len))) {
			dbb_err_set(err, "%s/pages.%u.sp: bad page version (page 0x%" PRIx64
				    " chunk %" PRIu64 ")", ri->dir, ri->k, ri->page, ri->chunk);
			goto out;
		}
		hs_dbb_page_parse(rec, len, &v);
		if ((ret = hs_dbfile_append(pw, v.page, rec, len, &block, &offset))) {
			dbb_err_set(err, "%s/pages.hdb: %s", m->out, strerror(-ret));
			goto out;
		}
		hs_put_le64(idx, v.page);
		hs_put_le64(idx + 8, v.chunk);
		hs_put_le32(idx + 16, block);
		hs_put_le32(idx + 20, offset);
		hs_put_le32(idx + 24, (uint32_t)len);
		hs_put_le32(idx + 28, v.kind);
		if ((ret = hs_dbfile_append(iw, v.page, idx, sizeof(idx), NULL, NULL))) {
			dbb_err_set(err, "%s/pageidx.hdb: %s", m->out, strerror(-ret));
			goto out;
		}
		ret = run_next(ri);
		if (ret < 0) {
			dbb_err_set(err, "%s/pages.%u.sp: %s", ri->dir, ri->k,
				    ret == -EBADMSG ? "shard file is damaged or cut short" :
				    strerror(-ret));
			goto out;
		}
		if (ret == 0)
			heap[0] = heap[--n_heap];
		heap_down(heap, n_heap, 0);
	}
	ret = hs_dbfile_finish(pw);
	pw = NULL;
	if (ret) {
		dbb_err_set(err, "%s/pages.hdb: %s", m->out, strerror(-ret));
		goto out;
	}
	ret = hs_dbfile_finish(iw);
	iw = NULL;
	if (ret)
		dbb_err_set(err, "%s/pageidx.hdb: %s", m->out, strerror(-ret));
out:
	hs_dbfile_abort(pw);
	hs_dbfile_abort(iw);
	for (size_t i = 0; runs && i < n_runs; i++)
		dbb_spill_close_r(runs[i].r);
	free(runs);
	free(heap);
	hs_dbb_fold_free(fold);
	return ret;
}

/* ---- the parts, in threads ---------------------------------------------------- */

/* A part of the merge that reads only the shards' files and writes files
 * of its own, run in a thread beside the others.  It works on a copy of
 * the merge that reports to its own err; whatever it shares (m->sh) it
 * only reads, or writes in fields no other part touches. */
struct mtask {
	struct merge m;
	struct hs_dbb_err err;
	int (*fn)(struct mtask *t);
	const char *name;
	int ret;
	uint64_t out[2];     /* its results */
	pthread_t th;
	bool started;
};

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* With HS_BUILD_TIMES set: how long a part took, wall and its thread's CPU
 * (the compression workers' CPU is not in it). */
static void task_time(struct merge *m, const char *name, double t0, double c0)
{
	if (m->times)
		fprintf(m->log, "hindsight build: merge %s: %-8s %.3f s wall, %.3f s cpu\n",
			m->image, name, dbb_now() - t0, thread_cpu() - c0);
}

static void *task_main(void *arg)
{
	struct mtask *t = arg;
	double t0 = dbb_now(), c0 = thread_cpu();

	t->ret = t->fn(t);
	task_time(&t->m, t->name, t0, c0);
	return NULL;
}

static int task_pages(struct mtask *t)
{
	return merge_pages(&t->m);
}

/* ADDRS: the shards' filters, concatenated (dbb_addrs.c) */
static int merge_addrs(struct merge *m)
{
	char **dirs = calloc(m->n, sizeof(*dirs));
	uint64_t *chunks = calloc(m->n, sizeof(*chunks));
	int ret = -ENOMEM;

	for (unsigned s = 0; dirs && chunks && s < m->n; s++) {
		dirs[s] = m->sh[s].dir;
		chunks[s] = m->sh[s].chunks;
	}
	if (dirs && chunks)
		ret = dbb_addrs_merge(m->out, &m->img->id, m->level, m->threads, dirs, chunks,
				      m->n, m->err);
	free(dirs);
	free(chunks);
	return ret;
}

static int task_chunks_runs(struct mtask *t)
{
	int ret = merge_chunks(&t->m, &t->out[0], &t->out[1]);

	if (!ret)
		ret = merge_runs(&t->m);
	return ret ? ret : merge_addrs(&t->m);
}

static int task_pass1(struct mtask *t)
{
	return calls_pass1(&t->m, &t->out[0], &t->out[1]);
}

/* Starts t; with one thread for the merge, runs it here and now. */
static void task_start(struct mtask *t, struct merge *m, const char *name,
		      int (*fn)(struct mtask *t))
{
	t->m = *m;
	t->m.err = &t->err;
	t->fn = fn;
	t->name = name;
	if (m->threads > 1 && pthread_create(&t->th, NULL, task_main, t) == 0) {
		t->started = true;
		return;
	}
	task_main(t);
}

/* Waits for t; its error (when ret is still 0) becomes the merge's. */
static int task_join(struct mtask *t, struct merge *m, int ret)
{
	if (t->started)
		pthread_join(t->th, NULL);
	t->started = false;
	if (!ret && t->ret) {
		ret = t->ret;
		dbb_err_set(m->err, "%s", t->err.msg);
	}
	return ret;
}

/* ---- one image --------------------------------------------------------- */

/* The merge of one image in MERGE_STEPS steps, for the build's progress
 * line (the merge of a big image takes as long as its decoding did, and
 * said nothing); always 0, so it chains with the steps. */
#define MERGE_STEPS 5
#define MERGE_SMALL_CHUNKS 64 /* fewer: the merge runs without threads */

bool dbb_merge_small(const struct dbb_image *img)
{
	return img->n_chunks < MERGE_SMALL_CHUNKS;
}

static int step_done(struct merge *m, unsigned step)
{
	if (m->img->merge_step)
		m->img->merge_step(m->img->merge_ctx, step, MERGE_STEPS);
	return 0;
}

/* The shards to use, into m->sh and m->n: contiguous, up to the first that
 * stopped early. */
static int open_shards(struct merge *m, char *const *shard_dirs, unsigned n,
		       struct dbb_image_result *res)
{
	const size_t *first = m->img->first;
	int ret;

	for (unsigned s = 0; s < n; s++) {
		struct shard_in *si = &m->sh[s];

		si->dir = dbb_path(shard_dirs[s], m->image);
		if (!si->dir)
			return -ENOMEM;
		m->n = s + 1;
		if ((ret = read_info(si, m->image, m->err)))
			return ret;
		if (si->first_chunk != first[s] || si->planned_end != first[s + 1]) {
			dbb_err_set(m->err, "%s: holds chunks %zu..%zu, but shard %u of %u of this "
				    "recording is chunks %zu..%zu: built from another recording "
				    "or shard count?", si->dir, si->first_chunk, si->planned_end,
				    s, n, first[s], first[s + 1]);
			return -EBADMSG;
		}
		if (s && si->first_chunk != m->sh[s - 1].planned_end) {
			dbb_err_set(m->err, "%s: starts at chunk %zu, but shard %u ended at %zu: "
				    "shards of different builds?", si->dir, si->first_chunk, s - 1,
				    m->sh[s - 1].planned_end);
			return -EBADMSG;
		}
		if (si->truncated) {
			res->truncated = true;
			break;
		}
	}
	return 0;
}

/* The parts of the merge.  PAGES, CHUNKS + RUNS and the calls' pass 1 read
 * only the shards' files: each runs in a thread of its own while this one
 * does EVENTS, THREADS and the line pass (which need the events); pass 2
 * needs them all.  Each part's output depends only on the shards' files,
 * so the bytes are the same whatever the threads. */
static int merge_parts(struct merge *m, struct dbb_image_result *res, uint64_t *redone)
{
	struct mtask pages = { 0 }, small = { 0 }, pass1 = { 0 };
	double t0, c0;
	int ret;

	task_start(&pages, m, "pages", task_pages);
	task_start(&small, m, "chunks", task_chunks_runs);
	task_start(&pass1, m, "pass1", task_pass1);
	t0 = dbb_now();
	c0 = thread_cpu();
	if (!(ret = dbb_threads_new(&m->threads_rec)) && !(ret = merge_events(m)) &&
	    !step_done(m, 1) && !(ret = merge_threads(m)) && !step_done(m, 2))
		ret = lines_pass(m);
	task_time(m, "events", t0, c0);
	ret = task_join(&small, m, ret);
	ret = task_join(&pass1, m, ret);
	/* the switches pass 1 found (its merge is a copy), for the indexes */
	m->sw = pass1.m.sw;
	m->n_sw = pass1.m.n_sw;
	step_done(m, 3);
	if (!ret) {
		t0 = dbb_now();
		c0 = thread_cpu();
		ret = calls_pass2(m);
		task_time(m, "pass2", t0, c0);
		step_done(m, 4);
	}
	ret = task_join(&pages, m, ret);
	if (!ret) {
		*redone = pass1.out[0];
		res->unmatched_returns = pass1.out[1];
		res->instructions = small.out[0];
		res->chunks = small.out[1];
		res->threads = dbb_threads_count(m->threads_rec);
	}
	return ret;
}

static void merge_release(struct merge *m, unsigned n)
{
	if (m->sh) {
		for (unsigned s = 0; s < n; s++) {
			if (m->sh[s].calls_dir)
				dbb_rmtree(m->sh[s].calls_dir);
			free(m->sh[s].calls_dir);
			free(m->sh[s].dir);
			free(m->sh[s].open);
			free(m->sh[s].chg);
			free(m->sh[s].fill);
			free(m->sh[s].g0);
		}
	}
	free(m->sh);
	if (m->tmp)
		dbb_rmtree(m->tmp);
	free(m->tmp);
	for (size_t i = 0; i < m->n_maps; i++)
		free(m->maps[i].path);
	free(m->maps);
	free(m->exits);
	free(m->sw);
	dbb_threads_free(m->threads_rec);
	dbb_lines_free(m->lines);
}

int dbb_merge_image(struct dbb_image *img, char *const *shard_dirs, unsigned n,
		    const char *out_dir, int level, FILE *log,
		    struct dbb_image_result *res, struct hs_dbb_err *err)
{
	pthread_mutex_t img_lock = PTHREAD_MUTEX_INITIALIZER;
	const char *times = getenv("HS_BUILD_TIMES");
	struct merge m = { .img = img, .image = img->name, .level = level, .log = log,
			   .err = err, .img_lock = &img_lock,
			   .threads = img->merge_threads ? img->merge_threads :
				      dbb_compress_threads(),
			   .times = times && *times && strcmp(times, "0") };
	double t0 = dbb_now();
	uint64_t redone = 0;
	char *out = NULL;
	int ret = 0;

	/* A small image (most of a recording of many processes) is merged
	 * in this thread alone: threads would cost more than its parts, and
	 * each keeps a malloc arena (80 images of /bin/true peaked 46 MB
	 * higher with them) */
	if (dbb_merge_small(img))
		m.threads = 1;
	memset(res, 0, sizeof(*res));
	m.sh = calloc(n, sizeof(*m.sh));
	out = dbb_path(out_dir, img->name);
	m.tmp = out ? dbb_path(out, "idx.tmp") : NULL;
	if (!m.sh || !out || !m.tmp) {
		ret = -ENOMEM;
		goto out;
	}
	m.out = out;
	if ((ret = dbb_mkdir(out)) || (ret = dbb_mkdir(m.tmp))) {
		dbb_err_set(err, "%s: %s", out, strerror(-ret));
		goto out;
	}
	if ((ret = open_shards(&m, shard_dirs, n, res)) ||
	    (ret = merge_parts(&m, res, &redone)))
		goto out;
	step_done(&m, MERGE_STEPS);
	if (redone)
		fprintf(log, "hindsight build: note: %s: the calls of %" PRIu64 " shard%s were "
			"decoded again (a return crossed a shard boundary)\n", img->name, redone,
			redone == 1 ? "" : "s");
	if (m.times)
		fprintf(log, "hindsight build: merge %s: %u shards, %u threads, %.3f s\n",
			img->name, m.n, m.threads, dbb_now() - t0);
out:
	merge_release(&m, n);
	free(out);
	return ret;
}
