/* tree_src_paths.c - path tables: lines/ and sources/ folders as a tree of indices, and their "..". */
#include "tree_src_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t pt_key(uint32_t parent, const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ull ^ parent;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 1099511628211ull;
	return h;
}

static int pt_rehash(struct ptab *p)
{
	size_t n = p->n_hash ? p->n_hash * 2 : 256;
	uint32_t *h = calloc(n, sizeof(*h));

	if (!h)
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		size_t k = pt_key(p->e[i].parent, p->e[i].name, strlen(p->e[i].name)) & (n - 1);
		while (h[k])
			k = (k + 1) & (n - 1);
		h[k] = (uint32_t)i + 1;
	}
	free(p->hash);
	p->hash = h;
	p->n_hash = n;
	return 0;
}

/* The entry named name[0..len) in folder parent (index + 1): its index, or -1. */
int64_t tree_pt_find(const struct ptab *p, uint32_t parent, const char *name, size_t len)
{
	size_t k;

	if (!p->n_hash)
		return -1;
	k = pt_key(parent, name, len) & (p->n_hash - 1);
	for (; p->hash[k]; k = (k + 1) & (p->n_hash - 1)) {
		const struct pt_ent *e = &p->e[p->hash[k] - 1];
		if (e->parent == parent && strncmp(e->name, name, len) == 0 && !e->name[len])
			return p->hash[k] - 1;
	}
	return -1;
}

static int64_t pt_get(struct ptab *p, uint32_t parent, const char *name, size_t len)
{
	int64_t i = tree_pt_find(p, parent, name, len);
	struct pt_ent *e;
	int err;

	if (i >= 0)
		return i;
	if (p->n >= UINT32_MAX - 1)
		return -ENOMEM;
	if ((p->n + 1) * 2 >= p->n_hash) {
		err = pt_rehash(p);
		if (err < 0)
			return err;
	}
	if (hs_grow((void **)&p->e, &p->cap, p->n + 1, sizeof(*p->e)))
		return -ENOMEM;
	e = &p->e[p->n];
	e->name = strndup(name, len);
	if (!e->name)
		return -ENOMEM;
	e->parent = parent;
	e->leaf = -1;
	size_t k = pt_key(parent, name, len) & (p->n_hash - 1);
	while (p->hash[k])
		k = (k + 1) & (p->n_hash - 1);
	p->hash[k] = (uint32_t)p->n + 1;
	return (int64_t)p->n++;
}

/* Adds path (its components; "." and empty ones dropped, ".." taken
 * lexically) as a file with id leaf.  A path that names an existing
 * folder, or nothing, is ignored. */
int tree_pt_add(struct ptab *p, const char *path, int64_t leaf)
{
	uint32_t stack[256];
	size_t depth = 0;
	const char *s = path;

	while (*s) {
		const char *end = strchr(s, '/');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if (len == 0 || (len == 1 && s[0] == '.')) {
			/* nothing */
		} else if (len == 2 && s[0] == '.' && s[1] == '.') {
			if (depth)
				depth--;
		} else {
			int64_t i;
			if (depth == sizeof(stack) / sizeof(stack[0]))
				return 0;
			i = pt_get(p, depth ? stack[depth - 1] + 1 : 0, s, len);
			if (i < 0)
				return (int)i;
			stack[depth++] = (uint32_t)i;
		}
		s += len;
		if (*s == '/')
			s++;
	}
	if (depth && p->e[stack[depth - 1]].leaf < 0)
		p->e[stack[depth - 1]].leaf = leaf;
	return 0;
}

/* path as the table files it (tree_pt_add's rules: empty and "." parts
 * dropped, ".." goes up) into out, '/'-separated without a leading '/';
 * "" when cap is too small or nothing is left. */
void tree_pt_normalize(const char *path, char *out, size_t cap)
{
	size_t n = 0;
	const char *s = path;

	while (*s) {
		const char *end = strchr(s, '/');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (n && out[n - 1] != '/')
				n--;
			if (n)
				n--; /* the '/' before the dropped part */
		} else if (len && !(len == 1 && s[0] == '.')) {
			if (n + !!n + len + 1 > cap) {
				n = 0;
				break;
			}
			if (n)
				out[n++] = '/';
			memcpy(out + n, s, len);
			n += len;
		}
		s += len;
		if (*s == '/')
			s++;
	}
	if (cap)
		out[n] = 0;
}

static const struct ptab *sort_tab;

static int pt_cmp(const void *a, const void *b)
{
	const struct pt_ent *x = &sort_tab->e[*(const uint32_t *)a];
	const struct pt_ent *y = &sort_tab->e[*(const uint32_t *)b];

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return strcmp(x->name, y->name);
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

int tree_pt_seal(struct ptab *p)
{
	p->order = malloc((p->n ? p->n : 1) * sizeof(*p->order));
	if (!p->order)
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++)
		p->order[i] = (uint32_t)i;
	pthread_mutex_lock(&sort_lock); /* qsort has no context argument */
	sort_tab = p;
	qsort(p->order, p->n, sizeof(*p->order), pt_cmp);
	pthread_mutex_unlock(&sort_lock);
	return 0;
}

void tree_pt_free(struct ptab *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->e[i].name);
	free(p->e);
	free(p->hash);
	free(p->order);
	memset(p, 0, sizeof(*p));
}

/* The first position in order[] of folder parent's entries. */
size_t tree_pt_first(const struct ptab *p, uint32_t parent)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->e[p->order[mid]].parent < parent)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* folder index + 1 of a lines/ or sources/ folder node (0: the top) */
uint32_t tree_src_folder_of(const struct hs_tree_node *dir)
{
	return dir->kind == K_LINEDIR || dir->kind == K_SRCDIR ? (uint32_t)dir->a + 1 : 0;
}

/* ".." of the nodes whose folder is a table entry. */
int tree_src_parent(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_tree_node *out)
{
	struct tree_src_image *si = tree_src_image_of(tree, n);
	const struct ptab *p;
	uint32_t folder;

	if (!si)
		return -ENOENT;
	if (n->kind == K_LINE) {
		tree_node_parent(n, out); /* K_LINEDIR, with the file's index */
		out->a = n->sub;
		return 0;
	}
	p = n->kind == K_LINEDIR ? &si->lines : &si->sources;
	if (n->a >= p->n)
		return -ENOENT;
	folder = p->e[n->a].parent;
	tree_node_parent(n, out);
	if (folder) {
		out->kind = n->kind == K_LINEDIR ? K_LINEDIR : K_SRCDIR;
		out->a = folder - 1;
	} else {
		struct hs_tree_node top;
		memset(&top, 0, sizeof(top));
		top.kind = (n->flags & NODE_IN_PROC) ? K_PROC : K_ROOT;
		top.image = n->image;
		top.flags = n->flags & NODE_IN_PROC;
		tree_node_child(out, &top, n->kind == K_LINEDIR ? K_LINES : K_SOURCES);
	}
	return 0;
}
