/* db_stream.c - stream chunks of TRACE/procs, read through the cache.
 *
 * The CHUNKS table says where each chunk is; its header in stream.hst
 * must agree with it (a recording replaced after the build is caught
 * here), and the payload must match its XXH64 before it is decompressed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "query_i.h"

struct dctx_node {
	struct dctx_node *next;
	ZSTD_DCtx *d;
};

static ZSTD_DCtx *dctx_get(struct hs_db *db)
{
	struct dctx_node *n;
	ZSTD_DCtx *d = NULL;

	pthread_mutex_lock(&db->zstd_lock);
	n = db->zstd_pool;
	if (n)
		db->zstd_pool = n->next;
	pthread_mutex_unlock(&db->zstd_lock);
	if (n) {
		d = n->d;
		free(n);
		return d;
	}
	return ZSTD_createDCtx();
}

static void dctx_put(struct hs_db *db, ZSTD_DCtx *d)
{
	struct dctx_node *n = malloc(sizeof(*n));

	if (!n) {
		ZSTD_freeDCtx(d);
		return;
	}
	n->d = d;
	pthread_mutex_lock(&db->zstd_lock);
	n->next = db->zstd_pool;
	db->zstd_pool = n;
	pthread_mutex_unlock(&db->zstd_lock);
}

void db_stream_cleanup(struct hs_db *db)
{
	while (db->zstd_pool) {
		struct dctx_node *n = db->zstd_pool;

		db->zstd_pool = n->next;
		ZSTD_freeDCtx(n->d);
		free(n);
	}
}

static void chunk_free(void *p)
{
	struct hs_trace_chunk *c = p;

	if (c)
		free(c->buf);
	free(c);
}

struct chunk_load {
	struct hs_db_image *img;
	size_t index;
};

static int chunk_bad(struct hs_db_image *img, const struct db_chunk *dc, const char *what)
{
	db_log("%s: chunk %" PRIu64 ": %s", img->stream_path, dc->seq, what);
	return -EBADMSG;
}

static int load_chunk(void *arg, void **data, size_t *bytes)
{
	struct chunk_load *l = arg;
	struct hs_db_image *img = l->img;
	const struct db_chunk *dc = &img->chunks[l->index];
	struct hs_trace_chunk *c = NULL;
	uint8_t *comp;
	const uint8_t *h;
	ZSTD_DCtx *dctx;
	size_t got;
	int err, fd;

	comp = malloc(HS_CHUNK_HEADER_SIZE + (size_t)dc->comp_size);
	c = calloc(1, sizeof(*c));
	if (!comp || !c) {
		err = -ENOMEM;
		goto fail;
	}
	c->buf = malloc(dc->raw_size ? dc->raw_size : 1);
	if (!c->buf) {
		err = -ENOMEM;
		goto fail;
	}
	fd = hs_dbfile_fd_get(&img->stream_lfd);
	if (fd < 0) {
		err = fd;
		db_log("%s: %s (the database decodes the raw recording; it must stay)",
		       img->stream_path, strerror(-err));
		if (err == -ENOENT)
			err = -EBADMSG;
		goto fail;
	}
	err = hs_read_full(fd, comp, HS_CHUNK_HEADER_SIZE + (size_t)dc->comp_size, dc->offset);
	hs_dbfile_fd_put(&img->stream_lfd);
	if (err == -EIO) {
		db_log("%s: chunk %" PRIu64 ": read failed", img->stream_path, dc->seq);
		goto fail;
	}
	if (err) {
		err = chunk_bad(img, dc, "the file ends inside the chunk");
		goto fail;
	}
	h = comp;
	if (hs_le32(h) != HS_CHUNK_MAGIC || hs_le64(h + 40) != XXH64(h, 40, 0)) {
		err = chunk_bad(img, dc, "bad chunk header");
		goto fail;
	}
	if (hs_le64(h + 8) != dc->seq || hs_le64(h + 16) != dc->first_t ||
	    hs_le32(h + 24) != dc->raw_size || hs_le32(h + 28) != dc->comp_size ||
	    hs_le64(h + 32) != dc->payload_xxh) {
		err = chunk_bad(img, dc, "does not match the database (was the recording "
				"replaced? rebuild with 'hindsight build')");
		goto fail;
	}
	if (XXH64(comp + HS_CHUNK_HEADER_SIZE, dc->comp_size, 0) != dc->payload_xxh) {
		err = chunk_bad(img, dc, "payload checksum mismatch");
		goto fail;
	}
	dctx = dctx_get(img->db);
	if (!dctx) {
		err = -ENOMEM;
		goto fail;
	}
	got = ZSTD_decompressDCtx(dctx, c->buf, dc->raw_size, comp + HS_CHUNK_HEADER_SIZE,
				  dc->comp_size);
	dctx_put(img->db, dctx);
	if (ZSTD_isError(got) || got != dc->raw_size) {
		err = chunk_bad(img, dc, "does not decompress");
		goto fail;
	}
	c->info = (struct hs_trace_chunk_info){
		.offset = dc->offset, .seq = dc->seq, .first_t = dc->first_t,
		.flags = hs_le32(h + 4), .raw_size = dc->raw_size,
		.comp_size = dc->comp_size, .payload_xxh = dc->payload_xxh,
	};
	c->path = img->stream_path;
	if (hs_trace_chunk_locate(c, NULL)) {
		err = chunk_bad(img, dc, "its column sizes do not fit");
		goto fail;
	}
	free(comp);
	*data = c;
	*bytes = dc->raw_size + sizeof(*c);
	return 0;
fail:
	free(comp);
	chunk_free(c);
	return err;
}

int db_stream_chunk(struct hs_db_image *img, size_t index, struct db_centry **e,
		    const struct hs_trace_chunk **chunk)
{
	struct chunk_load l = { img, index };
	void *d;
	int err;

	err = db_cache_get(&img->db->cache, DB_KEY(DB_K_CHUNK, img->id, 0), index,
			   load_chunk, &l, chunk_free, e, &d);
	*chunk = err ? NULL : d;
	return err;
}
