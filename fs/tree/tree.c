/* tree.c - the tree's entry points: lookup, resolve, attributes, reads, listings.
 *
 * What each kind of node is lives in one table (tree_kinds.c); this file
 * only dispatches on it.  Inode numbers: a node whose parameters fit in 47
 * bits is packed into its number, so the number gives the node back:
 *
 *   bit 63      0 (packed)
 *   62..56      kind
 *   55          NODE_IN_PROC
 *   54..49      image (< 64)
 *   48..47      layout: 0 t | 1 sub:8 t:39 | 2 a | 3 sub:16 a:31
 *   46..0       payload
 *
 * Any other node (writes/<range>, images past 63, t past 2^47) gets
 * XXH64(node) with bit 63 set, and whoever hands it out keeps a table.
 * The root is 1, as FUSE wants.
 */
#include "tree_i.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

/* ---- opening ----------------------------------------------------------------- */

/* The bound of the syscalls file's queue (tree_gen.c): 256, or what the
 * tests set in HS_TREE_SC_QUEUE (a decimal number 1..65536; anything else
 * is ignored rather than trusted). */
static size_t tree_sc_queue_len(const char *env)
{
	char *end;
	unsigned long n;

	if (!env || !*env)
		return 256;
	errno = 0;
	n = strtoul(env, &end, 10);
	if (errno || *end || n < 1 || n > 65536)
		return 256;
	return n;
}

int hs_tree_open(const char *trace_dir, size_t cache_bytes, struct hs_tree **out)
{
	struct hs_tree_options opt = { .cache_bytes = cache_bytes };

	return hs_tree_open_opts(trace_dir, &opt, out);
}

int hs_tree_open_opts(const char *trace_dir, const struct hs_tree_options *topt,
		      struct hs_tree **out)
{
	size_t cache_bytes = topt ? topt->cache_bytes : 0;
	struct hs_db_options opt = { .cache_bytes = cache_bytes };
	char real[PATH_MAX];
	struct hs_tree *tree;
	size_t text_cap;
	int err;

	*out = NULL;
	tree = calloc(1, sizeof(*tree));
	if (!tree)
		return -ENOMEM;
	pthread_mutex_init(&tree->lock, NULL);
	/* absolute: a daemon changes its directory to / */
	tree->trace_dir = strdup(realpath(trace_dir, real) ? real : trace_dir);
	if (!tree->trace_dir) {
		err = -ENOMEM;
		goto fail;
	}
	err = hs_db_open(tree->trace_dir, &opt, &tree->db);
	if (err < 0)
		goto fail;
	tree->n_images = hs_db_image_count(tree->db);
	tree->images = calloc(tree->n_images ? tree->n_images : 1, sizeof(*tree->images));
	if (!tree->images) {
		err = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < tree->n_images; i++) {
		tree->images[i].img = hs_db_image_at(tree->db, i);
		hs_db_image_info(tree->images[i].img, &tree->images[i].info);
	}
	text_cap = (cache_bytes ? cache_bytes : HS_DB_CACHE_DEFAULT) / 8;
	if (text_cap < (4u << 20))
		text_cap = 4u << 20;
	err = tree_texts_new(text_cap, &tree->texts);
	if (!err)
		err = tree_streams_new(&tree->streams);
	if (!err)
		err = tree_console_new(&tree->console);
	if (!err)
		err = tree_src_open(tree, topt ? topt->source_dirs : NULL,
				    topt ? topt->n_source_dirs : 0);
	if (err < 0)
		goto fail;
	tree->sc_queue = tree_sc_queue_len(getenv("HS_TREE_SC_QUEUE"));
	*out = tree;
	return 0;
fail:
	hs_tree_close(tree);
	return err;
}

void hs_tree_close(struct hs_tree *tree)
{
	if (!tree)
		return;
	tree_src_close(tree);
	tree_streams_free(tree->streams);
	tree_console_free(tree->console);
	tree_texts_free(tree->texts);
	free(tree->images);
	hs_db_close(tree->db);
	pthread_mutex_destroy(&tree->lock);
	free(tree->trace_dir);
	free(tree);
}

void hs_tree_cache_stats(struct hs_tree *tree, size_t *used, size_t *cap)
{
	struct hs_db_cache_stats cs;

	hs_db_cache_stats(tree->db, &cs);
	*used = cs.used;
	*cap = cs.cap;
}

size_t hs_tree_image_count(const struct hs_tree *tree)
{
	return tree->n_images;
}

const struct hs_db_image *hs_tree_image_at(const struct hs_tree *tree, size_t i)
{
	return i < tree->n_images ? tree->images[i].img : NULL;
}

int hs_tree_image_info(const struct hs_tree *tree, size_t i, struct hs_db_image_info *out)
{
	if (i >= tree->n_images)
		return -ENOENT;
	*out = tree->images[i].info;
	return 0;
}

struct tree_image *tree_image_facts(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return n->image < tree->n_images ? &tree->images[n->image] : NULL;
}

const struct hs_db_image *tree_image(struct hs_tree *tree, const struct hs_tree_node *n)
{
	struct tree_image *ti = tree_image_facts(tree, n);

	return ti ? ti->img : NULL;
}

uint64_t tree_t_end(struct hs_tree *tree, const struct hs_tree_node *n)
{
	struct tree_image *ti = tree_image_facts(tree, n);

	return ti ? ti->info.t_end : 0;
}

/* ---- nodes ------------------------------------------------------------------------ */

static bool valid_kind(uint32_t k)
{
	return k > K_NONE && k < K_COUNT && k != K_TOP;
}

void hs_tree_root(struct hs_tree_node *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = K_ROOT;
}

enum hs_tree_type hs_tree_type(const struct hs_tree_node *n)
{
	return valid_kind(n->kind) ? (enum hs_tree_type)tree_kinds[n->kind].type : HS_TREE_FILE;
}

void tree_node_child(struct hs_tree_node *out, const struct hs_tree_node *dir, uint16_t k)
{
	struct hs_tree_node c;

	memset(&c, 0, sizeof(c));
	c.kind = k;
	c.image = dir->image;
	c.flags = dir->flags & NODE_IN_PROC;
	if (tree_kinds[k].flags & KF_T) {
		c.t = dir->t;
		c.view = dir->view;
	}
	*out = c;
}

void tree_node_parent(const struct hs_tree_node *n, struct hs_tree_node *out)
{
	struct hs_tree_node p;
	uint16_t pk;

	memset(&p, 0, sizeof(p));
	switch (n->kind) {
	case K_ROOT:
	case K_PROCESSES:
		p.kind = K_ROOT;
		break;
	case K_PROC:
		p.kind = K_PROCESSES;
		break;
	default:
		pk = valid_kind(n->kind) ? tree_kinds[n->kind].parent : K_ROOT;
		if (pk == K_TOP)
			pk = (n->flags & NODE_IN_PROC) ? K_PROC : K_ROOT;
		p.kind = pk;
		if (pk != K_ROOT) {
			p.image = n->image;
			p.flags = n->flags & NODE_IN_PROC;
		}
		if (tree_kinds[pk].flags & KF_T) {
			p.t = n->t;
			p.view = n->view;
		}
		break;
	}
	*out = p;
}

/* ---- inode numbers ------------------------------------------------------------ */

#define INO_HASHED (1ull << 63)
#define PAYLOAD_BITS 47
#define PAYLOAD_MASK ((1ull << PAYLOAD_BITS) - 1)

uint64_t hs_tree_ino(const struct hs_tree_node *n)
{
	uint64_t layout, payload, head;

	if (n->kind == K_ROOT)
		return 1; /* FUSE_ROOT_ID */
	if (n->view || n->flags & ~NODE_IN_PROC || n->image >= 64 || !valid_kind(n->kind))
		goto hashed;
	if (!n->sub && !n->a && !n->b && n->t <= PAYLOAD_MASK) {
		layout = 0;
		payload = n->t;
	} else if (!n->a && !n->b && n->sub < (1u << 8) && n->t < (1ull << 39)) {
		layout = 1;
		payload = (uint64_t)n->sub << 39 | n->t;
	} else if (!n->t && !n->sub && !n->b && n->a <= PAYLOAD_MASK) {
		layout = 2;
		payload = n->a;
	} else if (!n->t && !n->b && n->sub < (1u << 16) && n->a < (1ull << 31)) {
		layout = 3;
		payload = (uint64_t)n->sub << 31 | n->a;
	} else {
		goto hashed;
	}
	head = (uint64_t)n->kind << 56 | (uint64_t)(n->flags & NODE_IN_PROC) << 55 |
	       (uint64_t)n->image << 49 | layout << 47;
	return head | payload;
hashed:
	return XXH64(n, sizeof(*n), 0x68696e64) | INO_HASHED;
}

int hs_tree_node_of_ino(uint64_t ino, struct hs_tree_node *out)
{
	uint64_t payload = ino & PAYLOAD_MASK;
	struct hs_tree_node n;

	if (ino == 1) {
		hs_tree_root(out);
		return 0;
	}
	if (ino & INO_HASHED || ino < (1ull << 56))
		return -ENOENT;
	memset(&n, 0, sizeof(n));
	n.kind = (uint16_t)(ino >> 56 & 0x7f);
	n.flags = (uint32_t)(ino >> 55 & 1);
	n.image = (uint16_t)(ino >> 49 & 0x3f);
	switch (ino >> 47 & 3) {
	case 0:
		n.t = payload;
		break;
	case 1:
		n.sub = (uint32_t)(payload >> 39);
		n.t = payload & ((1ull << 39) - 1);
		break;
	case 2:
		n.a = payload;
		break;
	default:
		n.sub = (uint32_t)(payload >> 31);
		n.a = payload & ((1ull << 31) - 1);
		break;
	}
	if (!valid_kind(n.kind) || n.kind == K_ROOT)
		return -ENOENT;
	*out = n;
	return 0;
}

/* ---- lookup -------------------------------------------------------------------- */

/* Does row k appear in folder dir? */
static bool in_folder(const struct hs_tree_node *dir, uint16_t k)
{
	uint16_t p = tree_kinds[k].parent;

	if (p == K_TOP)
		return dir->kind == K_ROOT || dir->kind == K_PROC;
	return p == dir->kind;
}

static int exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	const struct tree_kind *k = &tree_kinds[n->kind];

	if (!tree_image(tree, n))
		return -ENOENT;
	return k->exists ? k->exists(tree, n) : 0;
}

int hs_tree_child(struct hs_tree *tree, const struct hs_tree_node *dir_in,
		  const char *name, struct hs_tree_node *out)
{
	struct hs_tree_node dir = *dir_in, c;
	int err;

	if (!valid_kind(dir.kind))
		return -ENOENT;
	if (tree_kinds[dir.kind].type != HS_TREE_DIR)
		return -ENOTDIR;
	if (!name[0] || strchr(name, '/'))
		return -ENOENT;
	if (strcmp(name, ".") == 0) {
		*out = dir;
		return 0;
	}
	if (strcmp(name, "..") == 0) {
		if (dir.kind == K_LINEDIR || dir.kind == K_SRCDIR)
			return tree_src_parent(tree, &dir, out);
		tree_node_parent(&dir, out);
		return 0;
	}
	for (uint16_t k = 1; k < K_COUNT; k++) {
		if (!tree_kinds[k].name || !in_folder(&dir, k) || strcmp(tree_kinds[k].name, name))
			continue;
		tree_node_child(&c, &dir, k);
		err = exists(tree, &c);
		if (err < 0)
			return err;
		*out = c;
		return 0;
	}
	if (!tree_kinds[dir.kind].lookup)
		return -ENOENT;
	err = tree_kinds[dir.kind].lookup(tree, &dir, name, &c);
	if (err < 0)
		return err;
	*out = c;
	return 0;
}

/* The moment a link points to (and its view), checked against the
 * image's end. */
static int link_target(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		       uint32_t *view)
{
	int err;

	*view = 0;
	if (!valid_kind(n->kind) || !tree_image(tree, n))
		return -ENOENT;
	if (tree_kinds[n->kind].type != HS_TREE_LINK)
		return -EINVAL;
	err = tree_kinds[n->kind].target(tree, n, t, view);
	if (err < 0)
		return err;
	return *t > tree_t_end(tree, n) ? -ENOENT : 0;
}

int hs_tree_readlink(struct hs_tree *tree, const struct hs_tree_node *n,
		     char *buf, size_t cap)
{
	uint64_t t;
	uint32_t view;
	int err = link_target(tree, n, &t, &view), len;
	char v[16] = "";

	if (err < 0)
		return err;
	if (view)
		snprintf(v, sizeof(v), ".%" PRIu32, view);
	/* links live in time/ ("N") or in time/<t>/ ("../N"); "N.K": view K */
	len = snprintf(buf, cap, "%s%" PRIu64 "%s", tree_kinds[n->kind].parent == K_TIME ? "" : "../",
		       t, v);
	if (len < 0 || (size_t)len >= cap)
		return -ENAMETOOLONG;
	return len;
}

/* Where a link leads: the node time/<t>. */
static int follow_link(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_tree_node *out)
{
	struct hs_tree_node time;
	uint64_t t;
	uint32_t view;
	int err = link_target(tree, n, &t, &view);

	if (err < 0)
		return err;
	memset(&time, 0, sizeof(time));
	time.kind = K_TIME;
	time.image = n->image;
	time.flags = n->flags & NODE_IN_PROC;
	tree_node_child(out, &time, K_T);
	out->t = t;
	out->view = view;
	return 0;
}

int hs_tree_resolve(struct hs_tree *tree, const char *path, bool follow,
		    struct hs_tree_node *out)
{
	struct hs_tree_node cur;
	const char *p = path;
	int links = 0, err;

	hs_tree_root(&cur);
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		const char *rest = p + len;
		char name[NAME_MAX + 1];

		while (*rest == '/')
			rest++;
		if (len == 0) {
			p = rest;
			continue;
		}
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		if (hs_tree_type(&cur) != HS_TREE_DIR)
			return -ENOTDIR;
		memcpy(name, p, len);
		name[len] = 0;
		p = rest;
		err = hs_tree_child(tree, &cur, name, &cur);
		if (err < 0)
			return err;
		if (hs_tree_type(&cur) == HS_TREE_LINK && (*p || follow)) {
			if (++links > 40)
				return -ELOOP;
			err = follow_link(tree, &cur, &cur);
			if (err < 0)
				return err;
		}
	}
	*out = cur;
	return 0;
}

/* ---- attributes and reads ------------------------------------------------------ */

int hs_tree_getattr(struct hs_tree *tree, const struct hs_tree_node *n,
		    struct hs_tree_attr *out)
{
	const struct tree_kind *k;
	char target[48];
	int err = 0, len;

	memset(out, 0, sizeof(*out));
	if (!valid_kind(n->kind) || !tree_image(tree, n))
		return -ENOENT;
	k = &tree_kinds[n->kind];
	out->ino = hs_tree_ino(n);
	out->type = k->type;
	out->size_known = true;
	switch (k->type) {
	case HS_TREE_DIR:
		return 0;
	case HS_TREE_LINK:
		len = hs_tree_readlink(tree, n, target, sizeof(target));
		if (len < 0)
			return len;
		out->size = (uint64_t)len;
		return 0;
	default:
		break;
	}
	out->direct_io = (k->flags & (KF_DIRECT | KF_NOSIZE)) != 0;
	if (k->attr) {
		err = k->attr(tree, n, out);
	} else if (k->flags & KF_NOSIZE) {
		out->size_known = false;
	} else if (k->gen) {
		err = tree_stream_size(tree, n, &out->size);
	} else if (k->size) {
		err = k->size(tree, n, &out->size);
	} else {
		err = tree_text_size(tree, n, &out->size);
	}
	if (err < 0)
		return err;
	if (!k->attr)
		out->blocks = out->size;
	return 0;
}

ssize_t hs_tree_read(struct hs_tree *tree, const struct hs_tree_node *n,
		     void *buf, size_t size, uint64_t off)
{
	const struct tree_kind *k;

	if (!valid_kind(n->kind) || !tree_image(tree, n))
		return -ENOENT;
	k = &tree_kinds[n->kind];
	if (k->type == HS_TREE_DIR)
		return -EISDIR;
	if (k->type != HS_TREE_FILE)
		return -EINVAL;
	if (size == 0)
		return 0;
	if (size > SSIZE_MAX)
		size = SSIZE_MAX;
	if (k->read)
		return k->read(tree, n, buf, size, off);
	if (k->gen)
		return tree_stream_read(tree, n, buf, size, off);
	return tree_text_read(tree, n, buf, size, off);
}

int64_t hs_tree_seek(struct hs_tree *tree, const struct hs_tree_node *n,
		     uint64_t off, int whence)
{
	struct hs_tree_attr a;
	int err;

	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return -EINVAL;
	if (n->kind == K_T_MEM)
		return tree_mem_seek(tree, n, off, whence);
	err = hs_tree_getattr(tree, n, &a);
	if (err < 0)
		return err;
	if (a.type != HS_TREE_FILE)
		return -EINVAL;
	if (!a.size_known)
		return whence == SEEK_DATA ? (int64_t)off : INT64_MAX;
	if (off >= a.size)
		return -ENXIO;
	return whence == SEEK_DATA ? (int64_t)off : (int64_t)a.size;
}

/* ---- listings ------------------------------------------------------------------ */

int hs_tree_readdir(struct hs_tree *tree, const struct hs_tree_node *dir_in,
		    hs_tree_dir_fn cb, void *ctx)
{
	struct hs_tree_node dir = *dir_in, c;
	int err;

	if (!valid_kind(dir.kind) || !tree_image(tree, &dir))
		return -ENOENT;
	if (tree_kinds[dir.kind].type != HS_TREE_DIR)
		return -ENOTDIR;
	for (uint16_t k = 1; k < K_COUNT; k++) {
		if (!tree_kinds[k].name || !in_folder(&dir, k))
			continue;
		tree_node_child(&c, &dir, k);
		err = exists(tree, &c);
		if (err == -ENOENT)
			continue; /* next at the end, prev at 0, no crash */
		if (err < 0)
			return err;
		err = cb(ctx, tree_kinds[k].name, &c);
		if (err)
			return err;
	}
	if (tree_kinds[dir.kind].list)
		return tree_kinds[dir.kind].list(tree, &dir, cb, ctx);
	return 0;
}
