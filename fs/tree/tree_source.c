/* tree_source.c - the source-level paths (issue 5): overview, open/close, debug info, modules.
 *
 * The paths (each in its own file, listed in tree_src_i.h):
 *
 *   time/<t>/where          "function+0xoff file:line" (hs_src_format_where)
 *   time/<t>/backtrace      "#<n> <where> <t_call>" per frame, innermost first
 *   time/<t>/locals/<name>  a variable's value; locals/no-debug-info instead
 *                           when rip has no DWARF
 *   time/<t>/next-line, prev-line, finish, caller     links to ../<t'>
 *   calls/<function>        "<t_call> <t_return> <depth> <caller>[ <how>]" per call
 *   lines/<file path as folders>/<line>   the t of every start of the line
 *   sources/<path>          source files (DWARF paths, --sources folders)
 *   modules                 every module (ELF file) and what it lacks
 *
 * Each image gets one struct hs_src (fs/source), built on first use from
 * the image's file mappings (hs_db_file_maps) and shared by all threads.
 * What it warns about (missing files, corrupt DWARF) is kept and shown in
 * `modules`; nothing here fails because debug information is missing:
 * where falls back to addresses, locals says no-debug-info.
 *
 * Names map to small indices so that nodes stay values: calls/<f> is the
 * index of f in the image's sorted table of callee names; lines/ and
 * sources/ folders are indices into a table of path components (struct
 * ptab); lines/.../<line> carries the file's index in sub and the line in
 * a; locals/<name> the variable's index in the list at t.
 *
 * calls/<f> and lines/.../<line> can be long (millions of lines): they are
 * streamed (tree_stream.c) from arrays of their items, kept for the few
 * most recently read files (LIST_SLOTS), so that a read at any offset is a
 * binary search, not a scan from the start.
 *
 * This file holds what they all share: the per-tree state (struct
 * tree_src, tree_src_i.h), each image's hs_src and the modules file.
 */
#include "tree_src_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int tree_src_open(struct hs_tree *tree, const char *const *dirs, size_t n_dirs)
{
	struct tree_src *ts = calloc(1, sizeof(*ts));

	if (!ts)
		return -ENOMEM;
	tree->src = ts;
	pthread_mutex_init(&ts->lock, NULL);
	ts->images = calloc(tree->n_images ? tree->n_images : 1, sizeof(*ts->images));
	if (!ts->images)
		return -ENOMEM;
	ts->n_images = tree->n_images;
	for (size_t i = 0; i < ts->n_images; i++)
		pthread_mutex_init(&ts->images[i].lock, NULL);
	if (n_dirs) {
		ts->source_dirs = calloc(n_dirs, sizeof(char *));
		if (!ts->source_dirs)
			return -ENOMEM;
		for (size_t i = 0; i < n_dirs; i++) {
			ts->source_dirs[i] = strdup(dirs[i]);
			if (!ts->source_dirs[i])
				return -ENOMEM;
			ts->n_source_dirs++;
		}
	}
	return 0;
}

void tree_src_close(struct hs_tree *tree)
{
	struct tree_src *ts = tree->src;

	if (!ts)
		return;
	for (size_t i = 0; ts->images && i < ts->n_images; i++) {
		struct tree_src_image *si = &ts->images[i];

		hs_src_free(si->src);
		free(si->notes);
		free(si->entries);
		for (size_t k = 0; k < si->n_names; k++) {
			free(si->names[k].name);
			free(si->names[k].callees);
		}
		free(si->names);
		tree_pt_free(&si->lines);
		tree_pt_free(&si->sources);
		for (size_t k = 0; k < si->n_disk; k++)
			free(si->disk[k]);
		free(si->disk);
		pthread_mutex_destroy(&si->lock);
	}
	free(ts->images);
	for (size_t i = 0; i < LIST_SLOTS; i++) {
		free(ts->lists[i].calls);
		free(ts->lists[i].ts);
	}
	for (size_t i = 0; i < LOCALS_SLOTS; i++)
		hs_src_vars_free(ts->locals[i].vars, ts->locals[i].n);
	tree_eval_names_free(ts->eval);
	for (size_t i = 0; i < ts->n_source_dirs; i++)
		free(ts->source_dirs[i]);
	free(ts->source_dirs);
	pthread_mutex_destroy(&ts->lock);
	free(ts);
	tree->src = NULL;
}

struct tree_src_image *tree_src_image_of(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return tree->src && n->image < tree->src->n_images ? &tree->src->images[n->image] : NULL;
}

/* ---- the debug information of an image ------------------------------------------ */

static void keep_warning(void *ctx, const char *line)
{
	struct tree_src_image *si = ctx;
	size_t n = strlen(line);
	char *p = realloc(si->notes, si->notes_len + n + 2);

	if (!p)
		return;
	memcpy(p + si->notes_len, line, n);
	p[si->notes_len + n] = '\n';
	p[si->notes_len + n + 1] = 0;
	si->notes = p;
	si->notes_len += n + 1;
}

static int add_map(void *ctx, const struct hs_db_file_map *m)
{
	return hs_src_add_mapping(ctx, m->path, m->start, m->end, m->offset, m->prot);
}

/* The image's hs_src, built on first use (called with si->lock held). */
static int build_src(struct hs_tree *tree, const struct hs_tree_node *n,
		     struct tree_src_image *si)
{
	struct hs_src_options opt = {
		.source_dirs = (const char *const *)tree->src->source_dirs,
		.n_source_dirs = tree->src->n_source_dirs,
		.warn = keep_warning,
		.warn_ctx = si,
		.pack_dir = hs_db_pack_dir(tree->db),
	};
	int err;

	err = hs_src_new(&opt, &si->src);
	if (!err)
		err = hs_db_file_maps(tree_image(tree, n), add_map, si->src);
	if (!err)
		err = hs_src_finish(si->src);
	if (err < 0) {
		hs_src_free(si->src);
		si->src = NULL;
	}
	return err;
}

/* The image's debug information (borrowed, lives as long as the tree). */
int tree_src_get(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src **out)
{
	struct tree_src_image *si = tree_src_image_of(tree, n);
	int err;

	*out = NULL;
	if (!si)
		return -ENOENT;
	pthread_mutex_lock(&si->lock);
	if (!si->src_done) {
		si->src_err = build_src(tree, n, si);
		si->src_done = true;
	}
	err = si->src_err;
	*out = si->src;
	pthread_mutex_unlock(&si->lock);
	return err;
}

/* modules: one line per module, then fs/source's warnings:
 *   0x<start>-0x<end> <path> [symbols] [dwarf] [problem: ...] */
int tree_modules_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct tree_src_image *si = tree_src_image_of(tree, n);
	struct hs_src *s;
	int err = tree_src_get(tree, n, &s);

	if (err < 0)
		return err;
	for (size_t i = 0; i < hs_src_module_count(s); i++) {
		const struct hs_src_module *m = hs_src_module_at(s, i);

		fprintf(f, "0x%" PRIx64 "-0x%" PRIx64 " %s %s %s", m->start, m->end, m->path,
			m->has_symbols ? "symbols" : "no-symbols",
			m->has_dwarf ? "dwarf" : "no-dwarf");
		if (m->problem)
			fprintf(f, " (%s)", m->problem);
		fputc('\n', f);
	}
	pthread_mutex_lock(&si->lock);
	if (si->notes)
		fputs(si->notes, f);
	pthread_mutex_unlock(&si->lock);
	return 0;
}
