/* tree_src_rnext.c - time/<t>/prev-line as gdb 13's `reverse-next` under
 * `record full`, run back instruction by instruction over the recording.
 *
 * gdb 13 (infrun.c, process_event_stop_test; infcmd.c, prepare_one_step)
 * steps back one instruction at a time and, at each, in this order:
 *   - a step-resume breakpoint inserted: nothing is looked at until the
 *     pc reaches its address in its frame (the callee's entry: checked
 *     against gdb 13.1 on recursive calls, which a later entry of the
 *     same function, a deeper frame, does not stop); there one more
 *     step back, unlooked at;
 *   - the pc in the step range [start, end), in the frame stepped
 *     ("stepping inside range"): stop where pc == start unless pc is the
 *     function's entry ("keep going back to the call point"), else go on;
 *   - a frame whose caller is the frame stepped ("stepped into
 *     subroutine": a call made there, entered through its return): a
 *     step-resume breakpoint at the function's entry (none where the pc
 *     is that entry: one step back reaches the call);
 *   - no line there: stop;
 *   - at a row's first address (find_pc_line's sal.pc) of another line
 *     than the current one: a statement row stops ("stepped to a
 *     different line"); a non-statement row in the same frame keeps the
 *     step info, in another frame the line is forgotten;
 *   - otherwise the row holding the pc becomes the range and, unless
 *     kept, the frame there and its line become the frame stepped and
 *     the current line (set_step_info): go on.
 * The initial range is the row holding the pc (find_pc_line_pc_range),
 * the current line that row's.  So gdb 13 stops at the start of the row
 * it last entered, not at the line's first row: a line of several rows
 * (a call's own row, clang's column rows) stops at the row holding the
 * last instruction run before; out of a callee's first line it stops at
 * the start of the caller's row holding the call (the calls made earlier
 * in that row stepped back over).  gdb 14 extends the range over the
 * line's earlier rows (find_line_range_start); not gdb 13.
 *
 * Used where the frame stepped has no inlined copies (tree_src_next.c
 * answers there); -E2BIG where this walk cannot follow gdb (inlined
 * copies reached, signal or tail-call frames, a walk too long): the
 * caller then takes fs/query's answer. */
#include "tree_src_i.h"

#include <errno.h>
#include <stdlib.h>

#define RN_INSNS_MAX 8192       /* instructions looked at, calls leapt not counted */
#define RN_ENTRY_MAX 4          /* a PLT stub's instructions before the entry */

struct rn {
	const struct hs_db_image *img;
	struct hs_src *s;
	struct hs_db_regs *r;
	uint32_t tid;
	uint64_t rs, re;        /* the step range */
	int depth;              /* the frame stepped: its open calls */
	uint64_t frame;         /* and its call's t_call (0: the outermost) */
	uint32_t file, line;    /* the current line (0: none) */
};

/* The frame at u: *depth open calls, *frame its call's t_call, *parent
 * its caller's, c the innermost call.  -E2BIG in a signal handler or a
 * tail-called frame (gdb's unwinding differs there). */
static int rn_frame(struct rn *x, uint64_t u, int *depth, uint64_t *frame, uint64_t *parent,
		    struct hs_db_call *c)
{
	struct hs_db_call cs[2];
	int k = hs_db_backtrace(x->img, u, x->tid, cs, 2);

	if (k < 0)
		return k;
	if (k > 0 && (cs[0].flags & (HS_DB_CALL_SIGNAL | HS_DB_CALL_TAILIN)))
		return -E2BIG;
	*depth = k;
	*frame = k > 0 ? cs[0].t_call : 0;
	*parent = k > 1 ? cs[1].t_call : 0;
	if (k > 0)
		*c = cs[0];
	return 0;
}

/* Where the step-resume breakpoint at addr, inserted at u inside call c,
 * is hit going back: c's entry, the first moment of c with the pc at addr
 * (after a PLT stub's jump).  The breakpoint is c's frame's (gdb 13 as
 * Debian ships it: a recursive call's later entry, another frame, does
 * not stop it).  0: not found. */
static uint64_t rn_resume(struct rn *x, const struct hs_db_call *c, uint64_t addr, uint64_t u)
{
	for (uint64_t v = c->t_call + 1; v < u && v <= c->t_call + RN_ENTRY_MAX; v++) {
		if (hs_db_regs_at(x->img, v, x->tid, x->r) < 0)
			return 0;
		if (x->r->regs.rip == addr)
			return v;
	}
	return 0;
}

/* gdb's decision at u (the thread's registers there in x->r); 1: it stops
 * there, 0: on back (*u may leap back to a step-resume breakpoint's hit),
 * -E2BIG: not known. */
static int rn_insn(struct rn *x, uint64_t *u)
{
	struct hs_src_line_info li;
	struct hs_src_loc loc;
	struct hs_db_call c;
	uint64_t pc, fs, frame, parent;
	int depth, err;
	bool same, refresh = true;

	pc = x->r->regs.rip;
	if ((err = rn_frame(x, *u, &depth, &frame, &parent, &c)) < 0)
		return err;
	fs = hs_src_lookup(x->s, pc, &loc) == 0 && loc.function ? loc.func_start : 0;
	same = depth == x->depth && frame == x->frame;
	if (same && pc >= x->rs && pc < x->re)
		return pc == x->rs && pc != fs ? 1 : 0;
	if (depth == x->depth + 1 && parent == x->frame) { /* stepped into subroutine */
		uint64_t addr = fs ? fs : c.callee;

		if (pc == addr)
			return 0;
		*u = rn_resume(x, &c, addr, *u);
		return *u ? 0 : -E2BIG;
	}
	if (hs_src_line_info(x->s, pc, &li) != 0 || !li.line)
		return hs_src_step_stops(x->s, pc) ? 1 : -E2BIG;
	if (li.inline_frame)
		return -E2BIG;
	if (pc == li.row_addr && (li.line != x->line || li.file_id != x->file)) {
		if (li.is_stmt)
			return 1;
		if (same)
			refresh = false;
		else
			li.line = 0;
	}
	x->rs = li.row_addr;
	x->re = li.row_end;
	if (refresh) {
		x->depth = depth;
		x->frame = frame;
		x->file = li.file_id;
		x->line = li.line;
	}
	return 0;
}

int tree_src_prev_line(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
		       uint64_t *t_out)
{
	struct rn x = { .img = img, .s = s, .r = malloc(sizeof(*x.r)) };
	struct hs_src_line_info li;
	struct hs_db_call c;
	uint64_t parent, u = t;
	int err = -E2BIG;

	if (!x.r)
		return -ENOMEM;
	if (hs_db_regs_at(img, t, 0, x.r) < 0)
		goto out;
	x.tid = x.r->tid;
	if (!hs_src_step_stops(s, x.r->regs.rip) ||
	    hs_src_line_info(s, x.r->regs.rip, &li) != 0 || !li.line || li.inline_frame ||
	    (err = rn_frame(&x, t, &x.depth, &x.frame, &parent, &c)) < 0) {
		err = err < 0 ? err : -E2BIG;
		goto out;
	}
	x.rs = li.row_addr;
	x.re = li.row_end;
	x.file = li.file_id;
	x.line = li.line;
	err = -E2BIG;
	for (int n = 0; n < RN_INSNS_MAX && u > 0; n++) {
		u--;
		if (hs_db_regs_at(img, u, 0, x.r) < 0)
			break;
		if (x.r->tid != x.tid)
			continue;
		err = rn_insn(&x, &u);
		if (err == 1) {
			*t_out = u;
			err = 0;
			break;
		}
		if (err < 0)
			break;
		err = -E2BIG;
	}
out:
	free(x.r);
	return err;
}
