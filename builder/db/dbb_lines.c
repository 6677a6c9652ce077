/* dbb_lines.c - line starts: the per-shard pass over the instructions, and
 * the merge's resolution of what a shard could not know.
 *
 * Design notes.
 *
 * The rule (db_format.h, LINES) is a state machine per thread, gdb's
 * `step` (st_insn below): the state is the thread's current line, its step
 * range (the last row taken) and whether the frame changed since (a call,
 * a return, a jump into another function: jump_frame).  A
 * shard starts with every thread's state unknown.  It becomes known at a
 * call, a prologue row, the thread's exit, a statement row start, or a
 * mid-row instruction outside a range the shard knows.  Until then the
 * shard writes what depends on the unknown state as ops (flag LS_COND:
 * an instruction with its row, or a return), and the known states its
 * threads end with (lfinal.sp); the merge walks the shards in order,
 * keeping every thread's full state, replays each op on it and keeps the
 * line starts the replay makes.  So the result is that of one pass over
 * the whole trace, whatever the shards.
 *
 * Files of one shard's line pass, in LINES/<s>/:
 *   lines.sp    { u64 t, u32 tid, u32 lfile, u32 line, u32 flags, u64 pc,
 *               u64 row_addr, u64 row_end, u64 inline frame, u64 inline
 *               hidden (hs_src_line_info) } by t; lfile: index into
 *               lfiles.sp; flags 0: a line start, else LS_* (an op; LS_RET
 *               and LS_FCHG: no row)
 *   lfiles.sp   { u32 len, path[len] } for lfile 0, 1, ...
 *   lfinal.sp   { u32 tid, u32 lfile (LS_NONE: no line), u32 line,
 *               u32 frame changed | LN_* << 1 | FIN_LINED_ONLY | FIN_ENTRY, u64 range
 *               start, u64 range end, u64 inline frame stepped in }:
 *               threads whose state the shard knows at its end (with
 *               FIN_LINED_ONLY: whose last event alone it knows)
 *
 * The pass runs only for images with a module that has DWARF lines, and
 * only instructions inside such modules are looked up (a small cache per
 * shard in front of fs/source, whose own cache is locked).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hindsight/source.h"
#include "dbb_i.h"

#define LS_COND 0x1u      /* lines.sp: an op the merge replays (state unknown) */
#define LS_RET 0x2u       /* ... a return, not an instruction */
#define LS_STMT 0x4u      /* ... the instruction's row is a statement */
#define LS_INPRO 0x8u     /* ... inside a prologue row, past its start */
#define LS_PRO 0x10u      /* ... at a function's entry, called or jumped to? */
#define LS_BP 0x20u       /* ... a hit of gdb's `break FILE:LINE`, not an op */
#define LS_FCHG 0x40u     /* ... a jump into another function (no row) */
#define LS_NONE UINT32_MAX
#define LREC 64           /* lines.sp record */
#define FREC 40           /* lfinal.sp record */
#define FIN_LINED_ONLY 0x8u
#define FIN_ENTRY 0x10u
#define CACHE_BITS 16
/* breakpoint locations at one address (centry), and statement rows of
 * other lines looked at there: -O2 C++ starts many nested inlined copies
 * at one address (21 rows of 17 lines where four calls inline into main) */
#define BP_MAX 128
#define BP_POOL (1u << 16) /* locations the shard's cache entries hold (bp) */
#define BF_RANGES 8       /* a function's address ranges kept (bfunc) */
#define BF_CACHE 32       /* functions kept per shard (bfunc) */
#define BP_SCAN 4096      /* rows looked at before a row, at most */

/* A thread's step state, as gdb's `step` keeps it: the current line, the
 * step range (the row last taken: instructions inside it are stepped over
 * without looking) and whether the frame changed (a call, a return, a
 * jump into another function) since the range was taken.  known: all of
 * it is known; a shard starts with every thread unknown, and then knows
 * parts: rk (the range), fk (fchg). */
struct lthread {
	bool known, rk, fk, fchg;
	uint32_t file, line;     /* file LS_NONE: no current line */
	uint64_t rs, re;         /* step range [rs, re); empty: rs == re */
	uint64_t fr;             /* the inlined copy stepped in (0: none) */
	uint8_t lined;           /* LN_*: how the thread came to its last instruction */
	bool entry;              /* a frame just began (st_reset): its first row
				  * start stops, statement or not */
};

/* Whether the thread's last event was an instruction with line info
 * (LN_YES), a call, return or signal (LN_NO), or a return that landed on
 * a function's entry row (LN_RET); LN_UNKNOWN: neither yet in this
 * shard.  A function's entry reached right after an instruction with
 * lines was jumped to (a tail call): gdb's step sees a new line there and
 * skips no prologue (it is no "step into subroutine"); so does one a
 * return lands on (swapcontext's `ret` into a makecontext'd function: gdb
 * stops at its entry line). */
enum { LN_UNKNOWN = 0, LN_NO, LN_YES, LN_RET };

struct centry {
	uint64_t addr;           /* 0: empty */
	uint64_t row_addr, row_end;
	uint64_t fin, fhid;      /* hs_src_line_info's inline_frame, _hidden */
	uint32_t file, line;
	uint8_t flags;           /* CF_* */
	uint8_t n_bp;            /* the locations of `break FILE:LINE` here (a line
				  * twice: two locations): p->bp[bp_at..] */
	uint32_t bp_at;
};
enum { CF_STMT = 2, CF_PROLOGUE = 4, CF_IN_PROLOGUE = 8, CF_INL_ENTRY = 16 };

/* A function as gdb's `break FILE:LINE` sees it: its ranges (the first
 * holds its entry) and its breakpoint address (break_pc). */
struct bfunc {
	uint64_t lo[BF_RANGES], hi[BF_RANGES];
	uint64_t brk;
	uint8_t n;               /* 0: an empty slot */
};

/* A location of `break FILE:LINE`: the line's. */
struct bploc {
	uint32_t file, line;
};

/* What an instruction with line info sees: its row. */
struct lrow {
	uint64_t pc, row_addr, row_end;
	uint32_t file, line;
	bool stmt;
	uint64_t fin, fhid;      /* inlined copy at pc; the frame a step shows */
};

struct dbb_lpass {
	struct dbb_lpass_head h; /* first: dbb_lpass_insn() reads it inline */
	struct hs_src *src;
	const struct dbb_range *ranges;
	size_t n_ranges;
	char *dir;
	struct centry *cache;
	struct lthread *th;
	size_t n_th;
	uint32_t *lfile;         /* [src file id] local index + 1, 0: none */
	size_t n_lfile;
	uint32_t n_local;
	struct dbb_spill_w *lines, *lfiles;
	struct dbb_inl *inl;     /* the entries of inlined copies */
	struct bploc *bp;        /* [BP_POOL]: the cache entries' locations */
	uint32_t n_bp;
	struct bfunc bf[BF_CACHE];
	unsigned bf_next;
	struct bfunc bf_sym;     /* func_of's answer from a symbol */
	uint64_t starts;
	int cb_ret;
};

static struct lthread *lthread_of(struct dbb_lpass *p, uint32_t tid)
{
	if (tid >= p->n_th &&
	    dbb_grow_zero((void **)&p->th, &p->n_th, (size_t)tid + 1, sizeof(*p->th)))
		return NULL;
	return &p->th[tid];
}

static const struct dbb_range *range_of(const struct dbb_lpass *p, uint64_t addr)
{
	for (size_t i = 0; i < p->n_ranges; i++)
		if (addr >= p->ranges[i].start && addr < p->ranges[i].end)
			return &p->ranges[i];
	return NULL;
}

static bool in_dwarf(const struct dbb_lpass *p, uint64_t addr)
{
	return range_of(p, addr) != NULL;
}

/* ---- breakpoint locations ---------------------------------------------------
 *
 * lines/FILE/N is the hits of gdb 13's `break FILE:N` (linespec.c,
 * create_sals_line_offset): its locations are the is_stmt rows of line N
 * (find_pcs_for_symtab_line), of which only the lowest address in each
 * block is kept (gdb's filter on block_for_pc: a loop's line has rows at
 * its start and at its condition, one location); then skip_prologue_sal
 * moves every location below the function's breakpoint address (its entry
 * past the prologue: break_pc) to that address.  That is a prologue row's
 * location, and a location in a part of the function below its entry
 * (gcc -O2's main.cold, a range of main's own: a throw, a catch, moved to
 * main's entry).  Locations at one address are each hit (gdb counts a hit
 * per location: a line with a row in main.cold and one at main's entry
 * is hit twice there).  A location is hit each time the pc reaches it: a
 * return into the middle of the line is no hit, a jump back to the
 * location is.  A block is gdb's (hs_src_block_at): a function, an
 * inlined copy or a lexical block with variables, so a gcc -O2 loop whose
 * line lies in two lexical blocks has two locations. */

/* The function's breakpoint address: gdb 13's skip_prologue_sal from its
 * entry (the first range's start).  The first row marked prologue_end
 * (clang) if any; else the entry where the CU's locations are valid (gcc
 * -O2: nothing skipped); else past the rows gdb's prologue analysis skips
 * (hs_src's in_prologue). */
static uint64_t break_pc(struct hs_src *src, uint64_t entry, uint64_t end)
{
	struct hs_src_line_info li;
	uint64_t a = entry, pe;
	unsigned k = 0;

	if (hs_src_break_addr(src, entry, &pe) == 0)
		return pe;
	if (hs_src_locations_valid(src, entry))
		return entry;
	while (a < end && ++k <= BP_SCAN && hs_src_line_info(src, a, &li) == 0 && li.line &&
	       li.in_prologue && li.row_next > a)
		a = li.row_next;
	return a;
}

/* The function holding addr (its ranges and breakpoint address) through
 * the shard's small cache, else from its symbol; NULL without either. */
static const struct bfunc *func_of(struct dbb_lpass *p, uint64_t addr)
{
	struct hs_src_loc loc;
	struct bfunc *f;

	for (unsigned i = 0; i < BF_CACHE; i++) {
		f = &p->bf[i];
		for (unsigned r = 0; r < f->n; r++)
			if (addr >= f->lo[r] && addr < f->hi[r])
				return f;
	}
	f = &p->bf[p->bf_next++ % BF_CACHE];
	f->n = (uint8_t)hs_src_function_ranges(p->src, addr, f->lo, f->hi, BF_RANGES);
	if (f->n) {
		f->brk = break_pc(p->src, f->lo[0], f->hi[0]);
		for (unsigned r = 0; r < f->n; r++)
			if (addr >= f->lo[r] && addr < f->hi[r])
				return f;
		f->n = 0; /* addr in a range past BF_RANGES: not kept */
	}
	/* libdw finds no DIE for some (gcc's lambda bodies lie inside main's
	 * DIE, outside its ranges): the symbol's start, not kept */
	if (hs_src_lookup(p->src, addr, &loc) || !loc.function || loc.func_start > addr)
		return NULL;
	f = &p->bf_sym;
	f->n = 1;
	f->lo[0] = loc.func_start;
	f->hi[0] = addr + 1;
	f->brk = break_pc(p->src, f->lo[0], f->hi[0]);
	return f;
}

/* lookup() keeps BP_MAX slots free in the pool before it fills an entry */
static void bp_add(struct dbb_lpass *p, struct centry *e, uint32_t file, uint32_t line)
{
	if (e->n_bp < BP_MAX) {
		p->bp[e->bp_at + e->n_bp].file = file;
		p->bp[e->bp_at + e->n_bp++].line = line;
		p->n_bp++;
	}
}

/* Whether the row start r has a statement row of (file, line). */
static bool row_has(struct hs_src *src, const struct hs_src_line_info *r, uint32_t file,
		    uint32_t line)
{
	uint32_t f[BP_MAX], l[BP_MAX];
	size_t n;

	if (r->is_stmt && r->file_id == file && r->line == line)
		return true;
	n = r->more_stmt ? hs_src_stmt_lines_at(src, r->row_addr, f, l, BP_MAX) : 0;
	for (size_t i = 0; i < n; i++)
		if (f[i] == file && l[i] == line)
			return true;
	return false;
}

/* Whether a statement row of (file, line) at the row start li is the first
 * of its line in its block: no row of the function (f, all its ranges)
 * below it has one in the same block.  Without f: gdb has no block to
 * filter on. */
static bool bp_first_in_block(struct hs_src *src, const struct hs_src_line_info *li,
			      uint32_t file, uint32_t line, const struct bfunc *f)
{
	struct hs_src_line_info r;
	uint64_t block = 0;
	unsigned k = 0;

	for (unsigned i = 0; f && i < f->n; i++) {
		uint64_t a = li->row_addr < f->hi[i] ? li->row_addr : f->hi[i];

		while (++k <= BP_SCAN && hs_src_row_before(src, a, f->lo[i], &r) == 0) {
			if (row_has(src, &r, file, line)) {
				if (!block)
					block = hs_src_block_at(src, li->row_addr);
				if (hs_src_block_at(src, r.row_addr) == block)
					return false;
			}
			a = r.row_addr;
		}
	}
	return true;
}

/* The lines of the statement rows at the row start r, each once (gdb's
 * entries of one line at one address are one block's: one location):
 * those first in their block have a location there. */
static void bp_own(struct dbb_lpass *p, const struct hs_src_line_info *r, const struct bfunc *f,
		   struct centry *e)
{
	struct hs_src *src = p->src;
	uint32_t fl[BP_MAX + 1], l[BP_MAX + 1];
	size_t n = r->more_stmt ? hs_src_stmt_lines_at(src, r->row_addr, fl, l, BP_MAX) : 0;

	if (r->is_stmt) {
		fl[n] = r->file_id;
		l[n++] = r->line;
	}
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = fl[j] == fl[i] && l[j] == l[i];
		if (!seen && bp_first_in_block(src, r, fl[i], l[i], f))
			bp_add(p, e, fl[i], l[i]);
	}
}

/* The breakpoints located at addr, a row start (li): its own rows', unless
 * below the function's breakpoint address, and there the locations of
 * every row of the function below it (its prologue, its parts below its
 * entry). */
static void bp_lines(struct dbb_lpass *p, uint64_t addr, const struct hs_src_line_info *li,
		     struct centry *e)
{
	const struct bfunc *f = func_of(p, addr);
	struct hs_src_line_info r;
	unsigned k = 0;

	if (!f) {
		if (!li->in_prologue)
			bp_own(p, li, NULL, e);
		return;
	}
	if (addr >= f->brk)
		bp_own(p, li, f, e);
	if (addr != f->brk)
		return;
	for (unsigned i = 0; i < f->n; i++) {
		uint64_t a = f->lo[i], hi = f->hi[i] < f->brk ? f->hi[i] : f->brk;

		while (++k <= BP_SCAN && hs_src_row_after(p->src, a, hi, &r) == 0) {
			bp_own(p, &r, f, e);
			a = r.row_next > r.row_addr ? r.row_next : r.row_addr + 1;
		}
	}
}

/* The line info of addr through the shard's cache; line 0: none. */
static const struct centry *lookup(struct dbb_lpass *p, uint64_t addr)
{
	struct centry *e = &p->cache[(addr ^ addr >> CACHE_BITS) & ((1u << CACHE_BITS) - 1)];
	struct hs_src_line_info li;
	uint64_t first;

	if (e->addr == addr)
		return e;
	e->addr = addr;
	e->file = 0;
	e->line = 0;
	e->flags = 0;
	e->fin = 0;
	e->n_bp = 0;
	if (p->n_bp > BP_POOL - BP_MAX) {
		/* the pool is full of entries filled since: start both afresh */
		for (size_t i = 0; i < (1u << CACHE_BITS); i++)
			p->cache[i].addr = 0;
		p->n_bp = 0;
		e->addr = addr;
	}
	e->bp_at = p->n_bp;
	if (hs_src_line_info(p->src, addr, &li) != 0)
		return e;
	/* a line-0 row (gcc -O2) in a copy is still in it (dbb_inl.c) */
	e->fin = li.line ? li.inline_frame : hs_src_inline_at(p->src, addr);
	if (e->fin && hs_src_inline_entries(p->src, addr, &first, 1))
		e->flags = CF_INL_ENTRY;
	if (!li.line)
		return e;
	if (hs_src_thunk(p->src, addr)) {
		/* a C++ thunk: gdb's step goes through it as through a PLT
		 * stub (no line starts), but `break FILE:LINE` has a location
		 * in it where it has line rows (g++'s virtual thunks) */
		if (li.row_start)
			bp_lines(p, addr, &li, e);
		return e;
	}
	if (range_of(p, addr)->inline_only) {
		/* the dynamic linker: its copies' entries, no line starts */
		e->fin = li.inline_frame;
		return e;
	}
	e->file = li.file_id;
	e->line = li.line;
	e->row_addr = li.row_addr;
	e->row_end = li.row_end;
	e->flags |= (uint8_t)((li.is_stmt ? CF_STMT : 0) | (li.prologue ? CF_PROLOGUE : 0) |
			      (li.in_prologue ? CF_IN_PROLOGUE : 0));
	e->fin = li.inline_frame;
	e->fhid = li.inline_hidden;
	if (li.row_start)
		bp_lines(p, addr, &li, e);
	return e;
}

static int local_file(struct dbb_lpass *p, uint32_t file, uint32_t *out)
{
	const char *path;
	uint8_t h[4];
	size_t len;
	int ret;

	if (file >= p->n_lfile &&
	    dbb_grow_zero((void **)&p->lfile, &p->n_lfile, (size_t)file + 1, sizeof(*p->lfile)))
		return -ENOMEM;
	if (!p->lfile[file]) {
		path = hs_src_file_name(p->src, file);
		if (!path)
			path = "";
		len = strlen(path);
		hs_put_le32(h, (uint32_t)len);
		if ((ret = dbb_spill_write(p->lfiles, h, 4)) ||
		    (ret = dbb_spill_write(p->lfiles, path, len)))
			return ret;
		p->lfile[file] = ++p->n_local;
	}
	*out = p->lfile[file] - 1;
	return 0;
}

/* A new frame (a call, a prologue row, a thread's exit): its first line
 * always starts. */
static void st_reset(struct lthread *s)
{
	s->known = true;
	s->file = LS_NONE;
	s->line = 0;
	s->rs = s->re = 0;
	s->fchg = true;
	s->fr = 0;
	s->entry = true;
}

/* Takes r's row as the step range (and its line with line_too), in the
 * frame gdb then shows (set_step_info): the copies that start at pc
 * hidden. */
static void st_take(struct lthread *s, const struct lrow *r, bool line_too)
{
	if (line_too) {
		s->file = r->file;
		s->line = r->line;
	}
	s->rs = r->row_addr;
	s->re = r->row_end;
	s->fchg = false;
	s->fr = r->fhid;
}

/* A stop: the row and its line are taken, and the next `step` enters the
 * copies hidden at pc without running, so the frame is the innermost. */
static bool st_stop(struct lthread *s, const struct lrow *r)
{
	st_take(s, r, true);
	s->fr = r->fin;
	return true;
}

/* gdb's rule (infrun.c, process_event_stop_test) for an instruction with
 * line info, on a fully known state; returns true for a line start.
 * Inside the step range: nothing.  At a row's first address, of another
 * line: a statement row starts; a non-statement row is taken as the new
 * range, keeping the current line if the frame is the same, forgetting it
 * if the frame changed (so a later statement row of that same line still
 * starts).  Anywhere else (a return or jump into the middle of a row):
 * the row's line and range are taken, without a start.  Where inlined
 * copies start (the frame shown with them hidden is not the innermost),
 * gdb stops whatever the line when that frame is the one it was stepping
 * in ("stepped into inlined function": it shows the call site, then
 * enters the copy); an inline frame left or entered is a frame changed. */
static bool st_insn(struct lthread *s, const struct lrow *r)
{
	bool differ, entry = s->entry;

	if (r->pc >= s->rs && r->pc < s->re)
		return false;
	s->entry = false;
	/* gdb's step into a function stops at its prologue's end (its entry
	 * without one) whatever the row there (handle_step_into_function:
	 * __qsort_r's second row of line 165 is no statement) */
	if (entry && r->pc == r->row_addr)
		return st_stop(s, r);
	if (r->fhid != r->fin && !s->fchg && r->fhid == s->fr)
		return st_stop(s, r);
	if (r->pc != r->row_addr) {
		st_take(s, r, true);
		return false;
	}
	differ = s->file != r->file || s->line != r->line;
	if (differ && r->stmt)
		return st_stop(s, r);
	if (differ && (s->fchg || r->fhid != s->fr))
		s->file = LS_NONE, s->line = 0;
	st_take(s, r, false);
	return false;
}

/* Inside a prologue row past its start, with no current line (the frame
 * began there): gdb's step runs to the prologue's end, so nothing is
 * taken and a body row of the same line still starts (a function whose
 * body is on its opening line).  With a line (a jump back into that row
 * from the body), the row is taken as any other. */
static bool in_prologue_skip(const struct lthread *s)
{
	return s->file == LS_NONE;
}

static void st_ret(struct lthread *s)
{
	s->rs = s->re = 0;
	s->fchg = true;
	s->entry = false;
}

/* A line start (flags 0), or an op the merge replays on the state the
 * earlier shards leave (LS_COND: the thread's state is not fully known). */
static int emit(struct dbb_lpass *p, uint64_t t, uint32_t tid, const struct lrow *r,
		uint32_t flags)
{
	uint8_t rec[LREC] = { 0 };
	uint32_t lf = 0;
	int ret;

	if (r && (ret = local_file(p, r->file, &lf)))
		return ret;
	hs_put_le64(rec, t);
	hs_put_le32(rec + 8, tid);
	hs_put_le32(rec + 12, lf);
	hs_put_le32(rec + 16, r ? r->line : 0);
	hs_put_le32(rec + 20, flags | (r && r->stmt ? LS_STMT : 0));
	if (r) {
		hs_put_le64(rec + 24, r->pc);
		hs_put_le64(rec + 32, r->row_addr);
		hs_put_le64(rec + 40, r->row_end);
		hs_put_le64(rec + 48, r->fin);
		hs_put_le64(rec + 56, r->fhid);
	}
	if (!(flags & LS_COND))
		p->starts++;
	return dbb_spill_write(p->lines, rec, sizeof(rec));
}

/* The hits of the breakpoints located at the instruction (e): records the
 * merge passes on as they are. */
static int emit_bp(struct dbb_lpass *p, uint64_t t, uint32_t tid, const struct centry *e)
{
	uint8_t rec[LREC] = { 0 };
	uint32_t lf;
	int ret;

	for (unsigned i = 0; i < e->n_bp; i++) {
		if ((ret = local_file(p, p->bp[e->bp_at + i].file, &lf)))
			return ret;
		hs_put_le64(rec, t);
		hs_put_le32(rec + 8, tid);
		hs_put_le32(rec + 12, lf);
		hs_put_le32(rec + 16, p->bp[e->bp_at + i].line);
		hs_put_le32(rec + 20, LS_BP);
		hs_put_le64(rec + 24, e->addr);
		if ((ret = dbb_spill_write(p->lines, rec, sizeof(rec))))
			return ret;
	}
	return 0;
}

/* An instruction with line info while the thread's state is not fully
 * known: what depends on the unknown part goes to the merge as an op. */
static int insn_unknown(struct dbb_lpass *p, uint64_t t, uint32_t tid, struct lthread *th,
			const struct lrow *r)
{
	bool at_start = r->pc == r->row_addr;
	int ret;

	if (th->rk && r->pc >= th->rs && r->pc < th->re)
		return 0;
	if (r->fin != r->fhid) {
		/* where copies start: whether the step stops depends on the
		 * frame stepped in (the merge's to know); the range after it
		 * is this row either way */
		th->rk = true;
		th->rs = r->row_addr;
		th->re = r->row_end;
		return emit(p, t, tid, r, LS_COND);
	}
	if (!at_start && th->rk) {
		/* outside a known range, mid-row: the row's line, whatever came before */
		th->known = true;
		st_take(th, r, true);
		return 0;
	}
	if ((ret = emit(p, t, tid, r, LS_COND)))
		return ret;
	if (at_start && r->stmt) {
		th->known = true;
		st_take(th, r, true);
	} else if (at_start) {
		th->rk = th->fk = true;
		st_take(th, r, false);
	} else {
		/* in the earlier range (then it is this row) or the row taken */
		th->fk = th->fk && !th->fchg;
		th->rk = true;
		th->rs = r->row_addr;
		th->re = r->row_end;
	}
	return 0;
}

static int l_insn(void *ctx, uint64_t t, uint32_t tid, uint64_t rip)
{
	struct dbb_lpass *p = ctx;
	const struct centry *e;
	struct lthread *th;
	struct lrow r;
	bool jentry = false;
	int ret = 0;
	uint8_t lined;

	/* most instructions of most programs are in code without lines: the
	 * ranges first, which cost a few compares and no memory traffic */
	if (rip >> 12 != p->h.last_page) {
		p->h.last_page = rip >> 12;
		p->h.last_in = in_dwarf(p, rip);
	}
	if (!p->h.last_in)
		return 0;
	e = lookup(p, rip);
	if (((e->flags & CF_INL_ENTRY) || !dbb_inl_quiet(p->inl, tid)) &&
	    (ret = dbb_inl_insn(p->inl, t, tid, rip, e->fin, e->flags & CF_INL_ENTRY)))
		return p->cb_ret = ret;
	if (e->n_bp && (ret = emit_bp(p, t, tid, e)))
		return p->cb_ret = ret;
	if (!e->line)
		return 0; /* no line info (or a thunk): the current line stays */
	if (!(th = lthread_of(p, tid)))
		return p->cb_ret = -ENOMEM;
	lined = th->lined;
	th->lined = LN_YES;
	if (th->known && rip >= th->rs && rip < th->re)
		return 0; /* stepped over without looking */
	if ((e->flags & CF_PROLOGUE) && lined == LN_NO) {
		st_reset(th); /* a new frame (a call, a signal): its first line will start */
		return 0;
	}
	jentry = e->flags & CF_PROLOGUE; /* a tail call's jump: a row as any other */
	r.pc = rip;
	r.row_addr = e->row_addr;
	r.row_end = e->row_end;
	r.file = e->file;
	r.line = e->line;
	r.stmt = e->flags & CF_STMT;
	r.fin = e->fin;
	r.fhid = e->fhid;
	if (jentry && lined == LN_UNKNOWN) {
		/* the thread's first event in the shard: how it came here is
		 * the merge's to know (the state stays unknown: it was) */
		ret = emit(p, t, tid, &r, LS_COND | LS_PRO);
	} else if ((e->flags & CF_IN_PROLOGUE) && !jentry && !th->known) {
		/* whether the frame just began is the merge's to know */
		th->rk = th->fk = false;
		ret = emit(p, t, tid, &r, LS_COND | LS_INPRO);
	} else if ((e->flags & CF_IN_PROLOGUE) && !jentry && in_prologue_skip(th)) {
		return 0;
	} else if (!th->known) {
		ret = insn_unknown(p, t, tid, th, &r);
		th->entry = false; /* the merge's, if the frame had just begun */
	} else if (st_insn(th, &r))
		ret = emit(p, t, tid, &r, 0);
	if (ret)
		p->cb_ret = ret;
	return ret;
}

/* Is addr in one of f's ranges? */
static bool func_has(const struct bfunc *f, uint64_t addr)
{
	for (unsigned r = 0; r < f->n; r++)
		if (addr >= f->lo[r] && addr < f->hi[r])
			return true;
	return false;
}

/* A jump (no call or return) from one function into another: gdb's frame
 * id (the function's entry and its CFA) is another, as after __longjmp's
 * `jmp *%rdx` into the frame that called setjmp, or after a tail call.
 * The frame changed for st_insn: gdb's "stepped into inlined function"
 * needs the frame it was stepping in (an inlined copy starting where
 * setjmp returns in main is no step into it from __longjmp), and a row
 * of another line that is no statement forgets the line.  A function is
 * its ranges (func_of): main and its .cold part are one, as gdb's
 * get_pc_function_start (the block's entry) has them.  In a shard that
 * does not know the thread's state, an op the merge replays. */
static int jump_frame(struct dbb_lpass *p, uint64_t t, uint32_t tid, uint64_t addr,
		      uint64_t dst)
{
	const struct bfunc *f;
	struct lthread *th;
	uint64_t from;
	int ret;

	/* the jump's own instruction set last_page: most jumps are in code
	 * without lines, known there without a look at the ranges */
	if ((addr >> 12 == p->h.last_page && !p->h.last_in) || !dst || !in_dwarf(p, addr) ||
	    !in_dwarf(p, dst) || !(f = func_of(p, addr)) || func_has(f, dst))
		return 0;
	from = f->lo[0];
	if (!(f = func_of(p, dst)) || f->lo[0] == from)
		return 0;
	if (!(th = lthread_of(p, tid)))
		return p->cb_ret = -ENOMEM;
	if (!th->known) {
		if ((ret = emit(p, t, tid, NULL, LS_COND | LS_FCHG)))
			return p->cb_ret = ret;
		th->fk = true;
	}
	th->fchg = true;
	return 0;
}

/* Does a return land on a function's entry row (LN_RET): swapcontext's
 * `ret` into a makecontext'd function (no return of a call does)? */
static bool ret_enters(struct dbb_lpass *p, uint64_t dst)
{
	return in_dwarf(p, dst) && (lookup(p, dst)->flags & CF_PROLOGUE);
}

static int l_jump(void *ctx, uint64_t t, uint32_t tid, uint32_t jk, uint64_t addr,
		  uint32_t len, uint64_t dst)
{
	struct dbb_lpass *p = ctx;
	struct lthread *th;
	int ret;

	(void)len;
	if (jk == HS_TRACE_JK_JUMP || jk == HS_TRACE_JK_DIRECT)
		return jump_frame(p, t, tid, addr, dst);
	if (jk != HS_TRACE_JK_CALL && jk != HS_TRACE_JK_RET)
		return 0;
	if ((ret = dbb_inl_jump(p->inl, t, tid, jk == HS_TRACE_JK_RET)))
		return p->cb_ret = ret;
	if (!(th = lthread_of(p, tid)))
		return p->cb_ret = -ENOMEM;
	th->lined = jk == HS_TRACE_JK_RET && ret_enters(p, dst) ? LN_RET : LN_NO;
	if (jk == HS_TRACE_JK_CALL) {
		st_reset(th);
		return 0;
	}
	if (!th->known) {
		/* the line the return leaves is not known here: the merge's */
		if ((ret = emit(p, t, tid, NULL, LS_COND | LS_RET)))
			return p->cb_ret = ret;
		th->rk = th->fk = true;
	}
	st_ret(th);
	return 0;
}

static int l_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag, const uint8_t *pl,
		   uint32_t len)
{
	struct dbb_lpass *p = ctx;
	struct lthread *th;
	int ret;

	(void)tid;
	/* a handler runs on top of an inlined copy (dbb_inl.c); its entry is
	 * a new frame's */
	if (tag == HS_EV_SIGNAL && len >= 12 && !(hs_le32(pl + 8) & HS_SIG_FATAL)) {
		if (!(th = lthread_of(p, hs_le32(pl))))
			return p->cb_ret = -ENOMEM;
		th->lined = LN_NO;
		return (ret = dbb_inl_signal(p->inl, t, hs_le32(pl))) ? (p->cb_ret = ret) : 0;
	}
	if (tag == HS_EV_SIGRETURN && len >= 4)
		return (ret = dbb_inl_sigreturn(p->inl, t, hs_le32(pl))) ? (p->cb_ret = ret) : 0;
	if (tag != HS_EV_THREAD_EXIT || len < 4)
		return 0;
	if (!(th = lthread_of(p, hs_le32(pl))))
		return p->cb_ret = -ENOMEM;
	st_reset(th);
	th->lined = LN_NO;
	th->entry = false; /* a thread's first instruction is no step into a function */
	if ((ret = dbb_inl_exit(p->inl, t, hs_le32(pl))))
		return p->cb_ret = ret;
	return 0;
}

static int write_final(struct dbb_lpass *p, const char *dir)
{
	struct dbb_spill_w *w = NULL;
	int ret = dbb_spill_create_in(dir, "lfinal.sp", &w);

	for (size_t tid = 0; tid < p->n_th && !ret; tid++) {
		const struct lthread *th = &p->th[tid];
		uint8_t r[FREC] = { 0 };
		uint32_t lf = LS_NONE;

		if (!th->known && th->lined == LN_UNKNOWN)
			continue;
		if (th->known && th->file != LS_NONE && (ret = local_file(p, th->file, &lf)))
			break;
		hs_put_le32(r, (uint32_t)tid);
		hs_put_le32(r + 4, lf);
		hs_put_le32(r + 8, th->file == LS_NONE ? 0 : th->line);
		/* bit 0 fchg, bits 1-2 lined, bit 3: only lined is known */
		hs_put_le32(r + 12, (uint32_t)th->fchg | (uint32_t)th->lined << 1 |
					    (th->known ? 0 : FIN_LINED_ONLY) |
					    (th->entry ? FIN_ENTRY : 0));
		hs_put_le64(r + 16, th->rs);
		hs_put_le64(r + 24, th->re);
		hs_put_le64(r + 32, th->fr);
		ret = dbb_spill_write(w, r, sizeof(r));
	}
	if (ret) {
		dbb_spill_abort(w);
		return ret;
	}
	return dbb_spill_close(w, false);
}

int dbb_lpass_new(const struct dbb_lsrc *ls, const char *dir, struct dbb_lpass **out)
{
	struct dbb_lpass *p = calloc(1, sizeof(*p));
	int ret = -ENOMEM;

	*out = NULL;
	if (!p)
		return -ENOMEM;
	p->src = dbb_lsrc_src(ls);
	p->ranges = dbb_lsrc_ranges(ls, &p->n_ranges);
	p->h.last_page = UINT64_MAX;
	p->cache = calloc(1u << CACHE_BITS, sizeof(*p->cache));
	p->bp = calloc(BP_POOL, sizeof(*p->bp));
	p->dir = strdup(dir);
	if (!p->cache || !p->bp || !p->dir ||
	    (ret = dbb_inl_new(p->src, dir, &p->inl)) ||
	    (ret = dbb_spill_create_in(dir, "lines.sp", &p->lines)) ||
	    (ret = dbb_spill_create_in(dir, "lfiles.sp", &p->lfiles))) {
		dbb_lpass_free(p);
		return ret;
	}
	*out = p;
	return 0;
}

void dbb_lpass_free(struct dbb_lpass *p)
{
	if (!p)
		return;
	dbb_spill_abort(p->lines);
	dbb_spill_abort(p->lfiles);
	dbb_inl_free(p->inl);
	free(p->cache);
	free(p->bp);
	free(p->th);
	free(p->lfile);
	free(p->dir);
	free(p);
}

int dbb_lpass_insn_slow(struct dbb_lpass *p, uint64_t t, uint32_t tid, uint64_t rip)
{
	return l_insn(p, t, tid, rip);
}

int dbb_lpass_jump(struct dbb_lpass *p, uint64_t t, uint32_t tid, uint32_t jk, uint64_t addr,
		   uint64_t dst)
{
	return l_jump(p, t, tid, jk, addr, 0, dst);
}

int dbb_lpass_event(struct dbb_lpass *p, uint64_t t, uint32_t tid, uint32_t tag,
		    const uint8_t *pl, uint32_t len)
{
	return l_event(p, t, tid, tag, pl, len);
}

int dbb_lpass_finish(struct dbb_lpass *p)
{
	int ret = write_final(p, p->dir) ?: dbb_inl_finish(p->inl);

	if (!ret) {
		ret = dbb_spill_close(p->lines, false);
		p->lines = NULL;
	}
	if (!ret) {
		ret = dbb_spill_close(p->lfiles, false);
		p->lfiles = NULL;
	}
	return ret;
}

/* The line pass alone over chunks [c0, c1) of img into dir (created by the
 * caller): the merge's fallback (dbb_lines_build). */
static int lines_shard(struct dbb_image *img, const struct dbb_lsrc *ls, size_t c0, size_t c1,
		       const char *dir, struct hs_dbb_err *err)
{
	struct dbb_lpass *p = NULL;
	struct hs_trace_visitor vis = { .insn = l_insn, .jump = l_jump, .event = l_event };
	struct hs_trace_decoder *d = NULL;
	struct hs_trace_chunk chunk = { .data = NULL };
	struct hs_trace_err terr = { "" };
	int ret;

	if ((ret = dbb_lpass_new(ls, dir, &p)))
		goto out;
	vis.ctx = p;
	if ((ret = hs_trace_decoder_new(img->code, &vis, &d)))
		goto out;
	hs_trace_decoder_set_check(d, false);
	if (!(ret = hs_trace_decoder_chunks(d, img->stream, c0, c1, &chunk, &terr)))
		ret = dbb_lpass_finish(p);
out:
	if (ret)
		dbb_err_set(err, "%s/stream.hst: line starts: %s", img->dir,
			    !(p && p->cb_ret) && terr.msg[0] ? terr.msg : strerror(-ret));
	hs_trace_chunk_release(&chunk);
	hs_trace_decoder_free(d);
	dbb_lpass_free(p);
	return ret;
}

/* ---- the passes of all shards, in threads ---------------------------------- */

struct ljob {
	struct dbb_image *img;
	const struct dbb_lsrc *ls;
	size_t c0, c1;
	char *dir;
	int ret;
	bool started;
	struct hs_dbb_err err;
};

static void *ljob_run(void *arg)
{
	struct ljob *j = arg;

	j->ret = lines_shard(j->img, j->ls, j->c0, j->c1, j->dir, &j->err);
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_all(const char *dir, const char *name, uint8_t **data, size_t *len)
{
	struct dbb_spill_r *r = NULL;
	char *path = dbb_path(dir, name);
	size_t cap = 0;
	int ret;

	*data = NULL;
	*len = 0;
	if (!path)
		return -ENOMEM;
	ret = dbb_spill_open(path, &r);
	free(path);
	if (ret)
		return ret;
	for (;;) {
		if ((ret = hs_grow((void **)data, &cap, *len + 4096, 1)))
			break;
		/* spill streams are read by exact sizes: take what is left a byte
		 * at a time past the last full page */
		ret = dbb_spill_read(r, *data + *len, 1);
		if (ret != 1)
			break;
		(*len)++;
	}
	dbb_spill_close_r(r);
	return ret < 0 ? ret : 0;
}

void dbb_lines_free(struct dbb_lines *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n_files; i++)
		free(l->files[i]);
	free(l->files);
	free(l->remap);
	free(l->res_path);
	dbb_sort_free(l->inl);
	free(l);
}

/* Reads the lfiles.sp of a shard into paths (caller frees each and v). */
static int read_lfiles(const char *dir, char ***v, size_t *n)
{
	uint8_t *data;
	size_t len, off = 0;
	int ret = read_all(dir, "lfiles.sp", &data, &len);

	*v = NULL;
	*n = 0;
	if (ret)
		return ret;
	while (off + 4 <= len) {
		uint32_t l = hs_le32(data + off);
		char **q;

		if (off + 4 + l > len) {
			ret = -EBADMSG;
			break;
		}
		q = realloc(*v, (*n + 1) * sizeof(*q));
		if (!q) {
			ret = -ENOMEM;
			break;
		}
		*v = q;
		if (!((*v)[*n] = strndup((const char *)data + off + 4, l))) {
			ret = -ENOMEM;
			break;
		}
		(*n)++;
		off += 4 + l;
	}
	free(data);
	return ret;
}

static size_t find_path(char *const *v, size_t n, const char *path)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid], path);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

static struct lthread *carried_of(struct lthread **v, size_t *n, uint32_t tid)
{
	if (tid >= *n) {
		size_t nn = *n ? *n : 64;
		struct lthread *q;

		while (nn <= tid)
			nn *= 2;
		q = realloc(*v, nn * sizeof(*q));
		if (!q)
			return NULL;
		memset(q + *n, 0, (nn - *n) * sizeof(*q));
		*v = q;
		*n = nn;
	}
	return &(*v)[tid];
}

/* The states the shard in dir leaves (lfinal.sp), carried into the next
 * one: file ids from its own (local) to the merged list's (all). */
static int carry_final(const char *dir, char **local, size_t n_local, char **all, size_t n_all,
		       struct lthread **carried, size_t *n_carried)
{
	uint8_t *fin = NULL;
	size_t fin_len = 0;
	int ret = read_all(dir, "lfinal.sp", &fin, &fin_len);

	if (ret)
		return ret;
	for (size_t off = 0; off + FREC <= fin_len; off += FREC) {
		uint32_t tid = hs_le32(fin + off), lf = hs_le32(fin + off + 4);
		struct lthread *th = carried_of(carried, n_carried, tid);

		if (!th) {
			ret = -ENOMEM;
			break;
		}
		th->lined = (uint8_t)(hs_le32(fin + off + 12) >> 1 & 3);
		if (hs_le32(fin + off + 12) & FIN_LINED_ONLY)
			continue;
		th->known = true;
		th->file = lf == LS_NONE || lf >= n_local ? LS_NONE :
			   (uint32_t)find_path(all, n_all, local[lf]);
		th->line = hs_le32(fin + off + 8);
		th->fchg = hs_le32(fin + off + 12) & 1;
		th->entry = hs_le32(fin + off + 12) & FIN_ENTRY;
		th->rs = hs_le64(fin + off + 16);
		th->re = hs_le64(fin + off + 24);
		th->fr = hs_le64(fin + off + 32);
	}
	free(fin);
	return ret;
}

/* Walks the shards' line starts in order, replays each LS_COND op on the
 * thread's state the earlier shards left (keeping the starts it makes),
 * and writes the result (provisional file ids: indexes into l->files)
 * into l->res_path. */
static int resolve(struct dbb_lines *l, char *const *dirs, unsigned n, FILE *log)
{
	struct lthread *carried = NULL;
	size_t n_carried = 0;
	char ***local = calloc(n, sizeof(*local));
	size_t *n_local = calloc(n, sizeof(*n_local));
	bool *used = NULL;
	struct dbb_spill_w *w = NULL;
	size_t n_all = 0;
	char **all = NULL;
	int ret = -ENOMEM;

	(void)log;
	if (!local || !n_local)
		goto out;
	for (unsigned s = 0; s < n; s++) {
		if ((ret = read_lfiles(dirs[s], &local[s], &n_local[s])))
			goto out;
		n_all += n_local[s];
	}
	all = calloc(n_all + 1, sizeof(*all));
	if (!all) {
		ret = -ENOMEM;
		goto out;
	}
	n_all = 0;
	for (unsigned s = 0; s < n; s++)
		for (size_t i = 0; i < n_local[s]; i++)
			all[n_all++] = local[s][i];
	qsort(all, n_all, sizeof(*all), cmp_str);
	{
		size_t k = 0;

		for (size_t i = 0; i < n_all; i++)
			if (!k || strcmp(all[k - 1], all[i]) != 0)
				all[k++] = all[i];
		n_all = k;
	}
	used = calloc(n_all + 1, sizeof(*used));
	if (!used || (ret = dbb_spill_create(l->res_path, &w)))
		goto out_ret;
	for (unsigned s = 0; s < n && !ret; s++) {
		struct dbb_spill_r *r = NULL;
		char *path = dbb_path(dirs[s], "lines.sp");
		uint8_t rec[LREC];

		ret = path ? dbb_spill_open(path, &r) : -ENOMEM;
		free(path);
		if (ret)
			break;
		while ((ret = dbb_spill_read(r, rec, sizeof(rec))) == 1) {
			uint32_t tid = hs_le32(rec + 8), lf = hs_le32(rec + 12);
			uint32_t flags = hs_le32(rec + 20);
			struct lthread *th;
			struct lrow row;
			size_t g = 0;

			if (!(flags & (LS_RET | LS_FCHG))) {
				if (lf >= n_local[s]) {
					ret = -EBADMSG;
					break;
				}
				g = find_path(all, n_all, local[s][lf]);
			}
			if (flags & LS_COND) {
				/* replay the op on the state the earlier shards
				 * left (the program's start: no line yet) */
				if (!(th = carried_of(&carried, &n_carried, tid))) {
					ret = -ENOMEM;
					break;
				}
				if (!th->known) {
					st_reset(th);
					th->entry = false; /* the program's start */
				}
				if (flags & LS_RET) {
					st_ret(th);
					th->lined = LN_NO;
					continue;
				}
				if (flags & LS_FCHG) {
					th->fchg = true; /* jump_frame */
					continue;
				}
				row.file = (uint32_t)g;
				row.line = hs_le32(rec + 16);
				row.stmt = flags & LS_STMT;
				row.fin = hs_le64(rec + 48);
				row.fhid = hs_le64(rec + 56);
				row.pc = hs_le64(rec + 24);
				row.row_addr = hs_le64(rec + 32);
				row.row_end = hs_le64(rec + 40);
				if ((flags & LS_PRO) && th->lined != LN_YES && th->lined != LN_RET) {
					st_reset(th); /* called: its first line will start */
					th->lined = LN_YES;
					continue;
				}
				th->lined = LN_YES;
				if ((flags & LS_INPRO) && in_prologue_skip(th))
					continue;
				if (!st_insn(th, &row))
					continue;
			}
			used[g] = true;
			hs_put_le32(rec + 12, (uint32_t)g);
			hs_put_le32(rec + 20, flags & LS_BP ? DBB_LINE_BP : DBB_LINE_STEP);
			if ((ret = dbb_spill_write(w, rec, HS_DB_LINE_REC)))
				break;
		}
		dbb_spill_close_r(r);
		if (ret < 0)
			break;
		ret = carry_final(dirs[s], local[s], n_local[s], all, n_all, &carried, &n_carried);
	}
	if (ret)
		goto out_ret;
	ret = dbb_spill_close(w, false);
	w = NULL;
	if (ret)
		goto out_ret;
	/* final ids: the used files, in path order */
	l->remap = calloc(n_all + 1, sizeof(*l->remap));
	l->files = calloc(n_all + 1, sizeof(*l->files));
	if (!l->remap || !l->files) {
		ret = -ENOMEM;
		goto out_ret;
	}
	for (size_t g = 0; g < n_all; g++) {
		if (!used[g])
			continue;
		l->remap[g] = (uint32_t)l->n_files;
		if (!(l->files[l->n_files++] = strdup(all[g]))) {
			ret = -ENOMEM;
			break;
		}
	}
out_ret:
	;
out:
	dbb_spill_abort(w);
	for (unsigned s = 0; local && n_local && s < n; s++) {
		for (size_t i = 0; i < n_local[s]; i++)
			free(local[s][i]);
		free(local[s]);
	}
	free(local);
	free(n_local);
	free(all);
	free(used);
	free(carried);
	return ret;
}

struct startup {
	struct dbb_fmap *maps;
	size_t n, cap;
	int ret;
};

static int s_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag, const uint8_t *pl,
		   uint32_t len)
{
	struct startup *st = ctx;
	struct hs_trace_map mp;
	int err;

	(void)t, (void)tid;
	if (tag != HS_EV_MAP || hs_trace_map_parse(pl, len, &mp) ||
	    !(mp.flags & HS_MAP_FILE) || !mp.path_len)
		return 0;
	err = dbb_fmap_add(&st->maps, &st->cap, &st->n, &mp);
	return err ? (st->ret = err) : 0;
}

int dbb_fmap_add(struct dbb_fmap **v, size_t *cap, size_t *n, const struct hs_trace_map *mp)
{
	struct dbb_fmap *f;

	if (hs_grow((void **)v, cap, *n + 1, sizeof(**v)))
		return -ENOMEM;
	f = &(*v)[*n];
	if (!(f->path = strndup(mp->path, mp->path_len)))
		return -ENOMEM;
	f->start = mp->addr;
	f->end = mp->addr + mp->len;
	f->prot = mp->prot;
	f->offset = mp->file_offset;
	(*n)++;
	return 0;
}

void dbb_fmaps_free(struct dbb_fmap *maps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(maps[i].path);
	free(maps);
}

int dbb_lines_startup(struct dbb_image *img, struct dbb_fmap **maps, size_t *n)
{
	struct startup st = { 0 };
	struct hs_trace_visitor vis = { .ctx = &st, .event = s_event };
	struct hs_trace_decoder *d = NULL;
	struct hs_trace_chunk chunk = { .data = NULL };
	struct hs_trace_err terr = { "" };
	size_t c1 = 0;
	int ret;

	*maps = NULL;
	*n = 0;
	if ((ret = hs_trace_decoder_new(img->code, &vis, &d)))
		return ret;
	hs_trace_decoder_set_check(d, false);
	while (c1 < img->n_chunks &&
	       hs_trace_file_chunk_info(img->stream, c1)->first_t < DBB_LINES_STARTUP_T)
		c1++;
	(void)hs_trace_decoder_chunks(d, img->stream, 0, c1, &chunk, &terr); /* see below */
	hs_trace_chunk_release(&chunk);
	hs_trace_decoder_free(d);
	if (st.ret) {
		dbb_fmaps_free(st.maps, st.n);
		return st.ret;
	}
	/* A recording that does not decode there fails later, with a message
	 * (or is cut short there: incomplete); the maps seen so far are the
	 * start-up's either way, the same for every build. */
	*maps = st.maps;
	*n = st.n;
	return 0;
}

/* ---- the merge -------------------------------------------------------------- */

/* The fs/source handle of the shards' line pass, made when first needed. */
struct inl_src {
	struct dbb_lsrc *ls;
	struct dbb_lcache *cache;
	const struct dbb_fmap *maps;
	size_t n_maps;
	const char *pack_dir;
	bool own;
};

static struct hs_src *inl_src_get(void *ctx)
{
	struct inl_src *is = ctx;

	if (!is->ls && !is->own) {
		is->own = true; /* tried: on failure copies end where the pc leaves */
		if (dbb_lsrc_new(is->cache, is->maps, is->n_maps, true, is->pack_dir, &is->ls))
			is->ls = NULL;
	}
	return dbb_lsrc_src(is->ls);
}

static int has_lines_files(const char *dir)
{
	char *p = dbb_path(dir, "lfinal.sp");
	int ok = p && access(p, F_OK) == 0;

	free(p);
	return ok;
}

int dbb_lines_build(struct dbb_image *img, const struct dbb_fmap *maps, size_t n_maps,
		    char *const *shard_dirs, const size_t *first, const size_t *end, unsigned n,
		    const char *tmp, FILE *log, struct dbb_lines **out, struct hs_dbb_err *err)
{
	struct dbb_lsrc *full = NULL, *early = NULL;
	struct dbb_fmap *smaps = NULL;
	size_t n_smaps = 0;
	struct ljob *jobs = NULL;
	pthread_t *th = NULL;
	char **dirs = NULL;
	struct dbb_lines *l = NULL;
	bool fused = true, later = false;
	int ret;

	*out = NULL;
	if ((ret = dbb_image_code(img, err)))
		return ret;
	/* The shards ran the pass with the start-up's modules (if any had
	 * lines): the whole answer unless code was mapped later (dlopen) from
	 * a file with lines.  Only then is the debug info loaded here. */
	if (img->have_smaps) {
		smaps = img->smaps; /* the threaded build's, borrowed */
		n_smaps = img->n_smaps;
	} else if ((ret = dbb_lines_startup(img, &smaps, &n_smaps))) {
		goto fail;
	}
	for (size_t i = 0; i < n_maps && !later; i++) {
		size_t k;

		if (!(maps[i].prot & 4 /* PROT_EXEC */))
			continue;
		for (k = 0; k < n_smaps; k++)
			if (smaps[k].start == maps[i].start && smaps[k].end == maps[i].end &&
			    !strcmp(smaps[k].path, maps[i].path))
				break;
		later = k == n_smaps;
	}
	for (unsigned s = 0; s < n; s++)
		fused = fused && has_lines_files(shard_dirs[s]);
	if (later) {
		if ((ret = dbb_lsrc_new(img->lcache, maps, n_maps, false, img->pack_dir, &full)) ||
		    (ret = dbb_lsrc_new(img->lcache, smaps, n_smaps, false, img->pack_dir,
					&early)))
			goto fail;
		fused = fused && dbb_lsrc_covers(early, full);
		if (!full)
			goto done; /* no debug info anywhere */
	} else if (!fused) {
		ret = 0;
		goto done; /* the start-up modules have no lines: none at all */
	}
	l = calloc(1, sizeof(*l));
	dirs = calloc(n, sizeof(*dirs));
	if (!l || !dirs || !(l->res_path = dbb_path(tmp, "lines.res"))) {
		ret = -ENOMEM;
		goto fail;
	}
	if (!fused) {
		/* said once a build: a shell loop's every child would say it */
		dbb_warnlog_say(img->warn, "note", "a module with debug info was mapped after the "
				"start-up (dlopen): line starts of such processes need a second "
				"pass over their trace");
		jobs = calloc(n, sizeof(*jobs));
		th = calloc(n, sizeof(*th));
		if (!jobs || !th) {
			ret = -ENOMEM;
			goto fail;
		}
		for (unsigned s = 0; s < n; s++) {
			char name[32];

			snprintf(name, sizeof(name), "lines.%u", s);
			if (!(dirs[s] = dbb_path(tmp, name))) {
				ret = -ENOMEM;
				goto fail;
			}
			if ((ret = dbb_rmtree(dirs[s])) || (ret = dbb_mkdir(dirs[s])))
				goto fail;
			jobs[s] = (struct ljob){ .img = img, .ls = full, .c0 = first[s],
						 .c1 = end[s], .dir = dirs[s] };
		}
		for (unsigned s = 0; s < n; s++) {
			jobs[s].started = pthread_create(&th[s], NULL, ljob_run, &jobs[s]) == 0;
			if (!jobs[s].started)
				ljob_run(&jobs[s]);
		}
		for (unsigned s = 0; s < n; s++)
			if (jobs[s].started)
				pthread_join(th[s], NULL);
		for (unsigned s = 0; s < n; s++) {
			if (jobs[s].ret) {
				ret = jobs[s].ret;
				dbb_err_set(err, "%s", jobs[s].err.msg);
				goto fail_quiet;
			}
		}
	}
	if ((ret = resolve(l, fused ? shard_dirs : dirs, n, log)))
		goto fail;
	{
		/* the handle of the pass resolved: the second pass's, or one
		 * like the shards' (frame ids are a handle's own) */
		struct inl_src is = { fused ? NULL : full, img->lcache, smaps, n_smaps,
				       img->pack_dir, 0 };

		ret = dbb_inl_resolve(inl_src_get, &is, fused ? shard_dirs : dirs, n, tmp,
				      &l->inl);
		if (is.own)
			dbb_lsrc_free(is.ls);
		if (ret)
			goto fail;
	}
	*out = l;
	l = NULL;
	goto done;
fail:
	dbb_err_set(err, "%s: line starts: %s", img->dir, strerror(-ret));
fail_quiet:
done:
	for (unsigned s = 0; !fused && dirs && s < n; s++) {
		if (dirs[s])
			dbb_rmtree(dirs[s]);
	}
	for (unsigned s = 0; dirs && s < n; s++)
		free(dirs[s]);
	free(dirs);
	free(jobs);
	free(th);
	dbb_lsrc_free(full);
	dbb_lsrc_free(early);
	if (!img->have_smaps)
		dbb_fmaps_free(smaps, n_smaps);
	dbb_lines_free(l);
	return ret;
}
