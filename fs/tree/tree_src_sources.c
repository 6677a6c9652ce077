/* tree_src_sources.c - sources/: the source files named by DWARF that this machine has. */
#include "tree_src_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- sources/ -------------------------------------------------------------------- */

struct src_add {
	struct hs_src *s;
	struct tree_src_image *si;
	size_t cap;
};

static int add_source(void *ctx, const char *dwarf_path)
{
	struct src_add *a = ctx;
	struct tree_src_image *si = a->si;
	char *disk;
	int err = hs_src_source_find(a->s, dwarf_path, &disk);

	if (err == -ENOENT)
		return 0; /* not on this machine: not listed */
	if (err < 0)
		return err;
	if (hs_grow((void **)&si->disk, &a->cap, si->n_disk + 1, sizeof(*si->disk))) {
		free(disk);
		return -ENOMEM;
	}
	si->disk[si->n_disk] = disk;
	err = tree_pt_add(&si->sources, dwarf_path, (int64_t)si->n_disk);
	si->n_disk++;
	return err;
}

static int get_sources(struct hs_tree *tree, const struct hs_tree_node *n,
		       struct tree_src_image **out)
{
	struct tree_src_image *si = tree_src_image_of(tree, n);
	struct hs_src *s;
	int err = tree_src_get(tree, n, &s);

	if (err < 0)
		return err;
	pthread_mutex_lock(&si->lock);
	if (!si->sources_done) {
		struct src_add a = { s, si, 0 };
		err = hs_src_source_files(s, add_source, &a);
		if (!err)
			err = tree_pt_seal(&si->sources);
		si->sources_err = err;
		si->sources_done = true;
	}
	err = si->sources_err;
	pthread_mutex_unlock(&si->lock);
	*out = si;
	return err;
}

int tree_sources_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
			const char *name, struct hs_tree_node *out)
{
	struct tree_src_image *si;
	int64_t i;
	int err = get_sources(tree, dir, &si);

	if (err < 0)
		return err;
	i = tree_pt_find(&si->sources, tree_src_folder_of(dir), name, strlen(name));
	if (i < 0)
		return -ENOENT;
	tree_node_child(out, dir, si->sources.e[i].leaf >= 0 ? K_SRCFILE : K_SRCDIR);
	out->a = (uint64_t)i;
	return 0;
}

int tree_sources_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		      hs_tree_dir_fn cb, void *ctx)
{
	struct tree_src_image *si;
	uint32_t folder = tree_src_folder_of(dir);
	struct hs_tree_node c;
	const struct ptab *p;
	int err = get_sources(tree, dir, &si);

	if (err < 0)
		return err; /* si is not set (a damaged database, no debug info) */
	p = &si->sources;
	for (size_t k = tree_pt_first(p, folder); !err && k < p->n; k++) {
		uint32_t i = p->order[k];
		if (p->e[i].parent != folder)
			break;
		tree_node_child(&c, dir, p->e[i].leaf >= 0 ? K_SRCFILE : K_SRCDIR);
		c.a = i;
		err = cb(ctx, p->e[i].name, &c);
	}
	return err;
}

int tree_source_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct tree_src_image *si;
	char buf[65536];
	size_t got;
	FILE *in;
	int err = get_sources(tree, n, &si);

	if (err < 0)
		return err;
	if (n->a >= si->sources.n || si->sources.e[n->a].leaf < 0)
		return -ENOENT;
	in = fopen(si->disk[si->sources.e[n->a].leaf], "r");
	if (!in)
		return -EIO; /* it was there when listed */
	while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, got, f);
	err = ferror(in) ? -EIO : 0;
	fclose(in);
	return err;
}

/* ---- time/<t>/source ------------------------------------------------------------------
 * "PATH:LINE" of the instruction at t, PATH the file's path under lines/
 * and sources/ (as DWARF names it, without the leading '/', "." parts):
 * where's "example.c:78" names only the file, so a reader that wants the
 * text or the line starts would otherwise have to search for it. */

static int source_at(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src_loc *loc)
{
	struct hs_db_regs *r;
	struct hs_src *s;
	int err = tree_src_at(tree, n, &s, &r);

	if (err < 0)
		return err;
	err = hs_src_lookup(s, r->regs.rip, loc);
	free(r);
	if (err < 0)
		return err;
	return loc->file && loc->line ? 0 : -ENOENT;
}

int tree_source_at_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	struct hs_src_loc loc;

	return source_at(tree, n, &loc);
}

int tree_source_at_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct hs_src_loc loc;
	char path[4096];
	int err = source_at(tree, n, &loc);

	if (err < 0)
		return err;
	tree_pt_normalize(loc.file, path, sizeof path);
	if (!path[0])
		return -ENOENT;
	fprintf(f, "%s:%" PRIu32 "\n", path, loc.line);
	return 0;
}

/* ---- the files answering reads (for serve's Landlock rules) ------------------------ */

struct read_maps {
	const char *pack_dir;
	hs_tree_file_fn cb;
	void *ctx;
};

/* A mapped file's bytes are read from its packed copy when there is one
 * (inside the trace), else from the file (trace_mem.c). */
static int read_map(void *ctx, const struct hs_db_file_map *m)
{
	struct read_maps *rm = ctx;
	char *packed = NULL;
	bool in_pack = false;

	if (rm->pack_dir && m->path[0] == '/' &&
	    asprintf(&packed, "%s/paths%s", rm->pack_dir, m->path) >= 0) {
		in_pack = access(packed, F_OK) == 0;
		free(packed);
	}
	return in_pack ? 0 : rm->cb(rm->ctx, m->path);
}

int hs_tree_read_files(struct hs_tree *tree, hs_tree_file_fn cb, void *ctx)
{
	struct read_maps rm = { hs_db_pack_dir(tree->db), cb, ctx };

	const struct hs_src **seen = NULL;
	size_t n_seen = 0, cap = 0;
	int err = 0;

	for (size_t i = 0; i < hs_tree_image_count(tree) && !err; i++) {
		struct hs_tree_node n = { .image = (uint16_t)i };
		struct tree_src_image *si;
		struct hs_src *s;
		const struct hs_db_image *img = tree_image(tree, &n);
		bool again = false;

		/* every file mapped: memory reads take their pages from it */
		err = img ? hs_db_file_maps_all(img, read_map, &rm) : 0;
		if (err)
			break;
		/* an image without debug information (no mappings, a damaged
		 * database) reads nothing else outside the trace */
		if (tree_src_get(tree, &n, &s) < 0 || !s)
			continue;
		for (size_t k = 0; k < n_seen && !again; k++)
			again = seen[k] == s;
		if (again)
			continue; /* the same mappings as an image listed: the same files */
		if (hs_grow((void **)&seen, &cap, n_seen + 1, sizeof(*seen))) {
			err = -ENOMEM;
			break;
		}
		seen[n_seen++] = s;
		for (size_t m = 0; m < hs_src_module_count(s) && !err; m++) {
			const struct hs_src_module *mod = hs_src_module_at(s, m);

			if (mod->file)
				err = cb(ctx, mod->file);
			if (!err && mod->debug_file)
				err = cb(ctx, mod->debug_file);
		}
		if (err || get_sources(tree, &n, &si) < 0)
			continue;
		for (size_t k = 0; k < si->n_disk && !err; k++)
			err = cb(ctx, si->disk[k]);
	}
	free(seen);
	return err;
}
