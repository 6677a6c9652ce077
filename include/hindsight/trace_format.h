/* trace_format.h - the on-disk format of a raw Hindsight recording.
 *
 * This header is the specification. The recorder (a Valgrind tool that has
 * no libc) writes it and the trace reader decodes it, so it holds only
 * constants, packed layouts and comments: no code, no libc types beyond
 * <stdint.h>.
 *
 * A recording is a folder:
 *
 *   TRACE/meta.json               written by `hindsight record` (json-c):
 *                                 command, env, cwd, times, status, exit
 *   TRACE/procs/<pid>.<n>/        one folder per recorded process image;
 *                                 n counts exec()s of the same pid from 0
 *      stream.hst                 execution stream: what ran, in order
 *      code.hst                   static description of every translation
 *
 * Both .hst files are a file header followed by chunks.  Every chunk is one
 * zstd frame and a sync point: the first records of every stream chunk are
 * a THREAD_RUN plus a full REGS dump of every live thread, and all delta
 * state (below) starts from zero.  A reader may therefore start decoding at
 * any stream chunk, given the whole code.hst.
 *
 * All integers are little endian.  Records are packed with no padding; read
 * them with explicit little-endian loads, never by casting a struct.
 *
 * TIME.  t counts retired guest instructions of the process, all threads
 * together, in execution order.  Each iteration of a `rep`-prefixed
 * instruction is one instruction (that is how Valgrind executes them, and
 * callgrind's Ir and lackey agree).  An instruction that faults does not
 * retire.  "State at t" is after t instructions, before instruction t+1.
 *
 * INVARIANTS.
 *  - sb_ids are unique within a process image and never reused; a
 *    translation's CODE_SB record is in code.hst no later than the stream
 *    chunk that first executes it is in stream.hst.
 *  - Chunks are numbered from 0 with no gaps (seq).  A chunk is written
 *    whole or not at all as far as its checksum can tell.
 *  - A complete stream's last chunk has HS_CHUNK_LAST and ends with an
 *    HS_EV_EXIT record.  Anything else is an incomplete recording.
 */
#ifndef HINDSIGHT_TRACE_FORMAT_H
#define HINDSIGHT_TRACE_FORMAT_H

#include <stdint.h>

#include "hindsight/le.h"

#define HS_TRACE_FORMAT_VERSION 8
/* The oldest version readers accept.  Version 4 added the captured
 * syscall arguments (HS_SYSCALL_ENTER_ARGS); version 5 the signal's
 * siginfo in SIGNAL and EXIT and the trailer of EXEC (each a longer
 * record whose first fields are unchanged); version 6 the CONSOLE record
 * (what reached the recording's stdout and stderr, from any process and
 * fd) and the kernel's whole siginfo at the end of SIGNAL and EXIT;
 * version 7 the Valgrind version in the file header (below); version 8
 * stream chunks in columns (HS_CHUNK_COLUMNS, below).  Version 3 to 7
 * files differ in nothing else and still read. */
#define HS_TRACE_FORMAT_MIN_VERSION 3

/* ---- file header (72 bytes; 64 before version 7) ----------------------
 *   0  char[8] magic        HS_STREAM_MAGIC or HS_CODE_MAGIC
 *   8  u32     version      HS_TRACE_FORMAT_VERSION
 *  12  u32     header_size  72 (64 before version 7)
 *  16  u32     pid
 *  20  u32     ppid
 *  24  u32     exec_index   n in <pid>.<n>
 *  28  u32     flags        HS_FILE_FORKED: this image began as a fork
 *  32  u64     start_ns     CLOCK_REALTIME at start
 *  40  u32     parent_pid   for a fork child: the parent; else 0
 *  44  u32     parent_exec  the parent's exec_index
 *  48  u64     parent_t     for a fork child: parent's t at the fork
 * From version 7:
 *  56  u32     vg_major     the Valgrind the recorder was built against
 *  60  u32     vg_minor     (valgrind.h's __VALGRIND_MAJOR__, _MINOR__)
 *  64  u64     xxh64        XXH64(bytes 0..63, seed 0)
 * Before version 7:
 *  56  u64     xxh64        XXH64(bytes 0..55, seed 0)
 *
 * VALGRIND VERSION.  The records hold Valgrind's own numbers: the IR
 * operators and jump kinds of code.hst (libvex_ir.h) and the register
 * layout of REGS and of PUT offsets (libvex_guest_amd64.h).  They may
 * change between Valgrind releases, so a reader accepts a version 7 file
 * only when vg_major.vg_minor is the Valgrind it was built against, and
 * says both versions when not.  Earlier files do not say: readers take
 * them as recorded by the Valgrind they were built against, as readers
 * before version 7 did.
 */
#define HS_STREAM_MAGIC "HSSTRM01"
#define HS_CODE_MAGIC   "HSCODE01"

/* ---- the file "killed" in an image's folder ----------------------------
 * No recorder sees SIGKILL: an image it ended has no EXIT record.  The
 * recorder and the writer processes of an image hold a flock on its
 * stream.hst (taken at its creation; they share the open file) for as
 * long as they may write it.  When a recorded parent learns that its
 * child was killed by SIGKILL (wait4's status, waitid's siginfo, a
 * SIGCHLD with CLD_KILLED), its recorder waits until that lock is free
 * (the writers have written every chunk they were given) and then
 * creates HS_IMAGE_KILLED in the child's folder (its last image: the
 * highest <n> of "<pid>.<n>"): one line, "<signal> <reaper pid>".  The
 * image then ended there, at its last recorded moment: the end of its
 * last whole chunk (what its recorder had not handed over is lost). */
#define HS_IMAGE_KILLED "killed"

#define HS_FILE_HEADER_SIZE 72
#define HS_FILE_HEADER_SIZE_V6 64 /* versions 3 to 6 */
#define HS_FILE_FORKED 0x1u

/* The file header in memory; its fields (all but the magic and the
 * checksum) by the tables that the recorder writes it with and the reader
 * reads it with (hs_le_pack, hs_le_unpack). */
struct hs_trace_file_header {
	char magic[8];
	uint32_t version, header_size, pid, ppid, exec_index, flags;
	uint64_t start_ns;
	uint32_t parent_pid, parent_exec;
	uint64_t parent_t;
	uint32_t vg_major, vg_minor; /* the recorder's Valgrind; 0.0 before format 7 */
};

#define HS_TFH(m, off, w) HS_LE_FIELD(struct hs_trace_file_header, m, off, w)
static const struct hs_le_field hs_trace_header_fields[] = {
	HS_TFH(version, 8, 4), HS_TFH(header_size, 12, 4), HS_TFH(pid, 16, 4),
	HS_TFH(ppid, 20, 4), HS_TFH(exec_index, 24, 4), HS_TFH(flags, 28, 4),
	HS_TFH(start_ns, 32, 8), HS_TFH(parent_pid, 40, 4),
	HS_TFH(parent_exec, 44, 4), HS_TFH(parent_t, 48, 8),
};
/* from version 7 */
static const struct hs_le_field hs_trace_header_v7_fields[] = {
	HS_TFH(vg_major, 56, 4), HS_TFH(vg_minor, 60, 4),
};
#undef HS_TFH

/* ---- chunk header (48 bytes), followed by comp_size bytes of zstd ------
 *   0  u32 magic        HS_CHUNK_MAGIC
 *   4  u32 flags        HS_CHUNK_LAST on the final chunk of a stream
 *   8  u64 seq          0, 1, 2, ...
 *  16  u64 first_t      stream: t at the start of this chunk; code: 0
 *  24  u32 raw_size     bytes after decompression
 *  28  u32 comp_size    bytes of the zstd frame that follows
 *  32  u64 payload_xxh  XXH64(compressed payload, seed 0)
 *  40  u64 header_xxh   XXH64(bytes 0..39, seed 0)
 */
#define HS_CHUNK_MAGIC 0x4b435348u /* "HSCK" */
#define HS_CHUNK_HEADER_SIZE 48
#define HS_CHUNK_LAST 0x1u
/* COLUMNS (stream chunks from version 8; before, a chunk is its records,
 * one after the other).  The records' bytes are cut into four columns:
 *   ctl   every event record whole, and of each SB record its u32 sb_id
 *         and its guard and taken bytes (STOREG, EXIT)
 *   v1    the other slots of 1 and 2 bytes
 *   v4    the other slots of 4 bytes, as 4 byte planes: byte 0 of every
 *         slot, then byte 1 of every slot, ... (n4 / 4 slots)
 *   v8    the other slots of 8, 16 and 32 bytes
 * MEMCOPY bytes go by the size of each piece (8, then 4/2/1).  A reader
 * walks ctl record by record and takes each slot, in record order, from
 * its column.  Every SB record (and SB_ABORT) takes in each value column
 * the room of all its translation's slots of that column, whichever exit
 * (or fault) ends it: the slots it did not reach are zeros, not read (so
 * that the recorder moves the value cursors once per record, not at each
 * exit).  The chunk (after decompression) is
 *   u32 n1, u32 n4, u32 n8, v1[n1], v4[n4], v8[n8], ctl[rest]
 * so it ends with its last record, as before.  Why: the control bytes of a
 * loop repeat, logged values mostly do not, and interleaved every value
 * breaks zstd's matches; apart, zstd -1 takes about 25 % less CPU on
 * gzip's stream and writes 8 % fewer bytes (bench/RESULTS.md, "column
 * split").
 * SB_ABORT's slots are in the columns too: its payload is u32 sb_id, u32
 * retired, then the ctl bytes of its slots. */
#define HS_CHUNK_COLUMNS 0x2u
#define HS_COLUMNS_HEADER 12

/* A chunk header in memory, with where it is in its file; its fields
 * (all but the magic and the header's own checksum) by one table, as for
 * the file header. */
struct hs_trace_chunk_info {
	uint64_t offset; /* of the chunk header in the file */
	uint64_t seq, first_t;
	uint32_t flags, raw_size, comp_size;
	uint64_t payload_xxh;
};

#define HS_TCH(m, off, w) HS_LE_FIELD(struct hs_trace_chunk_info, m, off, w)
static const struct hs_le_field hs_trace_chunk_fields[] = {
	HS_TCH(flags, 4, 4), HS_TCH(seq, 8, 8), HS_TCH(first_t, 16, 8),
	HS_TCH(raw_size, 24, 4), HS_TCH(comp_size, 28, 4), HS_TCH(payload_xxh, 32, 8),
};
#undef HS_TCH
#define HS_CHUNK_MAX_RAW (64u << 20) /* readers reject larger chunks */

/* ---- stream records ----------------------------------------------------
 * A record starts with a u32.  Values >= HS_SB_ID_FIRST are an SB record;
 * smaller values are an event tag, followed by u32 payload length and the
 * payload.
 *
 * SB record: u32 sb_id, then the slots of that translation's ops (see
 * code records) in op order, up to and including the first EXIT slot whose
 * taken byte is 1, or to the end of the op list.
 */
#define HS_SB_ID_FIRST 0x100u

enum hs_event {
	/* u32 tid, u32 reason, u32 size, u8 state[size]: the whole
	 * VexGuestAMD64State of thread tid (the layout of the file header's
	 * Valgrind version; 928 bytes in 3.19). */
	HS_EV_REGS = 1,
	/* u32 tid, u32 lwpid: tid runs from here on. */
	HS_EV_THREAD_RUN = 2,
	/* u32 parent_tid, u32 child_tid */
	HS_EV_THREAD_CREATE = 3,
	/* u32 tid */
	HS_EV_THREAD_EXIT = 4,
	/* u32 tid, u32 sysno, u64 args[6]; from format version 4 also
	 * i32 count[6] and the bytes of the arguments' memory, see
	 * HS_SYSCALL_ENTER_ARGS. */
	HS_EV_SYSCALL_ENTER = 5,
	/* u32 tid, u32 sysno, u32 failed, u32 pad, u64 result (errno if
	 * failed, and rax is then -errno; else the value, which is rax). */
	HS_EV_SYSCALL_EXIT = 6,
	/* u64 addr, u32 source (enum hs_mem_source), u32 pad, u8 bytes[...]:
	 * memory written outside instrumented code, or initial contents. */
	HS_EV_MEM = 7,
	/* u64 addr, u64 len, u32 prot (PROT_*), u32 kind (enum hs_map_kind),
	 * u32 flags (HS_MAP_*), u32 pad, u64 file_offset, u64 dev, u64 ino,
	 * u64 content_xxh (XXH64 of the mapped bytes when HS_MAP_FILE),
	 * u32 path_len, u32 build_id_len, path bytes, build-id bytes.
	 * Contents: zero unless HS_MAP_FILE (read from the file and checked
	 * against content_xxh) or HS_EV_MEM records follow (HS_MAP_COPIED). */
	HS_EV_MAP = 8,
	/* u64 addr, u64 len */
	HS_EV_UNMAP = 9,
	/* u64 addr, u64 len, u32 prot, u32 pad */
	HS_EV_MPROTECT = 10,
	/* u64 from, u64 to, u64 len: mremap moved these bytes */
	HS_EV_REMAP = 11,
	/* u32 tid, i32 signo, u32 flags (HS_SIG_*; up to version 4 only
	 * 0 or HS_SIG_ALTSTACK), from version 5 also i32 si_code, u64
	 * si_value (see HS_SIG_INFO; 24 bytes in all), from version 6 also
	 * the kernel's siginfo_t (HS_SIGINFO_SIZE bytes at offset 24,
	 * HS_SIGNAL_V6_SIZE in all; see below): a handler's delivery begins, and a
	 * REGS dump with HS_REGS_SIGNAL and the frame as HS_EV_MEM follow.
	 * With HS_SIG_FATAL (version 5) nothing follows but the EXIT record:
	 * the signal's default action killed the process (it is the last
	 * record but EXIT, at the final t, and tid is the thread it hit). */
	HS_EV_SIGNAL = 12,
	/* u32 tid, i32 signo: the handler returned (rt_sigreturn). */
	HS_EV_SIGRETURN = 13,
	/* u32 tid, u32 fd, u8 bytes[...]: a successful write to fd 1 or 2;
	 * from version 6 also one to any fd that is the recording's stdout
	 * or stderr (then a CONSOLE record comes right before it). */
	HS_EV_OUTPUT = 14,
	/* u32 tid, u32 offset, u32 size, u8 bytes[size]: the core wrote this
	 * part of the guest state (syscall results, client requests). */
	HS_EV_REG_WRITE = 15,
	/* u32 sb_id, u32 retired, then the slot bytes of the ops of the first
	 * `retired` instructions (in a COLUMNS chunk only those of ctl, the
	 * others in their columns).  Replaces the SB record of a translation
	 * that a synchronous fault interrupted; instruction `retired` faulted.
	 * The delta state of sb_id is then reset to zero. */
	HS_EV_SB_ABORT = 16,
	/* u32 tid, u32 child_pid */
	HS_EV_FORK = 17,
	/* u32 tid, path bytes: execve() is about to replace this image.  If
	 * it fails, recording goes on.  An image whose last record is EXEC and
	 * whose pid has a next image <pid>.<n+1> ended by exec: complete.
	 * From version 5 the path ends with a NUL and a trailer follows:
	 * u32 threads (ever created, main included), u32 faulted (as in
	 * EXIT; 0 before this field existed), u64 t (the
	 * image's t at the execve), u32 HS_EXEC_TRAILER_MAGIC; the trailer is
	 * the last 20 bytes of the record, so a reader finds it from the end
	 * of the chunk.  A path without a NUL (version 3, 4) has no trailer. */
	HS_EV_EXEC = 18,
	/* u32 kind (HS_EXIT_*), i32 value (status or signal), u64 total_t,
	 * u32 threads (ever created, main included), u32 faulted (the
	 * image's instructions that began and faulted: not in t, but in
	 * lackey's count; 0 in recordings made before it was kept); from version 5
	 * also u32 sig_tid (the thread the fatal signal hit, 0 if unknown),
	 * u32 sig_flags (HS_SIG_INFO when the next two are valid), i32
	 * si_code, u32 pad, u64 si_value (see HS_SIG_INFO); from version 6
	 * also the fatal signal's siginfo_t (HS_SIGINFO_SIZE bytes at
	 * offset 48, HS_EXIT_V6_SIZE in all).  Readers accept any length >=
	 * 24 and use each part only when the record holds all of it. */
	HS_EV_EXIT = 19,
	/* key=value\n text: argv0, exe, pid, ppid ... first record of a stream */
	HS_EV_PROCESS = 20,
	/* u32 tid, u32 stream (1: stdout, 2: stderr), u64 ns (version 6):
	 * the OUTPUT record of thread tid that comes next (at once) went to
	 * the recording's stdout or stderr: the file, pipe or terminal that
	 * `hindsight record` had as fd 1 or 2 (same st_dev and st_ino),
	 * whatever fd the program wrote it through.  When fd 1 and 2 were one
	 * file, a write through fd 2 is stderr and any other is stdout.  ns
	 * is CLOCK_MONOTONIC when the write returned: every process takes it
	 * from one clock, after the write and before anything the write
	 * caused, so sorting by ns puts every process's output in the order
	 * the terminal showed it. */
	HS_EV_CONSOLE = 21,
};
#define HS_CONSOLE_SIZE 16

/* ---- SYSCALL_ENTER's captured arguments (format version 4) -------------
 * A version 3 record is 56 bytes: u32 tid, u32 sysno, u64 args[6].  From
 * version 4 the recorder appends, at offset 56:
 *   i32 count[6]    per argument
 *   u8  bytes[...]  the count[i] > 0 bytes of each argument, in order
 * They are the client memory the syscall formatter prints for the
 * syscall's input arguments (hs_sys_want() in hindsight/syscall_args.h),
 * read at syscall entry, i.e. at the record's t:
 *   - a string argument (non-NULL): its bytes up to and including the NUL,
 *     or HS_SYS_STR_MAX + 1 bytes when no NUL comes before (cut);
 *   - a buffer or struct the call reads: the bytes hs_sys_want() names
 *     (min(length argument, HS_SYS_STR_MAX) for a buffer);
 *   - anything else (NULL, an argument printed from its value only, a
 *     zero-length buffer): count 0.
 * The table grows; a reader uses a count only when it is what
 * hs_sys_want() asks for today (a string: at least 1), and reads the
 * recorded memory otherwise, so recordings made with an older table read
 * the same.
 * count HS_SYSARG_UNCAPTURED: some byte it would read is not readable
 * (unmapped, PROT_NONE); a reader then reads the recorded memory at t, as
 * for a 56-byte record.  Readers must accept any length >= 56 and use the
 * trailing section only when it is complete (length >= 80 and the counts
 * add up). */
#define HS_SYSCALL_ENTER_ARGS 80
#define HS_SYSARG_UNCAPTURED (-1)

enum hs_regs_reason {
	HS_REGS_SYNC = 1,    /* chunk start: the reader's state must match */
	HS_REGS_RESUME = 2,  /* thread resumes after the core ran (syscall,
			      * client request, switch): must match once the
			      * SYSCALL_EXIT/REG_WRITE records are applied */
	HS_REGS_SIGNAL = 3,  /* signal delivery or return: authoritative */
	HS_REGS_START = 4,   /* a thread's or process's first state */
};

enum hs_mem_source {
	HS_MEM_INITIAL = 1,   /* contents of a mapping when it appeared */
	HS_MEM_SYSCALL = 2,   /* the kernel wrote it (read, stat, ...) */
	HS_MEM_SIGNAL = 3,    /* signal frame */
	HS_MEM_CORE = 4,      /* the Valgrind core, other reasons */
};

enum hs_map_kind {
	HS_MAPK_STARTUP = 1, HS_MAPK_MMAP = 2, HS_MAPK_BRK = 3,
	HS_MAPK_STACK_SIGNAL = 4,
};

#define HS_MAP_FIXED  72   /* bytes of an HS_EV_MAP payload before its path */
#define HS_MAP_FILE   0x1u /* backed by a file (path, dev, ino valid) */
#define HS_MAP_COPIED 0x2u /* HS_EV_MEM records with the contents follow */
#define HS_MAP_SHARED 0x4u /* MAP_SHARED, or unknown sharing */

/* SIGNAL and EXIT flags.  HS_SIG_INFO: si_code and si_value are the
 * kernel's siginfo: si_value is si_addr for a signal the kernel raised for
 * an instruction (si_code > 0: SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP),
 * else the sender's pid (si_code <= 0: kill, tgkill, sigqueue). */
#define HS_SIG_ALTSTACK 0x1u /* delivered on the alternate stack */
#define HS_SIG_FATAL    0x2u /* default action: it killed the process */
#define HS_SIG_INFO     0x4u /* si_code and si_value are valid */
#define HS_SIGNAL_V5_SIZE 24
#define HS_EXIT_V5_SIZE 48
/* The siginfo trailer of SIGNAL and EXIT (version 6): the kernel's x86-64
 * siginfo_t, 128 bytes, as the Valgrind core reported the signal to the
 * tool (VG_(gdbserver_report_signal)), little-endian:
 *    0 i32 si_signo    4 i32 si_errno    8 i32 si_code    12 pad
 *   16 the union, by si_code and signal:
 *      kill, tkill, sigqueue: i32 pid @16, u32 uid @20, sigval @24
 *                             (si_int: its low i32, si_ptr: all 8 bytes)
 *      POSIX timer (SI_TIMER): i32 timerid @16, i32 overrun @20, sigval @24
 *      SIGCHLD (CLD_*):        i32 pid @16, u32 uid @20, i32 status @24,
 *                              i64 utime @32, i64 stime @40 (clock ticks)
 *      faults (SEGV, BUS, FPE, ILL, TRAP): u64 addr @16, u16 addr_lsb @24,
 *                              u64 lower @32 / u32 pkey @32, u64 upper @40
 *      SIGIO (POLL_*, SI_SIGIO): i64 band @16, i32 fd @24
 *      SIGSYS:                 u64 call_addr @16, i32 syscall @24, u32 arch @28
 * with the recorder's fixups, as in si_code/si_value: si_addr of SIGFPE,
 * SIGILL and SIGTRAP faults is the guest instruction's address, a #UD is
 * ILL_ILLOPN, and int3 is SI_KERNEL with si_addr 0 (what x86-64 Linux
 * reports natively; Valgrind synthesises ILL_ILLOPC and TRAP_BRKPT).
 * Valid only with HS_SIG_INFO; all zero otherwise. */
#define HS_SIGINFO_SIZE 128
#define HS_SIGNAL_V6_SIZE (HS_SIGNAL_V5_SIZE + HS_SIGINFO_SIZE)
#define HS_EXIT_V6_SIZE (HS_EXIT_V5_SIZE + HS_SIGINFO_SIZE)
#define HS_EXEC_TRAILER_SIZE 20
#define HS_EXEC_TRAILER_MAGIC 0x54584548u /* "HEXT" */

enum hs_exit_kind {
	HS_EXIT_STATUS = 1,  /* exit(value) */
	HS_EXIT_SIGNAL = 2,  /* killed by signal value */
	HS_EXIT_EXEC = 3,    /* replaced by execve; see the next image */
};

/* ---- code records --------------------------------------------------------
 * u32 tag (HS_CODE_SB), u32 payload length, payload:
 *   u32 sb_id, u32 n_insns, u32 n_ops, u32 max_record_len (the longest
 *   SB record, its u32 sb_id included), then
 *   n_insns x { u64 addr, u8 len, u8 bytes[len] }   the code as translated
 *   n_ops   x op
 *
 * op: u8 kind, u8 flags (0), u16 insn, u32 size, then per kind:
 *   IMARK      -                          insn `insn` starts here
 *   PUT        u32 offset, expr           guest state [offset, +size) = expr;
 *              with op flag HS_OPF_RAW (guest state a dirty helper wrote,
 *              read back after it): no expr, one plain raw slot of size
 *   PUT_CONST  u32 offset, u8 value[size]
 *   PUTI       u32 base, u32 n_elems, i32 bias, expr ix, expr value;
 *                                         offset = base + ((ix + bias) mod
 *                                         n_elems) * size
 *   STORE      expr addr, expr data       memory [addr, +size) = data
 *   STOREG     slot u8 guard, expr addr, expr data; no store if guard is 0
 *              (addr and data are logged and delta-coded either way)
 *   MEMCOPY    expr addr, then size raw bytes in slots of 8 (last 4/2/1):
 *              memory [addr, +size) now holds them (CAS, dirty helpers);
 *              addr 0 means the (guarded) helper did not run; the bytes
 *              are present anyway
 *   EXIT       u32 jumpkind, u64 dst, slot u8 taken
 *   NEXT       u32 jumpkind, expr rip
 *   NEXT_CONST u32 jumpkind, u64 dst
 *
 * Expressions.  A value the reader can compute is not logged.  expr is
 * u8 n_nodes, then n_nodes nodes in postfix order, evaluated on a stack of
 * 64-bit values (every value of 1..8 bytes is kept zero-extended):
 *   1 SLOT    u8 size, u8 flags  push the next slot of the record (numbered
 *                                 0, 1, ... in record order); size 16 or 32
 *                                 only as the sole node of a PUT/STORE value
 *   2 SLOTREF u16 n              push the value of slot n of this record
 *   3 CONST   u8 size, u64 value
 *   4 GET     u8 size, u32 off   push guest state [off, +size) of the
 *                                 current thread as it is at this op
 *   5 UNOP    u16 op             op - Iop_INVALID, an IROp of libvex_ir.h
 *   6 BINOP   u16 op             arg1 pushed first
 *   7 ITE     -                  pops iffalse, iftrue, cond (pushed in that
 *                                 order: cond first): (cond & 1) ? iftrue :
 *                                 iffalse
 * Unops: 8Uto16/32/64, 16Uto32/64, 32Uto64, 8Sto16/32/64, 16Sto32/64,
 * 32Sto64, 64to8/16/32, 32to8/16, 16to8, 64HIto32, 32HIto16, 16HIto8,
 * Not8/16/32/64, 1Uto8/32/64, 32to1, 64to1, 1Sto8/16/32/64, CmpNEZ8/16/32/64
 * (results of 1-bit ops are 0 or 1).  Binops: Add, Sub, And, Or, Xor, Mul
 * (8/16/32/64, low half of the product), 32HLto64, 16HLto32, CmpEQ and CmpNE
 * (8/16/32/64), CmpLT and CmpLE (32/64, S and U), and Shl, Shr, Sar
 * (8/16/32/64) whose amount is taken modulo 64 as the amd64 host does (the
 * recorder only uses amounts known to be below the width).
 * Plain slots (guard, taken, MEMCOPY bytes) are not numbered.
 *
 * Delta coding: every SLOT node of 1, 2, 4 or 8 bytes is stored as (value -
 * previous value of the same slot) modulo 2^bits; of 16 or 32 bytes as value
 * XOR previous; SLOT nodes with HS_OPF_RAW, guard/taken bytes and MEMCOPY
 * bytes raw.  "Previous" is this sb_id's last executed value of the slot at
 * that record offset in this chunk, zero at chunk start and after an
 * SB_ABORT of this sb_id.  A slot not reached (after a taken exit) keeps its
 * previous value.
 *
 * Retirement: instruction k retires when the next IMARK is reached, or
 * when an EXIT taken in it or the NEXT at the end has a jumpkind that
 * completes it.  Jumpkinds that do not retire the instruction: NoDecode,
 * MapFail, InvalICache, EmFail, SigILL, SigSEGV, SigBUS, SigFPE*
 * (VEX enum values from libvex_ir.h).
 *
 * SB_ABORT slots are decoded like an SB record's (delta against the
 * current previous values); the sb's previous values are then reset.
 */
enum hs_code_tag { HS_CODE_SB = 1 };

enum hs_op_kind {
	HS_OP_IMARK = 1,
	HS_OP_PUT = 2,
	HS_OP_PUT_CONST = 3,
	HS_OP_PUTI = 4,
	HS_OP_STORE = 5,
	HS_OP_STOREG = 6,
	HS_OP_MEMCOPY = 7,
	HS_OP_EXIT = 8,
	HS_OP_NEXT = 9,
	HS_OP_NEXT_CONST = 10,
};

#define HS_OPF_RAW 0x1u /* SLOT node flag: stored without delta coding */

enum hs_expr_node {
	HS_X_SLOT = 1, HS_X_SLOTREF = 2, HS_X_CONST = 3, HS_X_GET = 4,
	HS_X_UNOP = 5, HS_X_BINOP = 6, HS_X_ITE = 7,
};
#define HS_X_MAX_NODES 32

#define HS_OP_HEADER_SIZE 8
#define HS_GUEST_STATE_SIZE 928 /* sizeof(VexGuestAMD64State), 3.19 */

#endif
