/* gdb_test.c - gdbserver_test.h: the packet layer without a database, for
 * tests/unit/test_gdb.c. */
#include "gdb_i.h"

#include "hindsight/gdbserver_test.h"

#include <stdlib.h>
#include <string.h>

struct hs_gdb *hs_gdb_test_new(int fd, bool noack)
{
	struct hs_gdb *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->fd = fd;
	g->noack = noack;
	return g;
}

void hs_gdb_test_free(struct hs_gdb *g)
{
	if (!g)
		return;
	free(g->bps);
	free(g->wps);
	free(g);
}

int hs_gdb_test_send(struct hs_gdb *g, const char *data, size_t len)
{
	return gdb_send(g, data, len);
}

char *hs_gdb_test_packet(struct hs_gdb *g, const char *pkt, int *rc)
{
	struct gdb_buf r = { 0 };
	char *p = strdup(pkt); /* gdb_packet parses in place */

	if (!p)
		return NULL;
	gdb_buf_add(&r, "", 0);
	*rc = gdb_packet(g, p, strlen(p), &r);
	free(p);
	if (r.err) {
		free(r.p);
		return NULL;
	}
	return r.p;
}

char *hs_gdb_test_target_xml(void)
{
	struct gdb_buf b = { 0 };

	gdb_target_xml(&b);
	if (b.err) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

size_t hs_gdb_test_n_breakpoints(const struct hs_gdb *g)
{
	return g->n_bps;
}

uint64_t hs_gdb_test_breakpoint(const struct hs_gdb *g, size_t i)
{
	return i < g->n_bps ? g->bps[i] : 0;
}

size_t hs_gdb_test_n_watchpoints(const struct hs_gdb *g)
{
	return g->n_wps;
}

uint64_t hs_gdb_test_watch_len(const struct hs_gdb *g, size_t i)
{
	return i < g->n_wps ? g->wps[i].len : 0;
}

bool hs_gdb_test_passes(const struct hs_gdb *g, unsigned signo)
{
	return signo < GDB_NSIG && g->pass[signo];
}
