/* trace_code.c - loads code.hst: one compiled op list per translation.
 *
 * Every CODE_SB record is checked once here (offsets inside the guest
 * state, sizes, expression shapes, slot references), so that the decoder's
 * inner loop can trust the ops and only has to check the stream bytes.
 *
 * Each op becomes a trace_uop whose code already says how its value is
 * obtained: the common shapes get their own code (a PUT of one delta-coded
 * slot), expressions (format v2: values the recorder did not log because
 * the reader can compute them) become a trace_val: a slot, a reference to
 * an earlier slot, a folded "leaf + constant, masked" (V_LIN), or a small
 * postfix program for the evaluator.  finish_ops() then drops and merges
 * ops so that the loop dispatches about twice per instruction.
 *
 * Delta state: every numbered slot (and every raw PUT slot) gets bytes in
 * the translation's "previous values" area, in record order, which is
 * also what a SLOTREF reads.
 *
 * Memory: one allocation per translation holds the trace_sb, its ops, its
 * expression nodes, its insns and a pool with the instruction bytes and
 * PUT_CONST values.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_i.h"

/* sb_id - HS_SB_ID_FIRST above this is taken as damage, not a gap: the
 * table is an array of pointers indexed by it. */
#define TRACE_SB_INDEX_MAX (1u << 26)
/* No single op moves more than this (FXSAVE/XSAVE areas are ~1-4 KiB). */
#define TRACE_OP_SIZE_MAX (1u << 20)

/* Bytes of a record cursor, for parsing code records. */
struct cur {
	const uint8_t *p, *end;
};

static bool take(struct cur *c, size_t n, const uint8_t **out)
{
	if ((size_t)(c->end - c->p) < n)
		return false;
	*out = c->p;
	c->p += n;
	return true;
}

static enum trace_slot_mode mode_for(uint32_t size)
{
	switch (size) {
	case 1: case 2: case 4: case 8:
		return SLOT_DELTA;
	case 16: case 32:
		return SLOT_XOR;
	default:
		return SLOT_RAW;
	}
}

static uint64_t mask_of(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
}

/* One operation at the four widths: Iop_<name>8 .. Iop_<name>64. */
#define XOP_WIDTHS(name, kind) \
	{ Iop_##name##8, kind, 8, 0 }, { Iop_##name##16, kind, 16, 0 }, \
	{ Iop_##name##32, kind, 32, 0 }, { Iop_##name##64, kind, 64, 0 }
/* A comparison of 32 and 64 bits, signed (S) or unsigned (U). */
#define XOP_CMP(name, su, kind) \
	{ Iop_##name##32##su, kind, 32, 0 }, { Iop_##name##64##su, kind, 64, 0 }

/* The IROps an expression may use (trace_format.h "Expressions"). */
static const struct xop_def {
	IROp op;
	uint8_t kind, bits, from; /* bits: result width (HI, HL: the shift) */
} xops[] = {
	{ Iop_8Uto16, XK_ZX, 8, 0 }, { Iop_8Uto32, XK_ZX, 8, 0 },
	{ Iop_8Uto64, XK_ZX, 8, 0 }, { Iop_16Uto32, XK_ZX, 16, 0 },
	{ Iop_16Uto64, XK_ZX, 16, 0 }, { Iop_32Uto64, XK_ZX, 32, 0 },
	{ Iop_64to8, XK_ZX, 8, 0 }, { Iop_64to16, XK_ZX, 16, 0 },
	{ Iop_64to32, XK_ZX, 32, 0 }, { Iop_32to8, XK_ZX, 8, 0 },
	{ Iop_32to16, XK_ZX, 16, 0 }, { Iop_16to8, XK_ZX, 8, 0 },
	{ Iop_8Sto16, XK_SX, 16, 8 }, { Iop_8Sto32, XK_SX, 32, 8 },
	{ Iop_8Sto64, XK_SX, 64, 8 }, { Iop_16Sto32, XK_SX, 32, 16 },
	{ Iop_16Sto64, XK_SX, 64, 16 }, { Iop_32Sto64, XK_SX, 64, 32 },
	{ Iop_64HIto32, XK_HI, 32, 0 }, { Iop_32HIto16, XK_HI, 16, 0 },
	{ Iop_16HIto8, XK_HI, 8, 0 },
	XOP_WIDTHS(Not, XK_NOT), XOP_WIDTHS(Add, XK_ADD), XOP_WIDTHS(Sub, XK_SUB),
	XOP_WIDTHS(And, XK_AND), XOP_WIDTHS(Or, XK_OR), XOP_WIDTHS(Xor, XK_XOR),
	XOP_WIDTHS(Mul, XK_MUL),
	{ Iop_32HLto64, XK_HL, 32, 0 }, { Iop_16HLto32, XK_HL, 16, 0 },
	XOP_WIDTHS(Shl, XK_SHL), XOP_WIDTHS(Shr, XK_SHR), XOP_WIDTHS(Sar, XK_SAR),
	{ Iop_1Uto8, XK_ZX, 1, 0 }, { Iop_1Uto32, XK_ZX, 1, 0 },
	{ Iop_1Uto64, XK_ZX, 1, 0 }, { Iop_32to1, XK_ZX, 1, 0 },
	{ Iop_64to1, XK_ZX, 1, 0 },
	XOP_WIDTHS(1Sto, XK_1SX), XOP_WIDTHS(CmpNEZ, XK_NEZ),
	XOP_WIDTHS(CmpEQ, XK_CMPEQ), XOP_WIDTHS(CmpNE, XK_CMPNE),
	XOP_CMP(CmpLT, S, XK_CMPLTS), XOP_CMP(CmpLT, U, XK_CMPLTU),
	XOP_CMP(CmpLE, S, XK_CMPLES), XOP_CMP(CmpLE, U, XK_CMPLEU),
};
#undef XOP_WIDTHS
#undef XOP_CMP

static bool xk_binary(unsigned kind)
{
	return kind >= XK_ADD && kind != XK_ITE;
}

/* State of compiling one translation. */
struct comp {
	char where[300];
	struct cur c;
	struct trace_sb *sb;
	uint32_t op_i;
	uint32_t n_xs, cap_xs;    /* nodes used in sb->xs, its capacity */
	uint32_t *slot_at;        /* numbered slot -> delta-area offset */
	uint8_t *slot_size;
	uint32_t n_slots, cap_slots;
	uint32_t prev_size;       /* delta area so far */
	uint64_t rec;             /* record bytes of the current op */
	size_t pool_used;
	struct hs_trace_err *err;
};

static int comp_bad(struct comp *cx, const char *what)
{
	trace_err_set(cx->err, "%s: op %" PRIu32 ": %s", cx->where, cx->op_i, what);
	return -EBADMSG;
}

/* Rewrites x[0] as a V_LIN node if the expression x[0..n) is a leaf (or
 * nothing) plus constants, then masks: leaf, then any of "CONST ADD/SUB"
 * and zero-extensions/truncations, or "CONST leaf ADD".  Folding
 * ((v + a) & m1) + b) & m2 into (v + a + b) & m2 needs m2 within m1, so a
 * wider operation after a narrower one is left to the evaluator. */
static bool fold_linear(struct trace_xnode *x, uint32_t n)
{
	struct trace_xnode lin = x[0];
	uint64_t k = 0, m = UINT64_MAX;
	uint32_t i = 1;

	if (n == 3 && x[0].kind == XK_CONST && x[2].kind == XK_ADD &&
	    (x[1].kind == XK_GET || x[1].kind == XK_REF)) {
		lin = x[1];
		k = x[0].k;
		m = x[2].k;
		i = 3;
	} else if (x[0].kind == XK_CONST) {
		k = x[0].k;
	} else if (x[0].kind != XK_GET && x[0].kind != XK_REF &&
		   x[0].kind != XK_SLOT) {
		return false;
	}
	while (i < n) {
		if (x[i].kind == XK_ZX) {
			m &= x[i].k;
			i++;
		} else if (i + 1 < n && x[i].kind == XK_CONST &&
			   (x[i + 1].kind == XK_ADD || x[i + 1].kind == XK_SUB) &&
			   x[i + 1].k <= m) {
			k += x[i + 1].kind == XK_ADD ? x[i].k : 0 - x[i].k;
			m = x[i + 1].k;
			i += 2;
		} else {
			return false;
		}
	}
	if (lin.kind == XK_CONST) {
		lin.size = 0;
		lin.arg = 0;
	}
	lin.k = k;
	lin.m = m;
	x[0] = lin;
	return true;
}

/* A numbered slot of `size` bytes: room in the delta area. */
static uint32_t new_slot(struct comp *cx, uint32_t size)
{
	uint32_t at = cx->prev_size;

	cx->slot_at[cx->n_slots] = at;
	cx->slot_size[cx->n_slots] = (uint8_t)(size > 255 ? 255 : size);
	cx->n_slots++;
	cx->prev_size += size;
	cx->rec += size;
	return at;
}

/* Parses one expression whose value the op uses as `need` bytes, into
 * sb->xs and *out.  Checks what the evaluator relies on: the stack never
 * underflows and ends with one value, slots and references of more than 8
 * bytes stand alone, shifts are by a constant smaller than the width. */
static int parse_expr(struct comp *cx, uint32_t need, struct trace_val *out)
{
	struct trace_xnode *first;
	const uint8_t *x;
	uint32_t n, depth = 0;

	if (!take(&cx->c, 1, &x))
		return comp_bad(cx, "expression runs past the end of the record");
	n = x[0];
	if (n == 0 || n > HS_X_MAX_NODES || cx->n_xs + n > cx->cap_xs)
		return comp_bad(cx, "bad expression length");
	first = &cx->sb->xs[cx->n_xs];
	for (uint32_t i = 0; i < n; i++) {
		struct trace_xnode *xn = &first[i];
		const uint8_t *k;

		memset(xn, 0, sizeof(*xn));
		if (!take(&cx->c, 1, &k))
			return comp_bad(cx, "expression runs past the end of the record");
		switch (k[0]) {
		case HS_X_SLOT: {
			uint32_t size;

			if (!take(&cx->c, 2, &x))
				return comp_bad(cx, "expression runs past the end of the record");
			size = x[0];
			if (size == 0 || (n > 1 && mode_for(size) != SLOT_DELTA))
				return comp_bad(cx, "slot size");
			if (cx->n_slots >= cx->cap_slots)
				return comp_bad(cx, "too many slots");
			xn->kind = XK_SLOT;
			xn->size = (uint8_t)size;
			xn->mode = (x[1] & HS_OPF_RAW) ? SLOT_RAW : mode_for(size);
			xn->arg = new_slot(cx, size);
			depth++;
			break;
		}
		case HS_X_SLOTREF: {
			uint32_t ref;

			if (!take(&cx->c, 2, &x))
				return comp_bad(cx, "expression runs past the end of the record");
			ref = hs_le16(x);
			if (ref >= cx->n_slots)
				return comp_bad(cx, "reference to a slot not yet in the record");
			xn->kind = XK_REF;
			xn->size = cx->slot_size[ref];
			xn->arg = cx->slot_at[ref];
			if (n > 1 && xn->size > 8)
				return comp_bad(cx, "reference to a wide slot inside an expression");
			depth++;
			break;
		}
		case HS_X_CONST:
			if (!take(&cx->c, 9, &x))
				return comp_bad(cx, "expression runs past the end of the record");
			if (x[0] == 0 || x[0] > 8)
				return comp_bad(cx, "constant size");
			xn->kind = XK_CONST;
			xn->size = x[0];
			xn->k = hs_le64(x + 1) & mask_of(8u * x[0]);
			depth++;
			break;
		case HS_X_GET:
			if (!take(&cx->c, 5, &x))
				return comp_bad(cx, "expression runs past the end of the record");
			xn->kind = XK_GET;
			xn->size = x[0];
			xn->arg = hs_le32(x + 1);
			if (xn->size == 0 || xn->size > 8 ||
			    (uint64_t)xn->arg + xn->size > HS_GUEST_STATE_SIZE)
				return comp_bad(cx, "GET outside the guest state");
			depth++;
			break;
		case HS_X_UNOP:
		case HS_X_BINOP: {
			IROp op;
			size_t j;

			if (!take(&cx->c, 2, &x))
				return comp_bad(cx, "expression runs past the end of the record");
			op = (IROp)(Iop_INVALID + hs_le16(x));
			for (j = 0; j < TRACE_ARRAY_SIZE(xops); j++)
				if (xops[j].op == op)
					break;
			if (j == TRACE_ARRAY_SIZE(xops) ||
			    xk_binary(xops[j].kind) != (k[0] == HS_X_BINOP))
				return comp_bad(cx, "operator not allowed in an expression");
			xn->kind = xops[j].kind;
			xn->bits = xops[j].bits;
			xn->from = xops[j].from;
			xn->k = mask_of(xops[j].bits);
			if (xn->kind == XK_HL)
				xn->k = mask_of(2u * xops[j].bits);
			if (xn->kind == XK_ZX && xops[j].bits < 64)
				xn->k = mask_of(xops[j].bits);
			if (depth < (xk_binary(xn->kind) ? 2u : 1u))
				return comp_bad(cx, "expression stack underflow");
			if (xk_binary(xn->kind))
				depth--;
			break;
		}
		case HS_X_ITE:
			xn->kind = XK_ITE;
			if (depth < 3)
				return comp_bad(cx, "expression stack underflow");
			depth -= 2;
			break;
		default:
			return comp_bad(cx, "unknown expression node");
		}
	}
	if (depth != 1)
		return comp_bad(cx, "expression leaves more than one value");

	memset(out, 0, sizeof(*out));
	if (n == 1 && (first->kind == XK_SLOT || first->kind == XK_REF) &&
	    first->size == need) {
		/* the common case needs no evaluator */
		out->kind = first->kind == XK_SLOT ? V_SLOT : V_REF;
		out->mode = first->mode;
		out->size = first->size;
		out->at = first->arg;
		return 0;
	}
	if (need > 8 || (n == 1 && first->size > 8))
		return comp_bad(cx, "value size does not match the op");
	if (fold_linear(first, n)) {
		out->kind = V_LIN;
		out->at = cx->n_xs;
		cx->n_xs += 1;
		return 0;
	}
	out->kind = V_EXPR;
	out->n = (uint16_t)n;
	out->at = cx->n_xs;
	cx->n_xs += n;
	return 0;
}

/* Compiles one op into u. */
static int compile_op(struct comp *cx, struct trace_uop *u)
{
	struct trace_sb *sb = cx->sb;
	const uint8_t *h, *x;
	uint32_t kind, flags, size;
	int ret;

	memset(u, 0, sizeof(*u));
	cx->rec = 0;
	if (!take(&cx->c, HS_OP_HEADER_SIZE, &h))
		goto short_rec;
	kind = h[0];
	flags = h[1];
	u->insn = hs_le16(h + 2);
	size = hs_le32(h + 4);
	if (kind >= HS_OP_PUT && kind <= HS_OP_STOREG &&
	    (size == 0 || size > TRACE_OP_SIZE_MAX))
		return comp_bad(cx, "bad size");
	if (kind == HS_OP_MEMCOPY && size > TRACE_OP_SIZE_MAX)
		return comp_bad(cx, "bad size");
	u->size = size;

	switch (kind) {
	case HS_OP_IMARK:
		if (u->insn >= sb->pub.n_insns)
			return comp_bad(cx, "IMARK of an instruction the record does not list");
		u->code = U_IMARK;
		u->size = 0;
		break;
	case HS_OP_PUT:
		if (!take(&cx->c, 4, &x))
			goto short_rec;
		u->off = hs_le32(x);
		if ((uint64_t)u->off + size > HS_GUEST_STATE_SIZE)
			goto bad_offset;
		if (flags & HS_OPF_RAW) {
			/* What the recorder writes for guest state a dirty
			 * helper changed: no expression, one raw slot that
			 * is not numbered. */
			u->code = U_PUTRAW;
			u->prev = cx->prev_size;
			cx->prev_size += size;
			cx->rec += size;
			break;
		}
		ret = parse_expr(cx, size, &u->v);
		if (ret < 0)
			return ret;
		if (u->v.kind != V_SLOT) {
			u->code = U_PUTV;
			break;
		}
		u->prev = u->v.at;
		if (u->v.mode == SLOT_RAW)
			u->code = U_PUTRAW;
		else if (u->v.mode == SLOT_XOR)
			u->code = size == 16 ? U_PUTX16 : U_PUTX32;
		else
			u->code = size == 1 ? U_PUT1 : size == 2 ? U_PUT2 :
				  size == 4 ? U_PUT4 : U_PUT8;
		break;
	case HS_OP_PUT_CONST:
		if (!take(&cx->c, 4, &x))
			goto short_rec;
		u->off = hs_le32(x);
		if ((uint64_t)u->off + size > HS_GUEST_STATE_SIZE)
			goto bad_offset;
		if (!take(&cx->c, size, &x))
			goto short_rec;
		if (size == 8) {
			u->code = U_PUTC8;
			u->imm = hs_le64(x);
		} else {
			u->code = U_PUTC;
			u->n_elems = (uint32_t)cx->pool_used; /* pool offset */
			memcpy(sb->pool + cx->pool_used, x, size);
			cx->pool_used += size;
		}
		break;
	case HS_OP_PUTI:
		if (!take(&cx->c, 12, &x))
			goto short_rec;
		u->code = U_PUTI;
		u->off = hs_le32(x);
		u->n_elems = hs_le32(x + 4);
		u->imm = (uint64_t)(int64_t)(int32_t)hs_le32(x + 8);
		if (u->n_elems == 0 ||
		    (uint64_t)u->off + (uint64_t)u->n_elems * size > HS_GUEST_STATE_SIZE)
			goto bad_offset;
		if ((ret = parse_expr(cx, 4, &u->a)) < 0 ||
		    (ret = parse_expr(cx, size, &u->v)) < 0)
			return ret;
		break;
	case HS_OP_STORE:
	case HS_OP_STOREG:
		u->code = kind == HS_OP_STORE ? U_STORE : U_STOREG;
		if (kind == HS_OP_STOREG)
			cx->rec += 1; /* guard */
		if ((ret = parse_expr(cx, 8, &u->a)) < 0 ||
		    (ret = parse_expr(cx, size, &u->v)) < 0)
			return ret;
		break;
	case HS_OP_MEMCOPY:
		u->code = U_MEMCOPY;
		if ((ret = parse_expr(cx, 8, &u->a)) < 0)
			return ret;
		cx->rec += size; /* the bytes, raw */
		break;
	case HS_OP_EXIT:
		if (!take(&cx->c, 12, &x))
			goto short_rec;
		u->code = U_EXIT;
		u->retires = (uint8_t)trace_jumpkind_retires(hs_le32(x));
		u->imm = hs_le64(x + 4);
		cx->rec += 1; /* taken */
		break;
	case HS_OP_NEXT:
	case HS_OP_NEXT_CONST:
		if (!take(&cx->c, kind == HS_OP_NEXT ? 4 : 12, &x))
			goto short_rec;
		sb->jumpkind_next = hs_le32(x);
		u->retires = (uint8_t)trace_jumpkind_retires(sb->jumpkind_next);
		if (kind == HS_OP_NEXT_CONST) {
			u->code = U_NEXTC;
			u->imm = hs_le64(x + 4);
		} else {
			u->code = U_NEXT;
			if ((ret = parse_expr(cx, 8, &u->a)) < 0)
				return ret;
		}
		break;
	default:
		return comp_bad(cx, "unknown op kind");
	}
	u->rec_bytes = (uint32_t)cx->rec;
	return 0;
short_rec:
	return comp_bad(cx, "runs past the end of the record");
bad_offset:
	return comp_bad(cx, "writes outside the guest state");
}

/* Rewrites the compiled ops for the decoder's inner loop, which costs
 * about the same per op whatever the op does; returns how many are kept.
 *
 * 1. With every register written at each instruction, VEX ends each one
 *    with a PUT of the next instruction's address to RIP, right before
 *    that instruction's IMARK (or the final NEXT_CONST), which sets the
 *    same RIP: about one op in four, dropped.
 * 2. Other 8-byte constants (the flags thunk's CC_OP, DEP2, NDEP) ride on
 *    the op after them, in its prologue, unless that is an IMARK: an
 *    SB_ABORT prefix stops before an IMARK and must still apply them.
 * 3. An IMARK rides on the op after it (the prologue stores RIP and
 *    retires the previous instruction), or becomes a NOP.
 * 4. Every op learns, statically, which instruction is under way, so the
 *    loop keeps no such state. */
/* Is this instruction a near call, a near return, an indirect near jump
 * (jmp r/m64: longjmp's and PLT stubs' way out), a direct one (jmp
 * rel8/rel32: how gcc's tail calls leave) or a conditional one (jcc
 * rel8/rel32: hand-written assembly's tail calls, glibc's, and newer
 * compilers' `if (c) return f();`)?  Decided from its
 * bytes, not from the jumpkind of the exit it leaves by: VEX chases a
 * direct call into the callee within one superblock, and then the call
 * leaves by no exit at all. */
/* Where the opcode of in begins: after legacy prefixes (notrack, bnd,
 * operand size...) and a REX. */
static uint32_t opcode_at(const struct hs_trace_insn *in)
{
	const uint8_t *b = in->bytes;
	uint32_t k = 0;

	while (k < in->len && (b[k] == 0x66 || b[k] == 0x67 || b[k] == 0xf2 || b[k] == 0xf3 ||
			       b[k] == 0x2e || b[k] == 0x3e || b[k] == 0x26 || b[k] == 0x36 ||
			       b[k] == 0x64 || b[k] == 0x65 || b[k] == 0xf0))
		k++;
	if (k < in->len && (b[k] & 0xf0) == 0x40)
		k++;
	return k;
}

static uint8_t insn_class(const struct hs_trace_insn *in)
{
	const uint8_t *b = in->bytes;
	uint32_t k = opcode_at(in);

	if (k >= in->len)
		return TRACE_INSN_OTHER;
	if (b[k] == 0xe8 || (b[k] == 0xff && k + 1 < in->len && ((b[k + 1] >> 3) & 7) == 2))
		return TRACE_INSN_CALL;
	if (b[k] == 0xc3 || b[k] == 0xc2)
		return TRACE_INSN_RET;
	if (b[k] == 0xff && k + 1 < in->len && ((b[k + 1] >> 3) & 7) == 4)
		return TRACE_INSN_JMP;
	if (b[k] == 0xe9 || b[k] == 0xeb)
		return TRACE_INSN_DJMP;
	if ((b[k] & 0xf0) == 0x70 ||
	    (b[k] == 0x0f && k + 1 < in->len && (b[k + 1] & 0xf0) == 0x80))
		return TRACE_INSN_DJCC;
	return TRACE_INSN_OTHER;
}

/* Calls, returns and the jumps reported are reported when they retire:
 * by the prologue of the op after them, or by the exit they take. */
static void set_hooks(struct trace_uop *u, const uint8_t *cls)
{
	u->flags &= (uint8_t)~(UF_HOOK_PRO | UF_HOOK_EXIT);
	if (u->tinc && TRACE_INSN_REPORTED(cls[u->rinsn]))
		u->flags |= UF_HOOK_PRO;
	if ((u->code == U_EXIT || u->code == U_NEXT || u->code == U_NEXTC) &&
	    u->retires && TRACE_INSN_REPORTED(cls[u->insn]))
		u->flags |= UF_HOOK_EXIT;
}

static uint32_t finish_ops(struct trace_uop *ops, uint32_t n,
			   const struct hs_trace_insn *insns, const uint8_t *cls)
{
	const uint32_t rip = offsetof(VexGuestAMD64State, guest_RIP);
	uint32_t kept = 0, out = 0, cur1 = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct trace_uop *u = &ops[i], *next = i + 1 < n ? u + 1 : NULL;

		u->coff = TRACE_NO_CONST;
		u->cimm = 0;
		if (u->code == U_PUTC8 && u->off == rip && next &&
		    ((next->code == U_IMARK && insns[next->insn].addr == u->imm) ||
		     next->code == U_NEXTC))
			continue;
		if (kept && ops[kept - 1].code == U_PUTC8 &&
		    ops[kept - 1].coff == TRACE_NO_CONST && u->code != U_IMARK) {
			struct trace_uop f = *u;

			f.coff = ops[kept - 1].off;
			f.cimm = ops[kept - 1].imm;
			ops[kept - 1] = f;
			continue;
		}
		ops[kept++] = *u;
	}
	for (uint32_t i = 0; i < kept; i++) {
		struct trace_uop u = ops[i];

		if (u.code == U_IMARK) {
			struct trace_uop *next = i + 1 < kept ? &ops[i + 1] : NULL;
			uint16_t insn = u.insn;

			if (next && next->code != U_IMARK &&
			    next->coff == TRACE_NO_CONST) {
				u = *next;
				i++;
			} else {
				u.code = U_NOP;
			}
			u.coff = rip;
			u.cimm = insns[insn].addr;
			u.tinc = cur1 != 0;
			u.rinsn = (uint16_t)(cur1 ? cur1 - 1 : 0);
			u.flags = UF_STARTS;
			cur1 = insn + 1u;
		} else {
			u.tinc = 0;
			u.rinsn = 0;
			u.flags = 0;
		}
		if (cur1)
			u.flags |= UF_IN_INSN;
		u.insn = (uint16_t)(cur1 ? cur1 - 1 : 0);
		if (!cur1)
			u.retires = 0;
		set_hooks(&u, cls);
		ops[out++] = u;
	}
	return out;
}

/* The slots of value v into the value columns' lengths. */
static void val_cols(const struct trace_sb *sb, const struct trace_val *v, uint32_t *len)
{
	const struct trace_xnode *x = sb->xs + v->at;

	if (v->kind == V_SLOT)
		len[TRACE_COL(false, v->size)] += v->size;
	else if (v->kind == V_LIN && x->kind == XK_SLOT)
		len[TRACE_COL(false, x->size)] += x->size;
	else if (v->kind == V_EXPR)
		for (; x < sb->xs + v->at + v->n; x++)
			if (x->kind == XK_SLOT)
				len[TRACE_COL(false, x->size)] += x->size;
}

/* sb->col_len: the bytes of every slot of its ops in each value column
 * (trace_format.h, COLUMNS: a record takes them all, whichever exit it
 * leaves by). */
static void count_cols(struct trace_sb *sb)
{
	uint32_t *len = sb->col_len, k, n;

	memset(sb->col_len, 0, sizeof(sb->col_len));
	for (const struct trace_uop *u = sb->ops; u < sb->ops + sb->n_uops; u++) {
		switch (u->code) {
		case U_PUT1: case U_PUT2: case U_PUT4: case U_PUT8:
		case U_PUTX16: case U_PUTX32: case U_PUTRAW:
			len[TRACE_COL(false, u->size)] += u->size;
			break;
		case U_PUTV:
			val_cols(sb, &u->v, len);
			break;
		case U_PUTI: case U_STORE: case U_STOREG:
			val_cols(sb, &u->a, len);
			val_cols(sb, &u->v, len);
			break;
		case U_MEMCOPY:
			val_cols(sb, &u->a, len);
			for (k = 0; k < u->size; k += n) {
				n = u->size - k >= 8 ? 8 : u->size - k >= 4 ? 4 :
				    u->size - k >= 2 ? 2 : 1;
				len[TRACE_COL(false, n)] += n;
			}
			break;
		case U_NEXT:
			val_cols(sb, &u->a, len);
			break;
		default:
			break;
		}
	}
}

/* Parses one CODE_SB payload into a new trace_sb. */
static int compile_sb(const char *where0, const uint8_t *payload, uint32_t len,
		      struct trace_sb **out, struct hs_trace_err *err)
{
	struct comp cx = { .c = { payload, payload + len }, .err = err };
	struct trace_sb *sb = NULL;
	uint32_t sb_id, n_insns, n_ops, max_nodes = len / 3 + 1;
	uint64_t slots = 4, fixed;
	size_t alloc;
	const uint8_t *x;
	int ret;

	if (!take(&cx.c, 16, &x)) {
		trace_err_set(err, "%s: CODE_SB record of %" PRIu32 " bytes is too short",
			      where0, len);
		return -EBADMSG;
	}
	sb_id = hs_le32(x);
	n_insns = hs_le32(x + 4);
	n_ops = hs_le32(x + 8);
	/* max_record_len (x + 12) is not trusted: computed below. */
	snprintf(cx.where, sizeof(cx.where), "%s: sb %" PRIu32, where0, sb_id);
	if (sb_id < HS_SB_ID_FIRST || sb_id - HS_SB_ID_FIRST >= TRACE_SB_INDEX_MAX) {
		trace_err_set(err, "%s: sb_id out of range", cx.where);
		return -EBADMSG;
	}
	/* Smallest possible insn is 9 bytes, smallest op 8: this bounds the
	 * allocation by the record's length before trusting the counts. */
	fixed = (uint64_t)n_insns * 9 + (uint64_t)n_ops * HS_OP_HEADER_SIZE;
	if (fixed > len - 16) {
		trace_err_set(err, "%s: %" PRIu32 " instructions and %" PRIu32
			      " ops do not fit in %" PRIu32 " bytes",
			      cx.where, n_insns, n_ops, len);
		return -EBADMSG;
	}
	alloc = sizeof(*sb) + (size_t)n_ops * sizeof(struct trace_uop) +
		(size_t)max_nodes * sizeof(struct trace_xnode) +
		(size_t)n_insns * sizeof(struct hs_trace_insn) + len + n_insns;
	sb = calloc(1, alloc);
	cx.slot_at = malloc(max_nodes * sizeof(*cx.slot_at));
	cx.slot_size = malloc(max_nodes);
	if (!sb || !cx.slot_at || !cx.slot_size) {
		trace_err_set(err, "%s: out of memory", cx.where);
		ret = -ENOMEM;
		goto out_free;
	}
	cx.sb = sb;
	cx.cap_xs = cx.cap_slots = max_nodes;
	sb->pub.sb_id = sb_id;
	sb->pub.n_insns = n_insns;
	sb->pub.n_ops = n_ops;
	sb->ops = (struct trace_uop *)(sb + 1);
	sb->xs = (struct trace_xnode *)(sb->ops + n_ops);
	sb->insns = (struct hs_trace_insn *)(sb->xs + max_nodes);
	sb->pool = (uint8_t *)(sb->insns + n_insns);
	sb->cls = sb->pool + len;
	sb->pub.insns = sb->insns;
	sb->jumpkind_next = Ijk_Boring;

	for (uint32_t i = 0; i < n_insns; i++) {
		const uint8_t *bytes;

		if (!take(&cx.c, 9, &x) || !take(&cx.c, x[8], &bytes)) {
			trace_err_set(err, "%s: instruction %" PRIu32 " runs past the end of the record",
				      cx.where, i);
			ret = -EBADMSG;
			goto out_free;
		}
		sb->insns[i].addr = hs_le64(x);
		sb->insns[i].len = x[8];
		sb->insns[i].bytes = sb->pool + cx.pool_used;
		memcpy(sb->pool + cx.pool_used, bytes, x[8]);
		cx.pool_used += x[8];
		sb->cls[i] = insn_class(&sb->insns[i]);
	}
	for (uint32_t i = 0; i < n_ops; i++) {
		struct trace_uop *u = &sb->ops[i];

		cx.op_i = i;
		ret = compile_op(&cx, u);
		if (ret < 0)
			goto out_free;
		slots += u->rec_bytes;
		/* The record ends at a NEXT: an op after it could never run. */
		if ((u->code == U_NEXT || u->code == U_NEXTC) && i + 1 != n_ops) {
			ret = comp_bad(&cx, "a NEXT that is not the last op");
			goto out_free;
		}
	}
	sb->n_uops = finish_ops(sb->ops, n_ops, sb->insns, sb->cls);
	if (cx.c.p != cx.c.end) {
		trace_err_set(err, "%s: %td bytes after the last op", cx.where,
			      cx.c.end - cx.c.p);
		ret = -EBADMSG;
		goto out_free;
	}
	if (slots > HS_CHUNK_MAX_RAW) {
		trace_err_set(err, "%s: a record could be %" PRIu64 " bytes, more than a chunk",
			      cx.where, slots);
		ret = -EBADMSG;
		goto out_free;
	}
	sb->prev_size = cx.prev_size;
	sb->max_len = (uint32_t)slots;
	count_cols(sb);
	*out = sb;
	sb = NULL;
	ret = 0;
out_free:
	free(cx.slot_at);
	free(cx.slot_size);
	free(sb);
	return ret;
}

static int code_insert(struct hs_trace_code *code, struct trace_sb *sb,
		       const char *where, struct hs_trace_err *err)
{
	size_t i = sb->pub.sb_id - HS_SB_ID_FIRST;

	if (hs_grow_zero((void **)&code->table, &code->table_len, i + 1, sizeof(*code->table))) {
		trace_err_set(err, "%s: out of memory", where);
		return -ENOMEM;
	}
	if (code->table[i]) {
		trace_err_set(err, "%s: sb %" PRIu32 " is defined twice", where,
			      sb->pub.sb_id);
		return -EBADMSG;
	}
	code->table[i] = sb;
	code->count++;
	if (sb->max_len > code->max_len)
		code->max_len = sb->max_len;
	return 0;
}

static int load_chunk(struct hs_trace_code *code, const struct hs_trace_chunk *ch,
		      struct hs_trace_err *err)
{
	const uint8_t *p = ch->data, *end = ch->data + ch->size;
	char where[300];

	while (p < end) {
		uint32_t tag, len;
		struct trace_sb *sb;
		int ret;

		snprintf(where, sizeof(where), "%s: chunk %" PRIu64 " offset %td",
			 ch->path, ch->info.seq, p - ch->data);
		if (end - p < 8) {
			trace_err_set(err, "%s: record header runs past the end of the chunk",
				      where);
			return -EBADMSG;
		}
		tag = hs_le32(p);
		len = hs_le32(p + 4);
		if (len > (size_t)(end - p) - 8) {
			trace_err_set(err, "%s: record of %" PRIu32 " bytes runs past the end of the chunk",
				      where, len);
			return -EBADMSG;
		}
		/* Unknown tags are skipped: a record carries its length, and
		 * a reader that ignores a new kind of code record still
		 * decodes the stream correctly. */
		if (tag == HS_CODE_SB) {
			ret = compile_sb(where, p + 8, len, &sb, err);
			if (ret < 0)
				return ret;
			ret = code_insert(code, sb, where, err);
			if (ret < 0) {
				free(sb);
				return ret;
			}
		}
		p += 8 + (size_t)len;
	}
	return 0;
}

int hs_trace_code_load(const char *path, struct hs_trace_code **out,
		       struct hs_trace_err *err)
{
	struct hs_trace_chunk ch = { 0 };
	struct hs_trace_file *f = NULL;
	struct hs_trace_code *code;
	int ret;

	*out = NULL;
	code = calloc(1, sizeof(*code));
	if (!code || !(code->path = strdup(path))) {
		free(code);
		trace_err_set(err, "%s: out of memory", path);
		return -ENOMEM;
	}
	ret = hs_trace_file_open(path, HS_CODE_MAGIC, &f, err);
	if (ret < 0)
		goto out;
	code->truncated = hs_trace_file_truncated(f);
	for (size_t i = 0; i < hs_trace_file_chunk_count(f); i++) {
		ret = hs_trace_file_read_chunk(f, i, &ch, err);
		if (ret < 0)
			goto out;
		ret = load_chunk(code, &ch, err);
		if (ret < 0)
			goto out;
	}
	*out = code;
	code = NULL;
	ret = 0;
out:
	hs_trace_chunk_release(&ch);
	hs_trace_file_close(f);
	hs_trace_code_free(code);
	return ret;
}

void hs_trace_code_free(struct hs_trace_code *code)
{
	if (!code)
		return;
	for (size_t i = 0; i < code->table_len; i++)
		free(code->table[i]);
	free(code->table);
	free(code->path);
	free(code);
}

const struct hs_trace_sb *hs_trace_code_sb(const struct hs_trace_code *code,
					   uint32_t sb_id)
{
	const struct trace_sb *sb = trace_code_lookup(code, sb_id);

	return sb ? &sb->pub : NULL;
}

size_t hs_trace_code_sb_count(const struct hs_trace_code *code)
{
	return code->count;
}

bool hs_trace_code_truncated(const struct hs_trace_code *code)
{
	return code->truncated;
}

/* The target of a direct jmp or jcc (rel8 or rel32: its last bytes). */
static uint64_t direct_dst(const struct hs_trace_insn *in)
{
	const uint8_t *b = in->bytes;
	uint32_t k = opcode_at(in);
	int32_t d32;

	if (k + 2 <= in->len && (b[k] == 0xeb || (b[k] & 0xf0) == 0x70))
		return in->addr + in->len + (uint64_t)(int64_t)(int8_t)b[k + 1];
	if (k < in->len && b[k] == 0x0f)
		k++;    /* jcc rel32: 0f 8x */
	if (k + 5 > in->len)
		return 0;
	memcpy(&d32, b + k + 1, 4);
	return in->addr + in->len + (uint64_t)(int64_t)d32;
}

void hs_trace_code_keep_direct(struct hs_trace_code *code, hs_trace_jmp_keep_fn keep,
			       void *ctx)
{
	for (size_t s = 0; s < code->table_len; s++) {
		struct trace_sb *sb = code->table[s];
		bool changed = false;

		if (!sb)
			continue;
		for (uint32_t i = 0; i < sb->pub.n_insns; i++) {
			uint8_t c = sb->cls[i];

			if (c != TRACE_INSN_DJMP && c != TRACE_INSN_DJCC)
				continue;
			sb->cls[i] = keep(ctx, sb->insns[i].addr, direct_dst(&sb->insns[i]))
				     ? TRACE_INSN_DJMP : TRACE_INSN_OTHER;
			changed = changed || sb->cls[i] != c;
		}
		/* the hooks of the jumps dropped, and of the jccs kept */
		for (uint32_t k = 0; changed && k < sb->n_uops; k++)
			set_hooks(&sb->ops[k], sb->cls);
	}
}
