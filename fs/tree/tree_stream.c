/* tree_stream.c - large generated files: events, syscalls, output,
 * stdout, stderr and writes/<range>.
 *
 * Their text is generated from the database item by item (an event, a
 * write).  To serve a read at any offset without generating everything
 * before it, each file keeps checkpoints every STREAM_STEP bytes: the byte
 * offset where an item starts and the item's position (its t, and how many
 * items at that same t come before it).  Checkpoints are added as
 * generation passes them; the first stat() of a file generates it once to
 * learn its exact size.  At most TREE_STREAM_SLOTS files keep checkpoints
 * (least recently used goes), so memory stays bounded.
 */
#include "tree_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STREAM_STEP (64u << 10)

struct checkpoint {
	uint64_t off, t, skip;
};

struct tree_stream {
	struct hs_tree_node key;
	uint64_t last_used;
	int refs;
	bool complete;       /* generated to the end once: size is known */
	uint64_t size;
	struct checkpoint *cps;
	size_t n_cps, cap_cps;
};

bool tree_is_stream(const struct hs_tree_node *n)
{
	switch (n->kind) {
	case K_STDOUT: case K_STDERR: case K_EVENTS: case K_SYSCALLS:
	case K_OUTPUT: case K_WRITE:
		return true;
	default:
		return false;
	}
}

/* ---- generation ------------------------------------------------------------ */

struct walk {
	struct hs_tree *tree;
	const struct hs_db_image *img;
	struct tree_stream *s;
	uint64_t t0, skip;     /* resume point */
	uint64_t pos;          /* byte offset of the next byte generated */
	uint64_t cur_t, at_t;  /* items so far with t == cur_t */
	uint64_t skipped;
	/* what the caller wants: [want_off, want_off + want_len) into buf */
	uint64_t want_off;
	size_t want_len, got;
	uint8_t *buf;
	bool to_end;           /* generate everything (for the size) */
	char line[4096];
};

static int sprintf_hex(char *out, uint8_t b)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = hex[b >> 4];
	out[1] = hex[b & 15];
	return 2;
}

static void add_checkpoint(struct hs_tree *tree, struct tree_stream *s,
			   uint64_t off, uint64_t t, uint64_t skip)
{
	pthread_mutex_lock(&tree->lock);
	if (!s->n_cps || s->cps[s->n_cps - 1].off + STREAM_STEP <= off) {
		if (s->n_cps == s->cap_cps) {
			size_t cap = s->cap_cps ? 2 * s->cap_cps : 64;
			struct checkpoint *v = realloc(s->cps, cap * sizeof(*v));
			if (!v)
				goto out;
			s->cps = v;
			s->cap_cps = cap;
		}
		s->cps[s->n_cps++] = (struct checkpoint){ off, t, skip };
	}
out:
	pthread_mutex_unlock(&tree->lock);
}

/* One item's bytes.  Returns 1 to stop (the read is satisfied). */
static int emit(struct walk *w, uint64_t t, const void *bytes, size_t n)
{
	uint64_t end;

	if (t == w->t0 && w->skipped < w->skip) {
		w->skipped++;
		return 0;
	}
	if (t != w->cur_t) {
		w->cur_t = t;
		w->at_t = 0;
	}
	if (!w->s->n_cps || w->pos >= w->s->cps[w->s->n_cps - 1].off + STREAM_STEP)
		add_checkpoint(w->tree, w->s, w->pos, t, w->at_t);
	w->at_t++;
	end = w->pos + n;
	if (w->buf && end > w->want_off && w->pos < w->want_off + w->want_len) {
		uint64_t from = w->pos > w->want_off ? w->pos : w->want_off;
		uint64_t to = end < w->want_off + w->want_len ? end : w->want_off + w->want_len;
		memcpy(w->buf + (from - w->want_off), (const uint8_t *)bytes + (from - w->pos), to - from);
		if (to - w->want_off > w->got)
			w->got = to - w->want_off;
	}
	w->pos = end;
	if (!w->to_end && w->pos >= w->want_off + w->want_len)
		return 1;
	return 0;
}

/* The result of a syscall: the next sysret of the same thread. */
struct sysret {
	const struct hs_db_image *img;
	uint32_t tid;
	bool found;
	char text[512];
};

static int find_sysret(void *ctx, const struct hs_db_event *ev)
{
	struct sysret *r = ctx;

	if (ev->len < 4 || hs_trace_le32(ev->payload) != r->tid)
		return 0;
	if (hs_db_event_format(r->img, ev, r->text, sizeof(r->text)) < 0)
		return 0;
	r->found = true;
	return 1;
}

static int event_item(void *ctx, const struct hs_db_event *ev)
{
	struct walk *w = ctx;
	const struct hs_tree_node *n = &w->s->key;
	int len;

	switch (n->kind) {
	case K_STDOUT:
	case K_STDERR:
		if (ev->len < 8 || hs_trace_le32(ev->payload + 4) != (n->kind == K_STDOUT ? 1u : 2u))
			return 0;
		return emit(w, ev->t, ev->payload + 8, ev->len - 8);
	case K_OUTPUT: {
		/* one line per write, C-escaped; a long write is one long line */
		char *line;
		size_t head, cap, out;
		int ret;

		if (ev->len < 8)
			return 0;
		cap = 64 + 4 * (size_t)(ev->len - 8) + 2;
		line = malloc(cap);
		if (!line)
			return -ENOMEM;
		head = (size_t)snprintf(line, cap, "%" PRIu64 " %u ", ev->t,
					hs_trace_le32(ev->payload + 4));
		out = hs_db_escape(ev->payload + 8, ev->len - 8, line + head, cap - head - 1);
		line[head + out] = '\n';
		ret = emit(w, ev->t, line, head + out + 1);
		free(line);
		return ret;
	}
	case K_EVENTS: {
		const char *kind = hs_db_event_kind_name(ev->tag);

		len = snprintf(w->line, sizeof(w->line), "%" PRIu64 " %u %s ", ev->t, ev->tid,
			       kind ? kind : "?");
		if (hs_db_event_format(w->img, ev, w->line + len, sizeof(w->line) - len - 1) < 0)
			w->line[len] = 0;
		len = (int)strlen(w->line);
		w->line[len++] = '\n';
		return emit(w, ev->t, w->line, (size_t)len);
	}
	case K_SYSCALLS: {
		struct sysret r = { .img = w->img };
		struct hs_db_image_info info;
		const char *eq;

		if (ev->len < 8)
			return 0;
		r.tid = hs_trace_le32(ev->payload);
		len = snprintf(w->line, sizeof(w->line), "%" PRIu64 " %u ", ev->t, r.tid);
		if (hs_db_event_format(w->img, ev, w->line + len, sizeof(w->line) - len - 600) < 0)
			w->line[len] = 0;
		len = (int)strlen(w->line);
		hs_db_image_info(w->img, &info);
		if (hs_db_events(w->img, ev->t, info.t_end, HS_DB_KIND_BIT(HS_EV_SYSCALL_EXIT),
				 find_sysret, &r) < 0)
			r.found = false;
		eq = r.found ? strstr(r.text, " = ") : NULL;
		len += snprintf(w->line + len, sizeof(w->line) - len, " = %s\n", eq ? eq + 3 : "?");
		return emit(w, ev->t, w->line, (size_t)len);
	}
	default:
		return -EINVAL;
	}
}

static int write_item(void *ctx, const struct hs_db_write *wr)
{
	struct walk *w = ctx;
	size_t len = (size_t)snprintf(w->line, sizeof(w->line), "%" PRIu64 " 0x%" PRIx64 " %" PRIu64 " ",
				      wr->t, wr->data_addr, wr->data_len);
	char *line = w->line;
	int ret;

	if (len + 2 * wr->data_len + 2 > sizeof(w->line)) {
		line = malloc(len + 2 * wr->data_len + 2);
		if (!line)
			return -ENOMEM;
		memcpy(line, w->line, len);
	}
	for (uint64_t i = 0; i < wr->data_len; i++)
		len += (size_t)sprintf_hex(line + len, wr->data[i]);
	line[len++] = '\n';
	ret = emit(w, wr->t, line, len);
	if (line != w->line)
		free(line);
	return ret;
}

static int generate(struct walk *w)
{
	const struct hs_tree_node *n = &w->s->key;
	struct hs_db_image_info info;
	uint64_t kinds;
	int err;

	hs_db_image_info(w->img, &info);
	switch (n->kind) {
	case K_WRITE:
		err = hs_db_writes(w->img, n->a, n->b, w->t0, info.t_end, write_item, w);
		break;
	case K_SYSCALLS:
		kinds = HS_DB_KIND_BIT(HS_EV_SYSCALL_ENTER);
		goto events;
	case K_EVENTS:
		kinds = 0;
		goto events;
	default:
		kinds = HS_DB_KIND_BIT(HS_EV_OUTPUT);
events:
		err = hs_db_events(w->img, w->t0, info.t_end, kinds, event_item, w);
		break;
	}
	if (err == 1)
		return 0; /* stopped: the read is satisfied */
	if (err < 0)
		return err;
	/* reached the end */
	pthread_mutex_lock(&w->tree->lock);
	w->s->complete = true;
	w->s->size = w->pos;
	pthread_mutex_unlock(&w->tree->lock);
	return 0;
}

/* ---- the stream table --------------------------------------------------------- */

static void stream_free(struct tree_stream *s)
{
	if (s) {
		free(s->cps);
		free(s);
	}
}

void tree_streams_free(struct hs_tree *tree)
{
	for (size_t i = 0; i < TREE_STREAM_SLOTS; i++) {
		stream_free(tree->streams[i]);
		tree->streams[i] = NULL;
	}
}

static bool same_key(const struct hs_tree_node *a, const struct hs_tree_node *b)
{
	return a->kind == b->kind && a->image == b->image && a->a == b->a && a->b == b->b;
}

/* Finds or makes the stream of node n, with a reference for the caller. */
static struct tree_stream *stream_get(struct hs_tree *tree, const struct hs_tree_node *n)
{
	struct tree_stream *s = NULL;
	size_t victim = TREE_STREAM_SLOTS;

	pthread_mutex_lock(&tree->lock);
	for (size_t i = 0; i < TREE_STREAM_SLOTS; i++) {
		struct tree_stream *c = tree->streams[i];
		if (c && same_key(&c->key, n)) {
			s = c;
			break;
		}
		if (!c)
			victim = i;
		else if (c->refs == 0 && (victim == TREE_STREAM_SLOTS ||
					  (tree->streams[victim] &&
					   c->last_used < tree->streams[victim]->last_used)))
			victim = i;
	}
	if (!s && victim < TREE_STREAM_SLOTS) {
		s = calloc(1, sizeof(*s));
		if (s) {
			s->key = *n;
			s->key.t = 0;
			s->key.sub = 0;
			stream_free(tree->streams[victim]);
			tree->streams[victim] = s;
		}
	}
	if (s) {
		s->refs++;
		s->last_used = ++tree->stream_clock;
	}
	pthread_mutex_unlock(&tree->lock);
	return s;
}

static void stream_put(struct hs_tree *tree, struct tree_stream *s)
{
	pthread_mutex_lock(&tree->lock);
	s->refs--;
	pthread_mutex_unlock(&tree->lock);
}

/* Generate from the last checkpoint at or before off. */
static int walk_from(struct hs_tree *tree, struct tree_stream *s, struct walk *w)
{
	struct checkpoint cp = { 0, 0, 0 };

	pthread_mutex_lock(&tree->lock);
	for (size_t lo = 0, hi = s->n_cps; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->cps[mid].off <= w->want_off) {
			cp = s->cps[mid];
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	pthread_mutex_unlock(&tree->lock);
	w->tree = tree;
	w->img = tree_image(tree, &s->key);
	w->s = s;
	w->t0 = cp.t;
	w->skip = cp.skip;
	w->pos = cp.off;
	w->cur_t = cp.t;
	w->at_t = cp.skip;
	if (!w->img)
		return -ENOENT;
	return generate(w);
}

int tree_stream_size(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *size)
{
	struct tree_stream *s = stream_get(tree, n);
	struct walk *w;
	int err = 0;

	if (!s)
		return -ENOMEM;
	if (!s->complete) {
		w = calloc(1, sizeof(*w));
		if (!w) {
			err = -ENOMEM;
			goto out;
		}
		w->to_end = true;
		w->want_off = UINT64_MAX; /* start from the last checkpoint */
		err = walk_from(tree, s, w);
		free(w);
	}
	*size = s->size;
out:
	stream_put(tree, s);
	return err;
}

ssize_t tree_stream_read(struct hs_tree *tree, const struct hs_tree_node *n,
			 void *buf, size_t size, uint64_t off)
{
	struct tree_stream *s = stream_get(tree, n);
	struct walk *w;
	ssize_t ret;
	int err;

	if (!s)
		return -ENOMEM;
	if (s->complete && off >= s->size) {
		stream_put(tree, s);
		return 0;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		stream_put(tree, s);
		return -ENOMEM;
	}
	w->want_off = off;
	w->want_len = size;
	w->buf = buf;
	err = walk_from(tree, s, w);
	ret = err < 0 ? err : (ssize_t)w->got;
	free(w);
	stream_put(tree, s);
	return ret;
}
