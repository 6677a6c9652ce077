/* dbb_verify.c - `hindsight verify`: re-check a whole database.
 *
 * For every process image of the manifest:
 *   - each .hdb file: size and XXH64 against the manifest; header and
 *     directory (hs_dbfile_open); every block's checksum; every record
 *     parsed, keys in order and inside their block's first/last keys;
 *   - CHUNKS: seq 0, 1, ...; contiguous in t; each matches the raw chunk
 *     header in procs/<image>/stream.hst, whose payload checksum is checked
 *     too (and code.hst's);
 *   - EVENTS and RUNS sorted by t, inside the image's time;
 *   - PAGES sorted by (page, chunk), each a well-formed version whose t is
 *     its chunk's end_t; PAGEIDX has one entry per PAGES record, in the same
 *     order, pointing at it (block, offset, length) with its page, chunk and
 *     kind;
 *   - CALLS by t_call, t_ret >= t_call, calls of a thread nested, and depth
 *     = the number of the thread's calls open at t_call (a thread's calls
 *     leave its stack when it exits: HS_EV_THREAD_EXIT).
 * Each problem is one line "FILE: ..." (with "block N" where a block is
 * bad); the first few of a kind per file are printed, then a count.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "dbb_i.h"

#define MAX_SAME 10 /* structural problems printed per file */

struct vfile {
	FILE *out;
	const char *path;
	unsigned problems;
	unsigned *total;
};

/* Where walk() is: the file, the block and the record's offset in it, the
 * record and its length. */
struct rec_at {
	struct vfile *v;
	size_t block, off;
	const uint8_t *rec;
	size_t len;
};

/* One problem line of file v: "PATH: ", for a record "block B offset O: "
 * (at not NULL), then the message. */
static void vproblem(struct vfile *v, const struct rec_at *at, const char *fmt, va_list ap)
{
	(*v->total)++;
	if (v->problems++ >= MAX_SAME) {
		if (v->problems == MAX_SAME + 1)
			fprintf(v->out, "%s: more problems, not listed\n", v->path);
		return;
	}
	fprintf(v->out, "%s: ", v->path);
	if (at)
		fprintf(v->out, "block %zu offset %zu: ", at->block, at->off);
	vfprintf(v->out, fmt, ap);
	fputc('\n', v->out);
}

static void problem(struct vfile *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void rec_problem(const struct rec_at *at, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct vfile *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(v, NULL, fmt, ap);
	va_end(ap);
}

static void rec_problem(const struct rec_at *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(at->v, at, fmt, ap);
	va_end(ap);
}

struct chunk_t {
	uint64_t first_t, end_t;
};

struct texit {
	uint64_t t;
	uint32_t tid;
};

struct image_v {
	FILE *out;
	unsigned *total;
	const char *name;
	uint64_t build_id;    /* the manifest's: every header must say it */
	char *dbdir;          /* TRACE/db/<image> */
	char *rawdir;         /* TRACE/procs/<image> */
	uint64_t instructions;
	struct chunk_t *chunks;
	size_t n_chunks;
	struct texit *exits;
	size_t n_exits, cap_exits;
};

/* Opens file `name` of the image; a failure is a problem. */
static struct hs_dbfile *open_db(struct image_v *iv, struct vfile *v, const char *name,
				 uint32_t kind)
{
	struct hs_dbfile *f = NULL;
	struct hs_dbfile_ident id;
	int ret = hs_dbfile_open(v->path, kind, NULL, &f);

	(void)name;
	if (ret) {
		problem(v, "cannot open: %s", ret == -EBADMSG ? "not a valid database file "
			"(header or directory damaged or cut short)" : strerror(-ret));
		return NULL;
	}
	hs_dbfile_ident(f, &id);
	if (id.build != iv->build_id || strcmp(id.image, iv->name) != 0)
		problem(v, "belongs to image %s of build %016" PRIx64 ", not to %s of build %016"
			PRIx64 " (moved or copied from elsewhere)", id.image[0] ? id.image : "?",
			id.build, iv->name, iv->build_id);
	return f;
}

/* Calls fn (unless NULL) on every record of every good block; bad blocks
 * are problems.
 * rec_len 0: EVENTS-style variable records; else fixed size (PAGES: 0 too,
 * with a header-size parse). */
typedef void (*rec_fn)(void *ctx, const struct rec_at *at);

static size_t rec_size(uint32_t kind, const uint8_t *p, size_t left)
{
	switch (kind) {
	case HS_DB_CHUNKS:
		return HS_DB_CHUNK_REC;
	case HS_DB_RUNS:
		return HS_DB_RUN_REC;
	case HS_DB_THREADS:
		return HS_DB_THREAD_REC;
	case HS_DB_CALLS:
		return HS_DB_CALL_REC;
	case HS_DB_CTXSW:
		return HS_DB_CTXSW_REC;
	case HS_DB_PAGEIDX:
		return HS_DB_PAGEIDX_REC;
	case HS_DB_EVENTS:
		return left < HS_DB_EVENT_HDR ? SIZE_MAX :
		       HS_DB_EVENT_HDR + (size_t)hs_le32(p + 16);
	case HS_DB_PAGES:
		return left < HS_DB_PAGE_HDR ? SIZE_MAX :
		       HS_DB_PAGE_HDR + (size_t)hs_le32(p + HS_DB_PAGE_HDR - 4);
	case HS_DB_CALLEE:
		return HS_DB_CALLEE_REC;
	case HS_DB_CALLEES:
		return HS_DB_CALLEES_REC;
	case HS_DB_LINES:
	case HS_DB_LINEIDX:
		return HS_DB_LINE_REC;
	case HS_DB_STACKS:
		return left < HS_DB_STACKS_HDR ? SIZE_MAX :
		       HS_DB_STACKS_HDR + (size_t)hs_le32(p + 16) * HS_DB_STACKS_FRAME;
	case HS_DB_LINEFILES:
		return left < HS_DB_LINEFILE_HDR ? SIZE_MAX :
		       HS_DB_LINEFILE_HDR + (size_t)hs_le32(p + 16);
	case HS_DB_ADDRS:
		return left < HS_DB_ADDRS_HDR || hs_le32(p + 8) < HS_DB_ADDRS_MIN_LOG2 ||
		       hs_le32(p + 8) > HS_DB_ADDRS_MAX_LOG2 ? SIZE_MAX :
		       HS_DB_ADDRS_HDR + ((size_t)1 << hs_le32(p + 8)) / 8;
	}
	return SIZE_MAX;
}

/* The sort key of a record (db_format.h). */
static uint64_t rec_key(uint32_t kind, const uint8_t *p)
{
	switch (kind) {
	case HS_DB_CHUNKS:
		return hs_le64(p + 8);
	case HS_DB_CALLEE:
		return hs_le64(p + 16);
	case HS_DB_LINEIDX:
		return (uint64_t)hs_le32(p + 12) << 32 | hs_le32(p + 16);
	case HS_DB_LINEFILES:
		return (uint64_t)hs_le32(p) << 32 | hs_le32(p + 4);
	}
	return hs_le64(p);
}

static void walk(struct hs_dbfile *f, struct vfile *v, uint32_t kind, rec_fn fn, void *ctx)
{
	uint64_t records = 0, last_key = 0;

	for (size_t b = 0; b < hs_dbfile_block_count(f); b++) {
		const struct hs_dbfile_block_info *bi = hs_dbfile_block(f, b);
		uint8_t *data = NULL;
		size_t off = 0, n = 0;
		int ret = hs_dbfile_read_block(f, b, &data);

		if (ret) {
			problem(v, "block %zu: %s", b, ret == -EBADMSG ?
				"corrupt (checksum or framing mismatch)" : strerror(-ret));
			records += bi->n_records;
			continue;
		}
		if (bi->first_key < last_key)
			problem(v, "block %zu: first key %" PRIu64 " < previous block's last %" PRIu64,
				b, bi->first_key, last_key);
		last_key = bi->last_key;
		while (off < bi->raw) {
			size_t len = rec_size(kind, data + off, bi->raw - off);
			uint64_t key;

			if (len == SIZE_MAX || len > bi->raw - off) {
				problem(v, "block %zu: record at offset %zu runs past the block", b, off);
				break;
			}
			key = rec_key(kind, data + off);
			if (key < bi->first_key || key > bi->last_key)
				problem(v, "block %zu: record key %" PRIu64 " outside the block's keys "
					"%" PRIu64 "..%" PRIu64, b, key, bi->first_key, bi->last_key);
			if (fn)
				fn(ctx, &(struct rec_at){ v, b, off, data + off, len });
			off += len;
			n++;
		}
		if (n != bi->n_records)
			problem(v, "block %zu: %zu records, the directory says %" PRIu32, b, n,
				bi->n_records);
		records += n;
		free(data);
	}
	if (records != hs_dbfile_record_count(f))
		problem(v, "%" PRIu64 " records, the header says %" PRIu64, records,
			hs_dbfile_record_count(f));
}

/* ---- CHUNKS and the raw recording ------------------------------------------ */

struct chunks_ctx {
	struct image_v *iv;
	struct hs_trace_file *raw;
	size_t i;
	size_t cap;
};

static void on_chunk(void *ctx, const struct rec_at *at)
{
	struct chunks_ctx *c = ctx;
	struct image_v *iv = c->iv;
	const uint8_t *r = at->rec;
	uint64_t seq = hs_le64(r), first = hs_le64(r + 8), end = hs_le64(r + 16);

	if (seq != c->i)
		problem(at->v, "block %zu: chunk record %zu has seq %" PRIu64, at->block, c->i, seq);
	if (c->i && first != iv->chunks[c->i - 1].end_t)
		problem(at->v, "block %zu: chunk %" PRIu64 " starts at t=%" PRIu64
			" but the previous ended at %" PRIu64, at->block, seq, first,
			iv->chunks[c->i - 1].end_t);
	if (end < first)
		problem(at->v, "block %zu: chunk %" PRIu64 " ends before it starts", at->block, seq);
	if (c->raw) {
		const struct hs_trace_chunk_info *ci = c->i < hs_trace_file_chunk_count(c->raw) ?
			hs_trace_file_chunk_info(c->raw, c->i) : NULL;

		if (!ci)
			problem(at->v, "chunk %" PRIu64 " is not in the recording", seq);
		else if (ci->seq != seq || ci->first_t != first || ci->offset != hs_le64(r + 24) ||
			 ci->comp_size != hs_le32(r + 32) || ci->raw_size != hs_le32(r + 36) ||
			 ci->payload_xxh != hs_le64(r + 40))
			problem(at->v, "chunk %" PRIu64 " does not match the recording's chunk header "
				"(was the recording replaced? rebuild with hindsight build)", seq);
	}
	if (hs_grow((void **)&iv->chunks, &c->cap, c->i + 1, sizeof(*iv->chunks)))
		return;
	iv->chunks[c->i++] = (struct chunk_t){ first, end };
	iv->n_chunks = c->i;
}

/* Every chunk payload's XXH64 in a .hst file. */
static void check_raw(struct image_v *iv, const char *name, const char *magic,
		      struct hs_trace_file **keep)
{
	char *path = dbb_path(iv->rawdir, name);
	struct vfile v = { iv->out, path, 0, iv->total };
	struct hs_trace_err terr = { "" };
	struct hs_trace_file *f = NULL;
	uint8_t *buf = NULL;
	size_t cap = 0;
	int fd = -1, ret;

	if (!path)
		return;
	ret = hs_trace_file_open(path, magic, &f, &terr);
	if (ret) {
		problem(&v, "%s", terr.msg[0] ? terr.msg : strerror(-ret));
		free(path);
		return;
	}
	if (hs_trace_file_truncated(f)) /* an incomplete recording: not damage */
		fprintf(iv->out, "%s: note: ends inside a chunk (the recording is incomplete)\n",
			path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	for (size_t i = 0; fd >= 0 && i < hs_trace_file_chunk_count(f); i++) {
		const struct hs_trace_chunk_info *ci = hs_trace_file_chunk_info(f, i);

		if (hs_grow((void **)&buf, &cap, ci->comp_size, 1))
			break;
		if (hs_read_full(fd, buf, ci->comp_size, ci->offset + HS_CHUNK_HEADER_SIZE) ||
		    XXH64(buf, ci->comp_size, 0) != ci->payload_xxh)
			problem(&v, "chunk %" PRIu64 ": payload checksum mismatch", ci->seq);
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	free(path);
	if (keep)
		*keep = f;
	else
		hs_trace_file_close(f);
}

/* ---- EVENTS, RUNS --------------------------------------------------------- */

struct seq_ctx {
	struct image_v *iv;
	uint64_t last_t;
	uint32_t last_tid;
	bool any;
};

/* EVENTS and RUNS come in t order: a record (what: "event", "run") at t
 * not before the one before it. */
static void seq_order(const struct seq_ctx *c, const struct rec_at *at, const char *what,
		      uint64_t t)
{
	if (c->any && t < c->last_t)
		rec_problem(at, "%s at t=%" PRIu64 " after t=%" PRIu64, what, t, c->last_t);
}

static void on_event(void *ctx, const struct rec_at *at)
{
	struct seq_ctx *c = ctx;
	uint64_t t = hs_le64(at->rec);
	uint32_t tag = hs_le32(at->rec + 12);

	seq_order(c, at, "event", t);
	if (t > c->iv->instructions)
		rec_problem(at, "event at t=%" PRIu64 " past the end (%" PRIu64 ")",
			t, c->iv->instructions);
	if (tag == HS_EV_REGS || tag == 0 || tag >= HS_SB_ID_FIRST)
		rec_problem(at, "event tag %" PRIu32 " does not belong here", tag);
	if (tag == HS_EV_THREAD_EXIT && at->len >= HS_DB_EVENT_HDR + 4) {
		struct image_v *iv = c->iv;

		if (!hs_grow((void **)&iv->exits, &iv->cap_exits, iv->n_exits + 1,
			     sizeof(*iv->exits)))
			iv->exits[iv->n_exits++] = (struct texit){ t, hs_le32(at->rec + HS_DB_EVENT_HDR) };
	}
	c->any = true;
	c->last_t = t;
}

static void on_run(void *ctx, const struct rec_at *at)
{
	struct seq_ctx *c = ctx;
	uint64_t t = hs_le64(at->rec);
	uint32_t tid = hs_le32(at->rec + 8);

	seq_order(c, at, "run", t);
	if (c->any && tid == c->last_tid)
		rec_problem(at, "thread %" PRIu32 " runs twice in a row", tid);
	if (t > c->iv->instructions)
		rec_problem(at, "run at t=%" PRIu64 " past the end", t);
	c->any = true;
	c->last_t = t;
	c->last_tid = tid;
}

/* ---- PAGES and PAGEIDX ------------------------------------------------------ */

struct pages_ctx {
	struct image_v *iv;
	struct hs_dbfile *idx;
	struct vfile *iv_idx;
	size_t idx_block, idx_off;   /* next PAGEIDX entry */
	uint8_t *idx_data;
	bool idx_bad, idx_end;
	uint64_t last_page, last_chunk;
	bool any;
};

/* The next PAGEIDX entry, or NULL. */
static const uint8_t *next_idx(struct pages_ctx *c)
{
	while (!c->idx_end) {
		const struct hs_dbfile_block_info *bi;

		if (!c->idx || c->idx_block >= hs_dbfile_block_count(c->idx)) {
			c->idx_end = true;
			return NULL;
		}
		bi = hs_dbfile_block(c->idx, c->idx_block);
		if (!c->idx_data) {
			if (hs_dbfile_read_block(c->idx, c->idx_block, &c->idx_data)) {
				c->idx_bad = true; /* walk() reports the block */
				c->idx_block++;
				c->idx_off = 0;
				continue;
			}
		}
		if (c->idx_off + HS_DB_PAGEIDX_REC <= bi->raw) {
			const uint8_t *e = c->idx_data + c->idx_off;

			c->idx_off += HS_DB_PAGEIDX_REC;
			return e;
		}
		free(c->idx_data);
		c->idx_data = NULL;
		c->idx_block++;
		c->idx_off = 0;
	}
	return NULL;
}

static void on_page(void *ctx, const struct rec_at *at)
{
	struct pages_ctx *c = ctx;
	struct hs_dbb_page_rec p;
	const uint8_t *e;

	if (hs_dbb_page_parse(at->rec, at->len, &p)) {
		rec_problem(at, "malformed page version");
	} else {
		if (c->any && (p.page < c->last_page ||
			       (p.page == c->last_page && p.chunk <= c->last_chunk)))
			rec_problem(at, "page 0x%" PRIx64 " chunk %" PRIu64
				" out of (page, chunk) order", p.page, p.chunk);
		if (p.chunk >= c->iv->n_chunks)
			rec_problem(at, "chunk %" PRIu64 " does not exist", p.chunk);
		else if (p.t != c->iv->chunks[p.chunk].end_t)
			rec_problem(at, "t=%" PRIu64 " is not chunk %" PRIu64 "'s end (%" PRIu64 ")",
				    p.t, p.chunk, c->iv->chunks[p.chunk].end_t);
		c->any = true;
		c->last_page = p.page;
		c->last_chunk = p.chunk;
	}
	if (c->idx_bad)
		return; /* positions are lost past a bad index block */
	e = next_idx(c);
	if (!e) {
		problem(c->iv_idx, "no entry for page version at pages.hdb block %zu offset %zu",
			at->block, at->off);
		c->idx_bad = true;
		return;
	}
	if (hs_le32(e + 16) != at->block || hs_le32(e + 20) != at->off || hs_le32(e + 24) != at->len) {
		problem(c->iv_idx, "entry for page 0x%" PRIx64 " chunk %" PRIu64 " points at block %"
			PRIu32 " offset %" PRIu32 " length %" PRIu32 ", the version is at block %zu "
			"offset %zu length %zu", hs_le64(e), hs_le64(e + 8), hs_le32(e + 16),
			hs_le32(e + 20), hs_le32(e + 24), at->block, at->off, at->len);
		return;
	}
	if (hs_le64(e) != hs_le64(at->rec) || hs_le64(e + 8) != hs_le64(at->rec + 8) ||
	    hs_le32(e + 28) != hs_le32(at->rec + 24))
		problem(c->iv_idx, "entry at block %zu offset %zu names page 0x%" PRIx64 " chunk %"
			PRIu64 " kind %" PRIu32 ", the version there differs", at->block, at->off,
			hs_le64(e), hs_le64(e + 8), hs_le32(e + 28));
}

static void idx_keys(void *ctx, const struct rec_at *at)
{
	struct pages_ctx *c = ctx;

	if (c->any && hs_le64(at->rec) < c->last_page)
		rec_problem(at, "entries out of order");
	c->any = true;
	c->last_page = hs_le64(at->rec);
}

/* ---- CALLS ------------------------------------------------------------------ */

struct cstack {
	uint64_t *t_ret;
	size_t n, cap;
	uint32_t tid, ctx;       /* (other contexts than 0: xs[]) */
};

struct calls_ctx {
	struct image_v *iv;
	struct cstack *st;       /* [tid]: context 0 */
	size_t n_st;
	struct cstack *xs;       /* the other contexts (db_format.h, CALLS) */
	size_t n_xs, cap_xs;
	size_t exit_i;
	uint64_t last_t;
};

/* The calls of a thread nest on each of its stacks (contexts). */
static struct cstack *cstack_of(struct calls_ctx *c, uint32_t tid, uint32_t ctx)
{
	if (ctx) {
		for (size_t i = 0; i < c->n_xs; i++)
			if (c->xs[i].tid == tid && c->xs[i].ctx == ctx)
				return &c->xs[i];
		if (hs_grow((void **)&c->xs, &c->cap_xs, c->n_xs + 1, sizeof(*c->xs)))
			return NULL;
		c->xs[c->n_xs] = (struct cstack){ .tid = tid, .ctx = ctx };
		return &c->xs[c->n_xs++];
	}
	if (hs_grow_zero((void **)&c->st, &c->n_st, (size_t)tid + 1, sizeof(*c->st)))
		return NULL;
	return &c->st[tid];
}

static void on_call(void *ctx, const struct rec_at *at)
{
	struct calls_ctx *c = ctx;
	uint64_t t_call = hs_le64(at->rec), t_ret = hs_le64(at->rec + 8);
	uint32_t tid = hs_le32(at->rec + 32), depth = hs_le32(at->rec + 36);
	struct cstack *st;

	if (t_call < c->last_t)
		rec_problem(at, "call at t=%" PRIu64 " after t=%" PRIu64, t_call, c->last_t);
	c->last_t = t_call;
	if (t_ret != HS_DB_NO_RETURN && t_ret < t_call)
		rec_problem(at, "call at t=%" PRIu64 " returns before it is made "
			"(t=%" PRIu64 ")", t_call, t_ret);
	if (t_call > c->iv->instructions ||
	    (t_ret != HS_DB_NO_RETURN && t_ret > c->iv->instructions))
		rec_problem(at, "call at t=%" PRIu64 " is outside the trace", t_call);
	/* threads that exited before this call leave their stacks */
	while (c->exit_i < c->iv->n_exits && c->iv->exits[c->exit_i].t <= t_call) {
		uint32_t xt = c->iv->exits[c->exit_i++].tid;
		struct cstack *x = cstack_of(c, xt, 0);

		if (x)
			x->n = 0;
		for (size_t i = 0; i < c->n_xs; i++)
			if (c->xs[i].tid == xt)
				c->xs[i].n = 0;
	}
	st = cstack_of(c, tid, hs_le32(at->rec + 44));
	if (!st)
		return;
	while (st->n && st->t_ret[st->n - 1] <= t_call)
		st->n--;
	for (size_t k = 0; k + 1 < st->n; k++) {
		if (st->t_ret[k] <= t_call) {
			rec_problem(at, "thread %" PRIu32 ": calls do not nest at t=%"
				PRIu64, tid, t_call);
			break;
		}
	}
	if (depth != st->n)
		rec_problem(at, "call at t=%" PRIu64 " of thread %" PRIu32
			" has depth %" PRIu32 ", %zu calls are open", t_call, tid, depth,
			st->n);
	if (st->n && t_ret > st->t_ret[st->n - 1])
		rec_problem(at, "call at t=%" PRIu64 " returns after its caller", t_call);
	if (hs_grow((void **)&st->t_ret, &st->cap, st->n + 1, sizeof(*st->t_ret)))
		return;
	/* a frame left by a tail call ends as the call that replaces it is
	 * made (t_call of that one = its t_ret - 1, at the same depth) */
	if ((hs_le32(at->rec + 40) & HS_DB_CALL_TAIL) && t_ret != HS_DB_NO_RETURN)
		t_ret--;
	st->t_ret[st->n++] = t_ret;
}

/* ---- one image ------------------------------------------------------------ */

static int cmp_exit(const void *a, const void *b)
{
	const struct texit *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

/* The source-level files: manifest size and hash, every block's checksum,
 * record framing and key order. */
static void verify_source_files(struct image_v *iv, json_object *files)
{
	static const struct { const char *name; uint32_t kind; } kinds[] = {
		{ "callee.hdb", HS_DB_CALLEE }, { "callees.hdb", HS_DB_CALLEES },
		{ "stacks.hdb", HS_DB_STACKS }, { "lines.hdb", HS_DB_LINES },
		{ "lineidx.hdb", HS_DB_LINEIDX }, { "linefiles.hdb", HS_DB_LINEFILES },
		{ "threads.hdb", HS_DB_THREADS }, { "addrs.hdb", HS_DB_ADDRS },
		{ "ctxsw.hdb", HS_DB_CTXSW },
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		char *path = dbb_path(iv->dbdir, kinds[k].name);
		struct vfile v = { iv->out, path ? path : kinds[k].name, 0, iv->total };
		struct hs_dbfile *f;
		json_object *fo, *x;
		uint64_t xxh = 0, size = 0;
		char hex[24];
		int ret;

		if (!path)
			continue;
		ret = dbb_file_xxh(path, &xxh, &size);
		if (ret == -ENOENT && kinds[k].kind == HS_DB_ADDRS &&
		    !(files && json_object_object_get_ex(files, kinds[k].name, &fo))) {
			free(path);     /* optional: built before addrs.hdb */
			continue;
		}
		if (ret) {
			problem(&v, "%s", strerror(-ret));
			free(path);
			continue;
		}
		snprintf(hex, sizeof(hex), "%016" PRIx64, xxh);
		if (!files || !json_object_object_get_ex(files, kinds[k].name, &fo)) {
			problem(&v, "not in manifest.json");
		} else {
			if (!json_object_object_get_ex(fo, "size", &x) ||
			    (uint64_t)json_object_get_int64(x) != size)
				problem(&v, "size %" PRIu64 " differs from manifest.json", size);
			if (!json_object_object_get_ex(fo, "xxh64", &x) ||
			    strcmp(json_object_get_string(x), hex) != 0)
				problem(&v, "XXH64 %s differs from manifest.json", hex);
		}
		f = open_db(iv, &v, kinds[k].name, kinds[k].kind);
		if (f)
			walk(f, &v, kinds[k].kind, NULL, NULL);
		hs_dbfile_close(f);
		free(path);
	}
}

static void verify_image(struct image_v *iv, json_object *files)
{
	static const struct { const char *name; uint32_t kind; } kinds[] = {
		{ "chunks.hdb", HS_DB_CHUNKS }, { "events.hdb", HS_DB_EVENTS },
		{ "runs.hdb", HS_DB_RUNS }, { "pages.hdb", HS_DB_PAGES },
		{ "pageidx.hdb", HS_DB_PAGEIDX }, { "calls.hdb", HS_DB_CALLS },
	};
	struct hs_dbfile *f[6] = { NULL };
	struct vfile v[6];
	char *paths[6] = { NULL };
	struct hs_trace_file *raw = NULL;

	for (int k = 0; k < 6; k++) {
		json_object *fo, *x;
		uint64_t xxh = 0, size = 0;
		char hex[24];
		int ret;

		paths[k] = dbb_path(iv->dbdir, kinds[k].name);
		v[k] = (struct vfile){ iv->out, paths[k] ? paths[k] : kinds[k].name, 0, iv->total };
		if (!paths[k])
			continue;
		ret = dbb_file_xxh(paths[k], &xxh, &size);
		if (ret) {
			problem(&v[k], "%s", strerror(-ret));
			continue;
		}
		snprintf(hex, sizeof(hex), "%016" PRIx64, xxh);
		if (!files || !json_object_object_get_ex(files, kinds[k].name, &fo)) {
			problem(&v[k], "not in manifest.json");
		} else {
			if (!json_object_object_get_ex(fo, "size", &x) ||
			    (uint64_t)json_object_get_int64(x) != size)
				problem(&v[k], "size %" PRIu64 " differs from manifest.json", size);
			if (!json_object_object_get_ex(fo, "xxh64", &x) ||
			    strcmp(json_object_get_string(x), hex) != 0)
				problem(&v[k], "XXH64 %s differs from manifest.json", hex);
		}
		f[k] = open_db(iv, &v[k], kinds[k].name, kinds[k].kind);
	}
	check_raw(iv, "code.hst", HS_CODE_MAGIC, NULL);
	check_raw(iv, "stream.hst", HS_STREAM_MAGIC, &raw);
	if (f[0]) {
		struct chunks_ctx c = { .iv = iv, .raw = raw };

		walk(f[0], &v[0], HS_DB_CHUNKS, on_chunk, &c);
		if (iv->n_chunks && iv->chunks[iv->n_chunks - 1].end_t != iv->instructions)
			problem(&v[0], "the last chunk ends at t=%" PRIu64 ", the manifest says %"
				PRIu64 " instructions", iv->chunks[iv->n_chunks - 1].end_t,
				iv->instructions);
	}
	if (f[1]) {
		struct seq_ctx c = { .iv = iv };

		walk(f[1], &v[1], HS_DB_EVENTS, on_event, &c);
		qsort(iv->exits, iv->n_exits, sizeof(*iv->exits), cmp_exit);
	}
	if (f[2]) {
		struct seq_ctx c = { .iv = iv };

		walk(f[2], &v[2], HS_DB_RUNS, on_run, &c);
	}
	if (f[4]) {
		struct pages_ctx c = { .iv = iv };

		walk(f[4], &v[4], HS_DB_PAGEIDX, idx_keys, &c);
	}
	if (f[3]) {
		struct pages_ctx c = { .iv = iv, .idx = f[4], .iv_idx = &v[4] };

		walk(f[3], &v[3], HS_DB_PAGES, on_page, &c);
		if (f[4] && !c.idx_bad && next_idx(&c))
			problem(&v[4], "more entries than page versions");
		free(c.idx_data);
	}
	if (f[5]) {
		struct calls_ctx c = { .iv = iv };

		walk(f[5], &v[5], HS_DB_CALLS, on_call, &c);
		for (size_t i = 0; i < c.n_st; i++)
			free(c.st[i].t_ret);
		free(c.st);
		for (size_t i = 0; i < c.n_xs; i++)
			free(c.xs[i].t_ret);
		free(c.xs);
	}
	for (int k = 0; k < 6; k++) {
		hs_dbfile_close(f[k]);
		free(paths[k]);
	}
	hs_trace_file_close(raw);
	verify_source_files(iv, files);
}

int hs_dbb_verify(const char *trace_dir, FILE *out)
{
	char *db = dbb_path(trace_dir, "db"), *mpath = NULL, *text = NULL;
	json_object *m = NULL, *x, *imgs;
	unsigned total = 0;
	struct stat st;
	int ret = 0;

	if (!db)
		return -ENOMEM;
	if (stat(db, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(out, "%s: no database (build it with: hindsight build %s)\n", db, trace_dir);
		free(db);
		return -ENOENT;
	}
	mpath = dbb_path(db, "manifest.json");
	ret = mpath ? dbb_read_file(mpath, &text, NULL) : -ENOMEM;
	if (ret) {
		fprintf(out, "%s: %s\n", mpath ? mpath : db, strerror(-ret));
		ret = 1;
		goto out;
	}
	m = json_tokener_parse(text);
	if (!m || !json_object_object_get_ex(m, "format", &x) ||
	    strcmp(json_object_get_string(x), "hindsight-db") != 0) {
		fprintf(out, "%s: not a Hindsight database manifest\n", mpath);
		ret = 1;
		goto out;
	}
	if (!json_object_object_get_ex(m, "version", &x) ||
	    json_object_get_int(x) != HS_DB_FORMAT_VERSION) {
		fprintf(out, "%s: database format version %d, this hindsight reads version %d: "
			"rebuild with hindsight build %s\n", mpath, x ? json_object_get_int(x) : 0,
			HS_DB_FORMAT_VERSION, trace_dir);
		ret = -EPROTO;
		goto out;
	}
	if (!json_object_object_get_ex(m, "images", &imgs) ||
	    !json_object_is_type(imgs, json_type_array)) {
		fprintf(out, "%s: no images\n", mpath);
		ret = 1;
		goto out;
	}
	for (size_t i = 0; i < json_object_array_length(imgs); i++) {
		json_object *io = json_object_array_get_idx(imgs, i), *files = NULL;
		struct image_v iv = { .out = out, .total = &total };
		char *procs = dbb_path(trace_dir, "procs");

		if (!json_object_object_get_ex(io, "name", &x)) {
			fprintf(out, "%s: image %zu has no name\n", mpath, i);
			total++;
			free(procs);
			continue;
		}
		iv.name = json_object_get_string(x);
		if (json_object_object_get_ex(m, "build_id", &x))
			iv.build_id = strtoull(json_object_get_string(x), NULL, 16);
		if (json_object_object_get_ex(io, "instructions", &x))
			iv.instructions = (uint64_t)json_object_get_int64(x);
		json_object_object_get_ex(io, "files", &files);
		iv.dbdir = dbb_path(db, iv.name);
		iv.rawdir = procs ? dbb_path(procs, iv.name) : NULL;
		if (iv.dbdir && iv.rawdir)
			verify_image(&iv, files);
		free(iv.dbdir);
		free(iv.rawdir);
		free(iv.chunks);
		free(iv.exits);
		free(procs);
	}
	if (total)
		fprintf(out, "verify: %u problem%s found in %s\n", total, total == 1 ? "" : "s", db);
	else
		fprintf(out, "verify: %s is good\n", db);
	ret = total ? 1 : 0;
out:
	json_object_put(m);
	free(text);
	free(mpath);
	free(db);
	return ret;
}
