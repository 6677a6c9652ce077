/* gdb_reads.c - the memory an instruction reads, for read and access
 * watchpoints.
 *
 * The recording logs stores, not loads: an instruction's reads are found
 * by decoding it (capstone) and computing each memory operand that it
 * reads from the registers it ran with (the state before it), with the
 * operand's size.  Each address's operands are worked out once and kept.
 * Capstone 4's access flags are right for most instructions; the
 * exceptions are fixed here: lea, nop and prefetches read nothing, stos
 * only writes, fxrstor reads 512 bytes, xrstor 832 (x87, SSE and AVX
 * state, all Valgrind's CPU has); pop, ret and leave read the stack
 * without naming it.  %fs adds the thread's fs_base; %gs counts as base 0
 * (Linux gives x86-64 programs none).  The bytes of an instruction come
 * from code.hst (what the recorder translated); where one address held
 * different code at different times they are read from memory at t.
 *
 * Register snapshots: the trace decoder shows a thread's state after the
 * instruction it reports, so the scan keeps each thread's registers as
 * they were before it (gdb_reads_snap after each instruction, event and
 * register dump).
 */
#include "gdb_i.h"

#include "hindsight/util.h"

#include <capstone.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RD_OPS 3             /* reads of one instruction, at most */
#define REG_NONE 0xff
#define REG_RIP 16

enum rd_kind {
	RD_UNKNOWN = 0,          /* not worked out yet */
	RD_OK,                   /* ops[] */
	RD_AMBIGUOUS,            /* the code there changed: decode each time */
};

struct rd_op {
	uint8_t base, index;     /* gpr numbers, REG_RIP, or REG_NONE */
	uint8_t scale, fs, addr32;
	uint32_t size;
	int64_t disp;
};

/* An instruction's reads, worked out */
struct rd_info {
	uint64_t addr;
	uint8_t n, len;
	struct rd_op op[RD_OPS];
};

/* A slot of the address index: small, one per instruction address of
 * code.hst; the reads of those that have any are kept apart (ops). */
struct rd_slot {
	uint64_t addr;           /* 0: empty slot */
	const struct hs_trace_insn *insn;
	uint32_t ops;            /* index in gdb_reads.ops when n > 0 */
	uint8_t kind, n;
};

struct rd_snap {
	bool valid;
	uint64_t gpr[16], fs_base;
};

struct gdb_reads {
	csh cs;
	struct rd_slot *tab;
	size_t cap, n;           /* cap: a power of two */
	struct rd_info *ops;     /* the slots' reads */
	size_t n_ops, cap_ops;
	struct rd_snap *snap;    /* by tid */
	size_t cap_snap;
	uint32_t off[17];        /* state offsets: gprs, fs_base */
	bool contig;             /* the gprs lie in order from off[0] */
};

static uint8_t gpr_of(x86_reg r)
{
	static const x86_reg r64[16] = {
		X86_REG_RAX, X86_REG_RCX, X86_REG_RDX, X86_REG_RBX, X86_REG_RSP, X86_REG_RBP,
		X86_REG_RSI, X86_REG_RDI, X86_REG_R8, X86_REG_R9, X86_REG_R10, X86_REG_R11,
		X86_REG_R12, X86_REG_R13, X86_REG_R14, X86_REG_R15,
	};
	static const x86_reg r32[16] = {
		X86_REG_EAX, X86_REG_ECX, X86_REG_EDX, X86_REG_EBX, X86_REG_ESP, X86_REG_EBP,
		X86_REG_ESI, X86_REG_EDI, X86_REG_R8D, X86_REG_R9D, X86_REG_R10D, X86_REG_R11D,
		X86_REG_R12D, X86_REG_R13D, X86_REG_R14D, X86_REG_R15D,
	};

	if (r == X86_REG_INVALID)
		return REG_NONE;
	if (r == X86_REG_RIP || r == X86_REG_EIP)
		return REG_RIP;
	for (uint8_t i = 0; i < 16; i++)
		if (r64[i] == r || r32[i] == r)
			return i;
	return REG_NONE - 1;     /* a vector index (VSIB): not computed */
}

/* The reads capstone's operands name, fixed up (see the top). */
static void ops_of(const cs_insn *ci, struct rd_info *in)
{
	const cs_x86 *x = &ci->detail->x86;

	in->n = 0;
	in->len = (uint8_t)ci->size;
	switch (ci->id) {
	case X86_INS_LEA: case X86_INS_NOP: case X86_INS_PREFETCH: case X86_INS_PREFETCHNTA:
	case X86_INS_PREFETCHT0: case X86_INS_PREFETCHT1: case X86_INS_PREFETCHT2:
	case X86_INS_PREFETCHW: case X86_INS_STOSB: case X86_INS_STOSW: case X86_INS_STOSD:
	case X86_INS_STOSQ: case X86_INS_CLFLUSH: case X86_INS_CLFLUSHOPT:
		return;
	case X86_INS_POP: case X86_INS_RET: case X86_INS_LEAVE:
		in->op[in->n++] = (struct rd_op){ .base = ci->id == X86_INS_LEAVE ? 5 : 4,
						  .index = REG_NONE, .size = 8 };
		if (ci->id == X86_INS_POP && x->op_count && x->operands[0].size == 2)
			in->op[0].size = 2;
		break;
	default:
		break;
	}
	for (uint8_t k = 0; k < x->op_count && in->n < RD_OPS; k++) {
		const cs_x86_op *o = &x->operands[k];
		struct rd_op *r = &in->op[in->n];

		if (o->type != X86_OP_MEM || !(o->access & CS_AC_READ))
			continue;
		r->base = gpr_of(o->mem.base);
		r->index = gpr_of(o->mem.index);
		if (r->base == REG_NONE - 1 || r->index == REG_NONE - 1)
			continue;
		r->scale = (uint8_t)o->mem.scale;
		r->disp = o->mem.disp;
		r->fs = o->mem.segment == X86_REG_FS;
		r->addr32 = x->addr_size == 4;
		r->size = o->size ? o->size : 1;
		if (ci->id == X86_INS_FXRSTOR || ci->id == X86_INS_FXRSTOR64)
			r->size = 512;
		/* the legacy area, the header and AVX's (the state
		 * components Valgrind's CPU has), whatever the mask */
		if (ci->id == X86_INS_XRSTOR || ci->id == X86_INS_XRSTOR64)
			r->size = 576 + 256;
		in->n++;
	}
}

/* Decodes bytes (the instruction at in->addr) into in. */
static void decode(struct gdb_reads *rd, const uint8_t *bytes, size_t n, struct rd_info *in)
{
	cs_insn *ci = NULL;

	in->n = 0;
	if (cs_disasm(rd->cs, bytes, n, in->addr, 1, &ci) == 1)
		ops_of(ci, in);
	if (ci)
		cs_free(ci, 1);
}

static struct rd_slot *slot(struct gdb_reads *rd, uint64_t addr)
{
	size_t i = (size_t)((addr * 0x9e3779b97f4a7c15ull) >> 20) & (rd->cap - 1);

	while (rd->tab[i].addr && rd->tab[i].addr != addr)
		i = (i + 1) & (rd->cap - 1);
	return &rd->tab[i];
}

static int add_insn(struct gdb_reads *rd, const struct hs_trace_insn *in)
{
	struct rd_slot *s = slot(rd, in->addr);

	if (!s->addr) {
		s->addr = in->addr;
		s->insn = in;
		s->kind = RD_UNKNOWN;
		rd->n++;
	} else if (s->insn && (s->insn->len != in->len ||
			       memcmp(s->insn->bytes, in->bytes, in->len) != 0)) {
		s->insn = NULL;
		s->kind = RD_AMBIGUOUS;
	}
	return 0;
}

int gdb_reads_open(struct hs_gdb *g)
{
	const struct hs_trace_code *code = g->timg->code;
	size_t n_sb = hs_trace_code_sb_count(code), n_insns = 0, seen = 0;
	struct gdb_reads *rd = calloc(1, sizeof(*rd));
	uint32_t sz;

	if (!rd)
		return -ENOMEM;
	g->rd = rd;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &rd->cs) != CS_ERR_OK)
		return -ENOMEM;
	cs_option(rd->cs, CS_OPT_DETAIL, CS_OPT_ON);
	for (int i = 0; i < 16; i++)
		rd->off[i] = (uint32_t)hs_trace_state_offset(hs_trace_gpr_names[i], &sz);
	rd->off[16] = (uint32_t)hs_trace_state_offset("fs_base", &sz);
	rd->contig = true;
	for (int i = 1; i < 16; i++)
		rd->contig = rd->contig && rd->off[i] == rd->off[0] + 8 * (uint32_t)i;
	/* sb_ids are dense from HS_SB_ID_FIRST, but allow gaps */
	for (uint32_t id = HS_SB_ID_FIRST; seen < n_sb && id != 0; id++) {
		const struct hs_trace_sb *sb = hs_trace_code_sb(code, id);

		if (sb) {
			seen++;
			n_insns += sb->n_insns;
		}
	}
	rd->cap = 1024;
	while (rd->cap < 2 * n_insns)
		rd->cap *= 2;
	rd->tab = calloc(rd->cap, sizeof(*rd->tab));
	if (!rd->tab)
		return -ENOMEM;
	seen = 0;
	for (uint32_t id = HS_SB_ID_FIRST; seen < n_sb && id != 0; id++) {
		const struct hs_trace_sb *sb = hs_trace_code_sb(code, id);

		if (!sb)
			continue;
		seen++;
		for (uint32_t k = 0; k < sb->n_insns; k++)
			add_insn(rd, &sb->insns[k]);
	}
	return 0;
}

void gdb_reads_close(struct hs_gdb *g)
{
	struct gdb_reads *rd = g->rd;

	if (!rd)
		return;
	if (rd->cs)
		cs_close(&rd->cs);
	free(rd->tab);
	free(rd->ops);
	free(rd->snap);
	free(rd);
	g->rd = NULL;
}

/* ---- registers before an instruction -------------------------------------- */

/* The gprs and fs_base of a state (a copy per instruction of a scan:
 * one memcpy where the gprs lie in order, as in VEX's guest state). */
static void regs_of(const struct gdb_reads *rd, const uint8_t *state, struct rd_snap *s)
{
	if (rd->contig) {
		memcpy(s->gpr, state + rd->off[0], sizeof(s->gpr));
	} else {
		for (int i = 0; i < 16; i++)
			memcpy(&s->gpr[i], state + rd->off[i], 8);
	}
	memcpy(&s->fs_base, state + rd->off[16], 8);
}

void gdb_reads_snap(struct hs_gdb *g, uint32_t tid, const uint8_t *state)
{
	struct gdb_reads *rd = g->rd;
	struct rd_snap *s;

	if (!state)
		return;
	if (tid >= rd->cap_snap) {
		size_t old = rd->cap_snap;

		if (hs_grow((void **)&rd->snap, &rd->cap_snap, (size_t)tid + 1, sizeof(*rd->snap)))
			return;     /* then this thread's reads use the state after */
		memset(rd->snap + old, 0, (rd->cap_snap - old) * sizeof(*rd->snap));
	}
	s = &rd->snap[tid];
	regs_of(rd, state, s);
	s->valid = true;
}

void gdb_reads_forget(struct hs_gdb *g)
{
	struct gdb_reads *rd = g->rd;

	for (size_t i = 0; rd && i < rd->cap_snap; i++)
		rd->snap[i].valid = false;
}

/* ---- an instruction's reads ------------------------------------------------- */

static uint64_t op_addr(const struct rd_info *in, const struct rd_op *o, const uint64_t *gpr,
			uint64_t fs_base)
{
	uint64_t a = (uint64_t)o->disp;

	if (o->base == REG_RIP)
		a += in->addr + in->len;
	else if (o->base != REG_NONE)
		a += gpr[o->base];
	if (o->index != REG_NONE)
		a += gpr[o->index] * o->scale;
	if (o->addr32)
		a &= 0xffffffffu;
	return o->fs ? a + fs_base : a;
}

/* The reads of the instruction in slot sl (t: when it runs, for code
 * that changed), worked out once where the code did not change. */
static const struct rd_info *info_of(struct gdb_reads *rd, struct hs_gdb *g, uint64_t t,
				     uint64_t rip, struct rd_slot *sl, struct rd_info *tmp)
{
	memset(tmp, 0, sizeof(*tmp));
	tmp->addr = rip;
	if (!sl->addr || sl->kind == RD_AMBIGUOUS) {
		uint8_t bytes[16];
		ssize_t got = hs_db_mem_read(g->img, t, rip, sizeof(bytes), bytes);

		if (got > 0)
			decode(rd, bytes, (size_t)got, tmp);
		return tmp;
	}
	if (sl->kind == RD_OK)
		return &rd->ops[sl->ops];
	decode(rd, sl->insn->bytes, sl->insn->len, tmp);
	if (tmp->n && hs_grow((void **)&rd->ops, &rd->cap_ops, rd->n_ops + 1, sizeof(*rd->ops)))
		return tmp;         /* kept next time */
	sl->kind = RD_OK;
	sl->n = tmp->n;
	if (!tmp->n)
		return tmp;
	sl->ops = (uint32_t)rd->n_ops;
	rd->ops[rd->n_ops] = *tmp;
	return &rd->ops[rd->n_ops++];
}

size_t gdb_insn_reads(struct hs_gdb *g, uint64_t t, uint32_t tid, uint64_t rip,
		      const uint8_t *state_after, struct gdb_access *out)
{
	struct gdb_reads *rd = g->rd;
	struct rd_slot *sl = slot(rd, rip);
	const struct rd_info *in;
	struct rd_info tmp;
	const uint64_t *gpr;
	uint64_t fs_base;
	struct rd_snap after;
	size_t n = 0;

	if (sl->kind == RD_OK && !sl->n)
		return 0;           /* most instructions: no read */
	in = info_of(rd, g, t, rip, sl, &tmp);
	if (!in->n)
		return 0;
	if (tid < rd->cap_snap && rd->snap[tid].valid) {
		gpr = rd->snap[tid].gpr;
		fs_base = rd->snap[tid].fs_base;
	} else if (state_after) {
		/* no state before it known: the state after (a thread's
		 * first instruction in a decode that had no dump of it) */
		regs_of(rd, state_after, &after);
		gpr = after.gpr;
		fs_base = after.fs_base;
	} else {
		return 0;
	}
	for (uint8_t k = 0; k < in->n; k++) {
		out[n].addr = op_addr(in, &in->op[k], gpr, fs_base);
		out[n++].len = in->op[k].size;
	}
	return n;
}
