/* tree_stream.c - large generated files, read at any offset: events,
 * syscalls, output, stdout, stderr and writes/<range>.
 *
 * Their text is generated from the database item by item (an event, a
 * write; tree_gen.c).  An item is named by its position: its t, and how
 * many items with that same t come before it (skip).  So generation can
 * start at any item, and a mark (byte offset, t, skip) says where.  Each
 * file keeps:
 *
 *   - checkpoints, one per STREAM_STEP bytes of text, added as generation
 *     first passes them: a read at any offset regenerates at most
 *     STREAM_STEP bytes it does not return;
 *   - the last RESUMES places where reads stopped, so that a sequential
 *     reader (cat, grep) never regenerates more than one item per read;
 *   - its exact size, once generated to the end (the first stat does it).
 *
 * Files of the top of an image (events ...) are pinned: their checkpoints
 * and size live as long as the tree.  Others (writes/<range>) share
 * STREAM_SLOTS slots, least recently used first out; memory is bounded by
 * (pinned text + STREAM_SLOTS * largest text) / STREAM_STEP * 24 bytes.
 *
 * Spill.  Generating can be slow (a syscall's string arguments are memory
 * reads at its t), and the first stat of a file generates all of it, so
 * pinned files also keep the prefix of their text generated so far in an
 * unlinked temporary file (in $TMPDIR, else /tmp), up to 1 GiB for the
 * whole tree (HS_TREE_SPILL_MB in the environment changes that; 0 turns
 * spilling off).  A read inside that prefix is a pread.  Without a
 * temporary folder everything still works, by generating.
 */
#include "tree_i.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#define STREAM_STEP (64u << 10)
#define STREAM_SLOTS 64
#define RESUMES 8
#define PIN_BUCKETS 256
#define SPILL_CAP_DEFAULT (1ull << 30)
#define SPILL_BUF (256u << 10)
/* Spill files of one tree: each holds a descriptor for the tree's life, and
 * a recording of hundreds of processes has an events, syscalls, output ...
 * per image; past this many, files regenerate instead. */
#define SPILL_FILES_MAX 32

struct mark {
	uint64_t off, t, skip;
};

struct stream {
	struct hs_tree_node key;
	bool pinned, slotted;
	int refs;
	uint64_t last_used;
	bool complete;               /* generated to the end: size is exact */
	bool sizing;                 /* a thread generates to the end now */
	uint64_t size;
	struct mark *cps;            /* by offset */
	size_t n_cps, cap_cps;
	struct mark resumes[RESUMES];
	size_t n_resumes, next_resume;
	struct stream *hnext;        /* pinned hash chain */
	int spill_fd;                /* -1: none (yet) */
	bool no_spill;               /* could not make one: do not try again */
	uint64_t spill_len;          /* [0, spill_len) of the text is in it */
};

struct tree_streams {
	pthread_mutex_t lock;
	pthread_cond_t sized;        /* a sizing run ended */
	struct stream *pinned[PIN_BUCKETS];
	struct stream *slots[STREAM_SLOTS];
	uint64_t clock;
	uint64_t spill_used;         /* bytes in every spill file */
	uint64_t spill_cap;
	unsigned spill_files;        /* spill files made (SPILL_FILES_MAX) */
};

int tree_streams_new(struct tree_streams **out)
{
	struct tree_streams *s = calloc(1, sizeof(*s));
	const char *env;

	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->sized, NULL);
	s->spill_cap = SPILL_CAP_DEFAULT;
	env = getenv("HS_TREE_SPILL_MB");
	if (env)
		s->spill_cap = strtoull(env, NULL, 10) << 20;
	*out = s;
	return 0;
}

static void stream_free(struct stream *s)
{
	if (s) {
		if (s->spill_fd >= 0)
			close(s->spill_fd);
		free(s->cps);
		free(s);
	}
}

void tree_streams_free(struct tree_streams *ss)
{
	if (!ss)
		return;
	for (size_t i = 0; i < PIN_BUCKETS; i++) {
		struct stream *s, *next;
		for (s = ss->pinned[i]; s; s = next) {
			next = s->hnext;
			stream_free(s);
		}
	}
	for (size_t i = 0; i < STREAM_SLOTS; i++)
		stream_free(ss->slots[i]);
	pthread_cond_destroy(&ss->sized);
	pthread_mutex_destroy(&ss->lock);
	free(ss);
}

/* The key of a file's stream: what its text depends on. */
static void stream_key(const struct hs_tree_node *n, struct hs_tree_node *key)
{
	*key = *n;
	/* the same file through processes/, but for the top level's stdout
	 * and stderr: the recording's, not the first process's fd 1 and 2 */
	key->flags = (n->kind == K_STDOUT || n->kind == K_STDERR) ? n->flags & NODE_IN_PROC : 0;
	if (!(tree_kinds[n->kind].flags & KF_T))
		key->t = 0;
}

/* The stream of n, with a reference for the caller (stream_put). */
static struct stream *stream_get(struct hs_tree *tree, const struct hs_tree_node *n)
{
	struct tree_streams *ss = tree->streams;
	struct hs_tree_node key;
	struct stream *s = NULL, **chain = NULL;
	size_t victim = STREAM_SLOTS;
	bool pin = (tree_kinds[n->kind].flags & KF_PIN) != 0;

	stream_key(n, &key);
	pthread_mutex_lock(&ss->lock);
	if (pin) {
		chain = &ss->pinned[XXH64(&key, sizeof(key), 0) % PIN_BUCKETS];
		for (s = *chain; s; s = s->hnext)
			if (memcmp(&s->key, &key, sizeof(key)) == 0)
				break;
	} else {
		for (size_t i = 0; i < STREAM_SLOTS; i++) {
			struct stream *c = ss->slots[i];
			if (c && memcmp(&c->key, &key, sizeof(key)) == 0) {
				s = c;
				break;
			}
			if (!c) {
				if (victim == STREAM_SLOTS || ss->slots[victim])
					victim = i;
			} else if (c->refs == 0 && (victim == STREAM_SLOTS ||
						    (ss->slots[victim] &&
						     c->last_used < ss->slots[victim]->last_used))) {
				victim = i;
			}
		}
	}
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (s) {
			s->key = key;
			s->spill_fd = -1;
			s->no_spill = !pin;
			if (pin) {
				s->pinned = true;
				s->hnext = *chain;
				*chain = s;
			} else if (victim < STREAM_SLOTS) {
				stream_free(ss->slots[victim]);
				ss->slots[victim] = s;
				s->slotted = true;
			} /* else: every slot busy; this one lives for this call */
		}
	}
	if (s) {
		s->refs++;
		s->last_used = ++ss->clock;
	}
	pthread_mutex_unlock(&ss->lock);
	return s;
}

static void stream_put(struct hs_tree *tree, struct stream *s)
{
	struct tree_streams *ss = tree->streams;
	bool orphan;

	pthread_mutex_lock(&ss->lock);
	orphan = --s->refs == 0 && !s->pinned && !s->slotted;
	pthread_mutex_unlock(&ss->lock);
	if (orphan)
		stream_free(s);
}

/* ---- generation ------------------------------------------------------------------ */

struct run {
	struct stream *s;
	struct tree_streams *ss;
	uint64_t skipped;      /* items at t0 skipped so far */
	uint64_t pos;          /* offset of the next item */
	uint64_t cur_t, at_t;  /* items so far with t == cur_t */
	uint64_t next_cp;      /* offset from which a checkpoint is due */
	/* the read: [want_off, want_off + want_len) into buf */
	uint8_t *buf;
	uint64_t want_off;
	size_t want_len, got;
	bool to_end;           /* generate everything (the size) */
	bool stopped;
	struct mark resume;    /* the last item emitted */
	/* text for the spill: [spill_from, spill_from + spill_n) */
	uint8_t *spill;
	uint64_t spill_from;
	size_t spill_n;
};

/* A spill file: unlinked, in $TMPDIR or /tmp.  Under the lock. */
static int spill_open(struct tree_streams *ss, struct stream *s)
{
	const char *dir = getenv("TMPDIR");
	int fd = -1;

	if (s->spill_fd >= 0 || s->no_spill)
		return s->spill_fd;
	if (ss->spill_files >= SPILL_FILES_MAX) {
		s->no_spill = true;
		return -1;
	}
	if (dir && *dir)
		fd = hs_spill_open(dir);
	if (fd < 0)
		fd = hs_spill_open("/tmp");
	if (fd < 0)
		s->no_spill = true;
	else
		ss->spill_files++;
	s->spill_fd = fd;
	return fd;
}

/* Adds what this run generated to the stream's spill, where it extends it. */
static void spill_flush(struct run *r)
{
	struct stream *s = r->s;
	uint64_t end = r->spill_from + r->spill_n;

	if (!r->spill || !r->spill_n)
		return;
	pthread_mutex_lock(&r->ss->lock);
	if (r->spill_from <= s->spill_len && end > s->spill_len && spill_open(r->ss, s) >= 0 &&
	    r->ss->spill_used + (end - s->spill_len) <= r->ss->spill_cap) {
		uint64_t skip = s->spill_len - r->spill_from;
		size_t n = (size_t)(end - s->spill_len);
		ssize_t w = pwrite(s->spill_fd, r->spill + skip, n, (off_t)s->spill_len);

		if (w == (ssize_t)n) {
			s->spill_len = end;
			r->ss->spill_used += n;
		} else {
			s->no_spill = true; /* a full disk: stop here */
		}
	}
	pthread_mutex_unlock(&r->ss->lock);
	r->spill_from = end;
	r->spill_n = 0;
}

static void spill_add(struct run *r, const void *bytes, size_t n)
{
	while (n) {
		size_t k = SPILL_BUF - r->spill_n < n ? SPILL_BUF - r->spill_n : n;

		memcpy(r->spill + r->spill_n, bytes, k);
		r->spill_n += k;
		bytes = (const uint8_t *)bytes + k;
		n -= k;
		if (r->spill_n == SPILL_BUF)
			spill_flush(r);
	}
}

static void add_checkpoint(struct run *r, const struct mark *m)
{
	struct stream *s = r->s;

	pthread_mutex_lock(&r->ss->lock);
	if (!s->n_cps || s->cps[s->n_cps - 1].off + STREAM_STEP <= m->off) {
		if (hs_grow((void **)&s->cps, &s->cap_cps, s->n_cps + 1, sizeof(*s->cps)))
			goto out; /* fine: checkpoints only save time */
		s->cps[s->n_cps++] = *m;
	}
out:
	r->next_cp = s->cps ? s->cps[s->n_cps - 1].off + STREAM_STEP : 0;
	pthread_mutex_unlock(&r->ss->lock);
}

int tree_emit(struct tree_walk *w, uint64_t t, const void *bytes, size_t n)
{
	struct run *r = w->priv;
	struct mark m;
	uint64_t end, want_end;

	if (t == w->t0 && r->skipped < w->skip) {
		r->skipped++;
		return 0;
	}
	if (t != r->cur_t) {
		r->cur_t = t;
		r->at_t = 0;
	}
	m = (struct mark){ r->pos, t, r->at_t };
	if (r->pos >= r->next_cp)
		add_checkpoint(r, &m);
	r->at_t++;
	end = r->pos + n;
	want_end = r->want_off + r->want_len;
	if (r->buf && end > r->want_off && r->pos < want_end) {
		uint64_t from = r->pos > r->want_off ? r->pos : r->want_off;
		uint64_t to = end < want_end ? end : want_end;

		memcpy(r->buf + (from - r->want_off), (const uint8_t *)bytes + (from - r->pos),
		       (size_t)(to - from));
		r->got = (size_t)(to - r->want_off);
	}
	if (r->spill)
		spill_add(r, bytes, n);
	r->pos = end;
	if (!r->to_end && end >= want_end) {
		r->resume = m;
		r->stopped = true;
		return 1;
	}
	return 0;
}

/* The best place to start for offset off: the last checkpoint or resume
 * point at or before it.  Under the lock. */
static struct mark start_for(const struct stream *s, uint64_t off)
{
	struct mark best = { 0, 0, 0 };
	size_t lo = 0, hi = s->n_cps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->cps[mid].off <= off) {
			best = s->cps[mid];
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	for (size_t i = 0; i < s->n_resumes; i++)
		if (s->resumes[i].off <= off && s->resumes[i].off > best.off)
			best = s->resumes[i];
	return best;
}

static int run(struct hs_tree *tree, struct stream *s, struct run *r)
{
	struct tree_walk *w;
	struct mark from;
	int err;

	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	r->s = s;
	r->ss = tree->streams;
	pthread_mutex_lock(&r->ss->lock);
	from = start_for(s, r->want_off);
	r->next_cp = s->n_cps ? s->cps[s->n_cps - 1].off + STREAM_STEP : 0;
	/* extend the spill if this run starts inside what it holds */
	if (!s->no_spill && from.off <= s->spill_len && r->ss->spill_used < r->ss->spill_cap) {
		r->spill = malloc(SPILL_BUF);
		r->spill_from = from.off;
	}
	pthread_mutex_unlock(&r->ss->lock);
	memset(w, 0, offsetof(struct tree_walk, line));
	w->tree = tree;
	w->node = s->key;
	w->img = tree_image(tree, &s->key);
	w->t_end = tree_t_end(tree, &s->key);
	w->t0 = from.t;
	w->skip = from.skip;
	w->priv = r;
	r->pos = from.off;
	r->cur_t = from.t;
	r->at_t = from.skip;
	err = w->img ? tree_kinds[s->key.kind].gen(w) : -ENOENT;
	free(w);
	if (err >= 0)
		spill_flush(r);
	free(r->spill);
	if (err < 0)
		return err;
	pthread_mutex_lock(&r->ss->lock);
	if (r->stopped) {
		s->resumes[s->next_resume] = r->resume;
		s->next_resume = (s->next_resume + 1) % RESUMES;
		if (s->n_resumes < RESUMES)
			s->n_resumes++;
	} else {
		s->complete = true;
		s->size = r->pos;
	}
	pthread_mutex_unlock(&r->ss->lock);
	return 0;
}

/* The first stat generates the whole file; threads that stat it meanwhile
 * wait for that rather than all generating it. */
int tree_stream_size(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *size)
{
	struct tree_streams *ss = tree->streams;
	struct stream *s = stream_get(tree, n);
	struct run r = { .to_end = true, .want_off = UINT64_MAX };
	int err = 0;

	if (!s)
		return -ENOMEM;
	pthread_mutex_lock(&ss->lock);
	while (!s->complete && s->sizing)
		pthread_cond_wait(&ss->sized, &ss->lock);
	if (!s->complete) {
		s->sizing = true;
		pthread_mutex_unlock(&ss->lock);
		err = run(tree, s, &r);
		pthread_mutex_lock(&ss->lock);
		s->sizing = false;
		pthread_cond_broadcast(&ss->sized);
	}
	*size = s->size;
	pthread_mutex_unlock(&ss->lock);
	stream_put(tree, s);
	return err;
}

ssize_t tree_stream_read(struct hs_tree *tree, const struct hs_tree_node *n,
			 void *buf, size_t size, uint64_t off)
{
	struct stream *s = stream_get(tree, n);
	struct run r = { .buf = buf, .want_off = off, .want_len = size };
	bool past_end;
	int spill_fd = -1, err;

	if (!s)
		return -ENOMEM;
	if (off > UINT64_MAX - size)
		r.want_len = (size_t)(UINT64_MAX - off);
	pthread_mutex_lock(&tree->streams->lock);
	past_end = s->complete && off >= s->size;
	if (!past_end && s->spill_fd >= 0) {
		/* the spill's prefix never changes: read it outside the lock */
		uint64_t have = s->spill_len, want = off + r.want_len;

		if (s->complete && want > s->size)
			want = s->size;
		spill_fd = want <= have ? s->spill_fd : -1;
		r.want_len = (size_t)(want - off);
	}
	pthread_mutex_unlock(&tree->streams->lock);
	if (spill_fd >= 0) {
		ssize_t got = pread(spill_fd, buf, r.want_len, (off_t)off);

		if (got == (ssize_t)r.want_len) {
			stream_put(tree, s);
			return got;
		}
	}
	err = past_end ? 0 : run(tree, s, &r);
	stream_put(tree, s);
	return err < 0 ? err : (ssize_t)r.got;
}
