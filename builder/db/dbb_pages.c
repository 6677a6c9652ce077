/* dbb_pages.c - page versions of one shard: per-chunk tracking, sorted runs.
 *
 * During a chunk every page that a memory effect touches gets an entry:
 * which bytes were written (mask) and their latest values, on top of a base:
 *   PREV  the page as the chunk found it (a DIFF at the end)
 *   ZERO  zeros: a mapping covered the page (a FULL at the end)
 *   COPY  the page copy_src at the chunk's start (mremap; a COPY at the end)
 * An mremap copies the source's entry: a source with a PREV base makes a
 * COPY of the source with the source's written bytes as overlay; a ZERO or
 * COPY source passes its base on.  So a COPY always refers to the state at
 * the chunk's start (db_format.h).  Big zero ranges (new mappings) are kept
 * as intervals and become entries only when written.
 *
 * At the chunk's end the entries become PAGES records in page order and go
 * into a buffer; when the buffer passes run_bytes it is sorted by (page,
 * chunk) and written as one run, pages.<k>.sp.  The merge does a k-way
 * merge of every shard's runs.
 *
 * The store path (dbb_write) is hot: one per store of the recording; it
 * remembers the last page it touched.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "dbb_i.h"

enum { BASE_PREV, BASE_ZERO, BASE_COPY };

struct pg_entry {
	uint64_t page;
	uint32_t base;
	uint32_t pad;
	uint64_t copy_src, copy_t;
	uint64_t mask[HS_DB_MASK_BYTES / 8];
	uint8_t data[HS_DB_PAGE];
};

struct pg_slot {
	uint64_t page;
	uint32_t gen;
	uint32_t idx;
};

struct pg_range {
	uint64_t start, end; /* page addresses, end exclusive */
};

struct pg_ver {
	uint64_t page, chunk;
	size_t off, len;
};

struct dbb_pages {
	char *dir;
	bool sync;
	size_t run_bytes;
	uint64_t chunk;

	/* this chunk's entries: ents[0..n_used) are live */
	struct pg_entry **ents;
	size_t n_used, n_alloc, cap_ents;
	struct pg_slot *slots;
	size_t n_slots;          /* power of two */
	uint32_t gen;
	uint64_t last_page;      /* cache of the last lookup */
	struct pg_entry *last;
	struct pg_range *zeros;
	size_t n_zeros, cap_zeros;

	/* versions waiting for the next run */
	uint8_t *buf;
	size_t buf_len, buf_cap;
	struct pg_ver *vers;
	size_t n_vers, cap_vers;
	unsigned n_runs;
	uint64_t versions;
	uint8_t tmp[HS_DB_PAGE_HDR + HS_DB_PAGE];
};


int dbb_pages_new(const char *dir, size_t run_bytes, bool sync,
		  struct dbb_pages **out)
{
	struct dbb_pages *pg = calloc(1, sizeof(*pg));

	*out = NULL;
	if (!pg)
		return -ENOMEM;
	pg->dir = strdup(dir);
	pg->n_slots = 1024;
	pg->slots = calloc(pg->n_slots, sizeof(*pg->slots));
	if (!pg->dir || !pg->slots) {
		dbb_pages_free(pg);
		return -ENOMEM;
	}
	pg->gen = 1;
	pg->sync = sync;
	pg->run_bytes = run_bytes;
	pg->last_page = UINT64_MAX;
	*out = pg;
	return 0;
}

void dbb_pages_free(struct dbb_pages *pg)
{
	if (!pg)
		return;
	for (size_t i = 0; i < pg->n_alloc; i++)
		free(pg->ents[i]);
	free(pg->ents);
	free(pg->slots);
	free(pg->zeros);
	free(pg->buf);
	free(pg->vers);
	free(pg->dir);
	free(pg);
}

uint64_t dbb_pages_versions(const struct dbb_pages *pg)
{
	return pg->versions;
}

static inline size_t slot_hash(uint64_t page, size_t n)
{
	return (size_t)(((page >> DBB_PAGE_SHIFT) * 0x9e3779b97f4a7c15ull) >> 20) & (n - 1);
}

static struct pg_entry *find(struct dbb_pages *pg, uint64_t page)
{
	size_t i = slot_hash(page, pg->n_slots);

	for (;; i = (i + 1) & (pg->n_slots - 1)) {
		struct pg_slot *s = &pg->slots[i];

		if (s->gen != pg->gen)
			return NULL;
		if (s->page == page)
			return pg->ents[s->idx];
	}
}

static int rehash(struct dbb_pages *pg)
{
	size_t n = pg->n_slots * 2;
	struct pg_slot *s = calloc(n, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t k = 0; k < pg->n_used; k++) {
		size_t i = slot_hash(pg->ents[k]->page, n);

		while (s[i].gen == pg->gen)
			i = (i + 1) & (n - 1);
		s[i] = (struct pg_slot){ pg->ents[k]->page, pg->gen, (uint32_t)k };
	}
	free(pg->slots);
	pg->slots = s;
	pg->n_slots = n;
	return 0;
}

static bool in_zeros(const struct dbb_pages *pg, uint64_t page)
{
	for (size_t i = 0; i < pg->n_zeros; i++)
		if (page >= pg->zeros[i].start && page < pg->zeros[i].end)
			return true;
	return false;
}

static void set_zero(struct pg_entry *e)
{
	e->base = BASE_ZERO;
	e->copy_src = e->copy_t = 0;
	memset(e->mask, 0xff, sizeof(e->mask));
	memset(e->data, 0, sizeof(e->data));
}

/* The entry of page, created if new (its base from the zero ranges). */
static struct pg_entry *get(struct dbb_pages *pg, uint64_t page)
{
	struct pg_entry *e = find(pg, page);
	size_t i;

	if (e)
		return e;
	if ((pg->n_used + 1) * 2 > pg->n_slots && rehash(pg))
		return NULL;
	if (pg->n_used == pg->n_alloc) {
		if (hs_grow((void **)&pg->ents, &pg->cap_ents, pg->n_alloc + 1, sizeof(*pg->ents)))
			return NULL;
		pg->ents[pg->n_alloc] = malloc(sizeof(struct pg_entry));
		if (!pg->ents[pg->n_alloc])
			return NULL;
		pg->n_alloc++;
	}
	e = pg->ents[pg->n_used];
	e->page = page;
	if (in_zeros(pg, page)) {
		set_zero(e);
	} else {
		e->base = BASE_PREV;
		e->copy_src = e->copy_t = 0;
		memset(e->mask, 0, sizeof(e->mask));
		/* data is only read where mask says */
	}
	i = slot_hash(page, pg->n_slots);
	while (pg->slots[i].gen == pg->gen)
		i = (i + 1) & (pg->n_slots - 1);
	pg->slots[i] = (struct pg_slot){ page, pg->gen, (uint32_t)pg->n_used };
	pg->n_used++;
	return e;
}

static inline void mask_set(uint64_t *m, unsigned o, unsigned n)
{
	while (n) {
		unsigned w = o >> 6, b = o & 63, k = 64 - b;

		HS_ANALYZER_ASSUME(b < 64 && k >= 1 && k <= 64);
		if (k > n)
			k = n;
		m[w] |= (k == 64 ? UINT64_MAX : ((1ull << k) - 1)) << b;
		o += k;
		n -= k;
	}
}

static int dbb_write(void *ctx, uint64_t t, uint64_t addr, uint64_t len,
		     const uint8_t *data)
{
	struct dbb_pages *pg = ctx;

	while (len) {
		uint64_t page = addr & ~DBB_PAGE_MASK;
		unsigned o = (unsigned)(addr & DBB_PAGE_MASK);
		unsigned n = HS_DB_PAGE - o;
		struct pg_entry *e;

		if (n > len)
			n = (unsigned)len;
		if (page == pg->last_page) {
			e = pg->last;
		} else {
			e = get(pg, page);
			if (!e)
				return -ENOMEM;
			pg->last_page = page;
			pg->last = e;
		}
		mask_set(e->mask, o, n);
		memcpy(e->data + o, data, n);
		addr += n;
		data += n;
		len -= n;
	}
	return 0;
}

/* Zeros written byte-wise, in pieces of at most a page. */
static int write_zeros(struct dbb_pages *pg, uint64_t addr, uint64_t len)
{
	static const uint8_t zeros[HS_DB_PAGE];

	while (len) {
		uint64_t n = len < HS_DB_PAGE ? len : HS_DB_PAGE;
		int ret = dbb_write(pg, 0, addr, n, zeros);

		if (ret)
			return ret;
		addr += n;
		len -= n;
	}
	return 0;
}

static int dbb_zero(void *ctx, uint64_t t, uint64_t addr, uint64_t len)
{
	struct dbb_pages *pg = ctx;
	uint64_t end = addr + len, p0, p1;
	int ret;

	if (end < addr)
		return -EBADMSG;
	p0 = (addr + DBB_PAGE_MASK) & ~DBB_PAGE_MASK;
	p1 = end & ~DBB_PAGE_MASK;
	if (p0 >= p1) /* no whole page */
		return write_zeros(pg, addr, len);
	if (p1 - p0 <= 64 * (uint64_t)HS_DB_PAGE) {
		for (uint64_t p = p0; p < p1; p += HS_DB_PAGE) {
			struct pg_entry *e = get(pg, p);

			if (!e)
				return -ENOMEM;
			set_zero(e);
		}
	} else {
		if (hs_grow((void **)&pg->zeros, &pg->cap_zeros, pg->n_zeros + 1,
			 sizeof(*pg->zeros)))
			return -ENOMEM;
		pg->zeros[pg->n_zeros++] = (struct pg_range){ p0, p1 };
		for (size_t i = 0; i < pg->n_used; i++)
			if (pg->ents[i]->page >= p0 && pg->ents[i]->page < p1)
				set_zero(pg->ents[i]);
	}
	if ((ret = write_zeros(pg, addr, p0 - addr)))
		return ret;
	return write_zeros(pg, p1, end - p1);
}

static int dbb_copy(void *ctx, uint64_t t, uint64_t from, uint64_t to, uint64_t len)
{
	struct dbb_pages *pg = ctx;

	if ((from | to) & DBB_PAGE_MASK) {
		fprintf(stderr, "hindsight: REMAP from 0x%" PRIx64 " to 0x%" PRIx64
			" is not page aligned\n", from, to);
		return -EBADMSG;
	}
	len = (len + DBB_PAGE_MASK) & ~DBB_PAGE_MASK;
	if (from + len < from || to + len < to ||
	    (from < to + len && to < from + len)) {
		fprintf(stderr, "hindsight: REMAP ranges overlap or wrap\n");
		return -EBADMSG;
	}
	for (uint64_t k = 0; k < len; k += HS_DB_PAGE) {
		uint64_t src = from + k;
		struct pg_entry *s = find(pg, src), *d;
		bool zero = !s && in_zeros(pg, src);

		/* get() may move the slots, never the entries */
		d = get(pg, to + k);
		if (!d)
			return -ENOMEM;
		if (s) {
			d->base = s->base;
			d->copy_src = s->base == BASE_PREV ? src : s->copy_src;
			d->copy_t = s->base == BASE_ZERO ? 0 : t;
			memcpy(d->mask, s->mask, sizeof(d->mask));
			memcpy(d->data, s->data, sizeof(d->data));
			if (d->base == BASE_PREV)
				d->base = BASE_COPY;
		} else if (zero) {
			set_zero(d);
		} else {
			d->base = BASE_COPY;
			d->copy_src = src;
			d->copy_t = t;
			memset(d->mask, 0, sizeof(d->mask));
		}
	}
	return 0;
}

void dbb_pages_visitor(struct dbb_pages *pg, struct hs_trace_mem_visitor *v)
{
	v->ctx = pg;
	v->write = dbb_write;
	v->zero = dbb_zero;
	v->copy = dbb_copy;
}

void dbb_pages_chunk_begin(struct dbb_pages *pg, uint64_t seq)
{
	pg->chunk = seq;
}

static int cmp_ent(const void *a, const void *b)
{
	uint64_t x = (*(struct pg_entry *const *)a)->page;
	uint64_t y = (*(struct pg_entry *const *)b)->page;

	return x < y ? -1 : x > y;
}

static int cmp_range(const void *a, const void *b)
{
	uint64_t x = ((const struct pg_range *)a)->start;
	uint64_t y = ((const struct pg_range *)b)->start;

	return x < y ? -1 : x > y;
}

static int cmp_ver(const void *a, const void *b)
{
	const struct pg_ver *x = a, *y = b;

	if (x->page != y->page)
		return x->page < y->page ? -1 : 1;
	return x->chunk < y->chunk ? -1 : x->chunk > y->chunk;
}

/* Appends one version to the run buffer. */
static int add_version(struct dbb_pages *pg, const uint8_t *rec, size_t len,
		       uint64_t page)
{
	int ret;

	if ((ret = hs_grow((void **)&pg->buf, &pg->buf_cap, pg->buf_len + len, 1)) ||
	    (ret = hs_grow((void **)&pg->vers, &pg->cap_vers, pg->n_vers + 1, sizeof(*pg->vers))))
		return ret;
	memcpy(pg->buf + pg->buf_len, rec, len);
	pg->vers[pg->n_vers++] = (struct pg_ver){ page, pg->chunk, pg->buf_len, len };
	pg->buf_len += len;
	pg->versions++;
	return 0;
}

static int emit_entry(struct dbb_pages *pg, const struct pg_entry *e, uint64_t end_t)
{
	const uint8_t *mask = (const uint8_t *)e->mask;
	uint8_t *rec = pg->tmp;
	uint32_t n;

	if (e->base == BASE_COPY) {
		n = dbb_mask_gather(mask, e->data, rec + HS_DB_PAGE_HDR);
		dbb_page_hdr(rec, e->page, pg->chunk, end_t, HS_DB_COPY, HS_DB_WROTE_ALL,
			     e->copy_src, e->copy_t, mask, n);
		return add_version(pg, rec, HS_DB_PAGE_HDR + n, e->page);
	}
	if (e->base == BASE_ZERO || dbb_mask_full(mask)) {
		bool zero = true;

		for (unsigned i = 0; i < HS_DB_PAGE && zero; i += 8)
			zero = hs_le64(e->data + i) == 0;
		n = zero ? 0 : HS_DB_PAGE;
		dbb_page_hdr(rec, e->page, pg->chunk, end_t, HS_DB_FULL, HS_DB_WROTE_ALL,
			     0, 0, mask, n);
		memcpy(rec + HS_DB_PAGE_HDR, e->data, n);
		return add_version(pg, rec, HS_DB_PAGE_HDR + n, e->page);
	}
	n = dbb_mask_gather(mask, e->data, rec + HS_DB_PAGE_HDR);
	if (n == 0)
		return 0; /* a write of nothing */
	dbb_page_hdr(rec, e->page, pg->chunk, end_t, HS_DB_DIFF, 0, 0, 0, mask, n);
	return add_version(pg, rec, HS_DB_PAGE_HDR + n, e->page);
}

static int emit_zero_page(struct dbb_pages *pg, uint64_t page, uint64_t end_t)
{
	uint8_t mask[HS_DB_MASK_BYTES];

	memset(mask, 0xff, sizeof(mask));
	dbb_page_hdr(pg->tmp, page, pg->chunk, end_t, HS_DB_FULL, HS_DB_WROTE_ALL,
		     0, 0, mask, 0);
	return add_version(pg, pg->tmp, HS_DB_PAGE_HDR, page);
}

static int write_run(struct dbb_pages *pg)
{
	struct dbb_spill_w *w = NULL;
	char name[32];
	int ret;

	if (!pg->n_vers)
		return 0;
	qsort(pg->vers, pg->n_vers, sizeof(*pg->vers), cmp_ver);
	snprintf(name, sizeof(name), "pages.%u.sp", pg->n_runs);
	ret = dbb_spill_create_in(pg->dir, name, &w);
	if (ret)
		return ret;
	for (size_t i = 0; i < pg->n_vers && !ret; i++)
		ret = dbb_spill_write(w, pg->buf + pg->vers[i].off, pg->vers[i].len);
	if (ret) {
		dbb_spill_abort(w);
		return ret;
	}
	ret = dbb_spill_close(w, pg->sync);
	pg->n_runs++;
	pg->n_vers = 0;
	pg->buf_len = 0;
	return ret;
}

int dbb_pages_chunk_end(struct dbb_pages *pg, uint64_t end_t)
{
	size_t i = 0, z = 0;
	int ret = 0;

	qsort(pg->ents, pg->n_used, sizeof(*pg->ents), cmp_ent);
	/* merge the zero ranges into one sorted list without overlaps */
	if (pg->n_zeros > 1) {
		size_t k = 0;

		qsort(pg->zeros, pg->n_zeros, sizeof(*pg->zeros), cmp_range);
		for (size_t j = 1; j < pg->n_zeros; j++) {
			if (pg->zeros[j].start <= pg->zeros[k].end) {
				if (pg->zeros[j].end > pg->zeros[k].end)
					pg->zeros[k].end = pg->zeros[j].end;
			} else {
				pg->zeros[++k] = pg->zeros[j];
			}
		}
		pg->n_zeros = k + 1;
	}
	/* entries and zero-range pages, in page order; an entry wins */
	for (; z < pg->n_zeros && !ret; z++) {
		for (uint64_t p = pg->zeros[z].start; p < pg->zeros[z].end && !ret;
		     p += HS_DB_PAGE) {
			while (i < pg->n_used && pg->ents[i]->page < p && !ret)
				ret = emit_entry(pg, pg->ents[i++], end_t);
			if (ret)
				break;
			if (i < pg->n_used && pg->ents[i]->page == p)
				ret = emit_entry(pg, pg->ents[i++], end_t);
			else
				ret = emit_zero_page(pg, p, end_t);
		}
	}
	while (i < pg->n_used && !ret)
		ret = emit_entry(pg, pg->ents[i++], end_t);
	/* reset for the next chunk */
	pg->n_used = 0;
	pg->n_zeros = 0;
	pg->last_page = UINT64_MAX;
	pg->last = NULL;
	if (++pg->gen == 0) {
		memset(pg->slots, 0, pg->n_slots * sizeof(*pg->slots));
		pg->gen = 1;
	}
	if (!ret && pg->buf_len >= pg->run_bytes)
		ret = write_run(pg);
	return ret;
}

int dbb_pages_finish(struct dbb_pages *pg, unsigned *n_runs)
{
	int ret = write_run(pg);

	*n_runs = pg->n_runs;
	return ret;
}
