/* dbb_i.h - private to builder/db: the database builder's pieces.
 *
 * Files:
 *   dbb_util.c    paths, folders, errors, little-endian helpers, hashing
 *   dbb_spill.c   intermediate files: zstd streams of records
 *   dbb_pages.c   per-chunk page tracking and sorted runs of page versions
 *   dbb_fold.c    page version records: parse, apply, the merge's chain
 *   dbb_calls.c   CALLS of one shard: call stacks, t_call order, re-runs
 *   dbb_shard.c   one shard of one image: decode a chunk range
 *   dbb_merge.c   shards -> the .hdb files of one image
 *   dbb_build.c   the build: folders, threads, manifest, atomic rename
 *   dbb_verify.c  hindsight verify
 *   dbb_sort.c    external sort of fixed-size records (the merge's indexes)
 *   dbb_index.c   stacks, callee, callees, lines, lineidx, linefiles .hdb
 *   dbb_lines.c   line starts: the pass per shard, the merge's resolution
 *   dbb_threads.c THREADS: each thread's slot, OS tid and lifetime
 *   dbb_addrs.c   ADDRS: per chunk, a filter of the addresses it runs
 *
 * A shard's output for an image, in SHARD/<image>/ (all written by
 * dbb_shard.c, read by dbb_merge.c; spill streams unless said):
 *   info.json       chunk range, what was decoded, counts (json-c)
 *   chunks.sp       CHUNKS records, final format
 *   events.sp       EVENTS records, final format
 *   runs.sp         RUNS records; the first is kept even when its tid is
 *                   the one the previous shard ended with (merge drops it)
 *   calls.sp        CALLS records in t_call order; depth is the depth in
 *                   this shard (the merge adds the calls open from earlier
 *                   shards); t_ret is HS_DB_NO_RETURN when it was not
 *                   known when the record was written (see cpatch, copen)
 *   cpatch.sp       { u64 index, u64 t_ret, u32 flags, u32 pad }: calls.sp
 *                   record `index` ended later in this shard (flags:
 *                   HS_DB_CALL_UNWOUND); sorted by index
 *   copen.sp        { u64 index, u64 ret_addr, u64 t_call, u32 tid,
 *                   u32 depth, u64 sp, u32 flags, u32 ctx, u64 site }:
 *                   calls open at the shard's end, by index (sp: the slot
 *                   of the return address; flags: HS_DB_CALL_SIGNAL; site:
 *                   the call site, 0 when not known)
 *   corph.sp        { u64 t, u64 target, u32 tid, u32 kind, u32 nested,
 *                   u32 flags, u64 sp, u64 index }: what may end calls of earlier
 *                   shards, in t order: returns and indirect jumps that
 *                   left every call of the shard on their thread, with rsp
 *                   after them (kinds ORPH_SP_RET, ORPH_SP_JMP; t = t after
 *                   them; flags ORPH_POPPED: it left some of the shard's
 *                   calls first), and every return that left no call of the
 *                   shard (ORPH_SP_RET, nested = the shard's calls still
 *                   open: if any, it left nothing at all); rt_sigreturns with no handler of the
 *                   shard open (ORPH_SIGRET); thread exits (ORPH_EXIT);
 *                   returns with no rsp known that matched no call of the
 *                   shard (ORPH_RET, nested = calls of this shard open
 *                   then; flags ORPH_CLOSED: the shard took the return for
 *                   one of an earlier shard's calls and closed those nested
 *                   calls, see dbb_calls.c); ORPH_SP_JMP with
 *                   ORPH_TAILCAND: a possible tail call out of a call of
 *                   an earlier shard (ORPH_TAILED: taken, by call `index`
 *                   of this shard, whose return address and call site are
 *                   then G's call's); stack switches (ORPH_CTXSW, t the
 *                   first t on the new stack, flags its context id:
 *                   dbb_calls.c)
 *   pages.<k>.sp    PAGES records sorted by (page, chunk): sorted runs
 *                   of this shard's page versions, k = 0, 1, ...
 *   addrs.sp        ADDRS records, final format, one per chunk decoded
 */
#ifndef HS_DBB_I_H
#define HS_DBB_I_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hindsight/dbbuild.h"
#include "hindsight/dbbuild_stages.h"
#include "hindsight/dbfile.h"
#include "hindsight/dbsort.h"
#include "hindsight/trace.h"
#include "hindsight/util.h"

#define DBB_PAGE_SHIFT 12
#define DBB_PAGE_MASK ((uint64_t)HS_DB_PAGE - 1)

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "dbb_put/dbb_get assume a little-endian host");

/* ---- dbb_util.c ------------------------------------------------------------ */

void dbb_err_set(struct hs_dbb_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "a/b" into a new string (caller frees); NULL when out of memory. */
char *dbb_path(const char *a, const char *b);
/* mkdir -p of one level; EEXIST is fine. */
int dbb_mkdir(const char *path);
/* rm -rf; missing is fine. */
int dbb_rmtree(const char *path);
/* fsync a folder; and every folder below it. */
int dbb_fsync_dir(const char *path);
int dbb_fsync_tree(const char *path);
/* Bytes under a folder (regular files, recursively). */
uint64_t dbb_tree_bytes(const char *path);
/* XXH64 (seed 0) and size of a whole file. */
int dbb_file_xxh(const char *path, uint64_t *xxh, uint64_t *size);
/* Writes data to path (O_EXCL) and fsyncs it. */
int dbb_write_file(const char *path, const void *data, size_t len);
/* The whole file into a new NUL-terminated buffer (caller frees). */
int dbb_read_file(const char *path, char **data, size_t *len);
double dbb_now(void);

/* ---- dbb_spill.c --------------------------------------------------------- */

struct dbb_spill_w;
struct dbb_spill_r;

/* A zstd stream (level 1, with content checksums) written through a
 * buffer.  Caller finishes it with dbb_spill_close (which fsyncs when
 * sync is set) or drops it with dbb_spill_abort. */
int dbb_spill_create(const char *path, struct dbb_spill_w **out);
/* dbb_spill_create() of dir/name. */
int dbb_spill_create_in(const char *dir, const char *name, struct dbb_spill_w **out);
int dbb_spill_write(struct dbb_spill_w *w, const void *p, size_t n);
uint64_t dbb_spill_records(const struct dbb_spill_w *w); /* writes so far */
int dbb_spill_close(struct dbb_spill_w *w, bool sync);
void dbb_spill_abort(struct dbb_spill_w *w);
/* The reader: hindsight/dbbuild_stages.h. */


/* ---- dbb_pages.c: hindsight/dbbuild_stages.h -------------------------------- */

/* ---- dbb_fold.c (dbb_page_hdr: hindsight/dbbuild_stages.h) ------------------- */

/* The masked bytes of page (address order) into out; returns how many. */
uint32_t dbb_mask_gather(const uint8_t *mask, const uint8_t *page, uint8_t *out);
bool dbb_mask_full(const uint8_t *mask);

/* ---- dbb_calls.c (the tracker's calls: hindsight/dbbuild_stages.h) ---------- */

/* The modules whose symbols tell tail calls (borrowed, may be NULL: then
 * no jump is one); g_empty: no calls of earlier shards can be open (the
 * first shard), so none is left by a tail call.  0 or -ENOMEM. */
struct dbb_lsrc;
int dbb_calls_set_src(struct dbb_calls *c, struct dbb_lsrc *ls, bool g_empty);
/* The decoder's callbacks, for the tracker: jumps (calls, returns,
 * indirect jumps, the direct jmps dbb_lsrc_keep_direct kept), events
 * (signals, thread exits) and register dumps. */
int dbb_calls_jump(struct dbb_calls *c, const struct hs_trace_decoder *d, uint64_t t,
		   uint32_t tid, uint32_t jk, uint64_t addr, uint32_t len, uint64_t dst);
int dbb_calls_event(struct dbb_calls *c, const struct hs_trace_decoder *d, uint64_t t,
		    uint32_t tag, const uint8_t *pl, uint32_t len);
int dbb_calls_regs(struct dbb_calls *c, uint64_t t, uint32_t tid, uint32_t reason,
		   const uint8_t *state);

/* The frame rule (db_format.h, CALLS), shared by the shards and the merge:
 * is a frame with return slot f_sp (flags: HS_DB_CALL_SIGNAL) left by a
 * return (is_ret) or an indirect jump with rsp sp after it?  A handler's
 * return into its restorer leaves its frame open until rt_sigreturn. */
static inline bool dbb_calls_left(uint64_t f_sp, uint32_t f_flags, bool is_ret, uint64_t sp)
{
	return f_sp < sp && !(is_ret && (f_flags & HS_DB_CALL_SIGNAL) && f_sp + 8 == sp);
}

/* Did a frame left that way return (its own slot popped, to its return
 * address), or was it unwound? */
/* A tail call's record (db_format.h, CALLS) has the call site of the call
 * it replaced; 0 in a shard's until the merge knows it (G's call). */
static inline bool dbb_calls_returned(uint64_t f_sp, uint64_t f_ret_addr, bool is_ret,
				      uint64_t target, uint64_t sp)
{
	/* f_ret_addr 0: not known (a shard's tail call out of a call of G) */
	return is_ret && f_sp + 8 == sp && (f_ret_addr == target || !f_ret_addr);
}

struct dbb_image;
/* Decodes chunks [c0, c1) of img again for their calls alone, starting
 * from the open calls ext, into dir (created by the caller).  Loads
 * img->code if the image was opened without it. */
int dbb_calls_redo(struct dbb_image *img, size_t c0, size_t c1,
		   const struct dbb_calls_ext *ext, const char *dir, struct hs_dbb_err *err);

/* ---- dbb_shard.c ---------------------------------------------------------- */

struct dbb_image {
	char name[24];               /* "<pid>.<n>" */
	struct hs_dbfile_ident id;   /* in every .hdb header of the image */
	char *dir;                   /* TRACE/procs/<name> */
	const char *pack_dir;        /* TRACE/pack or NULL: the build's */
	struct hs_trace_file *stream;
	struct hs_trace_code *code;  /* shared read-only by the shards */
	struct hs_trace_mem_files *files;
	bool incomplete;             /* cut short (no LAST chunk, truncated) */
	bool killed;                 /* no LAST chunk, but its recorded parent
				      * saw SIGKILL end it (HS_IMAGE_KILLED):
				      * it ended at its last whole chunk */
	int calls_guess;             /* hs_dbb_opts.calls_guess */
	unsigned merge_threads;      /* hs_dbb_opts.threads: the merge's
				      * threads; 0: one per CPU */
	struct dbb_lcache *lcache;   /* the build's loaded modules (borrowed) */
	struct dbb_warnlog *warn;    /* the build's notes said once (borrowed) */
	struct dbb_lsrc *lsrc;       /* start-up modules (or NULL): the shards'
				      * fused line pass when they have lines,
				      * the calls tracker's tail calls */
	struct dbb_fmap *smaps;      /* the start-up maps (dbb_lines_startup),
				      * when the build computed them */
	size_t n_smaps;
	bool have_smaps;
	/* A forked image starts with its parent's mappings, which are no
	 * events of its own: the parent (an earlier image of this build, or
	 * NULL) and, once the parent is merged, all the parent's file maps. */
	struct dbb_image *parent;
	uint64_t parent_t;
	struct dbb_fmap *all_maps;
	size_t n_all_maps;
	size_t n_chunks;
	unsigned n_shards;
	size_t *first;               /* [N + 1]: shard s has chunks
				      * [first[s], first[s+1]) */
	/* The shards' state (code, files, smaps, lsrc) is loaded by the
	 * image's first task and code, files and lsrc freed after its last
	 * (dbb_build.c): a recording of hundreds of processes holds only the
	 * images being decoded, not all (each one's line sources alone can
	 * be 70 MB: libc's debug info). */
	/* Called by dbb_merge_image after each of its steps (NULL: not):
	 * the build's progress line. */
	void (*merge_step)(void *ctx, unsigned step, unsigned steps);
	void *merge_ctx;
	pthread_mutex_t load_lock;
	bool want_load, loaded;
	int load_err;
	unsigned tasks_left;
};

/* The shard ranges of an image: N contiguous ranges balanced by raw size.
 * first has N + 1 entries. */
void dbb_split(const struct hs_trace_file *stream, unsigned n, size_t *first);

struct dbb_progress {
	uint64_t total;              /* instructions to decode, estimated */
	uint64_t done;               /* atomically added per chunk */
};

/* Loads img->code (its code.hst) unless it is there: 0, or an error with
 * its message in err (dbb_util.c). */
int dbb_image_code(struct dbb_image *img, struct hs_dbb_err *err);

/* Decodes shard s of img into out_dir (created by the caller), keeping up
 * to run_bytes of page versions in memory before it writes a sorted run.
 * A decode error in an incomplete recording ends the shard early
 * (info.json says where) with a warning; in a complete one it is an
 * error. */
int dbb_shard_run(struct dbb_image *img, unsigned s, const char *out_dir,
		  bool sync, size_t run_bytes, struct dbb_progress *prog, FILE *log,
		  struct hs_dbb_err *err);

/* ---- dbb_merge.c ----------------------------------------------------------- */

struct dbb_image_result {
	uint64_t instructions;   /* end_t of the last chunk merged */
	uint64_t chunks;
	uint64_t unmatched_returns; /* returns that closed no call */
	uint64_t threads;        /* THREADS records: threads the image had */
	bool truncated;          /* a shard stopped early */
};

/* Joins the n shard folders SHARD_DIRS[s]/<image> into out_dir/<image>/;
 * img->first[0..n] are the image's shard ranges (dbb_split), which the
 * shards must have been built with.  A shard whose calls depend on what
 * earlier shards left open in a way it guessed wrong is decoded again for
 * its calls (img->stream; img->code is loaded then if it is NULL). */
int dbb_merge_image(struct dbb_image *img, char *const *shard_dirs, unsigned n,
		    const char *out_dir, int level, FILE *log,
		    struct dbb_image_result *res, struct hs_dbb_err *err);
/* Is img small enough (few chunks) that its merge runs in one thread?
 * Such images merge side by side (dbb_build.c). */
bool dbb_merge_small(const struct dbb_image *img);

/* ---- dbb_util.c ------------------------------------------------------------- */

/* Threads each output file of the merge compresses its blocks with: the
 * online CPUs (the merge's own work is a few serial streams; zstd is most
 * of its time). */
unsigned dbb_compress_threads(void);
/* Runs fn(ctx, i) for i = 0..n-1, each in a thread of its own (i = 0 in
 * the caller's), and returns when all have; where a thread cannot start,
 * its i runs in the caller's.  fn must not depend on which runs where. */
void dbb_parallel(unsigned n, void (*fn)(void *ctx, unsigned i), void *ctx);

/* ---- dbb_sort.c: hindsight/dbsort.h ----------------------------------------- */

/* ---- dbb_threads.c: hindsight/dbbuild_stages.h ------------------------------- */

/* ---- dbb_addrs.c ---------------------------------------------------------- */

/* One shard's ADDRS (db_format.h): feed it every instruction's address,
 * end each chunk; it writes addrs.sp into dir.  Caller frees with
 * dbb_addrs_free. */
struct dbb_addrs;
int dbb_addrs_new(const char *dir, struct dbb_addrs **out);
void dbb_addrs_free(struct dbb_addrs *a); /* accepts NULL */
/* The per-instruction fast path, first in struct dbb_addrs: the address
 * is in the chunk's set already at its first slot. */
#define DBB_ADDRS_MUL 0x9e3779b97f4a7c15ull
struct dbb_addrs_head {
	uint64_t *tab;            /* the set's slots, 0: empty */
	unsigned shift;           /* 64 - log2(slots) */
};
int dbb_addrs_insn_slow(struct dbb_addrs *a, uint64_t rip);
static inline int dbb_addrs_insn(struct dbb_addrs *a, uint64_t rip)
{
	const struct dbb_addrs_head *h = (const struct dbb_addrs_head *)a;

	if (h->tab[(rip * DBB_ADDRS_MUL) >> h->shift] == rip)
		return 0;
	return dbb_addrs_insn_slow(a, rip);
}
/* The chunk (seq) ended: its record goes out and the set empties. */
int dbb_addrs_chunk_end(struct dbb_addrs *a, uint64_t seq);
int dbb_addrs_finish(struct dbb_addrs *a, bool sync);
/* addrs.hdb in out from the shards' addrs.sp (dirs[s], chunks[s] chunks
 * each, in order). */
int dbb_addrs_merge(const char *out, const struct hs_dbfile_ident *id, int level,
		    unsigned threads, char *const *dirs, const uint64_t *chunks, unsigned n,
		    struct hs_dbb_err *err);

/* ---- dbb_lines.c, dbb_index.c ----------------------------------------------- */

/* A thread's exit (HS_EV_THREAD_EXIT), sorted by (tid, t). */
struct dbb_exit {
	uint32_t tid;
	uint64_t t;
};

/* A file-backed mapping of the image (an HS_EV_MAP with HS_MAP_FILE). */
struct dbb_fmap {
	char *path;
	uint64_t start, end, offset;
	uint32_t prot;
	uint64_t t;              /* of the event */
};

/* The resolved line starts of an image: res_path holds LINES records by t
 * whose file_id indexes the provisional table and whose depth field says
 * which they are: DBB_LINE_STEP a line start (gdb's step stop: lines.hdb),
 * DBB_LINE_BP a hit of gdb's `break FILE:LINE` (lineidx.hdb, lines/); remap[] turns it
 * into the final id, files[final] is the path.  inl: the entries of
 * inlined copies (CALLS records, depth 0), finished, by t_call (NULL:
 * none). */
enum { DBB_LINE_STEP = 0, DBB_LINE_BP = 1 };
struct dbb_sort;
struct dbb_lines {
	char *res_path;
	struct dbb_sort *inl;
	uint32_t *remap;
	char **files;
	size_t n_files;
};

/* Where a build's warnings about modules go, each said once: the images
 * of a recording of many processes map the same files ("stripped: no
 * symbols" once, not once per process).  Zero-initialised but for f and
 * the lock (dbb_warnlog_init); dbb_warnlog_free frees what it kept. */
struct dbb_warnlog {
	FILE *f;
	pthread_mutex_t lock;
	uint64_t *said;       /* XXH64 of each line said */
	size_t n, cap;
};
void dbb_warnlog_init(struct dbb_warnlog *w, FILE *f);
void dbb_warnlog_free(struct dbb_warnlog *w);
/* "hindsight build: KIND: LINE" on w's file, unless said before in this
 * build (w NULL: nowhere). */
void dbb_warnlog_say(struct dbb_warnlog *w, const char *kind, const char *line);

/* The modules of a set of mappings (fs/source), but the dynamic linker's
 * (dbb_lsrc.c).  A build loads each set once: images that map the same
 * files at the same places share it through the build's cache, which
 * says the modules' warnings to log once and keeps a few unused sets for
 * a next image.  Thread-safe.  dbb_lcache_free after every dbb_lsrc of
 * it is freed. */
struct dbb_lcache;
int dbb_lcache_new(struct dbb_warnlog *log, const char *pack_dir, struct dbb_lcache **out);
void dbb_lcache_free(struct dbb_lcache *c); /* accepts NULL */

/* The set of maps, from cache (NULL: loaded for the caller alone, from
 * pack_dir, its warnings said nowhere).  *out stays NULL when no module
 * has lines, unless symbols (the calls tracker's tail calls want symbols
 * alone).  The caller releases *out with dbb_lsrc_free. */
struct dbb_lsrc;
struct dbb_range {
	uint64_t start, end;
	bool inline_only;        /* the dynamic linker: inlined copies, no lines */
};
int dbb_lsrc_new(struct dbb_lcache *cache, const struct dbb_fmap *maps, size_t n_maps,
		 bool symbols, const char *pack_dir, struct dbb_lsrc **out);
struct hs_src *dbb_lsrc_src(const struct dbb_lsrc *ls); /* borrowed */
/* The modules with lines, as whole pages (borrowed; ls NULL: none). */
const struct dbb_range *dbb_lsrc_ranges(const struct dbb_lsrc *ls, size_t *n);
bool dbb_lsrc_has_lines(const struct dbb_lsrc *ls); /* accepts NULL */
/* Is a jump from `from` to `to` a tail call's by the symbols: `to` is a
 * function's entry (not a .cold part), `from` is in another function,
 * which is no PLT stub, or in code without a symbol.  Thread-safe (fs/source locks), not cheap: the
 * caller caches. */
bool dbb_lsrc_tail_target(struct dbb_lsrc *ls, uint64_t from, uint64_t to);
/* Leaves in code only the direct jmps that dbb_lsrc_tail_target may take
 * (ls NULL: none), for the decoder to report (hs_trace_code_keep_direct):
 * before any shard decodes. */
void dbb_lsrc_keep_direct(struct dbb_lsrc *ls, struct hs_trace_code *code);
void dbb_lsrc_free(struct dbb_lsrc *ls); /* accepts NULL */
/* Does a have every module with lines of b (NULL: none)? */
bool dbb_lsrc_covers(const struct dbb_lsrc *a, const struct dbb_lsrc *b);

/* The start-up mappings: the file maps of the chunks that start before t =
 * DBB_LINES_STARTUP_T; every shard of every build runs its line pass,
 * fused into its decode, with the modules these make.  Caller frees *maps
 * with dbb_fmaps_free. */
#define DBB_LINES_STARTUP_T 2000000u
int dbb_lines_startup(struct dbb_image *img, struct dbb_fmap **maps, size_t *n);
void dbb_fmaps_free(struct dbb_fmap *maps, size_t n);
/* Appends mp (an HS_EV_MAP with its path) to the array *v of *n (capacity
 * *cap; hs_grow), its path copied; t is left to the caller.  0 or
 * -ENOMEM (*n unchanged). */
int dbb_fmap_add(struct dbb_fmap **v, size_t *cap, size_t *n, const struct hs_trace_map *mp);

/* One shard's line pass: feed it the decoder's instructions, calls and
 * thread exits; dbb_lpass_finish writes lines.sp, lfiles.sp, lfinal.sp
 * into dir (dbb_lines.c). */
struct dbb_lpass;
int dbb_lpass_new(const struct dbb_lsrc *ls, const char *dir, struct dbb_lpass **out);
/* What the per-instruction fast path needs, first in struct dbb_lpass: most
 * instructions of most programs are on a page without lines, known from
 * the last instruction's (a call per instruction costs more than that). */
struct dbb_lpass_head {
	uint64_t last_page;
	bool last_in;
};
int dbb_lpass_insn_slow(struct dbb_lpass *p, uint64_t t, uint32_t tid, uint64_t rip);
static inline int dbb_lpass_insn(struct dbb_lpass *p, uint64_t t, uint32_t tid, uint64_t rip)
{
	const struct dbb_lpass_head *h = (const struct dbb_lpass_head *)p;

	if (rip >> 12 == h->last_page && !h->last_in)
		return 0;
	return dbb_lpass_insn_slow(p, t, tid, rip);
}
int dbb_lpass_jump(struct dbb_lpass *p, uint64_t t, uint32_t tid, uint32_t jk, uint64_t addr,
		   uint64_t dst);
int dbb_lpass_event(struct dbb_lpass *p, uint64_t t, uint32_t tid, uint32_t tag,
		    const uint8_t *pl, uint32_t len);
int dbb_lpass_finish(struct dbb_lpass *p);
void dbb_lpass_free(struct dbb_lpass *p); /* accepts NULL */

/* The line starts of an image in the merge: none when no module (of all
 * its maps) has lines; the shards' own passes (shard_dirs[s]) when the
 * start-up modules cover those with lines; else a second pass over the
 * shards' chunk ranges [first[s], end[s]) in threads, in tmp/.  Caller
 * frees *out with dbb_lines_free. */
int dbb_lines_build(struct dbb_image *img, const struct dbb_fmap *maps, size_t n_maps,
		    char *const *shard_dirs, const size_t *first, const size_t *end, unsigned n,
		    const char *tmp, FILE *log, struct dbb_lines **out, struct hs_dbb_err *err);
void dbb_lines_free(struct dbb_lines *l); /* accepts NULL */

/* The entries of inlined copies (dbb_inl.c), found by a shard's line
 * pass: dbb_inl_insn for each instruction of a module with DWARF (fin:
 * the innermost copy at rip, entry: rip is a copy's entry), dbb_inl_jump
 * for calls and returns, dbb_inl_exit for a thread's exit; finish writes
 * linl.sp in the shard's folder.  dbb_inl_resolve joins the shards' (in
 * order) into a finished sort by t_call (caller frees); get_src(ctx)
 * gives the fs/source handle the shards used, when it is needed. */
struct hs_src;
struct dbb_inl;
int dbb_inl_new(struct hs_src *src, const char *dir, struct dbb_inl **out);
/* First in struct dbb_inl: quiet[tid] says the thread has no copy open
 * and nothing to report, so only an instruction at a copy's entry needs
 * dbb_inl_insn (the line pass asks per instruction). */
struct dbb_inl_head {
	uint8_t *quiet;
	size_t n_quiet;
};
static inline bool dbb_inl_quiet(const struct dbb_inl *x, uint32_t tid)
{
	const struct dbb_inl_head *h = (const struct dbb_inl_head *)x;

	return tid < h->n_quiet && h->quiet[tid];
}
int dbb_inl_insn(struct dbb_inl *x, uint64_t t, uint32_t tid, uint64_t rip, uint64_t fin,
		 bool entry);
int dbb_inl_jump(struct dbb_inl *x, uint64_t t, uint32_t tid, bool is_ret);
int dbb_inl_exit(struct dbb_inl *x, uint64_t t, uint32_t tid);
/* A handler's delivery (HS_EV_SIGNAL, not fatal) and its rt_sigreturn. */
int dbb_inl_signal(struct dbb_inl *x, uint64_t t, uint32_t tid);
int dbb_inl_sigreturn(struct dbb_inl *x, uint64_t t, uint32_t tid);
int dbb_inl_finish(struct dbb_inl *x);
void dbb_inl_free(struct dbb_inl *x); /* accepts NULL */
int dbb_inl_resolve(struct hs_src *(*get_src)(void *ctx), void *ctx, char *const *dirs,
		    unsigned n, const char *tmp, struct dbb_sort **out);

struct dbb_index;
/* Makes the indexes of db_format.h's source-level section in out/ (the
 * image's db folder), using tmp/ for sort runs; exits by (tid, t); lines
 * may be NULL (no line starts); threads: compression workers per file and
 * the sorts' threads (1: none, all in the caller's).  Feed every CALLS
 * record in t_call order with dbb_index_call, then dbb_index_finish. */
int dbb_index_new(const char *out, const struct hs_dbfile_ident *id, const char *tmp,
		  int level, unsigned threads, const struct dbb_exit *exits, size_t n_exits,
		  const struct dbb_lines *lines, struct hs_dbb_err *err, struct dbb_index **outp);
int dbb_index_call(struct dbb_index *x, const uint8_t *rec);
/* The stack switches (CTXSW records in t order), kept until the end. */
void dbb_index_set_switches(struct dbb_index *x, const uint8_t *sw, size_t n);
int dbb_index_finish(struct dbb_index *x);
void dbb_index_free(struct dbb_index *x); /* accepts NULL */

/* hs_grow_zero() (hindsight/util.h); the name stays for dbb_calls.c,
 * dbb_inl.c and dbb_lines.c until their owners rename their calls. */
#define dbb_grow_zero hs_grow_zero

#endif
