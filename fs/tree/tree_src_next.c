/* tree_src_next.c - time/<t>/next-line where code was inlined: gdb's `next`
 * steps over inlined calls as it steps over real ones.
 *
 * The line starts (builder/db/dbb_lines.c) are gdb's `step`, which stops
 * inside inlined copies; fs/query's HS_DB_STEP_OVER leaps real calls but
 * not copies.  gdb's `next` (infrun.c, process_event_stop_test) keeps the
 * frame it was stepping (the one shown at the start: at a copy's first
 * instruction the caller, the copy hidden) and its line, and then:
 *   - while the pc is in its step range (the row it last took in the
 *     frame's own code, kept while the pc runs in copies) it looks at
 *     nothing ("stepping inside range"), a copy's entry there included;
 *   - at the first instruction of a copy called from that frame (the
 *     copy hidden, the frame shown is the stepped one: "stepped into
 *     inlined function") it stops when the call site's line is not the
 *     line being stepped, and goes on through the copy when it is;
 *   - anywhere inside a copy called from that frame ("stepping through
 *     inlined function") it goes on;
 *   - in the frame's own code it stops at a statement row of another
 *     line, as `step` does, and out of its range, in the middle of a row,
 *     takes that row's line (set_step_info; clang gives an inlined body's
 *     line to the caller's code after a call the copy made);
 *   - out of the frame (an inlined frame left for its caller) it takes
 *     the caller as the frame stepped, with the line there (a row's
 *     middle, the row's line, not the frame's) or none (a row's start
 *     that is no statement), or stops (a statement row of another line);
 *     it looks only where the pc leaves its range (the row it last
 *     refreshed at: "stepping inside range"), so a copy left inside that
 *     row is seen where the pc leaves the row;
 *   - after a return, at the start of a row that is no statement, it
 *     goes on with no line (a row of the line stepped: that line).
 * So the walk goes over the line starts of the frame's depth (calls
 * leapt, as HS_DB_STEP_OVER does) and decides at each; the instructions
 * between them are looked at too (a short stretch: nx_scan), because
 * `step`, inside another copy or a call just before, makes no line start
 * where a copy called from the frame begins, where the copy stepped is
 * left, or at a statement row of the line `step` was in (a copy's) that
 * `next` (another line) stops at.
 * After a return, the caller's line is the one of its call (fs/query's
 * rule).  Used only where the function stepped in has inlined copies
 * (hs_src_inline_in_function); elsewhere fs/query's next is gdb's
 * already.  prev-line, step-into and finish where code was inlined are
 * below.
 *
 * Cost: the registers at each line start walked and at each instruction
 * of the stretches looked at (each a replay from its chunk's start: about
 * a millisecond in a big recording; a stretch longer than NX_SCAN_MAX
 * lists its calls from the calls index first, and is looked at only when
 * NX_SCAN_MAX instructions or fewer lie outside them); a loop that runs an
 * inlined call a million times on one line walks a million starts. */
#include "tree_src_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define NX_INL_MAX 32

struct nx {
	const struct hs_db_image *img;
	struct hs_src *s;
	struct hs_db_regs *r;   /* scratch */
	uint32_t tid, depth;
	uint64_t from, to;      /* the frame's call (0: none) and return
				 * (UINT64_MAX: none) */
	bool tail;              /* the frame is left by a tail jump at `to` */
	uint64_t sf;            /* the frame stepped: an inline id, 0: real */
	const char *file;       /* the line being stepped; line 0: none */
	uint32_t line;
	uint64_t last_in;       /* a time inside sf (where its exit is looked for) */
	/* a line start key (db file id, line) known to be the frame's own
	 * code at the line stepped: skipped without a register lookup */
	bool own_valid;
	uint32_t own_file, own_line;
	unsigned lookups;       /* register lookups so far (NX_LOOKUPS_MAX) */
	/* gdb's first step range: the row of the pc `next` began at (re 0:
	 * none), left by no instruction since t0 */
	uint64_t t0, rs, re;
	uint64_t stop_at;       /* nx_left's stop before the start decided */
	/* gdb's step range [grs, gre) as the scans left it (the row it last
	 * refreshed at in the frame's own code; gre 0: not known) */
	uint64_t grs, gre;
};

/* Each register lookup replays from its chunk's start: past this many a
 * walk gives up (-E2BIG), and fs/query's answer stands (a loop on one
 * line running an inlined call a million times). */
#define NX_LOOKUPS_MAX 1024

/* The pc of the thread at t. */
static int pc_at(struct nx *x, uint64_t t, uint64_t *pc)
{
	int err;

	if (++x->lookups > NX_LOOKUPS_MAX)
		return -E2BIG;
	err = hs_db_regs_at(x->img, t, x->tid, x->r);
	if (err < 0)
		return err;
	*pc = x->r->regs.rip;
	return 0;
}

uint64_t tree_src_shown_frame(struct hs_src *s, uint64_t pc, uint32_t view)
{
	uint64_t chain[NX_INL_MAX];
	size_t n = hs_src_inline_chain(s, pc, chain, NX_INL_MAX);
	unsigned hide = tree_src_hidden_view(s, pc, view);

	return hide < n ? chain[hide] : 0;
}

/* The frame gdb shows at a stop at pc (the copies starting there hidden,
 * less those view `view` of the moment shows) and its line: the row's,
 * or the call site of the outermost copy hidden. */
static void shown_at(struct hs_src *s, uint64_t pc, uint32_t view, uint64_t *frame,
		     const char **file, uint32_t *line)
{
	struct hs_src_inline in[NX_INL_MAX];
	struct hs_src_loc loc;
	int h;

	*file = NULL;
	*line = 0;
	*frame = tree_src_shown_frame(s, pc, view);
	h = (int)tree_src_hidden_view(s, pc, view);
	if (h > 0 && hs_src_inline_frames(s, pc, in, NX_INL_MAX) >= h) {
		*file = in[h - 1].call_file;
		*line = in[h - 1].call_line;
		return;
	}
	if (hs_src_lookup(s, pc, &loc) == 0) {
		*file = loc.file;
		*line = loc.line;
	}
}

/* The same file for gdb's symtab comparison: a line table's path and a
 * DW_AT_call_file's may be spelled differently; their base names agree. */
static bool same_file(const char *a, const char *b)
{
	const char *x = a ? strrchr(a, '/') : NULL, *y = b ? strrchr(b, '/') : NULL;

	return a && b && strcmp(x ? x + 1 : a, y ? y + 1 : b) == 0;
}

static bool same_line(const struct nx *x, const char *file, uint32_t line)
{
	return x->line && line == x->line && (file == x->file || same_file(file, x->file));
}

/* The state as gdb takes it at t in view `view` (a refreshed step: the
 * frame shown there and its line). */
static int nx_take(struct nx *x, uint64_t t, uint32_t view)
{
	uint64_t pc;
	int err = pc_at(x, t, &pc);

	if (err < 0)
		return err;
	shown_at(x->s, pc, view, &x->sf, &x->file, &x->line);
	x->last_in = t;
	x->own_valid = false;
	x->gre = 0; /* a new frame or step: no range kept */
	return 0;
}

/* x for a step from t (in view `view`): the thread, its frame, the frame
 * shown and its line.  x->r is freed by the caller (also on failure). */
static int nx_init(struct nx *x, const struct hs_db_image *img, struct hs_src *s, uint64_t t,
		   uint32_t view)
{
	struct hs_db_call c;
	int err, open;

	*x = (struct nx){ .img = img, .s = s, .r = malloc(sizeof(struct hs_db_regs)) };
	if (!x->r)
		return -ENOMEM;
	if ((err = hs_db_thread_at(img, t, &x->tid)) < 0)
		return err;
	open = hs_db_backtrace(img, t, x->tid, &c, 1);
	if (open < 0)
		return open;
	x->depth = (uint32_t)open;
	x->from = open > 0 ? c.t_call : 0;
	x->to = open > 0 ? c.t_ret : UINT64_MAX;
	x->tail = open > 0 && (c.flags & (HS_DB_CALL_TAIL | HS_DB_CALL_UNWOUND)) == HS_DB_CALL_TAIL;
	return nx_take(x, t, view);
}

struct first_start {
	struct hs_db_line_start ls;
	bool found;
};

static int on_first(void *ctx, const struct hs_db_line_start *ls)
{
	struct first_start *f = ctx;

	f->ls = *ls;
	f->found = true;
	return 1;
}

/* The call at x->depth open at t, into *c. */
static int call_at(struct nx *x, uint64_t t, uint32_t deep, struct hs_db_call *c)
{
	struct hs_db_call *fr = calloc((size_t)deep + 1, sizeof(*fr));
	int n;

	if (!fr)
		return -ENOMEM;
	n = hs_db_backtrace(x->img, t, x->tid, fr, (size_t)deep + 1);
	if (n >= 0 && (uint32_t)n > x->depth)
		*c = fr[(uint32_t)n - 1 - x->depth];
	free(fr);
	return n < 0 ? n : (uint32_t)n > x->depth ? 0 : -ENOENT;
}

/* Is the instruction at pc the first of a copy called from the frame
 * stepped (gdb: "stepped into inlined function")? */
static bool copy_entry(struct nx *x, uint64_t pc)
{
	struct hs_src_line_info li;

	return hs_src_line_info(x->s, pc, &li) == 0 && li.inline_frame != li.inline_hidden &&
	       li.inline_hidden == x->sf;
}

#define NX_TAIL_MAX 64 /* tail calls followed back to the call made, at most */

/* The moment before `at` in the frame's own depth (a call made just
 * before: the call itself): *p; -ENOENT when not known. */
static int nx_before(struct nx *x, uint64_t at, uint64_t *p)
{
	struct hs_db_call c;
	int d;

	if (at == 0 || hs_db_regs_at(x->img, at - 1, 0, x->r) < 0 || x->r->tid != x->tid)
		return -ENOENT;
	d = hs_db_backtrace(x->img, at - 1, x->tid, NULL, 0);
	if (d == (int)x->depth) {
		*p = at - 1;
		return 0;
	}
	if (d <= (int)x->depth || call_at(x, at - 1, (uint32_t)d, &c) < 0)
		return -ENOENT;
	/* a frame that replaced the one the frame's call made (a tail call:
	 * calloc's jmp to memset) began at a jump out there: the call
	 * made is the frame it replaced (open at its jump), back to the
	 * first */
	for (unsigned k = 0; c.flags & HS_DB_CALL_TAILIN; k++) {
		d = hs_db_backtrace(x->img, c.t_call, x->tid, NULL, 0);
		if (k == NX_TAIL_MAX || d <= (int)x->depth ||
		    call_at(x, c.t_call, (uint32_t)d, &c) < 0)
			return -ENOENT;
	}
	*p = c.t_call;
	return 0;
}

/* A moment in [lo, hi) where the thread, in the frame's real function
 * (x->depth deep), is at the first instruction of a copy called from the
 * frame stepped, or at the start of a statement row of the frame's own
 * code whose line is not the one `next` steps (out of its range, the row
 * of the instruction before, refreshed in the middle of rows): 1 and *t,
 * a start to decide at.  The line starts have none where `step` was
 * inside another copy (or in a call) just before: its line was the
 * copy's.  Only instructions show it, each a register lookup, so only a
 * short stretch is looked at (the calls the frame made in it, without
 * line starts, leapt: gdb runs them to their return).  When the whole
 * stretch was looked at with no such moment, the line gdb refreshed to in
 * the middle of the frame's own rows (set_step_info: an inlined body's
 * line where the compiler put one in the caller's code, as clang does) is
 * x's from then on: a copy whose call site is the line first stepped is a
 * stop after that. */
#define NX_SCAN_MAX 64
#define NX_SCAN_CALLS 16        /* calls leapt in a stretch, at most */
#define NX_SCAN_SEEN 256        /* calls listed (nested ones too), at most */

/* The calls the frame made in a stretch [lo, hi), and its instructions
 * outside them (own). */
struct nx_span {
	uint32_t tid, depth;
	unsigned n, seen;
	uint64_t hi, own;
	uint64_t call[NX_SCAN_CALLS], ret[NX_SCAN_CALLS];
};

static int on_span_call(void *ctx, const struct hs_db_call *c)
{
	struct nx_span *w = ctx;
	uint64_t ret;

	if (++w->seen > NX_SCAN_SEEN)
		return 1;
	if (c->tid != w->tid || c->depth != w->depth)
		return 0;
	if (w->n == NX_SCAN_CALLS) {
		w->seen = NX_SCAN_SEEN + 1;
		return 1;
	}
	ret = c->t_ret == HS_DB_NO_RETURN || c->t_ret > w->hi ? w->hi : c->t_ret;
	w->call[w->n] = c->t_call;
	w->ret[w->n++] = ret;
	w->own -= ret - c->t_call - 1;
	return 0;
}

/* Whether [lo, hi) is short enough to look at, its calls leapt (w). */
static bool nx_short(struct nx *x, uint64_t lo, uint64_t hi, struct nx_span *w)
{
	*w = (struct nx_span){ .tid = x->tid, .depth = x->depth, .hi = hi, .own = hi - lo };
	if (hi <= lo)
		return false;
	if (hi - lo <= NX_SCAN_MAX)
		return true;    /* the calls in it were 0 deep: ignored */
	return hs_db_calls(x->img, lo, hi - 1, on_span_call, w) >= 0 && w->seen <= NX_SCAN_SEEN &&
	       w->own <= NX_SCAN_MAX;
}

/* gdb's range at lo: the row of the frame's instruction before lo (a
 * call made there: the call's; its return address is often in that row)
 * where that was the frame's own code; one in a copy left it as it was
 * (not known here: none, *rs = *re = 0). */
static void nx_scan_range(struct nx *x, uint64_t lo, uint64_t *rs, uint64_t *re)
{
	struct hs_src_line_info li;
	uint64_t prev, pc;

	*rs = *re = 0;
	if (nx_before(x, lo, &prev) == 0 && (prev == lo - 1 || pc_at(x, prev, &pc) == 0) &&
	    hs_src_line_info(x->s, x->r->regs.rip, &li) == 0 && li.line &&
	    li.inline_frame == li.inline_hidden && li.inline_hidden == x->sf) {
		*rs = li.row_addr;
		*re = li.row_end;
	}
}

/* The range gdb's `next` steps in is kept while the pc runs in copies
 * and comes back (infrun.c looks at the range first: "stepping inside
 * range", even at a copy's first instruction; clang -O1 lays a copy's
 * entry inside the row of the caller's own code that jumps back into the
 * copy's loop).  nx_range_keep: a scan or a start in the frame's own code
 * left [rs, re); nx_range_lost: not known (a stretch not looked at);
 * nx_range_carry: a scan starts in the range kept where nx_scan_range
 * finds none (the instruction before it in a copy). */
static void nx_range_keep(struct nx *x, uint64_t rs, uint64_t re)
{
	x->grs = rs;
	x->gre = re;
}

static int nx_range_lost(struct nx *x)
{
	x->gre = 0;
	return 0;
}

static void nx_range_carry(struct nx *x, uint64_t *rs, uint64_t *re)
{
	if (!*re && x->gre) {
		*rs = x->grs;
		*re = x->gre;
	}
}

/* Whether gdb's `next` is still in the range kept at the line start ls
 * (1: it goes on there, no frame looked at). */
static bool nx_kept_in_range(struct nx *x, const struct hs_db_line_start *ls, uint64_t pc)
{
	return x->gre && ls->depth == x->depth && pc >= x->grs && pc < x->gre;
}

static int nx_scan(struct nx *x, uint64_t lo, uint64_t hi, uint64_t *t)
{
	struct hs_src_line_info li;
	struct nx_span w;
	const char *file = x->file;
	uint32_t line = x->line;
	uint64_t pc, rs, re;
	unsigned k = 0;
	bool own;

	if (!nx_short(x, lo, hi, &w))
		return hi > lo ? nx_range_lost(x) : 0;
	nx_scan_range(x, lo, &rs, &re);
	nx_range_carry(x, &rs, &re);
	for (uint64_t u = lo; u < hi; u++) {
		if (k < w.n && u == w.call[k] + 1) {
			u = w.ret[k++] - 1; /* a call made: on at its return */
			continue;
		}
		if (++x->lookups > NX_LOOKUPS_MAX)
			return nx_range_lost(x);
		if (hs_db_regs_at(x->img, u, 0, x->r) < 0 || x->r->tid != x->tid ||
		    hs_db_backtrace(x->img, u, x->tid, NULL, 0) != (int)x->depth)
			continue;
		pc = x->r->regs.rip;
		if (pc >= rs && pc < re)
			continue; /* gdb looks at no frame there, a copy's entry too */
		if (copy_entry(x, pc)) {
			*t = u;
			return 1;
		}
		if (hs_src_line_info(x->s, pc, &li) != 0 || !li.line)
			continue;
		if (x->sf && !hs_src_inline_holds(x->s, x->sf, pc)) {
			*t = u; /* the copy stepped is left: gdb looks there */
			return 1;
		}
		own = li.inline_frame == li.inline_hidden && li.inline_hidden == x->sf;
		if (own && li.row_start && li.is_stmt &&
		    (li.line != line || !same_file(hs_src_file_name(x->s, li.file_id), file))) {
			*t = u;
			return 1;
		}
		if (!own)
			continue; /* in a copy: gdb's state is kept */
		if (!li.row_start) {
			file = hs_src_file_name(x->s, li.file_id);
			line = li.line;
		}
		rs = li.row_addr;
		re = li.row_end;
	}
	nx_range_keep(x, rs, re);
	if (line != x->line || !same_file(file, x->file)) {
		x->file = file;
		x->line = line;
		x->own_valid = false;
	}
	return 0;
}

/* The next moment from lo on to decide at: a line start of the thread at
 * most x->depth deep (a deeper one is in a call: leapt whole), or an
 * instruction on the way where a copy begins (nx_scan).  -ENOENT: none. */
static int nx_next(struct nx *x, uint64_t lo, struct hs_db_line_start *out)
{
	for (;;) {
		struct first_start f = { .found = false };
		struct hs_db_call c;
		uint64_t end, u;
		bool deeper;
		int err = hs_db_line_starts(x->img, lo, UINT64_MAX, x->tid, on_first, &f);

		if (err < 0)
			return err;
		if (!f.found)
			return -ENOENT;
		deeper = f.ls.depth > x->depth && f.ls.t < x->to;
		if (deeper && (err = call_at(x, f.ls.t, f.ls.depth, &c)) < 0)
			return err;
		end = deeper ? c.t_call + 1 : f.ls.t < x->to ? f.ls.t : x->to;
		if (nx_scan(x, lo, end, &u)) {
			*out = (struct hs_db_line_start){ .t = u, .tid = x->tid,
							  .depth = x->depth };
			return 0;
		}
		if (!deeper) {
			*out = f.ls;
			return 0;
		}
		if (c.t_ret == HS_DB_NO_RETURN)
			return -ENOENT; /* it never returns */
		lo = c.t_ret;
		/* left by longjmp: gdb goes on at its return address */
		if ((err = hs_db_unwound_resume(x->img, &c, x->tid, x->depth, &u)) < 0)
			return err;
		if (err)
			lo = u;
		/* hit in a new frame with the id of the one stepped: the
		 * step goes on in that frame */
		if (err == 2) {
			int open = hs_db_backtrace(x->img, u, x->tid, &c, 1);

			if (open < 0)
				return open;
			x->from = open > 0 ? c.t_call : 0;
			x->to = open > 0 ? c.t_ret : UINT64_MAX;
		}
	}
}

/* The frame returned (or was left) at x->to: gdb goes on in the caller,
 * stepping the line that made the call (as fs/query's next does: the
 * line of the return address's call, not of the row it returns into). */
static int nx_return(struct nx *x)
{
	struct hs_db_call c;
	uint64_t back = x->to, call = x->from;
	int open, err;

	if (x->depth == 0)
		return -ENOENT;
	open = hs_db_backtrace(x->img, back, x->tid, &c, 1);
	if (open < 0)
		return open;
	if ((uint32_t)open >= x->depth)
		return -ENOENT; /* not a return: no answer */
	x->depth = (uint32_t)open;
	x->from = open > 0 ? c.t_call : 0;
	x->to = open > 0 ? c.t_ret : UINT64_MAX;
	x->tail = open > 0 && (c.flags & (HS_DB_CALL_TAIL | HS_DB_CALL_UNWOUND)) == HS_DB_CALL_TAIL;
	err = nx_take(x, call, 0);
	x->last_in = back;
	return err;
}

/* gdb's `next` looks at no frame while the pc stays in its step range
 * (infrun.c: "stepping inside range"), the row it last refreshed at:
 * the one of the copy's last instruction.  An exit of the copy inside
 * that row (code of another copy, or of the caller, moved into it) is
 * seen only where the pc leaves the row.  From the exit at *at, the
 * first moment of the thread before t with its pc out of that row, at
 * the frame's depth (calls leapt), into *at (t when none is); unchanged
 * when it cannot be known.  Always 0. */
static int nx_range_exit(struct nx *x, uint64_t t, uint64_t *at)
{
	struct hs_src_line_info li;
	struct hs_db_call c;
	uint64_t prev, pc, rs, re, u = *at;
	int d;

	if (nx_before(x, *at, &prev) < 0 || pc_at(x, prev, &pc) < 0 ||
	    hs_src_line_info(x->s, pc, &li) != 0 || !li.line)
		return 0;
	rs = li.row_addr;
	re = li.row_end;
	for (unsigned k = 0; u < t && k < NX_SCAN_MAX; k++) {
		if (++x->lookups > NX_LOOKUPS_MAX || hs_db_regs_at(x->img, u, 0, x->r) < 0)
			return 0;
		if (x->r->tid != x->tid) {
			u++;
			continue;
		}
		pc = x->r->regs.rip;
		d = hs_db_backtrace(x->img, u, x->tid, NULL, 0);
		if (d > (int)x->depth) { /* a call made in the range: to its return */
			if (call_at(x, u, (uint32_t)d, &c) < 0 || c.t_ret == HS_DB_NO_RETURN ||
			    c.t_ret <= u)
				return 0;
			u = c.t_ret;
			continue;
		}
		if (d != (int)x->depth || pc < rs || pc >= re) {
			*at = u;
			return 0;
		}
		u++;
	}
	if (u >= t)
		*at = t;
	return 0;
}

/* Out of the inlined frame stepped: where it was left, gdb took the
 * caller as the frame, with that row's line (its middle) or none (the
 * start of a row that is no statement).  1 when the state changed (the
 * start at t is to be decided again), 0 when t itself is where the frame
 * was left and gdb stops there, 3: a stop where it was left, before t
 * (x->stop_at), 4: left at t, no stop there (the state taken). */
static int nx_left(struct nx *x, uint64_t t)
{
	struct hs_src_line_info li;
	uint64_t at, pc;

	if (!x->sf || tree_src_inline_exit(x->img, x->s, x->sf, x->last_in, x->tid,
					    (int)x->depth, &at) != 0 || at > t ||
	    nx_range_exit(x, t, &at) != 0 || at > t)
		return 0;
	/* where the pc leaves the range it looks: the start of a statement
	 * row of another line is a stop ("stepped to a different line") */
	if (pc_at(x, at, &pc) < 0)
		return 0;
	if (hs_src_line_info(x->s, pc, &li) == 0 && li.line && li.row_start && li.is_stmt &&
	    !same_line(x, hs_src_file_name(x->s, li.file_id), li.line)) {
		x->stop_at = at;
		return at == t ? 0 : 3;
	}
	if (nx_take(x, at, 0) < 0)
		return 0;
	/* gdb's refresh takes the row's line (find_pc_line), not the frame's
	 * (a copy's call site where one starts there, hidden) */
	if (hs_src_line_info(x->s, pc, &li) == 0 && li.row_start && !li.is_stmt) {
		x->line = 0;
	} else if (li.line) {
		x->file = hs_src_file_name(x->s, li.file_id);
		x->line = li.line;
	}
	return at == t ? 4 : 1;
}

/* Whether the thread ran only in the first step range, in the frame, from
 * x->t0 to t (a line start in that range is no stop: gdb's `next` goes on
 * while the pc is in its range, a copy's entry there too; so a later row
 * of the same line that starts a copy after a finish out of another).
 * Checked over a few instructions only: a longer run is taken as left. */
#define NX_RANGE_RUN 16

static bool nx_in_range(struct nx *x, uint64_t t)
{
	uint64_t pc;

	if (!x->re || t - x->t0 > NX_RANGE_RUN)
		return false;
	for (uint64_t u = x->t0 + 1; u < t; u++)
		if (hs_db_backtrace(x->img, u, x->tid, NULL, 0) != (int)x->depth ||
		    pc_at(x, u, &pc) < 0 || pc < x->rs || pc >= x->re)
			return false;
	return true;
}

/* Whether gdb's next stops at the line start ls; 1 yes, 0 no, 2: decide
 * again (the state changed), 3: it stopped before, at x->stop_at. */
static int nx_decide(struct nx *x, const struct hs_db_line_start *ls)
{
	struct hs_src_line_info li;
	const char *file;
	uint64_t pc, fr;
	uint32_t line;
	int err, k;

	if (x->own_valid && ls->line && ls->file_id == x->own_file && ls->line == x->own_line) {
		x->last_in = ls->t;
		nx_range_lost(x); /* its row, not looked up */
		return 0;       /* the line stepped again, in the frame's own code */
	}
	if ((err = pc_at(x, ls->t, &pc)) < 0)
		return err;
	if (hs_src_line_info(x->s, pc, &li) != 0)
		return 1;
	if (ls->depth == x->depth && pc >= x->rs && pc < x->re && nx_in_range(x, ls->t)) {
		x->last_in = ls->t;
		return 0;
	}
	if (nx_kept_in_range(x, ls, pc)) {
		x->last_in = ls->t;
		return 0;
	}
	x->re = 0;
	if (li.inline_hidden == x->sf) {
		/* a copy's entry called from the frame, or its own code */
		shown_at(x->s, pc, 0, &fr, &file, &line);
		x->last_in = ls->t;
		if (!same_line(x, file, line))
			return 1;
		if (li.inline_frame == li.inline_hidden && li.line)
			nx_range_keep(x, li.row_addr, li.row_end); /* gdb's refresh */
		if (li.inline_frame == li.inline_hidden && ls->line) {
			x->own_valid = true;
			x->own_file = ls->file_id;
			x->own_line = ls->line;
		}
		return 0;
	}
	/* inside a copy called from the frame: the frame shown is one in it
	 * (a later range of the frame's own copy whose start is hidden, the
	 * copy left and entered again, shows the caller: left) */
	if (!x->sf || hs_src_inline_within(x->s, li.inline_hidden, x->sf)) {
		x->last_in = ls->t;
		return 0;
	}
	k = nx_left(x, ls->t);
	return k == 3 ? 3 : k == 4 ? 0 : k ? 2 : 1;
}

/* gdb's next at the return to the caller at t, where it lands at the
 * start of a row: 0, a stop (a statement of another line; the middle of
 * a row, as before); 1, none: a row that is no statement, of another
 * line (no line kept); 2, none: a row of the line stepped (its line
 * kept, the caller's now), into *line and *file. */
static int nx_ret_rule(struct nx *x, uint64_t t, uint32_t *line, const char **file)
{
	struct hs_src_line_info li;
	uint64_t pc;

	if (pc_at(x, t, &pc) < 0 || hs_src_line_info(x->s, pc, &li) != 0 || !li.line ||
	    !li.row_start)
		return 0;
	*line = li.line;
	*file = hs_src_file_name(x->s, li.file_id);
	if (same_line(x, *file, li.line))
		return 2;
	return li.is_stmt ? 0 : 1;
}

/* gdb's next from t in view `view`; with no_line, stepping no line (a
 * finish out of a copy left at the start of a row that is no statement:
 * gdb keeps the empty line its finish began with). */
static int next_from(const struct hs_db_image *img, struct hs_src *s, uint64_t t, uint32_t view,
		     bool no_line, uint64_t *t_out)
{
	struct nx x;
	struct hs_db_line_start ls;
	struct hs_src_line_info li;
	uint64_t lo = t + 1, pc;
	int err = nx_init(&x, img, s, t, view);

	if (err < 0)
		goto out;
	if (no_line) {
		x.line = 0;     /* and no range */
	} else if (pc_at(&x, t, &pc) == 0 && hs_src_line_info(s, pc, &li) == 0 && li.line) {
		x.t0 = t;
		x.rs = li.row_addr;
		x.re = li.row_end;
	}
	for (;;) {
		if ((err = nx_next(&x, lo, &ls)) < 0)
			break;
		if (ls.t >= x.to) {
			uint64_t back = x.to;
			const char *rfile = NULL;
			uint32_t rline = 0;
			int rule;

			/* left by a tail jump into code without lines (a PLT
			 * stub): gdb's next stops there (db_lines.c tail_left) */
			if (x.tail && pc_at(&x, back, &pc) == 0 && !hs_src_step_stops(s, pc)) {
				ls.t = back;
				break;
			}
			rule = nx_ret_rule(&x, back, &rline, &rfile);

			/* a start right where it returns: a stop, unless it
			 * starts a row that is no statement (infrun.c:
			 * "stepped to a different frame, but it's not the
			 * start of a statement": no line, going on past it)
			 * or a row of the line stepped */
			if (ls.t == back && !rule)
				break;
			if ((err = nx_return(&x)) < 0)
				break;
			if (rule) {
				x.line = rule == 2 ? rline : 0;
				x.file = rule == 2 ? rfile : x.file;
				lo = back + 1;
			}
			continue;       /* the same start, in the caller */
		}
		do
			err = nx_decide(&x, &ls);
		while (err == 2);
		if (err == 3) { /* a stop where the copy was left, before ls */
			ls.t = x.stop_at;
			err = 1;
		}
		if (err != 0)
			break;
		lo = ls.t + 1;
	}
	if (err >= 0) {
		*t_out = ls.t;
		err = 0;
	}
out:
	free(x.r);
	return err;
}

int tree_src_next_inline(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
			 uint32_t view, uint64_t *t_out)
{
	return next_from(img, s, t, view, false, t_out);
}

/* ---- step-into where code was inlined -------------------------------------------------
 * The line starts are gdb's `step` run over the whole thread by the line
 * pass, which knows one state per moment: it stops where a copy starts
 * when the frame shown there is the one it was stepping in ("stepped
 * into inlined function").  gdb's `step` also stops where the frame shown
 * is an inlined frame inside the one it was stepping in, not at the
 * copy's entry ("stepping through inlined function": a copy's later
 * range, or a copy inside another entered at the other's entry), and
 * from a moment the line pass did not stop at (one `next` stopped at, or
 * any other) the state is the stop's, not the pass's.  So in a function
 * with inlined copies, and from a moment that is no line start in any
 * function (where `finish` returned: the middle of a row, whose line gdb
 * steps, not the line of the call), the step is run here from the stop
 * at t (the copies starting there entered, as gdb's next `step` enters
 * them without running), one instruction at a time (builder/db/dbb_lines.c
 * st_insn's rule with that one added), over a short stretch of the same
 * frame; at a call, a return or past the stretch the line starts answer
 * from there. */
struct sx {
	struct hs_src *src;
	uint32_t file, line;    /* line 0: none */
	uint64_t rs, re, fr;
};

/* 1: gdb's step stops at pc; 0: it goes on (the state updated). */
static int sx_insn(struct sx *s, uint64_t pc, const struct hs_src_line_info *li)
{
	bool differ;

	if (pc >= s->rs && pc < s->re)
		return 0;
	if (li->inline_hidden != li->inline_frame && li->inline_hidden == s->fr)
		return 1;       /* stepped into inlined function */
	/* gdb's stepped_in_from: the frame shown is inside the one stepped
	 * (not the copy that frame starts again in, hidden: cinl.h's sq
	 * after its other call's code, where mix shows) */
	if (li->inline_hidden && li->inline_hidden != s->fr &&
	    (!s->fr || hs_src_inline_within(s->src, li->inline_hidden, s->fr)))
		return 1;       /* stepping through inlined function */
	differ = s->file != li->file_id || s->line != li->line;
	if (li->row_start && differ && li->is_stmt)
		return 1;
	if (!li->row_start) {
		s->file = li->file_id;
		s->line = li->line;
	} else if (differ && li->inline_hidden != s->fr) {
		s->line = 0;
	}
	s->rs = li->row_addr;
	s->re = li->row_end;
	s->fr = li->inline_hidden;
	return 0;
}

static int on_start(void *ctx, const struct hs_db_line_start *ls)
{
	(void)ls;
	*(bool *)ctx = true;
	return 1;
}

/* Whether the line pass stopped at t (its state there is the stop's). */
static bool line_start_at(const struct hs_db_image *img, uint64_t t, uint32_t tid)
{
	bool found = false;

	return hs_db_line_starts(img, t, t, tid, on_start, &found) < 0 || found;
}

/* A step from the last instructions of a function returns into its
 * caller: where the return lands at the first instruction of inlined
 * copies (hidden: gdb's frame there is the caller's own) in the start of
 * a row that is no statement, gdb forgets its line ("stepped to a
 * different frame, but it's not the start of a statement") and takes
 * that frame; the next instruction inside the copy shows the copy, an
 * inlined frame within the one stepped: a stop ("stepping through
 * inlined function"), which the line starts, whose state at the return
 * is the copy's, do not have.  1 and *ret (the return's t) when the
 * innermost call at t returns within a short stretch into a function
 * with inlined copies, where gdb's step stops. */
static bool returns_into_copies(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
				uint32_t tid, struct hs_db_regs *r, uint64_t *ret)
{
	struct hs_db_call c;

	if (hs_db_backtrace(img, t, tid, &c, 1) < 1 || c.t_ret == HS_DB_NO_RETURN ||
	    (c.flags & (HS_DB_CALL_SIGNAL | HS_DB_CALL_UNWOUND | HS_DB_CALL_TAIL)) ||
	    c.t_ret <= t || c.t_ret - t > NX_SCAN_MAX || hs_db_regs_at(img, c.t_ret, tid, r) < 0 ||
	    !hs_src_step_stops(s, r->regs.rip) || !hs_src_inline_in_function(s, r->regs.rip))
		return false;
	*ret = c.t_ret;
	return true;
}

/* gdb's state where a step returns into the caller at pc (li): 1, a stop
 * there (the start of a statement row of another line); 0, the state
 * refreshed (the row's line in its middle, none at the start of a row
 * that is no statement; the frame shown there). */
static int sx_return(struct sx *st, uint64_t pc, const struct hs_src_line_info *li)
{
	bool differ = st->file != li->file_id || st->line != li->line;

	if (li->row_start && pc == li->row_addr && differ && li->is_stmt)
		return 1;
	*st = (struct sx){ st->src, li->file_id, li->row_start && differ ? 0 : li->line,
			   li->row_addr, li->row_end, li->inline_hidden };
	return 0;
}

/* A call that a step over inlined code at u - 1 (thread tid, depth open
 * calls) makes and that gdb's step runs to its return (a function
 * without line info outside the dynamic linker: its step-resume
 * breakpoint at the return address;
 * no signal gdb stops on came in between): the moment it returns, where
 * gdb's tests go on (a return into the middle of a copy within the frame
 * stepped is "stepping through inlined function", a stop); 0 for any
 * other. */
static uint64_t step_over_call(const struct hs_db_image *img, struct hs_src *s, uint64_t u,
			       uint32_t tid, int depth)
{
	struct hs_src_loc loc;
	struct hs_db_call c;
	uint64_t sig, to;

	if (hs_db_backtrace(img, u, tid, &c, 1) != depth + 1 || c.t_call != u - 1 ||
	    c.t_ret == HS_DB_NO_RETURN || c.t_ret <= u ||
	    (c.flags & (HS_DB_CALL_SIGNAL | HS_DB_CALL_UNWOUND | HS_DB_CALL_TAIL)))
		return 0;
	/* the dynamic linker's code has lines gdb's step single-steps
	 * through (fs/tree/tree_src_links.c, dl_enters): not run over here */
	to = tree_src_reached(img, s, c.callee);
	if (hs_src_step_stops(s, to) || hs_src_ifunc_resolver(s, to) ||
	    (hs_src_lookup(s, to, &loc) == 0 && loc.module &&
	     hs_src_dynamic_linker(loc.module->path)))
		return 0;
	sig = c.t_ret;
	if (hs_tree_step_signal_stop(img, c.t_call, &sig) != 0 || sig != c.t_ret)
		return 0;
	return c.t_ret;
}

int tree_src_step_inline(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
			 uint64_t *t_from)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	struct hs_src_line_info li;
	uint64_t ret = 0, back;
	struct sx st;
	uint32_t tid;
	int depth, d, err = 0;

	*t_from = t;
	if (!r)
		return -ENOMEM;
	if (hs_db_regs_at(img, t, 0, r) < 0 || !hs_src_step_stops(s, r->regs.rip) ||
	    hs_src_line_info(s, r->regs.rip, &li) != 0 || !li.line)
		goto out;       /* the line starts answer */
	tid = r->tid;
	st = (struct sx){ s, li.file_id, li.line, li.row_addr, li.row_end, li.inline_frame };
	if (!hs_src_inline_in_function(s, r->regs.rip) && line_start_at(img, t, tid) &&
	    !returns_into_copies(img, s, t, tid, r, &ret))
		goto out;       /* the line starts answer */
	depth = hs_db_backtrace(img, t, tid, NULL, 0);
	for (uint64_t u = t + 1, k = 0; k < NX_SCAN_MAX; u++, k++) {
		if (hs_db_regs_at(img, u, 0, r) < 0)
			break;
		if (r->tid != tid)
			continue;
		d = hs_db_backtrace(img, u, tid, NULL, 0);
		if (d == depth + 1 && !ret && (back = step_over_call(img, s, u, tid, depth))) {
			u = back - 1; /* on at its return */
			continue;
		}
		if (u == ret && d == depth - 1 && hs_src_line_info(s, r->regs.rip, &li) == 0 &&
		    li.line) {
			depth = d;      /* returned into the copies' caller */
			if (sx_return(&st, r->regs.rip, &li)) {
				*t_from = u;
				err = 1;
				break;
			}
			continue;
		}
		if (d != depth || hs_src_line_info(s, r->regs.rip, &li) != 0 || !li.line) {
			*t_from = u - 1; /* a call or a return: from just before */
			break;
		}
		if (sx_insn(&st, r->regs.rip, &li)) {
			*t_from = u;
			err = 1;
			break;
		}
		*t_from = u;
	}
	if (ret && err != 1)
		*t_from = t;    /* no stop found: the line starts answer from t */
out:
	free(r);
	return err;
}

/* ---- the view a step stops in ---------------------------------------------------------
 * gdb's `step` that arrives at the first instruction of inlined copies
 * in the frame it was stepping ("stepped into inlined function") enters
 * the outermost one at once when the call site is on the line it was
 * stepping (infrun.c: step_into_inline_frame), and stops showing it: view
 * 1 of the moment.  What gdb's line and frame are at that point is its
 * step state (sx) run from the stop it began at, calls leapt, a return
 * taken as gdb takes it (the row it returns into, its line); the run is
 * short (SV_MAX lookups), past it the moment itself (view 0) answers. */
#define SV_MAX 256

/* Runs the step state from t0 to t (exclusive) in the thread's frame at
 * depth; 0, or 1 when it cannot be known (too long, another depth, or
 * gdb would have stopped before t).  A call made on the way was run to
 * its return (a step-resume breakpoint there): gdb's tests go on at the
 * return address (sx_insn); the frame of t0 returning (opened before
 * t0) is a new frame there (sx_return: at the start of a row that is no
 * statement gdb keeps no line). */
static int sv_run(const struct hs_db_image *img, struct hs_src *s, struct sx *st, uint64_t t0,
		  uint64_t t, uint32_t tid, int depth, struct hs_db_regs *r)
{
	struct hs_src_line_info li;
	struct hs_db_call c;
	bool back = hs_db_backtrace(img, t0, tid, NULL, 0) > depth;
	int d, n = 0;

	for (uint64_t u = t0 + 1; u < t; u++) {
		if (++n > SV_MAX || hs_db_regs_at(img, u, 0, r) < 0)
			return 1;
		if (r->tid != tid)
			continue;
		d = hs_db_backtrace(img, u, tid, NULL, 0);
		if (d < depth)
			return 1;
		if (d > depth) { /* in a call: to its return */
			struct hs_db_call *fr = calloc((size_t)d, sizeof(*fr));
			int got = fr ? hs_db_backtrace(img, u, tid, fr, (size_t)d) : -ENOMEM;

			if (got == d)
				c = fr[d - depth - 1];
			free(fr);
			if (got != d || c.t_ret == HS_DB_NO_RETURN || c.t_ret <= u)
				return 1;
			u = c.t_ret - 1;
			back = c.t_call <= t0;
			continue;
		}
		if (hs_src_line_info(s, r->regs.rip, &li) != 0 || !li.line)
			return 1;
		if (back ? sx_return(st, r->regs.rip, &li) : sx_insn(st, r->regs.rip, &li))
			return 1; /* gdb would have stopped before */
		back = false;
	}
	return 0;
}

int tree_src_step_view(const struct hs_db_image *img, struct hs_src *s, uint64_t t0,
		       uint64_t t, uint32_t *view)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	struct hs_src_inline in[NX_INL_MAX];
	struct hs_src_line_info li, li0;
	struct sx st;
	uint32_t tid;
	unsigned h;
	int depth, err = 0;

	*view = 0;
	if (!r)
		return -ENOMEM;
	if (t <= t0 || hs_db_regs_at(img, t, 0, r) < 0 ||
	    !(h = tree_src_hidden(s, r->regs.rip)) || hs_src_line_info(s, r->regs.rip, &li) != 0 ||
	    hs_src_inline_frames(s, r->regs.rip, in, NX_INL_MAX) < (int)h)
		goto out;
	tid = r->tid;
	depth = hs_db_backtrace(img, t, tid, NULL, 0);
	/* from a deeper frame (returned) or the same one; a step that
	 * entered a function stops in it without entering copies */
	if (depth < 0 || hs_db_regs_at(img, t0, 0, r) < 0 || r->tid != tid ||
	    hs_db_backtrace(img, t0, tid, NULL, 0) < depth ||
	    hs_src_line_info(s, r->regs.rip, &li0) != 0 || !li0.line)
		goto out;
	st = (struct sx){ s, li0.file_id, li0.line, li0.row_addr, li0.row_end, li0.inline_frame };
	if (hs_db_backtrace(img, t0, tid, NULL, 0) > depth)
		st.line = 0; /* a new frame where it returns (sv_run) */
	if (sv_run(img, s, &st, t0, t, tid, depth, r) != 0)
		goto out;
	if (st.line && li.inline_hidden == st.fr && in[h - 1].call_line == st.line &&
	    same_file(in[h - 1].call_file, hs_src_file_name(s, st.file)))
		*view = 1;
out:
	free(r);
	return err;
}

/* ---- reverse-step through inlined code -----------------------------------------------
 * gdb's `reverse-step` runs its step state backward (infrun.c, the same
 * tests): a pc in the range, in the frame stepped, goes on (its start is
 * a stop); a frame shown there that is a copy inside the frame stepped
 * ("stepping through inlined function") is a stop at once, in the middle
 * of a row; a row entered in its middle (from the end) becomes the range,
 * its start a stop, unless it is the function's entry (gdb goes back
 * on to the call).  Where this run decides (a stop, or the entry with no
 * stop) it is the answer: the line starts are the forward step's, whose
 * state differs (a copy's entry is a stop of `step`, not of reverse-step
 * coming out of the copy); where it cannot (a call, a return, a long
 * stretch), the line starts answer. */

/* 0: gdb goes on (the state updated), 1: another stop, 2: a stop inside
 * a copy within the frame stepped, 3: at the start of the range (a row
 * entered in its middle going back: gdb's range then), 4: at copies that
 * start there, called from the frame stepped ("stepped into inlined
 * function"). */
static int sx_back_insn(struct sx *s, uint64_t pc, const struct hs_src_line_info *li)
{
	bool differ;

	if (pc >= s->rs && pc < s->re && li->inline_hidden == s->fr)
		return pc == s->rs ? 3 : 0;
	if (li->inline_hidden != li->inline_frame && li->inline_hidden == s->fr)
		return 4;
	if (li->inline_hidden && li->inline_hidden != s->fr &&
	    (!s->fr || hs_src_inline_within(s->src, li->inline_hidden, s->fr)))
		return 2;
	differ = s->file != li->file_id || s->line != li->line;
	if (li->row_start && differ) {
		if (li->is_stmt)
			return 1;       /* stepped to a different line */
		if (li->inline_hidden == s->fr) {
			s->rs = li->row_addr; /* no statement: the line kept, */
			s->re = li->row_end;  /* the range is the row's */
			return 0;
		}
	}
	s->file = li->file_id;  /* a row's middle, or another frame */
	s->line = li->row_start && differ ? 0 : li->line;
	s->rs = li->row_addr;
	s->re = li->row_end;
	s->fr = li->inline_hidden;
	return 0;
}

/* The view of a reverse-step's stop at copies starting at pc, called from
 * the frame stepped: gdb enters the outermost (step_into_inline_frame)
 * where its call site is the line it was stepping, as its `step` does. */
static uint32_t sb_view(struct hs_src *s, const struct sx *st, uint64_t pc)
{
	struct hs_src_inline in[NX_INL_MAX];
	unsigned h = tree_src_hidden(s, pc);

	return h && st->line && hs_src_inline_frames(s, pc, in, NX_INL_MAX) >= (int)h &&
	       in[h - 1].call_line == st->line &&
	       same_file(in[h - 1].call_file, hs_src_file_name(s, st->file));
}

/* Runs gdb's reverse-step state st back from t (exclusive) in the
 * thread's frame at depth: where it decides, into *t_io (and its view
 * into *view).  0; 1 at the function's entry with no stop (gdb goes back
 * on to the call); 2 where a call made from the frame returned (*t_io:
 * its last instruction; gdb enters it where its step would). */
static int sb_scan(const struct hs_db_image *img, struct hs_src *s, struct sx *st, uint64_t t,
		   uint32_t tid, int depth, struct hs_db_regs *r, uint64_t *t_io, uint32_t *view)
{
	struct hs_src_line_info li;
	struct hs_src_loc loc;
	int k;

	for (uint64_t u = t - 1; u > 0 && u + SV_MAX > t; u--) {
		if (hs_db_regs_at(img, u, 0, r) < 0)
			break;
		if (r->tid != tid)
			continue;
		k = hs_db_backtrace(img, u, tid, NULL, 0);
		if (k > depth) { /* a call returned there */
			*t_io = u;
			return 2;
		}
		if (k != depth || hs_src_line_info(s, r->regs.rip, &li) != 0 || !li.line)
			break;
		k = sx_back_insn(st, r->regs.rip, &li);
		if ((k == 0 || k == 3) && hs_src_lookup(s, r->regs.rip, &loc) == 0 &&
		    loc.function && loc.func_start == r->regs.rip) {
			/* at the entry with no stop: gdb goes back on to
			 * the caller (its range's start is no stop there) */
			*t_io = u;
			return 1;
		}
		if (k) {
			*t_io = u;
			*view = k == 4 ? sb_view(s, st, r->regs.rip) : 0;
			break;
		}
	}
	return 0;
}

int tree_src_step_back_inline(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
			      uint32_t view, uint64_t *t_io, uint32_t *view_out)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	struct hs_src_line_info li;
	const char *file;
	struct sx st;
	uint64_t fr;
	uint32_t line;
	int ret = 0;

	if (!r)
		return -ENOMEM;
	if (*t_io >= t || hs_db_regs_at(img, t, 0, r) < 0 || !hs_src_step_stops(s, r->regs.rip) ||
	    hs_src_line_info(s, r->regs.rip, &li) != 0 || !li.line)
		goto out;
	shown_at(s, r->regs.rip, view, &fr, &file, &line);
	st = (struct sx){ s, li.file_id, line, li.row_addr, li.row_end, fr };
	ret = sb_scan(img, s, &st, t, r->tid, hs_db_backtrace(img, t, r->tid, NULL, 0), r, t_io,
		      view_out);
out:
	free(r);
	return ret;
}

int tree_src_step_back_caller(const struct hs_db_image *img, struct hs_src *s, uint64_t tc,
			      uint64_t *t_io, uint32_t *view)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	struct hs_src_line_info li;
	uint64_t t = *t_io;
	uint32_t v = 0;
	struct sx st;
	int ret = 0;

	if (!r)
		return -ENOMEM;
	/* a statement row starting at the call: the stop is there */
	if (*t_io > tc || hs_db_regs_at(img, tc, 0, r) < 0 || !hs_src_step_stops(s, r->regs.rip) ||
	    hs_src_line_info(s, r->regs.rip, &li) != 0 || !li.line || (li.row_start && li.is_stmt))
		goto out;
	/* the frame changed: at a row's start that is no statement gdb
	 * keeps no line (infrun.c: "stepped to a different frame, but it's
	 * not the start of a statement"), in its middle the row's */
	st = (struct sx){ s, li.file_id, li.row_start ? 0 : li.line, li.row_addr, li.row_end,
			  li.inline_hidden };
	ret = sb_scan(img, s, &st, tc, r->tid, hs_db_backtrace(img, tc, r->tid, NULL, 0), r, &t,
		      &v);
	if (ret != 1) {
		*t_io = t;      /* (1: the caller's entry, not followed further) */
		*view = v;
	}
out:
	free(r);
	return ret == 2 ? 2 : 0;
}

/* ---- finish out of an inlined frame ---------------------------------------------------
 * gdb's finish in an inline frame (infrun.c, finish_command) is no
 * return: it steps as `next` does in the caller, with no line and no
 * range, so it runs out of the copy and stops at the first statement
 * row there, at a copy called from the caller that begins there, or, at
 * a row's middle, takes that row's line and goes on as `next` from it;
 * at the start of a row that is no statement (the frame it steps, the
 * caller, unchanged) it keeps no line and goes on (no value is printed:
 * none is known). */
int tree_src_finish_inline(const struct hs_db_image *img, struct hs_src *s, int depth,
			   uint64_t *t)
{
	struct hs_src_line_info li;
	struct hs_db_regs *r = malloc(sizeof(*r));
	int err, now;

	if (!r)
		return -ENOMEM;
	err = hs_db_regs_at(img, *t, 0, r);
	now = err < 0 ? -1 : hs_db_backtrace(img, *t, r->tid, NULL, 0);
	if (err < 0 || now != depth || hs_src_line_info(s, r->regs.rip, &li) != 0 ||
	    !li.line || (li.row_start && li.is_stmt) || li.inline_frame != li.inline_hidden)
		goto out;       /* a stop there (or out of the function) */
	err = next_from(img, s, *t, 0, li.row_start, t);
	if (err == -E2BIG)
		err = 0;        /* too long a walk: the copy's exit */
out:
	free(r);
	return err < 0 ? err : 0;
}

/* ---- prev-line where code was inlined ---------------------------------------------------
 * gdb's reverse-next steps back over inlined calls as `next` steps over
 * them and stops where a forward `next` would have stopped: at the first
 * start of the line before (in the frame's own code), or at a copy's
 * first instruction shown as its call site.  fs/query's
 * HS_DB_STEP_BACK_OVER stops inside copies instead.  So the line starts
 * are walked back to two changes of line in the frame (the start of the
 * line before the line before), and `next` is run forward from there:
 * its last stop before t is the answer. */
#define PX_MAX 4096
#define PX_NEXTS 64             /* next-lines run forward, at most */

/* The latest line start before t at most x->depth deep (a deeper one is
 * in a call: leapt back over to the call): *p.  -ENOENT: none. */
static int px_prev(struct nx *x, uint64_t t, uint64_t *p)
{
	struct hs_db_call c;
	int depth, err;

	for (int k = 0; k < PX_MAX; k++) {
		if ((err = hs_db_step_line(x->img, t, HS_DB_STEP_BACK_INTO, p)) < 0)
			return err;
		depth = hs_db_backtrace(x->img, *p, x->tid, NULL, 0);
		if (depth < 0)
			return depth;
		if ((uint32_t)depth <= x->depth)
			return 0;
		if ((err = call_at(x, *p, (uint32_t)depth, &c)) < 0)
			return err;
		t = c.t_call + 1;
	}
	return -ENOENT;
}

/* Back from t to the latest start in the frame's own code or at a copy
 * called from it whose line (the call site's) is not x's line: *p, and
 * x's line becomes that one.  1 when the frame has none (or it was left). */
static int px_change(struct nx *x, uint64_t t, uint64_t *p)
{
	struct hs_src_line_info li;
	const char *file;
	uint64_t pc, fr;
	uint32_t line;
	int err, depth;

	for (int k = 0; k < PX_MAX; k++) {
		if ((err = px_prev(x, t, p)) < 0)
			return err == -ENOENT ? 1 : err;
		depth = hs_db_backtrace(x->img, *p, x->tid, NULL, 0);
		if (depth < 0 || (uint32_t)depth != x->depth || *p <= x->from)
			return 1;
		if ((err = pc_at(x, *p, &pc)) < 0)
			return err;
		t = *p;
		if (hs_src_line_info(x->s, pc, &li) != 0 || li.inline_hidden != x->sf)
			continue;       /* inside a copy */
		shown_at(x->s, pc, 0, &fr, &file, &line);
		if (!same_line(x, file, line)) {
			x->file = file;
			x->line = line;
			return 0;
		}
	}
	return 1;
}

int tree_src_prev_inline(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
			 uint32_t view, uint64_t *t_out)
{
	struct nx x;
	uint64_t u, v;
	int err = nx_init(&x, img, s, t, view);

	if (err < 0)
		goto out;
	/* two changes of line back: the line before the line before */
	err = px_change(&x, t, &u);
	if (err == 0)
		err = px_change(&x, u, &u);
	if (err != 0) {
		err = err < 0 ? err : hs_db_step_line(img, t, HS_DB_STEP_BACK_OVER, t_out);
		goto out;
	}
	for (int k = 0; k < PX_NEXTS && err == 0; k++) {
		if ((err = tree_src_next_inline(img, s, u, 0, &v)) < 0 || v >= t)
			break;
		u = v;
		err = k + 1 < PX_NEXTS ? 0 : -E2BIG;
	}
	if (err == -ENOENT || err >= 0) {
		*t_out = u;
		err = 0;
	}
out:
	free(x.r);
	return err;
}

/* ---- next out of a frame without inlined copies ----------------------------------
 * fs/query's next (hs_db_step_line_filtered, f->ret_line): where the frame
 * returns into the middle of a caller's row before the next stop, gdb's
 * `next` goes on there with that row's line (infrun.c: the frame changed,
 * and a pc in a row's middle refreshes the step info), not with the line
 * that made the call.  At -O2 the call is often in a non-statement row of
 * another line (`x = g(f(a))`'s row of the line after): gdb stops at the
 * next statement row of the line stepped before the call, which fs/query's
 * own rule would go past. */

static int line_at(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
		   struct hs_src_line_info *li)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	uint32_t tid;
	int err = r ? hs_db_thread_at(img, t, &tid) : -ENOMEM;

	if (err == 0)
		err = hs_db_regs_at(img, t, tid, r);
	if (err == 0)
		err = hs_src_line_info(s, r->regs.rip, li);
	free(r);
	return err;
}

int tree_src_next_ret_line(void *ctx, uint64_t t_ret, uint64_t t)
{
	struct hs_tree_step_ctx *sc = ctx;
	struct hs_src_line_info ret, at;

	if (!sc->s || line_at(sc->img, sc->s, t_ret, &ret) || !ret.line)
		return -1;
	if (ret.row_start)
		/* a statement row there started a line (no start at t_ret:
		 * the same line, fs/query's rule); no statement: gdb forgets
		 * its line (frame changed) and stops at the next start */
		return ret.is_stmt ? -1 : 0;
	if (line_at(sc->img, sc->s, t, &at) || !at.line)
		return -1;
	return at.file_id == ret.file_id && at.line == ret.line;
}
