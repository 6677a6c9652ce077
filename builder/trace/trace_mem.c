/* trace_mem.c - memory effects of stores and events: write, zero, copy.
 *
 * See "memory effects" in include/hindsight/trace.h.  File mappings are
 * the only effect whose bytes are not in the stream: they are read from the
 * mapped file, which must still hold what it held at recording time
 * (content_xxh).  Files are mapped read-only once and kept, with the
 * (offset, length, hash) ranges already checked, in hs_trace_mem_files;
 * the data handed to write() points into that mapping (the kernel gives
 * zeros past EOF in the last page, which is what the process saw).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#define XXH_STATIC_LINKING_ONLY /* XXH64_state_t on the stack */
#include <xxhash.h>

#include "hindsight/trace.h"
#include "hindsight/util.h"

#define MEM_PAGE 4096u

/* One range of a file whose hash matched. */
struct mem_checked {
	uint64_t offset, len, xxh;
	uint64_t file_len; /* bytes that match the file; zeros after them */
};

struct mem_file {
	struct mem_file *next;
	char *path;
	int error;              /* 0, or the -errno every use returns */
	bool regular;
	const uint8_t *base;    /* whole file mapped read-only, or NULL */
	uint64_t size;          /* bytes in the file */
	uint64_t map_len;       /* bytes mapped (size rounded up to a page) */
	struct mem_checked *checked;
	size_t n_checked, cap_checked;
};

struct hs_trace_mem_files {
	pthread_mutex_t lock;
	struct mem_file *files;
	char *pack_dir;         /* TRACE/pack, or NULL */
};

int hs_trace_mem_files_set_pack(struct hs_trace_mem_files *files, const char *pack_dir)
{
	char *p = pack_dir ? strdup(pack_dir) : NULL;

	if (pack_dir && !p)
		return -ENOMEM;
	free(files->pack_dir);
	files->pack_dir = p;
	return 0;
}

int hs_trace_mem_files_new(struct hs_trace_mem_files **out)
{
	struct hs_trace_mem_files *f = calloc(1, sizeof(*f));

	*out = NULL;
	if (!f)
		return -ENOMEM;
	pthread_mutex_init(&f->lock, NULL);
	*out = f;
	return 0;
}

void hs_trace_mem_files_free(struct hs_trace_mem_files *files)
{
	if (!files)
		return;
	while (files->files) {
		struct mem_file *m = files->files;

		files->files = m->next;
		if (m->base)
			munmap((void *)m->base, m->map_len);
		free(m->path);
		free(m->checked);
		free(m);
	}
	pthread_mutex_destroy(&files->lock);
	free(files->pack_dir);
	free(files);
}

/* Opens path's packed copy (PACK/paths/PATH) when there is one. */
static int mem_open_packed(const char *pack_dir, const char *path)
{
	char *p;
	int fd;

	if (!pack_dir || path[0] != '/' || asprintf(&p, "%s/paths%s", pack_dir, path) < 0)
		return -1;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	free(p);
	return fd;
}

/* Opens and maps path (its packed copy first); errors are kept in
 * m->error.  Called locked. */
static void mem_file_open(struct mem_file *m, const char *pack_dir)
{
	struct stat st;
	void *p;
	int fd;

	fd = mem_open_packed(pack_dir, m->path);
	if (fd < 0)
		fd = open(m->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		m->error = errno == ENOENT || errno == ENOTDIR ? -ENOENT : -errno;
		fprintf(stderr, "hindsight: %s: %s: the recording maps this file, "
			"which must still be there as it was\n", m->path, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0) {
		m->error = -errno;
		fprintf(stderr, "hindsight: %s: %s\n", m->path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "hindsight: warning: %s is not a regular file: "
			"its mappings are taken as zeros\n", m->path);
		goto out;
	}
	m->regular = true;
	m->size = (uint64_t)st.st_size;
	m->map_len = (m->size + MEM_PAGE - 1) & ~(uint64_t)(MEM_PAGE - 1);
	if (m->size == 0)
		goto out;
	p = mmap(NULL, m->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		m->error = -errno;
		fprintf(stderr, "hindsight: %s: mmap: %s\n", m->path, strerror(errno));
		goto out;
	}
	m->base = p;
out:
	close(fd);
}

/* The cache entry of path (len bytes, not NUL-terminated), created and
 * opened on first use.  Called locked. */
static struct mem_file *mem_file_get(struct hs_trace_mem_files *files,
				     const uint8_t *path, uint32_t len)
{
	struct mem_file *m;

	for (m = files->files; m; m = m->next)
		if (strlen(m->path) == len && memcmp(m->path, path, len) == 0)
			return m;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->path = strndup((const char *)path, len);
	if (!m->path) {
		free(m);
		return NULL;
	}
	mem_file_open(m, files->pack_dir);
	m->next = files->files;
	files->files = m;
	return m;
}

/* XXH64 of p[0, k) followed by n - k zeros, from a state that has hashed
 * what comes before p. */
static uint64_t hash_zero_tail(const XXH64_state_t *st0, const uint8_t *p, uint64_t k,
			       uint64_t n)
{
	static const uint8_t zeros[MEM_PAGE];
	XXH64_state_t st;

	memcpy(&st, st0, sizeof(st));
	XXH64_update(&st, p, k);
	for (uint64_t z = n - k; z;) {
		uint64_t c = z < MEM_PAGE ? z : MEM_PAGE;

		XXH64_update(&st, zeros, c);
		z -= c;
	}
	return XXH64_digest(&st);
}

/* Checks [offset, offset+len) of m against xxh, once.  Called locked.
 *
 * A mapping that the Valgrind core's own ELF loader made at start-up (the
 * dynamic linker's data segment) had its .bss part zeroed up to the end of
 * the last file page before the recorder hashed it, so it differs from the
 * file there.  When the plain hash does not match, the file's bytes with a
 * zeroed tail inside the last page are tried: *file_len is how many bytes
 * come from the file (the rest of the len bytes are zeros). */
static int mem_file_check(struct mem_file *m, uint64_t offset, uint64_t len,
			  uint64_t xxh, uint64_t *file_len)
{
	const uint8_t *p = m->base + offset;
	XXH64_state_t st0;
	uint64_t head;
	struct mem_checked *c;

	for (size_t i = 0; i < m->n_checked; i++) {
		c = &m->checked[i];
		if (c->offset == offset && c->len == len && c->xxh == xxh) {
			*file_len = c->file_len;
			return 0;
		}
	}
	*file_len = len;
	if (XXH64(p, len, 0) == xxh)
		goto ok;
	head = len > MEM_PAGE ? (len - 1) / MEM_PAGE * MEM_PAGE : 0;
	XXH64_reset(&st0, 0);
	XXH64_update(&st0, p, head);
	for (uint64_t k = len; k-- > head;) {
		if (hash_zero_tail(&st0, p + head, k - head, len - head) == xxh) {
			*file_len = k;
			goto ok;
		}
	}
	fprintf(stderr, "hindsight: %s: file changed since recording "
		"(bytes %" PRIu64 "..%" PRIu64 " differ)\n", m->path, offset,
		offset + len);
	return -ESTALE;
ok:
	if (hs_grow((void **)&m->checked, &m->cap_checked, m->n_checked + 1, sizeof(*m->checked)))
		return -ENOMEM;
	m->checked[m->n_checked++] = (struct mem_checked){ offset, len, xxh, *file_len };
	return 0;
}

int hs_trace_mem_store(const struct hs_trace_mem_visitor *v, uint64_t t,
		       uint64_t addr, uint32_t size, const uint8_t *bytes)
{
	return v->write ? v->write(v->ctx, t + 1, addr, size, bytes) : 0;
}

static int mem_zero(const struct hs_trace_mem_visitor *v, uint64_t t,
		    uint64_t addr, uint64_t len)
{
	return v->zero && len ? v->zero(v->ctx, t, addr, len) : 0;
}

/* HS_EV_MAP of a file that is not copied. */
static int mem_map_file(const struct hs_trace_mem_visitor *v,
			struct hs_trace_mem_files *files, uint64_t t,
			uint64_t addr, uint64_t len, uint64_t foff,
			uint64_t xxh, const uint8_t *path, uint32_t path_len)
{
	struct mem_file *m;
	uint64_t readable = 0, from_file = 0;
	const uint8_t *data = NULL;
	int ret;

	if (!files)
		return -EINVAL;
	pthread_mutex_lock(&files->lock);
	m = mem_file_get(files, path, path_len);
	if (!m) {
		ret = -ENOMEM;
		goto unlock;
	}
	ret = m->error;
	if (ret || !m->regular)
		goto unlock;
	if (foff < m->size) {
		readable = m->map_len - foff; /* page-roundup(size - foff) */
		if (readable > len)
			readable = len;
	}
	/* What the recorder hashed is what the process could read, so an
	 * empty readable part hashed to 0 as well. */
	from_file = readable;
	if (xxh && readable)
		ret = mem_file_check(m, foff, readable, xxh, &from_file);
	else if (xxh && !readable) {
		fprintf(stderr, "hindsight: %s: file changed since recording "
			"(now too short for offset %" PRIu64 ")\n", m->path, foff);
		ret = -ESTALE;
	}
	data = readable ? m->base + foff : NULL;
unlock:
	pthread_mutex_unlock(&files->lock);
	if (ret)
		return ret;
	/* data stays valid: mappings live until hs_trace_mem_files_free() */
	if (from_file && v->write && (ret = v->write(v->ctx, t, addr, from_file, data)))
		return ret;
	return mem_zero(v, t, addr + from_file, len - from_file);
}

#define MF(m, off, w) HS_LE_FIELD(struct hs_trace_map, m, off, w)
static const struct hs_le_field map_fields[] = {
	MF(addr, 0, 8), MF(len, 8, 8), MF(prot, 16, 4), MF(kind, 20, 4),
	MF(flags, 24, 4), MF(file_offset, 32, 8), MF(dev, 40, 8), MF(ino, 48, 8),
	MF(content_xxh, 56, 8), MF(path_len, 64, 4), MF(build_id_len, 68, 4),
};
#undef MF

int hs_trace_map_parse(const uint8_t *pl, size_t len, struct hs_trace_map *m)
{
	if (len < HS_MAP_FIXED)
		return -EBADMSG;
	hs_le_unpack(m, pl, map_fields, HS_LE_NFIELDS(map_fields));
	if (m->path_len > len - HS_MAP_FIXED)
		return -EBADMSG;
	m->path = (const char *)pl + HS_MAP_FIXED;
	return 0;
}

int hs_trace_mem_event(const struct hs_trace_mem_visitor *v,
		       struct hs_trace_mem_files *files, uint64_t t,
		       uint32_t tag, const uint8_t *payload, uint32_t len)
{
	switch (tag) {
	case HS_EV_MEM:
		if (len < 16)
			return -EBADMSG;
		if (len == 16 || !v->write)
			return 0;
		return v->write(v->ctx, t, hs_le64(payload), len - 16, payload + 16);
	case HS_EV_MAP: {
		struct hs_trace_map m;

		if (hs_trace_map_parse(payload, len, &m) ||
		    (uint64_t)HS_MAP_FIXED + m.path_len + m.build_id_len > len)
			return -EBADMSG;
		if ((m.flags & HS_MAP_FILE) && !(m.flags & HS_MAP_COPIED) && m.path_len)
			return mem_map_file(v, files, t, m.addr, m.len, m.file_offset,
					    m.content_xxh, payload + HS_MAP_FIXED, m.path_len);
		return mem_zero(v, t, m.addr, m.len);
	}
	case HS_EV_REMAP:
		if (len < 24)
			return -EBADMSG;
		if (!v->copy || hs_le64(payload + 16) == 0)
			return 0;
		return v->copy(v->ctx, t, hs_le64(payload), hs_le64(payload + 8),
			       hs_le64(payload + 16));
	default:
		return 0;
	}
}
