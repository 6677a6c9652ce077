/* unwind.c - fs/source: the stack unwinder over recorded registers and
 * memory (hs_src_unwind), on libdwfl's unwinder.
 *
 * libdwfl unwinds the threads of a "process" attached to a Dwfl with
 * dwfl_attach_state().  We attach our own callbacks once, lazily, to the
 * handle's Dwfl (the modules hs_src_finish() reported, at their load
 * biases): one thread whose registers and memory come from the struct
 * hs_src_target of the call in progress.  libdwfl then finds the CFI of
 * each frame's module (.debug_frame, .eh_frame; glibc's signal trampoline
 * __restore_rt has CFI that restores the interrupted registers from the
 * signal frame) and falls back to the x86-64 frame-pointer rule.
 *
 * Threads.  A Dwfl has one attached state and libdwfl is not thread-safe,
 * so a call holds s->dw_lock from start to end (like the variable code)
 * and points the callbacks at its target for that time (unw_tg).  The
 * lock is held for one unwind only: tens of frames, each a few memory
 * reads (the caller's read_mem should cache pages: the tree's does).
 * Measured on recursive.c through the tree: backtrace p50 1.2 ms, where
 * 0.9 ms (the unwind adds about 0.3 ms) once reads are page-cached.
 */
#include "source_i.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define UNW_TID 1      /* the one thread's id: any positive number */

/* The target of the unwind in progress on this thread.  libdwfl calls
 * our callbacks synchronously from dwfl_getthread_frames() on the calling
 * thread, under s->dw_lock, so a thread-local pointer set around that call
 * is what the callbacks read; the attached state itself needs no argument
 * and so stays valid for any later call and any target. */
static __thread const struct hs_src_target *unw_tg;

/* Where the frames go. */
struct unw_out {
	uint64_t *pcs;
	size_t max, n;
};

/* DWARF register number -> index into hs_trace_regs.gpr (libvex's
 * order: rax rcx rdx rbx rsp rbp rsi rdi r8..r15). */
static const int unw_dwarf_to_gpr[16] = { 0, 2, 1, 3, 6, 7, 5, 4,
					  8, 9, 10, 11, 12, 13, 14, 15 };

static pid_t unw_next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	(void)dwfl;
	if (*thread_argp)
		return 0;               /* one thread only */
	*thread_argp = arg;
	return UNW_TID;
}

static bool unw_get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	(void)dwfl;
	if (tid != UNW_TID)
		return false;
	*thread_argp = arg;
	return true;
}

static bool unw_memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result,
			    void *arg)
{
	const struct hs_src_target *tg = unw_tg;
	uint64_t v = 0;

	(void)dwfl;
	(void)arg;
	if (!tg)
		return false;
	if (tg->read_mem(tg->ctx, addr, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return false;   /* unrecorded memory: the unwind ends here */
	*result = v;
	return true;
}

static bool unw_set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	const struct hs_trace_regs *r;
	Dwarf_Word regs[17];

	(void)thread_arg;
	if (!unw_tg)
		return false;
	r = unw_tg->regs;
	for (int i = 0; i < 16; i++)
		regs[i] = r->gpr[unw_dwarf_to_gpr[i]];
	regs[16] = r->rip;   /* the return address column of x86-64 */
	if (!dwfl_thread_state_registers(thread, 0, 17, regs))
		return false;
	dwfl_thread_state_register_pc(thread, r->rip);
	return true;
}

static const Dwfl_Thread_Callbacks unw_callbacks = {
	.next_thread = unw_next_thread,
	.get_thread = unw_get_thread,
	.memory_read = unw_memory_read,
	.set_initial_registers = unw_set_initial_registers,
};

static int unw_frame(Dwfl_Frame *state, void *arg)
{
	struct unw_out *o = arg;
	Dwarf_Addr pc;
	bool activation;

	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	if (pc == 0)
		return DWARF_CB_ABORT;  /* the outermost frame's "return" */
	if (o->n >= o->max)
		return DWARF_CB_ABORT;
	o->pcs[o->n++] = pc;
	return DWARF_CB_OK;
}

/* Attaches our callbacks to s->dwfl on first use (nothing else attaches
 * a state to it).  Under dw_lock.  -ENODATA when libdwfl refuses (no
 * module with an ELF file to tell the architecture). */
static int unw_attach(struct hs_src *s)
{
	if (dwfl_pid(s->dwfl) > 0)
		return 0;
	if (!dwfl_attach_state(s->dwfl, NULL, UNW_TID, &unw_callbacks, NULL))
		return -ENODATA;
	return 0;
}

int hs_src_unwind(struct hs_src *s, const struct hs_src_target *tg,
		  uint64_t *pcs, size_t max)
{
	struct unw_out o = { pcs, max, 0 };
	int err;

	if (!s || !tg || !tg->regs || !tg->read_mem || !pcs || !max)
		return -EINVAL;
	if (!s->finished || !s->dwfl)
		return -EINVAL;
	pthread_mutex_lock(&s->dw_lock);
	err = unw_attach(s);
	if (err < 0)
		goto out;
	unw_tg = tg;
	/* The result is what was unwound before the end: an error from
	 * libdwfl (no CFI, unreadable memory) ends the stack, as gdb's
	 * "Backtrace stopped" does. */
	(void)dwfl_getthread_frames(s->dwfl, UNW_TID, unw_frame, &o);
	unw_tg = NULL;
	if (o.n == 0) {
		pcs[0] = tg->regs->rip;
		o.n = 1;
	}
	err = (int)o.n;
out:
	pthread_mutex_unlock(&s->dw_lock);
	return err;
}
