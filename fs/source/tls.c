/* tls.c - fs/source: a thread's thread-local block, walked through
 * glibc's structures as libthread_db's td_thr_tls_get_addr does
 * (include/hindsight/tls.h).  Its two users differ only in how they read
 * memory and find a symbol: the expression evaluator (cexpr_tls.c) and
 * the gdbserver stub's qGetTLSAddr (server/gdb/gdb_tls.c).
 */
#include <errno.h>

#include "hindsight/le.h"
#include "hindsight/tls.h"

#define SLOTINFO_MAX 4096     /* dtv_slotinfo_list entries walked at most */
#define NO_TLS_OFFSET 0       /* glibc: not assigned yet */
#define FORCED_DYNAMIC_TLS_OFFSET ((uint64_t)-1)
#define TLS_DTV_UNALLOCATED ((uint64_t)-1)

/* glibc's db_info.c descriptor: a field's size in bits, its element
 * count and its byte offset in its structure. */
struct tls_desc {
	uint32_t bits, count, offset;
};

static int read_u64(const struct hs_tls_target *t, uint64_t addr, uint64_t *out)
{
	uint8_t b[8];
	int r = t->read(t->ctx, addr, b, sizeof b);

	*out = r ? 0 : hs_le64(b);
	return r;
}

static int desc_get(const struct hs_tls_target *t, const char *name, struct tls_desc *d)
{
	uint8_t w[12];
	uint64_t a;
	int r = t->symbol(t->ctx, name, &a);

	if (r)
		return r;
	if ((r = t->read(t->ctx, a, w, sizeof w)))
		return r;
	d->bits = hs_le32(w);
	d->count = hs_le32(w + 4);
	d->offset = hs_le32(w + 8);
	return 0;
}

int hs_tls_field(const struct hs_tls_target *t, const char *name, uint64_t base,
		 uint64_t *out)
{
	struct tls_desc d;
	uint8_t b[8] = { 0 };
	int r = desc_get(t, name, &d);

	if (r)
		return r;
	if (d.bits == 0 || d.bits > 64 || d.bits % 8)
		return -ENODATA;
	r = t->read(t->ctx, base + d.offset, b, d.bits / 8);
	*out = r ? 0 : hs_le64(b);
	return r;
}

/* The head of ld.so's list of TLS module slots (dtv_slotinfo_list):
 * _rtld_global's field, or a static executable's own variable. */
static int slotinfo_list(const struct hs_tls_target *t, uint64_t *head)
{
	uint64_t a;

	if (t->symbol(t->ctx, "_rtld_global", &a) == 0)
		return hs_tls_field(t, "_thread_db_rtld_global__dl_tls_dtv_slotinfo_list", a,
				    head);
	if (t->symbol(t->ctx, "_dl_tls_dtv_slotinfo_list", &a))
		return -ENOENT;
	return read_u64(t, a, head);
}

/* The DTV generation module modid needs (its dtv_slotinfo's gen), as
 * libthread_db's dtv_slotinfo: 0, -ENOENT (no such slot, no list). */
static int module_gen(const struct hs_tls_target *t, uint64_t modid, uint64_t *gen)
{
	struct tls_desc arr;
	uint64_t slot, len, base = 0;
	int r, k;

	if ((r = slotinfo_list(t, &slot)) ||
	    (r = desc_get(t, "_thread_db_dtv_slotinfo_list_slotinfo", &arr)))
		return r;
	for (k = 0; slot && k < SLOTINFO_MAX; k++) {
		if ((r = hs_tls_field(t, "_thread_db_dtv_slotinfo_list_len", slot, &len)))
			return r;
		if (modid < base + len)
			break;
		base += len;
		if ((r = hs_tls_field(t, "_thread_db_dtv_slotinfo_list_next", slot, &slot)))
			return r;
	}
	if (!slot || k == SLOTINFO_MAX || arr.bits % 8)
		return -ENOENT;
	return hs_tls_field(t, "_thread_db_dtv_slotinfo_gen",
			    slot + arr.offset + (modid - base) * (arr.bits / 8), gen);
}

/* The block in the thread's DTV (dtv[modid].pointer.val), as
 * libthread_db's td_thr_tlsbase: -ENODATA while the thread has none. */
static int dtv_block(const struct hs_tls_target *t, uint64_t tp, uint64_t lm, uint64_t *out)
{
	struct tls_desc slot;
	uint64_t modid, dtv, val, gen, dtvgen;
	int r;

	if ((r = hs_tls_field(t, "_thread_db_link_map_l_tls_modid", lm, &modid)) ||
	    (r = hs_tls_field(t, "_thread_db_pthread_dtvp", tp, &dtv)) ||
	    (r = desc_get(t, "_thread_db_dtv_dtv", &slot)))
		return r;
	if (modid < 1 || slot.bits % 8)
		return -ENODATA;
	/* a DTV older than the module: its slot is not the module's yet
	 * (a glibc without the slotinfo descriptors: the slot decides) */
	if (module_gen(t, modid, &gen) == 0 &&
	    hs_tls_field(t, "_thread_db_dtv_t_counter", dtv + slot.offset, &dtvgen) == 0 &&
	    dtvgen < gen)
		return -ENODATA;
	r = hs_tls_field(t, "_thread_db_dtv_t_pointer_val",
			 dtv + slot.offset + modid * (slot.bits / 8), &val);
	if (r)
		return r;
	if (val == TLS_DTV_UNALLOCATED || (val & 1) || !val)
		return -ENODATA; /* libthread_db: TD_TLSDEFER, not allocated yet */
	*out = val;
	return 0;
}

int hs_tls_block(const struct hs_tls_target *t, uint64_t tp, uint64_t lm, uint64_t *out)
{
	uint64_t off;
	int r = hs_tls_field(t, "_thread_db_link_map_l_tls_offset", lm, &off);

	if (r)
		return r;
	if (off != NO_TLS_OFFSET && off != FORCED_DYNAMIC_TLS_OFFSET) {
		*out = tp - off;
		return 0;
	}
	return dtv_block(t, tp, lm, out);
}
