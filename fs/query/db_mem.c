/* db_mem.c - memory at t: page versions, then chunk c decoded up to t.
 *
 * A read takes each page as of the start of chunk c (db_pages.c).  Only if
 * chunk c's version of one of those pages wrote a byte inside the range is
 * chunk c decoded from its start up to t, applying every effect that
 * overlaps the range; an mremap copy reads its source as it was just
 * before the copy, recursively.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "query_i.h"

struct apply_ctx {
	struct hs_db_image *img;
	uint64_t addr;
	size_t len;
	uint8_t *buf;
	int depth;
};

static int apply_effect(struct db_replay *r, const struct db_effect *e)
{
	struct apply_ctx *a = r->ctx;
	uint64_t lo = e->addr > a->addr ? e->addr : a->addr;
	uint64_t e_end = e->addr + e->len, a_end = a->addr + a->len;
	uint64_t hi = e_end < a_end ? e_end : a_end;

	if (lo >= hi || e_end < e->addr)
		return 0;
	switch (e->kind) {
	case HS_DB_W_ZERO:
		memset(a->buf + (lo - a->addr), 0, hi - lo);
		return 0;
	case HS_DB_W_REMAP:
		return db_mem_raw(a->img, e->t, true, e->from + (lo - e->addr), hi - lo,
				  a->buf + (lo - a->addr), a->depth + 1);
	default:
		memcpy(a->buf + (lo - a->addr), e->data + (lo - e->addr), hi - lo);
		return 0;
	}
}

/* Does the version mask say chunk c wrote a byte of [lo, hi) of the page? */
bool db_mask_hits(const uint8_t *mask, unsigned lo, unsigned hi)
{
	for (unsigned i = lo; i < hi; i++) {
		if ((i & 7) == 0 && i + 8 <= hi) {
			if (mask[i >> 3])
				return true;
			i += 7;
			continue;
		}
		if (db_mask_bit(mask, i))
			return true;
	}
	return false;
}

int db_mem_raw(struct hs_db_image *img, uint64_t t, bool before_copy,
	       uint64_t addr, size_t len, uint8_t *buf, int depth)
{
	struct apply_ctx a = { img, addr, len, buf, depth };
	bool decode = false;
	uint64_t p;
	size_t c;
	int err;

	if (!len)
		return 0;
	if (addr + len < addr)
		return -EINVAL;
	err = db_chunk_of(img, t, &c);
	if (err)
		return err;
	for (p = addr & DB_PAGE_MASK; p < addr + len; p += HS_DB_PAGE) {
		uint64_t lo = p > addr ? p : addr;
		uint64_t hi = p + HS_DB_PAGE < addr + len ? p + HS_DB_PAGE : addr + len;
		const struct db_page *pg;
		struct db_centry *e;

		err = db_page_get(img, p, c, depth, &e, &pg);
		if (err)
			return err;
		memcpy(buf + (lo - addr), pg->data + (lo - p), hi - lo);
		if (pg->written_in_c && db_mask_hits(pg->mask_c, (unsigned)(lo - p),
						  (unsigned)(hi - p)))
			decode = true;
		db_cache_put(&img->db->cache, e);
		if (p + HS_DB_PAGE < p)
			break;
	}
	if (!decode)
		return 0;
	{
		struct db_replay r = { .img = img, .chunk = c, .stop_t = t,
				       .before_copy = before_copy, .effect = apply_effect,
				       .ctx = &a, .depth = depth };

		return db_replay_run(&r);
	}
}

ssize_t hs_db_mem_read(const struct hs_db_image *cimg, uint64_t t, uint64_t addr,
		       size_t len, uint8_t *buf)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	uint64_t mapped;
	int err;

	if (t > img->t_end)
		return -ERANGE;
	if (len == 0)
		return 0;
	if (len > (size_t)SSIZE_MAX)
		len = (size_t)SSIZE_MAX;
	if (addr + len < addr)
		len = (size_t)(0 - addr);
	err = db_mapped_len(img, t, addr, len, &mapped);
	if (err)
		return err;
	if (!mapped)
		return -EIO;
	err = db_mem_raw(img, t, false, addr, (size_t)mapped, buf, 0);
	return err ? err : (ssize_t)mapped;
}
