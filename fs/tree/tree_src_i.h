/* tree_src_i.h - private to tree_source.c and tree_src_*.c: shared state and helpers.
 *
 * Files (the overview is at the top of tree_source.c):
 *   tree_source.c       open/close, each image's debug information (hs_src,
 *                       built on first use), modules
 *   tree_src_paths.c    path tables (struct ptab): lines/ and sources/ folders
 *   tree_src_where.c    time/<t>/where, backtrace (and the unwinder)
 *   tree_src_links.c    next-line, prev-line, step-into, step-back, finish,
 *                       caller, time/main
 *   tree_src_next.c     next-line in functions with inlined copies
 *   tree_src_longjmp.c  step-into at a call of longjmp (gdb's longjmp
 *                       master breakpoint)
 *   tree_src_locals.c   time/<t>/locals/
 *   tree_src_eval.c     time/<t>/eval/<expr>, hs_tree_eval
 *   tree_src_calls.c    calls/ (the folder: function names)
 *   tree_src_lists.c    calls/<f> and lines/.../<line> (streamed item arrays)
 *   tree_src_lines.c    lines/ (the folders: files and line numbers)
 *   tree_src_sources.c  sources/
 *   tree_src_frame.c    hs_tree_vars_at, hs_tree_call_view, hs_tree_symbols:
 *                       a call's arguments and return value, for the server
 *
 * Ownership: everything below belongs to the tree's struct tree_src
 * (tree->src), freed by tree_src_close; pointers handed out are borrowed
 * for the tree's life.  Threads: each image's tables are built once under
 * its lock; the caches (lists, locals) are under tree_src's lock.
 */
#ifndef HS_TREE_SRC_I_H
#define HS_TREE_SRC_I_H

#include "tree_i.h"

#define LIST_SLOTS 8
#define LOCALS_SLOTS 8

/* ---- path tables: a path's components as a tree of indices ------------------- */

struct pt_ent {
	char *name;            /* one component */
	uint32_t parent;       /* index + 1 of the folder, 0: the top */
	int64_t leaf;          /* a file's id (line file id, source index), -1 */
};

struct ptab {
	struct pt_ent *e;
	size_t n, cap;
	uint32_t *hash;        /* open addressing: index + 1, 0 empty */
	size_t n_hash;         /* a power of two, > 2 n */
	uint32_t *order;       /* indices sorted by (parent, name) */
};

/* ---- per image state ------------------------------------------------------------ */

struct call_name {
	char *name;
	uint64_t *callees;     /* function entries with that name */
	size_t n_callees;
	uint64_t calls;
	/* a listed name's callees[0..n_own): the functions filed under it
	 * and those carrying it as another name (aliases); the rest are
	 * other names' functions that gdb's `break <name>` also stops in
	 * (wild matching: X::size for size), which are not its entries */
	size_t n_own;
};

struct call_entry {
	uint64_t addr;         /* the function a call reaches */
	size_t name;           /* index in names[] */
};

struct tree_src_image {
	pthread_mutex_t lock;  /* builds below, once each */
	bool src_done;
	int src_err;
	struct hs_src *src;
	bool src_shared;       /* src is another image's (tree_src.shared) */
	char *notes;           /* warnings of fs/source, one per line */
	size_t notes_len;

	bool calls_done;
	int calls_err;
	struct call_name *names;   /* sorted by name; then n_groups more */
	size_t n_names;
	/* names[n_names..+n_groups): a template's name without its
	 * arguments ("geo::twice") standing for every instantiation called
	 * ("geo::twice<int>", "geo::twice<double>"), as gdb's `break` takes
	 * it; looked up, not listed */
	size_t n_groups;
	bool entries_done;         /* names by the entry a call reaches, for */
	struct call_entry *entries; /* other names of it (aliases); by addr */
	size_t n_entries;

	bool lines_done;
	int lines_err;
	struct ptab lines;         /* leaf: the db's line file id */

	bool main_done;
	int main_err;
	uint64_t main_t;           /* time/main */

	bool sources_done;
	int sources_err;
	struct ptab sources;       /* leaf: index into disk[] */
	char **disk;
	size_t n_disk;
};

/* The item arrays of calls/<f> and lines/.../<line> (see the top). */
struct list_slot {
	struct hs_tree_node key;
	bool used;
	int refs;
	uint64_t last_used;
	struct hs_db_call *calls;  /* calls/<f> */
	uint64_t *ts;              /* lines/.../<line> */
	size_t n, cap;
	/* calls/<f> of a name that covers functions of more than one
	 * signature (overloads, a template's instances): each callee's,
	 * by callee key; NULL otherwise */
	struct call_sig *sigs;
	size_t n_sigs;
};

struct call_sig {
	uint64_t callee;           /* the callee key of the database */
	char *sig;                 /* hs_src_function_signature's */
};

struct locals_slot {
	bool used;
	uint16_t image;
	uint64_t t;
	uint32_t view;            /* time/<t>.<k>'s k */
	uint64_t last_used;
	int err;                  /* -ENODATA: no debug info */
	struct hs_src_var *vars;
	size_t n;
	char note[160];
};

struct src_share {
	char *key;             /* the image's file mappings, one per line */
	struct hs_src *src;    /* owned by the image that built it */
	char *notes;
};

struct tree_src {
	struct tree_src_image *images;
	size_t n_images;
	char **source_dirs;
	size_t n_source_dirs;
	pthread_mutex_t lock;      /* the slots below */
	uint64_t clock;
	struct list_slot lists[LIST_SLOTS];
	struct locals_slot locals[LOCALS_SLOTS];
	/* the hs_src of each set of file mappings built so far: images with
	 * the same mappings share one (tree_source.c) */
	pthread_mutex_t share_lock;
	struct src_share *shared;
	size_t n_shared;
	struct tree_eval_names *eval; /* time/<t>/eval/ names (tree_src_eval.c) */
};

/* ---- tree_source.c ---------------------------------------------------------------- */
/* The state of n's image; NULL when the tree has none (no tree_src). */
struct tree_src_image *tree_src_image_of(struct hs_tree *tree, const struct hs_tree_node *n);
/* The image's debug information (borrowed, lives as long as the tree).
 * 0 or the -errno of its build (remembered: built once). */
int tree_src_get(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src **out);

/* ---- tree_src_paths.c ------------------------------------------------------------- */
/* The entry named name[0..len) in folder parent (index + 1): its index, or -1. */
int64_t tree_pt_find(const struct ptab *p, uint32_t parent, const char *name, size_t len);
/* Adds path as a file with id leaf (see there); 0 or -ENOMEM. */
void tree_pt_normalize(const char *path, char *out, size_t cap);
int tree_pt_add(struct ptab *p, const char *path, int64_t leaf);
/* Sorts the entries (order[]) once all are added; 0 or -ENOMEM. */
int tree_pt_seal(struct ptab *p);
void tree_pt_free(struct ptab *p);
/* The first position in order[] of folder parent's entries. */
size_t tree_pt_first(const struct ptab *p, uint32_t parent);
/* folder index + 1 of a lines/ or sources/ folder node (0: the top) */
uint32_t tree_src_folder_of(const struct hs_tree_node *dir);

/* ---- tree_src_where.c ------------------------------------------------------------- */
/* The registers at n->t; caller frees *out with free(). */
int tree_src_regs_at(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_db_regs **out);
/* The inlined copies gdb hides at a stop at pc (hs_src_inline_hidden; 0
 * when unknown): their caller's frame, line and variables show there. */
unsigned tree_src_hidden(struct hs_src *s, uint64_t pc);
/* The copies hidden at a stop at pc in view `view` of its moment
 * (time/<t>.<k>: the outermost k of tree_src_hidden's are shown). */
unsigned tree_src_hidden_view(struct hs_src *s, uint64_t pc, uint32_t view);
/* The caller gdb's bt shows for call c entered by a tail call: its
 * "tailcall" frame, the function that jumped, into buf; -ENOENT when gdb
 * shows none (then frame 1 is the caller of the frame it replaced). */
int tree_src_tail_caller(const struct hs_db_image *img, struct hs_src *s,
			 const struct hs_db_call *c, char *buf, size_t cap);
/* For time/<t>/eval's frame numbers, the backtrace's own tests
 * (tree_src_where.c): is pc glibc's signal trampoline, and the tail-call
 * frames the backtrace shows under the frame of call c, innermost first:
 * how many (at most TREE_TAIL_MAX), each one's jump and the moment of it. */
#define TREE_TAIL_MAX 64
bool tree_src_trampoline(struct hs_src *s, uint64_t pc);
int tree_src_tail_jumps(const struct hs_db_image *img, struct hs_src *s,
			const struct hs_db_call *c, uint64_t *jump, uint64_t *t_jump);
/* tree_src_get() and tree_src_regs_at() together: the debug information
 * and the registers at n->t (caller frees *r); 0 or the first -errno. */
int tree_src_at(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src **s,
		struct hs_db_regs **r);


/* ---- tree_src_bphit.c ------------------------------------------------------------- */
/* Whether gdb's `break f` stops in a call of f: every call, or, where
 * f's break address lies past a branch, those in whose own frame gdb's
 * `break FILE:LINE` of that address's line hits (hits: by t). */
struct tree_bphit_hit {
	uint64_t t;
	uint32_t tid, depth;
};
struct tree_bphit {
	bool every;
	struct tree_bphit_hit *hits;
	size_t n, cap;
};
/* For the calls of callee (a callee key), from its call at t_call;
 * release with tree_src_bphit_free. */
void tree_src_bphit_init(struct tree_bphit *b, const struct hs_db_image *img, struct hs_src *s,
			 uint64_t callee, uint64_t t_call);
void tree_src_bphit_free(struct tree_bphit *b);
bool tree_src_bphit(const struct tree_bphit *b, const struct hs_db_call *c);

/* ---- tree_src_links.c ------------------------------------------------------------- */
/* The *_exists answer for a link whose target lookup returned err. */
int tree_src_link_exists(int err);
/* The first moment, within a few instructions after the call at t_call,
 * at the function's entry (past a PLT stub's jump); t_call + 1 when not
 * found (a lazy binding's resolver runs first). */
uint64_t tree_src_entry_t(const struct hs_db_image *img, uint64_t entry, uint64_t t_call);
/* Where gdb's `break` on the function whose entry is entry stops in its
 * call at t_call (before the call instruction): *t, at least t_call + 1. */
void tree_src_break_t(const struct hs_db_image *img, struct hs_src *s, uint64_t entry,
		      uint64_t t_call, uint64_t *t);

/* The first instruction of thread tid after t0 outside the inlined
 * frame `frame` (an inline id of hs_src_line_info), at depth0 open calls
 * or fewer (the calls made from inside it run to their return): *t.  A
 * bounded scan; -ENOENT past it. */
int tree_src_inline_exit(const struct hs_db_image *img, struct hs_src *s, uint64_t frame,
			 uint64_t t0, uint32_t tid, int depth0, uint64_t *t);

/* ---- tree_src_next.c -------------------------------------------------------------- */
/* gdb's `next` from t (in view `view` of the moment) in a function with
 * inlined copies: *t_out. */
int tree_src_next_inline(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
			 uint32_t view, uint64_t *t_out);
/* The frame gdb shows at pc in view `view` of a moment there (an inline
 * id of hs_src_line_info, 0: the real function). */
uint64_t tree_src_shown_frame(struct hs_src *s, uint64_t pc, uint32_t view);
/* The view gdb's `step` from t0 (its last view, or no copies there)
 * shows at its stop t: 1 where it enters a copy starting at t on the
 * line it was stepping, else 0.  0 or -ENOMEM. */
int tree_src_step_view(const struct hs_db_image *img, struct hs_src *s, uint64_t t0,
		       uint64_t t, uint32_t *view);

/* gdb's `step` from t in a function with inlined copies, over a short
 * stretch of its frame: 1 and *t_from its stop; 0: the line starts
 * answer from *t_from on (a call, a return or a long stretch came first,
 * or no copies there); -ENOMEM. */
int tree_src_step_inline(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
			 uint64_t *t_from);

/* gdb's reverse-step from t (in view `view`) in a function with inlined
 * copies, run back over a short stretch of the frame: where it stops,
 * into *t_io (on entry the line starts' answer, kept where the stretch
 * decides nothing; the stop's view, 1 where gdb enters a copy starting
 * there, into *view_out).  0; 1 when it comes back to the function's
 * entry with no stop (*t_io: that moment; gdb goes on to the caller);
 * 2 where a call made from the frame returns on the way (*t_io: its last
 * instruction; gdb enters it where its step would); -ENOMEM. */
int tree_src_step_back_inline(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
			      uint32_t view, uint64_t *t_io, uint32_t *view_out);
/* gdb's reverse-step that left a frame back to its call at tc (the call
 * instruction): the state it takes
 * there run back, where it stops before the start of the call's row
 * (*t_io, the row start's answer): inside a copy that ends just before
 * the call ("stepping through inlined function"), with the view of the
 * stop in *view; where gdb goes on back over statement-less rows (a call
 * at a row's start).  0; 2 where a call made before it returns on the
 * way (*t_io: its last instruction); -ENOMEM. */
int tree_src_step_back_caller(const struct hs_db_image *img, struct hs_src *s, uint64_t tc,
			      uint64_t *t_io, uint32_t *view);
/* gdb 13's reverse-next from t in a frame without inlined copies, run
 * back instruction by instruction (tree_src_rnext.c): *t_out.  -E2BIG
 * where the walk cannot follow gdb (fs/query answers); -ENOMEM. */
int tree_src_prev_line(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
		       uint64_t *t_out);
/* gdb's reverse-next from t (in view `view`) in a function with inlined
 * copies: *t_out. */
int tree_src_prev_inline(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
			 uint32_t view, uint64_t *t_out);
/* gdb's finish in an inlined frame, from *t, the first instruction
 * outside the copy at depth open calls: where it stops, into *t. */
int tree_src_finish_inline(const struct hs_db_image *img, struct hs_src *s, int depth,
			   uint64_t *t);

/* ---- tree_src_longjmp.c ----------------------------------------------------------- */

/* step-into from t0 whose stop *t (err 0) is the entry of longjmp,
 * _longjmp, siglongjmp or _siglongjmp, where gdb's longjmp master
 * breakpoint is: gdb stops at that entry's next run on the thread (*t),
 * or nowhere (-ENOENT).  Other stops and errors are handed back as they
 * are. */
int tree_src_step_longjmp(struct hs_tree_step_ctx *sc, uint64_t t0, int err, uint64_t *t);

/* ---- tree_src_lists.c ------------------------------------------------------------- */
/* Writes calls/<f>'s fifth column for flags at p (" signal,unwound": a
 * space first; nothing when it returned; at most 20 bytes, no NUL) and
 * returns the end. */
char *tree_src_put_how(char *p, uint32_t flags);
/* calls/<f>'s caller column: gdb's frame 1 of the call, the innermost
 * inlined copy holding call_site or else its function, or 0x... */
void tree_src_caller_name(struct hs_src *s, uint64_t call_site, char *buf, size_t cap);
/* calls/'s caller of an inlined copy's entry (key: HS_DB_INLINE_KEY): the
 * frame it is inlined into, as gdb's bt names it. */
void tree_src_inline_caller(struct hs_src *s, uint64_t key, char *buf, size_t cap);
/* The view of the moment at an inlined copy's entry (key:
 * HS_DB_INLINE_KEY) that shows the copy as frame #0 (time/<t>.<k>'s k,
 * gdb's `break f` there), 0 when the copy is not hidden there. */
uint32_t tree_src_entry_view(struct hs_src *s, uint64_t key);
/* The signature of a callee key (hs_src_function_signature of the
 * function it reaches, or of an inlined copy), 0x... when none. */
void tree_src_callee_sig(const struct hs_db_image *img, struct hs_src *s, uint64_t callee,
			 char *buf, size_t cap);
/* A signature's hash with its spaces left out (how gdb's `break` compares
 * them): a K_CALL node of sub CALL_BY_SIG holds, in b, the one of the
 * overload it picks. */
uint64_t tree_src_sig_hash(const char *sig);
/* Does gdb's `break SIG` (want: tree_src_sig_hash(SIG)) stop in the
 * function of signature sig: SIG is sig, or its last components after a
 * "::" (wild matching: "size() const" for "A::X::size() const"), with or
 * without the template arguments before the parameters ("twice(int)" for
 * "twice<int>(int)", "Y::size() const" for "Y<int>::size() const")? */
bool tree_src_sig_matches(const char *sig, uint64_t want);
#define CALL_BY_SIG 1
/* calls/FILE:FUNCTION (gdb's `break same_b.c:helper`): a K_CALL node of sub
 * CALL_BY_FILE holds, in b, the bit mask of its name's callees (the first
 * 64) defined in FILE. */
#define CALL_BY_FILE 2

/* struct hs_db_step_filter's ret_line for fs/query's next (ctx: a
 * struct hs_tree_step_ctx, s may be NULL): is the caller's start at t of
 * the row's line gdb steps after the return at t_ret (1), not (0), or no
 * answer (-1)? */
int tree_src_next_ret_line(void *ctx, uint64_t t_ret, uint64_t t);

/* ---- tree_src_locals.c ------------------------------------------------------------ */

/* ---- tree_src_eval.c -------------------------------------------------------------- */
struct tree_eval_names;
void tree_eval_names_free(struct tree_eval_names *e); /* accepts NULL */

/* ---- tree_src_calls.c ------------------------------------------------------------- */
/* The image's table of callee names (si->names), built on first use. */
int tree_src_get_names(struct hs_tree *tree, const struct hs_tree_node *n,
		       struct tree_src_image **out);

/* The first t_call of callee's calls that calls/ lists: main_t
 * (tree_main_t's) for an inlined copy in the dynamic linker, else 0. */
uint64_t tree_src_calls_from(struct hs_src *s, uint64_t callee, uint64_t main_t);

/* The function a call to callee reaches: callee itself, or where the PLT
 * stub at callee leads (hs_db_stub_target); tree_src_calls.c. */
uint64_t tree_src_reached(const struct hs_db_image *img, struct hs_src *s, uint64_t callee);
/* A callee key of calls/<name> (with a PLT stub's address): the stub's own
 * stops.  gdb's C++ linespec matcher leaves out the parameter list, so
 * `break ns::work` also stops in the stub "ns::work(int)@plt" (and then in
 * the function: two hits per call); a C name (malloc@plt) is no match.
 * The stub's calls are listed under the function's names once more, with
 * the stub's name as their signature.  tree_src_reached gives the stub. */
#define TREE_STUB_STOP (UINT64_C(1) << 55)

#endif
