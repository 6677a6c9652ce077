/* expr.c - fs/source: DWARF location expressions at one moment.
 *
 * Registers come from the caller (tg->regs) for the innermost frame; the
 * caller's frame is unwound (CFI) only for DW_OP_entry_value.  The frame
 * base is the subprogram's DW_AT_frame_base; with gcc that is
 * DW_OP_call_frame_cfa, so the CFA comes from the module's CFI
 * (.debug_frame, else .eh_frame) at the pc.  Callers hold s->dw_lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_i.h"

#define EVAL_STACK 64

/* Like read_mem, through the page cache: the bytes read (short at
 * unreadable memory), or -EIO when none. */
ssize_t src_ctx_read(const struct src_ctx *c, uint64_t addr, void *out, size_t len)
{
	size_t done = 0;

	while (done < len) {
		uint64_t a = addr + done, pa = a & ~(uint64_t)(SRC_PAGE - 1);
		struct src_page *p = &c->pages[(pa / SRC_PAGE) % SRC_NPAGES];
		size_t in, n;

		if (p->addr != pa) {
			ssize_t r = c->tg->read_mem(c->tg->ctx, pa, p->data, SRC_PAGE);

			p->addr = pa;
			p->len = r > 0 ? (size_t)r : 0;
		}
		in = (size_t)(a - pa);
		if (in >= p->len)
			break;
		n = p->len - in < len - done ? p->len - in : len - done;
		memcpy((uint8_t *)out + done, p->data + in, n);
		done += n;
		if (done < len && p->len < SRC_PAGE)
			break; /* the page ended short: a hole follows */
	}
	return done ? (ssize_t)done : -EIO;
}

int src_ctx_unreadable(const struct src_ctx *c, uint64_t addr, uint64_t size, uint64_t *bad)
{
	uint8_t buf[256];
	uint64_t off = 0;

	if (size > SRC_VALUE_READ_MAX)
		size = SRC_VALUE_READ_MAX;
	while (off < size) {
		size_t n = size - off < sizeof buf ? (size_t)(size - off) : sizeof buf;
		ssize_t r = src_ctx_read(c, addr + off, buf, n);

		if (r != (ssize_t)n) {
			*bad = addr + off + (r > 0 ? (uint64_t)r : 0);
			return -EIO;
		}
		off += n;
	}
	return 0;
}

/* Reads len bytes at off of the value: 0, or -EIO. */
int src_vread(const struct src_ctx *c, const struct src_vsrc *v, uint64_t off,
		 void *out, size_t len)
{
	size_t i;
	ssize_t r;

	if (v->in_mem) {
		r = src_ctx_read(c, v->addr + off, out, len);
		return r == (ssize_t)len ? 0 : -EIO;
	}
	if (off > v->size || len > v->size - off)
		return -EIO;
	for (i = 0; i < len; i++)
		if (!v->valid[off + i])
			return -EIO;
	memcpy(out, v->bytes + off, len);
	return 0;
}

/* ---- registers ---------------------------------------------------------- */

/* DWARF x86-64 register numbers to hs_trace_regs.gpr[] (VEX order:
 * rax rcx rdx rbx rsp rbp rsi rdi r8..r15). */
static const int dwarf_to_gpr[16] = { 0, 2, 1, 3, 6, 7, 5, 4,
				      8, 9, 10, 11, 12, 13, 14, 15 };

/* The bytes of DWARF register regno: 8 for integer registers and rip,
 * 16 for xmm0-15 and for st0-7 (a long double, zero-padded).  -ENOENT
 * for others. */
static int reg_bytes(const struct src_ctx *c, uint64_t regno, uint8_t *out,
		     size_t *len)
{
	const struct hs_trace_regs *r = c->regs;
	uint64_t v;

	if (regno <= 16 && (c->invalid >> regno) & 1)
		return -ENOENT;
	if (regno < 16)
		v = r->gpr[dwarf_to_gpr[regno]];
	else if (regno == 16)
		v = r->rip;
	else if (regno >= 17 && regno <= 32) {
		memcpy(out, r->ymm[regno - 17], 16);
		*len = 16;
		return 0;
	} else if (regno >= 33 && regno <= 40) {
		memset(out, 0, 16);
		src_x87_st(r, (unsigned)(regno - 33), out);
		*len = 16;
		return 0;
	} else
		return -ENOENT;
	memcpy(out, &v, 8);
	*len = 8;
	return 0;
}

static int reg_value(const struct src_ctx *c, uint64_t regno, uint64_t *v)
{
	uint8_t b[16];
	size_t n;

	if (reg_bytes(c, regno, b, &n))
		return -ENOENT;
	memcpy(v, b, 8);
	return 0;
}

/* ---- DWARF expressions ---------------------------------------------------- */

static int frame_base(struct src_ctx *c, uint64_t *out);

/* The CFA at rip from CFI: .debug_frame first, then .eh_frame. */
static int cfa_at(struct src_ctx *c, uint64_t *out);

static int entry_value(struct src_ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *op,
		       int depth, struct src_tval *out);

/* What an entry value asks the caller's call site for (gdb's
 * call_site_parameter kinds): the parameter passed in DWARF register
 * regno (deref >= 0: what it pointed to, the site's
 * DW_AT_call_data_value), or with by_param the one whose
 * DW_AT_call_parameter is the callee's parameter DIE at CU offset param
 * (DW_OP_GNU_parameter_ref: a parameter an IPA clone no longer takes). */
struct entry_key {
	uint64_t regno;
	int deref;
	bool by_param;
	Dwarf_Off param;
	bool none;          /* gdb's DW_OP_fbreg kind: no site's parameter
			     * matches here (only the failure's text) */
	char *why;          /* NULL, or gdb's error when no value is found
			     * (why_cap bytes): `print x@entry` shows it */
	size_t why_cap;
};

/* The expression stack (gdb's: values of base types, expr_typed.c);
 * push/need say false on overflow/underflow. */
struct estack {
	struct src_tval v[EVAL_STACK];
	int sp;
};

static bool push_tv(struct estack *e, const struct src_tval *t)
{
	if (e->sp >= EVAL_STACK)
		return false;
	e->v[e->sp++] = *t;
	return true;
}

/* v as the generic type's */
static bool push(struct estack *e, uint64_t v)
{
	struct src_tval t;

	src_tv_generic(&t, v);
	return push_tv(e, &t);
}

static bool need(const struct estack *e, int k)
{
	return e->sp >= k;
}

/* The top of the stack as an address (gdb's fetch_address: an integer):
 * false when there is none. */
static bool top_addr(const struct estack *e, uint64_t *a)
{
	if (e->sp < 1 || !src_tv_integral(&e->v[e->sp - 1]))
		return false;
	*a = src_tv_u64(&e->v[e->sp - 1]);
	return true;
}

/* How the current piece is located, and what src_eval_ops() has seen. */
enum loc_kind { L_MEM, L_REG, L_VALUE, L_IMPLICIT };

struct eval_state {
	struct estack es;
	enum loc_kind kind;
	uint64_t regno;
	Dwarf_Block implicit;
	bool pieces;
	size_t piece_bits;      /* of the pieces so far */
};

static size_t op_index(const Dwarf_Op *ops, size_t n, uint64_t offset)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ops[i].offset == offset)
			return i;
	return SIZE_MAX;
}

/* The base type a typed op names (its DIE, through attr), into *t:
 * 0 or -ENODATA.  DW_OP_convert's 0 is the generic type. */
static int op_type(Dwarf_Attribute *attr, const Dwarf_Op *op, struct src_tval *t)
{
	Dwarf_Die d;

	if ((op->atom == DW_OP_convert || op->atom == DW_OP_GNU_convert ||
	     op->atom == DW_OP_reinterpret || op->atom == DW_OP_GNU_reinterpret) &&
	    op->number == 0) {
		src_tv_generic(t, 0);
		return 0;
	}
	if (!attr || dwarf_getlocation_die(attr, op, &d) != 0)
		return -ENODATA;
	return src_tv_of_die(&d, t);
}

/* DW_OP_const_type (the constant's bytes, as many as its type's) and
 * DW_OP_regval_type (the register's first bytes, gdb's
 * value_from_register): 0 or -ENODATA. */
static int op_typed(struct src_ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *op,
		    struct estack *es)
{
	struct src_tval t;
	uint8_t b[16];
	size_t len;

	if (op_type(attr, op, &t))
		return -ENODATA;
	if (op->atom == DW_OP_const_type || op->atom == DW_OP_GNU_const_type) {
		/* libdw: number2 points at the block: its size byte, the bytes */
		const uint8_t *blk = (const uint8_t *)(uintptr_t)op->number2;

		if (!blk || blk[0] != t.size)
			return -ENODATA; /* gdb: "different sizes for type and data" */
		memcpy(t.b, blk + 1, t.size);
	} else {
		if (reg_bytes(c, op->number, b, &len) || t.size > len)
			return -ENODATA;
		memcpy(t.b, b, t.size);
	}
	return push_tv(es, &t) ? 0 : -ENODATA;
}

/* The ops that push one value (literals, constants, registers plus an
 * offset, the frame base, the CFA, an entry value, typed constants and
 * registers): 0 or -ENODATA; 1 when op is not one of them. */
static int op_value(struct src_ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *op,
		    int depth, struct estack *es)
{
	uint8_t at = op->atom;
	struct src_tval t;
	uint64_t a;

	if (at >= DW_OP_lit0 && at <= DW_OP_lit31)
		return push(es, at - DW_OP_lit0) ? 0 : -ENODATA;
	if (at >= DW_OP_breg0 && at <= DW_OP_breg31)
		return !reg_value(c, at - DW_OP_breg0, &a) && push(es, a + op->number) ?
			0 : -ENODATA;
	switch (at) {
	case DW_OP_addr:
		return push(es, op->number + c->bias) ? 0 : -ENODATA;
	case DW_OP_addrx: case DW_OP_GNU_addr_index:
	case DW_OP_constx: case DW_OP_GNU_const_index: {
		/* DWARF 5's index into .debug_addr (clang's globals): an
		 * address gets the load bias, a constant (a TLS offset) not */
		Dwarf_Attribute res;
		Dwarf_Addr v;

		if (!attr || dwarf_getlocation_attr(attr, op, &res) != 0 ||
		    dwarf_formaddr(&res, &v) != 0)
			return -ENODATA;
		if (at == DW_OP_addrx || at == DW_OP_GNU_addr_index)
			v += c->bias;
		return push(es, v) ? 0 : -ENODATA;
	}
	case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u:
	case DW_OP_const8u: case DW_OP_constu:
	case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s:
	case DW_OP_const8s: case DW_OP_consts:
		return push(es, op->number) ? 0 : -ENODATA;
	case DW_OP_bregx:
		return !reg_value(c, op->number, &a) && push(es, a + op->number2) ? 0 : -ENODATA;
	case DW_OP_fbreg:
		return !frame_base(c, &a) && push(es, a + op->number) ? 0 : -ENODATA;
	case DW_OP_call_frame_cfa:
		return !cfa_at(c, &a) && push(es, a) ? 0 : -ENODATA;
	case DW_OP_entry_value:
	case DW_OP_GNU_entry_value:
	case DW_OP_GNU_parameter_ref:
		return !entry_value(c, attr, op, depth, &t) && push_tv(es, &t) ? 0 : -ENODATA;
	case DW_OP_const_type: case DW_OP_GNU_const_type:
	case DW_OP_regval_type: case DW_OP_GNU_regval_type:
		return op_typed(c, attr, op, es);
	default:
		return 1;
	}
}

/* dup, over, pick, drop, swap, rot: 0 or -ENODATA. */
static int op_shuffle(struct estack *es, uint8_t at, uint64_t number)
{
	struct src_tval a;

	switch (at) {
	case DW_OP_dup:
	case DW_OP_over:
	case DW_OP_pick: {
		int k = at == DW_OP_dup ? 0 : at == DW_OP_over ? 1 : (int)number;

		if (k < 0 || !need(es, k + 1))
			return -ENODATA;
		a = es->v[es->sp - 1 - k];
		return push_tv(es, &a) ? 0 : -ENODATA;
	}
	case DW_OP_drop:
		if (!need(es, 1))
			return -ENODATA;
		es->sp--;
		return 0;
	case DW_OP_swap:
		if (!need(es, 2))
			return -ENODATA;
		a = es->v[es->sp - 1];
		es->v[es->sp - 1] = es->v[es->sp - 2];
		es->v[es->sp - 2] = a;
		return 0;
	default: /* DW_OP_rot */
		if (!need(es, 3))
			return -ENODATA;
		a = es->v[es->sp - 1];
		es->v[es->sp - 1] = es->v[es->sp - 2];
		es->v[es->sp - 2] = es->v[es->sp - 3];
		es->v[es->sp - 3] = a;
		return 0;
	}
}

/* deref, deref_size, deref_type: the top of the stack read from memory,
 * the generic type's or the op's, its bytes zero-extended (or cut) to
 * the type's size as gdb does; 0, -ENODATA or -EIO (unreadable). */
static int op_deref(struct src_ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *op,
		    struct estack *es)
{
	size_t len = op->atom == DW_OP_deref ? 8 : op->number;
	struct src_tval t;
	uint8_t v[16] = { 0 };
	uint64_t a;

	if (op->atom == DW_OP_deref_type || op->atom == DW_OP_GNU_deref_type) {
		if (op_type(attr, op, &t))
			return -ENODATA;
	} else {
		src_tv_generic(&t, 0);
	}
	/* (gdb extends or cuts no more than 8 bytes) */
	if (!top_addr(es, &a) || len == 0 || len > 16 || (len > 8 && len != t.size))
		return -ENODATA;
	if (src_ctx_read(c, a, v, len) != (ssize_t)len)
		return -EIO;
	memcpy(t.b, v, t.size);
	es->v[es->sp - 1] = t;
	return 0;
}

/* form_tls_address: the offset on the top of the stack, in the module's
 * thread-local block of the moment's thread (cexpr_tls.c): 0, -ENODATA
 * or -EIO. */
static int op_tls(struct src_ctx *c, struct estack *es)
{
	uint64_t block, off;
	int r;

	if (!top_addr(es, &off))
		return -ENODATA;
	r = src_tls_block(c, &block);
	if (r)
		return r == -EIO ? -EIO : -ENODATA;
	src_tv_generic(&es->v[es->sp - 1], off + block);
	return 0;
}

/* plus_uconst, neg, not, abs, convert, reinterpret on the top of the
 * stack: 0 or -ENODATA. */
static int op_unary(Dwarf_Attribute *attr, const Dwarf_Op *op, struct estack *es)
{
	uint8_t at = op->atom;
	struct src_tval to;

	if (!need(es, 1))
		return -ENODATA;
	if (at == DW_OP_convert || at == DW_OP_GNU_convert)
		return op_type(attr, op, &to) ? -ENODATA : src_tv_convert(&es->v[es->sp - 1], &to);
	if (at == DW_OP_reinterpret || at == DW_OP_GNU_reinterpret)
		return op_type(attr, op, &to) ? -ENODATA :
			src_tv_reinterpret(&es->v[es->sp - 1], &to);
	return src_tv_unary(at, &es->v[es->sp - 1], op->number);
}

/* The two-operand arithmetic and comparisons, in the operands' type:
 * 0 or -ENODATA (underflow, types that differ, division by zero). */
static int op_binary(struct estack *es, uint8_t at)
{
	if (!need(es, 2))
		return -ENODATA;
	es->sp--;
	return src_tv_binary(at, &es->v[es->sp - 1], &es->v[es->sp]);
}

/* skip, bra: *i becomes the op before the target (the loop's i++ then
 * reaches it); 0 or -ENODATA. */
static int op_branch(struct estack *es, const Dwarf_Op *ops, size_t n, size_t *i)
{
	const Dwarf_Op *op = &ops[*i];
	size_t j;

	if (op->atom == DW_OP_bra) {
		if (!need(es, 1) || !src_tv_integral(&es->v[es->sp - 1]))
			return -ENODATA;
		if (!src_tv_u64(&es->v[--es->sp]))
			return 0;
	}
	/* op->number is the target offset libdw computed */
	j = op_index(ops, n, op->number);
	if (j == SIZE_MAX)
		return -ENODATA;
	*i = j - 1;
	return 0;
}

/* The bits [off, off + n) of src to res's bits from at on, each byte
 * they touch valid (1) where none of its bits is optimized out (2: one
 * is; piece_done makes that 0: gdb marks single bits, a member that
 * shares a byte with an optimized-out one prints <optimized out> here). */
static void put_bits(struct src_vsrc *res, size_t at, const uint8_t *src, size_t off,
		     size_t n, bool ok)
{
	for (size_t k = 0; k < n; k++) {
		size_t d = at + k, sb = off + k;
		uint8_t bit = (uint8_t)(1u << (d % 8));

		if (ok && (src[sb / 8] >> (sb % 8)) & 1)
			res->bytes[d / 8] |= bit;
		else
			res->bytes[d / 8] &= (uint8_t)~bit;
		if (!ok)
			res->valid[d / 8] = 2;
		else if (!res->valid[d / 8])
			res->valid[d / 8] = 1;
	}
}

/* DW_OP_piece and DW_OP_bit_piece ops[i]: the bits of the piece just
 * described (a bit piece's from its offset: gdb's bits_to_skip, from the
 * least significant end of a register or value), valid or not (optimized
 * out), appended to res; 0 or -ENODATA (too large).  A piece past a stack
 * value's or a literal's own size reads as zeros (gdb's "use zeroes if
 * piece reaches beyond stack value"). */
static int op_piece(struct src_ctx *c, struct eval_state *st, const Dwarf_Op *ops, size_t i,
		    struct src_vsrc *res)
{
	bool bitp = ops[i].atom == DW_OP_bit_piece;
	size_t nbits = bitp ? ops[i].number : ops[i].number * 8, off = bitp ? ops[i].number2 : 0;
	size_t need = (off + nbits + 7) / 8;
	uint8_t tmp[SRC_VBUF_MAX + 16];
	struct estack *es = &st->es;
	uint64_t a;
	bool ok = true;

	st->pieces = true;
	if (st->piece_bits + nbits > SRC_VBUF_MAX * 8 || need > SRC_VBUF_MAX)
		return -ENODATA;
	memset(tmp, 0, sizeof tmp);
	if (i == 0 || ops[i - 1].atom == DW_OP_piece || ops[i - 1].atom == DW_OP_bit_piece) {
		ok = false; /* empty piece: optimized out */
	} else if (st->kind == L_REG) {
		size_t rl;

		ok = reg_bytes(c, st->regno, tmp, &rl) == 0 && need <= rl;
	} else if (st->kind == L_VALUE) {
		ok = es->sp > 0;
		if (ok && off + nbits <= es->v[es->sp - 1].size * 8u)
			memcpy(tmp, es->v[es->sp - 1].b, es->v[es->sp - 1].size);
	} else if (st->kind == L_IMPLICIT) {
		/* (cut off at the literal's end) */
		memcpy(tmp, st->implicit.data,
		       st->implicit.length < need ? st->implicit.length : need);
	} else {
		ok = top_addr(es, &a) && src_ctx_read(c, a, tmp, need) == (ssize_t)need;
	}
	put_bits(res, st->piece_bits, tmp, off, nbits, ok);
	st->piece_bits += nbits;
	es->sp = 0;
	st->kind = L_MEM;
	return 0;
}

/* An x87 register's long double at b as a float or double (size 4 or 8),
 * in place. */
static void x87_to_float(uint8_t *b, size_t size)
{
	long double ld;
	double d;
	float f;

	memcpy(&ld, b, 10);
	memset(b, 0, 16);
	if (size == 4) {
		f = (float)ld;
		memcpy(b, &f, 4);
	} else {
		d = (double)ld;
		memcpy(b, &d, 8);
	}
}

/* The value an expression without pieces located: 0 or -ENODATA. */
static int eval_result(struct src_ctx *c, const struct eval_state *st, struct src_vsrc *res,
		       size_t size)
{
	const struct estack *es = &st->es;

	res->size = size < SRC_VBUF_MAX ? size : SRC_VBUF_MAX;
	switch (st->kind) {
	case L_MEM:
		if (!top_addr(es, &res->addr))
			return -ENODATA;
		res->in_mem = true;
		return 0;
	case L_REG: {
		size_t rl;

		if (reg_bytes(c, st->regno, res->bytes, &rl))
			return -ENODATA;
		if (st->regno >= 33 && st->regno <= 40 && (size == 4 || size == 8))
			x87_to_float(res->bytes, size); /* gdb's i387_register_to_value */
		memset(res->valid, 1, rl);
		res->size = rl;
		return 0;
	}
	case L_VALUE:
		/* DWARF_VALUE_STACK: the bytes of the value, as many as its
		 * type has */
		if (es->sp < 1)
			return -ENODATA;
		res->size = es->v[es->sp - 1].size;
		memcpy(res->bytes, es->v[es->sp - 1].b, res->size);
		memset(res->valid, 1, res->size);
		return 0;
	case L_IMPLICIT:
		res->size = st->implicit.length < SRC_VBUF_MAX ? st->implicit.length : SRC_VBUF_MAX;
		memcpy(res->bytes, st->implicit.data, res->size);
		memset(res->valid, 1, res->size);
		return 0;
	}
	return -ENODATA;
}

/* One op that is neither a value pushed (op_value) nor a register
 * location: 0, -ENODATA (optimized out, an op not evaluated) or -EIO. */
static int op_other(struct src_ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *ops, size_t n,
		    size_t *i, struct eval_state *st, struct src_vsrc *res)
{
	const Dwarf_Op *op = &ops[*i];
	uint8_t at = op->atom;

	switch (at) {
	case DW_OP_regx:
		st->kind = L_REG;
		st->regno = op->number;
		return 0;
	case DW_OP_dup: case DW_OP_over: case DW_OP_pick:
	case DW_OP_drop: case DW_OP_swap: case DW_OP_rot:
		return op_shuffle(&st->es, at, op->number);
	case DW_OP_deref: case DW_OP_deref_size:
	case DW_OP_deref_type: case DW_OP_GNU_deref_type:
		return op_deref(c, attr, op, &st->es);
	case DW_OP_form_tls_address:
	case DW_OP_GNU_push_tls_address:
		return op_tls(c, &st->es);
	case DW_OP_plus_uconst: case DW_OP_neg: case DW_OP_not: case DW_OP_abs:
	case DW_OP_convert: case DW_OP_GNU_convert:
	case DW_OP_reinterpret: case DW_OP_GNU_reinterpret:
		return op_unary(attr, op, &st->es);
	case DW_OP_plus: case DW_OP_minus: case DW_OP_mul: case DW_OP_div:
	case DW_OP_mod: case DW_OP_and: case DW_OP_or: case DW_OP_xor:
	case DW_OP_shl: case DW_OP_shr: case DW_OP_shra:
	case DW_OP_eq: case DW_OP_ne: case DW_OP_lt: case DW_OP_gt:
	case DW_OP_le: case DW_OP_ge:
		return op_binary(&st->es, at);
	case DW_OP_skip:
	case DW_OP_bra:
		return op_branch(&st->es, ops, n, i);
	case DW_OP_nop:
		return 0;
	case DW_OP_stack_value:
		st->kind = L_VALUE;
		return 0;
	case DW_OP_implicit_value:
		if (!attr || dwarf_getlocation_implicit_value(attr, op, &st->implicit))
			return -ENODATA;
		st->kind = L_IMPLICIT;
		return 0;
	case DW_OP_piece:
	case DW_OP_bit_piece:
		return op_piece(c, st, ops, *i, res);
	default:
		return -ENODATA;
	}
}

/* Runs ops into st (pieces into res): 0, -ENODATA, -EIO or -EDOM (gdb's
 * error c->expr_err). */
static int run_ops(struct src_ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *ops, size_t n,
		   int depth, struct eval_state *st, struct src_vsrc *res)
{
	size_t i, steps = 0;

	if (depth > 4 || n == 0)
		return -ENODATA;
	for (i = 0; i < n; i++) {
		const Dwarf_Op *op = &ops[i];
		uint8_t at = op->atom;
		int r;

		if (++steps > 10000) /* a DW_OP_skip loop */
			return -ENODATA;
		r = op_value(c, attr, op, depth, &st->es);
		if (r <= 0) {
			if (r)
				return r;
			continue;
		}
		if (at >= DW_OP_reg0 && at <= DW_OP_reg31) {
			st->kind = L_REG;
			st->regno = at - DW_OP_reg0;
			continue;
		}
		r = op_other(c, attr, ops, n, &i, st, res);
		if (r == -E2BIG || r == -EPROTO) {
			/* gdb's error ends the evaluation: the variable's
			 * text is the message (locals.c) */
			c->expr_err = r == -E2BIG ? SRC_ERR_WIDE_INT : SRC_ERR_TYPES;
			return -EDOM;
		}
		if (r)
			return r;
	}
	return 0;
}

int src_eval_ops(struct src_ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *ops,
		    size_t n, struct src_vsrc *res, size_t size, int depth)
{
	struct eval_state st = { .kind = L_MEM };
	int r;

	memset(res, 0, sizeof *res);
	r = run_ops(c, attr, ops, n, depth, &st, res);
	if (r)
		return r;
	if (st.pieces) {
		res->in_mem = false;
		res->pieces = true;
		res->size = (st.piece_bits + 7) / 8;
		for (size_t k = 0; k < res->size; k++)
			res->valid[k] = res->valid[k] == 1;
		return 0;
	}
	return eval_result(c, &st, res, size);
}

/* Evaluates a DWARF expression that computes a value (a call site's
 * DW_AT_call_value, a CFA rule): the value it leaves on the stack, with
 * its type, as gdb's evaluation of it pushes it.  0 or -ENODATA. */
static int eval_tval(struct src_ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *ops,
		     size_t n, struct src_tval *out, int depth)
{
	struct eval_state st = { .kind = L_MEM };
	struct src_vsrc pieces;
	uint8_t b[16];
	size_t len;
	int r;

	r = run_ops(c, attr, ops, n, depth, &st, &pieces);
	if (r || st.pieces)
		return r ? r : -ENODATA;
	if (st.kind == L_REG) {
		if (reg_bytes(c, st.regno, b, &len))
			return -ENODATA;
		src_tv_generic(out, 0);
		memcpy(out->b, b, 8);
		return 0;
	}
	if ((st.kind != L_MEM && st.kind != L_VALUE) || st.es.sp < 1)
		return -ENODATA;
	*out = st.es.v[st.es.sp - 1];
	return 0;
}

/* Evaluates a plain DWARF expression (no location ops) to one number. */
static int eval_value(struct src_ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *ops,
		      size_t n, uint64_t *out, int depth)
{
	struct src_tval t;
	int r = eval_tval(c, attr, ops, n, &t, depth);

	if (r)
		return r;
	*out = src_tv_u64(&t);
	return 0;
}

/* The CFI frame state at c->pc: .debug_frame first, then .eh_frame.
 * Caller frees it; NULL if none. */
static Dwarf_Frame *frame_at(struct src_ctx *c)
{
	Dwarf_Addr bias;
	Dwarf_CFI *cfi;
	Dwarf_Frame *fr;

	cfi = dwfl_module_dwarf_cfi(c->m->dm, &bias);
	if (cfi && dwarf_cfi_addrframe(cfi, c->pc - bias, &fr) == 0)
		return fr;
	cfi = dwfl_module_eh_cfi(c->m->dm, &bias);
	if (cfi && dwarf_cfi_addrframe(cfi, c->pc - bias, &fr) == 0)
		return fr;
	return NULL;
}

static int cfa_at(struct src_ctx *c, uint64_t *out)
{
	Dwarf_Frame *fr = frame_at(c);
	Dwarf_Op *ops;
	size_t nops;
	int ret = -ENODATA;

	if (!fr)
		return -ENODATA;
	if (dwarf_frame_cfa(fr, &ops, &nops) == 0 && nops)
		ret = eval_value(c, NULL, ops, nops, out, 1);
	free(fr);
	return ret;
}

/* The caller's registers, unwound with CFI: rsp is the CFA, rip the
 * return address, a register CFI saved where CFI says; every other one
 * has the same value as in this frame, as gdb takes it (its amd64 CFI
 * leaves them "unspecified": even the call-clobbered ones read as this
 * frame's), so entry values resolve where gdb's do. */
static int unwind(struct src_ctx *c, struct hs_trace_regs *out, uint32_t *invalid)
{
	static const int saved[] = { 0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	Dwarf_Frame *fr = frame_at(c);
	uint64_t cfa;
	size_t i;
	int ret = -ENODATA;

	if (!fr)
		return -ENODATA;
	*out = *c->regs;
	*invalid = 0x1ffff;
	if (cfa_at(c, &cfa))
		goto out;
	out->gpr[dwarf_to_gpr[7]] = cfa;
	*invalid &= ~(1u << 7);
	for (i = 0; i < sizeof saved / sizeof saved[0]; i++) {
		Dwarf_Op mem[3], *ops;
		size_t nops;
		struct src_vsrc v;
		uint64_t val;
		int r = saved[i];

		if (dwarf_frame_register(fr, r, mem, &ops, &nops) != 0) {
			ops = mem; /* no rule: unspecified */
			nops = 0;
		}
		if (nops == 0) {
			/* same value, or no rule ("undefined" to libdw, for
			 * rbx too): gdb reads this frame's value; the return
			 * address needs a rule */
			if ((!ops || r != 16) && !reg_value(c, (uint64_t)r, &val))
				*invalid &= ~(1u << r);
			continue;
		}
		if (src_eval_ops(c, NULL, ops, nops, &v, 8, 1))
			continue;
		if (v.in_mem ? src_ctx_read(c, v.addr, &val, 8) != 8 : src_vread(c, &v, 0, &val, 8))
			continue;
		if (r == 16)
			out->rip = val;
		else
			out->gpr[dwarf_to_gpr[r]] = val;
		*invalid &= ~(1u << r);
	}
	ret = (*invalid >> 16) & 1 ? -ENODATA : 0;
out:
	free(fr);
	return ret;
}

/* The call site in scope (a block or subprogram) returning to ret_pc. */
static bool find_call_site(Dwarf_Die *scope, Dwarf_Addr ret_pc, Dwarf_Die *out)
{
	Dwarf_Die child;

	if (dwarf_child(scope, &child) != 0)
		return false;
	do {
		Dwarf_Attribute a;
		Dwarf_Addr pc;
		int tag = dwarf_tag(&child);

		if (tag != DW_TAG_call_site && tag != DW_TAG_GNU_call_site)
			continue;
		if (!dwarf_attr(&child, DW_AT_call_return_pc, &a) &&
		    !dwarf_attr(&child, DW_AT_low_pc, &a))
			continue;
		if (dwarf_formaddr(&a, &pc) == 0 && pc == ret_pc) {
			*out = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* The register of DW_OP_entry_value(X) (op, of attr) as gdb's
 * dwarf_block_to_dwarf_reg and dwarf_block_to_dwarf_reg_deref take X:
 * DW_OP_regN, DW_OP_regx or DW_OP_regval_type (*deref -1: the register's
 * value), or DW_OP_bregN 0 then DW_OP_deref or DW_OP_deref_size (*deref
 * the size read: the value of what it pointed to, the call site's
 * DW_AT_call_data_value).  gdb evaluates no other X. */
static int entry_reg(Dwarf_Attribute *attr, const Dwarf_Op *op, struct entry_key *key)
{
	Dwarf_Attribute inner;
	Dwarf_Op *iops;
	size_t ni;
	uint8_t a0;
	uint64_t *regno = &key->regno;
	int *deref = &key->deref;

	if (!attr || dwarf_getlocation_attr(attr, op, &inner) ||
	    dwarf_getlocation(&inner, &iops, &ni) || ni < 1 || ni > 2)
		return -ENODATA;
	a0 = iops[0].atom;
	memset(key, 0, sizeof *key);
	*deref = -1;
	if (ni == 1) {
		if (a0 >= DW_OP_reg0 && a0 <= DW_OP_reg31)
			*regno = a0 - DW_OP_reg0;
		else if (a0 == DW_OP_regx || a0 == DW_OP_regval_type ||
			 a0 == DW_OP_GNU_regval_type)
			*regno = iops[0].number;
		else
			return -ENODATA;
		return 0;
	}
	if (a0 >= DW_OP_breg0 && a0 <= DW_OP_breg31 && iops[0].number == 0)
		*regno = a0 - DW_OP_breg0;
	else if (a0 == DW_OP_bregx && iops[0].number2 == 0)
		*regno = iops[0].number;
	else
		return -ENODATA;
	if (iops[1].atom == DW_OP_deref)
		*deref = 8;
	else if (iops[1].atom == DW_OP_deref_size)
		*deref = (int)iops[1].number;
	else
		return -ENODATA;
	return 0;
}

/* Whether call-site parameter param is the one key asks for: passed in
 * its register, or (by_param) with no location, naming the callee's
 * parameter (gdb's read_call_site_scope: DW_AT_call_parameter, else
 * DW_AT_abstract_origin). */
static bool param_is(Dwarf_Die *param, const struct entry_key *key)
{
	Dwarf_Attribute la;
	Dwarf_Op *lops;
	size_t nl;
	Dwarf_Die p;

	if (key->none)
		return false;
	if (dwarf_attr(param, DW_AT_location, &la)) {
		if (key->by_param || dwarf_getlocation(&la, &lops, &nl) || nl != 1)
			return false;
		return (lops[0].atom == DW_OP_reg0 + key->regno && key->regno < 32) ||
		       (lops[0].atom == DW_OP_regx && lops[0].number == key->regno);
	}
	if (!key->by_param ||
	    (!dwarf_attr(param, DW_AT_call_parameter, &la) &&
	     !dwarf_attr(param, DW_AT_abstract_origin, &la)) ||
	    !dwarf_formref_die(&la, &p))
		return false;
	return dwarf_cuoffset(&p) == key->param;
}

/* The DW_AT_call_value (deref: DW_AT_call_data_value) of site's
 * parameter key asks for: its ops in *ops, *n. */
static bool site_param(Dwarf_Die *site, const struct entry_key *key, Dwarf_Attribute *va,
		       Dwarf_Op **ops, size_t *n)
{
	Dwarf_Die param;
	bool data = key->deref >= 0;

	if (dwarf_child(site, &param) != 0)
		return false;
	do {
		int tag = dwarf_tag(&param);

		if ((tag != DW_TAG_call_site_parameter &&
		     tag != DW_TAG_GNU_call_site_parameter) || !param_is(&param, key))
			continue;
		if (data ? !dwarf_attr(&param, DW_AT_call_data_value, va) &&
			   !dwarf_attr(&param, DW_AT_GNU_call_site_data_value, va) :
			   !dwarf_attr(&param, DW_AT_call_value, va) &&
			   !dwarf_attr(&param, DW_AT_GNU_call_site_value, va))
			return false;
		return dwarf_getlocation(va, ops, n) == 0 && *n > 0;
	} while (dwarf_siblingof(&param, &param) == 0);
	return false;
}

/* Whether a tail-call site's value can be evaluated with the caller's
 * registers: gdb's tail-call frames have the registers CFI unwinds from
 * the callee (only pc and sp are their own), so anything but the stack
 * pointer, the frame base and the CFA, which are the tail-calling
 * function's. */
static bool tail_evaluable(const Dwarf_Op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t at = ops[i].atom;

		if (at == DW_OP_breg7 || at == DW_OP_reg7 || at == DW_OP_fbreg ||
		    at == DW_OP_call_frame_cfa || at == DW_OP_entry_value ||
		    at == DW_OP_GNU_entry_value || at == DW_OP_bregx || at == DW_OP_regx ||
		    at >= DW_OP_lo_user)
			return false;
	}
	return true;
}

/* A call-site value gcc writes with a type, for an SSE register: a
 * constant (DW_OP_const_type) or a register of the caller
 * (DW_OP_regval_type). */
static bool typed_one(const Dwarf_Op *ops, size_t n)
{
	return n == 1 && (ops[0].atom == DW_OP_const_type || ops[0].atom == DW_OP_GNU_const_type ||
			  ops[0].atom == DW_OP_regval_type ||
			  ops[0].atom == DW_OP_GNU_regval_type);
}

/* What the parameter key asks for was on entry to the callee of
 * chain[k] (tail-call sites, chain[0] in the function the caller's site
 * calls): the site's value, in the caller's registers (cc), or the entry
 * value of a register of the function holding the site, which the site
 * before it (or the caller's) gives. */
static int tail_value(struct src_ctx *cc, Dwarf_Die *site, Dwarf_Die *chain, int k,
		      const struct entry_key *key, int depth, struct src_tval *out)
{
	struct entry_key up;
	Dwarf_Attribute va;
	Dwarf_Op *ops;
	size_t n;

	if (k < 0)
		return site_param(site, key, &va, &ops, &n) ?
			eval_tval(cc, &va, ops, n, out, depth + 1) : -ENODATA;
	if (!site_param(&chain[k], key, &va, &ops, &n))
		return -ENODATA;
	if (typed_one(ops, n))
		return eval_tval(cc, &va, ops, n, out, depth + 1);
	if (n == 1 && (ops[0].atom == DW_OP_entry_value || ops[0].atom == DW_OP_GNU_entry_value))
		return entry_reg(&va, &ops[0], &up) ? -ENODATA :
			tail_value(cc, site, chain, k - 1, &up, depth, out);
	if (!tail_evaluable(ops, n))
		return -ENODATA;
	return eval_tval(cc, &va, ops, n, out, depth + 1);
}

/* The address call site site of the caller cc calls: its origin's, or
 * its DW_AT_call_target evaluated in the caller.  0 or -ENODATA. */
static int site_target(struct src_ctx *cc, Dwarf_Addr bias, Dwarf_Die *site, uint64_t *at)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;
	int r = src_site_target(cc->s, cc->m, bias, site, at);

	if (r != -ENOENT)
		return r;
	if (!dwarf_attr(site, DW_AT_call_target, &a) &&
	    !dwarf_attr(site, DW_AT_GNU_call_site_target, &a))
		return -ENODATA;
	if (dwarf_getlocation(&a, &ops, &n) || n == 0)
		return -ENODATA;
	return eval_value(cc, &a, ops, n, at, 1);
}

/* Whether c->pc is in main (its symbol holds it): gdb unwinds no frame
 * past main (`backtrace past-main` off), so it finds no caller whose call
 * site would give main's entry values ("DW_OP_entry_value resolving
 * requires caller of main": <optimized out>, clang -O2's argc). */
static bool in_main(const struct src_ctx *c)
{
	const struct src_sym *f = c->m ? src_sym_find(c->m, c->pc) : NULL;

	return f && f->name && !strcmp(f->name, "main");
}

/* gdb's print name of the ELF symbol holding pc (lookup_minimal_symbol_by_pc):
 * demangled, "???" for none. */
static const char *msym_name(const struct src_ctx *c, uint64_t pc, uint64_t *addr)
{
	const struct src_mod *m = src_mod_find(c->s, pc);
	const struct src_sym *f = m ? src_sym_find(m, pc) : NULL;

	*addr = f ? f->addr : 0;
	return !f || !f->name ? "???" : f->dname ? f->dname : f->name;
}

/* key->why: gdb's NO_ENTRY_VALUE_ERROR text (dwarf2/loc.c) of kind
 * (WHY_*) at pc, the function's or its caller's. */
enum { WHY_NO_CALLER, WHY_NO_SITE, WHY_NO_PARAM };

static void entry_why(const struct src_ctx *c, const struct entry_key *key, int kind,
		      uint64_t pc)
{
	uint64_t fa;
	const char *n = msym_name(c, pc, &fa);

	if (!key->why)
		return;
	if (kind == WHY_NO_CALLER)
		snprintf(key->why, key->why_cap, "DW_OP_entry_value resolving requires caller "
			 "of 0x%" PRIx64 " (%s)", fa, n);
	else if (kind == WHY_NO_SITE)
		snprintf(key->why, key->why_cap, "DW_OP_entry_value resolving cannot find "
			 "DW_TAG_call_site 0x%" PRIx64 " in %s", pc, n);
	else
		snprintf(key->why, key->why_cap, "Cannot find matching parameter at "
			 "DW_TAG_call_site 0x%" PRIx64 " at %s", pc, n);
}

/* DW_OP_entry_value(DW_OP_regN): the value register N had when the
 * function was entered (deref >= 0: of what it pointed to), typed.  gcc -O2 says so for a parameter whose register
 * was reused; the caller's call site then says how to compute what it
 * passed (DW_TAG_call_site_parameter), in the caller's frame, which we
 * unwind to with CFI.  When that site calls another function, which
 * reached this one by tail calls (a unique chain of DW_AT_call_tail_call
 * sites), the last of them says it.  gdb does the same (x@entry). */
static int entry_reg_tval(struct src_ctx *c, const struct entry_key *key, int depth,
			  struct src_tval *out)
{
	struct hs_trace_regs caller;
	struct src_ctx cc;
	Dwarf_Die *cu, *scopes = NULL, site, chain[SRC_TAIL_MAX];
	Dwarf_Addr bias, lo;
	uint64_t callee = 0, target;
	int ns, i, nc, ret = -ENODATA;
	bool found = false;

	if (depth > 2)
		return -ENODATA;
	if (in_main(c)) {
		entry_why(c, key, WHY_NO_CALLER, c->pc);
		return -ENODATA;
	}
	if (c->func && dwarf_entrypc(c->func, &lo) == 0)
		callee = lo + c->bias;
	cc = *c;
	if (unwind(c, &caller, &cc.invalid))
		return -ENODATA;
	cc.regs = &caller;
	cc.pc = caller.rip - 1;
	cc.m = src_mod_find(c->s, caller.rip);
	cc.func = NULL;
	if (!cc.m || !cc.m->dw)
		return -ENODATA;
	cu = src_cu_at(cc.m, cc.pc, &bias);
	if (!cu)
		return -ENODATA;
	cc.bias = bias;
	ns = dwarf_getscopes(cu, cc.pc - bias, &scopes);
	for (i = 0; i < ns && !found; i++) {
		int tag = dwarf_tag(&scopes[i]);

		found = find_call_site(&scopes[i], caller.rip - bias, &site);
		if (tag == DW_TAG_subprogram)
			break;
	}
	for (; i < ns && !cc.func; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram)
			cc.func = &scopes[i];
	if (!found) {
		entry_why(c, key, WHY_NO_SITE, caller.rip);
		goto out;
	}
	/* a function that can tail-call itself: which entry? (gdb) */
	if (callee && src_self_tail_call(c->m, c->bias, callee))
		goto out;
	if (site_target(&cc, bias, &site, &target))
		goto out; /* gdb: "DW_OP_entry_value resolving expects callee" */
	if (callee && target != callee) {
		/* the site calls another function: this one was reached
		 * from it by tail calls, or the frame is not the call's */
		nc = cc.m == c->m ? src_tail_chain(cc.m, bias, target, callee, chain) : 0;
		if (nc > 0)
			ret = tail_value(&cc, &site, chain, nc - 1, key, depth, out);
		goto out;
	}
	ret = tail_value(&cc, &site, NULL, -1, key, depth, out);
	if (ret)
		entry_why(c, key, WHY_NO_PARAM, caller.rip);
out:
	free(scopes);
	return ret;
}

int src_entry_reg_value(struct src_ctx *c, uint64_t regno, int depth, uint64_t *out)
{
	struct entry_key key = { .regno = regno, .deref = -1 };
	struct src_tval t;
	int r = entry_reg_tval(c, &key, depth, &t);

	if (!r)
		memcpy(out, t.b, 8);
	return r;
}

int src_entry_value_why(struct src_ctx *c, uint64_t regno, bool fb, uint64_t *out, char *why,
			size_t cap)
{
	struct entry_key key = { .regno = regno, .deref = -1, .none = fb, .why = why,
				 .why_cap = cap };
	struct src_tval t;
	int r = entry_reg_tval(c, &key, 0, &t);

	if (!r)
		memcpy(out, t.b, 8);
	return r;
}

/* DW_OP_entry_value, DW_OP_GNU_parameter_ref: what gdb's
 * push_dwarf_reg_entry_value pushes, the value of the caller's
 * expression with its type. */
static int entry_value(struct src_ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *op,
		       int depth, struct src_tval *out)
{
	struct entry_key key = { .deref = -1 };

	if (op->atom == DW_OP_GNU_parameter_ref) {
		key.by_param = true;
		key.param = op->number;
	} else if (entry_reg(attr, op, &key)) {
		return -ENODATA;
	}
	return entry_reg_tval(c, &key, depth, out);
}

static int frame_base(struct src_ctx *c, uint64_t *out)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	struct src_vsrc v;
	int r;

	if (!c->func || !dwarf_attr_integrate(c->func, DW_AT_frame_base, &attr))
		return -ENODATA;
	r = dwarf_getlocation_addr(&attr, c->pc - c->bias, &ops, &nops, 1);
	if (r <= 0)
		return -ENODATA;
	if (src_eval_ops(c, &attr, ops, nops, &v, 8, 1))
		return -ENODATA;
	/* DW_OP_call_frame_cfa / bregN: an address; DW_OP_regN: its value */
	if (v.in_mem) {
		*out = v.addr;
		return 0;
	}
	return src_vread(c, &v, 0, out, 8);
}
