/* gdbserver.h - the gdb remote serial protocol over a Hindsight database.
 *
 * Owner: server/gdb (libhsgdb.a).  Users: builder/cli (`hindsight
 * gdbserver`).  It reads the database through the query library (db.h)
 * and scans stream chunks with the trace decoder (trace.h) to find the
 * next or previous execution of a breakpoint address.  qGetTLSAddr walks
 * glibc's TLS structures through fs/source's tls.h.
 *
 * What gdb sees.  One process image of a recording, stopped at a moment t
 * (db.h's unit: the state after t instructions).  A connection starts at
 * t = 0 with no breakpoints.  Continue and step move t forwards, reverse
 * continue and reverse step (`bc`, `bs`) backwards; nothing is ever
 * written: G, P, M and X are refused, and breakpoints live in the server,
 * not in memory.  The ends of the recording stop with `replaylog:begin`
 * and `replaylog:end`, which gdb reports as "No more reverse-execution
 * history".  Connections are served one after another.
 *
 * Ownership.  hs_gdb_open() returns a server that the caller frees with
 * hs_gdb_close(); it owns its database handle.
 *
 * Threads.  One thread serves; a server is not shared.
 *
 * Errors.  0 or -errno: -ENOENT no database or no such image (a line on
 * stderr says which), -EADDRINUSE and other socket errors, -ENOMEM.
 */
#ifndef HINDSIGHT_GDBSERVER_H
#define HINDSIGHT_GDBSERVER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct hs_gdb_opts {
	uint16_t port;         /* listen on 127.0.0.1:port; 0 picks one */
	const char *image;     /* "<pid>.<n>"; NULL: the first image */
	size_t cache_bytes;    /* the query cache; 0: the default */
	FILE *log;             /* every packet in and out; NULL: none */
};

struct hs_gdb;

/* Opens TRACE_DIR's database and listens.  Caller frees with
 * hs_gdb_close(). */
int hs_gdb_open(const char *trace_dir, const struct hs_gdb_opts *o,
		struct hs_gdb **out);
/* The port it listens on. */
uint16_t hs_gdb_port(const struct hs_gdb *g);
/* The executable of the image served (borrowed), "" when unknown. */
const char *hs_gdb_exec_path(const struct hs_gdb *g);
/* Serves connections one after another; returns only on a socket error
 * of the listener (-errno). */
int hs_gdb_serve(struct hs_gdb *g);
void hs_gdb_close(struct hs_gdb *g); /* accepts NULL */

#endif
