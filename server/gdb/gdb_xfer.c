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
 * qXfer:libraries-svr4:read        that link map, read here (below)
 * qXfer:threads:read               gdb_threads.c
 * qXfer:siginfo:read               the kernel's siginfo of the signal the
 *                                  thread stopped with (gdb_tls.c)
 */
#include "gdb_i.h"

#include "hindsight/trace_format.h"

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

/* The auxiliary vector of the initial stack.  An image that began as a
 * fork starts inside its parent, with the parent's stack: the vector is
 * the one of the ancestor that began the process (or last exec'd), which
 * the write index names as the writer of the stack it inherited. */
static int read_auxv(struct hs_gdb *g)
{
	struct hs_db_regs *r = malloc(sizeof(*r));
	uint8_t *stack = malloc(AUXV_STACK_MAX);
	const struct hs_db_image *im = g->img;
	size_t n, i, nulls = 0;
	ssize_t got;
	int err = 0;

	if (!r || !stack) {
		err = -ENOMEM;
		goto out;
	}
	for (int depth = 0; depth < 64; depth++) {
		struct hs_db_write w;
		uint8_t b[8];

		if (hs_db_regs_at(im, 0, 0, r) < 0)
			goto out;
		if (hs_db_last_write(im, r->regs.gpr[4], 8, 0, &w, b) < 0 || w.img == im)
			break;
		im = w.img;
	}
	got = hs_db_mem_read(im, 0, r->regs.gpr[4], AUXV_STACK_MAX, stack);
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

/* ---- qXfer:libraries-svr4:read --------------------------------------------
 * The dynamic linker's list at t, read from memory as gdbserver reads a
 * live process's: the program's PT_DYNAMIC (found through AT_PHDR),
 * its DT_DEBUG entry (struct r_debug, which ld.so fills in), r_map, then
 * each struct link_map (l_addr, l_name, l_ld, l_next at 0, 8, 16, 24).
 * The first entry is the program itself (main-lm); entries without a name
 * are left out.  Before ld.so has filled DT_DEBUG the list is empty. */

#define SVR4_MAX_LIBS 4096

static int mem_u64(struct hs_gdb *g, uint64_t addr, uint64_t *v)
{
	uint8_t b[8];

	if (hs_db_mem_read(g->img, g->t, addr, 8, b) != 8)
		return -EIO;
	*v = hs_trace_le64(b);
	return 0;
}

uint64_t gdb_auxv_get(const struct hs_gdb *g, uint64_t type)
{
	for (size_t i = 0; i + 16 <= g->auxv_len; i += 16)
		if (hs_trace_le64(g->auxv + i) == type)
			return hs_trace_le64(g->auxv + i + 8);
	return 0;
}

uint64_t gdb_r_debug(struct hs_gdb *g)
{
	uint64_t phdr = gdb_auxv_get(g, 3), phent = gdb_auxv_get(g, 4), phnum = gdb_auxv_get(g, 5);
	uint64_t bias = 0, dyn = 0, tag, val;
	bool have_bias = false;
	uint8_t ph[56];

	if (!phdr || phent != sizeof ph || phnum > 256)
		return 0;
	for (uint64_t i = 0; i < phnum; i++) {
		uint32_t type;

		if (hs_db_mem_read(g->img, g->t, phdr + i * phent, sizeof ph, ph) != sizeof ph)
			return 0;
		type = hs_trace_le32(ph);
		if (type == 6) {        /* PT_PHDR */
			bias = phdr - hs_trace_le64(ph + 16);
			have_bias = true;
		} else if (type == 2) { /* PT_DYNAMIC */
			dyn = hs_trace_le64(ph + 16);
		}
	}
	if (!have_bias || !dyn)
		return 0;
	for (uint64_t a = dyn + bias; ; a += 16) {
		if (mem_u64(g, a, &tag) < 0 || mem_u64(g, a + 8, &val) < 0 || tag == 0)
			return 0;
		if (tag == 21)          /* DT_DEBUG */
			return val;
	}
}

static void svr4_list(struct hs_gdb *g, struct gdb_buf *x)
{
	uint64_t rd = gdb_r_debug(g), lm = 0, main_lm = 0;
	char name[4097];

	if (rd)
		mem_u64(g, rd + 8, &lm);   /* r_map */
	main_lm = lm;
	gdb_buf_str(x, "<library-list-svr4 version=\"1.0\"");
	if (main_lm)
		gdb_buf_fmt(x, " main-lm=\"0x%" PRIx64 "\"", main_lm);
	gdb_buf_str(x, ">\n");
	for (int n = 0; lm && n < SVR4_MAX_LIBS; n++) {
		uint64_t l_addr, l_name, l_ld, l_next;
		ssize_t got;

		if (mem_u64(g, lm, &l_addr) < 0 || mem_u64(g, lm + 8, &l_name) < 0 ||
		    mem_u64(g, lm + 16, &l_ld) < 0 || mem_u64(g, lm + 24, &l_next) < 0)
			break;
		got = l_name ? hs_db_mem_read(g->img, g->t, l_name, sizeof name - 1,
					      (uint8_t *)name) : 0;
		name[got > 0 ? got : 0] = 0;
		if (lm != main_lm && name[0]) {
			gdb_buf_str(x, "<library name=\"");
			gdb_buf_xml(x, name, false);
			gdb_buf_fmt(x, "\" lm=\"0x%" PRIx64 "\" l_addr=\"0x%" PRIx64
				    "\" l_ld=\"0x%" PRIx64 "\" lmid=\"0x0\"/>\n", lm, l_addr, l_ld);
		}
		lm = l_next;
	}
	gdb_buf_str(x, "</library-list-svr4>\n");
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
	} else if (strcmp(object, "threads") == 0) {
		struct gdb_buf x = { 0 };
		int err = *annex ? -ENOENT : gdb_threads_xml(g, &x);

		if (!err)
			slice(x.p, x.len, off, len, r);
		free(x.p);
		return err;
	} else if (strcmp(object, "siginfo") == 0) {
		uint8_t si[HS_SIGINFO_SIZE];
		int err = *annex ? -ENOENT : gdb_siginfo(g, g->gtid, si);

		if (err)
			return err == -ENOMEM ? err : -ENOENT;
		slice(si, sizeof si, off, len, r);
	} else if (strcmp(object, "libraries-svr4") == 0) {
		struct gdb_buf x = { 0 };

		if (*annex)
			return -ENOENT;   /* no start=/prev= (augmented) reads */
		svr4_list(g, &x);
		if (!x.err)
			slice(x.p, x.len, off, len, r);
		free(x.p);
		return x.err;
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
		g->pre_signal = false;
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
