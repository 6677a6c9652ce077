/* gdb_xfer.c - qXfer objects and monitor commands.
 *
 * qXfer:features:read:target.xml   gdb_regs.c's description
 * qXfer:exec-file:read             the image's executable: its first file
 *                                  mapping (the kernel maps it first)
 * qXfer:auxv:read                  the auxiliary vector from the initial
 *                                  stack at t = 0 (argc, argv, envp, then
 *                                  the pairs up to AT_NULL): gdb needs its
 *                                  AT_ENTRY to relocate a PIE program and
 *                                  AT_BASE to find the dynamic linker,
 *                                  whose link map it then reads from
 *                                  memory at t, as it does live
 */
#include "gdb_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUXV_STACK_MAX (64u << 10)

static int first_map(void *ctx, const struct hs_db_file_map *m)
{
	char **path = ctx;

	*path = strdup(m->path);
	return *path ? 1 : -ENOMEM;
}

/* The auxiliary vector of the initial stack; left empty when the image
 * does not start with one (a forked image starts inside its parent). */
static int read_auxv(struct hs_gdb *g)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	uint8_t *stack = malloc(AUXV_STACK_MAX);
	size_t n, i, nulls = 0;
	ssize_t got;
	int err = 0;

	if (!r || !stack) {
		err = -ENOMEM;
		goto out;
	}
	if (hs_db_regs_at(g->img, 0, 0, r) < 0)
		goto out;
	got = hs_db_mem_read(g->img, 0, r->regs.gpr[4], AUXV_STACK_MAX, stack);
	if (got < 8)
		goto out;
	n = (size_t)got / 8;
	/* argc, argv[] NULL, envp[] NULL: skip to the second NULL */
	for (i = 1; i < n && nulls < 2; i++)
		if (hs_trace_le64(stack + 8 * i) == 0)
			nulls++;
	for (size_t a = i; a + 1 < n; a += 2)
		if (hs_trace_le64(stack + 8 * a) == 0) {
			g->auxv_len = (a + 2 - i) * 8;
			g->auxv = malloc(g->auxv_len);
			if (!g->auxv) {
				err = -ENOMEM;
				g->auxv_len = 0;
				goto out;
			}
			memcpy(g->auxv, stack + 8 * i, g->auxv_len);
			break;
		}
out:
	free(r);
	free(stack);
	return err;
}

int gdb_xfer_init(struct hs_gdb *g)
{
	int err;

	err = hs_db_file_maps(g->img, first_map, &g->exec_path);
	if (err < 0)
		return err;
	err = read_auxv(g);
	if (err < 0)
		return err;
	gdb_target_xml(&g->xml);
	return g->xml.err;
}

/* Answers "m"/"l" and a slice of the object. */
static void slice(const void *obj, size_t len, uint64_t off, uint64_t want,
		  struct gdb_buf *r)
{
	if (off >= len) {
		gdb_buf_str(r, "l");
		return;
	}
	if (want > len - off)
		want = len - off;
	gdb_buf_str(r, off + want < len ? "m" : "l");
	gdb_buf_add(r, (const char *)obj + off, want);
}

int gdb_xfer(struct hs_gdb *g, const char *object, const char *annex,
	     uint64_t off, uint64_t len, struct gdb_buf *r)
{
	if (strcmp(object, "features") == 0) {
		if (strcmp(annex, "target.xml") != 0)
			return -ENOENT;
		slice(g->xml.p, g->xml.len, off, len, r);
	} else if (strcmp(object, "exec-file") == 0) {
		if (!g->exec_path)
			return -ENOENT;
		slice(g->exec_path, strlen(g->exec_path), off, len, r);
	} else if (strcmp(object, "auxv") == 0) {
		if (!g->auxv)
			return -ENOENT;
		slice(g->auxv, g->auxv_len, off, len, r);
	} else {
		return -EOPNOTSUPP;
	}
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	while (*end == ' ' || *end == '\n')
		end++;
	return errno || *end ? -EINVAL : 0;
}

int gdb_monitor(struct hs_gdb *g, const char *cmd, struct gdb_buf *out)
{
	struct hs_db_image_info info;
	uint64_t t;

	while (*cmd == ' ')
		cmd++;
	if (strcmp(cmd, "when") == 0) {
		gdb_buf_fmt(out, "%" PRIu64 "\n", g->t);
	} else if (strncmp(cmd, "goto ", 5) == 0) {
		if (parse_u64(cmd + 5, &t) < 0 || t > g->t_end) {
			gdb_buf_fmt(out, "goto: want a t from 0 to %" PRIu64 "\n", g->t_end);
			return 0;
		}
		g->t = t;
		g->gtid = 0;
		gdb_buf_fmt(out, "t = %" PRIu64 " (run 'maint flush register-cache' "
			    "for gdb to read the new state)\n", t);
	} else if (strcmp(cmd, "info") == 0) {
		hs_db_image_info(g->img, &info);
		gdb_buf_fmt(out, "image: %s\nt: %" PRIu64 "\nt-end: %" PRIu64
			    "\nthreads: %zu\nexecutable: %s\n", info.name, g->t,
			    info.t_end, g->n_tids, hs_gdb_exec_path(g));
	} else if (strcmp(cmd, "images") == 0) {
		for (size_t i = 0; i < hs_db_image_count(g->db); i++) {
			hs_db_image_info(hs_db_image_at(g->db, i), &info);
			gdb_buf_fmt(out, "%s%s t-end %" PRIu64 "\n", info.name,
				    hs_db_image_at(g->db, i) == g->img ? " (served)" : "",
				    info.t_end);
		}
	} else {
		gdb_buf_str(out, "hindsight monitor commands: when, goto T, info, images\n");
	}
	return 0;
}
