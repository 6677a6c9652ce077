/* db_writes.c - who wrote a range: the last write before t, and every write.
 *
 * Page version masks (pages.hdb) say which chunks wrote which bytes, even
 * with an unchanged value; decoding such a chunk finds the exact writes.
 * The last write before t is in chunk c (the one holding t) if its version
 * hits the range, else in the newest older chunk whose version does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_i.h"

struct range {
	uint64_t addr, end;
};

/* The overlap of e with r: [*lo, *hi), false if none. */
static bool overlap(const struct range *r, const struct db_effect *e, uint64_t *lo,
		    uint64_t *hi)
{
	uint64_t e_end = e->addr + e->len;

	if (e_end < e->addr)
		e_end = UINT64_MAX;
	*lo = e->addr > r->addr ? e->addr : r->addr;
	*hi = e_end < r->end ? e_end : r->end;
	return *lo < *hi;
}

/* ---- the chunks that wrote a range ------------------------------------------ */

struct newest {
	struct range page;        /* the part of the range in this page */
	uint64_t floor;           /* chunks <= floor are of no interest */
	uint64_t found;           /* UINT64_MAX: none */
};

static int newest_cb(void *ctx, uint64_t chunk, const uint8_t *mask)
{
	struct newest *n = ctx;
	uint64_t p = n->page.addr & DB_PAGE_MASK;

	if (n->floor != UINT64_MAX && chunk <= n->floor)
		return 1;
	if (db_mask_hits(mask, (unsigned)(n->page.addr - p), (unsigned)(n->page.end - p))) {
		n->found = chunk;
		return 1;
	}
	return 0;
}

/* The newest chunk before `before` that wrote a byte of r; *chunk =
 * UINT64_MAX when none did. */
static int newest_writer(struct hs_db_image *img, const struct range *r, uint64_t before,
			 uint64_t *chunk)
{
	uint64_t best = UINT64_MAX;

	for (uint64_t p = r->addr & DB_PAGE_MASK; p < r->end; p += HS_DB_PAGE) {
		struct newest n = { .floor = best, .found = UINT64_MAX };
		int err;

		n.page.addr = p > r->addr ? p : r->addr;
		n.page.end = p + HS_DB_PAGE < r->end ? p + HS_DB_PAGE : r->end;
		err = db_page_versions(img, p, before, newest_cb, &n);
		if (err)
			return err;
		if (n.found != UINT64_MAX && (best == UINT64_MAX || n.found > best))
			best = n.found;
		if (p + HS_DB_PAGE < p)
			break;
	}
	*chunk = best;
	return 0;
}

/* Does chunk c's own version write a byte of r? */
static int chunk_writes(struct hs_db_image *img, const struct range *r, size_t c, bool *hit)
{
	*hit = false;
	for (uint64_t p = r->addr & DB_PAGE_MASK; p < r->end && !*hit; p += HS_DB_PAGE) {
		uint64_t lo = p > r->addr ? p : r->addr;
		uint64_t hi = p + HS_DB_PAGE < r->end ? p + HS_DB_PAGE : r->end;
		const struct db_page *pg;
		struct db_centry *e;
		int err = db_page_get(img, p, c, 0, &e, &pg);

		if (err)
			return err;
		*hit = pg->written_in_c && db_mask_hits(pg->mask_c, (unsigned)(lo - p),
							(unsigned)(hi - p));
		db_cache_put(&img->db->cache, e);
		if (p + HS_DB_PAGE < p)
			break;
	}
	return 0;
}

/* ---- the last write ------------------------------------------------------------ */

struct last_ctx {
	struct range r;
	bool found;
	struct db_effect e;       /* data not kept: see buf */
	uint8_t *buf;             /* the clipped bytes of e */
	uint64_t lo, hi;
};

static int last_cb(struct db_replay *rp, const struct db_effect *e)
{
	struct last_ctx *l = rp->ctx;
	uint64_t lo, hi;

	if (!overlap(&l->r, e, &lo, &hi))
		return 0;
	l->found = true;
	l->e = *e;
	l->e.data = NULL;
	l->lo = lo;
	l->hi = hi;
	if (e->kind == HS_DB_W_ZERO)
		memset(l->buf, 0, hi - lo);
	else if (e->kind != HS_DB_W_REMAP)
		memcpy(l->buf, e->data + (lo - e->addr), hi - lo);
	return 0;
}

/* Decodes chunk c up to stop_t looking for the last write to l->r. */
static int last_in_chunk(struct hs_db_image *img, size_t c, uint64_t stop_t,
			 struct last_ctx *l)
{
	struct db_replay rp = { .img = img, .chunk = c, .stop_t = stop_t,
				.effect = last_cb, .ctx = l };
	int err = db_replay_run(&rp);

	if (err || !l->found || l->e.kind != HS_DB_W_REMAP)
		return err;
	/* what the copy brought: its source just before it */
	return db_mem_raw(img, l->e.t, true, l->e.from + (l->lo - l->e.addr), l->hi - l->lo,
			  l->buf, 1);
}

static int last_write(struct hs_db_image *img, uint64_t addr, size_t len, uint64_t t,
		      struct hs_db_write *out, uint8_t *buf, int depth)
{
	struct last_ctx l = { .r = { addr, addr + len }, .buf = buf };
	uint64_t before;
	size_t c;
	bool hit;
	int err;

	memset(out, 0, sizeof(*out));
	if (!len || addr + len < addr)
		return -EINVAL;
	err = db_chunk_of(img, t, &c);
	if (err)
		return err;
	err = chunk_writes(img, &l.r, c, &hit);
	if (!err && hit)
		err = last_in_chunk(img, c, t, &l);
	before = img->chunks[c].seq;
	while (!err && !l.found) {
		uint64_t k;

		err = newest_writer(img, &l.r, before, &k);
		if (err || k == UINT64_MAX)
			break;
		if (k >= img->n_chunks) {
			err = db_corrupt(img->files[HS_DB_PAGEIDX], 0, "page version of a chunk that does not exist");
			break;
		}
		err = last_in_chunk(img, (size_t)k, UINT64_MAX, &l);
		/* a mask that names a chunk that wrote nothing there would be
		 * a builder bug; look further back rather than loop */
		before = k;
	}
	if (err)
		return err;
	if (!l.found && img->parent && depth < DB_MAX_DEPTH) /* the memory a fork began with */
		return last_write(img->parent, addr, len, img->parent_t, out, buf, depth + 1);
	if (!l.found)
		return -ENOENT;
	*out = (struct hs_db_write){
		.img = img, .t = l.e.t, .tid = l.e.tid, .kind = l.e.kind, .addr = l.e.addr,
		.len = l.e.len, .data_addr = l.lo, .data_len = l.hi - l.lo, .data = buf,
	};
	return 0;
}

int hs_db_last_write(const struct hs_db_image *img, uint64_t addr, size_t len,
		     uint64_t t, struct hs_db_write *out, uint8_t *buf)
{
	return last_write((struct hs_db_image *)img, addr, len, t, out, buf, 0);
}

/* ---- the history ------------------------------------------------------------ */

struct hist_ctx {
	struct hs_db_image *img;
	struct range r;
	uint64_t t0, t1;
	hs_db_write_fn cb;
	void *ctx;
	uint8_t *scratch;         /* r's length: zeros, copied bytes */
	int ret;                  /* what cb returned to stop */
};

static int hist_cb(struct db_replay *rp, const struct db_effect *e)
{
	struct hist_ctx *h = rp->ctx;
	struct hs_db_write w;
	uint64_t lo, hi;
	int err;

	if (e->t < h->t0 || e->t > h->t1 || !overlap(&h->r, e, &lo, &hi))
		return 0;
	w = (struct hs_db_write){ .img = h->img, .t = e->t, .tid = e->tid, .kind = e->kind,
				  .addr = e->addr, .len = e->len, .data_addr = lo,
				  .data_len = hi - lo };
	if (e->kind == HS_DB_W_ZERO) {
		memset(h->scratch, 0, hi - lo);
		w.data = h->scratch;
	} else if (e->kind == HS_DB_W_REMAP) {
		err = db_mem_raw(h->img, e->t, true, e->from + (lo - e->addr), hi - lo,
				 h->scratch, 1);
		if (err)
			return err;
		w.data = h->scratch;
	} else {
		w.data = e->data + (lo - e->addr);
	}
	err = h->cb(h->ctx, &w);
	if (err) {
		h->ret = err;
		return 2; /* stops the decode; not STOP, not an error */
	}
	return 0;
}

struct chunk_set {
	uint64_t *v;
	size_t n, cap;
	struct range page;
	uint64_t floor;           /* versions of older chunks are not needed */
};

static int set_cb(void *ctx, uint64_t chunk, const uint8_t *mask)
{
	struct chunk_set *s = ctx;
	uint64_t p = s->page.addr & DB_PAGE_MASK;

	if (chunk < s->floor)
		return 1;
	if (!db_mask_hits(mask, (unsigned)(s->page.addr - p), (unsigned)(s->page.end - p)))
		return 0;
	if (hs_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)))
		return -ENOMEM;
	s->v[s->n++] = chunk;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int writes(struct hs_db_image *img, uint64_t addr, size_t len, uint64_t t0,
		  uint64_t t1, hs_db_write_fn cb, void *ctx, int depth)
{
	struct hist_ctx h = { .img = img, .r = { addr, addr + len }, .t0 = t0, .t1 = t1,
			      .cb = cb, .ctx = ctx };
	struct chunk_set s = { 0 };
	size_t c_first, c_last;
	int err = 0;

	if (!len || addr + len < addr)
		return -EINVAL;
	if (t0 == 0 && t0 <= t1 && img->parent && depth < DB_MAX_DEPTH) {
		/* the memory a fork began with */
		err = writes(img->parent, addr, len, 0, img->parent_t, cb, ctx, depth + 1);
		if (err)
			return err;
	}
	if (t0 > t1 || !img->n_chunks || t0 > img->t_end)
		return 0;
	if (t1 > img->t_end)
		t1 = h.t1 = img->t_end;
	/* effects at t are decoded in chunk_of(t), or at the end of the
	 * chunk before it (events at its end_t) */
	db_chunk_of(img, t0, &c_first);
	db_chunk_of(img, t1, &c_last);
	if (c_first)
		c_first--;
	s.floor = c_first;
	for (uint64_t p = addr & DB_PAGE_MASK; p < addr + len; p += HS_DB_PAGE) {
		s.page.addr = p > addr ? p : addr;
		s.page.end = p + HS_DB_PAGE < addr + len ? p + HS_DB_PAGE : addr + len;
		err = db_page_versions(img, p, c_last + 1, set_cb, &s);
		if (err || p + HS_DB_PAGE < p)
			break;
	}
	if (err)
		goto out;
	h.scratch = malloc(len);
	if (!h.scratch) {
		err = -ENOMEM;
		goto out;
	}
	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), cmp_u64);
	for (size_t i = 0; i < s.n && !err; i++) {
		struct db_replay rp = { .img = img, .effect = hist_cb, .ctx = &h,
					.stop_t = UINT64_MAX };

		if (i && s.v[i] == s.v[i - 1])
			continue;
		if (s.v[i] >= img->n_chunks) {
			err = db_corrupt(img->files[HS_DB_PAGEIDX], 0,
					 "page version of a chunk that does not exist");
			break;
		}
		rp.chunk = (size_t)s.v[i];
		err = db_replay_run(&rp);
		if (err == 2)
			err = h.ret;
	}
out:
	free(s.v);
	free(h.scratch);
	return err;
}

const char *hs_db_write_kind_name(uint32_t kind)
{
	static const char *const names[] = {
		[HS_DB_W_STORE] = "store", [HS_DB_W_SYSCALL] = "syscall",
		[HS_DB_W_SIGNAL] = "signal", [HS_DB_W_CORE] = "core", [HS_DB_W_MAP] = "map",
		[HS_DB_W_ZERO] = "zero", [HS_DB_W_REMAP] = "remap",
	};

	return kind < DB_ARRAY_SIZE(names) && names[kind] ? names[kind] : "?";
}

int hs_db_writes(const struct hs_db_image *img, uint64_t addr, size_t len, uint64_t t0,
		 uint64_t t1, hs_db_write_fn cb, void *ctx)
{
	return writes((struct hs_db_image *)img, addr, len, t0, t1, cb, ctx, 0);
}
