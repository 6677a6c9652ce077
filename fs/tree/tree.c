/* tree.c - the tree's shape: names, kinds, lookup, listing, attributes.
 *
 * Every path of the contract maps to one node kind (tree_i.h) plus its
 * parameters; adding a file is one kind, one name in a table below, and
 * its contents in tree_files.c or tree_stream.c.
 */
#include "tree_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

struct named {
	const char *name;
	uint16_t kind;
};

/* The entries of a process image's folder, in listing order. */
static const struct named proc_entries[] = {
	{ "README", K_README }, { "info", K_INFO }, { "stdout", K_STDOUT },
	{ "stderr", K_STDERR }, { "events", K_EVENTS }, { "syscalls", K_SYSCALLS },
	{ "output", K_OUTPUT }, { "time", K_TIME }, { "threads", K_THREADS },
	{ "writes", K_WRITES },
};

/* The entries of time/<t>/. */
static const struct named t_entries[] = {
	{ "regs", K_T_REGS }, { "reg", K_T_REGDIR }, { "mem", K_T_MEM },
	{ "maps", K_T_MAPS }, { "insn", K_T_INSN }, { "thread", K_T_THREAD },
	{ "next", K_T_NEXT }, { "prev", K_T_PREV },
};

#define N_MARKS 2
static const char *const mark_names[N_MARKS] = { "start", "end" };

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int hs_tree_open(const char *trace_dir, size_t cache_bytes, struct hs_tree **out)
{
	struct hs_db_options opt = { .cache_bytes = cache_bytes };
	struct hs_tree *tree;
	int err;

	*out = NULL;
	tree = calloc(1, sizeof(*tree));
	if (!tree)
		return -ENOMEM;
	tree->trace_dir = strdup(trace_dir);
	if (!tree->trace_dir) {
		free(tree);
		return -ENOMEM;
	}
	pthread_mutex_init(&tree->lock, NULL);
	err = hs_db_open(trace_dir, &opt, &tree->db);
	if (err < 0) {
		hs_tree_close(tree);
		return err;
	}
	*out = tree;
	return 0;
}

void hs_tree_close(struct hs_tree *tree)
{
	if (!tree)
		return;
	tree_streams_free(tree);
	hs_db_close(tree->db);
	pthread_mutex_destroy(&tree->lock);
	free(tree->trace_dir);
	free(tree);
}

struct hs_db *hs_tree_db(struct hs_tree *tree)
{
	return tree->db;
}

const struct hs_db_image *tree_image(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return hs_db_image_at(tree->db, n->image);
}

static uint64_t t_end(struct hs_tree *tree, const struct hs_tree_node *n)
{
	struct hs_db_image_info info;
	const struct hs_db_image *img = tree_image(tree, n);

	if (!img)
		return 0;
	hs_db_image_info(img, &info);
	return info.t_end;
}

void hs_tree_root(struct hs_tree_node *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = K_ROOT;
}

uint64_t hs_tree_ino(const struct hs_tree_node *n)
{
	uint64_t h;

	if (n->kind == K_ROOT)
		return 1; /* FUSE_ROOT_ID */
	h = XXH64(n, sizeof(*n), 0x68696e64);
	return h < 2 ? h + 2 : h;
}

static void node(struct hs_tree_node *out, const struct hs_tree_node *parent,
		 uint16_t kind)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->image = parent->image;
	out->t = parent->t;
}

/* Strict unsigned decimal: no sign, no spaces, no leading zeros. */
static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

/* writes/<0xADDR>[+LEN]: hex address, decimal or hex length 1..1 MiB. */
static int parse_range(const char *s, uint64_t *addr, uint64_t *len)
{
	const char *plus = strchr(s, '+');
	char *end;

	if (strncmp(s, "0x", 2) != 0 || !s[2])
		return -EINVAL;
	errno = 0;
	*addr = strtoull(s + 2, &end, 16);
	if (errno || end == s + 2 || (*end && *end != '+'))
		return -EINVAL;
	*len = 1;
	if (plus) {
		if (!plus[1] || plus[1] == '-')
			return -EINVAL;
		*len = strtoull(plus + 1, &end, 0);
		if (errno || *end || *len == 0 || *len > (1u << 20))
			return -EINVAL;
	}
	if (*addr >= TREE_MEM_SIZE || *addr + *len > TREE_MEM_SIZE)
		return -EINVAL;
	return 0;
}

int hs_tree_child(struct hs_tree *tree, const struct hs_tree_node *dir,
		  const char *name, struct hs_tree_node *out)
{
	uint64_t v, w;
	size_t i;

	if (!name[0] || strchr(name, '/'))
		return -EINVAL;
	switch (dir->kind) {
	case K_ROOT:
		if (strcmp(name, "processes") == 0) {
			node(out, dir, K_PROCESSES);
			return 0;
		}
		/* fall through */
	case K_PROC:
		for (i = 0; i < ARRAY_SIZE(proc_entries); i++) {
			if (strcmp(name, proc_entries[i].name) == 0) {
				node(out, dir, proc_entries[i].kind);
				return 0;
			}
		}
		return -ENOENT;
	case K_PROCESSES: {
		const struct hs_db_image *img = hs_db_image_find(tree->db, name);
		for (i = 0; img && i < hs_db_image_count(tree->db); i++) {
			if (hs_db_image_at(tree->db, i) == img) {
				memset(out, 0, sizeof(*out));
				out->kind = K_PROC;
				out->image = (uint16_t)i;
				return 0;
			}
		}
		return -ENOENT;
	}
	case K_TIME:
		for (i = 0; i < N_MARKS; i++) {
			if (strcmp(name, mark_names[i]) == 0) {
				node(out, dir, K_TIME_MARK);
				out->sub = (uint32_t)i;
				out->t = i == 0 ? 0 : t_end(tree, dir);
				return 0;
			}
		}
		if (parse_u64(name, &v) < 0)
			return -ENOENT;
		if (v > t_end(tree, dir))
			return -ENOENT;
		node(out, dir, K_T);
		out->t = v;
		return 0;
	case K_T:
		for (i = 0; i < ARRAY_SIZE(t_entries); i++) {
			if (strcmp(name, t_entries[i].name) == 0) {
				if ((t_entries[i].kind == K_T_NEXT && dir->t >= t_end(tree, dir)) ||
				    (t_entries[i].kind == K_T_PREV && dir->t == 0))
					return -ENOENT;
				node(out, dir, t_entries[i].kind);
				return 0;
			}
		}
		return -ENOENT;
	case K_T_REGDIR:
		for (i = 0; hs_db_reg_name(i); i++) {
			if (strcmp(name, hs_db_reg_name(i)) == 0) {
				node(out, dir, K_T_REG);
				out->sub = (uint32_t)i;
				return 0;
			}
		}
		return -ENOENT;
	case K_THREADS:
		if (parse_u64(name, &v) < 0 || v == 0 || v > UINT32_MAX)
			return -ENOENT;
		node(out, dir, K_THREAD);
		out->t = 0;
		out->a = v;
		/* only threads that exist */
		{
			char *text;
			size_t len;
			int err = tree_small_file(tree, out, &text, &len);
			if (err < 0)
				return err == -ESRCH ? -ENOENT : err;
			free(text);
		}
		return 0;
	case K_WRITES:
		if (parse_range(name, &v, &w) < 0)
			return -ENOENT;
		node(out, dir, K_WRITE);
		out->t = 0;
		out->a = v;
		out->b = w;
		return 0;
	default:
		return dir->kind >= K_LINKS_FIRST ? -ENOTDIR : -ENOENT;
	}
}

int hs_tree_readlink(struct hs_tree *tree, const struct hs_tree_node *n,
		     char *buf, size_t cap)
{
	int len;

	switch (n->kind) {
	case K_TIME_MARK:
		len = snprintf(buf, cap, "%" PRIu64, n->t);
		break;
	case K_T_NEXT:
		len = snprintf(buf, cap, "../%" PRIu64, n->t + 1);
		break;
	case K_T_PREV:
		len = snprintf(buf, cap, "../%" PRIu64, n->t - 1);
		break;
	default:
		return -EINVAL;
	}
	if (len < 0 || (size_t)len >= cap)
		return -ENAMETOOLONG;
	return len;
}

/* The folder a link lives in: its target is relative to it. */
static void link_parent(const struct hs_tree_node *n, struct hs_tree_node *out)
{
	memset(out, 0, sizeof(*out));
	out->image = n->image;
	if (n->kind == K_TIME_MARK) {
		out->kind = K_TIME;
	} else {
		out->kind = K_T;
		out->t = n->t;
	}
}

static void parent_of(const struct hs_tree_node *n, struct hs_tree_node *out)
{
	struct hs_tree_node p;

	memset(&p, 0, sizeof(p));
	p.image = n->image;
	switch (n->kind) {
	case K_ROOT:
	case K_PROCESSES:
		p.kind = K_ROOT;
		p.image = 0;
		break;
	case K_PROC:
		p.kind = K_PROCESSES;
		p.image = 0;
		break;
	case K_T:
		p.kind = K_TIME;
		break;
	case K_T_REGDIR:
		p.kind = K_T;
		p.t = n->t;
		break;
	default:
		p.kind = n->image ? K_PROC : K_ROOT;
		break;
	}
	*out = p;
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
		char name[256];

		while (*rest == '/')
			rest++;
		if (len == 0) {
			p = rest;
			continue;
		}
		if (len >= sizeof(name))
			return -ENAMETOOLONG;
		memcpy(name, p, len);
		name[len] = 0;
		p = rest;
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			parent_of(&cur, &cur);
			continue;
		}
		err = hs_tree_child(tree, &cur, name, &cur);
		if (err < 0)
			return err;
		while (cur.kind >= K_LINKS_FIRST && cur.kind < K_FILES_FIRST && (*p || follow)) {
			char target[64];
			struct hs_tree_node base;
			int tlen = hs_tree_readlink(tree, &cur, target, sizeof(target));
			bool up = strncmp(target, "../", 3) == 0;

			if (tlen < 0)
				return tlen;
			if (++links > 40)
				return -ELOOP;
			/* targets are "N" (in time/) or "../N" (from time/<t>/) */
			link_parent(&cur, &base);
			if (up)
				parent_of(&base, &base);
			err = hs_tree_child(tree, &base, up ? target + 3 : target, &cur);
			if (err < 0)
				return err;
		}
	}
	*out = cur;
	return 0;
}

int hs_tree_getattr(struct hs_tree *tree, const struct hs_tree_node *n,
		    struct hs_tree_attr *out)
{
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->ino = hs_tree_ino(n);
	out->size_known = true;
	if (n->kind < K_LINKS_FIRST) {
		out->type = HS_TREE_DIR;
	} else if (n->kind < K_FILES_FIRST) {
		char target[64];
		int len = hs_tree_readlink(tree, n, target, sizeof(target));
		if (len < 0)
			return len;
		out->type = HS_TREE_LINK;
		out->size = (uint64_t)len;
	} else if (n->kind == K_T_MEM) {
		out->type = HS_TREE_FILE;
		out->size = TREE_MEM_SIZE;
	} else if (tree_is_stream(n)) {
		out->type = HS_TREE_FILE;
		if (n->kind == K_WRITE) {
			out->size_known = false; /* unknowable without the whole history */
		} else {
			err = tree_stream_size(tree, n, &out->size);
		}
	} else {
		char *text;
		size_t len;
		out->type = HS_TREE_FILE;
		err = tree_small_file(tree, n, &text, &len);
		if (!err) {
			out->size = len;
			free(text);
		}
	}
	return err;
}

ssize_t hs_tree_read(struct hs_tree *tree, const struct hs_tree_node *n,
		     void *buf, size_t size, uint64_t off)
{
	char *text;
	size_t len;
	int err;

	if (n->kind < K_LINKS_FIRST)
		return -EISDIR;
	if (n->kind < K_FILES_FIRST)
		return -EINVAL;
	if (n->kind == K_T_MEM) {
		const struct hs_db_image *img = tree_image(tree, n);
		if (off >= TREE_MEM_SIZE)
			return 0;
		if (size > TREE_MEM_SIZE - off)
			size = TREE_MEM_SIZE - off;
		return hs_db_mem_read(img, n->t, off, size, buf);
	}
	if (tree_is_stream(n))
		return tree_stream_read(tree, n, buf, size, off);
	err = tree_small_file(tree, n, &text, &len);
	if (err < 0)
		return err;
	if (off >= len) {
		free(text);
		return 0;
	}
	if (size > len - off)
		size = len - off;
	memcpy(buf, text + off, size);
	free(text);
	return (ssize_t)size;
}

int64_t hs_tree_seek(struct hs_tree *tree, const struct hs_tree_node *n,
		     uint64_t off, int whence)
{
	struct hs_db_map *maps = NULL;
	size_t count = 0, i;
	int64_t ret = -ENXIO;
	int err;

	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return -EINVAL;
	if (n->kind != K_T_MEM) {
		struct hs_tree_attr a;
		err = hs_tree_getattr(tree, n, &a);
		if (err < 0)
			return err;
		if (off >= a.size)
			return -ENXIO;
		return whence == SEEK_DATA ? (int64_t)off : (int64_t)a.size;
	}
	if (off >= TREE_MEM_SIZE)
		return -ENXIO;
	err = hs_db_maps_at(tree_image(tree, n), n->t, &maps, &count);
	if (err < 0)
		return err;
	if (whence == SEEK_DATA) {
		for (i = 0; i < count; i++) {
			if (maps[i].end > off) {
				ret = (int64_t)(maps[i].start > off ? maps[i].start : off);
				break;
			}
		}
	} else {
		ret = (int64_t)off;
		for (i = 0; i < count; i++) {
			if (maps[i].end <= (uint64_t)ret)
				continue;
			if (maps[i].start > (uint64_t)ret)
				break;
			ret = (int64_t)maps[i].end; /* contiguous mappings extend the data */
		}
	}
	free(maps);
	return ret;
}

static int list_named(const struct hs_tree_node *dir, const struct named *v,
		      size_t n, hs_tree_dir_fn cb, void *ctx, struct hs_tree *tree)
{
	for (size_t i = 0; i < n; i++) {
		struct hs_tree_node c;
		int err = hs_tree_child(tree, dir, v[i].name, &c);
		if (err == -ENOENT)
			continue; /* next at the end, prev at 0 */
		if (err < 0)
			return err;
		err = cb(ctx, v[i].name, &c);
		if (err)
			return err;
	}
	return 0;
}

struct thread_list {
	uint32_t tids[1024];
	size_t n;
};

static int collect_thread(void *ctx, const struct hs_db_event *ev)
{
	struct thread_list *l = ctx;
	uint32_t tid = hs_trace_le32(ev->payload + (ev->tag == HS_EV_THREAD_CREATE ? 4 : 0));

	for (size_t i = 0; i < l->n; i++)
		if (l->tids[i] == tid)
			return 0;
	if (l->n < ARRAY_SIZE(l->tids))
		l->tids[l->n++] = tid;
	return 0;
}

int hs_tree_readdir(struct hs_tree *tree, const struct hs_tree_node *dir,
		    hs_tree_dir_fn cb, void *ctx)
{
	struct hs_tree_node c;
	char name[64];
	int err = 0;

	switch (dir->kind) {
	case K_ROOT:
		err = list_named(dir, proc_entries, ARRAY_SIZE(proc_entries), cb, ctx, tree);
		if (err)
			return err;
		node(&c, dir, K_PROCESSES);
		return cb(ctx, "processes", &c);
	case K_PROC:
		return list_named(dir, proc_entries, ARRAY_SIZE(proc_entries), cb, ctx, tree);
	case K_PROCESSES:
		for (size_t i = 0; i < hs_db_image_count(tree->db); i++) {
			struct hs_db_image_info info;
			hs_db_image_info(hs_db_image_at(tree->db, i), &info);
			memset(&c, 0, sizeof(c));
			c.kind = K_PROC;
			c.image = (uint16_t)i;
			err = cb(ctx, info.name, &c);
			if (err)
				return err;
		}
		return 0;
	case K_TIME:
		/* only the named marks: every number 0..t_end also resolves */
		for (size_t i = 0; i < N_MARKS; i++) {
			err = hs_tree_child(tree, dir, mark_names[i], &c);
			if (!err)
				err = cb(ctx, mark_names[i], &c);
			if (err)
				return err;
		}
		return 0;
	case K_T:
		return list_named(dir, t_entries, ARRAY_SIZE(t_entries), cb, ctx, tree);
	case K_T_REGDIR:
		for (size_t i = 0; hs_db_reg_name(i); i++) {
			node(&c, dir, K_T_REG);
			c.sub = (uint32_t)i;
			err = cb(ctx, hs_db_reg_name(i), &c);
			if (err)
				return err;
		}
		return 0;
	case K_THREADS: {
		struct thread_list *l = calloc(1, sizeof(*l));
		const struct hs_db_image *img = tree_image(tree, dir);
		if (!l)
			return -ENOMEM;
		err = hs_db_events(img, 0, UINT64_MAX, HS_DB_KIND_BIT(HS_EV_THREAD_CREATE) |
				   HS_DB_KIND_BIT(HS_EV_THREAD_RUN), collect_thread, l);
		for (size_t i = 0; !err && i < l->n; i++) {
			node(&c, dir, K_THREAD);
			c.t = 0;
			c.a = l->tids[i];
			snprintf(name, sizeof(name), "%u", l->tids[i]);
			err = cb(ctx, name, &c);
		}
		free(l);
		return err;
	}
	case K_WRITES:
		return 0; /* any writes/0xADDR[+LEN] resolves */
	default:
		return dir->kind >= K_LINKS_FIRST ? -ENOTDIR : -ENOENT;
	}
}
