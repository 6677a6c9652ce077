/* trace_file.c - process image folders, .hst file headers and chunks.
 *
 * A .hst file is a 72-byte header (64 before format version 7) and then
 * chunks, each a 48-byte header
 * and one zstd frame (trace_format.h).  Opening a file indexes the chunk
 * headers only: that costs one small read per chunk and lets a reader
 * start anywhere.  Payloads are checked and decompressed one at a time
 * into a caller-owned hs_trace_chunk, with pread(), so one open file can
 * serve several threads.
 *
 * A recording cut short (the recorder was killed) ends inside a chunk: that
 * chunk is not indexed and the file is flagged truncated.  Anything else
 * that does not match its checksum is an error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>
#include <zstd.h>

#include "trace_i.h"
#include "valgrind.h" /* __VALGRIND_MAJOR__, __VALGRIND_MINOR__ */

struct hs_trace_file {
	char *path;
	int fd;
	struct hs_trace_file_header hdr;
	struct hs_trace_chunk_info *chunks;
	size_t n_chunks;
	bool truncated;
};

void trace_err_set(struct hs_trace_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/* ---- process image folders ---------------------------------------------- */

/* Parses "<pid>.<n>" with nothing else around it. */
static int parse_proc_name(const char *s, uint32_t *pid, uint32_t *n)
{
	uint64_t v[2] = { 0, 0 };
	int part = 0, digits = 0;

	for (; *s; s++) {
		if (*s == '.' && part == 0 && digits) {
			part = 1;
			digits = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v[part] = v[part] * 10 + (uint64_t)(*s - '0');
		if (v[part] > UINT32_MAX)
			return -EINVAL;
		digits++;
	}
	if (part != 1 || !digits)
		return -EINVAL;
	*pid = (uint32_t)v[0];
	*n = (uint32_t)v[1];
	return 0;
}

static int proc_cmp(const void *a, const void *b)
{
	const struct hs_trace_proc *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->exec_index != y->exec_index)
		return x->exec_index < y->exec_index ? -1 : 1;
	return 0;
}

bool hs_trace_map_is_tool(const char *path, size_t len)
{
	static const char suffix[] = "-amd64-linux", dir[] = "/valgrind/";
	const char *base = NULL;

	for (size_t i = 0; i < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	if (!base || (size_t)(base - path) < sizeof(dir) - 1 ||
	    memcmp(base - (sizeof(dir) - 1), dir, sizeof(dir) - 1) != 0)
		return false;
	len -= (size_t)(base - path);
	return len > sizeof(suffix) - 1 &&
	       memcmp(base + len - (sizeof(suffix) - 1), suffix, sizeof(suffix) - 1) == 0;
}

void hs_trace_procs_free(struct hs_trace_proc *procs, size_t n)
{
	if (!procs)
		return;
	for (size_t i = 0; i < n; i++)
		free(procs[i].dir);
	free(procs);
}

/* The size of dir/name, or -1 when it is missing or not a regular file. */
static off_t file_size(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path ||
	    stat(path, &st) < 0)
		return -1;
	return S_ISREG(st.st_mode) ? st.st_size : -1;
}

/* Whether the image in dir was killed before its recorder wrote a chunk
 * (a fork bomb's child when the run is killed, a child the memory limit
 * killed at birth): it recorded nothing, and is no image.  The recorder
 * writes code.hst's header before it creates stream.hst, so such an image
 * has no stream.hst, an empty or partial one, or (recordings of older
 * recorders, which created both first) a stream.hst of a header alone
 * beside a code.hst without a whole header. */
static bool unborn(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(path, sizeof path, "%s/stream.hst", dir) >= sizeof path)
		return false;
	if (stat(path, &st) < 0)
		return errno == ENOENT;
	if (!S_ISREG(st.st_mode) || st.st_size > HS_FILE_HEADER_SIZE)
		return false;
	if (st.st_size < HS_FILE_HEADER_SIZE)
		return true;
	return file_size(dir, "code.hst") < HS_FILE_HEADER_SIZE;
}

/* The first process: the one image that began with exec 0 and not as a
 * fork (its stream header's HS_FILE_FORKED).  Its pid, or 0 if that is
 * not exactly one image (a damaged header reads as "forked"). */
static uint32_t root_pid(const struct hs_trace_proc *v, size_t n)
{
	uint32_t root = 0;
	size_t roots = 0;

	for (size_t i = 0; i < n; i++) {
		struct hs_trace_file_header h = { .flags = 0 };
		struct hs_trace_err e;
		char path[PATH_MAX];

		if (v[i].exec_index != 0 ||
		    (size_t)snprintf(path, sizeof path, "%s/stream.hst", v[i].dir) >= sizeof path ||
		    hs_trace_read_file_header(path, HS_STREAM_MAGIC, &h, &e) != 0 ||
		    (h.flags & HS_FILE_FORKED))
			continue;
		root = v[i].pid;
		roots++;
	}
	return roots == 1 ? root : 0;
}

/* v sorted by pid: pids wrap around (at pid_max), so the first process
 * and those made after it are the pids from its own up, then the wrapped
 * ones.  The first process comes first: it is the recording's top. */
static int order_from_root(struct hs_trace_proc *v, size_t n)
{
	uint32_t root = root_pid(v, n);
	struct hs_trace_proc *tmp;
	size_t k = 0;

	while (k < n && v[k].pid < root)
		k++;
	if (!root || k == 0 || k == n)
		return 0;
	tmp = malloc(k * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, v, k * sizeof(*tmp));
	memmove(v, v + k, (n - k) * sizeof(*v));
	memcpy(v + (n - k), tmp, k * sizeof(*tmp));
	free(tmp);
	return 0;
}

int hs_trace_list_procs(const char *trace_dir, struct hs_trace_proc **procs,
			size_t *n, struct hs_trace_err *err)
{
	struct hs_trace_proc *list = NULL;
	size_t len = 0, cap = 0;
	char *procs_dir = NULL;
	DIR *dir = NULL;
	struct dirent *de;
	int ret;

	*procs = NULL;
	*n = 0;
	if (asprintf(&procs_dir, "%s/procs", trace_dir) < 0) {
		procs_dir = NULL;
		ret = -ENOMEM;
		goto out;
	}
	dir = opendir(procs_dir);
	if (!dir) {
		ret = -errno;
		trace_err_set(err, "%s: %s", procs_dir, strerror(errno));
		goto out;
	}
	while ((errno = 0, de = readdir(dir))) {
		struct hs_trace_proc p = { 0 };
		struct stat st;

		if (parse_proc_name(de->d_name, &p.pid, &p.exec_index) < 0)
			continue;
		if (asprintf(&p.dir, "%s/%s", procs_dir, de->d_name) < 0) {
			ret = -ENOMEM;
			goto out;
		}
		if (stat(p.dir, &st) < 0 || !S_ISDIR(st.st_mode) || unborn(p.dir)) {
			free(p.dir);
			continue;
		}
		snprintf(p.name, sizeof(p.name), "%" PRIu32 ".%" PRIu32,
			 p.pid, p.exec_index);
		if (hs_grow((void **)&list, &cap, len + 1, sizeof(*list))) {
			free(p.dir);
			ret = -ENOMEM;
			goto out;
		}
		list[len++] = p;
	}
	if (errno) {
		ret = -errno;
		trace_err_set(err, "%s: %s", procs_dir, strerror(errno));
		goto out;
	}
	if (len)
		qsort(list, len, sizeof(*list), proc_cmp);
	if ((ret = order_from_root(list, len)))
		goto out;
	*procs = list;
	*n = len;
	list = NULL;
	len = 0;
	ret = 0;
out:
	if (ret == -ENOMEM)
		trace_err_set(err, "%s: out of memory", trace_dir);
	if (dir)
		closedir(dir);
	hs_trace_procs_free(list, len);
	free(procs_dir);
	return ret;
}

/* ---- file header ------------------------------------------------------- */

/* The Valgrind this reader was built against: its IR numbers and register
 * layout are the ones it decodes (trace_format.h, VALGRIND VERSION). */
static int check_valgrind(const char *path, const struct hs_trace_file_header *h,
			  struct hs_trace_err *err)
{
	if (h->version < 7 ||
	    (h->vg_major == __VALGRIND_MAJOR__ && h->vg_minor == __VALGRIND_MINOR__))
		return 0;
	trace_err_set(err, "%s: recorded under Valgrind %" PRIu32 ".%" PRIu32 ", but this "
		      "hindsight reads Valgrind %d.%d's recordings (their IR and register "
		      "numbers differ): read it with a hindsight built against Valgrind %"
		      PRIu32 ".%" PRIu32 ", or record it again with this one", path,
		      h->vg_major, h->vg_minor, __VALGRIND_MAJOR__, __VALGRIND_MINOR__,
		      h->vg_major, h->vg_minor);
	return -EBADMSG;
}

/* b: the n bytes read at the file's start (n >= HS_FILE_HEADER_SIZE_V6). */
static int parse_file_header(const char *path, const uint8_t *b, size_t n,
			     const char *magic, struct hs_trace_file_header *h,
			     struct hs_trace_err *err)
{
	uint32_t want_size;
	uint64_t want, got;

	if (memcmp(b, magic, 8) != 0) {
		trace_err_set(err, "%s: bad magic (not a %.8s file)", path, magic);
		return -EBADMSG;
	}
	memcpy(h->magic, b, 8);
	hs_le_unpack(h, b, hs_trace_header_fields, HS_LE_NFIELDS(hs_trace_header_fields));
	/* Version first: a later version may lay the header out otherwise,
	 * and "unsupported version" is the message that helps then. */
	if (h->version < HS_TRACE_FORMAT_MIN_VERSION || h->version > HS_TRACE_FORMAT_VERSION) {
		trace_err_set(err, "%s: unsupported format version %" PRIu32
			      " (this reader knows %d to %d)", path, h->version,
			      HS_TRACE_FORMAT_MIN_VERSION, HS_TRACE_FORMAT_VERSION);
		return -EBADMSG;
	}
	want_size = h->version >= 7 ? HS_FILE_HEADER_SIZE : HS_FILE_HEADER_SIZE_V6;
	if (h->header_size != want_size) {
		trace_err_set(err, "%s: bad header size %" PRIu32, path,
			      h->header_size);
		return -EBADMSG;
	}
	if (n < want_size) {
		trace_err_set(err, "%s: file header truncated (%zu bytes)", path, n);
		return -EBADMSG;
	}
	h->vg_major = h->vg_minor = 0;
	if (h->version >= 7)
		hs_le_unpack(h, b, hs_trace_header_v7_fields,
			     HS_LE_NFIELDS(hs_trace_header_v7_fields));
	want = hs_le64(b + want_size - 8);
	got = XXH64(b, want_size - 8, 0);
	if (want != got) {
		trace_err_set(err, "%s: file header checksum mismatch", path);
		return -EBADMSG;
	}
	return check_valgrind(path, h, err);
}

/* pread that retries short reads; returns bytes read (< len only at EOF). */
static ssize_t read_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pread(fd, (uint8_t *)buf + done, len - done,
				  (off_t)(off + done));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

/* Reads and checks the header of the open file fd. */
static int read_file_header(int fd, const char *path, const char *magic,
			    struct hs_trace_file_header *hdr, struct hs_trace_err *err)
{
	uint8_t b[HS_FILE_HEADER_SIZE];
	ssize_t r = read_at(fd, b, sizeof(b), 0);

	if (r < 0) {
		trace_err_set(err, "%s: %s", path, strerror((int)-r));
		return (int)r;
	}
	/* the shorter header of versions 3 to 6 */
	if (r < HS_FILE_HEADER_SIZE_V6) {
		trace_err_set(err, "%s: file header truncated (%zd bytes)", path, r);
		return -EBADMSG;
	}
	return parse_file_header(path, b, (size_t)r, magic, hdr, err);
}

int hs_trace_read_file_header(const char *path, const char *magic,
			      struct hs_trace_file_header *hdr,
			      struct hs_trace_err *err)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		trace_err_set(err, "%s: %s", path, strerror(errno));
		return ret;
	}
	ret = read_file_header(fd, path, magic, hdr, err);
	close(fd);
	return ret;
}

/* ---- chunk index ------------------------------------------------------- */

static int parse_chunk_header(const struct hs_trace_file *f, size_t index,
			      uint64_t off, const uint8_t *b,
			      struct hs_trace_chunk_info *ci,
			      struct hs_trace_err *err)
{
	if (hs_le32(b) != HS_CHUNK_MAGIC) {
		trace_err_set(err, "%s: chunk %zu (offset %" PRIu64 "): bad chunk magic",
			      f->path, index, off);
		return -EBADMSG;
	}
	if (hs_le64(b + 40) != XXH64(b, 40, 0)) {
		trace_err_set(err, "%s: chunk %zu (offset %" PRIu64 "): chunk header checksum mismatch",
			      f->path, index, off);
		return -EBADMSG;
	}
	ci->offset = off;
	hs_le_unpack(ci, b, hs_trace_chunk_fields, HS_LE_NFIELDS(hs_trace_chunk_fields));
	if (ci->seq != index) {
		trace_err_set(err, "%s: chunk %zu (offset %" PRIu64 "): has seq %" PRIu64
			      ", chunks must be numbered without gaps",
			      f->path, index, off, ci->seq);
		return -EBADMSG;
	}
	if (ci->raw_size > HS_CHUNK_MAX_RAW) {
		trace_err_set(err, "%s: chunk %" PRIu64 ": raw size %" PRIu32
			      " is over the %u limit", f->path, ci->seq,
			      ci->raw_size, HS_CHUNK_MAX_RAW);
		return -EBADMSG;
	}
	if (ci->comp_size == 0) {
		trace_err_set(err, "%s: chunk %" PRIu64 ": empty zstd frame",
			      f->path, ci->seq);
		return -EBADMSG;
	}
	return 0;
}

static int index_chunks(struct hs_trace_file *f, uint64_t file_size,
			struct hs_trace_err *err)
{
	uint64_t off = f->hdr.header_size;
	size_t cap = 0;
	bool last = false;

	while (off < file_size) {
		uint8_t b[HS_CHUNK_HEADER_SIZE];
		struct hs_trace_chunk_info ci;
		ssize_t r;
		int ret;

		if (last) {
			trace_err_set(err, "%s: %" PRIu64 " bytes after the last chunk (seq %zu)",
				      f->path, file_size - off, f->n_chunks - 1);
			return -EBADMSG;
		}
		if (file_size - off < HS_CHUNK_HEADER_SIZE) {
			f->truncated = true;
			break;
		}
		r = read_at(f->fd, b, sizeof(b), off);
		if (r < 0) {
			trace_err_set(err, "%s: chunk %zu: %s", f->path,
				      f->n_chunks, strerror((int)-r));
			return (int)r;
		}
		if (r < (ssize_t)sizeof(b)) { /* shrank while we read */
			f->truncated = true;
			break;
		}
		ret = parse_chunk_header(f, f->n_chunks, off, b, &ci, err);
		if (ret < 0)
			return ret;
		if (ci.comp_size > file_size - off - HS_CHUNK_HEADER_SIZE) {
			f->truncated = true;
			break;
		}
		if (hs_grow((void **)&f->chunks, &cap, f->n_chunks + 1, sizeof(*f->chunks))) {
			trace_err_set(err, "%s: out of memory", f->path);
			return -ENOMEM;
		}
		f->chunks[f->n_chunks++] = ci;
		last = ci.flags & HS_CHUNK_LAST;
		off += HS_CHUNK_HEADER_SIZE + (uint64_t)ci.comp_size;
	}
	return 0;
}

int hs_trace_file_open(const char *path, const char *magic,
		       struct hs_trace_file **out, struct hs_trace_err *err)
{
	struct hs_trace_file *f;
	struct stat st;
	int ret;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		trace_err_set(err, "%s: out of memory", path);
		return -ENOMEM;
	}
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0 || fstat(f->fd, &st) < 0) {
		ret = -errno;
		trace_err_set(err, "%s: %s", path, strerror(errno));
		goto out_close;
	}
	ret = read_file_header(f->fd, path, magic, &f->hdr, err);
	if (ret < 0)
		goto out_close;
	ret = index_chunks(f, (uint64_t)st.st_size, err);
	if (ret < 0)
		goto out_close;
	*out = f;
	return 0;
out_close:
	hs_trace_file_close(f);
	return ret;
}

void hs_trace_file_close(struct hs_trace_file *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f->chunks);
	free(f->path);
	free(f);
}

const char *hs_trace_file_path(const struct hs_trace_file *f)
{
	return f->path;
}

const struct hs_trace_file_header *hs_trace_file_header(const struct hs_trace_file *f)
{
	return &f->hdr;
}

size_t hs_trace_file_chunk_count(const struct hs_trace_file *f)
{
	return f->n_chunks;
}

const struct hs_trace_chunk_info *hs_trace_file_chunk_info(const struct hs_trace_file *f,
							   size_t i)
{
	return i < f->n_chunks ? &f->chunks[i] : NULL;
}

bool hs_trace_file_truncated(const struct hs_trace_file *f)
{
	return f->truncated;
}

bool hs_trace_file_has_last(const struct hs_trace_file *f)
{
	return !f->truncated && f->n_chunks &&
	       (f->chunks[f->n_chunks - 1].flags & HS_CHUNK_LAST);
}

/* ---- one chunk --------------------------------------------------------- */

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *n;

	if (*cap >= need)
		return 0;
	n = malloc(need ? need : 1);
	if (!n)
		return -ENOMEM;
	free(*buf);
	*buf = n;
	*cap = need;
	return 0;
}

/* Where the records and the columns of chunk c are (trace_format.h,
 * COLUMNS): data and size are the ctl column. */
int hs_trace_chunk_locate(struct hs_trace_chunk *c, struct hs_trace_err *err)
{
	size_t raw = c->info.raw_size, at = HS_COLUMNS_HEADER;

	c->data = c->buf;
	c->size = raw;
	memset(c->col, 0, sizeof(c->col));
	memset(c->col_size, 0, sizeof(c->col_size));
	if (!(c->info.flags & HS_CHUNK_COLUMNS))
		return 0;
	if (raw < HS_COLUMNS_HEADER)
		goto bad;
	for (int k = 0; k < 3; k++) {
		uint32_t n = hs_le32(c->buf + 4 * k);

		if (n > raw - at || (k == 1 && n % 4) || (k == 2 && n % 8))
			goto bad;
		c->col[k] = c->buf + at;
		c->col_size[k] = n;
		at += n;
	}
	c->data = c->buf + at;
	c->size = raw - at;
	return 0;
bad:
	c->size = 0;
	trace_err_set(err, "%s: chunk %" PRIu64 ": column sizes that do not fit its %zu bytes",
		      c->path, c->info.seq, raw);
	return -EBADMSG;
}

int hs_trace_file_read_chunk(const struct hs_trace_file *f, size_t i,
			     struct hs_trace_chunk *c, struct hs_trace_err *err)
{
	const struct hs_trace_chunk_info *ci;
	size_t got;
	ssize_t r;

	if (i >= f->n_chunks) {
		trace_err_set(err, "%s: no chunk %zu (%zu chunks)", f->path, i,
			      f->n_chunks);
		return -ENOENT;
	}
	ci = &f->chunks[i];
	c->path = f->path;
	c->info = *ci;
	c->data = NULL;
	c->size = 0;
	if (grow(&c->comp, &c->comp_cap, ci->comp_size) < 0 ||
	    grow(&c->buf, &c->data_cap, ci->raw_size) < 0) {
		trace_err_set(err, "%s: chunk %" PRIu64 ": out of memory", f->path,
			      ci->seq);
		return -ENOMEM;
	}
	if (!c->dctx && !(c->dctx = ZSTD_createDCtx())) {
		trace_err_set(err, "%s: chunk %" PRIu64 ": out of memory", f->path,
			      ci->seq);
		return -ENOMEM;
	}
	r = read_at(f->fd, c->comp, ci->comp_size,
		    ci->offset + HS_CHUNK_HEADER_SIZE);
	if (r < 0 || (size_t)r != ci->comp_size) {
		trace_err_set(err, "%s: chunk %" PRIu64 ": %s", f->path, ci->seq,
			      r < 0 ? strerror((int)-r) : "short read");
		return -EIO;
	}
	if (XXH64(c->comp, ci->comp_size, 0) != ci->payload_xxh) {
		trace_err_set(err, "%s: chunk %" PRIu64 ": payload checksum mismatch",
			      f->path, ci->seq);
		return -EBADMSG;
	}
	got = ZSTD_decompressDCtx(c->dctx, c->buf, ci->raw_size, c->comp,
				  ci->comp_size);
	if (ZSTD_isError(got)) {
		trace_err_set(err, "%s: chunk %" PRIu64 ": zstd: %s", f->path,
			      ci->seq, ZSTD_getErrorName(got));
		return -EBADMSG;
	}
	if (got != ci->raw_size) {
		trace_err_set(err, "%s: chunk %" PRIu64 ": decompressed to %zu bytes, header says %" PRIu32,
			      f->path, ci->seq, got, ci->raw_size);
		return -EBADMSG;
	}
	return hs_trace_chunk_locate(c, err);
}

void hs_trace_chunk_release(struct hs_trace_chunk *c)
{
	if (!c)
		return;
	free(c->comp);
	free(c->buf);
	ZSTD_freeDCtx(c->dctx);
	memset(c, 0, sizeof(*c));
}
