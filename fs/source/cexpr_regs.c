/* cexpr_regs.c - $pc, $sp, $rax...: registers in C expressions, as gdb's print shows them.
 *
 * The registers are the selected frame's (struct hs_src_target's
 * frame_regs, else regs): in an outer frame gdb's $pc is the return
 * address, $sp the frame's CFA, callee-saved registers their saved
 * values and the others the inner frame's ("same value").  Types are
 * gdb's amd64 ones: int64_t for rax..r15 (void * for rsp and rbp), the
 * int32_t, int16_t and int8_t pseudo registers (eax, ax, al, ah, r8d,
 * r8w, r8l), void (*)() for $pc and $rip, void * for $sp and $fp, the
 * flags type i386_eflags for $eflags, the unions vec128 and vec256 for
 * $xmm0..15 and $ymm0..15.  Segment registers are not recorded and are
 * not offered.
 */
#include "cexpr_i.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* hs_trace_regs.gpr order (libvex's): rax rcx rdx rbx rsp rbp rsi rdi r8..r15 */
enum { R_RAX, R_RCX, R_RDX, R_RBX, R_RSP, R_RBP, R_RSI, R_RDI };
#define R_RIP 16
#define R_FLAGS 17
#define R_FSBASE 18

struct reg_name {
	const char *name;
	uint8_t reg;    /* gpr index, R_RIP, R_FLAGS, R_FSBASE */
	uint8_t size;   /* bytes */
	uint8_t shift;  /* bits (ah: 8) */
};

static const struct reg_name legacy[] = {
	/* the eight registers with old names: 64, 32, 16, 8 bits, high 8 */
	{ "rax", R_RAX, 8, 0 }, { "eax", R_RAX, 4, 0 }, { "ax", R_RAX, 2, 0 },
	{ "al", R_RAX, 1, 0 }, { "ah", R_RAX, 1, 8 },
	{ "rbx", R_RBX, 8, 0 }, { "ebx", R_RBX, 4, 0 }, { "bx", R_RBX, 2, 0 },
	{ "bl", R_RBX, 1, 0 }, { "bh", R_RBX, 1, 8 },
	{ "rcx", R_RCX, 8, 0 }, { "ecx", R_RCX, 4, 0 }, { "cx", R_RCX, 2, 0 },
	{ "cl", R_RCX, 1, 0 }, { "ch", R_RCX, 1, 8 },
	{ "rdx", R_RDX, 8, 0 }, { "edx", R_RDX, 4, 0 }, { "dx", R_RDX, 2, 0 },
	{ "dl", R_RDX, 1, 0 }, { "dh", R_RDX, 1, 8 },
	{ "rsi", R_RSI, 8, 0 }, { "esi", R_RSI, 4, 0 }, { "si", R_RSI, 2, 0 },
	{ "sil", R_RSI, 1, 0 },
	{ "rdi", R_RDI, 8, 0 }, { "edi", R_RDI, 4, 0 }, { "di", R_RDI, 2, 0 },
	{ "dil", R_RDI, 1, 0 },
	{ "rbp", R_RBP, 8, 0 }, { "ebp", R_RBP, 4, 0 }, { "bp", R_RBP, 2, 0 },
	{ "bpl", R_RBP, 1, 0 },
	/* gdb names no 16-bit "sp": $sp is the stack pointer */
	{ "rsp", R_RSP, 8, 0 }, { "esp", R_RSP, 4, 0 }, { "spl", R_RSP, 1, 0 },
	{ "rip", R_RIP, 8, 0 }, { "pc", R_RIP, 8, 0 },
	{ "sp", R_RSP, 8, 0 }, { "fp", R_RBP, 8, 0 },
	{ "eflags", R_FLAGS, 4, 0 }, { "fs_base", R_FSBASE, 8, 0 },
};

/* r8..r15 and their r8d, r8w, r8l: the register's index and size. */
static bool numbered(const char *name, size_t len, struct reg_name *out)
{
	unsigned n = 0;
	size_t i = 1;

	if (len < 2 || name[0] != 'r')
		return false;
	while (i < len && name[i] >= '0' && name[i] <= '9' && i < 3)
		n = n * 10 + (unsigned)(name[i++] - '0');
	if (i == 1 || n < 8 || n > 15 || (i == 3 && name[1] == '0'))
		return false;
	out->reg = (uint8_t)n;
	out->shift = 0;
	if (i == len)
		out->size = 8;
	else if (i + 1 == len && name[i] == 'd')
		out->size = 4;
	else if (i + 1 == len && name[i] == 'w')
		out->size = 2;
	else if (i + 1 == len && name[i] == 'l')
		out->size = 1;
	else
		return false;
	return true;
}

static bool reg_find(const char *name, size_t len, struct reg_name *out)
{
	for (size_t i = 0; i < sizeof legacy / sizeof legacy[0]; i++)
		if (strlen(legacy[i].name) == len && !memcmp(legacy[i].name, name, len)) {
			*out = legacy[i];
			return true;
		}
	return numbered(name, len, out);
}

void cx_eflags_text(uint64_t u, struct src_sbuf *b)
{
	static const struct { uint8_t bit; const char *name; } flags[] = {
		{ 0, "CF" }, { 2, "PF" }, { 4, "AF" }, { 6, "ZF" }, { 7, "SF" },
		{ 8, "TF" }, { 9, "IF" }, { 10, "DF" }, { 11, "OF" }, { 14, "NT" },
		{ 16, "RF" }, { 17, "VM" }, { 18, "AC" }, { 19, "VIF" }, { 20, "VIP" },
		{ 21, "ID" },
	};

	src_sb_str(b, "[");
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (u >> flags[i].bit & 1)
			src_sb_fmt(b, " %s", flags[i].name);
	src_sb_str(b, " ]");
}

/* $xmm0..15 (16 bytes), $ymm0..15 (32): the register's index. */
static int vec_reg(const char *name, size_t len, uint8_t *size)
{
	unsigned n = 0;
	size_t i = 3;

	if (len < 4 || len > 5 || (memcmp(name, "xmm", 3) && memcmp(name, "ymm", 3)))
		return -1;
	for (; i < len && name[i] >= '0' && name[i] <= '9'; i++)
		n = n * 10 + (unsigned)(name[i] - '0');
	if (i != len || n > 15 || (len == 5 && name[3] == '0'))
		return -1;
	*size = name[0] == 'x' ? 16 : 32;
	return (int)n;
}

/* An IEEE binary16 or bfloat16 (bf) as a double. */
static double half_value(uint16_t h, bool bf)
{
	int e, m;
	double v;

	if (bf) {
		uint32_t w = (uint32_t)h << 16;
		float f;

		memcpy(&f, &w, sizeof f);
		return f;
	}
	e = h >> 10 & 0x1f;
	m = h & 0x3ff;
	v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(m | 0x400, e - 25);
	return h >> 15 ? -v : v;
}

/* gdb's text of an infinity or a NaN of float kind (bfloat16, half,
 * float, double): "-inf", "nan(0x400000)" with the mantissa's bits in
 * hex, its top (len % 32) bits first (floatformat_mantissa). */
static void nan_text(const uint8_t *p, int kind, struct src_sbuf *b)
{
	static const uint8_t man_len[] = { 7, 10, 23, 52 }, size[] = { 2, 2, 4, 8 };
	uint64_t u = 0, mant;
	int len = man_len[kind], top = len % 32 ? len % 32 : 32;
	bool neg;

	memcpy(&u, p, size[kind]);
	neg = u >> (size[kind] * 8 - 1) & 1;
	mant = u & (((uint64_t)1 << len) - 1);
	if (!mant) {
		src_sb_str(b, neg ? "-inf" : "inf");
		return;
	}
	src_sb_fmt(b, "%snan(0x%" PRIx64, neg ? "-" : "", mant >> (len - top));
	for (len -= top; len > 0; len -= 32)
		src_sb_fmt(b, "%08" PRIx64, mant >> (len - 32) & 0xffffffffu);
	src_sb_str(b, ")");
}

/* One element of a vector view, as gdb prints its type: floats with
 * %g of their DECIMAL_DIG (bfloat16 4, half 5, float 9, double 17),
 * signed integers in decimal. */
static void vec_elem(const uint8_t *p, int kind, int w, struct src_sbuf *b)
{
	static const int digits[] = { 4, 5, 9, 17 };
	double d = 0;
	uint64_t u = 0;

	if (kind < 4) {
		uint16_t h;
		float f;

		if (kind < 2) {
			memcpy(&h, p, 2);
			d = half_value(h, kind == 0);
		} else if (kind == 2) {
			memcpy(&f, p, 4);
			d = f;
		} else {
			memcpy(&d, p, 8);
		}
		if (isnan(d) || isinf(d))
			nan_text(p, kind, b);
		else
			src_sb_fmt(b, "%.*g", digits[kind], d);
		return;
	}
	if (w == 16) {
		src_int128_text(b, p, kind == 4); /* int128; uint128: kind 5 */
		return;
	}
	memcpy(&u, p, (size_t)w);
	if (w < 8 && (u >> (w * 8 - 1) & 1))
		u |= ~(uint64_t)0 << (w * 8);
	src_sb_fmt(b, "%" PRId64, (int64_t)u);
}

/* One element under print/FMT (c->fmt): its bits, a float's too. */
static void vec_elem_fmt(struct src_ctx *c, const uint8_t *p, int kind, int w,
			 struct src_sbuf *b)
{
	if (!c->fmt) {
		vec_elem(p, kind, w, b);
		return;
	}
	src_fmt_scalar(c, c->fmt, p, (size_t)w, kind < 4 ? SRC_SC_FLOAT : SRC_SC_INT, kind != 5,
		       b);
}

void cx_vec_text(struct src_ctx *c, const struct cx_val *v, struct src_sbuf *b)
{
	/* gdb's i386 target description: the views, in its order */
	static const struct { const char *name; int kind, w; } views[] = {
		{ "bfloat16", 0, 2 }, { "half", 1, 2 }, { "float", 2, 4 },
		{ "double", 3, 8 }, { "int8", 4, 1 }, { "int16", 4, 2 },
		{ "int32", 4, 4 }, { "int64", 4, 8 }, { "int128", 4, 16 },
	};
	const uint8_t *p = v->v.bytes;
	size_t size = v->ty.size;

	src_sb_str(b, "{");
	for (size_t k = 0; k < sizeof views / sizeof views[0]; k++) {
		size_t w = (size_t)views[k].w, n = size / w;

		if (size == 16 && w == 16) {
			src_sb_str(b, ", uint128 = "); /* a scalar, unsigned */
			vec_elem_fmt(c, p, 5, 16, b);
			break;
		}
		src_sb_fmt(b, "%sv%zu_%s = {", k ? ", " : "", n, views[k].name);
		for (size_t i = 0; i < n;) {
			size_t run = 1;

			while (i + run < n && !memcmp(p + i * w, p + (i + run) * w, w))
				run++;
			src_sb_str(b, i ? ", " : "");
			vec_elem_fmt(c, p + i * w, views[k].kind, (int)w, b);
			if (run > SRC_REPEATS)
				src_sb_fmt(b, " <repeats %zu times>", run);
			i += run > SRC_REPEATS ? run : 1;
		}
		src_sb_str(b, "}");
	}
	src_sb_str(b, "}");
}

/* gdb's $fp, amd64_frame_base's address: 0 in a frame that is not a
 * normal one (an inlined copy's, a signal trampoline's, a tail call's);
 * rbp once the function's `push %rbp; mov %rsp, %rbp` is under way; else
 * rsp - 8 before a first `push %rbp` has run and rsp after it. */
static uint64_t frame_base(struct cx *x, const struct hs_trace_regs *r)
{
	const struct hs_src_target *tg = x->c->tg;
	const struct src_sym *sym;
	uint64_t pc = r->rip, rsp = r->gpr[R_RSP], at = 0;
	uint8_t code[8];

	if (tg->no_frame_base || (x->f < x->nscopes &&
				  dwarf_tag(&x->scopes[x->f]) == DW_TAG_inlined_subroutine))
		return 0;
	sym = x->c->m ? src_sym_find(x->c->m, x->c->pc) : NULL;
	if (!sym || tg->read_mem(tg->ctx, sym->addr, code, sizeof code) != (ssize_t)sizeof code)
		return rsp - 8;
	if (!memcmp(code, "\xf3\x0f\x1e\xfa", 4))
		at = 4; /* endbr64 */
	if (pc <= sym->addr + at || code[at] != 0x55)
		return rsp - 8;
	if (pc <= sym->addr + at + 1 || (memcmp(code + at + 1, "\x48\x89\xe5", 3) &&
					  memcmp(code + at + 1, "\x48\x8b\xec", 3)))
		return rsp;
	return r->gpr[R_RBP];
}

int cx_register(struct cx *x, const char *name, size_t len, struct cx_val *out)
{
	const struct hs_src_target *tg = x->c->tg;
	const struct hs_trace_regs *r = tg->frame_regs ? tg->frame_regs : tg->regs;
	struct reg_name rn;
	uint64_t u;

	memset(out, 0, sizeof *out);
	int vi = vec_reg(name, len, &rn.size);

	if (vi >= 0) {
		cx_int_type(&out->ty, 8, false);
		out->ty.size = rn.size;
		out->ty.name = rn.size == 16 ? "vec128" : "vec256";
		out->ty.reg = CX_REG_VEC;
		memcpy(out->v.bytes, r->ymm[vi], rn.size);
		memset(out->v.valid, 1, rn.size);
		out->v.size = rn.size;
		return 0;
	}
	if (len == 8 && !strncmp(name, "_siginfo", 8))
		return cx_siginfo(x, out);
	if (!reg_find(name, len, &rn)) {
		out->ty.kind = CT_VOID; /* gdb: an unset convenience variable */
		return 0;
	}
	u = rn.reg == R_RIP ? r->rip : rn.reg == R_FLAGS ? r->rflags :
	    rn.reg == R_FSBASE ? r->fs_base : r->gpr[rn.reg];
	if (len == 2 && name[0] == 'f' && name[1] == 'p')
		u = frame_base(x, r);
	if (rn.reg == R_FLAGS && r->rflags == UINT64_MAX)
		return cx_fail(x, "value is not available");
	if (rn.reg == R_FLAGS)
		u |= 1u << 9; /* IF: always set in user mode, which Valgrind
			       * does not model (gdb shows it on every stop) */
	u >>= rn.shift;
	cx_int_val(out, u, rn.size, true);
	if (rn.reg == R_RIP || ((rn.reg == R_RSP || rn.reg == R_RBP) && rn.size == 8)) {
		/* void (*)() for the pc, void * for the stack and frame */
		cx_int_val(out, u, 8, false);
		memset(&out->ty, 0, sizeof out->ty);
		out->ty.kind = CT_VOID;
		out->ty.nptr = 1;
		out->ty.reg = rn.reg == R_RIP ? CX_REG_CODE : CX_REG_NONE;
		/* gdb prints the pc's function type in the frame's language:
		 * C's unprototyped "void ()", C++'s "void (void)" */
		out->ty.cplus_code = x->have_cu && src_die_cplus(&x->cu);
	} else if (rn.reg == R_FLAGS) {
		out->ty.name = "i386_eflags";
		out->ty.reg = CX_REG_EFLAGS;
	} else if (rn.reg == R_FSBASE) {
		out->ty.name = "long";
	} else {
		out->ty.name = rn.size == 8 ? "int64_t" : rn.size == 4 ? "int32_t" :
			       rn.size == 2 ? "int16_t" : "int8_t";
		out->ty.reg = CX_REG_NOTEXT;
	}
	return 0;
}
