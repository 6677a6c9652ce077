/* cexpr_tls.c - fs/source: where a thread's copy of a module's
 * thread-local variables is (DW_OP_form_tls_address).
 *
 * gdb asks libthread_db (td_thr_tls_get_addr), which reads glibc's own
 * structures in the inferior through the layout descriptors glibc
 * exports for it (_thread_db_link_map_l_tls_offset and the like: size
 * in bits, count, byte offset), so no glibc-private offset is built in
 * here either.  The module's struct link_map comes from the list at
 * _r_debug.r_map (ld.so's; a static executable has its own _r_debug),
 * matched by l_addr = the module's load bias.  On x86-64 (TLS variant
 * II) a module loaded at start-up has static TLS: its block sits at the
 * thread pointer (fs_base, the thread's at the moment) minus the
 * module's l_tls_offset; a module loaded later (dlopen) has its block
 * in the thread's DTV, dtv[l_tls_modid].  A static executable that
 * does not link libpthread has no descriptors (gdb then says "Cannot
 * find thread-local variables on this target"): its block is where
 * glibc's __libc_setup_tls puts it, fs_base - roundup(PT_TLS p_memsz,
 * p_align).  A dlopen'ed module's block exists in a thread only once
 * the thread touched one of its variables (__tls_get_addr brings the
 * thread's DTV up to the module's generation, then allocates): until
 * then the DTV is older than the module (its slot is stale, or past
 * the DTV's end) or the slot is unallocated, libthread_db's TD_TLSDEFER
 * and gdb's "The inferior has not yet allocated storage..." error
 * (src_tls_deferred).  Callers hold s->dw_lock.
 */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cexpr_i.h"

/* glibc's db_info.c descriptor: a field's size in bits, its element
 * count and its byte offset in its structure. */
struct tls_desc {
	uint32_t bits, count, offset;
};

#define LINK_MAP_MAX 4096     /* link_map entries walked at most */
#define SLOTINFO_MAX 4096     /* dtv_slotinfo_list entries walked at most */
#define LM_L_ADDR 0           /* struct link_map's public head (link.h) */
#define LM_L_NAME 8
#define LM_L_NEXT 24
#define R_DEBUG_R_MAP 8       /* struct r_debug: int r_version; r_map */
#define NO_TLS_OFFSET 0       /* glibc: not assigned yet */
#define FORCED_DYNAMIC_TLS_OFFSET ((uint64_t)-1)
#define TLS_DTV_UNALLOCATED ((uint64_t)-1)

static int read_u64(const struct src_ctx *c, uint64_t addr, uint64_t *out)
{
	*out = 0;
	return src_ctx_read(c, addr, out, 8) == 8 ? 0 : -EIO;
}

static int desc_get(const struct src_ctx *c, const char *name, struct tls_desc *d)
{
	uint64_t a;

	if (src_obj_address(c->s, name, &a))
		return -ENOENT;
	return src_ctx_read(c, a, d, sizeof *d) == (ssize_t)sizeof *d ? 0 : -EIO;
}

/* The field d of the structure at base (a scalar of up to 8 bytes). */
static int field_get(const struct src_ctx *c, const char *name, uint64_t base, uint64_t *out)
{
	struct tls_desc d;
	int r = desc_get(c, name, &d);

	if (r)
		return r;
	if (d.bits == 0 || d.bits > 64 || d.bits % 8)
		return -ENODATA;
	*out = 0;
	return src_ctx_read(c, base + d.offset, out, d.bits / 8) == (ssize_t)(d.bits / 8) ?
		0 : -EIO;
}

/* The struct link_map of module m: 0, -ENOENT (no list, or m not in it). */
static int link_map_of(const struct src_ctx *c, const struct src_mod *m, uint64_t *lm)
{
	uint64_t rd, map, l_addr;
	int k;

	if (src_obj_address(c->s, "_r_debug", &rd) || read_u64(c, rd + R_DEBUG_R_MAP, &map))
		return -ENOENT;
	for (k = 0; map && k < LINK_MAP_MAX; k++) {
		if (read_u64(c, map + LM_L_ADDR, &l_addr))
			return -EIO;
		if (l_addr == m->pub.bias) {
			*lm = map;
			return 0;
		}
		if (read_u64(c, map + LM_L_NEXT, &map))
			return -EIO;
	}
	return -ENOENT;
}

/* The head of ld.so's list of TLS module slots (dtv_slotinfo_list):
 * _rtld_global's field, or a static executable's own variable. */
static int slotinfo_list(const struct src_ctx *c, uint64_t *head)
{
	struct tls_desc d;
	uint64_t a;
	int r;

	if (src_obj_address(c->s, "_rtld_global", &a) == 0) {
		if ((r = desc_get(c, "_thread_db_rtld_global__dl_tls_dtv_slotinfo_list", &d)))
			return r;
		return read_u64(c, a + d.offset, head);
	}
	if (src_obj_address(c->s, "_dl_tls_dtv_slotinfo_list", &a))
		return -ENOENT;
	return read_u64(c, a, head);
}

/* The DTV generation module modid needs (its dtv_slotinfo's gen), as
 * libthread_db's dtv_slotinfo: 0, -ENOENT (no such slot, no list). */
static int module_gen(const struct src_ctx *c, uint64_t modid, uint64_t *gen)
{
	struct tls_desc arr;
	uint64_t slot, len, base = 0;
	int r, k;

	if ((r = slotinfo_list(c, &slot)) || (r = desc_get(c, "_thread_db_dtv_slotinfo_list_slotinfo", &arr)))
		return r;
	for (k = 0; slot && k < SLOTINFO_MAX; k++) {
		if ((r = field_get(c, "_thread_db_dtv_slotinfo_list_len", slot, &len)))
			return r;
		if (modid < base + len)
			break;
		base += len;
		if ((r = field_get(c, "_thread_db_dtv_slotinfo_list_next", slot, &slot)))
			return r;
	}
	if (!slot || k == SLOTINFO_MAX || arr.bits % 8)
		return -ENOENT;
	return field_get(c, "_thread_db_dtv_slotinfo_gen",
			 slot + arr.offset + (modid - base) * (arr.bits / 8), gen);
}

/* The block in the thread's DTV (dtv[modid].pointer.val), as
 * libthread_db's td_thr_tlsbase: -ENODATA while the thread has none. */
static int dtv_block(const struct src_ctx *c, uint64_t tp, uint64_t lm, uint64_t *out)
{
	struct tls_desc slot;
	uint64_t modid, dtv, val, gen, dtvgen;
	int r;

	if ((r = field_get(c, "_thread_db_link_map_l_tls_modid", lm, &modid)) ||
	    (r = field_get(c, "_thread_db_pthread_dtvp", tp, &dtv)) ||
	    (r = desc_get(c, "_thread_db_dtv_dtv", &slot)))
		return r;
	if (modid < 1 || slot.bits % 8)
		return -ENODATA;
	/* a DTV older than the module: its slot is not the module's yet
	 * (a glibc without the slotinfo descriptors: the slot decides) */
	if (module_gen(c, modid, &gen) == 0 &&
	    field_get(c, "_thread_db_dtv_t_counter", dtv + slot.offset, &dtvgen) == 0 &&
	    dtvgen < gen)
		return -ENODATA;
	r = field_get(c, "_thread_db_dtv_t_pointer_val",
		      dtv + slot.offset + modid * (slot.bits / 8), &val);
	if (r)
		return r;
	if (val == TLS_DTV_UNALLOCATED || (val & 1) || !val)
		return -ENODATA; /* libthread_db: TD_TLSDEFER, not allocated yet */
	*out = val;
	return 0;
}

/* A static executable's own block (no descriptors, no dynamic linker):
 * module m has a PT_TLS and no PT_INTERP. */
static int static_block(const struct src_ctx *c, uint64_t tp, uint64_t *out)
{
	Dwarf_Addr b;
	Elf *elf = c->m->dm ? dwfl_module_getelf(c->m->dm, &b) : NULL;
	GElf_Phdr ph, tls = { .p_type = PT_NULL };
	size_t i, n;

	if (!elf || elf_getphdrnum(elf, &n))
		return -ENOENT;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_INTERP)
			return -ENOENT;
		if (ph.p_type == PT_TLS)
			tls = ph;
	}
	if (tls.p_type != PT_TLS)
		return -ENOENT;
	if (tls.p_align > 1)
		tls.p_memsz = (tls.p_memsz + tls.p_align - 1) / tls.p_align * tls.p_align;
	*out = tp - tls.p_memsz;
	return 0;
}

int src_tls_block(const struct src_ctx *c, uint64_t *out)
{
	uint64_t tp = c->regs ? c->regs->fs_base : 0, lm, off;
	int r;

	if (!tp || !c->m)
		return -ENODATA;
	r = link_map_of(c, c->m, &lm);
	if (r == 0)
		r = field_get(c, "_thread_db_link_map_l_tls_offset", lm, &off);
	if (r == -ENOENT && src_obj_address(c->s, "_thread_db_link_map_l_tls_offset", &off))
		return static_block(c, tp, out);
	if (r)
		return r;
	if (off != NO_TLS_OFFSET && off != FORCED_DYNAMIC_TLS_OFFSET) {
		*out = tp - off;
		return 0;
	}
	return dtv_block(c, tp, lm, out);
}

int cx_tls_deferred(const struct src_ctx *c, char *msg, size_t cap)
{
	uint64_t tp = c->regs ? c->regs->fs_base : 0, lm, name_at, block, tid = 0;
	char name[512];
	ssize_t n;

	if (!tp || !c->m || src_tls_block(c, &block) != -ENODATA ||
	    link_map_of(c, c->m, &lm) || read_u64(c, lm + LM_L_NAME, &name_at))
		return -ENOENT;
	n = name_at ? src_ctx_read(c, name_at, name, sizeof name - 1) : -EIO;
	if (n <= 0)
		return -ENOENT;
	name[n] = 0;
	if (strnlen(name, (size_t)n) == (size_t)n)
		return -ENOENT; /* no NUL within reach: not a name */
	/* gdb names the thread as libthread_db knows it: the pthread_t (the
	 * thread pointer) and the kernel's tid from the descriptor */
	field_get(c, "_thread_db_pthread_tid", tp, &tid);
	snprintf(msg, cap,
		 "The inferior has not yet allocated storage for thread-local variables in\n"
		 "the shared library `%s'\nfor Thread 0x%" PRIx64 " (LWP %d)",
		 name, tp, (int)(int32_t)tid);
	return 0;
}
