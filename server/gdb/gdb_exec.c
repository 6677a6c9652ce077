/* gdb_exec.c - moving t: steps, continues, breakpoints and watchpoints.
 *
 * Breakpoints are addresses kept here, never written to memory.  The
 * instruction that runs next at t (instruction t + 1, which the decoder
 * reports with t) is not a hit for a continue from t: gdb steps off a
 * breakpoint before it inserts it again, and a continue from a hit must
 * find the next one.  So a continue from t stops at the least t' > t whose
 * instruction is at a breakpoint address, a reverse continue at the
 * greatest t' < t; the stop is the state t', before that instruction.
 *
 * Finding t' decodes stream chunks (the trace decoder, some 30-50 M
 * instructions a second here): forwards from the chunk holding t,
 * backwards a chunk at a time from it, skipping the chunks that an
 * earlier scan saw run none of the breakpoint addresses.  Write watchpoints come from the write index instead:
 * a continue stops at the next write to a watched range after t (the state
 * after the writing instruction, the write's t in db.h), a reverse
 * continue at the state before the last write at or before t (write.t -
 * 1): gdb shows the value going back to what it was.  When both a
 * breakpoint and a write qualify, the nearer wins.
 * Read watchpoints (and the reads of access watchpoints) are found by the
 * scans too, which then decode every chunk: each instruction's memory
 * reads (gdb_reads.c) against the watched ranges.  A read stops where a
 * hardware watchpoint does, after the instruction (forwards) or before it
 * (backwards), as a write does.  Only reads: native gdb on x86 has no
 * read-only debug registers and makes rwatch an access watchpoint that
 * ignores the writes that change the value, so it also stops at a store
 * of the same value and misses the read of a read-modify-write
 * instruction (`addl $1, g`); a target that takes Z3 is trusted.
 *
 * A step of thread X moves to the state after X's next instruction: the
 * other threads' instructions in between run too, as they would live.
 */
#include "gdb_i.h"
#include "hindsight/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* What a scan looks for: an instruction at a breakpoint address, or of
 * one thread (a step). */
struct scan {
	struct hs_gdb *g;
	uint64_t lo, hi;        /* instructions reported with lo <= t <= hi */
	uint32_t step_tid;      /* 0: breakpoints */
	bool backwards;         /* keep the last match, not the first */
	bool found;
	uint64_t t;
	uint32_t tid;
	uint64_t prev_rip;      /* the instruction before, and its thread */
	uint32_t prev_tid;
	/* range stepping (vCont;r): step_tid's first instruction runs,
	 * then the scan stops at its first one outside [r_lo, r_hi) or at
	 * a breakpoint */
	bool range, stepped, hit_bp;
	uint64_t r_lo, r_hi;
	/* reads of watched ranges (Z3, Z4): found is then a read when
	 * rd_hit, at rd_addr of a watchpoint of rd_type; only_reads: look
	 * for nothing else */
	bool reads, only_reads, rd_hit;
	uint64_t bp_lo;         /* breakpoints from this t on only */
	uint64_t rd_addr;
	int rd_type;
	/* gdb's ^C, seen between chunks: the scan stops at the state
	 * where the next chunk begins (forwards) or the chunk just decoded
	 * began (backwards) */
	bool interrupted;
	uint64_t t_interrupt;
};

static bool is_bp(const struct hs_gdb *g, uint64_t rip);
static int resume_done(struct hs_gdb *g, struct gdb_stop *out);

static bool is_bp(const struct hs_gdb *g, uint64_t rip)
{
	for (size_t i = 0; i < g->n_bps; i++)
		if (g->bps[i] == rip)
			return true;
	return false;
}

/* ---- which addresses a chunk runs ------------------------------------------
 * A Bloom filter per stream chunk of the instruction addresses it runs:
 * the database's (addrs.hdb, made by the build), or, in a database built
 * before those, one filled whenever a scan decodes the whole chunk.  A
 * continue skips the chunks whose filter has none of the breakpoint
 * addresses. */

static void filt_bits(uint64_t rip, uint32_t *b1, uint32_t *b2)
{
	uint64_t h = rip * 0x9e3779b97f4a7c15ull;

	h ^= h >> 29;
	*b1 = (uint32_t)(h % GDB_FILT_BITS);
	*b2 = (uint32_t)((h >> 32) % GDB_FILT_BITS);
}

static void filt_add(uint8_t *f, uint64_t rip)
{
	uint32_t b1, b2;

	filt_bits(rip, &b1, &b2);
	f[b1 / 8] |= (uint8_t)(1u << (b1 % 8));
	f[b2 / 8] |= (uint8_t)(1u << (b2 % 8));
}

static bool filt_has(const uint8_t *f, uint64_t rip)
{
	uint32_t b1, b2;

	filt_bits(rip, &b1, &b2);
	return (f[b1 / 8] >> (b1 % 8) & 1) && (f[b2 / 8] >> (b2 % 8) & 1);
}

/* Whether chunk c may run a breakpoint address (true when not known). */
static bool chunk_may_hit(struct hs_gdb *g, size_t c)
{
	if (g->afilt) {
		for (size_t i = 0; i < g->n_bps; i++)
			if (hs_db_addr_may_run(g->afilt, c, g->bps[i]))
				return true;
		return false;
	}
	if (!g->filt || !g->filt[c])
		return true;
	for (size_t i = 0; i < g->n_bps; i++)
		if (filt_has(g->filt[c], g->bps[i]))
			return true;
	return false;
}

static void range_insn(struct scan *s, uint64_t t, uint32_t tid, uint64_t rip,
		       bool again)
{
	if (tid != s->step_tid || s->found)
		return;
	if (!s->stepped) {
		s->stepped = true;
		return;
	}
	s->hit_bp = !again && is_bp(s->g, rip);
	if (rip < s->r_lo || rip >= s->r_hi || s->hit_bp) {
		s->found = true;
		s->t = t;
		s->tid = tid;
	}
}

static void scan_found(struct scan *s, uint64_t t, uint32_t tid, bool rd)
{
	s->found = true;
	s->t = t;
	s->tid = tid;
	s->rd_hit = rd;
}

/* Does the instruction at rip (t before it) read a watched range (Z3,
 * Z4)?  Then rd_addr and rd_type say which: the first watched byte read,
 * as a debug register reports it. */
static bool read_hit(struct hs_gdb *g, struct scan *s, uint64_t t, uint32_t tid,
		     uint64_t rip, const uint8_t *state)
{
	struct gdb_access a[GDB_READS_MAX];
	size_t n = gdb_insn_reads(g, t, tid, rip, state, a);

	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < g->n_wps; i++) {
			const struct gdb_watch *wp = &g->wps[i];

			if (wp->type == 2 || a[k].addr >= wp->addr + wp->len ||
			    wp->addr >= a[k].addr + a[k].len)
				continue;
			s->rd_addr = a[k].addr > wp->addr ? a[k].addr : wp->addr;
			s->rd_type = wp->type;
			return true;
		}
	return false;
}

/* Every instruction of a decoded chunk comes here, also those outside
 * [lo, hi]: the chunk's filter wants them all, and the reads the
 * registers each thread runs its next one with. */
static int scan_insn(void *ctx, uint64_t t, uint32_t tid, uint64_t rip)
{
	struct hs_gdb *g = ctx;
	struct scan *s = g->scan;
	/* Each iteration of a rep-prefixed instruction counts as one
	 * instruction at the same address; a breakpoint there is hit once,
	 * when the instruction starts, as int3 is live. */
	bool again = s->prev_tid == tid && s->prev_rip == rip;
	const uint8_t *state = s->reads ? hs_trace_decoder_state(g->dec, tid) : NULL;

	if (g->building)
		filt_add(g->building, rip);
	s->prev_rip = rip;
	s->prev_tid = tid;
	if (t < s->lo || t > s->hi || (s->found && !s->backwards)) {
		/* nothing to find */
	} else if (s->range) {
		range_insn(s, t, tid, rip, again);
	} else {
		/* at one instruction: a breakpoint stops before it, a read
		 * after it (forwards), a step after it too, but a read there
		 * is the stop's reason; backwards all stop before it, the
		 * last match kept */
		if (!s->step_tid && !s->only_reads && !again && t >= s->bp_lo && is_bp(g, rip))
			scan_found(s, t, tid, false);
		if (s->backwards && s->step_tid == tid)
			scan_found(s, t, tid, false);
		if (s->reads && (!s->found || s->backwards) && read_hit(g, s, t, tid, rip, state))
			scan_found(s, t, tid, true);
		if (!s->backwards && !s->found && s->step_tid == tid)
			scan_found(s, t, tid, false);
	}
	if (s->reads)
		gdb_reads_snap(g, tid, state);
	return 0;
}

/* Events and register dumps change registers: the next instruction of
 * the thread runs with the state they leave. */
static int scan_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag,
		      const uint8_t *pl, uint32_t len)
{
	struct hs_gdb *g = ctx;
	struct scan *s = g->scan;

	if (s && s->reads && tid)
		gdb_reads_snap(g, tid, hs_trace_decoder_state(g->dec, tid));
	return 0;
}

static int scan_regs(void *ctx, uint64_t t, uint32_t tid, uint32_t reason,
		     const uint8_t *state)
{
	struct hs_gdb *g = ctx;
	struct scan *s = g->scan;

	if (s && s->reads)
		gdb_reads_snap(g, tid, state);
	return 0;
}

/* The chunk holding instruction t: the last with first_t <= t. */
static size_t chunk_of(const struct hs_gdb *g, uint64_t t)
{
	const struct hs_trace_file *f = g->timg->stream;
	size_t lo = 0, hi = hs_trace_file_chunk_count(f);

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (hs_trace_file_chunk_info(f, mid)->first_t <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int decode_chunk(struct hs_gdb *g, size_t i)
{
	struct hs_trace_err err = { "" };
	int rc;

	if (g->filt && !g->filt[i])
		g->building = calloc(1, GDB_FILT_BITS / 8);
	rc = hs_trace_file_read_chunk(g->timg->stream, i, &g->chunk, &err);
	if (rc == 0)
		rc = hs_trace_decoder_chunk(g->dec, &g->chunk, &err);
	if (rc < 0)
		fprintf(stderr, "hindsight gdbserver: %s\n", err.msg);
	if (rc == 0 && g->building) {
		g->filt[i] = g->building;
		g->building = NULL;
	}
	free(g->building);
	g->building = NULL;
	return rc;
}

/* Runs s over the instructions lo..hi, forwards or backwards.  A scan
 * for breakpoints only skips the chunks that cannot hit one. */
static int scan_run(struct hs_gdb *g, struct scan *s)
{
	size_t n = hs_trace_file_chunk_count(g->timg->stream), c;
	bool may_skip = !s->range && !s->step_tid && !s->reads;
	int rc = 0;

	if (s->lo > s->hi || n == 0)
		return 0;
	g->scan = s;
	if (!s->backwards) {
		bool fresh = true;

		for (c = chunk_of(g, s->lo); c < n && !s->found; c++) {
			if (c > 0 && hs_trace_file_chunk_info(g->timg->stream, c)->first_t > s->hi)
				break;
			if (may_skip && !chunk_may_hit(g, c)) {
				fresh = true;
			} else {
				if (fresh) {
					hs_trace_decoder_reset(g->dec);
					gdb_reads_forget(g);
					s->prev_tid = 0;
				}
				fresh = false;
				rc = decode_chunk(g, c);
				if (rc < 0)
					return rc;
			}
			if (!s->found && c + 1 < n && gdb_poll_interrupt(g)) {
				s->interrupted = true;
				s->t_interrupt = hs_trace_file_chunk_info(g->timg->stream, c + 1)->first_t;
				return 0;
			}
		}
		return 0;
	}
	c = chunk_of(g, s->hi);
	for (;;) {
		if (!may_skip || chunk_may_hit(g, c)) {
			hs_trace_decoder_reset(g->dec);
			gdb_reads_forget(g);
			s->prev_tid = 0;
			rc = decode_chunk(g, c);
			if (rc < 0)
				return rc;
		}
		if (s->found || c == 0 ||
		    hs_trace_file_chunk_info(g->timg->stream, c)->first_t <= s->lo)
			return 0;
		if (gdb_poll_interrupt(g)) {
			s->interrupted = true;
			s->t_interrupt = hs_trace_file_chunk_info(g->timg->stream, c)->first_t;
			return 0;
		}
		c--;
	}
}

/* ---- watchpoints ------------------------------------------------------------ */

struct first_write {
	const struct hs_db_image *img;
	bool found;
	struct hs_db_write w;
};

static int take_first_write(void *ctx, const struct hs_db_write *w)
{
	struct first_write *f = ctx;

	if (w->img != f->img)
		return 0;       /* the parent's, before a fork */
	f->found = true;
	f->w = *w;
	return 1;
}

/* The nearest watchpoint stop for writes with lo <= write.t <= hi:
 * forwards the least write.t, backwards the greatest write.t - 1 (the
 * state before it: gdb shows the value going back).  -ENOENT: none. */
static int watch_in(struct hs_gdb *g, uint64_t lo, uint64_t hi, bool reverse,
		    struct gdb_stop *out)
{
	bool any = false;
	uint8_t *buf = NULL;
	int err = 0;

	if (lo > hi || hi > g->t_end)
		return -ENOENT;
	for (size_t i = 0; i < g->n_wps; i++) {
		const struct gdb_watch *wp = &g->wps[i];
		struct first_write f = { .img = g->img };
		uint64_t st;

		if (wp->type == 3)
			continue;   /* reads: the scans */
		if (!reverse) {
			err = hs_db_writes(g->img, wp->addr, wp->len, lo, hi,
					   take_first_write, &f);
			if (err < 0 && err != -ENOENT)
				goto out;
		} else {
			uint8_t *nb = realloc(buf, wp->len);

			if (!nb) {
				err = -ENOMEM;
				goto out;
			}
			buf = nb;
			err = hs_db_last_write(g->img, wp->addr, wp->len, hi, &f.w, buf);
			if (err < 0 && err != -ENOENT)
				goto out;
			f.found = err == 0 && f.w.img == g->img && f.w.t > 0 && f.w.t >= lo;
		}
		if (!f.found)
			continue;
		st = reverse ? f.w.t - 1 : f.w.t;
		if (!any || (reverse ? st > out->t : st < out->t)) {
			any = true;
			out->t = st;
			out->tid = f.w.tid;
			out->why = GDB_STOP_WATCH;
			out->watch_addr = f.w.data_addr;
			out->watch_type = wp->type;
		}
	}
	err = any ? 0 : -ENOENT;
out:
	free(buf);
	return err;
}

/* The nearest watchpoint stop from t, forwards or backwards. */
static int watch_next(struct hs_gdb *g, bool reverse, struct gdb_stop *out)
{
	if (!reverse)
		return g->t >= g->t_end ? -ENOENT : watch_in(g, g->t + 1, g->t_end, false, out);
	return g->t == 0 ? -ENOENT : watch_in(g, 1, g->t, true, out);
}

/* Whether a scan should look for reads: some watchpoint wants them
 * (then 1, with g->rd ready: made at the first such scan), 0, or -errno. */
static int want_reads(struct hs_gdb *g)
{
	int err;

	for (size_t i = 0; i < g->n_wps; i++) {
		if (g->wps[i].type == 2)
			continue;
		if (!g->rd && (err = gdb_reads_open(g))) {
			gdb_reads_close(g);
			return err;
		}
		return 1;
	}
	return 0;
}

static int scan_run(struct hs_gdb *g, struct scan *s);

/* The reads of watched ranges by the instructions a step ran (from g->t
 * to out->t, or back): the first (last) is the stop, as for writes. */
static int read_step(struct hs_gdb *g, bool reverse, struct gdb_stop *out)
{
	struct scan s = { .g = g, .reads = true, .only_reads = true, .backwards = reverse };
	uint64_t st;
	int err;

	s.lo = reverse ? out->t : g->t;
	s.hi = reverse ? g->t - 1 : out->t - 1;
	err = scan_run(g, &s);
	if (err < 0 || !s.found)
		return err < 0 ? err : 0;
	st = reverse ? s.t : s.t + 1;
	if (st != out->t) {
		memset(out, 0, sizeof(*out));
		out->t = st;
		out->tid = s.tid;
	}
	out->why = GDB_STOP_WATCH;
	out->watch_addr = s.rd_addr;
	out->watch_type = s.rd_type;
	return 0;
}

/* A step or range step that ran (forwards) or undid (backwards) a write
 * to a watched range, or a read of one, reports it, as a hardware
 * watchpoint triggers on the step that writes: gdb steps over a
 * breakpoint before it continues, and that step may be the store.  A
 * range step stops at the write. */
static int watch_step(struct hs_gdb *g, bool reverse, struct gdb_stop *out)
{
	struct gdb_stop w = { 0 }, r = *out;
	int err;

	if (!g->n_wps || out->why != GDB_STOP_PLAIN || out->t == g->t)
		return 0;
	err = want_reads(g);
	if (err > 0)
		err = read_step(g, reverse, &r);
	if (err < 0)
		return err;
	err = reverse ? watch_in(g, out->t + 1, g->t, true, &w) :
			watch_in(g, g->t + 1, out->t, false, &w);
	if (err && err != -ENOENT)
		return err;
	/* a read nearer than the first write (at one instruction that
	 * reads and writes, the write) */
	if (r.why == GDB_STOP_WATCH && (err || (reverse ? r.t > w.t : r.t < w.t))) {
		*out = r;
		return 0;
	}
	if (err)
		return 0;
	if (reverse ? w.t > out->t : w.t < out->t) {
		/* another thread's write on the way, or a range step's:
		 * the stop is there, as a hardware watchpoint's */
		*out = w;
		return 0;
	}
	out->why = GDB_STOP_WATCH;
	out->watch_addr = w.watch_addr;
	out->watch_type = w.watch_type;
	return 0;
}

/* ---- resuming ----------------------------------------------------------------- */

static bool scan_interrupted(const struct scan *s, struct gdb_stop *out)
{
	if (!s->interrupted || s->found)
		return false;
	out->t = s->t_interrupt;
	out->tid = 0;
	out->why = GDB_STOP_INTERRUPT;
	return true;
}

static int do_step(struct hs_gdb *g, bool reverse, uint32_t tid,
		   struct gdb_stop *out)
{
	struct scan s = { .g = g, .step_tid = tid, .backwards = reverse };
	uint32_t at;
	int err;

	if (!reverse && g->pre_signal) {
		/* a step delivers the signal: the handler's first instruction */
		out->t = g->t;
		out->tid = g->pre_tid;
		return 0;
	}
	if (reverse ? g->t == 0 : g->t >= g->t_end) {
		out->t = g->t;
		out->why = reverse ? GDB_STOP_BEGIN : GDB_STOP_END;
		return 0;
	}
	/* the common case needs no decoding: X runs the next instruction
	 * (or ran the last one) */
	if (hs_db_thread_at(g->img, reverse ? g->t - 1 : g->t, &at) == 0 &&
	    (tid == 0 || at == tid)) {
		out->t = reverse ? g->t - 1 : g->t + 1;
		out->tid = at;
		return 0;
	}
	s.lo = reverse ? 0 : g->t;
	s.hi = reverse ? g->t - 1 : g->t_end - 1;
	err = scan_run(g, &s);
	if (err < 0)
		return err;
	if (scan_interrupted(&s, out))
		return 0;
	if (!s.found) {
		out->t = reverse ? 0 : g->t_end;
		out->why = reverse ? GDB_STOP_BEGIN : GDB_STOP_END;
		return 0;
	}
	out->t = reverse ? s.t : s.t + 1;
	out->tid = s.tid;
	return 0;
}

/* ---- signals -----------------------------------------------------------------
 * A continue stops where a handler's delivery begins, as gdb stops live
 * when a signal arrives (the events index says where; no decoding): t is
 * the delivery's, but the thread's registers are the interrupted ones,
 * read back from the handler's signal frame, so gdb shows where the
 * signal hit; a step or continue from there enters the handler.  Signals gdb passes silently
 * (QPassSignals) and the fatal one (the end of the recording) do not stop
 * it. */

struct first_signal {
	struct hs_gdb *g;
	bool last;          /* keep the last one, not the first */
	bool found;
	struct gdb_stop st;
};

static int take_signal(void *ctx, const struct hs_db_event *ev)
{
	struct first_signal *f = ctx;
	int32_t signo;
	int gs;

	if (ev->len < 12 || (hs_trace_le32(ev->payload + 8) & HS_SIG_FATAL))
		return 0;
	signo = (int32_t)hs_trace_le32(ev->payload + 4);
	gs = gdb_signo(signo);
	if (gs >= 0 && gs < GDB_NSIG && f->g->pass[gs])
		return 0;
	f->found = true;
	f->st.t = ev->t;
	f->st.tid = hs_trace_le32(ev->payload);
	f->st.why = GDB_STOP_SIGNAL;
	f->st.signo = signo;
	return !f->last;
}

static int signal_next(struct hs_gdb *g, struct gdb_stop *out)
{
	struct first_signal f = { .g = g };
	int err;

	if (g->t + 1 > g->t_end)
		return -ENOENT;
	err = hs_db_events(g->img, g->t + 1, g->t_end, HS_DB_KIND_BIT(HS_EV_SIGNAL),
			   take_signal, &f);
	if (err < 0)
		return err;
	if (!f.found)
		return -ENOENT;
	*out = f.st;
	return 0;
}

/* Backwards: the last delivery before t, or at t when t is past it (the
 * handler's first instruction about to run), where a reverse continue
 * stops as a forward one does. */
static int signal_prev(struct hs_gdb *g, struct gdb_stop *out)
{
	struct first_signal f = { .g = g, .last = true };
	uint64_t hi = g->pre_signal ? g->t - (g->t > 0) : g->t;
	int err;

	if (g->pre_signal && g->t == 0)
		return -ENOENT;
	err = hs_db_events(g->img, 0, hi, HS_DB_KIND_BIT(HS_EV_SIGNAL), take_signal, &f);
	if (err < 0)
		return err;
	if (!f.found)
		return -ENOENT;
	*out = f.st;
	return 0;
}

/* The interrupted registers of a delivery at t: the handler runs with
 * rsp at its return address, then the ucontext, whose mcontext (at 40)
 * holds r8..r15 rdi rsi rbp rbx rdx rax rcx rsp rip eflags ... fpstate
 * (the 24th), an FXSAVE area with the xmm registers at 160.  Valgrind
 * builds the frame as the kernel does (gdb's own signal-frame unwinder
 * reads it the same way). */
static int pre_signal_load(struct hs_gdb *g, uint64_t t, uint32_t tid)
{
	/* mcontext slot of each gpr[] (hardware order) */
	static const uint8_t slot[16] = { 13, 14, 12, 11, 15, 10, 9, 8,
					  0, 1, 2, 3, 4, 5, 6, 7 };
	struct hs_db_regs *r = g->pre_regs;
	uint8_t mc[24 * 8], fx[416];
	int err;

	if (!r) {
		r = g->pre_regs = malloc(sizeof(*r));
		if (!r)
			return -ENOMEM;
	}
	err = hs_db_regs_at(g->img, t, tid, r);
	if (err)
		return err;
	if (hs_db_mem_read(g->img, t, r->regs.gpr[4] + 8 + 40, sizeof mc, mc) != sizeof mc)
		return -EIO;
	for (int i = 0; i < 16; i++)
		r->regs.gpr[i] = hs_trace_le64(mc + 8 * slot[i]);
	r->regs.rip = hs_trace_le64(mc + 8 * 16);
	r->regs.rflags = hs_trace_le64(mc + 8 * 17);
	if (hs_db_mem_read(g->img, t, hs_trace_le64(mc + 8 * 23), sizeof fx, fx) == sizeof fx) {
		for (int i = 0; i < 16; i++)
			memcpy(r->regs.ymm[i], fx + 160 + 16 * i, 16);
		r->regs.sseround = hs_trace_le32(fx + 24) >> 13 & 3;
	}
	return 0;
}

int gdb_pre_signal_regs(struct hs_gdb *g, uint32_t tid, struct hs_db_regs *out)
{
	uint32_t at;

	if (!g->pre_signal)
		return -ENOENT;
	if (!tid && hs_db_thread_at(g->img, g->t, &at) == 0)
		tid = at;
	if (tid != g->pre_tid)
		return -ENOENT;
	*out = *g->pre_regs;
	return 0;
}

static int do_continue(struct hs_gdb *g, bool reverse, struct gdb_stop *out)
{
	struct scan s = { .g = g, .backwards = reverse };
	struct gdb_stop w = { 0 }, sg;
	bool have_w;
	int err = want_reads(g);

	if (err < 0)
		return err;
	s.reads = err > 0;
	err = watch_next(g, reverse, &w);
	if (err < 0 && err != -ENOENT)
		return err;
	have_w = err == 0;
	/* forwards, a write by the instruction before a delivery comes
	 * first; backwards, the delivery comes before (is nearer than) a
	 * write that its t undoes */
	err = reverse ? signal_prev(g, &sg) : signal_next(g, &sg);
	if (err < 0 && err != -ENOENT)
		return err;
	if (err == 0 && (!have_w || (reverse ? sg.t > w.t : sg.t < w.t))) {
		w = sg;
		have_w = true;
	}
	if (!reverse) {
		/* from before a delivery, the handler's first instruction
		 * has not run yet; otherwise the instruction at t is stepped
		 * off as a breakpoint, but its reads count (it runs now) */
		s.bp_lo = g->pre_signal ? g->t : g->t + 1;
		s.lo = s.reads ? g->t : s.bp_lo;
		s.hi = have_w ? (w.t ? w.t - 1 : 0) : g->t_end - (g->t_end > 0);
	} else {
		/* a breakpoint at the handler's first instruction (t of the
		 * delivery) is nearer than the delivery's stop */
		s.lo = have_w ? w.t + (w.why != GDB_STOP_SIGNAL) : 0;
		s.hi = g->t ? g->t - 1 : 0;
		if (g->t == 0)
			s.lo = 1;  /* nothing before t = 0 */
	}
	if (g->n_bps || s.reads) {
		err = scan_run(g, &s);
		if (err < 0)
			return err;
	}
	if (s.interrupted && !s.found && !(have_w && !reverse && w.t <= s.t_interrupt)) {
		scan_interrupted(&s, out);
		return 0;
	}
	if (s.found && s.rd_hit) {
		/* a read: after the instruction, or before it backwards */
		out->t = reverse ? s.t : s.t + 1;
		out->tid = s.tid;
		out->why = GDB_STOP_WATCH;
		out->watch_addr = s.rd_addr;
		out->watch_type = s.rd_type;
	} else if (s.found) {
		out->t = s.t;
		out->tid = s.tid;
		out->why = GDB_STOP_BREAK;
	} else if (have_w) {
		*out = w;
	} else {
		out->t = reverse ? 0 : g->t_end;
		out->why = reverse ? GDB_STOP_BEGIN : GDB_STOP_END;
	}
	return 0;
}

int gdb_range_step(struct hs_gdb *g, uint32_t tid, uint64_t lo, uint64_t hi,
		   struct gdb_stop *out)
{
	struct scan s = { .g = g, .range = true, .r_lo = lo, .r_hi = hi };
	int err;

	memset(out, 0, sizeof(*out));
	if (!tid && hs_db_thread_at(g->img, g->t, &tid) < 0)
		return -ESRCH;
	s.step_tid = tid;
	if (g->pre_signal) {
		out->t = g->t;
		out->tid = g->pre_tid;
	} else if (g->t >= g->t_end) {
		out->t = g->t;
		out->why = GDB_STOP_END;
	} else {
		s.lo = g->t;
		s.hi = g->t_end - 1;
		err = scan_run(g, &s);
		if (err < 0)
			return err;
		if (scan_interrupted(&s, out))
			return resume_done(g, out);
		out->t = s.found ? s.t : g->t_end;
		out->tid = s.found ? s.tid : 0;
		out->why = !s.found ? GDB_STOP_END : s.hit_bp ? GDB_STOP_BREAK : GDB_STOP_PLAIN;
		err = watch_step(g, false, out);
		if (err)
			return err;
	}
	return resume_done(g, out);
}

int gdb_resume(struct hs_gdb *g, bool reverse, bool step, uint32_t tid,
	       struct gdb_stop *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = step ? do_step(g, reverse, tid, out) : do_continue(g, reverse, out);
	if (!err && step)
		err = watch_step(g, reverse, out);
	if (err)
		return err;
	return resume_done(g, out);
}

/* Moves t to the stop: the signal of a crash at the end, the thread. */
static int resume_done(struct hs_gdb *g, struct gdb_stop *out)
{
	/* arriving at the end of an image that a signal killed: gdb shows
	 * the signal, as it would live (the state is before the faulting
	 * instruction, which did not retire) */
	if (out->why == GDB_STOP_END && g->t < g->t_end && hs_db_crashed(g->img)) {
		struct hs_db_exit ex;

		if (hs_db_exit(g->img, &ex) == 0 && ex.kind == HS_EXIT_SIGNAL && ex.value > 0) {
			out->why = GDB_STOP_SIGNAL;
			out->signo = ex.value;
			out->tid = ex.sig_tid;
		}
	}
	g->t = out->t;
	g->pre_signal = false;
	if (out->why == GDB_STOP_SIGNAL && out->t < g->t_end &&
	    pre_signal_load(g, out->t, out->tid) == 0) {
		g->pre_signal = true;
		g->pre_tid = out->tid;
	}
	if (!out->tid && hs_db_thread_at(g->img, g->t, &out->tid) < 0)
		out->tid = 0;
	if (out->tid)
		g->gtid = out->tid;
	return 0;
}

/* ---- breakpoint and watchpoint lists --------------------------------------------- */

int gdb_bp_add(struct hs_gdb *g, uint64_t addr)
{
	if (is_bp(g, addr))
		return 0;
	if (hs_grow((void **)&g->bps, &g->cap_bps, g->n_bps + 1, sizeof(*g->bps)))
		return -ENOMEM;
	g->bps[g->n_bps++] = addr;
	return 0;
}

int gdb_bp_del(struct hs_gdb *g, uint64_t addr)
{
	for (size_t i = 0; i < g->n_bps; i++)
		if (g->bps[i] == addr) {
			g->bps[i] = g->bps[--g->n_bps];
			return 0;
		}
	return 0;
}

int gdb_wp_add(struct hs_gdb *g, int type, uint64_t addr, uint64_t len)
{
	if (len == 0 || len > (1u << 20))
		return -EINVAL;
	if (hs_grow((void **)&g->wps, &g->cap_wps, g->n_wps + 1, sizeof(*g->wps)))
		return -ENOMEM;
	g->wps[g->n_wps].addr = addr;
	g->wps[g->n_wps].type = type;
	g->wps[g->n_wps++].len = len;
	return 0;
}

int gdb_wp_del(struct hs_gdb *g, int type, uint64_t addr, uint64_t len)
{
	for (size_t i = 0; i < g->n_wps; i++)
		if (g->wps[i].addr == addr && g->wps[i].len == len && g->wps[i].type == type) {
			g->wps[i] = g->wps[--g->n_wps];
			return 0;
		}
	return 0;
}

/* ---- threads --------------------------------------------------------------------- */

static int collect_tid(void *ctx, const struct hs_db_event *ev)
{
	struct hs_gdb *g = ctx;
	uint32_t tid;

	if (ev->len < 8)
		return 0;
	/* THREAD_RUN: tid, lwp; THREAD_CREATE: parent, child */
	tid = hs_trace_le32(ev->payload + (ev->tag == HS_EV_THREAD_CREATE ? 4 : 0));
	for (size_t i = 0; i < g->n_tids; i++)
		if (g->tids[i] == tid)
			return 0;
	if (hs_grow((void **)&g->tids, &g->cap_tids, g->n_tids + 1, sizeof(*g->tids)))
		return -ENOMEM;
	g->tids[g->n_tids++] = tid;
	return 0;
}

size_t gdb_threads_at(struct hs_gdb *g, uint64_t t, uint32_t *tids, size_t cap)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	size_t n = 0;

	if (!r)
		return 0;
	for (size_t i = 0; i < g->n_tids && n < cap; i++)
		if (hs_db_regs_at(g->img, t, g->tids[i], r) == 0)
			tids[n++] = g->tids[i];
	free(r);
	return n;
}

int gdb_exec_open(struct hs_gdb *g)
{
	struct hs_trace_visitor v = { .insn = scan_insn, .event = scan_event, .regs = scan_regs };
	struct hs_trace_err terr = { "" };
	struct hs_db_image_info info;
	char *dir = NULL;
	int err;

	hs_db_image_info(g->img, &info);
	if (asprintf(&dir, "%s/procs/%s", g->trace_dir, info.name) < 0)
		return -ENOMEM;
	err = hs_trace_image_open(dir, &g->timg, &terr);
	free(dir);
	if (err) {
		fprintf(stderr, "hindsight gdbserver: %s\n", terr.msg);
		return err;
	}
	/* the visitor is copied: each scan sets g->scan */
	v.ctx = g;
	err = hs_db_addr_filters_open(g->img, &g->afilt);
	if (err && err != -ENOENT)
		return err;
	if (!g->afilt) {
		g->filt = calloc(hs_trace_file_chunk_count(g->timg->stream) + 1,
				 sizeof(*g->filt));
		if (!g->filt)
			return -ENOMEM;
	}
	err = hs_trace_decoder_new(g->timg->code, &v, &g->dec);
	if (err)
		return err;
	hs_trace_decoder_set_check(g->dec, false);
	err = hs_db_events(g->img, 0, g->t_end,
			   HS_DB_KIND_BIT(HS_EV_THREAD_RUN) | HS_DB_KIND_BIT(HS_EV_THREAD_CREATE),
			   collect_tid, g);
	if (err < 0)
		return err;
	return 0;
}

void gdb_exec_close(struct hs_gdb *g)
{
	free(g->pre_regs);
	g->pre_regs = NULL;
	gdb_reads_close(g);
	if (g->filt && g->timg)
		for (size_t i = 0; i < hs_trace_file_chunk_count(g->timg->stream); i++)
			free(g->filt[i]);
	free(g->filt);
	g->filt = NULL;
	hs_db_addr_filters_free(g->afilt);
	g->afilt = NULL;
	hs_trace_decoder_free(g->dec);
	g->dec = NULL;
	hs_trace_chunk_release(&g->chunk);
	hs_trace_image_close(g->timg);
	g->timg = NULL;
}
