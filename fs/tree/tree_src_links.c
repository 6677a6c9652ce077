/* tree_src_links.c - time/<t>/next-line, prev-line, step-*, finish, caller; time/main. */
#include "tree_src_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- links: next-line, prev-line, finish, caller ------------------------------------ */

/* A link that cannot be computed (no lines index, an old database) is
 * left out of listings like one that does not exist, so that ls time/<t>
 * always works; reading it still reports why. */
int tree_src_link_exists(int err)
{
	return err == -ENOSYS || err == -ENODATA || err == -EOPNOTSUPP ? -ENOENT : err;
}

enum hs_db_step_enter hs_tree_step_enters(void *ctx, const struct hs_db_call *c)
{
	struct hs_src_loc loc;

	if (hs_src_step_stops(ctx, c->call_site))
		return HS_DB_STEP_ENTER;
	if (hs_src_lookup(ctx, c->call_site, &loc) == 0 && loc.module &&
	    hs_src_dynamic_linker(loc.module->path))
		return HS_DB_STEP_SKIP; /* the resolver goes on into the callee */
	return HS_DB_STEP_SKIP_CALLER;
}

static int step_t(struct hs_tree *tree, const struct hs_tree_node *n, enum hs_db_step how,
		  uint64_t *t)
{
	struct hs_db_step_filter f = { .enter = hs_tree_step_enters };
	struct hs_src *s = NULL;

	if ((how == HS_DB_STEP_INTO || how == HS_DB_STEP_BACK_INTO) &&
	    tree_src_get(tree, n, &s) == 0)
		f.ctx = s;
	return hs_db_step_line_filtered(tree_image(tree, n), n->t, how, f.ctx ? &f : NULL, t);
}

int tree_next_line_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	return step_t(tree, n, HS_DB_STEP_OVER, t);
}

int tree_prev_line_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	return step_t(tree, n, HS_DB_STEP_BACK_OVER, t);
}

int tree_step_into_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	return step_t(tree, n, HS_DB_STEP_INTO, t);
}

int tree_step_back_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	return step_t(tree, n, HS_DB_STEP_BACK_INTO, t);
}

int tree_step_into_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return tree_src_link_exists(tree_step_into_t(tree, n, &t));
}

int tree_step_back_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return tree_src_link_exists(tree_step_back_t(tree, n, &t));
}

int tree_next_line_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return tree_src_link_exists(tree_next_line_t(tree, n, &t));
}

int tree_prev_line_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return tree_src_link_exists(tree_prev_line_t(tree, n, &t));
}

/* The innermost call open at t. */
static int open_call(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_db_call *c)
{
	int open;

	open = hs_db_backtrace(tree_image(tree, n), n->t, 0, c, 1);
	if (open < 0)
		return open;
	return open == 0 ? -ENOENT : 0;
}

/* gdb's finish: the return of the innermost frame; one left by a tail
 * call returns when the call that replaced it (the innermost one open
 * right after the jump, at the same depth) does, or the one that replaced
 * that... */
int tree_finish_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	struct hs_db_call c;
	int err = open_call(tree, n, &c);

	while (err == 0 && (c.flags & HS_DB_CALL_TAIL) && c.t_ret != HS_DB_NO_RETURN) {
		int open = hs_db_backtrace(tree_image(tree, n), c.t_ret, c.tid, &c, 1);

		err = open < 0 ? open : open == 0 ? -ENOENT : 0;
	}
	if (err < 0)
		return err;
	if (c.t_ret == HS_DB_NO_RETURN)
		return -ENOENT;
	*t = c.t_ret;
	return 0;
}

int tree_caller_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	struct hs_db_call c;
	int err = open_call(tree, n, &c);

	if (err < 0)
		return err;
	*t = c.t_call;
	return 0;
}

int tree_finish_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return tree_src_link_exists(tree_finish_t(tree, n, &t));
}

int tree_caller_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return tree_src_link_exists(tree_caller_t(tree, n, &t));
}

/* ---- time/main -------------------------------------------------------------------- */

struct main_find {
	const struct hs_db_image *img;
	uint64_t t_call;           /* the earliest call of any entry named main */
	uint64_t entry;            /* ... and that entry */
	bool found;
};

static int on_main_call(void *ctx, const struct hs_db_call *c)
{
	struct main_find *m = ctx;

	if (!m->found || c->t_call < m->t_call) {
		m->t_call = c->t_call;
		m->entry = c->callee;
		m->found = true;
	}
	return 1; /* calls come by t_call: the first is the earliest */
}

static int on_main_entry(void *ctx, uint64_t addr)
{
	struct main_find *m = ctx;
	int err = hs_db_calls_to(m->img, addr, on_main_call, m);

	return err < 0 ? err : 0;
}

/* Where the line table marks the prologue's end (clang), gdb's `break`
 * stops: the first time the function's own code reaches that address, a
 * few instructions in (no call comes before a prologue's end). */
#define PROLOGUE_END_MAX 64
static bool prologue_end(const struct hs_db_image *img, struct hs_src *s, uint64_t entry,
			 uint64_t t_call, uint64_t *t)
{
	struct hs_db_insn in;
	uint64_t bp;

	if (hs_src_break_addr(s, entry, &bp) != 0)
		return false;
	for (uint64_t k = t_call + 1; k <= t_call + PROLOGUE_END_MAX; k++) {
		if (hs_db_insn_at(img, k, &in) != 0)
			return false;
		if (in.addr == bp) {
			*t = k;
			return true;
		}
	}
	return false;
}

/* Where gdb's `break` on the function at entry stops in its call at
 * t_call: where the line table marks the prologue's end, else the
 * function's first line start (after its prologue), or its entry without
 * line info there.  The start must be the function's own: a line of a
 * function it calls first would be deeper. */
void tree_src_break_t(const struct hs_db_image *img, struct hs_src *s, uint64_t entry,
		      uint64_t t_call, uint64_t *t)
{
	struct hs_db_regs r;
	struct hs_src_loc loc;
	uint64_t t1;

	*t = t_call + 1; /* the call has run: rip at the entry */
	if (prologue_end(img, s, entry, t_call, t))
		return;
	if (hs_db_step_line(img, t_call, HS_DB_STEP_INTO, &t1) == 0 &&
	    hs_db_regs_at(img, t1, 0, &r) == 0 &&
	    hs_src_lookup(s, r.regs.rip, &loc) == 0 && loc.function &&
	    loc.func_start == entry)
		*t = t1;
}

/* Where gdb's `break main` stops (tree_src_break_t). */
static int main_t(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src *s,
		  uint64_t *t)
{
	struct main_find m = { .img = tree_image(tree, n) };
	int err = hs_src_function_entries(s, "main", on_main_entry, &m);

	if (err < 0)
		return err;
	if (!m.found)
		return -ENOENT;
	tree_src_break_t(m.img, s, m.entry, m.t_call, t);
	return 0;
}

int tree_main_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	struct tree_src_image *si = tree_src_image_of(tree, n);
	struct hs_src *s;
	int err;

	if (!si)
		return -ENOENT;
	err = tree_src_get(tree, n, &s);
	pthread_mutex_lock(&si->lock);
	if (!si->main_done) {
		si->main_err = err < 0 ? err : main_t(tree, n, s, &si->main_t);
		si->main_done = true;
	}
	err = si->main_err;
	*t = si->main_t;
	pthread_mutex_unlock(&si->lock);
	return err;
}

int tree_main_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return tree_src_link_exists(tree_main_t(tree, n, &t));
}
