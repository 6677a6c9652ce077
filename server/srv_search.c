/* srv_search.c - /api/search: the search box's answers.
 *
 * What is searched, per process image: the functions that were called
 * (calls/), the source files (lines/ and sources/) and "file:line" (a line
 * that ran: lines/<file>/<line>), every function and data symbol of the
 * image's modules (globals, statics, functions that were never called), the
 * named marks (time/: start, main, crash, end) and the notebook's notes.
 *
 * The name list of an image is built once, on its first search, and kept
 * for the server's life (a recording never changes): a python3 recording
 * has some 40 000 names, a few MB.  A query then is one pass over it,
 * comparing lower-cased names (about a millisecond per 10 000 names).
 * Ranking: an exact name, then a prefix, then a substring; within a rank
 * by kind (functions first), then the shorter name.  At most MAX_RESULTS
 * come back, with "truncated" when there were more.
 */
#include "srv_i.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_RESULTS 50
#define MAX_QUERY 256
#define MAX_WALK_DEPTH 32

/* In ranking order among results of the same rank. */
enum item_kind { IK_FUNCTION, IK_FILE, IK_VARIABLE, IK_SYMBOL, IK_MARK };
static const char *const kind_names[] = { "function", "file", "variable", "symbol", "mark" };

struct item {
	char *name;          /* shown and matched (files: the base name) */
	char *lower;         /* name in lower case */
	char *path;          /* files: the tree path under lines/ or sources/ */
	char *module;        /* symbols: the module's path (borrowed from mods) */
	uint64_t addr, size; /* symbols; marks: addr is t */
	enum item_kind kind;
	bool has_lines;      /* files: under lines/ */
	bool has_source;     /* files: under sources/ (the text is there) */
};

struct image_index {
	bool built;
	int err;
	struct item *v;
	size_t n, cap;
	char **mods;         /* module paths, owned */
	size_t n_mods;
};

#define WANT_MAX 16

struct srv_search {
	pthread_mutex_t lock;  /* builds; a built index is read without it */
	struct image_index **img; /* each allocated once: img[] may grow while
				   * another thread reads an index */
	size_t n_img;
	/* the warm-up of image 0's index (srv_search_warm), then of each
	 * image a request names (srv_search_want) */
	pthread_t warm;
	bool warming;
	pthread_mutex_t wlock;
	pthread_cond_t wcond;
	bool stop;
	struct hs_tree *tree;
	size_t want[WANT_MAX];   /* images to warm, oldest first */
	size_t n_want;
	bool *asked;             /* per image: wanted once already */
	size_t n_asked;
};

int srv_search_new(struct srv_search **out)
{
	struct srv_search *x = calloc(1, sizeof(*x));

	if (!x)
		return -ENOMEM;
	pthread_mutex_init(&x->lock, NULL);
	pthread_mutex_init(&x->wlock, NULL);
	pthread_cond_init(&x->wcond, NULL);
	*out = x;
	return 0;
}

static void index_release(struct image_index *ix)
{
	for (size_t i = 0; i < ix->n; i++) {
		free(ix->v[i].name);
		free(ix->v[i].lower);
		free(ix->v[i].path);
	}
	free(ix->v);
	for (size_t i = 0; i < ix->n_mods; i++)
		free(ix->mods[i]);
	free(ix->mods);
	memset(ix, 0, sizeof(*ix));
}

void srv_search_stop(struct srv_search *x)
{
	if (!x || !x->warming)
		return;
	pthread_mutex_lock(&x->wlock);
	x->stop = true;
	pthread_cond_broadcast(&x->wcond);
	pthread_mutex_unlock(&x->wlock);
	pthread_join(x->warm, NULL);
	x->warming = false;
}

void srv_search_free(struct srv_search *x)
{
	if (!x)
		return;
	srv_search_stop(x);
	free(x->asked);
	pthread_mutex_destroy(&x->wlock);
	pthread_cond_destroy(&x->wcond);
	for (size_t i = 0; i < x->n_img; i++) {
		if (x->img[i])
			index_release(x->img[i]);
		free(x->img[i]);
	}
	free(x->img);
	pthread_mutex_destroy(&x->lock);
	free(x);
}

static char *lower_dup(const char *s)
{
	char *l = strdup(s);

	for (char *p = l; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return l;
}

static int add_item(struct image_index *ix, enum item_kind kind, const char *name,
		    const char *path, struct item **out)
{
	struct item *it;

	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 1024;
		struct item *v = realloc(ix->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ix->v = v;
		ix->cap = cap;
	}
	it = &ix->v[ix->n];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->name = strdup(name);
	it->lower = lower_dup(name);
	it->path = path ? strdup(path) : NULL;
	if (!it->name || !it->lower || (path && !it->path)) {
		free(it->name);
		free(it->lower);
		free(it->path);
		return -ENOMEM;
	}
	ix->n++;
	if (out)
		*out = it;
	return 0;
}

/* ---- building an image's list -------------------------------------------------- */

/* A file of lines/ (ix->v moves as items are added: an index, and the
 * path, which does not move). */
struct seen {
	const char *path;
	size_t index;
};

struct walk {
	struct hs_tree *tree;
	struct image_index *ix;
	char path[SRV_PATH_MAX];   /* the folder walked, under lines/ or sources/ */
	size_t len;
	bool lines;                /* walking lines/ */
	bool is_file;              /* lines/: the folder's first child is a line */
	int depth;
	struct seen *seen;         /* sources/: the files lines/ gave, by path */
	size_t n_seen;
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct seen *)a)->path, ((const struct seen *)b)->path);
}

static int add_file(struct walk *w, const char *rel)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	struct seen key = { rel, 0 }, *hit;
	struct item *it;

	/* sources/ after lines/: a file with lines is there already */
	hit = !w->lines && w->n_seen ?
		bsearch(&key, w->seen, w->n_seen, sizeof(*w->seen), path_cmp) : NULL;
	if (hit) {
		w->ix->v[hit->index].has_source = true;
		return 0;
	}
	if (add_item(w->ix, IK_FILE, base, rel, &it) < 0)
		return -ENOMEM;
	it->has_lines = w->lines;
	it->has_source = !w->lines;
	return 0;
}

static int walk_dir(struct walk *w, const struct hs_tree_node *dir);

static int first_child(void *ctx, const char *name, const struct hs_tree_node *child)
{
	struct walk *w = ctx;
	uint64_t line;

	w->is_file = hs_tree_type(child) == HS_TREE_FILE && srv_parse_u64(name, &line) == 0;
	return 1; /* one is enough */
}

static int on_entry(void *ctx, const char *name, const struct hs_tree_node *child)
{
	struct walk *w = ctx;
	size_t len = w->len, n = strlen(name);
	int err = 0;

	if (len + n + 2 >= sizeof(w->path))
		return 0;
	if (len)
		w->path[w->len++] = '/';
	memcpy(w->path + w->len, name, n + 1);
	w->len += n;
	if (hs_tree_type(child) == HS_TREE_FILE && !w->lines) {
		err = add_file(w, w->path);
	} else if (hs_tree_type(child) == HS_TREE_DIR) {
		w->is_file = false;
		if (w->lines)
			hs_tree_readdir(w->tree, child, first_child, w);
		if (w->is_file)
			err = add_file(w, w->path);
		else if (w->depth < MAX_WALK_DEPTH)
			err = walk_dir(w, child);
	}
	w->len = len;
	w->path[len] = 0;
	return err;
}

static int walk_dir(struct walk *w, const struct hs_tree_node *dir)
{
	int err;

	w->depth++;
	err = hs_tree_readdir(w->tree, dir, on_entry, w);
	w->depth--;
	return err;
}

static int walk_files(struct hs_tree *tree, const char *prefix, struct image_index *ix,
		      const char *top, bool lines)
{
	struct walk *w = calloc(1, sizeof(*w));
	struct hs_tree_node n;
	char path[256];
	int err;

	if (!w)
		return -ENOMEM;
	w->tree = tree;
	w->ix = ix;
	w->lines = lines;
	if (!lines) {
		w->seen = malloc((ix->n + 1) * sizeof(*w->seen));
		if (!w->seen) {
			free(w);
			return -ENOMEM;
		}
		for (size_t i = 0; i < ix->n; i++)
			if (ix->v[i].kind == IK_FILE)
				w->seen[w->n_seen++] = (struct seen){ ix->v[i].path, i };
		qsort(w->seen, w->n_seen, sizeof(*w->seen), path_cmp);
	}
	snprintf(path, sizeof(path), "%s%s", prefix, top);
	err = hs_tree_resolve(tree, path, true, &n);
	err = err < 0 ? 0 : walk_dir(w, &n); /* no lines/, no sources/: nothing */
	free(w->seen);
	free(w);
	return err;
}

static int on_call_name(void *ctx, const char *name, const struct hs_tree_node *child)
{
	(void)child;
	return add_item(ctx, IK_FUNCTION, name, NULL, NULL);
}

struct sym_add {
	struct image_index *ix;
	char **called;             /* sorted function names of calls/ */
	size_t n_called;
	const char *last_mod;      /* borrowed: the module of the last symbol */
	int err;
};

static int on_symbol(void *ctx, const struct hs_tree_symbol *sym)
{
	struct sym_add *a = ctx;
	struct image_index *ix = a->ix;
	struct item *it;
	const char *name = sym->name;

	if (!name || !*name)
		return 0;
	/* a function that was called is listed as such, with its calls */
	if (sym->function && a->n_called &&
	    bsearch(&name, a->called, a->n_called, sizeof(char *), name_cmp))
		return 0;
	if (!a->last_mod || strcmp(a->last_mod, sym->module)) {
		char **m = realloc(ix->mods, (ix->n_mods + 1) * sizeof(*m));

		if (!m || !(m[ix->n_mods] = strdup(sym->module))) {
			if (m)
				ix->mods = m;
			return -ENOMEM;
		}
		ix->mods = m;
		a->last_mod = ix->mods[ix->n_mods++];
	}
	if (add_item(ix, sym->function ? IK_SYMBOL : IK_VARIABLE, name, NULL, &it) < 0)
		return -ENOMEM;
	it->addr = sym->addr;
	it->size = sym->size;
	it->module = (char *)a->last_mod;
	return 0;
}

static int on_mark(void *ctx, const char *name, const struct hs_tree_node *child)
{
	struct walk *w = ctx;
	char target[64];
	uint64_t t;
	struct item *it;

	if (hs_tree_type(child) != HS_TREE_LINK ||
	    hs_tree_readlink(w->tree, child, target, sizeof(target)) < 0 ||
	    srv_parse_u64(strrchr(target, '/') ? strrchr(target, '/') + 1 : target, &t) < 0)
		return 0;
	if (add_item(w->ix, IK_MARK, name, NULL, &it) < 0)
		return -ENOMEM;
	it->addr = t;
	return 0;
}

static int build_symbols(struct hs_tree *tree, const struct hs_tree_node *top,
			 struct image_index *ix)
{
	struct sym_add a = { .ix = ix };
	size_t k = 0;
	int err;

	a.called = malloc((ix->n + 1) * sizeof(char *));
	if (!a.called)
		return -ENOMEM;
	for (size_t i = 0; i < ix->n; i++)
		if (ix->v[i].kind == IK_FUNCTION)
			a.called[k++] = ix->v[i].name;
	a.n_called = k;
	qsort(a.called, k, sizeof(char *), name_cmp);
	err = hs_tree_symbols(tree, top, on_symbol, &a);
	free(a.called);
	return err == -ENODATA ? 0 : err;
}

static int build_index(struct hs_tree *tree, const struct srv_req *req, struct image_index *ix)
{
	struct hs_tree_node top, n;
	struct walk w = { .tree = tree, .ix = ix };
	char prefix[128], path[256];
	size_t image;
	int err = srv_image_arg(tree, req, &top, prefix, sizeof(prefix), &image);

	if (err < 0)
		return err;
	snprintf(path, sizeof(path), "%scalls", prefix);
	if (hs_tree_resolve(tree, path, true, &n) == 0 &&
	    (err = hs_tree_readdir(tree, &n, on_call_name, ix)) < 0 && err != -ENODATA)
		return err;
	if ((err = walk_files(tree, prefix, ix, "lines", true)) < 0 ||
	    (err = walk_files(tree, prefix, ix, "sources", false)) < 0 ||
	    (err = build_symbols(tree, &top, ix)) < 0)
		return err;
	snprintf(path, sizeof(path), "%stime", prefix);
	if (hs_tree_resolve(tree, path, true, &n) == 0 &&
	    (err = hs_tree_readdir(tree, &n, on_mark, &w)) < 0)
		return err;
	return 0;
}

/* The image's index, built on first use (under the lock: a second search
 * waits for the first build rather than doing it again). */
static int get_index(struct srv_search *x, struct hs_tree *tree, const struct srv_req *req,
		     size_t image, struct image_index **out)
{
	int err = 0;

	pthread_mutex_lock(&x->lock);
	if (image >= x->n_img) {
		struct image_index **v = realloc(x->img, (image + 1) * sizeof(*v));

		if (!v) {
			err = -ENOMEM;
			goto out;
		}
		memset(v + x->n_img, 0, (image + 1 - x->n_img) * sizeof(*v));
		x->img = v;
		x->n_img = image + 1;
	}
	if (!x->img[image] && !(x->img[image] = calloc(1, sizeof(**x->img)))) {
		err = -ENOMEM;
		goto out;
	}
	if (!x->img[image]->built) {
		err = build_index(tree, req, x->img[image]);
		if (err < 0)
			index_release(x->img[image]);
		x->img[image]->built = err == 0;
	}
	*out = x->img[image];
out:
	pthread_mutex_unlock(&x->lock);
	return err;
}

/* ---- the warm-up --------------------------------------------------------------
 * The first search of an image builds its name list: debug info, calls/,
 * lines/, sources/, the symbols (0.7 s on a gzip recording, 1.4 s on
 * python3's).  serve builds image 0's a little after it starts, when the
 * page's first moment is drawn, so that the first search a person types
 * answers like the later ones; then, in the same thread, each image that
 * a request names (image=I: the page moved to that process), once. */

#define WARM_DELAY_S 2

/* The next image to warm: 0 and *image, or 1 once stopped. */
static int warm_next(struct srv_search *x, size_t *image)
{
	int ret = 1;

	pthread_mutex_lock(&x->wlock);
	while (!x->stop && !x->n_want)
		pthread_cond_wait(&x->wcond, &x->wlock);
	if (!x->stop) {
		*image = x->want[0];
		memmove(x->want, x->want + 1, --x->n_want * sizeof(x->want[0]));
		ret = 0;
	}
	pthread_mutex_unlock(&x->wlock);
	return ret;
}

static void *warm_main(void *arg)
{
	struct srv_search *x = arg;
	struct srv_req req = { 0 };
	struct image_index *ix;
	struct timespec dl;
	size_t image;
	bool stop;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += WARM_DELAY_S;
	pthread_mutex_lock(&x->wlock);
	while (!x->stop && pthread_cond_timedwait(&x->wcond, &x->wlock, &dl) == 0)
		;
	stop = x->stop;
	pthread_mutex_unlock(&x->wlock);
	if (stop)
		return NULL;
	get_index(x, x->tree, &req, 0, &ix); /* a failure is the first search's to say */
	while (warm_next(x, &image) == 0) {
		/* the list is built from the request's image= (without it,
		 * image 0's names were kept as image I's: python3, the 7th
		 * image of its pyenv shim's recording, found nothing) */
		char num[24], name[] = "image";

		snprintf(num, sizeof num, "%zu", image);
		req.args[0] = (struct srv_arg){ name, num };
		req.n_args = 1;
		get_index(x, x->tree, &req, image, &ix);
		req.n_args = 0;
	}
	return NULL;
}

void srv_search_warm(struct srv_search *x, struct hs_tree *tree)
{
	if (!x || !tree || x->warming)
		return;
	x->tree = tree;
	x->asked = calloc(hs_tree_image_count(tree) + 1, sizeof(*x->asked));
	x->n_asked = x->asked ? hs_tree_image_count(tree) : 0;
	if (x->asked && x->n_asked)
		x->asked[0] = true; /* the warm-up's own */
	x->warming = pthread_create(&x->warm, NULL, warm_main, x) == 0;
}

void srv_search_want(struct srv_search *x, const char *image)
{
	uint64_t i;

	if (!x || !x->warming || !image || srv_parse_u64(image, &i) < 0)
		return;
	pthread_mutex_lock(&x->wlock);
	if (i < x->n_asked && !x->asked[i] && x->n_want < WANT_MAX) {
		x->asked[i] = true;
		x->want[x->n_want++] = (size_t)i;
		pthread_cond_broadcast(&x->wcond);
	}
	pthread_mutex_unlock(&x->wlock);
}

/* ---- a query ------------------------------------------------------------------- */

struct hit {
	const struct item *it;
	int rank;                 /* 0 exact, 1 prefix, 2 substring */
	uint64_t line;            /* a "file:line" hit: the line */
	bool ran;                 /* ... and whether it ran (lines/ has it) */
};

static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	size_t lx = strlen(x->it->name), ly = strlen(y->it->name);

	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->it->kind != y->it->kind)
		return (int)x->it->kind - (int)y->it->kind;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x->it->name, y->it->name);
}

/* 0 exact, 1 prefix, 2 substring of the lower-cased name (files: or of
 * their path), -1 no match. */
static int match_rank(const struct item *it, const char *q, size_t qlen)
{
	const char *p = strstr(it->lower, q);

	if (!p)
		return it->kind == IK_FILE && strcasestr(it->path, q) ? 2 : -1;
	if (p == it->lower)
		return it->lower[qlen] ? 1 : 0;
	return 2;
}

/* "file:line": q split into file part and line number. */
static bool split_file_line(const char *q, char *file, size_t cap, uint64_t *line)
{
	const char *colon = strrchr(q, ':');

	if (!colon || colon == q || (size_t)(colon - q) >= cap || !colon[1] ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    srv_parse_u64(colon + 1, line) < 0)
		return false;
	memcpy(file, q, (size_t)(colon - q));
	file[colon - q] = 0;
	return true;
}

/* Whether lines/<path>/<line> exists in the image (the line ran). */
static bool line_ran(struct hs_tree *tree, const char *prefix, const char *path, uint64_t line)
{
	char p[SRV_PATH_MAX];
	struct hs_tree_node n;

	if ((size_t)snprintf(p, sizeof(p), "%slines/%s/%" PRIu64, prefix, path, line) >= sizeof(p))
		return false;
	return hs_tree_resolve(tree, p, true, &n) == 0;
}

struct query {
	struct hit *hits;
	size_t n, cap;
	size_t matched;
};

static int add_hit(struct query *q, const struct item *it, int rank, uint64_t line, bool ran)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 256;
		struct hit *h = realloc(q->hits, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		q->hits = h;
		q->cap = cap;
	}
	q->hits[q->n++] = (struct hit){ it, rank, line, ran };
	q->matched++;
	return 0;
}

static int run_query(struct hs_tree *tree, const char *prefix, const struct image_index *ix,
		     const char *lq, struct query *q)
{
	char file[MAX_QUERY];
	uint64_t line = 0;
	bool fl = split_file_line(lq, file, sizeof(file), &line);
	size_t qlen = strlen(lq), flen = fl ? strlen(file) : 0;
	int err = 0;

	for (size_t i = 0; i < ix->n && !err; i++) {
		const struct item *it = &ix->v[i];
		int rank = match_rank(it, lq, qlen);

		if (rank >= 0)
			err = add_hit(q, it, rank, 0, false);
		/* gzip.c:120: a file whose name (or path's end) is the file part */
		if (!err && fl && it->kind == IK_FILE && flen <= strlen(it->path) &&
		    strcasecmp(it->path + strlen(it->path) - flen, file) == 0 && line)
			err = add_hit(q, it, strcasecmp(it->name, file) ? 1 : 0, line,
				      it->has_lines && line_ran(tree, prefix, it->path, line));
	}
	return err;
}

static struct json_object *hit_json(const struct hit *h)
{
	const struct item *it = h->it;
	struct json_object *o = json_object_new_object();
	char buf[SRV_PATH_MAX + 32];

	if (h->line) {
		snprintf(buf, sizeof(buf), "%s:%" PRIu64, it->name, h->line);
		json_object_object_add(o, "kind", json_object_new_string("line"));
		json_object_object_add(o, "name", json_object_new_string(buf));
		json_object_object_add(o, "path", json_object_new_string(it->path));
		json_object_object_add(o, "line", json_object_new_int64((int64_t)h->line));
		json_object_object_add(o, "ran", json_object_new_boolean(h->ran));
		return o;
	}
	json_object_object_add(o, "kind", json_object_new_string(kind_names[it->kind]));
	json_object_object_add(o, "name", json_object_new_string(it->name));
	switch (it->kind) {
	case IK_FILE:
		json_object_object_add(o, "path", json_object_new_string(it->path));
		json_object_object_add(o, "lines", json_object_new_boolean(it->has_lines));
		json_object_object_add(o, "source", json_object_new_boolean(it->has_source));
		break;
	case IK_VARIABLE:
	case IK_SYMBOL:
		snprintf(buf, sizeof(buf), "0x%" PRIx64, it->addr);
		json_object_object_add(o, "addr", json_object_new_string(buf));
		json_object_object_add(o, "size", json_object_new_int64((int64_t)it->size));
		json_object_object_add(o, "module", json_object_new_string(it->module));
		break;
	case IK_MARK:
		json_object_object_add(o, "t", json_object_new_int64((int64_t)it->addr));
		break;
	default:
		break;
	}
	return o;
}

/* The notebook's notes whose text holds the query, after the rest. */
static void add_notes(struct hs_srv *s, const char *lq, struct json_object *arr, size_t *room,
		      size_t *matched)
{
	struct json_object *notes = srv_notes_copy(s->notes), *n, *text, *t, *o;

	for (size_t i = 0; notes && i < json_object_array_length(notes); i++) {
		char *lower;

		n = json_object_array_get_idx(notes, i);
		if (!json_object_object_get_ex(n, "text", &text) ||
		    !json_object_object_get_ex(n, "t", &t))
			continue;
		lower = lower_dup(json_object_get_string(text));
		if (lower && strstr(lower, lq)) {
			(*matched)++;
			if (*room) {
				(*room)--;
				o = json_object_new_object();
				json_object_object_add(o, "kind", json_object_new_string("note"));
				json_object_object_add(o, "name", json_object_get(text));
				json_object_object_add(o, "t", json_object_get(t));
				json_object_array_add(arr, o);
			}
		}
		free(lower);
	}
	json_object_put(notes);
}

void srv_api_search(struct hs_srv *s, struct srv_req *req, struct srv_reply *r)
{
	struct hs_tree *tree = srv_tree(s, r);
	const char *q = srv_arg(req, "q");
	struct image_index *ix;
	struct hs_tree_node top;
	struct query qr = { 0 };
	struct json_object *o, *arr;
	char prefix[128], *lq;
	size_t image, room, shown;
	int err;

	if (!tree)
		return;
	if (!q || !*q || strlen(q) > MAX_QUERY)
		return srv_reply_status(r, 400, "EINVAL", "give q=TEXT (1 to %d bytes)", MAX_QUERY);
	err = srv_image_arg(tree, req, &top, prefix, sizeof(prefix), &image);
	if (err < 0)
		return srv_reply_error(r, err, "no such process image");
	err = get_index(s->search, tree, req, image, &ix);
	if (err < 0)
		return srv_reply_error(r, err, "search: %s", strerror(-err));
	lq = lower_dup(q);
	if (!lq)
		return srv_reply_error(r, -ENOMEM, "out of memory");
	err = run_query(tree, prefix, ix, lq, &qr);
	if (err < 0) {
		free(lq);
		free(qr.hits);
		return srv_reply_error(r, err, "search: %s", strerror(-err));
	}
	if (qr.n)
		qsort(qr.hits, qr.n, sizeof(*qr.hits), hit_cmp);
	arr = json_object_new_array();
	shown = qr.n < MAX_RESULTS ? qr.n : MAX_RESULTS;
	for (size_t i = 0; i < shown; i++)
		json_object_array_add(arr, hit_json(&qr.hits[i]));
	room = MAX_RESULTS - shown;
	add_notes(s, lq, arr, &room, &qr.matched);
	o = json_object_new_object();
	json_object_object_add(o, "q", json_object_new_string(q));
	json_object_object_add(o, "image", json_object_new_int64((int64_t)image));
	json_object_object_add(o, "results", arr);
	json_object_object_add(o, "matched", json_object_new_int64((int64_t)qr.matched));
	json_object_object_add(o, "truncated", json_object_new_boolean(
		qr.matched > json_object_array_length(arr)));
	srv_reply_json(r, 200, o);
	json_object_put(o);
	free(lq);
	free(qr.hits);
}
