/* dbb_shard.c - one shard of one process image: decode a range of chunks.
 *
 * A shard starts at its first chunk (a sync point) with no knowledge of
 * what came before, and writes everything the merge needs into its own
 * folder (dbb_i.h lists the files).  What it cannot know alone is left for
 * the merge to stitch:
 *  - RUNS: the first THREAD_RUN is always written; the merge drops it when
 *    the previous shard ended with the same thread;
 *  - CALLS: each thread's call stack starts empty.  A return that matches
 *    no call of the shard is an "orphan" (corph.sp) that the merge matches
 *    against the calls earlier shards left open (copen.sp); depths are
 *    relative to the shard's own calls and the merge adds the number of
 *    open calls of earlier shards (dbb_calls.c: how an orphan that leaves
 *    calls of the shard open is guessed, and checked by the merge);
 *  - PAGES: versions are per chunk and need nothing from earlier chunks
 *    (a COPY names its source, resolved by readers).
 */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>


#include "dbb_i.h"

struct shard {
	struct dbb_image *img;
	const char *dir;
	bool sync;
	struct hs_dbb_err *err;
	struct dbb_pages *pg;
	struct hs_trace_mem_visitor mv;
	struct dbb_spill_w *chunks, *events, *runs;
	struct dbb_calls *calls;
	struct dbb_lpass *lines;   /* NULL: the image has no lines */
	struct dbb_addrs *addrs;   /* ADDRS (dbb_addrs.c) */
	struct hs_trace_decoder *dec;
	bool have_run;
	uint32_t run_tid;
	uint64_t cur_seq;
	uint64_t n_events;
	int cb_ret;              /* what a callback failed with */
};

static int cb_fail(struct shard *sh, int ret, const char *what)
{
	dbb_err_set(sh->err, "%s/stream.hst: chunk %" PRIu64 ": %s: %s", sh->img->dir,
		    sh->cur_seq, what, strerror(-ret));
	sh->cb_ret = ret;
	return ret;
}

/* ---- the visitor ----------------------------------------------------------- */

static int v_store(void *ctx, uint64_t t, uint32_t tid, uint64_t addr, uint32_t size,
		   const uint8_t *bytes)
{
	struct shard *sh = ctx;
	int ret = hs_trace_mem_store(&sh->mv, t, addr, size, bytes);

	return ret ? cb_fail(sh, ret, "store") : 0;
}

static int v_jump(void *ctx, uint64_t t, uint32_t tid, uint32_t jk, uint64_t addr,
		  uint32_t len, uint64_t dst)
{
	struct shard *sh = ctx;
	int ret = dbb_calls_jump(sh->calls, sh->dec, t, tid, jk, addr, len, dst);

	if (!ret && sh->lines)
		ret = dbb_lpass_jump(sh->lines, t, tid, jk, addr, dst);
	return ret ? cb_fail(sh, ret, "calls") : 0;
}

static int v_regs(void *ctx, uint64_t t, uint32_t tid, uint32_t reason, const uint8_t *state)
{
	struct shard *sh = ctx;
	int ret = dbb_calls_regs(sh->calls, t, tid, reason, state);

	return ret ? cb_fail(sh, ret, "calls") : 0;
}

static int v_insn(void *ctx, uint64_t t, uint32_t tid, uint64_t rip)
{
	struct shard *sh = ctx;
	int ret = dbb_addrs_insn(sh->addrs, rip);

	if (ret)
		return cb_fail(sh, ret, "addresses");
	ret = sh->lines ? dbb_lpass_insn(sh->lines, t, tid, rip) : 0;
	return ret ? cb_fail(sh, ret, "line starts") : 0;
}

static int v_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag,
		   const uint8_t *pl, uint32_t len)
{
	struct shard *sh = ctx;
	uint8_t h[HS_DB_EVENT_HDR];
	int ret = 0;

	if (tag == HS_EV_REGS)
		return 0;
	hs_put_le64(h, t);
	hs_put_le32(h + 8, tid);
	hs_put_le32(h + 12, tag);
	hs_put_le32(h + 16, len);
	sh->n_events++;
	if ((ret = dbb_spill_write(sh->events, h, sizeof(h))) ||
	    (len && (ret = dbb_spill_write(sh->events, pl, len))))
		return cb_fail(sh, ret, "events");
	if (tag == HS_EV_THREAD_RUN && len >= 4) {
		uint32_t run = hs_le32(pl);

		if (!sh->have_run || run != sh->run_tid) {
			uint8_t r[HS_DB_RUN_REC] = { 0 };

			hs_put_le64(r, t);
			hs_put_le32(r + 8, run);
			if ((ret = dbb_spill_write(sh->runs, r, sizeof(r))))
				return cb_fail(sh, ret, "runs");
			sh->have_run = true;
			sh->run_tid = run;
		}
	} else if ((tag == HS_EV_THREAD_EXIT || tag == HS_EV_SIGNAL || tag == HS_EV_SIGRETURN) &&
		   len >= 4) {
		if (sh->lines && (ret = dbb_lpass_event(sh->lines, t, tid, tag, pl, len)))
			return cb_fail(sh, ret, "line starts");
	}
	if ((ret = dbb_calls_event(sh->calls, sh->dec, t, tag, pl, len)))
		return cb_fail(sh, ret, "calls");
	ret = hs_trace_mem_event(&sh->mv, sh->img->files, t, tag, pl, len);
	if (ret == -ENOENT || ret == -ESTALE) {
		/* hs_trace_mem_event logged the file; name the chunk too */
		dbb_err_set(sh->err, "%s/stream.hst: chunk %" PRIu64 ": a mapped file is "
			    "missing or changed since recording (see above)", sh->img->dir,
			    sh->cur_seq);
		sh->cb_ret = ret;
		return ret;
	}
	return ret ? cb_fail(sh, ret, "memory event") : 0;
}

/* ---- the shard ----------------------------------------------------------- */

static int close_spill(struct shard *sh, struct dbb_spill_w **w)
{
	int ret = dbb_spill_close(*w, sh->sync);

	*w = NULL;
	return ret;
}

static void shard_release(struct shard *sh)
{
	dbb_spill_abort(sh->chunks);
	dbb_spill_abort(sh->events);
	dbb_spill_abort(sh->runs);
	dbb_calls_free(sh->calls);
	dbb_lpass_free(sh->lines);
	dbb_addrs_free(sh->addrs);
	dbb_pages_free(sh->pg);
}

struct run_result {
	size_t bad_chunk;        /* where decoding failed */
	bool decode_error;       /* the recording itself is bad there */
	uint64_t first_t, end_t;
	unsigned page_runs;
	uint64_t versions, calls, events, chunks;
};

/* Decodes chunks [c0, c1) into sh->dir. */
static int shard_try(struct dbb_image *img, const char *dir, bool sync, size_t c0,
		     size_t c1, size_t run_bytes, struct dbb_progress *prog,
		     struct run_result *rr, struct hs_dbb_err *err)
{
	struct shard sh = { .img = img, .dir = dir, .sync = sync, .err = err };
	struct hs_trace_visitor vis = {
		.ctx = &sh, .insn = v_insn, .store = v_store, .event = v_event, .jump = v_jump,
		.regs = v_regs,
	};
	struct hs_trace_decoder *d = NULL;
	struct hs_trace_chunk chunk = { .data = NULL };
	struct hs_trace_err terr = { "" };
	int ret;

	memset(rr, 0, sizeof(*rr));
	rr->bad_chunk = SIZE_MAX;
	if ((ret = dbb_pages_new(dir, run_bytes, sync, &sh.pg)))
		goto out;
	dbb_pages_visitor(sh.pg, &sh.mv);
	if ((ret = dbb_spill_create_in(sh.dir, "chunks.sp", &sh.chunks)) ||
	    (ret = dbb_spill_create_in(sh.dir, "events.sp", &sh.events)) ||
	    (ret = dbb_spill_create_in(sh.dir, "runs.sp", &sh.runs)) ||
	    (ret = dbb_calls_new(dir, sync, NULL, img->calls_guess, &sh.calls)) ||
	    (ret = dbb_calls_set_src(sh.calls, img->lsrc, c0 == 0)) ||
	    (ret = dbb_addrs_new(dir, &sh.addrs)))
		goto out;
	/* the line pass, fused into this decode (dbb_lines.c) */
	if (dbb_lsrc_has_lines(img->lsrc) && (ret = dbb_lpass_new(img->lsrc, dir, &sh.lines)))
		goto out;
	if ((ret = hs_trace_decoder_new(img->code, &vis, &d)))
		goto out;
	sh.dec = d;
	hs_trace_decoder_set_check(d, false);
	for (size_t c = c0; c < c1; c++) {
		const struct hs_trace_chunk_info *ci = hs_trace_file_chunk_info(img->stream, c);
		uint8_t rec[HS_DB_CHUNK_REC];
		uint64_t end_t;

		sh.cur_seq = ci->seq;
		ret = hs_trace_file_read_chunk(img->stream, c, &chunk, &terr);
		if (!ret) {
			dbb_pages_chunk_begin(sh.pg, ci->seq);
			ret = hs_trace_decoder_chunk(d, &chunk, &terr);
		}
		if (ret) {
			if (sh.cb_ret == 0) { /* the recording, not us */
				rr->decode_error = ret == -EBADMSG;
				dbb_err_set(err, "%s", terr.msg[0] ? terr.msg : strerror(-ret));
			}
			rr->bad_chunk = c;
			goto out;
		}
		end_t = hs_trace_decoder_t(d);
		if (c == c0)
			rr->first_t = ci->first_t;
		rr->end_t = end_t;
		hs_put_le64(rec, ci->seq);
		hs_put_le64(rec + 8, ci->first_t);
		hs_put_le64(rec + 16, end_t);
		hs_put_le64(rec + 24, ci->offset);
		hs_put_le32(rec + 32, ci->comp_size);
		hs_put_le32(rec + 36, ci->raw_size);
		hs_put_le64(rec + 40, ci->payload_xxh);
		if ((ret = dbb_spill_write(sh.chunks, rec, sizeof(rec))) ||
		    (ret = dbb_addrs_chunk_end(sh.addrs, ci->seq)) ||
		    (ret = dbb_pages_chunk_end(sh.pg, end_t))) {
			dbb_err_set(err, "%s: writing shard data: %s", dir, strerror(-ret));
			goto out;
		}
		rr->chunks++;
		if (prog)
			__atomic_fetch_add(&prog->done, end_t - ci->first_t, __ATOMIC_RELAXED);
	}
	if ((sh.lines && (ret = dbb_lpass_finish(sh.lines))) ||
	    (ret = dbb_calls_finish(sh.calls)) ||
	    (ret = dbb_addrs_finish(sh.addrs, sync)) ||
	    (ret = dbb_pages_finish(sh.pg, &rr->page_runs)) ||
	    (ret = close_spill(&sh, &sh.chunks)) ||
	    (ret = close_spill(&sh, &sh.events)) ||
	    (ret = close_spill(&sh, &sh.runs))) {
		dbb_err_set(err, "%s: writing shard data: %s", dir, strerror(-ret));
		goto out;
	}
	rr->versions = dbb_pages_versions(sh.pg);
	rr->calls = dbb_calls_count(sh.calls);
	rr->events = sh.n_events;
out:
	hs_trace_chunk_release(&chunk);
	hs_trace_decoder_free(d);
	shard_release(&sh);
	return ret;
}

/* Removes the files of a failed attempt (the folder stays). */
static int clear_dir(const char *dir)
{
	int ret = dbb_rmtree(dir);

	return ret ? ret : dbb_mkdir(dir);
}

static int write_info(const char *dir, const struct dbb_image *img, unsigned s,
		      unsigned n, size_t c0, size_t c1, const struct run_result *rr,
		      bool truncated, const char *why)
{
	json_object *o = json_object_new_object();
	const char *text;
	char *path;
	int ret;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "image", json_object_new_string(img->name));
	json_object_object_add(o, "shard", json_object_new_int((int)s));
	json_object_object_add(o, "shards", json_object_new_int((int)n));
	json_object_object_add(o, "first_chunk", json_object_new_int64((int64_t)c0));
	json_object_object_add(o, "end_chunk", json_object_new_int64((int64_t)c1));
	json_object_object_add(o, "planned_end_chunk",
			       json_object_new_int64((int64_t)img->first[s + 1]));
	json_object_object_add(o, "truncated", json_object_new_boolean(truncated));
	json_object_object_add(o, "error", json_object_new_string(why ? why : ""));
	json_object_object_add(o, "first_t", json_object_new_int64((int64_t)rr->first_t));
	json_object_object_add(o, "end_t", json_object_new_int64((int64_t)rr->end_t));
	json_object_object_add(o, "page_runs", json_object_new_int((int)rr->page_runs));
	json_object_object_add(o, "versions", json_object_new_int64((int64_t)rr->versions));
	json_object_object_add(o, "calls", json_object_new_int64((int64_t)rr->calls));
	json_object_object_add(o, "events", json_object_new_int64((int64_t)rr->events));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	path = dbb_path(dir, "info.json");
	ret = path ? dbb_write_file(path, text, strlen(text)) : -ENOMEM;
	free(path);
	json_object_put(o);
	return ret;
}

int dbb_shard_run(struct dbb_image *img, unsigned s, const char *out_dir, bool sync,
		  size_t run_bytes, struct dbb_progress *prog, FILE *log,
		  struct hs_dbb_err *err)
{
	size_t c0 = img->first[s], c1 = img->first[s + 1];
	struct run_result rr;
	char why[512] = "";
	bool truncated = false;
	int ret;

	for (;;) {
		struct hs_dbb_err e = { "" };

		ret = shard_try(img, out_dir, sync, c0, c1, run_bytes, prog, &rr, &e);
		if (!ret)
			break;
		if (!(rr.decode_error && img->incomplete)) {
			dbb_err_set(err, "%s", e.msg[0] ? e.msg : strerror(-ret));
			return ret;
		}
		/* An incomplete recording: keep what decodes. */
		snprintf(why, sizeof(why), "%s", e.msg);
		fprintf(log, "hindsight build: warning: %s; the database of %s ends "
			"before chunk %zu (the recording is incomplete)\n", e.msg,
			img->name, rr.bad_chunk);
		truncated = true;
		c1 = rr.bad_chunk;
		if ((ret = clear_dir(out_dir))) {
			dbb_err_set(err, "%s: %s", out_dir, strerror(-ret));
			return ret;
		}
	}
	ret = write_info(out_dir, img, s, img->n_shards, c0, c1, &rr, truncated, why);
	if (ret)
		dbb_err_set(err, "%s/info.json: %s", out_dir, strerror(-ret));
	return ret;
}

void dbb_split(const struct hs_trace_file *stream, unsigned n, size_t *first)
{
	size_t nc = hs_trace_file_chunk_count(stream), c = 0;
	uint64_t total = 0, acc = 0;

	for (size_t i = 0; i < nc; i++)
		total += hs_trace_file_chunk_info(stream, i)->raw_size;
	first[0] = 0;
	for (unsigned s = 1; s < n; s++) {
		/* shard s starts at the first chunk whose start is at or past
		 * s/n of the raw bytes */
		uint64_t goal = (uint64_t)((unsigned __int128)total * s / n);

		while (c < nc && acc < goal)
			acc += hs_trace_file_chunk_info(stream, c++)->raw_size;
		first[s] = c;
	}
	first[n] = nc;
}
