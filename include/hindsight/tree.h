/* tree.h - a recording as a file tree: path -> node -> bytes.
 *
 * Owner: fs/tree (libhstree.a).  Users: the FUSE daemon (fs/fuse),
 * `hindsight cat` / `hindsight ls`, the HTTP server.  The layout is the
 * contract of DESIGN.md ("The tree") and the tree's own README file:
 *
 *   README info stdout stderr events syscalls output
 *   time/{start,end,crash}           links to time/<t>
 *   time/<t>/{regs,reg/<name>,mem,maps,insn,thread,next,prev}
 *   time/<t>/{where,backtrace,locals/<name>,next-line,prev-line,finish,caller}
 *   time/<t>/eval/<expr>             a C expression, %2F for '/' (hs_tree_eval)
 *   time/<t>/globals                 the names of the compile unit's globals
 *   threads/<tid>   writes/<0xADDR>[+LEN]   processes/<pid>.<n>/...
 *   modules   calls/<function>   lines/<file path>/<line>   sources/<path>
 *
 * Every kind of node is one row of a table (fs/tree/tree_kinds.c); see
 * fs/tree/tree_i.h for how to add one.
 *
 * Nodes are small values (struct hs_tree_node), not objects: a node names a
 * kind of file plus its parameters (image, t, register, address...), so a
 * lookup allocates nothing and any number of nodes may exist.  Each node
 * has a deterministic inode number (hs_tree_ino): the same file always has
 * the same number, in every mount and every run.  Most numbers encode
 * their node outright (hs_tree_node_of_ino gives it back), so a FUSE
 * daemon keeps no table for them.
 *
 * Threads: every call may run concurrently on one tree (the query library
 * is thread-safe; the tree's own caches are locked).
 *
 * Memory: generated small files are cached up to a cap (1/8 of the query
 * cache, at least 4 MiB); large generated files (events, ...) keep one
 * checkpoint per 64 KiB of text, for at most 64 files besides the top
 * level ones.  Both are bounded whatever the access pattern.  The text of
 * the top level files, once generated, is also kept in unlinked temporary
 * files ($TMPDIR or /tmp, 1 GiB in all; HS_TREE_SPILL_MB changes the cap,
 * 0 turns it off), so that reading it again costs no generation.
 *
 * Debug information (fs/source) of an image is loaded on the first use of
 * a source-level path and shared by all threads; an image without it is
 * still browsable (where shows addresses, locals/ holds no-debug-info).
 *
 * Cost: a time/<t> file costs a query at t (registers: a decode of up to
 * one stream chunk); the first stat of events, syscalls, output, stdout or
 * stderr generates the whole file once to know its exact size.
 *
 * Errors: 0 or -errno.  -ENOENT no such name (a malformed name, a time
 * past the end, a register that does not exist), -EIO memory that is not
 * mapped at t, -EBADMSG a damaged database, -ENOTDIR / -EISDIR / -EINVAL
 * for the wrong kind of node, -ENOMEM.
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

/* A value: copy it freely.  Every field is private to fs/tree; fields a
 * kind does not use are zero, so equal files have equal bytes. */
struct hs_tree_node {
	uint16_t kind;
	uint16_t image;  /* process image index (0: the first process) */
	uint32_t sub;    /* register index, ... */
	uint32_t flags;
	uint32_t spare;
	uint64_t t;
	uint64_t a, b;   /* address and length, thread id, ... */
};

struct hs_tree_attr {
	enum hs_tree_type type;
	uint64_t size;      /* exact byte size of a file or link target */
	uint64_t blocks;    /* bytes that hold data (mem: the mapped ones) */
	bool size_known;    /* false: size is 0, read until a read returns 0 */
	bool direct_io;     /* reads must not go through a page cache: the
			     * file is sparse with holes that fail (mem), or
			     * its size is unknown */
	uint64_t ino;
};

/* Opens the tree of TRACE_DIR (its database must be built: -ENOENT
 * otherwise).  cache_bytes caps the query library's cache (0: its
 * default).  Caller frees with hs_tree_close(). */
int hs_tree_open(const char *trace_dir, size_t cache_bytes, struct hs_tree **out);

/* hs_tree_open with more options.  source_dirs (--sources DIR, in order)
 * are where source files are looked for when their DWARF path does not
 * exist (sources/, where, locals); borrowed, copied by the call.  opt may
 * be NULL (the defaults). */
struct hs_tree_options {
	size_t cache_bytes;
	const char *const *source_dirs;
	size_t n_source_dirs;
};
int hs_tree_open_opts(const char *trace_dir, const struct hs_tree_options *opt,
		      struct hs_tree **out);
void hs_tree_close(struct hs_tree *tree); /* accepts NULL */
struct hs_db *hs_tree_db(struct hs_tree *tree); /* borrowed */

void hs_tree_root(struct hs_tree_node *out);
/* The child `name` of directory dir (out may be dir itself). */
int hs_tree_child(struct hs_tree *tree, const struct hs_tree_node *dir,
		  const char *name, struct hs_tree_node *out);
/* Walks a '/'-separated path from the root ("" and "/" are the root),
 * following symbolic links in every component but the last (and the last
 * too when follow is true), and resolving "." and "..". */
int hs_tree_resolve(struct hs_tree *tree, const char *path, bool follow,
		    struct hs_tree_node *out);
/* The type of a node, without any query. */
enum hs_tree_type hs_tree_type(const struct hs_tree_node *n);
int hs_tree_getattr(struct hs_tree *tree, const struct hs_tree_node *n,
		    struct hs_tree_attr *out);

/* The inode number of n: never 0, 1 for the root. */
uint64_t hs_tree_ino(const struct hs_tree_node *n);
/* The node of an inode number that encodes it: 0, or -ENOENT when the
 * number is a hash (the caller must remember what it stands for). */
int hs_tree_node_of_ino(uint64_t ino, struct hs_tree_node *out);

/* Reads up to size bytes at off; returns the count (0 at the end).  mem
 * returns fewer bytes than asked when the range runs into unmapped memory,
 * and -EIO when off itself is not mapped, as /proc/PID/mem does. */
ssize_t hs_tree_read(struct hs_tree *tree, const struct hs_tree_node *n,
		     void *buf, size_t size, uint64_t off);
/* lseek(2) SEEK_DATA / SEEK_HOLE on a file (mem: the mappings at t);
 * -ENXIO past the data. */
int64_t hs_tree_seek(struct hs_tree *tree, const struct hs_tree_node *n,
		     uint64_t off, int whence);
/* Calls cb for each entry of a directory, in a stable order; a non-zero
 * return from cb stops the listing and is returned.  name and child are
 * borrowed for the call. */
typedef int (*hs_tree_dir_fn)(void *ctx, const char *name,
			      const struct hs_tree_node *child);
int hs_tree_readdir(struct hs_tree *tree, const struct hs_tree_node *dir,
		    hs_tree_dir_fn cb, void *ctx);
/* The target of a symbolic link, NUL-terminated; returns its length. */
int hs_tree_readlink(struct hs_tree *tree, const struct hs_tree_node *n,
		     char *buf, size_t cap);

/* A C expression's value at a moment, as gdb's `print` shows it, with
 * the page [first, first + count) of its children (struct hs_src_eval,
 * hindsight/source.h: the caller frees with hs_src_eval_release).  frame
 * 0 is the innermost; frame k > 0 is the caller k calls out, its
 * registers as they were at that call and memory as it is at t.  0 (an
 * expression that fails sets out->error: gdb's message); -EINVAL (bad
 * image), -ENOENT (t past the end, no frame k), -ENOMEM. */
struct hs_src_eval;
struct hs_tree_eval_at {
	uint32_t image;   /* process image index, 0: the first process */
	uint64_t t;
	uint32_t frame;
	uint64_t first, count;
};
int hs_tree_eval(struct hs_tree *tree, const struct hs_tree_eval_at *at, const char *expr,
		 struct hs_src_eval *out);

/* The text of `hindsight info TRACE_DIR` (and of the tree's info file),
 * from meta.json and, when built, the database.  Needs no database.
 * Caller frees *text with free(). */
int hs_tree_info_text(const char *trace_dir, char **text, size_t *len);
/* The info of one process image (processes/<image>/info): its pid,
 * instructions, threads, how it ended; with its recorder's PROCESS record
 * (process, NULL if unknown) also its program and command line.  Caller
 * frees *text with free(). */
int hs_tree_image_info_text(const char *trace_dir, const char *image, const char *process,
			    char **text, size_t *len);

#endif
