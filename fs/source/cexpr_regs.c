/* cexpr_regs.c - $pc, $sp, $rax...: registers in C expressions, as gdb's print shows them.
 *
 * The registers are the selected frame's (struct hs_src_target's
 * frame_regs, else regs): in an outer frame gdb's $pc is the return
 * address, $sp the frame's CFA, callee-saved registers their saved
 * values and the others the inner frame's ("same value").  Types are
 * gdb's amd64 ones: int64_t for rax..r15 (void * for rsp and rbp), the
 * int32_t, int16_t and int8_t pseudo registers (eax, ax, al, ah, r8d,
 * r8w, r8l), void (*)() for $pc and $rip, void * for $sp and $fp, the
 * flags type i386_eflags for $eflags.  Segment and vector registers are
 * not recorded as gdb shows them and are not offered.
 */
#include "cexpr_i.h"

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

int cx_register(struct cx *x, const char *name, size_t len, struct cx_val *out)
{
	const struct hs_src_target *tg = x->c->tg;
	const struct hs_trace_regs *r = tg->frame_regs ? tg->frame_regs : tg->regs;
	struct reg_name rn;
	uint64_t u;

	memset(out, 0, sizeof *out);
	if (!reg_find(name, len, &rn)) {
		out->ty.kind = CT_VOID; /* gdb: an unset convenience variable */
		return 0;
	}
	u = rn.reg == R_RIP ? r->rip : rn.reg == R_FLAGS ? r->rflags :
	    rn.reg == R_FSBASE ? r->fs_base : r->gpr[rn.reg];
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
