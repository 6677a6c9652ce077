/* db_evfmt.c - events as text in batches (hs_db_events_text).
 *
 * Since trace format 4 the recorder copies the bytes a syscall's string
 * and buffer arguments print into the syscall entry record
 * (trace_format.h): such an event reads no memory at all (all_captured)
 * and costs no decode.  What follows is for format 3 recordings, and for
 * the arguments the recorder could not read (then it leaves them to us).
 *
 * A syscall's string arguments are memory at the event's t.  Read one by
 * one (hs_db_mem_read), each costs a decode of its stream chunk up to t
 * whenever that chunk wrote the bytes, which a syscall-heavy program does
 * all the time (dd's buffer is written by every read()).  Here events are
 * gathered into batches of one chunk each, and every string of a batch is
 * resolved as db_mem_raw() would (the pages as of the chunk's start, then
 * the chunk's effects up to the string's t), but with one decode for the
 * whole batch: each effect goes to every request it overlaps whose t is
 * at or after the effect's.  Effects come in t order, and a decode up to
 * stop_t delivers exactly those with t <= stop_t, so each request ends up
 * with the bytes a decode of its own would have given.
 *
 * Batches start at BATCH_MIN events and double up to BATCH_MAX, so that a
 * caller who stops after a few events (a read of a few lines) pays for
 * few.  A batch never splits the events of one t.  Once RAMP batches went
 * by, ROUND batches with strings to read (and any number without, up to
 * PENDING events) are gathered and resolved at once by up to WORKERS
 * threads (the calling one and helpers started for the round), then
 * formatted and handed to the callback in order, on the calling thread.
 * Resolving is nearly all the work: decoding chunks.  Batches without
 * strings (gzip has a chunk per thread-run event and little else) cost no
 * thread.
 *
 * The decode uses decoders of its own (one per worker, not db_replay.c's
 * pooled ones), so that a store outside every string of the batch (nearly
 * all of them) costs one compare; what it does with the rest is
 * db_replay.c's: the same stops (an instruction or store of t >= stop_t,
 * an event or dump past stop_t) and trace_mem for the effects.  When a
 * decode fails (damage, a mapped file that changed), the batch's strings
 * are read one by one with hs_db_mem_read(), exactly as
 * hs_db_event_format() does.
 *
 * Two more savings, both exact:
 *   - whether a string's bytes are mapped (db_mapped_len replays the
 *     mappings timeline): a range found wholly mapped at t_m stays so at
 *     any later t unless an UNMAP or REMAP event came in (t_m, t] (a MAP,
 *     an mprotect and the main stack's growth never unmap anything), so
 *     each worker keeps its last few answers (MEMO), and UNMAP and REMAP
 *     events are watched even when the caller did not ask for them;
 *   - the pages as of the chunk's start: a batch's requests share a few
 *     pages, held (PAGES) until the batch is resolved.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "query_i.h"

#define BATCH_MIN 64
#define BATCH_MAX 16384
#define RAMP 8
#define ROUND 8
#define MAX_BATCHES 64
#define PENDING 65536
#define WORKERS 4
#define MEMO 8
#define PAGES 8
#define CHANGES (HS_DB_KIND_BIT(HS_EV_UNMAP) | HS_DB_KIND_BIT(HS_EV_REMAP))
#define STOP 1

/* One string argument to read: want bytes at addr as of t. */
struct req {
	uint64_t t, addr;
	size_t want, len;       /* len: the mapped part of want */
	bool decode;            /* the chunk wrote some of its bytes */
	struct db_argmem mem;
};

struct item {
	struct hs_db_event ev;  /* payload: set when formatted, from off */
	size_t off;
	size_t req;             /* its first request (6 per syscall entry) */
};

/* The events of one chunk (or part of one), and their strings. */
struct batch {
	size_t chunk;           /* SIZE_MAX: t past the end (no strings) */
	struct item *items;
	size_t n, cap;
	uint8_t *store;         /* payloads */
	size_t store_len, store_cap;
	struct req *reqs;       /* 6 per syscall entry, in order */
	size_t n_reqs, cap_reqs;
	size_t *by_addr;        /* decode requests, by addr */
	size_t n_dec, cap_by;
	uint64_t dec_lo, dec_hi; /* the decode requests lie in [lo, hi) */
};

struct fmt;

/* A resolver: its decoder, memo and held pages. */
struct worker {
	struct fmt *f;
	size_t index;
	struct hs_trace_decoder *dec;
	int dec_err;            /* creating it failed: read one by one */
	struct hs_trace_mem_visitor mv;
	struct batch *b;        /* the batch it resolves */
	uint64_t stop;
	struct {                /* ranges found wholly mapped: (addr, want) at t */
		uint64_t addr, t;
		size_t want;
	} memo[MEMO];
	size_t n_memo, next_memo;
	struct {                /* pages as of b->chunk's start */
		uint64_t page;
		struct db_centry *e;
		const struct db_page *pg;
	} pages[PAGES];
	size_t n_pages, next_page;
};

/* One hs_db_events_text() call. */
struct fmt {
	struct hs_db_image *img;
	uint64_t kinds;
	hs_db_event_text_fn cb;
	void *ctx;
	size_t limit;           /* events per batch, now */
	size_t done;            /* batches handed out so far */
	struct batch batches[MAX_BATCHES];
	size_t n_batches;       /* gathered (the last one still open) */
	size_t n_work;          /* of them, closed ones with strings */
	size_t pending;         /* events gathered */
	size_t work[MAX_BATCHES]; /* the batches with strings, this round */
	uint64_t *changes;      /* t of every UNMAP and REMAP seen, in order */
	size_t n_changes, cap_changes;
	struct worker workers[WORKERS];
	size_t n_workers;
	size_t round;           /* batches with strings a round waits for:
				 * 1 while ramping up, then ROUND */
	char text[HS_DB_TEXT_MAX];
};

/* ---- mapped ranges and pages ---------------------------------------------- */

/* Was there an UNMAP or REMAP in (t0, t1]?  Every event of t1 and before
 * has been seen when this is asked (a batch holds all events of its t). */
static bool changed_between(const struct fmt *f, uint64_t t0, uint64_t t1)
{
	size_t lo = 0, hi = f->n_changes;

	/* the first change > t0 */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->changes[mid] <= t0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->n_changes && f->changes[lo] <= t1;
}

static bool memo_mapped(struct worker *w, const struct req *q)
{
	for (size_t i = 0; i < w->n_memo; i++)
		if (w->memo[i].addr == q->addr && w->memo[i].want == q->want &&
		    w->memo[i].t <= q->t && !changed_between(w->f, w->memo[i].t, q->t))
			return true;
	return false;
}

static void memo_add(struct worker *w, const struct req *q)
{
	size_t i = w->next_memo;

	w->memo[i].addr = q->addr;
	w->memo[i].want = q->want;
	w->memo[i].t = q->t;
	w->next_memo = (i + 1) % MEMO;
	if (w->n_memo < MEMO)
		w->n_memo++;
}

/* A page as of the start of the batch's chunk, held in w->pages. */
static int page_get(struct worker *w, uint64_t page, const struct db_page **pg)
{
	struct hs_db_image *img = w->f->img;
	struct db_centry *e;
	size_t i;
	int err;

	for (i = 0; i < w->n_pages; i++)
		if (w->pages[i].page == page) {
			*pg = w->pages[i].pg;
			return 0;
		}
	err = db_page_get(img, page, w->b->chunk, 0, &e, pg);
	if (err)
		return err;
	i = w->next_page;
	if (i < w->n_pages)
		db_cache_put(&img->db->cache, w->pages[i].e);
	else
		w->n_pages++;
	w->pages[i].page = page;
	w->pages[i].e = e;
	w->pages[i].pg = *pg;
	w->next_page = (i + 1) % PAGES;
	return 0;
}

static void pages_release(struct worker *w)
{
	for (size_t i = 0; i < w->n_pages; i++)
		db_cache_put(&w->f->img->db->cache, w->pages[i].e);
	w->n_pages = 0;
	w->next_page = 0;
}

/* The part of want that is mapped at t, and the pages as of the chunk's
 * start: as hs_db_mem_read() and db_mem_raw() do before decoding. */
static void req_pages(struct worker *w, struct req *q)
{
	uint64_t mapped, p, addr = q->addr;
	size_t len;
	int err = 0;

	q->len = 0;
	q->decode = false;
	if (!q->want) {
		q->mem.n = 0;
		return;
	}
	if (addr + q->want < addr) {
		/* hs_db_mem_read() stops at the top of the address space */
		q->want = (size_t)(0 - addr);
		if (!q->want) {
			q->mem.n = 0;
			return;
		}
	}
	if (memo_mapped(w, q))
		mapped = q->want;
	else
		err = db_mapped_len(w->f->img, q->t, addr, q->want, &mapped);
	if (!err && mapped == q->want)
		memo_add(w, q);
	if (err) {
		q->mem.n = err;
		return;
	}
	if (!mapped) {
		q->mem.n = -EIO;
		return;
	}
	len = (size_t)mapped;
	for (p = addr & DB_PAGE_MASK; p < addr + len; p += HS_DB_PAGE) {
		uint64_t lo = p > addr ? p : addr;
		uint64_t hi = p + HS_DB_PAGE < addr + len ? p + HS_DB_PAGE : addr + len;
		const struct db_page *pg;

		err = page_get(w, p, &pg);
		if (err) {
			q->mem.n = err;
			return;
		}
		memcpy(q->mem.bytes + (lo - addr), pg->data + (lo - p), hi - lo);
		if (pg->written_in_c &&
		    db_mask_hits(pg->mask_c, (unsigned)(lo - p), (unsigned)(hi - p)))
			q->decode = true;
		if (p + HS_DB_PAGE < p)
			break;
	}
	q->len = len;
	q->mem.n = (ssize_t)len;
}

/* ---- the decode ------------------------------------------------------------ */

/* An effect of the decode: applied to every decode request of the batch
 * that overlaps it and is at or after its t (as db_mem.c's apply_effect). */
static int batch_effect(struct worker *w, const struct db_effect *e)
{
	struct batch *b = w->b;
	uint64_t e_end = e->addr + e->len;
	size_t lo = 0, hi = b->n_dec;

	if (e->addr >= b->dec_hi || e_end <= b->dec_lo || e_end < e->addr)
		return 0;
	/* requests are at most HS_DB_STR_MAX + 1 bytes long: the first that
	 * can overlap starts after e->addr - (HS_DB_STR_MAX + 1) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t a = b->reqs[b->by_addr[mid]].addr;

		if (a + HS_DB_STR_MAX + 1 <= e->addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < b->n_dec; i++) {
		struct req *q = &b->reqs[b->by_addr[i]];
		uint64_t q_end = q->addr + q->len;
		uint64_t from = e->addr > q->addr ? e->addr : q->addr;
		uint64_t to = e_end < q_end ? e_end : q_end;

		if (q->addr >= e_end)
			break;
		if (from >= to || q->t < e->t || q->mem.n < 0)
			continue;
		switch (e->kind) {
		case HS_DB_W_ZERO:
			memset(q->mem.bytes + (from - q->addr), 0, to - from);
			break;
		case HS_DB_W_REMAP: {
			int err = db_mem_raw(w->f->img, e->t, true, e->from + (from - e->addr),
					     to - from, q->mem.bytes + (from - q->addr), 1);
			if (err)
				q->mem.n = err; /* this string only, as a read of its own */
			break;
		}
		default:
			memcpy(q->mem.bytes + (from - q->addr), e->data + (from - e->addr),
			       to - from);
		}
	}
	return 0;
}

static int m_write(void *ctx, uint64_t t, uint64_t addr, uint64_t len, const uint8_t *data)
{
	struct db_effect e = { .t = t, .kind = HS_DB_W_STORE, .addr = addr, .len = len,
			       .data = data };

	return batch_effect(ctx, &e);
}

static int m_zero(void *ctx, uint64_t t, uint64_t addr, uint64_t len)
{
	struct db_effect e = { .t = t, .kind = HS_DB_W_ZERO, .addr = addr, .len = len };

	return batch_effect(ctx, &e);
}

static int m_copy(void *ctx, uint64_t t, uint64_t from, uint64_t to, uint64_t len)
{
	struct db_effect e = { .t = t, .kind = HS_DB_W_REMAP, .addr = to, .len = len,
			       .from = from };

	return batch_effect(ctx, &e);
}

static int v_insn(void *ctx, uint64_t t, uint32_t tid, uint64_t rip)
{
	struct worker *w = ctx;

	(void)tid;
	(void)rip;
	return t >= w->stop ? STOP : 0;
}

static int v_store(void *ctx, uint64_t t, uint32_t tid, uint64_t addr, uint32_t size,
		   const uint8_t *bytes)
{
	struct worker *w = ctx;

	(void)tid;
	if (t >= w->stop)
		return STOP;
	if (addr >= w->b->dec_hi || addr + size <= w->b->dec_lo)
		return 0; /* nearly every store */
	return hs_trace_mem_store(&w->mv, t, addr, size, bytes);
}

static int v_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag, const uint8_t *payload,
		   uint32_t len)
{
	struct worker *w = ctx;
	int ret;

	(void)tid;
	if (t > w->stop)
		return STOP;
	if (tag != HS_EV_MEM && tag != HS_EV_MAP && tag != HS_EV_REMAP)
		return 0;
	ret = hs_trace_mem_event(&w->mv, w->f->img->db->files, t, tag, payload, len);
	if (ret == -ENOENT || ret == -ESTALE || ret == -EINVAL)
		return -EIO; /* a mapped file gone or changed (logged) */
	return ret;
}

static int v_regs(void *ctx, uint64_t t, uint32_t tid, uint32_t reason, const uint8_t *state)
{
	struct worker *w = ctx;

	(void)tid;
	(void)reason;
	(void)state;
	return t > w->stop ? STOP : 0;
}

/* Decodes the batch's chunk up to w->stop, the effects to batch_effect:
 * 0, or -errno. */
static int batch_decode(struct worker *w)
{
	struct hs_trace_visitor v = { .ctx = w, .insn = v_insn, .store = v_store,
				      .event = v_event, .regs = v_regs };
	struct hs_db_image *img = w->f->img;
	struct hs_trace_err terr = { "" };
	const struct hs_trace_chunk *chunk;
	const struct hs_trace_code *code;
	struct db_centry *e;
	int ret;

	if (!w->dec) {
		if (w->dec_err)
			return w->dec_err;
		/* the worker's decoder holds the code until the batch ends */
		ret = db_code(img, &code);
		if (!ret && (ret = hs_trace_decoder_new(code, &v, &w->dec)))
			db_code_put(img);
		if (ret) {
			w->dec_err = ret;
			return ret;
		}
		/* the builder checked the dumps */
		hs_trace_decoder_set_check(w->dec, false);
		w->mv = (struct hs_trace_mem_visitor){ .ctx = w, .write = m_write, .zero = m_zero,
						       .copy = m_copy };
	}
	if (w->b->chunk >= img->n_chunks || w->stop < img->chunks[w->b->chunk].first_t)
		return -EINVAL;
	ret = db_stream_chunk(img, w->b->chunk, &e, &chunk);
	if (ret)
		return ret;
	/* it may have stopped partway through another chunk */
	hs_trace_decoder_reset(w->dec);
	ret = hs_trace_decoder_chunk(w->dec, chunk, &terr);
	if (ret < 0 && terr.msg[0])
		db_log("%s", terr.msg);
	db_cache_put(&img->db->cache, e);
	return ret < 0 ? ret : 0;
}

static int cmp_addr(const void *a, const void *b, void *ctx)
{
	const struct req *r = ctx;
	uint64_t x = r[*(const size_t *)a].addr, y = r[*(const size_t *)b].addr;

	return x < y ? -1 : x > y;
}

/* Resolves every request of batch b. */
static void batch_read(struct worker *w, struct batch *b)
{
	uint64_t stop = 0;
	int err;

	if (!b->n_reqs)
		return;
	w->b = b;
	b->n_dec = 0;
	for (size_t i = 0; i < b->n_reqs; i++) {
		struct req *q = &b->reqs[i];

		req_pages(w, q);
		if (q->decode && q->mem.n > 0) {
			if (!b->n_dec || q->addr < b->dec_lo)
				b->dec_lo = q->addr;
			if (!b->n_dec || q->addr + q->len > b->dec_hi)
				b->dec_hi = q->addr + q->len;
			b->by_addr[b->n_dec++] = i;
			if (q->t > stop)
				stop = q->t;
		}
	}
	pages_release(w);
	if (!b->n_dec)
		return;
	qsort_r(b->by_addr, b->n_dec, sizeof(*b->by_addr), cmp_addr, b->reqs);
	w->stop = stop;
	err = batch_decode(w);
	if (err >= 0)
		return;
	/* The decode failed somewhere (damage, a mapped file that changed):
	 * requests before that point may still have their answer, and the
	 * failure may not concern every request, so each one is read on its
	 * own, as hs_db_event_format() would (slow, but rare). */
	for (size_t i = 0; i < b->n_dec; i++) {
		struct req *q = &b->reqs[b->by_addr[i]];

		q->mem.n = hs_db_mem_read(w->f->img, q->t, q->addr, q->want, q->mem.bytes);
	}
}

/* ---- rounds ------------------------------------------------------------------ */

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct fmt *f = w->f;

	for (size_t i = w->index; i < f->n_work; i += f->n_workers)
		batch_read(w, &f->batches[f->work[i]]);
	return NULL;
}

/* Resolves the gathered batches (on helper threads too when there are
 * several), then formats them in order: 0, or what cb returned. */
static int round_flush(struct fmt *f)
{
	pthread_t th[WORKERS];
	bool started[WORKERS] = { false };
	int ret = 0;

	if (!f->n_batches)
		return 0;
	f->n_work = 0;
	for (size_t i = 0; i < f->n_batches; i++)
		if (f->batches[i].n_reqs)
			f->work[f->n_work++] = i;
	if (f->n_work <= 1 || f->n_workers == 1) {
		for (size_t i = 0; i < f->n_work; i++)
			batch_read(&f->workers[0], &f->batches[f->work[i]]);
	} else {
		size_t n = f->n_workers;

		/* a helper that cannot start leaves its batches to the caller */
		for (size_t k = 1; k < n; k++)
			started[k] = pthread_create(&th[k], NULL, worker_main, &f->workers[k]) == 0;
		worker_main(&f->workers[0]);
		for (size_t k = 1; k < n; k++) {
			if (started[k]) {
				pthread_join(th[k], NULL);
			} else {
				for (size_t i = k; i < f->n_work; i += n)
					batch_read(&f->workers[0], &f->batches[f->work[i]]);
			}
		}
	}
	for (size_t i = 0; i < f->n_batches && !ret; i++) {
		struct batch *b = &f->batches[i];

		for (size_t j = 0; j < b->n && !ret; j++) {
			struct item *it = &b->items[j];
			const struct db_argmem *pre = NULL;
			struct db_argmem one[6];
			int n;

			it->ev.payload = b->store + it->off;
			if (it->req != SIZE_MAX) {
				for (int a = 0; a < 6; a++)
					one[a] = b->reqs[it->req + (size_t)a].mem;
				pre = one;
			}
			n = db_event_format(f->img, &it->ev, pre, f->text, sizeof(f->text));
			ret = f->cb(f->ctx, &it->ev, f->text, strlen(f->text), n < 0 ? n : 0);
		}
	}
	for (size_t i = 0; i < f->n_batches; i++) {
		f->batches[i].n = 0;
		f->batches[i].store_len = 0;
		f->batches[i].n_reqs = 0;
	}
	f->done += f->n_batches;
	f->n_batches = 0;
	f->n_work = 0;
	f->pending = 0;
	if (f->done >= RAMP)
		f->round = ROUND;
	return ret;
}

static int event_add(void *ctx, const struct hs_db_event *ev)
{
	struct fmt *f = ctx;
	struct hs_db_image *img = f->img;
	struct batch *b = f->n_batches ? &f->batches[f->n_batches - 1] : NULL;
	size_t c = b ? b->chunk : SIZE_MAX;
	struct item *it;
	int err;

	/* the chunk of ev->t: usually the batch's, or the next one */
	if (c >= img->n_chunks || ev->t < img->chunks[c].first_t ||
	    (c + 1 < img->n_chunks && ev->t >= img->chunks[c + 1].first_t)) {
		err = db_chunk_of(img, ev->t, &c);
		if (err)
			c = SIZE_MAX; /* formatting will say what it can */
	}
	if (b && (c != b->chunk || (b->n >= f->limit && ev->t != b->items[b->n - 1].ev.t))) {
		/* b is complete */
		if (f->limit < BATCH_MAX)
			f->limit *= 2;
		if (b->n_reqs)
			f->n_work++;
		if (f->round == 1 || f->n_work >= f->round || f->n_batches == MAX_BATCHES ||
		    f->pending >= PENDING) {
			err = round_flush(f);
			if (err)
				return err;
		}
		b = NULL;
	}
	if (!b) {
		b = &f->batches[f->n_batches++];
		b->chunk = c;
	}
	if (ev->tag == HS_EV_UNMAP || ev->tag == HS_EV_REMAP) {
		if (hs_grow((void **)&f->changes, &f->cap_changes, f->n_changes + 1,
			 sizeof(*f->changes)))
			return -ENOMEM;
		f->changes[f->n_changes++] = ev->t;
		if (f->kinds && !(f->kinds & HS_DB_KIND_BIT(ev->tag)))
			return 0; /* watched, not asked for */
	}
	if (hs_grow((void **)&b->items, &b->cap, b->n + 1, sizeof(*b->items)) ||
	    hs_grow((void **)&b->store, &b->store_cap, b->store_len + ev->len + 1, 1))
		return -ENOMEM;
	it = &b->items[b->n++];
	f->pending++;
	it->ev = *ev;
	it->off = b->store_len;
	it->req = SIZE_MAX;
	memcpy(b->store + b->store_len, ev->payload, ev->len);
	b->store_len += ev->len;
	if (ev->tag == HS_EV_SYSCALL_ENTER && ev->len >= 56 && c != SIZE_MAX &&
	    !db_syscall_all_captured(ev)) {
		uint64_t addr[6];
		size_t want[6];

		if (hs_grow((void **)&b->reqs, &b->cap_reqs, b->n_reqs + 6, sizeof(*b->reqs)) ||
		    hs_grow((void **)&b->by_addr, &b->cap_by, b->n_reqs + 6, sizeof(*b->by_addr)))
			return -ENOMEM;
		db_syscall_args(ev, addr, want);
		it->req = b->n_reqs;
		for (int a = 0; a < 6; a++) {
			struct req *q = &b->reqs[b->n_reqs++];

			q->t = ev->t;
			q->addr = addr[a];
			q->want = want[a];
		}
	}
	return 0;
}

int hs_db_events_text(const struct hs_db_image *cimg, uint64_t t0, uint64_t t1,
		      uint64_t kinds, hs_db_event_text_fn cb, void *ctx)
{
	struct fmt *f = calloc(1, sizeof(*f));
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int err;

	if (!f)
		return -ENOMEM;
	f->img = (struct hs_db_image *)cimg;
	f->kinds = kinds;
	f->cb = cb;
	f->ctx = ctx;
	f->limit = BATCH_MIN;
	f->round = 1;
	f->n_workers = cpus > 1 ? (cpus < WORKERS ? (size_t)cpus : WORKERS) : 1;
	for (size_t i = 0; i < WORKERS; i++) {
		f->workers[i].f = f;
		f->workers[i].index = i;
	}
	/* from t0: a change before t0 concerns no answer found in this call */
	err = hs_db_events(cimg, t0, t1, kinds ? kinds | CHANGES : 0, event_add, f);
	if (!err)
		err = round_flush(f);
	for (size_t i = 0; i < MAX_BATCHES; i++) {
		free(f->batches[i].items);
		free(f->batches[i].store);
		free(f->batches[i].reqs);
		free(f->batches[i].by_addr);
	}
	for (size_t i = 0; i < WORKERS; i++)
		if (f->workers[i].dec) {
			hs_trace_decoder_free(f->workers[i].dec);
			db_code_put(f->img);
		}
	free(f->changes);
	free(f);
	return err;
}
