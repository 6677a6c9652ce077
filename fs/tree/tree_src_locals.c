/* tree_src_locals.c - time/<t>/locals/: the variables at t, from a cache of moments. */
#include "tree_src_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- time/<t>/locals/ ------------------------------------------------------------ */

ssize_t hs_tree_read_mem_at(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct hs_tree_mem_at *m = ctx;

	return hs_db_mem_read(m->img, m->t, addr, len, buf);
}

/* The variables at n->t, from a small cache of recent moments: a listing
 * and the reads of each file that follow it ask the same t.  Copies the
 * one asked for (index i; SIZE_MAX: none) and the count, under the lock. */
struct locals_answer {
	int err;                /* 0, -ENODATA (no debug info) */
	size_t n;
	char note[160];         /* with -ENODATA */
};

static int locals_fill(struct hs_tree *tree, const struct hs_tree_node *n,
		       struct locals_slot *out)
{
	struct hs_db_regs *r;
	struct hs_src *s;
	struct hs_tree_mem_at mc = { tree_image(tree, n), n->t };
	struct hs_src_target tg = { 0 };
	int err = tree_src_at(tree, n, &s, &r);

	if (err < 0)
		return err;
	tg.regs = &r->regs;
	tg.read_mem = hs_tree_read_mem_at;
	tg.ctx = &mc;
	tg.hide_inline = tree_src_hidden_view(s, r->regs.rip, n->view);
	err = hs_src_locals(s, &tg, &out->vars, &out->n);
	if (err == -ENODATA || err == -ENOENT) {
		char where[128];

		hs_src_format_where(s, r->regs.rip, where, sizeof(where));
		snprintf(out->note, sizeof(out->note), "no debug info at %s", where);
		out->vars = NULL;
		out->n = 0;
		err = -ENODATA;
	}
	free(r);
	return err;
}

/* Runs fn on the variables at n's t with the cache locked. */
static int with_locals(struct hs_tree *tree, const struct hs_tree_node *n,
		       int (*fn)(void *ctx, const struct locals_slot *l), void *ctx)
{
	struct tree_src *ts = tree->src;
	struct locals_slot fresh = { 0 }, *slot = NULL, *old = NULL;
	int err;

	pthread_mutex_lock(&ts->lock);
	for (size_t i = 0; i < LOCALS_SLOTS; i++) {
		struct locals_slot *l = &ts->locals[i];
		if (l->used && l->image == n->image && l->t == n->t && l->view == n->view) {
			l->last_used = ++ts->clock;
			err = fn(ctx, l);
			pthread_mutex_unlock(&ts->lock);
			return err;
		}
	}
	pthread_mutex_unlock(&ts->lock);
	/* outside the lock: DWARF and memory reads */
	fresh.err = locals_fill(tree, n, &fresh);
	if (fresh.err < 0 && fresh.err != -ENODATA)
		return fresh.err;
	fresh.used = true;
	fresh.image = n->image;
	fresh.t = n->t;
	fresh.view = n->view;
	pthread_mutex_lock(&ts->lock);
	for (size_t i = 0; i < LOCALS_SLOTS; i++) {
		struct locals_slot *l = &ts->locals[i];
		if (!l->used) {
			slot = l;
			break;
		}
		if (!old || l->last_used < old->last_used)
			old = l;
	}
	if (!slot) {
		slot = old;
		hs_src_vars_free(slot->vars, slot->n);
	}
	*slot = fresh;
	slot->last_used = ++ts->clock;
	err = fn(ctx, slot);
	pthread_mutex_unlock(&ts->lock);
	return err;
}

struct locals_q {
	struct hs_tree *tree;
	const struct hs_tree_node *dir;
	const char *name;          /* lookup: the name */
	struct hs_tree_node *out;
	hs_tree_dir_fn cb;         /* list */
	void *cb_ctx;
	uint32_t index;            /* text: the variable */
	FILE *f;
	bool nodebug_file;         /* text: locals/no-debug-info */
	/* a listing copies the names out, to call cb without the lock */
	char **names;
	size_t n_names;
	bool no_debug;
};

static int q_lookup(void *ctx, const struct locals_slot *l)
{
	struct locals_q *q = ctx;

	if (l->err == -ENODATA)
		return -ENOENT;
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->vars[i].file, q->name) == 0) {
			tree_node_child(q->out, q->dir, K_T_LOCAL);
			q->out->sub = (uint32_t)i;
			return 0;
		}
	}
	return -ENOENT;
}

static int q_names(void *ctx, const struct locals_slot *l)
{
	struct locals_q *q = ctx;

	q->no_debug = l->err == -ENODATA;
	if (!l->n)
		return 0;
	q->names = calloc(l->n, sizeof(char *));
	if (!q->names)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++) {
		q->names[i] = strdup(l->vars[i].file);
		if (!q->names[i])
			return -ENOMEM;
		q->n_names = i + 1;
	}
	return 0;
}

static int q_text(void *ctx, const struct locals_slot *l)
{
	struct locals_q *q = ctx;

	if (q->nodebug_file) {
		if (l->err != -ENODATA)
			return -ENOENT;
		fprintf(q->f, "%s\n", l->note);
		return 0;
	}
	if (l->err == -ENODATA || q->index >= l->n)
		return -ENOENT; /* the cache changed under a stale node */
	fprintf(q->f, "%s\n", l->vars[q->index].value);
	return 0;
}

int tree_locals_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		       const char *name, struct hs_tree_node *out)
{
	struct locals_q q = { .tree = tree, .dir = dir, .name = name, .out = out };

	return with_locals(tree, dir, q_lookup, &q);
}

int tree_locals_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		     hs_tree_dir_fn cb, void *ctx)
{
	struct locals_q q = { .tree = tree, .dir = dir };
	struct hs_tree_node c;
	int err = with_locals(tree, dir, q_names, &q);

	for (size_t i = 0; !err && i < q.n_names; i++) {
		tree_node_child(&c, dir, K_T_LOCAL);
		c.sub = (uint32_t)i;
		err = cb(ctx, q.names[i], &c);
	}
	for (size_t i = 0; i < q.n_names; i++)
		free(q.names[i]);
	free(q.names);
	return err;
}

int tree_local_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct hs_tree_node dir;
	struct locals_q q = { .tree = tree, .index = n->sub, .f = f };

	tree_node_parent(n, &dir);
	return with_locals(tree, &dir, q_text, &q);
}

static int q_nodebug(void *ctx, const struct locals_slot *l)
{
	return l->err == -ENODATA ? 0 : -ENOENT;
}

int tree_nodebug_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	struct hs_tree_node dir;

	tree_node_parent(n, &dir);
	return with_locals(tree, &dir, q_nodebug, NULL);
}

int tree_nodebug_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct hs_tree_node dir;
	struct locals_q q = { .tree = tree, .f = f, .nodebug_file = true };

	tree_node_parent(n, &dir);
	return with_locals(tree, &dir, q_text, &q);
}
