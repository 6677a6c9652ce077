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
	pthread_mutex_init(&ts->share_lock, NULL);
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

		if (!si->src_shared)
			hs_src_free(si->src);
		free(si->notes);
		free(si->entries);
		for (size_t k = 0; k < si->n_names + si->n_groups; k++) {
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
	for (size_t i = 0; i < ts->n_shared; i++) {
		free(ts->shared[i].key);
		free(ts->shared[i].notes);
	}
	free(ts->shared);
	pthread_mutex_destroy(&ts->share_lock);
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

static int key_map(void *ctx, const struct hs_db_file_map *m)
{
	fprintf(ctx, "%" PRIx64 " %" PRIx64 " %" PRIx64 " %" PRIx32 " %s\n", m->start, m->end,
		m->offset, m->prot, m->path);
	return 0;
}

/* The image's file mappings as text: images with equal keys have equal
 * modules.  Caller frees *key. */
static int src_key(struct hs_tree *tree, const struct hs_tree_node *n, char **key)
{
	size_t len = 0;
	FILE *f = open_memstream(key, &len);
	int err;

	if (!f)
		return -ENOMEM;
	err = hs_db_file_maps(tree_image(tree, n), key_map, f);
	if (fclose(f) != 0 && !err)
		err = -ENOMEM;
	if (err < 0) {
		free(*key);
		*key = NULL;
	}
	return err;
}

/* The hs_src another image built from the same mappings: libdw keeps each
 * module's ELF and debug files open, so 121 images of one program (a
 * fork's children, or one program run many times under Valgrind's fixed
 * layout) each with their own took five descriptors apiece, until
 * accept() and the database's own files failed for want of them. */
static struct hs_src *shared_src(struct tree_src *ts, const char *key, char **notes)
{
	struct hs_src *src = NULL;

	pthread_mutex_lock(&ts->share_lock);
	for (size_t i = 0; i < ts->n_shared && !src; i++)
		if (strcmp(ts->shared[i].key, key) == 0) {
			src = ts->shared[i].src;
			*notes = ts->shared[i].notes ? strdup(ts->shared[i].notes) : NULL;
		}
	pthread_mutex_unlock(&ts->share_lock);
	return src;
}

/* Offers si's new hs_src to the images built later (key is taken over,
 * freed on failure). */
static void share_src(struct tree_src *ts, char *key, struct tree_src_image *si)
{
	struct src_share *ns;

	pthread_mutex_lock(&ts->share_lock);
	ns = realloc(ts->shared, (ts->n_shared + 1) * sizeof(*ns));
	if (ns) {
		ts->shared = ns;
		ns[ts->n_shared++] = (struct src_share){
			key, si->src, si->notes ? strdup(si->notes) : NULL };
		key = NULL;
	}
	pthread_mutex_unlock(&ts->share_lock);
	free(key);
}

/* The image's hs_src, built on first use, or shared with an image of the
 * same mappings (called with si->lock held). */
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
	char *key = NULL;
	int err = src_key(tree, n, &key);

	if (err < 0)
		return err;
	si->src = shared_src(tree->src, key, &si->notes);
	if (si->src) {
		si->src_shared = true;
		si->notes_len = si->notes ? strlen(si->notes) : 0;
		free(key);
		return 0;
	}
	err = hs_src_new(&opt, &si->src);
	if (!err)
		err = hs_db_file_maps(tree_image(tree, n), add_map, si->src);
	if (!err)
		err = hs_src_finish(si->src);
	if (err < 0) {
		hs_src_free(si->src);
		si->src = NULL;
		free(key);
		return err;
	}
	share_src(tree->src, key, si);
	return 0;
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
