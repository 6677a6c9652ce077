/* col_probe.c - would splitting each chunk into columns (control bytes
 * apart from logged values) make the writers' zstd cheaper?  A measurement
 * for bench/RESULTS.md (issue 15), not part of hindsight: nothing links it.
 *
 *   make build/lib/libhstrace.a
 *   cc -O2 -Iinclude -Ibuilder/trace -I/usr/include/valgrind -DPROBE_SEQS \
 *      -o /tmp/col_probe bench/col_probe.c build/lib/libhstrace.a \
 *      -l:libzstd.a -lxxhash
 *   /tmp/col_probe TRACE/procs/PID.0 [LEVEL] [REPS] [LAYOUTS, e.g. flat,c2,c6s]
 *
 * It loads code.hst, decompresses every chunk of stream.hst into memory and
 * then, chunk by chunk as the writer processes do (one ZSTD_compressCCtx
 * per chunk, default level 1), compresses each layout of the chunk's
 * records (the best process CPU of REPS runs):
 *   flat   the raw chunk, as the recorder writes it today;
 *   c2     two columns, one frame: [control][values], where control is
 *          every event record whole, each SB record's u32 sb_id and its
 *          guard and taken bytes, and values every other slot byte;
 *   c2s    the same two columns, each its own zstd frame;
 *   c6     control, then the values by slot size: 1, 2, 4, 8 and 16 or
 *          more bytes (MEMCOPY bytes in slots of 8, last 4/2/1), one frame;
 *   c3     control with the 1- and 2-byte slots, 4- and 8-byte slots,
 *          16- and 32-byte slots, one frame.
 * The split walks each SB record by its translation's compiled ops
 * (builder/trace's trace_uop, as the decoder does), so it also says what a
 * writer process would pay to split a chunk it is handed; a recorder
 * writing the columns itself pays next to nothing.  The reader's side is
 * decompression plus the inverse walk (columns back to the interleaved
 * records), checked byte for byte.  Built with -DPROBE_SEQS (static
 * libzstd) it also prints zstd's sequences per KiB for each layout (every
 * 10th chunk).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef PROBE_SEQS
#define ZSTD_STATIC_LINKING_ONLY
#endif
#include <zstd.h>

#include "trace_i.h"

enum { K_CTL, K_1, K_2, K_4, K_8, K_W, K_N };
#define MAXCOL K_N

struct chunk {
	uint8_t *raw;
	size_t len;
};

struct layout {
	const char *name;
	uint8_t map[K_N]; /* slot class -> column */
	unsigned ncol;
	bool frames;      /* one zstd frame per column */
	uint8_t planes[K_N]; /* column -> 4 or 8: stored as byte planes */
};

static const struct layout layouts[] = {
	{ "flat", { 0, 0, 0, 0, 0, 0 }, 1, false },
	{ "c2", { 0, 1, 1, 1, 1, 1 }, 2, false },
	{ "c2s", { 0, 1, 1, 1, 1, 1 }, 2, true },
	{ "c6", { 0, 1, 2, 3, 4, 5 }, 6, false },
	{ "c3", { 0, 0, 0, 1, 1, 2 }, 3, false },
	{ "c6s", { 0, 1, 2, 3, 4, 5 }, 6, true },
	{ "c6t", { 0, 1, 2, 3, 4, 5 }, 6, false, { 0, 0, 0, 4, 8, 0 } },
	{ "c6ts", { 0, 1, 2, 3, 4, 5 }, 6, true, { 0, 0, 0, 4, 8, 0 } },
	{ "c6p4", { 0, 1, 2, 3, 4, 5 }, 6, false, { 0, 0, 0, 4, 0, 0 } },
	{ "c6p8", { 0, 1, 2, 3, 4, 5 }, 6, false, { 0, 0, 0, 0, 8, 0 } },
	/* fewer columns, as fewer cursors in the recorder */
	{ "c5p4", { 0, 1, 2, 3, 4, 4 }, 5, false, { 0, 0, 0, 4, 0 } },
	{ "c4p4", { 0, 1, 1, 2, 3, 3 }, 4, false, { 0, 0, 4, 0 } },
	{ "c3p4", { 0, 1, 1, 1, 2, 2 }, 3, false, { 0 } },
	{ "c4t", { 0, 1, 1, 2, 3, 3 }, 4, false, { 0, 0, 4, 8 } },
	{ "c3t", { 0, 1, 1, 1, 2, 2 }, 3, false, { 0, 0, 8 } },
	{ "c3u", { 0, 1, 1, 1, 2, 2 }, 3, false, { 0 } },
};

/* n words of w bytes at in as w planes at out: byte j of every word,
 * then byte j + 1 ... (blosc's shuffle) */
static void to_planes(const uint8_t *in, uint8_t *out, size_t n, unsigned w)
{
	size_t i;
	unsigned j;

	for (i = 0; i < n; i++)
		for (j = 0; j < w; j++)
			out[j * n + i] = in[i * w + j];
}

static void from_planes(const uint8_t *in, uint8_t *out, size_t n, unsigned w)
{
	size_t i;
	unsigned j;

	for (i = 0; i < n; i++)
		for (j = 0; j < w; j++)
			out[i * w + j] = in[j * n + i];
}

/* A walk moves bytes between the interleaved record stream (il) and the
 * columns (cur[]): forward (split) or inverse (merge). */
struct walk {
	uint8_t *il;
	uint8_t *cur[MAXCOL];
	const uint8_t *map;
	bool inv;
};

static double cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static inline void mv(struct walk *w, unsigned cls, size_t n)
{
	unsigned k = w->map[cls];

	if (w->inv)
		memcpy(w->il, w->cur[k], n);
	else
		memcpy(w->cur[k], w->il, n);
	w->cur[k] += n;
	w->il += n;
}

static inline unsigned size_cls(uint32_t n)
{
	return n == 1 ? K_1 : n == 2 ? K_2 : n <= 4 ? K_4 : n <= 8 ? K_8 : K_W;
}

static inline void val(struct walk *w, const struct trace_sb *sb, const struct trace_val *v)
{
	const struct trace_xnode *x;

	switch (v->kind) {
	case V_SLOT:
		mv(w, size_cls(v->size), v->size);
		break;
	case V_LIN:
		x = sb->xs + v->at;
		if (x->kind == XK_SLOT)
			mv(w, size_cls(x->size), x->size);
		break;
	case V_EXPR:
		for (x = sb->xs + v->at; x < sb->xs + v->at + v->n; x++)
			if (x->kind == XK_SLOT)
				mv(w, size_cls(x->size), x->size);
		break;
	}
}

/* The slots of one SB record, after its sb_id. */
static void walk_sb(struct walk *w, const struct trace_sb *sb)
{
	const struct trace_uop *u, *ue = sb->ops + sb->n_uops;
	uint32_t k;

	for (u = sb->ops; u < ue; u++) {
		switch (u->code) {
		case U_PUT1: case U_PUT2: case U_PUT4: case U_PUT8:
		case U_PUTX16: case U_PUTX32: case U_PUTRAW:
			mv(w, size_cls(u->size), u->size);
			break;
		case U_PUTV:
			val(w, sb, &u->v);
			break;
		case U_PUTI:
		case U_STORE:
			val(w, sb, &u->a);
			val(w, sb, &u->v);
			break;
		case U_STOREG:
			mv(w, K_CTL, 1);
			val(w, sb, &u->a);
			val(w, sb, &u->v);
			break;
		case U_MEMCOPY:
			val(w, sb, &u->a);
			for (k = 0; k < u->size; k += 8)
				mv(w, size_cls(u->size - k >= 8 ? 8 : u->size - k),
				   u->size - k >= 8 ? 8 : u->size - k);
			break;
		case U_EXIT:
			mv(w, K_CTL, 1);
			if (w->il[-1])
				return;
			break;
		case U_NEXT:
			val(w, sb, &u->a);
			return;
		case U_NEXTC:
			return;
		}
	}
}

/* Splits chunk ch (forward) or merges columns into it (inverse: ch->len
 * bytes are rebuilt).  Returns 0 or -EBADMSG. */
static int walk_chunk(struct walk *w, const struct hs_trace_code *code, size_t len,
		      const uint8_t *ctl_end)
{
	const uint8_t *end = w->il + len;

	while (w->il < end) {
		uint32_t tag;

		mv(w, K_CTL, 4);
		tag = trace_ld32(w->il - 4);
		if (tag >= HS_SB_ID_FIRST) {
			const struct trace_sb *sb = trace_code_lookup(code, tag);
			if (!sb)
				return -EBADMSG;
			walk_sb(w, sb);
		} else {
			mv(w, K_CTL, 4);
			mv(w, K_CTL, trace_ld32(w->il - 4));
		}
	}
	return w->il == end ? 0 : -EBADMSG;
}

/* Splits raw into out: a u32 size per column, then the columns.  Returns
 * the bytes written; sizes[] gets each column's size. */
static size_t split(const struct layout *l, const struct hs_trace_code *code,
		    const struct chunk *c, uint8_t *tmp[MAXCOL], uint8_t *out,
		    size_t sizes[MAXCOL])
{
	struct walk w = { .il = c->raw, .map = l->map };
	uint8_t *o = out + 4 * l->ncol;
	unsigned k;

	for (k = 0; k < l->ncol; k++)
		w.cur[k] = tmp[k];
	if (walk_chunk(&w, code, c->len, NULL)) {
		fprintf(stderr, "split: damaged chunk\n");
		exit(1);
	}
	for (k = 0; k < l->ncol; k++) {
		uint32_t n = (uint32_t)(w.cur[k] - tmp[k]);
		memcpy(out + 4 * k, &n, 4);
		if (l->planes[k])
			to_planes(tmp[k], o, n / l->planes[k], l->planes[k]);
		else
			memcpy(o, tmp[k], n);
		o += n;
		sizes[k] = n;
	}
	return o - out;
}

static void merge(const struct layout *l, const struct hs_trace_code *code,
		  const uint8_t *in, uint8_t *out, size_t len, uint8_t *tmp[MAXCOL])
{
	struct walk w = { .il = out, .map = l->map, .inv = true };
	const uint8_t *p = in + 4 * l->ncol;
	unsigned k;

	for (k = 0; k < l->ncol; k++) {
		uint32_t n = trace_ld32(in + 4 * k);
		w.cur[k] = (uint8_t *)p;
		if (l->planes[k]) {
			from_planes(p, tmp[k], n / l->planes[k], l->planes[k]);
			w.cur[k] = tmp[k];
		}
		p += n;
	}
	if (walk_chunk(&w, code, len, NULL)) {
		fprintf(stderr, "merge: damaged columns\n");
		exit(1);
	}
}

#ifdef PROBE_SEQS
static size_t count_seqs(ZSTD_CCtx *c, ZSTD_Sequence *sq, size_t cap,
			 const uint8_t *src, size_t n)
{
	size_t m, k, ns = 0;

	m = ZSTD_generateSequences(c, sq, cap, src, n);
	for (k = 0; k < m && !ZSTD_isError(m); k++)
		ns += sq[k].matchLength != 0;
	return ns;
}
#endif

static void probe(const struct layout *l, const struct hs_trace_code *code,
		  struct chunk *ch, long n, size_t total, uint64_t insns,
		  int level, int reps, size_t maxlen)
{
	size_t cap = maxlen + 4096, bound = ZSTD_compressBound(cap);
	uint8_t *sp = malloc(cap), *cb = malloc(bound), *db = malloc(cap), *ub = malloc(cap);
	uint8_t *tmp[MAXCOL];
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_DCtx *d = ZSTD_createDCtx();
	double best_s = 1e9, best_z = 1e9, t, ts, tz, td = 0, tu = 0;
	double colz[MAXCOL] = { 0 }, bestcol[MAXCOL], t1;
	size_t colout[MAXCOL] = { 0 };
	size_t out = 0, colsum[MAXCOL] = { 0 }, sizes[MAXCOL], p, z, k, ns = 0, nsb = 0;
	long i;
	int r;
	bool flat = l->ncol == 1;

	for (k = 0; k < MAXCOL; k++)
		tmp[k] = malloc(cap);
	for (r = 0; r < reps; r++) {
		ts = tz = 0;
		out = 0;
		for (i = 0; i < n; i++) {
			const uint8_t *src = ch[i].raw;
			p = ch[i].len;
			t = cpu_s();
			if (!flat) {
				p = split(l, code, &ch[i], tmp, sp, sizes);
				src = sp;
			}
			ts += cpu_s() - t;
			t = cpu_s();
			if (l->frames) {
				const uint8_t *q = sp + 4 * l->ncol;
				for (k = 0; k < l->ncol; q += sizes[k], k++) {
					t1 = cpu_s();
					z = ZSTD_compressCCtx(c, cb, bound, q, sizes[k], level);
					colz[k] += cpu_s() - t1;
					out += z;
					if (r == 0)
						colout[k] += z;
				}
			} else {
				out += ZSTD_compressCCtx(c, cb, bound, src, p, level);
			}
			tz += cpu_s() - t;
			if (r == 0 && !flat)
				for (k = 0; k < l->ncol; k++)
					colsum[k] += sizes[k];
		}
		best_s = ts < best_s ? ts : best_s;
		if (tz < best_z)
			memcpy(bestcol, colz, sizeof(colz));
		best_z = tz < best_z ? tz : best_z;
		memset(colz, 0, sizeof(colz));
	}
	/* the reader: one frame of the whole split chunk (c2s would pay a
	 * little more per frame) and the merge, checked */
	for (i = 0; i < n; i++) {
		const uint8_t *src = flat ? ch[i].raw : sp;
		p = flat ? ch[i].len : split(l, code, &ch[i], tmp, sp, sizes);
		z = ZSTD_compressCCtx(c, cb, bound, src, p, level);
		t = cpu_s();
		if (ZSTD_decompressDCtx(d, db, cap, cb, z) != p) {
			fprintf(stderr, "%s: chunk %ld: zstd round trip\n", l->name, i);
			exit(1);
		}
		td += cpu_s() - t;
		t = cpu_s();
		if (!flat)
			merge(l, code, db, ub, ch[i].len, tmp);
		tu += cpu_s() - t;
		if (memcmp(flat ? db : ub, ch[i].raw, ch[i].len)) {
			fprintf(stderr, "%s: chunk %ld does not round-trip\n", l->name, i);
			exit(1);
		}
	}
#ifdef PROBE_SEQS
	{
		ZSTD_Sequence *sq = malloc(ZSTD_sequenceBound(cap) * sizeof(*sq));
		ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level);
		for (i = 0; i < n; i += 10) {
			const uint8_t *src = ch[i].raw;
			p = ch[i].len;
			if (!flat) {
				p = split(l, code, &ch[i], tmp, sp, sizes);
				src = sp;
			}
			ns += count_seqs(c, sq, ZSTD_sequenceBound(cap), src, p);
			nsb += ch[i].len;
		}
		free(sq);
	}
#endif
	printf("| %s | %.3f | %.3f | %.3f | %.3f | %.1f | %.3f | %.3f |",
	       l->name, flat ? 0 : best_s, best_z, (flat ? 0 : best_s) + best_z,
	       (double)out / insns, nsb ? 1024.0 * ns / nsb : 0.0, td, tu);
	for (k = 0; k < l->ncol && !flat; k++)
		printf(" %.2f", (double)colsum[k] / total);
	if (l->frames) {
		printf(" | per column zstd s, B/insn:");
		for (k = 0; k < l->ncol; k++)
			printf(" %.3f %.3f", bestcol[k], (double)colout[k] / insns);
	}
	printf("\n");
	ZSTD_freeCCtx(c);
	ZSTD_freeDCtx(d);
	for (k = 0; k < MAXCOL; k++)
		free(tmp[k]);
	free(sp);
	free(cb);
	free(db);
	free(ub);
}

static int load(const char *dir, struct hs_trace_code **code, struct chunk **out,
		long *nch, size_t *total, uint64_t *insns)
{
	char path[4096];
	struct hs_trace_err err = { "" };
	struct hs_trace_image *img;
	struct hs_trace_stats st;
	struct hs_trace_chunk c = { .data = NULL };
	bool complete;
	size_t i, n;
	int ret;

	snprintf(path, sizeof(path), "%s", dir);
	ret = hs_trace_image_open(path, &img, &err);
	if (ret)
		goto fail;
	ret = hs_trace_image_decode(img, NULL, false, &st, &complete, &err);
	if (ret)
		goto fail;
	*insns = st.instructions;
	n = hs_trace_file_chunk_count(img->stream);
	*out = calloc(n, sizeof(**out));
	*total = 0;
	for (i = 0; i < n; i++) {
		ret = hs_trace_file_read_chunk(img->stream, i, &c, &err);
		if (ret)
			goto fail;
		(*out)[i].len = c.size;
		(*out)[i].raw = malloc(c.size);
		memcpy((*out)[i].raw, c.data, c.size);
		*total += c.size;
	}
	hs_trace_chunk_release(&c);
	*nch = (long)n;
	*code = img->code;
	img->code = NULL; /* kept */
	hs_trace_image_close(img);
	return 0;
fail:
	fprintf(stderr, "%s: %s\n", dir, err.msg);
	return ret;
}

/* whether name is one of the comma-separated names of list */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct hs_trace_code *code;
	struct chunk *ch;
	size_t total;
	uint64_t insns;
	long n;
	int level = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 1;
	int reps = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 3;
	size_t i, maxlen = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: col_probe TRACE/procs/PID.N [LEVEL] [REPS]\n");
		return 2;
	}
	if (load(argv[1], &code, &ch, &n, &total, &insns))
		return 1;
	for (i = 0; i < (size_t)n; i++)
		maxlen = ch[i].len > maxlen ? ch[i].len : maxlen;
	printf("%ld chunks, %zu raw bytes, %llu instructions (%.2f raw B/insn); "
	       "zstd level %d, best of %d\n", n, total, (unsigned long long)insns,
	       (double)total / insns, level, reps);
	printf("| layout | split s | zstd s | CPU s | bytes/insn | seqs/KiB | "
	       "read: zstd -d s | merge s | column sizes / raw |\n");
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (argc < 5 || in_list(argv[4], layouts[i].name))
			probe(&layouts[i], code, ch, n, total, insns, level, reps, maxlen);
	return 0;
}
