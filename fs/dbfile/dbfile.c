/* dbfile.c - block files: zstd blocks with XXH64 checksums and a directory.
 *
 * See include/hindsight/dbfile.h for the layout.  The writer keeps the
 * current block's raw bytes and the directory in memory; the file is
 * created with a zeroed header that only hs_dbfile_finish() fills in.
 *
 * A writer may compress in threads (hs_dbfile_parallel): a cut block goes
 * to a ring of jobs that worker threads, each with its own zstd context,
 * compress; the writer's thread writes them in order as they come back,
 * so the file is the same bytes as a single-threaded writer's.  Workers
 * start at the first cut, so a small file never starts any.
 *
 * Readers decompress with pooled zstd contexts: creating one per block
 * (what ZSTD_decompress does) costs more than decompressing a 256 KiB
 * block.  One pool serves every open file of the process (up to
 * DCTX_KEEP idle contexts, under a lock held only to take one or give it
 * back): a pool per file kept a 96 KiB context for each of the 2,800
 * files of a 200-process recording once read (270 MB), though no more
 * contexts are busy at once than there are reading threads.
 */
#include "hindsight/dbfile.h"
#include "hindsight/le.h"
#include "hindsight/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#define DBFILE_MAGIC "HSDBBLK1"
#define BLOCK_MAGIC 0x4b425348u /* "HSBK" */
#define HEADER_SIZE 128
#define HEADER_XXH_AT 120
#define BLOCK_HEADER_SIZE 32
#define DIR_ENTRY_SIZE 40
#define MAX_BLOCK_RAW (64u << 20)
#define DCTX_KEEP 32 /* idle decompression contexts kept for all files */

/* A directory entry (DIR_ENTRY_SIZE bytes; its last 4 are zero). */
#define DF(m, off, w) HS_LE_FIELD(struct hs_dbfile_block_info, m, off, w)
static const struct hs_le_field dir_fields[] = {
	DF(offset, 0, 8), DF(first_key, 8, 8), DF(last_key, 16, 8),
	DF(raw, 24, 4), DF(comp, 28, 4), DF(n_records, 32, 4),
};
#undef DF

/* ---- writer ---------------------------------------------------------------- */

/* A block on its way through the workers. */
struct zjob {
	uint8_t *raw;
	size_t raw_len, raw_cap;
	uint32_t records;
	uint64_t first, last;
	uint8_t *comp;
	size_t comp_len, comp_cap;
	int err;
	enum { Z_FREE, Z_QUEUED, Z_BUSY, Z_DONE } state;
};

struct zpool {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	pthread_t *th;
	unsigned n_th;
	struct zjob *jobs;       /* a ring of n_jobs */
	unsigned n_jobs, head;   /* head: the oldest job not yet written */
	unsigned count;          /* jobs from head on not yet written */
	unsigned next;           /* the next queued job a worker takes */
	int level;
	bool stop;
};

struct hs_dbfile_writer {
	int fd;
	uint32_t kind;
	int level;
	size_t block_target;    /* raw bytes per block (hs_dbfile_block_target) */
	off_t end;              /* where the next block goes */
	uint8_t *raw;           /* current block */
	size_t raw_len, raw_cap;
	uint32_t raw_records;
	uint64_t first_key, last_key;
	uint64_t n_records;
	struct hs_dbfile_block_info *dir;
	size_t n_blocks, dir_cap;
	struct hs_dbfile_ident id;
	size_t n_cut;           /* blocks cut: written or with the workers */
	ZSTD_CCtx *cctx;
	uint8_t *comp;
	size_t comp_cap;
	unsigned want_threads;  /* hs_dbfile_parallel */
	struct zpool *pool;     /* started at the first cut */
};

size_t hs_dbfile_block_target(uint32_t kind)
{
	return kind == HS_DB_PAGES ? HS_DBFILE_PAGES_BLOCK_TARGET : HS_DBFILE_BLOCK_TARGET;
}

int hs_dbfile_create(const char *path, uint32_t kind, int level,
		     const struct hs_dbfile_ident *id, struct hs_dbfile_writer **out)
{
	struct hs_dbfile_writer *w;
	uint8_t zero[HEADER_SIZE] = { 0 };
	int err;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->kind = kind;
	w->level = level;
	if (id)
		w->id = *id;
	w->id.image[sizeof(w->id.image) - 1] = 0;
	w->block_target = hs_dbfile_block_target(kind);
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		err = -errno;
		free(w);
		return err;
	}
	w->cctx = ZSTD_createCCtx();
	if (!w->cctx) {
		hs_dbfile_abort(w);
		return -ENOMEM;
	}
	err = hs_write_all(w->fd, zero, sizeof(zero), 0);
	if (err < 0) {
		hs_dbfile_abort(w);
		return err;
	}
	w->end = HEADER_SIZE;
	*out = w;
	return 0;
}

/* Compresses raw into *comp (grown as needed); the compressed length or
 * -errno. */
static ssize_t compress_block(ZSTD_CCtx *cctx, int level, const uint8_t *raw, size_t len,
			      uint8_t **comp, size_t *comp_cap)
{
	size_t c;

	if (len > MAX_BLOCK_RAW)
		return -E2BIG;
	if (hs_grow((void **)comp, comp_cap, ZSTD_compressBound(len), 1))
		return -ENOMEM;
	c = ZSTD_compressCCtx(cctx, *comp, *comp_cap, raw, len, level);
	if (ZSTD_isError(c)) {
		fprintf(stderr, "hindsight: zstd: %s\n", ZSTD_getErrorName(c));
		return -EIO;
	}
	return (ssize_t)c;
}

/* Writes a compressed block at w->end and adds it to the directory. */
static int write_block(struct hs_dbfile_writer *w, const uint8_t *comp, size_t c, size_t len,
		       uint32_t records, uint64_t first, uint64_t last)
{
	uint8_t h[BLOCK_HEADER_SIZE];
	struct hs_dbfile_block_info *bi;
	int err;

	hs_put_le32(h, BLOCK_MAGIC);
	hs_put_le32(h + 4, (uint32_t)len);
	hs_put_le32(h + 8, (uint32_t)c);
	hs_put_le32(h + 12, records);
	hs_put_le64(h + 16, XXH64(comp, c, 0));
	hs_put_le64(h + 24, XXH64(h, 24, 0));
	err = hs_write_all(w->fd, h, sizeof(h), w->end);
	if (!err)
		err = hs_write_all(w->fd, comp, c, w->end + BLOCK_HEADER_SIZE);
	if (err)
		return err;
	err = hs_grow((void **)&w->dir, &w->dir_cap, w->n_blocks + 1, sizeof(*w->dir));
	if (err)
		return err;
	bi = &w->dir[w->n_blocks++];
	bi->offset = w->end;
	bi->first_key = first;
	bi->last_key = last;
	bi->raw = (uint32_t)len;
	bi->comp = (uint32_t)c;
	bi->n_records = records;
	w->end += BLOCK_HEADER_SIZE + c;
	return 0;
}

/* Compress and write a block at w->end, in this thread. */
static int flush_block(struct hs_dbfile_writer *w, const uint8_t *raw, size_t len,
		       uint32_t records, uint64_t first, uint64_t last)
{
	ssize_t c = compress_block(w->cctx, w->level, raw, len, &w->comp, &w->comp_cap);

	if (c < 0)
		return (int)c;
	return write_block(w, w->comp, (size_t)c, len, records, first, last);
}

/* ---- the workers ------------------------------------------------------------- */

static void *zworker(void *arg)
{
	struct zpool *p = arg;
	ZSTD_CCtx *cctx = ZSTD_createCCtx();

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct zjob *j;
		ssize_t c;

		while (!p->stop && p->jobs[p->next].state != Z_QUEUED)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->stop)
			break;
		j = &p->jobs[p->next];
		p->next = (p->next + 1) % p->n_jobs;
		j->state = Z_BUSY;
		pthread_mutex_unlock(&p->lock);
		c = cctx ? compress_block(cctx, p->level, j->raw, j->raw_len, &j->comp,
					  &j->comp_cap) : -ENOMEM;
		pthread_mutex_lock(&p->lock);
		j->err = c < 0 ? (int)c : 0;
		j->comp_len = c < 0 ? 0 : (size_t)c;
		j->state = Z_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	ZSTD_freeCCtx(cctx);
	return NULL;
}

static void zpool_free(struct zpool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->n_th; i++)
		pthread_join(p->th[i], NULL);
	for (unsigned i = 0; i < p->n_jobs; i++) {
		free(p->jobs[i].raw);
		free(p->jobs[i].comp);
	}
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p->jobs);
	free(p->th);
	free(p);
}

static int zpool_new(unsigned threads, int level, struct zpool **out)
{
	struct zpool *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->level = level;
	p->n_jobs = 2 * threads;  /* the workers busy while their last results wait */
	p->jobs = calloc(p->n_jobs, sizeof(*p->jobs));
	p->th = calloc(threads, sizeof(*p->th));
	if (!p->jobs || !p->th) {
		zpool_free(p);
		return -ENOMEM;
	}
	for (; p->n_th < threads; p->n_th++)
		if (pthread_create(&p->th[p->n_th], NULL, zworker, p))
			break;
	if (!p->n_th) {
		zpool_free(p);
		return -EAGAIN;
	}
	*out = p;
	return 0;
}

/* Writes the oldest job once it is compressed (waiting for it); *wrote
 * false when none is pending. */
static int zpool_write_oldest(struct hs_dbfile_writer *w, bool wait, bool *wrote)
{
	struct zpool *p = w->pool;
	struct zjob *j;
	int err;

	*wrote = false;
	pthread_mutex_lock(&p->lock);
	if (!p->count || (!wait && p->jobs[p->head].state != Z_DONE)) {
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	j = &p->jobs[p->head];
	while (j->state != Z_DONE)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
	/* the job is ours until it is marked free */
	err = j->err ? j->err : write_block(w, j->comp, j->comp_len, j->raw_len, j->records,
					    j->first, j->last);
	pthread_mutex_lock(&p->lock);
	j->state = Z_FREE;
	p->head = (p->head + 1) % p->n_jobs;
	p->count--;
	pthread_mutex_unlock(&p->lock);
	*wrote = true;
	return err;
}

/* Hands the current block to the workers (its buffer changes hands). */
static int zpool_submit(struct hs_dbfile_writer *w)
{
	struct zpool *p = w->pool;
	struct zjob *j;
	bool wrote = true;
	uint8_t *b;
	size_t cap;
	int err = 0;

	/* write what is done; a full ring waits for its oldest */
	while (wrote && !err)
		err = zpool_write_oldest(w, false, &wrote);
	if (!err && p->count == p->n_jobs)
		err = zpool_write_oldest(w, true, &wrote);
	if (err)
		return err;
	j = &p->jobs[(p->head + p->count) % p->n_jobs];
	b = j->raw;
	cap = j->raw_cap;
	j->raw = w->raw;
	j->raw_cap = w->raw_cap;
	j->raw_len = w->raw_len;
	j->records = w->raw_records;
	j->first = w->first_key;
	j->last = w->last_key;
	j->err = 0;
	w->raw = b;
	w->raw_cap = cap;
	pthread_mutex_lock(&p->lock);
	j->state = Z_QUEUED;
	p->count++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* Writes every block the workers have, in order. */
static int zpool_drain(struct hs_dbfile_writer *w)
{
	bool wrote = true;
	int err = 0;

	while (w->pool && wrote && !err)
		err = zpool_write_oldest(w, true, &wrote);
	return err;
}

int hs_dbfile_parallel(struct hs_dbfile_writer *w, unsigned threads)
{
	w->want_threads = threads > 64 ? 64 : threads;
	return 0;
}

int hs_dbfile_cut(struct hs_dbfile_writer *w)
{
	int err;

	if (w->raw_records == 0)
		return 0;
	if (!w->pool && w->want_threads > 1 && zpool_new(w->want_threads, w->level, &w->pool))
		w->want_threads = 0; /* no threads: this thread compresses */
	if (w->pool)
		err = zpool_submit(w);
	else
		err = flush_block(w, w->raw, w->raw_len, w->raw_records, w->first_key,
				  w->last_key);
	w->n_cut++;
	w->raw_len = 0;
	w->raw_records = 0;
	return err;
}

int hs_dbfile_append(struct hs_dbfile_writer *w, uint64_t key, const void *rec,
		     size_t len, uint32_t *block, uint32_t *offset)
{
	int err;

	if (w->n_records && key < w->last_key)
		return -EINVAL;
	if (w->raw_records && w->raw_len + len > w->block_target) {
		err = hs_dbfile_cut(w);
		if (err)
			return err;
	}
	err = hs_grow((void **)&w->raw, &w->raw_cap, w->raw_len + len, 1);
	if (err)
		return err;
	memcpy(w->raw + w->raw_len, rec, len);
	if (block)
		*block = (uint32_t)w->n_cut;
	if (offset)
		*offset = (uint32_t)w->raw_len;
	if (w->raw_records == 0)
		w->first_key = key;
	w->raw_len += len;
	w->raw_records++;
	w->last_key = key;
	w->n_records++;
	return 0;
}

int hs_dbfile_finish(struct hs_dbfile_writer *w)
{
	uint8_t h[HEADER_SIZE], *dir = NULL;
	size_t dlen, c;
	int err;

	err = hs_dbfile_cut(w);
	if (!err)
		err = zpool_drain(w);
	if (err)
		goto out;
	dlen = w->n_blocks * DIR_ENTRY_SIZE;
	dir = calloc(1, dlen + 1);
	if (!dir) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < w->n_blocks; i++) {
		uint8_t *e = dir + i * DIR_ENTRY_SIZE;

		hs_le_pack(e, &w->dir[i], dir_fields, HS_LE_NFIELDS(dir_fields));
		hs_put_le32(e + 36, 0);
	}
	err = hs_grow((void **)&w->comp, &w->comp_cap, ZSTD_compressBound(dlen), 1);
	if (err)
		goto out;
	c = ZSTD_compressCCtx(w->cctx, w->comp, w->comp_cap, dir, dlen, w->level);
	if (ZSTD_isError(c)) {
		err = -EIO;
		goto out;
	}
	err = hs_write_all(w->fd, w->comp, c, w->end);
	if (err)
		goto out;
	memset(h, 0, sizeof(h));
	memcpy(h, DBFILE_MAGIC, 8);
	hs_put_le32(h + 8, HS_DB_FORMAT_VERSION);
	hs_put_le32(h + 12, w->kind);
	hs_put_le64(h + 16, w->n_blocks);
	hs_put_le64(h + 24, w->end);
	hs_put_le32(h + 32, (uint32_t)dlen);
	hs_put_le32(h + 36, (uint32_t)c);
	hs_put_le64(h + 40, XXH64(w->comp, c, 0));
	hs_put_le64(h + 48, w->n_records);
	hs_put_le64(h + 56, w->id.build);
	memcpy(h + 64, w->id.image, sizeof(w->id.image));
	hs_put_le64(h + HEADER_XXH_AT, XXH64(h, HEADER_XXH_AT, 0));
	/* data first, then the header that makes the file valid */
	if (fsync(w->fd) < 0) {
		err = -errno;
		goto out;
	}
	err = hs_write_all(w->fd, h, sizeof(h), 0);
	if (!err && fsync(w->fd) < 0)
		err = -errno;
out:
	free(dir);
	if (close(w->fd) < 0 && !err)
		err = -errno;
	w->fd = -1;
	hs_dbfile_abort(w);
	return err;
}

void hs_dbfile_abort(struct hs_dbfile_writer *w)
{
	if (!w)
		return;
	zpool_free(w->pool);
	if (w->fd >= 0)
		close(w->fd);
	ZSTD_freeCCtx(w->cctx);
	free(w->raw);
	free(w->dir);
	free(w->comp);
	free(w);
}

/* ---- reader ------------------------------------------------------------------ */

/* Idle decompression contexts of every file read (process-wide, like the
 * descriptor budget of dbfile_fd.c: a resource of the process, not of a
 * database). */
static pthread_mutex_t dctx_lock = PTHREAD_MUTEX_INITIALIZER;
static ZSTD_DCtx *dctx_idle[DCTX_KEEP];
static size_t dctx_n_idle;

struct hs_dbfile {
	struct hs_dbfile_fd lfd;   /* opened when read (dbfile_fd.c) */
	char *path;
	uint32_t kind;
	uint64_t n_records;
	struct hs_dbfile_ident id;
	struct hs_dbfile_block_info *dir;
	size_t n_blocks;
};

/* An idle context of the pool, or a new one (NULL when out of memory). */
static ZSTD_DCtx *dctx_get(void)
{
	ZSTD_DCtx *d = NULL;

	pthread_mutex_lock(&dctx_lock);
	if (dctx_n_idle)
		d = dctx_idle[--dctx_n_idle];
	pthread_mutex_unlock(&dctx_lock);
	return d ? d : ZSTD_createDCtx();
}

static void dctx_put(ZSTD_DCtx *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&dctx_lock);
	if (dctx_n_idle < DCTX_KEEP) {
		dctx_idle[dctx_n_idle++] = d;
		d = NULL;
	}
	pthread_mutex_unlock(&dctx_lock);
	ZSTD_freeDCtx(d);
}

static int bad(const char *path, const char *what)
{
	fprintf(stderr, "hindsight: %s: %s\n", path, what);
	return -EBADMSG;
}

int hs_dbfile_open(const char *path, uint32_t kind, const struct hs_dbfile_ident *want,
		   struct hs_dbfile **out)
{
	struct hs_dbfile *f;
	uint8_t h[HEADER_SIZE], *comp = NULL, *dir = NULL;
	uint64_t n_blocks, dir_off;
	uint32_t dir_raw, dir_comp;
	bool pinned = false;
	off_t size;
	int err, fd;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->lfd.fd = -1;
	f->path = strdup(path);
	if (!f->path || hs_dbfile_fd_init(&f->lfd, path) < 0) {
		err = -ENOMEM;
		goto fail;
	}
	fd = hs_dbfile_fd_get(&f->lfd);
	if (fd < 0) {
		err = fd;
		goto fail;
	}
	pinned = true;
	size = lseek(fd, 0, SEEK_END);
	/* the version before the checksum: an older file's header is
	 * shorter, and "rebuild" is the useful answer for it */
	err = hs_read_full(fd, h, 12, 0);
	if (err == -EBADMSG || (!err && memcmp(h, DBFILE_MAGIC, 8) != 0)) {
		err = bad(path, "not a valid database file (bad header; rebuild with hindsight build)");
		goto fail;
	}
	if (err)
		goto fail;
	if (hs_le32(h + 8) != HS_DB_FORMAT_VERSION) {
		fprintf(stderr, "hindsight: %s: database format %u, this hindsight reads %u; "
			"rebuild it with hindsight build\n", path, hs_le32(h + 8), HS_DB_FORMAT_VERSION);
		err = -EPROTO;
		goto fail;
	}
	err = hs_read_full(fd, h, sizeof(h), 0);
	if (err == -EBADMSG || hs_le64(h + HEADER_XXH_AT) != XXH64(h, HEADER_XXH_AT, 0)) {
		err = bad(path, "not a valid database file (bad header; rebuild with hindsight build)");
		goto fail;
	}
	if (err)
		goto fail;
	if (hs_le32(h + 12) != kind) {
		err = bad(path, "wrong kind of database file");
		goto fail;
	}
	f->id.build = hs_le64(h + 56);
	memcpy(f->id.image, h + 64, sizeof(f->id.image));
	f->id.image[sizeof(f->id.image) - 1] = 0;
	if (want && (want->build != f->id.build || strcmp(want->image, f->id.image) != 0)) {
		fprintf(stderr, "hindsight: %s: this file belongs to image %s of database build "
			"%016" PRIx64 ", not to image %s of build %016" PRIx64 " (moved or copied from "
			"another folder or database?); rebuild with hindsight build\n", path,
			f->id.image[0] ? f->id.image : "?", f->id.build, want->image, want->build);
		err = -EBADMSG;
		goto fail;
	}
	n_blocks = hs_le64(h + 16);
	dir_off = hs_le64(h + 24);
	dir_raw = hs_le32(h + 32);
	dir_comp = hs_le32(h + 36);
	if ((uint64_t)dir_raw != n_blocks * DIR_ENTRY_SIZE || dir_off + dir_comp > (uint64_t)size) {
		err = bad(path, "bad directory size");
		goto fail;
	}
	comp = malloc(dir_comp + 1);
	dir = malloc(dir_raw + 1);
	f->dir = calloc(n_blocks + 1, sizeof(*f->dir));
	if (!comp || !dir || !f->dir) {
		err = -ENOMEM;
		goto fail;
	}
	err = hs_read_full(fd, comp, dir_comp, dir_off);
	if (err)
		goto fail;
	if (XXH64(comp, dir_comp, 0) != hs_le64(h + 40) ||
	    ZSTD_decompress(dir, dir_raw, comp, dir_comp) != dir_raw) {
		err = bad(path, "directory checksum mismatch");
		goto fail;
	}
	for (size_t i = 0; i < n_blocks; i++) {
		const uint8_t *e = dir + i * DIR_ENTRY_SIZE;
		struct hs_dbfile_block_info *bi = &f->dir[i];

		hs_le_unpack(bi, e, dir_fields, HS_LE_NFIELDS(dir_fields));
		if (bi->offset + BLOCK_HEADER_SIZE + bi->comp > dir_off || bi->raw > MAX_BLOCK_RAW) {
			err = bad(path, "directory entry out of range");
			goto fail;
		}
	}
	f->n_blocks = n_blocks;
	f->kind = kind;
	f->n_records = hs_le64(h + 48);
	free(comp);
	free(dir);
	hs_dbfile_fd_put(&f->lfd);
	*out = f;
	return 0;
fail:
	free(comp);
	free(dir);
	if (pinned)
		hs_dbfile_fd_put(&f->lfd);
	hs_dbfile_close(f);
	return err;
}

void hs_dbfile_close(struct hs_dbfile *f)
{
	if (!f)
		return;
	hs_dbfile_fd_close(&f->lfd);
	free(f->path);
	free(f->dir);
	free(f);
}

void hs_dbfile_ident(const struct hs_dbfile *f, struct hs_dbfile_ident *out)
{
	*out = f->id;
}

const char *hs_dbfile_path(const struct hs_dbfile *f)
{
	return f->path;
}

size_t hs_dbfile_block_count(const struct hs_dbfile *f)
{
	return f->n_blocks;
}

uint64_t hs_dbfile_record_count(const struct hs_dbfile *f)
{
	return f->n_records;
}

const struct hs_dbfile_block_info *hs_dbfile_block(const struct hs_dbfile *f, size_t i)
{
	return i < f->n_blocks ? &f->dir[i] : NULL;
}

size_t hs_dbfile_find(const struct hs_dbfile *f, uint64_t key)
{
	/* first block with first_key > key, minus one */
	size_t lo = HS_UPPER_BOUND(f->dir, f->n_blocks, first_key, key);

	return lo ? lo - 1 : 0;
}

int hs_dbfile_read_block_into(const struct hs_dbfile *f, size_t i, uint8_t *raw)
{
	const struct hs_dbfile_block_info *bi;
	uint8_t *h = NULL, *comp;
	ZSTD_DCtx *dctx = NULL;
	char what[96];
	int err, fd;

	if (i >= f->n_blocks)
		return -EINVAL;
	bi = &f->dir[i];
	/* the header and the payload follow each other: one read */
	h = malloc(BLOCK_HEADER_SIZE + (size_t)bi->comp);
	dctx = dctx_get();
	if (!h || !dctx) {
		err = -ENOMEM;
		goto out;
	}
	comp = h + BLOCK_HEADER_SIZE;
	fd = hs_dbfile_fd_get(&((struct hs_dbfile *)f)->lfd);
	err = fd < 0 ? fd : hs_read_full(fd, h, BLOCK_HEADER_SIZE + (size_t)bi->comp, bi->offset);
	if (fd >= 0)
		hs_dbfile_fd_put(&((struct hs_dbfile *)f)->lfd);
	if (err == -EBADMSG)
		goto corrupt;
	if (err)
		goto out;
	if (hs_le32(h) != BLOCK_MAGIC || hs_le64(h + 24) != XXH64(h, 24, 0) ||
	    hs_le32(h + 4) != bi->raw || hs_le32(h + 8) != bi->comp ||
	    hs_le64(h + 16) != XXH64(comp, bi->comp, 0) ||
	    ZSTD_decompressDCtx(dctx, raw, bi->raw, comp, bi->comp) != bi->raw)
		goto corrupt;
	err = 0;
	goto out;
corrupt:
	snprintf(what, sizeof(what), "block %zu is corrupt (checksum mismatch)", i);
	err = bad(f->path, what);
out:
	dctx_put(dctx);
	free(h);
	return err;
}

int hs_dbfile_read_block(const struct hs_dbfile *f, size_t i, uint8_t **data)
{
	uint8_t *raw;
	int err;

	*data = NULL;
	if (i >= f->n_blocks)
		return -EINVAL;
	raw = malloc(f->dir[i].raw + 1);
	if (!raw)
		return -ENOMEM;
	err = hs_dbfile_read_block_into(f, i, raw);
	if (err) {
		free(raw);
		return err;
	}
	*data = raw;
	return 0;
}

int hs_dbfile_verify(const struct hs_dbfile *f)
{
	int first = 0;

	for (size_t i = 0; i < f->n_blocks; i++) {
		uint8_t *d;
		int err = hs_dbfile_read_block(f, i, &d);
		free(d);
		if (err && !first)
			first = err;
	}
	return first;
}
