/* dbb_spill.c - intermediate files: one zstd stream of records each.
 *
 * Shards write their output as spill streams (level 1, content checksum)
 * and the merge reads them back in order.  The records carry no framing:
 * each file's reader knows their sizes (dbb_i.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zstd.h>

#include "dbb_i.h"

#define SPILL_BUF (256u << 10)

struct dbb_spill_w {
	int fd;
	ZSTD_CStream *cs;
	uint8_t *in, *out;
	size_t in_len;
	uint64_t records;
};

struct dbb_spill_r {
	int fd;
	ZSTD_DStream *ds;
	uint8_t *in, *out;
	size_t in_pos, in_len;   /* compressed bytes buffered */
	size_t out_pos, out_len; /* decompressed bytes buffered */
	bool eof;                /* the file has no more bytes */
	bool frame_done;         /* the last ZSTD call ended a frame */
};

int dbb_spill_create_in(const char *dir, const char *name, struct dbb_spill_w **out)
{
	char *path = dbb_path(dir, name);
	int ret;

	if (!path)
		return -ENOMEM;
	ret = dbb_spill_create(path, out);
	free(path);
	return ret;
}

int dbb_spill_create(const char *path, struct dbb_spill_w **out)
{
	struct dbb_spill_w *w = calloc(1, sizeof(*w));
	int ret;

	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		ret = -errno;
		free(w);
		return ret;
	}
	w->cs = ZSTD_createCStream();
	w->in = malloc(SPILL_BUF);
	w->out = malloc(ZSTD_CStreamOutSize());
	if (!w->cs || !w->in || !w->out) {
		dbb_spill_abort(w);
		return -ENOMEM;
	}
	ZSTD_CCtx_setParameter(w->cs, ZSTD_c_compressionLevel, 1);
	ZSTD_CCtx_setParameter(w->cs, ZSTD_c_checksumFlag, 1);
	/* a small window: the merge reads hundreds of streams at once */
	ZSTD_CCtx_setParameter(w->cs, ZSTD_c_windowLog, 17);
	*out = w;
	return 0;
}

/* Compresses the buffered input; end: finish the frame. */
static int spill_flush(struct dbb_spill_w *w, bool end)
{
	ZSTD_inBuffer in = { w->in, w->in_len, 0 };
	size_t outsz = ZSTD_CStreamOutSize();

	for (;;) {
		ZSTD_outBuffer o = { w->out, outsz, 0 };
		size_t r = ZSTD_compressStream2(w->cs, &o, &in,
						end ? ZSTD_e_end : ZSTD_e_continue);
		int ret;

		if (ZSTD_isError(r)) {
			fprintf(stderr, "hindsight: zstd: %s\n", ZSTD_getErrorName(r));
			return -EIO;
		}
		if (o.pos && (ret = hs_write_all(w->fd, w->out, o.pos, -1)))
			return ret;
		if (end ? r == 0 : in.pos == in.size)
			break;
	}
	w->in_len = 0;
	return 0;
}

int dbb_spill_write(struct dbb_spill_w *w, const void *p, size_t n)
{
	const uint8_t *s = p;
	int ret;

	w->records++;
	while (n) {
		if (hs_buf_fill(w->in, &w->in_len, SPILL_BUF, &s, &n) &&
		    (ret = spill_flush(w, false)))
			return ret;
	}
	return 0;
}

uint64_t dbb_spill_records(const struct dbb_spill_w *w)
{
	return w->records;
}

int dbb_spill_close(struct dbb_spill_w *w, bool sync)
{
	int ret = spill_flush(w, true);

	if (!ret && sync && fsync(w->fd) < 0)
		ret = -errno;
	if (close(w->fd) < 0 && !ret)
		ret = -errno;
	w->fd = -1;
	dbb_spill_abort(w);
	return ret;
}

void dbb_spill_abort(struct dbb_spill_w *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	ZSTD_freeCStream(w->cs);
	free(w->in);
	free(w->out);
	free(w);
}

int dbb_spill_open(const char *path, struct dbb_spill_r **out)
{
	struct dbb_spill_r *r = calloc(1, sizeof(*r));
	int ret;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		ret = -errno;
		free(r);
		return ret;
	}
	r->ds = ZSTD_createDStream();
	r->in = malloc(ZSTD_DStreamInSize());
	r->out = malloc(ZSTD_DStreamOutSize());
	if (!r->ds || !r->in || !r->out) {
		dbb_spill_close_r(r);
		return -ENOMEM;
	}
	ZSTD_initDStream(r->ds);
	r->frame_done = true; /* an empty file is an empty stream */
	*out = r;
	return 0;
}

/* Refills r->out; returns bytes made available (0: end), or -errno. */
static int spill_fill(struct dbb_spill_r *r)
{
	for (;;) {
		ZSTD_inBuffer in;
		ZSTD_outBuffer o = { r->out, ZSTD_DStreamOutSize(), 0 };
		size_t z;

		if (r->in_pos == r->in_len && !r->eof) {
			ssize_t n = read(r->fd, r->in, ZSTD_DStreamInSize());

			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -EIO;
			}
			r->in_pos = 0;
			r->in_len = (size_t)n;
			if (n == 0)
				r->eof = true;
		}
		if (r->in_pos == r->in_len && r->eof)
			return r->frame_done ? 0 : -EBADMSG;
		in = (ZSTD_inBuffer){ r->in, r->in_len, r->in_pos };
		z = ZSTD_decompressStream(r->ds, &o, &in);
		r->in_pos = in.pos;
		if (ZSTD_isError(z))
			return -EBADMSG;
		r->frame_done = z == 0;
		if (o.pos) {
			r->out_pos = 0;
			r->out_len = o.pos;
			return (int)o.pos;
		}
	}
}

int dbb_spill_read(struct dbb_spill_r *r, void *p, size_t n)
{
	uint8_t *d = p;
	bool any = false;

	while (n) {
		size_t k = r->out_len - r->out_pos;

		if (k == 0) {
			int got = spill_fill(r);

			if (got < 0)
				return got;
			if (got == 0)
				return any ? -EBADMSG : 0;
			continue;
		}
		if (k > n)
			k = n;
		memcpy(d, r->out + r->out_pos, k);
		r->out_pos += k;
		d += k;
		n -= k;
		any = true;
	}
	return 1;
}

void dbb_spill_close_r(struct dbb_spill_r *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	ZSTD_freeDStream(r->ds);
	free(r->in);
	free(r->out);
	free(r);
}
