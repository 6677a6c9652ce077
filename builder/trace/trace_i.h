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
 * switches once per op and never looks at sizes or flags again. */
enum trace_uop_code {
	U_IMARK,
	U_PUT1, U_PUT2, U_PUT4, U_PUT8, /* delta coded */
	U_PUTX16, U_PUTX32,             /* xor coded */
	U_PUTRAW,                       /* HS_OPF_RAW or an odd size */
	U_PUTC8,                        /* 8-byte constant in imm */
	U_PUTC,                         /* constant in the sb's pool */
	U_PUTI,
	U_STORE,
	U_STOREG,
	U_MEMCOPY,
	U_EXIT,
	U_NEXT,
	U_NEXTRAW,
	U_NEXTC,
};

/* How a slot of `size` bytes is coded against its previous value. */
enum trace_slot_mode { SLOT_DELTA, SLOT_XOR, SLOT_RAW };

struct trace_uop {
	uint8_t code;      /* enum trace_uop_code */
	uint8_t dmode;     /* enum trace_slot_mode of the data/value slot */
	uint8_t amode;     /* ... of the addr/ix slot (raw if HS_OPF_RAW) */
	uint8_t retires;   /* EXIT/NEXT*: the jumpkind retires the insn */
	uint16_t insn;
	uint16_t pad;
	uint32_t size;     /* value/data bytes */
	uint32_t off;      /* guest state offset (PUT*), PUTI base */
	uint32_t prev;     /* offset of this op's values in the sb's prev area */
	uint32_t n_elems;  /* PUTI; PUTC: offset of the value in the pool */
	uint64_t imm;      /* EXIT/NEXTC dst, PUTC8 value, PUTI bias (i32) */
};

/* The first member is the public view (hs_trace_code_sb returns it). */
struct trace_sb {
	struct hs_trace_sb pub;
	uint32_t jumpkind_next;
	uint32_t prev_size;  /* bytes of delta state */
	uint32_t max_len;    /* longest record: sb_id + every slot */
	struct trace_uop *ops;
	struct hs_trace_insn *insns;
	uint8_t *pool;       /* insn bytes and PUT_CONST values */
};

struct hs_trace_code {
	char *path;
	struct trace_sb **table;  /* [sb_id - HS_SB_ID_FIRST], NULL in gaps */
	size_t table_len;
	size_t count;
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

struct trace_thread {
	VexGuestAMD64State st; /* first: calloc alignment is enough */
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
