/* trace_decode.c - decodes stream chunks: SB records, events, time, and
 * every thread's guest state.
 *
 * Design notes.
 *
 * An SB record carries no length: its size follows from the translation's
 * ops and from which exit was taken, so the record can only be walked, op
 * by op.  The walk is the hot loop of the whole project (billions of
 * instructions), so:
 *   - ops were compiled by trace_code.c into trace_uops whose code already
 *     says the slot size and coding, redundant RIP puts dropped, constant
 *     puts and IMARKs folded into the prologue of the next op (see
 *     finish_ops); one switch per op;
 *   - values that are expressions mostly take the V_LIN shortcut; the
 *     evaluator (eval_expr) runs for about one instruction in ten;
 *   - a record that cannot run past the chunk end (the chunk has at least
 *     the translation's longest record left) is walked without any bounds
 *     check; only the last records of a chunk take the checked walk;
 *   - delta state lives in one arena, zeroed lazily per translation by a
 *     generation stamp instead of clearing every translation at each chunk;
 *   - nothing is allocated per record, and callbacks cost one predictable
 *     branch when absent.
 * On gzip's recording this decodes about 125 M instructions/s on one core
 * (zstd decompression, in trace_file.c, costs about as much again).
 *
 * Time: t is kept in the decoder and advanced when an instruction retires
 * (trace_format.h "Retirement"): at the next IMARK of the same record, or
 * at a taken EXIT / the final NEXT whose jumpkind retires it.  A record
 * whose op list ends without a NEXT retires its last instruction.
 *
 * Guest state: the running thread (HS_EV_THREAD_RUN) gets every PUT, in op
 * order (a GET in an expression reads the state as of its op), and its RIP
 * is set at each IMARK (the instruction's address) and at the end of the
 * record (EXIT dst or NEXT).  Dumps (HS_EV_REGS) are checked by
 * trace_check.c and then adopted.
 */
#include <emmintrin.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_i.h"

/* Valgrind's thread ids are small (VG_N_THREADS is 500 by default); a
 * larger one is damage, and would size the thread table. */
#define TRACE_TID_MAX 65536u
#define TRACE_PREV_BLOCK (1u << 20)
#define RIP_OFF offsetof(VexGuestAMD64State, guest_RIP)

_Static_assert(offsetof(struct trace_thread, scratch) == TRACE_NO_CONST,
	       "ops without a folded constant store it into scratch");

static void chunk_err(struct hs_trace_err *err, const struct hs_trace_chunk *c,
		      const uint8_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void chunk_err(struct hs_trace_err *err, const struct hs_trace_chunk *c,
		      const uint8_t *at, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	trace_err_set(err, "%s: chunk %" PRIu64 " offset %td: %s",
		      c->path ? c->path : "stream", c->info.seq, at - c->data, what);
}

/* ---- threads and delta state ------------------------------------------- */

struct trace_thread *trace_thread_get(struct hs_trace_decoder *d, uint32_t tid)
{
	struct trace_thread *th;

	if (tid >= TRACE_TID_MAX)
		return NULL;
	if (hs_grow_zero((void **)&d->threads, &d->n_threads, (size_t)tid + 1,
			 sizeof(*d->threads)))
		return NULL;
	th = d->threads[tid];
	if (!th) {
		th = calloc(1, sizeof(*th));
		if (!th)
			return NULL;
		d->threads[tid] = th;
		d->stats.threads++;
	}
	return th;
}

static uint8_t *prev_alloc(struct hs_trace_decoder *d, size_t size)
{
	struct trace_prev_block *b = d->blocks;
	uint8_t *p;

	size = (size + 7) & ~(size_t)7;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > TRACE_PREV_BLOCK ? size : TRACE_PREV_BLOCK;

		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = d->blocks;
		b->used = 0;
		b->cap = cap;
		d->blocks = b;
	}
	p = b->mem + b->used;
	b->used += size;
	return p;
}

/* The delta state of sb, zeroed if it was last used in an earlier chunk
 * or reset by an SB_ABORT. */
static uint8_t *prev_of(struct hs_trace_decoder *d, const struct trace_sb *sb)
{
	size_t i = sb->pub.sb_id - HS_SB_ID_FIRST;
	uint8_t *p = d->prev[i];

	if (d->prev_gen[i] == d->gen)
		return p;
	if (!p) {
		p = prev_alloc(d, sb->prev_size);
		if (!p)
			return NULL;
		d->prev[i] = p;
	}
	memset(p, 0, sb->prev_size);
	d->prev_gen[i] = d->gen;
	return p;
}

/* ---- SB records ---------------------------------------------------------- */

struct sb_run {
	/* in: the next byte of each column (flat: [TRACE_COL_CTL] alone, the
	 * first slot byte); out: the bytes after the record's */
	const uint8_t *cu[TRACE_NCOL];
	uint8_t *gather;   /* COLUMNS: room for the largest MEMCOPY */
	bool exited;       /* a taken EXIT ended the record */
	bool short_rec;    /* the bytes ran out first */
};

/* value = previous (+ or ^) stored, for the generic (rare) slot shapes. */
static inline void slot_apply(uint8_t *prev, const uint8_t *src, uint32_t size,
			      unsigned mode)
{
	if (mode == SLOT_DELTA) {
		switch (size) {
		case 1:
			prev[0] = (uint8_t)(prev[0] + src[0]);
			return;
		case 2: {
			uint16_t a, b;

			memcpy(&a, prev, 2);
			memcpy(&b, src, 2);
			a = (uint16_t)(a + b);
			memcpy(prev, &a, 2);
			return;
		}
		case 4: {
			uint32_t a = trace_ld32(prev) + trace_ld32(src);

			memcpy(prev, &a, 4);
			return;
		}
		case 8: {
			uint64_t a = trace_ld64(prev) + trace_ld64(src);

			memcpy(prev, &a, 8);
			return;
		}
		}
	} else if (mode == SLOT_XOR) {
		for (uint32_t i = 0; i < size; i += 8) {
			uint64_t a = trace_ld64(prev + i) ^ trace_ld64(src + i);

			memcpy(prev + i, &a, 8);
		}
		return;
	}
	memcpy(prev, src, size);
}

/* An integer of 1..8 bytes, zero-extended. */
static inline uint64_t load_zx(const uint8_t *p, uint32_t size)
{
	uint64_t v = 0;

	switch (size) {
	case 1:
		return p[0];
	case 2:
		memcpy(&v, p, 2);
		return v;
	case 4:
		return trace_ld32(p);
	case 8:
		return trace_ld64(p);
	default:
		memcpy(&v, p, size);
		return v;
	}
}

/* Evaluates a postfix expression (trace_code.c checked its shape).  SLOT
 * nodes consume record bytes from their column's cursor in cu[] (flat: one
 * cursor) and update the delta area. */
static uint64_t eval_expr(const struct trace_xnode *x, uint32_t n,
			  const uint8_t **cu, bool flat, uint8_t *prev, const uint8_t *st)
{
	uint64_t s[HS_X_MAX_NODES];
	unsigned sp = 0;

	/* trace_code.c's check, which the analyser cannot follow: at least
	 * one node, and each finds its operands on the stack (the kinds are
	 * ordered by arity: pushes, unary, binary, XK_ITE) */
	HS_ANALYZER_ASSUME(n >= 1 && n <= HS_X_MAX_NODES);
	for (const struct trace_xnode *e = x + n; x < e; x++) {
		HS_ANALYZER_ASSUME(sp < HS_X_MAX_NODES &&
				   sp >= (x->kind >= XK_ITE ? 3u : x->kind >= XK_ADD ? 2u :
					  x->kind >= XK_ZX ? 1u : 0u));
		switch (x->kind) {
		case XK_SLOT: {
			const uint8_t **pp = &cu[TRACE_COL(flat, x->size)];

			slot_apply(prev + x->arg, *pp, x->size, x->mode);
			*pp += x->size;
			s[sp++] = load_zx(prev + x->arg, x->size);
			break;
		}
		case XK_REF:
			s[sp++] = load_zx(prev + x->arg, x->size);
			break;
		case XK_CONST:
			s[sp++] = x->k;
			break;
		case XK_GET:
			s[sp++] = load_zx(st + x->arg, x->size);
			break;
		case XK_ZX:
			s[sp - 1] &= x->k;
			break;
		case XK_SX: {
			unsigned sh = 64u - x->from;

			s[sp - 1] = (uint64_t)((int64_t)(s[sp - 1] << sh) >> sh) & x->k;
			break;
		}
		case XK_HI:
			s[sp - 1] = (s[sp - 1] >> x->bits) & x->k;
			break;
		case XK_NOT:
			s[sp - 1] = ~s[sp - 1] & x->k;
			break;
		case XK_ADD:
			sp--;
			s[sp - 1] = (s[sp - 1] + s[sp]) & x->k;
			break;
		case XK_SUB:
			sp--;
			s[sp - 1] = (s[sp - 1] - s[sp]) & x->k;
			break;
		case XK_AND:
			sp--;
			s[sp - 1] &= s[sp];
			break;
		case XK_OR:
			sp--;
			s[sp - 1] = (s[sp - 1] | s[sp]) & x->k;
			break;
		case XK_XOR:
			sp--;
			s[sp - 1] = (s[sp - 1] ^ s[sp]) & x->k;
			break;
		case XK_MUL:
			sp--;
			s[sp - 1] = (s[sp - 1] * s[sp]) & x->k;
			break;
		case XK_HL:
			sp--;
			s[sp - 1] = ((s[sp - 1] << x->bits) |
				     (s[sp] & ((1ull << x->bits) - 1))) & x->k;
			break;
		case XK_SHL:
			sp--;
			s[sp - 1] = (s[sp - 1] << (s[sp] & 63)) & x->k;
			break;
		case XK_SHR:
			sp--;
			s[sp - 1] = (s[sp - 1] & x->k) >> (s[sp] & 63);
			break;
		case XK_SAR: {
			unsigned sh = 64u - x->bits;

			sp--;
			s[sp - 1] = (uint64_t)(((int64_t)(s[sp - 1] << sh) >> sh) >>
					       (s[sp] & 63)) & x->k;
			break;
		}
		case XK_NEZ:
			s[sp - 1] = (s[sp - 1] & x->k) != 0;
			break;
		case XK_1SX:
			s[sp - 1] = (s[sp - 1] & 1) ? x->k : 0;
			break;
		case XK_CMPEQ:
			sp--;
			s[sp - 1] = (s[sp - 1] & x->k) == (s[sp] & x->k);
			break;
		case XK_CMPNE:
			sp--;
			s[sp - 1] = (s[sp - 1] & x->k) != (s[sp] & x->k);
			break;
		case XK_CMPLTU:
			sp--;
			s[sp - 1] = (s[sp - 1] & x->k) < (s[sp] & x->k);
			break;
		case XK_CMPLEU:
			sp--;
			s[sp - 1] = (s[sp - 1] & x->k) <= (s[sp] & x->k);
			break;
		case XK_CMPLTS:
		case XK_CMPLES: {
			unsigned sh = 64u - x->bits;
			int64_t a = (int64_t)(s[sp - 2] << sh) >> sh;
			int64_t b = (int64_t)(s[sp - 1] << sh) >> sh;

			sp--;
			s[sp - 1] = x->kind == XK_CMPLTS ? a < b : a <= b;
			break;
		}
		case XK_ITE:
			sp -= 2;
			s[sp - 1] = (s[sp - 1] & 1) ? s[sp] : s[sp + 1];
			break;
		}
	}
	HS_ANALYZER_ASSUME(sp == 1); /* the expression's value */
	return s[0];
}

/* The bytes of value v (at least as many as the op needs): in the delta
 * area for a slot or a reference, else in *tmp. */
static inline __attribute__((always_inline)) const uint8_t *
val_bytes(const struct trace_sb *sb, const struct trace_val *v,
	  const uint8_t **cu, bool flat, uint8_t *prev, const uint8_t *st, uint64_t *tmp)
{
	const uint8_t **pp;

	switch (v->kind) {
	case V_SLOT:
		pp = &cu[TRACE_COL(flat, v->size)];
		slot_apply(prev + v->at, *pp, v->size, v->mode);
		*pp += v->size;
		return prev + v->at;
	case V_REF:
		return prev + v->at;
	case V_LIN: {
		const struct trace_xnode *x = sb->xs + v->at;
		uint64_t leaf = 0;

		switch (x->kind) {
		case XK_SLOT:
			pp = &cu[TRACE_COL(flat, x->size)];
			slot_apply(prev + x->arg, *pp, x->size, x->mode);
			*pp += x->size;
			leaf = load_zx(prev + x->arg, x->size);
			break;
		case XK_REF:
			leaf = load_zx(prev + x->arg, x->size);
			break;
		case XK_GET:
			leaf = load_zx(st + x->arg, x->size);
			break;
		}
		*tmp = (leaf + x->k) & x->m;
		return (const uint8_t *)tmp;
	}
	default:
		*tmp = eval_expr(sb->xs + v->at, v->n, cu, flat, prev, st);
		return (const uint8_t *)tmp;
	}
}

/* A value of `size` bytes into the guest state; b may alias nothing
 * there (it is the delta area or a temporary). */
static inline __attribute__((always_inline)) void
put_bytes(uint8_t *dst, const uint8_t *b, uint32_t size)
{
	switch (size) {
	case 8:
		memcpy(dst, b, 8);
		break;
	case 4:
		memcpy(dst, b, 4);
		break;
	case 2:
		memcpy(dst, b, 2);
		break;
	case 1:
		*dst = *b;
		break;
	default:
		memcpy(dst, b, size);
		break;
	}
}

typedef int (*trace_insn_fn)(void *ctx, uint64_t t, uint32_t tid, uint64_t rip);

/* Instruction `i` of the translation retires at t, which moves on.  cb and
 * ctx are copies in locals: the guest state is written through byte
 * pointers, which may alias the visitor, so d->v would be reloaded at
 * every instruction. */
static inline __attribute__((always_inline)) int
retire(trace_insn_fn cb, void *ctx, uint64_t *t, uint32_t tid,
       const struct hs_trace_insn *insns, uint32_t i)
{
	uint64_t now = (*t)++;

	return cb ? cb(ctx, now, tid, insns[i].addr) : 0;
}

typedef int (*trace_jump_fn)(void *ctx, uint64_t t, uint32_t tid, uint32_t jk,
			     uint64_t addr, uint32_t len, uint64_t dst);

/* Instruction i of sb, a call, a return or a jump, retired as t
 * and went to dst. */
static __attribute__((noinline)) int
jump(trace_jump_fn cb, void *ctx, uint64_t t, uint32_t tid,
     const struct trace_sb *sb, uint32_t i, uint64_t dst)
{
	uint32_t jk = sb->cls[i] == TRACE_INSN_CALL ? HS_TRACE_JK_CALL
		    : sb->cls[i] == TRACE_INSN_RET ? HS_TRACE_JK_RET
		    : sb->cls[i] == TRACE_INSN_DJMP ? HS_TRACE_JK_DIRECT : HS_TRACE_JK_JUMP;

	return cb(ctx, t, tid, jk, sb->insns[i].addr, sb->insns[i].len, dst);
}

static inline __attribute__((always_inline)) int
store(struct hs_trace_decoder *d, uint64_t t, uint32_t tid, uint64_t addr,
      uint32_t size, const uint8_t *bytes)
{
	d->stats.stores++;
	if (d->v.store)
		return d->v.store(d->v.ctx, t, tid, addr, size, bytes);
	return 0;
}

/* U_PUT1/2/4/8: the n-byte delta p[] added (modulo 2^(8n)) to the
 * previous value pv[], which is also the register's new value; returns p
 * past the delta.  n is a constant at every call: each one compiles to a
 * load, an add and two stores of that width (little-endian host, as
 * trace_ld64() asserts). */
static inline __attribute__((always_inline)) const uint8_t *
put_add(uint8_t *pv, uint8_t *reg, const uint8_t *p, size_t n)
{
	uint64_t x = 0, y = 0;

	memcpy(&x, pv, n);
	memcpy(&y, p, n);
	x += y;
	memcpy(pv, &x, n);
	memcpy(reg, &x, n);
	return p + n;
}

/* U_PUTI: a value into element (ix + bias) mod n_elems of a guest array
 * (VEX's rule, ix an I32). */
static inline __attribute__((always_inline)) void
put_indexed(const struct trace_sb *sb, const struct trace_uop *u, const uint8_t **cu,
	    bool flat, uint8_t *prev, uint8_t *st)
{
	uint64_t ta, tb;
	const uint8_t *a = val_bytes(sb, &u->a, cu, flat, prev, st, &ta);
	const uint8_t *b = val_bytes(sb, &u->v, cu, flat, prev, st, &tb);
	int64_t k = ((int64_t)(int32_t)trace_ld32(a) + (int64_t)u->imm) % (int64_t)u->n_elems;

	if (k < 0)
		k += u->n_elems;
	put_bytes(st + u->off + (uint64_t)k * u->size, b, u->size);
}

/* The ops ran out inside instruction i (no NEXT op, or an SB_ABORT's
 * prefix): it completed, and retires; a call, return or jump reports
 * where it went (the next instruction). */
static inline __attribute__((always_inline)) int
ran_off(trace_insn_fn insn_cb, trace_jump_fn jump_cb, void *ctx, uint64_t *t, uint32_t tid,
	const struct trace_sb *sb, uint32_t i)
{
	int ret = retire(insn_cb, ctx, t, tid, sb->insns, i);

	if (!ret && jump_cb && TRACE_INSN_REPORTED(sb->cls[i]))
		ret = jump(jump_cb, ctx, *t - 1, tid, sb, i,
			   i + 1 < sb->pub.n_insns ? sb->insns[i + 1].addr : 0);
	return ret;
}

/* MEMCOPY's bytes in a COLUMNS chunk: pieces of 8 in v8, then one of 4, 2
 * and 1 as they come (trace_format.h), gathered into one store unless
 * they are all in v8. */
static inline __attribute__((always_inline)) const uint8_t *
memcopy_bytes(const uint8_t **cu, bool flat, uint32_t size, uint8_t *gather)
{
	const uint8_t *b;
	uint32_t whole = size & ~7u, k;

	if (flat || whole == size) {
		b = cu[TRACE_COL(flat, 8)];
		cu[TRACE_COL(flat, 8)] += size;
		return b;
	}
	memcpy(gather, cu[TRACE_COL_V8], whole);
	cu[TRACE_COL_V8] += whole;
	for (k = whole; k < size;) {
		uint32_t n = size - k >= 4 ? 4 : size - k >= 2 ? 2 : 1;

		memcpy(gather + k, cu[TRACE_COL(false, n)], n);
		cu[TRACE_COL(false, n)] += n;
		k += n;
	}
	return gather;
}

/* Walks ops [0, n_ops) of sb for the running thread.  `checked` and
 * `flat` are constants in each caller, so this is compiled three times:
 * a flat chunk's records with and without the bounds checks, and a
 * COLUMNS chunk's (whose columns end in padding: see struct
 * hs_trace_decoder; the caller checks the cursors after the record).
 * Returns 0 or what a callback returned. */
static inline __attribute__((always_inline)) int
run_ops(struct hs_trace_decoder *d, const struct trace_sb *sb, uint8_t *prev,
	uint32_t n_ops, const uint8_t *end, bool checked, bool flat, struct sb_run *r)
{
	const struct trace_uop *u = sb->ops, *ue = sb->ops + n_ops;
	const struct hs_trace_insn *insns = sb->insns;
	uint8_t *st = (uint8_t *)&d->cur->st;
	const uint32_t tid = d->cur_tid;
	const trace_insn_fn insn_cb = d->v.insn;
	const trace_jump_fn jump_cb = d->v.jump;
	void *const insn_ctx = d->v.ctx;
	const uint8_t *cu[TRACE_NCOL];
	uint64_t t = d->t, dst;
	int ret = 0;

	memcpy(cu, r->cu, sizeof(cu));
#define CU(n) cu[TRACE_COL(flat, n)]
	for (; u < ue; u++) {
		uint8_t *pv = prev + u->prev;
		const uint8_t *a, *b;
		uint64_t ta, tb;

		if (checked && u->rec_bytes > (size_t)(end - cu[TRACE_COL_CTL])) {
			r->short_rec = true;
			goto out;
		}
		/* the prologue: a constant (an IMARK's RIP first, so that an
		 * insn() callback sees the state after the instruction it
		 * reports), then maybe the previous instruction retires */
		memcpy(st + u->coff, &u->cimm, 8);
		if (insn_cb && u->tinc &&
		    (ret = insn_cb(insn_ctx, t, tid, insns[u->rinsn].addr))) {
			t++;
			goto out;
		}
		t += u->tinc;
		/* a call chased into its callee, or ... */
		if (__builtin_expect(u->flags & UF_HOOK_PRO, 0) && jump_cb &&
		    (ret = jump(jump_cb, insn_ctx, t - 1, tid, sb, u->rinsn,
				insns[u->insn].addr)))
			goto out;
		switch (u->code) {
		case U_NOP:
			break;
		case U_PUT1:
			CU(1) = put_add(pv, st + u->off, CU(1), 1);
			break;
		case U_PUT2:
			CU(2) = put_add(pv, st + u->off, CU(2), 2);
			break;
		case U_PUT4:
			CU(4) = put_add(pv, st + u->off, CU(4), 4);
			break;
		case U_PUT8:
			CU(8) = put_add(pv, st + u->off, CU(8), 8);
			break;
		case U_PUTX16:
			slot_apply(pv, CU(16), 16, SLOT_XOR);
			memcpy(st + u->off, pv, 16);
			CU(16) += 16;
			break;
		case U_PUTX32:
			slot_apply(pv, CU(32), 32, SLOT_XOR);
			memcpy(st + u->off, pv, 32);
			CU(32) += 32;
			break;
		case U_PUTRAW: {
			const uint8_t **q = &CU(u->size);

			memcpy(pv, *q, u->size);
			memcpy(st + u->off, *q, u->size);
			*q += u->size;
			break;
		}
		case U_PUTV:
			b = val_bytes(sb, &u->v, cu, flat, prev, st, &tb);
			put_bytes(st + u->off, b, u->size);
			break;
		case U_PUTC8:
			memcpy(st + u->off, &u->imm, 8);
			break;
		case U_PUTC:
			memcpy(st + u->off, sb->pool + u->n_elems, u->size);
			break;
		case U_PUTI:
			put_indexed(sb, u, cu, flat, prev, st);
			break;
		case U_STORE:
			a = val_bytes(sb, &u->a, cu, flat, prev, st, &ta);
			b = val_bytes(sb, &u->v, cu, flat, prev, st, &tb);
			if ((ret = store(d, t, tid, trace_ld64(a), u->size, b)))
				goto out;
			break;
		case U_STOREG: {
			uint8_t guard = *cu[TRACE_COL_CTL]++;

			/* addr and data are logged (and delta coded) whether or
			 * not the guard holds */
			a = val_bytes(sb, &u->a, cu, flat, prev, st, &ta);
			b = val_bytes(sb, &u->v, cu, flat, prev, st, &tb);
			if (guard && (ret = store(d, t, tid, trace_ld64(a), u->size, b)))
				goto out;
			break;
		}
		case U_MEMCOPY:
			a = val_bytes(sb, &u->a, cu, flat, prev, st, &ta);
			b = memcopy_bytes(cu, flat, u->size, r->gather);
			/* address 0: a guarded helper that did not run */
			if (trace_ld64(a) &&
			    (ret = store(d, t, tid, trace_ld64(a), u->size, b)))
				goto out;
			break;
		case U_EXIT:
			if (!*cu[TRACE_COL_CTL]++)
				break;
			memcpy(st + RIP_OFF, &u->imm, 8);
			r->exited = true;
			dst = u->imm;
			goto leave;
		case U_NEXT:
			a = val_bytes(sb, &u->a, cu, flat, prev, st, &ta);
			memcpy(st + RIP_OFF, a, 8);
			dst = trace_ld64(a);
			goto leave;
		case U_NEXTC:
			memcpy(st + RIP_OFF, &u->imm, 8);
			dst = u->imm;
			goto leave;
		default:
			__builtin_unreachable(); /* trace_code.c made every code */
		}
	}
#undef CU
	/* Ran off the op list: no NEXT op, or an SB_ABORT's prefix.  Either
	 * way the instruction under way completed. */
	if (n_ops && (ue[-1].flags & UF_IN_INSN))
		ret = ran_off(insn_cb, jump_cb, insn_ctx, &t, tid, sb, ue[-1].insn);
	goto out;
leave:
	/* a taken EXIT or the NEXT, to dst */
	if (u->retires) {
		ret = retire(insn_cb, insn_ctx, &t, tid, insns, u->insn);
		if (!ret && (u->flags & UF_HOOK_EXIT) && jump_cb)
			ret = jump(jump_cb, insn_ctx, t - 1, tid, sb, u->insn, dst);
	}
out:
	d->t = t;
	memcpy(r->cu, cu, sizeof(cu));
	return ret;
}

static int run_fast(struct hs_trace_decoder *d, const struct trace_sb *sb,
		    uint8_t *prev, const uint8_t *end, struct sb_run *r)
{
	return run_ops(d, sb, prev, sb->n_uops, end, false, true, r);
}

static int run_checked(struct hs_trace_decoder *d, const struct trace_sb *sb,
		       uint8_t *prev, uint32_t n_ops, const uint8_t *end,
		       struct sb_run *r)
{
	return run_ops(d, sb, prev, n_ops, end, true, true, r);
}

static int run_cols(struct hs_trace_decoder *d, const struct trace_sb *sb,
		    uint8_t *prev, uint32_t n_ops, struct sb_run *r)
{
	return run_ops(d, sb, prev, n_ops, NULL, false, false, r);
}

/* COLUMNS: whether the record of sb just walked stayed inside every
 * column (it may have read into the padding); then the value cursors move
 * past the whole record, slots it did not reach included. */
static bool cols_took(struct hs_trace_decoder *d, const struct trace_sb *sb,
		      const struct sb_run *r, const uint8_t *ctl_end)
{
	if (r->cu[TRACE_COL_CTL] > ctl_end)
		return false;
	for (int k = TRACE_COL_V1; k < TRACE_NCOL; k++)
		if (sb->col_len[k] > (size_t)(d->col_end[k] - d->col[k]))
			return false;
	for (int k = TRACE_COL_V1; k < TRACE_NCOL; k++)
		d->col[k] += sb->col_len[k];
	return true;
}

/* The value cursors of a COLUMNS chunk into r (flat: nothing to do). */
static void cols_give(struct hs_trace_decoder *d, struct sb_run *r)
{
	for (int k = TRACE_COL_V1; k < TRACE_NCOL; k++)
		r->cu[k] = d->col[k];
	r->gather = d->col_buf;
}

static int decode_sb(struct hs_trace_decoder *d, const struct hs_trace_chunk *c,
		     const uint8_t **pp, const uint8_t *end,
		     struct hs_trace_err *err)
{
	const uint8_t *rec = *pp;
	uint32_t sb_id = trace_ld32(rec);
	const struct trace_sb *sb = trace_code_lookup(d->code, sb_id);
	struct sb_run r = { .cu = { rec + 4 } };
	uint8_t *prev;
	int ret;

	if (!sb) {
		chunk_err(err, c, rec, "unknown sb %" PRIu32 " (not in code.hst)", sb_id);
		return -EBADMSG;
	}
	if (!d->cur) {
		chunk_err(err, c, rec, "sb %" PRIu32 " runs before any THREAD_RUN", sb_id);
		return -EBADMSG;
	}
	prev = prev_of(d, sb);
	if (!prev) {
		chunk_err(err, c, rec, "out of memory");
		return -ENOMEM;
	}
	d->stats.sb_records++;
	if (d->cols) {
		cols_give(d, &r);
		ret = run_cols(d, sb, prev, sb->n_uops, &r);
		r.short_rec = !cols_took(d, sb, &r, end);
	} else if ((size_t)(end - rec) >= sb->max_len) {
		ret = run_fast(d, sb, prev, end, &r);
	} else {
		ret = run_checked(d, sb, prev, sb->n_uops, end, &r);
	}
	if (r.short_rec) {
		chunk_err(err, c, rec, "record of sb %" PRIu32 " runs past the end of the chunk",
			  sb_id);
		return -EBADMSG;
	}
	d->stats.ends_with_exit = false;
	d->stats.ends_with_exec = false;
	*pp = r.cu[TRACE_COL_CTL];
	return ret;
}

/* HS_EV_SB_ABORT: the first `retired` instructions of a translation ran,
 * the next one faulted. */
static int decode_abort(struct hs_trace_decoder *d, const struct hs_trace_chunk *c,
			const uint8_t *rec, const uint8_t *pl, uint32_t len,
			struct hs_trace_err *err)
{
	const struct trace_sb *sb;
	struct sb_run r = { .cu = { pl + 8 } };
	uint32_t sb_id, retired, n = 0;
	uint8_t *prev;
	int ret;

	if (len < 8) {
		chunk_err(err, c, rec, "SB_ABORT of %" PRIu32 " bytes", len);
		return -EBADMSG;
	}
	sb_id = hs_le32(pl);
	retired = hs_le32(pl + 4);
	sb = trace_code_lookup(d->code, sb_id);
	if (!sb) {
		chunk_err(err, c, rec, "SB_ABORT of unknown sb %" PRIu32, sb_id);
		return -EBADMSG;
	}
	if (retired >= sb->pub.n_insns) {
		chunk_err(err, c, rec, "SB_ABORT of sb %" PRIu32 " retires %" PRIu32
			  " of %" PRIu32 " instructions, one must fault",
			  sb_id, retired, sb->pub.n_insns);
		return -EBADMSG;
	}
	if (!d->cur) {
		chunk_err(err, c, rec, "SB_ABORT before any THREAD_RUN");
		return -EBADMSG;
	}
	/* The ops of the first `retired` instructions: those before the IMARK
	 * of instruction `retired`. */
	while (n < sb->n_uops &&
	       !((sb->ops[n].flags & UF_STARTS) && sb->ops[n].insn >= retired))
		n++;
	prev = prev_of(d, sb);
	if (!prev) {
		chunk_err(err, c, rec, "out of memory");
		return -ENOMEM;
	}
	d->stats.sb_aborts++;
	if (d->cols) {
		cols_give(d, &r);
		ret = run_cols(d, sb, prev, n, &r);
		r.short_rec = !cols_took(d, sb, &r, pl + len);
	} else {
		ret = run_checked(d, sb, prev, n, pl + len, &r);
	}
	if (ret)
		return ret;
	if (r.short_rec || r.exited || r.cu[TRACE_COL_CTL] != pl + len) {
		chunk_err(err, c, rec, "SB_ABORT of sb %" PRIu32 " (%" PRIu32
			  " retired): %s", sb_id, retired,
			  r.short_rec ? "slots run past the record" :
			  r.exited ? "a taken exit before the fault" :
			  "bytes left after the slots");
		return -EBADMSG;
	}
	memcpy((uint8_t *)&d->cur->st + RIP_OFF, &sb->insns[retired].addr, 8);
	d->prev_gen[sb_id - HS_SB_ID_FIRST] = 0; /* never a live generation */
	return 0;
}

/* ---- events ------------------------------------------------------------- */

static int bad_len(struct hs_trace_err *err, const struct hs_trace_chunk *c,
		   const uint8_t *rec, const char *name, uint32_t len)
{
	chunk_err(err, c, rec, "%s record with a %" PRIu32 "-byte payload", name, len);
	return -EBADMSG;
}

static struct trace_thread *thread_or_err(struct hs_trace_decoder *d,
					  const struct hs_trace_chunk *c,
					  const uint8_t *rec, uint32_t tid,
					  int *ret, struct hs_trace_err *err)
{
	struct trace_thread *th = trace_thread_get(d, tid);

	if (!th) {
		*ret = tid >= TRACE_TID_MAX ? -EBADMSG : -ENOMEM;
		chunk_err(err, c, rec, tid >= TRACE_TID_MAX ?
			  "thread id %" PRIu32 " out of range" : "thread %" PRIu32
			  ": out of memory", tid);
	}
	return th;
}

static int ev_regs(struct hs_trace_decoder *d, const struct hs_trace_chunk *c,
		   const uint8_t *rec, const uint8_t *pl, uint32_t len,
		   struct hs_trace_err *err)
{
	VexGuestAMD64State dump;
	struct trace_thread *th;
	uint32_t tid, reason, size;
	int ret = 0;

	if (len < 12)
		return bad_len(err, c, rec, "REGS", len);
	tid = hs_le32(pl);
	reason = hs_le32(pl + 4);
	size = hs_le32(pl + 8);
	if (size != HS_GUEST_STATE_SIZE || len != 12 + size) {
		chunk_err(err, c, rec, "REGS dump of %" PRIu32 " bytes in a %" PRIu32
			  "-byte record, expected %d", size, len, HS_GUEST_STATE_SIZE);
		return -EBADMSG;
	}
	th = thread_or_err(d, c, rec, tid, &ret, err);
	if (!th)
		return ret;
	memcpy(&dump, pl + 12, sizeof(dump));
	d->stats.regs_dumps++;
	if (d->check && th->have_state &&
	    (reason == HS_REGS_SYNC || reason == HS_REGS_RESUME)) {
		d->stats.regs_checked++;
		trace_check_regs(d, tid, &th->st, &dump);
	}
	th->st = dump;
	th->have_state = true;
	if (d->v.regs)
		ret = d->v.regs(d->v.ctx, d->t, tid, reason, (const uint8_t *)&th->st);
	return ret;
}

static int decode_event(struct hs_trace_decoder *d, const struct hs_trace_chunk *c,
			const uint8_t *rec, uint32_t tag, const uint8_t *pl,
			uint32_t len, struct hs_trace_err *err)
{
	struct trace_thread *th;
	int ret = 0;

	switch (tag) {
	case HS_EV_REGS:
		ret = ev_regs(d, c, rec, pl, len, err);
		break;
	case HS_EV_THREAD_RUN:
		if (len < 8)
			return bad_len(err, c, rec, "THREAD_RUN", len);
		th = thread_or_err(d, c, rec, hs_le32(pl), &ret, err);
		if (!th)
			return ret;
		d->cur = th;
		d->cur_tid = hs_le32(pl);
		break;
	case HS_EV_THREAD_CREATE:
		if (len < 8)
			return bad_len(err, c, rec, "THREAD_CREATE", len);
		/* the child only: the main thread's parent is tid 0, which
		 * Valgrind never gives a thread.  Valgrind reuses the tids of
		 * exited threads: a new thread's state is unknown until its
		 * first dump. */
		th = thread_or_err(d, c, rec, hs_le32(pl + 4), &ret, err);
		if (!th)
			return ret;
		th->have_state = false;
		break;
	case HS_EV_SYSCALL_ENTER:
		if (len < 56)
			return bad_len(err, c, rec, "SYSCALL_ENTER", len);
		d->stats.syscalls++;
		break;
	case HS_EV_SYSCALL_EXIT: {
		uint64_t res;

		if (len < 24)
			return bad_len(err, c, rec, "SYSCALL_EXIT", len);
		th = thread_or_err(d, c, rec, hs_le32(pl), &ret, err);
		if (!th)
			return ret;
		/* the kernel's rax: -errno on failure */
		res = hs_le64(pl + 16);
		th->st.guest_RAX = hs_le32(pl + 8) ? (uint64_t)0 - res : res;
		break;
	}
	case HS_EV_REG_WRITE: {
		uint32_t off, size;

		if (len < 12)
			return bad_len(err, c, rec, "REG_WRITE", len);
		off = hs_le32(pl + 4);
		size = hs_le32(pl + 8);
		if (len - 12 != size || (uint64_t)off + size > HS_GUEST_STATE_SIZE) {
			chunk_err(err, c, rec, "REG_WRITE of %" PRIu32 " bytes at offset %"
				  PRIu32 " in a %" PRIu32 "-byte record", size, off, len);
			return -EBADMSG;
		}
		th = thread_or_err(d, c, rec, hs_le32(pl), &ret, err);
		if (!th)
			return ret;
		memcpy((uint8_t *)&th->st + off, pl + 12, size);
		break;
	}
	case HS_EV_SB_ABORT:
		ret = decode_abort(d, c, rec, pl, len, err);
		break;
	case HS_EV_EXIT: {
		uint64_t total_t;

		if (len < 24)
			return bad_len(err, c, rec, "EXIT", len);
		d->stats.saw_exit = true;
		d->stats.exit_kind = hs_le32(pl);
		d->stats.exit_value = (int32_t)hs_le32(pl + 4);
		d->stats.exit_threads = hs_le32(pl + 16);
		d->stats.faulted = hs_le32(pl + 20);
		total_t = hs_le64(pl + 8);
		/* The recorder's own count must agree with ours. */
		if (d->check && total_t != d->t)
			trace_note_mismatch(d, d->cur_tid, "exit-t", &total_t, &d->t, 8);
		break;
	}
	default:
		break;
	}
	if (ret)
		return ret;
	d->stats.events++;
	d->stats.ends_with_exit = tag == HS_EV_EXIT;
	d->stats.ends_with_exec = tag == HS_EV_EXEC;
	if (tag == HS_EV_EXEC && len >= 4 + 1 + HS_EXEC_TRAILER_SIZE &&
	    hs_le32(pl + len - 4) == HS_EXEC_TRAILER_MAGIC)
		d->stats.faulted = hs_le32(pl + len - HS_EXEC_TRAILER_SIZE + 4);
	if (d->v.event)
		ret = d->v.event(d->v.ctx, d->t, d->cur_tid, tag, pl, len);
	return ret;
}

/* ---- chunks ---------------------------------------------------------------- */

/* v4 of a COLUMNS chunk: n slots of 4 bytes as 4 byte planes, back into
 * slots; 16 at a time in SSE2 registers, the rest one by one. */
static void from_planes4(const uint8_t *in, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i + 16 <= n; i += 16) {
		__m128i p0 = _mm_loadu_si128((const __m128i *)(in + i));
		__m128i p1 = _mm_loadu_si128((const __m128i *)(in + n + i));
		__m128i p2 = _mm_loadu_si128((const __m128i *)(in + 2 * n + i));
		__m128i p3 = _mm_loadu_si128((const __m128i *)(in + 3 * n + i));
		__m128i x = _mm_unpacklo_epi8(p0, p1), y = _mm_unpacklo_epi8(p2, p3);
		__m128i xh = _mm_unpackhi_epi8(p0, p1), yh = _mm_unpackhi_epi8(p2, p3);

		_mm_storeu_si128((__m128i *)(out + 4 * i), _mm_unpacklo_epi16(x, y));
		_mm_storeu_si128((__m128i *)(out + 4 * i + 16), _mm_unpackhi_epi16(x, y));
		_mm_storeu_si128((__m128i *)(out + 4 * i + 32), _mm_unpacklo_epi16(xh, yh));
		_mm_storeu_si128((__m128i *)(out + 4 * i + 48), _mm_unpackhi_epi16(xh, yh));
	}
	for (; i < n; i++) {
		uint32_t v = (uint32_t)in[i] | (uint32_t)in[n + i] << 8 |
			     (uint32_t)in[2 * n + i] << 16 | (uint32_t)in[3 * n + i] << 24;

		memcpy(out + 4 * i, &v, 4);
	}
}

/* A COLUMNS chunk into the decoder's buffer: the gather room for MEMCOPY,
 * then each column followed by as many zero bytes as the longest record
 * (so that a damaged record reads zeros, never past the buffer, and is
 * caught by cols_took).  *view gets the chunk with the ctl column as its
 * records. */
static int cols_load(struct hs_trace_decoder *d, const struct hs_trace_chunk *c,
		     struct hs_trace_chunk *view, struct hs_trace_err *err)
{
	size_t pad = (size_t)d->code->max_len + 8, n[TRACE_NCOL], need = pad;
	const uint8_t *src[TRACE_NCOL];
	uint8_t *o;

	src[TRACE_COL_CTL] = c->data;
	n[TRACE_COL_CTL] = c->size;
	for (int k = TRACE_COL_V1; k < TRACE_NCOL; k++) {
		src[k] = c->col[k - 1];
		n[k] = c->col_size[k - 1];
	}
	for (int k = 0; k < TRACE_NCOL; k++)
		need += n[k] + pad;
	if (need > d->col_cap) {
		free(d->col_buf);
		d->col_cap = 0;
		d->col_buf = malloc(need);
		if (!d->col_buf) {
			chunk_err(err, c, c->data, "out of memory");
			return -ENOMEM;
		}
		d->col_cap = need;
	}
	o = d->col_buf + pad;
	for (int k = 0; k < TRACE_NCOL; k++) {
		if (k == TRACE_COL_V4)
			from_planes4(src[k], o, n[k] / 4);
		else
			memcpy(o, src[k], n[k]);
		memset(o + n[k], 0, pad);
		d->col[k] = o;
		d->col_end[k] = o + n[k];
		o += n[k] + pad;
	}
	*view = *c;
	view->data = (uint8_t *)d->col[TRACE_COL_CTL];
	view->size = n[TRACE_COL_CTL];
	return 0;
}

int hs_trace_decoder_chunk(struct hs_trace_decoder *d,
			   const struct hs_trace_chunk *chunk,
			   struct hs_trace_err *err)
{
	struct hs_trace_chunk view;
	const struct hs_trace_chunk *c = chunk;
	const uint8_t *p, *end;
	uint64_t t0 = c->info.first_t;
	int ret = 0;

	d->cols = c->info.flags & HS_CHUNK_COLUMNS;
	if (d->cols) {
		ret = cols_load(d, chunk, &view, err);
		if (ret)
			return ret;
		c = &view;
	}
	p = c->data;
	end = c->data + c->size;

	if (d->have_chunk && c->info.seq == d->next_seq && d->t != t0) {
		chunk_err(err, c, p, "first_t is %" PRIu64 " but the previous chunk ended at t=%" PRIu64,
			  t0, d->t);
		return -EBADMSG;
	}
	d->t = t0;
	d->have_chunk = true;
	d->next_seq = c->info.seq + 1;
	/* Every chunk starts from zero delta state. */
	if (++d->gen == 0) {
		memset(d->prev_gen, 0, d->code->table_len * sizeof(*d->prev_gen));
		d->gen = 1;
	}
	d->stats.chunks++;
	if (d->v.chunk && (ret = d->v.chunk(d->v.ctx, &c->info)))
		goto out;

	while (p < end) {
		uint32_t tag, len;

		if (end - p < 4) {
			chunk_err(err, c, p, "%td stray bytes at the end", end - p);
			ret = -EBADMSG;
			goto out;
		}
		tag = trace_ld32(p);
		if (tag >= HS_SB_ID_FIRST) {
			ret = decode_sb(d, c, &p, end, err);
			if (ret)
				goto out;
			continue;
		}
		if (end - p < 8) {
			chunk_err(err, c, p, "event header runs past the end");
			ret = -EBADMSG;
			goto out;
		}
		len = trace_ld32(p + 4);
		if (len > (size_t)(end - p) - 8) {
			chunk_err(err, c, p, "event %" PRIu32 " of %" PRIu32
				  " bytes runs past the end", tag, len);
			ret = -EBADMSG;
			goto out;
		}
		ret = decode_event(d, c, p, tag, p + 8, len, err);
		if (ret)
			goto out;
		p += 8 + (size_t)len;
	}
	for (int k = TRACE_COL_V1; d->cols && k < TRACE_NCOL; k++) {
		if (d->col[k] != d->col_end[k]) {
			chunk_err(err, c, p, "%td bytes of column %d left after the last record",
				  d->col_end[k] - d->col[k], k);
			ret = -EBADMSG;
			goto out;
		}
	}
out:
	d->stats.instructions += d->t - t0;
	return ret;
}

int hs_trace_decoder_chunks(struct hs_trace_decoder *d, struct hs_trace_file *f,
			    size_t c0, size_t c1, struct hs_trace_chunk *c,
			    struct hs_trace_err *err)
{
	int ret = 0;

	for (size_t k = c0; k < c1 && !ret; k++) {
		ret = hs_trace_file_read_chunk(f, k, c, err);
		if (!ret)
			ret = hs_trace_decoder_chunk(d, c, err);
	}
	return ret;
}

/* ---- lifecycle --------------------------------------------------------- */

int hs_trace_decoder_new(const struct hs_trace_code *code,
			 const struct hs_trace_visitor *visitor,
			 struct hs_trace_decoder **out)
{
	struct hs_trace_decoder *d;
	size_t n = code->table_len ? code->table_len : 1;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->code = code;
	if (visitor)
		d->v = *visitor;
	d->check = true;
	d->prev = calloc(n, sizeof(*d->prev));
	d->prev_gen = calloc(n, sizeof(*d->prev_gen));
	if (!d->prev || !d->prev_gen) {
		hs_trace_decoder_free(d);
		return -ENOMEM;
	}
	*out = d;
	return 0;
}

void hs_trace_decoder_free(struct hs_trace_decoder *d)
{
	if (!d)
		return;
	while (d->blocks) {
		struct trace_prev_block *b = d->blocks;

		d->blocks = b->next;
		free(b);
	}
	for (size_t i = 0; i < d->n_threads; i++)
		free(d->threads[i]);
	free(d->threads);
	free(d->prev);
	free(d->prev_gen);
	free(d->col_buf);
	free(d);
}

void hs_trace_decoder_set_check(struct hs_trace_decoder *d, bool on)
{
	d->check = on;
}

void hs_trace_decoder_reset(struct hs_trace_decoder *d)
{
	/* threads are freed, not kept: stats.threads counts allocations */
	for (size_t i = 0; i < d->n_threads; i++) {
		free(d->threads[i]);
		d->threads[i] = NULL;
	}
	d->cur = NULL;
	d->cur_tid = 0;
	d->t = 0;
	d->have_chunk = false;
	d->next_seq = 0;
	memset(&d->stats, 0, sizeof(d->stats));
	/* delta state: every chunk starts a new generation anyway */
}

const struct hs_trace_stats *hs_trace_decoder_stats(const struct hs_trace_decoder *d)
{
	return &d->stats;
}

uint64_t hs_trace_decoder_t(const struct hs_trace_decoder *d)
{
	return d->t;
}

uint32_t hs_trace_decoder_tid(const struct hs_trace_decoder *d)
{
	return d->cur ? d->cur_tid : 0;
}

const uint8_t *hs_trace_decoder_state(const struct hs_trace_decoder *d,
				      uint32_t tid)
{
	if (tid >= d->n_threads || !d->threads[tid] || !d->threads[tid]->have_state)
		return NULL;
	return (const uint8_t *)&d->threads[tid]->st;
}
