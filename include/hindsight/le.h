/* le.h - little-endian loads and stores of on-disk integers.
 *
 * Owner: the common layer (header only).  Users: every module, the
 * recorder included: it needs no libc, only <stdint.h>, which the
 * compiler provides even to a Valgrind tool.  Every on-disk integer of
 * Hindsight's formats (trace_format.h, db_format.h) is little-endian and
 * is read or written through these, never by casting a struct over the
 * bytes (zstd's MEM_readLE32).  The pointers need no alignment; gcc -O2
 * makes each one load or store on x86-64. */
#ifndef HINDSIGHT_LE_H
#define HINDSIGHT_LE_H

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

#endif
