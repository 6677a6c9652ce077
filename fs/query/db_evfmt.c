/* db_evfmt.c - events as text in batches (hs_db_events_text).
 *
 * A syscall's string arguments are memory at the event's t.  Read one by
 * one (hs_db_mem_read), each costs a decode of its stream chunk up to t
 * whenever that chunk wrote the bytes, which a syscall-heavy program does
 * all the time (dd's buffer is written by every read()).  Here events are
 * gathered into a batch of one chunk, every string of the batch is
 * resolved as db_mem_raw() would (the pages as of the chunk's start, then
 * the chunk's effects up to the string's t), but with one decode for the
 * whole batch: each effect goes to every request it overlaps whose t is
 * at or after the effect's.  Effects come in t order, and a decode up to
 * stop_t delivers exactly those with t <= stop_t, so each request ends up
 * with the bytes a decode of its own would have given.
 *
 * Batches start at BATCH_MIN events and double up to BATCH_MAX, so that a
 * caller who stops after a few events (a read of a few lines) pays for
 * few.  A batch never splits the events of one t.
 *
 * The decode uses a decoder of its own (not db_replay.c's pooled ones),
 * so that a store outside every string of the batch (nearly all of them)
 * costs one compare; what it does with the rest is db_replay.c's: the
 * same stops (an instruction or store of t >= stop_t, an event or dump
 * past stop_t) and trace_mem for the effects.
 *
 * Two more savings, both exact:
 *   - whether a string's bytes are mapped (db_mapped_len replays the
 *     mappings timeline): a range found wholly mapped at t_m stays so at
 *     any later t unless an UNMAP or REMAP event came in (t_m, t] (a MAP,
 *     an mprotect and the main stack's growth never unmap anything), so
 *     the last few answers are kept (MEMO), and UNMAP and REMAP events
 *     are watched even when the caller did not ask for them;
 *   - the pages as of the chunk's start: the batch's requests share a few
 *     pages, held (PAGES) until the batch is done.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_i.h"

#define BATCH_MIN 64
#define BATCH_MAX 16384
#define MEMO 8
#define PAGES 8
#define CHANGES (HS_DB_KIND_BIT(HS_EV_UNMAP) | HS_DB_KIND_BIT(HS_EV_REMAP))

/* One string argument to read: want bytes at addr as of t. */
struct req {
	uint64_t t, addr;
	size_t want, len;       /* len: the mapped part of want */
	bool decode;            /* the chunk wrote some of its bytes */
	struct db_argmem mem;
};

struct item {
	struct hs_db_event ev;  /* payload: set at flush, from off */
	size_t off;
	size_t req;             /* its first request (6 per syscall entry) */
};

struct batch {
	struct hs_db_image *img;
	uint64_t kinds;
	hs_db_event_text_fn cb;
	void *ctx;
	size_t chunk;           /* of every event in the batch */
	size_t limit;           /* current batch size */
	struct item *items;
	size_t n, cap;
	uint8_t *store;         /* payloads */
	size_t store_len, store_cap;
	struct req *reqs;       /* 6 per syscall entry, in order */
	size_t n_reqs, cap_reqs;
	size_t *by_addr;        /* decode requests, by addr */
	size_t n_dec, cap_by;
	uint64_t dec_lo, dec_hi;   /* the decode requests lie in [lo, hi) */
	/* the decode */
	struct hs_trace_decoder *dec;
	int dec_err;              /* creating it failed: read one by one */
	struct hs_trace_mem_visitor mv;
	uint64_t stop;
	/* UNMAP and REMAP: the t of the last one before this batch, and
	 * those in it, in order */
	uint64_t last_change;
	bool any_change;
	uint64_t *changes;
	size_t n_changes, cap_changes;
	/* ranges found wholly mapped: (addr, want) at t */
	struct {
		uint64_t addr, t;
		size_t want;
	} memo[MEMO];
	size_t n_memo, next_memo;
	/* pages as of b->chunk's start, held until the end of batch_read */
	struct {
		uint64_t page;
		struct db_centry *e;
		const struct db_page *pg;
	} pages[PAGES];
	size_t n_pages, next_page;
	char text[HS_DB_TEXT_MAX];
};

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	p = realloc(*v, c * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

/* The t of the last UNMAP or REMAP at or before t (requests come in t
 * order, and every event of their t is in the batch); *any false when
 * there was none. */
static uint64_t last_change_at(struct batch *b, uint64_t t, bool *any)
{
	uint64_t last = b->last_change;

	*any = b->any_change;
	for (size_t i = 0; i < b->n_changes && b->changes[i] <= t; i++) {
		last = b->changes[i];
		*any = true;
	}
	return last;
}

static bool memo_mapped(struct batch *b, const struct req *q)
{
	bool any;
	uint64_t change = last_change_at(b, q->t, &any);

	for (size_t i = 0; i < b->n_memo; i++)
		if (b->memo[i].addr == q->addr && b->memo[i].want == q->want &&
		    b->memo[i].t <= q->t && (!any || change <= b->memo[i].t))
			return true;
	return false;
}

static void memo_add(struct batch *b, const struct req *q)
{
	size_t i = b->next_memo;

	b->memo[i].addr = q->addr;
	b->memo[i].want = q->want;
	b->memo[i].t = q->t;
	b->next_memo = (i + 1) % MEMO;
	if (b->n_memo < MEMO)
		b->n_memo++;
}

/* A page as of the start of b->chunk, held in b->pages. */
static int page_get(struct batch *b, uint64_t page, const struct db_page **pg)
{
	struct db_centry *e;
	size_t i;
	int err;

	for (i = 0; i < b->n_pages; i++)
		if (b->pages[i].page == page) {
			*pg = b->pages[i].pg;
			return 0;
		}
	err = db_page_get(b->img, page, b->chunk, 0, &e, pg);
	if (err)
		return err;
	i = b->next_page;
	if (i < b->n_pages)
		db_cache_put(&b->img->db->cache, b->pages[i].e);
	else
		b->n_pages++;
	b->pages[i].page = page;
	b->pages[i].e = e;
	b->pages[i].pg = *pg;
	b->next_page = (i + 1) % PAGES;
	return 0;
}

static void pages_release(struct batch *b)
{
	for (size_t i = 0; i < b->n_pages; i++)
		db_cache_put(&b->img->db->cache, b->pages[i].e);
	b->n_pages = 0;
	b->next_page = 0;
}

/* The part of want that is mapped at t, and the pages as of the chunk's
 * start: as hs_db_mem_read() and db_mem_raw() do before decoding. */
static void req_pages(struct batch *b, struct req *q)
{
	struct hs_db_image *img = b->img;
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
	if (memo_mapped(b, q))
		mapped = q->want;
	else
		err = db_mapped_len(img, q->t, addr, q->want, &mapped);
	if (!err && mapped == q->want)
		memo_add(b, q);
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

		err = page_get(b, p, &pg);
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

static int cmp_addr(const void *a, const void *b, void *ctx)
{
	const struct req *r = ctx;
	uint64_t x = r[*(const size_t *)a].addr, y = r[*(const size_t *)b].addr;

	return x < y ? -1 : x > y;
}

/* An effect of the batch's decode: applied to every decode request that
 * overlaps it and is at or after its t (as db_mem.c's apply_effect). */
static int batch_effect(struct batch *b, const struct db_effect *e)
{
	uint64_t e_end = e->addr + e->len;
	size_t lo = 0, hi = b->n_dec;

	if (e->addr >= b->dec_hi || e_end <= b->dec_lo || e_end < e->addr)
		return 0; /* most stores: quickly */
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
			int err = db_mem_raw(b->img, e->t, true, e->from + (from - e->addr),
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

/* ---- the decode ------------------------------------------------------------ */

#define STOP 1

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
	struct batch *b = ctx;

	(void)tid;
	(void)rip;
	return t >= b->stop ? STOP : 0;
}

static int v_store(void *ctx, uint64_t t, uint32_t tid, uint64_t addr, uint32_t size,
		   const uint8_t *bytes)
{
	struct batch *b = ctx;

	(void)tid;
	if (t >= b->stop)
		return STOP;
	if (addr >= b->dec_hi || addr + size <= b->dec_lo)
		return 0; /* nearly every store */
	return hs_trace_mem_store(&b->mv, t, addr, size, bytes);
}

static int v_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag, const uint8_t *payload,
		   uint32_t len)
{
	struct batch *b = ctx;
	int ret;

	(void)tid;
	if (t > b->stop)
		return STOP;
	if (tag != HS_EV_MEM && tag != HS_EV_MAP && tag != HS_EV_REMAP)
		return 0;
	ret = hs_trace_mem_event(&b->mv, b->img->db->files, t, tag, payload, len);
	if (ret == -ENOENT || ret == -ESTALE || ret == -EINVAL)
		return -EIO; /* a mapped file gone or changed (logged) */
	return ret;
}

static int v_regs(void *ctx, uint64_t t, uint32_t tid, uint32_t reason, const uint8_t *state)
{
	struct batch *b = ctx;

	(void)tid;
	(void)reason;
	(void)state;
	return t > b->stop ? STOP : 0;
}

/* Decodes the batch's chunk up to b->stop, the effects to batch_effect:
 * 0, or -errno. */
static int batch_decode(struct batch *b)
{
	struct hs_trace_visitor v = { .ctx = b, .insn = v_insn, .store = v_store,
				      .event = v_event, .regs = v_regs };
	struct hs_trace_err terr = { "" };
	const struct hs_trace_chunk *chunk;
	const struct hs_trace_code *code;
	struct db_centry *e;
	int ret;

	if (!b->dec) {
		if (b->dec_err)
			return b->dec_err;
		ret = db_code(b->img, &code);
		if (!ret)
			ret = hs_trace_decoder_new(code, &v, &b->dec);
		if (ret) {
			b->dec_err = ret;
			return ret;
		}
		/* the builder checked the dumps */
		hs_trace_decoder_set_check(b->dec, false);
		b->mv = (struct hs_trace_mem_visitor){ .ctx = b, .write = m_write, .zero = m_zero,
						       .copy = m_copy };
	}
	if (b->chunk >= b->img->n_chunks || b->stop < b->img->chunks[b->chunk].first_t)
		return -EINVAL;
	ret = db_stream_chunk(b->img, b->chunk, &e, &chunk);
	if (ret)
		return ret;
	/* it may have stopped partway through another chunk */
	hs_trace_decoder_reset(b->dec);
	ret = hs_trace_decoder_chunk(b->dec, chunk, &terr);
	if (ret < 0 && terr.msg[0])
		db_log("%s", terr.msg);
	db_cache_put(&b->img->db->cache, e);
	return ret < 0 ? ret : 0;
}

/* Resolves every request of the batch. */
static void batch_read(struct batch *b)
{
	uint64_t stop = 0;
	int err;

	b->n_dec = 0;
	for (size_t i = 0; i < b->n_reqs; i++) {
		struct req *q = &b->reqs[i];

		req_pages(b, q);
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
	pages_release(b);
	if (!b->n_dec)
		return;
	qsort_r(b->by_addr, b->n_dec, sizeof(*b->by_addr), cmp_addr, b->reqs);
	b->stop = stop;
	err = batch_decode(b);
	if (err >= 0)
		return;
	/* The decode failed somewhere (damage, a mapped file that changed):
	 * requests before that point may still have their answer, and the
	 * failure may not concern every request, so each one is read on its
	 * own, as hs_db_event_format() would (slow, but rare). */
	for (size_t i = 0; i < b->n_dec; i++) {
		struct req *q = &b->reqs[b->by_addr[i]];

		q->mem.n = hs_db_mem_read(b->img, q->t, q->addr, q->want, q->mem.bytes);
	}
}

static int batch_flush(struct batch *b)
{
	int ret = 0;
	size_t i;

	if (!b->n)
		return 0;
	batch_read(b);
	for (i = 0; i < b->n; i++) {
		struct item *it = &b->items[i];
		const struct db_argmem *pre = NULL;
		struct db_argmem one[6];
		int n;
		size_t len;

		it->ev.payload = b->store + it->off;
		if (it->req != SIZE_MAX) {
			for (int a = 0; a < 6; a++)
				one[a] = b->reqs[it->req + (size_t)a].mem;
			pre = one;
		}
		n = db_event_format(b->img, &it->ev, pre, b->text, sizeof(b->text));
		len = strlen(b->text);
		ret = b->cb(b->ctx, &it->ev, b->text, len, n < 0 ? n : 0);
		if (ret)
			break;
	}
	b->n = 0;
	b->store_len = 0;
	b->n_reqs = 0;
	if (b->n_changes) {
		b->last_change = b->changes[b->n_changes - 1];
		b->any_change = true;
		b->n_changes = 0;
	}
	if (b->limit < BATCH_MAX)
		b->limit *= 2;
	return ret;
}

static int batch_add(void *ctx, const struct hs_db_event *ev)
{
	struct batch *b = ctx;
	struct hs_db_image *img = b->img;
	struct item *it;
	size_t c = b->chunk;
	int err;

	/* the chunk of ev->t: usually the batch's, or the next one */
	if (c >= img->n_chunks || ev->t < img->chunks[c].first_t ||
	    (c + 1 < img->n_chunks && ev->t >= img->chunks[c + 1].first_t)) {
		err = db_chunk_of(img, ev->t, &c);
		if (err)
			c = SIZE_MAX; /* formatting will say what it can */
	}
	if (b->n && (c != b->chunk || (b->n >= b->limit && ev->t != b->items[b->n - 1].ev.t))) {
		err = batch_flush(b);
		if (err)
			return err;
	}
	b->chunk = c;
	if (ev->tag == HS_EV_UNMAP || ev->tag == HS_EV_REMAP) {
		if (grow((void **)&b->changes, &b->cap_changes, b->n_changes + 1,
			 sizeof(*b->changes)))
			return -ENOMEM;
		b->changes[b->n_changes++] = ev->t;
		if (b->kinds && !(b->kinds & HS_DB_KIND_BIT(ev->tag)))
			return 0; /* watched, not asked for */
	}
	if (grow((void **)&b->items, &b->cap, b->n + 1, sizeof(*b->items)) ||
	    grow((void **)&b->store, &b->store_cap, b->store_len + ev->len + 1, 1))
		return -ENOMEM;
	it = &b->items[b->n++];
	it->ev = *ev;
	it->off = b->store_len;
	it->req = SIZE_MAX;
	memcpy(b->store + b->store_len, ev->payload, ev->len);
	b->store_len += ev->len;
	if (ev->tag == HS_EV_SYSCALL_ENTER && ev->len >= 56 && c != SIZE_MAX) {
		uint64_t addr[6];
		size_t want[6];

		if (grow((void **)&b->reqs, &b->cap_reqs, b->n_reqs + 6, sizeof(*b->reqs)) ||
		    grow((void **)&b->by_addr, &b->cap_by, b->n_reqs + 6, sizeof(*b->by_addr)))
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
	struct batch *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return -ENOMEM;
	b->img = (struct hs_db_image *)cimg;
	b->kinds = kinds;
	b->cb = cb;
	b->ctx = ctx;
	b->limit = BATCH_MIN;
	b->chunk = SIZE_MAX;
	/* from t0: an earlier change is the memo's concern only for
	 * answers found in this call, all at t0 or later */
	err = hs_db_events(cimg, t0, t1, kinds ? kinds | CHANGES : 0, batch_add, b);
	if (!err)
		err = batch_flush(b);
	free(b->items);
	free(b->store);
	free(b->reqs);
	free(b->by_addr);
	free(b->changes);
	hs_trace_decoder_free(b->dec);
	free(b);
	return err;
}
