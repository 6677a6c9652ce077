/* dbb_sort.c - an external sort of fixed-size records, for the merge's
 * derived indexes (calls by callee, line starts by (file, line)).
 *
 * Records are kept in memory up to a budget, then sorted and written as a
 * run (a spill stream); the output is a k-way merge of the runs.  The
 * records added after the last run stay in memory, sorted, as one more
 * run (with none on disk, the records never leave memory).  The
 * comparison must be a total order on distinct records, so the output
 * does not depend on how the input was cut into runs.
 *
 * With a key function (the same order as the comparison, as two 64-bit
 * words), a run is sorted by an LSD radix sort of (key, index) entries
 * and then gathered: the merge's indexes have millions of 48-byte records,
 * and qsort moving them around took a third of the merge.  Bytes that are
 * the same in every key of a run cost no pass.
 *
 * With threads (dbb_sort_threads), a full buffer is sorted and written in
 * a thread while the caller fills the next one: the runs, and so the
 * output, are the same.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dbb_i.h"

struct srun {
	struct dbb_spill_r *r;   /* NULL: the records left in memory */
	uint8_t *rec;            /* its current record */
	const uint8_t *mem, *mem_end; /* in memory: the records after rec */
};

/* A full buffer being sorted and written as a run in a thread. */
struct sjob {
	const struct dbb_sort *s;
	uint8_t *buf;
	size_t n;
	unsigned k;
	int ret;
	pthread_t th;
	bool busy;
};

struct dbb_sort {
	char *dir, *prefix;
	unsigned threads;        /* > 1: runs sorted and written in a thread */
	struct sjob job;
	size_t rec, cap_recs;
	int (*cmp)(const void *, const void *);
	dbb_sort_key_fn key;     /* NULL: qsort with cmp */
	uint8_t *buf;
	size_t n;                /* records in buf */
	unsigned n_runs;
	/* output */
	bool finished;
	size_t pos;              /* in-memory output: next record */
	struct srun *runs;       /* n_src: the n_runs on disk, then buf's */
	unsigned n_src;
	uint8_t *cur;            /* the record dbb_sort_next handed out */
	size_t *heap, n_heap;    /* indexes into runs */
};

static char *run_path(const struct dbb_sort *s, unsigned k)
{
	char name[96];

	snprintf(name, sizeof(name), "%s.%u.sp", s->prefix, k);
	return dbb_path(s->dir, name);
}

int dbb_sort_new(const char *dir, const char *prefix, size_t rec, size_t mem_bytes,
		 int (*cmp)(const void *, const void *), dbb_sort_key_fn key,
		 struct dbb_sort **out)
{
	struct dbb_sort *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->dir = strdup(dir);
	s->prefix = strdup(prefix);
	s->rec = rec;
	s->cmp = cmp;
	s->key = key;
	s->cap_recs = mem_bytes / rec ? mem_bytes / rec : 1;
	if (!s->dir || !s->prefix) {
		dbb_sort_free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

struct kent {
	uint64_t w[2];           /* the key: w[1] first, then w[0] */
	size_t idx;              /* the record's place in buf */
};

#define SLICE_MIN 65536 /* keys per thread, at least */

static unsigned key_byte(const struct kent *e, unsigned b)
{
	return (e->w[b / 8] >> (8 * (b % 8))) & 0xff;
}

/* A radix sort in nt threads: each pass, thread i counts and then scatters
 * its slice of the keys; slice i's keys go after slice i-1's of the same
 * byte, so every pass is stable and the result is the one-thread one. */
struct rsort {
	const struct dbb_sort *s;
	uint8_t *buf, *out;
	struct kent *a, *b;      /* from, to: swapped after each pass */
	size_t n;
	unsigned nt, byte;
	size_t (*count)[16][256]; /* [nt]: all bytes (keys), then this pass's */
	size_t (*pos)[256];       /* [nt] */
};

static void slice(const struct rsort *r, unsigned i, size_t *lo, size_t *hi)
{
	*lo = r->n * i / r->nt;
	*hi = r->n * (i + 1) / r->nt;
}

static void rs_keys(void *ctx, unsigned i)
{
	struct rsort *r = ctx;
	size_t lo, hi;

	slice(r, i, &lo, &hi);
	for (size_t j = lo; j < hi; j++) {
		struct kent *e = &r->a[j];

		r->s->key(r->buf + j * r->s->rec, &e->w[1], &e->w[0]);
		e->idx = j;
		for (unsigned k = 0; k < 16; k++)
			r->count[i][k][key_byte(e, k)]++;
	}
}

static void rs_count(void *ctx, unsigned i)
{
	struct rsort *r = ctx;
	size_t lo, hi;

	slice(r, i, &lo, &hi);
	memset(r->count[i][r->byte], 0, sizeof(r->count[i][r->byte]));
	for (size_t j = lo; j < hi; j++)
		r->count[i][r->byte][key_byte(&r->a[j], r->byte)]++;
}

static void rs_scatter(void *ctx, unsigned i)
{
	struct rsort *r = ctx;
	size_t lo, hi, *pos = r->pos[i];

	slice(r, i, &lo, &hi);
	for (size_t j = lo; j < hi; j++)
		r->b[pos[key_byte(&r->a[j], r->byte)]++] = r->a[j];
}

static void rs_gather(void *ctx, unsigned i)
{
	struct rsort *r = ctx;
	size_t lo, hi, rec = r->s->rec;

	slice(r, i, &lo, &hi);
	for (size_t j = lo; j < hi; j++)
		memcpy(r->out + j * rec, r->buf + r->a[j].idx * rec, rec);
}

/* One pass by byte k: where each slice's keys of each byte value go. */
static void rs_pass(struct rsort *r, unsigned k, bool counted)
{
	size_t sum = 0;
	struct kent *t;

	r->byte = k;
	if (!counted)
		dbb_parallel(r->nt, rs_count, r);
	for (unsigned v = 0; v < 256; v++)
		for (unsigned i = 0; i < r->nt; i++) {
			r->pos[i][v] = sum;
			sum += r->count[i][k][v];
		}
	dbb_parallel(r->nt, rs_scatter, r);
	t = r->a;
	r->a = r->b;
	r->b = t;
}

/* Sorts *buf's n records by key: radix sort of the keys, then a gather
 * into a new buffer of keep records (>= n), which replaces *buf. */
static int radix_sort(const struct dbb_sort *s, uint8_t **buf, size_t n, size_t keep)
{
	struct rsort r = { .s = s, .buf = *buf, .n = n };
	bool first = true;
	int ret = -ENOMEM;

	r.nt = s->threads > 1 ? s->threads : 1;
	if (r.nt > n / SLICE_MIN)
		r.nt = n / SLICE_MIN ? (unsigned)(n / SLICE_MIN) : 1;
	r.a = malloc(n * sizeof(*r.a));
	r.b = malloc(n * sizeof(*r.b));
	r.out = malloc(keep * s->rec);
	r.count = calloc(r.nt, sizeof(*r.count));
	r.pos = calloc(r.nt, sizeof(*r.pos));
	if (!r.a || !r.b || !r.out || !r.count || !r.pos)
		goto out;
	dbb_parallel(r.nt, rs_keys, &r);
	for (unsigned k = 0; k < 16; k++) {
		size_t same = 0;

		for (unsigned i = 0; i < r.nt; i++)
			same += r.count[i][k][key_byte(&r.a[0], k)];
		if (same == n)
			continue; /* the same byte in every key */
		/* the keys' counts hold for the first pass only (the
		 * slices are the same keys until a pass moves them), and
		 * for every pass with one slice */
		rs_pass(&r, k, first || r.nt == 1);
		first = false;
	}
	dbb_parallel(r.nt, rs_gather, &r);
	free(*buf);
	*buf = r.out;
	r.out = NULL;
	ret = 0;
out:
	free(r.a);
	free(r.b);
	free(r.out);
	free(r.count);
	free(r.pos);
	return ret;
}

static int sort_recs(const struct dbb_sort *s, uint8_t **buf, size_t n, size_t keep)
{
	if (s->key && n > 1)
		return radix_sort(s, buf, n, keep);
	qsort(*buf, n, s->rec, s->cmp);
	return 0;
}

static int sort_buf(struct dbb_sort *s)
{
	/* the new buffer keeps buf's capacity (pos, until finish) */
	return sort_recs(s, &s->buf, s->n, s->finished ? s->n : s->pos);
}

/* Sorts *buf's n records and writes them as run k. */
static int run_write(const struct dbb_sort *s, uint8_t **buf, size_t n, unsigned k)
{
	struct dbb_spill_w *w = NULL;
	char *path = run_path(s, k);
	int ret;

	if (!path)
		return -ENOMEM;
	if ((ret = sort_recs(s, buf, n, n))) {
		free(path);
		return ret;
	}
	ret = dbb_spill_create(path, &w);
	free(path);
	if (ret)
		return ret;
	ret = dbb_spill_write(w, *buf, n * s->rec);
	if (ret) {
		dbb_spill_abort(w);
		return ret;
	}
	return dbb_spill_close(w, false);
}

static void *job_main(void *arg)
{
	struct sjob *j = arg;

	j->ret = run_write(j->s, &j->buf, j->n, j->k);
	free(j->buf);
	j->buf = NULL;
	return NULL;
}

/* Waits for the run in a thread, if any. */
static int job_join(struct dbb_sort *s)
{
	if (!s->job.busy)
		return 0;
	pthread_join(s->job.th, NULL);
	s->job.busy = false;
	return s->job.ret;
}

/* buf, full, becomes run n_runs: in a thread while the caller fills a new
 * buffer (one run at a time: each holds mem_bytes and as much again while
 * it is sorted), or here without threads. */
static int write_run(struct dbb_sort *s)
{
	struct sjob *j = &s->job;
	int ret;

	if ((ret = job_join(s)))
		return ret;
	if (s->threads > 1 && !s->finished) {
		*j = (struct sjob){ .s = s, .buf = s->buf, .n = s->n, .k = s->n_runs };
		if (!(s->buf = malloc(s->pos * s->rec))) {
			s->buf = j->buf;
			return -ENOMEM;
		}
		if (pthread_create(&j->th, NULL, job_main, j) == 0) {
			j->busy = true;
			s->n_runs++;
			s->n = 0;
			return 0;
		}
		free(s->buf);
		s->buf = j->buf;
		j->buf = NULL;
	}
	if ((ret = run_write(s, &s->buf, s->n, s->n_runs)))
		return ret;
	s->n_runs++;
	s->n = 0;
	return 0;
}

int dbb_sort_add(struct dbb_sort *s, const void *rec)
{
	int ret;

	if (!s->buf) {
		/* allocated on first use: most sorts of a small trace are tiny */
		size_t first = s->cap_recs < 4096 ? s->cap_recs : 4096;

		s->buf = malloc(first * s->rec);
		if (!s->buf)
			return -ENOMEM;
		s->pos = first; /* capacity, until finish */
	}
	if (s->n == s->pos) {
		if (s->pos < s->cap_recs) {
			size_t cap = s->pos * 2 < s->cap_recs ? s->pos * 2 : s->cap_recs;
			uint8_t *b = realloc(s->buf, cap * s->rec);

			if (!b)
				return -ENOMEM;
			s->buf = b;
			s->pos = cap;
		} else if ((ret = write_run(s))) {
			return ret;
		}
	}
	memcpy(s->buf + s->n * s->rec, rec, s->rec);
	s->n++;
	return 0;
}

static bool run_less(const struct dbb_sort *s, size_t a, size_t b)
{
	return s->cmp(s->runs[a].rec, s->runs[b].rec) < 0;
}

static void heap_down(struct dbb_sort *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i, t;

		if (l < s->n_heap && run_less(s, s->heap[l], s->heap[m]))
			m = l;
		if (r < s->n_heap && run_less(s, s->heap[r], s->heap[m]))
			m = r;
		if (m == i)
			return;
		t = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
}

/* The next record of run r into r->rec: 1, 0 at its end, or -errno. */
static int srun_next(const struct dbb_sort *s, struct srun *r)
{
	if (r->r)
		return dbb_spill_read(r->r, r->rec, s->rec);
	if (r->mem == r->mem_end)
		return 0;
	memcpy(r->rec, r->mem, s->rec);
	r->mem += s->rec;
	return 1;
}

int dbb_sort_finish(struct dbb_sort *s)
{
	int ret;

	if ((ret = job_join(s)))
		return ret;
	s->finished = true;
	s->pos = 0;
	if (!s->n_runs)
		return s->n ? sort_buf(s) : 0;
	/* the last records stay in memory, sorted: one more run, not
	 * written and read back */
	if (s->n && (ret = sort_buf(s)))
		return ret;
	s->n_src = s->n_runs + (s->n ? 1 : 0);
	s->runs = calloc(s->n_src, sizeof(*s->runs));
	s->heap = calloc(s->n_src, sizeof(*s->heap));
	if (!s->runs || !s->heap || !(s->cur = malloc(s->rec)))
		return -ENOMEM;
	if (s->n) {
		s->runs[s->n_runs].mem = s->buf;
		s->runs[s->n_runs].mem_end = s->buf + s->n * s->rec;
	}
	for (unsigned k = 0; k < s->n_src; k++) {
		char *path = k < s->n_runs ? run_path(s, k) : NULL;

		if (k < s->n_runs) {
			ret = path ? dbb_spill_open(path, &s->runs[k].r) : -ENOMEM;
			free(path);
			if (ret)
				return ret;
		}
		if (!(s->runs[k].rec = malloc(s->rec)))
			return -ENOMEM;
		ret = srun_next(s, &s->runs[k]);
		if (ret < 0)
			return ret;
		if (ret == 1)
			s->heap[s->n_heap++] = k;
	}
	for (size_t i = s->n_heap; i-- > 0;)
		heap_down(s, i);
	return 0;
}

/* The next record in order: 1 (*rec valid until the next call), 0 at the
 * end, or -errno. */
int dbb_sort_next(struct dbb_sort *s, const void **rec)
{
	struct srun *r;
	int ret;

	if (!s->runs) {
		if (s->pos >= s->n)
			return 0;
		*rec = s->buf + s->pos++ * s->rec;
		return 1;
	}
	if (!s->n_heap)
		return 0;
	/* hand out a copy: the run's record is refilled below */
	r = &s->runs[s->heap[0]];
	memcpy(s->cur, r->rec, s->rec);
	*rec = s->cur;
	ret = srun_next(s, r);
	if (ret < 0)
		return ret;
	if (ret == 0)
		s->heap[0] = s->heap[--s->n_heap];
	heap_down(s, 0);
	return 1;
}

void dbb_sort_threads(struct dbb_sort *s, unsigned threads)
{
	s->threads = threads;
}

void dbb_sort_free(struct dbb_sort *s)
{
	if (!s)
		return;
	job_join(s);
	for (unsigned k = 0; k < s->n_runs; k++) {
		char *path = run_path(s, k);

		if (path)
			unlink(path);
		free(path);
	}
	for (unsigned k = 0; s->runs && k < s->n_src; k++) {
		dbb_spill_close_r(s->runs[k].r);
		free(s->runs[k].rec);
	}
	free(s->runs);
	free(s->cur);
	free(s->heap);
	free(s->buf);
	free(s->dir);
	free(s->prefix);
	free(s);
}
