/* db_format.h - the on-disk format of a Hindsight database (TRACE/db/).
 *
 * This header is the specification; builder/db writes it, fs/query reads
 * it, fs/dbfile frames it.  Integers are little endian, records packed.
 *
 *   TRACE/db/                  the database; it appears by one rename(2) of
 *                              a finished TRACE/.db.tmp.<pid> folder, so a
 *                              killed build never leaves a TRACE/db
 *     manifest.json            json-c: format "hindsight-db", version,
 *                              build_id (16 hex digits, in every .hdb
 *                              header too), builder, created, level,
 *                              shards, and per
 *                              image its name, instructions, chunk count,
 *                              threads (its THREADS records),
 *                              and every file's size and XXH64
 *     <pid>.<n>/               one folder per process image of the trace
 *       chunks.hdb             CHUNKS: where each stream chunk is, its t range
 *       events.hdb             EVENTS: every event record of the stream, by t
 *       runs.hdb               RUNS: which thread runs from which t
 *       pages.hdb              PAGES: page versions, by page then time
 *       pageidx.hdb            PAGEIDX: (page, chunk) -> version location
 *       calls.hdb              CALLS: every call with its return, by t_call
 *       callee.hdb             CALLEE: the same calls, by (callee, t_call)
 *       callees.hdb            CALLEES: each callee's call count
 *       stacks.hdb             STACKS: open-call checkpoints for backtraces
 *       lines.hdb              LINES: every line start, by t
 *       lineidx.hdb            LINEIDX: the line starts by (file, line, t)
 *       linefiles.hdb          LINEFILES: source files and their lines
 *       threads.hdb            THREADS: each thread's OS tid and lifetime
 *       addrs.hdb              ADDRS: per chunk, a Bloom filter of the
 *                              instruction addresses it runs (optional:
 *                              databases built before it have none)
 *
 * The raw recording (TRACE/procs) stays and is part of the database: the
 * stream chunks are the instruction-level log that queries decode.
 *
 * TIME AND CHUNKS.  t as in trace_format.h.  Stream chunk c covers
 * [first_t(c), end_t(c)); end_t(c) = first_t(c+1), and the last chunk's
 * end_t is the image's final t.  The state at t is found in chunk c, the
 * last with first_t(c) <= t: decode it from its start (a sync point) up to
 * t.  "The state at the start of chunk c" is the state at first_t(c).
 *
 * MEMORY.  Memory is kept per 4 KiB page.  A page version describes what
 * happened to one page during one chunk: the write mask (every byte that any
 * store, syscall, signal frame or mapping wrote during the chunk, even with
 * an unchanged value) and enough data to know the page at the chunk's end:
 *   DIFF  data = the final value of each masked byte, in address order
 *   FULL  data = all 4096 bytes at the chunk's end (written by the merge
 *         every HS_DB_FULL_EVERY versions of a page, and for mappings)
 *   COPY  mremap moved a page here (at copy_t) during the chunk: the page
 *         at the chunk's end is the page at copy_src as it was at the START
 *         of this chunk (its versions with a smaller chunk: never this
 *         one), then the masked bytes of data (DIFF-style) on top.  The
 *         builder puts into that overlay the bytes written to the source
 *         in this chunk before the copy and those written to this page
 *         after it, so no reader ever decodes part of a chunk to resolve a
 *         COPY.  (The mask is then not "bytes written to this page in
 *         this chunk": with HS_DB_WROTE_ALL, all were.)  copy_src
 *         may be this very page (its earlier versions).  Readers resolve
 *         it recursively; every step goes to a strictly earlier chunk.
 * FULL with data_len 0 is a page of zeros (a fresh mapping): data_len is
 * HS_DB_PAGE or 0.  A DIFF whose mask is full is written as a FULL.
 * Mapping contents (zeros of a new anonymous mapping, a file's bytes) are
 * writes like any other, with flag HS_DB_WROTE_ALL when they cover the page.
 * Effects are in the chunk whose records make them (trace.h, "memory
 * effects"): a store by the instruction that takes the state from t to
 * t + 1 is visible at t + 1, an event's effect at the event's t; so the
 * last instruction of chunk c writes memory visible at end_t(c), and that
 * is in chunk c's version.
 * To read memory at t: maps at t (from MAP/UNMAP/MPROTECT/REMAP events)
 * say what is mapped (unmapped -> EIO); for each page, take the latest
 * version with chunk < c, walk back to a FULL or COPY, apply the DIFFs
 * forward, then decode chunk c up to t applying its stores and events.
 * A page with no version before chunk c has never been written: zero;
 * except in an image that began as a fork (HS_FILE_FORKED in its
 * stream.hst header), which starts with its parent's memory: such a page is
 * the parent image's page at parent_t (recursively), since the recorder
 * does not copy the child's memory at the fork.
 *
 * Chains.  A reader of chunk c walks back from the page's latest version
 * before c to a FULL or a COPY.  The merge writes a FULL whenever the chain
 * since the last FULL would reach HS_DB_FULL_EVERY versions, but only while
 * it knows the page: from its first version (on the zero page) or from a
 * FULL; after a COPY (whose source the merge cannot see) DIFFs follow until
 * the page is written whole again (builder/db, hs_dbb_fold_next).
 *
 * LAST WRITE.  The masks of a page's versions name the chunks that wrote a
 * byte; decoding that one chunk finds the exact store.  A COPY version (flag
 * HS_DB_WROTE_ALL) wrote every byte of the page at copy_t.
 */
#ifndef HINDSIGHT_DB_FORMAT_H
#define HINDSIGHT_DB_FORMAT_H

#include <stdint.h>

/* Version 3 added threads.hdb (OS thread ids); version 4 ends frames by
 * the stack pointer and enters signal handlers as calls (CALLS flags);
 * version 5 names the build and the image in every .hdb header (dbfile.h)
 * and the build in manifest.json (build_id); version 6 makes tail calls
 * frames (HS_DB_CALL_TAIL, HS_DB_CALL_TAILIN); version 7 keeps a thread's
 * stacks (ucontext) apart: CALLS pad is the context, ctxsw.hdb. */
#define HS_DB_FORMAT_VERSION 7
#define HS_DB_PAGE 4096u
#define HS_DB_MASK_BYTES (HS_DB_PAGE / 8)
#define HS_DB_FULL_EVERY 16

/* Block-file kinds (fs/dbfile frames every .hdb file; see dbfile.h). */
enum hs_db_kind {
	HS_DB_CHUNKS = 1,
	HS_DB_EVENTS = 2,
	HS_DB_RUNS = 3,
	HS_DB_PAGES = 4,
	HS_DB_PAGEIDX = 5,
	HS_DB_CALLS = 6,
	HS_DB_CALLEE = 7,
	HS_DB_CALLEES = 8,
	HS_DB_STACKS = 9,
	HS_DB_LINES = 10,
	HS_DB_LINEIDX = 11,
	HS_DB_LINEFILES = 12,
	HS_DB_THREADS = 13,
	HS_DB_ADDRS = 14,
	HS_DB_CTXSW = 15,
};
#define HS_DB_KIND_LAST HS_DB_CTXSW

/* CHUNKS record, 48 bytes, key first_t:
 *   u64 seq, u64 first_t, u64 end_t, u64 offset (of the chunk header in
 *   procs/<image>/stream.hst), u32 comp_size, u32 raw_size, u64 payload_xxh */
#define HS_DB_CHUNK_REC 48

/* EVENTS record, key t:
 *   u64 t, u32 tid, u32 tag (enum hs_event), u32 len, u8 payload[len]
 * The payload is the stream record's, unchanged.  HS_EV_REGS dumps are
 * left out (they are in the stream). */
#define HS_DB_EVENT_HDR 20

/* RUNS record, 16 bytes, key t: u64 t, u32 tid, u32 pad.
 * Thread tid runs instruction t+1 and on, until the next record. */
#define HS_DB_RUN_REC 16

/* PAGES record, key page address:
 *   u64 page, u64 chunk (seq), u64 t (end_t of that chunk),
 *   u32 kind (enum hs_db_version), u32 flags (HS_DB_WROTE_ALL),
 *   u64 copy_src, u64 copy_t (COPY only, else 0; copy_t is the t of the
 *   REMAP event, for history: the source is read at the chunk's start),
 *   u8 mask[512] (bit i of byte i/8 = byte i of the page was written),
 *   u32 data_len, u8 data[data_len]
 * Records are sorted by (page, chunk). */
#define HS_DB_PAGE_HDR (8 + 8 + 8 + 4 + 4 + 8 + 8 + HS_DB_MASK_BYTES + 4)

enum hs_db_version { HS_DB_FULL = 1, HS_DB_DIFF = 2, HS_DB_COPY = 3 };
#define HS_DB_WROTE_ALL 0x1u /* the whole page was written (map, copy) */

/* PAGEIDX record, 32 bytes, key page address:
 *   u64 page, u64 chunk, u32 block (in pages.hdb), u32 offset (in the
 *   block's raw bytes), u32 length, u32 kind */
#define HS_DB_PAGEIDX_REC 32

/* CALLS record, 48 bytes, key t_call:
 *   u64 t_call (t before the call instruction retires), u64 t_ret (t after
 *   the frame ended; HS_DB_NO_RETURN if it never did), u64 callee (rip
 *   after the call), u64 call_site (rip of the call instruction), u32 tid,
 *   u32 depth (0 for the outermost recorded frame of its context), u32 flags
 *   (HS_DB_CALL_*), u32 ctx (the thread's context the frame is on, below;
 *   0: the thread's first stack)
 * A call is a near call instruction (call rel32, call r/m64).  A signal
 * handler's entry is one too (flag HS_DB_CALL_SIGNAL): t_call is the t of
 * its delivery (HS_EV_SIGNAL), callee the handler, call_site the rip it
 * interrupted.  Every frame has a slot: rsp right after the call (where
 * its return address is), or rsp at the handler's first instruction.
 * Frames end by the stack pointer: after a return or an indirect jump
 * (jmp r/m64) with rsp R, every open frame of the thread whose slot is
 * below R has been left and ends at t after that instruction.  A frame
 * whose own slot the return popped (R = slot + 8), to its return address,
 * returned; every other frame left was unwound (HS_DB_CALL_UNWOUND):
 * skipped by longjmp, siglongjmp or an exception (the landing pad or the
 * longjmp target runs at t_ret).  A handler's return into its restorer
 * does not end its frame: the thread's rt_sigreturn (HS_EV_SIGRETURN)
 * does, at that event's t, with every frame above it (unwound).  A return
 * or jump that leaves nothing changes nothing, so depth is never negative.
 * depth is the number of the thread's calls open when the call is made.
 * When a thread exits (HS_EV_THREAD_EXIT) its open calls stay
 * HS_DB_NO_RETURN and leave its stack (Valgrind reuses tids).
 * A tail call is a call too: a jump (jmp rel, jmp r/m64) with rsp at the
 * innermost frame's slot, to a function's entry (an ELF symbol's start,
 * not a .cold part) from another function that is no PLT stub, by the
 * symbols of the modules mapped at start-up, the dynamic linker's left
 * out.  It ends that frame at t after the jump (HS_DB_CALL_TAIL) and
 * opens one for the target (HS_DB_CALL_TAILIN): t_call the t of the jump
 * (whose rip is the jump), call_site that of the frame it replaced, the
 * same depth, slot and return address (it returns where the frame it
 * replaced would have; the innermost call open at its t_call is the one
 * it replaced).  Out of a signal handler's frame, the new frame carries
 * HS_DB_CALL_SIGNAL too (it runs on the signal frame in the handler's
 * place: a return into the restorer leaves it open, rt_sigreturn ends it),
 * with HS_DB_CALL_TAILIN telling it from a handler entered by delivery.
 * Contexts (ucontext: makecontext, swapcontext, setcontext).  A thread
 * may run on several stacks, each with its own frames: glibc switches by
 * loading the other stack's rsp and returning (push rip; ret).  A return
 * (or jump) to the return address of the innermost frame F of a
 * suspended context, with R = F's slot + 8, resumes that context: F
 * returns there and then, the running context is suspended with its
 * frames open (they are neither left nor unwound).  A return that lands
 * on a function's entry (by the symbols, as a tail call's target), which
 * no return of the running stack does, enters a makecontext'd function:
 * a call (flag HS_DB_CALL_SWITCH) on a new context, t_call the t of that
 * return (its rip the call site), slot R, return address not known (it
 * returned when its slot is popped: into __start_context).  A context
 * whose entry function returned and that switches away again
 * (__start_context's setcontext to uc_link) is done: its frames end
 * there, unwound.  depth counts the frames of the call's own context.
 * Backtraces and depths are those of the context running at t
 * (ctxsw.hdb): gdb's bt shows the stack it runs on.
 * The result does not depend on how the build was sharded (builder/db:
 * what a shard's frames cannot answer is answered in the merge by the
 * same rule over the calls earlier shards left open; dbb_calls.c). */
#define HS_DB_CALL_SIGNAL 0x1u   /* a signal handler, entered by delivery */
#define HS_DB_CALL_UNWOUND 0x2u  /* left without returning (see above) */
#define HS_DB_CALL_TAIL 0x4u     /* ended by a tail call out of it */
#define HS_DB_CALL_TAILIN 0x8u   /* entered by a tail call (call_site is
				  * the call of the frame it replaced) */
#define HS_DB_CALL_INLINE 0x10u  /* an entry of an inlined copy (CALLEE
				  * only, see there) */
#define HS_DB_CALL_SWITCH 0x20u  /* entered by a stack switch's return:
				  * a makecontext'd function (above) */
#define HS_DB_CALL_REC 48
#define HS_DB_NO_RETURN UINT64_MAX

/* ---- source level (builder/db: dbb_index.c, dbb_lines.c) -----------------
 *
 * A call is open at t when t_call < t < t_ret: at t_call the call
 * instruction has not run yet (rip is the call site, in the caller), at
 * t_ret the return has.  A signal handler's frame is open from t_call on
 * (t_call <= t): the state at its delivery is the handler's first.  A call that never returned is open while
 * t_call < t <= t_end, t_end being the t of its thread's
 * HS_EV_THREAD_EXIT after it (the dying thread keeps its stack at its
 * exit), or HS_DB_NO_RETURN when there is none (still open at the end).
 *
 * CALLEE record, 48 bytes: a CALLS record, unchanged; records sorted by
 * (callee, t_call); key callee.
 * CALLEE (and CALLEES) also hold the entries of inlined copies, which
 * CALLS and STACKS do not (no call makes them; a backtrace finds the
 * copies holding the pc from DWARF): flag HS_DB_CALL_INLINE, callee
 * HS_DB_INLINE_KEY(pc, k): the k-th copy (1: innermost) whose entry is pc
 * (where gdb 13's `break f` stops in a copy of f: the start of its first
 * range, or past the prologue of the function whose entry it starts at:
 * hs_src_inline_entries), call_site pc.  t_call is the t at which the
 * entry instruction runs (each time, as gdb's breakpoint hits); t_ret the
 * t of the first instruction outside the copy at the same frame depth (or
 * after the return of the frame holding it; no later than that frame's end, with
 * its HS_DB_CALL_UNWOUND or HS_DB_CALL_TAIL); depth the thread's open
 * calls at t_call.  A database built before inline entries were indexed
 * (same version) simply has none. */
#define HS_DB_CALLEE_REC HS_DB_CALL_REC
#define HS_DB_INLINE_KEY(pc, k) ((uint64_t)(pc) | (uint64_t)(k) << 56)
#define HS_DB_INLINE_PC(key) ((key) & ((UINT64_C(1) << 56) - 1))
#define HS_DB_INLINE_K(key) ((unsigned)((key) >> 56))

/* CALLEES record, 24 bytes, key callee, one per distinct callee:
 *   u64 callee, u64 calls (how many), u64 first (index of its first
 *   record in callee.hdb) */
#define HS_DB_CALLEES_REC 24

/* STACKS record, key t (a checkpoint of every thread's open calls):
 *   u64 t        t_call of call index-1 (the last call it covers)
 *   u64 index    it covers calls.hdb records [0, index)
 *   u32 n, u32 pad
 *   n x { u8 call[48] (the CALLS record), u64 t_end }: the calls among
 *     [0, index) with t_end > t, by t_call
 * The open calls at any t > key are those of the checkpoint with the
 * largest key < t that are open at t, plus those of calls.hdb records
 * index, index+1, ... with t_call < t that are open at t.  A checkpoint
 * is written once at least max(HS_DB_STACKS_EVERY, n) calls have followed
 * the previous one, so a backtrace reads one checkpoint and at most that
 * many calls. */
#define HS_DB_STACKS_HDR 32
#define HS_DB_STACKS_FRAME 56
#define HS_DB_STACKS_EVERY 2048

/* CTXSW record, 16 bytes, key t, one per stack switch (CALLS,
 * "Contexts"), in t order:
 *   u64 t (the first t on the new stack), u32 tid, u32 ctx (CALLS ctx)
 * A thread runs on context 0 until its first switch; at t it runs on the
 * ctx of its last switch with key <= t.  A thread's exit while on another
 * context switches it back to 0 at the exit's t + 1 (Valgrind reuses
 * tids).  A build before version 7 has no ctxsw.hdb. */
#define HS_DB_CTXSW_REC 16

/* LINES record, 24 bytes, key t; LINEIDX: records of the same form sorted
 * by (file_id, line, t), key file_id << 32 | line, one per hit of gdb 13's
 * `break FILE:LINE` (lines/; builder/db/dbb_lines.c, "breakpoint
 * locations": a location below its function's breakpoint address, in the
 * prologue or in a cold part such as main.cold, is hit there; two
 * locations of a line at one address are two records of the same t), not
 * the line starts below:
 *   u64 t (the state before the line's first instruction), u32 tid,
 *   u32 file_id, u32 line, u32 depth (the thread's open calls at t on the
 *   context it runs on then: CALLS, "Contexts")
 * A line start is gdb's `step` stop (source.h "lines"), per thread: an
 * instruction at the first address of an is_stmt row, not a prologue row,
 * whose (file, line) differs from the thread's current line.  As in
 * gdb's process_event_stop_test, each thread keeps a step range (the last
 * row taken): instructions inside it change nothing; a non-statement row
 * start becomes the range and keeps the current line in the same frame,
 * forgetting it after a call or return; a jump or return into the middle
 * of a row takes that row's line and range without a start; a call, a
 * prologue row and a thread's exit make the line none (a new frame: its
 * first line always starts), and the rest of a prologue row takes no line
 * (gdb runs to the prologue's end: a one-line function's body row, of the
 * same line, still starts); instructions without line info leave it.  So
 * returning into the middle of the caller's line starts nothing, and a
 * loop within one line starts that line once, as gdb's `step` does. */
#define HS_DB_LINE_REC 24

/* LINEFILES record, key file_id << 32 | line:
 *   u32 file_id, u32 line, u64 n, u32 len, u8 text[len]
 * Per source file that has line starts or breakpoint hits, ids 0, 1, ...
 * in path order (LINES and LINEIDX share them; a file with line starts
 * only has its record of line 0, n = 0): a record with line 0, n = its
 * number of distinct lines hit, text = the path as DWARF names it
 * (comp_dir joined); then one record per line that was hit (LINEIDX),
 * ascending, n = how many times, len 0.  A line without code has no
 * record: lines/ answers it with the line gdb's `break` moves to. */
#define HS_DB_LINEFILE_HDR 20

/* THREADS record, 40 bytes, key t_create, one per thread of the image in
 * the order of creation:
 *   u64 t_create  t of its HS_EV_THREAD_CREATE; for a thread that was
 *                 already there when the image began (the main thread of a
 *                 fork child, or one created before any record), the t of
 *                 its first record
 *   u64 t_exit    t of its HS_EV_THREAD_EXIT, HS_DB_NO_EXIT if none
 *   u32 slot      the recorder's thread id, the tid of every other record
 *                 (Valgrind's ThreadId: a slot reused by a later thread
 *                 once this one exited)
 *   u32 os_tid    the thread's id for the OS and the program (gettid()):
 *                 the lwpid of its first HS_EV_THREAD_RUN, or else the
 *                 value its creator's clone returned; 0 if neither was
 *                 recorded
 *   u32 parent    index (in this table) of the thread that created it,
 *                 HS_DB_NO_PARENT for none
 *   u32 pad
 * Every record of stream and database names a thread by slot; the thread
 * it means is the slot's THREADS record with the largest t_create <= t
 * (or its first record, for a t before every t_create).  Slots and these
 * intervals are the database's own; people see os_tid (fs/query
 * hs_db_thread_os_tid). */
#define HS_DB_THREAD_REC 40
#define HS_DB_NO_EXIT UINT64_MAX
#define HS_DB_NO_PARENT UINT32_MAX

/* ADDRS record, key chunk (seq), one per chunk of chunks.hdb, in order:
 *   u64 chunk, u32 log2_bits (the filter has m = 1 << log2_bits bits,
 *   HS_DB_ADDRS_MIN_LOG2..HS_DB_ADDRS_MAX_LOG2), u32 n (the distinct
 *   instruction addresses the chunk runs), u8 bits[m / 8]
 * A Bloom filter of every address that an instruction of the chunk runs
 * at (insn() of trace.h: instructions t = first_t .. end_t - 1): address
 * a sets bits (h >> 21 * j) mod m, j = 0, 1, 2, h = hs_db_addr_hash(a);
 * bit i is bit i % 8 of byte i / 8.  m is the least power of two >= 16 n
 * (within HS_DB_ADDRS_MIN_LOG2..MAX_LOG2), so a chunk that does not run a
 * given address claims it with a probability under 0.5 % (while n <=
 * 2^17).  A clear bit
 * proves the chunk never runs the address: a forward or backward search
 * for an address (a breakpoint) decodes only the other chunks.  The file
 * is optional: a database of this version built before it had none, and
 * readers then decode every chunk (format version 6 either way; the
 * builder writes it, the merge concatenates the shards'). */
#define HS_DB_ADDRS_HDR 16
#define HS_DB_ADDRS_MIN_LOG2 6
#define HS_DB_ADDRS_MAX_LOG2 21

/* The hash of ADDRS (splitmix64's finaliser). */
static inline uint64_t hs_db_addr_hash(uint64_t a)
{
	uint64_t z = a + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Puts address a into the filter bits (m = 1 << log2_bits). */
static inline void hs_db_addr_filter_add(uint8_t *bits, uint32_t log2_bits, uint64_t a)
{
	uint64_t h = hs_db_addr_hash(a), mask = ((uint64_t)1 << log2_bits) - 1;

	for (int j = 0; j < 3; j++) {
		uint64_t i = (h >> (21 * j)) & mask;

		bits[i / 8] |= (uint8_t)(1u << (i % 8));
	}
}

/* Whether the filter bits (m = 1 << log2_bits) may hold address a. */
static inline int hs_db_addr_filter_has(const uint8_t *bits, uint32_t log2_bits, uint64_t a)
{
	uint64_t h = hs_db_addr_hash(a), mask = ((uint64_t)1 << log2_bits) - 1;

	for (int j = 0; j < 3; j++) {
		uint64_t i = (h >> (21 * j)) & mask;

		if (!(bits[i / 8] >> (i % 8) & 1))
			return 0;
	}
	return 1;
}

_Static_assert(HS_DB_PAGE_HDR == 564, "PAGES record header size");
_Static_assert(HS_DB_STACKS_FRAME == HS_DB_CALL_REC + 8, "STACKS frame size");
_Static_assert(HS_DB_LINE_REC == 8 + 4 * 4, "LINES record size");
_Static_assert(HS_DB_CALLEES_REC == 3 * 8, "CALLEES record size");

#endif
