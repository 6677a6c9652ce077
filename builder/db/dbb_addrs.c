/* dbb_addrs.c - ADDRS: per chunk, a Bloom filter of the addresses it runs.
 *
 * The shard's decode reports every instruction (insn()); a small open
 * addressing set per chunk keeps its distinct addresses, so the common
 * case costs one probe that hits (a chunk of ~37 K instructions runs a
 * few hundred addresses).  At the chunk's end the filter is sized from
 * the count (db_format.h, ADDRS) and written to the shard's addrs.sp as
 * the final record; the merge concatenates the shards' records into
 * addrs.hdb, checking that they continue each other.  A chunk's filter
 * depends on that chunk alone, so every sharding gives the same bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "dbb_i.h"

#define ADDRS_TAB_MIN 1024u     /* set slots at first: a power of two */

struct dbb_addrs {
	struct dbb_addrs_head h;    /* first: the inline fast path's */
	size_t cap;                 /* slots, a power of two */
	uint32_t *used;             /* the slots filled in this chunk */
	size_t n, cap_used;
	uint8_t *rec;               /* the record being made */
	size_t cap_rec;
	struct dbb_spill_w *w;
};

int dbb_addrs_new(const char *dir, struct dbb_addrs **out)
{
	struct dbb_addrs *a = calloc(1, sizeof(*a));
	int ret = -ENOMEM;

	*out = NULL;
	if (!a)
		return -ENOMEM;
	a->cap = ADDRS_TAB_MIN;
	a->h.shift = 64 - 10;
	a->h.tab = calloc(a->cap, sizeof(*a->h.tab));
	if (!a->h.tab || (ret = dbb_spill_create_in(dir, "addrs.sp", &a->w))) {
		dbb_addrs_free(a);
		return ret;
	}
	*out = a;
	return 0;
}

void dbb_addrs_free(struct dbb_addrs *a)
{
	if (!a)
		return;
	dbb_spill_abort(a->w);
	free(a->h.tab);
	free(a->used);
	free(a->rec);
	free(a);
}

/* Puts rip in its slot (not there yet); the slot is noted for the
 * chunk's end. */
static int put(struct dbb_addrs *a, uint64_t rip)
{
	size_t mask = a->cap - 1, i = (size_t)((rip * DBB_ADDRS_MUL) >> a->h.shift);

	while (a->h.tab[i] && a->h.tab[i] != rip)
		i = (i + 1) & mask;
	if (a->h.tab[i])
		return 0;
	if (a->n == a->cap_used &&
	    hs_grow((void **)&a->used, &a->cap_used, a->n + 1, sizeof(*a->used)))
		return -ENOMEM;
	a->h.tab[i] = rip;
	a->used[a->n++] = (uint32_t)i;
	return 0;
}

/* Twice the slots, the chunk's addresses put again. */
static int grow(struct dbb_addrs *a)
{
	uint64_t *old = a->h.tab;
	uint32_t *used = a->used;
	size_t n = a->n;
	int ret = 0;

	a->h.tab = calloc(a->cap * 2, sizeof(*a->h.tab));
	if (!a->h.tab) {
		a->h.tab = old;
		return -ENOMEM;
	}
	a->cap *= 2;
	a->h.shift--;
	a->used = NULL;
	a->n = a->cap_used = 0;
	for (size_t k = 0; k < n && !ret; k++)
		ret = put(a, old[used[k]]);
	free(old);
	free(used);
	return ret;
}

int dbb_addrs_insn_slow(struct dbb_addrs *a, uint64_t rip)
{
	int ret;

	/* at most half full: probes stay short */
	if (2 * (a->n + 1) > a->cap && (ret = grow(a)))
		return ret;
	return put(a, rip);
}

int dbb_addrs_chunk_end(struct dbb_addrs *a, uint64_t seq)
{
	uint32_t lg = HS_DB_ADDRS_MIN_LOG2;
	size_t bytes;
	int ret;

	while (lg < HS_DB_ADDRS_MAX_LOG2 && ((uint64_t)1 << lg) < 16 * (uint64_t)a->n)
		lg++;
	bytes = HS_DB_ADDRS_HDR + ((size_t)1 << lg) / 8;
	if (hs_grow((void **)&a->rec, &a->cap_rec, bytes, 1))
		return -ENOMEM;
	memset(a->rec, 0, bytes);
	hs_put_le64(a->rec, seq);
	hs_put_le32(a->rec + 8, lg);
	hs_put_le32(a->rec + 12, (uint32_t)a->n);
	for (size_t k = 0; k < a->n; k++) {
		hs_db_addr_filter_add(a->rec + HS_DB_ADDRS_HDR, lg, a->h.tab[a->used[k]]);
		a->h.tab[a->used[k]] = 0;
	}
	a->n = 0;
	ret = dbb_spill_write(a->w, a->rec, bytes);
	return ret;
}

int dbb_addrs_finish(struct dbb_addrs *a, bool sync)
{
	int ret = dbb_spill_close(a->w, sync);

	a->w = NULL;
	return ret;
}

/* ---- the merge ------------------------------------------------------------- */

/* Shard dir's addrs.sp onto w; *seq is the chunk it must start with. */
static int merge_one(struct hs_dbfile_writer *w, const char *dir, uint64_t *seq,
		     uint8_t **buf, size_t *cap, struct hs_dbb_err *err)
{
	char *path = dbb_path(dir, "addrs.sp");
	struct dbb_spill_r *r = NULL;
	uint8_t h[HS_DB_ADDRS_HDR];
	int ret;

	if (!path)
		return -ENOMEM;
	if ((ret = dbb_spill_open(path, &r))) {
		dbb_err_set(err, "%s: %s", path, strerror(-ret));
		goto out;
	}
	while ((ret = dbb_spill_read(r, h, sizeof(h))) == 1) {
		uint32_t lg = hs_le32(h + 8);
		size_t bytes = HS_DB_ADDRS_HDR + ((size_t)1 << (lg & 31)) / 8;

		if (hs_le64(h) != *seq || lg < HS_DB_ADDRS_MIN_LOG2 || lg > HS_DB_ADDRS_MAX_LOG2) {
			dbb_err_set(err, "%s: chunk %" PRIu64 " (filter of 2^%" PRIu32 " bits) "
				    "where chunk %" PRIu64 " was due", path, hs_le64(h), lg, *seq);
			ret = -EBADMSG;
			goto out;
		}
		if (hs_grow((void **)buf, cap, bytes, 1)) {
			ret = -ENOMEM;
			goto out;
		}
		HS_ANALYZER_ASSUME(*buf); /* hs_grow made room */
		memcpy(*buf, h, sizeof(h));
		ret = dbb_spill_read(r, *buf + sizeof(h), bytes - sizeof(h));
		if (ret == 0)
			ret = -EBADMSG;   /* the stream ends inside the record */
		if (ret < 0 || (ret = hs_dbfile_append(w, *seq, *buf, bytes, NULL, NULL)))
			break;
		(*seq)++;
	}
	if (ret < 0)
		dbb_err_set(err, "%s: %s", path, ret == -EBADMSG ?
			    "shard file is damaged or cut short" : strerror(-ret));
out:
	dbb_spill_close_r(r);
	free(path);
	return ret;
}

int dbb_addrs_merge(const char *out, const struct hs_dbfile_ident *id, int level,
		    unsigned threads, char *const *dirs, const uint64_t *chunks, unsigned n,
		    struct hs_dbb_err *err)
{
	char *path = dbb_path(out, "addrs.hdb");
	struct hs_dbfile_writer *w = NULL;
	uint8_t *buf = NULL;
	size_t cap = 0;
	uint64_t seq = 0, want = 0;
	int ret;

	if (!path)
		return -ENOMEM;
	ret = hs_dbfile_create(path, HS_DB_ADDRS, level, id, &w);
	if (!ret)
		ret = hs_dbfile_parallel(w, threads);
	if (ret) {
		dbb_err_set(err, "%s: %s", path, strerror(-ret));
		goto out;
	}
	for (unsigned s = 0; s < n && !ret; s++) {
		want += chunks[s];
		ret = merge_one(w, dirs[s], &seq, &buf, &cap, err);
		if (!ret && seq != want) {
			dbb_err_set(err, "%s/addrs.sp: filters up to chunk %" PRIu64 ", the shard "
				    "ends at chunk %" PRIu64, dirs[s], seq, want);
			ret = -EBADMSG;
		}
	}
	if (!ret) {
		ret = hs_dbfile_finish(w);
		w = NULL;
		if (ret)
			dbb_err_set(err, "%s: %s", path, strerror(-ret));
	}
out:
	hs_dbfile_abort(w);
	free(buf);
	free(path);
	return ret;
}
