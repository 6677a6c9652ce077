/* trace_i.h - private structures of the trace reader (builder/trace).
 *
 * Files:
 *   trace_file.c    process image folders, .hst headers, chunks (XXH64, zstd)
 *   trace_code.c    code.hst -> one compiled op list per superblock
 *   trace_decode.c  stream records: SB records, events, time, guest state
 *   trace_check.c   register extraction and the dump comparison
 *   trace_image.c   a process image: open both files, decode all chunks
 *
 * This file is compiled with -I/usr/include/valgrind (see the Makefile),
 * the public header is not: only builder/trace sees VexGuestAMD64State.
 */
#ifndef HS_TRACE_I_H
#define HS_TRACE_I_H

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "libvex_basictypes.h"
#include "libvex_guest_amd64.h"
#include "libvex_ir.h"

#include "hindsight/trace.h"
#include "hindsight/util.h"

_Static_assert(sizeof(VexGuestAMD64State) == HS_GUEST_STATE_SIZE,
	       "trace_format.h expects valgrind 3.19's guest state");

#define TRACE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* err may be NULL. */
void trace_err_set(struct hs_trace_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Host-order loads and stores of unaligned bytes.  The host is x86-64,
 * little endian like the format, so these are single moves; the
 * hs_trace_le*() helpers are for places that are not hot. */
static inline uint64_t trace_ld64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t trace_ld32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "trace_ld64/trace_ld32 assume a little-endian host");

/* ---- compiled code ----------------------------------------------------- */

/* An op of a translation, specialised so that the decoder's inner loop
 * switches once per op; the common shapes (a PUT of one delta-coded slot)
 * never look at an expression. */
enum trace_uop_code {
	U_IMARK,                        /* only while compiling */
	U_NOP,                          /* the prologue alone */
	U_PUT1, U_PUT2, U_PUT4, U_PUT8, /* value: one delta-coded slot */
	U_PUTX16, U_PUTX32,             /* value: one xor-coded slot */
	U_PUTRAW,                       /* value: one raw slot */
	U_PUTV,                         /* value: anything else (trace_val) */
	U_PUTC8,                        /* 8-byte constant in imm */
	U_PUTC,                         /* constant in the sb's pool */
	U_PUTI,
	U_STORE,
	U_STOREG,
	U_MEMCOPY,
	U_EXIT,
	U_NEXT,
	U_NEXTC,
};

/* How a slot of `size` bytes is coded against its previous value. */
enum trace_slot_mode { SLOT_DELTA, SLOT_XOR, SLOT_RAW };

/* Expression nodes after compilation: SLOT/SLOTREF carry the offset of the
 * slot's value in the delta area, operators a width and a mask. */
enum trace_xkind {
	XK_SLOT, XK_REF, XK_CONST, XK_GET,
	XK_ZX,    /* a & mask: xUtoy, truncations */
	XK_SX,    /* sign-extend from `from` bits, & mask */
	XK_HI,    /* (a >> bits) & mask: 64HIto32, 32HIto16, 16HIto8 */
	XK_NOT,
	XK_NEZ,   /* (a & mask) != 0: CmpNEZ */
	XK_1SX,   /* (a & 1) ? mask : 0: 1Sto */
	XK_ADD, XK_SUB, XK_AND, XK_OR, XK_XOR, XK_MUL,
	XK_HL,    /* (a << bits) | (b & lowmask(bits)), & mask */
	XK_SHL, XK_SHR, XK_SAR, /* amount & 63, as the amd64 host does */
	XK_CMPEQ, XK_CMPNE, XK_CMPLTS, XK_CMPLTU, XK_CMPLES, XK_CMPLEU,
	XK_ITE,   /* cond, iftrue, iffalse -> (cond & 1) ? iftrue : iffalse */
};

struct trace_xnode {
	uint8_t kind;   /* enum trace_xkind */
	uint8_t size;   /* SLOT, REF, GET, CONST: bytes */
	uint8_t mode;   /* SLOT: enum trace_slot_mode */
	uint8_t bits;   /* operators: result width (ZX: bits kept; HL: half) */
	uint8_t from;   /* SX: source width in bits */
	uint8_t pad[3];
	uint32_t arg;   /* SLOT, REF: delta-area offset; GET: state offset */
	uint64_t k;     /* CONST: value; operators: mask of the result;
			 * V_LIN: the constant added */
	uint64_t m;     /* V_LIN: the mask applied last */
};

/* Where a value comes from.  The first two kinds are shortcuts for
 * one-node expressions whose slot has exactly the size the op needs. */
enum trace_val_kind {
	V_SLOT, /* decode the next slot: `size` bytes, `mode`, stored at `at` */
	V_REF,  /* an earlier slot's `size` bytes at `at` */
	V_LIN,  /* (leaf + k) & m, one node at `at` whose kind says the leaf:
		 * SLOT, REF, GET, or CONST for none; most derived values (a
		 * register copy, rsp - 8, a truncation) have this shape */
	V_EXPR, /* evaluate nodes [at, at + n) of the sb, zero-extended u64 */
};

struct trace_val {
	uint8_t kind;   /* enum trace_val_kind */
	uint8_t mode;   /* V_SLOT */
	uint16_t n;     /* V_EXPR */
	uint32_t size;  /* V_SLOT, V_REF */
	uint32_t at;
};

#define TRACE_NO_CONST HS_GUEST_STATE_SIZE /* trace_thread.scratch */

/* trace_uop.flags */
#define UF_IN_INSN 0x1u /* an IMARK came at or before this op */
#define UF_STARTS  0x2u /* this op carries the IMARK of instruction `insn` */
#define UF_HOOK_PRO  0x4u /* the prologue retires a call or a return */
#define UF_HOOK_EXIT 0x8u /* this exit, taken, retires a call or a return */

/* What visitor jump() reports: calls, returns, indirect jmps, direct jmps
 * (those hs_trace_code_keep_direct keeps).  A conditional jump (jcc rel8,
 * rel32: a tail call when it goes to another function's entry) is
 * TRACE_INSN_DJCC and reported only once hs_trace_code_keep_direct makes
 * it a kept TRACE_INSN_DJMP: most jumps are conditional, and a report per
 * execution of each would slow every pass down. */
enum trace_insn_class { TRACE_INSN_OTHER, TRACE_INSN_CALL, TRACE_INSN_RET, TRACE_INSN_JMP,
			TRACE_INSN_DJMP, TRACE_INSN_DJCC };
/* Whether instructions of class c are reported to visitor jump(). */
#define TRACE_INSN_REPORTED(c) ((c) != TRACE_INSN_OTHER && (c) != TRACE_INSN_DJCC)

/* Every op begins with a prologue that costs no branch: store cimm at
 * st + coff (an 8-byte PUT_CONST folded into it, the RIP of an IMARK it
 * carries, or nothing: TRACE_NO_CONST), then t += tinc (the carried IMARK
 * retires the previous instruction). */
struct trace_uop {
	uint8_t code;      /* enum trace_uop_code */
	uint8_t retires;   /* EXIT/NEXT*: an instruction is under way and
			    * the jumpkind retires it */
	uint8_t flags;     /* UF_* */
	uint8_t tinc;      /* 1: retire instruction `rinsn` first */
	uint16_t insn;     /* the instruction under way after this op */
	uint16_t rinsn;
	uint32_t size;     /* bytes written: PUT*, PUTI element, STORE*, MEMCOPY */
	uint32_t off;      /* guest state offset (PUT*), PUTI base */
	uint32_t n_elems;  /* PUTI; PUTC: pool offset */
	uint32_t prev;     /* U_PUT1..U_PUTRAW: delta-area offset of the slot */
	uint32_t rec_bytes; /* record bytes this op takes (checked walk) */
	uint32_t coff;     /* see above */
	struct trace_val a; /* PUTI ix, STORE/STOREG/MEMCOPY addr, NEXT rip */
	struct trace_val v; /* PUTV, PUTI, STORE/STOREG data */
	uint64_t imm;      /* EXIT/NEXTC dst, PUTC8 value, PUTI bias (i32) */
	uint64_t cimm;
};

/* The first member is the public view (hs_trace_code_sb returns it). */
struct trace_sb {
	struct hs_trace_sb pub;
	uint32_t jumpkind_next;
	uint32_t prev_size;  /* bytes of delta state */
	uint32_t max_len;    /* longest record: sb_id + every slot */
	uint32_t col_len[4]; /* COLUMNS: bytes every record takes in each value
			      * column (TRACE_COL_*; [0] unused) */
	uint32_t n_uops;     /* ops kept: a redundant PUT of RIP is dropped */
	struct trace_uop *ops;
	struct trace_xnode *xs; /* expression nodes of every op */
	struct hs_trace_insn *insns;
	uint8_t *pool;       /* insn bytes and PUT_CONST values */
	uint8_t *cls;        /* [n_insns] enum trace_insn_class */
};

struct hs_trace_code {
	char *path;
	struct trace_sb **table;  /* [sb_id - HS_SB_ID_FIRST], NULL in gaps */
	size_t table_len;
	size_t count;
	uint32_t max_len;         /* the longest record of any translation */
	bool truncated;
};

static inline const struct trace_sb *trace_code_lookup(const struct hs_trace_code *c,
						       uint32_t sb_id)
{
	uint64_t i = (uint64_t)sb_id - HS_SB_ID_FIRST;

	if (sb_id < HS_SB_ID_FIRST || i >= c->table_len)
		return NULL;
	return c->table[i];
}

/* Does an exit of this VEX jumpkind retire the instruction it leaves?
 * trace_format.h names the ones that do not (hs_jumpkind_retires). */
static inline int trace_jumpkind_retires(uint32_t jk)
{
	switch (jk) {
	case Ijk_NoDecode:
	case Ijk_MapFail:
	case Ijk_InvalICache:
	case Ijk_EmFail:
	case Ijk_SigILL:
	case Ijk_SigSEGV:
	case Ijk_SigBUS:
	case Ijk_SigFPE:
	case Ijk_SigFPE_IntDiv:
	case Ijk_SigFPE_IntOvf:
		return 0;
	default:
		return 1;
	}
}

/* ---- decoder state --------------------------------------------------- */

/* The columns of a COLUMNS chunk: ctl, then the slots of 1 and 2 bytes, of
 * 4 bytes, of 8 bytes and more.  TRACE_COL(flat, size): the column of a
 * slot of `size` bytes; a flat chunk has one. */
enum { TRACE_COL_CTL, TRACE_COL_V1, TRACE_COL_V4, TRACE_COL_V8, TRACE_NCOL };
#define TRACE_COL(flat, size) \
	((flat) ? TRACE_COL_CTL : (size) >= 8 ? TRACE_COL_V8 : \
	 (size) >= 4 ? TRACE_COL_V4 : TRACE_COL_V1)

struct trace_thread {
	VexGuestAMD64State st; /* first: calloc alignment is enough */
	uint64_t scratch;      /* target of ops with no folded constant
				* (TRACE_NO_CONST), so that the loop
				* stores without a branch */
	bool have_state;       /* adopted a dump since the decoder started */
};

/* Delta state ("previous values") of every translation, allocated on a
 * translation's first use from large blocks, and zeroed lazily: a chunk
 * start only bumps `gen`, and a translation whose stamp is older is zeroed
 * when it next runs. */
struct trace_prev_block {
	struct trace_prev_block *next;
	size_t used, cap;
	uint8_t mem[];
};

struct hs_trace_decoder {
	const struct hs_trace_code *code;
	struct hs_trace_visitor v;
	bool check;

	uint8_t **prev;       /* [table index] -> delta state, or NULL */
	uint32_t *prev_gen;   /* [table index] -> gen it was zeroed in */
	uint32_t gen;
	struct trace_prev_block *blocks;

	struct trace_thread **threads; /* [tid] */
	size_t n_threads;
	uint32_t cur_tid;
	struct trace_thread *cur;

	/* A COLUMNS chunk (trace_format.h), copied with max_len zero bytes
	 * after each column, so that a record is walked without bounds
	 * checks and checked once it is done: col[k] is the next byte of
	 * column k (TRACE_COL_*), col_end[k] its end. */
	bool cols;
	const uint8_t *col[TRACE_NCOL], *col_end[TRACE_NCOL];
	uint8_t *col_buf;
	size_t col_cap;

	uint64_t t;
	bool have_chunk;      /* decoded a chunk before: check continuity */
	uint64_t next_seq;

	struct hs_trace_stats stats;
};

/* trace_decode.c */
struct trace_thread *trace_thread_get(struct hs_trace_decoder *d, uint32_t tid);

/* trace_check.c: compare the decoder's state of tid with a dump (both
 * full guest states) and record what differs.  Returns how many
 * registers differed. */
unsigned trace_check_regs(struct hs_trace_decoder *d, uint32_t tid,
			  const VexGuestAMD64State *mine,
			  const VexGuestAMD64State *dump);
void trace_note_mismatch(struct hs_trace_decoder *d, uint32_t tid,
			 const char *reg, const void *expected,
			 const void *got, uint32_t size);

#endif
