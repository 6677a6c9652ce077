/* rec_internal.h - private interfaces of the recorder (a Valgrind tool).
 *
 * The recorder is a static Valgrind tool with no libc.  It is split into:
 *   rec_main.c        tool registration, options, core event callbacks
 *   rec_instrument.c  VEX IR instrumentation: inline logging of every
 *                     register write, store and exit into the stream buffer
 *   rec_stream.c      the stream and code buffers, chunks, zstd, files
 *   rec_ring.c        the stream buffer's ring, shared with the writer
 *                     process that compresses and writes stream chunks
 *   rec_exec.c        an execve's argv[0] and /proc/self/exe as the kernel's
 *   rec_shims.c       libc symbols that libzstd.a needs, TLS for its canary
 *
 * Threading: Valgrind runs one guest thread at a time under its big lock,
 * so all state here is global and unlocked.  The writer process (a clone)
 * has its own copy of it and shares only the ring's mapping.
 *
 * The format written is specified in include/hindsight/trace_format.h.
 */
#ifndef HS_REC_INTERNAL_H
#define HS_REC_INTERNAL_H

#include "pub_tool_basics.h"
#include "pub_tool_vki.h"
#include "pub_tool_vkiscnums.h"
#include "libvex_ir.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_threadstate.h"

#include "hindsight/trace_format.h"

/* An invariant clang's analyser (make scan) cannot see; nothing in a
 * normal build.  util.h's HS_ANALYZER_ASSUME, which the recorder cannot
 * include (it has no libc). */
#ifdef __clang_analyzer__
#define REC_ANALYZER_ASSUME(c) do { if (!(c)) __builtin_unreachable(); } while (0)
#else
#define REC_ANALYZER_ASSUME(c) ((void)0)
#endif

/* Not in the pub_tool headers, but exported by libcoregrind. */
extern SysRes VG_(do_syscall)(UWord sysno, UWord a1, UWord a2, UWord a3,
			      UWord a4, UWord a5, UWord a6, UWord a7, UWord a8);

/* Moves fd above the client's range and marks it close-on-exec. */
extern Int VG_(safe_fd)(Int oldfd);

#define REC_VERSION "0.1.0"

/* Stream buffer: records accumulate here and a chunk is cut when more than
 * rec_opts.chunk_bytes are used (--hs-chunk-kb; default REC_CHUNK_DEFAULT:
 * about 50 k instructions between sync points).  Translations check for
 * room at their start, so one SB record must fit in REC_MARGIN.
 *
 * The buffer is REC_NCOL regions of rec_region_bytes, one per column of a
 * COLUMNS chunk (trace_format.h): ctl (events, sb_ids, guard and taken
 * bytes), then the slots of 1-2, 4 and 8+ bytes; any one may hold a
 * whole chunk. */
#define REC_CHUNK_DEFAULT (128u << 10)
#define REC_MARGIN (1u << 20)
#define REC_MAX_SB_RECORD (256u << 10)

/* Writer processes that compress and write stream chunks (rec_ring.c). */
#define REC_MAX_WRITERS 8

/* Valgrind's default --max-threads is 500; we refuse more. */
#define REC_MAX_THREADS 1024

/* A file's identity: what `hindsight record` had as fd 1 or 2. */
struct rec_file_id {
	Bool known;
	ULong dev, ino;
};

/* --hs-measure: for the throughput breakdown in bench/RESULTS.md only.
 * Every mode but FULL leaves a recording that cannot be read. */
enum rec_measure {
	REC_MEASURE_FULL = 0,  /* record */
	REC_MEASURE_NOWRITE,   /* log and compress, write nothing */
	REC_MEASURE_NOCOMPRESS,/* log, then drop each chunk */
	REC_MEASURE_NOLOG      /* no instrumentation: Valgrind's cost with
				* exact registers plus our callbacks */
};

struct rec_options {
	const HChar *out_dir;  /* TRACE/procs, from --hs-out */
	Int level;             /* zstd level, --hs-level */
	enum rec_measure measure; /* --hs-measure */
	Int writers;           /* --hs-writers; 0: none, the recorder's thread
				* compresses and writes; -1 (unset): one per
				* CPU, at most 4 */
	UInt chunk_bytes;      /* raw bytes per chunk, --hs-chunk-kb */
	Bool verbose;
	ULong max_insns;       /* --hs-max-insns: the cap of this process
				* image's instructions (0: none); then the
				* program gets SIGXCPU, as at a CPU limit */
	/* the recording's stdout and stderr, --hs-stdout/--hs-stderr=DEV:INO */
	struct rec_file_id console[3];
};
extern struct rec_options rec_opts;

enum { REC_COL_CTL, REC_COL_V1, REC_COL_V4, REC_COL_V8, REC_NCOL };
/* The column of a slot of `size` bytes that is not a guard or taken byte
 * (those are REC_COL_CTL). */
static inline UInt rec_col_of(UInt size)
{
	return size >= 8 ? REC_COL_V8 : size >= 4 ? REC_COL_V4 : REC_COL_V1;
}

/* The inline IR reads and writes these directly (their addresses are
 * constants in every translation). */
extern UChar *rec_buf_ptr;   /* next free byte of the ctl column */
extern UChar *rec_col_ptr[REC_NCOL]; /* of the value columns ([0] unused) */
extern ULong rec_buf_fill;   /* bytes in all columns: full past chunk_bytes */
extern ULong rec_icount;     /* instructions retired so far (t) */
extern UChar *rec_buf_start; /* first byte of the ctl column */
extern UChar *rec_col_start[REC_NCOL];

/* rec_stream.c */
int rec_stream_open(void);
void rec_stream_flush(Bool last);
void rec_stream_close(void);
void rec_stream_after_fork_child(void);
UChar *rec_event_begin(UInt tag, UInt payload_len);
void rec_event_mem(Addr a, SizeT len, UInt source);
void rec_code_append(const UChar *bytes, UInt len);
UChar *rec_prev_alloc(UInt len);
void rec_prev_reset_all(void);
void rec_emit_regs(ThreadId tid, UInt reason);
void rec_emit_thread_run(ThreadId tid);
void rec_emit_stopped_regs(ThreadId tid, UInt reason);
Bool rec_stream_broken(void);
/* The recording of this image stopped while the program runs on (a
 * write failed, a writer process died): leaves the empty file "stopped"
 * in the image's folder, by which `hindsight record` knows that Valgrind's
 * exit status is still the program's (an image with no EXIT record and
 * no such file ended with Valgrind giving up on its own). */
void rec_stream_mark_stopped(void);
/* pid, a child of this process, was killed by signal sig (SIGKILL: no
 * recorder sees it): leaves HS_IMAGE_KILLED in its last image's folder
 * once no process writes that image any more (trace_format.h). */
void rec_stream_note_killed(Int pid, Int sig);
void rec_stream_before_exec(void);
SizeT rec_stream_pack_cap(void);
SizeT rec_stream_pack(const UChar *slot, const UInt len[REC_NCOL], SizeT *raw_n,
		      UChar *out);
void rec_stream_put_stream_chunk(ULong seq, const UChar *payload, SizeT n, SizeT c,
				 ULong first_t, Bool last);
void rec_stream_stats(void);

/* rec_ring.c: the stream buffer's slots, shared with the writer */
int rec_ring_init(SizeT bytes_per_slot);
UChar *rec_ring_first_slot(void);
UChar *rec_ring_hand_over(const UInt len[REC_NCOL], ULong first_t, Bool last);
extern SizeT rec_region_bytes; /* a column's region in a slot (rec_stream.c) */
void rec_ring_drain(void);
int rec_ring_after_fork_child(void);
Bool rec_ring_broken(void);

/* rec_instrument.c */
IRSB *rec_instrument(VgCallbackClosure *closure, IRSB *in,
		     const VexGuestLayout *layout,
		     const VexGuestExtents *vge,
		     const VexArchInfo *archinfo_host,
		     IRType gWordTy, IRType hWordTy);
void rec_fixup_aborted_sb(ThreadId tid);
void rec_instrument_init(void);

/* rec_main.c: threads known to be alive, for sync dumps */
Bool rec_thread_alive(ThreadId tid);
ThreadId rec_thread_end(void); /* one past the highest slot ever alive */
ThreadId rec_current_tid(void);
/* rec_main.c: a NUL-terminated string of the client's, at most cap - 1
 * bytes of it (as far as it is readable); its length */
UInt rec_client_string(Addr s, HChar *out, UInt cap);

/* rec_exec.c: an execve starts the new program with the caller's argv[0]
 * and the program a /proc/self/exe path names (the link wraps the core's
 * VG_(do_syscall), see there).  rec_exec_before in the execve's pre hook,
 * rec_exec_option for the options it passes to the new image,
 * rec_exec_restore in the new image's post_clo_init. */
void rec_exec_before(UInt sysno, UWord *args, const HChar *path);
Bool rec_exec_option(const HChar *arg);
void rec_exec_restore(void);
/* The argv[0] this image was given where it is not its program's path
 * (`execvp("echo", ...)` runs /usr/bin/echo as "echo"), else NULL. */
const HChar *rec_exec_argv0(void);
/* rec_main.c: a write of the core's stack-overflow note to its log, which
 * a native run never prints (the do_syscall wrap drops it). */
Bool rec_log_line_dropped(UWord fd, const HChar *buf, UWord len);

/* rec_main.c: the link wraps the core's VG_(gdbserver_report_signal)
 * (-Wl,--wrap, see the Makefile) to learn the siginfo of every signal it
 * is about to deliver, which no tool callback gives for a fatal one. */
Bool __wrap_vgPlain_gdbserver_report_signal(vki_siginfo_t *info, ThreadId tid);
Bool __real_vgPlain_gdbserver_report_signal(vki_siginfo_t *info, ThreadId tid);

/* rec_shims.c */
void rec_tls_init(void);

/* little-endian writers into a byte buffer (the host is x86-64) */
static inline void rec_put_u32(UChar *p, UInt v) { *(UInt *)p = v; }
static inline void rec_put_u64(UChar *p, ULong v) { *(ULong *)p = v; }

#endif
