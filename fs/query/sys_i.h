/* sys_i.h - private to fs/query: syscalls printed as strace prints them.
 *
 * sys_decode.c formats one call from its row of the syscall table
 * (include/hindsight/syscall_args.h), its six raw arguments, the memory
 * its input arguments pointed to at entry and the memory its output
 * arguments held at the return, with the scalar decoders; sys_structs.c
 * has the decoders of arguments in memory (structs, arrays, pointers to
 * pointers), sys_text.c the text building and quoting, sys_xlat.c the
 * symbolic names (flags, constants, errno names), sys_siginfo.c a
 * signal's siginfo (for events' signal lines), sys_tty.c struct termios.  Pure functions: no database, no
 * allocation; the callers (db_text.c, db_syscall.c) find the memory.
 *
 * Owner: the syscall formatter's maintainers.
 */
#ifndef HINDSIGHT_SYS_I_H
#define HINDSIGHT_SYS_I_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "hindsight/le.h"
#include "hindsight/syscall_args.h"
#include "hindsight/sysfmt.h" /* the formatter's entry points */

/* A decoder: writes argument i of c and returns true, or returns false
 * for an argument strace leaves out (nothing of it is printed). */
struct sys_out;
typedef bool (*sys_decoder)(const struct sys_call *c, int i, struct sys_out *o);
/* sys_structs.c's decoders, by kind (NULL where sys_decode.c has it). */
extern const sys_decoder sys_struct_decoders[HS_K_COUNT];
/* sys_misc.c: the decoders of the less common calls (timers, signalfd,
 * inotify, prctl, scheduling); the flags of EFLAGS arguments in those
 * calls (false: not one of them); the output bytes of their kinds; their
 * named results (false: the result is not of a kind it names). */
extern const sys_decoder sys_misc_decoders[HS_K_COUNT];
bool sys_misc_flags(uint32_t nr, uint64_t v, struct sys_out *o);
uint32_t sys_misc_out_span(const struct sys_call *c, int i);
bool sys_misc_result(const struct sys_call *c, struct sys_out *o);
bool sys_misc_sockopt(int level, int v, struct sys_out *o); /* false: not its level */
bool sys_misc_flock(const struct sys_call *c, int i, struct sys_out *o);
/* The terminal ioctls' struct termios (sys_tty.c): false when the request
 * is not one of them. */
bool sys_tty_ioctl_arg(const struct sys_call *c, int i, struct sys_out *o);
void sys_put_termios(struct sys_out *o, const uint8_t *p); /* 36 bytes */

/* Text building (sys_text.c), shared by the sys_*.c files. */
struct sys_out {
	char *buf;
	size_t cap, len;
};
/* Appends n bytes, keeping buf NUL-terminated; past cap the text is cut
 * and len still counts what it wanted (snprintf's way).  Inline: a line
 * makes a dozen of these (a first read of `syscalls` formats every call
 * in the recording), and a literal's length is then a constant. */
void sys_put_cut(struct sys_out *o, const char *s, size_t n);
static inline void sys_put(struct sys_out *o, const char *s, size_t n)
{
	if (o->len + n < o->cap) { /* room for all of it and the NUL */
		memcpy(o->buf + o->len, s, n);
		o->len += n;
		o->buf[o->len] = 0;
		return;
	}
	sys_put_cut(o, s, n);
}
static inline void sys_puts(struct sys_out *o, const char *s)
{
	sys_put(o, s, strlen(s));
}
void sys_putf(struct sys_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sys_put_u64(struct sys_out *o, uint64_t v);
void sys_put_i64(struct sys_out *o, int64_t v);
void sys_put_x64(struct sys_out *o, uint64_t v);       /* %#lx: 0 prints 0 */
void sys_put_ptr(struct sys_out *o, uint64_t v);       /* NULL or 0x... */
void sys_put_octal(struct sys_out *o, uint64_t v);     /* %#03o */
/* Little-endian loads are hs_le32/hs_le64 (hindsight/le.h); the decoders
 * keep these short names. */
#define sys_le32 hs_le32
#define sys_le64 hs_le64
/* The input (at entry) or output (at a successful return) memory of
 * argument i when all of need bytes are known, else NULL. */
const uint8_t *sys_in_mem(const struct sys_call *c, int i, size_t need);
const uint8_t *sys_out_mem(const struct sys_call *c, int i, size_t need);
/* "string" quoted as strace does (octal escapes), "..." after when cut. */
void sys_put_quoted(struct sys_out *o, const uint8_t *s, size_t n, bool cut);
/* The same with every byte as \xNN (strace's -x style, for random bytes). */
void sys_put_hexquoted(struct sys_out *o, const uint8_t *s, size_t n, bool cut);

/* Structs as strace prints them (sys_structs.c), from their bytes. */
void sys_put_sigset(struct sys_out *o, uint64_t set);
void sys_put_sigaction(struct sys_out *o, const uint8_t *p);   /* 32 bytes */
void sys_put_timespec(struct sys_out *o, const uint8_t *p);    /* 16 bytes */
void sys_put_stat(struct sys_out *o, const uint8_t *p);        /* 144 bytes */
void sys_put_sockaddr(struct sys_out *o, const uint8_t *p, size_t len);
void sys_put_epoll_event(struct sys_out *o, const uint8_t *p); /* 12 bytes */
void sys_put_wstatus(struct sys_out *o, uint32_t s);
void sys_put_rlimit(struct sys_out *o, const uint8_t *p);      /* 16 bytes */
void sys_put_timeval(struct sys_out *o, const uint8_t *p);     /* 16 bytes */
/* select's sets: the descriptors set among the first nfds */
void sys_put_fdset(struct sys_out *o, const uint8_t *p, uint64_t nfds);
void sys_put_cpuset(struct sys_out *o, const uint8_t *p, size_t n); /* [0 1] */
/* n bytes at addr through c->read (as of the entry, or the return): the
 * bytes read or -errno (-ENOSYS without a reader) */
ssize_t sys_mem_read(const struct sys_call *c, bool at_exit, uint64_t addr, size_t n,
		     uint8_t *buf);
/* [{iov_base="hi", iov_len=2}, ...]: cnt iovecs at addr; at_exit: the
 * bytes of the call's result, spread over them (readv, recvmsg) */
void sys_put_iov_at(const struct sys_call *c, uint64_t addr, int cnt, bool at_exit,
		    struct sys_out *o);
/* How many descriptors of select's sets the formatter looks at. */
uint64_t sys_fdset_fds(const struct sys_call *c);

/* Symbolic names (sys_xlat.c). */
struct sys_flag {
	uint64_t v;
	const char *name;
};
/* Flags: names of the bits in the table's order (multi-bit values first
 * where they overlap), then the unknown bits as 0x..; "0" when v is 0 and
 * the table has no name for 0 (a row with v 0 is that name). */
void sys_put_flags(struct sys_out *o, const struct sys_flag *t, size_t n, uint64_t v);
/* A constant's name, or the number in decimal. */
void sys_put_const(struct sys_out *o, const struct sys_flag *t, size_t n, int64_t v);
#define SYS_XLAT(t) (t), (sizeof(t) / sizeof((t)[0]))

extern const struct sys_flag sys_open_flags[], sys_prot_flags[], sys_map_flags[],
	sys_whence[], sys_clocks[], sys_families[], sys_socktypes[], sys_sock_flags[],
	sys_at_flags[], sys_access[], sys_madv[], sys_poll_events[], sys_epoll_events[],
	sys_epoll_ops[], sys_futex_ops[], sys_fcntl_cmds[], sys_ioctls[], sys_msg_flags[],
	sys_sa_flags[], sys_sighow[], sys_clone_flags[], sys_wait_options[], sys_sol[],
	sys_so_opts[], sys_shut[], sys_idtypes[], sys_remap_flags[], sys_rlimits[], sys_ipprotos[];
extern const size_t sys_n_open_flags, sys_n_prot_flags, sys_n_map_flags, sys_n_whence,
	sys_n_clocks, sys_n_families, sys_n_socktypes, sys_n_sock_flags, sys_n_at_flags,
	sys_n_access, sys_n_madv, sys_n_poll_events, sys_n_epoll_events, sys_n_epoll_ops,
	sys_n_futex_ops, sys_n_fcntl_cmds, sys_n_ioctls, sys_n_msg_flags, sys_n_sa_flags,
	sys_n_sighow, sys_n_clone_flags, sys_n_wait_options, sys_n_sol, sys_n_so_opts,
	sys_n_shut, sys_n_idtypes, sys_n_remap_flags, sys_n_rlimits, sys_n_ipprotos;

/* "SIGTERM", "SIGRTMIN", "SIGRT_3", or NULL when signo is not 1..64. */
const char *sys_signame(int signo, char *tmp, size_t cap);
/* sys_signame, or the number in decimal as strace prints an unknown one. */
const char *sys_signame_or_number(int signo, char *tmp, size_t cap);

/* Signals' siginfo (sys_siginfo.c).  p: the kernel's x86-64 siginfo_t
 * (128 bytes, HS_SIGINFO_SIZE); only its first `known` bytes are read:
 * a field beyond them is left out (a format-5 record kept si_signo,
 * si_code and one value).  Prints "{si_signo=SIGSEGV, si_code=SEGV_MAPERR,
 * si_addr=0x8}" as strace 6 does. */
void sys_put_siginfo(struct sys_out *o, const uint8_t *p, size_t known);
/* The decoders of HS_K_SIGINFO_IN and HS_K_SIGINFO_OUT. */
bool sys_d_siginfo_in(const struct sys_call *c, int i, struct sys_out *o);
bool sys_d_siginfo_out(const struct sys_call *c, int i, struct sys_out *o);
/* "SI_TKILL", "SEGV_MAPERR", "CLD_EXITED"; NULL for a code strace does
 * not name (it prints those as %#x). */
const char *sys_si_code_name(int32_t signo, int32_t code);

/* "ENOENT" and strace's text for it, or NULL names when unknown. */
void sys_errno(uint64_t e, const char **name, const char **text);

#endif
