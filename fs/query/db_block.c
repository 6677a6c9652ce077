/* db_block.c - database blocks through the cache, and record cursors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "query_i.h"

struct block_load {
	const struct hs_dbfile *f;
	size_t block;
};

static int load_block(void *arg, void **data, size_t *bytes)
{
	struct block_load *l = arg;
	uint8_t *d;
	int err = hs_dbfile_read_block(l->f, l->block, &d);

	if (err)
		return err;
	*data = d;
	*bytes = hs_dbfile_block(l->f, l->block)->raw;
	return 0;
}

int db_block_get(struct hs_db_image *img, uint32_t kind, size_t block,
		 struct db_centry **e, const uint8_t **data, size_t *len)
{
	struct block_load l = { img->files[kind], block };
	void *d;
	int err;

	*e = NULL;
	if (block >= hs_dbfile_block_count(l.f))
		return -EINVAL;
	err = db_cache_get(&img->db->cache, DB_KEY(DB_K_BLOCK, img->id, kind), block,
			   load_block, &l, free, e, &d);
	if (err)
		return err;
	*data = d;
	*len = hs_dbfile_block(l.f, block)->raw;
	return 0;
}

size_t db_block_first_ge(const struct hs_dbfile *f, uint64_t key)
{
	size_t lo = 0, hi = hs_dbfile_block_count(f);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (hs_dbfile_block(f, mid)->last_key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int db_corrupt(const struct hs_dbfile *f, size_t block, const char *what)
{
	db_log("%s: block %zu: %s (the database is damaged: rebuild it with 'hindsight build')",
	       hs_dbfile_path(f), block, what);
	return -EBADMSG;
}

/* ---- cursors ------------------------------------------------------------- */

void db_cursor_init(struct db_cursor *c, struct hs_db_image *img, uint32_t kind,
		    size_t block)
{
	*c = (struct db_cursor){ .img = img, .kind = kind, .block = block,
				 .n_blocks = hs_dbfile_block_count(img->files[kind]) };
}

/* The size of the record at p (n bytes left in the block), 0 if it does
 * not fit. */
static size_t record_size(uint32_t kind, const uint8_t *p, size_t n)
{
	size_t need;

	if (kind == HS_DB_EVENTS) { /* most records by far: before the jump table */
		if (n < HS_DB_EVENT_HDR)
			return 0;
		need = HS_DB_EVENT_HDR + (size_t)hs_le32(p + 16);
		return need <= n ? need : 0;
	}
	switch (kind) {
	case HS_DB_CHUNKS:
		need = HS_DB_CHUNK_REC;
		break;
	case HS_DB_RUNS:
		need = HS_DB_RUN_REC;
		break;
	case HS_DB_PAGEIDX:
		need = HS_DB_PAGEIDX_REC;
		break;
	case HS_DB_CALLS:
		need = HS_DB_CALL_REC;
		break;
	case HS_DB_CTXSW:
		need = HS_DB_CTXSW_REC;
		break;
	case HS_DB_PAGES:
		if (n < HS_DB_PAGE_HDR)
			return 0;
		need = HS_DB_PAGE_HDR + (size_t)hs_le32(p + HS_DB_PAGE_HDR - 4);
		break;
	default:
		return 0;
	}
	return need <= n ? need : 0;
}

/* Block c->block of a scan that walked into it: the cache's copy if there
 * is one, else read into the cursor's buffer. */
static int cursor_walk_in(struct db_cursor *c)
{
	const struct hs_dbfile *f = c->img->files[c->kind];
	size_t raw = hs_dbfile_block(f, c->block)->raw;
	void *d;
	int err;

	if (db_cache_peek(&c->img->db->cache, DB_KEY(DB_K_BLOCK, c->img->id, c->kind), c->block,
			  &c->e, &d)) {
		c->data = d;
		c->len = raw;
		return 0;
	}
	if (raw + 1 > c->buf_cap) {
		uint8_t *b = malloc(raw + 1);

		if (!b)
			return -ENOMEM;
		free(c->buf);
		c->buf = b;
		c->buf_cap = raw + 1;
	}
	err = hs_dbfile_read_block_into(f, c->block, c->buf);
	if (err)
		return err;
	c->own = true;
	c->data = c->buf;
	c->len = raw;
	return 0;
}

/* db_cursor_fill past the end of the block in hand (or before the first);
 * kept out of line so that the per-record check saves no registers. */
__attribute__((noinline)) static int cursor_advance(struct db_cursor *c)
{
	bool walk = false;
	int err;

	while ((!c->e && !c->own) || c->off >= c->len) {
		if (c->e || c->own) {
			db_cache_put(&c->img->db->cache, c->e);
			c->e = NULL;
			c->own = false;
			c->block++;
			walk = true;
		}
		if (c->block >= c->n_blocks)
			return 1;
		/* the block after the first is still one a short walk (from a
		 * checkpoint, a time) may want again: cached; later ones make a scan */
		if (walk && c->walked++ > 0)
			err = cursor_walk_in(c);
		else
			err = db_block_get(c->img, c->kind, c->block, &c->e, &c->data, &c->len);
		if (err)
			return err;
		c->off = 0;
	}
	return 0;
}

int db_cursor_fill(struct db_cursor *c)
{
	/* once per record: the common case without cursor_advance's frame */
	if ((c->e || c->own) && c->off < c->len)
		return 0;
	return cursor_advance(c);
}

int db_cursor_next(struct db_cursor *c, const uint8_t **rec, size_t *rec_len)
{
	size_t n;
	int err = db_cursor_fill(c);

	if (err)
		return err;
	n = record_size(c->kind, c->data + c->off, c->len - c->off);
	if (!n)
		return db_corrupt(c->img->files[c->kind], c->block, "a record runs past the block");
	*rec = c->data + c->off;
	*rec_len = n;
	c->off += n;
	return 0;
}

void db_cursor_release(struct db_cursor *c)
{
	if (c->e)
		db_cache_put(&c->img->db->cache, c->e);
	c->e = NULL;
	c->own = false;
	free(c->buf);
	c->buf = NULL;
	c->buf_cap = 0;
}
