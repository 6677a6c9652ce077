/* gdb_regs.c - the amd64 target description and the registers gdb reads.
 *
 * Register numbers (the g packet's order), as gdb's own amd64-linux
 * description has them:
 *   0-15  rax rbx rcx rdx rsi rdi rbp rsp r8..r15   16 rip   17 eflags
 *   18-23 cs ss ds es fs gs                         24-31 st0..st7
 *   32-39 fctrl fstat ftag fiseg fioff foseg fooff fop
 *   40-55 xmm0..xmm15   56 mxcsr   57 orig_rax   58 fs_base   59 gs_base
 *   60-75 ymm0h..ymm15h (the upper halves of ymm0..ymm15)
 * Valgrind keeps what the recording has (VexGuestAMD64State): x87
 * registers as doubles (widened here to 80 bits), MXCSR and the x87
 * control word as their rounding modes only, no x87 pointer registers
 * (read as 0).  The segment selectors are the fixed ones of a 64-bit Linux
 * process (cs 0x33, ss 0x2b, the others 0).  What is not recorded at all
 * (orig_rax, gs_base, eflags when the flags thunk is unknown) is sent as
 * unavailable ('x'), which gdb shows as <unavailable>.
 */
#include "gdb_i.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GDB_NREGS 76

static const char *const gpr_names[16] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
/* gdb's order -> hs_trace_regs.gpr[] (hardware encoding order) */
static const uint8_t gpr_hw[16] = { 0, 3, 1, 2, 6, 7, 5, 4,
				    8, 9, 10, 11, 12, 13, 14, 15 };
static const char *const seg_names[6] = { "cs", "ss", "ds", "es", "fs", "gs" };
static const char *const fpctl_names[8] = {
	"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop",
};

static const char xml_eflags[] =
	"<flags id=\"i386_eflags\" size=\"4\">"
	"<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>"
	"<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>"
	"<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>"
	"<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>"
	"<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>"
	"<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>"
	"<field name=\"ID\" start=\"21\" end=\"21\"/></flags>\n";

static const char xml_vec128[] =
	"<vector id=\"v8bf16\" type=\"bfloat16\" count=\"8\"/>"
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
	"<union id=\"vec128\"><field name=\"v8_bfloat16\" type=\"v8bf16\"/>"
	"<field name=\"v4_float\" type=\"v4f\"/><field name=\"v2_double\" type=\"v2d\"/>"
	"<field name=\"v16_int8\" type=\"v16i8\"/><field name=\"v8_int16\" type=\"v8i16\"/>"
	"<field name=\"v4_int32\" type=\"v4i32\"/><field name=\"v2_int64\" type=\"v2i64\"/>"
	"<field name=\"uint128\" type=\"uint128\"/></union>\n"
	"<flags id=\"i386_mxcsr\" size=\"4\">"
	"<field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/>"
	"<field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/>"
	"<field name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/>"
	"<field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/>"
	"<field name=\"DM\" start=\"8\" end=\"8\"/><field name=\"ZM\" start=\"9\" end=\"9\"/>"
	"<field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/>"
	"<field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/>"
	"</flags>\n";

static void xml_reg(struct gdb_buf *b, const char *name, int bits,
		    const char *type, int regnum, const char *group)
{
	gdb_buf_fmt(b, "<reg name=\"%s\" bitsize=\"%d\" type=\"%s\" regnum=\"%d\"%s%s%s/>\n",
		    name, bits, type, regnum, group ? " group=\"" : "",
		    group ? group : "", group ? "\"" : "");
}

void gdb_target_xml(struct gdb_buf *b)
{
	char name[16];
	int i;

	gdb_buf_str(b, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
		    "<target version=\"1.0\">\n<architecture>i386:x86-64</architecture>\n"
		    "<osabi>GNU/Linux</osabi>\n<feature name=\"org.gnu.gdb.i386.core\">\n");
	gdb_buf_str(b, xml_eflags);
	for (i = 0; i < 16; i++)
		xml_reg(b, gpr_names[i], 64, i == 6 || i == 7 ? "data_ptr" : "int64", i, NULL);
	xml_reg(b, "rip", 64, "code_ptr", 16, NULL);
	xml_reg(b, "eflags", 32, "i386_eflags", 17, NULL);
	for (i = 0; i < 6; i++)
		xml_reg(b, seg_names[i], 32, "int32", 18 + i, NULL);
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof name, "st%d", i);
		xml_reg(b, name, 80, "i387_ext", 24 + i, NULL);
	}
	for (i = 0; i < 8; i++)
		xml_reg(b, fpctl_names[i], 32, "int", 32 + i, "float");
	gdb_buf_str(b, "</feature>\n<feature name=\"org.gnu.gdb.i386.sse\">\n");
	gdb_buf_str(b, xml_vec128);
	for (i = 0; i < 16; i++) {
		snprintf(name, sizeof name, "xmm%d", i);
		xml_reg(b, name, 128, "vec128", 40 + i, NULL);
	}
	xml_reg(b, "mxcsr", 32, "i386_mxcsr", 56, "vector");
	gdb_buf_str(b, "</feature>\n<feature name=\"org.gnu.gdb.i386.linux\">\n");
	xml_reg(b, "orig_rax", 64, "int", 57, NULL);
	gdb_buf_str(b, "</feature>\n<feature name=\"org.gnu.gdb.i386.segments\">\n");
	xml_reg(b, "fs_base", 64, "int", 58, NULL);
	xml_reg(b, "gs_base", 64, "int", 59, NULL);
	gdb_buf_str(b, "</feature>\n<feature name=\"org.gnu.gdb.i386.avx\">\n");
	for (i = 0; i < 16; i++) {
		snprintf(name, sizeof name, "ymm%dh", i);
		xml_reg(b, name, 128, "uint128", 60 + i, NULL);
	}
	gdb_buf_str(b, "</feature>\n</target>\n");
}

/* A double as the x87's 80-bit extended format, little endian. */
static void double_to_ext(uint64_t d, uint8_t out[10])
{
	uint64_t sign = d >> 63, mant = d & ((1ull << 52) - 1);
	int exp = (int)((d >> 52) & 0x7ff);
	uint64_t m64;
	int e80;

	if (exp == 0 && mant == 0) {
		m64 = 0;
		e80 = 0;
	} else if (exp == 0x7ff) {
		m64 = 1ull << 63 | mant << 11;
		e80 = 0x7fff;
	} else if (exp == 0) {
		/* a denormal double is a normal extended number */
		e80 = 1 - 1023 + 16383;
		m64 = mant << 11;
		while (!(m64 & 1ull << 63)) {
			m64 <<= 1;
			e80--;
		}
	} else {
		e80 = exp - 1023 + 16383;
		m64 = 1ull << 63 | mant << 11;
	}
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(m64 >> (8 * i));
	out[8] = (uint8_t)e80;
	out[9] = (uint8_t)((e80 >> 8) | (int)(sign << 7));
}

/* The full x87 tag word: 3 empty, 1 zero, 2 special, 0 valid. */
static uint32_t x87_tags(const struct hs_trace_regs *r)
{
	uint32_t w = 0;

	for (int i = 0; i < 8; i++) {
		uint64_t d = r->fpreg[i];
		uint32_t exp = (uint32_t)((d >> 52) & 0x7ff), tag;

		if (!r->fptag[i])
			tag = 3;
		else if ((d << 1) == 0)
			tag = 1;
		else if (exp == 0 || exp == 0x7ff)
			tag = 2;
		else
			tag = 0;
		w |= tag << (2 * i);
	}
	return w;
}

static void put_le(struct gdb_buf *b, uint64_t v, size_t n)
{
	uint8_t tmp[8];

	for (size_t i = 0; i < n; i++)
		tmp[i] = (uint8_t)(v >> (8 * i));
	gdb_buf_hex(b, tmp, n);
}

static void put_unavailable(struct gdb_buf *b, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++)
		gdb_buf_add(b, "x", 1);
}

static void put_reg(struct gdb_buf *b, const struct hs_trace_regs *r, int n)
{
	uint8_t ext[10];

	if (n < 16)
		put_le(b, r->gpr[gpr_hw[n]], 8);
	else if (n == 16)
		put_le(b, r->rip, 8);
	else if (n == 17 && r->rflags == UINT64_MAX)
		put_unavailable(b, 4);
	else if (n == 17)
		put_le(b, r->rflags, 4);
	else if (n < 24)
		put_le(b, n == 18 ? 0x33 : n == 19 ? 0x2b : 0, 4);
	else if (n < 32) {
		double_to_ext(r->fpreg[(r->ftop + (uint32_t)(n - 24)) & 7], ext);
		gdb_buf_hex(b, ext, 10);
	} else if (n == 32)
		put_le(b, 0x037f | (r->fpround & 3) << 10, 4);
	else if (n == 33)
		put_le(b, (r->ftop & 7) << 11 | (r->fc3210 & 0x4700), 4);
	else if (n == 34)
		put_le(b, x87_tags(r), 4);
	else if (n < 40)
		put_le(b, 0, 4);
	else if (n < 56)
		gdb_buf_hex(b, r->ymm[n - 40], 16);
	else if (n == 56)
		put_le(b, 0x1f80 | (r->sseround & 3) << 13, 4);
	else if (n == 57)
		put_unavailable(b, 8);
	else if (n == 58)
		put_le(b, r->fs_base, 8);
	else if (n == 59)
		put_unavailable(b, 8);
	else
		gdb_buf_hex(b, r->ymm[n - 60] + 16, 16);
}

int gdb_regs_hex(struct hs_gdb *g, uint32_t tid, int regno, struct gdb_buf *r)
{
	struct hs_db_regs *regs;
	int err;

	if (regno >= GDB_NREGS)
		return -EINVAL;
	regs = malloc(sizeof(*regs));
	if (!regs)
		return -ENOMEM;
	err = gdb_pre_signal_regs(g, tid, regs);
	if (err)
		err = hs_db_regs_at(g->img, g->t, tid, regs);
	if (err)
		goto out;
	if (regno >= 0)
		put_reg(r, &regs->regs, regno);
	else
		for (int i = 0; i < GDB_NREGS; i++)
			put_reg(r, &regs->regs, i);
out:
	free(regs);
	return err;
}
