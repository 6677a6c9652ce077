/* db_cache.c - one LRU cache of decompressed blocks, stream chunks and pages.
 *
 * A hash table (chains) plus a doubly linked LRU list, under one mutex held
 * only for lookups and bookkeeping, never while loading: two threads that
 * miss the same key both load it, and the second to insert drops its copy.
 * Entries are reference counted; eviction (least recently used first)
 * skips entries in use, so `used` can pass `cap` while queries hold more
 * than the cap.  An entry larger than the whole cap is handed out but not
 * kept.
 */
#include <errno.h>
#include <stdlib.h>

#include "query_i.h"

struct db_centry {
	uint64_t k1, k2;
	void *data;
	size_t bytes;
	void (*free_fn)(void *);
	int refs;
	bool cached;              /* in the table and the LRU list */
	struct db_centry *hnext;
	struct db_centry *prev, *next;
};

/* Overhead charged per entry besides its data. */
#define ENTRY_COST (sizeof(struct db_centry) + 64)

static size_t hash(uint64_t k1, uint64_t k2, size_t n)
{
	uint64_t h = k1 * 0x9e3779b97f4a7c15ull ^ (k2 + 0x632be59bd9b4e019ull) * 0xbf58476d1ce4e5b9ull;

	h ^= h >> 29;
	return (size_t)(h % n);
}

int db_cache_init(struct db_cache *c, size_t cap)
{
	*c = (struct db_cache){ .cap = cap };
	c->n_buckets = 1024;
	c->buckets = calloc(c->n_buckets, sizeof(*c->buckets));
	if (!c->buckets)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	return 0;
}

static void entry_free(struct db_centry *e)
{
	if (e->free_fn)
		e->free_fn(e->data);
	free(e);
}

static void lru_unlink(struct db_cache *c, struct db_centry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->lru_head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->lru_tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct db_cache *c, struct db_centry *e)
{
	e->prev = NULL;
	e->next = c->lru_head;
	if (c->lru_head)
		c->lru_head->prev = e;
	c->lru_head = e;
	if (!c->lru_tail)
		c->lru_tail = e;
}

/* Takes e out of the table and the list; called locked. */
static void remove_entry(struct db_cache *c, struct db_centry *e)
{
	struct db_centry **pp = &c->buckets[hash(e->k1, e->k2, c->n_buckets)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(c, e);
	e->cached = false;
	c->n_entries--;
	c->used -= e->bytes + ENTRY_COST;
}

/* Evicts unused entries until used <= cap; returns those to free (outside
 * the lock) as a list through hnext.  Called locked. */
static struct db_centry *evict(struct db_cache *c)
{
	struct db_centry *e = c->lru_tail, *dead = NULL;

	while (c->used > c->cap && e) {
		struct db_centry *prev = e->prev;

		if (e->refs == 0) {
			remove_entry(c, e);
			e->hnext = dead;
			dead = e;
			c->evictions++;
		}
		e = prev;
	}
	return dead;
}

static void free_list(struct db_centry *e)
{
	while (e) {
		struct db_centry *n = e->hnext;

		entry_free(e);
		e = n;
	}
}

static void grow(struct db_cache *c)
{
	size_t n = c->n_buckets * 2;
	struct db_centry **b = calloc(n, sizeof(*b));

	if (!b)
		return; /* longer chains, still correct */
	for (size_t i = 0; i < c->n_buckets; i++) {
		struct db_centry *e = c->buckets[i];

		while (e) {
			struct db_centry *next = e->hnext;
			size_t h = hash(e->k1, e->k2, n);

			e->hnext = b[h];
			b[h] = e;
			e = next;
		}
	}
	free(c->buckets);
	c->buckets = b;
	c->n_buckets = n;
}

static struct db_centry *lookup(struct db_cache *c, uint64_t k1, uint64_t k2)
{
	struct db_centry *e = c->buckets[hash(k1, k2, c->n_buckets)];

	while (e && (e->k1 != k1 || e->k2 != k2))
		e = e->hnext;
	return e;
}

bool db_cache_peek(struct db_cache *c, uint64_t k1, uint64_t k2, struct db_centry **out,
		   void **data)
{
	struct db_centry *e;

	*out = NULL;
	*data = NULL;
	pthread_mutex_lock(&c->lock);
	e = lookup(c, k1, k2);
	if (e) {
		e->refs++;
		c->hits++;
		lru_unlink(c, e);
		lru_push(c, e);
		*out = e;
		*data = e->data;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->lock);
	return e != NULL;
}

int db_cache_get(struct db_cache *c, uint64_t k1, uint64_t k2, db_load_fn load,
		 void *arg, void (*free_fn)(void *), struct db_centry **out,
		 void **data)
{
	struct db_centry *e, *old, *dead;
	void *d = NULL;
	size_t bytes = 0;
	int err;

	if (db_cache_peek(c, k1, k2, out, data))
		return 0;

	err = load(arg, &d, &bytes);
	if (err)
		return err;
	e = calloc(1, sizeof(*e));
	if (!e) {
		if (free_fn)
			free_fn(d);
		return -ENOMEM;
	}
	*e = (struct db_centry){ .k1 = k1, .k2 = k2, .data = d, .bytes = bytes,
				 .free_fn = free_fn, .refs = 1 };

	pthread_mutex_lock(&c->lock);
	old = lookup(c, k1, k2);
	if (old) {
		/* another thread loaded it meanwhile: use theirs */
		old->refs++;
		pthread_mutex_unlock(&c->lock);
		entry_free(e);
		*out = old;
		*data = old->data;
		return 0;
	}
	if (bytes + ENTRY_COST <= c->cap) {
		size_t h;

		if (c->n_entries >= c->n_buckets)
			grow(c);
		h = hash(k1, k2, c->n_buckets);
		e->hnext = c->buckets[h];
		c->buckets[h] = e;
		lru_push(c, e);
		e->cached = true;
		c->n_entries++;
		c->used += bytes + ENTRY_COST;
	}
	dead = evict(c);
	pthread_mutex_unlock(&c->lock);
	free_list(dead);
	*out = e;
	*data = e->data;
	return 0;
}

void db_cache_put(struct db_cache *c, struct db_centry *e)
{
	struct db_centry *dead = NULL;
	bool drop = false;

	if (!e)
		return;
	pthread_mutex_lock(&c->lock);
	if (--e->refs == 0) {
		if (!e->cached)
			drop = true;
		else if (c->used > c->cap)
			dead = evict(c);
	}
	pthread_mutex_unlock(&c->lock);
	if (drop)
		entry_free(e);
	free_list(dead);
}

void db_cache_drop(struct db_cache *c)
{
	struct db_centry *dead = NULL, *e;

	pthread_mutex_lock(&c->lock);
	e = c->lru_tail;
	while (e) {
		struct db_centry *prev = e->prev;

		if (e->refs == 0) {
			remove_entry(c, e);
			e->hnext = dead;
			dead = e;
		}
		e = prev;
	}
	pthread_mutex_unlock(&c->lock);
	free_list(dead);
}

void db_cache_destroy(struct db_cache *c)
{
	if (!c->buckets)
		return;
	db_cache_drop(c);
	/* entries still referenced here are a caller's bug; free them anyway */
	for (size_t i = 0; i < c->n_buckets; i++)
		free_list(c->buckets[i]);
	free(c->buckets);
	c->buckets = NULL;
	pthread_mutex_destroy(&c->lock);
}
