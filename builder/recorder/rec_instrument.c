/* rec_instrument.c - VEX IR instrumentation: log what every instruction did.
 *
 * Each translation (superblock, SB) gets an sb_id and a static description,
 * a CODE_SB record listing its instructions and "ops" (register writes,
 * stores, exits).  At run time each execution appends one SB record to the
 * stream buffer with inline IR stores only: the sb_id, then the dynamic
 * value ("slot") of every op, delta-coded against the same slot's value in
 * the previous execution of this SB.  No helper is called per instruction;
 * one guarded dirty call at the SB start flushes a full buffer.
 *
 * Columns.  The record's bytes go to the columns of trace_format.h
 * (COLUMNS): the sb_id and guard/taken bytes to ctl at rec_buf_ptr, every
 * other slot, by its size, to a value column at rec_col_ptr[k].  Within
 * each column a slot's offset is a constant of the translation, as is its
 * offset in the record as a whole (c->off), which places its delta state.
 *
 * Every record takes its translation's whole length in each value column
 * (trace_format.h, COLUMNS): the preamble moves those cursors and the fill
 * once, and slots a taken exit skips stay as the writer zeroed them.
 *
 * Commit protocol.  rec_buf_ptr (ctl) and rec_icount only move when the
 * SB leaves through a side exit (guarded stores just before the exit) or
 * its end.  A synchronous fault leaves an uncommitted record (its
 * sb_id at *rec_buf_ptr, which is otherwise always zero: the ctl column is
 * zeroed after each flush and nothing is written past the committed end);
 * the fault handler path turns it into an SB_ABORT event
 * (rec_fixup_aborted_sb).
 *
 * This relies on VexRegUpdAllregsAtEachInsn (set in rec_main.c): every
 * guest register write is a Put at the instruction that makes it.
 *
 * Sample, `add %rbx,%rax` alone in an SB ending in a jump:
 *   IMARK 0; PUT(rax) slot 8; PUT_CONST(cc_op); PUT(cc_dep1) slot 8;
 *   PUT(cc_dep2) slot 8; NEXT_CONST   ->  record = u32 sb_id + 24 bytes
 */
#include "rec_internal.h"

#include "pub_tool_libcbase.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_machine.h"
#include "pub_tool_tooliface.h"

/* What the fault path needs to know about each translation. */
struct sb_info {
	UInt n_insns;
	UInt max_len;
	UInt ctl_len;     /* the most bytes a record puts in ctl */
	Addr *insn_addr;
	UInt *insn_off;   /* [insn * REC_NCOL + k]: column k's offset where
			   * each instruction's slots start */
	UChar *prev;      /* delta state, parallel to the record layout */
	UInt prev_len;
};

static struct sb_info **sb_table; /* indexed by sb_id - HS_SB_ID_FIRST */
static UInt sb_table_cap;
static UInt next_sb_id = HS_SB_ID_FIRST;

/* Guarded dirty helpers whose guard is false read from here instead. */
static UChar dummy_mem[4096];

struct ctx {
	Bool emit;        /* false: sizing pass, only offsets move */
	IRSB *out;
	IRTemp t_col[REC_NCOL], t_cnt;
	UInt off;         /* next slot offset in the record */
	UInt coff[REC_NCOL]; /* ... in each column */
	UInt col_len[REC_NCOL]; /* emit pass: the sizing pass's coff at the end */
	Int insn;         /* current instruction index, -1 before the first */
	UChar *prev;      /* delta area (emit pass) */
	/* the code record under construction */
	UChar *code;
	UInt code_len, code_cap;
	UInt n_ops;
	/* what the expressions know about temporaries (both passes) */
	IRExpr **tmp_def;   /* the WrTmp that defined each temp */
	Int *tmp_def_at;    /* statement number of that WrTmp */
	Int *tmp_slot;      /* slot number once logged, else -1 */
	Int n_tmps;         /* temps of the input SB; later ones are ours */
	UInt n_slots;
	Int n_stmt;         /* statements seen so far */
	Int put_at[HS_GUEST_STATE_SIZE]; /* last statement that wrote a byte */
	/* instructions */
	Addr insn_addr[512];
	UInt insn_off[512 * REC_NCOL];
	UChar insn_len[512];
};

static void code_put(struct ctx *c, const void *p, UInt n)
{
	if (!c->emit)
		return;
	if (c->code_len + n > c->code_cap) {
		c->code_cap = c->code_cap * 2 + n + 256;
		c->code = VG_(realloc)("hs.codebuild", c->code, c->code_cap);
	}
	VG_(memcpy)(c->code + c->code_len, p, n);
	c->code_len += n;
}

static void code_u32(struct ctx *c, UInt v) { code_put(c, &v, 4); }
static void code_u64(struct ctx *c, ULong v) { code_put(c, &v, 8); }

static void op_header(struct ctx *c, UInt kind, UInt flags, UInt size)
{
	UChar h[HS_OP_HEADER_SIZE];
	UShort insn = c->insn < 0 ? 0 : (UShort)c->insn;

	h[0] = (UChar)kind;
	h[1] = (UChar)flags;
	VG_(memcpy)(h + 2, &insn, 2);
	VG_(memcpy)(h + 4, &size, 4);
	code_put(c, h, sizeof h);
	if (c->emit)
		c->n_ops++;
}

static IRExpr *mkU64(ULong v) { return IRExpr_Const(IRConst_U64(v)); }

static IRTemp assign(struct ctx *c, IRType ty, IRExpr *e)
{
	IRTemp t = newIRTemp(c->out->tyenv, ty);
	addStmtToIRSB(c->out, IRStmt_WrTmp(t, e));
	return t;
}

static IRExpr *rd(IRTemp t) { return IRExpr_RdTmp(t); }

static Bool deltable(IRType ty)
{
	switch (ty) {
	case Ity_I8: case Ity_I16: case Ity_I32: case Ity_I64:
	case Ity_F32: case Ity_F64: case Ity_V128: case Ity_V256:
		return True;
	default:
		return False;
	}
}

/* Append one slot holding atom `val` of type ty to column col.
 * Delta-coded unless raw. */
static void slot_in(struct ctx *c, IRExpr *val, IRType ty, Bool raw, UInt col)
{
	UInt size = sizeofIRType(ty), at = c->coff[col];
	IRExpr *v = val;
	IRType ity = ty;
	IROp sub;
	IRTemp t_a, t_prev, t_d;

	c->coff[col] += size;
	if (!c->emit) {
		c->off += size;
		return;
	}
	t_a = assign(c, Ity_I64, IRExpr_Binop(Iop_Add64, rd(c->t_col[col]), mkU64(at)));
	if (raw || !deltable(ty)) {
		addStmtToIRSB(c->out, IRStmt_Store(Iend_LE, rd(t_a), val));
		c->off += size;
		return;
	}
	if (ty == Ity_F64) {
		v = rd(assign(c, Ity_I64, IRExpr_Unop(Iop_ReinterpF64asI64, val)));
		ity = Ity_I64;
	} else if (ty == Ity_F32) {
		v = rd(assign(c, Ity_I32, IRExpr_Unop(Iop_ReinterpF32asI32, val)));
		ity = Ity_I32;
	}
	switch (ity) {
	case Ity_I8: sub = Iop_Sub8; break;
	case Ity_I16: sub = Iop_Sub16; break;
	case Ity_I32: sub = Iop_Sub32; break;
	case Ity_I64: sub = Iop_Sub64; break;
	case Ity_V128: sub = Iop_XorV128; break;
	default: sub = Iop_XorV256; break;
	}
	t_prev = assign(c, ity, IRExpr_Load(Iend_LE, ity, mkU64((Addr)(c->prev + c->off))));
	t_d = assign(c, ity, IRExpr_Binop(sub, v, rd(t_prev)));
	addStmtToIRSB(c->out, IRStmt_Store(Iend_LE, rd(t_a), rd(t_d)));
	addStmtToIRSB(c->out, IRStmt_Store(Iend_LE, mkU64((Addr)(c->prev + c->off)), v));
	c->off += size;
}

/* A slot of a logged value: its column by its size. */
static void slot(struct ctx *c, IRExpr *val, IRType ty, Bool raw)
{
	slot_in(c, val, ty, raw, rec_col_of(sizeofIRType(ty)));
}


/* ---- derived values -------------------------------------------------------
 * A value that the reader can compute from what it already knows is not
 * logged: it is described by a small postfix expression (trace_format.h,
 * "expressions") over guest registers as they are at that point, constants,
 * and slots.  Only the leaves that are truly new (loads, helper results) cost
 * record bytes, and a temp logged once is referred to, not logged again.
 */
#define X_MAX_NODES 32
#define X_MAX_DEPTH 6

struct xnode {
	UChar kind;
	UChar size;
	UShort op;
	ULong k;      /* CONST value */
	UInt off;     /* GET offset */
	IRTemp tmp;   /* LEAF */
	IRType ty;
};

static Bool x_unop(IROp op)
{
	switch (op) {
	case Iop_8Uto16: case Iop_8Uto32: case Iop_8Uto64: case Iop_16Uto32:
	case Iop_16Uto64: case Iop_32Uto64: case Iop_8Sto16: case Iop_8Sto32:
	case Iop_8Sto64: case Iop_16Sto32: case Iop_16Sto64: case Iop_32Sto64:
	case Iop_64to8: case Iop_64to16: case Iop_64to32: case Iop_32to8:
	case Iop_32to16: case Iop_16to8: case Iop_64HIto32: case Iop_32HIto16:
	case Iop_16HIto8: case Iop_Not8: case Iop_Not16: case Iop_Not32:
	case Iop_Not64: case Iop_1Uto8: case Iop_1Uto32: case Iop_1Uto64:
	case Iop_32to1: case Iop_64to1: case Iop_1Sto8: case Iop_1Sto16:
	case Iop_1Sto32: case Iop_1Sto64: case Iop_CmpNEZ8: case Iop_CmpNEZ16:
	case Iop_CmpNEZ32: case Iop_CmpNEZ64:
		return True;
	default:
		return False;
	}
}

static Bool x_binop(IROp op)
{
	switch (op) {
	case Iop_Add8: case Iop_Add16: case Iop_Add32: case Iop_Add64:
	case Iop_Sub8: case Iop_Sub16: case Iop_Sub32: case Iop_Sub64:
	case Iop_And8: case Iop_And16: case Iop_And32: case Iop_And64:
	case Iop_Or8: case Iop_Or16: case Iop_Or32: case Iop_Or64:
	case Iop_Xor8: case Iop_Xor16: case Iop_Xor32: case Iop_Xor64:
	case Iop_Mul8: case Iop_Mul16: case Iop_Mul32: case Iop_Mul64:
	case Iop_32HLto64: case Iop_16HLto32:
	case Iop_CmpEQ8: case Iop_CmpEQ16: case Iop_CmpEQ32: case Iop_CmpEQ64:
	case Iop_CmpNE8: case Iop_CmpNE16: case Iop_CmpNE32: case Iop_CmpNE64:
	case Iop_CmpLT32S: case Iop_CmpLT64S: case Iop_CmpLE32S: case Iop_CmpLE64S:
	case Iop_CmpLT32U: case Iop_CmpLT64U: case Iop_CmpLE32U: case Iop_CmpLE64U:
		return True;
	default:
		return False;
	}
}

/* Shifts only by a constant smaller than the width: IR leaves larger
 * amounts undefined, so the reader must never have to guess. */
static Bool x_shift(IROp op, UInt *width)
{
	switch (op) {
	case Iop_Shl8: case Iop_Shr8: case Iop_Sar8: *width = 8; return True;
	case Iop_Shl16: case Iop_Shr16: case Iop_Sar16: *width = 16; return True;
	case Iop_Shl32: case Iop_Shr32: case Iop_Sar32: *width = 32; return True;
	case Iop_Shl64: case Iop_Shr64: case Iop_Sar64: *width = 64; return True;
	default: return False;
	}
}

static Bool int_type(IRType ty)
{
	return ty == Ity_I8 || ty == Ity_I16 || ty == Ity_I32 || ty == Ity_I64;
}

static Bool const_int(const IRExpr *e, ULong *v, UInt *size)
{
	const IRConst *k;

	if (e->tag != Iex_Const)
		return False;
	k = e->Iex.Const.con;
	switch (k->tag) {
	case Ico_U1: *v = k->Ico.U1; *size = 1; return True;
	case Ico_U8: *v = k->Ico.U8; *size = 1; return True;
	case Ico_U16: *v = k->Ico.U16; *size = 2; return True;
	case Ico_U32: *v = k->Ico.U32; *size = 4; return True;
	case Ico_U64: *v = k->Ico.U64; *size = 8; return True;
	default: return False;
	}
}

/* A Get is usable if no write to those bytes came after it. */
static Bool get_fresh(struct ctx *c, IRTemp t, const IRExpr *get)
{
	Int off = get->Iex.Get.offset, i;
	Int size = sizeofIRType(get->Iex.Get.ty);

	if (off + size > HS_GUEST_STATE_SIZE ||
	    (off < 192 && off + size > 184)) /* never RIP: IMARKs set it */
		return False;
	for (i = off; i < off + size; i++)
		if (c->put_at[i] > c->tmp_def_at[t])
			return False;
	return True;
}

static void state_written(struct ctx *c, Int off, Int size)
{
	Int i;

	for (i = off < 0 ? 0 : off; i < off + size && i < HS_GUEST_STATE_SIZE; i++)
		c->put_at[i] = c->n_stmt;
}

/* A shift amount provably below the width: a constant, or the front end's
 * usual And(amount, mask) with a constant mask below the width. */
static Bool shift_in_range(struct ctx *c, IRExpr *a, UInt width)
{
	ULong k;
	UInt size;
	IRExpr *d;

	if (const_int(a, &k, &size))
		return k < width;
	if (a->tag != Iex_RdTmp)
		return False;
	d = c->tmp_def[a->Iex.RdTmp.tmp];
	while (d && d->tag == Iex_RdTmp)
		d = c->tmp_def[d->Iex.RdTmp.tmp];
	return d && d->tag == Iex_Binop &&
	       (d->Iex.Binop.op == Iop_And8 || d->Iex.Binop.op == Iop_And32 ||
		d->Iex.Binop.op == Iop_And64) &&
	       const_int(d->Iex.Binop.arg2, &k, &size) && k < width;
}

static Bool x_build(struct ctx *c, IRExpr *e, Int depth, struct xnode *v, UInt *n)
{
	IRType ty = typeOfIRExpr(c->out->tyenv, e);
	IRExpr *d;
	ULong k;
	UInt size, width;
	IRTemp t;

	if (*n >= X_MAX_NODES)
		return False;
	if (const_int(e, &k, &size)) {
		v[*n].kind = 3; v[*n].size = size; v[*n].k = k;
		(*n)++;
		return True;
	}
	tl_assert(e->tag == Iex_RdTmp);
	t = e->Iex.RdTmp.tmp;
	d = c->tmp_def[t];
	/* t = t' copies: describe t' (SSA: the chain cannot loop) */
	while (d && (d->tag == Iex_RdTmp || d->tag == Iex_Const)) {
		if (d->tag == Iex_Const)
			return x_build(c, d, depth, v, n);
		t = d->Iex.RdTmp.tmp;
		d = c->tmp_def[t];
		ty = typeOfIRExpr(c->out->tyenv, IRExpr_RdTmp(t));
	}
	if (d && depth < X_MAX_DEPTH && c->tmp_slot[t] < 0) {
		if (d->tag == Iex_Get && int_type(d->Iex.Get.ty) && get_fresh(c, t, d)) {
			v[*n].kind = 4; v[*n].size = sizeofIRType(d->Iex.Get.ty);
			v[*n].off = d->Iex.Get.offset;
			(*n)++;
			return True;
		}
		if (d->tag == Iex_ITE) {
			UInt save = *n;
			if (x_build(c, d->Iex.ITE.cond, depth + 1, v, n) &&
			    x_build(c, d->Iex.ITE.iftrue, depth + 1, v, n) &&
			    x_build(c, d->Iex.ITE.iffalse, depth + 1, v, n) &&
			    *n < X_MAX_NODES) {
				v[*n].kind = 7;
				(*n)++;
				return True;
			}
			*n = save;
		}
		if (d->tag == Iex_Unop && x_unop(d->Iex.Unop.op)) {
			UInt save = *n;
			if (x_build(c, d->Iex.Unop.arg, depth + 1, v, n) && *n < X_MAX_NODES) {
				v[*n].kind = 5; v[*n].op = d->Iex.Unop.op - Iop_INVALID;
				(*n)++;
				return True;
			}
			*n = save;
		}
		if (d->tag == Iex_Binop &&
		    (x_binop(d->Iex.Binop.op) ||
		     (x_shift(d->Iex.Binop.op, &width) &&
		      shift_in_range(c, d->Iex.Binop.arg2, width)))) {
			UInt save = *n;
			if (x_build(c, d->Iex.Binop.arg1, depth + 1, v, n) &&
			    x_build(c, d->Iex.Binop.arg2, depth + 1, v, n) &&
			    *n < X_MAX_NODES) {
				v[*n].kind = 6; v[*n].op = d->Iex.Binop.op - Iop_INVALID;
				(*n)++;
				return True;
			}
			*n = save;
		}
	}
	if (ty == Ity_I1)
		return False; /* a bit cannot be logged: the caller logs more */
	v[*n].kind = 1; v[*n].tmp = t; v[*n].ty = ty; v[*n].size = sizeofIRType(ty);
	(*n)++;
	return True;
}

/* Describe atom `e` of type ty as an expression in the code record, and log
 * its leaves.  Non-integer values are one slot (or a reference). */
static void value(struct ctx *c, IRExpr *e, IRType ty)
{
	struct xnode v[X_MAX_NODES];
	UChar buf[1 + X_MAX_NODES * 10];
	UInt n = 0, i, len = 1;

	if (int_type(ty)) {
		if (!x_build(c, e, 0, v, &n)) {
			n = 0;
			tl_assert(e->tag == Iex_RdTmp);
			v[0].kind = 1; v[0].tmp = e->Iex.RdTmp.tmp; v[0].ty = ty;
			v[0].size = sizeofIRType(ty);
			n = 1;
		}
	} else if (e->tag == Iex_RdTmp) {
		v[0].kind = 1; v[0].tmp = e->Iex.RdTmp.tmp; v[0].ty = ty;
		v[0].size = sizeofIRType(ty);
		n = 1;
	} else {
		/* a non-integer constant: store it raw in a slot */
		IRTemp t = IRTemp_INVALID;
		if (c->emit) {
			t = newIRTemp(c->out->tyenv, ty);
			addStmtToIRSB(c->out, IRStmt_WrTmp(t, e));
		}
		v[0].kind = 1; v[0].tmp = t; v[0].ty = ty; v[0].size = sizeofIRType(ty);
		n = 1;
	}
	buf[0] = (UChar)n;
	for (i = 0; i < n; i++) {
		UChar *b = buf + len;
		switch (v[i].kind) {
		case 1: {
			IRTemp t = v[i].tmp;
			if (t < (IRTemp)c->n_tmps && c->tmp_slot[t] >= 0) {
				UShort no = (UShort)c->tmp_slot[t];
				b[0] = 2;
				VG_(memcpy)(b + 1, &no, 2);
				len += 3;
				break;
			}
			if (t < (IRTemp)c->n_tmps)
				c->tmp_slot[t] = c->n_slots;
			c->n_slots++;
			b[0] = 1; b[1] = v[i].size; b[2] = deltable(v[i].ty) ? 0 : HS_OPF_RAW;
			len += 3;
			slot(c, c->emit ? IRExpr_RdTmp(t) : NULL, v[i].ty, False);
			break;
		}
		case 3:
			b[0] = 3; b[1] = v[i].size;
			VG_(memcpy)(b + 2, &v[i].k, 8);
			len += 10;
			break;
		case 4:
			b[0] = 4; b[1] = v[i].size;
			VG_(memcpy)(b + 2, &v[i].off, 4);
			len += 6;
			break;
		case 7:
			b[0] = 7;
			len += 1;
			break;
		default:
			b[0] = v[i].kind;
			VG_(memcpy)(b + 1, &v[i].op, 2);
			len += 3;
			break;
		}
	}
	code_put(c, buf, len);
}

/* A u8 slot from an I1 guard, never delta-coded. */
static void slot_bit(struct ctx *c, IRExpr *guard)
{
	if (!c->emit) {
		slot_in(c, NULL, Ity_I8, True, REC_COL_CTL);
		return;
	}
	slot_in(c, rd(assign(c, Ity_I8, IRExpr_Unop(Iop_1Uto8, guard))), Ity_I8, True,
		REC_COL_CTL);
}

static IRType piece_type(UInt n)
{
	return n >= 8 ? Ity_I64 : n >= 4 ? Ity_I32 : n >= 2 ? Ity_I16 : Ity_I8;
}

/* MEMCOPY: the address, then the bytes now at that address, raw. */
static void memcopy(struct ctx *c, IRExpr *addr, IRExpr *guard, UInt size)
{
	IRExpr *src = addr, *logged = addr;
	UInt done = 0;

	op_header(c, HS_OP_MEMCOPY, 0, size);
	if (c->emit && guard) {
		tl_assert(size <= sizeof dummy_mem);
		src = rd(assign(c, Ity_I64, IRExpr_ITE(guard, addr, mkU64((Addr)dummy_mem))));
		logged = rd(assign(c, Ity_I64, IRExpr_ITE(guard, addr, mkU64(0))));
	}
	if (guard) {
		/* the logged address is an ITE of our own: one plain slot */
		UChar b[4] = { 1, 1, 8, 0 };
		code_put(c, b, 1);
		code_put(c, b + 1, 3);
		c->n_slots++;
		slot(c, logged, Ity_I64, False);
	} else {
		value(c, addr, Ity_I64);
	}
	while (done < size) {
		IRType ty = piece_type(size - done);
		IRExpr *v = NULL;
		if (c->emit) {
			IRTemp a = assign(c, Ity_I64, IRExpr_Binop(Iop_Add64, src, mkU64(done)));
			v = rd(assign(c, ty, IRExpr_Load(Iend_LE, ty, rd(a))));
		}
		slot(c, v, ty, True);
		done += sizeofIRType(ty);
	}
}

/* The guest state a dirty helper wrote, read back after it. */
static void dirty_state_writes(struct ctx *c, const IRDirty *d)
{
	Int i, r;

	for (i = 0; i < d->nFxState; i++) {
		if (d->fxState[i].fx == Ifx_Read || d->fxState[i].fx == Ifx_None)
			continue;
		for (r = 0; r <= d->fxState[i].nRepeats; r++) {
			UInt off = d->fxState[i].offset + r * d->fxState[i].repeatLen;
			UInt left = d->fxState[i].size;
			while (left > 0) {
				IRType ty = piece_type(left);
				UInt n = sizeofIRType(ty);
				IRExpr *v = NULL;
				op_header(c, HS_OP_PUT, HS_OPF_RAW, n);
				code_u32(c, off);
				if (c->emit)
					v = rd(assign(c, ty, IRExpr_Get(off, ty)));
				slot(c, v, ty, True);
				state_written(c, off, n);
				off += n;
				left -= n;
			}
		}
	}
}

static void const_bytes(const IRConst *k, UChar *out, UInt *size)
{
	ULong v = 0;
	UInt i;

	switch (k->tag) {
	case Ico_U1: v = k->Ico.U1; *size = 1; break;
	case Ico_U8: v = k->Ico.U8; *size = 1; break;
	case Ico_U16: v = k->Ico.U16; *size = 2; break;
	case Ico_U32: v = k->Ico.U32; *size = 4; break;
	case Ico_U64: v = k->Ico.U64; *size = 8; break;
	case Ico_F32i: v = k->Ico.F32i; *size = 4; break;
	case Ico_F64i: v = k->Ico.F64i; *size = 8; break;
	case Ico_F64: VG_(memcpy)(&v, &k->Ico.F64, 8); *size = 8; break;
	case Ico_F32: {
		float f = k->Ico.F32;
		VG_(memcpy)(&v, &f, 4);
		*size = 4;
		break;
	}
	case Ico_V128:
		for (i = 0; i < 16; i++)
			out[i] = (k->Ico.V128 >> i) & 1 ? 0xff : 0;
		*size = 16;
		return;
	case Ico_V256:
		for (i = 0; i < 32; i++)
			out[i] = (k->Ico.V256 >> i) & 1 ? 0xff : 0;
		*size = 32;
		return;
	default:
		VG_(tool_panic)("hindsight: unexpected constant in a Put");
	}
	VG_(memcpy)(out, &v, 8);
}

static Bool jk_retires(IRJumpKind jk)
{
	switch (jk) {
	case Ijk_NoDecode: case Ijk_MapFail: case Ijk_InvalICache:
	case Ijk_EmFail: case Ijk_SigILL: case Ijk_SigSEGV: case Ijk_SigBUS:
	case Ijk_SigFPE: case Ijk_SigFPE_IntDiv: case Ijk_SigFPE_IntOvf:
		return False;
	default:
		return True;
	}
}

static UInt retired_at(struct ctx *c, IRJumpKind jk)
{
	if (c->insn < 0)
		return 0;
	return jk_retires(jk) ? (UInt)c->insn + 1 : (UInt)c->insn;
}

/* *where = base + add when `guard` holds (NULL: always). */
static void commit_one(struct ctx *c, IRExpr *guard, void *where, IRTemp base, ULong add)
{
	IRTemp v = assign(c, Ity_I64, IRExpr_Binop(Iop_Add64, rd(base), mkU64(add)));

	if (guard)
		addStmtToIRSB(c->out, IRStmt_StoreG(Iend_LE, mkU64((Addr)where), rd(v), guard));
	else
		addStmtToIRSB(c->out, IRStmt_Store(Iend_LE, mkU64((Addr)where), rd(v)));
}

/* Move ctl's committed end and t when `guard` holds (NULL: always). */
static void commit(struct ctx *c, IRExpr *guard, UInt retired)
{
	if (!c->emit)
		return;
	commit_one(c, guard, &rec_buf_ptr, c->t_col[REC_COL_CTL], c->coff[REC_COL_CTL]);
	commit_one(c, guard, &rec_icount, c->t_cnt, retired);
}

/* The instruction cap, checked at each full chunk (a few hundred
 * thousand instructions of a tight loop apart): the program gets SIGXCPU,
 * as from the CPU-time limit, so its recording ends as a program that a
 * signal killed (complete, buildable); one that ignores it is SIGKILLed
 * some instructions later (its recording cut there, incomplete). */
/* Valgrind's core has it (m_libcsignal.c) and links it into every tool;
 * only its tool headers leave it out. */
extern Int VG_(kill)(Int pid, Int signo);

static void check_cap(void)
{
	static Int sent;
	static ULong kill_at;

	if (!rec_opts.max_insns || rec_icount < rec_opts.max_insns || sent > 1 ||
	    (sent && rec_icount < kill_at))
		return;
	/* Valgrind hands the signal over at its next time slice: room for it */
	kill_at = rec_icount + rec_opts.max_insns / 10 + 5000000;
	if (!sent)
		VG_(umsg)("hindsight: the instruction cap (%llu) is reached: SIGXCPU\n",
			  rec_opts.max_insns);
	else
		VG_(umsg)("hindsight: the instruction cap (%llu) is passed: SIGKILL\n",
			  rec_opts.max_insns);
	VG_(kill)(VG_(getpid)(), sent++ ? VKI_SIGKILL : VKI_SIGXCPU);
}

static VG_REGPARM(0) void flush_from_sb(void)
{
	rec_stream_flush(False);
	check_cap();
}

static IRTemp load64(struct ctx *c, void *where)
{
	return assign(c, Ity_I64, IRExpr_Load(Iend_LE, Ity_I64, mkU64((Addr)where)));
}

/* The chunk is full past chunk_bytes in all columns together: flush, then
 * load the cursors of the columns this translation writes, and move the
 * value columns' and the fill past the whole record at once. */
static void preamble(struct ctx *c, UInt sb_id, UInt max_len)
{
	IRTemp fill = load64(c, &rec_buf_fill), full;
	IRDirty *d;
	UInt k;

	full = assign(c, Ity_I1, IRExpr_Binop(Iop_CmpLT64U, mkU64(rec_opts.chunk_bytes),
					      rd(fill)));
	d = unsafeIRDirty_0_N(0, "hs_flush_from_sb",
			      VG_(fnptr_to_fnentry)(flush_from_sb), mkIRExprVec_0());
	d->guard = rd(full);
	addStmtToIRSB(c->out, IRStmt_Dirty(d));
	commit_one(c, NULL, &rec_buf_fill, load64(c, &rec_buf_fill), max_len);
	c->t_col[REC_COL_CTL] = load64(c, &rec_buf_ptr);
	for (k = REC_COL_V1; k < REC_NCOL; k++) {
		if (!c->col_len[k])
			continue;
		c->t_col[k] = load64(c, &rec_col_ptr[k]);
		commit_one(c, NULL, &rec_col_ptr[k], c->t_col[k], c->col_len[k]);
	}
	c->t_cnt = load64(c, &rec_icount);
	addStmtToIRSB(c->out, IRStmt_Store(Iend_LE, rd(c->t_col[REC_COL_CTL]),
					   IRExpr_Const(IRConst_U32(sb_id))));
}

static void do_imark(struct ctx *c, const IRStmt *st)
{
	c->insn++;
	if (c->insn >= 512)
		VG_(tool_panic)("hindsight: superblock with more than 512 instructions");
	c->insn_addr[c->insn] = st->Ist.IMark.addr;
	c->insn_len[c->insn] = (UChar)st->Ist.IMark.len;
	VG_(memcpy)(&c->insn_off[c->insn * REC_NCOL], c->coff, sizeof c->coff);
	op_header(c, HS_OP_IMARK, 0, 0);
}

static void do_stmt(struct ctx *c, IRStmt *st)
{
	IRTypeEnv *tyenv = c->out->tyenv;

	switch (st->tag) {
	case Ist_IMark:
		do_imark(c, st);
		break;
	case Ist_WrTmp:
		c->tmp_def[st->Ist.WrTmp.tmp] = st->Ist.WrTmp.data;
		c->tmp_def_at[st->Ist.WrTmp.tmp] = c->n_stmt;
		break;
	case Ist_Put: {
		IRExpr *data = st->Ist.Put.data;
		IRType ty = typeOfIRExpr(tyenv, data);
		if (data->tag == Iex_Const) {
			UChar bytes[32];
			UInt size;
			const_bytes(data->Iex.Const.con, bytes, &size);
			op_header(c, HS_OP_PUT_CONST, 0, size);
			code_u32(c, st->Ist.Put.offset);
			code_put(c, bytes, size);
		} else {
			op_header(c, HS_OP_PUT, 0, sizeofIRType(ty));
			code_u32(c, st->Ist.Put.offset);
			value(c, data, ty);
		}
		state_written(c, st->Ist.Put.offset, sizeofIRType(ty));
		break;
	}
	case Ist_PutI: {
		IRPutI *p = st->Ist.PutI.details;
		IRType ty = typeOfIRExpr(tyenv, p->data);
		op_header(c, HS_OP_PUTI, 0, sizeofIRType(ty));
		code_u32(c, p->descr->base);
		code_u32(c, p->descr->nElems);
		code_u32(c, (UInt)p->bias);
		value(c, p->ix, Ity_I32);
		value(c, p->data, ty);
		state_written(c, p->descr->base,
			      p->descr->nElems * sizeofIRType(p->descr->elemTy));
		break;
	}
	case Ist_Store: {
		IRType ty = typeOfIRExpr(tyenv, st->Ist.Store.data);
		op_header(c, HS_OP_STORE, 0, sizeofIRType(ty));
		value(c, st->Ist.Store.addr, Ity_I64);
		value(c, st->Ist.Store.data, ty);
		break;
	}
	case Ist_StoreG: {
		IRStoreG *sg = st->Ist.StoreG.details;
		IRType ty = typeOfIRExpr(tyenv, sg->data);
		op_header(c, HS_OP_STOREG, 0, sizeofIRType(ty));
		slot_bit(c, sg->guard);
		value(c, sg->addr, Ity_I64);
		value(c, sg->data, ty);
		break;
	}
	case Ist_Exit: {
		IRJumpKind jk = st->Ist.Exit.jk;
		op_header(c, HS_OP_EXIT, 0, 1);
		code_u32(c, jk);
		code_u64(c, st->Ist.Exit.dst->Ico.U64);
		slot_bit(c, st->Ist.Exit.guard);
		commit(c, st->Ist.Exit.guard, retired_at(c, jk));
		break;
	}
	default:
		break;
	}
}

/* Statements whose effect is logged after they ran. */
static void do_stmt_after(struct ctx *c, IRStmt *st)
{
	IRTypeEnv *tyenv = c->out->tyenv;

	switch (st->tag) {
	case Ist_CAS: {
		IRCAS *cas = st->Ist.CAS.details;
		UInt size = sizeofIRType(typeOfIRExpr(tyenv, cas->dataLo));
		if (cas->dataHi)
			size *= 2;
		memcopy(c, cas->addr, NULL, size);
		break;
	}
	case Ist_Dirty: {
		IRDirty *d = st->Ist.Dirty.details;
		Bool guarded = !(d->guard->tag == Iex_Const && d->guard->Iex.Const.con->Ico.U1);
		if (d->mFx == Ifx_Write || d->mFx == Ifx_Modify)
			memcopy(c, d->mAddr, guarded ? d->guard : NULL, d->mSize);
		dirty_state_writes(c, d);
		break;
	}
	case Ist_LLSC:
		VG_(tool_panic)("hindsight: LL/SC is not expected on amd64");
	default:
		break;
	}
}

static void walk(struct ctx *c, IRSB *in)
{
	Int i;

	for (i = 0; i < in->stmts_used; i++) {
		IRStmt *st = in->stmts[i];
		if (!st || st->tag == Ist_NoOp)
			continue;
		c->n_stmt++;
		do_stmt(c, st);
		if (c->emit)
			addStmtToIRSB(c->out, st);
		do_stmt_after(c, st);
	}
	if (in->next->tag == Iex_Const) {
		op_header(c, HS_OP_NEXT_CONST, 0, 0);
		code_u32(c, in->jumpkind);
		code_u64(c, in->next->Iex.Const.con->Ico.U64);
	} else {
		op_header(c, HS_OP_NEXT, 0, 8);
		code_u32(c, in->jumpkind);
		value(c, in->next, Ity_I64);
	}
	commit(c, NULL, retired_at(c, in->jumpkind));
}

static void ctx_init(struct ctx *c, IRSB *in, Bool emit)
{
	Int i, n = in->tyenv->types_used;

	VG_(memset)(c, 0, sizeof *c);
	c->emit = emit;
	c->off = 4;
	c->coff[REC_COL_CTL] = 4; /* the sb_id */
	c->insn = -1;
	c->n_tmps = n;
	c->tmp_def = VG_(calloc)("hs.x", n + 1, sizeof *c->tmp_def);
	c->tmp_def_at = VG_(calloc)("hs.x", n + 1, sizeof *c->tmp_def_at);
	c->tmp_slot = VG_(malloc)("hs.x", (n + 1) * sizeof *c->tmp_slot);
	for (i = 0; i <= n; i++)
		c->tmp_slot[i] = -1;
	for (i = 0; i < HS_GUEST_STATE_SIZE; i++)
		c->put_at[i] = -1;
}

static void ctx_release(struct ctx *c)
{
	VG_(free)(c->tmp_def);
	VG_(free)(c->tmp_def_at);
	VG_(free)(c->tmp_slot);
	c->tmp_def = NULL;
	c->tmp_def_at = NULL;
	c->tmp_slot = NULL;
}

static void remember_sb(UInt sb_id, struct ctx *c, UChar *prev, UInt len)
{
	UInt idx = sb_id - HS_SB_ID_FIRST, n = (UInt)(c->insn + 1);
	struct sb_info *si;

	if (idx >= sb_table_cap) {
		UInt cap = sb_table_cap ? sb_table_cap * 2 : 65536;
		sb_table = VG_(realloc)("hs.sbtab", sb_table, cap * sizeof *sb_table);
		VG_(memset)(sb_table + sb_table_cap, 0, (cap - sb_table_cap) * sizeof *sb_table);
		sb_table_cap = cap;
	}
	si = VG_(malloc)("hs.sbinfo", sizeof *si);
	si->n_insns = n;
	si->max_len = len;
	si->ctl_len = c->col_len[REC_COL_CTL];
	si->insn_addr = VG_(malloc)("hs.sbinfo", (n ? n : 1) * sizeof(Addr));
	si->insn_off = VG_(malloc)("hs.sbinfo", (n ? n : 1) * REC_NCOL * sizeof(UInt));
	VG_(memcpy)(si->insn_addr, c->insn_addr, n * sizeof(Addr));
	VG_(memcpy)(si->insn_off, c->insn_off, n * REC_NCOL * sizeof(UInt));
	si->prev = prev;
	si->prev_len = len;
	sb_table[idx] = si;
}

IRSB *rec_instrument(VgCallbackClosure *closure, IRSB *in,
		     const VexGuestLayout *layout, const VexGuestExtents *vge,
		     const VexArchInfo *archinfo_host, IRType gWordTy,
		     IRType hWordTy)
{
	struct ctx c;
	UInt sb_id = next_sb_id++, max_len, i, col_len[REC_NCOL];
	UChar hdr[24];

	if (rec_opts.measure == REC_MEASURE_NOLOG)
		return in;
	/* sizing pass: how long can the record get? */
	ctx_init(&c, in, False);
	c.out = in;
	walk(&c, in);
	ctx_release(&c);
	max_len = c.off;
	VG_(memcpy)(col_len, c.coff, sizeof col_len);
	if (max_len > REC_MAX_SB_RECORD)
		VG_(tool_panic)("hindsight: superblock record too large");

	ctx_init(&c, in, True);
	VG_(memcpy)(c.col_len, col_len, sizeof col_len);
	c.out = deepCopyIRSBExceptStmts(in);
	c.prev = rec_prev_alloc(max_len);
	preamble(&c, sb_id, max_len);
	walk(&c, in);
	tl_assert(c.off == max_len);

	/* the code record: header, instructions, then the ops built above */
	{
		UChar *ops = c.code;
		UInt ops_len = c.code_len, n_insns = (UInt)(c.insn + 1);
		c.code = NULL;
		c.code_len = c.code_cap = 0;
		rec_put_u32(hdr, HS_CODE_SB);
		rec_put_u32(hdr + 8, sb_id);
		rec_put_u32(hdr + 12, n_insns);
		rec_put_u32(hdr + 16, c.n_ops);
		rec_put_u32(hdr + 20, max_len);
		/* ctx_init(..., True) above set emit and nothing clears it:
		 * code_put() allocates c.code */
		REC_ANALYZER_ASSUME(c.emit);
		code_put(&c, hdr, sizeof hdr);
		for (i = 0; i < n_insns; i++) {
			code_u64(&c, c.insn_addr[i]);
			code_put(&c, &c.insn_len[i], 1);
			code_put(&c, (const void *)c.insn_addr[i], c.insn_len[i]);
		}
		code_put(&c, ops, ops_len);
		rec_put_u32(c.code + 4, c.code_len - 8);
		rec_code_append(c.code, c.code_len);
		VG_(free)(ops);
		VG_(free)(c.code);
	}
	remember_sb(sb_id, &c, c.prev, max_len);
	ctx_release(&c);
	return c.out;
}

/* A synchronous fault stopped an SB between two commits.  Rewrite its
 * half-written record as an SB_ABORT event covering the instructions that
 * retired (its ctl bytes in the event, its other slots in the value
 * columns, where the preamble took the whole record's room), count them,
 * and forget the delta state it may have touched. */
void rec_fixup_aborted_sb(ThreadId tid)
{
	UChar *p = rec_buf_ptr;
	UInt sb_id = *(UInt *)p, k, slots;
	const UInt *off;
	struct sb_info *si;
	Addr rip;

	if (sb_id < HS_SB_ID_FIRST || sb_id - HS_SB_ID_FIRST >= sb_table_cap ||
	    !(si = sb_table[sb_id - HS_SB_ID_FIRST])) {
		VG_(printf)("hindsight: internal error: bad uncommitted record %u\n", sb_id);
		*(UInt *)p = 0;
		return;
	}
	rip = tid != VG_INVALID_THREADID ? VG_(get_IP)(tid) : 0;
	for (k = 0; k < si->n_insns; k++)
		if (si->insn_addr[k] == rip)
			break;
	if (k == si->n_insns) {
		VG_(printf)("hindsight: fault at %#lx outside its superblock; "
			  "assuming no instruction of it retired\n", rip);
		k = 0;
	}
	off = si->n_insns ? &si->insn_off[k * REC_NCOL] : NULL;
	slots = (off ? off[REC_COL_CTL] : 4) - 4;
	VG_(memmove)(p + 16, p + 4, slots);
	rec_put_u32(p, HS_EV_SB_ABORT);
	rec_put_u32(p + 4, 8 + slots);
	rec_put_u32(p + 8, sb_id);
	rec_put_u32(p + 12, k);
	rec_buf_ptr = p + 16 + slots;
	rec_buf_fill += 12; /* the preamble counted the whole record, sb_id included */
	VG_(memset)(rec_buf_ptr, 0, (p + si->ctl_len + 16) - rec_buf_ptr);
	rec_icount += k;
	VG_(memset)(si->prev, 0, si->prev_len);
}

void rec_instrument_init(void)
{
	VG_(memset)(dummy_mem, 0, sizeof dummy_mem);
}
