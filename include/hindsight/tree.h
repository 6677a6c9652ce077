/* tree.h - a recording as a file tree: path -> node -> bytes.
 *
 * Owner: fs/tree (libhstree.a).  Users: the FUSE daemon (fs/fuse),
 * `hindsight cat` / `hindsight ls`, the HTTP server.  The layout is the
 * contract in the README ("The tree"): README, info, stdout, stderr, events,
 * syscalls, output, time/<t>/{regs,reg/<name>,mem,maps,insn,thread,next,
 * prev}, threads/<tid>, writes/<0xADDR>[+LEN], processes/<pid>.<n>/.
 *
 * Nodes are small values (struct hs_tree_node), not objects: a node names a
 * kind of file plus its parameters (image, t, register, address...), so a
 * lookup allocates nothing and any number of nodes may exist.  Each node
 * has a deterministic inode number (hs_tree_ino): the same file always has
 * the same number, in every mount.
 *
 * Threads: every call may run concurrently on one tree (the query library
 * is thread-safe; the tree's own caches are locked).
 *
 * Errors: 0 or -errno.  -ENOENT no such name, -EINVAL a malformed name
 * (time/abc), -ERANGE a time past the end, -EIO unreadable memory, -EBADMSG
 * a damaged database, -ENOTDIR / -EISDIR / -EINVAL for the wrong kind of
 * node.
 */
#ifndef HINDSIGHT_TREE_H
#define HINDSIGHT_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct hs_db;
struct hs_tree;

enum hs_tree_type { HS_TREE_DIR = 1, HS_TREE_FILE = 2, HS_TREE_LINK = 3 };

struct hs_tree_node {
	uint16_t kind;   /* private to fs/tree */
	uint16_t image;  /* process image index (0: the first process) */
	uint32_t sub;    /* register index, ... */
	uint64_t t;
	uint64_t a, b;   /* address and length, thread id, ... */
};

struct hs_tree_attr {
	enum hs_tree_type type;
	uint64_t size;      /* exact byte size of a file or link target */
	bool size_known;    /* false: size is 0 and reads need direct I/O */
	uint64_t ino;
};

/* Opens the tree of TRACE_DIR (its database must be built).  cache_bytes
 * caps the query library's cache (0: its default).  Caller frees with
 * hs_tree_close(). */
int hs_tree_open(const char *trace_dir, size_t cache_bytes, struct hs_tree **out);
void hs_tree_close(struct hs_tree *tree); /* accepts NULL */
struct hs_db *hs_tree_db(struct hs_tree *tree); /* borrowed */

void hs_tree_root(struct hs_tree_node *out);
/* The child `name` of directory dir. */
int hs_tree_child(struct hs_tree *tree, const struct hs_tree_node *dir,
		  const char *name, struct hs_tree_node *out);
/* Walks a '/'-separated path from the root ("" and "/" are the root),
 * following symbolic links in every component but the last (and the last
 * too when follow is true), and resolving "..". */
int hs_tree_resolve(struct hs_tree *tree, const char *path, bool follow,
		    struct hs_tree_node *out);
int hs_tree_getattr(struct hs_tree *tree, const struct hs_tree_node *n,
		    struct hs_tree_attr *out);
uint64_t hs_tree_ino(const struct hs_tree_node *n);

/* Reads up to size bytes at off; returns the count (0 at the end). */
ssize_t hs_tree_read(struct hs_tree *tree, const struct hs_tree_node *n,
		     void *buf, size_t size, uint64_t off);
/* lseek(2) SEEK_DATA / SEEK_HOLE on a file (mem: mapped ranges at t). */
int64_t hs_tree_seek(struct hs_tree *tree, const struct hs_tree_node *n,
		     uint64_t off, int whence);
/* Calls cb for each entry of a directory, in a stable order; a non-zero
 * return from cb stops the listing and is returned. */
typedef int (*hs_tree_dir_fn)(void *ctx, const char *name,
			      const struct hs_tree_node *child);
int hs_tree_readdir(struct hs_tree *tree, const struct hs_tree_node *dir,
		    hs_tree_dir_fn cb, void *ctx);
/* The target of a symbolic link, NUL-terminated; returns its length. */
int hs_tree_readlink(struct hs_tree *tree, const struct hs_tree_node *n,
		     char *buf, size_t cap);

/* The text of `hindsight info TRACE_DIR` (and of the tree's info file),
 * from meta.json and, when built, the database.  Needs no database.
 * Caller frees *text with free(). */
int hs_tree_info_text(const char *trace_dir, char **text, size_t *len);

#endif
