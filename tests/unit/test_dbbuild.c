/* test_dbbuild.c - unit tests of the database builder (builder/db) and of
 * the memory effects it builds on (builder/trace/trace_mem.c).
 *
 * The page tests drive the per-chunk page tracker with random writes,
 * zero ranges and mremap copies against a plain byte-array model of the
 * memory, fold its versions as the merge does, and rebuild every page at
 * every chunk's end from the versions alone (resolving COPYs as a reader
 * must): it must equal the model.
 *
 * `test_dbbuild replay TRACE` is not a unit test: it is the oracle of
 * tests/e2e/db_build_pages_replay.sh.  It replays a (small) recording's
 * memory effects from the start into a model and checks, at the end of
 * every chunk, that TRACE/db's page versions give the same memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "hindsight/dbbuild.h"
#include "hindsight/dbbuild_stages.h"
#include "hindsight/dbfile.h"
#include "hindsight/le.h"
#include "hindsight/trace.h"
#include "testlib.h"

#define PAGE HS_DB_PAGE

/* ---- a sparse memory model ------------------------------------------------ */

struct mpage {
	uint64_t page;
	uint8_t b[PAGE];
};

struct model {
	struct mpage **p; /* sorted by page */
	size_t n, cap;
};

static struct mpage *model_find(const struct model *m, uint64_t page)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->p[mid]->page < page)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->p[lo]->page == page ? m->p[lo] : NULL;
}

static struct mpage *model_get(struct model *m, uint64_t page)
{
	struct mpage *e = model_find(m, page);
	size_t i;

	if (e)
		return e;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->p = realloc(m->p, m->cap * sizeof(*m->p));
		assert_non_null(m->p);
	}
	e = calloc(1, sizeof(*e));
	assert_non_null(e);
	e->page = page;
	for (i = m->n; i > 0 && m->p[i - 1]->page > page; i--)
		m->p[i] = m->p[i - 1];
	m->p[i] = e;
	m->n++;
	return e;
}

static void model_free(struct model *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->p[i]);
	free(m->p);
	memset(m, 0, sizeof(*m));
}

static int m_write(void *ctx, uint64_t t, uint64_t addr, uint64_t len, const uint8_t *data)
{
	struct model *m = ctx;

	for (uint64_t i = 0; i < len; i++)
		model_get(m, (addr + i) & ~(uint64_t)(PAGE - 1))->b[(addr + i) & (PAGE - 1)] = data[i];
	return 0;
}

static int m_zero(void *ctx, uint64_t t, uint64_t addr, uint64_t len)
{
	struct model *m = ctx;

	for (uint64_t a = addr; a < addr + len;) {
		uint64_t page = a & ~(uint64_t)(PAGE - 1), o = a - page;
		uint64_t n = PAGE - o < addr + len - a ? PAGE - o : addr + len - a;

		memset(model_get(m, page)->b + o, 0, n);
		a += n;
	}
	return 0;
}

static int m_copy(void *ctx, uint64_t t, uint64_t from, uint64_t to, uint64_t len)
{
	struct model *m = ctx;
	uint8_t *tmp = malloc(len);

	assert_non_null(tmp);
	for (uint64_t i = 0; i < len; i++) {
		struct mpage *s = model_find(m, (from + i) & ~(uint64_t)(PAGE - 1));

		tmp[i] = s ? s->b[(from + i) & (PAGE - 1)] : 0;
	}
	m_write(m, t, to, len, tmp);
	free(tmp);
	return 0;
}

/* ---- versions, as a reader resolves them ---------------------------------- */

struct vers {
	uint8_t **rec;
	size_t *len;
	size_t n, cap;
};

static void vers_add(struct vers *v, const uint8_t *rec, size_t len)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 256;
		v->rec = realloc(v->rec, v->cap * sizeof(*v->rec));
		v->len = realloc(v->len, v->cap * sizeof(*v->len));
		assert_true(v->rec && v->len);
	}
	v->rec[v->n] = malloc(len);
	assert_non_null(v->rec[v->n]);
	memcpy(v->rec[v->n], rec, len);
	v->len[v->n++] = len;
}

static void vers_free(struct vers *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->rec[i]);
	free(v->rec);
	free(v->len);
	memset(v, 0, sizeof(*v));
}

/* The index of the latest version of page with chunk <= c, or -1.
 * Versions are sorted by (page, chunk). */
static long vers_find(const struct vers *v, uint64_t page, uint64_t c)
{
	size_t lo = 0, hi = v->n;

	/* first version with (page, chunk) > (page, c) */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		uint64_t p = hs_le64(v->rec[mid]), ch = hs_le64(v->rec[mid] + 8);

		if (p < page || (p == page && ch <= c))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || hs_le64(v->rec[lo - 1]) != page)
		return -1;
	return (long)lo - 1;
}

/* The page at the end of chunk c (c = -1: before anything), as a reader
 * must rebuild it; *steps counts the versions applied. */
static void page_at(const struct vers *v, uint64_t page, int64_t c, uint8_t *out,
		    unsigned *steps)
{
	struct hs_dbb_page_rec r;
	long i = c < 0 ? -1 : vers_find(v, page, (uint64_t)c);

	if (i < 0) {
		memset(out, 0, PAGE);
		return;
	}
	assert_int_equal(hs_dbb_page_parse(v->rec[i], v->len[i], &r), 0);
	if (steps)
		(*steps)++;
	switch (r.kind) {
	case HS_DB_FULL:
		break;
	case HS_DB_DIFF:
		page_at(v, page, (int64_t)r.chunk - 1, out, steps);
		break;
	case HS_DB_COPY:
		assert_int_equal(r.copy_src & (PAGE - 1), 0);
		page_at(v, r.copy_src, (int64_t)r.chunk - 1, out, NULL);
		break;
	default:
		fail_msg("bad kind %u", r.kind);
	}
	assert_int_equal(hs_dbb_page_apply(out, &r), 0);
}

/* ---- the fold alone --------------------------------------------------------- */

static size_t make_diff(uint8_t *rec, uint64_t page, uint64_t chunk, unsigned off,
			unsigned n, uint8_t val)
{
	uint8_t mask[HS_DB_MASK_BYTES] = { 0 };

	for (unsigned i = off; i < off + n; i++)
		mask[i / 8] |= (uint8_t)(1u << (i % 8));
	dbb_page_hdr(rec, page, chunk, chunk * 10, HS_DB_DIFF, 0, 0, 0, mask, n);
	memset(rec + HS_DB_PAGE_HDR, val, n);
	return HS_DB_PAGE_HDR + n;
}

static void test_dbbuild_fold_materialises_full_every_n_versions(void **state)
{
	struct hs_dbb_fold *f;
	struct vers out = { 0 };
	uint8_t rec[HS_DB_PAGE_HDR + PAGE], expect[PAGE] = { 0 }, got[PAGE];
	const uint8_t *o;
	size_t olen;
	unsigned fulls = 0;

	assert_int_equal(hs_dbb_fold_new(&f), 0);
	for (unsigned c = 0; c < 3 * HS_DB_FULL_EVERY + 5; c++) {
		size_t len = make_diff(rec, 0x7000, c, (c * 37) % 4000, 40, (uint8_t)(c + 1));
		struct hs_dbb_page_rec r;

		assert_int_equal(hs_dbb_fold_next(f, rec, len, &o, &olen), 0);
		assert_int_equal(hs_dbb_page_parse(o, olen, &r), 0);
		assert_int_equal(r.chunk, c);
		memset(expect + (c * 37) % 4000, (int)(c + 1), 40);
		if ((c + 1) % HS_DB_FULL_EVERY == 0) {
			/* the 16th, 32nd ... version of the chain is a FULL */
			assert_int_equal(r.kind, HS_DB_FULL);
			assert_int_equal(r.data_len, PAGE);
			assert_memory_equal(r.data, expect, PAGE);
			/* its mask is still this chunk's writes */
			assert_int_equal(dbb_mask_count(r.mask), 40);
			fulls++;
		} else {
			assert_int_equal(r.kind, HS_DB_DIFF);
			assert_int_equal(olen, len);
		}
		vers_add(&out, o, olen);
	}
	assert_int_equal(fulls, 3);
	page_at(&out, 0x7000, 3 * HS_DB_FULL_EVERY + 4, got, NULL);
	assert_memory_equal(got, expect, PAGE);
	/* a new page starts a new chain on zeros */
	make_diff(rec, 0x9000, 0, 0, 8, 0xee);
	assert_int_equal(hs_dbb_fold_next(f, rec, HS_DB_PAGE_HDR + 8, &o, &olen), 0);
	assert_int_equal(hs_le32(o + 24), HS_DB_DIFF);
	hs_dbb_fold_free(f);
	vers_free(&out);
}

static void test_dbbuild_fold_after_copy_waits_for_a_full(void **state)
{
	struct hs_dbb_fold *f;
	uint8_t rec[HS_DB_PAGE_HDR + PAGE], mask[HS_DB_MASK_BYTES];
	const uint8_t *o;
	size_t olen;
	unsigned c = 0;

	assert_int_equal(hs_dbb_fold_new(&f), 0);
	for (; c < 5; c++)
		assert_int_equal(hs_dbb_fold_next(f, rec, make_diff(rec, 0x1000, c, 0, 4, 1),
						  &o, &olen), 0);
	memset(mask, 0, sizeof(mask));
	dbb_page_hdr(rec, 0x1000, c++, 0, HS_DB_COPY, HS_DB_WROTE_ALL, 0x5000, 3, mask, 0);
	assert_int_equal(hs_dbb_fold_next(f, rec, HS_DB_PAGE_HDR, &o, &olen), 0);
	assert_int_equal(hs_le32(o + 24), HS_DB_COPY);
	/* no FULL can be made: the source is unknown here */
	for (unsigned k = 0; k < 3 * HS_DB_FULL_EVERY; k++, c++) {
		assert_int_equal(hs_dbb_fold_next(f, rec, make_diff(rec, 0x1000, c, k, 1, 2),
						  &o, &olen), 0);
		assert_int_equal(hs_le32(o + 24), HS_DB_DIFF);
	}
	/* a page written whole roots a new chain */
	memset(mask, 0xff, sizeof(mask));
	dbb_page_hdr(rec, 0x1000, c++, 0, HS_DB_FULL, HS_DB_WROTE_ALL, 0, 0, mask, PAGE);
	memset(rec + HS_DB_PAGE_HDR, 9, PAGE);
	assert_int_equal(hs_dbb_fold_next(f, rec, HS_DB_PAGE_HDR + PAGE, &o, &olen), 0);
	for (unsigned k = 1; k <= HS_DB_FULL_EVERY; k++, c++) {
		struct hs_dbb_page_rec r;

		assert_int_equal(hs_dbb_fold_next(f, rec, make_diff(rec, 0x1000, c, k, 1, 3),
						  &o, &olen), 0);
		assert_int_equal(hs_dbb_page_parse(o, olen, &r), 0);
		assert_int_equal(r.kind, k == HS_DB_FULL_EVERY ? HS_DB_FULL : HS_DB_DIFF);
		if (r.kind == HS_DB_FULL) {
			assert_int_equal(r.data[0], 9);
			assert_int_equal(r.data[1], 3);
			assert_int_equal(r.data[HS_DB_FULL_EVERY], 3);
			assert_int_equal(r.data[HS_DB_FULL_EVERY + 1], 9);
		}
	}
	hs_dbb_fold_free(f);
}

static void test_dbbuild_page_parse_rejects_inconsistent_records(void **state)
{
	uint8_t rec[HS_DB_PAGE_HDR + PAGE];
	struct hs_dbb_page_rec r;
	size_t len = make_diff(rec, 0x3000, 1, 10, 5, 7);

	assert_int_equal(hs_dbb_page_parse(rec, len, &r), 0);
	assert_int_equal(hs_dbb_page_parse(rec, len - 1, &r), -EBADMSG);
	hs_put_le32(rec + HS_DB_PAGE_HDR - 4, 6); /* data_len != mask bits */
	assert_int_equal(hs_dbb_page_parse(rec, len + 1, &r), -EBADMSG);
	hs_put_le32(rec + HS_DB_PAGE_HDR - 4, 5);
	hs_put_le64(rec, 0x3001); /* not a page address */
	assert_int_equal(hs_dbb_page_parse(rec, len, &r), -EBADMSG);
	hs_put_le64(rec, 0x3000);
	hs_put_le32(rec + 24, 9); /* kind */
	assert_int_equal(hs_dbb_page_parse(rec, len, &r), -EBADMSG);
}

/* ---- the tracker, the runs and the fold, against the model ---------------- */

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/hs-test-dbbuild.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	return sh("rm -rf '%s'", dir);
}

static uint64_t rnd_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Region A: 24 pages written at random; region B: 200 pages, zeroed
 * (the interval path) and copied around; C: a copy target. */
#define REG_A 0x10000000ull
#define REG_B 0x20000000ull
#define REG_C 0x30000000ull

/* Every version of the n_runs page runs into all, checking that each run
 * is sorted by (page, chunk). */
static void read_page_runs(unsigned n_runs, struct vers *all)
{
	for (unsigned k = 0; k < n_runs; k++) {
		char name[64];
		struct dbb_spill_r *r;
		uint8_t rec[HS_DB_PAGE_HDR + PAGE];
		uint64_t lp = 0, lc = 0;
		bool any = false;

		snprintf(name, sizeof(name), "%s/pages.%u.sp", dir, k);
		assert_int_equal(dbb_spill_open(name, &r), 0);
		while (dbb_spill_read(r, rec, HS_DB_PAGE_HDR) == 1) {
			uint32_t dl = hs_le32(rec + HS_DB_PAGE_HDR - 4);

			assert_true(dl <= PAGE);
			if (dl)
				assert_int_equal(dbb_spill_read(r, rec + HS_DB_PAGE_HDR, dl), 1);
			assert_true(!any || hs_le64(rec) > lp ||
				    (hs_le64(rec) == lp && hs_le64(rec + 8) > lc));
			any = true;
			lp = hs_le64(rec);
			lc = hs_le64(rec + 8);
			vers_add(all, rec, HS_DB_PAGE_HDR + dl);
		}
		dbb_spill_close_r(r);
	}
}

static void test_dbbuild_pages_rebuild_the_model_at_every_chunk(void **state)
{
	enum { CHUNKS = 60 };
	struct dbb_pages *pg;
	struct hs_trace_mem_visitor pv;
	struct model m = { 0 }, *snap = calloc(CHUNKS, sizeof(*snap));
	struct vers all = { 0 }, out = { 0 };
	struct hs_dbb_fold *f;
	unsigned n_runs, max_chain = 0;
	uint8_t buf[3 * PAGE];

	assert_non_null(snap);
	/* a small run size: many runs, merged below */
	assert_int_equal(dbb_pages_new(dir, 64 << 10, false, &pg), 0);
	dbb_pages_visitor(pg, &pv);
	for (uint64_t c = 0; c < CHUNKS; c++) {
		dbb_pages_chunk_begin(pg, c);
		for (unsigned op = 0; op < 40; op++) {
			uint64_t r = rnd(), t = c * 1000 + op;
			int kind = (int)(r % 100);

			if (kind < 70) { /* a store or a syscall write, maybe across pages */
				uint64_t a = REG_A + rnd() % (24 * PAGE - 64);
				uint64_t n = kind < 60 ? 1 + rnd() % 8 : 1 + rnd() % (2 * PAGE);

				if (a + n > REG_A + 24 * PAGE)
					n = REG_A + 24 * PAGE - a;
				for (uint64_t i = 0; i < n; i++)
					buf[i] = (uint8_t)rnd();
				assert_int_equal(pv.write(pv.ctx, t, a, n, buf), 0);
				m_write(&m, t, a, n, buf);
			} else if (kind < 78) { /* write into B */
				uint64_t a = REG_B + rnd() % (200 * PAGE - 16);

				for (unsigned i = 0; i < 16; i++)
					buf[i] = (uint8_t)rnd();
				assert_int_equal(pv.write(pv.ctx, t, a, 16, buf), 0);
				m_write(&m, t, a, 16, buf);
			} else if (kind < 83) { /* zero: big (interval), small, unaligned */
				uint64_t a, n;

				if (kind == 78) {
					a = REG_B;
					n = 200 * PAGE;
				} else if (kind == 79) {
					a = REG_A + (rnd() % 24) * PAGE;
					n = PAGE * (1 + rnd() % 3);
					if (a + n > REG_A + 24 * PAGE)
						n = REG_A + 24 * PAGE - a;
				} else {
					a = REG_A + rnd() % (20 * PAGE);
					n = 1 + rnd() % (3 * PAGE);
				}
				assert_int_equal(pv.zero(pv.ctx, t, a, n), 0);
				m_zero(&m, t, a, n);
			} else { /* mremap: page aligned, between regions */
				uint64_t n = PAGE * (1 + rnd() % 4);
				uint64_t from, to;

				switch (rnd() % 4) {
				case 0:
					from = REG_A + (rnd() % 20) * PAGE;
					to = REG_C + (rnd() % 8) * PAGE;
					break;
				case 1:
					from = REG_C + (rnd() % 8) * PAGE;
					to = REG_A + (rnd() % 20) * PAGE;
					break;
				case 2:
					from = REG_B + (rnd() % 190) * PAGE;
					to = REG_C + (rnd() % 8) * PAGE;
					break;
				default:
					from = REG_C + (rnd() % 8) * PAGE;
					to = REG_B + (rnd() % 190) * PAGE;
					break;
				}
				assert_int_equal(pv.copy(pv.ctx, t, from, to, n), 0);
				m_copy(&m, t, from, to, n);
			}
		}
		assert_int_equal(dbb_pages_chunk_end(pg, c * 1000 + 999), 0);
		/* snapshot */
		for (size_t i = 0; i < m.n; i++)
			memcpy(model_get(&snap[c], m.p[i]->page)->b, m.p[i]->b, PAGE);
	}
	assert_int_equal(dbb_pages_finish(pg, &n_runs), 0);
	assert_true(n_runs > 1);
	dbb_pages_free(pg);

	read_page_runs(n_runs, &all);
	/* merge order: (page, chunk); a simple insertion-free sort */
	for (size_t i = 1; i < all.n; i++) {
		uint8_t *rec = all.rec[i];
		size_t len = all.len[i], j = i;

		while (j > 0 && (hs_le64(all.rec[j - 1]) > hs_le64(rec) ||
				 (hs_le64(all.rec[j - 1]) == hs_le64(rec) &&
				  hs_le64(all.rec[j - 1] + 8) > hs_le64(rec + 8)))) {
			all.rec[j] = all.rec[j - 1];
			all.len[j] = all.len[j - 1];
			j--;
		}
		all.rec[j] = rec;
		all.len[j] = len;
	}
	assert_int_equal(hs_dbb_fold_new(&f), 0);
	for (size_t i = 0; i < all.n; i++) {
		const uint8_t *o;
		size_t olen;

		assert_int_equal(hs_dbb_fold_next(f, all.rec[i], all.len[i], &o, &olen), 0);
		vers_add(&out, o, olen);
	}
	hs_dbb_fold_free(f);

	/* every page at every chunk's end, from the versions alone */
	for (uint64_t c = 0; c < CHUNKS; c++) {
		for (size_t i = 0; i < snap[c].n; i++) {
			uint8_t got[PAGE];
			unsigned steps = 0;

			page_at(&out, snap[c].p[i]->page, (int64_t)c, got, &steps);
			if (memcmp(got, snap[c].p[i]->b, PAGE) != 0) {
				size_t k = 0;

				while (got[k] == snap[c].p[i]->b[k])
					k++;
				fail_msg("page 0x%" PRIx64 " after chunk %" PRIu64 " differs at byte %zu: "
					 "%02x, model %02x", snap[c].p[i]->page, c, k, got[k],
					 snap[c].p[i]->b[k]);
			}
			if (steps > max_chain)
				max_chain = steps;
		}
	}
	print_message("%zu versions in %u runs, longest chain %u\n", out.n, n_runs, max_chain);
	vers_free(&all);
	vers_free(&out);
	for (uint64_t c = 0; c < CHUNKS; c++)
		model_free(&snap[c]);
	free(snap);
	model_free(&m);
}

/* ---- memory effects of events (trace_mem.c) ----------------------------------- */

struct effects {
	char log[4096];
	size_t len;
	uint8_t last[64];
};

static int e_write(void *ctx, uint64_t t, uint64_t addr, uint64_t len, const uint8_t *data)
{
	struct effects *e = ctx;

	e->len += (size_t)snprintf(e->log + e->len, sizeof(e->log) - e->len,
				   "w %" PRIu64 " %" PRIx64 " %" PRIu64 ";", t, addr, len);
	memcpy(e->last, data, len < 64 ? len : 64);
	return 0;
}

static int e_zero(void *ctx, uint64_t t, uint64_t addr, uint64_t len)
{
	struct effects *e = ctx;

	e->len += (size_t)snprintf(e->log + e->len, sizeof(e->log) - e->len,
				   "z %" PRIu64 " %" PRIx64 " %" PRIu64 ";", t, addr, len);
	return 0;
}

static int e_copy(void *ctx, uint64_t t, uint64_t from, uint64_t to, uint64_t len)
{
	struct effects *e = ctx;

	e->len += (size_t)snprintf(e->log + e->len, sizeof(e->log) - e->len,
				   "c %" PRIu64 " %" PRIx64 " %" PRIx64 " %" PRIu64 ";", t, from, to, len);
	return 0;
}

/* An HS_EV_MAP payload. */
static size_t map_payload(uint8_t *p, uint64_t addr, uint64_t len, uint32_t flags,
			  uint64_t foff, uint64_t xxh, const char *path)
{
	uint32_t pl = path ? (uint32_t)strlen(path) : 0;

	memset(p, 0, 72);
	hs_put_le64(p, addr);
	hs_put_le64(p + 8, len);
	hs_put_le32(p + 16, 3);
	hs_put_le32(p + 20, HS_MAPK_MMAP);
	hs_put_le32(p + 24, flags);
	hs_put_le64(p + 32, foff);
	hs_put_le64(p + 56, xxh);
	hs_put_le32(p + 64, pl);
	if (pl)
		memcpy(p + 72, path, pl);
	return 72 + pl;
}

static void test_trace_mem_events_become_write_zero_copy(void **state)
{
	struct effects e = { .len = 0 };
	struct hs_trace_mem_visitor v = { &e, e_write, e_zero, e_copy };
	struct hs_trace_mem_files *files;
	uint8_t pl[512], data[5000];
	char path[128];
	int fd;
	size_t n;

	assert_int_equal(hs_trace_mem_files_new(&files), 0);
	/* a store reported at t by the decoder is visible at t + 1 */
	assert_int_equal(hs_trace_mem_store(&v, 41, 0x1000, 4, (const uint8_t *)"abcd"), 0);
	/* HS_EV_MEM */
	hs_put_le64(pl, 0x2000);
	hs_put_le32(pl + 8, HS_MEM_SYSCALL);
	hs_put_le32(pl + 12, 0);
	memcpy(pl + 16, "xyz", 3);
	assert_int_equal(hs_trace_mem_event(&v, files, 50, HS_EV_MEM, pl, 19), 0);
	assert_memory_equal(e.last, "xyz", 3);
	/* anonymous and copied mappings: zeros first */
	n = map_payload(pl, 0x40000, 0x3000, 0, 0, 0, NULL);
	assert_int_equal(hs_trace_mem_event(&v, files, 60, HS_EV_MAP, pl, (uint32_t)n), 0);
	n = map_payload(pl, 0x50000, 0x1000, HS_MAP_FILE | HS_MAP_COPIED, 0, 77, "/nonexistent");
	assert_int_equal(hs_trace_mem_event(&v, files, 61, HS_EV_MAP, pl, (uint32_t)n), 0);
	/* a file: 5000 bytes mapped from offset 4096 over 3 pages: the readable
	 * part is page-roundup(5000 - 4096) = 4096 bytes, the rest zeros */
	snprintf(path, sizeof(path), "%s/file", dir);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	close(fd);
	{
		uint8_t mem[4096] = { 0 };

		memcpy(mem, data + 4096, sizeof(data) - 4096);
		n = map_payload(pl, 0x60000, 0x3000, HS_MAP_FILE, 4096, XXH64(mem, 4096, 0), path);
	}
	assert_int_equal(hs_trace_mem_event(&v, files, 62, HS_EV_MAP, pl, (uint32_t)n), 0);
	assert_memory_equal(e.last, data + 4096, 64);
	/* mapped again: read from the cache (same answer) */
	assert_int_equal(hs_trace_mem_event(&v, files, 63, HS_EV_MAP, pl, (uint32_t)n), 0);
	/* REMAP; UNMAP and MPROTECT change nothing */
	hs_put_le64(pl, 0x60000);
	hs_put_le64(pl + 8, 0x90000);
	hs_put_le64(pl + 16, 0x3000);
	assert_int_equal(hs_trace_mem_event(&v, files, 64, HS_EV_REMAP, pl, 24), 0);
	assert_int_equal(hs_trace_mem_event(&v, files, 65, HS_EV_UNMAP, pl, 16), 0);
	assert_int_equal(hs_trace_mem_event(&v, files, 65, HS_EV_MPROTECT, pl, 24), 0);
	assert_string_equal(e.log,
			    "w 42 1000 4;w 50 2000 3;z 60 40000 12288;z 61 50000 4096;"
			    "w 62 60000 4096;z 62 61000 8192;w 63 60000 4096;z 63 61000 8192;"
			    "c 64 60000 90000 12288;");
	/* short payloads */
	assert_int_equal(hs_trace_mem_event(&v, files, 66, HS_EV_MAP, pl, 40), -EBADMSG);
	assert_int_equal(hs_trace_mem_event(&v, files, 66, HS_EV_REMAP, pl, 16), -EBADMSG);
	hs_trace_mem_files_free(files);
}

static void test_trace_mem_changed_or_missing_file_is_an_error(void **state)
{
	struct effects e = { .len = 0 };
	struct hs_trace_mem_visitor v = { &e, e_write, e_zero, e_copy };
	struct hs_trace_mem_files *files;
	uint8_t pl[512], data[8192];
	char path[128];
	size_t n;
	int fd;

	assert_int_equal(hs_trace_mem_files_new(&files), 0);
	snprintf(path, sizeof(path), "%s/lib", dir);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ (i >> 8));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	close(fd);
	/* recorded with other contents */
	n = map_payload(pl, 0x70000, 0x2000, HS_MAP_FILE, 0, XXH64(data, 8192, 0) + 1, path);
	assert_int_equal(hs_trace_mem_event(&v, files, 1, HS_EV_MAP, pl, (uint32_t)n), -ESTALE);
	/* a .bss tail zeroed by a loader before the recorder hashed: found */
	{
		uint8_t mem[8192];

		memcpy(mem, data, sizeof(mem));
		memset(mem + 5000, 0, sizeof(mem) - 5000);
		n = map_payload(pl, 0x70000, 0x2000, HS_MAP_FILE, 0, XXH64(mem, 8192, 0), path);
	}
	e.len = 0;
	e.log[0] = 0;
	assert_int_equal(hs_trace_mem_event(&v, files, 2, HS_EV_MAP, pl, (uint32_t)n), 0);
	assert_string_equal(e.log, "w 2 70000 5000;z 2 71388 3192;");
	/* a file that is gone */
	n = map_payload(pl, 0x80000, 0x1000, HS_MAP_FILE, 0, 5, "/nonexistent/hindsight/lib.so");
	assert_int_equal(hs_trace_mem_event(&v, files, 3, HS_EV_MAP, pl, (uint32_t)n), -ENOENT);
	hs_trace_mem_files_free(files);
}

/* ---- calls (dbb_calls.c) ------------------------------------------------------ */

/* The records of a spill file in dir, into *out (caller frees). */
static size_t spill_records(const char *name, size_t rec, uint8_t **out)
{
	char path[PATH_MAX];
	struct dbb_spill_r *r;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(dbb_spill_open(path, &r), 0);
	*out = NULL;
	for (;;) {
		*out = realloc(*out, (n + 1) * rec);
		assert_non_null(*out);
		if (dbb_spill_read(r, *out + n * rec, rec) != 1)
			break;
		n++;
	}
	dbb_spill_close_r(r);
	return n;
}

/* With rsp known, frames end by the stack pointer: a return below every
 * frame's slot leaves none (a signal handler's return on its own stack),
 * one above leaves all those below it (a longjmp), unwound unless the
 * return popped the frame's own slot to its return address; once the
 * shard's own frames are all left, an orphan with rsp tells the merge.
 * Without rsp a shard guesses from its frames' slots whether a return that
 * matches none of its calls leaves them; an exact re-run knows the calls
 * open before it. */
static void test_dbbuild_calls_frames_end_by_the_stack_pointer(void **state)
{
	struct dbb_calls_ext ext;
	struct dbb_calls *c;
	uint8_t *calls, *orph;
	size_t n_ext[2] = { 0, 1 };
	uint64_t ra[] = { 0x9000 }, *ras[2] = { NULL, ra };

	assert_int_equal(dbb_calls_new(dir, false, NULL, HS_DBB_GUESS_SP, &c), 0);
	assert_int_equal(dbb_calls_call(c, 10, 1, 0x1000, 5, 0x2000, 0x7ff0), 0);
	assert_int_equal(dbb_calls_call(c, 20, 1, 0x2010, 5, 0x3000, 0x7fe0), 0);
	assert_int_equal(dbb_calls_call(c, 25, 1, 0x3010, 5, 0x4000, 0x7fd0), 0);
	assert_int_equal(dbb_calls_ret(c, 28, 1, 0x3015, true, 0x7fd8), 0); /* returns */
	assert_int_equal(dbb_calls_ret(c, 31, 1, 0x5000, true, 0x6000), 0); /* below all */
	assert_int_equal(dbb_calls_leave(c, 41, 1, false, 0x9000, 0x8008), 0); /* longjmp */
	assert_int_equal(dbb_calls_leave(c, 45, 1, false, 0x9000, 0x8000), 0); /* nothing new */
	assert_int_equal(dbb_calls_finish(c), 0);
	dbb_calls_free(c);
	assert_int_equal(spill_records("calls.sp", HS_DB_CALL_REC, &calls), 3);
	assert_int_equal(hs_le64(calls + 8), 41);
	assert_int_equal(hs_le32(calls + 40), HS_DB_CALL_UNWOUND);
	assert_int_equal(hs_le64(calls + HS_DB_CALL_REC + 8), 41);
	assert_int_equal(hs_le64(calls + 2 * HS_DB_CALL_REC + 8), 28);
	assert_int_equal(hs_le32(calls + 2 * HS_DB_CALL_REC + 40), 0);
	assert_int_equal(spill_records("corph.sp", DBB_CORPH_REC, &orph), 2);
	assert_int_equal(hs_le32(orph + 20), ORPH_SP_RET); /* left nothing */
	assert_int_equal(hs_le32(orph + 24), 2);
	assert_int_equal(hs_le32(orph + DBB_CORPH_REC + 20), ORPH_SP_JMP);
	assert_int_equal(hs_le32(orph + DBB_CORPH_REC + 28), ORPH_POPPED);
	assert_int_equal(hs_le64(orph + DBB_CORPH_REC + 32), 0x8008);
	free(calls);
	free(orph);

	/* a handler: entered at delivery, its return into the restorer keeps
	 * it, rt_sigreturn ends it */
	assert_int_equal(dbb_calls_new(dir, false, NULL, HS_DBB_GUESS_SP, &c), 0);
	assert_int_equal(dbb_calls_call(c, 10, 1, 0x1000, 5, 0x2000, 0x7ff0), 0);
	assert_int_equal(dbb_calls_signal(c, 15, 1, 0x2004), 0);
	assert_int_equal(dbb_calls_handler(c, 15, 1, 0x5000, 0x7000), 0);
	assert_int_equal(dbb_calls_ret(c, 30, 1, 0x6000, true, 0x7008), 0);
	assert_int_equal(dbb_calls_sigreturn(c, 33, 1), 0);
	assert_int_equal(dbb_calls_finish(c), 0);
	dbb_calls_free(c);
	assert_int_equal(spill_records("calls.sp", HS_DB_CALL_REC, &calls), 2);
	assert_int_equal(hs_le64(calls + HS_DB_CALL_REC), 15);
	assert_int_equal(hs_le64(calls + HS_DB_CALL_REC + 8), 33);
	assert_int_equal(hs_le64(calls + HS_DB_CALL_REC + 16), 0x5000);
	assert_int_equal(hs_le64(calls + HS_DB_CALL_REC + 24), 0x2004);
	assert_int_equal(hs_le32(calls + HS_DB_CALL_REC + 40), HS_DB_CALL_SIGNAL);
	assert_int_equal(hs_le64(calls + 8), HS_DB_NO_RETURN);
	free(calls);

	/* exact: 0x9000 is a call of an earlier shard, 0x5000 is nothing */
	ext = (struct dbb_calls_ext){ .n_tids = 2, .n = n_ext, .ret_addr = ras };
	assert_int_equal(dbb_calls_new(dir, false, &ext, HS_DBB_GUESS_ALWAYS, &c), 0);
	assert_int_equal(dbb_calls_call(c, 10, 1, 0x1000, 5, 0x2000, 0), 0);
	assert_int_equal(dbb_calls_ret(c, 31, 1, 0x5000, false, 0), 0);
	assert_int_equal(dbb_calls_ret(c, 41, 1, 0x9000, false, 0), 0);
	assert_int_equal(dbb_calls_ret(c, 51, 1, 0x9000, false, 0), 0); /* popped */
	assert_int_equal(dbb_calls_finish(c), 0);
	dbb_calls_free(c);
	assert_int_equal(spill_records("calls.sp", HS_DB_CALL_REC, &calls), 1);
	assert_int_equal(hs_le64(calls + 8), 41);
	assert_int_equal(spill_records("corph.sp", DBB_CORPH_REC, &orph), 3);
	assert_int_equal(hs_le32(orph + 28), 0);
	assert_int_equal(hs_le32(orph + DBB_CORPH_REC + 28), ORPH_CLOSED);
	assert_int_equal(hs_le32(orph + 2 * DBB_CORPH_REC + 24), 0);
	free(calls);
	free(orph);
}

/* XXH64 (seed 0) of the whole file at path. */
static uint64_t file_xxh(const char *path)
{
	XXH64_state_t *st = XXH64_createState();
	FILE *f = fopen(path, "rb");
	uint8_t buf[1 << 16];
	size_t n;
	uint64_t h;

	assert_non_null(st);
	assert_non_null(f);
	assert_int_equal(XXH64_reset(st, 0), XXH_OK);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(XXH64_update(st, buf, n), XXH_OK);
	assert_false(ferror(f));
	fclose(f);
	h = XXH64_digest(st);
	XXH64_freeState(st);
	return h;
}

/* XXH64 of every image's calls.hdb in TRACE/db, combined. */
static uint64_t calls_hash(const char *trace)
{
	struct hs_trace_proc *procs;
	uint64_t all = 0;
	size_t n;

	assert_int_equal(hs_trace_list_procs(trace, &procs, &n, NULL), 0);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/db/%s/calls.hdb", trace, procs[i].name);
		all = all * 31 + file_xxh(path);
	}
	hs_trace_procs_free(procs, n);
	return all;
}

static void build(const char *trace, unsigned shards, int shard, bool merge, int guess)
{
	struct hs_dbb_opts o = { .shards = shards, .level = 1, .shard_index = shard,
				 .merge = merge, .calls_guess = guess };
	struct hs_dbb_summary sum;
	struct hs_dbb_err err = { "" };

	o.log = fopen("/dev/null", "w");
	assert_non_null(o.log);
	if (hs_dbb_build(trace, &o, &sum, &err) != 0) {
		fprintf(stderr, "build %s: %s\n", trace, err.msg);
		fail();
	}
	fclose(o.log);
}

/* The calls of program prog, recorded with small chunks, built every way:
 * calls.hdb must be the same. */
static void calls_same_every_way(const char *prog)
{
	char trace[PATH_MAX + 16], cmd[2 * PATH_MAX];
	uint64_t want;

	snprintf(trace, sizeof(trace), "%s/%s", dir, strrchr(prog, '/') + 1);
	snprintf(cmd, sizeof(cmd), "build/bin/hindsight record --chunk-kb 16 -o %s -- "
		 "%s >/dev/null 2>&1 </dev/null", trace, prog);
	assert_int_equal(system(cmd), 0);
	build(trace, 1, -1, false, HS_DBB_GUESS_SP);
	want = calls_hash(trace);
	for (int guess = HS_DBB_GUESS_SP; guess <= HS_DBB_GUESS_ALWAYS; guess++) {
		for (unsigned n = 2; n <= 7; n += 5) {
			build(trace, n, -1, false, guess);
			assert_true(calls_hash(trace) == want);
			assert_int_equal(hs_dbb_verify(trace, stderr), 0);
		}
	}
	/* distributed: the merge alone loads code.hst to decode again */
	for (int i = 0; i < 7; i++)
		build(trace, 7, i, false, HS_DBB_GUESS_NEVER);
	build(trace, 7, -1, true, HS_DBB_GUESS_NEVER);
	assert_true(calls_hash(trace) == want);
}

/* signal.c siglongjmps out of a SIGSEGV handler: with small chunks a shard
 * boundary falls between the handler's calls and main's return, which
 * closes them.  Shards that guess that wrong are decoded again by the
 * merge, threaded or distributed: calls.hdb is the same every way.  So
 * with tail calls (tail_calls_o2.c, and libc's own), which a shard takes
 * for tail calls out of frames of earlier shards when none of its own is
 * open, for the merge to check. */
static void test_dbbuild_calls_same_for_any_shards_and_guesses(void **state)
{
	(void)state;
	if (access("build/bin/hindsight", X_OK) != 0 || access("build/programs/signal", X_OK) != 0 ||
	    access("build/programs/tail_calls_o2", X_OK) != 0)
		skip(); /* run from the repository root after make test */
	calls_same_every_way("build/programs/signal");
	calls_same_every_way("build/programs/tail_calls_o2");
}

/* ---- replay oracle ---------------------------------------------------------- */

struct replay {
	struct model m;
	struct hs_trace_mem_visitor mv;
	struct hs_trace_mem_files *files;
	int ret;
};

static int r_store(void *ctx, uint64_t t, uint32_t tid, uint64_t addr, uint32_t size,
		   const uint8_t *bytes)
{
	struct replay *r = ctx;

	return hs_trace_mem_store(&r->mv, t, addr, size, bytes);
}

static int r_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag, const uint8_t *pl,
		   uint32_t len)
{
	struct replay *r = ctx;

	return hs_trace_mem_event(&r->mv, r->files, t, tag, pl, len);
}

/* Loads every PAGES record of db/<image>/pages.hdb. */
static int load_pages(const char *path, struct vers *v)
{
	struct hs_dbfile *f;
	int ret = hs_dbfile_open(path, HS_DB_PAGES, NULL, &f);

	if (ret)
		return ret;
	for (size_t b = 0; b < hs_dbfile_block_count(f) && !ret; b++) {
		uint8_t *data;
		size_t off = 0;

		ret = hs_dbfile_read_block(f, b, &data);
		if (ret)
			break;
		while (off < hs_dbfile_block(f, b)->raw) {
			size_t len = HS_DB_PAGE_HDR + hs_le32(data + off + HS_DB_PAGE_HDR - 4);

			vers_add(v, data + off, len);
			off += len;
		}
		free(data);
	}
	hs_dbfile_close(f);
	return ret;
}

static int replay_image(const char *trace, const char *image)
{
	char path[4096];
	struct hs_trace_image *img;
	struct hs_trace_err err = { "" };
	struct replay r = { .mv = { .write = m_write, .zero = m_zero, .copy = m_copy } };
	struct hs_trace_visitor vis = { .ctx = &r, .store = r_store, .event = r_event };
	struct hs_trace_decoder *d;
	struct hs_trace_chunk chunk = { .data = NULL };
	struct vers v = { 0 };
	uint64_t pages_checked = 0;
	int bad = 0, ret;

	r.mv.ctx = &r.m;
	snprintf(path, sizeof(path), "%s/db/%s/pages.hdb", trace, image);
	if ((ret = load_pages(path, &v))) {
		fprintf(stderr, "%s: %s\n", path, strerror(-ret));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/procs/%s", trace, image);
	if (hs_trace_image_open(path, &img, &err) || hs_trace_mem_files_new(&r.files) ||
	    hs_trace_decoder_new(img->code, &vis, &d)) {
		fprintf(stderr, "%s: %s\n", path, err.msg);
		return 1;
	}
	hs_trace_decoder_set_check(d, false);
	for (size_t c = 0; c < hs_trace_file_chunk_count(img->stream) && !bad; c++) {
		uint64_t seq;

		if (hs_trace_file_read_chunk(img->stream, c, &chunk, &err) ||
		    hs_trace_decoder_chunk(d, &chunk, &err)) {
			fprintf(stderr, "%s: %s\n", path, err.msg);
			return 1;
		}
		seq = chunk.info.seq;
		/* the model's pages, and every page with a version so far */
		for (size_t i = 0; i < r.m.n && !bad; i++) {
			uint8_t got[PAGE];

			page_at(&v, r.m.p[i]->page, (int64_t)seq, got, NULL);
			pages_checked++;
			if (memcmp(got, r.m.p[i]->b, PAGE) != 0) {
				size_t k = 0;

				while (got[k] == r.m.p[i]->b[k])
					k++;
				printf("%s: page 0x%" PRIx64 " at the end of chunk %" PRIu64
				       ": byte %zu is %02x in the database, %02x replayed\n", image,
				       r.m.p[i]->page, seq, k, got[k], r.m.p[i]->b[k]);
				bad = 1;
			}
		}
		for (size_t i = 0; i < v.n && !bad; i++) {
			uint64_t page = hs_le64(v.rec[i]);

			if (hs_le64(v.rec[i] + 8) <= seq && !model_find(&r.m, page)) {
				printf("%s: page 0x%" PRIx64 " has a version in chunk %" PRIu64
				       " but nothing wrote it\n", image, page, hs_le64(v.rec[i] + 8));
				bad = 1;
			}
		}
	}
	printf("%s: %zu chunks, %zu page versions, %" PRIu64 " page checks: %s\n", image,
	       hs_trace_file_chunk_count(img->stream), v.n, pages_checked, bad ? "DIFFER" : "same");
	hs_trace_chunk_release(&chunk);
	hs_trace_decoder_free(d);
	hs_trace_image_close(img);
	hs_trace_mem_files_free(r.files);
	model_free(&r.m);
	vers_free(&v);
	return bad;
}

static int replay_main(const char *trace)
{
	struct hs_trace_proc *procs;
	struct hs_trace_err err = { "" };
	size_t n;
	int bad = 0;

	if (hs_trace_list_procs(trace, &procs, &n, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	for (size_t i = 0; i < n; i++)
		bad |= replay_image(trace, procs[i].name);
	hs_trace_procs_free(procs, n);
	return bad;
}

/* ---- THREADS (dbb_threads.c) ---------------------------------------------- */

static void thr_ev(struct dbb_threads *th, uint64_t t, uint32_t tag, uint32_t a, uint32_t b)
{
	uint8_t pl[8];

	hs_put_le32(pl, a);
	hs_put_le32(pl + 4, b);
	assert_int_equal(dbb_threads_event(th, t, tag, pl, tag == HS_EV_THREAD_EXIT ? 4 : 8), 0);
}

static void thr_sysret(struct dbb_threads *th, uint32_t slot, uint32_t sysno, uint64_t result)
{
	uint8_t pl[24] = { 0 };

	hs_put_le32(pl, slot);
	hs_put_le32(pl + 4, sysno);
	hs_put_le64(pl + 16, result);
	assert_int_equal(dbb_threads_event(th, 0, HS_EV_SYSCALL_EXIT, pl, sizeof(pl)), 0);
}

static void thr_expect(const struct dbb_threads *th, size_t i, uint64_t t_create, uint64_t t_exit,
		       uint32_t slot, uint32_t os_tid, uint32_t parent)
{
	uint8_t rec[HS_DB_THREAD_REC];

	dbb_threads_record(th, i, rec);
	assert_int_equal(hs_le64(rec), t_create);
	assert_int_equal(hs_le64(rec + 8), t_exit);
	assert_int_equal(hs_le32(rec + 16), slot);
	assert_int_equal(hs_le32(rec + 20), os_tid);
	assert_int_equal(hs_le32(rec + 24), parent);
}

/* Valgrind reuses slot 2 for three threads; the third never runs, so its
 * clone's result names it; the main thread is slot 1. */
static void test_dbbuild_threads_split_reused_slots(void **state)
{
	struct dbb_threads *th;

	assert_int_equal(dbb_threads_new(&th), 0);
	thr_ev(th, 0, HS_EV_THREAD_CREATE, 0, 1);
	thr_ev(th, 0, HS_EV_THREAD_RUN, 1, 100);
	thr_ev(th, 10, HS_EV_THREAD_CREATE, 1, 2);
	thr_ev(th, 10, HS_EV_THREAD_RUN, 2, 101);
	thr_ev(th, 15, HS_EV_THREAD_RUN, 1, 100);
	thr_sysret(th, 1, 56, 101);
	thr_ev(th, 20, HS_EV_THREAD_RUN, 2, 101);
	thr_ev(th, 25, HS_EV_THREAD_EXIT, 2, 0);
	thr_ev(th, 25, HS_EV_THREAD_RUN, 1, 100);
	thr_ev(th, 30, HS_EV_THREAD_CREATE, 1, 2);
	thr_ev(th, 30, HS_EV_THREAD_RUN, 2, 102);
	thr_ev(th, 35, HS_EV_THREAD_EXIT, 2, 0);
	thr_ev(th, 35, HS_EV_THREAD_RUN, 1, 100);
	thr_ev(th, 40, HS_EV_THREAD_CREATE, 1, 2);
	thr_sysret(th, 1, 0, 7);     /* not a clone: no answer */
	thr_sysret(th, 1, 56, 103);  /* the clone */
	thr_sysret(th, 1, 56, 999);  /* a later clone of the parent: no thread */
	assert_int_equal(dbb_threads_count(th), 4);
	thr_expect(th, 0, 0, HS_DB_NO_EXIT, 1, 100, HS_DB_NO_PARENT);
	thr_expect(th, 1, 10, 25, 2, 101, 0);
	thr_expect(th, 2, 30, 35, 2, 102, 0);
	thr_expect(th, 3, 40, HS_DB_NO_EXIT, 2, 103, 0);
	dbb_threads_free(th);
}

/* A fork child's stream names its thread first in a THREAD_RUN (no
 * CREATE): the thread begins there, with no parent. */
static void test_dbbuild_threads_fork_child_starts_at_its_first_record(void **state)
{
	struct dbb_threads *th;

	assert_int_equal(dbb_threads_new(&th), 0);
	thr_ev(th, 0, HS_EV_THREAD_RUN, 3, 4242);
	thr_ev(th, 50, HS_EV_THREAD_CREATE, 3, 1);
	thr_ev(th, 50, HS_EV_THREAD_RUN, 1, 4243);
	assert_int_equal(dbb_threads_count(th), 2);
	thr_expect(th, 0, 0, HS_DB_NO_EXIT, 3, 4242, HS_DB_NO_PARENT);
	thr_expect(th, 1, 50, HS_DB_NO_EXIT, 1, 4243, 0);
	dbb_threads_free(th);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dbbuild_fold_materialises_full_every_n_versions),
		cmocka_unit_test(test_dbbuild_fold_after_copy_waits_for_a_full),
		cmocka_unit_test(test_dbbuild_page_parse_rejects_inconsistent_records),
		cmocka_unit_test_setup_teardown(test_dbbuild_pages_rebuild_the_model_at_every_chunk,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_mem_events_become_write_zero_copy,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_mem_changed_or_missing_file_is_an_error,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbbuild_calls_frames_end_by_the_stack_pointer,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbbuild_calls_same_for_any_shards_and_guesses,
						setup, teardown),
		cmocka_unit_test(test_dbbuild_threads_split_reused_slots),
		cmocka_unit_test(test_dbbuild_threads_fork_child_starts_at_its_first_record),
	};

	if (argc == 3 && strcmp(argv[1], "replay") == 0)
		return replay_main(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
