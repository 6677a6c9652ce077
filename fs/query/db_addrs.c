/* db_addrs.c - the executed-address filters of addrs.hdb (db_format.h).
 *
 * The caller's object, read a block at a time when first asked about;
 * each block read gets a table of where its records start (they are of
 * many sizes), so a question is a directory search, an index and three
 * bit tests.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "query_i.h"

struct af_block {
	uint8_t *data;          /* NULL: not read yet */
	uint32_t *off;          /* where record k (chunk first + k) starts */
	uint64_t first;
	size_t n;
	bool bad;               /* unreadable: every chunk in it may run */
};

struct hs_db_addr_filters {
	const struct hs_dbfile *f;
	struct af_block *b;
	size_t n_blocks;
};

int hs_db_addr_filters_open(const struct hs_db_image *img, struct hs_db_addr_filters **out)
{
	const struct hs_dbfile *f = img->files[HS_DB_ADDRS];
	struct hs_db_addr_filters *af;

	*out = NULL;
	if (!f)
		return -ENOENT;
	af = calloc(1, sizeof(*af));
	if (!af)
		return -ENOMEM;
	af->f = f;
	af->n_blocks = hs_dbfile_block_count(f);
	af->b = calloc(af->n_blocks + 1, sizeof(*af->b));
	if (!af->b) {
		free(af);
		return -ENOMEM;
	}
	*out = af;
	return 0;
}

void hs_db_addr_filters_free(struct hs_db_addr_filters *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_blocks; i++) {
		free(f->b[i].data);
		free(f->b[i].off);
	}
	free(f->b);
	free(f);
}

/* Reads block i and indexes its records; a damaged one is bad. */
static void load(struct hs_db_addr_filters *af, size_t i)
{
	const struct hs_dbfile_block_info *bi = hs_dbfile_block(af->f, i);
	struct af_block *b = &af->b[i];
	size_t pos = 0;

	if (hs_dbfile_read_block(af->f, i, &b->data) < 0 ||
	    !(b->off = calloc(bi->n_records + 1, sizeof(*b->off)))) {
		b->bad = true;
		return;
	}
	b->first = bi->first_key;
	while (pos + HS_DB_ADDRS_HDR <= bi->raw && b->n < bi->n_records) {
		const uint8_t *r = b->data + pos;
		uint32_t lg = hs_le32(r + 8);

		if (hs_le64(r) != b->first + b->n || lg < HS_DB_ADDRS_MIN_LOG2 ||
		    lg > HS_DB_ADDRS_MAX_LOG2 ||
		    HS_DB_ADDRS_HDR + ((size_t)1 << lg) / 8 > bi->raw - pos)
			break;
		b->off[b->n++] = (uint32_t)pos;
		pos += HS_DB_ADDRS_HDR + ((size_t)1 << lg) / 8;
	}
	if (b->n != bi->n_records || pos != bi->raw) {
		db_corrupt(af->f, i, "ADDRS records out of order or cut short");
		b->n = 0;
		b->bad = true;
	}
}

int hs_db_addr_may_run(struct hs_db_addr_filters *af, uint64_t chunk, uint64_t addr)
{
	size_t i;
	struct af_block *b;
	const uint8_t *r;

	if (!af || !af->n_blocks)
		return 1;
	i = hs_dbfile_find(af->f, chunk);
	b = &af->b[i];
	if (!b->data && !b->bad)
		load(af, i);
	if (b->bad || chunk < b->first || chunk - b->first >= b->n)
		return 1;
	HS_ANALYZER_ASSUME(b->data); /* b->n records were read from it */
	r = b->data + b->off[chunk - b->first];
	return hs_db_addr_filter_has(r + HS_DB_ADDRS_HDR, hs_le32(r + 8), addr);
}
