/* rec_ring.c - the stream buffer as a ring shared with a writer process.
 *
 * Compressing and writing the stream took about 80 % of the recorder's CPU
 * time (bench/RESULTS.md, "Recorder breakdown").  A Valgrind tool has no
 * threads, so a writer *process* does it: the stream buffer is one slot of
 * a ring in a MAP_SHARED memfd mapping; the inline IR logs into the current
 * slot, and a full slot is handed over by publishing its length, with no
 * copy.  A writer compresses the slot and zeroes it (the commit protocol
 * needs a zeroed buffer, rec_instrument.c); the slot is given back once
 * its chunk is written, in order.
 *
 * The writer is a clone of the recorder with exit signal 0: the program's
 * wait()/waitpid(-1) cannot see it (only __WCLONE/__WALL waits do) and no
 * SIGCHLD reaches the program.  It blocks every signal.  It ends when told
 * to (exit, execve), or by itself when its parent is gone (the recorder was
 * killed: the recording stays incomplete, as it did without a writer), and
 * is reaped here with __WCLONE.
 *
 * fork: the child shares the ring mapping with its parent, so it unmaps it
 * at once, makes a ring of its own and starts its own writer when it first
 * hands over a slot.  execve: the pre-syscall hook drains the ring and ends
 * the writer (no tool code runs after a successful execve); if execve
 * fails, the next hand-over starts a new writer on the same ring.
 *
 * Several writers share the work: each takes the oldest published slot
 * that no one has taken, compresses it into the slot's output area (in
 * the shared mapping too) and zeroes it; whichever writer holds the write
 * lock writes the compressed chunks in order, its own and the others'.
 * So no writer waits for another: with a slot given to each writer in
 * turn, a writer preempted by the program (three processes on two cores)
 * stalled the other, which left a core idle 15-20 % of the time
 * (bench/RESULTS.md, "Recorder: writers that never wait for each other").
 *
 * Synchronisation: counters in the shared control block, pub (slots
 * published by the recorder), taken (slots a writer took), written (slots
 * written and zeroed, in order), each slot's packed mark and a write lock,
 * with futex waits (not FUTEX_PRIVATE: several processes) on pub (the
 * writers) and written (the recorder) that time out so that either side
 * notices the other's death.
 */
#include "rec_internal.h"

#include "pub_tool_libcbase.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_aspacemgr.h"

/* Not in the pub_tool headers, but exported by libcoregrind. */
extern SysRes VG_(am_shared_mmap_file_float_valgrind)(SizeT length, UInt prot,
						       Int fd, Off64T offset);
extern Int VG_(sigfillset)(vki_sigset_t *set);
extern Int VG_(kill)(Int pid, Int signo);
extern Int VG_(fd_soft_limit); /* the client's descriptors lie below */

#define RING_MAX_SLOTS 8
#define RING_MAX_BYTES (96u << 20)
#define WCLONE 0x80000000u /* __WCLONE */

struct ring_slot {
	UInt len[REC_NCOL]; /* bytes in each column's region */
	UInt last;
	ULong first_t;
	/* set by the writer that compressed it */
	volatile UInt packed; /* k + 1: chunk k is in the output area */
	SizeT raw, comp;      /* comp 0: nothing to write (broken) */
};

struct ring_ctl {
	volatile UInt pub;     /* slots published (slot index: pub % n) */
	volatile UInt taken;   /* slots a writer took, in order */
	volatile UInt written; /* slots written, in order; each zeroed first */
	volatile UInt writing; /* the write lock: 1 while a writer writes */
	volatile UInt quit;    /* the writers end once written == pub */
	volatile UInt broken;  /* a writer could not write: incomplete */
	struct ring_slot slot[RING_MAX_SLOTS];
};

static struct ring_ctl *ctl;
static UChar *ring_base;  /* the mapping: ctl page, then the slots */
static SizeT ring_len, slot_bytes;
static SizeT in_bytes;    /* a slot's input regions; its output area next */
static UInt n_slots;
static Int writer_pids[REC_MAX_WRITERS]; /* 0: none */
static UInt n_writers;    /* running */
static Int owner_pid;     /* the writers' parent, which they watch */
static Bool no_writers;   /* clone failed (a process limit): write here */

static void futex_wait(volatile UInt *addr, UInt val)
{
	struct vki_timespec ts = { 0, 100 * 1000 * 1000 };

	VG_(do_syscall)(__NR_futex, (UWord)addr, VKI_FUTEX_WAIT, val,
			(UWord)&ts, 0, 0, 0, 0);
}

static void futex_wake(volatile UInt *addr)
{
	VG_(do_syscall)(__NR_futex, (UWord)addr, VKI_FUTEX_WAKE, 0x7fffffff,
			0, 0, 0, 0, 0);
}

static UChar *slot_at(UInt i)
{
	return ring_base + VKI_PAGE_SIZE + (SizeT)(i % n_slots) * slot_bytes;
}

/* Where slot i's compressed chunk goes: rec_stream_pack_cap() bytes. */
static UChar *out_at(UInt i)
{
	return slot_at(i) + in_bytes;
}

/* Slot i written: zeros where it was used, as the recorder needs them
 * (rec_instrument.c: ctl's commit protocol; the value columns' slots
 * that a taken exit skips). */
static void zero_slot(UInt i, const UInt len[REC_NCOL])
{
	UInt k;

	VG_(memset)(slot_at(i), 0, len[REC_COL_CTL] + 8);
	for (k = REC_COL_V1; k < REC_NCOL; k++)
		VG_(memset)(slot_at(i) + k * rec_region_bytes, 0, len[k]);
}

int rec_ring_init(SizeT bytes_per_slot)
{
	SysRes r;
	Int fd;
	SizeT len;

	in_bytes = (bytes_per_slot + VKI_PAGE_SIZE - 1) & ~(SizeT)(VKI_PAGE_SIZE - 1);
	slot_bytes = (in_bytes + rec_stream_pack_cap() + VKI_PAGE_SIZE - 1) &
		     ~(SizeT)(VKI_PAGE_SIZE - 1);
	n_slots = RING_MAX_BYTES / slot_bytes;
	if (n_slots > RING_MAX_SLOTS)
		n_slots = RING_MAX_SLOTS;
	if (n_slots < 2)
		n_slots = 2;
	len = VKI_PAGE_SIZE + n_slots * slot_bytes;
	r = VG_(do_syscall)(__NR_memfd_create, (UWord)"hindsight-ring", 0,
			    0, 0, 0, 0, 0, 0);
	if (sr_isError(r))
		return -(int)sr_Err(r);
	fd = (Int)sr_Res(r);
	r = VG_(do_syscall)(__NR_ftruncate, fd, len, 0, 0, 0, 0, 0, 0);
	if (!sr_isError(r))
		r = VG_(am_shared_mmap_file_float_valgrind)(len, VKI_PROT_READ | VKI_PROT_WRITE,
							   fd, 0);
	VG_(close)(fd);
	if (sr_isError(r))
		return -(int)sr_Err(r);
	ring_base = (UChar *)sr_Res(r);
	ring_len = len;
	ctl = (struct ring_ctl *)ring_base;
	n_writers = 0;
	no_writers = False;
	return 0;
}

UChar *rec_ring_first_slot(void)
{
	return slot_at(ctl->pub);
}

Bool rec_ring_broken(void)
{
	return ctl && ctl->broken;
}

static Bool orphaned(void)
{
	return VG_(getppid)() != owner_pid;
}

/* Compresses slot k into its output area and zeroes it. */
static void pack_slot(UInt k)
{
	struct ring_slot *s = &ctl->slot[k % n_slots];
	SizeT raw = 0, comp = 0;

	if (!ctl->broken)
		comp = rec_stream_pack(slot_at(k), s->len, &raw, out_at(k));
	zero_slot(k, s->len);
	s->raw = raw;
	s->comp = comp;
	__sync_synchronize();
	s->packed = k + 1;
}

/* Writes, in order, the chunks that are compressed, if no other writer is
 * writing.  The lock's holder checks again once it has let go: a chunk
 * compressed meanwhile by a writer that found the lock held is its to
 * write. */
static void write_ready(void)
{
	for (;;) {
		UInt w = ctl->written;

		if (ctl->slot[w % n_slots].packed != w + 1 ||
		    !__sync_bool_compare_and_swap(&ctl->writing, 0, 1))
			return;
		for (;;) {
			const struct ring_slot *s;

			w = ctl->written;
			s = &ctl->slot[w % n_slots];
			if (s->packed != w + 1)
				break;
			if (!ctl->broken) {
				rec_stream_put_stream_chunk(w, out_at(w), s->raw, s->comp,
							    s->first_t, s->last);
				if (rec_stream_broken())
					ctl->broken = 1;
			}
			__sync_synchronize();
			ctl->written = w + 1;
			futex_wake(&ctl->written);
		}
		__sync_synchronize();
		ctl->writing = 0;
		__sync_synchronize();
	}
}

/* A writer holds none of the program's descriptors: a copy of a pipe's
 * write end would keep its reader from seeing the end of the data, and
 * the program would wait for it forever (a shell's `(a | b)` forks after
 * the pipe is made, and the fork's hand-over starts the writers).  Ours
 * (the stream file, Valgrind's log) lie above VG_(fd_soft_limit). */
static void close_client_fds(void)
{
	SysRes r = VG_(do_syscall)(__NR_close_range, 0, VG_(fd_soft_limit) - 1, 0,
				   0, 0, 0, 0, 0);
	Int fd;

	if (!sr_isError(r))
		return;
	for (fd = 0; fd < VG_(fd_soft_limit); fd++)
		VG_(close)(fd);
}

/* A writer: takes the oldest published slot no one has taken, compresses
 * it while the others compress theirs, and writes what is ready.  Never
 * returns. */
static void writer_main(void)
{
	vki_sigset_t all;

	close_client_fds();
	VG_(sigfillset)(&all);
	VG_(do_syscall)(__NR_rt_sigprocmask, VKI_SIG_BLOCK, (UWord)&all, 0,
			sizeof all, 0, 0, 0, 0);
	for (;;) {
		UInt k = ctl->taken, p = ctl->pub;

		if (k != p) {
			if (__sync_bool_compare_and_swap(&ctl->taken, k, k + 1)) {
				pack_slot(k);
				write_ready();
			}
			continue;
		}
		if ((ctl->quit && ctl->written == p) || orphaned())
			break;
		futex_wait(&ctl->pub, p);
	}
	if (rec_opts.verbose)
		rec_stream_stats();
	VG_(do_syscall)(__NR_exit, 0, 0, 0, 0, 0, 0, 0, 0);
	for (;;)
		;
}

static void reap_writers(Bool block);

static void start_writers(void)
{
	UInt w, nw = (UInt)rec_opts.writers;
	SysRes r;

	if (nw == 0) {
		no_writers = True;
		return;
	}
	owner_pid = VG_(getpid)();
	ctl->quit = 0;
	ctl->taken = ctl->written; /* none runs: every published slot written */
	ctl->writing = 0;
	for (w = 0; w < nw; w++) {
		/* like fork, but exit signal 0: invisible to the program's waits */
		r = VG_(do_syscall)(__NR_clone, 0, 0, 0, 0, 0, 0, 0, 0);
		if (sr_isError(r)) {
			/* e.g. a sandbox's process limit: do without them.  The
			 * others would wait for slots it was to write. */
			for (w = 0; w < n_writers; w++)
				VG_(kill)(writer_pids[w], VKI_SIGKILL);
			reap_writers(True);
			no_writers = True;
			return;
		}
		if (sr_Res(r) == 0)
			writer_main();
		writer_pids[n_writers++] = (Int)sr_Res(r);
	}
}

/* Reaps the writers: all of them (block) or those that ended (poll).  A
 * writer that ends before being told has lost its slots: the others wait
 * for it forever, so they are killed and nothing more is written. */
static void reap_writers(Bool block)
{
	UInt i = 0;
	Int st;
	SysRes r;

	while (i < n_writers) {
		r = VG_(do_syscall)(__NR_wait4, writer_pids[i], (UWord)&st,
				    (block ? 0 : VKI_WNOHANG) | WCLONE, 0, 0, 0, 0, 0);
		if (!sr_isError(r) && sr_Res(r) == 0) {
			i++;
			continue;
		}
		writer_pids[i] = writer_pids[--n_writers];
		if (block || ctl->broken)
			continue;
		VG_(printf)("hindsight: a writer process died; the recording "
			    "will be incomplete\n");
		ctl->broken = 1;
		rec_stream_mark_stopped();
		for (i = 0; i < n_writers; i++)
			VG_(kill)(writer_pids[i], VKI_SIGKILL);
		block = True;
		i = 0;
	}
}

/* Wait until at most `left` published slots are unwritten. */
static void wait_written(UInt left)
{
	for (;;) {
		UInt v = ctl->written;
		if (ctl->pub - v <= left)
			return;
		if (n_writers == 0) {
			/* no writer: the slots are written (or, broken, dropped)
			 * and recycled here */
			for (; v != ctl->pub; v++) {
				const struct ring_slot *s = &ctl->slot[v % n_slots];
				if (!ctl->broken && no_writers) {
					SizeT n = 0, c = rec_stream_pack(slot_at(v), s->len, &n,
									 out_at(v));
					rec_stream_put_stream_chunk(v, out_at(v), n, c,
								    s->first_t, s->last);
					ctl->broken = rec_stream_broken();
				}
				zero_slot(v, s->len);
			}
			ctl->written = v;
			return;
		}
		reap_writers(False);
		futex_wait(&ctl->written, v);
	}
}

UChar *rec_ring_hand_over(const UInt len[REC_NCOL], ULong first_t, Bool last)
{
	UInt p = ctl->pub;

	if (n_writers == 0 && !ctl->broken && !no_writers)
		start_writers();
	VG_(memcpy)(ctl->slot[p % n_slots].len, len, sizeof(ctl->slot[0].len));
	ctl->slot[p % n_slots].last = last;
	ctl->slot[p % n_slots].first_t = first_t;
	__sync_synchronize();
	ctl->pub = p + 1;
	futex_wake(&ctl->pub);
	wait_written(n_slots - 1);
	return slot_at(ctl->pub);
}

/* Every published slot written, the writers ended and reaped. */
void rec_ring_drain(void)
{
	if (!ctl)
		return;
	wait_written(0);
	ctl->quit = 1;
	futex_wake(&ctl->pub);
	reap_writers(True);
}

/* In a fork child: the inherited mapping is the parent's live ring, and
 * the parent's writers are not ours. */
int rec_ring_after_fork_child(void)
{
	SizeT per = in_bytes;

	VG_(am_munmap_valgrind)((Addr)ring_base, ring_len);
	ctl = NULL;
	ring_base = NULL;
	return rec_ring_init(per);
}
