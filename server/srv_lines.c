/* srv_lines.c - /api/lines: any window of lines of a (huge) text file.
 *
 * The first request for a file reads it once from start to end and keeps
 * the byte offset of every LINE_STEP-th line (8 bytes per 1024 lines: a
 * file of 100 M lines costs 800 KB), so that any later window costs one
 * seek to the nearest checkpoint and at most LINE_STEP lines of reading.
 * At most HS_SRV_LINE_FILES indexes are kept, the least recently used one
 * goes first.  Files are keyed by their tree node, whatever path named
 * them.  A second request for a file whose index is being built waits for
 * it rather than build it again.
 */
#include "srv_i.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#define LINE_STEP 1024
#define READ_PIECE (256u << 10)
#define MAX_COUNT 10000
#define MAX_REPLY_BYTES (4u << 20)

struct line_index {
	struct hs_tree_node n;
	uint64_t *offs;          /* offs[i]: offset of line i * LINE_STEP */
	size_t n_offs;
	uint64_t lines;          /* total */
	uint64_t size;
	uint64_t used;           /* LRU clock */
	int refs;
	bool ready;
	int err;
	struct line_index *next;
};

struct srv_lines {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct line_index *head;
	size_t count;
	uint64_t clock;
};

int srv_lines_new(struct srv_lines **out)
{
	struct srv_lines *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->cond, NULL);
	*out = l;
	return 0;
}

static void index_free(struct line_index *x)
{
	free(x->offs);
	free(x);
}

void srv_lines_free(struct srv_lines *l)
{
	if (!l)
		return;
	while (l->head) {
		struct line_index *x = l->head;

		l->head = x->next;
		index_free(x);
	}
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->cond);
	free(l);
}

/* Reads the whole file once and fills x (outside the lock). */
static int index_build(struct hs_tree *tree, struct line_index *x)
{
	char *buf = malloc(READ_PIECE);
	uint64_t off = 0, lines = 0;
	size_t cap = 64;
	bool at_line_start = true;

	if (!buf)
		return -ENOMEM;
	x->offs = malloc(cap * sizeof(*x->offs));
	if (!x->offs) {
		free(buf);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t got = hs_tree_read(tree, &x->n, buf, READ_PIECE, off);

		if (got < 0) {
			free(buf);
			return (int)got;
		}
		if (got == 0)
			break;
		for (ssize_t i = 0; i < got; i++) {
			if (at_line_start) {
				if (lines % LINE_STEP == 0) {
					if (x->n_offs == cap) {
						uint64_t *no = realloc(x->offs, 2 * cap * sizeof(*no));

						if (!no) {
							free(buf);
							return -ENOMEM;
						}
						x->offs = no;
						cap *= 2;
					}
					x->offs[x->n_offs++] = off + (uint64_t)i;
				}
				lines++;
				at_line_start = false;
			}
			if (buf[i] == '\n')
				at_line_start = true;
		}
		off += (uint64_t)got;
	}
	free(buf);
	x->lines = lines;
	x->size = off;
	return 0;
}

/* The ready index of n, referenced (drop with index_put), or an error. */
static int index_get(struct srv_lines *l, struct hs_tree *tree,
		     const struct hs_tree_node *n, struct line_index **out)
{
	struct line_index *x, **pp;
	int err;

	pthread_mutex_lock(&l->lock);
	for (x = l->head; x; x = x->next)
		if (memcmp(&x->n, n, sizeof *n) == 0)
			break;
	if (x) {
		x->refs++;
		x->used = ++l->clock;
		while (!x->ready)
			pthread_cond_wait(&l->cond, &l->lock);
		err = x->err;
		/* a failed index left the list: its last holder frees it */
		if (err < 0 && --x->refs == 0)
			index_free(x);
		pthread_mutex_unlock(&l->lock);
		*out = err < 0 ? NULL : x;
		return err;
	}
	/* make room: drop the least recently used unreferenced index */
	while (l->count >= HS_SRV_LINE_FILES) {
		struct line_index **victim = NULL;

		for (pp = &l->head; *pp; pp = &(*pp)->next)
			if (!(*pp)->refs && (!victim || (*pp)->used < (*victim)->used))
				victim = pp;
		if (!victim)
			break; /* all in use: go over the cap for a while */
		x = *victim;
		*victim = x->next;
		index_free(x);
		l->count--;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		pthread_mutex_unlock(&l->lock);
		return -ENOMEM;
	}
	x->n = *n;
	x->refs = 1;
	x->used = ++l->clock;
	x->next = l->head;
	l->head = x;
	l->count++;
	pthread_mutex_unlock(&l->lock);

	err = index_build(tree, x);

	pthread_mutex_lock(&l->lock);
	x->err = err;
	x->ready = true;
	if (err < 0) {
		/* forget it, so that a later request tries again */
		for (pp = &l->head; *pp; pp = &(*pp)->next)
			if (*pp == x) {
				*pp = x->next;
				break;
			}
		l->count--;
		x->refs--;
	}
	pthread_cond_broadcast(&l->cond);
	if (err < 0 && !x->refs)
		index_free(x);
	/* waiters that still hold x free it through index_put */
	pthread_mutex_unlock(&l->lock);
	*out = err < 0 ? NULL : x;
	return err;
}

static void index_put(struct srv_lines *l, struct line_index *x)
{
	pthread_mutex_lock(&l->lock);
	x->refs--;
	pthread_mutex_unlock(&l->lock);
}

void srv_api_lines(struct hs_srv *s, struct srv_req *req, const char *path,
		   struct srv_reply *r)
{
	struct hs_tree *tree = srv_tree(s, r);
	struct hs_tree_node n;
	struct line_index *x;
	struct json_object *o, *arr;
	uint64_t start = 0, count = 100, line, off;
	size_t bytes = 0;
	char *buf = NULL, *acc = NULL;
	size_t acc_len = 0, acc_cap = 0;
	int err;

	if (!tree)
		return;
	if ((srv_arg(req, "start") && srv_parse_u64(srv_arg(req, "start"), &start) < 0) ||
	    (srv_arg(req, "count") && srv_parse_u64(srv_arg(req, "count"), &count) < 0))
		return srv_reply_status(r, 400, "EINVAL", "start and count are numbers");
	if (count > MAX_COUNT)
		return srv_reply_status(r, 400, "EINVAL", "count is at most %u", MAX_COUNT);
	err = hs_tree_resolve(tree, path, true, &n);
	if (!err && hs_tree_type(&n) == HS_TREE_DIR)
		err = -EISDIR;
	if (!err && strcmp(strrchr(path, '/') ? strrchr(path, '/') + 1 : path, "mem") == 0)
		return srv_reply_status(r, 400, "EINVAL", "mem is not a text file");
	if (err < 0)
		return srv_reply_error(r, err, "%s: %s", path, strerror(-err));
	err = index_get(s->lines, tree, &n, &x);
	if (err < 0)
		return srv_reply_error(r, err, "%s: %s", path, strerror(-err));
	arr = json_object_new_array();
	if (start < x->lines && count) {
		/* read from the checkpoint before start, skip to start, then
		 * collect count lines (or up to MAX_REPLY_BYTES of them) */
		size_t k = (size_t)(start / LINE_STEP);
		bool done = false;

		line = (uint64_t)k * LINE_STEP;
		off = x->offs[k];
		buf = malloc(READ_PIECE);
		if (!buf)
			err = -ENOMEM;
		while (buf && !done) {
			ssize_t got = hs_tree_read(tree, &n, buf, READ_PIECE, off);

			if (got <= 0) {
				err = (int)got;
				break;
			}
			for (ssize_t i = 0; i < got && !done; i++) {
				bool nl = buf[i] == '\n';

				if (line >= start) {
					if (!nl) {
						if (acc_len + 1 >= acc_cap) {
							size_t nc = acc_cap ? acc_cap * 2 : 256;
							char *na = realloc(acc, nc);

							if (!na) {
								err = -ENOMEM;
								done = true;
								break;
							}
							acc = na;
							acc_cap = nc;
						}
						acc[acc_len++] = buf[i];
					}
				}
				if (nl) {
					if (line >= start) {
						json_object_array_add(arr, json_object_new_string_len(
									      acc ? acc : "", (int)acc_len));
						bytes += acc_len;
						acc_len = 0;
					}
					line++;
					if (line >= start + count || bytes > MAX_REPLY_BYTES)
						done = true;
				}
			}
			off += (uint64_t)got;
		}
		/* a last line without a newline */
		if (!done && err == 0 && line >= start && line < start + count && acc_len)
			json_object_array_add(arr, json_object_new_string_len(acc, (int)acc_len));
	}
	free(acc);
	free(buf);
	o = json_object_new_object();
	json_object_object_add(o, "total", json_object_new_int64((int64_t)x->lines));
	json_object_object_add(o, "start", json_object_new_int64((int64_t)start));
	json_object_object_add(o, "lines", arr);
	index_put(s->lines, x);
	if (err < 0)
		srv_reply_error(r, err, "%s: %s", path, strerror(-err));
	else
		srv_reply_json(r, 200, o);
	json_object_put(o);
}
