/* db_regs.c - the thread at t (RUNS) and registers at t (a chunk decode). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "query_i.h"

int hs_db_thread_at(const struct hs_db_image *cimg, uint64_t t, uint32_t *tid)
{
	struct hs_db_image *img = (struct hs_db_image *)cimg;
	const struct hs_dbfile *f = img->files[HS_DB_RUNS];
	struct db_centry *e;
	const uint8_t *d;
	size_t len, b, n;
	bool found = false;
	int err;

	*tid = 0;
	if (t > img->t_end)
		return -ERANGE;
	if (!hs_dbfile_block_count(f))
		return -ESRCH;
	b = hs_dbfile_find(f, t);
	err = db_block_get(img, HS_DB_RUNS, b, &e, &d, &len);
	if (err)
		return err;
	n = len / HS_DB_RUN_REC;
	if (len % HS_DB_RUN_REC) {
		err = db_corrupt(f, b, "RUNS block of a partial record");
		goto out;
	}
	/* the last record with key <= t */
	{
		size_t lo = 0, hi = n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (hs_le64(d + mid * HS_DB_RUN_REC) <= t)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo) {
			*tid = hs_le32(d + (lo - 1) * HS_DB_RUN_REC + 8);
			found = true;
		}
	}
	if (!found)
		err = -ESRCH;
out:
	db_cache_put(&img->db->cache, e);
	return err;
}

struct regs_load {
	struct hs_db_image *img;
	uint64_t t;
	uint32_t tid;
};

/* The cached value: which thread, and its state. */
struct regs_val {
	uint32_t tid;
	uint8_t state[HS_GUEST_STATE_SIZE];
};

static int load_regs(void *arg, void **data, size_t *bytes)
{
	struct regs_load *l = arg;
	struct db_replay *r;
	struct regs_val *v;
	size_t c;
	int err;

	err = db_chunk_of(l->img, l->t, &c);
	if (err)
		return err;
	r = calloc(1, sizeof(*r)); /* 2 KB of state: not on a FUSE thread's stack */
	v = malloc(sizeof(*v));
	if (!r || !v) {
		free(r);
		free(v);
		return -ENOMEM;
	}
	for (;;) {
		*r = (struct db_replay){ .img = l->img, .chunk = c, .stop_t = l->t,
					 .want_regs = true, .regs_tid = l->tid };
		err = db_replay_run(r);
		if (err || r->have_regs)
			break;
		/* A thread that exits at t still has its registers at t, but
		 * when a chunk starts at t its exit is in the chunk before,
		 * and this chunk's sync dumps leave it out. */
		if (!l->tid || c == 0 || l->img->chunks[c].first_t != l->t)
			break;
		c--;
	}
	if (!err && !r->have_regs)
		err = -ESRCH;
	if (!err) {
		v->tid = l->tid ? l->tid : r->tid;
		memcpy(v->state, r->state, HS_GUEST_STATE_SIZE);
		*data = v;
		*bytes = sizeof(*v);
	} else {
		free(v);
	}
	free(r);
	return err;
}

int hs_db_regs_at(const struct hs_db_image *cimg, uint64_t t, uint32_t tid,
		  struct hs_db_regs *out)
{
	struct regs_load l = { (struct hs_db_image *)cimg, t, tid };
	struct db_centry *e;
	const struct regs_val *v;
	void *d;
	int err;

	memset(out, 0, sizeof(*out));
	if (t > cimg->t_end)
		return -ERANGE;
	/* several questions often come at one t (a tree's reg/ files, insn):
	 * the result is cached like a block */
	err = db_cache_get(&l.img->db->cache, DB_KEY(DB_K_REGS, cimg->id, tid), t, load_regs, &l,
			   free, &e, &d);
	if (err)
		return err;
	v = d;
	out->tid = v->tid;
	memcpy(out->state, v->state, HS_GUEST_STATE_SIZE);
	db_cache_put(&l.img->db->cache, e);
	hs_trace_regs_get(out->state, &out->regs);
	return 0;
}

/* ---- register names ------------------------------------------------------ */

static const char *const list[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"rip", "rflags", "fs_base", "gs_base", "cs", "ss", "ds", "es", "fs", "gs",
	"ymm0", "ymm1", "ymm2", "ymm3", "ymm4", "ymm5", "ymm6", "ymm7",
	"ymm8", "ymm9", "ymm10", "ymm11", "ymm12", "ymm13", "ymm14", "ymm15",
	"sseround", "ftop",
	"fpreg0", "fpreg1", "fpreg2", "fpreg3", "fpreg4", "fpreg5", "fpreg6", "fpreg7",
};

const char *hs_db_reg_name(size_t i)
{
	return i < DB_ARRAY_SIZE(list) ? list[i] : NULL;
}

static void put64(uint8_t out[32], uint64_t v, uint32_t *size)
{
	memcpy(out, &v, 8);
	*size = 8;
}

/* n from "prefixN" with N in [0, max). */
static int numbered(const char *name, const char *prefix, int max)
{
	size_t k = strlen(prefix);
	char *end;
	long v;

	if (strncasecmp(name, prefix, k) != 0 || !name[k])
		return -1;
	v = strtol(name + k, &end, 10);
	if (*end || v < 0 || v >= max || (name[k] == '0' && name[k + 1]))
		return -1;
	return (int)v;
}

/* The selector in a segment register (cs, ss, ds, es, fs, gs), -1 for
 * another name.  Valgrind keeps none: it runs only 64-bit user code, where
 * Linux loads the same ones into every process (__USER_CS 0x33,
 * __USER_DS 0x2b in ss, null in the others; gdb's `info registers`). */
static int segment(const char *name)
{
	static const struct { const char *name; int sel; } segs[] = {
		{ "cs", 0x33 }, { "ss", 0x2b }, { "ds", 0 }, { "es", 0 }, { "fs", 0 }, { "gs", 0 },
	};

	for (size_t i = 0; i < DB_ARRAY_SIZE(segs); i++)
		if (!strcasecmp(name, segs[i].name))
			return segs[i].sel;
	return -1;
}

int hs_db_reg_value(const struct hs_db_regs *r, const char *name, uint8_t out[32],
		    uint32_t *size)
{
	const struct hs_trace_regs *g = &r->regs;
	int n;

	memset(out, 0, 32);
	*size = 0;
	for (int i = 0; i < 16; i++) {
		if (strcasecmp(name, hs_trace_gpr_names[i]) == 0) {
			put64(out, g->gpr[i], size);
			return 0;
		}
	}
	if (!strcasecmp(name, "rip")) {
		put64(out, g->rip, size);
	} else if (!strcasecmp(name, "rflags") || !strcasecmp(name, "eflags")) {
		put64(out, g->rflags, size);
	} else if (!strcasecmp(name, "fs_base")) {
		put64(out, g->fs_base, size);
	} else if (!strcasecmp(name, "gs_base")) {
		put64(out, g->gs_base, size);
	} else if ((n = segment(name)) >= 0) {
		put64(out, (uint64_t)n, size);
	} else if (!strcasecmp(name, "sseround")) {
		put64(out, g->sseround, size);
	} else if (!strcasecmp(name, "ftop")) {
		put64(out, g->ftop, size);
	} else if ((n = numbered(name, "ymm", 16)) >= 0) {
		memcpy(out, g->ymm[n], 32);
		*size = 32;
	} else if ((n = numbered(name, "xmm", 16)) >= 0) {
		memcpy(out, g->ymm[n], 16);
		*size = 16;
	} else if ((n = numbered(name, "fpreg", 8)) >= 0) {
		put64(out, g->fpreg[n], size);
	} else {
		return -ENOENT;
	}
	return 0;
}
