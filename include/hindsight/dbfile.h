/* dbfile.h - block files: the framing of every file in TRACE/db/.
 *
 * Owner: fs/dbfile.  Users: builder/db (writes), fs/query (reads).
 *
 * A block file is a header, zstd-compressed blocks, and a directory:
 *
 *   header (128 bytes, at 0; 64 up to format version 4)
 *      0 char[8] "HSDBBLK1"   8 u32 version (HS_DB_FORMAT_VERSION)
 *     12 u32 kind (enum hs_db_kind)          16 u64 n_blocks
 *     24 u64 dir_offset      32 u32 dir_raw   36 u32 dir_comp
 *     40 u64 dir_xxh (XXH64 of the compressed directory)
 *     48 u64 n_records
 *     56 u64 build           64 char[32] image (NUL-padded)
 *        whose file it is (struct hs_dbfile_ident): a file moved to
 *        another image's folder or another database is refused on open
 *     96 zero                120 u64 header_xxh (XXH64 of bytes 0..119)
 *   block i (at dir[i].offset): 32-byte header then comp bytes of zstd
 *      0 u32 "HSBK"  4 u32 raw  8 u32 comp  12 u32 n_records
 *     16 u64 xxh (XXH64 of the compressed bytes)  24 u64 header_xxh
 *        (XXH64 of bytes 0..23 of this header)
 *   directory (zstd): per block 40 bytes
 *      u64 offset, u64 first_key, u64 last_key, u32 raw, u32 comp,
 *      u32 n_records, u32 pad
 *
 * The header is written last (the file is first created with a zeroed
 * header), so a file cut short never validates.  Keys are the records'
 * sort keys (t or address), non-decreasing through the file.
 *
 * Errors: 0 or -errno.  A checksum or framing error is -EBADMSG and logs
 * one line on stderr naming the file and block; a failed read is -EIO.
 */
#ifndef HINDSIGHT_DBFILE_H
#define HINDSIGHT_DBFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hindsight/db_format.h"

#define HS_DBFILE_BLOCK_TARGET (256u << 10) /* raw bytes per block */
/* pages.hdb is sorted by page, then time: memory read at one t takes the
 * versions of many neighbouring pages, each from its own block, so its
 * blocks are smaller (a 1 MiB read decompresses ~250 blocks). */
#define HS_DBFILE_PAGES_BLOCK_TARGET (32u << 10)

/* The raw bytes per block a file of this kind is cut at. */
size_t hs_dbfile_block_target(uint32_t kind);

struct hs_dbfile_block_info {
	uint64_t offset;
	uint64_t first_key;
	uint64_t last_key;
	uint32_t raw;
	uint32_t comp;
	uint32_t n_records;
};

/* ---- writing (one thread calls a writer; it may compress in more) ------- */

struct hs_dbfile_writer;

/* Whose file it is: the database (build: a hash of the recording it was
 * built from, in its manifest as build_id; every build of one recording
 * has the same, so builds stay reproducible) and the image ("<pid>.<n>"). */
struct hs_dbfile_ident {
	uint64_t build;
	char image[32];
};

/* Creates path (O_EXCL).  level is the zstd level, 1..22.  id goes into
 * the header (NULL: build 0, no image). */
int hs_dbfile_create(const char *path, uint32_t kind, int level,
		     const struct hs_dbfile_ident *id, struct hs_dbfile_writer **out);
/* Compresses the blocks in threads (at most 64; 0 or 1: in the caller's
 * thread, the default).  The file is the same bytes either way.  Call
 * before the first append. */
int hs_dbfile_parallel(struct hs_dbfile_writer *w, unsigned threads);
/* Appends one record; a block is cut first when the record would take
 * the block past hs_dbfile_block_target(kind) raw bytes.  Keys must not
 * decrease.
 * The record is copied.  If block/offset are not NULL they receive where
 * the record is: block number and offset in that block's raw bytes (for
 * indexes such as PAGEIDX). */
int hs_dbfile_append(struct hs_dbfile_writer *w, uint64_t key,
		     const void *rec, size_t len, uint32_t *block,
		     uint32_t *offset);
/* Cuts the current block now (so that the next record starts a block). */
int hs_dbfile_cut(struct hs_dbfile_writer *w);
/* Writes the directory and the header, fsyncs and closes.  Frees w. */
int hs_dbfile_finish(struct hs_dbfile_writer *w);
/* Frees w after an error; the partial file is left for the caller to
 * remove (it never validates).  Accepts NULL. */
void hs_dbfile_abort(struct hs_dbfile_writer *w);

/* ---- descriptors on demand (dbfile_fd.c) ---------------------------------- */

/* A file opened at its first read and closed again when the process's
 * open ones reach a budget (3/4 of RLIMIT_NOFILE, and the last eighth of
 * the limit left free) and it is the least recently used that no read
 * holds: a recording of hundreds of processes reads under a small
 * `ulimit -n`.  Opened again, it must be the same file (device, inode,
 * size) or get fails with -ESTALE (one line on stderr).  Embed it;
 * fields are the module's. */
struct hs_dbfile_fd {
	char *path;
	int fd;                        /* -1: closed now */
	unsigned pins;                 /* reads holding fd */
	bool idle;
	bool known, stale_said;        /* the file first opened: */
	uint64_t dev, ino;
	int64_t size;
	struct hs_dbfile_fd *prev, *next;
};
int hs_dbfile_fd_init(struct hs_dbfile_fd *l, const char *path); /* 0 or -ENOMEM */
/* The descriptor, pinned until hs_dbfile_fd_put: >= 0, or -errno. */
int hs_dbfile_fd_get(struct hs_dbfile_fd *l);
void hs_dbfile_fd_put(struct hs_dbfile_fd *l);
void hs_dbfile_fd_close(struct hs_dbfile_fd *l); /* no read may hold it */
/* Descriptors open now (tests). */
size_t hs_dbfile_fd_open_count(void);
/* Closes every descriptor no read holds (tests: the next read opens
 * again). */
void hs_dbfile_fd_close_idle(void);

/* ---- reading (thread-safe after open) ------------------------------------ */

struct hs_dbfile;

/* Opens and validates the header and directory; kind must match, and
 * the header's identity must be want's (NULL: any).  -EBADMSG, with a
 * line on stderr, for a file of another kind, build or image. */
int hs_dbfile_open(const char *path, uint32_t kind, const struct hs_dbfile_ident *want,
		   struct hs_dbfile **out);
void hs_dbfile_close(struct hs_dbfile *f); /* accepts NULL */
const char *hs_dbfile_path(const struct hs_dbfile *f);
void hs_dbfile_ident(const struct hs_dbfile *f, struct hs_dbfile_ident *out);
size_t hs_dbfile_block_count(const struct hs_dbfile *f);
uint64_t hs_dbfile_record_count(const struct hs_dbfile *f);
const struct hs_dbfile_block_info *hs_dbfile_block(const struct hs_dbfile *f,
						   size_t i);
/* The last block whose first_key <= key (0 if none is). */
size_t hs_dbfile_find(const struct hs_dbfile *f, uint64_t key);
/* Reads, checks and decompresses block i.  On success *data (caller frees
 * with free()) holds hs_dbfile_block(f, i)->raw bytes. */
int hs_dbfile_read_block(const struct hs_dbfile *f, size_t i, uint8_t **data);
/* The same into raw, the caller's buffer of at least
 * hs_dbfile_block(f, i)->raw bytes (a sequential reader reuses one). */
int hs_dbfile_read_block_into(const struct hs_dbfile *f, size_t i, uint8_t *raw);
/* Re-checks every block's checksum; returns the first error. */
int hs_dbfile_verify(const struct hs_dbfile *f);

#endif
