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
 * Commit protocol.  rec_buf_ptr and rec_icount only move when the SB leaves
 * through a side exit (guarded stores just before the exit) or its end.  A
 * synchronous fault leaves an uncommitted record (its sb_id at
 * *rec_buf_ptr, which is otherwise always zero: the buffer is zeroed after
 * each flush and nothing is written past the committed end); the fault
 * handler path turns it into an SB_ABORT event (rec_fixup_aborted_sb).
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
#include "pub_tool_mallocfree.h"
#include "pub_tool_machine.h"
#include "pub_tool_tooliface.h"

/* What the fault path needs to know about each translation. */
struct sb_info {
	UInt n_insns;
	UInt max_len;
	Addr *insn_addr;
	UInt *insn_off;   /* record offset where each instruction's slots start */
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
	IRTemp t_ptr, t_cnt;
	UInt off;         /* next slot offset in the record */
	Int insn;         /* current instruction index, -1 before the first */
	UChar *prev;      /* delta area (emit pass) */
	/* the code record under construction */
	UChar *code;
	UInt code_len, code_cap;
	UInt n_ops;
	/* instructions */
	Addr insn_addr[512];
	UInt insn_off[512];
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

/* Append one slot holding atom `val` of type ty.  Delta-coded unless raw. */
static void slot(struct ctx *c, IRExpr *val, IRType ty, Bool raw)
{
	UInt size = sizeofIRType(ty);
	IRExpr *v = val;
	IRType ity = ty;
	IROp sub;
	IRTemp t_a, t_prev, t_d;

	if (!c->emit) {
		c->off += size;
		return;
	}
	t_a = assign(c, Ity_I64, IRExpr_Binop(Iop_Add64, rd(c->t_ptr), mkU64(c->off)));
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

/* A u8 slot from an I1 guard, never delta-coded. */
static void slot_bit(struct ctx *c, IRExpr *guard)
{
	if (!c->emit) {
		c->off += 1;
		return;
	}
	slot(c, rd(assign(c, Ity_I8, IRExpr_Unop(Iop_1Uto8, guard))), Ity_I8, True);
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
	slot(c, logged, Ity_I64, False);
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

/* Move the committed end and t when `guard` holds (NULL: always). */
static void commit(struct ctx *c, IRExpr *guard, UInt retired)
{
	IRTemp np, nc;

	if (!c->emit)
		return;
	np = assign(c, Ity_I64, IRExpr_Binop(Iop_Add64, rd(c->t_ptr), mkU64(c->off)));
	nc = assign(c, Ity_I64, IRExpr_Binop(Iop_Add64, rd(c->t_cnt), mkU64(retired)));
	if (guard) {
		addStmtToIRSB(c->out, IRStmt_StoreG(Iend_LE, mkU64((Addr)&rec_buf_ptr), rd(np), guard));
		addStmtToIRSB(c->out, IRStmt_StoreG(Iend_LE, mkU64((Addr)&rec_icount), rd(nc), guard));
	} else {
		addStmtToIRSB(c->out, IRStmt_Store(Iend_LE, mkU64((Addr)&rec_buf_ptr), rd(np)));
		addStmtToIRSB(c->out, IRStmt_Store(Iend_LE, mkU64((Addr)&rec_icount), rd(nc)));
	}
}

static VG_REGPARM(0) void flush_from_sb(void)
{
	rec_stream_flush(False);
}

static void preamble(struct ctx *c, UInt sb_id, UInt max_len)
{
	IRTemp full;
	IRDirty *d;

	IRTemp cur = assign(c, Ity_I64, IRExpr_Load(Iend_LE, Ity_I64, mkU64((Addr)&rec_buf_ptr)));

	full = assign(c, Ity_I1, IRExpr_Binop(Iop_CmpLT64U,
		mkU64((Addr)(rec_buf_start + REC_CHUNK_BYTES)), rd(cur)));
	d = unsafeIRDirty_0_N(0, "hs_flush_from_sb",
			      VG_(fnptr_to_fnentry)(flush_from_sb), mkIRExprVec_0());
	d->guard = rd(full);
	addStmtToIRSB(c->out, IRStmt_Dirty(d));
	c->t_ptr = assign(c, Ity_I64, IRExpr_Load(Iend_LE, Ity_I64, mkU64((Addr)&rec_buf_ptr)));
	c->t_cnt = assign(c, Ity_I64, IRExpr_Load(Iend_LE, Ity_I64, mkU64((Addr)&rec_icount)));
	addStmtToIRSB(c->out, IRStmt_Store(Iend_LE, rd(c->t_ptr), IRExpr_Const(IRConst_U32(sb_id))));
}

static void do_imark(struct ctx *c, const IRStmt *st)
{
	c->insn++;
	if (c->insn >= 512)
		VG_(tool_panic)("hindsight: superblock with more than 512 instructions");
	c->insn_addr[c->insn] = st->Ist.IMark.addr;
	c->insn_len[c->insn] = (UChar)st->Ist.IMark.len;
	c->insn_off[c->insn] = c->off;
	op_header(c, HS_OP_IMARK, 0, 0);
}

static void do_stmt(struct ctx *c, IRStmt *st)
{
	IRTypeEnv *tyenv = c->out->tyenv;

	switch (st->tag) {
	case Ist_IMark:
		do_imark(c, st);
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
			op_header(c, HS_OP_PUT, deltable(ty) ? 0 : HS_OPF_RAW, sizeofIRType(ty));
			code_u32(c, st->Ist.Put.offset);
			slot(c, data, ty, False);
		}
		break;
	}
	case Ist_PutI: {
		IRPutI *p = st->Ist.PutI.details;
		IRType ty = typeOfIRExpr(tyenv, p->data);
		op_header(c, HS_OP_PUTI, deltable(ty) ? 0 : HS_OPF_RAW, sizeofIRType(ty));
		code_u32(c, p->descr->base);
		code_u32(c, p->descr->nElems);
		code_u32(c, (UInt)p->bias);
		slot(c, p->ix, Ity_I32, False);
		slot(c, p->data, ty, False);
		break;
	}
	case Ist_Store: {
		IRType ty = typeOfIRExpr(tyenv, st->Ist.Store.data);
		op_header(c, HS_OP_STORE, deltable(ty) ? 0 : HS_OPF_RAW, sizeofIRType(ty));
		slot(c, st->Ist.Store.addr, Ity_I64, False);
		slot(c, st->Ist.Store.data, ty, False);
		break;
	}
	case Ist_StoreG: {
		IRStoreG *sg = st->Ist.StoreG.details;
		IRType ty = typeOfIRExpr(tyenv, sg->data);
		op_header(c, HS_OP_STOREG, deltable(ty) ? 0 : HS_OPF_RAW, sizeofIRType(ty));
		slot_bit(c, sg->guard);
		slot(c, sg->addr, Ity_I64, False);
		slot(c, sg->data, ty, False);
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
		slot(c, in->next, Ity_I64, False);
	}
	commit(c, NULL, retired_at(c, in->jumpkind));
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
	si->insn_addr = VG_(malloc)("hs.sbinfo", (n ? n : 1) * sizeof(Addr));
	si->insn_off = VG_(malloc)("hs.sbinfo", (n ? n : 1) * sizeof(UInt));
	VG_(memcpy)(si->insn_addr, c->insn_addr, n * sizeof(Addr));
	VG_(memcpy)(si->insn_off, c->insn_off, n * sizeof(UInt));
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
	UInt sb_id = next_sb_id++, max_len, i;
	UChar hdr[24];

	/* sizing pass: how long can the record get? */
	VG_(memset)(&c, 0, sizeof c);
	c.out = in;
	c.off = 4;
	c.insn = -1;
	walk(&c, in);
	max_len = c.off;
	if (max_len > REC_MAX_SB_RECORD)
		VG_(tool_panic)("hindsight: superblock record too large");

	VG_(memset)(&c, 0, sizeof c);
	c.emit = True;
	c.out = deepCopyIRSBExceptStmts(in);
	c.off = 4;
	c.insn = -1;
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
	return c.out;
}

/* A synchronous fault stopped an SB between two commits.  Rewrite its
 * half-written record as an SB_ABORT event covering the instructions that
 * retired, count them, and forget the delta state it may have touched. */
void rec_fixup_aborted_sb(ThreadId tid)
{
	UChar *p = rec_buf_ptr;
	UInt sb_id = *(UInt *)p, k, slots;
	struct sb_info *si;
	Addr rip;

	if (sb_id < HS_SB_ID_FIRST || sb_id - HS_SB_ID_FIRST >= sb_table_cap ||
	    !(si = sb_table[sb_id - HS_SB_ID_FIRST])) {
		VG_(umsg)("hindsight: internal error: bad uncommitted record %u\n", sb_id);
		*(UInt *)p = 0;
		return;
	}
	rip = tid != VG_INVALID_THREADID ? VG_(get_IP)(tid) : 0;
	for (k = 0; k < si->n_insns; k++)
		if (si->insn_addr[k] == rip)
			break;
	if (k == si->n_insns) {
		VG_(umsg)("hindsight: fault at %#lx outside its superblock; "
			  "assuming no instruction of it retired\n", rip);
		k = 0;
	}
	slots = (si->n_insns ? si->insn_off[k] : 4) - 4;
	VG_(memmove)(p + 16, p + 4, slots);
	rec_put_u32(p, HS_EV_SB_ABORT);
	rec_put_u32(p + 4, 8 + slots);
	rec_put_u32(p + 8, sb_id);
	rec_put_u32(p + 12, k);
	rec_buf_ptr = p + 16 + slots;
	VG_(memset)(rec_buf_ptr, 0, (p + si->max_len + 16) - rec_buf_ptr);
	rec_icount += k;
	VG_(memset)(si->prev, 0, si->prev_len);
}

void rec_instrument_init(void)
{
	VG_(memset)(dummy_mem, 0, sizeof dummy_mem);
}
