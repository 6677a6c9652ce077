/* locals.c - fs/source: variables in scope, DWARF location expressions,
 * and gdb-like formatting of values by type.
 *
 * Only the innermost frame: registers come from the caller (tg->regs);
 * the caller's frame is unwound (CFI) only for DW_OP_entry_value.
 * The frame base is the subprogram's DW_AT_frame_base; with gcc that is
 * DW_OP_call_frame_cfa, so the CFA comes from the module's CFI
 * (.debug_frame, else .eh_frame) at rip.  Every libdw call runs under
 * s->dw_lock (libdw is not thread-safe).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_i.h"

#define MAX_DEPTH 4
#define MAX_ELEMS 200
#define EVAL_STACK 64

/* ---- a capped text buffer ---------------------------------------------- */

struct sbuf {
	char buf[HS_SRC_VALUE_MAX];
	size_t len;
	bool full;
};

static void sb_put(struct sbuf *b, const char *p, size_t n)
{
	size_t room = sizeof b->buf - 4 - b->len; /* keep room for "..." */

	if (b->full)
		return;
	if (n > room) {
		memcpy(b->buf + b->len, p, room);
		b->len += room;
		memcpy(b->buf + b->len, "...", 3);
		b->len += 3;
		b->full = true;
		b->buf[b->len] = 0;
		return;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = 0;
}

static void sb_str(struct sbuf *b, const char *p)
{
	sb_put(b, p, strlen(p));
}

static void sb_fmt(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void sb_fmt(struct sbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---- where a value's bytes are ------------------------------------------ */

/* A value is either in target memory (read lazily: arrays can be big) or
 * in a byte buffer (registers, implicit values, pieces).  valid[] marks
 * buffer bytes that are known (pieces can leave holes). */
#define VBUF_MAX 256
struct vsrc {
	bool in_mem;
	uint64_t addr;
	uint8_t bytes[VBUF_MAX];
	uint8_t valid[VBUF_MAX];
	size_t size;
};

/* Target memory is read a page at a time and kept for the duration of
 * one hs_src_locals() call: formatting reads many small pieces (members,
 * elements, string bytes) and each target read can be costly (the
 * database reconstructs memory at t). */
#define PAGE 4096u
#define NPAGES 64
struct page {
	uint64_t addr;      /* page address; UINT64_MAX: empty slot */
	size_t len;         /* bytes readable from addr (short near a hole) */
	uint8_t data[PAGE];
};

struct ctx {
	struct hs_src *s;
	const struct hs_src_target *tg;
	struct page *pages; /* NPAGES slots, direct mapped */
	const struct hs_trace_regs *regs; /* this frame's registers */
	uint32_t invalid;   /* DWARF registers 0-16 not known in this frame */
	uint64_t pc;        /* where to look things up: rip, or in a caller
			     * frame the return address - 1 (the call) */
	struct src_mod *m;
	Dwarf_Addr bias;        /* DWARF address + bias = runtime address */
	Dwarf_Die *func;        /* the innermost subprogram (for fbreg) */
};

/* Like read_mem, through the page cache: the bytes read (short at
 * unreadable memory), or -EIO when none. */
static ssize_t ctx_read(const struct ctx *c, uint64_t addr, void *out, size_t len)
{
	size_t done = 0;

	while (done < len) {
		uint64_t a = addr + done, pa = a & ~(uint64_t)(PAGE - 1);
		struct page *p = &c->pages[(pa / PAGE) % NPAGES];
		size_t in, n;

		if (p->addr != pa) {
			ssize_t r = c->tg->read_mem(c->tg->ctx, pa, p->data, PAGE);

			p->addr = pa;
			p->len = r > 0 ? (size_t)r : 0;
		}
		in = (size_t)(a - pa);
		if (in >= p->len)
			break;
		n = p->len - in < len - done ? p->len - in : len - done;
		memcpy((uint8_t *)out + done, p->data + in, n);
		done += n;
		if (done < len && p->len < PAGE)
			break; /* the page ended short: a hole follows */
	}
	return done ? (ssize_t)done : -EIO;
}

/* Reads len bytes at off of the value: 0, or -EIO. */
static int vread(const struct ctx *c, const struct vsrc *v, uint64_t off,
		 void *out, size_t len)
{
	size_t i;
	ssize_t r;

	if (v->in_mem) {
		r = ctx_read(c, v->addr + off, out, len);
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
 * 16 for xmm0-15.  -ENOENT for others. */
static int reg_bytes(const struct ctx *c, uint64_t regno, uint8_t *out,
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
	} else
		return -ENOENT;
	memcpy(out, &v, 8);
	*len = 8;
	return 0;
}

static int reg_value(const struct ctx *c, uint64_t regno, uint64_t *v)
{
	uint8_t b[16];
	size_t n;

	if (reg_bytes(c, regno, b, &n))
		return -ENOENT;
	memcpy(v, b, 8);
	return 0;
}

/* ---- DWARF expressions ---------------------------------------------------- */

static int frame_base(struct ctx *c, uint64_t *out);

/* The CFA at rip from CFI: .debug_frame first, then .eh_frame. */
static int cfa_at(struct ctx *c, uint64_t *out);

static int eval_ops(struct ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *ops,
		    size_t n, struct vsrc *res, size_t size, int depth);

static int entry_value(struct ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *op,
		       int depth, uint64_t *out);

/* Evaluates a plain DWARF expression (no location ops) to one value. */
static int eval_value(struct ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *ops,
		      size_t n, uint64_t *out, int depth)
{
	struct vsrc v = { 0 };
	int ret = eval_ops(c, attr, ops, n, &v, 8, depth);

	if (ret)
		return ret;
	/* a bare expression leaves an address on the stack: that is the value */
	if (v.in_mem) {
		*out = v.addr;
		return 0;
	}
	return vread(c, &v, 0, out, 8);
}

static size_t op_index(const Dwarf_Op *ops, size_t n, uint64_t offset)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ops[i].offset == offset)
			return i;
	return SIZE_MAX;
}

/* Evaluates a location description into res (size bytes wanted).  attr
 * (may be NULL) is the attribute ops came from, for implicit values.
 * -ENODATA: optimized out (empty expression, unsupported op). */
/* The expression stack; push/need say false on overflow/underflow. */
struct estack {
	uint64_t v[EVAL_STACK];
	int sp;
};

static bool push(struct estack *e, uint64_t v)
{
	if (e->sp >= EVAL_STACK)
		return false;
	e->v[e->sp++] = v;
	return true;
}

static bool need(const struct estack *e, int k)
{
	return e->sp >= k;
}

static int eval_ops(struct ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *ops,
		    size_t n, struct vsrc *res, size_t size, int depth)
{
	struct estack es = { .sp = 0 };
	size_t i, piece_off = 0, steps = 0;
	/* how the current piece is located */
	enum { L_MEM, L_REG, L_VALUE, L_IMPLICIT, L_NONE } kind = L_MEM;
	uint64_t regno = 0;
	Dwarf_Block implicit = { 0 };
	bool pieces = false;
	uint64_t a, b;

	if (depth > 4)
		return -ENODATA;
	memset(res, 0, sizeof *res);
	if (n == 0)
		return -ENODATA;
	for (i = 0; i < n; i++) {
		const Dwarf_Op *op = &ops[i];
		uint8_t at = op->atom;

		if (++steps > 10000) /* a DW_OP_skip loop */
			return -ENODATA;
		if (at >= DW_OP_lit0 && at <= DW_OP_lit31) {
			if (!push(&es, at - DW_OP_lit0))
				return -ENODATA;
			continue;
		}
		if (at >= DW_OP_breg0 && at <= DW_OP_breg31) {
			if (reg_value(c, at - DW_OP_breg0, &a))
				return -ENODATA;
			if (!push(&es, a + op->number))
				return -ENODATA;
			continue;
		}
		if (at >= DW_OP_reg0 && at <= DW_OP_reg31) {
			kind = L_REG;
			regno = at - DW_OP_reg0;
			continue;
		}
		switch (at) {
		case DW_OP_addr:
			if (!push(&es, op->number + c->bias))
				return -ENODATA;
			break;
		case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u:
		case DW_OP_const8u: case DW_OP_constu:
		case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s:
		case DW_OP_const8s: case DW_OP_consts:
			if (!push(&es, op->number))
				return -ENODATA;
			break;
		case DW_OP_bregx:
			if (reg_value(c, op->number, &a))
				return -ENODATA;
			if (!push(&es, a + op->number2))
				return -ENODATA;
			break;
		case DW_OP_regx:
			kind = L_REG;
			regno = op->number;
			break;
		case DW_OP_fbreg:
			if (frame_base(c, &a))
				return -ENODATA;
			if (!push(&es, a + op->number))
				return -ENODATA;
			break;
		case DW_OP_call_frame_cfa:
			if (cfa_at(c, &a))
				return -ENODATA;
			if (!push(&es, a))
				return -ENODATA;
			break;
		case DW_OP_dup:
		case DW_OP_over:
		case DW_OP_pick: {
			int k = at == DW_OP_dup ? 0 : at == DW_OP_over ? 1 : (int)op->number;

			if (k < 0 || !need(&es, k + 1) || !push(&es, es.v[es.sp - 1 - k]))
				return -ENODATA;
			break;
		}
		case DW_OP_drop:
			if (!need(&es, 1))
				return -ENODATA;
			es.sp--;
			break;
		case DW_OP_swap:
			if (!need(&es, 2))
				return -ENODATA;
			a = es.v[es.sp - 1];
			es.v[es.sp - 1] = es.v[es.sp - 2];
			es.v[es.sp - 2] = a;
			break;
		case DW_OP_rot:
			if (!need(&es, 3))
				return -ENODATA;
			a = es.v[es.sp - 1];
			es.v[es.sp - 1] = es.v[es.sp - 2];
			es.v[es.sp - 2] = es.v[es.sp - 3];
			es.v[es.sp - 3] = a;
			break;
		case DW_OP_deref:
		case DW_OP_deref_size: {
			size_t len = at == DW_OP_deref ? 8 : op->number;

			if (!need(&es, 1))
				return -ENODATA;
			if (len == 0 || len > 8)
				return -ENODATA;
			a = 0;
			if (ctx_read(c, es.v[es.sp - 1], &a, len) != (ssize_t)len)
				return -EIO;
			es.v[es.sp - 1] = a;
			break;
		}
		case DW_OP_plus_uconst:
		case DW_OP_neg:
		case DW_OP_not:
		case DW_OP_abs:
			if (!need(&es, 1))
				return -ENODATA;
			a = es.v[es.sp - 1];
			if (at == DW_OP_plus_uconst)
				a += op->number;
			else if (at == DW_OP_neg || (at == DW_OP_abs && (int64_t)a < 0))
				a = -a;
			else if (at == DW_OP_not)
				a = ~a;
			es.v[es.sp - 1] = a;
			break;
		case DW_OP_plus: case DW_OP_minus: case DW_OP_mul: case DW_OP_div:
		case DW_OP_mod: case DW_OP_and: case DW_OP_or: case DW_OP_xor:
		case DW_OP_shl: case DW_OP_shr: case DW_OP_shra:
		case DW_OP_eq: case DW_OP_ne: case DW_OP_lt: case DW_OP_gt:
		case DW_OP_le: case DW_OP_ge:
			if (!need(&es, 2))
				return -ENODATA;
			b = es.v[--es.sp];
			a = es.v[es.sp - 1];
			switch (at) {
			case DW_OP_plus: a += b; break;
			case DW_OP_minus: a -= b; break;
			case DW_OP_mul: a *= b; break;
			case DW_OP_div:
				if (!b)
					return -ENODATA;
				a = (uint64_t)((int64_t)a / (int64_t)b);
				break;
			case DW_OP_mod:
				if (!b)
					return -ENODATA;
				a %= b;
				break;
			case DW_OP_and: a &= b; break;
			case DW_OP_or: a |= b; break;
			case DW_OP_xor: a ^= b; break;
			case DW_OP_shl: a = b < 64 ? a << b : 0; break;
			case DW_OP_shr: a = b < 64 ? a >> b : 0; break;
			case DW_OP_shra: a = (uint64_t)((int64_t)a >> (b < 63 ? b : 63)); break;
			case DW_OP_eq: a = a == b; break;
			case DW_OP_ne: a = a != b; break;
			case DW_OP_lt: a = (int64_t)a < (int64_t)b; break;
			case DW_OP_gt: a = (int64_t)a > (int64_t)b; break;
			case DW_OP_le: a = (int64_t)a <= (int64_t)b; break;
			case DW_OP_ge: a = (int64_t)a >= (int64_t)b; break;
			}
			es.v[es.sp - 1] = a;
			break;
		case DW_OP_skip:
		case DW_OP_bra: {
			size_t j;

			if (at == DW_OP_bra) {
				if (!need(&es, 1))
				return -ENODATA;
				if (!es.v[--es.sp])
					break;
			}
			/* op->number is the target offset libdw computed */
			j = op_index(ops, n, op->number);
			if (j == SIZE_MAX)
				return -ENODATA;
			i = j - 1;
			break;
		}
		case DW_OP_nop:
			break;
		case DW_OP_entry_value:
		case DW_OP_GNU_entry_value:
			if (entry_value(c, attr, op, depth, &a) || !push(&es, a))
				return -ENODATA;
			break;
		case DW_OP_stack_value:
			kind = L_VALUE;
			break;
		case DW_OP_implicit_value:
			if (!attr || dwarf_getlocation_implicit_value(attr, op, &implicit))
				return -ENODATA;
			kind = L_IMPLICIT;
			break;
		case DW_OP_piece: {
			size_t psize = op->number, k;
			uint8_t tmp[VBUF_MAX];
			bool ok = true;

			pieces = true;
			if (piece_off + psize > VBUF_MAX)
				return -ENODATA;
			memset(tmp, 0, sizeof tmp);
			if (i == 0 || ops[i - 1].atom == DW_OP_piece) {
				ok = false; /* empty piece: optimized out */
			} else if (kind == L_REG) {
				size_t rl;

				ok = reg_bytes(c, regno, tmp, &rl) == 0 && psize <= rl;
			} else if (kind == L_VALUE) {
				ok = es.sp > 0 && psize <= 8;
				if (ok)
					memcpy(tmp, &es.v[es.sp - 1], psize);
			} else if (kind == L_IMPLICIT) {
				ok = psize <= implicit.length;
				if (ok)
					memcpy(tmp, implicit.data, psize);
			} else {
				ok = es.sp > 0 && ctx_read(c, es.v[es.sp - 1], tmp,
							       psize) == (ssize_t)psize;
			}
			memcpy(res->bytes + piece_off, tmp, psize);
			for (k = 0; k < psize; k++)
				res->valid[piece_off + k] = ok;
			piece_off += psize;
			es.sp = 0;
			kind = L_MEM;
			break;
		}
		default:
			/* DW_OP_entry_value, typed ops, TLS...: not evaluated */
			return -ENODATA;
		}
	}
	if (pieces) {
		res->in_mem = false;
		res->size = piece_off;
		return 0;
	}
	res->size = size < VBUF_MAX ? size : VBUF_MAX;
	switch (kind) {
	case L_MEM:
		if (es.sp < 1)
			return -ENODATA;
		res->in_mem = true;
		res->addr = es.v[es.sp - 1];
		return 0;
	case L_REG: {
		size_t rl;

		if (reg_bytes(c, regno, res->bytes, &rl))
			return -ENODATA;
		memset(res->valid, 1, rl);
		res->size = rl;
		return 0;
	}
	case L_VALUE:
		if (es.sp < 1)
			return -ENODATA;
		memcpy(res->bytes, &es.v[es.sp - 1], 8);
		memset(res->valid, 1, 8);
		res->size = 8;
		return 0;
	case L_IMPLICIT:
		res->size = implicit.length < VBUF_MAX ? implicit.length : VBUF_MAX;
		memcpy(res->bytes, implicit.data, res->size);
		memset(res->valid, 1, res->size);
		return 0;
	default:
		return -ENODATA;
	}
}

/* The CFI frame state at c->pc: .debug_frame first, then .eh_frame.
 * Caller frees it; NULL if none. */
static Dwarf_Frame *frame_at(struct ctx *c)
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

static int cfa_at(struct ctx *c, uint64_t *out)
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
 * return address, the callee-saved registers where CFI says they were
 * saved; the rest are marked invalid (clobbered by the call). */
static int unwind(struct ctx *c, struct hs_trace_regs *out, uint32_t *invalid)
{
	static const int saved[] = { 3, 6, 12, 13, 14, 15, 16 };
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
		struct vsrc v;
		uint64_t val;
		int r = saved[i];

		if (dwarf_frame_register(fr, r, mem, &ops, &nops) != 0)
			continue;
		if (nops == 0) {
			/* same value: unchanged by this frame; else undefined */
			if (!ops && !reg_value(c, (uint64_t)r, &val))
				*invalid &= ~(1u << r);
			continue;
		}
		if (eval_ops(c, NULL, ops, nops, &v, 8, 1))
			continue;
		if (v.in_mem ? ctx_read(c, v.addr, &val, 8) != 8 : vread(c, &v, 0, &val, 8))
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

/* DW_OP_entry_value(DW_OP_regN): the value register N had when the
 * function was entered.  gcc -O2 says so for a parameter whose register
 * was reused; the caller's call site then says how to compute what it
 * passed (DW_TAG_call_site_parameter), in the caller's frame, which we
 * unwind to with CFI.  gdb does the same (x@entry). */
static int entry_value(struct ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *op,
		       int depth, uint64_t *out)
{
	Dwarf_Attribute inner;
	Dwarf_Op *iops;
	size_t ni;
	uint64_t regno;
	struct hs_trace_regs caller;
	struct ctx cc;
	Dwarf_Die *cu, *scopes = NULL, site, param;
	Dwarf_Addr bias;
	int ns, i, ret = -ENODATA;
	bool found = false;

	if (!attr || depth > 2 || dwarf_getlocation_attr(attr, op, &inner) ||
	    dwarf_getlocation(&inner, &iops, &ni) || ni != 1)
		return -ENODATA;
	if (iops[0].atom >= DW_OP_reg0 && iops[0].atom <= DW_OP_reg31)
		regno = iops[0].atom - DW_OP_reg0;
	else if (iops[0].atom == DW_OP_regx)
		regno = iops[0].number;
	else
		return -ENODATA;
	cc = *c;
	if (unwind(c, &caller, &cc.invalid))
		return -ENODATA;
	cc.regs = &caller;
	cc.pc = caller.rip - 1;
	cc.m = src_mod_find(c->s, caller.rip);
	cc.func = NULL;
	if (!cc.m || !cc.m->dw)
		return -ENODATA;
	cu = dwfl_module_addrdie(cc.m->dm, cc.pc, &bias);
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
	if (!found || dwarf_child(&site, &param) != 0)
		goto out;
	do {
		Dwarf_Attribute la, va;
		Dwarf_Op *lops, *vops;
		size_t nl, nv;
		int tag = dwarf_tag(&param);

		if (tag != DW_TAG_call_site_parameter &&
		    tag != DW_TAG_GNU_call_site_parameter)
			continue;
		if (!dwarf_attr(&param, DW_AT_location, &la) ||
		    dwarf_getlocation(&la, &lops, &nl) || nl != 1)
			continue;
		if (!((lops[0].atom == DW_OP_reg0 + regno && regno < 32) ||
		      (lops[0].atom == DW_OP_regx && lops[0].number == regno)))
			continue;
		if (!dwarf_attr(&param, DW_AT_call_value, &va) &&
		    !dwarf_attr(&param, DW_AT_GNU_call_site_value, &va))
			break;
		if (dwarf_getlocation(&va, &vops, &nv) == 0)
			ret = eval_value(&cc, &va, vops, nv, out, depth + 1);
		break;
	} while (dwarf_siblingof(&param, &param) == 0);
out:
	free(scopes);
	return ret;
}

static int frame_base(struct ctx *c, uint64_t *out)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	struct vsrc v;
	int r;

	if (!c->func || !dwarf_attr_integrate(c->func, DW_AT_frame_base, &attr))
		return -ENODATA;
	r = dwarf_getlocation_addr(&attr, c->pc - c->bias, &ops, &nops, 1);
	if (r <= 0)
		return -ENODATA;
	if (eval_ops(c, &attr, ops, nops, &v, 8, 1))
		return -ENODATA;
	/* DW_OP_call_frame_cfa / bregN: an address; DW_OP_regN: its value */
	if (v.in_mem) {
		*out = v.addr;
		return 0;
	}
	return vread(c, &v, 0, out, 8);
}

/* ---- types ----------------------------------------------------------------- */

static bool die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out);
}

/* Strips typedefs and cv-qualifiers. */
static bool peel(Dwarf_Die *t, Dwarf_Die *out)
{
	Dwarf_Die cur = *t;
	int guard = 0;

	for (;;) {
		int tag = dwarf_tag(&cur);

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_restrict_type &&
		    tag != DW_TAG_atomic_type)
			break;
		if (++guard > 32 || !die_type(&cur, &cur))
			return false; /* const void */
		}
	*out = cur;
	return true;
}

static uint64_t type_size(Dwarf_Die *t)
{
	Dwarf_Word w;

	return dwarf_aggregate_size(t, &w) == 0 ? w : 0;
}

static void type_name_rec(Dwarf_Die *t, struct sbuf *pre, struct sbuf *post,
			  int depth);

/* Array dimensions "[N][M]" of array type t into b. */
static void array_dims(Dwarf_Die *t, struct sbuf *b)
{
	Dwarf_Die child;
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (dwarf_child(t, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) != DW_TAG_subrange_type)
			continue;
		if (dwarf_attr(&child, DW_AT_count, &a) && !dwarf_formudata(&a, &w))
			sb_fmt(b, "[%" PRIu64 "]", (uint64_t)w);
		else if (dwarf_attr(&child, DW_AT_upper_bound, &a) &&
			 !dwarf_formudata(&a, &w))
			sb_fmt(b, "[%" PRIu64 "]", (uint64_t)w + 1);
		else
			sb_str(b, "[]");
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* C declarator order: pre holds what goes before the name, post what
 * goes after ("char (*)[16]": pre "char (*", post ")[16]"). */
static void type_name_rec(Dwarf_Die *t, struct sbuf *pre, struct sbuf *post,
			  int depth)
{
	Dwarf_Die sub;
	const char *name = dwarf_diename(t);
	int tag = dwarf_tag(t);
	bool has_sub = die_type(t, &sub);

	if (depth > 16) {
		sb_str(pre, "?");
		return;
	}
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
		sb_str(pre, name ? name : "?");
		return;
	case DW_TAG_unspecified_type:
		sb_str(pre, name ? name : "void");
		return;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_class_type:
		sb_str(pre, tag == DW_TAG_union_type ? "union " :
		       tag == DW_TAG_enumeration_type ? "enum " : "struct ");
		sb_str(pre, name ? name : "{...}");
		return;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type: {
		Dwarf_Die target;
		int ttag = has_sub ? dwarf_tag(&sub) : 0;
		struct sbuf p2, q2;

		if (!has_sub) {
			sb_str(pre, "void *");
			return;
		}
		p2.len = q2.len = 0;
		p2.full = q2.full = false;
		p2.buf[0] = q2.buf[0] = 0;
		target = sub;
		if (ttag == DW_TAG_array_type || ttag == DW_TAG_subroutine_type) {
			type_name_rec(&target, &p2, &q2, depth + 1);
			sb_str(pre, p2.buf);
			sb_str(pre, ttag == DW_TAG_array_type ? " (*" : "(*");
			sb_str(post, ")");
			sb_str(post, q2.buf);
			return;
		}
		type_name_rec(&target, &p2, &q2, depth + 1);
		sb_str(pre, p2.buf);
		if (p2.len && p2.buf[p2.len - 1] != '*')
			sb_str(pre, " ");
		sb_str(pre, tag == DW_TAG_pointer_type ? "*" : "&");
		sb_str(post, q2.buf);
		return;
	}
	case DW_TAG_const_type:
	case DW_TAG_volatile_type: {
		const char *q = tag == DW_TAG_const_type ? "const" : "volatile";

		if (!has_sub) {
			sb_fmt(pre, "%s void", q);
			return;
		}
		if (dwarf_tag(&sub) == DW_TAG_pointer_type) {
			type_name_rec(&sub, pre, post, depth + 1);
			sb_fmt(pre, " %s", q);
			return;
		}
		sb_fmt(pre, "%s ", q);
		type_name_rec(&sub, pre, post, depth + 1);
		return;
	}
	case DW_TAG_array_type: {
		struct sbuf dims;

		dims.len = 0;
		dims.full = false;
		dims.buf[0] = 0;
		if (has_sub)
			type_name_rec(&sub, pre, post, depth + 1);
		array_dims(t, &dims);
		sb_str(pre, " ");
		/* element post first would be wrong for arrays of arrays: libdw
		 * gives all dimensions on one array DIE, which is the C case */
		sb_str(post, dims.buf);
		return;
	}
	case DW_TAG_subroutine_type: {
		Dwarf_Die child;
		bool first = true;

		if (has_sub)
			type_name_rec(&sub, pre, post, depth + 1);
		else
			sb_str(pre, "void");
		sb_str(pre, " ");
		sb_str(post, "(");
		if (dwarf_child(t, &child) == 0) {
			do {
				Dwarf_Die pt;
				struct sbuf p2, q2;

				if (dwarf_tag(&child) == DW_TAG_unspecified_parameters) {
					sb_str(post, first ? "..." : ", ...");
					first = false;
					continue;
				}
				if (dwarf_tag(&child) != DW_TAG_formal_parameter ||
				    !die_type(&child, &pt))
					continue;
				p2.len = q2.len = 0;
				p2.full = q2.full = false;
				p2.buf[0] = q2.buf[0] = 0;
				type_name_rec(&pt, &p2, &q2, depth + 1);
				if (!first)
					sb_str(post, ", ");
				sb_str(post, p2.buf);
				sb_str(post, q2.buf);
				first = false;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		sb_str(post, first ? "void)" : ")");
		return;
	}
	default:
		sb_str(pre, name ? name : "?");
		return;
	}
}

/* The C name of type t ("struct account *", "char [16]"); caller frees. */
static char *type_name(Dwarf_Die *t)
{
	struct sbuf *pre = malloc(sizeof *pre), *post = malloc(sizeof *post);
	char *out = NULL;
	size_t n;

	if (!pre || !post)
		goto out;
	pre->len = post->len = 0;
	pre->full = post->full = false;
	pre->buf[0] = post->buf[0] = 0;
	if (t)
		type_name_rec(t, pre, post, 0);
	else
		sb_str(pre, "void");
	n = pre->len;
	/* "char " + "[16]" -> "char [16]"; "int " + "" -> "int" */
	if (!post->len)
		while (n && pre->buf[n - 1] == ' ')
			n--;
	pre->buf[n] = 0;
	if (asprintf(&out, "%s%s", pre->buf, post->buf) < 0)
		out = NULL;
out:
	free(pre);
	free(post);
	return out;
}

/* ---- values ------------------------------------------------------------------ */

static void fmt_value(struct ctx *c, Dwarf_Die *type, const struct vsrc *v,
		      uint64_t off, int depth, struct sbuf *b);

/* A char as gdb writes it inside quotes q ('\'' or '"'). */
static void put_char_escaped(struct sbuf *b, uint8_t ch, char q)
{
	switch (ch) {
	case '\a': sb_str(b, "\\a"); return;
	case '\b': sb_str(b, "\\b"); return;
	case '\f': sb_str(b, "\\f"); return;
	case '\n': sb_str(b, "\\n"); return;
	case '\r': sb_str(b, "\\r"); return;
	case '\t': sb_str(b, "\\t"); return;
	case '\v': sb_str(b, "\\v"); return;
	case 033: sb_str(b, "\\033"); return;
	case '\\': sb_str(b, "\\\\"); return;
	}
	if (ch == (uint8_t)q) {
		char e[3] = { '\\', q, 0 };

		sb_str(b, e);
		return;
	}
	if (ch < 0x20 || ch >= 0x7f) {
		sb_fmt(b, "\\%03o", ch);
		return;
	}
	sb_put(b, (const char *)&ch, 1);
}

/* A quoted C string, escaped as gdb does; ellipsis: it went on past
 * what we show. */
static void put_string(struct sbuf *b, const uint8_t *p, size_t n, bool ellipsis)
{
	size_t i;

	sb_str(b, "\"");
	for (i = 0; i < n && !b->full; i++)
		put_char_escaped(b, p[i], '"');
	sb_str(b, ellipsis ? "\"..." : "\"");
}

static bool is_char_type(Dwarf_Die *t)
{
	Dwarf_Die p;
	Dwarf_Attribute a;
	Dwarf_Word enc;

	if (!peel(t, &p) || dwarf_tag(&p) != DW_TAG_base_type || dwarf_bytesize(&p) != 1)
		return false;
	if (!dwarf_attr(&p, DW_AT_encoding, &a) || dwarf_formudata(&a, &enc))
		return false;
	return enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char;
}

/* The C string at addr (up to MAX_ELEMS chars), gdb style. */
static void put_c_string_at(struct ctx *c, uint64_t addr, struct sbuf *b)
{
	uint8_t buf[MAX_ELEMS + 1];
	size_t n = 0;

	/* read in small steps: the string may end just before unmapped memory */
	while (n < sizeof buf) {
		size_t want = sizeof buf - n < 32 ? sizeof buf - n : 32;
		ssize_t r = ctx_read(c, addr + n, buf + n, want);
		size_t k, got = r > 0 ? (size_t)r : 0;

		for (k = 0; k < got; k++)
			if (!buf[n + k]) {
				put_string(b, buf, n + k, false);
				return;
			}
		n += got;
		if (got < want)
			break;
	}
	if (n == 0) {
		sb_fmt(b, "<error: Cannot access memory at address 0x%" PRIx64 ">", addr);
		return;
	}
	put_string(b, buf, n < MAX_ELEMS ? n : MAX_ELEMS, true);
}

static void fmt_pointer(struct ctx *c, Dwarf_Die *ptype, uint64_t p, struct sbuf *b)
{
	Dwarf_Die target;
	const char *sym;
	uint64_t off;

	sb_fmt(b, "0x%" PRIx64, p);
	if (!p)
		return;
	sym = src_addr_symbol(c->s, p, &off);
	if (sym) {
		/* gcc names a function's static "x" "x.0": gdb shows "x" */
		const char *dot = strrchr(sym, '.');
		int len = (int)strlen(sym);

		if (dot && dot[1] >= '0' && dot[1] <= '9' &&
		    strspn(dot + 1, "0123456789") == strlen(dot + 1))
			len = (int)(dot - sym);
		if (off)
			sb_fmt(b, " <%.*s+%" PRIu64 ">", len, sym, off);
		else
			sb_fmt(b, " <%.*s>", len, sym);
	}
	if (die_type(ptype, &target) && is_char_type(&target)) {
		sb_str(b, " ");
		put_c_string_at(c, p, b);
	}
}

static void fmt_base(Dwarf_Die *t, const uint8_t *raw, size_t size, struct sbuf *b)
{
	Dwarf_Attribute a;
	Dwarf_Word enc = DW_ATE_signed;
	uint64_t u = 0;
	int64_t sv;

	if (dwarf_attr(t, DW_AT_encoding, &a))
		dwarf_formudata(&a, &enc);
	if (enc == DW_ATE_float) {
		if (size == 4) {
			float f;

			memcpy(&f, raw, 4);
			sb_fmt(b, "%.9g", f);
		} else if (size == 8) {
			double d;

			memcpy(&d, raw, 8);
			sb_fmt(b, "%.17g", d);
		} else if (size == 16 || size == 10) {
			long double ld = 0;

			memcpy(&ld, raw, 10);
			sb_fmt(b, "%.18Lg", ld);
		} else {
			sb_str(b, "<unsupported float>");
		}
		return;
	}
	if (size > 8) {
		sb_str(b, "0x");
		for (size_t i = size; i-- > 0;)
			sb_fmt(b, "%02x", raw[i]);
		return;
	}
	memcpy(&u, raw, size);
	if (enc == DW_ATE_boolean) {
		sb_str(b, u == 0 ? "false" : u == 1 ? "true" : "");
		if (u > 1)
			sb_fmt(b, "%" PRIu64, u);
		return;
	}
	sv = size < 8 && (u >> (size * 8 - 1)) & 1 ? (int64_t)(u | (~0ull << (size * 8)))
						   : (int64_t)u;
	if (enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char) {
		if (enc == DW_ATE_signed_char)
			sb_fmt(b, "%" PRId64 " '", sv);
		else
			sb_fmt(b, "%" PRIu64 " '", u);
		put_char_escaped(b, (uint8_t)u, '\'');
		sb_str(b, "'");
		return;
	}
	if (enc == DW_ATE_signed)
		sb_fmt(b, "%" PRId64, sv);
	else
		sb_fmt(b, "%" PRIu64, u);
}

static void fmt_enum(Dwarf_Die *t, const uint8_t *raw, size_t size, struct sbuf *b)
{
	Dwarf_Die child;
	uint64_t u = 0;
	int64_t sv;

	memcpy(&u, raw, size < 8 ? size : 8);
	sv = size < 8 && (u >> (size * 8 - 1)) & 1 ? (int64_t)(u | (~0ull << (size * 8)))
						   : (int64_t)u;
	if (dwarf_child(t, &child) == 0) {
		do {
			Dwarf_Attribute a;
			Dwarf_Sword cv;
			Dwarf_Word uv;

			if (dwarf_tag(&child) != DW_TAG_enumerator ||
			    !dwarf_attr(&child, DW_AT_const_value, &a))
				continue;
			if ((dwarf_formsdata(&a, &cv) == 0 && cv == sv) ||
			    (dwarf_formudata(&a, &uv) == 0 && uv == u)) {
				sb_str(b, dwarf_diename(&child) ? dwarf_diename(&child) : "?");
				return;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	sb_fmt(b, "%" PRId64, sv);
}

static void fmt_struct(struct ctx *c, Dwarf_Die *t, const struct vsrc *v,
		       uint64_t off, int depth, struct sbuf *b)
{
	Dwarf_Die child;
	bool first = true;

	if (depth >= MAX_DEPTH) {
		sb_str(b, "{...}");
		return;
	}
	sb_str(b, "{");
	if (dwarf_child(t, &child) == 0) {
		do {
			Dwarf_Attribute a;
			Dwarf_Word moff = 0;
			Dwarf_Die mt;
			const char *name;
			int bits;

			if (b->full)
				break;
			if (dwarf_tag(&child) != DW_TAG_member ||
			    dwarf_hasattr(&child, DW_AT_external))
				continue; /* C++ static members */
			if (!die_type(&child, &mt))
				continue;
			if (dwarf_attr(&child, DW_AT_data_member_location, &a))
				dwarf_formudata(&a, &moff);
			name = dwarf_diename(&child);
			if (!first)
				sb_str(b, ", ");
			first = false;
			if (name)
				sb_fmt(b, "%s = ", name);
			bits = dwarf_bitsize(&child);
			if (bits > 0) {
				/* a bit-field: DW_AT_data_bit_offset from the
				 * start of the struct, little endian */
				Dwarf_Word boff = 0;
				uint64_t raw = 0, val;
				uint8_t buf[16] = { 0 };
				Dwarf_Die pm;
				Dwarf_Attribute ea;
				Dwarf_Word enc = DW_ATE_unsigned;

				if (dwarf_attr(&child, DW_AT_data_bit_offset, &a))
					dwarf_formudata(&a, &boff);
				else
					boff = moff * 8; /* DWARF 2/3 DW_AT_bit_offset: not handled */
				if (bits > 64 || vread(c, v, off + boff / 8, buf,
						       ((boff % 8) + bits + 7) / 8)) {
					sb_str(b, "<unreadable>");
					continue;
				}
				memcpy(&raw, buf, 8);
				val = (raw >> (boff % 8)) & (bits == 64 ? ~0ull : ((1ull << bits) - 1));
				if (peel(&mt, &pm) && dwarf_attr(&pm, DW_AT_encoding, &ea))
					dwarf_formudata(&ea, &enc);
				if ((enc == DW_ATE_signed || enc == DW_ATE_signed_char) &&
				    bits < 64 && (val >> (bits - 1)) & 1)
					sb_fmt(b, "%" PRId64, (int64_t)(val | (~0ull << bits)));
				else if (peel(&mt, &pm) && dwarf_tag(&pm) == DW_TAG_enumeration_type)
					fmt_enum(&pm, (uint8_t *)&val, 8, b);
				else
					sb_fmt(b, "%" PRIu64, val);
				continue;
			}
			fmt_value(c, &mt, v, off + moff, depth + 1, b);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	sb_str(b, "}");
}

/* Element counts of an array's dimensions; returns how many. */
static int array_bounds(Dwarf_Die *t, uint64_t *dims, int max)
{
	Dwarf_Die child;
	int n = 0;

	if (dwarf_child(t, &child) != 0)
		return 0;
	do {
		Dwarf_Attribute a;
		Dwarf_Word w;

		if (dwarf_tag(&child) != DW_TAG_subrange_type || n >= max)
			continue;
		if (dwarf_attr(&child, DW_AT_count, &a) && !dwarf_formudata(&a, &w))
			dims[n++] = w;
		else if (dwarf_attr(&child, DW_AT_upper_bound, &a) &&
			 !dwarf_formudata(&a, &w))
			dims[n++] = w + 1;
		else
			dims[n++] = 0;
	} while (dwarf_siblingof(&child, &child) == 0);
	return n;
}

/* Dimension dim of an array of element type et: gdb's {a, b, c...} (no
 * <repeats>: `print repeats unlimited`), char arrays as C strings. */
static void fmt_array_dim(struct ctx *c, Dwarf_Die *et, const uint64_t *dims,
			  int ndims, int dim, const struct vsrc *v, uint64_t off,
			  int depth, struct sbuf *b)
{
	uint64_t esize = type_size(et), stride = esize, count = dims[dim], i;
	int k;

	for (k = dim + 1; k < ndims; k++)
		stride *= dims[k];
	if (dim == ndims - 1 && is_char_type(et)) {
		/* a C string: up to its NUL, at most MAX_ELEMS chars (gdb's
		 * `print null-stop on`, `print elements 200`) */
		uint8_t buf[MAX_ELEMS + 1];
		size_t want = count < MAX_ELEMS + 1 ? count : MAX_ELEMS + 1, n;

		if (vread(c, v, off, buf, want)) {
			sb_str(b, "<unreadable>");
			return;
		}
		for (n = 0; n < want && n < MAX_ELEMS && buf[n]; n++)
			;
		put_string(b, buf, n, n == MAX_ELEMS && want > MAX_ELEMS && buf[n]);
		return;
	}
	if (depth >= MAX_DEPTH) {
		sb_str(b, "{...}");
		return;
	}
	sb_str(b, "{");
	for (i = 0; i < count && i < MAX_ELEMS && !b->full; i++) {
		if (i)
			sb_str(b, ", ");
		if (dim + 1 < ndims)
			fmt_array_dim(c, et, dims, ndims, dim + 1, v, off + i * stride,
				      depth + 1, b);
		else
			fmt_value(c, et, v, off + i * stride, depth + 1, b);
	}
	if (i < count)
		sb_str(b, "...");
	sb_str(b, "}");
}

static void fmt_value(struct ctx *c, Dwarf_Die *type, const struct vsrc *v,
		      uint64_t off, int depth, struct sbuf *b)
{
	Dwarf_Die t, et;
	uint64_t size;
	uint8_t raw[16];
	int tag;

	if (b->full)
		return;
	if (!peel(type, &t)) {
		sb_str(b, "<void>");
		return;
	}
	tag = dwarf_tag(&t);
	size = type_size(&t);
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		if (size == 0 || size > sizeof raw || vread(c, v, off, raw, size)) {
			sb_str(b, "<unreadable>");
			return;
		}
		if (tag == DW_TAG_base_type) {
			fmt_base(&t, raw, size, b);
		} else if (tag == DW_TAG_enumeration_type) {
			fmt_enum(&t, raw, size, b);
		} else {
			uint64_t p = 0;

			memcpy(&p, raw, size < 8 ? size : 8);
			fmt_pointer(c, &t, p, b);
		}
		return;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type:
		fmt_struct(c, &t, v, off, depth, b);
		return;
	case DW_TAG_array_type: {
		uint64_t dims[8];
		int nd = array_bounds(&t, dims, 8);

		if (!die_type(&t, &et) || nd == 0) {
			sb_str(b, "<unknown array>");
			return;
		}
		fmt_array_dim(c, &et, dims, nd, 0, v, off, depth, b);
		return;
	}
	case DW_TAG_subroutine_type:
		sb_str(b, "{function}");
		return;
	default:
		sb_str(b, "<unsupported type>");
		return;
	}
}

/* ---- variables in scope ------------------------------------------------------ */

struct var_list {
	struct hs_src_var *v;
	size_t n, cap;
};

static bool var_seen(const struct var_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return true;
	return false;
}

/* Value text of variable DIE d. */
static char *var_value(struct ctx *c, Dwarf_Die *d, Dwarf_Die *type)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	struct vsrc *v = calloc(1, sizeof *v);
	struct sbuf *b = malloc(sizeof *b);
	uint64_t size = type ? type_size(type) : 0;
	char *out = NULL;
	int r;

	if (!v || !b)
		goto out;
	b->len = 0;
	b->full = false;
	b->buf[0] = 0;
	if (dwarf_attr(d, DW_AT_location, &attr)) {
		r = dwarf_getlocation_addr(&attr, c->pc - c->bias, &ops, &nops, 1);
		if (r <= 0 || nops == 0) {
			sb_str(b, "<optimized out>");
			goto done;
		}
		r = eval_ops(c, &attr, ops, nops, v, size, 0);
		if (r == -EIO) {
			sb_str(b, "<unreadable>");
			goto done;
		}
		if (r) {
			sb_str(b, "<optimized out>");
			goto done;
		}
	} else if (dwarf_attr_integrate(d, DW_AT_const_value, &attr)) {
		Dwarf_Block blk;
		Dwarf_Word w;

		v->in_mem = false;
		if (dwarf_formblock(&attr, &blk) == 0) {
			v->size = blk.length < VBUF_MAX ? blk.length : VBUF_MAX;
			memcpy(v->bytes, blk.data, v->size);
		} else if (dwarf_formudata(&attr, &w) == 0) {
			v->size = 8;
			memcpy(v->bytes, &w, 8);
		} else {
			sb_str(b, "<optimized out>");
			goto done;
		}
		memset(v->valid, 1, v->size);
	} else {
		sb_str(b, "<optimized out>");
		goto done;
	}
	if (!type) {
		sb_str(b, "<void>");
		goto done;
	}
	fmt_value(c, type, v, 0, 0, b);
done:
	out = strdup(b->buf);
out:
	free(v);
	free(b);
	return out;
}

static int add_var(struct ctx *c, struct var_list *l, Dwarf_Die *d, bool param)
{
	const char *name = dwarf_diename(d);
	Dwarf_Die type, *tp = NULL;
	struct hs_src_var *nv;

	if (!name || var_seen(l, name))
		return 0;
	if (dwarf_hasattr_integrate(d, DW_AT_declaration) &&
	    !dwarf_hasattr(d, DW_AT_location))
		return 0; /* "extern int x;" inside a block */
	if (die_type(d, &type))
		tp = &type;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;

		nv = realloc(l->v, cap * sizeof *nv);
		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = cap;
	}
	nv = &l->v[l->n];
	memset(nv, 0, sizeof *nv);
	nv->name = strdup(name);
	nv->type = type_name(tp);
	nv->value = var_value(c, d, tp);
	nv->is_param = param;
	l->n++;
	if (!nv->name || !nv->type || !nv->value)
		return -ENOMEM;
	return 0;
}

/* Adds the variables (or parameters) declared directly in scope. */
static int scope_vars(struct ctx *c, struct var_list *l, Dwarf_Die *scope,
		      bool params)
{
	Dwarf_Die child;
	int ret = 0;

	if (dwarf_child(scope, &child) != 0)
		return 0;
	do {
		int tag = dwarf_tag(&child);

		if (params && tag == DW_TAG_formal_parameter)
			ret = add_var(c, l, &child, true);
		else if (!params && tag == DW_TAG_variable)
			ret = add_var(c, l, &child, false);
	} while (!ret && dwarf_siblingof(&child, &child) == 0);
	return ret;
}

void hs_src_vars_free(struct hs_src_var *vars, size_t n)
{
	size_t i;

	if (!vars)
		return;
	for (i = 0; i < n; i++) {
		free(vars[i].name);
		free(vars[i].type);
		free(vars[i].value);
	}
	free(vars);
}

int hs_src_locals(struct hs_src *s, const struct hs_src_target *tg,
		  struct hs_src_var **vars, size_t *n)
{
	struct ctx c = { .s = s, .tg = tg };
	struct var_list params = { 0 }, locals = { 0 };
	Dwarf_Die *cu, *scopes = NULL;
	Dwarf_Addr bias;
	int ns, i, f, ret = 0;
	uint64_t rip;

	if (!s || !tg || !tg->regs || !tg->read_mem || !vars || !n || !s->finished)
		return -EINVAL;
	*vars = NULL;
	*n = 0;
	rip = tg->regs->rip;
	c.regs = tg->regs;
	c.pc = rip;
	c.m = src_mod_find(s, rip);
	if (!c.m)
		return -ENOENT;
	if (!c.m->dw)
		return -ENODATA;
	c.pages = malloc(NPAGES * sizeof *c.pages);
	if (!c.pages)
		return -ENOMEM;
	for (i = 0; i < NPAGES; i++)
		c.pages[i].addr = UINT64_MAX;
	pthread_mutex_lock(&s->dw_lock);
	cu = dwfl_module_addrdie(c.m->dm, rip, &bias);
	if (!cu) {
		ret = -ENODATA;
		goto out;
	}
	c.bias = bias;
	ns = dwarf_getscopes(cu, rip - bias, &scopes);
	if (ns <= 0) {
		ret = -ENODATA;
		goto out;
	}
	/* the innermost function: a subprogram or an inlined instance */
	for (f = 0; f < ns; f++) {
		int tag = dwarf_tag(&scopes[f]);

		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine)
			break;
	}
	if (f == ns) {
		ret = -ENODATA;
		goto out;
	}
	/* the frame base lives on the concrete out-of-line subprogram */
	for (i = f; i < ns; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			c.func = &scopes[i];
			break;
		}
	/* innermost blocks first: they shadow outer declarations */
	for (i = 0; i <= f && !ret; i++)
		ret = scope_vars(&c, &locals, &scopes[i], false);
	if (!ret)
		ret = scope_vars(&c, &params, &scopes[f], true);
	if (ret)
		goto out;
	/* parameters first, then locals; a local never hides a parameter in
	 * C at function level, but an inner block's may: keep the local */
	{
		size_t total = params.n + locals.n, k = 0, j;
		struct hs_src_var *all = calloc(total ? total : 1, sizeof *all);

		if (!all) {
			ret = -ENOMEM;
			goto out;
		}
		for (j = 0; j < params.n; j++) {
			if (var_seen(&locals, params.v[j].name)) {
				free(params.v[j].name);
				free(params.v[j].type);
				free(params.v[j].value);
				continue;
			}
			all[k++] = params.v[j];
		}
		for (j = 0; j < locals.n; j++)
			all[k++] = locals.v[j];
		free(params.v);
		free(locals.v);
		params.v = locals.v = NULL;
		params.n = locals.n = 0;
		*vars = all;
		*n = k;
	}
out:
	pthread_mutex_unlock(&s->dw_lock);
	free(c.pages);
	free(scopes);
	hs_src_vars_free(params.v, params.n);
	hs_src_vars_free(locals.v, locals.n);
	return ret;
}
