/* db_threads.c - THREADS: the recorder's thread slots and the OS thread ids.
 *
 * threads.hdb (db_format.h) is small (one record per thread) and is read
 * whole at open; afterwards the table is immutable, so lookups take no
 * lock.  A slot names a different thread after each reuse: the thread of
 * (slot, t) is the slot's record with the largest t_create <= t, found by
 * a binary search in the indexes sorted by (slot, t_create).
 */
#include <errno.h>
#include <stdlib.h>

#include "query_i.h"

struct slot_ix {
	uint32_t slot, i;
};

/* (slot, index): the table is in t_create order, so this is (slot, t_create). */
static int cmp_slot(const void *a, const void *b)
{
	const struct slot_ix *x = a, *y = b;

	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int parse(struct hs_db_image *img, const struct hs_dbfile *f, size_t b,
		 const uint8_t *data, uint32_t n_records, size_t *k, uint32_t *parents)
{
	for (uint32_t i = 0; i < n_records; i++, (*k)++) {
		const uint8_t *r = data + (size_t)i * HS_DB_THREAD_REC;
		struct hs_db_thread *x = &img->threads[*k];

		x->t_create = hs_le64(r);
		x->t_exit = hs_le64(r + 8);
		x->slot = hs_le32(r + 16);
		x->tid = hs_le32(r + 20);
		parents[*k] = hs_le32(r + 24);
		if ((*k && x->t_create < img->threads[*k - 1].t_create) ||
		    x->t_exit < x->t_create ||
		    (parents[*k] != HS_DB_NO_PARENT && parents[*k] >= *k))
			return db_corrupt(f, b, "thread table out of order");
	}
	return 0;
}

int db_threads_load(struct hs_db_image *img)
{
	const struct hs_dbfile *f = img->files[HS_DB_THREADS];
	uint64_t n = hs_dbfile_record_count(f);
	uint32_t *parents = NULL;
	struct slot_ix *six = NULL;
	size_t k = 0;
	int err = 0;

	img->threads = calloc(n ? n : 1, sizeof(*img->threads));
	img->thread_by_slot = calloc(n ? n : 1, sizeof(*img->thread_by_slot));
	parents = calloc(n ? n : 1, sizeof(*parents));
	six = calloc(n ? n : 1, sizeof(*six));
	if (!img->threads || !img->thread_by_slot || !parents || !six) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t b = 0; b < hs_dbfile_block_count(f) && !err; b++) {
		const struct hs_dbfile_block_info *bi = hs_dbfile_block(f, b);
		uint8_t *data;

		if ((err = hs_dbfile_read_block(f, b, &data)))
			break;
		if (bi->raw != (uint64_t)bi->n_records * HS_DB_THREAD_REC || k + bi->n_records > n)
			err = db_corrupt(f, b, "record count does not match its size");
		else
			err = parse(img, f, b, data, bi->n_records, &k, parents);
		free(data);
	}
	if (!err && k != n)
		err = db_corrupt(f, 0, "fewer thread records than the header says");
	if (err)
		goto out;
	for (size_t i = 0; i < k; i++) {
		img->threads[i].parent_tid =
			parents[i] == HS_DB_NO_PARENT ? 0 : img->threads[parents[i]].tid;
		six[i] = (struct slot_ix){ img->threads[i].slot, (uint32_t)i };
	}
	qsort(six, k, sizeof(*six), cmp_slot);
	for (size_t i = 0; i < k; i++)
		img->thread_by_slot[i] = six[i].i;
	img->n_threads = k;
out:
	free(parents);
	free(six);
	return err;
}

size_t hs_db_threads(const struct hs_db_image *img, const struct hs_db_thread **v)
{
	*v = img->threads;
	return img->n_threads;
}

uint32_t hs_db_thread_os_tid(const struct hs_db_image *img, uint32_t slot, uint64_t t)
{
	const uint32_t *ix = img->thread_by_slot;
	size_t lo = 0, hi = img->n_threads, first;

	if (slot == 0)
		return 0;
	/* the slot's first index */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->threads[ix[mid]].slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	if (first == img->n_threads || img->threads[ix[first]].slot != slot)
		return 0;
	/* the last of the slot's with t_create <= t */
	hi = img->n_threads;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct hs_db_thread *x = &img->threads[ix[mid]];

		if (x->slot == slot && x->t_create <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return img->threads[ix[lo > first ? lo - 1 : first]].tid;
}

const struct hs_db_thread *hs_db_thread_find(const struct hs_db_image *img, uint32_t tid)
{
	if (tid == 0)
		return NULL;
	for (size_t i = 0; i < img->n_threads; i++)
		if (img->threads[i].tid == tid)
			return &img->threads[i];
	return NULL;
}
