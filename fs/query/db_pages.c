/* db_pages.c - a page as of the start of a chunk, from its versions.
 *
 * PAGEIDX lists (page, chunk) -> where the version is in pages.hdb, sorted
 * by page, then chunk.  The page at the start of chunk c is its latest
 * version with chunk < c, which is found by walking back to a FULL or COPY
 * (or to the page's first version, on top of zeros) and applying the DIFFs
 * forward (on zeros, or in an image that began as a fork on its parent's
 * page at the fork, when the chain starts with a DIFF).  A COPY starts from
 * its source page as of the start of the
 * same chunk (recursively; always an earlier chunk than the one asked
 * for).  The version of chunk c itself, if any, only contributes its mask:
 * which bytes chunk c writes (all of them with HS_DB_WROTE_ALL), so that a
 * read of other bytes needs no decode.  Results are cached per (chunk,
 * page).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_i.h"

struct pidx {
	uint64_t page, chunk;
	uint32_t block, offset, length, kind;
};

/* A PAGEIDX record (db_format.h). */
#define PF(m, off, w) HS_LE_FIELD(struct pidx, m, off, w)
static const struct hs_le_field pidx_fields[] = {
	PF(page, 0, 8), PF(chunk, 8, 8), PF(block, 16, 4),
	PF(offset, 20, 4), PF(length, 24, 4), PF(kind, 28, 4),
};
#undef PF

static void pidx_parse(const uint8_t *r, struct pidx *p)
{
	hs_le_unpack(p, r, pidx_fields, HS_LE_NFIELDS(pidx_fields));
}

static int pidx_cmp(const struct pidx *p, uint64_t page, uint64_t chunk)
{
	if (p->page != page)
		return p->page < page ? -1 : 1;
	if (p->chunk != chunk)
		return p->chunk < chunk ? -1 : 1;
	return 0;
}

/* Where a newest-first walk of page's records in a PAGEIDX block of n
 * records starts: in the first block it visits (*found false), the last
 * record <= (page, c), and *found says whether there is one; in the
 * earlier blocks it visits next, the block's last record. */
static long pidx_start(const uint8_t *d, size_t n, uint64_t page, uint64_t c, bool *found)
{
	size_t lo = 0, hi = n;
	struct pidx p;

	if (*found)
		return (long)n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		pidx_parse(d + mid * HS_DB_PAGEIDX_REC, &p);
		if (pidx_cmp(&p, page, c) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo > 0;
	return (long)lo - 1;
}

/* The chain of versions of page up to and including chunk c, newest first:
 * the version of chunk c (if any), then back to the newest FULL/COPY of an
 * earlier chunk. */
struct chain {
	struct pidx *v;
	size_t n, cap;
};

static int chain_push(struct chain *ch, const struct pidx *p)
{
	if (hs_grow((void **)&ch->v, &ch->cap, ch->n + 1, sizeof(*ch->v)))
		return -ENOMEM;
	ch->v[ch->n++] = *p;
	return 0;
}

/* Walks page's PAGEIDX records newest first, from the last one <= (page,
 * c) back through the blocks: each(ctx, f, b, p) returns 0 to go on, > 0
 * to stop, < 0 an error, which the walk returns. */
typedef int (*pidx_fn)(void *ctx, const struct hs_dbfile *f, size_t b, const struct pidx *p);
static int pidx_walk(struct hs_db_image *img, uint64_t page, uint64_t c, pidx_fn each,
		     void *ctx)
{
	const struct hs_dbfile *f = img->files[HS_DB_PAGEIDX];
	bool found = false;
	size_t b;
	int r;

	if (!hs_dbfile_block_count(f) || hs_dbfile_block(f, 0)->first_key > page)
		return 0;
	/* the last block whose first record can be <= (page, c) */
	b = hs_dbfile_find(f, page);
	for (;;) {
		struct db_centry *e;
		const uint8_t *d;
		size_t len;
		struct pidx p;
		long i;

		r = db_block_get(img, HS_DB_PAGEIDX, b, &e, &d, &len);
		if (r)
			return r;
		if (len % HS_DB_PAGEIDX_REC) {
			db_cache_put(&img->db->cache, e);
			return db_corrupt(f, b, "PAGEIDX block of a partial record");
		}
		for (i = pidx_start(d, len / HS_DB_PAGEIDX_REC, page, c, &found); i >= 0; i--) {
			pidx_parse(d + (size_t)i * HS_DB_PAGEIDX_REC, &p);
			if (p.page != page || (r = each(ctx, f, b, &p)) != 0)
				break;
		}
		db_cache_put(&img->db->cache, e);
		/* done: stopped, an error, another page reached (i >= 0), or
		 * no block before this one */
		if (r || i >= 0 || b == 0)
			return r < 0 ? r : 0;
		b--;
		if (hs_dbfile_block(f, b)->last_key < page)
			return 0;
	}
}

struct chain_walk {
	struct chain *ch;
	uint64_t c;
};

/* Newest first, back to a FULL or COPY. */
static int chain_step(void *ctx, const struct hs_dbfile *f, size_t b, const struct pidx *p)
{
	struct chain_walk *w = ctx;
	struct chain *ch = w->ch;
	int err;

	if (ch->n && p->chunk >= ch->v[ch->n - 1].chunk)
		return db_corrupt(f, b, "PAGEIDX out of order");
	err = chain_push(ch, p);
	if (err)
		return err;
	/* chunk c's own version only lends its mask: the page as of c's
	 * start needs a root before c, even when c wrote the page whole (a
	 * FULL, also one the merge made of a DIFF every HS_DB_FULL_EVERY
	 * versions) */
	return (p->kind == HS_DB_FULL || p->kind == HS_DB_COPY) && p->chunk != w->c;
}

static int build_chain(struct hs_db_image *img, uint64_t page, uint64_t c,
		       struct chain *ch)
{
	struct chain_walk w = { ch, c };

	return pidx_walk(img, page, c, chain_step, &w);
}

/* Applies version p (from pages.hdb) to data; the version of chunk c
 * itself only gives its mask. */
static int apply_version(struct hs_db_image *img, uint64_t page, const struct pidx *p,
			 bool mask_only, struct db_page *out, int depth)
{
	const struct hs_dbfile *f = img->files[HS_DB_PAGES];
	struct db_centry *e;
	const uint8_t *d, *r, *mask, *data;
	size_t len, ones = 0;
	uint32_t kind, flags, data_len;
	int err;

	err = db_block_get(img, HS_DB_PAGES, p->block, &e, &d, &len);
	if (err)
		return err;
	if ((uint64_t)p->offset + p->length > len || p->length < HS_DB_PAGE_HDR) {
		err = db_corrupt(f, p->block, "PAGEIDX points outside the block");
		goto out;
	}
	r = d + p->offset;
	kind = hs_le32(r + 24);
	flags = hs_le32(r + 28);
	mask = r + 48;
	data_len = hs_le32(r + 48 + HS_DB_MASK_BYTES);
	data = r + HS_DB_PAGE_HDR;
	if (hs_le64(r) != page || hs_le64(r + 8) != p->chunk || kind != p->kind ||
	    (uint64_t)HS_DB_PAGE_HDR + data_len != p->length) {
		err = db_corrupt(f, p->block, "page version does not match PAGEIDX");
		goto out;
	}
	if (mask_only) {
		/* which bytes chunk c writes: a COPY (or a mapping) wrote all */
		if (flags & HS_DB_WROTE_ALL)
			memset(out->mask_c, 0xff, HS_DB_MASK_BYTES);
		else
			memcpy(out->mask_c, mask, HS_DB_MASK_BYTES);
		out->written_in_c = true;
		goto out;
	}
	for (unsigned i = 0; i < HS_DB_MASK_BYTES; i += 8) {
		uint64_t w;

		memcpy(&w, mask + i, 8);
		ones += (size_t)__builtin_popcountll(w);
	}
	switch (kind) {
	case HS_DB_FULL:
		if (data_len == 0)
			memset(out->data, 0, HS_DB_PAGE); /* a fresh mapping */
		else if (data_len == HS_DB_PAGE)
			memcpy(out->data, data, HS_DB_PAGE);
		else
			err = db_corrupt(f, p->block, "FULL page version of the wrong size");
		goto out;
	case HS_DB_COPY: {
		/* the source page as of the start of this version's chunk (an
		 * earlier chunk's versions), then the overlay */
		const struct db_page *src;
		struct db_centry *se;

		if (p->chunk >= img->n_chunks) {
			err = db_corrupt(f, p->block, "COPY version of a chunk that does not exist");
			goto out;
		}
		err = db_page_get(img, hs_le64(r + 32) & DB_PAGE_MASK, (size_t)p->chunk,
				  depth + 1, &se, &src);
		if (err)
			goto out;
		memcpy(out->data, src->data, HS_DB_PAGE);
		db_cache_put(&img->db->cache, se);
		break;
	}
	case HS_DB_DIFF:
		break;
	default:
		err = db_corrupt(f, p->block, "unknown page version kind");
		goto out;
	}
	if (data_len != ones) {
		err = db_corrupt(f, p->block, "page version: data does not match its mask");
		goto out;
	}
	/* byte by byte of the mask: most are 0 (nothing written) or 0xff (8
	 * bytes in a row), only the rest goes bit by bit */
	for (unsigned m = 0, k = 0; m < HS_DB_MASK_BYTES; m++) {
		uint8_t bits = mask[m];

		if (!bits)
			continue;
		if (bits == 0xff) {
			memcpy(out->data + 8 * m, data + k, 8);
			k += 8;
			continue;
		}
		for (unsigned b = 0; b < 8; b++)
			if (bits >> b & 1)
				out->data[8 * m + b] = data[k++];
	}
out:
	db_cache_put(&img->db->cache, e);
	return err;
}

struct page_load {
	struct hs_db_image *img;
	uint64_t page;
	size_t c;
	int depth;
};

static int load_page(void *arg, void **data, size_t *bytes)
{
	struct page_load *l = arg;
	struct chain ch = { 0 };
	struct db_page *pg = calloc(1, sizeof(*pg));
	size_t first = 0;
	int err;

	if (!pg)
		return -ENOMEM;
	err = build_chain(l->img, l->page, l->img->chunks[l->c].seq, &ch);
	if (err)
		goto fail;
	if (ch.n && ch.v[0].chunk == l->img->chunks[l->c].seq) {
		err = apply_version(l->img, l->page, &ch.v[0], true, pg, l->depth);
		if (err)
			goto fail;
		first = 1;
	}
	/* Under a chain that does not start with a whole page: zeros, or in
	 * an image that began as a fork, the parent's page at the fork. */
	if (l->img->parent && (ch.n == first || ch.v[ch.n - 1].kind == HS_DB_DIFF)) {
		err = db_mem_raw(l->img->parent, l->img->parent_t, false, l->page, HS_DB_PAGE,
				 pg->data, l->depth + 1);
		if (err)
			goto fail;
	}
	/* oldest first */
	for (size_t i = ch.n; i > first; i--) {
		err = apply_version(l->img, l->page, &ch.v[i - 1], false, pg, l->depth);
		if (err)
			goto fail;
	}
	free(ch.v);
	*data = pg;
	*bytes = sizeof(*pg);
	return 0;
fail:
	free(ch.v);
	free(pg);
	return err;
}

int db_page_get(struct hs_db_image *img, uint64_t page, size_t c, int depth,
		struct db_centry **e, const struct db_page **pg)
{
	struct page_load l = { img, page, c, depth };
	void *d;
	int err;

	if (depth > DB_MAX_DEPTH) {
		db_log("%s: page copies nest too deep (damaged database?)", img->dir);
		return -EBADMSG;
	}
	err = db_cache_get(&img->db->cache, DB_KEY(DB_K_PAGE, img->id, c), page >> 12,
			   load_page, &l, free, e, &d);
	*pg = err ? NULL : d;
	return err;
}

/* ---- walking versions back (last write, write history) -------------------- */

/* The mask of version p. */
static int version_mask(struct hs_db_image *img, uint64_t page, const struct pidx *p,
			uint8_t mask[HS_DB_MASK_BYTES])
{
	const struct hs_dbfile *f = img->files[HS_DB_PAGES];
	struct db_centry *e;
	const uint8_t *d, *r;
	size_t len;
	int err;

	err = db_block_get(img, HS_DB_PAGES, p->block, &e, &d, &len);
	if (err)
		return err;
	r = d + p->offset;
	if ((uint64_t)p->offset + p->length > len || p->length < HS_DB_PAGE_HDR)
		err = db_corrupt(f, p->block, "PAGEIDX points outside the block");
	else if (hs_le64(r) != page || hs_le64(r + 8) != p->chunk)
		err = db_corrupt(f, p->block, "page version does not match PAGEIDX");
	else if (hs_le32(r + 28) & HS_DB_WROTE_ALL)
		memset(mask, 0xff, HS_DB_MASK_BYTES); /* a COPY: every byte */
	else
		memcpy(mask, r + 48, HS_DB_MASK_BYTES);
	db_cache_put(&img->db->cache, e);
	return err;
}

struct versions_walk {
	struct hs_db_image *img;
	uint64_t page;
	db_version_fn cb;
	void *ctx;
};

static int version_step(void *ctx, const struct hs_dbfile *f, size_t b, const struct pidx *p)
{
	struct versions_walk *w = ctx;
	uint8_t mask[HS_DB_MASK_BYTES];
	int err = version_mask(w->img, w->page, p, mask);

	return err ? err : w->cb(w->ctx, p->chunk, mask);
}

int db_page_versions(struct hs_db_image *img, uint64_t page, uint64_t before,
		     db_version_fn cb, void *ctx)
{
	struct versions_walk w = { img, page, cb, ctx };

	if (!before)
		return 0;
	return pidx_walk(img, page, before - 1, version_step, &w);
}

int db_page_next_written(struct hs_db_image *img, uint64_t page, uint64_t *found,
			 uint64_t *first_chunk)
{
	const struct hs_dbfile *f = img->files[HS_DB_PAGEIDX];
	size_t b = db_block_first_ge(f, page);

	for (; b < hs_dbfile_block_count(f); b++) {
		struct db_centry *e;
		const uint8_t *d;
		size_t len, n, lo = 0, hi;
		int err = db_block_get(img, HS_DB_PAGEIDX, b, &e, &d, &len);

		if (err)
			return err;
		n = len / HS_DB_PAGEIDX_REC;
		hi = n;
		/* the first record whose page >= page: its page's first version */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (hs_le64(d + mid * HS_DB_PAGEIDX_REC) < page)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < n) {
			*found = hs_le64(d + lo * HS_DB_PAGEIDX_REC);
			*first_chunk = hs_le64(d + lo * HS_DB_PAGEIDX_REC + 8);
			db_cache_put(&img->db->cache, e);
			return 0;
		}
		db_cache_put(&img->db->cache, e);
	}
	return 1;
}
