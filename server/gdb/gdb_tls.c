/* gdb_tls.c - qGetTLSAddr: where a thread's copy of a module's
 * thread-local variable is, and qXfer:siginfo:read's siginfo.
 *
 * gdb 13 does not load libthread_db for a remote target; it sends
 * qGetTLSAddr:TID,OFFSET,LM (LM: the module's struct link_map, from
 * qXfer:libraries-svr4's list) and gdbserver answers through
 * libthread_db's td_thr_tls_get_addr.  fs/source's tls.c
 * (hindsight/tls.h, shared with the tree's evaluator) does what that
 * does, from memory at t; the symbols it needs (glibc's layout
 * descriptors for libthread_db, _thread_db_link_map_l_tls_offset and the
 * like, which libc.so.6 exports in its dynamic symbol table, an older
 * glibc in libpthread's; ld.so's _rtld_global) are found here through
 * each loaded module's DT_GNU_HASH or DT_HASH table.  A dlopen'ed
 * module's block that the thread has not allocated yet is an error,
 * gdb's "Remote target failed to process qGetTLSAddr request".
 */
#include "gdb_i.h"

#include "hindsight/tls.h"
#include "hindsight/trace_format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LINK_MAP_MAX 4096     /* link_map entries walked at most */
#define CHAIN_MAX (1u << 20)  /* hash chain entries walked at most */
#define NAME_MAX_LEN 64       /* the descriptors' names are shorter */
#define DT_HASH 4
#define DT_STRTAB 5
#define DT_SYMTAB 6
#define DT_GNU_HASH 0x6ffffef5
#define SYM_SIZE 24           /* Elf64_Sym */

static int rd(struct hs_gdb *g, uint64_t addr, void *out, size_t len)
{
	return hs_db_mem_read(g->img, g->t, addr, len, out) == (ssize_t)len ? 0 : -EIO;
}

static int rd64(struct hs_gdb *g, uint64_t addr, uint64_t *v)
{
	uint8_t b[8];
	int err = rd(g, addr, b, 8);

	*v = err ? 0 : hs_trace_le64(b);
	return err;
}

static int rd32(struct hs_gdb *g, uint64_t addr, uint32_t *v)
{
	uint8_t b[4];
	int err = rd(g, addr, b, 4);

	*v = err ? 0 : hs_trace_le32(b);
	return err;
}

/* A module's dynamic-section address: ld.so relocates the entries in
 * place (a writable dynamic section), else they are the file's. */
static uint64_t dyn_addr(uint64_t v, uint64_t l_addr)
{
	return v < l_addr ? v + l_addr : v;
}

/* Does symbol idx of symtab have that name?  Its value into *val. */
static bool sym_is(struct hs_gdb *g, uint64_t symtab, uint64_t strtab, uint64_t idx,
		   const char *name, uint64_t *val)
{
	char got[NAME_MAX_LEN + 1];
	size_t n = strlen(name) + 1;
	uint32_t st_name;

	if (n > sizeof got || rd32(g, symtab + idx * SYM_SIZE, &st_name) ||
	    rd(g, strtab + st_name, got, n) ||
	    memcmp(got, name, n) != 0)
		return false;
	return rd64(g, symtab + idx * SYM_SIZE + 8, val) == 0 && *val;
}

/* name in the DT_GNU_HASH table at gh: 0, -ENOENT */
static int gnu_lookup(struct hs_gdb *g, uint64_t gh, uint64_t symtab, uint64_t strtab,
		      const char *name, uint64_t *val)
{
	uint32_t nbuckets, symoff, bloom, h = 5381, idx, ch;
	uint64_t buckets, chain;

	for (const char *p = name; *p; p++)
		h = h * 33 + (uint8_t)*p;
	if (rd32(g, gh, &nbuckets) || rd32(g, gh + 4, &symoff) || rd32(g, gh + 8, &bloom) ||
	    !nbuckets)
		return -ENOENT;
	buckets = gh + 16 + (uint64_t)bloom * 8;
	chain = buckets + (uint64_t)nbuckets * 4;
	if (rd32(g, buckets + (h % nbuckets) * 4, &idx) || idx < symoff)
		return -ENOENT;
	for (uint32_t k = 0; k < CHAIN_MAX; k++, idx++) {
		if (rd32(g, chain + (uint64_t)(idx - symoff) * 4, &ch))
			return -ENOENT;
		if ((ch | 1) == (h | 1) && sym_is(g, symtab, strtab, idx, name, val))
			return 0;
		if (ch & 1)
			break;
	}
	return -ENOENT;
}

/* name in the System V DT_HASH table at hh: 0, -ENOENT */
static int sysv_lookup(struct hs_gdb *g, uint64_t hh, uint64_t symtab, uint64_t strtab,
		       const char *name, uint64_t *val)
{
	uint32_t nbucket, nchain, h = 0, idx;

	for (const char *p = name; *p; p++) {
		h = (h << 4) + (uint8_t)*p;
		h ^= (h >> 24) & 0xf0;
	}
	h &= 0x0fffffff;
	if (rd32(g, hh, &nbucket) || rd32(g, hh + 4, &nchain) || !nbucket ||
	    rd32(g, hh + 8 + (h % nbucket) * 4, &idx))
		return -ENOENT;
	for (uint32_t k = 0; idx && idx < nchain && k < CHAIN_MAX; k++) {
		if (sym_is(g, symtab, strtab, idx, name, val))
			return 0;
		if (rd32(g, hh + 8 + ((uint64_t)nbucket + idx) * 4, &idx))
			break;
	}
	return -ENOENT;
}

/* name's address in the dynamic symbol table of the module at lm */
static int module_lookup(struct hs_gdb *g, uint64_t lm, const char *name, uint64_t *addr)
{
	uint64_t l_addr, l_ld, tag, v, strtab = 0, symtab = 0, gh = 0, hh = 0, val;
	int err = -ENOENT;

	if (rd64(g, lm, &l_addr) || rd64(g, lm + 16, &l_ld) || !l_ld)
		return -ENOENT;
	for (int i = 0; i < 1024; i++, l_ld += 16) {
		if (rd64(g, l_ld, &tag) || rd64(g, l_ld + 8, &v) || tag == 0)
			break;
		if (tag == DT_STRTAB)
			strtab = dyn_addr(v, l_addr);
		else if (tag == DT_SYMTAB)
			symtab = dyn_addr(v, l_addr);
		else if (tag == DT_GNU_HASH)
			gh = dyn_addr(v, l_addr);
		else if (tag == DT_HASH)
			hh = dyn_addr(v, l_addr);
	}
	if (!strtab || !symtab)
		return -ENOENT;
	if (gh)
		err = gnu_lookup(g, gh, symtab, strtab, name, &val);
	if (err && hh)
		err = sysv_lookup(g, hh, symtab, strtab, name, &val);
	if (!err)
		*addr = val + l_addr;
	return err;
}

/* A symbol's address, from whichever loaded module defines it. */
static int sym_find(struct hs_gdb *g, const char *name, uint64_t *addr)
{
	uint64_t r_debug = gdb_r_debug(g), lm = 0;

	if (!r_debug || rd64(g, r_debug + 8, &lm))   /* r_map */
		return -ENOENT;
	for (int k = 0; lm && k < LINK_MAP_MAX; k++) {
		if (module_lookup(g, lm, name, addr) == 0)
			return 0;
		if (rd64(g, lm + 24, &lm))                /* l_next */
			return -EIO;
	}
	return -ENOENT;
}

/* struct hs_tls_target's calls on the stub: memory at g->t, and the
 * symbols of the loaded modules' dynamic symbol tables */
static int tls_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return rd(ctx, addr, buf, len);
}

static int tls_symbol(void *ctx, const char *name, uint64_t *addr)
{
	return sym_find(ctx, name, addr);
}

int gdb_tls_addr(struct hs_gdb *g, uint32_t tid, uint64_t offset, uint64_t lm,
		 uint64_t *addr)
{
	struct hs_tls_target t = { .read = tls_read, .symbol = tls_symbol, .ctx = g };
	struct hs_db_regs *r = malloc(sizeof(*r));
	uint64_t tp, block;
	int err;

	if (!r)
		return -ENOMEM;
	err = hs_db_regs_at(g->img, g->t, tid, r);
	tp = r->regs.fs_base;
	free(r);
	if (err)
		return err;
	if (!tp || !lm)
		return -ENODATA;   /* no thread pointer yet; a static program */
	if ((err = hs_tls_block(&t, tp, lm, &block)))
		return err;
	*addr = block + offset;
	return 0;
}

/* ---- qXfer:siginfo:read ----------------------------------------------------- */

int gdb_siginfo(struct hs_gdb *g, uint32_t tid, uint8_t *out)
{
	struct hs_db_exit ex;
	uint32_t at;

	if (!tid && hs_db_thread_at(g->img, g->t, &at) == 0)
		tid = at;
	if (g->pre_signal && tid == g->pre_tid) {
		/* stopped before a delivery: that SIGNAL record's */
		return hs_db_signal_siginfo(g->img, g->t, tid, out);
	}
	/* at the end of an image a signal killed: the fatal one's */
	if (g->t == g->t_end && hs_db_crashed(g->img) && hs_db_exit(g->img, &ex) == 0 &&
	    ex.kind == HS_EXIT_SIGNAL && ex.has_siginfo && (!ex.sig_tid || ex.sig_tid == tid)) {
		memcpy(out, ex.siginfo, HS_SIGINFO_SIZE);
		return 0;
	}
	return -ENOENT;    /* gdb: "Unable to read siginfo" */
}
