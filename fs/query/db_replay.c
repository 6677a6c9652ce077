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

static const uint8_t *lead_state(const struct db_lead *l, uint32_t tid);

/* Thread tid's state, and the running thread: the decoder's, or those of
 * a replay that runs no instruction (lead_run()). */
static const uint8_t *state_of(const struct db_replay *r, uint32_t tid)
{
	return r->lead ? lead_state(r->lead, tid) : hs_trace_decoder_state(r->dec->d, tid);
}

static uint32_t running(const struct db_replay *r);

static void snap(struct db_replay *r, uint32_t tid)
{
	const uint8_t *st = state_of(r, tid);

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

static int on_event(struct db_replay *r, uint64_t t, uint32_t tid, uint32_t tag,
		    const uint8_t *payload, uint32_t len)
{
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

static int v_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag,
		   const uint8_t *payload, uint32_t len)
{
	return on_event(((struct db_dec *)ctx)->r, t, tid, tag, payload, len);
}

static int on_regs(struct db_replay *r, uint64_t t, uint32_t tid)
{
	if (t > r->stop_t)
		return STOP;
	gone_set(r, tid, false);
	if (t == r->stop_t && r->want_regs)
		snap(r, running(r));
	return 0;
}

static int v_regs(void *ctx, uint64_t t, uint32_t tid, uint32_t reason,
		  const uint8_t *state)
{
	(void)reason;
	(void)state;
	return on_regs(((struct db_dec *)ctx)->r, t, tid);
}

/* ---- a replay that runs no instruction: without the code table ---------------
 *
 * A replay that stops at its chunk's first instruction (stop_t is the
 * chunk's first_t) sees only the events at the chunk's head, before its
 * first superblock record: `syscalls`' first line (the execve at t=0) asks
 * for the registers at t=0 and reads its arguments from memory at t=0.
 * Those events need no code table, whose loading (code.hst compiled: 100
 * MB touched for /bin/dd) was most of the first read of a small
 * recording's `syscalls`.  lead_run() applies them as the decoder does
 * (trace_decode.c, decode_event(): a dump is adopted, THREAD_RUN sets the
 * running thread, a created thread's state is unknown until its dump, a
 * syscall's exit sets rax, REG_WRITE writes its bytes) and calls the same
 * callbacks.  What it does not know to be plain (an SB_ABORT, which runs
 * code; a record the decoder would refuse) is left to the decoder, found
 * before any callback runs. */

struct db_lead_thread {
	uint32_t tid;
	bool have_state;
	uint8_t st[HS_GUEST_STATE_SIZE];
};

struct db_lead {
	struct db_lead_thread *th;
	size_t n, cap;
	uint32_t cur; /* the running thread, 0: none */
};

static const uint8_t *lead_state(const struct db_lead *l, uint32_t tid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->th[i].tid == tid)
			return l->th[i].have_state ? l->th[i].st : NULL;
	return NULL;
}

static uint32_t running(const struct db_replay *r)
{
	HS_ANALYZER_ASSUME(r->lead || r->dec); /* a replay has one of them */
	return r->lead ? r->lead->cur : hs_trace_decoder_tid(r->dec->d);
}

static struct db_lead_thread *lead_thread(struct db_lead *l, uint32_t tid)
{
	struct db_lead_thread *th;

	for (size_t i = 0; i < l->n; i++)
		if (l->th[i].tid == tid)
			return &l->th[i];
	if (hs_grow((void **)&l->th, &l->cap, l->n + 1, sizeof(*l->th)))
		return NULL;
	th = &l->th[l->n++];
	th->tid = tid;
	th->have_state = false;
	return th;
}

/* Is the record one lead_event() applies as the decoder would? */
static bool lead_plain(uint32_t tag, const uint8_t *pl, uint32_t len)
{
	switch (tag) {
	case HS_EV_REGS:
		return len == 12 + HS_GUEST_STATE_SIZE && hs_le32(pl + 8) == HS_GUEST_STATE_SIZE &&
		       hs_le32(pl) < DB_MAX_TID;
	case HS_EV_THREAD_RUN:
		return len >= 8 && hs_le32(pl) < DB_MAX_TID;
	case HS_EV_THREAD_CREATE:
		return len >= 8 && hs_le32(pl + 4) < DB_MAX_TID;
	case HS_EV_SYSCALL_ENTER:
		return len >= 56;
	case HS_EV_SYSCALL_EXIT:
		return len >= 24 && hs_le32(pl) < DB_MAX_TID;
	case HS_EV_REG_WRITE:
		return len >= 12 && hs_le32(pl) < DB_MAX_TID && len - 12 == hs_le32(pl + 8) &&
		       (uint64_t)hs_le32(pl + 4) + hs_le32(pl + 8) <= HS_GUEST_STATE_SIZE;
	case HS_EV_SB_ABORT:
		return false;
	case HS_EV_EXIT:
		return len >= 24;
	default:
		return true;
	}
}

/* The records before the chunk's first superblock, [p, *end): false when
 * one is not plain or the chunk is malformed there. */
static bool lead_span(const struct hs_trace_chunk *c, const uint8_t **end)
{
	const uint8_t *p = c->data, *e = c->data + c->size;

	while (p < e) {
		uint32_t tag, len;

		if (e - p < 4)
			return false;
		tag = hs_le32(p);
		if (tag >= HS_SB_ID_FIRST)
			break;
		if (e - p < 8)
			return false;
		len = hs_le32(p + 4);
		if (len > (size_t)(e - p) - 8 || !lead_plain(tag, p + 8, len))
			return false;
		p += 8 + (size_t)len;
	}
	*end = p;
	return true;
}

static int lead_event(struct db_replay *r, uint32_t tag, const uint8_t *pl, uint32_t len)
{
	struct db_lead *l = r->lead;
	struct db_lead_thread *th = NULL;
	uint32_t rax_size = 0;
	int rax, ret;

	switch (tag) {
	case HS_EV_REGS:
		if (!(th = lead_thread(l, hs_le32(pl))))
			return -ENOMEM;
		memcpy(th->st, pl + 12, HS_GUEST_STATE_SIZE);
		th->have_state = true;
		ret = on_regs(r, r->img->chunks[r->chunk].first_t, th->tid);
		if (ret)
			return ret;
		break;
	case HS_EV_THREAD_RUN:
		if (!lead_thread(l, hs_le32(pl)))
			return -ENOMEM;
		l->cur = hs_le32(pl);
		break;
	case HS_EV_THREAD_CREATE:
		if (!(th = lead_thread(l, hs_le32(pl + 4))))
			return -ENOMEM;
		th->have_state = false;
		break;
	case HS_EV_SYSCALL_EXIT:
		rax = hs_trace_state_offset("rax", &rax_size);
		if (!(th = lead_thread(l, hs_le32(pl))))
			return -ENOMEM;
		if (rax >= 0 && rax_size == 8) {
			uint64_t res = hs_le64(pl + 16);

			res = hs_le32(pl + 8) ? (uint64_t)0 - res : res;
			memcpy(th->st + rax, &res, 8);
		}
		break;
	case HS_EV_REG_WRITE:
		if (!(th = lead_thread(l, hs_le32(pl))))
			return -ENOMEM;
		memcpy(th->st + hs_le32(pl + 4), pl + 12, hs_le32(pl + 8));
		break;
	default:
		break;
	}
	return on_event(r, r->img->chunks[r->chunk].first_t, l->cur, tag, pl, len);
}

/* Replays the chunk's head as the decoder would, returning what
 * hs_trace_decoder_chunk() would (STOP at the first superblock); *declined
 * and nothing done when the decoder must do it. */
static int lead_run(struct db_replay *r, const struct hs_trace_chunk *c, bool *declined)
{
	const uint8_t *p = c->data, *end;
	int ret = 0;

	*declined = !lead_span(c, &end);
	if (*declined)
		return 0;
	while (p < end && !ret) {
		uint32_t len = hs_le32(p + 4);

		ret = lead_event(r, hs_le32(p), p + 8, len);
		p += 8 + (size_t)len;
	}
	if (!ret && end < c->data + c->size)
		ret = STOP; /* the first instruction's first store or insn() */
	return ret;
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

/* Decodes the chunk up to r->stop_t (a decoder taken from the pool, or
 * lead_run() when no instruction runs before stop_t): what
 * hs_trace_decoder_chunk() returns. */
static int run_chunk(struct db_replay *r, const struct hs_trace_chunk *chunk)
{
	struct hs_trace_err terr = { "" };
	bool declined;
	int ret;

	memset(r->gone, 0, sizeof(r->gone));
	r->dec = NULL;
	r->lead = NULL;
	if (r->stop_t == r->img->chunks[r->chunk].first_t) {
		r->lead = calloc(1, sizeof(*r->lead));
		if (!r->lead)
			return -ENOMEM;
		ret = lead_run(r, chunk, &declined);
		if (!declined)
			return ret;
		free(r->lead);
		r->lead = NULL;
	}
	ret = db_dec_get(r->img, &r->dec);
	if (ret)
		return ret;
	r->dec->r = r;
	/* a pooled decoder: nothing of what it decoded before counts (it may
	 * even have stopped partway through the chunk before this one) */
	hs_trace_decoder_reset(r->dec->d);
	ret = hs_trace_decoder_chunk(r->dec->d, chunk, &terr);
	if (ret < 0 && terr.msg[0])
		db_log("%s", terr.msg);
	return ret;
}

int db_replay_run(struct db_replay *r)
{
	struct hs_db_image *img = r->img;
	const struct hs_trace_chunk *chunk;
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
	ret = run_chunk(r, chunk);
	if (ret < 0 || ret > STOP)
		goto out; /* an error, or an effect callback's own stop */
	stopped = ret == STOP;
	ret = 0;
	r->tid = running(r);
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
		const uint8_t *st = gone(r, want) ? NULL : state_of(r, want);

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
	if (r->lead) {
		free(r->lead->th);
		free(r->lead);
		r->lead = NULL;
	}
	db_cache_put(&img->db->cache, ce);
	return ret;
}
