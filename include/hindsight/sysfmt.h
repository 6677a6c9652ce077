/* sysfmt.h - a system call as strace prints it, from its raw arguments
 * and the memory they point to.
 *
 * Owner: fs/query (sys_*.c).  Users: fs/query's events and syscalls
 * files (db_text.c, db_syscall.c), which find the memory in the
 * database, and tests/unit/test_sysfmt.c, which gives it by hand.  The
 * rows of the table are in syscall_args.h.
 *
 * Pure functions: no database, no allocation, no state; any thread.
 */
#ifndef HINDSIGHT_SYSFMT_H
#define HINDSIGHT_SYSFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hindsight/syscall_args.h"

/* Bytes strace prints of a string or buffer before "..." (its -s 32). */
#define SYS_STRLEN 32
/* The longest path printed whole (PATH_MAX): strace cuts no path. */
#define SYS_PATH_MAX 4096
/* The most output bytes of one argument a line looks at (struct stat). */
#define SYS_OUT_MAX 160

/* Memory of one argument: n bytes at b (borrowed), or n < 0: unreadable
 * (-errno), e.g. -EIO for an address not mapped. */
struct sys_mem {
	ssize_t n;
	const uint8_t *b;
};

enum sys_when {
	SYS_ENTRY,      /* at entry: output arguments as pointers, no result */
	SYS_RETURNED,   /* the whole line, with " = result" */
	SYS_LOST,       /* never returned: output arguments as pointers, " = ?" */
};

struct sys_call {
	uint32_t nr;
	const struct hs_sys_row *row;   /* NULL: not in the table */
	uint64_t a[6];
	struct sys_mem in[6];           /* hs_sys_want() bytes, at entry */
	struct sys_mem out[6];          /* sys_out_span() bytes, at return */
	enum sys_when when;
	bool failed;
	uint64_t ret;                   /* errno when failed, else the value */
	/* For arguments that point to more pointers (execve's argv, iovec
	 * arrays): n bytes at addr into buf, as of the entry (at_exit
	 * false) or the return; the bytes read (fewer when memory ends), or
	 * -errno.  NULL: such arguments print as their address. */
	ssize_t (*read)(void *ctx, bool at_exit, uint64_t addr, size_t n, uint8_t *buf);
	void *read_ctx;
};

/* The bytes at argument i's address that the line prints from the memory
 * at the return (0: none): c's row, arguments, in[] and result must be
 * set, and c->when SYS_RETURNED. */
uint32_t sys_out_span(const struct sys_call *c, int i);
/* hs_sys_row_of() by a direct index (the formatter's hot path). */
const struct hs_sys_row *sys_row_of(uint32_t nr);
/* Whether the formatter has a decoder for a kind (tests). */
bool sys_has_decoder(unsigned kind);

/* "name(args)", then " = result" unless c->when is SYS_ENTRY, into buf
 * (cap > 0, NUL-terminated, cut when short); returns the length wanted. */
size_t sys_format(const struct sys_call *c, char *buf, size_t cap);
/* "name = result" (the sysret event's text). */
size_t sys_format_result(const struct sys_call *c, char *buf, size_t cap);

#endif
