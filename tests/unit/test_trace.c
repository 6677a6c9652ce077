/* test_trace.c - unit tests of the trace reader (builder/trace).
 *
 * A small encoder below writes synthetic recordings, as the recorder would,
 * into a scratch folder: file headers, zstd chunks, CODE_SB records and
 * stream records with delta-coded slots.  It knows the format only from
 * trace_format.h, so each test checks the reader against the spec rather
 * than against itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>
#include <zstd.h>

#include "libvex_basictypes.h"
#include "libvex_guest_amd64.h"
#include "libvex_ir.h"
#include "valgrind.h"

#include "hindsight/trace.h"

#define OFF(f) ((uint32_t)offsetof(VexGuestAMD64State, f))
#define OFF_RAX OFF(guest_RAX)
#define OFF_RCX OFF(guest_RCX)
#define OFF_RDX OFF(guest_RDX)
#define OFF_RBX OFF(guest_RBX)

/* ---- byte buffers ------------------------------------------------------ */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	if (n) /* an empty column has no bytes yet (d NULL) */
		memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void put8(struct buf *b, uint8_t v) { put(b, &v, 1); }

static void put16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	put(b, x, 2);
}

static void put32(struct buf *b, uint32_t v)
{
	uint8_t x[4];

	for (int i = 0; i < 4; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	put(b, x, 4);
}

static void put64(struct buf *b, uint64_t v)
{
	put32(b, (uint32_t)v);
	put32(b, (uint32_t)(v >> 32));
}

static void wr64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- translations, as the test describes them --------------------------- */

#define MAX_OPS 24

/* An expression node, as trace_format.h writes it. */
struct tnode {
	uint8_t kind;  /* HS_X_* */
	uint8_t size;  /* SLOT, CONST, GET */
	uint8_t flags; /* SLOT */
	IROp op;       /* UNOP, BINOP */
	uint64_t k;    /* CONST value, SLOTREF number */
	uint32_t off;  /* GET */
};

/* n == 0: the default, one SLOT node of the size the op needs.  Tests
 * use at most one SLOT node per expression. */
struct texpr {
	int n;
	struct tnode x[12];
};

static struct tnode N_SLOT(uint8_t size)
{
	return (struct tnode){ .kind = HS_X_SLOT, .size = size };
}

static struct tnode N_REF(uint16_t n)
{
	return (struct tnode){ .kind = HS_X_SLOTREF, .k = n };
}

static struct tnode N_CONST(uint8_t size, uint64_t k)
{
	return (struct tnode){ .kind = HS_X_CONST, .size = size, .k = k };
}

static struct tnode N_GET(uint8_t size, uint32_t off)
{
	return (struct tnode){ .kind = HS_X_GET, .size = size, .off = off };
}

static struct tnode N_UN(IROp op)
{
	return (struct tnode){ .kind = HS_X_UNOP, .op = op };
}

static struct tnode N_BIN(IROp op)
{
	return (struct tnode){ .kind = HS_X_BINOP, .op = op };
}

static struct tnode N_ITE(void)
{
	return (struct tnode){ .kind = HS_X_ITE };
}

struct top {
	uint8_t kind;
	uint8_t flags;    /* HS_OPF_RAW: default SLOT nodes are raw */
	bool legacy_raw;  /* PUT with op flag RAW: one raw slot, no expr */
	struct texpr xa;  /* PUTI ix, STORE, STOREG, MEMCOPY addr, NEXT rip */
	struct texpr xv;  /* PUT, PUTI, STORE, STOREG value */
	uint16_t insn;
	uint32_t size;
	uint32_t off;     /* PUT, PUT_CONST, PUTI base */
	uint32_t n_elems; /* PUTI */
	int32_t bias;     /* PUTI */
	uint32_t jk;      /* EXIT, NEXT* */
	uint64_t dst;     /* EXIT, NEXT_CONST */
	uint8_t cval[32]; /* PUT_CONST */
};

struct tsb {
	uint32_t id;
	uint32_t n_insns;
	uint64_t addr[8];
	uint32_t n_ops;
	struct top ops[MAX_OPS];
	uint8_t prev[MAX_OPS][2][32]; /* the encoder's delta state */
};

/* What one op does in one execution. */
struct tval {
	uint64_t a;     /* PUTI ix, STORE* address, NEXT target */
	uint8_t v[32];  /* PUT/PUTI value, STORE* data */
	uint8_t flag;   /* STOREG guard, EXIT taken */
};

static void sb_init(struct tsb *sb, uint32_t id, uint32_t n_insns, uint64_t base)
{
	memset(sb, 0, sizeof(*sb));
	sb->id = id;
	sb->n_insns = n_insns;
	for (uint32_t i = 0; i < n_insns; i++)
		sb->addr[i] = base + 3 * i;
}

static struct top *sb_op(struct tsb *sb, uint8_t kind, uint16_t insn, uint32_t size)
{
	struct top *o;

	assert_true(sb->n_ops < MAX_OPS);
	o = &sb->ops[sb->n_ops++];
	o->kind = kind;
	o->insn = insn;
	o->size = size;
	return o;
}

static void op_imark(struct tsb *sb, uint16_t insn)
{
	sb_op(sb, HS_OP_IMARK, insn, 3);
}

static void op_put(struct tsb *sb, uint16_t insn, uint32_t off, uint32_t size)
{
	sb_op(sb, HS_OP_PUT, insn, size)->off = off;
}

static void op_putc(struct tsb *sb, uint16_t insn, uint32_t off, uint32_t size,
		    uint64_t value)
{
	struct top *o = sb_op(sb, HS_OP_PUT_CONST, insn, size);

	o->off = off;
	memcpy(o->cval, &value, size < 8 ? size : 8);
}

static void op_puti(struct tsb *sb, uint16_t insn, uint32_t base, uint32_t n,
		    int32_t bias, uint32_t size)
{
	struct top *o = sb_op(sb, HS_OP_PUTI, insn, size);

	o->off = base;
	o->n_elems = n;
	o->bias = bias;
}

static void op_exit(struct tsb *sb, uint16_t insn, uint32_t jk, uint64_t dst)
{
	struct top *o = sb_op(sb, HS_OP_EXIT, insn, 0);

	o->jk = jk;
	o->dst = dst;
}

static void op_next(struct tsb *sb, uint16_t insn, uint32_t jk)
{
	sb_op(sb, HS_OP_NEXT, insn, 8)->jk = jk;
}

static void op_nextc(struct tsb *sb, uint16_t insn, uint32_t jk, uint64_t dst)
{
	struct top *o = sb_op(sb, HS_OP_NEXT_CONST, insn, 8);

	o->jk = jk;
	o->dst = dst;
}

static bool jk_retires(uint32_t jk)
{
	return !(jk == Ijk_NoDecode || jk == Ijk_MapFail || jk == Ijk_InvalICache ||
		 jk == Ijk_EmFail || jk == Ijk_SigILL || jk == Ijk_SigSEGV ||
		 jk == Ijk_SigBUS || jk == Ijk_SigFPE || jk == Ijk_SigFPE_IntDiv ||
		 jk == Ijk_SigFPE_IntOvf);
}

static void put_expr(struct buf *p, const struct texpr *e, uint32_t size,
		     uint8_t flags)
{
	if (e->n == 0) {
		put8(p, 1);
		put8(p, HS_X_SLOT);
		put8(p, (uint8_t)size);
		put8(p, flags);
		return;
	}
	put8(p, (uint8_t)e->n);
	for (int i = 0; i < e->n; i++) {
		const struct tnode *x = &e->x[i];

		put8(p, x->kind);
		switch (x->kind) {
		case HS_X_SLOT:
			put8(p, x->size);
			put8(p, x->flags);
			break;
		case HS_X_SLOTREF:
			put16(p, (uint16_t)x->k);
			break;
		case HS_X_CONST:
			put8(p, x->size);
			put64(p, x->k);
			break;
		case HS_X_GET:
			put8(p, x->size);
			put32(p, x->off);
			break;
		case HS_X_ITE:
			break;
		default:
			put16(p, (uint16_t)(x->op - Iop_INVALID));
			break;
		}
	}
}

static void code_record(struct buf *b, const struct tsb *sb)
{
	struct buf p = { 0 };

	put32(&p, sb->id);
	put32(&p, sb->n_insns);
	put32(&p, sb->n_ops);
	put32(&p, 0); /* max_record_len: the reader computes its own */
	for (uint32_t i = 0; i < sb->n_insns; i++) {
		static const uint8_t nops[3] = { 0x0f, 0x1f, 0x00 };

		put64(&p, sb->addr[i]);
		put8(&p, 3);
		put(&p, nops, 3);
	}
	for (uint32_t i = 0; i < sb->n_ops; i++) {
		const struct top *o = &sb->ops[i];

		put8(&p, o->kind);
		put8(&p, o->legacy_raw ? HS_OPF_RAW : 0);
		put16(&p, o->insn);
		put32(&p, o->size);
		switch (o->kind) {
		case HS_OP_PUT:
			put32(&p, o->off);
			if (!o->legacy_raw)
				put_expr(&p, &o->xv, o->size, o->flags);
			break;
		case HS_OP_PUT_CONST:
			put32(&p, o->off);
			put(&p, o->cval, o->size);
			break;
		case HS_OP_PUTI:
			put32(&p, o->off);
			put32(&p, o->n_elems);
			put32(&p, (uint32_t)o->bias);
			put_expr(&p, &o->xa, 4, o->flags);
			put_expr(&p, &o->xv, o->size, o->flags);
			break;
		case HS_OP_STORE:
		case HS_OP_STOREG:
			put_expr(&p, &o->xa, 8, o->flags);
			put_expr(&p, &o->xv, o->size, o->flags);
			break;
		case HS_OP_MEMCOPY:
			put_expr(&p, &o->xa, 8, o->flags);
			break;
		case HS_OP_EXIT:
		case HS_OP_NEXT_CONST:
			put32(&p, o->jk);
			put64(&p, o->dst);
			break;
		case HS_OP_NEXT:
			put32(&p, o->jk);
			put_expr(&p, &o->xa, 8, o->flags);
			break;
		}
	}
	put32(b, HS_CODE_SB);
	put32(b, (uint32_t)p.len);
	put(b, p.p, p.len);
	buf_free(&p);
}

/* Columns mode (trace_format.h, COLUMNS): set by the tests that run
 * again on chunks in columns; every slot but guard and taken bytes goes to
 * cols[] by its size (v1, v4, v8), the rest to the record buffer (ctl). */
static bool cols_mode;
static struct buf cols[3];
static size_t cols_drop; /* bytes cut off the end of v8 (damage) */

static struct buf *slot_buf(struct buf *b, uint32_t size)
{
	if (!cols_mode)
		return b;
	return &cols[size >= 8 ? 2 : size >= 4 ? 1 : 0];
}

/* MEMCOPY's raw bytes: one piece, or in columns pieces of 8, then 4/2/1. */
static void enc_raw(struct buf *b, const uint8_t *v, uint32_t size)
{
	uint32_t k = 0, n;

	if (!cols_mode) {
		put(b, v, size);
		return;
	}
	for (; k < size; k += n) {
		n = size - k >= 8 ? 8 : size - k >= 4 ? 4 : size - k >= 2 ? 2 : 1;
		put(slot_buf(b, n), v + k, n);
	}
}

/* One slot, coded against prev as trace_format.h says. */
static void enc_slot(struct buf *rb, uint8_t *prev, const void *value,
		     uint32_t size, bool raw)
{
	const uint8_t *v = value;
	struct buf *b = slot_buf(rb, size);

	if (raw || !(size == 1 || size == 2 || size == 4 || size == 8 ||
		     size == 16 || size == 32)) {
		put(b, v, size);
	} else if (size <= 8) {
		uint64_t a = 0, p = 0, d;

		memcpy(&a, v, size);
		memcpy(&p, prev, size);
		d = a - p;
		put(b, &d, size);
	} else {
		uint8_t x[32];

		for (uint32_t i = 0; i < size; i++)
			x[i] = v[i] ^ prev[i];
		put(b, x, size);
	}
	if (size <= 32)
		memcpy(prev, v, size);
}

/* The slot bytes of one expression: its SLOT node, if any, holds value. */
static void enc_expr(struct buf *b, const struct texpr *e, uint32_t size,
		     bool raw, uint8_t *prev, const void *value)
{
	if (e->n == 0) {
		enc_slot(b, prev, value, size, raw);
		return;
	}
	for (int i = 0; i < e->n; i++)
		if (e->x[i].kind == HS_X_SLOT)
			enc_slot(b, prev, value, e->x[i].size,
				 e->x[i].flags & HS_OPF_RAW);
}

/* Slots of ops [0, limit); returns how many instructions retired. */
static uint64_t enc_slots(struct buf *b, struct tsb *sb, const struct tval *vals,
			  uint32_t limit)
{
	uint64_t imarks = 0;

	for (uint32_t i = 0; i < limit; i++) {
		const struct top *o = &sb->ops[i];
		const struct tval *v = &vals[i];
		bool raw = o->flags & HS_OPF_RAW;

		switch (o->kind) {
		case HS_OP_IMARK:
			imarks++;
			break;
		case HS_OP_PUT:
			if (o->legacy_raw)
				put(slot_buf(b, o->size), v->v, o->size);
			else
				enc_expr(b, &o->xv, o->size, raw, sb->prev[i][1], v->v);
			break;
		case HS_OP_PUTI:
			enc_expr(b, &o->xa, 4, raw, sb->prev[i][0], &v->a);
			enc_expr(b, &o->xv, o->size, raw, sb->prev[i][1], v->v);
			break;
		case HS_OP_STOREG:
			put8(b, v->flag);
			/* fall through */
		case HS_OP_STORE:
			enc_expr(b, &o->xa, 8, raw, sb->prev[i][0], &v->a);
			enc_expr(b, &o->xv, o->size, raw, sb->prev[i][1], v->v);
			break;
		case HS_OP_MEMCOPY:
			enc_expr(b, &o->xa, 8, raw, sb->prev[i][0], &v->a);
			enc_raw(b, v->v, o->size);
			break;
		case HS_OP_EXIT:
			put8(b, v->flag);
			if (v->flag)
				return imarks - !jk_retires(o->jk);
			break;
		case HS_OP_NEXT:
			enc_expr(b, &o->xa, 8, raw, sb->prev[i][0], &v->a);
			return imarks - !jk_retires(o->jk);
		case HS_OP_NEXT_CONST:
			return imarks - !jk_retires(o->jk);
		}
	}
	return imarks;
}

/* Columns mode: the room a record of sb takes in each value column, all
 * its slots whichever exit it leaves by (trace_format.h, COLUMNS). */
static void col_add(size_t len[3], uint32_t size)
{
	len[size >= 8 ? 2 : size >= 4 ? 1 : 0] += size;
}

static void expr_cols(const struct texpr *e, uint32_t size, size_t len[3])
{
	if (e->n == 0)
		col_add(len, size);
	for (int i = 0; i < e->n; i++)
		if (e->x[i].kind == HS_X_SLOT)
			col_add(len, e->x[i].size);
}

static void record_cols(const struct tsb *sb, size_t len[3])
{
	memset(len, 0, 3 * sizeof(*len));
	for (uint32_t i = 0; i < sb->n_ops; i++) {
		const struct top *o = &sb->ops[i];
		uint32_t k, n;

		switch (o->kind) {
		case HS_OP_PUT:
			if (o->legacy_raw)
				col_add(len, o->size);
			else
				expr_cols(&o->xv, o->size, len);
			break;
		case HS_OP_PUTI:
			expr_cols(&o->xa, 4, len);
			expr_cols(&o->xv, o->size, len);
			break;
		case HS_OP_STORE:
		case HS_OP_STOREG:
			expr_cols(&o->xa, 8, len);
			expr_cols(&o->xv, o->size, len);
			break;
		case HS_OP_MEMCOPY:
			expr_cols(&o->xa, 8, len);
			for (k = 0; k < o->size; k += n) {
				n = o->size - k >= 8 ? 8 : o->size - k >= 4 ? 4 :
				    o->size - k >= 2 ? 2 : 1;
				col_add(len, n);
			}
			break;
		case HS_OP_NEXT:
			expr_cols(&o->xa, 8, len);
			break;
		}
	}
}

/* Slots of ops [0, limit) of sb, as enc_slots; in columns mode each value
 * column then padded with zeros to the record's whole room. */
static uint64_t enc_record(struct buf *b, struct tsb *sb, const struct tval *vals,
			   uint32_t limit)
{
	size_t at[3], len[3];
	uint64_t n;

	for (int k = 0; k < 3; k++)
		at[k] = cols[k].len;
	n = enc_slots(b, sb, vals, limit);
	if (!cols_mode)
		return n;
	record_cols(sb, len);
	for (int k = 0; k < 3; k++) {
		assert_true(cols[k].len <= at[k] + len[k]);
		while (cols[k].len < at[k] + len[k])
			put8(&cols[k], 0);
	}
	return n;
}

/* ---- recordings -------------------------------------------------------- */

#define MAX_SBS 16

struct rec {
	char root[PATH_MAX]; /* the TRACE folder */
	char img[PATH_MAX];  /* TRACE/procs/100.0 */
	struct buf code_file, code_chunk, stream_file, chunk;
	uint64_t code_seq, seq, t, chunk_t;
	struct tsb *sbs[MAX_SBS];
	int n_sbs;
	uint32_t version;  /* of stream.hst */
	size_t drop_tail; /* bytes cut off the next stream chunk (damage) */
};

/* The header of format `version` (72 bytes from version 7, 64 before),
 * saying Valgrind vg_major.vg_minor from version 7. */
static void file_header_vg(struct buf *b, const char *magic, uint32_t version,
			   uint32_t pid, uint32_t exec_index, uint32_t flags,
			   uint32_t vg_major, uint32_t vg_minor)
{
	uint8_t h[HS_FILE_HEADER_SIZE] = { 0 };
	size_t size = version >= 7 ? HS_FILE_HEADER_SIZE : HS_FILE_HEADER_SIZE_V6;
	struct buf tmp = { 0 };

	put(&tmp, magic, 8);
	put32(&tmp, version);
	put32(&tmp, (uint32_t)size);
	put32(&tmp, pid);
	put32(&tmp, 1);
	put32(&tmp, exec_index);
	put32(&tmp, flags);
	put64(&tmp, 1700000000000000000ull);
	put32(&tmp, 0);
	put32(&tmp, 0);
	put64(&tmp, 0);
	if (version >= 7) {
		put32(&tmp, vg_major);
		put32(&tmp, vg_minor);
	}
	memcpy(h, tmp.p, size - 8);
	wr64(h + size - 8, XXH64(h, size - 8, 0));
	put(b, h, size);
	buf_free(&tmp);
}

/* A header as this build's recorder writes it (this Valgrind). */
static void file_header(struct buf *b, const char *magic, uint32_t version,
			uint32_t pid, uint32_t exec_index, uint32_t flags)
{
	file_header_vg(b, magic, version, pid, exec_index, flags,
		       __VALGRIND_MAJOR__, __VALGRIND_MINOR__);
}

/* In columns mode: the chunk's columns, then raw (the ctl column), as
 * one chunk (n1, n4, n8, v1, v4 in byte planes, v8, ctl). */
static void cols_out(struct buf *raw)
{
	struct buf all = { 0 };
	size_t n4 = cols[1].len / 4;

	assert_true(cols_drop <= cols[2].len);
	cols[2].len -= cols_drop;
	cols_drop = 0;
	for (int k = 0; k < 3; k++)
		put32(&all, (uint32_t)cols[k].len);
	put(&all, cols[0].p, cols[0].len);
	for (int j = 0; j < 4; j++)
		for (size_t i = 0; i < n4; i++)
			put8(&all, cols[1].p[4 * i + j]);
	put(&all, cols[2].p, cols[2].len);
	put(&all, raw->p, raw->len);
	for (int k = 0; k < 3; k++)
		cols[k].len = 0;
	buf_free(raw);
	*raw = all;
}

static void chunk_write(struct buf *file, struct buf *raw, uint64_t seq,
			uint64_t first_t, uint32_t flags, size_t drop)
{
	size_t cap = ZSTD_compressBound(raw->len);
	uint8_t *comp = malloc(cap ? cap : 1);
	uint8_t h[HS_CHUNK_HEADER_SIZE];
	struct buf tmp = { 0 };
	size_t n;

	assert_non_null(comp);
	assert_true(drop <= raw->len);
	n = ZSTD_compress(comp, cap, raw->p, raw->len - drop, 1);
	assert_false(ZSTD_isError(n));
	put32(&tmp, HS_CHUNK_MAGIC);
	put32(&tmp, flags);
	put64(&tmp, seq);
	put64(&tmp, first_t);
	put32(&tmp, (uint32_t)(raw->len - drop));
	put32(&tmp, (uint32_t)n);
	put64(&tmp, XXH64(comp, n, 0));
	memcpy(h, tmp.p, 40);
	wr64(h + 40, XXH64(h, 40, 0));
	put(file, h, sizeof(h));
	put(file, comp, n);
	buf_free(&tmp);
	free(comp);
	raw->len = 0;
}

static void chunk_out(struct buf *file, struct buf *raw, uint64_t seq,
		      uint64_t first_t, uint32_t flags, size_t drop)
{
	if (cols_mode) {
		cols_out(raw);
		flags |= HS_CHUNK_COLUMNS;
	}
	chunk_write(file, raw, seq, first_t, flags, drop);
}

static int rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void rec_init(struct rec *r)
{
	char path[PATH_MAX + 16];

	memset(r, 0, sizeof(*r));
	r->version = HS_TRACE_FORMAT_VERSION;
	snprintf(r->root, sizeof(r->root), "/tmp/hs_test_trace.XXXXXX");
	assert_non_null(mkdtemp(r->root));
	snprintf(path, sizeof(path), "%s/procs", r->root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(r->img, sizeof(r->img), "%s/procs/100.0", r->root);
	assert_int_equal(mkdir(r->img, 0755), 0);
}

static void rec_free(struct rec *r)
{
	nftw(r->root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	buf_free(&r->code_file);
	buf_free(&r->code_chunk);
	buf_free(&r->stream_file);
	buf_free(&r->chunk);
}

static void rec_define(struct rec *r, struct tsb *sb)
{
	assert_true(r->n_sbs < MAX_SBS);
	r->sbs[r->n_sbs++] = sb;
	code_record(&r->code_chunk, sb);
}

/* One execution of sb; vals[i] for op i. */
static void rec_exec(struct rec *r, struct tsb *sb, const struct tval *vals)
{
	put32(&r->chunk, sb->id);
	r->t += enc_record(&r->chunk, sb, vals, sb->n_ops);
}

static void rec_event(struct rec *r, uint32_t tag, const void *payload, uint32_t len)
{
	put32(&r->chunk, tag);
	put32(&r->chunk, len);
	put(&r->chunk, payload, len);
}

/* sb ran its first `retired` instructions, the next one faulted. */
static void rec_abort(struct rec *r, struct tsb *sb, const struct tval *vals,
		      uint32_t retired)
{
	struct buf p = { 0 };
	uint32_t limit = 0;

	while (limit < sb->n_ops && !(sb->ops[limit].kind == HS_OP_IMARK &&
				      sb->ops[limit].insn >= retired))
		limit++;
	put32(&p, sb->id);
	put32(&p, retired);
	assert_int_equal(enc_record(&p, sb, vals, limit), retired);
	rec_event(r, HS_EV_SB_ABORT, p.p, (uint32_t)p.len);
	memset(sb->prev, 0, sizeof(sb->prev));
	r->t += retired;
	buf_free(&p);
}

static void rec_thread_run(struct rec *r, uint32_t tid)
{
	struct buf p = { 0 };

	put32(&p, tid);
	put32(&p, 1000 + tid);
	rec_event(r, HS_EV_THREAD_RUN, p.p, (uint32_t)p.len);
	buf_free(&p);
}

static void rec_regs(struct rec *r, uint32_t tid, uint32_t reason,
		     const VexGuestAMD64State *st)
{
	struct buf p = { 0 };

	put32(&p, tid);
	put32(&p, reason);
	put32(&p, sizeof(*st));
	put(&p, st, sizeof(*st));
	rec_event(r, HS_EV_REGS, p.p, (uint32_t)p.len);
	buf_free(&p);
}

static void rec_exit(struct rec *r, int32_t status)
{
	struct buf p = { 0 };

	put32(&p, HS_EXIT_STATUS);
	put32(&p, (uint32_t)status);
	put64(&p, r->t);
	put32(&p, 1);
	put32(&p, 0);
	rec_event(r, HS_EV_EXIT, p.p, (uint32_t)p.len);
	buf_free(&p);
}

/* Ends the stream chunk; the next one starts from zero delta state. */
static void rec_cut(struct rec *r, uint32_t flags)
{
	if (!r->stream_file.len)
		file_header(&r->stream_file, HS_STREAM_MAGIC, r->version, 100, 0, 0);
	chunk_out(&r->stream_file, &r->chunk, r->seq++, r->chunk_t, flags, r->drop_tail);
	r->drop_tail = 0;
	r->chunk_t = r->t;
	for (int i = 0; i < r->n_sbs; i++)
		memset(r->sbs[i]->prev, 0, sizeof(r->sbs[i]->prev));
}

static void write_file(const char *dir, const char *name, const struct buf *b)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->p, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

/* Writes code.hst (one chunk) and stream.hst to the image folder. */
static void rec_write(struct rec *r)
{
	if (!r->code_file.len) {
		file_header(&r->code_file, HS_CODE_MAGIC, HS_TRACE_FORMAT_VERSION,
			    100, 0, 0);
		chunk_write(&r->code_file, &r->code_chunk, r->code_seq++, 0,
			  HS_CHUNK_LAST, 0);
	}
	write_file(r->img, "code.hst", &r->code_file);
	write_file(r->img, "stream.hst", &r->stream_file);
}

static void state_init(VexGuestAMD64State *s)
{
	memset(s, 0, sizeof(*s));
	s->guest_DFLAG = 1;
	s->guest_CC_OP = 0; /* AMD64G_CC_OP_COPY: DEP1 holds the flags */
}

/* A value slot from an integer. */
static struct tval V(uint64_t v)
{
	struct tval t = { 0 };

	memcpy(t.v, &v, 8);
	return t;
}

/* The start of every test stream: the process's first state. */
static void rec_start(struct rec *r, VexGuestAMD64State *st)
{
	static const char proc[] = "argv0=test\n";

	rec_event(r, HS_EV_PROCESS, proc, sizeof(proc) - 1);
	rec_thread_run(r, 1);
	rec_regs(r, 1, HS_REGS_START, st);
}

/* ---- what a visitor saw ------------------------------------------------ */

#define SEEN_MAX 256

struct seen {
	size_t n_insns;
	struct { uint64_t t; uint32_t tid; uint64_t rip; } insn[SEEN_MAX];
	size_t n_stores;
	struct { uint64_t t; uint32_t tid; uint64_t addr; uint32_t size; uint8_t bytes[32]; } store[SEEN_MAX];
	size_t n_events, n_regs, n_chunks;
	uint32_t last_tag;
};

static int seen_insn(void *ctx, uint64_t t, uint32_t tid, uint64_t rip)
{
	struct seen *s = ctx;

	if (s->n_insns < SEEN_MAX) {
		s->insn[s->n_insns].t = t;
		s->insn[s->n_insns].tid = tid;
		s->insn[s->n_insns].rip = rip;
	}
	s->n_insns++;
	return 0;
}

static int seen_store(void *ctx, uint64_t t, uint32_t tid, uint64_t addr,
		      uint32_t size, const uint8_t *bytes)
{
	struct seen *s = ctx;

	if (s->n_stores < SEEN_MAX) {
		s->store[s->n_stores].t = t;
		s->store[s->n_stores].tid = tid;
		s->store[s->n_stores].addr = addr;
		s->store[s->n_stores].size = size;
		memcpy(s->store[s->n_stores].bytes, bytes, size < 32 ? size : 32);
	}
	s->n_stores++;
	return 0;
}

static int seen_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag,
		      const uint8_t *payload, uint32_t len)
{
	struct seen *s = ctx;

	s->n_events++;
	s->last_tag = tag;
	return 0;
}

static int seen_regs(void *ctx, uint64_t t, uint32_t tid, uint32_t reason,
		     const uint8_t *state)
{
	((struct seen *)ctx)->n_regs++;
	return 0;
}

static int seen_chunk(void *ctx, const struct hs_trace_chunk_info *ci)
{
	((struct seen *)ctx)->n_chunks++;
	return 0;
}

static struct hs_trace_visitor visitor_for(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return (struct hs_trace_visitor){
		.ctx = s, .insn = seen_insn, .store = seen_store,
		.event = seen_event, .regs = seen_regs, .chunk = seen_chunk,
	};
}

/* Decodes the whole image. */
static int decode_image(struct rec *r, struct seen *s, struct hs_trace_stats *st,
			bool *complete, struct hs_trace_err *err)
{
	struct hs_trace_visitor v = visitor_for(s);
	struct hs_trace_image *img = NULL;
	int ret;

	err->msg[0] = '\0';
	*complete = false;
	ret = hs_trace_image_open(r->img, &img, err);
	if (ret == 0)
		ret = hs_trace_image_decode(img, &v, true, st, complete, err);
	hs_trace_image_close(img);
	return ret;
}

/* A decoder kept open after decoding chunks [from, to), to look at its
 * thread states. */
struct dec {
	struct hs_trace_code *code;
	struct hs_trace_file *f;
	struct hs_trace_decoder *d;
	struct hs_trace_chunk ch;
	struct hs_trace_err err;
};

static int dec_run(struct dec *x, struct rec *r, const struct hs_trace_visitor *v,
		   size_t from, size_t to)
{
	char path[PATH_MAX + 16];
	int ret;

	memset(x, 0, sizeof(*x));
	snprintf(path, sizeof(path), "%s/code.hst", r->img);
	ret = hs_trace_code_load(path, &x->code, &x->err);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/stream.hst", r->img);
	ret = hs_trace_file_open(path, HS_STREAM_MAGIC, &x->f, &x->err);
	if (ret)
		return ret;
	ret = hs_trace_decoder_new(x->code, v, &x->d);
	if (ret)
		return ret;
	for (size_t i = from; i < to; i++) {
		ret = hs_trace_file_read_chunk(x->f, i, &x->ch, &x->err);
		if (ret)
			return ret;
		ret = hs_trace_decoder_chunk(x->d, &x->ch, &x->err);
		if (ret)
			return ret;
	}
	return 0;
}

static void dec_free(struct dec *x)
{
	hs_trace_chunk_release(&x->ch);
	hs_trace_decoder_free(x->d);
	hs_trace_file_close(x->f);
	hs_trace_code_free(x->code);
}

static VexGuestAMD64State dec_state(struct dec *x, uint32_t tid)
{
	VexGuestAMD64State s;
	const uint8_t *p = hs_trace_decoder_state(x->d, tid);

	assert_non_null(p);
	memcpy(&s, p, sizeof(s));
	return s;
}

/* ---- a common translation ---------------------------------------------------
 * 0x1000: rax = slot; rbx = 5          (PUT, PUT_CONST)
 * 0x1003: ecx = slot                   (PUT of 4 bytes)
 * 0x1006: store 8 bytes                (STORE)
 * next = slot (Boring)
 */
static void sb_straight(struct tsb *sb)
{
	sb_init(sb, 0x100, 3, 0x1000);
	op_imark(sb, 0);
	op_put(sb, 0, OFF_RAX, 8);
	op_putc(sb, 0, OFF_RBX, 8, 5);
	op_imark(sb, 1);
	op_put(sb, 1, OFF_RCX, 4);
	op_imark(sb, 2);
	sb_op(sb, HS_OP_STORE, 2, 8);
	op_next(sb, 2, Ijk_Boring);
}

static void exec_straight(struct rec *r, struct tsb *sb, uint64_t rax,
			  uint32_t ecx, uint64_t addr, uint64_t data, uint64_t next)
{
	struct tval v[MAX_OPS] = { 0 };

	v[1] = V(rax);
	v[4] = V(ecx);
	v[6] = V(data);
	v[6].a = addr;
	v[7].a = next;
	rec_exec(r, sb, v);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_trace_counts_and_reports_straight_line_instructions(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st;
	struct hs_trace_stats s;
	struct hs_trace_err err;
	struct seen seen;
	bool complete;

	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	exec_straight(&r, &sb, 0x1111, 7, 0x7ff000, 0xaaaa, 0x1000);
	exec_straight(&r, &sb, 0x0fff, 9, 0x7fefff8, 0x5555, 0x1000);
	exec_straight(&r, &sb, 0xffffffffffffffffull, 0xffffffff, 0x10, 0, 0x4000);
	rec_exit(&r, 0);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);

	assert_int_equal(decode_image(&r, &seen, &s, &complete, &err), 0);
	assert_int_equal(s.instructions, 9);
	assert_int_equal(s.sb_records, 3);
	assert_int_equal(s.regs_mismatches, 0);
	assert_true(complete);
	assert_int_equal(seen.n_insns, 9);
	for (size_t i = 0; i < 9; i++) {
		assert_int_equal(seen.insn[i].t, i);
		assert_int_equal(seen.insn[i].tid, 1);
		assert_int_equal(seen.insn[i].rip, 0x1000 + 3 * (i % 3));
	}
	assert_int_equal(seen.n_stores, 3);
	assert_int_equal(s.stores, 3);
	/* the store of the third instruction happens at t = 2, 5, 8 */
	assert_int_equal(seen.store[0].t, 2);
	assert_int_equal(seen.store[0].addr, 0x7ff000);
	assert_int_equal(seen.store[0].size, 8);
	assert_int_equal(hs_le64(seen.store[0].bytes), 0xaaaa);
	assert_int_equal(seen.store[1].t, 5);
	assert_int_equal(seen.store[1].addr, 0x7fefff8);
	assert_int_equal(hs_le64(seen.store[1].bytes), 0x5555);
	assert_int_equal(seen.store[2].addr, 0x10);
	assert_int_equal(hs_le64(seen.store[2].bytes), 0);
	assert_int_equal(seen.last_tag, HS_EV_EXIT);
	rec_free(&r);
}

static void test_trace_reconstructs_registers(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st, got;
	struct dec x;

	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	state_init(&st);
	st.guest_RCX = 0xdeadbeef00000000ull;
	st.guest_RSP = 0x7ffc0000;
	rec_start(&r, &st);
	exec_straight(&r, &sb, 0x1234, 0x11, 0x100, 1, 0x1000);
	exec_straight(&r, &sb, 0x5678, 0x22, 0x108, 2, 0x2000);
	rec_cut(&r, 0);
	rec_write(&r);

	assert_int_equal(dec_run(&x, &r, NULL, 0, 1), 0);
	got = dec_state(&x, 1);
	assert_int_equal(got.guest_RAX, 0x5678);
	assert_int_equal(got.guest_RBX, 5);
	/* a 4-byte PUT leaves the upper half alone (VEX zero-extends with a
	 * separate 8-byte PUT when the instruction does) */
	assert_int_equal(got.guest_RCX, 0xdeadbeef00000022ull);
	assert_int_equal(got.guest_RSP, 0x7ffc0000);
	assert_int_equal(got.guest_RIP, 0x2000);
	assert_int_equal(hs_trace_decoder_t(x.d), 6);
	assert_int_equal(hs_trace_decoder_tid(x.d), 1);
	dec_free(&x);
	rec_free(&r);
}

/* 0x2000: rax = slot; exit to 0x5000 if taken (jk)
 * 0x2003: rbx = slot
 * next = 0x3000 */
static void sb_with_exit(struct tsb *sb, uint32_t id, uint32_t jk)
{
	sb_init(sb, id, 2, 0x2000);
	op_imark(sb, 0);
	op_put(sb, 0, OFF_RAX, 8);
	op_exit(sb, 0, jk, 0x5000);
	op_imark(sb, 1);
	op_put(sb, 1, OFF_RBX, 8);
	op_nextc(sb, 1, Ijk_Boring, 0x3000);
}

static void exec_exit(struct rec *r, struct tsb *sb, uint64_t rax, bool taken,
		      uint64_t rbx)
{
	struct tval v[MAX_OPS] = { 0 };

	v[1] = V(rax);
	v[2].flag = taken;
	v[4] = V(rbx);
	rec_exec(r, sb, v);
}

static void test_trace_taken_exit_ends_record_and_keeps_unreached_slots(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st, got;
	struct seen seen;
	struct hs_trace_visitor v = visitor_for(&seen);
	struct dec x;

	rec_init(&r);
	sb_with_exit(&sb, 0x100, Ijk_Boring);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	exec_exit(&r, &sb, 10, false, 20);  /* 2 insns, rbx = 20 */
	exec_exit(&r, &sb, 11, true, 0);    /* 1 insn, rbx slot not reached */
	exec_exit(&r, &sb, 12, false, 25);  /* rbx delta is against 20 */
	rec_cut(&r, 0);
	rec_write(&r);

	assert_int_equal(dec_run(&x, &r, &v, 0, 1), 0);
	assert_int_equal(hs_trace_decoder_t(x.d), 5);
	assert_int_equal(seen.n_insns, 5);
	assert_int_equal(seen.insn[2].rip, 0x2000); /* the taken exit retired it */
	assert_int_equal(seen.insn[3].rip, 0x2000);
	got = dec_state(&x, 1);
	assert_int_equal(got.guest_RAX, 12);
	assert_int_equal(got.guest_RBX, 25);
	assert_int_equal(got.guest_RIP, 0x3000);
	dec_free(&x);

	/* and after a taken exit the state points at its destination */
	rec_free(&r);
	rec_init(&r);
	sb_with_exit(&sb, 0x100, Ijk_Boring);
	rec_define(&r, &sb);
	rec_start(&r, &st);
	exec_exit(&r, &sb, 10, false, 20);
	exec_exit(&r, &sb, 11, true, 0);
	rec_cut(&r, 0);
	rec_write(&r);
	assert_int_equal(dec_run(&x, &r, NULL, 0, 1), 0);
	got = dec_state(&x, 1);
	assert_int_equal(got.guest_RIP, 0x5000);
	assert_int_equal(got.guest_RAX, 11);
	assert_int_equal(got.guest_RBX, 20);
	assert_int_equal(hs_trace_decoder_t(x.d), 3);
	dec_free(&x);
	rec_free(&r);
}

static void test_trace_faulting_jumpkinds_do_not_retire(void **state)
{
	struct rec r;
	struct tsb sb, nd;
	VexGuestAMD64State st, got;
	struct tval v[MAX_OPS] = { 0 };
	struct dec x;

	rec_init(&r);
	sb_with_exit(&sb, 0x100, Ijk_SigSEGV);
	rec_define(&r, &sb);
	/* a translation ending in an undecodable instruction */
	sb_init(&nd, 0x101, 2, 0x6000);
	op_imark(&nd, 0);
	op_imark(&nd, 1);
	op_nextc(&nd, 1, Ijk_NoDecode, 0x6003);
	rec_define(&r, &nd);
	state_init(&st);
	rec_start(&r, &st);
	exec_exit(&r, &sb, 1, true, 0);  /* faults in its first insn: 0 */
	exec_exit(&r, &sb, 2, false, 3); /* 2 */
	rec_exec(&r, &nd, v);            /* only the first retires: 1 */
	rec_cut(&r, 0);
	rec_write(&r);

	assert_int_equal(dec_run(&x, &r, NULL, 0, 1), 0);
	assert_int_equal(hs_trace_decoder_t(x.d), 3);
	got = dec_state(&x, 1);
	assert_int_equal(got.guest_RIP, 0x6003);
	dec_free(&x);
	rec_free(&r);
}

static void test_trace_delta_state_resets_at_chunk_start(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st, got;
	struct seen seen;
	struct hs_trace_visitor v = visitor_for(&seen);
	struct dec x;

	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	exec_straight(&r, &sb, 100, 1, 0x1000, 7, 0x1000);
	exec_straight(&r, &sb, 200, 2, 0x1008, 8, 0x1000);
	rec_cut(&r, 0);
	/* chunk 1: a sync point, then the same translation from zero deltas */
	st.guest_RAX = 200;
	st.guest_RBX = 5;
	st.guest_RCX = 2;
	st.guest_RIP = 0x1000;
	rec_thread_run(&r, 1);
	rec_regs(&r, 1, HS_REGS_SYNC, &st);
	exec_straight(&r, &sb, 300, 3, 0x1010, 9, 0x1000);
	rec_cut(&r, 0);
	rec_write(&r);

	/* in order: the SYNC dump matches what chunk 0 left */
	assert_int_equal(dec_run(&x, &r, &v, 0, 2), 0);
	assert_int_equal(hs_trace_decoder_stats(x.d)->regs_checked, 1);
	assert_int_equal(hs_trace_decoder_stats(x.d)->regs_mismatches, 0);
	assert_int_equal(seen.n_stores, 3);
	assert_int_equal(seen.store[2].addr, 0x1010);
	assert_int_equal(hs_le64(seen.store[2].bytes), 9);
	assert_int_equal(seen.store[2].t, 8);
	got = dec_state(&x, 1);
	assert_int_equal(got.guest_RAX, 300);
	assert_int_equal(seen.n_chunks, 2);
	dec_free(&x);

	/* starting at chunk 1: t from first_t, state from the SYNC dump */
	v = visitor_for(&seen);
	assert_int_equal(dec_run(&x, &r, &v, 1, 2), 0);
	assert_int_equal(hs_trace_decoder_stats(x.d)->regs_checked, 0);
	assert_int_equal(seen.n_insns, 3);
	assert_int_equal(seen.insn[0].t, 6);
	assert_int_equal(seen.n_stores, 1);
	assert_int_equal(seen.store[0].addr, 0x1010);
	assert_int_equal(hs_le64(seen.store[0].bytes), 9);
	got = dec_state(&x, 1);
	assert_int_equal(got.guest_RAX, 300);
	assert_int_equal(got.guest_RCX, 3);
	assert_int_equal(hs_trace_decoder_t(x.d), 9);
	dec_free(&x);
	rec_free(&r);
}

static void test_trace_sb_abort_retires_prefix_and_resets_delta(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st, want;
	struct tval v[MAX_OPS] = { 0 };
	struct hs_trace_stats s;
	struct hs_trace_err err;
	struct seen seen;
	bool complete;

	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	exec_straight(&r, &sb, 0x40, 4, 0x2000, 1, 0x1000);
	/* rax = 0x41 retires, then the PUT to ecx's instruction faults */
	v[1] = V(0x41);
	rec_abort(&r, &sb, v, 1);
	/* the recorder's dump after the fault: rip at the faulting insn */
	want = st;
	want.guest_RAX = 0x41;
	want.guest_RBX = 5;
	want.guest_RCX = 4;
	want.guest_RIP = 0x1003;
	rec_regs(&r, 1, HS_REGS_RESUME, &want);
	/* then the same translation again: deltas from zero */
	exec_straight(&r, &sb, 0x42, 6, 0x2008, 2, 0x1000);
	rec_exit(&r, 0);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);

	assert_int_equal(decode_image(&r, &seen, &s, &complete, &err), 0);
	assert_int_equal(s.sb_aborts, 1);
	assert_int_equal(s.instructions, 7);
	assert_int_equal(s.regs_checked, 1);
	assert_int_equal(s.regs_mismatches, 0);
	assert_int_equal(seen.insn[3].rip, 0x1000);
	assert_int_equal(seen.insn[4].t, 4);
	assert_int_equal(seen.insn[4].rip, 0x1000);
	assert_int_equal(seen.n_stores, 2);
	assert_int_equal(seen.store[1].addr, 0x2008);
	assert_int_equal(hs_le64(seen.store[1].bytes), 2);
	assert_true(complete);
	rec_free(&r);
}

static void test_trace_storeg_with_false_guard_stores_nothing(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st;
	struct tval v[MAX_OPS] = { 0 };
	struct seen seen;
	struct hs_trace_visitor vis = visitor_for(&seen);
	struct dec x;
	const uint8_t fx[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

	rec_init(&r);
	sb_init(&sb, 0x100, 1, 0x1000);
	op_imark(&sb, 0);
	sb_op(&sb, HS_OP_STOREG, 0, 4);
	sb_op(&sb, HS_OP_MEMCOPY, 0, 10);
	op_nextc(&sb, 0, Ijk_Boring, 0x1000);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	v[1] = V(0x11223344);
	v[1].a = 0x5000;
	v[1].flag = 0;
	memcpy(v[2].v, fx, 10);
	v[2].a = 0x6000;
	rec_exec(&r, &sb, v);
	v[1] = V(0x55667788);
	v[1].a = 0x5004;
	v[1].flag = 1;
	v[2].a = 0x6010;
	rec_exec(&r, &sb, v);
	rec_cut(&r, 0);
	rec_write(&r);

	assert_int_equal(dec_run(&x, &r, &vis, 0, 1), 0);
	assert_int_equal(seen.n_stores, 3);
	assert_int_equal(seen.store[0].addr, 0x6000);
	assert_int_equal(seen.store[0].size, 10);
	assert_memory_equal(seen.store[0].bytes, fx, 10);
	assert_int_equal(seen.store[1].addr, 0x5004);
	assert_int_equal(seen.store[1].size, 4);
	assert_int_equal(hs_le32(seen.store[1].bytes), 0x55667788);
	assert_int_equal(seen.store[2].addr, 0x6010);
	assert_int_equal(seen.store[2].t, 1);
	dec_free(&x);
	rec_free(&r);
}

static void test_trace_applies_puti_narrow_and_wide_puts(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st, got;
	struct tval v[MAX_OPS] = { 0 };
	uint8_t y16[16], y32[32];
	struct dec x;

	for (int i = 0; i < 32; i++) {
		y32[i] = (uint8_t)(0xa0 + i);
		if (i < 16)
			y16[i] = (uint8_t)(0x10 + i);
	}
	rec_init(&r);
	sb_init(&sb, 0x100, 1, 0x1000);
	op_imark(&sb, 0);
	/* fpreg[(7 + 2) % 8] = slot */
	op_puti(&sb, 0, OFF(guest_FPREG), 8, 2, 8);
	op_puti(&sb, 0, OFF(guest_FPTAG), 8, -1, 1);
	op_put(&sb, 0, OFF(guest_YMM0), 16);
	op_put(&sb, 0, OFF(guest_YMM1), 32);
	op_put(&sb, 0, OFF_RDX, 1);
	op_put(&sb, 0, OFF_RDX + 2, 2);
	op_put(&sb, 0, OFF(guest_FTOP), 4);
	sb_op(&sb, HS_OP_PUT, 0, 8)->off = OFF(guest_FS_CONST);
	sb.ops[sb.n_ops - 1].flags = HS_OPF_RAW;
	op_next(&sb, 0, Ijk_Boring);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	/* twice, so that the second execution is delta/xor coded */
	for (int pass = 0; pass < 2; pass++) {
		v[1] = V(0x3ff0000000000000ull + (uint64_t)pass);
		v[1].a = 7;
		v[2] = V(1);
		v[2].a = (uint64_t)pass; /* fptag[(pass - 1) mod 8] */
		memcpy(v[3].v, y16, 16);
		memcpy(v[4].v, y32, 32);
		v[3].v[0] = (uint8_t)pass;
		v[4].v[31] = (uint8_t)pass;
		v[5] = V(0x80 + (uint64_t)pass);
		v[6] = V(0xbeef);
		v[7] = V(5 - (uint64_t)pass);
		v[8] = V(0x7f0000001000ull);
		v[9].a = 0x1000;
		rec_exec(&r, &sb, v);
	}
	rec_cut(&r, 0);
	rec_write(&r);

	assert_int_equal(dec_run(&x, &r, NULL, 0, 1), 0);
	got = dec_state(&x, 1);
	assert_int_equal(got.guest_FPREG[1], 0x3ff0000000000001ull);
	assert_int_equal(got.guest_FPTAG[7], 1);
	assert_int_equal(got.guest_FPTAG[0], 1);
	y16[0] = 1;
	y32[31] = 1;
	assert_memory_equal(&got.guest_YMM0, y16, 16);
	assert_memory_equal(&got.guest_YMM1, y32, 32);
	assert_int_equal(got.guest_RDX, 0xbeef0081);
	assert_int_equal(got.guest_FTOP, 4);
	assert_int_equal(got.guest_FS_CONST, 0x7f0000001000ull);
	dec_free(&x);
	rec_free(&r);
}

#define OFF_RSP OFF(guest_RSP)

/* Values the recorder does not log: derived from guest state, constants
 * and earlier slots (trace_format.h "Expressions"). */
static void sb_derived(struct tsb *sb)
{
	struct top *o;

	sb_init(sb, 0x100, 2, 0x1000);
	op_imark(sb, 0);
	/* push: rsp = rsp - 8; [rsp] = slot 0 */
	o = sb_op(sb, HS_OP_PUT, 0, 8);
	o->off = OFF_RSP;
	o->xv = (struct texpr){ 3, { N_GET(8, OFF_RSP), N_CONST(8, 8), N_BIN(Iop_Sub64) } };
	o = sb_op(sb, HS_OP_STORE, 0, 8);
	o->xa = (struct texpr){ 1, { N_GET(8, OFF_RSP) } };
	op_imark(sb, 1);
	/* rax = 8Sto64(slot 1) */
	o = sb_op(sb, HS_OP_PUT, 1, 8);
	o->off = OFF_RAX;
	o->xv = (struct texpr){ 2, { N_SLOT(1), N_UN(Iop_8Sto64) } };
	/* rcx = 32Uto64(64to32(slot 0) + 0x10) */
	o = sb_op(sb, HS_OP_PUT, 1, 8);
	o->off = OFF_RCX;
	o->xv = (struct texpr){ 5, { N_REF(0), N_UN(Iop_64to32), N_CONST(4, 0x10),
				     N_BIN(Iop_Add32), N_UN(Iop_32Uto64) } };
	/* rdx = rax >>s 4 */
	o = sb_op(sb, HS_OP_PUT, 1, 8);
	o->off = OFF_RDX;
	o->xv = (struct texpr){ 3, { N_GET(8, OFF_RAX), N_CONST(1, 4), N_BIN(Iop_Sar64) } };
	/* r8 = 32HLto64(0xdead, 64HIto32(slot 0)) */
	o = sb_op(sb, HS_OP_PUT, 1, 8);
	o->off = OFF(guest_R8);
	o->xv = (struct texpr){ 4, { N_CONST(4, 0xdead), N_REF(0), N_UN(Iop_64HIto32),
				     N_BIN(Iop_32HLto64) } };
	/* r9 = ~(slot 0 * 3) */
	o = sb_op(sb, HS_OP_PUT, 1, 8);
	o->off = OFF(guest_R9);
	o->xv = (struct texpr){ 4, { N_REF(0), N_CONST(8, 3), N_BIN(Iop_Mul64),
				     N_UN(Iop_Not64) } };
	/* r10w = 8Uto16(slot 1) << 4 */
	o = sb_op(sb, HS_OP_PUT, 1, 2);
	o->off = OFF(guest_R10);
	o->xv = (struct texpr){ 4, { N_REF(1), N_UN(Iop_8Uto16), N_CONST(1, 4),
				     N_BIN(Iop_Shl16) } };
	/* r11d = (0xf0f0 | 16Sto32(0x8000)) ^ 1 */
	o = sb_op(sb, HS_OP_PUT, 1, 4);
	o->off = OFF(guest_R11);
	o->xv = (struct texpr){ 6, { N_CONST(4, 0xf0f0), N_CONST(2, 0x8000),
				     N_UN(Iop_16Sto32), N_BIN(Iop_Or32),
				     N_CONST(4, 1), N_BIN(Iop_Xor32) } };
	/* r12 = slot 0 >>u 60 */
	o = sb_op(sb, HS_OP_PUT, 1, 8);
	o->off = OFF(guest_R12);
	o->xv = (struct texpr){ 3, { N_REF(0), N_CONST(1, 60), N_BIN(Iop_Shr64) } };
	/* next = slot 0 & 0xfff */
	o = sb_op(sb, HS_OP_NEXT, 1, 8);
	o->jk = Ijk_Boring;
	o->xa = (struct texpr){ 3, { N_REF(0), N_CONST(8, 0xfff), N_BIN(Iop_And64) } };
}

static void test_trace_evaluates_derived_values(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st, got;
	struct tval v[MAX_OPS] = { 0 };
	struct seen seen;
	struct hs_trace_visitor vis = visitor_for(&seen);
	struct dec x;
	const uint64_t a = 0x123456789abcdef0ull, b = 0xfedcba9876543210ull;

	rec_init(&r);
	sb_derived(&sb);
	rec_define(&r, &sb);
	state_init(&st);
	st.guest_RSP = 0x8000;
	st.guest_R10 = 0xaaaaaaaaaaaaaaaaull;
	st.guest_R11 = 0xbbbbbbbbbbbbbbbbull;
	rec_start(&r, &st);
	v[2] = V(a);
	v[4] = V(0x80);
	rec_exec(&r, &sb, v);
	/* the first execution, checked by a dump */
	got = st;
	got.guest_RSP = 0x7ff8;
	got.guest_RAX = 0xffffffffffffff80ull;
	got.guest_RCX = 0x9abcdf00;
	got.guest_RDX = 0xfffffffffffffff8ull;
	got.guest_R8 = 0x0000dead12345678ull;
	got.guest_R9 = ~(a * 3);
	got.guest_R10 = 0xaaaaaaaaaaaa0800ull;
	got.guest_R11 = 0xbbbbbbbbfffff0f1ull;
	got.guest_R12 = 1;
	got.guest_RIP = 0xef0;
	rec_regs(&r, 1, HS_REGS_RESUME, &got);
	/* the second: slots delta coded against the first */
	v[2] = V(b);
	v[4] = V(0x7f);
	rec_exec(&r, &sb, v);
	rec_cut(&r, 0);
	rec_write(&r);

	assert_int_equal(dec_run(&x, &r, &vis, 0, 1), 0);
	assert_int_equal(hs_trace_decoder_stats(x.d)->regs_checked, 1);
	assert_int_equal(hs_trace_decoder_stats(x.d)->regs_mismatches, 0);
	assert_int_equal(seen.n_stores, 2);
	assert_int_equal(seen.store[0].addr, 0x7ff8);
	assert_int_equal(hs_le64(seen.store[0].bytes), a);
	assert_int_equal(seen.store[1].addr, 0x7ff0);
	assert_int_equal(hs_le64(seen.store[1].bytes), b);
	got = dec_state(&x, 1);
	assert_int_equal(got.guest_RSP, 0x7ff0);
	assert_int_equal(got.guest_RAX, 0x7f);
	assert_int_equal(got.guest_RCX, 0x76543220);
	assert_int_equal(got.guest_RDX, 7);
	assert_int_equal(got.guest_R8, 0x0000deadfedcba98ull);
	assert_int_equal(got.guest_R9, ~(b * 3));
	assert_int_equal(got.guest_R10, 0xaaaaaaaaaaaa07f0ull);
	assert_int_equal(got.guest_R11, 0xbbbbbbbbfffff0f1ull);
	assert_int_equal(got.guest_R12, 0xf);
	assert_int_equal(got.guest_RIP, 0x210);
	dec_free(&x);
	rec_free(&r);
}

static void test_trace_wide_slotref_raw_put_and_skipped_memcopy(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st, got;
	struct tval v[MAX_OPS] = { 0 };
	struct seen seen;
	struct hs_trace_visitor vis = visitor_for(&seen);
	struct top *o;
	struct dec x;
	uint8_t y[32], m[12];

	for (int i = 0; i < 32; i++)
		y[i] = (uint8_t)(3 * i + 1);
	for (int i = 0; i < 12; i++)
		m[i] = (uint8_t)(0xc0 + i);
	rec_init(&r);
	sb_init(&sb, 0x100, 1, 0x1000);
	op_imark(&sb, 0);
	op_put(&sb, 0, OFF(guest_YMM0), 32);          /* slot 0 */
	o = sb_op(&sb, HS_OP_STORE, 0, 32);           /* addr: slot 1 */
	o->xv = (struct texpr){ 1, { N_REF(0) } };    /* the ymm0 value again */
	o = sb_op(&sb, HS_OP_PUT, 0, 8);              /* a dirty helper's write */
	o->off = OFF_RBX;
	o->legacy_raw = true;
	sb_op(&sb, HS_OP_MEMCOPY, 0, 12);             /* addr: slot 2 */
	op_nextc(&sb, 0, Ijk_Boring, 0x1000);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	memcpy(v[1].v, y, 32);
	v[2].a = 0x9000;
	v[3] = V(0x42);
	v[4].a = 0; /* the guarded helper did not run */
	rec_exec(&r, &sb, v);
	v[3] = V(0x43);
	v[4].a = 0x100;
	memcpy(v[4].v, m, 12);
	rec_exec(&r, &sb, v);
	rec_cut(&r, 0);
	rec_write(&r);

	assert_int_equal(dec_run(&x, &r, &vis, 0, 1), 0);
	assert_int_equal(seen.n_stores, 3);
	assert_int_equal(seen.store[0].addr, 0x9000);
	assert_int_equal(seen.store[0].size, 32);
	assert_memory_equal(seen.store[0].bytes, y, 32);
	assert_int_equal(seen.store[1].addr, 0x9000);
	assert_memory_equal(seen.store[1].bytes, y, 32);
	assert_int_equal(seen.store[2].addr, 0x100);
	assert_int_equal(seen.store[2].size, 12);
	assert_memory_equal(seen.store[2].bytes, m, 12);
	got = dec_state(&x, 1);
	assert_int_equal(got.guest_RBX, 0x43);
	assert_memory_equal(&got.guest_YMM0, y, 32);
	dec_free(&x);
	rec_free(&r);
}

/* ITE, comparisons, 1-bit widenings and shifts by a register amount, which
 * the decoder takes modulo 64 as the amd64 host does. */
static void test_trace_evaluates_ite_compares_and_variable_shifts(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st, got;
	struct tval v[MAX_OPS] = { 0 };
	struct seen seen;
	struct hs_trace_visitor vis = visitor_for(&seen);
	struct dec x;
	struct top *o;

	rec_init(&r);
	sb_init(&sb, 0x100, 1, 0x1000);
	op_imark(&sb, 0);
	/* r13 = rax == 5 ? 111 : 222 */
	o = sb_op(&sb, HS_OP_PUT, 0, 8);
	o->off = OFF(guest_R13);
	o->xv = (struct texpr){ 6, { N_GET(8, OFF_RAX), N_CONST(8, 5), N_BIN(Iop_CmpEQ64),
				     N_CONST(8, 111), N_CONST(8, 222), N_ITE() } };
	/* r14 = rbx << cl, cl = 68: shifts by 4 */
	o = sb_op(&sb, HS_OP_PUT, 0, 8);
	o->off = OFF(guest_R14);
	o->xv = (struct texpr){ 3, { N_GET(8, OFF_RBX), N_GET(1, OFF(guest_RCX)),
				     N_BIN(Iop_Shl64) } };
	/* r15 = 1Sto64(rdx <s 0) */
	o = sb_op(&sb, HS_OP_PUT, 0, 8);
	o->off = OFF(guest_R15);
	o->xv = (struct texpr){ 4, { N_GET(8, OFF(guest_RDX)), N_CONST(8, 0),
				     N_BIN(Iop_CmpLT64S), N_UN(Iop_1Sto64) } };
	/* rsi = 32Uto64(1Uto32(CmpNEZ32(ecx)) + (ecx <=u 3)) */
	o = sb_op(&sb, HS_OP_PUT, 0, 8);
	o->off = OFF(guest_RSI);
	o->xv = (struct texpr){ 9, { N_GET(4, OFF(guest_RCX)), N_UN(Iop_CmpNEZ32),
				     N_UN(Iop_1Uto32), N_GET(4, OFF(guest_RCX)),
				     N_CONST(4, 3), N_BIN(Iop_CmpLE32U), N_UN(Iop_1Uto32),
				     N_BIN(Iop_Add32), N_UN(Iop_32Uto64) } };
	op_nextc(&sb, 0, Ijk_Boring, 0x1000);
	rec_define(&r, &sb);
	state_init(&st);
	st.guest_RAX = 5;
	st.guest_RBX = 0x10;
	st.guest_RCX = 68;
	st.guest_RDX = (uint64_t)-7;
	rec_start(&r, &st);
	rec_exec(&r, &sb, v);
	rec_cut(&r, 0);
	rec_write(&r);

	assert_int_equal(dec_run(&x, &r, &vis, 0, 1), 0);
	got = dec_state(&x, 1);
	assert_int_equal(got.guest_R13, 111);
	assert_int_equal(got.guest_R14, 0x100);
	assert_int_equal(got.guest_R15, UINT64_MAX);
	assert_int_equal(got.guest_RSI, 1);
	dec_free(&x);
	rec_free(&r);
}

/* code.hst with one translation whose PUT to rax has expression e. */
static void expect_bad_expr(struct texpr e, const char *needle)
{
	struct rec r;
	struct tsb sb;
	struct hs_trace_code *code = NULL;
	struct hs_trace_err err;
	char path[PATH_MAX + 16];
	struct top *o;

	rec_init(&r);
	sb_init(&sb, 0x100, 1, 0x1000);
	op_imark(&sb, 0);
	o = sb_op(&sb, HS_OP_PUT, 0, 8);
	o->off = OFF_RAX;
	o->xv = e;
	op_nextc(&sb, 0, Ijk_Boring, 0);
	rec_define(&r, &sb);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);
	snprintf(path, sizeof(path), "%s/code.hst", r.img);
	assert_int_equal(hs_trace_code_load(path, &code, &err), -EBADMSG);
	assert_null(code);
	if (!strstr(err.msg, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", err.msg, needle);
	assert_non_null(strstr(err.msg, "code.hst"));
	rec_free(&r);
}

static void test_trace_code_rejects_malformed_expressions(void **state)
{
	expect_bad_expr((struct texpr){ 3, { N_GET(8, OFF_RAX), N_GET(8, OFF_RBX),
					     N_ITE() } }, "underflow");
	expect_bad_expr((struct texpr){ 2, { N_GET(8, OFF_RAX), N_BIN(Iop_Add64) } },
			"underflow");
	expect_bad_expr((struct texpr){ 1, { N_REF(0) } }, "not yet in the record");
	expect_bad_expr((struct texpr){ 2, { N_CONST(8, 1), N_CONST(8, 2) } },
			"more than one value");
	expect_bad_expr((struct texpr){ 2, { N_GET(8, OFF_RAX), N_UN(Iop_Clz64) } },
			"operator not allowed");
	expect_bad_expr((struct texpr){ 2, { N_GET(8, OFF_RAX), N_UN(Iop_Add64) } },
			"operator not allowed");
	expect_bad_expr((struct texpr){ 1, { N_GET(8, HS_GUEST_STATE_SIZE - 4) } },
			"GET outside");
	expect_bad_expr((struct texpr){ 3, { N_SLOT(16), N_CONST(8, 1),
					     N_BIN(Iop_Add64) } }, "slot size");
}

static void test_trace_detects_register_mismatch(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st, want;
	struct hs_trace_stats s;
	struct hs_trace_err err;
	struct seen seen;
	bool complete;

	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	exec_straight(&r, &sb, 0x10, 1, 0x100, 1, 0x1000);
	want = st;
	want.guest_RAX = 0x11; /* the decoder has 0x10 */
	want.guest_RBX = 5;
	want.guest_RCX = 1;
	want.guest_RIP = 0x1000;
	rec_regs(&r, 1, HS_REGS_RESUME, &want);
	/* the dump was adopted: the next check starts from it */
	want.guest_RAX = 0x20;
	exec_straight(&r, &sb, 0x20, 1, 0x100, 1, 0x1000);
	rec_regs(&r, 1, HS_REGS_RESUME, &want);
	rec_exit(&r, 0);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);

	assert_int_equal(decode_image(&r, &seen, &s, &complete, &err), 0);
	assert_int_equal(s.regs_checked, 2);
	assert_int_equal(s.regs_mismatches, 1);
	assert_int_equal(s.n_kept, 1);
	assert_string_equal(s.mismatch[0].reg, "rax");
	assert_int_equal(s.mismatch[0].t, 3);
	assert_int_equal(s.mismatch[0].tid, 1);
	assert_int_equal(s.mismatch[0].size, 8);
	assert_int_equal(hs_le64(s.mismatch[0].expected), 0x11);
	assert_int_equal(hs_le64(s.mismatch[0].got), 0x10);
	rec_free(&r);
}

static void test_trace_compares_flags_not_thunks(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st, want;
	struct tval v[MAX_OPS] = { 0 };
	struct hs_trace_stats s;
	struct hs_trace_err err;
	struct seen seen;
	bool complete;

	rec_init(&r);
	/* an `xor rax, rax`: LOGICQ thunk with result 0 -> ZF and PF */
	sb_init(&sb, 0x100, 1, 0x1000);
	op_imark(&sb, 0);
	op_put(&sb, 0, OFF_RAX, 8);
	op_putc(&sb, 0, OFF(guest_CC_OP), 8, 20 /* AMD64G_CC_OP_LOGICQ */);
	op_put(&sb, 0, OFF(guest_CC_DEP1), 8);
	op_putc(&sb, 0, OFF(guest_CC_DEP2), 8, 0);
	op_nextc(&sb, 0, Ijk_Boring, 0x1003);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	v[1] = V(0);
	v[3] = V(0);
	rec_exec(&r, &sb, v);
	/* the same flags as a COPY thunk */
	want = st;
	want.guest_RIP = 0x1003;
	want.guest_CC_OP = 0;
	want.guest_CC_DEP1 = 0x44; /* ZF | PF */
	rec_regs(&r, 1, HS_REGS_RESUME, &want);
	/* and now flags that differ: CF instead */
	rec_exec(&r, &sb, v);
	want.guest_CC_DEP1 = 0x01;
	rec_regs(&r, 1, HS_REGS_RESUME, &want);
	rec_exit(&r, 0);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);

	assert_int_equal(decode_image(&r, &seen, &s, &complete, &err), 0);
	assert_int_equal(s.regs_checked, 2);
	assert_int_equal(s.regs_mismatches, 1);
	assert_string_equal(s.mismatch[0].reg, "rflags");
	rec_free(&r);
}

static void test_trace_applies_syscall_exit_and_reg_write_before_check(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st, want;
	struct buf p = { 0 };
	struct hs_trace_stats s;
	struct hs_trace_err err;
	struct seen seen;
	bool complete;

	rec_init(&r);
	sb_init(&sb, 0x100, 1, 0x1000);
	op_imark(&sb, 0);
	op_putc(&sb, 0, OFF_RAX, 8, 0); /* syscall number */
	op_nextc(&sb, 0, Ijk_Sys_syscall, 0x1002);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	rec_exec(&r, &sb, (struct tval[MAX_OPS]){ { 0 } });
	put32(&p, 1);
	put32(&p, 0);
	for (int i = 0; i < 6; i++)
		put64(&p, (uint64_t)i);
	rec_event(&r, HS_EV_SYSCALL_ENTER, p.p, (uint32_t)p.len);
	p.len = 0;
	put32(&p, 1);
	put32(&p, 0);
	put32(&p, 1); /* failed */
	put32(&p, 0);
	put64(&p, 9); /* EBADF */
	rec_event(&r, HS_EV_SYSCALL_EXIT, p.p, (uint32_t)p.len);
	p.len = 0;
	put32(&p, 1);
	put32(&p, OFF_RDX);
	put32(&p, 8);
	put64(&p, 0x77);
	rec_event(&r, HS_EV_REG_WRITE, p.p, (uint32_t)p.len);
	want = st;
	want.guest_RAX = (uint64_t)-9;
	want.guest_RDX = 0x77;
	want.guest_RIP = 0x1002;
	rec_regs(&r, 1, HS_REGS_RESUME, &want);
	rec_exit(&r, 3);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);
	buf_free(&p);

	assert_int_equal(decode_image(&r, &seen, &s, &complete, &err), 0);
	assert_int_equal(s.syscalls, 1);
	assert_int_equal(s.instructions, 1);
	assert_int_equal(s.regs_checked, 1);
	assert_int_equal(s.regs_mismatches, 0);
	assert_true(s.saw_exit);
	assert_int_equal(s.exit_kind, HS_EXIT_STATUS);
	assert_int_equal(s.exit_value, 3);
	assert_int_equal(seen.n_regs, 2);
	rec_free(&r);
}

static void test_trace_keeps_one_state_per_thread(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st, got;
	struct seen seen;
	struct hs_trace_visitor v = visitor_for(&seen);
	struct buf p = { 0 };
	struct dec x;

	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	put32(&p, 1);
	put32(&p, 2);
	rec_event(&r, HS_EV_THREAD_CREATE, p.p, (uint32_t)p.len);
	st.guest_RSP = 0x9000;
	rec_regs(&r, 2, HS_REGS_START, &st);
	exec_straight(&r, &sb, 0x111, 1, 0x100, 1, 0x1000);
	rec_thread_run(&r, 2);
	exec_straight(&r, &sb, 0x222, 2, 0x200, 2, 0x1000);
	rec_thread_run(&r, 1);
	rec_cut(&r, 0);
	rec_write(&r);
	buf_free(&p);

	assert_int_equal(dec_run(&x, &r, &v, 0, 1), 0);
	assert_int_equal(hs_trace_decoder_stats(x.d)->threads, 2);
	got = dec_state(&x, 1);
	assert_int_equal(got.guest_RAX, 0x111);
	got = dec_state(&x, 2);
	assert_int_equal(got.guest_RAX, 0x222);
	assert_int_equal(got.guest_RSP, 0x9000);
	assert_int_equal(seen.insn[2].tid, 1);
	assert_int_equal(seen.insn[3].tid, 2);
	assert_int_equal(seen.insn[3].t, 3);
	assert_int_equal(seen.store[1].tid, 2);
	dec_free(&x);
	rec_free(&r);
}

/* A valid two-chunk recording to damage. */
/* Two stream chunks into r (rec_init'ed: its version is the files'). */
static void rec_two_chunks_into(struct rec *r, struct tsb *sb)
{
	VexGuestAMD64State st;

	sb_straight(sb);
	rec_define(r, sb);
	state_init(&st);
	rec_start(r, &st);
	exec_straight(r, sb, 1, 1, 0x100, 1, 0x1000);
	rec_cut(r, 0);
	st.guest_RAX = 1;
	st.guest_RBX = 5;
	st.guest_RCX = 1;
	st.guest_RIP = 0x1000;
	rec_thread_run(r, 1);
	rec_regs(r, 1, HS_REGS_SYNC, &st);
	exec_straight(r, sb, 2, 2, 0x100, 2, 0x1000);
	rec_exit(r, 0);
	rec_cut(r, HS_CHUNK_LAST);
}

static void rec_two_chunks(struct rec *r, struct tsb *sb)
{
	rec_init(r);
	rec_two_chunks_into(r, sb);
}

static void flip_stream_byte(struct rec *r, size_t off)
{
	r->stream_file.p[off] ^= 0x40;
}

/* Offset of chunk 1's header in the stream file. */
static size_t chunk1_offset(struct rec *r)
{
	size_t hsize = hs_le32(r->stream_file.p + 12);
	const uint8_t *h = r->stream_file.p + hsize;

	return hsize + HS_CHUNK_HEADER_SIZE + hs_le32(h + 28);
}

static void expect_decode_error(struct rec *r, int want, const char *needle)
{
	struct hs_trace_stats s;
	struct hs_trace_err err;
	struct seen seen;
	bool complete = true;

	assert_int_equal(decode_image(r, &seen, &s, &complete, &err), want);
	assert_false(complete);
	if (!strstr(err.msg, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", err.msg, needle);
	assert_non_null(strstr(err.msg, "stream.hst"));
}

static void test_trace_accepts_valid_two_chunk_recording(void **state)
{
	struct rec r;
	struct tsb sb;
	struct hs_trace_stats s;
	struct hs_trace_err err;
	struct seen seen;
	bool complete;

	rec_two_chunks(&r, &sb);
	rec_write(&r);
	assert_int_equal(decode_image(&r, &seen, &s, &complete, &err), 0);
	assert_true(complete);
	assert_int_equal(s.chunks, 2);
	assert_int_equal(s.instructions, 6);
	assert_int_equal(s.regs_checked, 1);
	assert_int_equal(s.regs_mismatches, 0);
	rec_free(&r);
}

static void test_trace_rejects_bad_magic(void **state)
{
	struct rec r;
	struct tsb sb;

	rec_two_chunks(&r, &sb);
	flip_stream_byte(&r, 0);
	rec_write(&r);
	expect_decode_error(&r, -EBADMSG, "bad magic");
	rec_free(&r);
}

static void test_trace_rejects_bad_version(void **state)
{
	char want[64];
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st;

	rec_init(&r);
	r.version = HS_TRACE_FORMAT_VERSION + 1; /* a valid header otherwise */
	sb_straight(&sb);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);
	snprintf(want, sizeof(want), "unsupported format version %d",
		 HS_TRACE_FORMAT_VERSION + 1);
	expect_decode_error(&r, -EBADMSG, want);
	rec_free(&r);
}

/* A recording made under another Valgrind holds other IR and register
 * numbers: refused, the error naming both versions. */
static void test_trace_rejects_other_valgrind(void **state)
{
	char want[96];
	struct rec r;
	struct tsb sb;
	uint8_t *h;

	rec_two_chunks(&r, &sb);
	/* a valid recording whose header says the next Valgrind release */
	h = r.stream_file.p;
	hs_put_le32(h + 60, __VALGRIND_MINOR__ + 1);
	wr64(h + 64, XXH64(h, 64, 0));
	rec_write(&r);
	snprintf(want, sizeof(want), "recorded under Valgrind %d.%d, but this hindsight "
		 "reads Valgrind %d.%d's", __VALGRIND_MAJOR__, __VALGRIND_MINOR__ + 1,
		 __VALGRIND_MAJOR__, __VALGRIND_MINOR__);
	expect_decode_error(&r, -EBADMSG, want);
	rec_free(&r);
}

/* Version 6 files (a 64-byte header, no Valgrind version) still read. */
static void test_trace_reads_version_6(void **state)
{
	struct rec r;
	struct tsb sb;
	struct hs_trace_stats s;
	struct hs_trace_err err;
	struct hs_trace_file_header h;
	struct seen seen;
	bool complete;
	char path[PATH_MAX + 16];

	rec_init(&r);
	r.version = 6;
	rec_two_chunks_into(&r, &sb);
	rec_write(&r);
	assert_int_equal(decode_image(&r, &seen, &s, &complete, &err), 0);
	assert_true(complete);
	snprintf(path, sizeof(path), "%s/stream.hst", r.img);
	assert_int_equal(hs_trace_read_file_header(path, HS_STREAM_MAGIC, &h, &err), 0);
	assert_int_equal(h.version, 6);
	assert_int_equal(h.header_size, HS_FILE_HEADER_SIZE_V6);
	assert_int_equal(h.vg_major, 0);
	rec_free(&r);
}

static void test_trace_rejects_bad_file_header_checksum(void **state)
{
	struct rec r;
	struct tsb sb;

	rec_two_chunks(&r, &sb);
	flip_stream_byte(&r, 16); /* pid */
	rec_write(&r);
	expect_decode_error(&r, -EBADMSG, "file header checksum");
	rec_free(&r);
}

static void test_trace_rejects_bad_chunk_header_checksum(void **state)
{
	struct rec r;
	struct tsb sb;

	rec_two_chunks(&r, &sb);
	flip_stream_byte(&r, chunk1_offset(&r) + 16); /* first_t */
	rec_write(&r);
	expect_decode_error(&r, -EBADMSG, "chunk 1 ");
	expect_decode_error(&r, -EBADMSG, "chunk header checksum");
	rec_free(&r);
}

static void test_trace_rejects_bad_chunk_checksum(void **state)
{
	struct rec r;
	struct tsb sb;

	rec_two_chunks(&r, &sb);
	flip_stream_byte(&r, chunk1_offset(&r) + HS_CHUNK_HEADER_SIZE + 5);
	rec_write(&r);
	expect_decode_error(&r, -EBADMSG, "chunk 1: payload checksum mismatch");
	rec_free(&r);
}

static void test_trace_reports_truncated_last_chunk_as_incomplete(void **state)
{
	struct rec r;
	struct tsb sb;
	struct hs_trace_stats s;
	struct hs_trace_err err;
	struct seen seen;
	bool complete = true;
	struct hs_trace_file *f;
	char path[PATH_MAX + 16];

	rec_two_chunks(&r, &sb);
	r.stream_file.len -= 7; /* the recorder died writing chunk 1 */
	rec_write(&r);
	snprintf(path, sizeof(path), "%s/stream.hst", r.img);
	assert_int_equal(hs_trace_file_open(path, HS_STREAM_MAGIC, &f, &err), 0);
	assert_true(hs_trace_file_truncated(f));
	assert_false(hs_trace_file_has_last(f));
	assert_int_equal(hs_trace_file_chunk_count(f), 1);
	hs_trace_file_close(f);

	assert_int_equal(decode_image(&r, &seen, &s, &complete, &err), 0);
	assert_false(complete);
	assert_int_equal(s.chunks, 1);
	assert_int_equal(s.instructions, 3);

	/* cut inside a chunk header too */
	r.stream_file.len = chunk1_offset(&r) + 20;
	rec_write(&r);
	assert_int_equal(decode_image(&r, &seen, &s, &complete, &err), 0);
	assert_false(complete);
	assert_int_equal(s.chunks, 1);
	rec_free(&r);
}

/* Two records of sb_straight, the chunk not cut yet: for a test to
 * damage its end. */
static void two_straight_records(struct rec *r, struct tsb *sb)
{
	VexGuestAMD64State st;

	rec_init(r);
	sb_straight(sb);
	rec_define(r, sb);
	state_init(&st);
	rec_start(r, &st);
	exec_straight(r, sb, 1, 1, 0x100, 1, 0x1000);
	exec_straight(r, sb, 2, 2, 0x108, 2, 0x1000);
}

static void expect_record_past_end(struct rec *r)
{
	rec_cut(r, HS_CHUNK_LAST);
	rec_write(r);
	expect_decode_error(r, -EBADMSG, "chunk 0 ");
	expect_decode_error(r, -EBADMSG, "runs past the end of the chunk");
	rec_free(r);
}

static void test_trace_rejects_record_past_chunk_end(void **state)
{
	struct rec r;
	struct tsb sb;

	two_straight_records(&r, &sb);
	r.drop_tail = 3; /* the last SB record loses the end of its NEXT slot */
	expect_record_past_end(&r);
}

/* Columns: the records need more of a value column than the chunk has
 * (the 8-byte NEXT slot of the last record is cut); a flat chunk's
 * counterpart is test_trace_rejects_record_past_chunk_end. */
static void test_trace_cols_rejects_short_column(void **state)
{
	struct rec r;
	struct tsb sb;

	two_straight_records(&r, &sb);
	cols_drop = 8; /* v8 stays whole slots, as the reader checks */
	expect_record_past_end(&r);
}

static void test_trace_rejects_unknown_sb_id(void **state)
{
	struct rec r;
	struct tsb sb, other;
	VexGuestAMD64State st;

	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	sb_straight(&other);
	other.id = 0x150; /* never defined */
	state_init(&st);
	rec_start(&r, &st);
	exec_straight(&r, &other, 1, 1, 0x100, 1, 0x1000);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);
	expect_decode_error(&r, -EBADMSG, "unknown sb 336");
	rec_free(&r);
}

static void test_trace_rejects_discontinuous_first_t(void **state)
{
	struct rec r;
	struct tsb sb;

	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	{
		VexGuestAMD64State st;

		state_init(&st);
		rec_start(&r, &st);
	}
	exec_straight(&r, &sb, 1, 1, 0x100, 1, 0x1000);
	rec_cut(&r, 0);
	r.chunk_t = 2; /* chunk 0 ended at t = 3 */
	rec_thread_run(&r, 1);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);
	expect_decode_error(&r, -EBADMSG, "first_t is 2");
	rec_free(&r);
}

static void test_trace_code_rejects_put_outside_guest_state(void **state)
{
	struct rec r;
	struct tsb sb;
	struct hs_trace_code *code = NULL;
	struct hs_trace_err err;
	char path[PATH_MAX + 16];

	rec_init(&r);
	sb_init(&sb, 0x100, 1, 0x1000);
	op_imark(&sb, 0);
	op_put(&sb, 0, HS_GUEST_STATE_SIZE - 4, 8);
	op_nextc(&sb, 0, Ijk_Boring, 0);
	rec_define(&r, &sb);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);
	snprintf(path, sizeof(path), "%s/code.hst", r.img);
	assert_int_equal(hs_trace_code_load(path, &code, &err), -EBADMSG);
	assert_null(code);
	assert_non_null(strstr(err.msg, "sb 256"));
	assert_non_null(strstr(err.msg, "outside the guest state"));
	rec_free(&r);
}

static void test_trace_code_table_has_gaps_and_insns(void **state)
{
	struct rec r;
	struct tsb a, b;
	struct hs_trace_code *code = NULL;
	struct hs_trace_err err;
	const struct hs_trace_sb *sb;
	char path[PATH_MAX + 16];

	rec_init(&r);
	sb_straight(&a);
	sb_straight(&b);
	b.id = 0x105;
	b.addr[1] = 0xabc;
	rec_define(&r, &a);
	rec_define(&r, &b);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);
	snprintf(path, sizeof(path), "%s/code.hst", r.img);
	assert_int_equal(hs_trace_code_load(path, &code, &err), 0);
	assert_int_equal(hs_trace_code_sb_count(code), 2);
	assert_null(hs_trace_code_sb(code, 0x101));
	assert_null(hs_trace_code_sb(code, 0x10));
	assert_null(hs_trace_code_sb(code, 0x10000));
	sb = hs_trace_code_sb(code, 0x105);
	assert_non_null(sb);
	assert_int_equal(sb->n_insns, 3);
	assert_int_equal(sb->n_ops, 8);
	assert_int_equal(sb->insns[1].addr, 0xabc);
	assert_int_equal(sb->insns[1].len, 3);
	assert_int_equal(sb->insns[1].bytes[1], 0x1f);
	assert_false(hs_trace_code_truncated(code));
	hs_trace_code_free(code);
	rec_free(&r);
}

static void test_trace_complete_needs_last_chunk_and_exit(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st;
	struct hs_trace_stats s;
	struct hs_trace_err err;
	struct seen seen;
	bool complete = true;

	/* no HS_CHUNK_LAST */
	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	exec_straight(&r, &sb, 1, 1, 0x100, 1, 0x1000);
	rec_exit(&r, 0);
	rec_cut(&r, 0);
	rec_write(&r);
	assert_int_equal(decode_image(&r, &seen, &s, &complete, &err), 0);
	assert_false(complete);
	rec_free(&r);

	/* HS_CHUNK_LAST but the stream does not end with EXIT */
	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	rec_start(&r, &st);
	exec_straight(&r, &sb, 1, 1, 0x100, 1, 0x1000);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);
	complete = true;
	assert_int_equal(decode_image(&r, &seen, &s, &complete, &err), 0);
	assert_false(complete);
	rec_free(&r);
}

static void test_trace_exit_total_t_must_match(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st;
	struct hs_trace_stats s;
	struct hs_trace_err err;
	struct seen seen;
	bool complete;

	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	exec_straight(&r, &sb, 1, 1, 0x100, 1, 0x1000);
	r.t += 1; /* the recorder counted one more */
	rec_exit(&r, 0);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);
	assert_int_equal(decode_image(&r, &seen, &s, &complete, &err), 0);
	assert_int_equal(s.regs_mismatches, 1);
	assert_string_equal(s.mismatch[0].reg, "exit-t");
	rec_free(&r);
}

static void test_trace_lists_process_images_sorted(void **state)
{
	struct rec r;
	struct hs_trace_proc *procs;
	struct hs_trace_err err;
	const char *names[] = { "20.1", "3.0", "20.0", "junk", "4.x", "5" };
	char path[PATH_MAX + 32];
	size_t n;

	rec_init(&r);
	for (size_t i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "%s/procs/%s", r.root, names[i]);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	/* an image is listed once its stream.hst holds more than a header
	 * (a missing, empty or partial one recorded nothing: its recorder
	 * was killed at birth): 100.0 from rec_init, and 7.0 and 8.0 not */
	for (size_t i = 0; i < 8; i++) {
		const char *name = i < 6 ? names[i] : i == 6 ? "100.0" : "8.0";
		FILE *f;

		if (i == 7) {
			snprintf(path, sizeof(path), "%s/procs/8.0", r.root);
			assert_int_equal(mkdir(path, 0755), 0);
		}
		snprintf(path, sizeof(path), "%s/procs/%s/stream.hst", r.root, name);
		assert_non_null(f = fopen(path, "w"));
		for (int k = 0; k < (i == 7 ? 1 : 4); k++)
			fputs("not a header, but bytes", f); /* 23 bytes */
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/procs/7.0", r.root);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(hs_trace_list_procs(r.root, &procs, &n, &err), 0);
	assert_int_equal(n, 4); /* with 100.0 from rec_init */
	assert_string_equal(procs[0].name, "3.0");
	assert_string_equal(procs[1].name, "20.0");
	assert_string_equal(procs[2].name, "20.1");
	assert_int_equal(procs[2].pid, 20);
	assert_int_equal(procs[2].exec_index, 1);
	assert_string_equal(procs[3].name, "100.0");
	snprintf(path, sizeof(path), "%s/procs/20.1", r.root);
	assert_string_equal(procs[2].dir, path);
	hs_trace_procs_free(procs, n);

	assert_int_equal(hs_trace_list_procs("/nonexistent/trace", &procs, &n, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/trace/procs"));
	rec_free(&r);
}

static int stop_at_second(void *ctx, uint64_t t, uint32_t tid, uint64_t rip)
{
	int *n = ctx;

	return ++*n == 2 ? -ECANCELED : 0;
}

static void test_trace_callback_error_stops_decoding(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st;
	struct dec x;
	int calls = 0;
	struct hs_trace_visitor v = { .ctx = &calls, .insn = stop_at_second };

	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	exec_straight(&r, &sb, 1, 1, 0x100, 1, 0x1000);
	exec_straight(&r, &sb, 2, 2, 0x100, 2, 0x1000);
	rec_cut(&r, 0);
	rec_write(&r);
	assert_int_equal(dec_run(&x, &r, &v, 0, 1), -ECANCELED);
	assert_int_equal(calls, 2);
	assert_int_equal(hs_trace_decoder_t(x.d), 2);
	dec_free(&x);
	rec_free(&r);
}

/* A pooled decoder (fs/query) decodes unrelated chunks one after another,
 * some only partway: after hs_trace_decoder_reset() it takes any chunk and
 * knows nothing of the threads of the chunks before. */
static void test_trace_reset_decoder_takes_any_chunk_and_forgets_threads(void **state)
{
	struct rec r;
	struct tsb sb;
	VexGuestAMD64State st;
	struct buf p = { 0 };
	struct dec x;
	int calls = 0;
	struct hs_trace_visitor v = { .ctx = &calls, .insn = stop_at_second };

	/* chunk 0: thread 2 starts, runs and exits; chunk 1: thread 1 alone */
	rec_init(&r);
	sb_straight(&sb);
	rec_define(&r, &sb);
	state_init(&st);
	rec_start(&r, &st);
	put32(&p, 1);
	put32(&p, 2);
	rec_event(&r, HS_EV_THREAD_CREATE, p.p, (uint32_t)p.len);
	rec_regs(&r, 2, HS_REGS_START, &st);
	rec_thread_run(&r, 2);
	exec_straight(&r, &sb, 0x222, 2, 0x200, 2, 0x1000);
	rec_event(&r, HS_EV_THREAD_EXIT, p.p + 4, 4);
	rec_thread_run(&r, 1);
	exec_straight(&r, &sb, 0x111, 1, 0x100, 1, 0x1000);
	rec_cut(&r, 0);
	rec_thread_run(&r, 1);
	rec_regs(&r, 1, HS_REGS_SYNC, &st);
	exec_straight(&r, &sb, 0x333, 3, 0x300, 3, 0x1000);
	rec_exit(&r, 0);
	rec_cut(&r, HS_CHUNK_LAST);
	rec_write(&r);
	buf_free(&p);

	/* stopped at its second instruction, chunk 0 leaves t at 2 and
	 * chunk 1 (first_t 6) does not continue it */
	assert_int_equal(dec_run(&x, &r, &v, 0, 1), -ECANCELED);
	assert_non_null(hs_trace_decoder_state(x.d, 2));
	assert_int_equal(hs_trace_file_read_chunk(x.f, 1, &x.ch, &x.err), 0);
	calls = -100;
	assert_int_equal(hs_trace_decoder_chunk(x.d, &x.ch, &x.err), -EBADMSG);
	assert_non_null(strstr(x.err.msg, "first_t"));

	hs_trace_decoder_reset(x.d);
	assert_int_equal(hs_trace_decoder_t(x.d), 0);
	assert_int_equal(hs_trace_decoder_tid(x.d), 0);
	assert_null(hs_trace_decoder_state(x.d, 1));
	assert_null(hs_trace_decoder_state(x.d, 2));
	assert_int_equal(hs_trace_decoder_chunk(x.d, &x.ch, &x.err), 0);
	assert_int_equal(hs_trace_decoder_t(x.d), 9);
	assert_int_equal(dec_state(&x, 1).guest_RAX, 0x333);
	assert_null(hs_trace_decoder_state(x.d, 2)); /* not in chunk 1 */
	assert_int_equal(hs_trace_decoder_stats(x.d)->chunks, 1);
	assert_int_equal(hs_trace_decoder_stats(x.d)->instructions, 3);
	assert_int_equal(hs_trace_decoder_stats(x.d)->threads, 1);

	/* and back to chunk 0 from the start, after a chunk decoded whole */
	hs_trace_decoder_reset(x.d);
	assert_int_equal(hs_trace_file_read_chunk(x.f, 0, &x.ch, &x.err), 0);
	assert_int_equal(hs_trace_decoder_chunk(x.d, &x.ch, &x.err), 0);
	assert_int_equal(hs_trace_decoder_t(x.d), 6);
	assert_int_equal(dec_state(&x, 2).guest_RAX, 0x222);
	dec_free(&x);
	rec_free(&r);
}

/* The same tests on stream chunks in columns (the recorder's layout since
 * format 8; the others write flat chunks, as versions 3 to 7 did). */
static int cols_on(void **state)
{
	cols_mode = true;
	return 0;
}

static int cols_off(void **state)
{
	cols_mode = false;
	for (int k = 0; k < 3; k++)
		buf_free(&cols[k]);
	return 0;
}

#define COLS(t) cmocka_unit_test_setup_teardown(t, cols_on, cols_off)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_counts_and_reports_straight_line_instructions),
		cmocka_unit_test(test_trace_reconstructs_registers),
		cmocka_unit_test(test_trace_taken_exit_ends_record_and_keeps_unreached_slots),
		cmocka_unit_test(test_trace_faulting_jumpkinds_do_not_retire),
		cmocka_unit_test(test_trace_delta_state_resets_at_chunk_start),
		cmocka_unit_test(test_trace_sb_abort_retires_prefix_and_resets_delta),
		cmocka_unit_test(test_trace_storeg_with_false_guard_stores_nothing),
		cmocka_unit_test(test_trace_applies_puti_narrow_and_wide_puts),
		cmocka_unit_test(test_trace_evaluates_derived_values),
		cmocka_unit_test(test_trace_wide_slotref_raw_put_and_skipped_memcopy),
		cmocka_unit_test(test_trace_evaluates_ite_compares_and_variable_shifts),
		cmocka_unit_test(test_trace_code_rejects_malformed_expressions),
		cmocka_unit_test(test_trace_detects_register_mismatch),
		cmocka_unit_test(test_trace_compares_flags_not_thunks),
		cmocka_unit_test(test_trace_applies_syscall_exit_and_reg_write_before_check),
		cmocka_unit_test(test_trace_keeps_one_state_per_thread),
		cmocka_unit_test(test_trace_accepts_valid_two_chunk_recording),
		cmocka_unit_test(test_trace_rejects_bad_magic),
		cmocka_unit_test(test_trace_rejects_bad_version),
		cmocka_unit_test(test_trace_rejects_other_valgrind),
		cmocka_unit_test(test_trace_reads_version_6),
		cmocka_unit_test(test_trace_rejects_bad_file_header_checksum),
		cmocka_unit_test(test_trace_rejects_bad_chunk_header_checksum),
		cmocka_unit_test(test_trace_rejects_bad_chunk_checksum),
		cmocka_unit_test(test_trace_reports_truncated_last_chunk_as_incomplete),
		cmocka_unit_test(test_trace_rejects_record_past_chunk_end),
		cmocka_unit_test(test_trace_rejects_unknown_sb_id),
		cmocka_unit_test(test_trace_rejects_discontinuous_first_t),
		cmocka_unit_test(test_trace_code_rejects_put_outside_guest_state),
		cmocka_unit_test(test_trace_code_table_has_gaps_and_insns),
		cmocka_unit_test(test_trace_complete_needs_last_chunk_and_exit),
		cmocka_unit_test(test_trace_exit_total_t_must_match),
		cmocka_unit_test(test_trace_lists_process_images_sorted),
		cmocka_unit_test(test_trace_callback_error_stops_decoding),
		cmocka_unit_test(test_trace_reset_decoder_takes_any_chunk_and_forgets_threads),
		COLS(test_trace_counts_and_reports_straight_line_instructions),
		COLS(test_trace_reconstructs_registers),
		COLS(test_trace_taken_exit_ends_record_and_keeps_unreached_slots),
		COLS(test_trace_faulting_jumpkinds_do_not_retire),
		COLS(test_trace_delta_state_resets_at_chunk_start),
		COLS(test_trace_sb_abort_retires_prefix_and_resets_delta),
		COLS(test_trace_storeg_with_false_guard_stores_nothing),
		COLS(test_trace_applies_puti_narrow_and_wide_puts),
		COLS(test_trace_evaluates_derived_values),
		COLS(test_trace_wide_slotref_raw_put_and_skipped_memcopy),
		COLS(test_trace_evaluates_ite_compares_and_variable_shifts),
		COLS(test_trace_code_rejects_malformed_expressions),
		COLS(test_trace_detects_register_mismatch),
		COLS(test_trace_compares_flags_not_thunks),
		COLS(test_trace_applies_syscall_exit_and_reg_write_before_check),
		COLS(test_trace_keeps_one_state_per_thread),
		COLS(test_trace_accepts_valid_two_chunk_recording),
		COLS(test_trace_rejects_bad_magic),
		COLS(test_trace_rejects_bad_version),
		COLS(test_trace_rejects_other_valgrind),
		COLS(test_trace_reads_version_6),
		COLS(test_trace_rejects_bad_file_header_checksum),
		COLS(test_trace_rejects_bad_chunk_header_checksum),
		COLS(test_trace_rejects_bad_chunk_checksum),
		COLS(test_trace_reports_truncated_last_chunk_as_incomplete),
		COLS(test_trace_cols_rejects_short_column),
		COLS(test_trace_rejects_unknown_sb_id),
		COLS(test_trace_rejects_discontinuous_first_t),
		COLS(test_trace_code_rejects_put_outside_guest_state),
		COLS(test_trace_code_table_has_gaps_and_insns),
		COLS(test_trace_complete_needs_last_chunk_and_exit),
		COLS(test_trace_exit_total_t_must_match),
		COLS(test_trace_lists_process_images_sorted),
		COLS(test_trace_callback_error_stops_decoding),
		COLS(test_trace_reset_decoder_takes_any_chunk_and_forgets_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
