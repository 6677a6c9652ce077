/* db_lines.c - line starts (lines.hdb, lineidx.hdb, linefiles.hdb) and
 * gdb-like line stepping; the fixed-record cursor of the source-level
 * files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_i.h"

/* ---- fixed-size record cursor ---------------------------------------------- */

void db_fcursor_init(struct db_fcursor *c, struct hs_db_image *img, uint32_t kind,
		     size_t rec, size_t block, bool back)
{
	db_cursor_init(&c->pos, img, kind, block);
	c->rec = rec;
	c->back = back;
}

/* Once per block, when the cursor enters it. */
static int fc_check(const struct db_fcursor *c)
{
	if (c->pos.len % c->rec)
		return db_corrupt(c->pos.img->files[c->pos.kind], c->pos.block,
				  "the block is not a whole number of records");
	return 0;
}

static int fc_prev(struct db_fcursor *c, const uint8_t **rec)
{
	struct db_cursor *p = &c->pos;
	int err;

	while (!p->e || p->off == 0) {
		if (p->e) {
			db_cache_put(&p->img->db->cache, p->e);
			p->e = NULL;
			if (p->block == 0) {
				p->block = SIZE_MAX;
				return 1;
			}
			p->block--;
		}
		if (p->block >= p->n_blocks)
			return 1;
		err = db_block_get(p->img, p->kind, p->block, &p->e, &p->data, &p->len);
		if (!err)
			err = fc_check(c);
		if (err)
			return err;
		p->off = p->len;
	}
	p->off -= c->rec;
	*rec = p->data + p->off;
	return 0;
}

int db_fcursor_next(struct db_fcursor *c, const uint8_t **rec)
{
	struct db_cursor *p = &c->pos;
	int err;

	if (c->back)
		return fc_prev(c, rec);
	err = db_cursor_fill(p);
	if (!err && p->off == 0)
		err = fc_check(c);
	if (err)
		return err;
	*rec = p->data + p->off;
	p->off += c->rec;
	return 0;
}

void db_fcursor_release(struct db_fcursor *c)
{
	db_cursor_release(&c->pos);
}

/* ---- files and lines ---------------------------------------------------------- */

static void line_parse(const uint8_t *rec, struct hs_db_line_start *ls)
{
	*ls = (struct hs_db_line_start){
		.t = hs_le64(rec), .tid = hs_le32(rec + 8), .file_id = hs_le32(rec + 12),
		.line = hs_le32(rec + 16), .depth = hs_le32(rec + 20),
	};
}

/* Walks linefiles.hdb from the record with key >= from: cb(rec, text) for
 * each until it returns non-zero (1: stop quietly). */
typedef int (*lf_fn)(void *ctx, const uint8_t *rec, const char *text);
static int linefiles_walk(struct hs_db_image *img, uint64_t from, lf_fn cb, void *ctx)
{
	const struct hs_dbfile *f = img->files[HS_DB_LINEFILES];
	size_t nb = hs_dbfile_block_count(f);
	char *text = NULL;
	int err = 0;

	for (size_t b = db_block_first_ge(f, from); b < nb && !err; b++) {
		struct db_centry *e = NULL;
		const uint8_t *data;
		size_t len, off = 0;

		if ((err = db_block_get(img, HS_DB_LINEFILES, b, &e, &data, &len)))
			break;
		while (off < len && !err) {
			uint32_t tl;
			uint64_t key;

			if (len - off < HS_DB_LINEFILE_HDR ||
			    (tl = hs_le32(data + off + 16)) > len - off - HS_DB_LINEFILE_HDR) {
				err = db_corrupt(f, b, "a record runs past the block");
				break;
			}
			key = (uint64_t)hs_le32(data + off) << 32 | hs_le32(data + off + 4);
			if (key >= from) {
				char *q = realloc(text, tl + 1);

				if (!q) {
					err = -ENOMEM;
					break;
				}
				text = q;
				memcpy(text, data + off + HS_DB_LINEFILE_HDR, tl);
				text[tl] = 0;
				err = cb(ctx, data + off, text);
			}
			off += HS_DB_LINEFILE_HDR + tl;
		}
		db_cache_put(&img->db->cache, e);
	}
	free(text);
	return err == 1 ? 0 : err;
}

struct lf_ctx {
	uint32_t file_id;
	hs_db_line_file_fn file_cb;
	hs_db_line_count_fn count_cb;
	void *ctx;
	int ret;             /* what the user's callback returned */
};

static int on_file(void *ctx, const uint8_t *rec, const char *text)
{
	struct lf_ctx *c = ctx;

	if (hs_le32(rec + 4) != 0)
		return 0;
	c->ret = c->file_cb(c->ctx, hs_le32(rec), text);
	return c->ret ? 1 : 0;
}

int hs_db_line_files(const struct hs_db_image *img, hs_db_line_file_fn cb, void *ctx)
{
	struct lf_ctx c = { .file_cb = cb, .ctx = ctx };
	int err = linefiles_walk((struct hs_db_image *)img, 0, on_file, &c);

	return err ? err : c.ret;
}

static int on_count(void *ctx, const uint8_t *rec, const char *text)
{
	struct lf_ctx *c = ctx;

	(void)text;
	if (hs_le32(rec) != c->file_id)
		return 1;
	if (hs_le32(rec + 4) == 0)
		return 0;
	c->ret = c->count_cb(c->ctx, hs_le32(rec + 4), hs_le64(rec + 8));
	return c->ret ? 1 : 0;
}

int hs_db_line_numbers(const struct hs_db_image *img, uint32_t file_id,
		       hs_db_line_count_fn cb, void *ctx)
{
	struct lf_ctx c = { .file_id = file_id, .count_cb = cb, .ctx = ctx };
	int err = linefiles_walk((struct hs_db_image *)img, (uint64_t)file_id << 32 | 1,
				 on_count, &c);

	return err ? err : c.ret;
}

int hs_db_line_times(const struct hs_db_image *cimg, uint32_t file_id, uint32_t line,
		     hs_db_line_start_fn cb, void *ctx)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	uint64_t key = (uint64_t)file_id << 32 | line;
	struct db_fcursor cur;
	const uint8_t *rec;
	int err;

	db_fcursor_init(&cur, img, HS_DB_LINEIDX, HS_DB_LINE_REC,
			db_block_first_ge(img->files[HS_DB_LINEIDX], key), false);
	for (;;) {
		struct hs_db_line_start ls;
		int got = db_fcursor_next(&cur, &rec);
		uint64_t k;

		if (got) {
			err = got < 0 ? got : 0;
			break;
		}
		k = (uint64_t)hs_le32(rec + 12) << 32 | hs_le32(rec + 16);
		if (k < key)
			continue;
		if (k > key) {
			err = 0;
			break;
		}
		line_parse(rec, &ls);
		if ((err = cb(ctx, &ls)))
			break;
	}
	db_fcursor_release(&cur);
	return err;
}

int hs_db_line_starts(const struct hs_db_image *cimg, uint64_t t0, uint64_t t1, uint32_t tid,
		      hs_db_line_start_fn cb, void *ctx)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	struct db_fcursor cur;
	const uint8_t *rec;
	int err;

	if (t0 > t1)
		return 0;
	db_fcursor_init(&cur, img, HS_DB_LINES, HS_DB_LINE_REC,
			db_block_first_ge(img->files[HS_DB_LINES], t0), false);
	for (;;) {
		struct hs_db_line_start ls;
		int got = db_fcursor_next(&cur, &rec);

		if (got) {
			err = got < 0 ? got : 0;
			break;
		}
		line_parse(rec, &ls);
		if (ls.t < t0 || (tid && ls.tid != tid))
			continue;
		if (ls.t > t1) {
			err = 0;
			break;
		}
		if ((err = cb(ctx, &ls)))
			break;
	}
	db_fcursor_release(&cur);
	return err;
}

/* ---- stepping --------------------------------------------------------------- */

/* The call at depth `depth` that tid is inside at t (its open calls, by
 * depth); -ENOENT when it has fewer. */
/* No context asked for: the one the thread runs on (hs_db_backtrace). */
#define ANY_CTX UINT32_MAX

/* The call at depth open at t on context ctx (ANY_CTX: the running one). */
static int call_at_depth_in(struct hs_db_image *img, uint64_t t, uint32_t tid, size_t depth,
			    uint32_t ctx, struct hs_db_call *out)
{
	struct hs_db_call *fr;
	int n = ctx == ANY_CTX ? hs_db_backtrace(img, t, tid, NULL, 0) :
				 db_backtrace_ctx(img, t, tid, ctx, NULL, 0), err;

	if (n < 0)
		return n;
	if ((size_t)n <= depth)
		return -ENOENT;
	fr = calloc((size_t)n, sizeof(*fr));
	if (!fr)
		return -ENOMEM;
	err = ctx == ANY_CTX ? hs_db_backtrace(img, t, tid, fr, (size_t)n) :
			       db_backtrace_ctx(img, t, tid, ctx, fr, (size_t)n);
	if (err >= (int)n) {
		*out = fr[(size_t)n - 1 - depth]; /* innermost first */
		err = 0;
	} else if (err >= 0) {
		err = -EIO;
	}
	free(fr);
	return err;
}

static int call_at_depth(struct hs_db_image *img, uint64_t t, uint32_t tid, size_t depth,
			 struct hs_db_call *out)
{
	return call_at_depth_in(img, t, tid, depth, ANY_CTX, out);
}

/* The context a step from t steps on (ANY_CTX: the image has one). */
static int step_ctx(struct hs_db_image *img, uint64_t t, uint32_t tid, uint32_t *ctx)
{
	*ctx = ANY_CTX;
	return db_has_switches(img) ? db_ctx_at(img, t, tid, ctx) : 0;
}

/* Is a line start at t on another stack than ctx (1), the one stepped
 * on: it runs while the frame stepped is suspended in a call, leapt over
 * as a deeper one is. */
static int other_ctx(struct hs_db_image *img, uint64_t t, uint32_t tid, uint32_t ctx)
{
	uint32_t at;
	int err;

	if (ctx == ANY_CTX)
		return 0;
	if ((err = db_ctx_at(img, t, tid, &at)))
		return err;
	return at != ctx;
}

/* A line start as stepping sees it. */
struct step_start {
	uint64_t t;
	uint32_t file, line, depth;
	uint64_t again;         /* step_next forward: where gdb's step-resume
				 * breakpoint was hit in a new frame with the
				 * id of the one stepped (frame_again); 0: none */
};

static bool same_line(const struct step_start *a, const struct step_start *b)
{
	return a->file == b->file && a->line == b->line;
}

/* gdb's next over a call puts a step-resume breakpoint at the call's
 * return address, for the frame stepped (infrun.c: "stepped into
 * subroutine", insert_step_resume_breakpoint_at_caller).  A call left by
 * longjmp or an exception (HS_DB_CALL_UNWOUND) never returns there: the
 * thread lands (at t_ret) in the frame that called setjmp or caught, and
 * gdb, whose glibc has no longjmp probes (the only way it finds a
 * longjmp's target on x86-64, which mangles the saved pc) and whose
 * libgcc gives it no exception handler (no unwind probes, no debug info
 * for _Unwind_DebugHook), stops nowhere until that breakpoint is hit:
 * the first moment the frame stepped (depth open calls) runs the return
 * address.  The breakpoint is gdb's frame id's, not the frame's: after
 * the frame is left, a frame of the same function with the same stack
 * address (the function called again from where it was) that runs the
 * return address hits it too (frame_again).  1 and *t then (2: in such a
 * new frame); -ENOENT when nothing does (no such frame after the one
 * stepped is left, a call it makes never returns, the recording ends: gdb
 * runs on to the program's end, "exited normally"); -E2BIG when a scan of
 * UNWOUND_SCAN_MAX moments finds no answer; 0 when c is no such call (or
 * the calls index says no more); -errno. */
#define UNWOUND_SCAN_MAX 65536
#define FRAME_AGAIN_MAX 64

struct later_calls {
	uint64_t after;
	uint32_t tid, depth;
	size_t n;
	bool more;              /* candidates past FRAME_AGAIN_MAX */
	struct hs_db_call c[FRAME_AGAIN_MAX];
};

static int on_later_call(void *ctx, const struct hs_db_call *c)
{
	struct later_calls *l = ctx;

	if (c->t_call <= l->after || c->tid != l->tid || c->depth != l->depth)
		return 0;
	if (l->n == FRAME_AGAIN_MAX) {
		l->more = true;
		return 1;
	}
	l->c[l->n++] = *c;
	return 0;
}

/* The first call after u that makes frame fc again: the same callee and
 * depth, rsp at its t_call that of fc's (gdb's frame id: the function
 * and the stack address).  1 and *out; 0 none; -E2BIG when none of the
 * first FRAME_AGAIN_MAX candidates is; -errno.  One pass over the calls
 * to the callee (callee.hdb), a register lookup per candidate. */
static int frame_again(struct hs_db_image *img, uint32_t tid, const struct hs_db_call *fc,
		       uint64_t u, struct hs_db_call *out)
{
	struct later_calls *l = calloc(1, sizeof(*l));
	struct hs_db_regs *r = malloc(sizeof(*r)); /* not on a FUSE thread's stack */
	uint64_t sp0;
	int err;

	if (!l || !r) {
		err = -ENOMEM;
		goto out;
	}
	*l = (struct later_calls){ .after = u, .tid = tid, .depth = fc->depth };
	if ((err = hs_db_regs_at(img, fc->t_call, tid, r)) < 0 ||
	    (err = hs_db_calls_to(img, fc->callee, on_later_call, l)) < 0)
		goto out;
	sp0 = r->regs.gpr[4];
	err = l->more ? -E2BIG : 0;
	for (size_t k = 0; k < l->n; k++) {
		int e = hs_db_regs_at(img, l->c[k].t_call, tid, r);

		if (e < 0) {
			err = e;
			break;
		}
		if (r->regs.gpr[4] == sp0) {
			*out = l->c[k];
			err = 1;
			break;
		}
	}
out:
	free(l);
	free(r);
	return err;
}

static int unwound_resume(struct hs_db_image *img, uint32_t tid, size_t depth,
			  const struct hs_db_call *c, uint64_t *t);

int hs_db_unwound_resume(const struct hs_db_image *img, const struct hs_db_call *c, uint32_t tid,
			 uint32_t depth, uint64_t *t)
{
	return unwound_resume((struct hs_db_image *)img, tid, depth, c, t);
}

static int unwound_resume(struct hs_db_image *img, uint32_t tid, size_t depth,
			  const struct hs_db_call *c, uint64_t *t)
{
	struct hs_db_insn in;
	struct hs_db_call cc, fc;
	uint64_t ret, u = c->t_ret;
	uint32_t tu;
	size_t d;
	bool again = false, have_fc = false;
	int err;

	if (!(c->flags & HS_DB_CALL_UNWOUND) || c->t_ret == HS_DB_NO_RETURN ||
	    hs_db_insn_at(img, c->t_call, &in) != 0 || in.addr != c->call_site)
		return 0;
	ret = in.addr + in.len;
	for (int k = 0; k < UNWOUND_SCAN_MAX; k++) {
		if ((err = hs_db_thread_at(img, u, &tu)) != 0)
			return err == -ERANGE ? -ENOENT : err < 0 ? err : -EIO;
		if (tu != tid) {
			u++;
			continue;
		}
		if ((err = db_open_calls(img, u, tid, &d)))
			return err;
		if (d < depth) {        /* the frame stepped was left */
			if (depth == 0)
				return -ENOENT;
			if (!have_fc &&
			    (err = call_at_depth(img, c->t_call, tid, depth - 1, &fc)))
				return err;
			have_fc = true;
			if ((err = frame_again(img, tid, &fc, u, &cc)) <= 0)
				return err ? err : -ENOENT;
			u = cc.t_call + 1;
			again = true;
			continue;
		}
		if (d > depth) {        /* a call made on the way: to its end */
			if ((err = call_at_depth(img, u, tid, depth, &cc)))
				return err;
			if (cc.t_ret == HS_DB_NO_RETURN)
				return -ENOENT;
			if (cc.t_ret <= u)
				return 0;
			u = cc.t_ret;
			continue;
		}
		if ((err = hs_db_insn_at(img, u, &in)) != 0)
			return err < 0 ? err : -EIO;
		if (in.addr == ret) {
			*t = u;
			return again ? 2 : 1;
		}
		u++;
	}
	return -E2BIG;
}

/* A step in tid's frame of `depth` open calls that found its first stop
 * past `to`, where that frame was left by longjmp or an exception: it left
 * through a call it made, which gdb stepped over (next, or step over code
 * without line info) with a step-resume breakpoint at its return address
 * (unwound_resume).  -ENOENT when nothing hits that breakpoint (gdb runs
 * to the end), 1 or 2 and *at where a frame made again hits it, 0 when the
 * frame returned (or was never left), -errno. */
static int unwound_left(struct hs_db_image *img, uint32_t tid, uint32_t depth, uint64_t to,
			uint64_t *at)
{
	struct hs_db_call fc, cc;
	int err;

	if (depth == 0 || to == UINT64_MAX || to == 0)
		return 0;
	if ((err = call_at_depth(img, to - 1, tid, depth - 1, &fc)) ||
	    !(fc.flags & HS_DB_CALL_UNWOUND) || fc.t_ret != to ||
	    (err = call_at_depth(img, to - 1, tid, depth, &cc)) || cc.t_ret != to)
		return err == -ENOENT ? 0 : err;
	return unwound_resume(img, tid, depth, &cc, at);
}

/* The first line start of tid after bound (back: the last one before it).
 * With over, only starts at most `depth` calls deep count, and a deeper
 * start makes it leap over the whole call it is in rather than read the
 * starts inside.  -ENOENT when there is none; -ESRCH when a call leapt
 * was unwound and gdb's next would never stop again (unwound_resume). */
static int step_next(struct hs_db_image *img, uint32_t tid, uint64_t bound, bool back,
		     bool over, size_t depth, uint32_t ctx, struct step_start *out)
{
	const struct hs_dbfile *f = img->files[HS_DB_LINES];
	struct db_fcursor cur;
	const uint8_t *rec;
	uint64_t hit_again = 0;
	size_t b;
	int err;

	if (back && bound == 0)
		return -ENOENT;
again:
	if (back)
		b = hs_dbfile_block_count(f) ? hs_dbfile_find(f, bound - 1) : 0;
	else
		b = db_block_first_ge(f, bound + 1);
	db_fcursor_init(&cur, img, HS_DB_LINES, HS_DB_LINE_REC, b, back);
	for (;;) {
		int got = db_fcursor_next(&cur, &rec);
		struct hs_db_call c;
		uint64_t lt;
		int other = 0;

		if (got) {
			err = got < 0 ? got : -ENOENT;
			break;
		}
		lt = hs_le64(rec);
		if (back ? lt >= bound : lt <= bound)
			continue;
		if (hs_le32(rec + 8) != tid)
			continue;
		if (over && (other = other_ctx(img, lt, tid, ctx)) < 0) {
			err = other;
			break;
		}
		if (over && (hs_le32(rec + 20) > depth || other)) {
			/* inside a call made at the depth we step at: leap over
			 * the whole call instead of reading its line starts
			 * (another stack's: that call of ours is suspended) */
			if (!other)
				db_fcursor_release(&cur);
			err = call_at_depth_in(img, lt, tid, depth, ctx, &c);
			if (err == -ENOENT && other)
				continue; /* no such call: not this frame's */
			if (other)
				db_fcursor_release(&cur);
			if (err)
				return err;
			if (back) {
				bound = c.t_call + 1; /* starts at t <= t_call */
			} else {
				uint64_t at = 0;

				if (c.t_ret == HS_DB_NO_RETURN)
					return -ENOENT; /* it never returns */
				bound = c.t_ret - 1;  /* starts at t >= t_ret */
				err = unwound_resume(img, tid, depth, &c, &at);
				if (err == -ENOENT)
					return -ESRCH; /* never: not the frame's return */
				if (err < 0)
					return err;
				if (err)
					bound = at - 1; /* ... or at its return address */
				if (err == 2)
					hit_again = at;
			}
			goto again;
		}
		out->t = lt;
		out->again = hit_again;
		out->file = hs_le32(rec + 12);
		out->line = hs_le32(rec + 16);
		out->depth = hs_le32(rec + 20);
		err = 0;
		break;
	}
	db_fcursor_release(&cur);
	return err;
}

/* The frame of tid at t when it has `depth` open calls: [t_call, t_ret)
 * of its innermost call (t_ret is HS_DB_NO_RETURN, UINT64_MAX, for one
 * that never returned); the whole thread at depth 0. */
static int frame_at(struct hs_db_image *img, uint64_t t, uint32_t tid, uint32_t depth,
		    uint64_t *from, uint64_t *to)
{
	struct hs_db_call c;
	int err;

	*from = 0;
	*to = UINT64_MAX;
	if (depth == 0)
		return 0;
	err = call_at_depth(img, t, tid, depth - 1, &c);
	if (err)
		return err;
	*from = c.t_call;
	*to = c.t_ret;
	return 0;
}

/* The first start of the run of starts of s's line in s's frame that s
 * ends: a line that called functions starts again where each call returns
 * into a new line-table row (gcc writes one at the return address), and a
 * loop on one line comes round to it; gdb's reverse-next goes back to the
 * first. */
static int run_first(struct hs_db_image *img, uint32_t tid, struct step_start *s)
{
	struct step_start p;
	uint64_t from, to;
	uint32_t ctx;
	int err = frame_at(img, s->t, tid, s->depth, &from, &to);

	if (err || (err = step_ctx(img, s->t, tid, &ctx)))
		return err;
	for (;;) {
		err = step_next(img, tid, s->t, true, true, s->depth, ctx, &p);
		if (err == -ENOENT)
			return 0;
		if (err)
			return err;
		if (p.depth != s->depth || !same_line(&p, s) || p.t <= from)
			return 0;
		*s = p;
	}
}

/* The line tid is in at t, in its frame (which began at from) at `depth`
 * open calls: the latest start there.  *have is false when the frame has
 * none yet (t in a prologue, or in code without lines). */
static int line_in_frame(struct hs_db_image *img, uint64_t t, uint32_t tid, uint32_t depth,
			 uint64_t from, struct step_start *cur, bool *have)
{
	uint32_t ctx;
	int err = step_ctx(img, t, tid, &ctx);

	*have = false;
	if (!err)
		err = step_next(img, tid, t + 1, true, true, depth, ctx, cur);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	*have = cur->depth == depth && (depth == 0 || cur->t > from);
	return 0;
}

/* Whether gdb's next stops where t's frame (depth open calls) was left at
 * `to`, where the code has no line info (f->stops; infrun.c: "no line
 * number info").  A tail jump out of it (HS_DB_CALL_TAIL) is no return,
 * and gdb's `next` sees a frame whose caller is not the one stepped
 * ("stepped into subroutine" is not true): it stops at the jump's target
 * (a PLT stub, a function without debug info).  A return (no longjmp or
 * exception left it) into such code (a signal handler's interrupted code
 * in a static libc, a callback's caller in a library without -g) is a
 * stop too, "0x... in f ()": stepped back out into a function with no
 * line number.  1 yes, 0 no (code with lines: its line start at `to`, if
 * any, is the stop, else gdb goes on in the caller), -errno. */
static int left_stop(struct hs_db_image *img, uint64_t t, uint32_t tid, uint32_t depth,
		     uint64_t to, const struct hs_db_step_filter *f)
{
	struct hs_db_regs *r;
	struct hs_db_call c;
	int err;

	if (!f || !f->stops || depth == 0 || to == UINT64_MAX)
		return 0;
	if ((err = call_at_depth(img, t, tid, depth - 1, &c)))
		return err == -ENOENT ? 0 : err;
	if ((c.flags & HS_DB_CALL_UNWOUND) || (!(c.flags & HS_DB_CALL_TAIL) && c.t_ret != to))
		return 0;
	r = malloc(sizeof(*r)); /* not on a FUSE thread's stack */
	if (!r)
		return -ENOMEM;
	err = hs_db_regs_at(img, to, tid, r);
	err = err ? err : !f->stops(f->ctx, r->regs.rip);
	free(r);
	return err;
}

/* gdb's next: the next start in t's frame that is not the line being
 * stepped again (starts of the same line where a call returns into a new
 * row of it, or a loop on one line comes round, are where gdb refreshes
 * its step range and goes on), never one inside a call (leapt over).
 * When the frame returns first: a start right where it returns (a new row
 * of the caller's line: gdb stops there), else the same search in the
 * caller, stepping the caller's line. */
static int next_over(struct hs_db_image *img, uint64_t t, uint32_t tid, uint32_t depth,
		     const struct hs_db_step_filter *f, uint64_t *t_out)
{
	struct step_start cur, s;
	uint64_t bound = t, from, to, t_ret = 0;
	uint32_t ctx;
	bool have, skip;
	int err, r;

	if ((err = frame_at(img, t, tid, depth, &from, &to)) ||
	    (err = line_in_frame(img, t, tid, depth, from, &cur, &have)) ||
	    (err = step_ctx(img, t, tid, &ctx)))
		return err;
	for (;;) {
		err = step_next(img, tid, bound, false, true, depth, ctx, &s);
		if (err == -ENOENT && to != UINT64_MAX)
			s.t = UINT64_MAX; /* none: the frame's return may be a stop */
		else if (err)   /* -ESRCH: gdb's next runs to the program's end */
			return err == -ESRCH ? -ENOENT : err;
		if (!err && s.again > to) {
			/* stepping goes on in the frame made again */
			t = s.again;
			if ((err = frame_at(img, t, tid, depth, &from, &to)))
				return err;
		}
		if (s.t >= to && (r = unwound_left(img, tid, depth, to, &t)) != 0) {
			/* left by longjmp or a throw: on in the frame made again */
			if (r < 0 || (r = frame_at(img, t, tid, depth, &from, &to)))
				return r;
			bound = t - 1;
			continue;
		}
		if (s.t >= to) {
			if (s.t == to)
				break;
			if ((r = left_stop(img, t, tid, depth, to, f)) != 0) {
				if (r < 0)
					return r;
				s.t = to;
				break;
			}
			/* it returned into the middle of the caller's line: go
			 * on there, stepping the line that made the call */
			bound = to - 1;
			t_ret = to;
			t = from;
			depth--;
			if ((err = frame_at(img, t, tid, depth, &from, &to)) ||
			    (err = line_in_frame(img, t, tid, depth, from, &cur, &have)))
				return err;
			continue;
		}
		skip = have && s.depth == depth && same_line(&s, &cur);
		/* after a return: the line of the row returned into */
		if (t_ret && f && f->ret_line && s.depth == depth &&
		    (r = f->ret_line(f->ctx, t_ret, s.t)) >= 0)
			skip = r;
		if (!skip)
			break;
		bound = s.t;
	}
	*t_out = s.t;
	return 0;
}

/* gdb's reverse-next: the first start of the line t is in when t is past
 * it, else of the line before in t's frame (calls leapt over); before the
 * frame's first line, the caller's line that made the call. */
static int back_over(struct hs_db_image *img, uint64_t t, uint32_t tid, uint32_t depth,
		     uint64_t *t_out)
{
	struct step_start cur, s;
	uint64_t from, to;
	uint32_t ctx;
	bool have;
	int err;

	if ((err = frame_at(img, t, tid, depth, &from, &to)) ||
	    (err = line_in_frame(img, t, tid, depth, from, &cur, &have)) ||
	    (err = step_ctx(img, t, tid, &ctx)))
		return err;
	if (have) {
		s = cur;
		if ((err = run_first(img, tid, &s)))
			return err;
		if (s.t < t) {
			*t_out = s.t;
			return 0;
		}
	}
	err = step_next(img, tid, have ? s.t : t, true, true, depth, ctx, &s);
	if (err && err != -ENOENT)
		return err;
	if ((err == -ENOENT || s.t <= from) && depth > 0)
		/* nothing before in this frame: the caller's line, at the call */
		err = step_next(img, tid, from + 1, true, true, depth - 1, ctx, &s);
	if (err)
		return err;
	if ((err = run_first(img, tid, &s)))
		return err;
	*t_out = s.t;
	return 0;
}

/* The call to leap over for s: the outermost call on the stack at s that
 * is new to a step from t (forward: entered at or after t; back: returned
 * at or before t) and that gdb's `step` would not enter, or its caller's
 * whole frame when that has no line info and is new too: 1 and *out,
 * else 0; -errno. */
static int hidden_call(struct hs_db_image *img, uint32_t tid, uint64_t t, uint64_t s, bool back,
		       const struct hs_db_step_filter *f, struct hs_db_call *out)
{
	struct hs_db_call *fr;
	int n = hs_db_backtrace(img, s, tid, NULL, 0), err, found = 0;

	if (n <= 0)
		return n;
	fr = calloc((size_t)n, sizeof(*fr));
	if (!fr)
		return -ENOMEM;
	err = hs_db_backtrace(img, s, tid, fr, (size_t)n);
	for (int k = (err < 0 ? 0 : n) - 1; k >= 0; k--) {
		/* a handler entered by delivery is open at its t_call (its
		 * first instruction): a step from there is in it, not into it */
		bool delivered = (fr[k].flags & (HS_DB_CALL_SIGNAL | HS_DB_CALL_TAILIN)) ==
				 HS_DB_CALL_SIGNAL;
		bool fresh = back ? fr[k].t_ret <= t :
			     fr[k].t_call > t || (fr[k].t_call == t && !delivered);
		enum hs_db_step_enter e = fresh ? f->enter(f->ctx, &fr[k]) : HS_DB_STEP_ENTER;

		if (e == HS_DB_STEP_ENTER)
			continue;
		/* fr[k + 1], the caller, was checked first: new means entered */
		if (e == HS_DB_STEP_SKIP_CALLER && k + 1 < n &&
		    (back ? fr[k + 1].t_ret <= t : fr[k + 1].t_call >= t))
			k++;
		*out = fr[k];
		found = 1;
		break;
	}
	free(fr);
	return err < 0 ? err : found;
}

/* A PLT stub reaches its function in a few instructions, or a few more
 * around the lazy resolver's call (_dl_runtime_resolve's of _dl_fixup). */
#define STUB_HOPS_MAX 64

static int call_at_cb(void *ctx, const struct hs_db_call *c)
{
	struct hs_db_call *w = ctx;

	if (c->tid != w->tid || c->t_call != w->t_call)
		return 0;
	*w = *c;
	return 1;
}

/* Where gdb's step that followed a tail jump landing at u (thread tid)
 * looks first: past a PLT stub there (its "dynsym resolve code", which
 * step runs through, the lazy resolver included), at the function the
 * stub reaches; u when it is no stub, 0 when that function is not reached
 * in a few instructions. */
static uint64_t past_stub(struct hs_db_image *img, uint64_t u, uint32_t tid, uint64_t pc)
{
	struct hs_db_insn in;
	uint64_t to, end = u + STUB_HOPS_MAX;
	bool leapt = false;

	if (hs_db_stub_target(img, pc, &to) != 0)
		return u;
	for (uint64_t k = u + 1; k <= end; k++) {
		struct hs_db_call c = { .t_call = k, .tid = tid };
		uint32_t tk;

		if (hs_db_thread_at(img, k, &tk) != 0 || tk != tid || hs_db_insn_at(img, k, &in) != 0)
			return 0;
		if (in.addr == to)
			return k;
		if (leapt || strncmp(in.text, "call", 4))
			continue;
		/* the resolver's one call: on from its return */
		if (hs_db_calls(img, k, k, call_at_cb, &c) < 0 || c.t_ret <= k ||
		    c.t_ret == HS_DB_NO_RETURN)
			return 0;
		leapt = true;
		k = c.t_ret - 1;
		end = c.t_ret + STUB_HOPS_MAX;
	}
	return 0;
}

/* Forward, *t_out the next stop found (err 0) or none (-ENOENT): the
 * moment t's frame returns instead, when the frame returns first into
 * code where gdb's step does not stop (f->stops), from a line or from
 * code without one ("Single stepping until exit from function ..., which
 * has no line number information": gdb's step range is then the whole
 * function) alike.  A frame left by a tail jump did not return: gdb sees
 * a frame that is no callee of the one stepped, and stops where the jump
 * lands (past a PLT stub) when that has no line info either (a C++
 * thunk that clang's -O2 tail-jumps to, memcpy from a static libc's
 * function).  A frame left by longjmp or an exception: no such stop. */
static int return_stop(struct hs_db_image *img, uint64_t t, uint32_t tid, size_t depth,
		       const struct hs_db_step_filter *f, int err, uint64_t *t_out)
{
	struct hs_db_regs *r;
	struct hs_db_call c;
	uint64_t at;
	bool stops;
	int e;

	if (!f || !f->stops || depth == 0 || (err && err != -ENOENT))
		return err;
	if ((e = call_at_depth(img, t, tid, depth - 1, &c)))
		return e == -ENOENT ? err : e;
	if (c.t_ret == HS_DB_NO_RETURN || (!err && c.t_ret >= *t_out) ||
	    (c.flags & HS_DB_CALL_UNWOUND))
		return err;
	r = malloc(sizeof(*r)); /* not on a FUSE thread's stack */
	if (!r)
		return -ENOMEM;
	at = c.t_ret;
	e = hs_db_regs_at(img, at, tid, r);
	if (!e && (c.flags & HS_DB_CALL_TAIL) &&
	    (at = past_stub(img, at, tid, r->regs.rip)) != c.t_ret && at)
		e = hs_db_regs_at(img, at, tid, r);
	stops = !e && (!at || (!err && at >= *t_out) || f->stops(f->ctx, r->regs.rip));
	free(r);
	if (e || stops)
		return e ? e : err;
	*t_out = at;
	return 0;
}

struct call_from {
	uint32_t tid, depth;
	bool found;
};

static int call_from_cb(void *ctx, const struct hs_db_call *c)
{
	struct call_from *w = ctx;

	w->found = w->found || (c->tid == w->tid && c->depth == w->depth);
	return w->found; /* stops at the first */
}

/* Did tid's frame at `depth` open calls make a call in (t0, t1)?  1 yes,
 * 0 no, -errno. */
static int called_between(struct hs_db_image *img, uint32_t tid, size_t depth, uint64_t t0,
			  uint64_t t1)
{
	struct call_from w = { tid, (uint32_t)depth, false };
	int err = t1 > t0 + 1 ? hs_db_calls(img, t0 + 1, t1 - 1, call_from_cb, &w) : 0;

	return err < 0 ? err : w.found;
}

/* gdb's step leaps over a call it does not enter (no line info) with a
 * step-resume breakpoint at its return address, as next does: a call left
 * by longjmp or an exception (__cxa_throw) goes on where that breakpoint
 * is hit (unwound_resume), and when nothing hits it gdb runs to the end
 * (-ENOENT).  *bound: the moment before the first start to look at. */
static int leap_bound(struct hs_db_image *img, uint32_t tid, const struct hs_db_call *c,
		      uint64_t *bound)
{
	uint64_t at = 0;
	int err;

	if (c->t_ret == HS_DB_NO_RETURN)
		return -ENOENT; /* it never returns */
	*bound = c->t_ret - 1; /* starts at t >= t_ret */
	err = unwound_resume(img, tid, c->depth, c, &at);
	if (err < 0)
		return err;
	if (err)
		*bound = at - 1;
	return 0;
}

/* gdb's step and reverse-step: the next (previous) line start of tid,
 * leaping over the calls gdb's step does not enter (f: those made from
 * code without line info, below a function without any or the dynamic
 * linker's resolver; gdb runs them to their return), and, forward, over a
 * start of the line being stepped in its own frame: where such a call
 * returns into a new row of that line, gdb refreshes its step range and
 * goes on (after a call it entered, it stopped inside first). */
static int step_into(struct hs_db_image *img, uint64_t t, uint32_t tid, bool back,
		     const struct hs_db_step_filter *f, uint64_t *t_out)
{
	struct step_start cur, s;
	struct hs_db_call c;
	uint64_t bound = t, from = 0, to = UINT64_MAX;
	size_t depth = 0;
	bool have = false;
	int err, hid = 0;

	if ((err = db_open_calls(img, t, tid, &depth)) ||
	    (err = frame_at(img, t, tid, (uint32_t)depth, &from, &to)) ||
	    (!back && (err = line_in_frame(img, t, tid, (uint32_t)depth, from, &cur, &have))))
		return err;
	for (;;) {
		if ((err = step_next(img, tid, bound, back, false, 0, ANY_CTX, &s)))
			return err;
		if (!back && s.t >= to && (hid = unwound_left(img, tid, depth, to, &bound)) != 0) {
			/* left by longjmp or a throw: on in the frame made again */
			if (hid < 0 || (hid = frame_at(img, bound, tid, depth, &from, &to)))
				return hid;
			bound--;
			continue;
		}
		/* in t's own frame (same depth, inside its call): no call to leap */
		if (f && f->enter && !(s.depth == depth && s.t > from && s.t < to))
			hid = hidden_call(img, tid, t, s.t, back, f, &c);
		else
			hid = 0;
		if (hid < 0)
			return hid;
		if (hid && back) {
			bound = c.t_call + 1; /* starts at t <= t_call */
			continue;
		}
		if (hid) {
			if ((err = leap_bound(img, tid, &c, &bound)))
				return err;
			continue;
		}
		/* A later start of the line in the frame is no stop when gdb's
		 * line is still that one: from the middle of the line (its
		 * range refreshed), or where a call made on the way returned
		 * (the line pass's state began again in the callee; gdb's
		 * stepped over it).  From a line start with no call between,
		 * the line pass's next start is gdb's next stop: a line left
		 * in the middle of another line's row and started again
		 * (clang -O2 loops). */
		if (!back && have && s.depth == depth && s.t < to && same_line(&s, &cur) &&
		    (cur.t != t || (err = called_between(img, tid, depth, cur.t, s.t)) != 0)) {
			if (err < 0)
				return err;
			bound = s.t;
			continue;
		}
		*t_out = s.t;
		return 0;
	}
}

int hs_db_step_line(const struct hs_db_image *cimg, uint64_t t, enum hs_db_step how,
		    uint64_t *t_out)
{
	return hs_db_step_line_filtered(cimg, t, how, NULL, t_out);
}

int hs_db_step_line_filtered(const struct hs_db_image *cimg, uint64_t t, enum hs_db_step how,
			     const struct hs_db_step_filter *f, uint64_t *t_out)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	bool back = how == HS_DB_STEP_BACK_INTO || how == HS_DB_STEP_BACK_OVER;
	uint32_t tid;
	int err;

	if (how < HS_DB_STEP_INTO || how > HS_DB_STEP_BACK_OVER)
		return -EINVAL;
	if (t > img->t_end)
		return -ERANGE;
	if ((err = hs_db_thread_at(img, t, &tid)))
		return err;
	if (how == HS_DB_STEP_OVER || how == HS_DB_STEP_BACK_OVER) {
		size_t depth = 0;

		if ((err = db_open_calls(img, t, tid, &depth)))
			return err;
		return back ? back_over(img, t, tid, (uint32_t)depth, t_out) :
			      next_over(img, t, tid, (uint32_t)depth, f, t_out);
	}
	err = step_into(img, t, tid, back, f, t_out);
	if (!back) {
		size_t depth = 0;
		int e = db_open_calls(img, t, tid, &depth);

		err = e ? e : return_stop(img, t, tid, depth, f, err, t_out);
	}
	return err;
}
