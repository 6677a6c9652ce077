/* cexpr_tls.c - fs/source: where a thread's copy of a module's
 * thread-local variables is (DW_OP_form_tls_address).
 *
 * gdb asks libthread_db (td_thr_tls_get_addr), which reads glibc's own
 * structures in the inferior through the layout descriptors glibc
 * exports for it; tls.c (hindsight/tls.h) does that walk, shared with
 * the gdbserver stub's qGetTLSAddr.  This gives it the memory at the
 * moment and the program's symbols, and finds the module's struct
 * link_map in the list at _r_debug.r_map (ld.so's; a static executable
 * has its own _r_debug), matched by l_addr = the module's load bias.
 * A static executable that does not link libpthread has no descriptors
 * (gdb then says "Cannot find thread-local variables on this target"):
 * its block is where glibc's __libc_setup_tls puts it, fs_base -
 * roundup(PT_TLS p_memsz, p_align).  A dlopen'ed module's block exists
 * in a thread only once the thread touched one of its variables: until
 * then, libthread_db's TD_TLSDEFER and gdb's "The inferior has not yet
 * allocated storage..." error (src_tls_deferred).  Callers hold
 * s->dw_lock.
 */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hindsight/tls.h"

#include "cexpr_i.h"

#define LINK_MAP_MAX 4096     /* link_map entries walked at most */
#define LM_L_ADDR 0           /* struct link_map's public head (link.h) */
#define LM_L_NAME 8
#define LM_L_NEXT 24
#define R_DEBUG_R_MAP 8       /* struct r_debug: int r_version; r_map */

static int read_u64(const struct src_ctx *c, uint64_t addr, uint64_t *out)
{
	*out = 0;
	return src_ctx_read(c, addr, out, 8) == 8 ? 0 : -EIO;
}

/* struct hs_tls_target's calls on a src_ctx: its memory at the moment
 * and the program's symbols */
static int tls_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return src_ctx_read(ctx, addr, buf, len) == (ssize_t)len ? 0 : -EIO;
}

static int tls_symbol(void *ctx, const char *name, uint64_t *addr)
{
	const struct src_ctx *c = ctx;

	return src_obj_address(c->s, name, addr) ? -ENOENT : 0;
}

static struct hs_tls_target tls_target(const struct src_ctx *c)
{
	return (struct hs_tls_target){ .read = tls_read, .symbol = tls_symbol,
				       .ctx = (void *)c };
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
	struct hs_tls_target t = tls_target(c);
	uint64_t tp = c->regs ? c->regs->fs_base : 0, lm, off;
	int r;

	if (!tp || !c->m)
		return -ENODATA;
	r = link_map_of(c, c->m, &lm);
	if (r == 0)
		r = hs_tls_block(&t, tp, lm, out);
	/* no descriptors: a static executable without libpthread */
	if (r == -ENOENT && src_obj_address(c->s, "_thread_db_link_map_l_tls_offset", &off))
		return static_block(c, tp, out);
	return r;
}

int cx_tls_deferred(const struct src_ctx *c, char *msg, size_t cap)
{
	struct hs_tls_target t = tls_target(c);
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
	hs_tls_field(&t, "_thread_db_pthread_tid", tp, &tid);
	snprintf(msg, cap,
		 "The inferior has not yet allocated storage for thread-local variables in\n"
		 "the shared library `%s'\nfor Thread 0x%" PRIx64 " (LWP %d)",
		 name, tp, (int)(int32_t)tid);
	return 0;
}
