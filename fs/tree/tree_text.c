/* tree_text.c - generated small files, cached by node (a bounded LRU).
 *
 * A kernel asks a file's size (lookup) and then reads it: without a cache
 * each would generate the text, which costs a query (a chunk decode for
 * regs, insn).  Entries are whole texts; a read copies its part under the
 * lock, so no reference outlives a call.  Generation runs outside the lock:
 * two threads may make the same text at once, and the second copy is
 * dropped.  Errors are not cached.
 */
#include "tree_i.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

struct text {
	struct hs_tree_node key;
	char *data;
	size_t len;
	struct text *hnext;          /* hash chain */
	struct text *older, *newer;  /* LRU list */
};

struct tree_text_cache {
	pthread_mutex_t lock;
	size_t cap, used, count;
	struct text **buckets;
	size_t n_buckets;            /* a power of two */
	struct text *newest, *oldest;
};

#define TEXT_OVERHEAD 128 /* bytes counted per entry besides its text */

int tree_texts_new(size_t cap_bytes, struct tree_text_cache **out)
{
	struct tree_text_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->n_buckets = 4096;
	c->buckets = calloc(c->n_buckets, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return -ENOMEM;
	}
	c->cap = cap_bytes;
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

void tree_texts_free(struct tree_text_cache *c)
{
	struct text *e, *next;

	if (!c)
		return;
	for (e = c->newest; e; e = next) {
		next = e->older;
		free(e->data);
		free(e);
	}
	free(c->buckets);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static size_t slot(const struct tree_text_cache *c, const struct hs_tree_node *n)
{
	return (size_t)XXH64(n, sizeof(*n), 0) & (c->n_buckets - 1);
}

static void unlink_lru(struct tree_text_cache *c, struct text *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	e->older = e->newer = NULL;
}

static void push_newest(struct tree_text_cache *c, struct text *e)
{
	HS_ANALYZER_ASSUME(!c->newest == !c->oldest); /* both NULL: empty */
	e->older = c->newest;
	e->newer = NULL;
	if (c->newest)
		c->newest->newer = e;
	c->newest = e;
	if (!c->oldest)
		c->oldest = e;
}

static void drop(struct tree_text_cache *c, struct text *e)
{
	struct text **p = &c->buckets[slot(c, &e->key)];

	while (*p != e)
		p = &(*p)->hnext;
	*p = e->hnext;
	unlink_lru(c, e);
	c->used -= e->len + TEXT_OVERHEAD;
	c->count--;
	HS_ANALYZER_ASSUME(c->oldest != e && c->newest != e); /* unlinked */
	free(e->data);
	free(e);
}

/* The entry of n, made newest; NULL if absent.  Under the lock. */
static struct text *find(struct tree_text_cache *c, const struct hs_tree_node *n)
{
	struct text *e;

	for (e = c->buckets[slot(c, n)]; e; e = e->hnext) {
		if (memcmp(&e->key, n, sizeof(*n)) == 0) {
			unlink_lru(c, e);
			push_newest(c, e);
			return e;
		}
	}
	return NULL;
}

/* What a caller wants of a text: its length, and size bytes at off. */
struct want {
	void *buf;
	size_t size;
	uint64_t off;
	size_t len;
	ssize_t got;
};

static void serve(const struct text *e, struct want *w)
{
	w->len = e->len;
	w->got = 0;
	if (w->buf && w->off < e->len) {
		w->got = (ssize_t)(w->size < e->len - w->off ? w->size : e->len - w->off);
		memcpy(w->buf, e->data + w->off, (size_t)w->got);
	}
}

/* Serves w from the cached text of n, generating and adding it on a miss. */
static int get(struct hs_tree *tree, const struct hs_tree_node *n, struct want *w)
{
	struct tree_text_cache *c = tree->texts;
	const struct tree_kind *k = &tree_kinds[n->kind];
	char *buf = NULL;
	size_t len = 0;
	struct text *e;
	FILE *f;
	int err;

	pthread_mutex_lock(&c->lock);
	e = find(c, n);
	if (e)
		serve(e, w);
	pthread_mutex_unlock(&c->lock);
	if (e)
		return 0;
	if (!k->text)
		return -EINVAL;
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	err = k->text(tree, n, f);
	if (fclose(f) != 0 && !err)
		err = -ENOMEM;
	if (err < 0) {
		free(buf);
		return err;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		free(buf);
		return -ENOMEM;
	}
	e->key = *n;
	e->data = buf;
	e->len = len;
	serve(e, w);
	pthread_mutex_lock(&c->lock);
	if (find(c, n)) {
		/* another thread made it meanwhile */
		pthread_mutex_unlock(&c->lock);
		free(buf);
		free(e);
		return 0;
	}
	e->hnext = c->buckets[slot(c, n)];
	c->buckets[slot(c, n)] = e;
	push_newest(c, e);
	c->used += len + TEXT_OVERHEAD;
	c->count++;
	while (c->used > c->cap && c->oldest)
		drop(c, c->oldest);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int tree_text_size(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *size)
{
	struct want w = { 0 };
	int err = get(tree, n, &w);

	if (err < 0)
		return err;
	*size = w.len;
	return 0;
}

ssize_t tree_text_read(struct hs_tree *tree, const struct hs_tree_node *n,
		       void *buf, size_t size, uint64_t off)
{
	struct want w = { .buf = buf, .size = size, .off = off };
	int err = get(tree, n, &w);

	return err < 0 ? err : w.got;
}
