/* db.h - the query library: random-access questions to a built database.
 *
 * Owner: fs/query (libhsquery.a).  Users: builder/cli (`hindsight query`),
 * the tree and the FUSE daemon (fs/), the HTTP server (server/).  It reads
 * TRACE/db (include/hindsight/db_format.h, framed by dbfile.h) and decodes
 * the raw stream chunks of TRACE/procs with the trace reader (trace.h).
 *
 * Units.  t is the instruction count of trace_format.h: "at t" is the state
 * after t instructions of the process image retired and before instruction
 * t + 1 runs, with every event that happens at t (syscall results, signal
 * frames, thread switches) already applied.  t runs from 0 to the image's
 * final t (hs_db_image_info().t_end), the state after the last instruction.
 * Addresses are guest virtual addresses; lengths are bytes.
 *
 * Ownership.  hs_db_open() returns a handle that the caller frees with
 * hs_db_close().  Images (struct hs_db_image) and every string the library
 * hands out without saying otherwise are borrowed, valid until
 * hs_db_close().  Callback arguments are borrowed for the callback's
 * duration.  Output buffers are the caller's (they pass them in).
 *
 * Threads.  After hs_db_open() returns, every function may be called from
 * any number of threads at once on one db, except hs_db_close(), which
 * must come after all of them returned.  Callbacks run on the calling
 * thread and may call back into the library (other queries), but must not
 * close the db.
 *
 * Errors.  0 (or a count) on success, -errno on failure:
 *   -ENOENT   no database (a line on stderr says to run `hindsight build`),
 *             or no answer (no such image, thread, or write)
 *   -EPROTO   a database of another format version (rebuild it)
 *   -ERANGE   t beyond the image's final t
 *   -EIO      memory that is not mapped at t (like /proc/PID/mem), or a
 *             failed read
 *   -EBADMSG  a corrupt or inconsistent database block or stream chunk
 *   -ESRCH    no such thread at t
 *   -ENOMEM
 * A corrupt block, a failed read or an inconsistency writes one line on
 * stderr naming the file and the block; queries never return bytes they
 * could not verify.
 *
 * Memory.  Decompressed database blocks, stream chunks and reconstructed
 * pages live in one LRU cache whose size is capped (hs_db_options); entries
 * in use by a query are not evicted, so the cap can be passed briefly by
 * what concurrent queries hold.  Outside the cap, per image and built on
 * first use: the code table (code.hst, as big as the code the program ran),
 * the mappings timeline (in proportion to its map events), an instruction
 * address index, and one pooled decoder per query that ran at once (each
 * with the delta state of the translations it met: about a megabyte).
 *
 * Cost.  The state at t lives in the stream chunk holding t, decoded from
 * its start: registers, and memory that the chunk writes, cost a decode of
 * up to one chunk (trace_format.h; its size is the recorder's), whatever
 * the trace's length.  Memory the chunk does not write costs page lookups
 * only.  The first question after hs_db_open() also loads the code table
 * and the mappings timeline.
 */
#ifndef HINDSIGHT_DB_H
#define HINDSIGHT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hindsight/db_format.h"
#include "hindsight/trace.h"

/* ---- opening ------------------------------------------------------------ */

#define HS_DB_CACHE_DEFAULT (256u << 20)

struct hs_db_options {
	size_t cache_bytes; /* cap of the block/chunk/page cache; 0: default */
	/* images whose code table stays loaded when no query uses it (each
	 * tens of MB; reloaded when next used); 0: default */
	unsigned code_keep;
};
#define HS_DB_CODE_KEEP_DEFAULT 4

struct hs_db;
struct hs_db_image;

/* Opens TRACE_DIR/db (manifest.json and one folder per process image) and
 * checks every file's header and directory.  opt may be NULL.  Caller
 * frees with hs_db_close(). */
int hs_db_open(const char *trace_dir, const struct hs_db_options *opt,
	       struct hs_db **out);
void hs_db_close(struct hs_db *db); /* accepts NULL */

/* Process images in TRACE/procs order (pid, then exec index); image 0 is
 * the first process, the default for every query.  NULL when i is out of
 * range or name ("<pid>.<n>") is unknown. */
/* TRACE/pack when the recording is packed (hindsight pack), else NULL:
 * what hs_src_options.pack_dir wants.  Borrowed, valid until
 * hs_db_close(). */
const char *hs_db_pack_dir(const struct hs_db *db);
size_t hs_db_image_count(const struct hs_db *db);
const struct hs_db_image *hs_db_image_at(const struct hs_db *db, size_t i);
const struct hs_db_image *hs_db_image_find(const struct hs_db *db,
					   const char *name);

struct hs_db_image_info {
	const char *name;   /* "<pid>.<n>" */
	uint32_t pid, exec_index;
	uint64_t t_end;     /* final t: the state after the last instruction */
	uint64_t chunks;    /* stream chunks */
	uint64_t events;    /* records in events.hdb */
	uint64_t calls;     /* records in calls.hdb */
	uint32_t trace_version; /* of its stream.hst (trace_format.h) */
	const char *parent;  /* a fork child: the image it forked from (its
			      * name); NULL otherwise (an exec's is pid.n-1) */
	uint64_t parent_t;   /* a fork child: the parent's t at the fork */
};
void hs_db_image_info(const struct hs_db_image *img, struct hs_db_image_info *out);

struct hs_db_cache_stats {
	size_t cap, used;   /* bytes */
	uint64_t hits, misses, evictions;
	uint64_t code_loads; /* images' code tables loaded, reloads included */
};
void hs_db_cache_stats(const struct hs_db *db, struct hs_db_cache_stats *out);
/* Empties the cache (entries in use stay until released): for benchmarks
 * of cold queries. */
void hs_db_cache_drop(struct hs_db *db);

/* ---- how the image ended --------------------------------------------------- */

/* The image's last record: its EXIT, or the EXEC of an image that execve
 * replaced (trace_format.h). */
struct hs_db_exit {
	uint32_t kind;         /* HS_EXIT_STATUS, HS_EXIT_SIGNAL, HS_EXIT_EXEC */
	int32_t value;         /* exit status, or the fatal signal (0: unknown) */
	uint64_t t;            /* the recorder's count at the end */
	uint32_t threads;      /* threads ever created, main included; 0 unknown
				* (an EXEC of format < 5) */
	uint32_t sig_tid;      /* the thread the fatal signal hit; 0 unknown */
	uint32_t sig_flags;    /* HS_SIG_INFO: sig_code and sig_value are valid */
	int32_t sig_code;    /* si_code */
	uint64_t sig_value;    /* si_addr of a fault, else the sender's pid */
	bool has_siginfo;      /* siginfo holds the kernel's (format 6) */
	uint8_t siginfo[HS_SIGINFO_SIZE]; /* trace_format.h's layout */
};

/* How img ended.  -ENOENT when its stream has no end (incomplete). */
int hs_db_exit(const struct hs_db_image *img, struct hs_db_exit *out);
/* Did a signal's default action end img?  (The state at t_end is then
 * before the instruction the signal interrupted, which did not retire.) */
bool hs_db_crashed(const struct hs_db_image *img);

/* The kernel's siginfo (HS_SIGINFO_SIZE bytes into out) of the signal
 * delivered to thread tid at t: its SIGNAL record's, which is at the
 * instruction the signal interrupted (a fatal one's too: time/crash),
 * where gdb stops with "Program received signal".  0; -ENOENT: none there
 * (or a recording of format < 6, which keeps no siginfo). */
int hs_db_signal_siginfo(const struct hs_db_image *img, uint64_t t, uint32_t tid, uint8_t *out);

/* A signal as strace prints it between "--- " and " ---", snprintf-style
 * (returns the length it wanted): "SIGSEGV {si_signo=SIGSEGV,
 * si_code=SEGV_MAPERR, si_addr=0x8}", "SIGUSR1 {si_signo=SIGUSR1,
 * si_code=SI_QUEUE, si_pid=4242, si_uid=0, si_int=42, si_ptr=0x2a}".
 * From siginfo (HS_SIGINFO_SIZE bytes, trace_format.h's layout; NULL when
 * the recording has none) when flags has HS_SIG_INFO, else from sig_code
 * and sig_value (format 5: the fields they do not give are left out);
 * without HS_SIG_INFO the name alone ("SIGUSR1"; a number strace has no
 * name for prints as the number).  Then " altstack" and " fatal" for
 * HS_SIG_ALTSTACK and HS_SIG_FATAL. */
int hs_db_signal_text(int32_t signo, uint32_t flags, int32_t sig_code,
		      uint64_t sig_value, const uint8_t *siginfo, char *buf, size_t cap);
/* A SIGNAL record's payload of any format version (trace_format.h) as
 * hs_db_signal_text prints it; "?" when shorter than 8 bytes. */
int hs_db_signal_record_text(const uint8_t *payload, uint32_t len, char *buf, size_t cap);

/* ---- threads and registers ----------------------------------------------- */

/* Thread ids.  Every tid this API takes or gives (hs_db_thread_at, regs,
 * events and their payloads, writes, calls, line starts, backtraces) is
 * the recorder's thread slot (Valgrind's ThreadId): a slot is reused by a
 * thread created after its previous one exited, so one slot can be
 * several threads at different times.  What people and the program see is
 * the OS thread id (gettid(), the lwp of /proc and strace -f): print
 * hs_db_thread_os_tid(img, slot, t) wherever a tid is shown, and take a
 * tid from a person through hs_db_thread_find(). */
struct hs_db_thread {
	uint32_t tid;          /* OS thread id; 0 if the recording never said */
	uint32_t slot;         /* the recorder's thread id, while it lived */
	uint32_t parent_tid;   /* OS tid of the thread that created it, or 0 */
	uint64_t t_create;     /* its creation (or the t it first appears) */
	uint64_t t_exit;       /* its exit; HS_DB_NO_EXIT when alive at t_end */
};

/* Every thread of the image, in the order of creation (the main thread
 * first): *v is borrowed, valid until hs_db_close().  Returns the count. */
size_t hs_db_threads(const struct hs_db_image *img, const struct hs_db_thread **v);
/* The OS tid of the thread in slot at t (for a t before that slot's first
 * thread: that thread; slot 0, "no thread": 0).  0 when unknown. */
uint32_t hs_db_thread_os_tid(const struct hs_db_image *img, uint32_t slot, uint64_t t);
/* The thread whose OS tid is tid (the first, should the OS have reused
 * it): borrowed as above, NULL when none. */
const struct hs_db_thread *hs_db_thread_find(const struct hs_db_image *img, uint32_t tid);

/* The thread (slot) that runs instruction t + 1 (the last one to run, at
 * t_end). */
int hs_db_thread_at(const struct hs_db_image *img, uint64_t t, uint32_t *tid);

struct hs_db_regs {
	uint32_t tid;
	uint8_t state[HS_GUEST_STATE_SIZE]; /* VexGuestAMD64State, 3.19 layout */
	struct hs_trace_regs regs;          /* the architectural registers */
};

/* Registers of thread tid at t; tid 0 means the thread at t
 * (hs_db_thread_at).  -ESRCH when that thread has no state at t (not
 * started yet).  out->tid says which thread it is. */
int hs_db_regs_at(const struct hs_db_image *img, uint64_t t, uint32_t tid,
		  struct hs_db_regs *out);

/* Register names for listings, in display order: rax rbx rcx rdx rsi rdi
 * rbp rsp r8..r15 rip rflags fs_base gs_base cs ss ds es fs gs
 * ymm0..ymm15 sseround ftop fpreg0..fpreg7 (Valgrind keeps x87 registers
 * as 64-bit doubles and only the rounding mode of MXCSR).  NULL past the
 * end. */
const char *hs_db_reg_name(size_t i);
/* The value of register name (case-insensitive: the names above, and
 * xmm0..xmm15, eflags) in out, little endian; *size is its width in
 * bytes: 32 for ymm, 16 for xmm, 8 for the rest.  -ENOENT for an unknown
 * name.  out holds 32 bytes. */
int hs_db_reg_value(const struct hs_db_regs *r, const char *name,
		    uint8_t out[32], uint32_t *size);

/* ---- memory --------------------------------------------------------------- */

/* Reads [addr, addr+len) as it was at t into buf.  Like a read of
 * /proc/PID/mem: returns the number of bytes read, which is less than len
 * when the range runs into memory that is not mapped at t, and -EIO when
 * addr itself is not mapped.  Mapped but inaccessible memory (PROT_NONE)
 * reads as what it holds. */
ssize_t hs_db_mem_read(const struct hs_db_image *img, uint64_t t,
		       uint64_t addr, size_t len, uint8_t *buf);

/* One mapping, as a line of /proc/PID/maps says it. */
struct hs_db_map {
	uint64_t start, end;   /* [start, end), page aligned */
	uint32_t prot;         /* PROT_READ | PROT_WRITE | PROT_EXEC */
	uint32_t flags;        /* HS_MAP_FILE, HS_MAP_SHARED */
	uint32_t kind;         /* enum hs_map_kind of the event that made it */
	uint64_t offset;       /* file offset of start */
	uint64_t dev, ino;     /* the file's st_dev and st_ino, or 0 */
	const char *path;      /* the file, "[heap]" for brk, or "" */
};

/* The mappings at t, sorted by address, adjacent ones that /proc would
 * show as one merged.  Caller frees *maps with free(); the paths are
 * borrowed from the db. */
int hs_db_maps_at(const struct hs_db_image *img, uint64_t t,
		  struct hs_db_map **maps, size_t *n);

/* ---- writes ------------------------------------------------------------- */

enum hs_db_write_kind {
	HS_DB_W_STORE = 1,    /* an instruction's store */
	HS_DB_W_SYSCALL = 2,  /* the kernel (read, stat, ...) */
	HS_DB_W_SIGNAL = 3,   /* a signal frame */
	HS_DB_W_CORE = 4,     /* the Valgrind core, other reasons */
	HS_DB_W_MAP = 5,      /* a mapping's initial contents (file or copy) */
	HS_DB_W_ZERO = 6,     /* a new anonymous mapping or brk: zeros */
	HS_DB_W_REMAP = 7,    /* mremap moved the bytes here */
};

/* "store", "syscall", "signal", "core", "map", "zero", "remap"; "?" for
 * a kind this library does not know.  Static storage. */
const char *hs_db_write_kind_name(uint32_t kind);

/* A write that touched a queried range [a, a+n). */
struct hs_db_write {
	const struct hs_db_image *img; /* whose t this is: the image asked,
				* or for memory a forked image inherited, the
				* parent (recursively) */
	uint64_t t;            /* the first state it is visible in: a store
				* by the instruction taking t-1 to t says t */
	uint32_t tid;          /* the thread running when it happened */
	uint32_t kind;         /* enum hs_db_write_kind */
	uint64_t addr, len;    /* everything the write wrote */
	uint64_t data_addr;    /* the part inside the queried range ... */
	uint64_t data_len;
	const uint8_t *data;   /* ... and its bytes */
};

/* The last write visible at t (write.t <= t) that touched any byte of
 * [addr, addr+len).  data points into buf, which holds len bytes.  In an
 * image that began as a fork, a range it did not write itself before t
 * has the last write of the parent up to the fork (out->img says so).
 * -ENOENT when nothing ever wrote there. */
int hs_db_last_write(const struct hs_db_image *img, uint64_t addr,
		     size_t len, uint64_t t, struct hs_db_write *out,
		     uint8_t *buf);

/* Every write with t0 <= write.t <= t1 that touched [addr, addr+len), in
 * time order.  cb returns 0 to go on; anything else stops the walk and is
 * returned.  The cost is one stream chunk decode per chunk that wrote the
 * range.  In an image that began as a fork, t0 == 0 first lists the
 * parent's writes up to the fork (w->img is the parent). */
typedef int (*hs_db_write_fn)(void *ctx, const struct hs_db_write *w);
int hs_db_writes(const struct hs_db_image *img, uint64_t addr, size_t len,
		 uint64_t t0, uint64_t t1, hs_db_write_fn cb, void *ctx);

/* ---- events --------------------------------------------------------------- */

struct hs_db_event {
	uint64_t t;
	uint32_t tid;          /* the running thread; for a sysret, the
				* thread whose syscall returns */
	uint32_t tag;          /* enum hs_event */
	uint32_t len;
	const uint8_t *payload; /* the stream record's, trace_format.h */
};

/* Kind names, one per tag: "thread-run", "thread-create", "thread-exit",
 * "syscall", "sysret", "mem", "map", "unmap", "mprotect", "remap",
 * "signal", "sigreturn", "output", "reg-write", "sb-abort", "fork",
 * "exec", "exit", "process", "console" ("regs" is never listed).  NULL
 * when unknown. */
const char *hs_db_event_kind_name(uint32_t tag);
/* The tag of a kind name, or 0. */
uint32_t hs_db_event_kind(const char *name);
#define HS_DB_KIND_BIT(tag) (1ull << (tag))

/* Events with t0 <= t <= t1 in stream order; kinds is a mask of
 * HS_DB_KIND_BIT(tag), 0 for all.  cb as in hs_db_writes(). */
typedef int (*hs_db_event_fn)(void *ctx, const struct hs_db_event *ev);
int hs_db_events(const struct hs_db_image *img, uint64_t t0, uint64_t t1,
		 uint64_t kinds, hs_db_event_fn cb, void *ctx);

/* One line of details for an event, without its t, tid and kind: for a
 * syscall entry its call as strace prints it, as known at entry
 * ("openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY)": input strings, buffers
 * and structs decoded from the recorder's copy or memory at ev->t, output
 * arguments and arrays of pointers (execve's argv, iovecs) as their
 * address; hs_db_syscall_line() has the whole call),
 * followed by a C comment "vDSO call, a syscall under Valgrind" for the
 * calls a native run makes in user space; for a sysret "openat = 3" or
 * "openat = -1 ENOENT (No such file or directory)", followed by a C
 * comment "Valgrind's own answer" for clone3's and rseq's ENOSYS; others
 * their fields, mostly as key=value.
 * Always NUL-terminates buf (cap > 0); returns the length it wanted, like
 * snprintf.  When memory for an argument could not be read because the
 * database is damaged (not merely unmapped), the argument prints as its
 * address and the return value is that error (-EBADMSG, -EIO): the line
 * is then complete but for that argument. */
#define HS_DB_STR_MAX 128
int hs_db_event_format(const struct hs_db_image *img,
		       const struct hs_db_event *ev, char *buf, size_t cap);

/* Events with t0 <= t <= t1, kinds as in hs_db_events(), each with its
 * text exactly as hs_db_event_format() writes it: text is NUL-terminated,
 * len bytes long (at most HS_DB_TEXT_MAX - 1), err is what that function
 * would return when negative (a string it could not read), else 0.  For
 * listing many events: the string arguments of all the syscalls of one
 * stream chunk are read in one decode of that chunk, where
 * hs_db_event_format() decodes the chunk once per string.  Work grows in
 * batches (the first ones small), so stopping early stays cheap; past
 * the first few, several chunks are decoded at once on up to 3 helper
 * threads started and joined inside the call (cb always runs on the
 * calling thread, in order).  ev, its payload and text are borrowed for
 * the callback's duration.  cb as in hs_db_writes(). */
#define HS_DB_TEXT_MAX 4096
typedef int (*hs_db_event_text_fn)(void *ctx, const struct hs_db_event *ev,
				   const char *text, size_t len, int err);
int hs_db_events_text(const struct hs_db_image *img, uint64_t t0, uint64_t t1,
		      uint64_t kinds, hs_db_event_text_fn cb, void *ctx);

/* x86-64 syscall name, NULL when the number is unknown (generated from
 * the kernel headers: scripts/gen-syscalls.sh). */
const char *hs_db_syscall_name(uint32_t nr);

/* One syscall as strace prints it (fs/query/sys_decode.c): "name(args) =
 * result" into buf (cap > 0, NUL-terminated, cut when short), from its
 * entry record, its exit record (NULL: it never returned, " = ?") and the
 * memory the kernel wrote meanwhile: the HS_EV_MEM records of source
 * syscall between the two (pieces borrowed for the call; what they do
 * not cover is read at the exit's t).  *flags gets
 * HS_DB_SYSCALL_VALGRIND for a call of Valgrind's machinery that a
 * native run does not make (the vDSO's clock_gettime, gettimeofday, time
 * and getcpu; clone3 and rseq refused with ENOSYS).  Returns the length
 * wanted, or -errno when memory could not be read for damage (the line is
 * still written, that argument as its address), -EINVAL when enter is no
 * syscall entry. */
struct hs_db_mem_piece {
	uint64_t addr, len;
	const uint8_t *bytes;
};
#define HS_DB_SYSCALL_VALGRIND 1u
int hs_db_syscall_line(const struct hs_db_image *img, const struct hs_db_event *enter,
		       const struct hs_db_event *exit, const struct hs_db_mem_piece *mem,
		       size_t n_mem, char *buf, size_t cap, unsigned *flags);

/* C-escapes n bytes (\n \t \\ \" and \xNN for the rest that is not
 * printable ASCII) into buf, NUL-terminated; returns bytes written, not
 * counting the NUL.  Output stops early rather than split an escape. */
size_t hs_db_escape(const uint8_t *s, size_t n, char *buf, size_t cap);

/* ---- code ----------------------------------------------------------------- */

struct hs_db_insn {
	uint64_t addr;
	uint32_t len;
	uint8_t bytes[16];
	char text[160];        /* "mnemonic operands", AT&T syntax */
};

/* The instruction that runs next at t (instruction t + 1) of the thread at
 * t, disassembled with capstone in AT&T syntax (as gdb and objdump show by
 * default).  Its bytes are the ones the recorder translated (code.hst), or
 * memory at t when the address held different code at different times.
 * -ENOENT at t_end, unless a signal killed the image there (hs_db_crashed):
 * then the instruction it interrupted, which did not retire. */
int hs_db_insn_at(const struct hs_db_image *img, uint64_t t,
		  struct hs_db_insn *out);

/* The length of the instruction at addr, as it ran at t (the recorder's
 * bytes; memory at t where addr held different code at different times or
 * none ran there).  Returns it (1..15), or -errno (-ENOENT: nothing
 * decodes there). */
int hs_db_insn_len(const struct hs_db_image *img, uint64_t t, uint64_t addr);

/* ---- calls ---------------------------------------------------------------- */

struct hs_db_call {
	uint64_t t_call;       /* before the call instruction retires */
	uint64_t t_ret;        /* after the return; HS_DB_NO_RETURN if none */
	uint64_t callee;       /* rip after the call */
	uint64_t call_site;    /* rip of the call instruction */
	uint32_t tid;
	uint32_t depth;        /* 0: outermost recorded frame */
	uint32_t flags;        /* HS_DB_CALL_SIGNAL: a signal handler entered
				* by delivery (call_site: the rip it
				* interrupted); HS_DB_CALL_UNWOUND: left by
				* longjmp or an exception at t_ret, without
				* returning; HS_DB_CALL_TAIL: left by a tail
				* call at t_ret, whose call then runs in its
				* place; HS_DB_CALL_TAILIN: that call
				* (db_format.h, CALLS) */
};

/* Calls with t0 <= t_call <= t1, by t_call.  cb as in hs_db_writes(). */
typedef int (*hs_db_call_fn)(void *ctx, const struct hs_db_call *c);
int hs_db_calls(const struct hs_db_image *img, uint64_t t0, uint64_t t1,
		hs_db_call_fn cb, void *ctx);

/* ---- source level: modules, backtraces, calls by callee, lines ------------
 * The builder indexes these (builder/db: calls.hdb and lines.hdb); line
 * starts need debug info, so an image whose code has none has no lines. */

/* One file-backed mapping the image made (its MAP events, startup ones
 * included), in time order: what fs/source's hs_src_add_mapping() wants.
 * t_unmap: the first later UNMAP or MAP over any of its bytes (mremap and
 * mprotect are not followed), HS_DB_NO_RETURN while it stays.  An image
 * that began as a fork first lists its parent's maps at the fork, with
 * t_map 0 and t_unmap HS_DB_NO_RETURN (the child's unmaps of them are not
 * followed). */
struct hs_db_file_map {
	const char *path;      /* borrowed from the db */
	uint64_t start, end, offset;
	uint32_t prot;
	uint64_t t_map, t_unmap;
};
typedef int (*hs_db_file_map_fn)(void *ctx, const struct hs_db_file_map *m);
int hs_db_file_maps(const struct hs_db_image *img, hs_db_file_map_fn cb,
		    void *ctx);
/* The same with Valgrind's own tool file too (hs_db_file_maps leaves it
 * out: it is no module of the program, but memory reads take the pages
 * of its mapping from it): every file whose bytes memory reads may need. */
int hs_db_file_maps_all(const struct hs_db_image *img, hs_db_file_map_fn cb,
			void *ctx);

/* The calls open at t on thread tid (0: the thread at t), innermost first:
 * frames[0] is the call the thread is inside at t.  A call is open at t
 * when t_call < t < t_ret (at t_call the call instruction has not run,
 * rip is still the caller's; a signal handler's from t_call on, its
 * delivery), or, for a call that never returned, when
 * t_call < t <= its thread's exit (the stack of a thread as it exits, or
 * of a process as a signal kills it, is still there; db_format.h).  Writes up to max frames (frames may be
 * NULL when max is 0) and returns how many are open (which may be more
 * than max), or -errno (-ERANGE past the end, -ESRCH no thread at t).
 * No unwinding: the call tree says it.  Cost: one checkpoint (stacks.hdb)
 * and at most max(2048, depth) calls read. */
int hs_db_backtrace(const struct hs_db_image *img, uint64_t t, uint32_t tid,
		    struct hs_db_call *frames, size_t max);

/* When the code at addr is a PLT-style stub (endbr64? bnd? jmp *slot(%rip):
 * .plt, .plt.sec, .plt.got), the function it reaches: the value of its
 * slot at the image's final t, or, when its library was unmapped before
 * (dlclose), at the last t it was mapped (db_stub.c says why).  -ENOENT:
 * addr is no stub, one that was never bound, or in no file ever mapped
 * that is unmapped at the final t; -EIO: unreadable. */
int hs_db_stub_target(const struct hs_db_image *img, uint64_t addr, uint64_t *target);
/* The same at t: the function the stub's slot leads to then (-ENOENT
 * while it still leads back into the stub: not bound yet; -EIO: addr is
 * not mapped at t). */
int hs_db_stub_target_at(const struct hs_db_image *img, uint64_t addr, uint64_t t,
			 uint64_t *target);

/* Every distinct callee (function entry) with its number of calls, by
 * address (callees.hdb). */
typedef int (*hs_db_callee_fn)(void *ctx, uint64_t callee, uint64_t calls);
int hs_db_callees(const struct hs_db_image *img, hs_db_callee_fn cb, void *ctx);
/* The calls to callee, by t_call (callee.hdb: no scan of other calls). */
int hs_db_calls_to(const struct hs_db_image *img, uint64_t callee,
		   hs_db_call_fn cb, void *ctx);

/* Line starts (gdb's `step` stops; db_format.h, LINES, has the exact rule:
 * a statement row start whose line differs from the thread's current
 * line, a new frame's first line, never a prologue row).  Images with no
 * module that has DWARF lines have none (and cost no line pass). */
struct hs_db_line_start {
	uint64_t t;            /* the state before the line's first
				* instruction runs */
	uint32_t tid;
	uint32_t file_id;      /* index into hs_db_line_files() */
	uint32_t line;
	uint32_t depth;        /* the thread's open calls at t, as
				* hs_db_backtrace() counts them */
};
/* The source files that have line starts, by file_id (0, 1, ...). */
typedef int (*hs_db_line_file_fn)(void *ctx, uint32_t file_id,
				  const char *path);
int hs_db_line_files(const struct hs_db_image *img, hs_db_line_file_fn cb,
		     void *ctx);
/* The lines of file_id that ran, ascending, with how often each started. */
typedef int (*hs_db_line_count_fn)(void *ctx, uint32_t line, uint64_t starts);
int hs_db_line_numbers(const struct hs_db_image *img, uint32_t file_id,
		       hs_db_line_count_fn cb, void *ctx);
/* Every start of (file_id, line), by t. */
typedef int (*hs_db_line_start_fn)(void *ctx, const struct hs_db_line_start *ls);
int hs_db_line_times(const struct hs_db_image *img, uint32_t file_id,
		     uint32_t line, hs_db_line_start_fn cb, void *ctx);
/* Line starts with t0 <= t <= t1 of thread tid (0: all threads), by t. */
int hs_db_line_starts(const struct hs_db_image *img, uint64_t t0, uint64_t t1,
		      uint32_t tid, hs_db_line_start_fn cb, void *ctx);

/* gdb-like line stepping from the state at t, on the thread at t:
 *   HS_DB_STEP_INTO       next line start after t (`step`), past starts
 *                         of the line being stepped in its own frame
 *   HS_DB_STEP_OVER       next line start after t at a depth <= the
 *                         depth at t (`next`; returns to the caller too),
 *                         skipping starts of the line being stepped in
 *                         its own frame (where a call returns into a new
 *                         row of that line, or a loop on one line comes
 *                         round: gdb's `next` goes on there)
 *   HS_DB_STEP_BACK_INTO  previous line start before t (`reverse-step`)
 *   HS_DB_STEP_BACK_OVER  the first start of the line t is in, when t is
 *                         past it, else of the line before at a depth <=
 *                         the depth at t (`reverse-next`); "first": of
 *                         the starts of that line in that frame with only
 *                         deeper starts between them
 * The depth at t is the thread's open calls (hs_db_backtrace's count);
 * a line start's depth is the same count at its t.  *t_out is the t of
 * that line start.  -ENOENT when there is none, -ERANGE past the end,
 * -EINVAL for a bad how.  Cost: a scan of lines.hdb from t (over the other
 * threads' starts, and for OVER the starts inside the calls skipped). */
enum hs_db_step {
	HS_DB_STEP_INTO = 1,
	HS_DB_STEP_OVER = 2,
	HS_DB_STEP_BACK_INTO = 3,
	HS_DB_STEP_BACK_OVER = 4,
};
int hs_db_step_line(const struct hs_db_image *img, uint64_t t,
		    enum hs_db_step how, uint64_t *t_out);
/* The same, where INTO and BACK_INTO also leap over every call that gdb's
 * `step` does not enter: f->enter(ctx, call) says whether it would (the
 * caller knows the debug info: fs/tree says no for a call made from code
 * without line info, such as a callback called by a library without it,
 * or an ifunc resolver called by the dynamic linker's lazy resolver; the
 * calls inside one are leapt with it).  HS_DB_STEP_SKIP_CALLER says more:
 * the calling code has no line info at all, so its frame has no line
 * start of its own and, when the step did not start inside it, is leapt
 * whole (one leap over a library that calls back a million times).
 * Forward, INTO also goes on past a start of the line being stepped in
 * its own frame (a call it did not enter returned into a new row of that
 * line: gdb goes on there).  Forward, when the frame INTO starts in
 * (from a line or from code without one) returns, or is left by a tail
 * jump (past a PLT stub), before the next stop into code where
 * f->stops(ctx, rip) says gdb's step does not stop (no line info: a
 * library without it, a signal handler's interrupted code in a static
 * libc), the step stops there, as gdb's does ("0x... in f ()"); f->stops
 * may be NULL (no such stop).  f NULL: no call is leapt. */
enum hs_db_step_enter {
	HS_DB_STEP_ENTER = 0,       /* gdb's step stops inside */
	HS_DB_STEP_SKIP = 1,        /* runs it to its return */
	HS_DB_STEP_SKIP_CALLER = 2, /* ... and the caller has no lines */
};
/* OVER takes stops (where the frame it steps in returns or tail-jumps
 * into code where f->stops says no, gdb's next stops too) and ret_line
 * (f NULL or ret_line NULL: the rule above):
 * where the frame `next` steps in returns before its next stop, gdb goes
 * on in the caller with the line of the row it returns into (its middle:
 * the row's line; a row start that is no statement: no line), not the
 * line that made the call; ret_line(ctx, t_ret, t) says whether the
 * caller's start at t is of the line gdb steps after the return at t_ret:
 * 1 yes (gdb goes on), 0 no (it stops), < 0 no answer (the call's line). */
struct hs_db_step_filter {
	enum hs_db_step_enter (*enter)(void *ctx, const struct hs_db_call *c);
	bool (*stops)(void *ctx, uint64_t pc);
	int (*ret_line)(void *ctx, uint64_t t_ret, uint64_t t);
	void *ctx;
};
int hs_db_step_line_filtered(const struct hs_db_image *img, uint64_t t,
			     enum hs_db_step how, const struct hs_db_step_filter *f,
			     uint64_t *t_out);
/* Where gdb's `next` goes on after call c, made by thread tid from its
 * frame at depth open calls, when a longjmp or an exception left c
 * (HS_DB_CALL_UNWOUND): gdb knows no longjmp target nor exception handler
 * here and stops nowhere until its step-resume breakpoint at c's return
 * address is hit in that frame.  1 and *t, the first moment from the
 * landing on at which the frame runs that address; -ENOENT when it never
 * does (gdb runs to the program's end); -E2BIG when a long scan finds no
 * answer; 0 when c is no such call; -errno. */
int hs_db_unwound_resume(const struct hs_db_image *img, const struct hs_db_call *c, uint32_t tid,
			 uint32_t depth, uint64_t *t);

/* ---- executed-address filters (addrs.hdb) ------------------------------------
 * Per stream chunk, a Bloom filter of the instruction addresses it runs
 * (db_format.h, ADDRS): a search for the next (or last) execution of an
 * address decodes only the chunks that may run it.  The filters are the
 * caller's object, for one thread at a time (a gdbserver connection);
 * their blocks are read and checked when first asked about and kept. */
struct hs_db_addr_filters;
/* -ENOENT when the database has none (built before addrs.hdb). */
int hs_db_addr_filters_open(const struct hs_db_image *img,
			    struct hs_db_addr_filters **out);
void hs_db_addr_filters_free(struct hs_db_addr_filters *f); /* accepts NULL */
/* 0 when chunk (its seq, the stream's chunk index) runs no instruction
 * at addr; 1 when it may, or when that is not known (no such chunk, a
 * damaged block: one line on stderr). */
int hs_db_addr_may_run(struct hs_db_addr_filters *f, uint64_t chunk, uint64_t addr);

/* ---- origin ----------------------------------------------------------------
 * Where a register's value came from, for "where did this value come
 * from" in a debugger. */

/* The t of the state right after the last instruction or event (a syscall
 * result, a signal frame, a register dump) at or before t that changed
 * register reg (names as hs_db_reg_value()) of thread tid (0: the thread
 * at t): the register's value at *t_out equals its value at t and differs
 * at *t_out - 1 (*t_out may be t itself).  -ENOENT when it has not
 * changed since the thread started (or the image's first state), or reg
 * is no register name; -ESRCH, -ERANGE as hs_db_regs_at().  Cost: a
 * decode of every chunk from the change to t (about 10 M instructions a
 * second): milliseconds for most registers, but a register set once at
 * the start (fs_base) costs a decode of the whole trace before t. */
int hs_db_reg_origin(const struct hs_db_image *img, uint64_t t, uint32_t tid,
		     const char *reg, uint64_t *t_out);

#endif
