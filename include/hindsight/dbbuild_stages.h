/* dbbuild_stages.h - the database builder's stages, one at a time.
 *
 * Owner: builder/db (libhsdb.a).  Users: builder/db itself (dbb_i.h
 * includes this) and tests/unit/test_dbbuild.c, which drives each stage
 * alone and checks what it spills, against a model.  Not an API for
 * anything else: it follows the builder's insides (the spill files below
 * are intermediate, described in builder/db/dbb_i.h, and change without a
 * format version); a reader of a database uses hindsight/db.h.
 *
 * What a shard runs, by stage:
 *   pages   the memory visitor handed to builder/trace; page versions per
 *           chunk, in sorted runs DIR/pages.<k>.sp of PAGES records
 *           (db_format.h, headers by dbb_page_hdr)
 *   calls   the call tracker: CALLS records in calls.sp, what may end
 *           calls of earlier shards in corph.sp (DBB_CORPH_REC records,
 *           kinds ORPH_*; the layout of these files is in
 *           builder/db/dbb_i.h's opening comment)
 *   threads the THREADS records of one image, from its events
 *   spill   the reader of those intermediate files (zstd streams of
 *           fixed-size records)
 *
 * Ownership: each *_new hands back an object the caller frees with the
 * matching *_free (NULL accepted where said).  Threads: one object, one
 * thread.  Errors: 0 or -errno (-ENOMEM, -EIO, -EBADMSG for a damaged
 * spill file, the system call's for files).
 */
#ifndef HINDSIGHT_DBBUILD_STAGES_H
#define HINDSIGHT_DBBUILD_STAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hindsight/db_format.h"
#include "hindsight/trace.h"

/* ---- spill files (dbb_spill.c): the reader -------------------------------- */

struct dbb_spill_r;

int dbb_spill_open(const char *path, struct dbb_spill_r **out);
/* Reads exactly n bytes: 1; 0 at a clean end (nothing left); -EBADMSG
 * when the stream ends inside them or is corrupt; -EIO. */
int dbb_spill_read(struct dbb_spill_r *r, void *p, size_t n);
void dbb_spill_close_r(struct dbb_spill_r *r); /* accepts NULL */

/* ---- pages (dbb_pages.c, dbb_fold.c) -------------------------------------- */

struct dbb_pages;

/* dir: where the runs go (pages.<k>.sp); run_bytes: raw bytes of versions
 * kept in memory before a sorted run is written. */
int dbb_pages_new(const char *dir, size_t run_bytes, bool sync,
		  struct dbb_pages **out);
void dbb_pages_free(struct dbb_pages *pg);
/* The memory visitor (ctx = pg) that the shard hands to builder/trace. */
void dbb_pages_visitor(struct dbb_pages *pg, struct hs_trace_mem_visitor *v);
/* Chunk boundaries: versions of every page touched since chunk_begin are
 * made at chunk_end (end_t: that chunk's end). */
void dbb_pages_chunk_begin(struct dbb_pages *pg, uint64_t seq);
int dbb_pages_chunk_end(struct dbb_pages *pg, uint64_t end_t);
/* Writes the last run; *n_runs: how many pages.<k>.sp there are. */
int dbb_pages_finish(struct dbb_pages *pg, unsigned *n_runs);
uint64_t dbb_pages_versions(const struct dbb_pages *pg);

/* Header of a PAGES record into buf (HS_DB_PAGE_HDR bytes). */
void dbb_page_hdr(uint8_t *buf, uint64_t page, uint64_t chunk, uint64_t t,
		  uint32_t kind, uint32_t flags, uint64_t copy_src,
		  uint64_t copy_t, const uint8_t *mask, uint32_t data_len);
/* Bytes a PAGES record's mask (HS_DB_MASK_BYTES) marks. */
uint32_t dbb_mask_count(const uint8_t *mask);

/* ---- calls (dbb_calls.c) -------------------------------------------------- */

/* Records of the tracker's intermediate files (see dbb_i.h): copen.sp,
 * cpatch.sp, corph.sp, and corph.sp's kinds and flags. */
#define DBB_COPEN_REC 56
#define DBB_CPATCH_REC 24
#define DBB_CORPH_REC 48
enum { ORPH_RET = 1, ORPH_EXIT = 2, ORPH_SP_RET = 3, ORPH_SP_JMP = 4, ORPH_SIGRET = 5,
       ORPH_CTXSW = 6 /* a stack switch: to context `flags` at t (dbb_calls.c) */ };
#define ORPH_CLOSED 0x1u   /* ORPH_RET: the shard closed its open calls */
#define ORPH_POPPED 0x2u   /* ORPH_SP_*: it left calls of the shard too */
#define ORPH_TAILCAND 0x4u /* ORPH_SP_JMP: a jump to a function's entry from
			    * another, with no call of the shard open */
#define ORPH_TAILED 0x8u   /* ... the shard took it for a tail call out of
			    * the innermost call of G left (slot == sp) and
			    * opened call `index` in its place */
#define ORPH_TAILSIG 0x10u /* ... which it took for a handler's (in exact
			    * mode: its call carries HS_DB_CALL_SIGNAL) */

/* The calls open before a shard (the merge's G), per thread, outermost
 * first: what an exact re-run starts from. */
struct dbb_calls_ext {
	size_t n_tids;
	size_t *n;              /* [tid] open calls */
	uint64_t **ret_addr;    /* [tid][k]: their return addresses */
	uint64_t **sp;          /* [tid][k]: their slots (NULL: unknown, no
				 * tail call out of them is taken) */
	uint32_t **flags;       /* [tid][k]: their HS_DB_CALL_SIGNAL */
	uint64_t **site;        /* [tid][k]: their call sites (with sp) */
};

struct dbb_calls;

/* A tracker writing calls.sp and corph.sp now, copen.sp and cpatch.sp at
 * dbb_calls_finish, into dir.  ext NULL: a shard, which guesses how its
 * orphan returns resolve (guess: enum hs_dbb_guess); else exact.  Caller
 * frees with dbb_calls_free. */
int dbb_calls_new(const char *dir, bool sync, const struct dbb_calls_ext *ext,
		  int guess, struct dbb_calls **out);
void dbb_calls_free(struct dbb_calls *c); /* accepts NULL */
/* A call retired at t (before it) from site (len bytes) to callee; sp is
 * rsp after it (the slot of its return address). */
int dbb_calls_call(struct dbb_calls *c, uint64_t t, uint32_t tid, uint64_t site,
		   uint32_t len, uint64_t callee, uint64_t sp);
/* A return to target; t_ret is t after it, sp rsp after it (when known). */
int dbb_calls_ret(struct dbb_calls *c, uint64_t t_ret, uint32_t tid, uint64_t target,
		  bool have_sp, uint64_t sp);
/* A return (is_ret) or an indirect jump to target with rsp sp after it:
 * the frames it leaves end at t_ret (db_format.h, CALLS). */
int dbb_calls_leave(struct dbb_calls *c, uint64_t t_ret, uint32_t tid, bool is_ret,
		    uint64_t target, uint64_t sp);
/* Signal delivery to tid begins at t, interrupting the code at site; the
 * handler's first state (the thread's next HS_REGS_SIGNAL dump, in the
 * same chunk) enters it as a call (dbb_calls_handler); rt_sigreturn ends
 * it. */
int dbb_calls_signal(struct dbb_calls *c, uint64_t t, uint32_t tid, uint64_t site);
int dbb_calls_handler(struct dbb_calls *c, uint64_t t, uint32_t tid, uint64_t handler,
		      uint64_t sp);
int dbb_calls_sigreturn(struct dbb_calls *c, uint64_t t, uint32_t tid);
int dbb_calls_thread_exit(struct dbb_calls *c, uint64_t t, uint32_t tid);
int dbb_calls_finish(struct dbb_calls *c);
uint64_t dbb_calls_count(const struct dbb_calls *c);

/* ---- threads (dbb_threads.c) ---------------------------------------------- */

/* The threads of one image, from its events fed in stream order (the
 * merge's pass over events.hdb); dbb_threads_record gives the THREADS
 * records (db_format.h) in key order. */
struct dbb_threads;
int dbb_threads_new(struct dbb_threads **out);
void dbb_threads_free(struct dbb_threads *th); /* accepts NULL */
int dbb_threads_event(struct dbb_threads *th, uint64_t t, uint32_t tag, const uint8_t *pl,
		      uint32_t len);
size_t dbb_threads_count(const struct dbb_threads *th);
void dbb_threads_record(const struct dbb_threads *th, size_t i, uint8_t rec[HS_DB_THREAD_REC]);

#endif
