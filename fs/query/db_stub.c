/* db_stub.c - where a PLT-style stub leads: the hop between a call and the
 * function it reaches.
 *
 * A call through the PLT enters a stub (.plt, .plt.sec, .plt.got: an
 * indirect jmp through a GOT slot, after an optional endbr64 and bnd),
 * not the function.  The slot holds the function once the dynamic linker
 * bound it (at start-up, or lazily at the first call: then the slot first
 * points back into the stub, and the lazy resolver jumps on to the
 * function itself).  So the function a stub reaches is its slot's value at
 * the end of the recording, when every stub that ran has been bound (or
 * for a library unmapped before the end, dlclose, at its last moment
 * mapped); an ifunc's slot holds the implementation it chose
 * (__strlen_avx2).
 */
#include <errno.h>
#include <string.h>

#include "query_i.h"

/* The GOT slot of the stub at addr, from its bytes; false: no stub. */
static bool stub_slot(const uint8_t *b, size_t n, uint64_t addr, uint64_t *slot)
{
	size_t k = 0;
	int32_t disp;

	if (n >= 4 && b[0] == 0xf3 && b[1] == 0x0f && b[2] == 0x1e && b[3] == 0xfa)
		k = 4; /* endbr64 */
	if (k < n && b[k] == 0xf2)
		k++;   /* bnd */
	if (k + 6 > n || b[k] != 0xff || b[k + 1] != 0x25)
		return false;
	memcpy(&disp, b + k + 2, 4);
	*slot = addr + k + 6 + (uint64_t)(int64_t)disp; /* rip-relative */
	return true;
}

/* The last moment the file mapping holding addr was mapped (a module a
 * dlclose unmapped before the end): its t_unmap - 1, the latest such. */
struct last_mapped {
	uint64_t addr, t;
	bool found;
};

static int on_file_map(void *ctx, const struct hs_db_file_map *m)
{
	struct last_mapped *l = ctx;

	if (l->addr >= m->start && l->addr < m->end && m->t_unmap != HS_DB_NO_RETURN &&
	    m->t_unmap > 0 && (!l->found || m->t_unmap - 1 > l->t)) {
		l->t = m->t_unmap - 1;
		l->found = true;
	}
	return 0;
}

int hs_db_stub_target_at(const struct hs_db_image *img, uint64_t addr, uint64_t t,
			 uint64_t *target)
{
	uint8_t code[16], got[8];
	uint64_t slot, to;
	ssize_t n;

	n = hs_db_mem_read(img, t, addr, sizeof(code), code);
	if (n < 0)
		return (int)n;
	if (!stub_slot(code, (size_t)n, addr, &slot))
		return -ENOENT;
	n = hs_db_mem_read(img, t, slot, sizeof(got), got);
	if (n < 0)
		return (int)n;
	if (n != sizeof(got))
		return -EIO;
	memcpy(&to, got, 8);
	/* never bound (the slot still leads into the stub's own lazy path) */
	if (to >= addr && to < addr + 16)
		return -ENOENT;
	*target = to;
	return 0;
}

int hs_db_stub_target(const struct hs_db_image *img, uint64_t addr, uint64_t *target)
{
	struct hs_db_image_info info;
	struct last_mapped l = { .addr = addr };
	int err;

	hs_db_image_info(img, &info);
	err = hs_db_stub_target_at(img, addr, info.t_end, target);
	if (err != -EIO)
		return err;
	/* unmapped by the end (a dlclose'd library's stub): its slot as it
	 * was when the library was last mapped */
	if ((err = hs_db_file_maps(img, on_file_map, &l)))
		return err;
	return l.found ? hs_db_stub_target_at(img, addr, l.t, target) : -ENOENT;
}
