/* tree.h - a recording as a file tree: path -> node -> bytes.
 *
 * Owner: fs/tree (libhstree.a).  Users: the FUSE daemon (fs/fuse),
 * `hindsight cat` / `hindsight ls`, the HTTP server.  The layout is the
 * contract of README.md ("The tree", "Source level") and of the tree's
 * own README file:
 *
 *   README info stdout stderr events syscalls output
 *   time/{start,end,crash}           links to time/<t>
 *   time/<t>/{regs,reg/<name>,mem,maps,insn,thread,next,prev}
 *   time/<t>/{where,source,backtrace,locals/<name>,next-line,prev-line,finish,caller}
 *   time/<t>/eval/<expr>             a C expression, %2F for '/' (hs_tree_eval)
 *   time/<t>.<k>/...                 view k of moment t: the first k of the
 *                                    inlined copies hidden at t shown (gdb's
 *                                    `break f` on an inlined f, or its `step`
 *                                    into the copy at the same pc)
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
 * 0 turns it off), so that reading it again costs no generation.  The
 * syscalls file pairs entries with results in a queue of 256 calls
 * (HS_TREE_SC_QUEUE, 1..65536, changes it: for tests).
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

#include "hindsight/db.h"

struct hs_tree;

enum hs_tree_type { HS_TREE_DIR = 1, HS_TREE_FILE = 2, HS_TREE_LINK = 3 };

/* A value: copy it freely.  Every field is private to fs/tree; fields a
 * kind does not use are zero, so equal files have equal bytes. */
struct hs_tree_node {
	uint16_t kind;
	uint16_t image;  /* process image index (0: the first process) */
	uint32_t sub;    /* register index, ... */
	uint32_t flags;
	uint32_t view;   /* time/<t>.<k>: k (a view of the moment, 0: the
			  * moment itself), on time/<t> and what is under it */
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
/* The query cache's use and cap in bytes (the daemon's statistics). */
void hs_tree_cache_stats(struct hs_tree *tree, size_t *used, size_t *cap);
/* The process images (processes/<pid>.<n>; 0 is the first process), as
 * hs_db_image_count / hs_db_image_at / hs_db_image_info give them, for
 * users that need no more of the database (the server).  The image is borrowed, valid until hs_tree_close();
 * NULL / -ENOENT past the last. */
size_t hs_tree_image_count(const struct hs_tree *tree);
const struct hs_db_image *hs_tree_image_at(const struct hs_tree *tree, size_t i);
int hs_tree_image_info(const struct hs_tree *tree, size_t i, struct hs_db_image_info *out);

void hs_tree_root(struct hs_tree_node *out);
/* The child `name` of directory dir (out may be dir itself).  -ENOTDIR
 * when dir is not a directory, -ENOENT for no such child (or a node of
 * an image that does not exist), -EBADMSG / -EIO / -ENOMEM when a
 * listing needs a query that fails. */
int hs_tree_child(struct hs_tree *tree, const struct hs_tree_node *dir,
		  const char *name, struct hs_tree_node *out);
/* Walks a '/'-separated path from the root ("" and "/" are the root),
 * following symbolic links in every component but the last (and the last
 * too when follow is true), and resolving "." and "..".  Errors: those of
 * hs_tree_child(), -ENAMETOOLONG (a component over NAME_MAX, a link
 * target too long), -ELOOP (over 40 links), -ENOTDIR (a file followed by
 * "/name"). */
int hs_tree_resolve(struct hs_tree *tree, const char *path, bool follow,
		    struct hs_tree_node *out);
/* The type of a node, without any query. */
enum hs_tree_type hs_tree_type(const struct hs_tree_node *n);
/* The attributes of n.  Sizes that need the file generated (events,
 * syscalls...) generate it once.  -ENOENT for a node that names nothing
 * (a bad kind or image), -EIO (memory not mapped, a read error),
 * -EBADMSG (a damaged database), -ENOMEM. */
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
 * borrowed for the call.  -ENOTDIR for a file, -ENOENT for a node that
 * names nothing, or the error of a query the listing needs (-EBADMSG,
 * -EIO, -ENOMEM). */
typedef int (*hs_tree_dir_fn)(void *ctx, const char *name,
			      const struct hs_tree_node *child);
int hs_tree_readdir(struct hs_tree *tree, const struct hs_tree_node *dir,
		    hs_tree_dir_fn cb, void *ctx);
/* The lines of one source file that ran, ascending, with how many times
 * each started (the line counts of gdb's coverage-like views): dir is the
 * file's folder lines/<path>.  cb returns non-zero to stop (returned).
 * -ENOTDIR when dir is not a file's folder under lines/. */
typedef int (*hs_tree_line_fn)(void *ctx, uint32_t line, uint64_t starts);
int hs_tree_line_starts(struct hs_tree *tree, const struct hs_tree_node *dir,
			hs_tree_line_fn cb, void *ctx);
/* The target of a symbolic link, NUL-terminated; returns its length.
 * -ENAMETOOLONG when it does not fit in cap bytes, -EINVAL for a node
 * that is not a link, -ENOENT when the target is gone (finish of a call
 * that never returns, ...), or a query's error. */
int hs_tree_readlink(struct hs_tree *tree, const struct hs_tree_node *n,
		     char *buf, size_t cap);

/* ---- for the server's calls panel and search box ---------------------------
 * Typed answers where a path's text would have to be parsed again: the
 * same values the tree's files show (locals/<name>, calls/<f>).  n is any
 * node of the image asked about (its top: hs_tree_resolve of "" or of
 * "processes/<image>").  Debug information loads on first use. */

/* The name of image i ("4242.0", as processes/ lists it): -ENOENT past
 * the last. */
int hs_tree_image_name(struct hs_tree *tree, size_t i, char *buf, size_t cap);

/* Every file outside the trace folder that answering may read, each
 * image's: the mapped ELF files as read (a packed copy is inside the
 * trace), their separate debug files, and the source files its DWARF
 * names that this machine has (as sources/ lists them).  Loads each
 * image's debug information (what the first source-level question would
 * do; images of the same mappings share it and are walked once).  A path
 * may come more than once.  cb returns 0 to go on, else that value is
 * returned.  serve gives these to Landlock (builder/cli/cli_confine.c). */
typedef int (*hs_tree_file_fn)(void *ctx, const char *path);
int hs_tree_read_files(struct hs_tree *tree, hs_tree_file_fn cb, void *ctx);

/* The times of items [first, first + max) of calls/<f> (t_call) or
 * lines/<file>/<line> (n: that file's node), in the file's order, into
 * ts[], *got of them, and *total the file's item count: a page of a list
 * without making its text.  -EINVAL for another node. */
int hs_tree_list_window(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t first,
			size_t max, uint64_t *ts, size_t *got, uint64_t *total);

/* A variable at a moment, as time/<t>/locals/<name> shows it. */
struct hs_tree_var {
	char *name, *type, *value;
	bool is_param;
	bool scalar;   /* gdb's frame lines print it; others show as "..." */
	char *frame_arg; /* a parameter in gdb's frame line ("x=x@entry=5"),
			  * or NULL */
	char *file;      /* its name in time/<t>/locals/: name, or "name:LINE"
			  * for a declaration an inner block hides */
};
void hs_tree_vars_free(struct hs_tree_var *v, size_t n); /* accepts NULL */
/* The parameters then locals in scope at t for thread tid (0: the thread
 * at t).  -ENODATA: no debug info where that thread is (*n 0).  Caller
 * frees with hs_tree_vars_free(). */
int hs_tree_vars_at(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t t,
		    uint32_t tid, struct hs_tree_var **out, size_t *count);
/* The parameters then locals of view `view` of moment t (as
 * time/<t>.<view>/locals/ holds them; 0: time/<t>'s, the copies starting
 * at the pc hidden).  Errors and ownership as hs_tree_vars_at. */
int hs_tree_view_vars(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t t,
		      uint32_t view, struct hs_tree_var **out, size_t *count);

/* One call of calls/<f> (the one with that t_call), as gdb shows it when
 * `break f` stops there (`bt 1`, `info args`) and when `finish` returns
 * ("Value returned is ..."), under gdb's default print settings (char
 * arrays to their end: not locals/'s null-stop on). */
/* The longest name hs_tree_call_view gives whole (C++ names of template
 * instances over STL types run to thousands of characters). */
#define HS_TREE_NAME_MAX 16384

struct hs_tree_call_view {
	uint64_t t_call, t_ret;  /* calls/<f>'s; t_ret UINT64_MAX: none */
	uint64_t t_stop;         /* where gdb's `break f` stops in this call:
				  * the arguments are read there */
	uint32_t tid, depth;
	char *caller;            /* owned: calls/<f>'s 4th column */
	char how[32];            /* "" (it returned), or calls/<f>'s 5th
				  * column: "signal", "unwound", "tail"... */
	char *signature;         /* owned: the callee's, as gdb's `info breakpoints`
				  * names it ("Leaf::bump(int)"), "" unknown */
	bool debug_info;         /* false: no DWARF at the function (no
				  * arguments, no return value: unknown) */
	struct hs_tree_var *args; /* the parameters at t_stop */
	size_t n_args;
	char *ret_type;          /* NULL: void, unknown, or no return */
	char *ret_value;         /* at t_ret, when it returned */
};
/* -ENOENT: no call at t_call.  Release with hs_tree_call_view_release(). */
int hs_tree_call_view(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t t_call,
		      struct hs_tree_call_view *out);
void hs_tree_call_view_release(struct hs_tree_call_view *v);

/* Every function and data symbol of the image's modules (fs/source's
 * hs_src_symbols): name (functions: gdb's break name; data: demangled),
 * address, size, kind, module path.  Strings are borrowed for the call.
 * cb returns 0 to go on. */
struct hs_tree_symbol {
	const char *name;
	uint64_t addr, size;
	bool function;
	const char *module;
};
typedef int (*hs_tree_symbol_fn)(void *ctx, const struct hs_tree_symbol *sym);
int hs_tree_symbols(struct hs_tree *tree, const struct hs_tree_node *n, hs_tree_symbol_fn cb,
		    void *ctx);

/* ---- the glue of the query library and fs/source ------------------------
 * Shared by the tree and `hindsight query` (unwind, step), so that both
 * answer alike. */

/* fs/source's read_mem callback (struct hs_src_target) over the memory
 * of img at t: ctx is a struct hs_tree_mem_at. */
struct hs_tree_mem_at {
	const struct hs_db_image *img;
	uint64_t t;
};
ssize_t hs_tree_read_mem_at(void *ctx, uint64_t addr, void *buf, size_t len);
/* gdb's rule for step into a call (struct hs_db_step_filter's enter; ctx
 * is a struct hs_tree_step_ctx): step enters a call only when the code
 * that makes it has line info outside the dynamic linker, so it runs a
 * library without debug info, and the lazy resolver, to their return,
 * callbacks and ifunc resolvers included.  A frame entered by a tail call
 * is entered when the code that jumped has line info too (gdb steps over
 * a function without line info to its return, whatever it jumps to), or
 * is a C++ thunk (clang's have no line rows: gdb goes on to the method).
 * A step that starts in code without line info (t0) enters the calls
 * that very frame makes into code with lines (gdb's step range is then
 * the whole function: "stepped into subroutine"). */
struct hs_tree_step_ctx {
	struct hs_src *s;
	const struct hs_db_image *img;
	uint64_t t0;            /* the moment the step starts from (0: unknown) */
};
enum hs_db_step_enter hs_tree_step_enters(void *ctx, const struct hs_db_call *c);
/* Whether gdb's step stops in the code at pc (struct hs_db_step_filter's
 * stops; ctx as above): it has line info outside the dynamic linker. */
bool hs_tree_step_stops(void *ctx, uint64_t pc);
/* gdb's step, *t the next stop found with hs_tree_step_enters (which
 * steps over signal handlers) from t0: a handler entered on t0's thread in
 * between, for a signal gdb stops on by default (not SIGALRM, SIGURG,
 * SIGCHLD, SIGIO, SIGVTALRM, SIGPROF, SIGWINCH), stops the step at the
 * handler's first instruction instead (*t set to it).  0 or -errno. */
int hs_tree_step_signal_stop(const struct hs_db_image *img, uint64_t t0, uint64_t *t);
/* The same after a step from t0 that answered err: 0 as above; -ENOENT
 * (no stop: gdb runs to the end) becomes 0 and *t a handler's first
 * instruction where such a signal arrives later on t0's thread; any other
 * err is returned as it is. */
int hs_tree_step_signal_after(const struct hs_db_image *img, uint64_t t0, int err, uint64_t *t);
/* gdb's reverse-step, *t the stop found with hs_tree_step_enters from t0:
 * when it leaves t0's frame backwards, gdb stops first in the caller at
 * the start of the line-table row holding the call (which may be no line
 * start of the forward step: a second row of a line); *t is moved there
 * when that is later.  0 or -errno. */
int hs_tree_step_back_row(struct hs_tree_step_ctx *sc, uint64_t t0, uint64_t *t);

/* A C expression's value at a moment, as gdb's `print` shows it, with
 * the page [first, first + count) of its children (struct hs_src_eval,
 * hindsight/source.h: the caller frees with hs_src_eval_release).  frame
 * is time/<t>/backtrace's #N (gdb's `frame N`: inlined copies, tail-call
 * frames and <signal handler called> count); an outer frame's registers
 * are as they were at its call (or as a signal frame saved them), its
 * $-registers as gdb unwinds them, memory as it is at t.  0 (an
 * expression that fails sets out->error: gdb's message); -EINVAL (bad
 * image), -ENOENT (t past the end, no frame k), -ENOMEM. */
struct hs_src_eval;
struct hs_tree_eval_at {
	uint32_t image;   /* process image index, 0: the first process */
	uint64_t t;
	uint32_t frame;
	uint64_t first, count;
	uint32_t view;    /* time/<t>.<view>'s frames (0: time/<t>); -ENOENT
			   * past the moment's views */
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
