/* db_origin.c - register origin: when did a register get the value it has
 * at t (hs_db_reg_origin).
 *
 * The register of thread tid is watched after everything that can change
 * it: every instruction (the decoder's insn(), whichever thread runs:
 * cheap, and no case to forget), every event and every register dump.
 * Observations at one t form a bucket; the value at t is the bucket's
 * last.  A change at t is a bucket whose value differs from the bucket
 * before it: nothing in between observed anything, so nothing changed.
 *
 * The search goes backwards in runs of chunks decoded in order.  Chunk c
 * alone (from its sync dumps up to t) answers when it holds a change
 * after its first bucket.  Otherwise the next run is chunks [k - m, k],
 * where k is the first chunk of the run before and m doubles (1, 2, 4,
 * ...): chunk k's start is then a bucket like any other, and the latest
 * change of the run is the answer, since the runs before found none
 * later.  Every chunk is decoded about once (chunk k twice), and a short
 * search stays short.
 * A thread that starts inside a run (its THREAD_CREATE, or the first time
 * the decoder has its state) starts a fresh history: no change before it
 * counts, and with none after it the answer is -ENOENT.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "query_i.h"

#define STOP 1

struct origin {
	struct hs_trace_decoder *d;
	uint32_t tid;
	uint64_t t;               /* watch states up to t */
	const char *reg;
	int off;                  /* the value's offset in the guest state,
				   * or -1: through hs_trace_regs_get */
	uint32_t size;
	struct hs_db_regs *slow;  /* for the other registers */
	/* the run's history */
	bool open;                /* a bucket is open */
	uint64_t cur_t;
	uint8_t cur[32];
	bool have_prev;           /* a bucket closed before it */
	uint8_t prev[32];
	bool changed;
	uint64_t change_t;        /* the latest change */
	bool started;             /* the thread started in this run */
	bool absent;              /* the decoder lost its state after the
				   * run's first t */
	uint64_t run_t;           /* the run's first t (its sync dumps) */
};

static void read_value(struct origin *o, const uint8_t *st, uint8_t out[32])
{
	uint32_t size;

	if (o->off >= 0) {
		memcpy(out, st + o->off, o->size);
		return;
	}
	hs_trace_regs_get(st, &o->slow->regs);
	hs_db_reg_value(o->slow, o->reg, out, &size);
}

static void close_bucket(struct origin *o)
{
	if (!o->open)
		return;
	if (o->have_prev && memcmp(o->prev, o->cur, o->size) != 0) {
		o->changed = true;
		o->change_t = o->cur_t;
	}
	memcpy(o->prev, o->cur, o->size);
	o->have_prev = true;
	o->open = false;
}

/* The thread starts (again): nothing before counts. */
static void restart(struct origin *o)
{
	o->open = false;
	o->have_prev = false;
	o->changed = false;
	o->started = true;
}

static int observe(struct origin *o, uint64_t t)
{
	const uint8_t *st;

	if (t > o->t)
		return STOP;
	st = hs_trace_decoder_state(o->d, o->tid);
	if (!st) {
		/* at the run's first t, the sync dumps are still coming */
		if (t > o->run_t)
			o->absent = true;
		return 0;
	}
	if (o->absent) {
		o->absent = false;
		restart(o);
	}
	if (o->open && t != o->cur_t)
		close_bucket(o);
	if (!o->open) {
		o->open = true;
		o->cur_t = t;
	}
	read_value(o, st, o->cur);
	return 0;
}

static int v_insn(void *ctx, uint64_t t, uint32_t tid, uint64_t rip)
{
	(void)tid;
	(void)rip;
	return observe(ctx, t + 1);
}

static int v_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag,
		   const uint8_t *payload, uint32_t len)
{
	struct origin *o = ctx;

	(void)tid;
	if (t > o->t)
		return STOP;
	if (tag == HS_EV_THREAD_CREATE && len >= 8 && hs_le32(payload + 4) == o->tid) {
		restart(o);
		o->absent = false;
		return 0;
	}
	return observe(o, t);
}

static int v_regs(void *ctx, uint64_t t, uint32_t tid, uint32_t reason,
		  const uint8_t *state)
{
	(void)tid;
	(void)reason;
	(void)state;
	return observe(ctx, t);
}

/* Decodes chunks [from, to] in order as one run. */
static int run(struct hs_db_image *img, struct origin *o, size_t from, size_t to)
{
	struct hs_trace_err terr = { "" };
	int ret = 0;

	hs_trace_decoder_reset(o->d);
	o->open = o->have_prev = o->changed = o->started = o->absent = false;
	o->run_t = img->chunks[from].first_t;
	for (size_t c = from; c <= to && ret == 0; c++) {
		const struct hs_trace_chunk *chunk;
		struct db_centry *e;

		ret = db_stream_chunk(img, c, &e, &chunk);
		if (ret)
			return ret;
		ret = hs_trace_decoder_chunk(o->d, chunk, &terr);
		db_cache_put(&img->db->cache, e);
		if (ret < 0 && terr.msg[0])
			db_log("%s", terr.msg);
	}
	if (ret < 0)
		return ret;
	close_bucket(o);
	return 0;
}

int hs_db_reg_origin(const struct hs_db_image *cimg, uint64_t t, uint32_t tid,
		     const char *reg, uint64_t *t_out)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	struct hs_trace_visitor v = { .insn = v_insn, .event = v_event, .regs = v_regs };
	const struct hs_trace_code *code;
	struct origin *o;
	uint8_t val[32];
	uint32_t size;
	size_t c;
	int err;

	*t_out = 0;
	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->slow = malloc(sizeof(*o->slow));
	if (!o->slow) {
		err = -ENOMEM;
		goto out;
	}
	/* the thread, its state at t and the register's name, as
	 * hs_db_regs_at() and hs_db_reg_value() say them */
	err = hs_db_regs_at(img, t, tid, o->slow);
	if (err)
		goto out;
	err = hs_db_reg_value(o->slow, reg, val, &size);
	if (err)
		goto out;
	err = db_chunk_of(img, t, &c);
	if (err)
		goto out;
	err = db_code(img, &code);
	if (err)
		goto out;
	v.ctx = o;
	err = hs_trace_decoder_new(code, &v, &o->d);
	if (err) {
		db_code_put(img);
		goto out;
	}
	hs_trace_decoder_set_check(o->d, false);
	o->tid = o->slow->tid;
	o->t = t;
	o->reg = reg;
	o->off = hs_trace_state_offset(reg, &o->size);
	o->size = size;

	/* chunk c alone: a change after its first bucket is exact */
	err = run(img, o, c, c);
	if (err)
		goto out;
	if (o->changed) {
		*t_out = o->change_t;
		goto out;
	}
	if (o->started) {
		err = -ENOENT; /* it began in chunk c, and kept the value */
		goto out;
	}
	for (size_t k = c, m = 1; k > 0; k -= m, m *= 2) {
		if (m > k)
			m = k;
		err = run(img, o, k - m, k);
		if (err)
			goto out;
		if (o->changed) {
			*t_out = o->change_t;
			goto out;
		}
		if (o->started) {
			err = -ENOENT; /* it began inside the run */
			goto out;
		}
	}
	err = -ENOENT; /* the same value since the image's first state */
out:
	if (o->d) {
		hs_trace_decoder_free(o->d);
		db_code_put(img); /* the decoder's hold (db_code above) */
	}
	free(o->slow);
	free(o);
	return err;
}
