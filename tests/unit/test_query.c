/* test_query.c - the query library (fs/query) against real recordings and a naive reference.
 *
 * The group setup records a few programs with build/bin/hindsight (run from
 * the repository root, as tests/run.sh does) and builds their databases
 * with two shards, so that shard boundaries are crossed.  Most are recorded
 * twice: with the recorder's default chunk size, and with small chunks
 * (--chunk-kb 16, or HS_TEST_CHUNK_KB) so that the exactness tests meet
 * hundreds of chunk boundaries (sync points) in every kind of program:
 * threads switching and exiting, signals, fork and exec.  The reference
 * below knows nothing of the database: it decodes every chunk from t = 0
 * with the trace reader, turns stores and events into memory with
 * trace_mem, and keeps a flat model of memory and of which pages are
 * mapped.  At chosen times it writes down what it holds; the tests then ask
 * the library the same questions.
 *
 * Set HS_KEEP=1 to keep the scratch folder, HS_TEST_SEED to change the
 * random choices (printed on failure), HS_TEST_CHUNK_KB the small chunks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libvex_basictypes.h"
#include "libvex_guest_amd64.h"

#include "hindsight/db.h"
#include "hindsight/trace.h"

#include "testlib.h"

#define PAGE 4096ull
#define PAGE_DOWN(a) ((a) & ~(PAGE - 1))
#define PAGE_UP(a) (((a) + PAGE - 1) & ~(PAGE - 1))

static char scratch[PATH_MAX];
static char small_kb[16] = "16"; /* --chunk-kb of the small-chunk recordings */
static uint64_t seed = 20240501;

/* ---- small helpers ---------------------------------------------------------- */

static uint64_t rnd(void)
{
	return testlib_rnd(&seed);
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static char *path_of(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", a, b);
	return p;
}

/* ---- recordings ------------------------------------------------------------ */

struct rec {
	const char *name;
	char dir[PATH_MAX];
	struct hs_db *db;
	const struct hs_db_image *img;
	char img_dir[PATH_MAX];       /* TRACE/procs/<the image> */
	char input[PATH_MAX];         /* a file the program reads, or "" */
	bool alias;                   /* another image of a recording above */
};

static struct rec r_small = { .name = "small" };
static struct rec r_gzip = { .name = "gzip" };
static struct rec r_threads = { .name = "threads" };
static struct rec r_signal = { .name = "signal" };
static struct rec r_fork = { .name = "forkexec" };
/* small chunks */
static struct rec r_small_c = { .name = "small-chunks" };
static struct rec r_threads_c = { .name = "threads-chunks" };
static struct rec r_signal_c = { .name = "signal-chunks" };
static struct rec r_fork_c = { .name = "forkexec-chunks" };
static struct rec r_echo_c = { .name = "forkexec-chunks, /bin/echo" };

/* r is image i of the recording in r->dir. */
static int rec_image(struct rec *r, size_t i)
{
	struct hs_trace_proc *procs;
	size_t n;

	r->img = hs_db_image_at(r->db, i);
	if (hs_trace_list_procs(r->dir, &procs, &n, NULL) != 0 || n <= i)
		return -1;
	snprintf(r->img_dir, sizeof(r->img_dir), "%s", procs[i].dir);
	hs_trace_procs_free(procs, n);
	return r->img ? 0 : -1;
}

/* Records argv with --chunk-kb kb (NULL: the default) and builds it. */
static int record(struct rec *r, const char *argv, const char *kb)
{
	char opts[64] = "";

	snprintf(r->dir, sizeof(r->dir), "%s/%s", scratch, r->name);
	if (kb)
		snprintf(opts, sizeof(opts), "--chunk-kb %s ", kb);
	if (testlib_record_build(r->name, r->dir, opts, argv, "--shards 2 "))
		return -1;
	if (hs_db_open(r->dir, NULL, &r->db) != 0)
		return -1;
	return rec_image(r, 0);
}

/* The first image of src's recording that an exec began (not a fork). */
static int rec_exec_image(struct rec *r, const struct rec *src)
{
	struct hs_trace_proc *procs;
	size_t n;
	int ret = -1;

	snprintf(r->dir, sizeof(r->dir), "%s", src->dir);
	r->db = src->db;
	r->alias = true;
	if (hs_trace_list_procs(r->dir, &procs, &n, NULL) != 0)
		return -1;
	for (size_t i = 0; i < n && ret; i++) {
		struct hs_trace_file_header h;
		char *path = path_of(procs[i].dir, "stream.hst");

		if (hs_trace_read_file_header(path, HS_STREAM_MAGIC, &h, NULL) == 0 &&
		    !(h.flags & HS_FILE_FORKED) && h.exec_index > 0)
			ret = rec_image(r, i);
		free(path);
	}
	hs_trace_procs_free(procs, n);
	return ret;
}

static int gen_input(const char *path, size_t bytes)
{
	static const char *const words[] = { "alpha", "beta", "gamma", "delta", "hindsight",
					     "record", "replay", "memory", "store", "thread" };
	FILE *f = fopen(path, "w");
	size_t n = 0;
	uint64_t s = 7;

	if (!f)
		return -1;
	while (n < bytes) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		n += (size_t)fprintf(f, "%s%u%c", words[(s >> 33) % 10], (unsigned)(s >> 40) % 1000,
				     (s >> 20) % 7 ? ' ' : '\n');
	}
	return fclose(f);
}

static int group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	const char *s = getenv("HS_TEST_SEED");

	if (s)
		seed = strtoull(s, NULL, 0);
	if ((s = getenv("HS_TEST_CHUNK_KB")))
		snprintf(small_kb, sizeof(small_kb), "%s", s);
	if (access("build/bin/hindsight", X_OK) != 0 || access("build/programs/small", X_OK) != 0) {
		fprintf(stderr, "test_query: run from the repository root after make test "
			"(needs build/bin/hindsight and build/programs)\n");
		return -1;
	}
	snprintf(scratch, sizeof(scratch), "%s/hs-test-query.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch))
		return -1;
	snprintf(r_gzip.input, sizeof(r_gzip.input), "%s/input.txt", scratch);
	if (gen_input(r_gzip.input, 60000) != 0)
		return -1;
	{
		char argv[PATH_MAX + 64];

		snprintf(argv, sizeof(argv), "/usr/bin/gzip -c %s", r_gzip.input);
		if (record(&r_small, "build/programs/small", NULL) ||
		    record(&r_gzip, argv, NULL) ||
		    record(&r_threads, "build/programs/threads", NULL) ||
		    record(&r_signal, "build/programs/signal", NULL) ||
		    record(&r_fork, "build/programs/forkexec", NULL) ||
		    record(&r_small_c, "build/programs/small", small_kb) ||
		    record(&r_threads_c, "build/programs/threads", small_kb) ||
		    record(&r_signal_c, "build/programs/signal", small_kb) ||
		    record(&r_fork_c, "build/programs/forkexec", small_kb) ||
		    rec_exec_image(&r_echo_c, &r_fork_c))
			return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	struct rec *all[] = { &r_small, &r_gzip, &r_threads, &r_signal, &r_fork, &r_small_c,
			      &r_threads_c, &r_signal_c, &r_fork_c, &r_echo_c };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!all[i]->alias)
			hs_db_close(all[i]->db);
	if (scratch[0] && !getenv("HS_KEEP"))
		sh("rm -rf %s", scratch);
	else if (scratch[0])
		fprintf(stderr, "kept %s\n", scratch);
	return 0;
}

/* ---- the reference: every effect from t = 0 ---------------------------------- */

struct rpage {
	uint64_t page;
	uint8_t data[PAGE];
};

struct interval {
	uint64_t start, end;
};

/* What the reference wrote down at a time, to ask the library later. */
struct mem_q {
	uint64_t t, addr, len;
	ssize_t want;                  /* bytes mapped from addr, or -EIO */
	uint8_t *bytes;                /* want bytes */
};

struct lw_q {
	uint64_t t, addr, len;
	bool found;
	uint64_t w_t, w_addr, w_len;
	uint32_t w_kind;
	bool have_data;
	uint8_t data[64];              /* the write's bytes inside the range */
};

struct regs_q {
	uint64_t t;
	uint32_t tid;
	uint8_t state[HS_GUEST_STATE_SIZE];
};

struct eff {
	uint64_t t, addr, len;
	uint32_t kind, tid;
	bool small;                    /* data kept: len <= 64 */
	uint8_t data[64];
};

struct io_check {                      /* write()/read() bytes at a time */
	uint64_t t, addr, len;
	uint8_t *bytes;
	const char *what;
};

struct fdent {
	bool open;
	char path[PATH_MAX];
	uint64_t off;
};

struct ref {
	/* memory: open addressing, page -> rpage */
	struct rpage **tab;
	size_t cap, n;
	/* mapped pages, sorted disjoint intervals */
	struct interval *maps;
	size_t n_maps, cap_maps;
	/* times to stop at, sorted; next one */
	uint64_t *stops;
	size_t n_stops, next_stop;
	int per_stop;                  /* memory questions per stop */
	bool want_lw;                  /* last-write questions too (log effects) */
	/* recent store addresses, for questions about hot memory */
	uint64_t recent[64];
	unsigned n_recent;
	/* results */
	struct mem_q *mq;
	size_t n_mq, cap_mq;
	struct lw_q *lq;
	size_t n_lq, cap_lq;
	struct regs_q *rq;
	size_t n_rq, cap_rq;
	struct eff *log;
	size_t n_log, cap_log;
	struct io_check *io;
	size_t n_io, cap_io;
	/* register dumps at the current t, by tid (tid < 64) */
	uint64_t pend_t;
	bool pend[64];
	uint8_t pend_state[64][HS_GUEST_STATE_SIZE];
	size_t max_rq;
	/* syscalls */
	struct fdent fds[64];
	uint32_t sys_nr[64];           /* per tid: the syscall under way */
	uint64_t sys_args[64][6];
	char sys_path[64][PATH_MAX];
	uint64_t cur_t;
	uint32_t cur_kind, cur_tid;
	struct hs_trace_decoder *dec;
	struct hs_trace_mem_files *files;
	struct hs_trace_mem_visitor mv;
	uint64_t t_end;
	/* the main stack grows below its startup mapping without events:
	 * the lowest page written in its zone so far is mapped */
	bool have_stack;
	uint64_t stack_start, zone_lo, stack_low;
	uint64_t rsp0;
	bool have_rsp0;
};

/* Room for one more element in *arr (n used of *cap). */
static void grow(void *arr, size_t n, size_t *cap, size_t elem)
{
	void **a = arr;

	if (n < *cap)
		return;
	*cap = *cap ? 2 * *cap : 64;
	*a = realloc(*a, *cap * elem);
	assert_non_null(*a);
}

#define GROW(arr, n, cap) grow(&(arr), (n), &(cap), sizeof(*(arr)))

static size_t slot(const struct ref *r, uint64_t page)
{
	return (size_t)((page >> 12) * 0x9e3779b97f4a7c15ull >> 17) & (r->cap - 1);
}

static struct rpage *rp_find(struct ref *r, uint64_t page, bool create)
{
	size_t i;

	if (create && (r->n + 1) * 2 > r->cap) {
		struct rpage **old = r->tab;
		size_t oc = r->cap;

		r->cap = oc ? oc * 2 : 4096;
		r->tab = calloc(r->cap, sizeof(*r->tab));
		assert_non_null(r->tab);
		for (size_t k = 0; k < oc; k++) {
			if (!old[k])
				continue;
			i = slot(r, old[k]->page);
			while (r->tab[i])
				i = (i + 1) & (r->cap - 1);
			r->tab[i] = old[k];
		}
		free(old);
	}
	if (!r->cap)
		return NULL;
	i = slot(r, page);
	while (r->tab[i]) {
		if (r->tab[i]->page == page)
			return r->tab[i];
		i = (i + 1) & (r->cap - 1);
	}
	if (!create)
		return NULL;
	r->tab[i] = calloc(1, sizeof(struct rpage));
	assert_non_null(r->tab[i]);
	r->tab[i]->page = page;
	r->n++;
	return r->tab[i];
}

static void ref_read(struct ref *r, uint64_t addr, uint64_t len, uint8_t *out)
{
	for (uint64_t i = 0; i < len;) {
		uint64_t a = addr + i, p = PAGE_DOWN(a), k = PAGE - (a - p);
		struct rpage *pg = rp_find(r, p, false);

		if (k > len - i)
			k = len - i;
		if (pg)
			memcpy(out + i, pg->data + (a - p), k);
		else
			memset(out + i, 0, k);
		i += k;
	}
}

static void ref_write(struct ref *r, uint64_t addr, uint64_t len, const uint8_t *data)
{
	for (uint64_t i = 0; i < len;) {
		uint64_t a = addr + i, p = PAGE_DOWN(a), k = PAGE - (a - p);
		struct rpage *pg;

		if (k > len - i)
			k = len - i;
		if (data) {
			pg = rp_find(r, p, true);
			memcpy(pg->data + (a - p), data + i, k);
		} else if ((pg = rp_find(r, p, false))) {
			memset(pg->data + (a - p), 0, k); /* absent pages are zero */
		}
		i += k;
	}
}

/* Mapped pages: page-granular [start, end) intervals. */
static void maps_clear(struct ref *r, uint64_t start, uint64_t end)
{
	struct interval *out;
	size_t k = 0;

	if (start >= end)
		return;
	out = malloc((r->n_maps * 2 + 2) * sizeof(*out));
	assert_non_null(out);
	for (size_t i = 0; i < r->n_maps; i++) {
		struct interval v = r->maps[i];

		if (v.end <= start || v.start >= end) {
			out[k++] = v;
			continue;
		}
		if (v.start < start)
			out[k++] = (struct interval){ v.start, start };
		if (v.end > end)
			out[k++] = (struct interval){ end, v.end };
	}
	free(r->maps);
	r->maps = out;
	r->n_maps = k;
	r->cap_maps = r->n_maps * 2 + 2;
}

static void maps_set(struct ref *r, uint64_t start, uint64_t end)
{
	size_t i = 0;

	maps_clear(r, start, end);
	GROW(r->maps, r->n_maps, r->cap_maps);
	while (i < r->n_maps && r->maps[i].start < start)
		i++;
	memmove(&r->maps[i + 1], &r->maps[i], (r->n_maps - i) * sizeof(*r->maps));
	r->maps[i] = (struct interval){ start, end };
	r->n_maps++;
}

static bool maps_has(const struct ref *r, uint64_t page)
{
	for (size_t i = 0; i < r->n_maps; i++)
		if (r->maps[i].start <= page && page < r->maps[i].end)
			return true;
	return false;
}

static ssize_t mapped_from(const struct ref *r, uint64_t addr, uint64_t len)
{
	uint64_t at = addr;
	bool stack = r->have_stack && maps_has(r, r->stack_start);

	if (stack && r->stack_low <= at && at < r->stack_start)
		at = r->stack_start;
	for (size_t i = 0; i < r->n_maps && at < addr + len; i++) {
		if (r->maps[i].end <= at)
			continue;
		if (r->maps[i].start > at)
			break;
		at = r->maps[i].end;
		if (stack && at == r->stack_low)
			at = r->stack_start;
	}
	if (at == addr)
		return -EIO;
	return (ssize_t)((at < addr + len ? at : addr + len) - addr);
}

/* ---- writing questions down ------------------------------------------------------- */

static void add_mem_q(struct ref *r, uint64_t t, uint64_t addr, uint64_t len)
{
	struct mem_q *q;

	GROW(r->mq, r->n_mq, r->cap_mq);
	q = &r->mq[r->n_mq++];
	*q = (struct mem_q){ .t = t, .addr = addr, .len = len };
	q->want = mapped_from(r, addr, len);
	if (q->want > 0) {
		q->bytes = malloc((size_t)q->want);
		assert_non_null(q->bytes);
		ref_read(r, addr, (uint64_t)q->want, q->bytes);
	}
}

static void add_lw_q(struct ref *r, uint64_t t, uint64_t addr, uint64_t len)
{
	struct lw_q *q;

	GROW(r->lq, r->n_lq, r->cap_lq);
	q = &r->lq[r->n_lq++];
	*q = (struct lw_q){ .t = t, .addr = addr, .len = len };
	for (size_t i = r->n_log; i-- > 0;) {
		const struct eff *e = &r->log[i];
		uint64_t lo = e->addr > addr ? e->addr : addr;
		uint64_t hi = e->addr + e->len < addr + len ? e->addr + e->len : addr + len;

		if (e->t > t || lo >= hi)
			continue;
		q->found = true;
		q->w_t = e->t;
		q->w_addr = e->addr;
		q->w_len = e->len;
		q->w_kind = e->kind;
		if (e->small) {
			q->have_data = true;
			memcpy(q->data, e->data + (lo - e->addr), hi - lo);
		} else if (e->kind == HS_DB_W_ZERO) {
			q->have_data = true;
			memset(q->data, 0, hi - lo);
		}
		break;
	}
}

/* A random range in mapped memory, often crossing a page. */
static void random_range(struct ref *r, uint64_t *addr, uint64_t *len)
{
	const struct interval *v = &r->maps[rnd_below(r->n_maps)];
	uint64_t pages = (v->end - v->start) / PAGE;

	*len = 1 + rnd_below(rnd_below(4) ? 64 : 300);
	*addr = v->start + rnd_below(pages) * PAGE;
	*addr += rnd_below(2) ? PAGE - rnd_below(*len) - 1 : rnd_below(PAGE);
}

/* Questions at stop t: all effects with time <= t are applied. */
static void ask(struct ref *r, uint64_t t)
{
	uint64_t addr, len;

	if (!r->n_maps)
		return;
	for (int i = 0; i < r->per_stop; i++) {
		switch (rnd_below(6)) {
		case 0: /* just before a mapping: unmapped */
			addr = r->maps[rnd_below(r->n_maps)].start - 1 - rnd_below(16);
			len = 8;
			break;
		case 1: /* running off the end of a mapping */
			addr = r->maps[rnd_below(r->n_maps)].end - 1 - rnd_below(16);
			len = 32;
			break;
		case 2:
		case 3: /* memory the program writes right now */
			if (r->n_recent) {
				addr = r->recent[rnd_below(r->n_recent)] - rnd_below(8);
				len = 1 + rnd_below(64);
				break;
			}
			/* fall through */
		default:
			random_range(r, &addr, &len);
		}
		add_mem_q(r, t, addr, len);
		if (r->want_lw && i % 2 == 0) {
			if (r->n_recent && rnd_below(3))
				add_lw_q(r, t, r->recent[rnd_below(r->n_recent)], 1 + rnd_below(16));
			else
				add_lw_q(r, t, addr, len < 16 ? len : 16);
		}
	}
}

/* Everything before time `now` (an effect's or a state's t) is final. */
static void before(struct ref *r, uint64_t now)
{
	if (r->pend_t < now) {
		for (uint32_t tid = 0; tid < 64; tid++) {
			struct regs_q *q;

			if (!r->pend[tid])
				continue;
			r->pend[tid] = false;
			if (r->n_rq >= r->max_rq)
				continue;
			GROW(r->rq, r->n_rq, r->cap_rq);
			q = &r->rq[r->n_rq++];
			q->t = r->pend_t;
			q->tid = tid;
			memcpy(q->state, r->pend_state[tid], HS_GUEST_STATE_SIZE);
		}
	}
	while (r->next_stop < r->n_stops && r->stops[r->next_stop] < now)
		ask(r, r->stops[r->next_stop++]);
}

static void log_eff(struct ref *r, uint64_t t, uint32_t kind, uint64_t addr, uint64_t len,
		    const uint8_t *data)
{
	struct eff *e;

	if (r->have_stack && addr + len > r->zone_lo && addr < r->stack_low) {
		uint64_t a = addr > r->zone_lo ? addr : r->zone_lo;

		r->stack_low = PAGE_DOWN(a);
	}
	if (!r->want_lw)
		return;
	GROW(r->log, r->n_log, r->cap_log);
	e = &r->log[r->n_log++];
	*e = (struct eff){ .t = t, .addr = addr, .len = len, .kind = kind, .tid = r->cur_tid };
	if (data && len <= 64) {
		e->small = true;
		memcpy(e->data, data, len);
	}
}

static int m_write(void *ctx, uint64_t t, uint64_t addr, uint64_t len, const uint8_t *data)
{
	struct ref *r = ctx;

	before(r, t);
	log_eff(r, t, r->cur_kind, addr, len, data);
	ref_write(r, addr, len, data);
	return 0;
}

static int m_zero(void *ctx, uint64_t t, uint64_t addr, uint64_t len)
{
	struct ref *r = ctx;

	before(r, t);
	log_eff(r, t, HS_DB_W_ZERO, addr, len, NULL);
	ref_write(r, addr, len, NULL);
	return 0;
}

static int m_copy(void *ctx, uint64_t t, uint64_t from, uint64_t to, uint64_t len)
{
	struct ref *r = ctx;
	uint8_t *tmp = malloc(len);

	assert_non_null(tmp);
	before(r, t);
	log_eff(r, t, HS_DB_W_REMAP, to, len, NULL);
	ref_read(r, from, len, tmp);
	ref_write(r, to, len, tmp);
	free(tmp);
	return 0;
}

static int v_insn(void *ctx, uint64_t t, uint32_t tid, uint64_t rip)
{
	before(ctx, t + 1);
	return 0;
}

static int v_store(void *ctx, uint64_t t, uint32_t tid, uint64_t addr, uint32_t size,
		   const uint8_t *bytes)
{
	struct ref *r = ctx;

	r->cur_kind = HS_DB_W_STORE;
	r->cur_tid = tid;
	r->recent[r->n_recent < 64 ? r->n_recent++ : rnd_below(64)] = addr;
	return hs_trace_mem_store(&r->mv, t, addr, size, bytes);
}

static void io_add(struct ref *r, uint64_t t, uint64_t addr, const uint8_t *bytes,
		   uint64_t len, const char *what)
{
	struct io_check *c;

	GROW(r->io, r->n_io, r->cap_io);
	c = &r->io[r->n_io++];
	*c = (struct io_check){ .t = t, .addr = addr, .len = len, .what = what };
	c->bytes = malloc(len ? len : 1);
	assert_non_null(c->bytes);
	memcpy(c->bytes, bytes, len);
}

/* A file's bytes [off, off+len) as the test reads it now. */
static bool file_bytes(const char *path, uint64_t off, uint64_t len, uint8_t *out)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? pread(fd, out, len, (off_t)off) : -1;

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)len;
}

static void on_syscall(struct ref *r, uint64_t t, uint32_t tag, const uint8_t *p, uint32_t len)
{
	uint32_t tid = hs_le32(p), nr = hs_le32(p + 4);

	if (tid >= 64)
		return;
	if (tag == HS_EV_SYSCALL_ENTER && len >= 56) {
		r->sys_nr[tid] = nr;
		for (int i = 0; i < 6; i++)
			r->sys_args[tid][i] = hs_le64(p + 8 + 8 * i);
		r->sys_path[tid][0] = 0;
		if (nr == 257 || nr == 2) { /* openat, open: the path, from our memory */
			uint8_t s[PATH_MAX];

			ref_read(r, r->sys_args[tid][nr == 257 ? 1 : 0], sizeof(s) - 1, s);
			s[sizeof(s) - 1] = 0;
			snprintf(r->sys_path[tid], PATH_MAX, "%s", (char *)s);
		}
		return;
	}
	if (tag != HS_EV_SYSCALL_EXIT || len < 24 || hs_le32(p + 8))
		return; /* failed */
	{
		uint64_t res = hs_le64(p + 16), *a = r->sys_args[tid];
		struct fdent *f;

		switch (r->sys_nr[tid]) {
		case 2:
		case 257:
			if (res < 64 && r->sys_path[tid][0] == '/') {
				f = &r->fds[res];
				f->open = true;
				f->off = 0;
				memcpy(f->path, r->sys_path[tid], strlen(r->sys_path[tid]) + 1);
			}
			break;
		case 3:
			if (a[0] < 64)
				r->fds[a[0]].open = false;
			break;
		case 8: /* lseek */
			if (a[0] < 64)
				r->fds[a[0]].off = res;
			break;
		case 0:  /* read */
		case 17: /* pread64 */
			f = a[0] < 64 ? &r->fds[a[0]] : NULL;
			if (f && f->open && res > 0) {
				uint64_t off = r->sys_nr[tid] == 17 ? a[3] : f->off;
				uint8_t *want = malloc(res), *have = malloc(res);

				assert_non_null(want);
				assert_non_null(have);
				if (file_bytes(f->path, off, res, want)) {
					/* the reference itself must agree with the file */
					ref_read(r, a[1], res, have);
					assert_memory_equal(have, want, res);
					io_add(r, t, a[1], want, res, "read");
				}
				free(want);
				free(have);
				if (r->sys_nr[tid] == 0)
					f->off += res;
			}
			break;
		}
	}
}

static int v_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag, const uint8_t *p,
		   uint32_t len)
{
	struct ref *r = ctx;
	uint32_t rt;

	before(r, t);
	r->cur_tid = tid;
	switch (tag) {
	case HS_EV_MEM:
		switch (hs_le32(p + 8)) {
		case HS_MEM_INITIAL:
			r->cur_kind = HS_DB_W_MAP;
			break;
		case HS_MEM_SYSCALL:
			r->cur_kind = HS_DB_W_SYSCALL;
			break;
		case HS_MEM_SIGNAL:
			r->cur_kind = HS_DB_W_SIGNAL;
			break;
		default:
			r->cur_kind = HS_DB_W_CORE;
		}
		break;
	case HS_EV_MAP:
		r->cur_kind = HS_DB_W_MAP;
		maps_set(r, PAGE_DOWN(hs_le64(p)), PAGE_UP(hs_le64(p) + hs_le64(p + 8)));
		break;
	case HS_EV_UNMAP:
		maps_clear(r, PAGE_UP(hs_le64(p)), PAGE_UP(hs_le64(p) + hs_le64(p + 8)));
		break;
	case HS_EV_REMAP: {
		uint64_t from = hs_le64(p), to = hs_le64(p + 8);
		uint64_t n = hs_le64(p + 16);

		maps_clear(r, to, to + n);
		for (uint64_t k = 0; k < n; k += PAGE)
			if (maps_has(r, from + k))
				maps_set(r, to + k, to + k + PAGE);
		break;
	}
	case HS_EV_SYSCALL_ENTER:
	case HS_EV_SYSCALL_EXIT:
		on_syscall(r, t, tag, p, len);
		if (tag == HS_EV_SYSCALL_EXIT && (rt = hs_le32(p)) < 64 && r->pend[rt] &&
		    r->pend_t == t) {
			uint64_t res = hs_le64(p + 16);
			uint64_t rax = hs_le32(p + 8) ? 0 - res : res;

			memcpy(r->pend_state[rt] + offsetof(VexGuestAMD64State, guest_RAX), &rax, 8);
		}
		break;
	case HS_EV_REG_WRITE:
		rt = hs_le32(p);
		if (rt < 64 && r->pend[rt] && r->pend_t == t)
			memcpy(r->pend_state[rt] + hs_le32(p + 4), p + 12, hs_le32(p + 8));
		break;
	case HS_EV_OUTPUT: {
		uint32_t ot = hs_le32(p);

		/* the bytes of write(fd, buf, n) were at buf when it ran */
		if (ot < 64 && (r->sys_nr[ot] == 1 || r->sys_nr[ot] == 18) && len > 8) {
			uint8_t *have = malloc(len - 8);

			assert_non_null(have);
			ref_read(r, r->sys_args[ot][1], len - 8, have);
			assert_memory_equal(have, p + 8, len - 8);
			io_add(r, t, r->sys_args[ot][1], p + 8, len - 8, "write");
			free(have);
		}
		break;
	}
	}
	return hs_trace_mem_event(&r->mv, r->files, t, tag, p, len);
}

static int v_regs(void *ctx, uint64_t t, uint32_t tid, uint32_t reason, const uint8_t *state)
{
	struct ref *r = ctx;

	before(r, t);
	if (tid >= 64)
		return 0;
	r->pend_t = t;
	r->pend[tid] = true;
	memcpy(r->pend_state[tid], state, HS_GUEST_STATE_SIZE);
	return 0;
}

/* The pre-pass: the main stack (startup mapping holding rsp at t = 0) and
 * the zone below it that no mapping ever takes, at most 16 MiB. */
struct pre {
	struct ref *r;
	struct interval *maps;        /* every mapping ever made */
	size_t n, cap;
	struct interval startup[64];
	size_t n_startup;
};

static int pre_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag, const uint8_t *p,
		     uint32_t len)
{
	struct pre *pr = ctx;
	struct interval v;

	if (tag == HS_EV_MAP) {
		v = (struct interval){ PAGE_DOWN(hs_le64(p)),
				       PAGE_UP(hs_le64(p) + hs_le64(p + 8)) };
		if (t == 0 && hs_le32(p + 20) == HS_MAPK_STARTUP &&
		    !(hs_le32(p + 24) & HS_MAP_FILE) && pr->n_startup < 64)
			pr->startup[pr->n_startup++] = v;
	} else if (tag == HS_EV_REMAP) {
		v = (struct interval){ hs_le64(p + 8), hs_le64(p + 8) + hs_le64(p + 16) };
	} else {
		return 0;
	}
	GROW(pr->maps, pr->n, pr->cap);
	pr->maps[pr->n++] = v;
	return 0;
}

static int pre_regs(void *ctx, uint64_t t, uint32_t tid, uint32_t reason, const uint8_t *state)
{
	struct pre *pr = ctx;

	if (t == 0 && !pr->r->have_rsp0) {
		memcpy(&pr->r->rsp0, state + offsetof(VexGuestAMD64State, guest_RSP), 8);
		pr->r->have_rsp0 = true;
	}
	return 0;
}

static void pre_pass(struct ref *r, struct hs_trace_image *img)
{
	struct pre pr = { .r = r };
	struct hs_trace_visitor v = { .ctx = &pr, .event = pre_event, .regs = pre_regs };
	struct hs_trace_decoder *d;
	struct hs_trace_chunk ch = { .data = NULL };
	struct hs_trace_err err;

	assert_int_equal(hs_trace_decoder_new(img->code, &v, &d), 0);
	for (size_t i = 0; i < hs_trace_file_chunk_count(img->stream); i++) {
		assert_int_equal(hs_trace_file_read_chunk(img->stream, i, &ch, &err), 0);
		assert_int_equal(hs_trace_decoder_chunk(d, &ch, &err), 0);
	}
	hs_trace_chunk_release(&ch);
	hs_trace_decoder_free(d);
	for (size_t i = 0; i < pr.n_startup; i++)
		if (r->have_rsp0 && pr.startup[i].start <= r->rsp0 && r->rsp0 < pr.startup[i].end) {
			r->have_stack = true;
			r->stack_start = pr.startup[i].start;
		}
	if (r->have_stack) {
		r->zone_lo = r->stack_start > (16ull << 20) ? r->stack_start - (16ull << 20) : 0;
		for (size_t i = 0; i < pr.n; i++)
			if (pr.maps[i].start < r->stack_start && pr.maps[i].end > r->zone_lo)
				r->zone_lo = pr.maps[i].end < r->stack_start ? pr.maps[i].end
									     : r->stack_start;
		r->stack_low = r->stack_start;
	}
	free(pr.maps);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Decodes rec's first image from t = 0 and writes every question down. */
static void ref_run(struct ref *r, const struct rec *rc, size_t n_random_stops)
{
	struct hs_trace_visitor v = { .ctx = r, .insn = v_insn, .store = v_store,
				      .event = v_event, .regs = v_regs };
	struct hs_db_image_info info;
	struct hs_trace_image *img;
	struct hs_trace_chunk ch = { .data = NULL };
	struct hs_trace_err err;
	size_t n;

	hs_db_image_info(rc->img, &info);
	r->t_end = info.t_end;
	r->mv = (struct hs_trace_mem_visitor){ .ctx = r, .write = m_write, .zero = m_zero,
					       .copy = m_copy };
	assert_int_equal(hs_trace_mem_files_new(&r->files), 0);
	assert_int_equal(hs_trace_image_open(rc->img_dir, &img, &err), 0);
	n = hs_trace_file_chunk_count(img->stream);
	/* stops: random, and around chunk starts (where decoding starts) */
	r->stops = calloc(n_random_stops + 3 * n + 2, sizeof(*r->stops));
	assert_non_null(r->stops);
	for (size_t i = 0; i < n_random_stops; i++)
		r->stops[r->n_stops++] = rnd_below(info.t_end + 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t f = hs_trace_file_chunk_info(img->stream, i)->first_t;

		r->stops[r->n_stops++] = f;
		if (f)
			r->stops[r->n_stops++] = f - 1;
		if (f + 1 <= info.t_end)
			r->stops[r->n_stops++] = f + 1;
	}
	r->stops[r->n_stops++] = info.t_end;
	qsort(r->stops, r->n_stops, sizeof(*r->stops), cmp_u64);
	pre_pass(r, img);
	assert_int_equal(hs_trace_decoder_new(img->code, &v, &r->dec), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(hs_trace_file_read_chunk(img->stream, i, &ch, &err), 0);
		assert_int_equal(hs_trace_decoder_chunk(r->dec, &ch, &err), 0);
	}
	assert_int_equal(hs_trace_decoder_stats(r->dec)->regs_mismatches, 0);
	before(r, UINT64_MAX);
	hs_trace_chunk_release(&ch);
	hs_trace_decoder_free(r->dec);
	hs_trace_image_close(img);
	hs_trace_mem_files_free(r->files);
}

static void ref_free(struct ref *r)
{
	for (size_t i = 0; i < r->cap; i++)
		free(r->tab[i]);
	free(r->tab);
	for (size_t i = 0; i < r->n_mq; i++)
		free(r->mq[i].bytes);
	for (size_t i = 0; i < r->n_io; i++)
		free(r->io[i].bytes);
	free(r->mq);
	free(r->lq);
	free(r->rq);
	free(r->log);
	free(r->io);
	free(r->maps);
	free(r->stops);
}

/* ---- checks ---------------------------------------------------------------------- */

static void check_mem_q(const struct rec *rc, const struct mem_q *q)
{
	uint8_t *buf = malloc(q->len);
	ssize_t n;

	assert_non_null(buf);
	n = hs_db_mem_read(rc->img, q->t, q->addr, q->len, buf);
	if (n != q->want || (n > 0 && memcmp(buf, q->bytes, (size_t)n) != 0)) {
		fprintf(stderr, "%s: mem at t=%" PRIu64 " 0x%" PRIx64 "+%" PRIu64 ": got %zd, want %zd"
			" (seed %" PRIu64 ")\n", rc->name, q->t, q->addr, q->len, n, q->want, seed);
		for (ssize_t i = 0; n > 0 && i < n; i++)
			if (buf[i] != q->bytes[i]) {
				fprintf(stderr, "  first difference at +%zd: 0x%02x, want 0x%02x\n", i,
					buf[i], q->bytes[i]);
				break;
			}
		fail();
	}
	free(buf);
}

static void check_regs_q(const struct rec *rc, const struct regs_q *q)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	int err;

	assert_non_null(r);
	err = hs_db_regs_at(rc->img, q->t, q->tid, r);
	if (err || memcmp(r->state, q->state, HS_GUEST_STATE_SIZE) != 0) {
		fprintf(stderr, "%s: regs of tid %" PRIu32 " at t=%" PRIu64 ": err %d\n", rc->name,
			q->tid, q->t, err);
		for (size_t i = 0; !err && i < HS_GUEST_STATE_SIZE; i++)
			if (r->state[i] != q->state[i]) {
				fprintf(stderr, "  first difference at guest state offset %zu\n", i);
				break;
			}
		fail();
	}
	free(r);
}

static void check_io(const struct rec *rc, const struct ref *r, const char *what, size_t *n)
{
	for (size_t i = 0; i < r->n_io; i++) {
		const struct io_check *c = &r->io[i];
		uint8_t *buf;
		ssize_t got;

		if (strcmp(c->what, what) != 0)
			continue;
		buf = malloc(c->len);
		assert_non_null(buf);
		got = hs_db_mem_read(rc->img, c->t, c->addr, c->len, buf);
		if (got != (ssize_t)c->len || memcmp(buf, c->bytes, c->len) != 0) {
			fprintf(stderr, "%s: %s of %" PRIu64 " bytes at 0x%" PRIx64 " t=%" PRIu64
				": memory differs (got %zd)\n", rc->name, what, c->len, c->addr, c->t, got);
			fail();
		}
		free(buf);
		(*n)++;
	}
}

/* ---- tests: exactness -------------------------------------------------------------- */

static void mem_matches_reference(struct rec *rc, size_t stops, int per_stop)
{
	struct ref *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->per_stop = per_stop;
	r->max_rq = 0;
	ref_run(r, rc, stops);
	assert_true(r->n_mq > 100);
	for (size_t i = 0; i < r->n_mq; i++)
		check_mem_q(rc, &r->mq[i]);
	ref_free(r);
	free(r);
}

static void test_query_mem_matches_naive_replay_small(void **state)
{
	mem_matches_reference(&r_small, 150, 8);
}

static void test_query_mem_matches_naive_replay_threads(void **state)
{
	mem_matches_reference(&r_threads, 60, 8);
}

static void test_query_mem_matches_naive_replay_signal(void **state)
{
	mem_matches_reference(&r_signal, 60, 8);
}

static void test_query_mem_matches_naive_replay_small_chunks(void **state)
{
	mem_matches_reference(&r_small_c, 150, 8);
}

static void test_query_mem_matches_naive_replay_threads_chunks(void **state)
{
	mem_matches_reference(&r_threads_c, 60, 8);
}

static void test_query_mem_matches_naive_replay_signal_chunks(void **state)
{
	mem_matches_reference(&r_signal_c, 60, 8);
}

static void test_query_mem_matches_naive_replay_forkexec_chunks(void **state)
{
	mem_matches_reference(&r_fork_c, 60, 8);
}

static void test_query_mem_matches_naive_replay_exec_chunks(void **state)
{
	mem_matches_reference(&r_echo_c, 60, 8);
}

static void last_write_matches_reference(struct rec *rc)
{
	struct ref *r = calloc(1, sizeof(*r));
	size_t found = 0;

	assert_non_null(r);
	r->per_stop = 6;
	r->want_lw = true;
	ref_run(r, rc, 80);
	assert_true(r->n_lq > 100);
	for (size_t i = 0; i < r->n_lq; i++) {
		const struct lw_q *q = &r->lq[i];
		uint8_t buf[64];
		struct hs_db_write w;
		int err = hs_db_last_write(rc->img, q->addr, q->len, q->t, &w, buf);

		if (!q->found) {
			if (err != -ENOENT) {
				fprintf(stderr, "%s: last write of 0x%" PRIx64 "+%" PRIu64 " at t=%"
					PRIu64 ": got %d (t=%" PRIu64 "), want none\n", rc->name,
					q->addr, q->len, q->t, err, w.t);
				fail();
			}
			continue;
		}
		if (err || w.t != q->w_t || w.addr != q->w_addr || w.len != q->w_len ||
		    w.kind != q->w_kind) {
			fprintf(stderr, "%s: last write of 0x%" PRIx64 "+%" PRIu64 " at t=%" PRIu64
				": got err %d t=%" PRIu64 " 0x%" PRIx64 "+%" PRIu64 " kind %u, want t=%"
				PRIu64 " 0x%" PRIx64 "+%" PRIu64 " kind %u (seed %" PRIu64 ")\n",
				rc->name, q->addr, q->len, q->t, err, w.t, w.addr, w.len, w.kind,
				q->w_t, q->w_addr, q->w_len, q->w_kind, seed);
			fail();
		}
		if (q->have_data)
			assert_memory_equal(w.data, q->data, w.data_len);
		found++;
	}
	assert_true(found > 50);
	ref_free(r);
	free(r);
}

static void test_query_last_write_matches_naive_replay(void **state)
{
	last_write_matches_reference(&r_small);
}

static void test_query_last_write_matches_naive_replay_chunks(void **state)
{
	last_write_matches_reference(&r_small_c);
	last_write_matches_reference(&r_threads_c);
	last_write_matches_reference(&r_echo_c);
}

static void regs_match_dumps(struct rec *rc)
{
	struct ref *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->max_rq = 3000;
	ref_run(r, rc, 0);
	assert_true(r->n_rq > 2);
	for (size_t i = 0; i < r->n_rq; i++)
		check_regs_q(rc, &r->rq[i]);
	ref_free(r);
	free(r);
}

static void test_query_regs_equal_every_dump_gzip(void **state)
{
	regs_match_dumps(&r_gzip);
}

static void test_query_regs_equal_every_dump_threads(void **state)
{
	regs_match_dumps(&r_threads);
}

static void test_query_regs_equal_every_dump_signal(void **state)
{
	regs_match_dumps(&r_signal);
}

static void test_query_regs_equal_every_dump_chunks(void **state)
{
	regs_match_dumps(&r_threads_c);
	regs_match_dumps(&r_signal_c);
	regs_match_dumps(&r_fork_c);
	regs_match_dumps(&r_echo_c);
}

static void test_query_write_and_read_buffers_gzip(void **state)
{
	struct ref *r = calloc(1, sizeof(*r));
	size_t writes = 0, reads = 0;

	assert_non_null(r);
	ref_run(r, &r_gzip, 0);
	check_io(&r_gzip, r, "write", &writes);
	check_io(&r_gzip, r, "read", &reads);
	/* gzip wrote its output and read its input (and ld.so read libc) */
	assert_true(writes >= 1);
	assert_true(reads >= 2);
	ref_free(r);
	free(r);
}

/* argv and envp strings on the initial stack equal the recorded command. */
static void test_query_argv_env_at_t0(void **state)
{
	struct hs_db_regs *regs = malloc(sizeof(*regs));
	char *meta_path = path_of(r_gzip.dir, "meta.json");
	json_object *meta = json_object_from_file(meta_path), *cmd, *env;
	uint64_t sp, argc, p;
	size_t n_env = 0, matched = 0;

	assert_non_null(regs);
	assert_non_null(meta);
	assert_true(json_object_object_get_ex(meta, "command", &cmd));
	assert_true(json_object_object_get_ex(meta, "environment", &env));
	assert_int_equal(hs_db_regs_at(r_gzip.img, 0, 0, regs), 0);
	sp = regs->regs.gpr[4];
	assert_int_equal(hs_db_mem_read(r_gzip.img, 0, sp, 8, (uint8_t *)&argc), 8);
	assert_int_equal(argc, json_object_array_length(cmd));
	for (uint64_t i = 0; i <= argc; i++) {
		char s[4096] = { 0 };

		assert_int_equal(hs_db_mem_read(r_gzip.img, 0, sp + 8 + 8 * i, 8, (uint8_t *)&p), 8);
		if (i == argc) {
			assert_int_equal(p, 0);
			break;
		}
		assert_true(hs_db_mem_read(r_gzip.img, 0, p, sizeof(s) - 1, (uint8_t *)s) > 0);
		assert_string_equal(s, json_object_get_string(json_object_array_get_idx(cmd, i)));
	}
	/* envp: every recorded variable is there; Valgrind adds LD_PRELOAD */
	for (uint64_t at = sp + 8 * (argc + 2);; at += 8) {
		char s[8192] = { 0 };

		assert_int_equal(hs_db_mem_read(r_gzip.img, 0, at, 8, (uint8_t *)&p), 8);
		if (!p)
			break;
		assert_true(hs_db_mem_read(r_gzip.img, 0, p, sizeof(s) - 1, (uint8_t *)s) > 0);
		n_env++;
		for (size_t k = 0; k < json_object_array_length(env); k++)
			if (!strcmp(s, json_object_get_string(json_object_array_get_idx(env, k)))) {
				matched++;
				break;
			}
	}
	assert_true(matched >= json_object_array_length(env) - 1);
	assert_true(n_env >= matched);
	json_object_put(meta);
	free(meta_path);
	free(regs);
}

/* ---- tests: the other questions ------------------------------------------------------- */

static int count_ev(void *ctx, const struct hs_db_event *ev)
{
	(*(size_t *)ctx)++;
	return 0;
}

static int find_output(void *ctx, const struct hs_db_event *ev)
{
	char line[1024];

	assert_int_equal(ev->tag, HS_EV_OUTPUT);
	hs_db_event_format(ctx, ev, line, sizeof(line));
	assert_non_null(strstr(line, "fd=1"));
	return 7; /* stops the walk, and comes back */
}

static int check_syscall_text(void *ctx, const struct hs_db_event *ev)
{
	char line[1024];
	int n = hs_db_event_format(ctx, ev, line, sizeof(line));

	assert_true(n > 0);
	if (strstr(line, "openat(") && strstr(line, "libc.so.6"))
		return 1;
	return 0;
}

static void test_query_events_by_kind_and_time(void **state)
{
	const struct hs_db_image *img = r_gzip.img;
	struct hs_db_image_info info;
	size_t all = 0, sys = 0, none = 0;

	hs_db_image_info(img, &info);
	assert_int_equal(hs_db_events(img, 0, UINT64_MAX, 0, count_ev, &all), 0);
	assert_int_equal(all, info.events);
	assert_int_equal(hs_db_events(img, 0, UINT64_MAX,
				      HS_DB_KIND_BIT(HS_EV_SYSCALL_ENTER), count_ev, &sys), 0);
	assert_true(sys > 10 && sys < all);
	assert_int_equal(hs_db_events(img, 5, 4, 0, count_ev, &none), 0);
	assert_int_equal(none, 0);
	assert_int_equal(hs_db_events(img, 0, UINT64_MAX, HS_DB_KIND_BIT(HS_EV_OUTPUT),
				      find_output, (void *)img), 7);
	/* ld.so opens libc by path: the string comes from memory at that t */
	assert_int_equal(hs_db_events(img, 0, UINT64_MAX, HS_DB_KIND_BIT(HS_EV_SYSCALL_ENTER),
				      check_syscall_text, (void *)img), 1);
}

/* ---- events as text in batches ------------------------------------------------ */

/* fs/query/db_text.c: true reads syscall arguments from memory even when
 * the recorder copied them (as for a format 3 recording). */
extern bool db_args_from_memory;

struct text_check {
	const struct hs_db_image *img;
	size_t captured;        /* syscall entries with the recorder's copy */
	size_t n, stop_after;
	uint64_t last_t;
	char want[HS_DB_TEXT_MAX];
};

/* Every event's batch text equals hs_db_event_format()'s, one by one. */
static int check_text(void *ctx, const struct hs_db_event *ev, const char *text, size_t len,
		      int err)
{
	struct text_check *c = ctx;
	int n = hs_db_event_format(c->img, ev, c->want, sizeof(c->want));

	if (strcmp(text, c->want) != 0 || len != strlen(c->want) || err != (n < 0 ? n : 0))
		fail_msg("t=%" PRIu64 " tag %u: batch text \"%s\" (err %d), one by one \"%s\" (%d)",
			 ev->t, ev->tag, text, err, c->want, n);
	if (ev->tag == HS_EV_SYSCALL_ENTER && ev->len > 56 && !db_args_from_memory) {
		/* the recorder's copy of the arguments prints as the memory it
		 * came from: the same record cut to its format 3 length */
		struct hs_db_event v3 = *ev;

		v3.len = 56;
		c->captured++;
		n = hs_db_event_format(c->img, &v3, c->want, sizeof(c->want));
		if (strcmp(text, c->want) != 0 || err != (n < 0 ? n : 0))
			fail_msg("t=%" PRIu64 ": captured \"%s\" (err %d), from memory \"%s\" (%d)",
				 ev->t, text, err, c->want, n);
	}
	assert_true(ev->t >= c->last_t);
	c->last_t = ev->t;
	c->n++;
	return c->stop_after && c->n == c->stop_after ? 7 : 0;
}

static void text_matches(const struct hs_db *db)
{
	for (size_t i = 0; i < hs_db_image_count(db); i++) {
		const struct hs_db_image *img = hs_db_image_at(db, i);
		struct hs_db_image_info info;
		struct text_check *c = calloc(1, sizeof(*c));
		uint64_t mid;
		size_t all;

		assert_non_null(c);
		hs_db_image_info(img, &info);
		c->img = img;
		assert_int_equal(hs_db_events_text(img, 0, UINT64_MAX, 0, check_text, c), 0);
		assert_int_equal(c->n, info.events);
		all = c->n;
		/* every image makes syscalls, and this recorder copies their
		 * arguments (format 4) */
		assert_true(c->captured > 0);
		/* as a format 3 recording reads: the batch decode path */
		*c = (struct text_check){ .img = img };
		db_args_from_memory = true;
		assert_int_equal(hs_db_events_text(img, 0, UINT64_MAX, 0, check_text, c), 0);
		db_args_from_memory = false;
		assert_int_equal(c->n, all);
		/* syscalls only (UNMAP and REMAP are watched, not listed) */
		*c = (struct text_check){ .img = img };
		assert_int_equal(hs_db_events_text(img, 0, UINT64_MAX,
						   HS_DB_KIND_BIT(HS_EV_SYSCALL_ENTER) |
							   HS_DB_KIND_BIT(HS_EV_SYSCALL_EXIT),
						   check_text, c), 0);
		assert_true(c->n < all);
		/* from the middle, and a stop that the call returns */
		mid = info.t_end / 2;
		*c = (struct text_check){ .img = img, .last_t = mid, .stop_after = 300 };
		int ret = hs_db_events_text(img, mid, info.t_end, 0, check_text, c);
		assert_true(ret == 7 || (ret == 0 && c->n < 300));
		free(c);
	}
}

static void test_query_events_text_equals_one_by_one(void **state)
{
	(void)state;
	text_matches(r_gzip.db);
	text_matches(r_threads.db);
	text_matches(r_signal.db);
	text_matches(r_fork.db);
	text_matches(r_small_c.db);
	text_matches(r_threads_c.db);
	text_matches(r_fork_c.db);
}

static int check_call(void *ctx, const struct hs_db_call *c)
{
	uint64_t *prev = ctx;

	assert_true(c->t_call >= *prev);
	assert_true(c->t_ret == HS_DB_NO_RETURN || c->t_ret > c->t_call);
	*prev = c->t_call;
	return 0;
}

static void test_query_calls_in_time_order(void **state)
{
	uint64_t prev = 0;

	assert_int_equal(hs_db_calls(r_small.img, 0, UINT64_MAX, check_call, &prev), 0);
	assert_true(prev > 0);
}

static void test_query_thread_at_matches_regs(void **state)
{
	struct hs_db_image_info info;
	struct hs_db_regs *r = malloc(sizeof(*r));
	uint32_t tid;
	bool other = false;

	assert_non_null(r);
	hs_db_image_info(r_threads.img, &info);
	for (int i = 0; i < 40; i++) {
		uint64_t t = rnd_below(info.t_end);

		assert_int_equal(hs_db_thread_at(r_threads.img, t, &tid), 0);
		assert_int_equal(hs_db_regs_at(r_threads.img, t, 0, r), 0);
		assert_int_equal(r->tid, tid);
		other |= tid != 1;
	}
	assert_true(other);
	assert_int_equal(hs_db_thread_at(r_threads.img, info.t_end + 1, &tid), -ERANGE);
	assert_int_equal(hs_db_regs_at(r_threads.img, info.t_end + 1, 0, r), -ERANGE);
	free(r);
}

/* The thread table against the stream's own records: every THREAD_RUN's
 * lwpid (read by the recorder on that thread) is the OS tid of its slot
 * at its t, and every THREAD_CREATE begins the thread of its child slot. */
struct thr_check {
	const struct hs_db_image *img;
	size_t runs, creates;
};

static int check_thread_event(void *ctx, const struct hs_db_event *ev)
{
	struct thr_check *c = ctx;
	const struct hs_db_thread *v;
	size_t n = hs_db_threads(c->img, &v), i;
	uint32_t slot = hs_le32(ev->payload + (ev->tag == HS_EV_THREAD_CREATE ? 4 : 0));

	if (ev->tag == HS_EV_THREAD_RUN) {
		assert_int_equal(hs_db_thread_os_tid(c->img, slot, ev->t),
				 hs_le32(ev->payload + 4));
		c->runs++;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (v[i].slot == slot && v[i].t_create == ev->t)
			break;
	assert_true(i < n);
	assert_true(v[i].t_exit >= ev->t);
	c->creates++;
	return 0;
}

static void test_query_threads_are_os_threads(void **state)
{
	struct thr_check c = { r_threads.img, 0, 0 };
	struct hs_db_image_info info;
	const struct hs_db_thread *v;
	size_t n = hs_db_threads(r_threads.img, &v);

	/* threads.c: main and four pthreads, each its own OS tid */
	assert_int_equal(n, 5);
	hs_db_image_info(r_threads.img, &info);
	assert_int_equal(v[0].tid, info.pid);
	assert_int_equal(v[0].parent_tid, 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(v[i].tid != 0);
		assert_ptr_equal(hs_db_thread_find(r_threads.img, v[i].tid), &v[i]);
		assert_int_equal(hs_db_thread_os_tid(r_threads.img, v[i].slot, v[i].t_create),
				 v[i].tid);
		assert_true(v[i].t_exit <= info.t_end);
		if (i > 0) {
			assert_int_equal(v[i].parent_tid, v[0].tid);
			for (size_t j = 0; j < i; j++)
				assert_true(v[j].tid != v[i].tid);
		}
	}
	assert_null(hs_db_thread_find(r_threads.img, 0));
	assert_int_equal(hs_db_thread_os_tid(r_threads.img, 0, 100), 0);
	assert_int_equal(hs_db_events(r_threads.img, 0, info.t_end,
				      HS_DB_KIND_BIT(HS_EV_THREAD_RUN) |
				      HS_DB_KIND_BIT(HS_EV_THREAD_CREATE),
				      check_thread_event, &c), 0);
	assert_true(c.runs > 5);
	assert_int_equal(c.creates, 5);
}

static void test_query_insn_is_the_next_instruction(void **state)
{
	struct hs_db_image_info info;
	struct hs_db_regs *r = malloc(sizeof(*r));
	struct hs_db_insn in;

	assert_non_null(r);
	hs_db_image_info(r_small.img, &info);
	for (int i = 0; i < 20; i++) {
		uint64_t t = rnd_below(info.t_end);
		uint8_t mem[16];

		assert_int_equal(hs_db_insn_at(r_small.img, t, &in), 0);
		assert_int_equal(hs_db_regs_at(r_small.img, t, 0, r), 0);
		assert_int_equal(in.addr, r->regs.rip);
		assert_true(in.len >= 1 && in.len <= 15);
		assert_true(strlen(in.text) > 0);
		/* the bytes are those in memory there at t */
		assert_int_equal(hs_db_mem_read(r_small.img, t, in.addr, in.len, mem), in.len);
		assert_memory_equal(mem, in.bytes, in.len);
	}
	assert_int_equal(hs_db_insn_at(r_small.img, info.t_end, &in), -ENOENT);
	free(r);
}

static void test_query_maps_cover_rip_and_rsp(void **state)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	struct hs_db_map *m;
	size_t n;
	bool rip = false, rsp = false;

	assert_non_null(r);
	assert_int_equal(hs_db_regs_at(r_small.img, 100000, 0, r), 0);
	assert_int_equal(hs_db_maps_at(r_small.img, 100000, &m, &n), 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(m[i].start < m[i].end);
		assert_true(i == 0 || m[i - 1].end <= m[i].start);
		if (m[i].start <= r->regs.rip && r->regs.rip < m[i].end) {
			rip = true;
			assert_true(m[i].prot & 4);
			assert_true(m[i].path[0] == '/');
		}
		if (m[i].start <= r->regs.gpr[4] && r->regs.gpr[4] < m[i].end)
			rsp = true;
	}
	assert_true(rip && rsp);
	free(m);
	free(r);
}

struct hist {
	uint64_t last_t;
	size_t n;
};

static int hist_cb(void *ctx, const struct hs_db_write *w)
{
	struct hist *h = ctx;

	assert_true(w->t >= h->last_t);
	h->last_t = w->t;
	h->n++;
	return 0;
}

/* The write history's last entry before t is the last write before t. */
static void test_query_write_history_ends_at_last_write(void **state)
{
	struct hs_db_image_info info;

	hs_db_image_info(r_small.img, &info);
	for (int i = 0; i < 10; i++) {
		uint64_t t = info.t_end / 2 + rnd_below(info.t_end / 2);
		struct hs_db_regs *r = malloc(sizeof(*r));
		struct hs_db_write w;
		struct hist h = { 0 };
		uint8_t buf[8];
		uint64_t addr;

		assert_non_null(r);
		assert_int_equal(hs_db_regs_at(r_small.img, t, 0, r), 0);
		addr = r->regs.gpr[4]; /* rsp: written often */
		free(r);
		assert_int_equal(hs_db_last_write(r_small.img, addr, 8, t, &w, buf), 0);
		assert_int_equal(hs_db_writes(r_small.img, addr, 8, 0, t, hist_cb, &h), 0);
		assert_true(h.n >= 1);
		assert_int_equal(h.last_t, w.t);
	}
}

/* A forked image starts with its parent's memory and mappings at the fork. */
static void test_query_fork_child_starts_with_parent_memory(void **state)
{
	struct hs_trace_proc *procs;
	size_t n, checked = 0;
	bool found = false;

	assert_int_equal(hs_trace_list_procs(r_fork.dir, &procs, &n, NULL), 0);
	for (size_t i = 0; i < n; i++) {
		struct hs_trace_file_header h;
		char *path = path_of(procs[i].dir, "stream.hst"), name[32];
		const struct hs_db_image *child, *parent;
		struct hs_db_map *cm, *pm;
		size_t cn, pn;
		struct hs_db_write w;
		uint8_t b1[256], b2[256];

		assert_int_equal(hs_trace_read_file_header(path, HS_STREAM_MAGIC, &h, NULL), 0);
		free(path);
		if (!(h.flags & HS_FILE_FORKED))
			continue;
		found = true;
		snprintf(name, sizeof(name), "%u.%u", h.parent_pid, h.parent_exec);
		child = hs_db_image_find(r_fork.db, procs[i].name);
		parent = hs_db_image_find(r_fork.db, name);
		assert_non_null(child);
		assert_non_null(parent);
		assert_int_equal(hs_db_maps_at(child, 0, &cm, &cn), 0);
		assert_int_equal(hs_db_maps_at(parent, h.parent_t, &pm, &pn), 0);
		assert_int_equal(cn, pn);
		for (size_t k = 0; k < cn; k++) {
			assert_int_equal(cm[k].start, pm[k].start);
			assert_int_equal(cm[k].end, pm[k].end);
			assert_int_equal(cm[k].prot, pm[k].prot);
			/* a few ranges of each mapping read the same */
			for (int j = 0; j < 4; j++) {
				uint64_t a = cm[k].start + rnd_below(cm[k].end - cm[k].start - sizeof(b1));
				ssize_t x = hs_db_mem_read(child, 0, a, sizeof(b1), b1);
				ssize_t y = hs_db_mem_read(parent, h.parent_t, a, sizeof(b2), b2);

				assert_int_equal(x, y);
				if (x > 0)
					assert_memory_equal(b1, b2, (size_t)x);
				checked++;
			}
			/* nothing the child wrote: the write is the parent's */
			if (cm[k].path[0] == '/' && !(cm[k].prot & 2)) {
				assert_int_equal(hs_db_last_write(child, cm[k].start, 1, 0, &w, b1), 0);
				assert_ptr_equal(w.img, parent);
			}
		}
		free(cm);
		free(pm);
	}
	hs_trace_procs_free(procs, n);
	assert_true(found);
	assert_true(checked > 20);
}

/* ---- concurrency and the cache ------------------------------------------------------------- */

struct worker {
	const struct rec *rc;
	const struct ref *r;
	size_t from, step;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (size_t i = w->from; i < w->r->n_mq; i += w->step)
		check_mem_q(w->rc, &w->r->mq[i]);
	return NULL;
}

static void test_query_concurrent_readers_agree(void **state)
{
	struct ref *r = calloc(1, sizeof(*r));
	struct rec rc = r_threads;
	struct hs_db_options opt = { .cache_bytes = 3u << 20 };
	struct worker w[4];
	pthread_t th[4];
	struct hs_db_cache_stats st;

	assert_non_null(r);
	r->per_stop = 8;
	ref_run(r, &r_threads, 60);
	/* a small cache: entries come and go under the readers */
	assert_int_equal(hs_db_open(rc.dir, &opt, &rc.db), 0);
	rc.img = hs_db_image_at(rc.db, 0);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ &rc, r, (size_t)i, 4 };
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	hs_db_cache_stats(rc.db, &st);
	assert_true(st.used <= st.cap);
	assert_true(st.evictions > 0);
	hs_db_close(rc.db);
	ref_free(r);
	free(r);
}

/* Images read in turn, with one idle code table kept: each image's table is
 * freed when another is read and loaded again when it is next read; the
 * registers and instructions are the ones a database that keeps them all
 * gives, also with four threads reading at once. */
struct code_reader {
	struct hs_db *db;       /* code_keep 1 */
	const struct hs_db *all; /* the default */
	unsigned from;
};

static void *code_reader_main(void *arg)
{
	struct code_reader *c = arg;
	struct hs_db_regs *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	size_t n = hs_db_image_count(c->db);
	intptr_t bad = 0;

	if (!a || !b)
		return (void *)1;
	for (unsigned round = 0; round < 3; round++)
		for (size_t k = 0; k < n; k++) {
			const struct hs_db_image *x = hs_db_image_at(c->db, (k + c->from) % n);
			const struct hs_db_image *y = hs_db_image_at(c->all, (k + c->from) % n);
			struct hs_db_image_info info;
			struct hs_db_insn ia, ib;
			uint64_t t;

			hs_db_image_info(x, &info);
			t = info.t_end / 4 * (1 + (round + c->from) % 3);
			/* the register cache would answer without a replay */
			hs_db_cache_drop(c->db);
			if (hs_db_regs_at(x, t, 0, a) != 0 || hs_db_regs_at(y, t, 0, b) != 0 ||
			    memcmp(a->state, b->state, sizeof(a->state)) != 0 || a->tid != b->tid ||
			    a->regs.rip != b->regs.rip)
				bad++;
			if (hs_db_insn_at(x, t, &ia) != 0 || hs_db_insn_at(y, t, &ib) != 0 ||
			    ia.addr != ib.addr || strcmp(ia.text, ib.text) != 0)
				bad++;
		}
	free(a);
	free(b);
	return (void *)bad;
}

static void test_query_idle_code_tables_are_freed_and_reloaded(void **state)
{
	struct hs_db_options opt = { .code_keep = 1 };
	struct code_reader c[4];
	struct hs_db_cache_stats st;
	pthread_t th[4];
	struct hs_db *db;
	size_t n;
	void *bad;

	(void)state;
	assert_int_equal(hs_db_open(r_fork_c.dir, &opt, &db), 0);
	n = hs_db_image_count(db);
	assert_true(n >= 3);
	c[0] = (struct code_reader){ db, r_fork_c.db, 0 };
	assert_null(code_reader_main(&c[0]));
	hs_db_cache_stats(db, &st);
	/* 3 rounds over n images, one kept: later rounds load them again */
	assert_true(st.code_loads > n);
	for (unsigned i = 0; i < 4; i++) {
		c[i] = (struct code_reader){ db, r_fork_c.db, i };
		assert_int_equal(pthread_create(&th[i], NULL, code_reader_main, &c[i]), 0);
	}
	for (unsigned i = 0; i < 4; i++) {
		pthread_join(th[i], &bad);
		assert_null(bad);
	}
	hs_db_close(db);
}

/* ---- damage ------------------------------------------------------------------------ */

/* Runs fn with stderr going to a file; returns what was written there. */
static char *capture_stderr(void (*fn)(void *), void *arg)
{
	char *path = path_of(scratch, "stderr.txt");
	int saved = dup(2), fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char *text = calloc(1, 65536);

	assert_true(saved >= 0 && fd >= 0);
	assert_non_null(text);
	fflush(stderr);
	dup2(fd, 2);
	fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_true(pread(fd, text, 65535, 0) >= 0);
	close(fd);
	free(path);
	return text;
}

static void flip_byte(const char *path, off_t off)
{
	int fd = open(path, O_RDWR);
	uint8_t b;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, off), 1);
	b ^= 0x5a;
	assert_int_equal(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

struct damage {
	struct rec rc;
	const struct ref *r;
	size_t bad, good;
	bool regs;
};

static void damaged_reads(void *arg)
{
	struct damage *d = arg;

	for (size_t i = 0; i < d->r->n_mq; i++) {
		const struct mem_q *q = &d->r->mq[i];
		uint8_t *buf = malloc(q->len);
		ssize_t n;

		assert_non_null(buf);
		n = hs_db_mem_read(d->rc.img, q->t, q->addr, q->len, buf);
		if (n == -EBADMSG) {
			d->bad++;
		} else {
			/* never wrong bytes */
			assert_int_equal(n, q->want);
			if (n > 0)
				assert_memory_equal(buf, q->bytes, (size_t)n);
			d->good++;
		}
		free(buf);
	}
	if (d->regs) {
		struct hs_db_regs *r = malloc(sizeof(*r));
		struct hs_db_image_info info;

		assert_non_null(r);
		hs_db_image_info(d->rc.img, &info);
		for (uint64_t t = 0; t < info.t_end; t += info.t_end / 50 + 1)
			if (hs_db_regs_at(d->rc.img, t, 0, r) == -EBADMSG)
				d->bad++;
		free(r);
	}
}

/* Copies the small recording, damages one file, and reads everything. */
static void damaged_copy(const char *file, off_t off, bool regs, const char *want_log)
{
	struct ref *r = calloc(1, sizeof(*r));
	struct damage d = { .r = r, .regs = regs };
	char copy[PATH_MAX], target[PATH_MAX];
	char *log;
	const char *image = strrchr(r_small.img_dir, '/') + 1;

	assert_non_null(r);
	r->per_stop = 8;
	ref_run(r, &r_small, 40);
	snprintf(copy, sizeof(copy), "%s/damaged-%s", scratch, file);
	assert_int_equal(sh("rm -rf %s && cp -r %s %s", copy, r_small.dir, copy), 0);
	if (!strcmp(file, "stream.hst"))
		snprintf(target, sizeof(target), "%s/procs/%s/%s", copy, image, file);
	else
		snprintf(target, sizeof(target), "%s/db/%s/%s", copy, image, file);
	flip_byte(target, off);
	assert_int_equal(hs_db_open(copy, NULL, &d.rc.db), 0);
	d.rc.img = hs_db_image_at(d.rc.db, 0);
	d.rc.name = file;
	log = capture_stderr(damaged_reads, &d);
	assert_true(d.bad > 0);
	if (!strstr(log, want_log) || !strstr(log, "hindsight:")) {
		fprintf(stderr, "no log line naming %s in:\n%s\n", want_log, log);
		fail();
	}
	free(log);
	hs_db_close(d.rc.db);
	ref_free(r);
	free(r);
}

static void test_query_corrupt_pages_block_fails_cleanly(void **state)
{
	/* inside block 0's compressed bytes (128-byte file header, 32-byte
	 * block header) */
	damaged_copy("pages.hdb", 128 + 32 + 40, false, "pages.hdb: block 0");
}

static void test_query_corrupt_pageidx_block_fails_cleanly(void **state)
{
	damaged_copy("pageidx.hdb", 128 + 32 + 20, false, "pageidx.hdb: block 0");
}

static void test_query_corrupt_events_block_fails_cleanly(void **state)
{
	damaged_copy("events.hdb", 128 + 32 + 20, false, "events.hdb: block 0");
}

static void test_query_corrupt_stream_chunk_fails_cleanly(void **state)
{
	struct hs_trace_image *img;
	struct hs_trace_err err;
	const struct hs_trace_chunk_info *ci = NULL;
	char want[32];

	/* the payload of the first chunk that holds instructions: one that
	 * only sets up memory (small chunks) is in the page versions and
	 * never decoded again */
	assert_int_equal(hs_trace_image_open(r_small.img_dir, &img, &err), 0);
	for (size_t i = 0; i + 1 < hs_trace_file_chunk_count(img->stream); i++) {
		ci = hs_trace_file_chunk_info(img->stream, i);
		if (hs_trace_file_chunk_info(img->stream, i + 1)->first_t > ci->first_t)
			break;
	}
	assert_non_null(ci);
	snprintf(want, sizeof(want), "chunk %" PRIu64 ":", ci->seq);
	damaged_copy("stream.hst", (off_t)(ci->offset + 48 + ci->comp_size / 2), true, want);
	hs_trace_image_close(img);
}

static void test_query_missing_db_says_build(void **state)
{
	struct hs_db *db = (void *)1;
	char *dir = path_of(scratch, "nodb");
	struct open_arg_nodb { int saved, fd; } io;

	assert_int_equal(mkdir(dir, 0700), 0);
	io.saved = dup(2);
	io.fd = open("/dev/null", O_WRONLY);
	dup2(io.fd, 2);
	assert_int_equal(hs_db_open(dir, NULL, &db), -ENOENT);
	dup2(io.saved, 2);
	close(io.fd);
	close(io.saved);
	assert_null(db);
	free(dir);
}

struct open_arg {
	const char *dir;
	int ret;
};

static void open_db(void *arg)
{
	struct open_arg *o = arg;
	struct hs_db *db = NULL;

	o->ret = hs_db_open(o->dir, NULL, &db);
	hs_db_close(db);
}

static void test_query_other_format_version_says_rebuild(void **state)
{
	char copy[PATH_MAX];
	struct open_arg o = { copy, 0 };
	char *log;

	snprintf(copy, sizeof(copy), "%s/version", scratch);
	assert_int_equal(sh("rm -rf %s && cp -r %s %s && sed -i 's/\"version\":[ ]*[0-9][0-9]*/\"version\":99/' "
			    "%s/db/manifest.json", copy, r_small.dir, copy, copy), 0);
	log = capture_stderr(open_db, &o);
	assert_int_equal(o.ret, -EPROTO);
	assert_non_null(strstr(log, "rebuild"));
	free(log);
	/* no database at all */
	assert_int_equal(sh("rm -rf %s/db", copy), 0);
	log = capture_stderr(open_db, &o);
	assert_int_equal(o.ret, -ENOENT);
	assert_non_null(strstr(log, "hindsight build"));
	free(log);
}

/* ---- pure functions ------------------------------------------------------------------ */

static void test_query_syscall_names_from_kernel_headers(void **state)
{
	assert_string_equal(hs_db_syscall_name(0), "read");
	assert_string_equal(hs_db_syscall_name(1), "write");
	assert_string_equal(hs_db_syscall_name(59), "execve");
	assert_string_equal(hs_db_syscall_name(231), "exit_group");
	assert_string_equal(hs_db_syscall_name(257), "openat");
	assert_null(hs_db_syscall_name(100000));
}

static void test_query_escape_is_c_style_and_capped(void **state)
{
	char buf[64];

	hs_db_escape((const uint8_t *)"a\"b\\c\n\t\x01\xff", 9, buf, sizeof(buf));
	assert_string_equal(buf, "a\\\"b\\\\c\\n\\t\\x01\\xff");
	/* never splits an escape */
	assert_int_equal(hs_db_escape((const uint8_t *)"ab\n", 3, buf, 4), 2);
	assert_string_equal(buf, "ab");
}

static void test_query_kind_names_round_trip(void **state)
{
	for (uint32_t tag = 1; tag <= HS_EV_PROCESS; tag++) {
		const char *n = hs_db_event_kind_name(tag);

		if (tag == HS_EV_REGS) {
			assert_null(n);
			continue;
		}
		assert_non_null(n);
		assert_int_equal(hs_db_event_kind(n), tag);
	}
	assert_int_equal(hs_db_event_kind("nonsense"), 0);
}

static void test_query_register_names(void **state)
{
	struct hs_db_regs r = { 0 };
	uint8_t v[32];
	uint32_t size;

	r.regs.gpr[0] = 0x1122334455667788ull; /* rax */
	r.regs.gpr[4] = 0x7ffd0000;            /* rsp */
	r.regs.ymm[3][0] = 0xab;
	for (size_t i = 0; hs_db_reg_name(i); i++)
		assert_int_equal(hs_db_reg_value(&r, hs_db_reg_name(i), v, &size), 0);
	assert_int_equal(hs_db_reg_value(&r, "RAX", v, &size), 0);
	assert_int_equal(size, 8);
	assert_int_equal(v[0], 0x88);
	assert_int_equal(hs_db_reg_value(&r, "rsp", v, &size), 0);
	assert_int_equal(v[2], 0xfd);
	assert_int_equal(hs_db_reg_value(&r, "xmm3", v, &size), 0);
	assert_int_equal(size, 16);
	assert_int_equal(v[0], 0xab);
	assert_int_equal(hs_db_reg_value(&r, "ymm16", v, &size), -ENOENT);
	assert_int_equal(hs_db_reg_value(&r, "xmm03", v, &size), -ENOENT);
}

/* ---- signals as text ---------------------------------------------------------- */

static void test_db_signal_text_names_code_and_address(void **state)
{
	char buf[128];

	(void)state;
	/* format 5: si_code and si_addr or the sender, as strace prints
	 * them; what the record does not keep (si_uid) is left out */
	hs_db_signal_text(SIGSEGV, HS_SIG_INFO | HS_SIG_FATAL, 1, 0x8, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x8} fatal");
	hs_db_signal_text(SIGBUS, HS_SIG_INFO, 2, 0x7f0000001008, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "SIGBUS {si_signo=SIGBUS, si_code=BUS_ADRERR, si_addr=0x7f0000001008}");
	hs_db_signal_text(SIGFPE, HS_SIG_INFO, 1, 0x401000, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "SIGFPE {si_signo=SIGFPE, si_code=FPE_INTDIV, si_addr=0x401000}");
	hs_db_signal_text(SIGSEGV, HS_SIG_INFO, 1, 0, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}");
	hs_db_signal_text(SIGTERM, HS_SIG_INFO | HS_SIG_FATAL, 0, 4242, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=4242} fatal");
	hs_db_signal_text(SIGABRT, HS_SIG_INFO, -6, 77, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "SIGABRT {si_signo=SIGABRT, si_code=SI_TKILL, si_pid=77}");
	/* a recording without siginfo: the name only */
	hs_db_signal_text(SIGUSR1, HS_SIG_ALTSTACK, 0, 0, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "SIGUSR1 altstack");
	hs_db_signal_text(99, 0, 0, 0, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "99");
	/* cut like snprintf, and says how long it wanted */
	assert_int_equal(hs_db_signal_text(SIGSEGV, HS_SIG_INFO, 2, 0x10, NULL, buf, 8),
			 (int)strlen("SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x10}"));
	assert_string_equal(buf, "SIGSEGV");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_syscall_names_from_kernel_headers),
		cmocka_unit_test(test_query_escape_is_c_style_and_capped),
		cmocka_unit_test(test_query_kind_names_round_trip),
		cmocka_unit_test(test_query_register_names),
		cmocka_unit_test(test_query_mem_matches_naive_replay_small),
		cmocka_unit_test(test_query_mem_matches_naive_replay_threads),
		cmocka_unit_test(test_query_mem_matches_naive_replay_signal),
		cmocka_unit_test(test_query_mem_matches_naive_replay_small_chunks),
		cmocka_unit_test(test_query_mem_matches_naive_replay_threads_chunks),
		cmocka_unit_test(test_query_mem_matches_naive_replay_signal_chunks),
		cmocka_unit_test(test_query_mem_matches_naive_replay_forkexec_chunks),
		cmocka_unit_test(test_query_mem_matches_naive_replay_exec_chunks),
		cmocka_unit_test(test_query_last_write_matches_naive_replay),
		cmocka_unit_test(test_query_last_write_matches_naive_replay_chunks),
		cmocka_unit_test(test_query_regs_equal_every_dump_gzip),
		cmocka_unit_test(test_query_regs_equal_every_dump_threads),
		cmocka_unit_test(test_query_regs_equal_every_dump_signal),
		cmocka_unit_test(test_query_regs_equal_every_dump_chunks),
		cmocka_unit_test(test_query_write_and_read_buffers_gzip),
		cmocka_unit_test(test_query_argv_env_at_t0),
		cmocka_unit_test(test_query_events_by_kind_and_time),
		cmocka_unit_test(test_query_events_text_equals_one_by_one),
		cmocka_unit_test(test_query_calls_in_time_order),
		cmocka_unit_test(test_query_thread_at_matches_regs),
		cmocka_unit_test(test_query_threads_are_os_threads),
		cmocka_unit_test(test_query_insn_is_the_next_instruction),
		cmocka_unit_test(test_query_maps_cover_rip_and_rsp),
		cmocka_unit_test(test_query_write_history_ends_at_last_write),
		cmocka_unit_test(test_query_fork_child_starts_with_parent_memory),
		cmocka_unit_test(test_query_concurrent_readers_agree),
		cmocka_unit_test(test_query_corrupt_pages_block_fails_cleanly),
		cmocka_unit_test(test_query_corrupt_pageidx_block_fails_cleanly),
		cmocka_unit_test(test_query_corrupt_events_block_fails_cleanly),
		cmocka_unit_test(test_query_idle_code_tables_are_freed_and_reloaded),
		cmocka_unit_test(test_query_corrupt_stream_chunk_fails_cleanly),
		cmocka_unit_test(test_query_missing_db_says_build),
		cmocka_unit_test(test_query_other_format_version_says_rebuild),
		cmocka_unit_test(test_db_signal_text_names_code_and_address),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
