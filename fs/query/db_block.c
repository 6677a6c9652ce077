/* db_block.c - database blocks through the cache, and record cursors
 * (with a read-ahead thread for long walks). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	case HS_DB_EVENTS:
		if (n < HS_DB_EVENT_HDR)
			return 0;
		need = HS_DB_EVENT_HDR + (size_t)hs_le32(p + 16);
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

/* ---- read-ahead ----------------------------------------------------------
 * One thread per long walk reads blocks start, start + 1, ... through the
 * cache (db_block_get: the same entries a reader would get) into a ring
 * of DB_AHEAD_RING; the cursor takes them in order.  It starts only after
 * the cursor read DB_AHEAD_AFTER blocks itself, so lookups that touch a
 * block or two never pay for a thread, and it stops at the cursor's
 * release (what it read ahead stays in the cache). */
#define DB_AHEAD_AFTER 2
#define DB_AHEAD_RING 2

/* HS_DB_READ_AHEAD=0 in the environment turns it off (for measuring) */
static bool ahead_enabled(void)
{
	static int on = -1; /* read once; a race writes the same value */

	if (on < 0) {
		const char *v = getenv("HS_DB_READ_AHEAD");

		on = !(v && !strcmp(v, "0"));
	}
	return on;
}

struct ahead_slot {
	size_t block;
	int err;
	struct db_centry *e;
	const uint8_t *data;
	size_t len;
};

struct db_ahead {
	struct hs_db_image *img;
	uint32_t kind;
	size_t next, end;           /* the thread's next block; past the last */
	struct ahead_slot ring[DB_AHEAD_RING];
	size_t head, n;             /* the slots filled, oldest first */
	bool stop, done;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t th;
};

static void *ahead_main(void *arg)
{
	struct db_ahead *a = arg;

	pthread_mutex_lock(&a->lock);
	while (!a->stop && !a->done) {
		struct ahead_slot sl = { .block = a->next };

		if (a->n == DB_AHEAD_RING) {
			pthread_cond_wait(&a->cond, &a->lock);
			continue;
		}
		pthread_mutex_unlock(&a->lock);
		sl.err = db_block_get(a->img, a->kind, sl.block, &sl.e, &sl.data, &sl.len);
		pthread_mutex_lock(&a->lock);
		a->ring[(a->head + a->n) % DB_AHEAD_RING] = sl;
		a->n++;
		a->next++;
		a->done = sl.err || a->next >= a->end;
		pthread_cond_broadcast(&a->cond);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

/* Starts reading blocks from..end-1 ahead of c; nothing when no thread
 * can be made (c then reads them itself). */
static void ahead_start(struct db_cursor *c, size_t from)
{
	struct db_ahead *a = calloc(1, sizeof(*a));

	if (!a)
		return;
	*a = (struct db_ahead){ .img = c->img, .kind = c->kind, .next = from, .end = c->n_blocks };
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	if (pthread_create(&a->th, NULL, ahead_main, a) != 0) {
		pthread_mutex_destroy(&a->lock);
		pthread_cond_destroy(&a->cond);
		free(a);
		return;
	}
	c->ahead = a;
}

/* Block `block` from the read-ahead: 0 and the slot, 1 when the thread
 * does not have it (it stopped early: the cursor reads it itself). */
static int ahead_take(struct db_ahead *a, size_t block, struct ahead_slot *out)
{
	int got = 1;

	pthread_mutex_lock(&a->lock);
	while (!a->n && !a->done)
		pthread_cond_wait(&a->cond, &a->lock);
	if (a->n && a->ring[a->head].block == block) {
		*out = a->ring[a->head];
		a->head = (a->head + 1) % DB_AHEAD_RING;
		a->n--;
		got = 0;
		pthread_cond_broadcast(&a->cond);
	}
	pthread_mutex_unlock(&a->lock);
	return got;
}

static void ahead_stop(struct db_cursor *c)
{
	struct db_ahead *a = c->ahead;

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->th, NULL);
	for (size_t i = 0; i < a->n; i++) {
		struct ahead_slot *sl = &a->ring[(a->head + i) % DB_AHEAD_RING];

		if (sl->e)
			db_cache_put(&c->img->db->cache, sl->e);
	}
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
	free(a);
	c->ahead = NULL;
}

/* Block c->block into c, from the read-ahead when it has it. */
static int cursor_load(struct db_cursor *c)
{
	struct ahead_slot sl;

	if (c->ahead && ahead_take(c->ahead, c->block, &sl) == 0) {
		if (sl.err)
			return sl.err;
		c->e = sl.e;
		c->data = sl.data;
		c->len = sl.len;
		return 0;
	}
	ahead_stop(c); /* out of step (or stopped): read on alone */
	if (++c->loaded == DB_AHEAD_AFTER && c->read_ahead && c->block + 2 < c->n_blocks &&
	    ahead_enabled())
		ahead_start(c, c->block + 1);
	return db_block_get(c->img, c->kind, c->block, &c->e, &c->data, &c->len);
}

int db_cursor_fill(struct db_cursor *c)
{
	int err;

	while (!c->e || c->off >= c->len) {
		if (c->e) {
			db_cache_put(&c->img->db->cache, c->e);
			c->e = NULL;
			c->block++;
		}
		if (c->block >= c->n_blocks)
			return 1;
		err = cursor_load(c);
		if (err)
			return err;
		c->off = 0;
	}
	return 0;
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
	ahead_stop(c);
	if (c->e)
		db_cache_put(&c->img->db->cache, c->e);
	c->e = NULL;
}
