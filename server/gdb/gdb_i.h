/* gdb_i.h - private to server/gdb: the server's state and its parts.
 *
 *   gdb_conn.c     the listener, packet framing (checksums, acks, escapes)
 *   gdb_packets.c  the table of packets and their handlers
 *   gdb_regs.c     the amd64 target description and register encoding
 *   gdb_exec.c     moving t: steps, continues, breakpoints, watchpoints
 *   gdb_xfer.c     qXfer objects (features, exec-file, auxv, libraries)
 *                  and monitor commands
 *   gdb_threads.c  qXfer:threads: the threads at t and their names
 *   gdb_reads.c    the memory an instruction reads (read and access
 *                  watchpoints)
 *   gdb_tls.c      qGetTLSAddr (thread-local variables), the siginfo of
 *                  a signal stop
 */
#ifndef HS_GDB_I_H
#define HS_GDB_I_H

#include "hindsight/db.h"
#include "hindsight/gdbserver.h"
#include "hindsight/trace.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* gdb's signal numbers run below this */
#define GDB_NSIG 256

/* Bits of a chunk's address filter: 2 KiB a chunk decoded. */
#define GDB_FILT_BITS (16u << 10)

/* A growable byte buffer (a reply being built). */
struct gdb_buf {
	char *p;
	size_t len, cap;
	int err;            /* -ENOMEM once an append failed */
};
void gdb_buf_add(struct gdb_buf *b, const void *data, size_t n);
void gdb_buf_str(struct gdb_buf *b, const char *s);
void gdb_buf_fmt(struct gdb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gdb_buf_hex(struct gdb_buf *b, const uint8_t *data, size_t n);
/* s as XML attribute text: markup and control characters escaped; with
 * ascii, bytes past 0x7f too (one character reference each: a thread
 * name cut at 15 bytes may end inside a UTF-8 sequence). */
void gdb_buf_xml(struct gdb_buf *b, const char *s, bool ascii);

/* A thread's name from t on (gdb_threads.c) */
struct gdb_tname {
	uint64_t t;
	uint32_t tid;       /* OS tid */
	char name[16];      /* the kernel's comm: 15 bytes at most */
};

struct gdb_watch {
	uint64_t addr, len;
	int type;           /* Z type: 2 write, 3 read, 4 access */
};

/* One memory read of an instruction (gdb_reads.c). */
struct gdb_access {
	uint64_t addr;
	uint32_t len;
};
#define GDB_READS_MAX 3     /* reads of one instruction, at most */

enum gdb_why {
	GDB_STOP_PLAIN,     /* a step, or where gdb asked ('?') */
	GDB_STOP_BREAK,     /* a breakpoint address is about to run */
	GDB_STOP_WATCH,     /* a watched range was written */
	GDB_STOP_BEGIN,     /* t = 0, going backwards */
	GDB_STOP_END,       /* t = t_end, going forwards */
	GDB_STOP_SIGNAL,    /* t = t_end reached, where a signal killed it */
	GDB_STOP_INTERRUPT, /* gdb's ^C stopped a long scan */
};

struct gdb_stop {
	uint64_t t;
	uint32_t tid;       /* 0: the thread at t */
	enum gdb_why why;
	uint64_t watch_addr;
	int watch_type;     /* GDB_STOP_WATCH: 2 watch, 3 rwatch, 4 awatch */
	int signo;          /* GDB_STOP_SIGNAL: the Linux signal number */
};

struct hs_gdb {
	struct hs_db *db;
	const struct hs_db_image *img;
	char *trace_dir;
	uint64_t t_end;
	int lfd;            /* listening socket */
	uint16_t port;
	FILE *log;

	/* the stream, for scans (gdb_exec.c) */
	struct hs_trace_image *timg;
	struct hs_trace_decoder *dec;
	struct hs_trace_chunk chunk;
	void *scan;         /* the scan running, the decoder's visitor's */
	uint8_t **filt;     /* per chunk: a Bloom filter of the addresses
			     * it runs (GDB_FILT_BITS), NULL until a scan
			     * decoded all of it */
	uint8_t *building;  /* the filter of the chunk being decoded */
	/* the database's filters (addrs.hdb), or NULL: then filt, filled
	 * by the scans, for a database built before them */
	struct hs_db_addr_filters *afilt;
	struct gdb_reads *rd; /* gdb_reads.c, from the first scan for reads */

	uint32_t *tids;     /* every thread the image ever had */
	size_t n_tids, cap_tids;
	char *exec_path;    /* the first file mapping's path, or "" */
	uint8_t *auxv;      /* from the initial stack, at t = 0 */
	size_t auxv_len;
	struct gdb_buf xml; /* target.xml */
	uint32_t pid;       /* the main thread's OS tid (gdb_threads.c) */
	struct gdb_tname *names; /* thread names, in time order, once */
	size_t n_names, cap_names; /* loaded (names_loaded) */
	bool names_loaded;

	/* one connection */
	int fd;
	bool noack;
	uint8_t in[4096];
	size_t in_pos, in_len;
	uint64_t t;
	uint32_t gtid;      /* Hg: 0 is the thread at t */
	bool pass[GDB_NSIG]; /* QPassSignals, by gdb's signal number */
	/* Stopped for a signal: the moment before its delivery, as gdb sees
	 * a signal live.  t is the delivery's; thread pre_tid's registers
	 * are the interrupted ones, from the handler's signal frame. */
	bool pre_signal;
	uint32_t pre_tid;
	struct hs_db_regs *pre_regs;
	uint64_t *bps;
	size_t n_bps, cap_bps;
	struct gdb_watch *wps;
	size_t n_wps, cap_wps;
};

/* gdb_conn.c */
int gdb_send(struct hs_gdb *g, const char *data, size_t len);
/* 1 when gdb sent its interrupt (^C) since the last packet, without
 * waiting; other bytes stay for the next packet */
int gdb_poll_interrupt(struct hs_gdb *g);

/* gdb_packets.c: answers one packet into reply; 1 when the connection
 * ends after the reply (k, D), 2 when it ends without one, <0 on a
 * failure that ends it. */
int gdb_packet(struct hs_gdb *g, char *pkt, size_t len, struct gdb_buf *reply);
void gdb_stop_reply(struct hs_gdb *g, const struct gdb_stop *s,
		    struct gdb_buf *r);
/* gdb's number of a Linux signal */
int gdb_signo(int linux_sig);

/* gdb_regs.c */
void gdb_target_xml(struct gdb_buf *b);
/* Registers of thread tid (0: the thread at t) at t in g-packet order;
 * regno < 0: all of them. */
int gdb_regs_hex(struct hs_gdb *g, uint32_t tid, int regno, struct gdb_buf *r);

/* gdb_exec.c */
int gdb_exec_open(struct hs_gdb *g);
void gdb_exec_close(struct hs_gdb *g);
/* forward: continue (step false) or step thread tid (0: the thread at t) */
int gdb_resume(struct hs_gdb *g, bool reverse, bool step, uint32_t tid,
	       struct gdb_stop *out);
/* vCont;r: thread tid (0: the thread at t) steps once, then on while
 * its rip stays in [lo, hi); a breakpoint on the way stops it too */
int gdb_range_step(struct hs_gdb *g, uint32_t tid, uint64_t lo, uint64_t hi,
		   struct gdb_stop *out);
int gdb_bp_add(struct hs_gdb *g, uint64_t addr);
int gdb_bp_del(struct hs_gdb *g, uint64_t addr);
/* type: the Z packet's, 2 (write), 3 (read) or 4 (access) */
int gdb_wp_add(struct hs_gdb *g, int type, uint64_t addr, uint64_t len);
int gdb_wp_del(struct hs_gdb *g, int type, uint64_t addr, uint64_t len);
/* The registers of the stop (the pre-delivery state of a signal stop)
 * into *out; -ENOENT when it is no such stop or not that thread. */
int gdb_pre_signal_regs(struct hs_gdb *g, uint32_t tid, struct hs_db_regs *out);
/* threads alive at t (having a state), into tids (cap); returns count */
size_t gdb_threads_at(struct hs_gdb *g, uint64_t t, uint32_t *tids, size_t cap);

/* gdb_reads.c: g->rd, for g->timg's code; freed by gdb_reads_close
 * (accepts none) */
int gdb_reads_open(struct hs_gdb *g);
void gdb_reads_close(struct hs_gdb *g);
/* Thread tid's registers are now state (the decoder's): those its next
 * instruction runs with. */
void gdb_reads_snap(struct hs_gdb *g, uint32_t tid, const uint8_t *state);
/* A fresh decode: no thread's registers are known. */
void gdb_reads_forget(struct hs_gdb *g);
/* The memory that the instruction at rip, instruction t + 1 (state t
 * before it), of thread tid reads, into out (GDB_READS_MAX); state_after
 * is the thread's state after it, used when no snapshot says the one
 * before.  Returns how many. */
size_t gdb_insn_reads(struct hs_gdb *g, uint64_t t, uint32_t tid, uint64_t rip,
		      const uint8_t *state_after, struct gdb_access *out);

/* gdb_xfer.c */
int gdb_xfer_init(struct hs_gdb *g);
int gdb_xfer(struct hs_gdb *g, const char *object, const char *annex,
	     uint64_t off, uint64_t len, struct gdb_buf *r);
int gdb_monitor(struct hs_gdb *g, const char *cmd, struct gdb_buf *out);
/* the auxiliary vector's value of type, 0 when absent */
uint64_t gdb_auxv_get(const struct hs_gdb *g, uint64_t type);

/* The address of the program's struct r_debug at t, 0 when not there yet */
uint64_t gdb_r_debug(struct hs_gdb *g);

/* gdb_tls.c: the address of offset in thread tid's (a slot; 0: the
 * thread at t) block of the module whose struct link_map is at lm;
 * -ENODATA when the thread has no block (yet), -ENOENT when glibc's
 * descriptors are not loaded */
int gdb_tls_addr(struct hs_gdb *g, uint32_t tid, uint64_t offset, uint64_t lm,
		 uint64_t *addr);
/* The kernel's siginfo (HS_SIGINFO_SIZE bytes) of the signal thread tid
 * (0: the thread at t) stopped with: before a handler's delivery, or at
 * the end of an image a signal killed; -ENOENT at any other stop. */
int gdb_siginfo(struct hs_gdb *g, uint32_t tid, uint8_t *out);

/* gdb_threads.c: the threads alive at t, as qXfer:threads:read's XML */
int gdb_threads_xml(struct hs_gdb *g, struct gdb_buf *x);

#endif
