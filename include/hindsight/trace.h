/* trace.h - the trace reader: decodes a raw Hindsight recording.
 *
 * Owner: builder/trace (libhstrace.a).  Users: builder/cli, the database
 * builder, tests.  The format it reads is include/hindsight/trace_format.h.
 *
 * Layers, bottom up:
 *
 *   hs_trace_list_procs()   TRACE/procs/<pid>.<n>/ folders, sorted
 *   hs_trace_file_*         one .hst file: header, chunk index, one chunk
 *                           checked (XXH64) and decompressed (zstd)
 *   hs_trace_code_*         all of code.hst, parsed once, then read-only:
 *                           share one between threads
 *   hs_trace_decoder_*      decodes stream chunks, in order or starting at
 *                           any chunk (a sync point), calls a visitor,
 *                           rebuilds every thread's registers and checks
 *                           them against the recorder's register dumps
 *   hs_trace_image_*        the three above for one process image
 *
 * Errors: every fallible call returns 0 or -errno (-EBADMSG for a damaged
 * or inconsistent recording, -EIO for a failed read, -ENOMEM) and, when
 * `err` is not NULL, writes one line naming the file and the chunk.
 *
 * Threads: a file, a code table and a decoder may each be used by one
 * thread at a time; a file and a code table are not modified after they are
 * opened, so many threads may read them at once, each with its own
 * hs_trace_chunk and decoder.
 *
 * Guest state: a thread's registers are Valgrind's VexGuestAMD64State
 * (3.19 layout, HS_GUEST_STATE_SIZE bytes), handed out as raw bytes so
 * that users need no Valgrind headers; hs_trace_regs_get() extracts the
 * architectural registers.
 */
#ifndef HINDSIGHT_TRACE_H
#define HINDSIGHT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hindsight/le.h"
#include "hindsight/trace_format.h"

/* ---- errors ------------------------------------------------------------ */

struct hs_trace_err {
	char msg[384]; /* one line, no trailing newline; "" when none */
};

/* ---- little-endian readers (also for parsing event payloads) ----------- */

/* hs_le16/32/64 (hindsight/le.h).  The old names stay for server/gdb
 * until its owner renames its calls. */
#define hs_trace_le16 hs_le16
#define hs_trace_le32 hs_le32
#define hs_trace_le64 hs_le64

/* ---- process images ------------------------------------------------------ */

struct hs_trace_proc {
	uint32_t pid;
	uint32_t exec_index;
	char name[24]; /* "<pid>.<n>" */
	char *dir;     /* "TRACE/procs/<pid>.<n>", owned by the array */
};

/* Lists TRACE/procs/<pid>.<n>/ sorted by pid, then n, from the first
 * process's pid up and then the pids that wrapped around below it (so
 * the first process is first, in creation order).  On success the
 * caller owns *procs and frees it with hs_trace_procs_free(*procs, *n).
 * A folder with no process image is not an error (*n == 0).  An image
 * whose stream.hst is missing or empty (its recorder killed before it
 * wrote the header) recorded nothing and is not listed. */
int hs_trace_list_procs(const char *trace_dir, struct hs_trace_proc **procs,
			size_t *n, struct hs_trace_err *err);
void hs_trace_procs_free(struct hs_trace_proc *procs, size_t n);

/* TRACE/pack when the recording is packed (hindsight pack: it holds a
 * manifest.json), else NULL (or out of memory).  Caller frees.  The
 * layout is described in builder/trace/trace_pack.c. */
char *hs_trace_pack_dir(const char *trace_dir);

/* Whether a file mapping's path (len bytes, no NUL needed) is Valgrind's
 * tool executable (<libdir>/valgrind/<tool>-amd64-linux, at 0x58000000).
 * Valgrind hands its trampoline page to the client, so the recorder
 * reports that page as a file mapping: the recording needs its bytes (the
 * client runs the trampolines), but it is no module of the program (no
 * symbols, lines or malloc of the tool's). */
bool hs_trace_map_is_tool(const char *path, size_t len);

/* An HS_EV_MAP payload (trace_format.h), its fixed fields read.  path
 * points into the payload: path_len bytes, no NUL. */
struct hs_trace_map {
	uint64_t addr, len;
	uint32_t prot, kind, flags;  /* PROT_*, enum hs_map_kind, HS_MAP_* */
	uint64_t file_offset, dev, ino, content_xxh;
	uint32_t path_len, build_id_len;
	const char *path;
};

/* Reads the payload pl of len bytes into *m: 0, or -EBADMSG when it is
 * shorter than its fixed part (HS_MAP_FIXED bytes) or than the path it
 * announces (the build id after it is not checked: most readers do not
 * use it). */
int hs_trace_map_parse(const uint8_t *pl, size_t len, struct hs_trace_map *m);

/* ---- one .hst file -------------------------------------------------------- */

/* struct hs_trace_file_header, struct hs_trace_chunk_info: trace_format.h */

struct hs_trace_file;

/* Reads and checks the file header (magic must equal `magic`, e.g.
 * HS_STREAM_MAGIC), then indexes every chunk header (each one checked).
 * Payloads are read later, by hs_trace_file_read_chunk().  A last chunk
 * cut short by the end of the file is left out of the index and flags the
 * file as truncated; that is not an error.  A file recorded under another
 * Valgrind than the one this library was built against is -EBADMSG, its
 * message naming both versions (trace_format.h, VALGRIND VERSION).
 * Caller frees with hs_trace_file_close(). */
int hs_trace_file_open(const char *path, const char *magic,
		       struct hs_trace_file **out, struct hs_trace_err *err);
void hs_trace_file_close(struct hs_trace_file *f); /* accepts NULL */

/* Reads only the header of the file at path (72 bytes; 64 before format
 * version 7) and checks it. */
int hs_trace_read_file_header(const char *path, const char *magic,
			      struct hs_trace_file_header *hdr,
			      struct hs_trace_err *err);

/* Borrowed, valid until hs_trace_file_close(). */
const char *hs_trace_file_path(const struct hs_trace_file *f);
const struct hs_trace_file_header *hs_trace_file_header(const struct hs_trace_file *f);
size_t hs_trace_file_chunk_count(const struct hs_trace_file *f);
const struct hs_trace_chunk_info *hs_trace_file_chunk_info(const struct hs_trace_file *f,
							   size_t i);
/* True when the file ends inside a chunk (an interrupted recording). */
bool hs_trace_file_truncated(const struct hs_trace_file *f);
/* True when the last indexed chunk has HS_CHUNK_LAST and nothing is cut. */
bool hs_trace_file_has_last(const struct hs_trace_file *f);

/* A decompressed chunk.  Zero-initialise it (`= { .data = NULL }`), pass
 * it to any number of hs_trace_file_read_chunk() calls (its buffers are
 * reused), then release it with hs_trace_chunk_release(). */
struct hs_trace_chunk {
	struct hs_trace_chunk_info info;
	const char *path;    /* borrowed from the file, for error messages */
	/* The records, in the chunk's memory: all info.raw_size bytes, or in
	 * a HS_CHUNK_COLUMNS chunk the ctl column alone (every event record
	 * whole, of SB records only their control bytes: decode those with
	 * hs_trace_decoder_chunk) */
	uint8_t *data;
	size_t size;
	/* private */
	uint8_t *buf;        /* the whole decompressed chunk */
	const uint8_t *col[3]; /* COLUMNS: v1, v4 (byte planes), v8 in buf */
	uint32_t col_size[3];
	uint8_t *comp;
	size_t comp_cap, data_cap;
	void *dctx;
};

/* For a chunk read without hs_trace_file_read_chunk(): with info, path
 * and buf (malloc'd, freed by whoever filled it: the decompressed payload,
 * info.raw_size bytes) filled in, points data and size (and a COLUMNS
 * chunk's columns) where hs_trace_file_read_chunk() would.  0, or
 * -EBADMSG when the column sizes do not fit. */
int hs_trace_chunk_locate(struct hs_trace_chunk *c, struct hs_trace_err *err);

/* Reads chunk i, checks its payload XXH64 and decompresses it. */
int hs_trace_file_read_chunk(const struct hs_trace_file *f, size_t i,
			     struct hs_trace_chunk *c, struct hs_trace_err *err);
void hs_trace_chunk_release(struct hs_trace_chunk *c);

/* ---- code.hst -------------------------------------------------------- */

struct hs_trace_insn {
	uint64_t addr;
	uint32_t len;
	const uint8_t *bytes; /* the code as translated */
};

/* One translation (superblock). */
struct hs_trace_sb {
	uint32_t sb_id;
	uint32_t n_insns;
	uint32_t n_ops;
	const struct hs_trace_insn *insns;
};

struct hs_trace_code;

/* Loads and checks every CODE_SB record of code.hst.  A truncated
 * code.hst loads what is whole and is flagged (hs_trace_code_truncated).
 * Caller frees with hs_trace_code_free(). */
int hs_trace_code_load(const char *path, struct hs_trace_code **out,
		       struct hs_trace_err *err);
void hs_trace_code_free(struct hs_trace_code *code); /* accepts NULL */
/* NULL when sb_id is unknown.  Borrowed, valid until hs_trace_code_free(). */
const struct hs_trace_sb *hs_trace_code_sb(const struct hs_trace_code *code,
					   uint32_t sb_id);
size_t hs_trace_code_sb_count(const struct hs_trace_code *code);
bool hs_trace_code_truncated(const struct hs_trace_code *code);
/* Direct jmps are many, and reporting each costs a call: the jump callback
 * keeps reporting (HS_TRACE_JK_DIRECT) only those for which keep(ctx,
 * addr, dst) is true, asked once per jmp of every translation.  Changes
 * code: call it before any decoder uses it. */
typedef bool (*hs_trace_jmp_keep_fn)(void *ctx, uint64_t addr, uint64_t dst);
void hs_trace_code_keep_direct(struct hs_trace_code *code, hs_trace_jmp_keep_fn keep,
			       void *ctx);

/* ---- registers ------------------------------------------------------------ */

/* The architectural registers in a VexGuestAMD64State.  gpr[] is in
 * hardware encoding order: rax rcx rdx rbx rsp rbp rsi rdi r8..r15. */
struct hs_trace_regs {
	uint64_t gpr[16];
	uint64_t rip;
	uint64_t rflags; /* computed from the lazy flags thunk, with the two
			  * bits user mode always has set (1 and IF, 0x202),
			  * which Valgrind does not model; UINT64_MAX when
			  * the thunk is not one libvex knows */
	uint64_t fs_base;
	uint64_t gs_base;
	uint8_t ymm[16][32]; /* little endian: ymm[i][0] is the low byte */
	uint64_t sseround;
	uint32_t ftop;
	uint64_t fpreg[8];
	uint8_t fptag[8];
	uint64_t fpround;
	uint64_t fc3210;
};

extern const char *const hs_trace_gpr_names[16];

/* state: HS_GUEST_STATE_SIZE bytes, any alignment. */
void hs_trace_regs_get(const uint8_t *state, struct hs_trace_regs *out);
/* rsp and rip of a state, without the cost of hs_trace_regs_get(). */
uint64_t hs_trace_state_sp(const uint8_t *state);
uint64_t hs_trace_state_ip(const uint8_t *state);
/* Where register `name` (a gpr as hs_trace_gpr_names, rip, fs_base or
 * fs, xmm0..15, ymm0..15; any case) lies in a state when it is stored as
 * it is shown: its byte offset, and its size in *size; -1 for the others
 * (rflags, the x87 registers...). */
int hs_trace_state_offset(const char *name, uint32_t *size);

/* ---- the decoder ------------------------------------------------------- */

/* Callbacks, all optional (NULL).  Each returns 0 to go on; anything else
 * stops hs_trace_decoder_chunk(), which returns that value.  Pointers
 * passed in are borrowed for the duration of the call.
 *
 * Time: t is the number of instructions retired before the moment
 * reported.  insn() reports the instruction that takes the state from t
 * to t + 1 (so the first is t = 0), store() a store made by the
 * instruction that retires as t, event() and regs() things that happen at
 * state t, between instructions.
 *
 * During insn(), hs_trace_decoder_state() of the running thread is the
 * state after that instruction, as far as the recording says (RIP is the
 * next instruction's; keep the decoder in ctx to ask).  During store(),
 * the state is partway through the instruction. */
struct hs_trace_visitor {
	void *ctx;
	/* a stream chunk starts: its first_t is the t of what follows */
	int (*chunk)(void *ctx, const struct hs_trace_chunk_info *info);
	/* one instruction retired */
	int (*insn)(void *ctx, uint64_t t, uint32_t tid, uint64_t rip);
	/* memory written by instrumented code: STORE, STOREG with a true
	 * guard, MEMCOPY (CAS results, dirty helpers such as FXSAVE) */
	int (*store)(void *ctx, uint64_t t, uint32_t tid, uint64_t addr,
		     uint32_t size, const uint8_t *bytes);
	/* every event record (tag < HS_SB_ID_FIRST), after the decoder has
	 * applied it; tid is the running thread, see the payload for the
	 * thread an event is about */
	int (*event)(void *ctx, uint64_t t, uint32_t tid, uint32_t tag,
		     const uint8_t *payload, uint32_t len);
	/* an HS_EV_REGS dump of thread tid, after it has been checked and
	 * adopted; state is HS_GUEST_STATE_SIZE bytes */
	int (*regs)(void *ctx, uint64_t t, uint32_t tid, uint32_t reason,
		    const uint8_t *state);
	/* a call, a return or an unconditional jump retired: the instruction
	 * at addr (len bytes), which takes the state from t to t + 1 as in
	 * insn() (this comes right after insn() of the same t), went to dst
	 * (the callee, the return address, the jump's target).  jumpkind is
	 * an enum hs_trace_jk (below).
	 * The state of tid is the one after the instruction (rsp moved).
	 * Calls and returns are told by their bytes (call rel32, call r/m64;
	 * ret, ret imm16; any prefixes), not by the exit's jumpkind: VEX
	 * chases a direct call into its callee inside one superblock, so
	 * most calls leave by no exit at all.  A call or a return that faults
	 * does not retire and is not reported.  dst is 0 in the one case the
	 * recording does not say it: the last instruction of an SB_ABORT
	 * prefix that is also the translation's last. */
	int (*jump)(void *ctx, uint64_t t, uint32_t tid, uint32_t jumpkind,
		    uint64_t addr, uint32_t len, uint64_t dst);
};

/* The jumpkind of the jump callback: values of this library, not VEX's
 * IRJumpKind (whose exits do not tell a direct jmp apart), so that its
 * users need no Valgrind header. */
enum hs_trace_jk {
	HS_TRACE_JK_JUMP = 1,   /* jmp r/m64 */
	HS_TRACE_JK_CALL = 2,   /* call rel32, call r/m64 */
	HS_TRACE_JK_RET = 3,    /* ret, ret imm16 */
	HS_TRACE_JK_DIRECT = 4, /* jmp rel8/rel32 (a tail call's way in) */
};

#define HS_TRACE_MISMATCH_KEEP 8

/* One register that differed between the decoder and a dump. */
struct hs_trace_mismatch {
	uint64_t t;
	uint32_t tid;
	char reg[16];       /* "rax", "rflags", "ymm3", "fpreg2", "exit-t" */
	uint32_t size;      /* bytes in expected and got */
	uint8_t expected[32]; /* from the dump, little endian */
	uint8_t got[32];      /* reconstructed by the decoder */
};

struct hs_trace_stats {
	uint64_t chunks;
	uint64_t instructions;   /* retired in the chunks decoded */
	uint64_t sb_records;
	uint64_t sb_aborts;
	uint64_t events;
	uint64_t stores;
	uint64_t syscalls;       /* HS_EV_SYSCALL_ENTER */
	uint64_t regs_dumps;
	uint64_t regs_checked;   /* SYNC/RESUME dumps compared */
	uint64_t regs_mismatches; /* registers that differed, all dumps, and
				   * an EXIT whose total_t is not t ("exit-t") */
	uint32_t threads;        /* distinct tids seen */
	uint32_t n_kept;         /* entries used in mismatch[] */
	struct hs_trace_mismatch mismatch[HS_TRACE_MISMATCH_KEEP];
	bool saw_exit;           /* an HS_EV_EXIT record was decoded */
	bool ends_with_exit;     /* ... and it was the last record so far */
	bool ends_with_exec;     /* the last record was HS_EV_EXEC */
	uint32_t exit_kind;      /* enum hs_exit_kind */
	int32_t exit_value;
	uint32_t exit_threads;
	uint64_t faulted;        /* instructions that began and faulted (EXIT
				  * or EXEC trailer): lackey counts them, t
				  * does not */
};

struct hs_trace_decoder;

/* code is borrowed and must outlive the decoder.  visitor may be NULL; it
 * is copied.  Caller frees with hs_trace_decoder_free(). */
int hs_trace_decoder_new(const struct hs_trace_code *code,
			 const struct hs_trace_visitor *visitor,
			 struct hs_trace_decoder **out);
void hs_trace_decoder_free(struct hs_trace_decoder *d); /* accepts NULL */

/* Register checking at SYNC/RESUME dumps is on by default. */
void hs_trace_decoder_set_check(struct hs_trace_decoder *d, bool on);

/* Makes d as it was when new, for decoding chunks that have nothing to do
 * with what it decoded before (a pooled decoder): it forgets every
 * thread's state, the running thread, t and the chunk it expects next (so
 * a decoder that a callback stopped partway takes any chunk), and its
 * statistics.  It keeps its visitor, its check setting and the memory of
 * its delta state, which a new decoder would allocate again. */
void hs_trace_decoder_reset(struct hs_trace_decoder *d);

/* Decodes one stream chunk.  Chunks may be given in order (then first_t
 * must continue the previous chunk's t) or starting anywhere: the decoder
 * resets its delta state at every chunk and takes each thread's state from
 * the chunk's SYNC dumps. */
int hs_trace_decoder_chunk(struct hs_trace_decoder *d,
			   const struct hs_trace_chunk *c,
			   struct hs_trace_err *err);
/* Reads and decodes chunks [c0, c1) of f in order, into c (see struct
 * hs_trace_chunk: the caller releases it); stops at the first error
 * (hs_trace_file_read_chunk's or hs_trace_decoder_chunk's, or a callback's
 * return) and returns it. */
int hs_trace_decoder_chunks(struct hs_trace_decoder *d, struct hs_trace_file *f,
			    size_t c0, size_t c1, struct hs_trace_chunk *c,
			    struct hs_trace_err *err);

/* Borrowed; valid until the next decoder call. */
const struct hs_trace_stats *hs_trace_decoder_stats(const struct hs_trace_decoder *d);
uint64_t hs_trace_decoder_t(const struct hs_trace_decoder *d);
uint32_t hs_trace_decoder_tid(const struct hs_trace_decoder *d); /* 0: none */
/* The reconstructed state of thread tid, or NULL if the decoder has none. */
const uint8_t *hs_trace_decoder_state(const struct hs_trace_decoder *d,
				      uint32_t tid);

/* ---- memory effects ------------------------------------------------------
 *
 * What a stream does to the process's memory, in three primitives, so that
 * every user (the database builder, the query library, tests) turns stores
 * and events into memory the same way (builder/trace/trace_mem.c).
 *
 * Time: an effect reported with t is visible in the state at t: it
 * happened after instruction t (1-based: the t-th) retired and before
 * instruction t + 1 runs.  Events are reported by the decoder at the state
 * t they happen in, so their effects keep that t; a store is reported by
 * the decoder with the t of the instruction that makes it (the one taking
 * the state from t to t + 1), so its effect is reported at t + 1.  Several
 * effects with one t apply in the order they are reported.
 */
struct hs_trace_mem_visitor {
	void *ctx;
	/* [addr, addr+len) now holds data: a store of instrumented code, or
	 * memory written by a syscall, a signal frame, a copied mapping
	 * (HS_EV_MEM), or a file mapping's contents.  data is borrowed for
	 * the call. */
	int (*write)(void *ctx, uint64_t t, uint64_t addr, uint64_t len,
		     const uint8_t *data);
	/* [addr, addr+len) now holds zeros: a new anonymous mapping or brk,
	 * a copied mapping before its HS_EV_MEM records, or a file mapping's
	 * part past the end of the file */
	int (*zero)(void *ctx, uint64_t t, uint64_t addr, uint64_t len);
	/* [to, to+len) now holds what [from, from+len) held just before
	 * (mremap; the ranges do not overlap, and are page aligned) */
	int (*copy)(void *ctx, uint64_t t, uint64_t from, uint64_t to,
		    uint64_t len);
};

/* Files that file mappings read their contents from, opened (mapped
 * read-only) and checked once: mapping libc twice reads and hashes it once.
 * Thread-safe: one per process image (or one for all) may be shared by
 * every thread.  Caller frees with hs_trace_mem_files_free(). */
struct hs_trace_mem_files;
int hs_trace_mem_files_new(struct hs_trace_mem_files **out);
void hs_trace_mem_files_free(struct hs_trace_mem_files *files); /* accepts NULL */
/* A packed recording (hindsight pack): a mapped file P is read from
 * pack_dir/paths/P when that exists, else from P.  Call before any use;
 * pack_dir (TRACE/pack, or NULL) is copied.  0 or -ENOMEM. */
int hs_trace_mem_files_set_pack(struct hs_trace_mem_files *files, const char *pack_dir);

/* A store the decoder reported (visitor store(), t as it was given there):
 * calls v->write(t + 1, addr, size, bytes).  Returns what write returned. */
int hs_trace_mem_store(const struct hs_trace_mem_visitor *v, uint64_t t,
		       uint64_t addr, uint32_t size, const uint8_t *bytes);

/* An event the decoder reported (visitor event(), same t, tag, payload).
 * files may be NULL only where no file mapping can come (it is then
 * -EINVAL):
 *   HS_EV_MEM    write(t, addr, bytes)
 *   HS_EV_MAP    HS_MAP_COPIED: zero(t, whole mapping); its contents come
 *                as HS_EV_MEM records next.  HS_MAP_FILE (not copied): the
 *                file's bytes from file_offset, readable length = min(len,
 *                page-roundup(file size - file_offset)), with zeros past
 *                EOF in the last page, checked against content_xxh
 *                (XXH64, seed 0) when it is not 0: write(t, addr,
 *                readable, bytes), then zero(t, rest) when len > readable.
 *                Anything else: zero(t, whole mapping).
 *   HS_EV_REMAP  copy(t, from, to, len)
 *   other tags   nothing (UNMAP and MPROTECT change no contents)
 * Returns 0, what a callback returned, -EBADMSG for a payload too short,
 * -ENOENT for a mapped file that is gone, -ESTALE for one whose contents
 * changed since the recording, -EIO/-ENOMEM; errors log one line on
 * stderr naming the file ("PATH: file changed since recording"), once per
 * file.  A mapped file that is not a regular file (a device) cannot be
 * read again: its mapping is reported as zero, with a warning. */
int hs_trace_mem_event(const struct hs_trace_mem_visitor *v,
		       struct hs_trace_mem_files *files, uint64_t t,
		       uint32_t tag, const uint8_t *payload, uint32_t len);

/* ---- one process image ------------------------------------------------- */

struct hs_trace_image {
	char *dir;
	struct hs_trace_file *stream;
	struct hs_trace_code *code;
};

/* Opens dir/stream.hst and loads dir/code.hst.  Caller frees with
 * hs_trace_image_close(). */
int hs_trace_image_open(const char *dir, struct hs_trace_image **out,
			struct hs_trace_err *err);
void hs_trace_image_close(struct hs_trace_image *img); /* accepts NULL */

/* Decodes every chunk of the stream in order.  stats receives the totals
 * (also on failure: what was decoded so far).  *complete is set to true
 * when the recording is whole: the stream's last chunk has HS_CHUNK_LAST,
 * ends with HS_EV_EXIT, and neither file is truncated. */
int hs_trace_image_decode(struct hs_trace_image *img,
			  const struct hs_trace_visitor *visitor,
			  bool check, struct hs_trace_stats *stats,
			  bool *complete, struct hs_trace_err *err);

#endif
