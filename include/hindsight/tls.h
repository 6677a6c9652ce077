/* tls.h - where a thread's copy of a module's thread-local variables is,
 * read from glibc's own structures as libthread_db reads them.
 *
 * Owner: fs/source (libhssource.a, fs/source/tls.c).  Users: fs/source's
 * expression evaluator (DW_OP_form_tls_address, cexpr_tls.c) and the
 * gdbserver stub's qGetTLSAddr (server/gdb/gdb_tls.c).
 *
 * It knows nothing of the database, the debug information or the remote
 * protocol: the caller supplies, through struct hs_tls_target, the
 * memory of the process at the moment asked about and the address of a
 * named symbol (fs/source from the program's symbol tables, the stub by
 * walking each loaded module's DT_GNU_HASH/DT_HASH itself).  Symbols
 * asked for: glibc's layout descriptors for libthread_db
 * ("_thread_db_link_map_l_tls_offset" and the like, db_info.c: a field's
 * size in bits, its element count and its byte offset in its structure;
 * libc.so.6 exports them, an older glibc libpthread), ld.so's
 * "_rtld_global", and a static executable's "_dl_tls_dtv_slotinfo_list".
 * So no glibc-private offset is built in.
 *
 * x86-64 is TLS variant II: a module loaded at start-up has static TLS,
 * its block at the thread pointer (fs_base) minus the module's
 * l_tls_offset; a module loaded later (dlopen) has its block in the
 * thread's DTV, dtv[l_tls_modid], once the thread touched one of its
 * variables (__tls_get_addr brings the DTV up to the module's generation,
 * then allocates).  Before, the DTV is older than the module or the slot
 * is unallocated: libthread_db's TD_TLSDEFER, -ENODATA here.
 *
 * Ownership: the target and its ctx are the caller's, borrowed for the
 * call; nothing is kept between calls, nothing is allocated.  Threads:
 * the calls are as thread-safe as the target's callbacks.
 *
 * Errors: 0 or -errno.  -ENOENT: a symbol the walk needs is missing (the
 * symbol callback's own error is passed on as it is); -ENODATA: no block
 * yet (see above), or a descriptor of a shape this does not read (not
 * whole bytes, over 64 bits); -EIO (or the read callback's error): memory
 * could not be read.
 */
#ifndef HINDSIGHT_TLS_H
#define HINDSIGHT_TLS_H

#include <stddef.h>
#include <stdint.h>

struct hs_tls_target {
	/* Reads len bytes at addr of the process at the moment asked about
	 * into buf: 0, or -errno (-EIO) unless all len bytes were read. */
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	/* The run-time address of the symbol name into *addr: 0, or -errno
	 * (-ENOENT: no such symbol). */
	int (*symbol)(void *ctx, const char *name, uint64_t *addr);
	void *ctx;
};

/* The start of the thread-local block, in the thread whose thread
 * pointer (fs_base) is tp, of the module whose struct link_map is at lm,
 * into *out (a variable's address is that plus its DW_OP offset).
 * -ENOENT when "_thread_db_link_map_l_tls_offset" is missing, so a caller
 * can tell a program without the descriptors (a static executable that
 * does not link libpthread). */
int hs_tls_block(const struct hs_tls_target *t, uint64_t tp, uint64_t lm, uint64_t *out);

/* The field described by descriptor name (e.g. "_thread_db_pthread_tid")
 * of the structure at base, a scalar of up to 8 bytes, zero-extended,
 * into *out. */
int hs_tls_field(const struct hs_tls_target *t, const char *name, uint64_t base,
		 uint64_t *out);

#endif
