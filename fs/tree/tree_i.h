/* tree_i.h - private to fs/tree: node kinds, the kind table, caches.
 *
 * Files:
 *   tree.c         open/close, the public entry points (lookup, resolve,
 *                  getattr, read, seek, readdir, readlink), inode numbers
 *   tree_kinds.c   THE TABLE: every kind of node, its name, folder, type
 *                  and hooks; the folders with computed names (time/<t>,
 *                  reg/<name>, threads/<tid>, writes/<range>, processes/)
 *   tree_files.c   small files generated whole (regs, maps, insn, ...)
 *                  and the README text
 *   tree_text.c    the cache of generated small files (bounded LRU)
 *   tree_stream.c  large files generated item by item, read at any offset
 *                  through checkpoints (events, syscalls, output, ...)
 *   tree_gen.c     the item generators of those large files
 *   tree_info.c    the text of `hindsight info` (needs no database)
 *   tree_source.c  the source-level paths (where, backtrace, locals, links,
 *                  calls/, lines/, sources/, modules) with tree_src_*.c,
 *                  which share tree_src_i.h
 *
 * Adding a path is one row of tree_kinds[] (plus its enum name here): a
 * fixed name in a folder kind, a type, and the hook that makes its bytes
 * (text), its items (gen) or the moment it points to (target).  Issue 5's
 * source-level paths slot in the same way: where/backtrace/locals (files
 * or folders under K_T), next-line/finish/caller (links under K_T with a
 * target hook), calls/, lines/, sources/ (folders under K_TOP with lookup
 * and list hooks; their names map to indices in sub/a, so nodes stay
 * small values).
 */
#ifndef HS_TREE_I_H
#define HS_TREE_I_H

#include "hindsight/db.h"
#include "hindsight/source.h"
#include "hindsight/tree.h"
#include "hindsight/util.h"

#include <pthread.h>
#include <stdio.h>

/* Node kinds: indices into tree_kinds[] (tree_kinds.c).  At most 127
 * (7 bits of a packed inode number). */
enum tree_kind_id {
	K_NONE = 0,
	K_ROOT,         /* the first process image, plus processes/ */
	K_PROC,         /* processes/<pid>.<n> (flag NODE_IN_PROC) */
	K_TOP,          /* pseudo-folder: "the top of an image" (K_ROOT or K_PROC) */
	/* the top of an image, in listing order */
	K_README,
	K_INFO,
	K_STDOUT,
	K_STDERR,
	K_EVENTS,
	K_SYSCALLS,
	K_OUTPUT,
	K_TIME,         /* time/ */
	K_THREADS,      /* threads/ */
	K_WRITES,       /* writes/ */
	K_MODULES,      /* modules (tree_source.c) */
	K_CALLS,        /* calls/ */
	K_LINES,        /* lines/ */
	K_SOURCES,      /* sources/ */
	K_PROCESSES,    /* processes/ (in the root only) */
	/* time/ */
	K_MARK_START,   /* time/start -> 0 */
	K_MARK_END,     /* time/end -> the last t */
	K_MARK_CRASH,   /* time/crash -> delivery of the signal that killed it */
	K_MARK_MAIN,    /* time/main -> main's first line (gdb's break main) */
	K_T,            /* time/<t>/ */
	/* time/<t>/ */
	K_T_REGS,
	K_T_REGDIR,     /* reg/ */
	K_T_MEM,
	K_T_MAPS,
	K_T_INSN,
	K_T_THREAD,
	K_T_NEXT,       /* -> ../<t+1> */
	K_T_PREV,       /* -> ../<t-1> */
	K_T_WHERE,      /* source level (tree_source.c, tree_src_*.c) */
	K_T_SOURCE,     /* source: the file and line of the instruction at t */
	K_T_BACKTRACE,
	K_T_LOCALS,     /* locals/ */
	K_T_NEXT_LINE,  /* -> ../<t'>: hs_db_step_line over */
	K_T_PREV_LINE,  /* -> ../<t'>: hs_db_step_line back over */
	K_T_STEP_INTO,  /* -> ../<t'>: hs_db_step_line into (gdb's step) */
	K_T_STEP_BACK,  /* -> ../<t'>: hs_db_step_line back into (reverse-step) */
	K_T_FINISH,     /* -> ../<t_ret> of the innermost open call */
	K_T_CALLER,     /* -> ../<t_call> of the innermost open call */
	K_T_EVALDIR,    /* eval/ (tree_src_eval.c) */
	K_T_GLOBALS,    /* globals: the compile unit's globals (tree_src_eval.c) */
	K_T_NODEBUG,    /* locals/no-debug-info */
	K_T_LOCAL,      /* locals/<name>: sub = index in hs_src_locals' list */
	K_T_REG,        /* reg/<name>: sub = index of tree_reg_name() */
	K_T_EVAL,       /* eval/<expr>: a = index + 1 of the interned expr */
	K_THREAD,       /* threads/<tid>: a = the OS tid */
	K_WRITE,        /* writes/<0xADDR>+LEN: a = addr, b = len */
	K_CALL,         /* calls/<function>: a = index of the name */
	K_LINEDIR,      /* lines/<folder or file>/: a = path table index */
	K_LINE,         /* lines/.../<file>/<line>: sub = file's index, a = line */
	K_SRCDIR,       /* sources/<folder>/: a = path table index */
	K_SRCFILE,      /* sources/.../<file>: a = path table index */
	K_COUNT
};

/* hs_tree_node.flags */
#define NODE_IN_PROC 0x1u  /* reached through processes/<name>/ */

/* tree_kind.flags */
#define KF_T       0x01u   /* the node carries its folder's t */
#define KF_DIRECT  0x02u   /* no page cache (sparse mem, unknown sizes) */
#define KF_NOSIZE  0x04u   /* size unknowable: reported as 0, direct I/O */
#define KF_PIN     0x08u   /* a large file whose checkpoints are never dropped */

struct hs_tree;
struct tree_walk;

struct tree_kind {
	const char *name;      /* its name in the folder; NULL: named by the
				* folder's lookup/list hooks */
	uint16_t parent;       /* the folder kind it appears in */
	uint8_t type;          /* enum hs_tree_type */
	uint8_t flags;         /* KF_* */
	/* 0 if node n exists, -ENOENT if not (cheap; optional) */
	int (*exists)(struct hs_tree *tree, const struct hs_tree_node *n);
	/* folders whose entries have computed names (optional) */
	int (*lookup)(struct hs_tree *tree, const struct hs_tree_node *dir,
		      const char *name, struct hs_tree_node *out);
	int (*list)(struct hs_tree *tree, const struct hs_tree_node *dir,
		    hs_tree_dir_fn cb, void *ctx);
	/* small files: the whole text into f */
	int (*text)(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
	/* small files whose size is known without generating them (optional) */
	int (*size)(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *size);
	/* large files: items in order through tree_emit() */
	int (*gen)(struct tree_walk *w);
	/* files with their own reader (mem) */
	ssize_t (*read)(struct hs_tree *tree, const struct hs_tree_node *n,
			void *buf, size_t size, uint64_t off);
	int (*attr)(struct hs_tree *tree, const struct hs_tree_node *n,
		    struct hs_tree_attr *out);
	/* links: the moment (time/<t>) it points to, and its view (time/<t>.<k>:
	 * *view is 0 on the call, set only where the target is a view) */
	int (*target)(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		      uint32_t *view);
};

extern const struct tree_kind tree_kinds[K_COUNT];

/* Per image facts, read once at open. */
struct tree_image {
	const struct hs_db_image *img;
	struct hs_db_image_info info;
	/* the moment of the fatal signal, built on first use */
	bool crash_done;
	int crash_err;           /* -ENOENT: did not crash */
	uint64_t crash_t;
};

struct tree_text_cache; /* tree_text.c */
struct tree_console;    /* tree_console.c */
struct tree_src;        /* tree_source.c */
struct tree_streams;    /* tree_stream.c */

struct hs_tree {
	char *trace_dir;        /* absolute */
	struct hs_db *db;
	struct tree_image *images;
	size_t n_images;
	pthread_mutex_t lock;   /* images[].threads/crash */
	struct tree_text_cache *texts;
	struct tree_streams *streams;
	size_t sc_queue;        /* syscalls waiting for their result (tree_gen.c) */
	struct tree_src *src;   /* debug information per image (tree_source.c) */
	struct tree_console *console; /* the top level's stdout, stderr */
};

#define TREE_MEM_SIZE (1ull << 47) /* the user half of the address space */
#define TREE_WRITE_MAX (1u << 20)  /* writes/<addr>+LEN: LEN at most this */

/* ---- tree.c ----------------------------------------------------------------- */
const struct hs_db_image *tree_image(struct hs_tree *tree, const struct hs_tree_node *n);
struct tree_image *tree_image_facts(struct hs_tree *tree, const struct hs_tree_node *n);
uint64_t tree_t_end(struct hs_tree *tree, const struct hs_tree_node *n);
/* a child node of dir of kind k, with the parameters it inherits */
void tree_node_child(struct hs_tree_node *out, const struct hs_tree_node *dir, uint16_t k);
/* the folder node n lives in */
void tree_node_parent(const struct hs_tree_node *n, struct hs_tree_node *out);

/* ---- tree_kinds.c ----------------------------------------------------------- */
/* Strict unsigned decimal: no sign, no spaces, no leading zeros. */
int tree_parse_u64(const char *s, uint64_t *v);
/* The register names of reg/ (hs_db_reg_name's, then xmm0..15). */
const char *tree_reg_name(size_t i);

/* ---- tree_files.c ------------------------------------------------------------ */
extern const char tree_readme[];
int tree_readme_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_readme_size(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *size);
int tree_info_file(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_regs_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_regs_size(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *size);
int tree_maps_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_insn_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_thread_at_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_thread_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
ssize_t tree_mem_read(struct hs_tree *tree, const struct hs_tree_node *n,
		      void *buf, size_t size, uint64_t off);
int tree_mem_attr(struct hs_tree *tree, const struct hs_tree_node *n,
		  struct hs_tree_attr *out);
int64_t tree_mem_seek(struct hs_tree *tree, const struct hs_tree_node *n,
		      uint64_t off, int whence);

/* ---- tree_text.c -------------------------------------------------------------- */
int tree_texts_new(size_t cap_bytes, struct tree_text_cache **out);
void tree_texts_free(struct tree_text_cache *c);
/* The size of small file n / up to size bytes of it at off (generated
 * through its kind's text hook on a miss, then cached). */
int tree_text_size(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *size);
ssize_t tree_text_read(struct hs_tree *tree, const struct hs_tree_node *n,
		       void *buf, size_t size, uint64_t off);

/* ---- tree_stream.c ------------------------------------------------------------ */
struct tree_walk {
	struct hs_tree *tree;
	const struct hs_db_image *img;
	struct hs_tree_node node;   /* the file */
	uint64_t t0, skip;          /* start at the skip-th item with t == t0 */
	uint64_t t_end;             /* the image's last t */
	void *priv;                 /* tree_stream.c's */
	char line[16384];           /* scratch for generators */
};
/* Hands one item (t: its moment, for resuming) to the reader.  Returns 1
 * when the read is satisfied: the generator then stops and returns 1. */
int tree_emit(struct tree_walk *w, uint64_t t, const void *bytes, size_t n);

int tree_streams_new(struct tree_streams **out);
void tree_streams_free(struct tree_streams *s);
int tree_stream_size(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *size);
ssize_t tree_stream_read(struct hs_tree *tree, const struct hs_tree_node *n,
			 void *buf, size_t size, uint64_t off);

/* ---- tree_gen.c ----------------------------------------------------------------- */
int tree_gen_events(struct tree_walk *w);
int tree_gen_syscalls(struct tree_walk *w);
int tree_gen_output(struct tree_walk *w);     /* output, stdout, stderr */
int tree_gen_writes(struct tree_walk *w);

/* ---- tree_exec.c ------------------------------------------------------------------ */
/* The first image of a recording that ran a "#!" script: line (the
 * execve at t 0, formatted from the interpreter's stack argv at sp, argc
 * strings) gets meta.json's command as its argv (and, for a bare name,
 * the program's path), as strace shows the call.  0 when changed, 1 when
 * not a script's (line unchanged), or -errno. */
int tree_exec_script_argv(struct tree_walk *w, uint64_t sp, uint64_t argc, char *line, size_t cap);

/* ---- tree_console.c --------------------------------------------------------------- */
int tree_console_new(struct tree_console **out);
void tree_console_free(struct tree_console *c);
/* Does the recording know what reached its stdout and stderr (trace
 * format 6)?  Then the top level's stdout and stderr are
 * tree_gen_console's, else the first process's fd 1 and 2. */
bool tree_console_known(struct hs_tree *tree);
/* The top level's stdout or stderr (w->node.kind): every process's
 * writes that reached it, in time order.  tree_emit's t is the write's
 * index in that order. */
int tree_gen_console(struct tree_walk *w);

/* ---- tree_source.c and tree_src_*.c ------------------------------------------------ */
/* --sources folders are copied.  Close accepts a tree whose open failed. */
int tree_src_open(struct hs_tree *tree, const char *const *dirs, size_t n_dirs);
void tree_src_close(struct hs_tree *tree);
/* ".." of lines/ and sources/ nodes (their folder is a table index) */
int tree_src_parent(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_tree_node *out);
int tree_modules_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_main_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		uint32_t *view);
int tree_main_exists(struct hs_tree *tree, const struct hs_tree_node *n);
/* time/<t>.<k>: how many views moment n has (the inlined copies hidden
 * at its pc, tree_src_hidden; 0: only time/<t>). */
int tree_src_views(struct hs_tree *tree, const struct hs_tree_node *n, unsigned *h);
int tree_where_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_backtrace_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_next_line_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		     uint32_t *view);
int tree_prev_line_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		     uint32_t *view);
int tree_finish_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		  uint32_t *view);
int tree_caller_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		  uint32_t *view);
int tree_next_line_exists(struct hs_tree *tree, const struct hs_tree_node *n);
int tree_step_into_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		     uint32_t *view);
int tree_step_back_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		     uint32_t *view);
int tree_step_into_exists(struct hs_tree *tree, const struct hs_tree_node *n);
int tree_step_back_exists(struct hs_tree *tree, const struct hs_tree_node *n);
int tree_prev_line_exists(struct hs_tree *tree, const struct hs_tree_node *n);
int tree_finish_exists(struct hs_tree *tree, const struct hs_tree_node *n);
int tree_caller_exists(struct hs_tree *tree, const struct hs_tree_node *n);
int tree_locals_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		       const char *name, struct hs_tree_node *out);
int tree_locals_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		     hs_tree_dir_fn cb, void *ctx);
int tree_local_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_nodebug_exists(struct hs_tree *tree, const struct hs_tree_node *n);
int tree_nodebug_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_calls_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		      const char *name, struct hs_tree_node *out);
int tree_calls_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		    hs_tree_dir_fn cb, void *ctx);
int tree_lines_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		      const char *name, struct hs_tree_node *out);
int tree_lines_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		    hs_tree_dir_fn cb, void *ctx);
int tree_sources_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
			const char *name, struct hs_tree_node *out);
int tree_sources_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		      hs_tree_dir_fn cb, void *ctx);
int tree_source_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_source_at_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_source_at_exists(struct hs_tree *tree, const struct hs_tree_node *n);
int tree_eval_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		     const char *name, struct hs_tree_node *out);
int tree_eval_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		   hs_tree_dir_fn cb, void *ctx);
int tree_globals_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_eval_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f);
int tree_gen_calls(struct tree_walk *w);
int tree_gen_line(struct tree_walk *w);

/* Decimal and hex without printf, for the hot loops. */
size_t tree_put_u64(char *out, uint64_t v);

#endif
