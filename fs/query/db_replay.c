/* db_replay.c - decodes one stream chunk from its start up to a t.
 *
 * The state at t (trace.h, "memory effects") holds every store of the
 * instructions before it and every event at t or before.  The decoder
 * reports a store with the t of the instruction making it, insn() after
 * the instruction's register writes, and events after applying them, so:
 *
 *   - the decode stops at the first store or insn() of instruction
 *     stop_t (t >= stop_t), or at an event past stop_t;
 *   - the running thread's registers at stop_t are copied at the last
 *     callback that still sees them: insn() of instruction stop_t - 1,
 *     and every event and register dump at stop_t (which may switch
 *     threads or change registers).  Other threads do not change while
 *     one runs, so theirs are the decoder's when it stops.
 *
 * Memory effects go through trace_mem (the builder's own conversion) to
 * r->effect, tagged with what made them.
 *
 * Decoders are pooled per image: a decoder's delta arena is allocated on
 * first use of each translation and reused, which a fresh decoder per
 * query would pay for again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "query_i.h"

#define STOP 1

static void snap(struct db_replay *r, uint32_t tid)
{
	const uint8_t *st = hs_trace_decoder_state(r->dec->d, tid);

	if (!st)
		return;
	memcpy(r->snap, st, HS_GUEST_STATE_SIZE);
	r->snap_tid = tid;
	r->snap_valid = true;
}

/* A thread that exited before stop_t has no registers at stop_t, but the
 * decoder keeps its last state; a dump (a new thread with its id) brings
 * it back. */
static void gone_set(struct db_replay *r, uint32_t tid, bool on)
{
	if (tid >= DB_MAX_TID)
		return;
	if (on)
		r->gone[tid / 64] |= 1ull << (tid % 64);
	else
		r->gone[tid / 64] &= ~(1ull << (tid % 64));
}

static bool gone(const struct db_replay *r, uint32_t tid)
{
	return tid < DB_MAX_TID && (r->gone[tid / 64] >> (tid % 64) & 1);
}

/* ---- memory effects, from trace_mem ---------------------------------------- */

static int m_write(void *ctx, uint64_t t, uint64_t addr, uint64_t len,
		   const uint8_t *data)
{
	struct db_replay *r = ctx;
	struct db_effect e = { .t = t, .tid = r->ev_tid, .kind = r->ev_kind,
			       .addr = addr, .len = len, .data = data };

	return r->effect(r, &e);
}

static int m_zero(void *ctx, uint64_t t, uint64_t addr, uint64_t len)
{
	struct db_replay *r = ctx;
	struct db_effect e = { .t = t, .tid = r->ev_tid, .kind = HS_DB_W_ZERO,
			       .addr = addr, .len = len };

	return r->effect(r, &e);
}

static int m_copy(void *ctx, uint64_t t, uint64_t from, uint64_t to, uint64_t len)
{
	struct db_replay *r = ctx;
	struct db_effect e = { .t = t, .tid = r->ev_tid, .kind = HS_DB_W_REMAP,
			       .addr = to, .len = len, .from = from };

	if (r->before_copy && t >= r->stop_t)
		return STOP;
	return r->effect(r, &e);
}

/* ---- decoder callbacks -------------------------------------------------------- */

static int v_insn(void *ctx, uint64_t t, uint32_t tid, uint64_t rip)
{
	struct db_replay *r = ((struct db_dec *)ctx)->r;

	if (t >= r->stop_t)
		return STOP;
	if (t + 1 == r->stop_t && r->want_regs)
		snap(r, tid);
	return 0;
}

static int v_store(void *ctx, uint64_t t, uint32_t tid, uint64_t addr,
		   uint32_t size, const uint8_t *bytes)
{
	struct db_replay *r = ((struct db_dec *)ctx)->r;

	if (t >= r->stop_t)
		return STOP;
	if (!r->effect)
		return 0;
	r->ev_kind = HS_DB_W_STORE;
	r->ev_tid = tid;
	return hs_trace_mem_store(&r->mv, t, addr, size, bytes);
}

static uint32_t mem_kind(const uint8_t *payload, uint32_t len)
{
	switch (len >= 16 ? hs_le32(payload + 8) : 0) {
	case HS_MEM_INITIAL:
		return HS_DB_W_MAP;
	case HS_MEM_SYSCALL:
		return HS_DB_W_SYSCALL;
	case HS_MEM_SIGNAL:
		return HS_DB_W_SIGNAL;
	default:
		return HS_DB_W_CORE;
	}
}

static int v_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag,
		   const uint8_t *payload, uint32_t len)
{
	struct db_replay *r = ((struct db_dec *)ctx)->r;
	int ret;

	if (t > r->stop_t)
		return STOP;
	if (r->effect && (tag == HS_EV_MEM || tag == HS_EV_MAP || tag == HS_EV_REMAP)) {
		r->ev_kind = tag == HS_EV_MEM ? mem_kind(payload, len) : HS_DB_W_MAP;
		r->ev_tid = tid;
		ret = hs_trace_mem_event(&r->mv, r->img->db->files, t, tag, payload, len);
		if (ret == STOP || ret == -EBADMSG || ret == -ENOMEM || ret == -EIO)
			return ret;
		if (ret == -ENOENT || ret == -ESTALE || ret == -EINVAL)
			return -EIO; /* a mapped file gone or changed (logged) */
		if (ret)
			return ret;
	}
	/* a thread that exits at t still has its registers at t */
	if (tag == HS_EV_THREAD_EXIT && len >= 4 && t < r->stop_t)
		gone_set(r, hs_le32(payload), true);
	if (t == r->stop_t && r->want_regs)
		snap(r, tid);
	return 0;
}

static int v_regs(void *ctx, uint64_t t, uint32_t tid, uint32_t reason,
		  const uint8_t *state)
{
	struct db_replay *r = ((struct db_dec *)ctx)->r;

	if (t > r->stop_t)
		return STOP;
	gone_set(r, tid, false);
	if (t == r->stop_t && r->want_regs)
		snap(r, hs_trace_decoder_tid(r->dec->d));
	return 0;
}

/* ---- decoder pool ------------------------------------------------------------ */

int db_dec_get(struct hs_db_image *img, struct db_dec **out)
{
	const struct hs_trace_code *code;
	struct hs_trace_visitor v = { .insn = v_insn, .store = v_store,
				      .event = v_event, .regs = v_regs };
	struct db_dec *dec;
	int err;

	*out = NULL;
	/* pooled decoders exist only while the code is loaded; taking one
	 * takes a hold on the code as db_code() does */
	err = db_code(img, &code);
	if (err)
		return err;
	pthread_mutex_lock(&img->db->code_lock);
	dec = img->idle;
	if (dec)
		img->idle = dec->next;
	pthread_mutex_unlock(&img->db->code_lock);
	if (dec) {
		*out = dec;
		return 0;
	}
	dec = calloc(1, sizeof(*dec));
	if (!dec) {
		db_code_put(img);
		return -ENOMEM;
	}
	v.ctx = dec;
	err = hs_trace_decoder_new(code, &v, &dec->d);
	if (err) {
		free(dec);
		db_code_put(img);
		return err;
	}
	/* the builder checked the dumps; a query only needs the state */
	hs_trace_decoder_set_check(dec->d, false);
	*out = dec;
	return 0;
}

void db_dec_put(struct hs_db_image *img, struct db_dec *dec)
{
	if (!dec)
		return;
	dec->r = NULL;
	pthread_mutex_lock(&img->db->code_lock);
	dec->next = img->idle;
	img->idle = dec;
	pthread_mutex_unlock(&img->db->code_lock);
	db_code_put(img);
}

void db_dec_free_list(struct db_dec *dec)
{
	while (dec) {
		struct db_dec *next = dec->next;

		hs_trace_decoder_free(dec->d);
		free(dec);
		dec = next;
	}
}

/* ---- running ---------------------------------------------------------------- */

int db_replay_run(struct db_replay *r)
{
	struct hs_db_image *img = r->img;
	const struct hs_trace_chunk *chunk;
	struct hs_trace_err terr = { "" };
	struct db_centry *ce = NULL;
	uint32_t want;
	bool stopped;
	int ret;

	if (r->chunk >= img->n_chunks || r->stop_t < img->chunks[r->chunk].first_t)
		return -EINVAL;
	if (r->depth > DB_MAX_DEPTH) {
		db_log("%s: memory copies nest too deep (damaged database?)", img->dir);
		return -EBADMSG;
	}
	r->mv = (struct hs_trace_mem_visitor){ .ctx = r, .write = m_write, .zero = m_zero,
					       .copy = m_copy };
	r->snap_valid = false;
	r->have_regs = false;
	ret = db_stream_chunk(img, r->chunk, &ce, &chunk);
	if (ret)
		return ret;
	ret = db_dec_get(img, &r->dec);
	if (ret)
		goto out;
	r->dec->r = r;
	/* a pooled decoder: nothing of what it decoded before counts (it may
	 * even have stopped partway through the chunk before this one) */
	hs_trace_decoder_reset(r->dec->d);
	memset(r->gone, 0, sizeof(r->gone));
	ret = hs_trace_decoder_chunk(r->dec->d, chunk, &terr);
	if (ret < 0 && terr.msg[0])
		db_log("%s", terr.msg);
	if (ret < 0 || ret > STOP)
		goto out; /* an error, or an effect callback's own stop */
	stopped = ret == STOP;
	ret = 0;
	r->tid = hs_trace_decoder_tid(r->dec->d);
	if (!r->want_regs)
		goto out;
	want = r->regs_tid ? r->regs_tid : r->tid;
	if (stopped && want == r->tid) {
		/* the running thread may be partway through instruction stop_t */
		if (!r->snap_valid || r->snap_tid != want) {
			db_log("%s: chunk %" PRIu64 ": no state of thread %" PRIu32 " at t=%" PRIu64,
			       img->stream_path, img->chunks[r->chunk].seq, want, r->stop_t);
			ret = -EBADMSG;
			goto out;
		}
		memcpy(r->state, r->snap, HS_GUEST_STATE_SIZE);
		r->have_regs = true;
	} else {
		const uint8_t *st = gone(r, want) ? NULL : hs_trace_decoder_state(r->dec->d, want);

		if (st) {
			memcpy(r->state, st, HS_GUEST_STATE_SIZE);
			r->have_regs = true;
		}
	}
out:
	if (r->dec) {
		db_dec_put(img, r->dec);
		r->dec = NULL;
	}
	db_cache_put(&img->db->cache, ce);
	return ret;
}
