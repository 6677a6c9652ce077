/* le.h - little-endian loads and stores of on-disk integers.
 *
 * Owner: the common layer (header only).  Users: every module, the
 * recorder included: it needs no libc, only <stdint.h>, which the
 * compiler provides even to a Valgrind tool.  Every on-disk integer of
 * Hindsight's formats (trace_format.h, db_format.h) is little-endian and
 * is read or written through these, never by casting a struct over the
 * bytes (zstd's MEM_readLE32).  The pointers need no alignment; gcc -O2
 * makes each one load or store on x86-64.
 *
 * A record of several fixed fields is described once, by a table of
 * struct hs_le_field (HS_LE_FIELD rows: the member, its offset in the
 * record, its width there), and read and written by hs_le_unpack() and
 * hs_le_pack() from that one table, so that the reader and the writer of
 * a layout cannot disagree. */
#ifndef HINDSIGHT_LE_H
#define HINDSIGHT_LE_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t hs_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t hs_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t hs_le64(const uint8_t *p)
{
	return (uint64_t)hs_le32(p) | (uint64_t)hs_le32(p + 4) << 32;
}

static inline void hs_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void hs_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void hs_put_le64(uint8_t *p, uint64_t v)
{
	hs_put_le32(p, (uint32_t)v);
	hs_put_le32(p + 4, (uint32_t)(v >> 32));
}

/* One fixed field of an on-disk record: `width` bytes (1, 2, 4 or 8) at
 * `off` in the record, the C struct's member of `size` bytes (>= width)
 * at `at`.  Reading zero-extends to the member; writing keeps the low
 * `width` bytes. */
struct hs_le_field {
	uint16_t off, at;
	uint8_t width, size;
};

#define HS_LE_FIELD(type, member, off, width) \
	{ (off), offsetof(type, member), (width), sizeof(((type *)0)->member) }

static inline uint64_t hs_le_get(const uint8_t *p, unsigned width)
{
	switch (width) {
	case 1: return p[0];
	case 2: return hs_le16(p);
	case 4: return hs_le32(p);
	default: return hs_le64(p);
	}
}

static inline void hs_le_set(uint8_t *p, unsigned width, uint64_t v)
{
	switch (width) {
	case 1: p[0] = (uint8_t)v; break;
	case 2: hs_put_le16(p, (uint16_t)v); break;
	case 4: hs_put_le32(p, (uint32_t)v); break;
	default: hs_put_le64(p, v); break;
	}
}

/* The n fields of table f from record rec into the struct at dst. */
static inline void hs_le_unpack(void *dst, const uint8_t *rec,
				const struct hs_le_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = hs_le_get(rec + f[i].off, f[i].width);
		uint8_t *m = (uint8_t *)dst + f[i].at;

		/* through the member's own width: no cast of the struct */
		switch (f[i].size) {
		case 1: { uint8_t x = (uint8_t)v; __builtin_memcpy(m, &x, 1); break; }
		case 2: { uint16_t x = (uint16_t)v; __builtin_memcpy(m, &x, 2); break; }
		case 4: { uint32_t x = (uint32_t)v; __builtin_memcpy(m, &x, 4); break; }
		default: __builtin_memcpy(m, &v, 8); break;
		}
	}
}

/* The n fields of table f from the struct at src into record rec. */
static inline void hs_le_pack(uint8_t *rec, const void *src,
			      const struct hs_le_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const uint8_t *m = (const uint8_t *)src + f[i].at;
		uint64_t v;

		switch (f[i].size) {
		case 1: { uint8_t x; __builtin_memcpy(&x, m, 1); v = x; break; }
		case 2: { uint16_t x; __builtin_memcpy(&x, m, 2); v = x; break; }
		case 4: { uint32_t x; __builtin_memcpy(&x, m, 4); v = x; break; }
		default: __builtin_memcpy(&v, m, 8); break;
		}
		hs_le_set(rec + f[i].off, f[i].width, v);
	}
}

#define HS_LE_NFIELDS(tab) (sizeof(tab) / sizeof((tab)[0]))

#endif
