/* gdbserver_test.h - for tests/unit/test_gdb.c only: server/gdb's packet
 * layer (framing, the packet table, target.xml) on a server without a
 * database, and what the packets left in it.
 *
 * Owner: server/gdb (gdb_test.c).  Not an API for anything else: it
 * follows the module's insides.  A packet that needs the database answers
 * an error here.  Errors: NULL on ENOMEM; send as gdbserver's (0, -errno).
 */
#ifndef HINDSIGHT_GDBSERVER_TEST_H
#define HINDSIGHT_GDBSERVER_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hindsight/gdbserver.h"

/* A server talking on fd (not owned), with gdb's acks or without
 * (QStartNoAckMode).  Freed with hs_gdb_test_free(). */
struct hs_gdb *hs_gdb_test_new(int fd, bool noack);
void hs_gdb_test_free(struct hs_gdb *g);
/* Sends data as one packet (escaped, checksummed; waits for the ack). */
int hs_gdb_test_send(struct hs_gdb *g, const char *data, size_t len);
/* The reply to packet pkt (malloc'd; "" when none) and in *rc what ends
 * the connection: 0 nothing, 1 after the reply (k, D), 2 without one. */
char *hs_gdb_test_packet(struct hs_gdb *g, const char *pkt, int *rc);
/* target.xml (malloc'd). */
char *hs_gdb_test_target_xml(void);
/* The breakpoints kept (Z0, Z1), in order of their setting. */
size_t hs_gdb_test_n_breakpoints(const struct hs_gdb *g);
uint64_t hs_gdb_test_breakpoint(const struct hs_gdb *g, size_t i);
/* The write watchpoints kept (Z2): their lengths. */
size_t hs_gdb_test_n_watchpoints(const struct hs_gdb *g);
uint64_t hs_gdb_test_watch_len(const struct hs_gdb *g, size_t i);
/* Whether QPassSignals lets gdb's signal number signo through. */
bool hs_gdb_test_passes(const struct hs_gdb *g, unsigned signo);

#endif
