/* dbb_fold.c - PAGES records: build, parse, apply, and the merge's chains.
 *
 * The merge sees every version of a page in chunk order and keeps the
 * page's bytes while it knows them: from the zero page before the page's
 * first version, or from a FULL.  A COPY's source is another page (or this
 * one, earlier), which the merge does not have at hand, so a COPY makes the
 * page unknown until a FULL comes from the recording itself (a page written
 * whole: a mapping, a big memcpy).  While known, every HS_DB_FULL_EVERY-th
 * version since the last FULL is written as a FULL, so that a reader applies
 * at most HS_DB_FULL_EVERY - 1 DIFFs on top of a FULL.
 */
#include <errno.h>
#include <stdlib.h>

#include "dbb_i.h"

/* The fixed fields of a PAGES record's header (db_format.h); the mask
 * follows at 48, then data_len. */
#define PF(m, off, w) HS_LE_FIELD(struct hs_dbb_page_rec, m, off, w)
static const struct hs_le_field page_fields[] = {
	PF(page, 0, 8), PF(chunk, 8, 8), PF(t, 16, 8), PF(kind, 24, 4),
	PF(flags, 28, 4), PF(copy_src, 32, 8), PF(copy_t, 40, 8),
	PF(data_len, 48 + HS_DB_MASK_BYTES, 4),
};
#undef PF

void dbb_page_hdr(uint8_t *b, uint64_t page, uint64_t chunk, uint64_t t,
		  uint32_t kind, uint32_t flags, uint64_t copy_src,
		  uint64_t copy_t, const uint8_t *mask, uint32_t data_len)
{
	struct hs_dbb_page_rec v = {
		.page = page, .chunk = chunk, .t = t, .kind = kind, .flags = flags,
		.copy_src = copy_src, .copy_t = copy_t, .data_len = data_len,
	};

	hs_le_pack(b, &v, page_fields, HS_LE_NFIELDS(page_fields));
	memcpy(b + 48, mask, HS_DB_MASK_BYTES);
}

/* Bits set in x, without the popcnt instruction (not in the x86-64
 * baseline: __builtin_popcountll is then a libgcc call per word). */
static inline uint64_t pop64(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (x * 0x0101010101010101ull) >> 56;
}

__attribute__((target("popcnt")))
static uint32_t count_popcnt(const uint8_t *mask)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < HS_DB_MASK_BYTES; i += 8)
		n += (uint32_t)__builtin_popcountll(hs_le64(mask + i));
	return n;
}

/* Every page version of the merge is counted here (64 words): the libgcc
 * call per word was a quarter of the PAGES stream.  The instruction where
 * the CPU has it (a test, not an ifunc clone: those crash ThreadSanitizer
 * builds at load time). */
uint32_t dbb_mask_count(const uint8_t *mask)
{
	uint64_t n = 0;

	if (__builtin_cpu_supports("popcnt"))
		return count_popcnt(mask);
	for (unsigned i = 0; i < HS_DB_MASK_BYTES; i += 8)
		n += pop64(hs_le64(mask + i));
	return (uint32_t)n;
}

bool dbb_mask_full(const uint8_t *mask)
{
	for (unsigned i = 0; i < HS_DB_MASK_BYTES; i += 8)
		if (hs_le64(mask + i) != UINT64_MAX)
			return false;
	return true;
}

uint32_t dbb_mask_gather(const uint8_t *mask, const uint8_t *page, uint8_t *out)
{
	uint32_t n = 0;

	for (unsigned w = 0; w < HS_DB_MASK_BYTES / 8; w++) {
		uint64_t m = hs_le64(mask + 8 * w);
		const uint8_t *src = page + 64 * w;

		if (m == UINT64_MAX) {
			memcpy(out + n, src, 64);
			n += 64;
			continue;
		}
		while (m) {
			unsigned b = (unsigned)__builtin_ctzll(m);

			out[n++] = src[b];
			m &= m - 1;
		}
	}
	return n;
}

/* The masked bytes in data go to page, in address order. */
static void mask_scatter(const uint8_t *mask, const uint8_t *data, uint8_t *page)
{
	uint32_t n = 0;

	for (unsigned w = 0; w < HS_DB_MASK_BYTES / 8; w++) {
		uint64_t m = hs_le64(mask + 8 * w);
		uint8_t *dst = page + 64 * w;

		if (m == UINT64_MAX) {
			memcpy(dst, data + n, 64);
			n += 64;
			continue;
		}
		while (m) {
			unsigned b = (unsigned)__builtin_ctzll(m);

			dst[b] = data[n++];
			m &= m - 1;
		}
	}
}

int hs_dbb_page_parse(const uint8_t *rec, size_t len, struct hs_dbb_page_rec *v)
{
	if (len < HS_DB_PAGE_HDR)
		return -EBADMSG;
	hs_le_unpack(v, rec, page_fields, HS_LE_NFIELDS(page_fields));
	v->mask = rec + 48;
	v->data = rec + HS_DB_PAGE_HDR;
	if (len != (size_t)HS_DB_PAGE_HDR + v->data_len || (v->page & DBB_PAGE_MASK))
		return -EBADMSG;
	switch (v->kind) {
	case HS_DB_FULL:
		if (v->data_len != HS_DB_PAGE && v->data_len != 0)
			return -EBADMSG;
		return 0;
	case HS_DB_DIFF:
	case HS_DB_COPY:
		return v->data_len == dbb_mask_count(v->mask) ? 0 : -EBADMSG;
	default:
		return -EBADMSG;
	}
}

int hs_dbb_page_apply(uint8_t *page, const struct hs_dbb_page_rec *v)
{
	switch (v->kind) {
	case HS_DB_FULL:
		if (v->data_len)
			memcpy(page, v->data, HS_DB_PAGE);
		else
			memset(page, 0, HS_DB_PAGE);
		return 0;
	case HS_DB_DIFF:
	case HS_DB_COPY: /* page holds the source's bytes */
		if (v->data_len != dbb_mask_count(v->mask))
			return -EBADMSG;
		mask_scatter(v->mask, v->data, page);
		return 0;
	default:
		return -EBADMSG;
	}
}

/* ---- the chain ---------------------------------------------------------- */

struct hs_dbb_fold {
	bool have_page;
	uint64_t page;
	bool known;           /* bytes holds the page at the last version */
	unsigned since_full;  /* versions since the last FULL (or the zero
			       * page before the first version) */
	uint8_t bytes[HS_DB_PAGE];
	uint8_t out[HS_DB_PAGE_HDR + HS_DB_PAGE];
};

int hs_dbb_fold_new(struct hs_dbb_fold **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void hs_dbb_fold_free(struct hs_dbb_fold *f)
{
	free(f);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 8)
		if (hs_le64(p + i))
			return false;
	return true;
}

int hs_dbb_fold_next(struct hs_dbb_fold *f, const uint8_t *rec, size_t len,
		     const uint8_t **out, size_t *out_len)
{
	struct hs_dbb_page_rec v;
	int ret = hs_dbb_page_parse(rec, len, &v);

	if (ret)
		return ret;
	if (!f->have_page || f->page != v.page) {
		f->have_page = true;
		f->page = v.page;
		f->known = true; /* never written before: zeros */
		f->since_full = 0;
		memset(f->bytes, 0, HS_DB_PAGE);
	}
	*out = rec;
	*out_len = len;
	switch (v.kind) {
	case HS_DB_FULL:
		hs_dbb_page_apply(f->bytes, &v);
		f->known = true;
		f->since_full = 0;
		return 0;
	case HS_DB_COPY:
		f->known = false;
		return 0;
	default:
		break;
	}
	if (!f->known)
		return 0;
	hs_dbb_page_apply(f->bytes, &v);
	if (++f->since_full < HS_DB_FULL_EVERY)
		return 0;
	/* materialise: this chunk's mask and flags, the whole page */
	f->since_full = 0;
	if (all_zero(f->bytes, HS_DB_PAGE)) {
		dbb_page_hdr(f->out, v.page, v.chunk, v.t, HS_DB_FULL, v.flags, 0, 0,
			     v.mask, 0);
		*out_len = HS_DB_PAGE_HDR;
	} else {
		dbb_page_hdr(f->out, v.page, v.chunk, v.t, HS_DB_FULL, v.flags, 0, 0,
			     v.mask, HS_DB_PAGE);
		memcpy(f->out + HS_DB_PAGE_HDR, f->bytes, HS_DB_PAGE);
		*out_len = HS_DB_PAGE_HDR + HS_DB_PAGE;
	}
	*out = f->out;
	return 0;
}
