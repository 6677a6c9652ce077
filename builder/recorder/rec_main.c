/* rec_main.c - the Hindsight recorder: a Valgrind tool that logs a run.
 *
 * Run by `hindsight record` as
 *   valgrind --tool=hindsight --hs-out=TRACE/procs --trace-children=yes ...
 * It writes one folder per process image (see trace_format.h).  This file
 * registers the tool and turns the core's events (memory maps, syscalls,
 * signals, thread switches, fork and exec) into stream records; the inline
 * logging of instructions is in rec_instrument.c.
 */
#include "rec_internal.h"
#include "hindsight/syscall_args.h"

#include "pub_tool_libcbase.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_machine.h"
#include "pub_tool_options.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_xarray.h"
#include "libvex_guest_amd64.h"


#define XXH_INLINE_ALL
#include <xxhash.h>

struct rec_options rec_opts = { NULL, 1, REC_MEASURE_FULL, -1, REC_CHUNK_DEFAULT, False, 0,
				{ { False, 0, 0 } } };

enum dump_kind { DUMP_NONE = 0, DUMP_RESUME, DUMP_SIGNAL };

/* Per-thread bookkeeping, indexed by Valgrind ThreadId. */
static struct {
	Bool alive;
	Bool dumped;      /* has had its first REGS */
	Bool signalled;   /* next dump is authoritative (signal frame) */
	Bool exiting;     /* made the exit syscall */
	Int lwpid;
	Bool have_snap;   /* snap holds the state when it last stopped */
	UChar snap[HS_GUEST_STATE_SIZE];
} threads[REC_MAX_THREADS];
static ThreadId current_tid = VG_INVALID_THREADID;
static UInt threads_created = 0;
static Bool saw_exit_group;
static Int exit_group_status;
/* A signal the process sent itself (raise, abort, kill(getpid())) and
 * that no handler has taken yet: the fallback for which signal killed the
 * process when last_sig (below) knows nothing. */
static Int self_signal;

/* The signal the core is about to act on: Valgrind runs a signal's
 * default action without telling the tool, and calls fini with exit code
 * 0.  Every path that delivers a signal (a fault in generated code, a
 * synthesised SIGILL/SIGFPE/SIGBUS, a signal polled or caught in a
 * syscall) first asks VG_(gdbserver_report_signal) whether to pass it,
 * with the siginfo; the link wraps that call (see the Makefile), and
 * this remembers it.  A handler's delivery consumes it
 * (on_pre_deliver_signal); if the process dies, fini finds it here. */
static struct {
	Bool valid;
	ThreadId tid;
	Int signo, code;
	ULong value;      /* si_addr or the sender's pid: see HS_SIG_INFO */
	UChar info[HS_SIGINFO_SIZE]; /* the whole siginfo, fixed up alike */
} last_sig;

/* The client's disposition of each signal, from its rt_sigaction calls:
 * a signal it ignores is neither delivered nor fatal. */
#define REC_NSIG 64 /* signals 1..64 */
enum { DISP_DEFAULT = 0, DISP_IGNORE, DISP_HANDLER };
static UChar sig_disp[REC_NSIG + 1];

/* One past the highest thread slot ever alive: emit_sync (each chunk)
 * walks no further. */
static ThreadId tid_end = 2;

static void set_alive(ThreadId tid)
{
	threads[tid].alive = True;
	if (tid >= tid_end)
		tid_end = tid + 1;
}

Bool rec_thread_alive(ThreadId tid)
{
	return tid > 0 && tid < REC_MAX_THREADS && threads[tid].alive;
}

ThreadId rec_thread_end(void)
{
	return tid_end;
}

ThreadId rec_current_tid(void)
{
	return current_tid;
}

void rec_emit_thread_run(ThreadId tid)
{
	UChar *p = rec_event_begin(HS_EV_THREAD_RUN, 8);

	rec_put_u32(p, tid);
	rec_put_u32(p + 4, threads[tid].lwpid);
}

/* ---- options ------------------------------------------------------------ */

/* DEV:INO, both decimal: a file identity.  False if malformed. */
static Bool parse_file_id(const HChar *s, struct rec_file_id *id)
{
	HChar *end;

	id->dev = VG_(strtoull10)(s, &end);
	if (end == s || *end != ':')
		return False;
	s = end + 1;
	id->ino = VG_(strtoull10)(s, &end);
	if (end == s || *end)
		return False;
	id->known = True;
	return True;
}

static Bool parse_measure(const HChar *s)
{
	static const HChar *names[] = { "full", "nowrite", "nocompress", "nolog" };
	UInt i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (VG_(strcmp)(s, names[i]) == 0) {
			rec_opts.measure = (enum rec_measure)i;
			return True;
		}
	return False;
}

static Bool process_option(const HChar *arg)
{
	const HChar *tmp;
	Int kb;
	Long max;

	if (rec_exec_option(arg))
		return True;
	if (VG_STR_CLO(arg, "--hs-stdout", tmp)) {
		if (!parse_file_id(tmp, &rec_opts.console[1]))
			VG_(fmsg_bad_option)(arg, "--hs-stdout must be DEV:INO\n");
	} else if (VG_STR_CLO(arg, "--hs-stderr", tmp)) {
		if (!parse_file_id(tmp, &rec_opts.console[2]))
			VG_(fmsg_bad_option)(arg, "--hs-stderr must be DEV:INO\n");
	} else if (VG_STR_CLO(arg, "--hs-out", tmp))
		rec_opts.out_dir = tmp;
	else if (VG_INT_CLO(arg, "--hs-level", rec_opts.level)) {
		/* below 1: zstd's fast levels, for measurements */
		if (rec_opts.level < -50 || rec_opts.level > 19)
			VG_(fmsg_bad_option)(arg, "--hs-level must be -50..19\n");
	} else if (VG_STR_CLO(arg, "--hs-measure", tmp)) {
		if (!parse_measure(tmp))
			VG_(fmsg_bad_option)(arg, "--hs-measure must be full, nowrite, "
					     "nocompress or nolog\n");
	} else if (VG_INT_CLO(arg, "--hs-chunk-kb", kb)) {
		if (kb < 16 || kb > 16384)
			VG_(fmsg_bad_option)(arg, "--hs-chunk-kb must be 16..16384\n");
		rec_opts.chunk_bytes = (UInt)kb << 10;
	} else if (VG_BINT_CLO(arg, "--hs-writers", max, 0, REC_MAX_WRITERS)) {
		rec_opts.writers = (Int)max;
	} else if (VG_BINT_CLO(arg, "--hs-max-insns", max, 0, (Long)1 << 62)) {
		rec_opts.max_insns = (ULong)max;
	} else if (VG_BOOL_CLO(arg, "--hs-verbose", rec_opts.verbose))
		;
	else
		return False;
	return True;
}

static void print_usage(void)
{
	VG_(printf)("    --hs-out=DIR       folder for the process images (required)\n"
		    "    --hs-level=N       zstd level 1..19 [1] (below 1: zstd's fast levels)\n"
		    "    --hs-measure=M     full, or for measurements only (no readable\n"
		    "                       recording): nowrite, nocompress, nolog [full]\n"
		    "    --hs-chunk-kb=N    raw KiB between sync points, 16..16384 [128]\n"
		    "    --hs-writers=N     processes that compress and write, 0..8 (0: the\n"
		    "                       program's thread does) [one per CPU, at most 4]\n"
		    "    --hs-max-insns=N   at N instructions (checked per chunk) the program\n"
		    "                       gets SIGXCPU, SIGKILL if it goes on [0: no cap]\n"
		    "    --hs-stdout=DEV:INO, --hs-stderr=DEV:INO\n"
		    "                       the recording's stdout and stderr: writes that\n"
		    "                       reach them, through any fd, are its console\n");
}

static void print_debug_usage(void)
{
	VG_(printf)("    (none)\n");
}

/* ---- memory maps ---------------------------------------------------------- */

/* System files are recorded by reference (path + hash); anything else is
 * copied, since the user may rebuild or edit it after recording. */
static Bool system_path(const HChar *path)
{
	static const HChar *prefixes[] = { "/usr/", "/lib/", "/lib64/", "/bin/",
					   "/sbin/", "/etc/", "/opt/", "/dev/" };
	UInt i;

	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (VG_(strncmp)(path, prefixes[i], VG_(strlen)(prefixes[i])) == 0)
			return True;
	return False;
}

/* The GNU build-id, from the program headers of a mapping of an ELF file at
 * offset 0.  Returns its length (0 if none), never reads past len. */
static UInt find_build_id(Addr a, SizeT len, UChar *out, UInt cap)
{
	const UChar *e = (const UChar *)a;
	ULong phoff;
	UShort phnum, phentsize, i;

	if (len < 64 || VG_(memcmp)(e, "\177ELF", 4) != 0 || e[4] != 2)
		return 0;
	VG_(memcpy)(&phoff, e + 32, 8);
	VG_(memcpy)(&phentsize, e + 54, 2);
	VG_(memcpy)(&phnum, e + 56, 2);
	for (i = 0; i < phnum; i++) {
		ULong off, sz, p;
		UInt type;
		const UChar *ph = e + phoff + (ULong)i * phentsize;
		if (phoff + (ULong)(i + 1) * phentsize > len)
			return 0;
		VG_(memcpy)(&type, ph, 4);
		if (type != 4 /* PT_NOTE */)
			continue;
		VG_(memcpy)(&off, ph + 8, 8);
		VG_(memcpy)(&sz, ph + 32, 8);
		for (p = off; p + 12 <= off + sz && p + 12 <= len;) {
			UInt namesz, descsz, ntype;
			VG_(memcpy)(&namesz, e + p, 4);
			VG_(memcpy)(&descsz, e + p + 4, 4);
			VG_(memcpy)(&ntype, e + p + 8, 4);
			p += 12;
			if (ntype == 3 /* NT_GNU_BUILD_ID */ && namesz == 4 &&
			    p + 4 + descsz <= len && descsz <= cap) {
				VG_(memcpy)(out, e + p + 4, descsz);
				return descsz;
			}
			p += ((namesz + 3) & ~3u) + ((descsz + 3) & ~3u);
		}
	}
	return 0;
}

/* Bytes of a file mapping that are backed by the file: touching whole pages
 * past EOF would SIGBUS the recorder itself. */
static SizeT file_backed_len(const HChar *path, ULong foff, SizeT len)
{
	struct vg_stat st;
	SizeT avail;

	if (!path || sr_isError(VG_(stat)(path, &st)))
		return 0;
	if ((st.mode & VKI_S_IFMT) != VKI_S_IFREG)
		return len;
	if (st.size <= foff)
		return 0;
	avail = VG_PGROUNDUP(st.size - foff);
	return avail < len ? avail : len;
}

/* Only the client's segments reach here: the core tells the tool about
 * SkFileC/SkAnonC ones, never Valgrind's own (SkFileV/SkAnonV).  One page
 * of the tool executable is among them: the core hands its trampoline page
 * to the client (am_change_ownership_v_to_c), and the client runs code
 * there, so it is recorded with its bytes like any other; the builder and
 * the query library leave it out of the program's modules (file maps). */
static void emit_map(Addr a, SizeT len, Bool rr, Bool ww, Bool xx, UInt kind)
{
	NSegment const *seg = VG_(am_find_nsegment)(a);
	const HChar *path = NULL;
	Bool is_file = seg && seg->kind == SkFileC;
	UInt prot = (rr ? 1 : 0) | (ww ? 2 : 0) | (xx ? 4 : 0);
	UInt flags = 0, path_len = 0, bid_len = 0;
	ULong foff = 0, hash = 0;
	SizeT readable = 0;
	UChar bid[64];
	UChar *p;
	Bool copy;

	if (len == 0)
		return;
	if (is_file) {
		path = VG_(am_get_filename)(seg);
		foff = seg->offset + (a - seg->start);
		flags |= HS_MAP_FILE;
		path_len = path ? VG_(strlen)(path) : 0;
		readable = rr ? file_backed_len(path, foff, len) : 0;
		if (readable) {
			const void *bytes = (const void *)a;

			/* the address space manager gives the client nothing
			 * below --aspace-minaddr: never page 0 */
			REC_ANALYZER_ASSUME(bytes != NULL);
			hash = XXH64(bytes, readable, 0);
			if (foff == 0)
				bid_len = find_build_id(a, readable, bid, sizeof bid);
		}
		/* Valgrind's own loader zeroes the bss tail of writable start-up
		 * segments (ld.so's data) before we see them: copy those too. */
		copy = readable && (!path || !system_path(path) ||
				    (kind == HS_MAPK_STARTUP && ww));
	} else {
		readable = rr ? len : 0;
		/* fresh anonymous mmaps are zero by definition */
		copy = readable && kind != HS_MAPK_MMAP;
	}
	if (copy)
		flags |= HS_MAP_COPIED;

	p = rec_event_begin(HS_EV_MAP, 72 + path_len + bid_len);
	rec_put_u64(p, a);
	rec_put_u64(p + 8, len);
	rec_put_u32(p + 16, prot);
	rec_put_u32(p + 20, kind);
	rec_put_u32(p + 24, flags);
	rec_put_u32(p + 28, 0);
	rec_put_u64(p + 32, foff);
	rec_put_u64(p + 40, seg && is_file ? seg->dev : 0);
	rec_put_u64(p + 48, seg && is_file ? seg->ino : 0);
	rec_put_u64(p + 56, hash);
	rec_put_u32(p + 64, path_len);
	rec_put_u32(p + 68, bid_len);
	if (path_len)
		VG_(memcpy)(p + 72, path, path_len);
	if (bid_len)
		VG_(memcpy)(p + 72 + path_len, bid, bid_len);
	if (copy)
		rec_event_mem(a, readable, HS_MEM_INITIAL);
}

static void on_new_mem_startup(Addr a, SizeT len, Bool rr, Bool ww, Bool xx,
			       ULong di)
{
	emit_map(a, len, rr, ww, xx, HS_MAPK_STARTUP);
}

static void on_new_mem_mmap(Addr a, SizeT len, Bool rr, Bool ww, Bool xx,
			    ULong di)
{
	emit_map(a, len, rr, ww, xx, HS_MAPK_MMAP);
}

static void on_new_mem_brk(Addr a, SizeT len, ThreadId tid)
{
	emit_map(a, len, True, True, False, HS_MAPK_BRK);
}

static void on_unmap(Addr a, SizeT len)
{
	UChar *p = rec_event_begin(HS_EV_UNMAP, 16);

	rec_put_u64(p, a);
	rec_put_u64(p + 8, len);
}

static void on_mprotect(Addr a, SizeT len, Bool rr, Bool ww, Bool xx)
{
	UChar *p = rec_event_begin(HS_EV_MPROTECT, 24);

	rec_put_u64(p, a);
	rec_put_u64(p + 8, len);
	rec_put_u32(p + 16, (rr ? 1 : 0) | (ww ? 2 : 0) | (xx ? 4 : 0));
	rec_put_u32(p + 20, 0);
}

static void on_remap(Addr from, Addr to, SizeT len)
{
	UChar *p = rec_event_begin(HS_EV_REMAP, 24);

	rec_put_u64(p, from);
	rec_put_u64(p + 8, to);
	rec_put_u64(p + 16, len);
}

static void on_post_mem_write(CorePart part, ThreadId tid, Addr a, SizeT size)
{
	UInt source = part == Vg_CoreSysCall ? HS_MEM_SYSCALL
		    : part == Vg_CoreSignal ? HS_MEM_SIGNAL : HS_MEM_CORE;

	if (size)
		rec_event_mem(a, size, source);
}

static void on_post_reg_write(CorePart part, ThreadId tid, PtrdiffT off,
			      SizeT size)
{
	UChar *p;

	if (size == 0 || off + size > HS_GUEST_STATE_SIZE)
		return;
	p = rec_event_begin(HS_EV_REG_WRITE, 12 + size);
	rec_put_u32(p, tid);
	rec_put_u32(p + 4, off);
	rec_put_u32(p + 8, size);
	VG_(get_shadow_regs_area)(tid, p + 12, 0, off, size);
}

/* ---- threads and signals --------------------------------------------------- */

/* A thread that is not running may be inside a blocking syscall, whose
 * result the core writes into its guest state without the big lock.  Its
 * registers are therefore dumped as they were when it stopped; whatever
 * changed since is dumped when it runs again. */
void rec_emit_stopped_regs(ThreadId tid, UInt reason)
{
	UChar *p;

	if (!threads[tid].have_snap) {
		rec_emit_regs(tid, reason);
		return;
	}
	p = rec_event_begin(HS_EV_REGS, 12 + HS_GUEST_STATE_SIZE);
	rec_put_u32(p, tid);
	rec_put_u32(p + 4, reason);
	rec_put_u32(p + 8, HS_GUEST_STATE_SIZE);
	VG_(memcpy)(p + 12, threads[tid].snap, HS_GUEST_STATE_SIZE);
}

/* The scheduler stops and restarts a thread often (new translations,
 * time slices) without touching its registers.  A dump is written only when
 * the thread changed or its state differs from when it stopped: syscalls,
 * signals, client requests and anything else the core did. */
static void on_stop_client_code(ThreadId tid, ULong blocks)
{
	if (tid >= REC_MAX_THREADS)
		return;
	VG_(get_shadow_regs_area)(tid, threads[tid].snap, 0, 0, HS_GUEST_STATE_SIZE);
	threads[tid].have_snap = True;
}

static void on_start_client_code(ThreadId tid, ULong blocks)
{
	UChar now[HS_GUEST_STATE_SIZE];
	UInt reason;

	if (tid >= REC_MAX_THREADS)
		VG_(tool_panic)("hindsight: too many threads");
	set_alive(tid);
	if (threads[tid].dumped && !threads[tid].signalled && threads[tid].have_snap) {
		VG_(get_shadow_regs_area)(tid, now, 0, 0, HS_GUEST_STATE_SIZE);
		if (VG_(memcmp)(now, threads[tid].snap, HS_GUEST_STATE_SIZE) == 0) {
			/* the reader knows these registers already */
			if (tid != current_tid) {
				current_tid = tid;
				threads[tid].lwpid = VG_(gettid)();
				rec_emit_thread_run(tid);
			}
			return;
		}
	}
	current_tid = tid;
	threads[tid].lwpid = VG_(gettid)();
	reason = !threads[tid].dumped ? HS_REGS_START
	       : threads[tid].signalled ? HS_REGS_SIGNAL : HS_REGS_RESUME;
	threads[tid].dumped = True;
	threads[tid].signalled = False;
	rec_emit_thread_run(tid);
	rec_emit_regs(tid, reason);
}

static void on_thread_create(ThreadId parent, ThreadId child)
{
	UChar *p = rec_event_begin(HS_EV_THREAD_CREATE, 8);

	rec_put_u32(p, parent);
	rec_put_u32(p + 4, child);
	if (child >= REC_MAX_THREADS)
		VG_(tool_panic)("hindsight: too many threads");
	set_alive(child);
	threads[child].have_snap = False;
	threads[child].exiting = False;
	threads[child].dumped = False;
	threads[child].signalled = False;
	threads_created++;
}

/* Threads that ended without an exit or exit_group: a fatal signal is
 * taking the process down.  Their THREAD_EXIT records wait for the
 * SIGNAL record that fini writes, so that the events read as the kernel
 * acts (and strace shows): the signal, then the threads' ends. */
static ThreadId pending_exit[REC_MAX_THREADS];
static UInt n_pending_exit;

static void emit_thread_exit(ThreadId tid)
{
	UChar *p = rec_event_begin(HS_EV_THREAD_EXIT, 4);

	rec_put_u32(p, tid);
}

static void flush_pending_exits(void)
{
	UInt i;

	for (i = 0; i < n_pending_exit; i++)
		emit_thread_exit(pending_exit[i]);
	n_pending_exit = 0;
}

static void on_thread_exit(ThreadId tid)
{
	if (saw_exit_group || threads[tid].exiting || n_pending_exit >= REC_MAX_THREADS)
		emit_thread_exit(tid);
	else
		pending_exit[n_pending_exit++] = tid;
	threads[tid].alive = False;
}

/* A signal whose default action is to ignore it or to stop. */
static Bool harmless_by_default(Int sig)
{
	return sig == VKI_SIGCHLD || sig == VKI_SIGURG || sig == VKI_SIGWINCH ||
	       sig == VKI_SIGCONT || sig == VKI_SIGSTOP || sig == VKI_SIGTSTP ||
	       sig == VKI_SIGTTIN || sig == VKI_SIGTTOU;
}

/* The kernel raised it for an instruction: si_addr is meaningful, and the
 * core delivers it even when the client ignores or blocks it. */
/* Whether the kernel has a mapping of the client's at a (Valgrind's
 * reservations hold nothing the kernel knows of). */
static Bool client_mapped(Addr a)
{
	NSegment const *seg = VG_(am_find_nsegment)(a);

	return seg && seg->kind != SkFree && seg->kind != SkResvn;
}

static Bool fault_signal(Int sig, Int code)
{
	return code > 0 && (sig == VKI_SIGSEGV || sig == VKI_SIGBUS ||
			    sig == VKI_SIGFPE || sig == VKI_SIGILL ||
			    sig == VKI_SIGTRAP);
}

/* Instructions that began and faulted (this image's): they do not retire,
 * so t does not count them, but Valgrind's lackey does (its count is
 * taken at each instruction's start).  A trap (int3, the trap flag)
 * comes after its instruction retired; a fault at the guest's own rip
 * (a jump to an address with no executable code) came before any
 * instruction began there. */
static UInt faulted_insns;

static void count_faulted(Int sig, Int code, Addr addr, ThreadId tid)
{
	if (!fault_signal(sig, code) || sig == VKI_SIGTRAP)
		return;
	if ((sig == VKI_SIGSEGV || sig == VKI_SIGBUS) && addr == VG_(get_IP)(tid))
		return;
	faulted_insns++;
}

/* The core's log sink (pub_core_libcprint.h, no tool header): its first
 * member is the fd, and fd -1 writes nothing (--child-silent-after-fork
 * silences a child so).  That sink is the program's own stderr. */
extern struct { Int fd; } VG_(log_output_sink);
static Int muted_log_fd = -1;

/* A signal whose default action kills the process: for a fault the core
 * then prints "Process terminating with default action of signal 11
 * (SIGSEGV)", the stack and a stack-size hint, even under -q, onto the
 * program's stderr, where a native run prints nothing.  No option helps
 * (--log-file leaves its fd open in the program under 3.19; an exec'd
 * child's core takes --log-fd's number as one of its program's fds), so
 * the sink is muted until fini, which restores it for our own words. */
static void mute_fatal_report(void)
{
	if (VG_(log_output_sink).fd < 0)
		return;
	muted_log_fd = VG_(log_output_sink).fd;
	VG_(log_output_sink).fd = -1;
}

/* The core's "Stack overflow in thread #1: can't grow stack to 0x..." (its
 * stack-extension path, before the SIGSEGV it stands for is delivered,
 * so before mute_fatal_report): natively the program only gets the
 * SIGSEGV, and one that handles it on an alternate stack prints nothing.
 * True for a write of that line to the core's log sink, which the
 * do_syscall wrap (rec_exec.c) then drops; every other message stays. */
Bool rec_log_line_dropped(UWord fd, const HChar *buf, UWord len)
{
	static const HChar what[] = "Stack overflow in thread #";
	const HChar *p;
	UWord i;

	if ((Int)fd != VG_(log_output_sink).fd || fd == (UWord)-1 || !buf || len < 4 ||
	    buf[0] != '=' || buf[1] != '=' || buf[len - 1] != '\n')
		return False;
	/* "==PID== " in front */
	for (i = 2; i < len && buf[i] != '='; i++)
		;
	if (i + 3 > len || buf[i + 1] != '=' || buf[i + 2] != ' ')
		return False;
	p = buf + i + 3;
	return (UWord)(buf + len - p) > sizeof what - 1 &&
	       VG_(strncmp)(p, what, sizeof what - 1) == 0;
}

Bool __wrap_vgPlain_gdbserver_report_signal(vki_siginfo_t *info, ThreadId tid)
{
	Int sig = info->si_signo, code = info->si_code;
	Bool fault = fault_signal(sig, code);

	if (fault)
		count_faulted(sig, code, (Addr)info->_sifields._sigfault._addr, tid);
	/* a child that SIGKILL ended, told by its SIGCHLD (note_reaped) */
	if (sig == VKI_SIGCHLD && code == VKI_CLD_KILLED &&
	    info->_sifields._sigchld._status == VKI_SIGKILL)
		rec_stream_note_killed(info->_sifields._sigchld._pid, VKI_SIGKILL);
	if (sig > 0 && sig <= REC_NSIG &&
	    (fault || sig_disp[sig] == DISP_HANDLER ||
	     (sig_disp[sig] == DISP_DEFAULT && !harmless_by_default(sig)))) {
		last_sig.valid = True;
		last_sig.tid = tid;
		last_sig.signo = sig;
		last_sig.code = code;
		last_sig.value = fault ? (ULong)(Addr)info->_sifields._sigfault._addr
				       : (ULong)(UInt)info->_sifields._kill._pid;
		VG_(memset)(last_sig.info, 0, sizeof(last_sig.info));
		VG_(memcpy)(last_sig.info, info, sizeof(*info) < sizeof(last_sig.info)
			    ? sizeof(*info) : sizeof(last_sig.info));
		/* The kernel gives the instruction's address for these; the
		 * core's is the host's (a native idiv faulted in the
		 * translation) or already the guest's.  Guest rip is exact at
		 * a fault (registers are updated at each instruction). */
		if (fault && (sig == VKI_SIGFPE || sig == VKI_SIGILL || sig == VKI_SIGTRAP))
			last_sig.value = VG_(get_IP)(tid);
		/* x86-64 Linux reports every #UD (ud2, an unknown opcode) as
		 * ILL_ILLOPN; the core synthesises ILL_ILLOPC. */
		if (sig == VKI_SIGILL && code == VKI_ILL_ILLOPC)
			last_sig.code = VKI_ILL_ILLOPN;
		/* A jump to an address the translator cannot fetch from (a
		 * NULL function pointer) comes as SEGV_ACCERR; the kernel says
		 * SEGV_MAPERR where nothing is mapped there. */
		if (sig == VKI_SIGSEGV && code == VKI_SEGV_ACCERR &&
		    last_sig.value == VG_(get_IP)(tid) && !client_mapped(last_sig.value))
			last_sig.code = VKI_SEGV_MAPERR;
		/* The core synthesises TRAP_BRKPT only for int3, which x86-64
		 * Linux reports as SI_KERNEL with si_addr 0 (a #BP is not a
		 * fault with an address). */
		if (sig == VKI_SIGTRAP && code == VKI_TRAP_BRKPT) {
			last_sig.code = 0x80; /* SI_KERNEL */
			last_sig.value = 0;
		}
		rec_put_u32(last_sig.info + 8, (UInt)last_sig.code);
		if (fault)
			rec_put_u64(last_sig.info + 16, last_sig.value);
		if (sig_disp[sig] != DISP_HANDLER)
			mute_fatal_report();
	}
	return __real_vgPlain_gdbserver_report_signal(info, tid);
}

/* The siginfo trailer of SIGNAL and EXIT (trace_format.h): last_sig's,
 * or zeros when the record has no HS_SIG_INFO. */
static void put_siginfo(UChar *p, Bool info)
{
	if (info)
		VG_(memcpy)(p, last_sig.info, HS_SIGINFO_SIZE);
	else
		VG_(memset)(p, 0, HS_SIGINFO_SIZE);
}

/* The SIGNAL record (trace_format.h); its siginfo is last_sig's when that
 * is this signal of this thread. */
static void emit_signal(ThreadId tid, Int sig, UInt flags)
{
	Bool info = last_sig.valid && last_sig.signo == sig && last_sig.tid == tid;
	UChar *p = rec_event_begin(HS_EV_SIGNAL, HS_SIGNAL_V6_SIZE);

	rec_put_u32(p, tid);
	rec_put_u32(p + 4, (UInt)sig);
	rec_put_u32(p + 8, flags | (info ? HS_SIG_INFO : 0));
	rec_put_u32(p + 12, info ? (UInt)last_sig.code : 0);
	rec_put_u64(p + 16, info ? last_sig.value : 0);
	put_siginfo(p + HS_SIGNAL_V5_SIZE, info);
}

static void on_pre_deliver_signal(ThreadId tid, Int sig, Bool alt)
{
	if (sig == self_signal)
		self_signal = 0; /* a handler takes it: it did not kill */
	if (*(UInt *)rec_buf_ptr != 0)
		rec_fixup_aborted_sb(tid);
	emit_signal(tid, sig, alt ? HS_SIG_ALTSTACK : 0);
	if (last_sig.signo == sig && last_sig.tid == tid)
		last_sig.valid = False;
	threads[tid].signalled = True;
}

static void on_post_deliver_signal(ThreadId tid, Int sig)
{
	UChar *p = rec_event_begin(HS_EV_SIGRETURN, 8);

	rec_put_u32(p, tid);
	rec_put_u32(p + 4, (UInt)sig);
	threads[tid].signalled = True;
}

/* ---- syscalls ---------------------------------------------------------------- */

/* Copy a client string if every byte up to its NUL is mapped readable. */
UInt rec_client_string(Addr s, HChar *out, UInt cap)
{
	UInt n = 0;

	while (n + 1 < cap) {
		if ((n == 0 || ((s + n) & (VKI_PAGE_SIZE - 1)) == 0) &&
		    !VG_(am_is_valid_for_client)(s + n, 1, VKI_PROT_READ))
			break;
		if (((const HChar *)s)[n] == 0)
			break;
		out[n] = ((const HChar *)s)[n];
		n++;
	}
	out[n] = 0;
	return n;
}

/* Is lwp one of this process's threads? */
static Bool own_lwp(Long lwp)
{
	UInt t;

	if (lwp == VG_(getpid)())
		return True;
	for (t = 1; t < REC_MAX_THREADS; t++)
		if (threads[t].alive && threads[t].lwpid == lwp)
			return True;
	return False;
}

/* kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo aimed at this
 * process: remember the signal (self_signal). */
static void note_self_signal(UInt sysno, UWord *args, UInt nargs)
{
	Long pid = nargs > 0 ? (Long)(Int)args[0] : -1;
	Int sig = 0;

	if (nargs < 2)
		return;
	if ((sysno == __NR_kill || sysno == __NR_rt_sigqueueinfo) &&
	    (pid == VG_(getpid)() || (sysno == __NR_kill && pid == 0)))
		sig = (Int)args[1];
	else if (sysno == __NR_tkill && own_lwp(pid))
		sig = (Int)args[1];
	else if ((sysno == __NR_tgkill || sysno == __NR_rt_tgsigqueueinfo) && nargs >= 3 &&
		 pid == VG_(getpid)())
		sig = (Int)args[2];
	if (sig > 0 && sig < 65)
		self_signal = sig;
}

/* One argument's bytes for the SYSCALL_ENTER record (trace_format.h):
 * the count copied to out, or HS_SYSARG_UNCAPTURED when some byte the
 * formatter would look at is not readable (the reader then reads the
 * recorded memory, as for an old recording).  A string stops after its
 * NUL, or at HS_SYS_STR_MAX + 1 bytes; a buffer is exactly want bytes. */
static Int capture_arg(Addr a, UInt want, Bool string, UChar *out)
{
	UInt n;

	if (a + want < a)
		return HS_SYSARG_UNCAPTURED;
	for (n = 0; n < want; n++) {
		/* a page is checked at its first byte that is read */
		if ((n == 0 || ((a + n) & (VKI_PAGE_SIZE - 1)) == 0) &&
		    !VG_(am_is_valid_for_client)(a + n, 1, VKI_PROT_READ))
			return HS_SYSARG_UNCAPTURED;
		out[n] = ((const UChar *)a)[n];
		if (string && out[n] == 0)
			return (Int)n + 1;
	}
	return (Int)n;
}

static void pre_syscall(ThreadId tid, UInt sysno, UWord *args, UInt nargs)
{
	const struct hs_sys_row *row = hs_sys_row_of(sysno);
	UChar bytes[6 * (HS_SYS_STR_MAX + 1)];
	uint64_t a[6];
	Int count[6];
	UInt i, used = 0;
	UChar *p;

	/* a thread that ended otherwise while the process lives on (none
	 * known): its end is not held back further */
	flush_pending_exits();
	for (i = 0; i < 6; i++)
		a[i] = i < nargs ? args[i] : 0;
	/* the input memory the formatter prints (syscall_args.h) */
	for (i = 0; i < 6; i++) {
		int string;
		UInt want = hs_sys_want(row, (int)i, a, &string);

		count[i] = want ? capture_arg(a[i], want, string ? True : False, bytes + used) : 0;
		if (count[i] > 0)
			used += (UInt)count[i];
	}
	p = rec_event_begin(HS_EV_SYSCALL_ENTER, HS_SYSCALL_ENTER_ARGS + used);
	rec_put_u32(p, tid);
	rec_put_u32(p + 4, sysno);
	for (i = 0; i < 6; i++)
		rec_put_u64(p + 8 + 8 * i, i < nargs ? args[i] : 0);
	for (i = 0; i < 6; i++)
		rec_put_u32(p + 56 + 4 * i, (UInt)count[i]);
	VG_(memcpy)(p + HS_SYSCALL_ENTER_ARGS, bytes, used);

	if (sysno == __NR_exit_group) {
		saw_exit_group = True;
		exit_group_status = (Int)args[0];
	}
	if (sysno == __NR_exit)
		threads[tid].exiting = True;
	note_self_signal(sysno, args, nargs);
	/* No tool fini runs after a successful execve: put everything on disk
	 * now.  If it fails, recording simply goes on. */
	if (sysno == __NR_execve || sysno == __NR_execveat) {
		HChar path[4096];
		UInt n = rec_client_string(sysno == __NR_execve ? args[0] : args[1],
				       path, sizeof path);
		p = rec_event_begin(HS_EV_EXEC, 4 + n + 1 + HS_EXEC_TRAILER_SIZE);
		rec_put_u32(p, tid);
		VG_(memcpy)(p + 4, path, n);
		p[4 + n] = 0;
		p += 4 + n + 1;
		rec_put_u32(p, threads_created ? threads_created : 1);
		rec_put_u32(p + 4, faulted_insns);
		rec_put_u64(p + 8, rec_icount);
		rec_put_u32(p + 16, HS_EXEC_TRAILER_MAGIC);
		rec_exec_before(sysno, args, path);
		rec_stream_flush(False);
		rec_stream_before_exec();
	}
}

/* Which of the recording's streams fd is (1 stdout, 2 stderr), 0 for
 * neither.  One file as both: fd 2 is stderr, any other fd stdout. */
static UInt console_stream(UWord fd)
{
	const struct rec_file_id *c = rec_opts.console;
	struct vg_stat st;
	Bool out, err;

	if (!c[1].known && !c[2].known)
		return 0;
	if (VG_(fstat)((Int)fd, &st) != 0)
		return 0;
	out = c[1].known && c[1].dev == st.dev && c[1].ino == st.ino;
	err = c[2].known && c[2].dev == st.dev && c[2].ino == st.ino;
	if (out && err)
		return fd == 2 ? 2 : 1;
	return out ? 1 : err ? 2 : 0;
}

static void emit_output(ThreadId tid, UInt fd, UInt stream, ULong ns, Addr buf, SizeT n)
{
	while (n > 0) {
		UInt k = n > (256u << 10) ? (256u << 10) : (UInt)n;
		UChar *p;

		if (stream) {
			p = rec_event_begin(HS_EV_CONSOLE, HS_CONSOLE_SIZE);
			rec_put_u32(p, tid);
			rec_put_u32(p + 4, stream);
			rec_put_u64(p + 8, ns);
		}
		p = rec_event_begin(HS_EV_OUTPUT, 8 + k);
		rec_put_u32(p, tid);
		rec_put_u32(p + 4, fd);
		VG_(memcpy)(p + 8, (const void *)buf, k);
		buf += k;
		n -= k;
	}
}

/* What the kernel accepted for fd 1 and 2, or for any fd that is the
 * recording's stdout or stderr, from the client's buffers. */
static void record_output(ThreadId tid, UInt sysno, UWord *args, SizeT done)
{
	UWord fd = args[0];
	UInt stream;
	ULong ns = 0;

	if (sysno != __NR_write && sysno != __NR_pwrite64 && sysno != __NR_writev &&
	    sysno != __NR_pwritev && sysno != __NR_pwritev2)
		return;
	stream = console_stream(fd);
	if (fd != 1 && fd != 2 && !stream)
		return;
	if (stream) {
		struct vki_timespec ts;

		VG_(clock_gettime)(&ts, VKI_CLOCK_MONOTONIC);
		ns = (ULong)ts.tv_sec * 1000000000ULL + (ULong)ts.tv_nsec;
	}
	if (sysno == __NR_write || sysno == __NR_pwrite64) {
		emit_output(tid, fd, stream, ns, args[1], done);
	} else {
		const struct vki_iovec *iov = (const struct vki_iovec *)args[1];
		UWord i;
		for (i = 0; i < args[2] && done > 0; i++) {
			SizeT k = iov[i].iov_len < done ? iov[i].iov_len : done;
			emit_output(tid, fd, stream, ns, (Addr)iov[i].iov_base, k);
			done -= k;
		}
	}
}

/* rt_sigaction(sig, act, ...) succeeded: act's handler (its first word)
 * is the new disposition. */
static void note_sigaction(UWord *args)
{
	Int sig = (Int)args[0];
	UWord h;

	if (sig <= 0 || sig > REC_NSIG || !args[1] ||
	    !VG_(am_is_valid_for_client)(args[1], sizeof(UWord), VKI_PROT_READ))
		return;
	h = *(const UWord *)args[1];
	sig_disp[sig] = h == (UWord)VKI_SIG_DFL ? DISP_DEFAULT
		      : h == (UWord)VKI_SIG_IGN ? DISP_IGNORE : DISP_HANDLER;
}

/* What the kernel wrote that Valgrind does not report: select's and
 * pselect6's descriptor sets and timeout, fcntl F_GETLK's struct flock
 * (Valgrind only checks that they are readable), the address length of
 * accept, getsockname, getpeername and recvfrom and getsockopt's option
 * length, as HS_EV_MEM records
 * before the exit record, like the ones track_post_mem_write gives.
 * Without them the recorded memory would keep what the program passed
 * in. */
static void record_unreported_writes(UInt sysno, UWord *args, UInt nargs, SysRes res)
{
	UWord n, i;

	if (sr_isError(res))
		return;
	/* the socklen_t a socket call writes back (Valgrind reports the
	 * address or option it wrote, not its length) */
	{
		UWord lenp = 0;

		if (sysno == __NR_accept || sysno == __NR_accept4 || sysno == __NR_getsockname ||
		    sysno == __NR_getpeername)
			lenp = nargs >= 3 && args[1] ? args[2] : 0;
		else if (sysno == __NR_recvfrom)
			lenp = nargs >= 6 && args[4] ? args[5] : 0;
		else if (sysno == __NR_getsockopt)
			lenp = nargs >= 5 && args[3] ? args[4] : 0;
		if (lenp && VG_(am_is_valid_for_client)(lenp, 4, VKI_PROT_READ))
			rec_event_mem(lenp, 4, HS_MEM_SYSCALL);
	}
	if (sysno == __NR_fcntl && nargs >= 3 &&
	    (args[1] == 5 /* F_GETLK */ || args[1] == 36 /* F_OFD_GETLK */)) {
		if (args[2] && VG_(am_is_valid_for_client)(args[2], 32, VKI_PROT_READ))
			rec_event_mem(args[2], 32, HS_MEM_SYSCALL); /* struct flock */
		return;
	}
	if ((sysno != __NR_select && sysno != __NR_pselect6) || nargs < 5)
		return;
	n = (args[0] > 1024 ? 1024 : args[0]) + 7;
	n /= 8;
	for (i = 1; i <= 3; i++)
		if (args[i] && n && VG_(am_is_valid_for_client)(args[i], n, VKI_PROT_READ))
			rec_event_mem(args[i], n, HS_MEM_SYSCALL);
	/* a timeval or timespec: 16 bytes either way */
	if (args[4] && VG_(am_is_valid_for_client)(args[4], 16, VKI_PROT_READ))
		rec_event_mem(args[4], 16, HS_MEM_SYSCALL);
}

/* A child that SIGKILL ended, which no recorder sees: its reaper's wait
 * says so (wait4's status, waitid's siginfo), and the reaper's recorder
 * closes the child's image (rec_stream_note_killed). */
static void note_reaped(UInt sysno, UWord *args, UInt nargs, UWord res)
{
	if (sysno == __NR_wait4 && nargs >= 2 && (Int)res > 0 && args[1] &&
	    VG_(am_is_valid_for_client)(args[1], sizeof(Int), VKI_PROT_READ) &&
	    (*(const Int *)args[1] & 0x7f) == VKI_SIGKILL) /* WTERMSIG */
		rec_stream_note_killed((Int)res, VKI_SIGKILL);
	if (sysno == __NR_waitid && nargs >= 3 && args[2] &&
	    VG_(am_is_valid_for_client)(args[2], sizeof(vki_siginfo_t), VKI_PROT_READ)) {
		const vki_siginfo_t *si = (const vki_siginfo_t *)args[2];

		if (si->si_signo == VKI_SIGCHLD && si->si_code == VKI_CLD_KILLED &&
		    si->_sifields._sigchld._status == VKI_SIGKILL)
			rec_stream_note_killed(si->_sifields._sigchld._pid, VKI_SIGKILL);
	}
}

static void post_syscall_events(ThreadId tid, UInt sysno, UWord *args,
				UInt nargs, SysRes res)
{
	UChar *p;
	Bool failed = sr_isError(res);

	record_unreported_writes(sysno, args, nargs, res);
	p = rec_event_begin(HS_EV_SYSCALL_EXIT, 24);

	rec_put_u32(p, tid);
	rec_put_u32(p + 4, sysno);
	rec_put_u32(p + 8, failed);
	rec_put_u32(p + 12, 0);
	rec_put_u64(p + 16, failed ? sr_Err(res) : sr_Res(res));
	if (failed)
		return;
	record_output(tid, sysno, args, sr_Res(res));
	note_reaped(sysno, args, nargs, sr_Res(res));
	if (sysno == __NR_rt_sigaction)
		note_sigaction(args);
	/* The core sets guest FS_CONST for arch_prctl without telling tools. */
	if (sysno == __NR_arch_prctl && args[0] == 0x1002 /* ARCH_SET_FS */)
		on_post_reg_write(Vg_CoreSysCall, tid,
				  offsetof(VexGuestAMD64State, guest_FS_CONST), 8);
	if ((sysno == __NR_fork || sysno == __NR_vfork ||
	     (sysno == __NR_clone && (!(args[0] & VKI_CLONE_VM) ||
				       (args[0] & VKI_CLONE_VFORK)))) && sr_Res(res) > 0) {
		/* Valgrind runs vfork-style clones (posix_spawn) as forks */
		p = rec_event_begin(HS_EV_FORK, 8);
		rec_put_u32(p, tid);
		rec_put_u32(p + 4, sr_Res(res));
	}
}

/* After the core finished a syscall its thread's registers are final:
 * dump them now, while the thread is stopped, and make that dump the
 * thread's stopped state (see rec_emit_stopped_regs). */
static void post_syscall(ThreadId tid, UInt sysno, UWord *args, UInt nargs,
			 SysRes res)
{
	post_syscall_events(tid, sysno, args, nargs, res);
	if (tid >= REC_MAX_THREADS || !threads[tid].dumped)
		return;
	/* rt_sigreturn restores a signal frame: that dump is authoritative */
	rec_emit_regs(tid, threads[tid].signalled ? HS_REGS_SIGNAL : HS_REGS_RESUME);
	threads[tid].signalled = False;
	VG_(get_shadow_regs_area)(tid, threads[tid].snap, 0, 0, HS_GUEST_STATE_SIZE);
	threads[tid].have_snap = True;
}

/* ---- process lifecycle --------------------------------------------------------- */

/* "KEY=value\n" into text at len, newlines and backslashes escaped (one
 * line per value); returns the new length. */
static SizeT put_escaped(HChar *text, SizeT len, SizeT cap, const HChar *key, const HChar *a)
{
	len += VG_(snprintf)(text + len, cap - len, "%s=", key);
	for (SizeT j = 0; a[j] && len + 3 < cap; j++) {
		if (a[j] == '\n' || a[j] == '\\') {
			text[len++] = '\\';
			text[len++] = a[j] == '\n' ? 'n' : '\\';
		} else {
			text[len++] = a[j];
		}
	}
	text[len++] = '\n';
	return len;
}

static void emit_process_info(void)
{
	HChar *text;
	SizeT cap = 8192, len = 0;
	Word i, n = VG_(sizeXA)(VG_(args_for_client));
	const HChar *argv0 = rec_exec_argv0();
	UChar *p;

	for (i = 0; i < n; i++)
		cap += 2 * VG_(strlen)(*(HChar **)VG_(indexXA)(VG_(args_for_client), i)) + 8;
	if (argv0)
		cap += 2 * VG_(strlen)(argv0) + 8;
	text = VG_(malloc)("hs.procinfo", cap);
	len += VG_(snprintf)(text + len, cap - len,
			     "pid=%d\nppid=%d\nexe=%s\nrecorder=%s\nformat=%d\n",
			     VG_(getpid)(), VG_(getppid)(),
			     VG_(args_the_exename) ? VG_(args_the_exename) : "",
			     REC_VERSION, HS_TRACE_FORMAT_VERSION);
	/* the argv[0] an exec gave it, where not the path (rec_exec.c) */
	if (argv0)
		len = put_escaped(text, len, cap, "argv0", argv0);
	for (i = 0; i < n; i++)
		len = put_escaped(text, len, cap, "arg",
				  *(HChar **)VG_(indexXA)(VG_(args_for_client), i));
	p = rec_event_begin(HS_EV_PROCESS, len);
	VG_(memcpy)(p, text, len);
	VG_(free)(text);
}

static void atfork_pre(ThreadId tid)
{
	rec_stream_flush(False);
}

static void atfork_child(ThreadId tid)
{
	ThreadId t;

	for (t = 0; t < REC_MAX_THREADS; t++) {
		threads[t].alive = (t == tid);
		threads[t].dumped = False;
		threads[t].signalled = False;
	}
	current_tid = tid;
	threads_created = 1; /* the thread that forked goes on in the child */
	faulted_insns = 0;
	saw_exit_group = False;
	self_signal = 0;
	last_sig.valid = False;
	rec_stream_after_fork_child();
	emit_process_info();
}

/* One writer per CPU we may run on, at most 4: the program's thread
 * mostly waits for them when they have fewer CPUs than that.  None under
 * a small process limit (the playground's sandbox sets one): writers
 * would count against the program's own processes. */
static UInt default_writers(void)
{
	UChar mask[128];
	struct vki_rlimit lim;
	SysRes r = VG_(do_syscall)(__NR_getrlimit, 6 /* RLIMIT_NPROC */, (UWord)&lim,
				   0, 0, 0, 0, 0, 0);
	UInt n = 0, i;

	if (!sr_isError(r) && lim.rlim_cur <= 4096)
		return 0;
	r = VG_(do_syscall)(__NR_sched_getaffinity, 0, sizeof mask, (UWord)mask,
			    0, 0, 0, 0, 0);
	if (sr_isError(r))
		return 1;
	for (i = 0; i < sr_Res(r) && i < sizeof mask; i++)
		n += __builtin_popcount(mask[i]);
	return n < 1 ? 1 : n > 4 ? 4 : n;
}

static void post_clo_init(void)
{
	if (!rec_opts.out_dir) {
		VG_(fmsg)("hindsight: --hs-out=DIR is required; run the tool "
			  "through `hindsight record`\n");
		VG_(exit)(2);
	}
	/* before anything reads the stack or the program's name */
	rec_exec_restore();
	VG_(clo_vex_control).iropt_register_updates_default =
		VexRegUpdAllregsAtEachInsn;
	/* An unrolled loop would put one address twice in a superblock and
	 * make fault fix-ups ambiguous. */
	VG_(clo_vex_control).iropt_unroll_thresh = 0;
	/* Chasing lets VEX speculate a short branch arm: its instructions
	 * sit in the superblock under a guard and their IMarks run whether
	 * or not the CPU would have run them, so the recording would hold
	 * instructions that never ran (strcmp's `ja; test; je` diamond, 604
	 * of 126202 in one strcmp call).  Without it, a superblock is one
	 * straight path and every recorded instruction ran. */
	VG_(clo_vex_control).guest_chase = False;
	if (rec_opts.writers < 0)
		rec_opts.writers = (Int)default_writers();
	rec_tls_init();
	rec_instrument_init();
	if (rec_stream_open() < 0)
		VG_(exit)(2);
	emit_process_info();
}

/* Not exit_group: a signal's default action ended the process.  Which
 * signal: the one last reported (last_sig), else the one it sent itself,
 * else unknown (0).  A SIGNAL record with HS_SIG_FATAL says so in the
 * events, as the thread it hit. */
static Int fatal_signal(Int exitcode, ThreadId *tid)
{
	Int sig = last_sig.valid ? last_sig.signo : self_signal ? self_signal : exitcode;

	*tid = last_sig.valid && last_sig.signo == sig ? last_sig.tid : current_tid;
	if (sig > 0 && *tid > 0 && *tid < REC_MAX_THREADS)
		emit_signal(*tid, sig, HS_SIG_FATAL);
	return sig;
}

static void fini(Int exitcode)
{
	ThreadId sig_tid = 0;
	Int value = exit_group_status;
	Bool info;
	UChar *p;

	if (muted_log_fd >= 0)
		VG_(log_output_sink).fd = muted_log_fd;

	if (*(UInt *)rec_buf_ptr != 0)
		rec_fixup_aborted_sb(current_tid);
	if (!saw_exit_group)
		value = fatal_signal(exitcode, &sig_tid);
	flush_pending_exits();
	info = !saw_exit_group && last_sig.valid && last_sig.signo == value;
	p = rec_event_begin(HS_EV_EXIT, HS_EXIT_V6_SIZE);
	rec_put_u32(p, saw_exit_group ? HS_EXIT_STATUS : HS_EXIT_SIGNAL);
	rec_put_u32(p + 4, (UInt)value);
	rec_put_u64(p + 8, rec_icount);
	rec_put_u32(p + 16, threads_created ? threads_created : 1);
	rec_put_u32(p + 20, faulted_insns);
	rec_put_u32(p + 24, sig_tid);
	rec_put_u32(p + 28, info ? HS_SIG_INFO : 0);
	rec_put_u32(p + 32, info ? (UInt)last_sig.code : 0);
	rec_put_u32(p + 36, 0);
	rec_put_u64(p + 40, info ? last_sig.value : 0);
	put_siginfo(p + HS_EXIT_V5_SIZE, info);
	rec_stream_flush(True);
	rec_stream_close();
	if (rec_opts.verbose) {
		VG_(umsg)("hindsight: %llu instructions recorded\n", rec_icount);
		rec_stream_stats();
	}
}

static void pre_clo_init(void)
{
	VG_(details_name)("Hindsight");
	VG_(details_version)(REC_VERSION);
	VG_(details_description)("the Hindsight recorder");
	VG_(details_copyright_author)("Copyright (C) the Hindsight authors.");
	VG_(details_bug_reports_to)("the Hindsight issue tracker");
	VG_(details_avg_translation_sizeB)(640);

	VG_(basic_tool_funcs)(post_clo_init, rec_instrument, fini);
	VG_(needs_command_line_options)(process_option, print_usage,
					print_debug_usage);
	VG_(needs_syscall_wrapper)(pre_syscall, post_syscall);

	VG_(track_new_mem_startup)(on_new_mem_startup);
	VG_(track_new_mem_mmap)(on_new_mem_mmap);
	VG_(track_new_mem_brk)(on_new_mem_brk);
	VG_(track_die_mem_brk)(on_unmap);
	VG_(track_die_mem_munmap)(on_unmap);
	VG_(track_change_mem_mprotect)(on_mprotect);
	VG_(track_copy_mem_remap)(on_remap);
	VG_(track_post_mem_write)(on_post_mem_write);
	VG_(track_post_reg_write)(on_post_reg_write);
	VG_(track_start_client_code)(on_start_client_code);
	VG_(track_stop_client_code)(on_stop_client_code);
	VG_(track_pre_thread_ll_create)(on_thread_create);
	VG_(track_pre_thread_ll_exit)(on_thread_exit);
	VG_(track_pre_deliver_signal)(on_pre_deliver_signal);
	VG_(track_post_deliver_signal)(on_post_deliver_signal);
	VG_(atfork)(atfork_pre, NULL, atfork_child);

	set_alive(1);
}

VG_DETERMINE_INTERFACE_VERSION(pre_clo_init)
