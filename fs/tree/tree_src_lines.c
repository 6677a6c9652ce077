/* tree_src_lines.c - lines/: source files as folders of line numbers. */
#include "tree_src_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- lines/ -------------------------------------------------------------------- */

static int add_line_file(void *ctx, uint32_t file_id, const char *path)
{
	return tree_pt_add(ctx, path, file_id);
}

static int get_lines(struct hs_tree *tree, const struct hs_tree_node *n,
		     struct tree_src_image **out)
{
	struct tree_src_image *si = tree_src_image_of(tree, n);
	int err;

	if (!si)
		return -ENOENT;
	pthread_mutex_lock(&si->lock);
	if (!si->lines_done) {
		err = hs_db_line_files(tree_image(tree, n), add_line_file, &si->lines);
		if (!err)
			err = tree_pt_seal(&si->lines);
		si->lines_err = err;
		si->lines_done = true;
	}
	err = si->lines_err;
	pthread_mutex_unlock(&si->lock);
	*out = si;
	return err;
}


struct line_find {
	uint32_t line;
	bool found;
};

static int find_line(void *ctx, uint32_t line, uint64_t starts)
{
	struct line_find *lf = ctx;

	if (line == lf->line) {
		lf->found = true;
		return 1;
	}
	return 0;
}

struct path_find {
	uint32_t file_id;
	char *path;
};

static int find_path(void *ctx, uint32_t file_id, const char *path)
{
	struct path_find *pf = ctx;

	if (file_id != pf->file_id)
		return 0;
	pf->path = strdup(path);
	return pf->path ? 1 : -ENOMEM;
}

/* A line without code (lf->line, not found): gdb's `break FILE:N` puts the
 * breakpoint on the next line that has code (hs_src_break_line), so its
 * hits are that line's; lf->line becomes it where it was hit.  Listed
 * folders hold only the lines that have code. */
static int moved_line(struct hs_tree *tree, const struct hs_tree_node *dir, uint32_t file_id,
		      struct line_find *lf)
{
	struct path_find pf = { file_id, NULL };
	struct hs_src *src;
	uint32_t to;
	int err = tree_src_get(tree, dir, &src);

	if (err < 0)
		return err == -ENOENT ? 0 : err;
	err = hs_db_line_files(tree_image(tree, dir), find_path, &pf);
	if (err < 0 || !pf.path)
		goto out;
	err = hs_src_break_line(src, pf.path, lf->line, &to);
	if (err == -ENOENT || (!err && to == lf->line)) {
		err = 0; /* no such line, or one with code that was never hit */
		goto out;
	}
	if (!err) {
		lf->line = to;
		err = hs_db_line_numbers(tree_image(tree, dir), file_id, find_line, lf);
	}
out:
	free(pf.path);
	return err < 0 ? err : 0;
}

int tree_lines_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		      const char *name, struct hs_tree_node *out)
{
	struct tree_src_image *si;
	uint32_t folder = tree_src_folder_of(dir);
	int64_t i;
	uint64_t v;
	int err = get_lines(tree, dir, &si);

	if (err < 0)
		return err;
	i = tree_pt_find(&si->lines, folder, name, strlen(name));
	if (i >= 0) {
		tree_node_child(out, dir, K_LINEDIR);
		out->a = (uint64_t)i;
		return 0;
	}
	/* a line number of a file */
	if (folder && si->lines.e[folder - 1].leaf >= 0 && tree_parse_u64(name, &v) == 0 &&
	    v > 0 && v <= UINT32_MAX) {
		struct line_find lf = { (uint32_t)v, false };

		err = hs_db_line_numbers(tree_image(tree, dir), (uint32_t)si->lines.e[folder - 1].leaf,
					 find_line, &lf);
		if (!err && !lf.found)
			err = moved_line(tree, dir, (uint32_t)si->lines.e[folder - 1].leaf, &lf);
		if (err < 0)
			return err;
		if (!lf.found)
			return -ENOENT;
		v = lf.line;
		tree_node_child(out, dir, K_LINE);
		out->sub = folder - 1;
		out->a = v;
		return 0;
	}
	return -ENOENT;
}

struct line_list {
	struct hs_tree_node dir;
	hs_tree_dir_fn cb;
	void *ctx;
};

static int list_line(void *ctx, uint32_t line, uint64_t starts)
{
	struct line_list *ll = ctx;
	struct hs_tree_node c;
	char name[16];

	tree_node_child(&c, &ll->dir, K_LINE);
	c.sub = (uint32_t)ll->dir.a;
	c.a = line;
	snprintf(name, sizeof(name), "%" PRIu32, line);
	return ll->cb(ll->ctx, name, &c);
}

static int list_folder(const struct ptab *p, const struct hs_tree_node *dir, uint16_t kind,
		       hs_tree_dir_fn cb, void *ctx)
{
	uint32_t folder = tree_src_folder_of(dir);
	struct hs_tree_node c;
	int err = 0;

	for (size_t k = tree_pt_first(p, folder); !err && k < p->n; k++) {
		uint32_t i = p->order[k];
		if (p->e[i].parent != folder)
			break;
		tree_node_child(&c, dir, kind);
		c.a = i;
		err = cb(ctx, p->e[i].name, &c);
	}
	return err;
}

int tree_lines_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		    hs_tree_dir_fn cb, void *ctx)
{
	struct tree_src_image *si;
	uint32_t folder = tree_src_folder_of(dir);
	int err = get_lines(tree, dir, &si);

	if (!err)
		err = list_folder(&si->lines, dir, K_LINEDIR, cb, ctx);
	if (!err && folder && si->lines.e[folder - 1].leaf >= 0) {
		struct line_list ll = { *dir, cb, ctx };
		err = hs_db_line_numbers(tree_image(tree, dir), (uint32_t)si->lines.e[folder - 1].leaf,
					 list_line, &ll);
	}
	return err;
}

int hs_tree_line_starts(struct hs_tree *tree, const struct hs_tree_node *dir,
			hs_tree_line_fn cb, void *ctx)
{
	struct tree_src_image *si;
	uint32_t folder;
	int err;

	if (dir->kind != K_LINEDIR)
		return -ENOTDIR;
	folder = tree_src_folder_of(dir);
	err = get_lines(tree, dir, &si);
	if (err < 0)
		return err;
	if (!folder || si->lines.e[folder - 1].leaf < 0)
		return -ENOTDIR;
	return hs_db_line_numbers(tree_image(tree, dir), (uint32_t)si->lines.e[folder - 1].leaf,
				  cb, ctx);
}
