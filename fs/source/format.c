/* format.c - fs/source: gdb-like text of values.
 *
 * The format is source.h's: gdb's `info locals` with `print null-stop
 * on` and `print repeats unlimited` (eval/: src_ctx.gdb_print, gdb's
 * defaults); C++ objects as gdb's own `print` without pretty printers (locals/), unless the caller gives
 * src_ctx.pretty (eval/: libstdc++'s printers, cexpr_std.c).  Text is capped at HS_SRC_VALUE_MAX bytes
 * (struct src_sbuf, types.c).  Callers hold s->dw_lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_i.h"
#include "hindsight/util.h"

/* ---- values ------------------------------------------------------------------ */

/* The text of len bytes at off of v that src_vread could not give: gdb's
 * "<optimized out>" for the bytes a location's pieces leave out (an empty
 * DW_OP_piece: gcc -O2 keeps one member of a struct in a register);
 * "<synthetic pointer>" for bytes past the last piece (clang -O2 describes
 * only the first member: gdb's check_pieced_synthetic_pointer finds no
 * piece there that is not one); else "<unreadable>". */
static const char *unread_text(const struct src_vsrc *v, uint64_t off, size_t len)
{
	if (v->in_mem)
		return "<unreadable>";
	if (v->pieces && off >= v->size)
		return "<synthetic pointer>";
	return off <= v->size && len <= v->size - off ? "<optimized out>" : "<unreadable>";
}

/* A pointer to member function (16 bytes: address, this adjustment). */
/* A _Complex base type (print/FMT leaves it as it is). */
static bool is_complex(Dwarf_Die *t)
{
	Dwarf_Attribute a;
	Dwarf_Word enc = 0;

	return dwarf_tag(t) == DW_TAG_base_type && dwarf_attr(t, DW_AT_encoding, &a) &&
	       dwarf_formudata(&a, &enc) == 0 && enc == DW_ATE_complex_float;
}

static bool die_is_ptmf(Dwarf_Die *t)
{
	Dwarf_Die mt, pm;

	return src_die_type(t, &mt) && src_peel(&mt, &pm) &&
	       dwarf_tag(&pm) == DW_TAG_subroutine_type;
}


static void fmt_value(struct src_ctx *c, Dwarf_Die *type, const struct src_vsrc *v,
		      uint64_t off, int depth, struct src_sbuf *b);
static void put_wchar_escaped(struct src_sbuf *b, uint32_t cp, char q);

/* A char as gdb writes it inside quotes q ('\'' or '"'). */
static void put_char_escaped(struct src_sbuf *b, uint8_t ch, char q)
{
	switch (ch) {
	case '\a': src_sb_str(b, "\\a"); return;
	case '\b': src_sb_str(b, "\\b"); return;
	case '\f': src_sb_str(b, "\\f"); return;
	case '\n': src_sb_str(b, "\\n"); return;
	case '\r': src_sb_str(b, "\\r"); return;
	case '\t': src_sb_str(b, "\\t"); return;
	case '\v': src_sb_str(b, "\\v"); return;
	case 033: src_sb_str(b, "\\033"); return;
	case '\\': src_sb_str(b, "\\\\"); return;
	}
	if (ch == (uint8_t)q) {
		char e[3] = { '\\', q, 0 };

		src_sb_str(b, e);
		return;
	}
	if (ch < 0x20 || ch >= 0x7f) {
		src_sb_fmt(b, "\\%03o", ch);
		return;
	}
	src_sb_put(b, (const char *)&ch, 1);
}

/* A quoted C string, escaped as gdb does; ellipsis: it went on past
 * what we show. */
static void put_string(struct src_sbuf *b, const uint8_t *p, size_t n, bool ellipsis)
{
	size_t i;

	src_sb_str(b, "\"");
	for (i = 0; i < n && !b->full; i++)
		put_char_escaped(b, p[i], '"');
	src_sb_str(b, ellipsis ? "\"..." : "\"");
}

/* A char of w bytes at p, escaped for quotes q. */
static void put_unit(struct src_sbuf *b, const uint8_t *p, size_t w, char q)
{
	uint32_t cp = 0;

	if (w == 1) {
		put_char_escaped(b, p[0], q);
		return;
	}
	memcpy(&cp, p, w);
	put_wchar_escaped(b, cp, q);
}

void src_gdb_wstring_text(struct src_sbuf *b, const uint8_t *p, size_t len, size_t w,
			  const char *prefix, bool more)
{
	enum { START, SINGLE, REPEAT } st = START;
	static const uint8_t zero[4];
	size_t pos = 0, shown = 0;

	if (!more && len && !memcmp(p + (len - 1) * w, zero, w))
		len--; /* gdb's printstr drops one trailing NUL */
	/* gdb counts whole runs against `print elements`, so a run may
	 * end past the 200th char; the prefix (L, u, U) comes once */
	while (pos < len && shown < SRC_MAX_ELEMS && !b->full) {
		size_t run = 1;

		while (pos + run < len && !memcmp(p + (pos + run) * w, p + pos * w, w))
			run++;
		if (run > SRC_REPEATS) {
			src_sb_str(b, st == SINGLE ? "\", " : st == REPEAT ? ", " : prefix);
			src_sb_str(b, "'");
			put_unit(b, p + pos * w, w, '\'');
			src_sb_fmt(b, "' <repeats %zu times>", run);
			st = REPEAT;
		} else {
			src_sb_str(b, st == REPEAT ? ", " : st == START ? prefix : "");
			src_sb_str(b, st == SINGLE ? "" : "\"");
			for (size_t k = 0; k < run; k++)
				put_unit(b, p + pos * w, w, '"');
			st = SINGLE;
		}
		pos += run;
		shown += run;
	}
	if (st == START) {
		src_sb_str(b, prefix);
		src_sb_str(b, "\"\"");
	} else if (st == SINGLE) {
		src_sb_str(b, "\"");
	}
	if (pos < len || more)
		src_sb_str(b, "...");
}

void src_gdb_string_text(struct src_sbuf *b, const uint8_t *p, size_t len, bool more)
{
	src_gdb_wstring_text(b, p, len, 1, "", more);
}

#define RUN_CMP_MAX 4096 /* elements bigger than this are never a run */

void src_repeats_after(struct src_sbuf *b, uint64_t run, uint64_t *i, uint64_t *shown)
{
	if (run > SRC_REPEATS) {
		src_sb_fmt(b, " <repeats %" PRIu64 " times>", run);
		*i += run - 1;
		*shown += SRC_REPEATS;
	} else {
		(*shown)++;
	}
}

uint64_t src_run_length(const struct src_ctx *c, const struct src_vsrc *v, uint64_t off,
			uint64_t esize, uint64_t n)
{
	uint8_t *a, *e;
	uint64_t run = 1;

	if (!esize || esize > RUN_CMP_MAX || n < 2)
		return 1;
	a = malloc(2 * esize);
	if (!a)
		return 1;
	e = a + esize;
	if (src_vread(c, v, off, a, esize) == 0)
		while (run < n && src_vread(c, v, off + run * esize, e, esize) == 0 &&
		       !memcmp(a, e, esize))
			run++;
	free(a);
	return run;
}

void src_int128_text(struct src_sbuf *b, const uint8_t *raw, bool sign)
{
	unsigned __int128 w, q;
	char digits[48];
	size_t n = sizeof digits;
	bool neg;

	memcpy(&w, raw, 16);
	neg = sign && (w >> 127);
	q = neg ? -w : w;
	digits[--n] = 0;
	do {
		digits[--n] = (char)('0' + (int)(q % 10));
		q /= 10;
	} while (q);
	if (neg)
		digits[--n] = '-';
	src_sb_str(b, digits + n);
}

static bool is_char_type(Dwarf_Die *t)
{
	Dwarf_Die p;
	Dwarf_Attribute a;
	Dwarf_Word enc;

	if (!src_peel(t, &p) || dwarf_tag(&p) != DW_TAG_base_type || dwarf_bytesize(&p) != 1)
		return false;
	if (!dwarf_attr(&p, DW_AT_encoding, &a) || dwarf_formudata(&a, &enc))
		return false;
	/* char8_t (DW_ATE_UTF, or gcc's unsigned "char8_t") strings print
	 * as char ones */
	return enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char || enc == DW_ATE_UTF ||
	       (dwarf_diename(&p) && !strcmp(dwarf_diename(&p), "char8_t"));
}

/* A C++ wide character type (wchar_t, char16_t, char32_t): its width in
 * bytes and gdb's quote prefix (L, u, U); 0 for any other type.  char8_t
 * is DW_ATE_UTF of one byte and prints as a plain char. */
static size_t wide_char_kind(Dwarf_Die *t, const char **prefix)
{
	Dwarf_Die p;
	Dwarf_Attribute a;
	Dwarf_Word enc;
	const char *name;
	int size;

	/* C's wchar_t, char16_t, char32_t are typedefs of integers: gdb's
	 * classify_type goes by the first of these names on the typedef
	 * chain */
	p = *t;
	for (int guard = 0; guard < 16; guard++) {
		int tag = dwarf_tag(&p);

		name = dwarf_diename(&p);
		if (name && tag == DW_TAG_typedef && (!strcmp(name, "wchar_t") ||
		    !strcmp(name, "char16_t") || !strcmp(name, "char32_t"))) {
			Dwarf_Die u;

			size = src_peel(&p, &u) && dwarf_tag(&u) == DW_TAG_base_type ?
			       dwarf_bytesize(&u) : 0;
			if (size != 2 && size != 4)
				return 0;
			*prefix = name[0] == 'w' ? "L" : name[4] == '1' ? "u" : "U";
			return (size_t)size;
		}
		if ((tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		     tag != DW_TAG_volatile_type) || !src_die_type(&p, &p))
			break;
	}
	if (!src_peel(t, &p) || dwarf_tag(&p) != DW_TAG_base_type)
		return 0;
	size = dwarf_bytesize(&p);
	name = dwarf_diename(&p);
	if (!dwarf_attr(&p, DW_AT_encoding, &a) || dwarf_formudata(&a, &enc))
		return 0;
	if (name && !strcmp(name, "wchar_t") && (size == 2 || size == 4)) {
		*prefix = "L";
		return (size_t)size;
	}
	if ((enc == DW_ATE_UTF || (name && (!strcmp(name, "char16_t") ||
					   !strcmp(name, "char32_t")))) &&
	    (size == 2 || size == 4)) {
		*prefix = size == 2 ? "u" : "U";
		return (size_t)size;
	}
	return 0;
}

/* A wide character inside quotes q: ASCII as put_char_escaped, other
 * printable code points in UTF-8 (gdb on a UTF-8 host), the rest as an
 * octal escape. */
static void put_wchar_escaped(struct src_sbuf *b, uint32_t cp, char q)
{
	char u[4];

	if (cp < 0x80) {
		put_char_escaped(b, (uint8_t)cp, q);
	} else if (cp < 0xa0 || (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff) {
		src_sb_fmt(b, "\\%o", cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		src_sb_put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		src_sb_put(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		src_sb_put(b, u, 4);
	}
}

/* A wide string of n units of width w (buf, little endian), gdb style:
 * L"hi", u"xy", U"z"; ellipsis: it went on past what we show. */
static void put_wstring(struct src_sbuf *b, const uint8_t *buf, size_t n, size_t w,
			const char *prefix, bool ellipsis)
{
	size_t i;

	src_sb_str(b, prefix);
	src_sb_str(b, "\"");
	for (i = 0; i < n && !b->full; i++) {
		uint32_t cp = 0;

		memcpy(&cp, buf + i * w, w);
		put_wchar_escaped(b, cp, '"');
	}
	src_sb_str(b, ellipsis ? "\"..." : "\"");
}

/* The string of w-byte units at addr under c->gdb_print, as gdb's
 * val_print_string: at most SRC_MAX_ELEMS units up to the NUL, runs as
 * gdb's printstr ("'x' <repeats 50 times>"), "..." when the limit cut a
 * string whose next unit is readable and not NUL, and the chars read then
 * "<error: ...>" where memory ends before the NUL. */
static void put_gdb_string_at(struct src_ctx *c, uint64_t addr, size_t w,
			      const char *prefix, struct src_sbuf *b)
{
	uint8_t buf[SRC_MAX_ELEMS * 4], peek[4];
	static const uint8_t zero[4];
	size_t n = 0;
	bool nul = false, err = false, more = false;

	while (n < SRC_MAX_ELEMS) {
		if (src_ctx_read(c, addr + n * w, buf + n * w, w) != (ssize_t)w) {
			err = true;
			break;
		}
		if (!memcmp(buf + n * w, zero, w)) {
			nul = true;
			break;
		}
		n++;
	}
	if (!nul && !err)
		more = src_ctx_read(c, addr + n * w, peek, w) == (ssize_t)w &&
		       memcmp(peek, zero, w);
	if (n || !err)
		src_gdb_wstring_text(b, buf, n, w, prefix, more);
	if (err)
		src_sb_fmt(b, "<error: Cannot access memory at address 0x%" PRIx64 ">",
			   addr + n * w);
}

/* The wide string at addr, up to its NUL unit (SRC_MAX_ELEMS at most). */
static void put_wstring_at(struct src_ctx *c, uint64_t addr, size_t w,
			   const char *prefix, struct src_sbuf *b)
{
	uint8_t buf[(SRC_MAX_ELEMS + 1) * 4];
	size_t n = 0;
	uint32_t zero = 0;

	if (c->gdb_print) {
		put_gdb_string_at(c, addr, w, prefix, b);
		return;
	}
	while (n < SRC_MAX_ELEMS + 1) {
		if (src_ctx_read(c, addr + n * w, buf + n * w, w) != (ssize_t)w)
			break;
		if (!memcmp(buf + n * w, &zero, w)) {
			put_wstring(b, buf, n, w, prefix, false);
			return;
		}
		n++;
	}
	if (n == 0) {
		src_sb_fmt(b, "<error: Cannot access memory at address 0x%" PRIx64 ">", addr);
		return;
	}
	put_wstring(b, buf, n < SRC_MAX_ELEMS ? n : SRC_MAX_ELEMS, w, prefix, true);
}

/* The C string at addr (up to SRC_MAX_ELEMS chars), gdb style. */
static void put_c_string_at(struct src_ctx *c, uint64_t addr, struct src_sbuf *b)
{
	uint8_t buf[SRC_MAX_ELEMS + 1];
	size_t n = 0;

	if (c->gdb_print) {
		put_gdb_string_at(c, addr, 1, "", b);
		return;
	}
	/* read in small steps: the string may end just before unmapped memory */
	while (n < sizeof buf) {
		size_t want = sizeof buf - n < 32 ? sizeof buf - n : 32;
		ssize_t r = src_ctx_read(c, addr + n, buf + n, want);
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
		src_sb_fmt(b, "<error: Cannot access memory at address 0x%" PRIx64 ">", addr);
		return;
	}
	put_string(b, buf, n < SRC_MAX_ELEMS ? n : SRC_MAX_ELEMS, true);
}

static void fmt_pointer_to(struct src_ctx *c, Dwarf_Die *target, uint64_t p,
			   struct src_sbuf *b);

static void fmt_pointer(struct src_ctx *c, Dwarf_Die *ptype, uint64_t p, struct src_sbuf *b)
{
	Dwarf_Die target;

	fmt_pointer_to(c, src_die_type(ptype, &target) ? &target : NULL, p, b);
}

void src_pointer_text(struct src_ctx *c, Dwarf_Die *target, uint64_t p, struct src_sbuf *b)
{
	fmt_pointer_to(c, target, p, b);
}

/* A pointer to target (NULL: void or unknown) as gdb shows it. */
static void fmt_pointer_to(struct src_ctx *c, Dwarf_Die *target, uint64_t p,
			   struct src_sbuf *b)
{
	const char *sym;
	uint64_t off;

	src_sb_fmt(b, "0x%" PRIx64, p);
	if (!p)
		return;
	sym = src_pointer_symbol(c->s, p, &off);
	/* a template function's signature without its return type, as
	 * gdb's symbol names it (DMGL_RET_DROP): "<add<int>(int, int)>" */
	if (sym && strchr(sym, '('))
		sym = src_sig_name(sym);
	/* (a minimal symbol by gdb's print name: gcc's static "x.0" is
	 * "x", src_minsym_name) */
	if (sym && off)
		src_sb_fmt(b, " <%s+%" PRIu64 ">", sym, off);
	else if (sym)
		src_sb_fmt(b, " <%s>", sym);
	if (target && is_char_type(target)) {
		src_sb_str(b, " ");
		put_c_string_at(c, p, b);
	} else if (target) {
		const char *prefix;
		size_t w = wide_char_kind(target, &prefix);

		if (w) {
			src_sb_str(b, " ");
			put_wstring_at(c, p, w, prefix, b);
		}
	}
}

/* A float of size bytes with gdb's digits: %g with the precision that
 * round-trips the format (9, 17, and 21 for the x87's 64-bit mantissa). */
/* A NaN as gdb prints it: its sign and mantissa bits, "-nan(0x8000000000000)". */
static bool fmt_nan(const uint8_t *raw, size_t size, struct src_sbuf *b)
{
	uint64_t bits = 0, mant;
	bool neg;

	if (size == 4) {
		memcpy(&bits, raw, 4);
		if ((bits >> 23 & 0xff) != 0xff || !(mant = bits & 0x7fffff))
			return false;
		neg = bits >> 31 & 1;
	} else if (size == 8) {
		memcpy(&bits, raw, 8);
		if ((bits >> 52 & 0x7ff) != 0x7ff || !(mant = bits & 0xfffffffffffffull))
			return false;
		neg = bits >> 63 & 1;
	} else {
		uint16_t se;

		memcpy(&mant, raw, 8); /* x87: the integer bit is explicit */
		memcpy(&se, raw + 8, 2);
		if ((se & 0x7fff) != 0x7fff || !(mant & 0x7fffffffffffffffull))
			return false;
		neg = se >> 15 & 1;
	}
	src_sb_fmt(b, "%snan(0x%" PRIx64 ")", neg ? "-" : "", mant);
	return true;
}

static void fmt_float(const uint8_t *raw, size_t size, struct src_sbuf *b)
{
	if ((size == 4 || size == 8 || size == 10 || size == 16) && fmt_nan(raw, size, b))
		return;
	if (size == 4) {
		float f;

		memcpy(&f, raw, 4);
		src_sb_fmt(b, "%.9g", f);
	} else if (size == 8) {
		double d;

		memcpy(&d, raw, 8);
		src_sb_fmt(b, "%.17g", d);
	} else if (size == 16 || size == 10) {
		long double ld = 0;

		memcpy(&ld, raw, 10);
		src_sb_fmt(b, "%.21Lg", ld);
	} else {
		src_sb_str(b, "<unsupported float>");
	}
}

void src_float_text(const uint8_t *raw, size_t size, struct src_sbuf *b)
{
	fmt_float(raw, size, b);
}

/* A character of size bytes with gdb's quote prefix pre: 65 L'A' (wchar_t
 * signed), 66 u'B', 67 U'C', 113 'q'. */
static void fmt_wide_char(const uint8_t *raw, size_t size, const char *pre,
			  struct src_sbuf *b)
{
	uint64_t u = 0;
	int64_t sv;

	memcpy(&u, raw, size);
	sv = size < 8 && (u >> (size * 8 - 1)) & 1 ? (int64_t)(u | (~0ull << (size * 8)))
						   : (int64_t)u;
	src_sb_fmt(b, "%" PRId64 " %s'", pre[0] == 'L' ? sv : (int64_t)u, pre);
	put_wchar_escaped(b, (uint32_t)u, '\'');
	src_sb_str(b, "'");
}

bool src_quad_name(const char *name)
{
	/* gdb's i386_floatformat_for_type: IEEE quad only by these names,
	 * any other 16-byte float is the x87's long double */
	return name && (!strcmp(name, "__float128") || !strcmp(name, "_Float128") ||
			!strcmp(name, "complex _Float128"));
}

/* An IEEE quad (_Float128, __float128) as gdb's MPFR ops print it: %g
 * with 36 digits (ceil(1 + 113 * log10(2))), a NaN as "nan(0x...)" with
 * floatformat_mantissa's digits (16 bits, then 32-bit groups). */
void src_quad_text(const uint8_t *raw, struct src_sbuf *b)
{
	uint64_t lo, hi;
	src_quad q;
	char buf[64];

	memcpy(&lo, raw, 8);
	memcpy(&hi, raw + 8, 8);
	if ((hi >> 48 & 0x7fff) == 0x7fff && ((hi & 0xffffffffffffull) || lo)) {
		src_sb_fmt(b, "%snan(0x%" PRIx64 "%08" PRIx64 "%08" PRIx64 "%08" PRIx64 ")",
			   hi >> 63 ? "-" : "", hi >> 32 & 0xffff, hi & 0xffffffff, lo >> 32,
			   lo & 0xffffffff);
		return;
	}
	memcpy(&q, raw, 16);
	strfromf128(buf, sizeof buf, "%.36g", q);
	src_sb_str(b, buf);
}

static void fmt_base(Dwarf_Die *t, const uint8_t *raw, size_t size, struct src_sbuf *b)
{
	const char *name = dwarf_diename(t);
	Dwarf_Attribute a;
	Dwarf_Word enc = DW_ATE_signed;
	uint64_t u = 0;
	int64_t sv;

	if (dwarf_attr(t, DW_AT_encoding, &a))
		dwarf_formudata(&a, &enc);
	if (enc == DW_ATE_float && size == 16 && src_quad_name(name)) {
		src_quad_text(raw, b);
		return;
	}
	if (enc == DW_ATE_float) {
		fmt_float(raw, size, b);
		return;
	}
	if (enc == DW_ATE_complex_float && size == 32 && src_quad_name(name)) {
		src_quad_text(raw, b);
		src_sb_str(b, " + ");
		src_quad_text(raw + 16, b);
		src_sb_str(b, "i");
		return;
	}
	if (enc == DW_ATE_complex_float) {
		/* gdb: "1.5 + 3i", "3 + -0.5i" */
		fmt_float(raw, size / 2, b);
		src_sb_str(b, " + ");
		fmt_float(raw + size / 2, size / 2, b);
		src_sb_str(b, "i");
		return;
	}
	if (size == 16 && (enc == DW_ATE_signed || enc == DW_ATE_unsigned)) {
		src_int128_text(b, raw, enc == DW_ATE_signed); /* __int128 */
		return;
	}
	if (size > 8) {
		src_sb_str(b, "0x");
		for (size_t i = size; i-- > 0;)
			src_sb_fmt(b, "%02x", raw[i]);
		return;
	}
	memcpy(&u, raw, size);
	if (enc == DW_ATE_boolean) {
		src_sb_str(b, u == 0 ? "false" : u == 1 ? "true" : "");
		if (u > 1)
			src_sb_fmt(b, "%" PRIu64, u);
		return;
	}
	sv = size < 8 && (u >> (size * 8 - 1)) & 1 ? (int64_t)(u | (~0ull << (size * 8)))
						   : (int64_t)u;
	if (enc == DW_ATE_UTF || (name && (!strcmp(name, "wchar_t") || !strcmp(name, "char8_t") ||
					   !strcmp(name, "char16_t") ||
					   !strcmp(name, "char32_t")))) {
		/* C++ characters (gdb knows them by name too): 65 L'A',
		 * 66 u'B', 67 U'C', char8_t 113 'q' */
		bool wide = name && !strcmp(name, "wchar_t");

		fmt_wide_char(raw, size, wide ? "L" : size == 1 ? "" : size == 2 ? "u" : "U", b);
		return;
	}
	if (enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char) {
		if (enc == DW_ATE_signed_char)
			src_sb_fmt(b, "%" PRId64 " '", sv);
		else
			src_sb_fmt(b, "%" PRIu64 " '", u);
		put_char_escaped(b, (uint8_t)u, '\'');
		src_sb_str(b, "'");
		return;
	}
	if (enc == DW_ATE_signed)
		src_sb_fmt(b, "%" PRId64, sv);
	else
		src_sb_fmt(b, "%" PRIu64, u);
}

/* An enumerator's value (signed: DWARF's data forms as libdw reads them). */
static bool enumerator_value(Dwarf_Die *e, int64_t *out)
{
	Dwarf_Attribute a;
	Dwarf_Sword cv;
	Dwarf_Word uv;

	if (dwarf_tag(e) != DW_TAG_enumerator || !dwarf_attr(e, DW_AT_const_value, &a))
		return false;
	if (dwarf_formsdata(&a, &cv) == 0)
		*out = cv;
	else if (dwarf_formudata(&a, &uv) == 0)
		*out = (int64_t)uv;
	else
		return false;
	return true;
}

static void enumerator_name(Dwarf_Die *t, Dwarf_Die *e, struct src_sbuf *b)
{
	/* C++: "Color::Green" (enum class), "zoo::Outer::BIG" */
	if (src_die_cplus(t))
		src_scope_prefix(t, dwarf_hasattr(t, DW_AT_enum_class), b);
	src_sb_str(b, dwarf_diename(e) ? dwarf_diename(e) : "?");
}

/* gdb's generic_val_print_enum_1: an enumerator's name; else, for a "flag
 * enum" (no negative values, pairwise disjoint bits), the value taken
 * apart: "(GREEN | BLUE)", "(FA | unknown: 0x8)", "(unknown: 0x8)", "0";
 * else the number (unsigned when no enumerator is negative). */
static void fmt_enum(Dwarf_Die *t, const uint8_t *raw, size_t size, struct src_sbuf *b)
{
	Dwarf_Die child;
	uint64_t u = 0, mask = 0, val;
	int64_t sv, ev;
	bool flag = true, has_neg = false, first = true;

	memcpy(&u, raw, size < 8 ? size : 8);
	sv = size < 8 && (u >> (size * 8 - 1)) & 1 ? (int64_t)(u | (~0ull << (size * 8)))
						   : (int64_t)u;
	if (dwarf_child(t, &child) != 0) {
		src_sb_fmt(b, "%" PRId64, sv);
		return;
	}
	do {
		if (!enumerator_value(&child, &ev))
			continue;
		if (ev == sv || (uint64_t)ev == u) {
			enumerator_name(t, &child, b);
			return;
		}
		if (ev < 0) {
			has_neg = true;
			flag = false;
		} else if (mask & (uint64_t)ev) {
			flag = false;
		} else {
			mask |= (uint64_t)ev;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	if (!flag) {
		if (has_neg)
			src_sb_fmt(b, "%" PRId64, sv);
		else
			src_sb_fmt(b, "%" PRIu64, u);
		return;
	}
	val = u;
	dwarf_child(t, &child);
	do {
		if (!enumerator_value(&child, &ev) || ev <= 0 ||
		    (val & (uint64_t)ev) != (uint64_t)ev)
			continue;
		src_sb_str(b, first ? "(" : " | ");
		first = false;
		val &= ~(uint64_t)ev;
		enumerator_name(t, &child, b);
	} while (dwarf_siblingof(&child, &child) == 0);
	if (val)
		src_sb_fmt(b, "%sunknown: 0x%" PRIx64 ")", first ? "(" : " | ", val);
	else
		src_sb_str(b, first ? "0" : ")");
}

static bool is_reference(Dwarf_Die *t)
{
	Dwarf_Die p;

	return src_peel(t, &p) && (dwarf_tag(&p) == DW_TAG_reference_type ||
			       dwarf_tag(&p) == DW_TAG_rvalue_reference_type);
}

/* Virtual base classes already printed in one object (gdb prints a
 * virtual base once, where it is first met: dont_print_vb). */
struct vb_seen {
	Dwarf_Off off[16];
	int n;
};

static void fmt_letter(struct src_ctx *c, Dwarf_Die *t, const uint8_t *raw, size_t size,
		       struct src_sbuf *b);

/* A bit-field member of the struct at off of v. */
static void fmt_bitfield(struct src_ctx *c, Dwarf_Die *member, Dwarf_Die *mt,
			 const struct src_vsrc *v, uint64_t off, int bits,
			 struct src_sbuf *b)
{
	Dwarf_Attribute a;
	Dwarf_Word boff = 0, moff = 0;
	uint64_t raw = 0, val;
	uint8_t buf[16] = { 0 };
	Dwarf_Die pm;
	Dwarf_Attribute ea;
	Dwarf_Word enc = DW_ATE_unsigned;

	/* DW_AT_data_bit_offset from the start of the struct, little endian */
	if (dwarf_attr(member, DW_AT_data_bit_offset, &a)) {
		dwarf_formudata(&a, &boff);
	} else if (dwarf_attr(member, DW_AT_data_member_location, &a) &&
		   !dwarf_formudata(&a, &moff)) {
		Dwarf_Word bo, bsz;

		boff = moff * 8;
		/* DWARF 2/3's DW_AT_bit_offset (clang 14 writes it): from the
		 * most significant bit of the DW_AT_byte_size storage unit */
		if (dwarf_attr(member, DW_AT_bit_offset, &a) && !dwarf_formudata(&a, &bo) &&
		    dwarf_attr(member, DW_AT_byte_size, &a) && !dwarf_formudata(&a, &bsz) &&
		    bsz * 8 >= bo + bits)
			boff += bsz * 8 - bo - bits;
	}
	if (bits > 64 || src_vread(c, v, off + boff / 8, buf, ((boff % 8) + bits + 7) / 8)) {
		src_sb_str(b, bits > 64 ? "<unreadable>" :
			   unread_text(v, off + boff / 8, ((boff % 8) + bits + 7) / 8));
		return;
	}
	memcpy(&raw, buf, 8);
	val = (raw >> (boff % 8)) & (bits == 64 ? ~0ull : ((1ull << bits) - 1));
	if (src_peel(mt, &pm) && dwarf_attr(&pm, DW_AT_encoding, &ea))
		dwarf_formudata(&ea, &enc);
	if (c->fmt && src_peel(mt, &pm) && src_type_size(&pm) <= 8) {
		/* print/FMT: the field's value as its type, sign extended */
		if ((enc == DW_ATE_signed || enc == DW_ATE_signed_char) && bits < 64 &&
		    (val >> (bits - 1)) & 1)
			val |= ~0ull << bits;
		memcpy(buf, &val, 8);
		fmt_letter(c, &pm, buf, src_type_size(&pm), b);
		return;
	}
	if ((enc == DW_ATE_signed || enc == DW_ATE_signed_char) && bits < 64 &&
	    (val >> (bits - 1)) & 1)
		src_sb_fmt(b, "%" PRId64, (int64_t)(val | (~0ull << bits)));
	else if (src_peel(mt, &pm) && dwarf_tag(&pm) == DW_TAG_enumeration_type)
		fmt_enum(&pm, (uint8_t *)&val, 8, b);
	else if (enc == DW_ATE_boolean)
		src_sb_str(b, val ? "true" : "false");
	else
		src_sb_fmt(b, "%" PRIu64, val);
}

/* The offset of a base class subobject: a constant, or for a virtual base
 * the DWARF expression gcc and clang emit (the object's address pushed,
 * then dup/deref of the vtable pointer and the vbase offset), as gdb's
 * gnuv3_baseclass_offset reads it from the vtable.  -EIO when it
 * needs memory v is not in. */
int src_base_offset(struct src_ctx *c, Dwarf_Die *inh, const struct src_vsrc *v,
		    uint64_t off, uint64_t *out)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Op *ops;
	size_t n, i;
	uint64_t st[8];
	int sp = 0;

	*out = 0;
	if (!dwarf_attr(inh, DW_AT_data_member_location, &a))
		return 0;
	if (dwarf_formudata(&a, &w) == 0) {
		*out = w;
		return 0;
	}
	if (dwarf_getlocation(&a, &ops, &n) != 0 || !v->in_mem)
		return -EIO;
	st[sp++] = v->addr + off;
	for (i = 0; i < n; i++) {
		uint8_t op = ops[i].atom;

		if (op == DW_OP_dup && sp < 8 && sp > 0) {
			st[sp] = st[sp - 1];
			sp++;
		} else if (op == DW_OP_deref && sp > 0) {
			if (src_ctx_read(c, st[sp - 1], &st[sp - 1], 8) != 8)
				return -EIO;
		} else if (op >= DW_OP_lit0 && op <= DW_OP_lit31 && sp < 8) {
			st[sp++] = op - DW_OP_lit0;
		} else if ((op == DW_OP_constu || op == DW_OP_consts ||
			    (op >= DW_OP_const1u && op <= DW_OP_const8s)) && sp < 8) {
			/* gcc's DW_OP_const1u 40 when the vbase offset sits
			 * past vcall offsets; libdw sign-extends constNs */
			st[sp++] = ops[i].number;
		} else if (op == DW_OP_plus_uconst && sp > 0) {
			st[sp - 1] += ops[i].number;
		} else if ((op == DW_OP_plus || op == DW_OP_minus) && sp > 1) {
			sp--;
			st[sp - 1] = op == DW_OP_plus ? st[sp - 1] + st[sp] : st[sp - 1] - st[sp];
		} else {
			return -EIO;
		}
	}
	if (sp != 1)
		return -EIO;
	*out = st[0] - (v->addr + off); /* from the object at off, as a constant */
	return 0;
}

static void fmt_struct_rec(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v,
			   uint64_t off, int depth, struct vb_seen *vb,
			   struct src_sbuf *b);

/* gdb's base class subobjects: "<Base> = {...}, " each. */
static void fmt_bases(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v,
		      uint64_t off, int depth, struct vb_seen *vb, bool cplus,
		      struct src_sbuf *b)
{
	Dwarf_Die child;

	if (dwarf_child(t, &child) != 0)
		return;
	do {
		Dwarf_Die bt, pb;
		uint64_t boff;
		int k;

		if (dwarf_tag(&child) != DW_TAG_inheritance || b->full)
			continue;
		if (!src_die_type(&child, &bt) || !src_peel(&bt, &pb))
			continue;
		if (dwarf_hasattr(&child, DW_AT_virtuality)) {
			for (k = 0; k < vb->n && vb->off[k] != dwarf_dieoffset(&pb); k++)
				;
			if (k < vb->n)
				continue;
			if (vb->n < 16)
				vb->off[vb->n++] = dwarf_dieoffset(&pb);
		}
		src_sb_str(b, "<");
		src_qualified_name(&pb, cplus, b);
		src_sb_str(b, "> = ");
		/* gdb's cp_print_value: an error in baseclass_offset (the
		 * vtable unreadable, the object not in memory) prints so */
		if (src_base_offset(c, &child, v, off, &boff))
			src_sb_str(b, "<invalid address>");
		else
			fmt_struct_rec(c, &pb, v, off + boff, depth + 1, vb, b);
		src_sb_str(b, ", ");
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* A static data member: its constant, or the object its linkage name
 * names in a symbol table; gdb's "<optimized out>" when neither. */
/* The linkage name of the variable in scope (a CU or a namespace, and
 * the namespaces in it) whose DW_AT_specification is member, or NULL. */
static const char *definition_linkage(Dwarf_Die *scope, Dwarf_Die *member, int depth)
{
	Dwarf_Attribute a;
	Dwarf_Die d, spec;
	const char *ln = NULL;

	if (depth > 16 || dwarf_child(scope, &d) != 0)
		return NULL;
	do {
		int tag = dwarf_tag(&d);

		if (tag == DW_TAG_variable &&
		    dwarf_formref_die(dwarf_attr(&d, DW_AT_specification, &a), &spec) &&
		    dwarf_dieoffset(&spec) == dwarf_dieoffset(member))
			return dwarf_formstring(dwarf_attr(&d, DW_AT_linkage_name, &a));
		if (tag == DW_TAG_namespace && (ln = definition_linkage(&d, member, depth + 1)))
			return ln;
	} while (dwarf_siblingof(&d, &d) == 0);
	return NULL;
}

/* The linkage name of a static data member: gcc puts it on the member;
 * clang only on the definition, a variable of the CU (or of a namespace)
 * whose DW_AT_specification is the member.  NULL when neither has one. */
static const char *static_member_linkage(Dwarf_Die *member)
{
	Dwarf_Attribute a;
	Dwarf_Die cu;
	const char *ln = dwarf_formstring(dwarf_attr_integrate(member, DW_AT_linkage_name, &a));

	if (ln || !dwarf_diecu(member, &cu, NULL, NULL))
		return ln;
	return definition_linkage(&cu, member, 0);
}

static void fmt_static_member(struct src_ctx *c, Dwarf_Die *member, Dwarf_Die *mt,
			      int depth, struct src_sbuf *b)
{
	Dwarf_Attribute a;
	struct src_vsrc *sv = calloc(1, sizeof *sv);
	const char *ln;
	uint64_t addr;
	Dwarf_Word u;
	Dwarf_Block blk;

	if (!sv) {
		src_sb_str(b, "<unreadable>");
		return;
	}
	if (dwarf_attr(member, DW_AT_const_value, &a)) {
		uint64_t size = src_type_size(mt);

		if (dwarf_formblock(&a, &blk) == 0 && blk.length <= SRC_VBUF_MAX) {
			memcpy(sv->bytes, blk.data, blk.length);
			sv->size = blk.length;
		} else if (dwarf_formudata(&a, &u) == 0) {
			memcpy(sv->bytes, &u, 8);
			sv->size = size && size <= 8 ? size : 8;
		}
		memset(sv->valid, 1, sv->size);
		fmt_value(c, mt, sv, 0, depth, b);
	} else if ((ln = static_member_linkage(member)) && src_obj_address(c->s, ln, &addr) == 0) {
		Dwarf_Die pm;
		int tag = src_peel(mt, &pm) ? dwarf_tag(&pm) : 0, k;

		sv->in_mem = true;
		sv->addr = addr;
		if (tag == DW_TAG_structure_type || tag == DW_TAG_class_type ||
		    tag == DW_TAG_union_type) {
			/* gdb's cp_print_static_field */
			for (k = c->n_statmem - 1; k >= 0 && c->statmem[k] != addr; k--)
				;
			if (k >= 0) {
				src_sb_str(b, "<same as static member of an already seen type>");
				free(sv);
				return;
			}
			if (c->n_statmem < (int)(sizeof c->statmem / sizeof c->statmem[0]))
				c->statmem[c->n_statmem++] = addr;
			c->statmem_top = true;
		}
		fmt_value(c, mt, sv, 0, depth, b);
		c->statmem_top = false;
	} else {
		src_sb_str(b, "<optimized out>");
	}
	free(sv);
}

/* gdb's cp_print_value_fields: bases first, then every data member in
 * order (static ones as "static x = 5"), "<No data fields>" when there
 * is none. */
static void fmt_struct_rec(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v,
			   uint64_t off, int depth, struct vb_seen *vb,
			   struct src_sbuf *b)
{
	Dwarf_Die child;
	bool first = true, cplus = src_die_cplus(t), of_static = c->statmem_top;
	int nfields = 0, statmem_base = c->n_statmem;

	c->statmem_top = false;
	if (depth >= SRC_MAX_DEPTH) {
		src_sb_str(b, "{...}");
		return;
	}
	src_sb_str(b, "{");
	fmt_bases(c, t, v, off, depth, vb, cplus, b);
	if (dwarf_child(t, &child) == 0) {
		do {
			Dwarf_Attribute a;
			Dwarf_Word moff = 0;
			Dwarf_Die mt;
			const char *name;
			int bits, tag = dwarf_tag(&child);
			bool is_static;

			if (b->full)
				break;
			/* static members: DW_TAG_variable (DWARF 5) or an
			 * external member declaration (DWARF 4) */
			is_static = tag == DW_TAG_variable ||
				    (tag == DW_TAG_member && dwarf_hasattr(&child, DW_AT_external));
			if ((tag != DW_TAG_member && !is_static) || !src_die_type(&child, &mt))
				continue;
			nfields++;
			name = dwarf_diename(&child);
			if (!first)
				src_sb_str(b, ", ");
			first = false;
			if (is_static) {
				src_sb_fmt(b, "static %s = ", name ? name : "?");
				fmt_static_member(c, &child, &mt, depth + 1, b);
				continue;
			}
			if (name)
				src_sb_fmt(b, "%s = ", name);
			bits = dwarf_bitsize(&child);
			if (bits > 0) {
				fmt_bitfield(c, &child, &mt, v, off, bits, b);
				continue;
			}
			if (dwarf_attr(&child, DW_AT_data_member_location, &a))
				dwarf_formudata(&a, &moff);
			if (is_reference(&mt)) {
				/* gdb does not follow a member reference
				 * (cp_print_value_fields: deref_ref = 0) */
				uint64_t p = 0;

				if (src_vread(c, v, off + moff, &p, 8))
					src_sb_str(b, "<unreadable>");
				else
					src_sb_fmt(b, "@0x%" PRIx64, p);
				continue;
			}
			if (c->fmt && name && !strncmp(name, "_vptr.", 6)) {
				/* gdb prints the vtable pointer as it is under any
				 * print/FMT (print_function_pointer_address) */
				char f = c->fmt;

				c->fmt = 0;
				fmt_value(c, &mt, v, off + moff, depth + 1, b);
				c->fmt = f;
				continue;
			}
			fmt_value(c, &mt, v, off + moff, depth + 1, b);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (!nfields)
		src_sb_str(b, "<No data fields>");
	src_sb_str(b, "}");
	/* the statics seen inside a struct are forgotten after it, except
	 * inside a static member's own value */
	if (!of_static)
		c->n_statmem = statmem_base;
}

static void fmt_struct(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v,
		       uint64_t off, int depth, struct src_sbuf *b)
{
	struct vb_seen vb = { .n = 0 };

	fmt_struct_rec(c, t, v, off, depth, &vb, b);
}

/* A C++ reference, as gdb: "@0xADDR: value". */
static void fmt_reference(struct src_ctx *c, Dwarf_Die *rt, uint64_t p, int depth,
			  struct src_sbuf *b)
{
	Dwarf_Die target;
	struct src_vsrc *tv;
	Dwarf_Word size;
	uint64_t bad;

	if (!src_die_type(rt, &target)) {
		src_sb_fmt(b, "@0x%" PRIx64 ": <void>", p);
		return;
	}
	/* gdb fetches the referenced value first: when it cannot, the
	 * error is all it prints ("(int &) <error reading variable: ...>") */
	if (dwarf_aggregate_size(&target, &size) == 0 &&
	    src_ctx_unreadable(c, p, size, &bad)) {
		src_sb_fmt(b, "<error reading variable: Cannot access memory at address 0x%" PRIx64
			   ">", bad);
		return;
	}
	src_sb_fmt(b, "@0x%" PRIx64 ": ", p);
	tv = calloc(1, sizeof *tv);
	if (!tv) {
		src_sb_str(b, "<unreadable>");
		return;
	}
	tv->in_mem = true;
	tv->addr = p;
	fmt_value(c, &target, tv, 0, depth, b);
	free(tv);
}

/* The data member at byte offset moff of class t (bases searched too),
 * for a pointer to data member: "&P::x".  True when found. */
static bool member_at(Dwarf_Die *t, uint64_t moff, struct src_sbuf *b, int depth)
{
	Dwarf_Die child, bt, pb;
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (depth > 8 || dwarf_child(t, &child) != 0)
		return false;
	do {
		int tag = dwarf_tag(&child);

		if ((tag != DW_TAG_member && tag != DW_TAG_inheritance) ||
		    dwarf_hasattr(&child, DW_AT_external) ||
		    !dwarf_attr(&child, DW_AT_data_member_location, &a) ||
		    dwarf_formudata(&a, &w))
			continue;
		if (tag == DW_TAG_member && w == moff && dwarf_diename(&child)) {
			src_sb_str(b, "&");
			src_qualified_name(t, true, b);
			src_sb_fmt(b, "::%s", dwarf_diename(&child));
			return true;
		}
		if (tag == DW_TAG_inheritance && moff >= w && src_die_type(&child, &bt) &&
		    src_peel(&bt, &pb) && member_at(&pb, moff - w, b, depth + 1))
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

bool src_vtable_index(Dwarf_Die *m, uint64_t *idx)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr_integrate(m, DW_AT_vtable_elem_location, &a) ||
	    dwarf_getlocation(&a, &ops, &n) != 0 || n != 1 ||
	    (ops[0].atom != DW_OP_constu &&
	     (ops[0].atom < DW_OP_lit0 || ops[0].atom > DW_OP_lit31)))
		return false;
	*idx = ops[0].atom == DW_OP_constu ? ops[0].number : (uint64_t)(ops[0].atom - DW_OP_lit0);
	return true;
}

char *src_virtual_method(Dwarf_Die *cls, uint64_t voff, int64_t adj, int depth)
{
	Dwarf_Die ch, bt;
	Dwarf_Attribute a;
	Dwarf_Word pos;
	uint64_t idx, size;

	if (depth > 8 || dwarf_child(cls, &ch) != 0)
		return NULL;
	do {
		const char *ln;

		if (adj != 0 || dwarf_tag(&ch) != DW_TAG_subprogram ||
		    !src_vtable_index(&ch, &idx) || idx != voff)
			continue;
		/* gdb's physname: the demangled linkage name, else the name
		 * its DWARF gives (clang's destructors: "Base::~Base()") */
		ln = dwarf_formstring(dwarf_attr_integrate(&ch, DW_AT_linkage_name, &a));
		if (ln) {
			char *dm = src_demangle(ln);

			return dm ? dm : strdup(ln);
		}
		return src_cplus_physname(&ch);
	} while (dwarf_siblingof(&ch, &ch) == 0);
	/* then the non-virtual base holding the this adjustment */
	if (dwarf_child(cls, &ch) != 0)
		return NULL;
	do {
		if (dwarf_tag(&ch) != DW_TAG_inheritance || dwarf_hasattr(&ch, DW_AT_virtuality) ||
		    !dwarf_attr(&ch, DW_AT_data_member_location, &a) || dwarf_formudata(&a, &pos) ||
		    !src_die_type(&ch, &bt) || !src_peel(&bt, &bt))
			continue;
		size = dwarf_bytesize(&bt) > 0 ? (uint64_t)dwarf_bytesize(&bt) : 0;
		if (adj >= (int64_t)pos && adj < (int64_t)(pos + size))
			return src_virtual_method(&bt, voff, adj - (int64_t)pos, depth + 1);
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return NULL;
}

void src_virtual_ptmf_text(Dwarf_Die *cls, uint64_t ptr, int64_t adj, struct src_sbuf *b)
{
	char *name = cls ? src_virtual_method(cls, (ptr ^ 1) / 8, adj, 0) : NULL;

	if (name) {
		src_sb_fmt(b, "&virtual %s", name);
		free(name);
		return;
	}
	src_sb_fmt(b, "&virtual table offset %" PRId64, (int64_t)(ptr ^ 1));
	if (adj)
		src_sb_fmt(b, ", this adjustment %" PRId64, adj);
}

/* Pointers to members: data ones as "&P::x" (an offset; -1 is NULL),
 * function ones as "(int (P::*)(const P * const)) 0x... <P::get() const>"
 * (gdb writes the type even in `info locals`), a virtual one (Itanium
 * ABI: odd, 1 + its vtable offset) as gdb's gnuv3_print_method_ptr:
 * "&virtual P::f() const", or "&virtual table offset 16" when no method
 * of the class has that slot. */
static void fmt_ptr_to_member(struct src_ctx *c, Dwarf_Die *t, const uint8_t *raw,
			      uint64_t size, struct src_sbuf *b)
{
	Dwarf_Die mt, pm, cls;
	Dwarf_Attribute a;
	uint64_t p = 0;
	int64_t adj = 0;
	bool have_cls = dwarf_attr(t, DW_AT_containing_type, &a) &&
			dwarf_formref_die(&a, &cls) && src_peel(&cls, &cls);
	char *tn;

	memcpy(&p, raw, 8);
	if (src_die_type(t, &mt) && src_peel(&mt, &pm) &&
	    dwarf_tag(&pm) == DW_TAG_subroutine_type) {
		if (size >= 16)
			memcpy(&adj, raw + 8, 8);
		if (p == 0) {
			src_sb_str(b, "NULL");
			return;
		}
		if (p & 1) {
			src_virtual_ptmf_text(have_cls ? &cls : NULL, p, adj, b);
			return;
		}
		tn = src_type_name(t);
		src_sb_str(b, "(");
		src_sb_str(b, tn ? tn : "?");
		src_sb_str(b, ") ");
		free(tn);
		fmt_pointer(c, &pm, p, b);
		if (adj)
			src_sb_fmt(b, ", this adjustment %" PRId64, adj);
		return;
	}
	if (p == UINT64_MAX) {
		src_sb_str(b, "NULL");
		return;
	}
	if (have_cls && member_at(&cls, p, b, 0))
		return;
	src_sb_fmt(b, "%" PRIu64, p);
}

/* Element counts of an array's dimensions (a variable-length array's
 * computed in the bounds frame, types.c; 0 where unknown); returns how
 * many. */
static int array_bounds(Dwarf_Die *t, uint64_t *dims, int max)
{
	Dwarf_Die child;
	int n = 0;

	if (dwarf_child(t, &child) != 0)
		return 0;
	do {
		if (dwarf_tag(&child) != DW_TAG_subrange_type || n >= max)
			continue;
		if (src_subrange_count(&child, &dims[n]) != 0)
			dims[n] = 0;
		n++;
	} while (dwarf_siblingof(&child, &child) == 0);
	return n;
}

/* An array of no elements or of unknown length (a flexible array member
 * `char data[]`, `int v[0]`, clang's VLA parameter's `double []`) as gdb
 * prints it (c_value_print_array): like a pointer to its first element,
 * "0x5555555592a6 \"hi\"", "0x55555555801c <g+4>". */
static bool fmt_array_unsized(struct src_ctx *c, Dwarf_Die *et, const uint64_t *dims, int nd,
			      const struct src_vsrc *v, uint64_t off, struct src_sbuf *b)
{
	uint64_t total = src_type_size(et);

	for (int i = 0; i < nd; i++)
		total *= dims[i];
	if (total)
		return false;
	if (!v->in_mem)
		src_sb_str(b, "<unreadable>");
	else
		src_pointer_text(c, et, v->addr + off, b);
	return true;
}

#define CHARS_READ_MAX (1u << 20) /* a char array's chars read for its text */

/* A char array of count chars of w bytes (prefix: the wide ones' L, u,
 * U) at off of v under c->gdb_print. */
static void fmt_gdb_chars(struct src_ctx *c, const struct src_vsrc *v, uint64_t off,
			  uint64_t count, size_t w, const char *prefix, struct src_sbuf *b)
{
	size_t n = count < CHARS_READ_MAX ? (size_t)count : CHARS_READ_MAX;
	uint8_t *buf = malloc(n ? n * w : 1);

	if (!buf || src_vread(c, v, off, buf, n * w))
		src_sb_str(b, buf ? "<unreadable>" : "<error: out of memory>");
	else
		src_gdb_wstring_text(b, buf, n, w, prefix, false);
	free(buf);
}

/* Dimension dim of an array of element type et: gdb's {a, b, c...}, char
 * arrays as C strings; locals/: no <repeats> (`print repeats
 * unlimited`), a char array to its NUL; eval/ (c->gdb_print): gdb's
 * defaults. */
static void fmt_array_dim(struct src_ctx *c, Dwarf_Die *et, const uint64_t *dims,
			  int ndims, int dim, const struct src_vsrc *v, uint64_t off,
			  int depth, struct src_sbuf *b)
{
	uint64_t esize = src_type_size(et), stride = esize, count = dims[dim], i, shown;
	const char *prefix;
	int k;

	for (k = dim + 1; k < ndims; k++)
		stride *= dims[k];
	if (c->fmt) {
		/* print/x: chars are numbers too, {0x68, 0x69, 0x0} */
	} else if (dim == ndims - 1 && c->gdb_print &&
		   (is_char_type(et) || wide_char_kind(et, &prefix))) {
		if (is_char_type(et))
			fmt_gdb_chars(c, v, off, count, 1, "", b);
		else
			fmt_gdb_chars(c, v, off, count, wide_char_kind(et, &prefix), prefix, b);
		return;
	}
	if (dim == ndims - 1 && is_char_type(et) && !c->fmt) {
		/* a C string: up to its NUL, at most SRC_MAX_ELEMS chars (gdb's
		 * `print null-stop on`, `print elements 200`) */
		uint8_t buf[SRC_MAX_ELEMS + 1];
		size_t want = count < SRC_MAX_ELEMS + 1 ? count : SRC_MAX_ELEMS + 1, n;

		if (src_vread(c, v, off, buf, want)) {
			src_sb_str(b, "<unreadable>");
			return;
		}
		for (n = 0; n < want && n < SRC_MAX_ELEMS && buf[n]; n++)
			;
		put_string(b, buf, n, n == SRC_MAX_ELEMS && want > SRC_MAX_ELEMS && buf[n]);
		return;
	}
	if (dim == ndims - 1 && wide_char_kind(et, &prefix) && !c->fmt) {
		/* L"ab", u"xy", U"z": up to the NUL unit */
		uint8_t buf[(SRC_MAX_ELEMS + 1) * 4];
		size_t w = wide_char_kind(et, &prefix), n, want;
		uint32_t zero = 0;

		want = count < SRC_MAX_ELEMS + 1 ? count : SRC_MAX_ELEMS + 1;
		if (src_vread(c, v, off, buf, want * w)) {
			src_sb_str(b, "<unreadable>");
			return;
		}
		for (n = 0; n < want && n < SRC_MAX_ELEMS && memcmp(buf + n * w, &zero, w); n++)
			;
		put_wstring(b, buf, n, w, prefix, n == SRC_MAX_ELEMS && want > SRC_MAX_ELEMS &&
			    memcmp(buf + n * w, &zero, w));
		return;
	}
	if (depth >= SRC_MAX_DEPTH) {
		src_sb_str(b, "{...}");
		return;
	}
	src_sb_str(b, "{");
	for (i = 0, shown = 0; i < count && shown < SRC_MAX_ELEMS && !b->full; i++) {
		uint64_t run = c->gdb_print ? src_run_length(c, v, off + i * stride, stride,
							      count - i) : 1;

		if (i)
			src_sb_str(b, ", ");
		if (dim + 1 < ndims)
			fmt_array_dim(c, et, dims, ndims, dim + 1, v, off + i * stride,
				      depth + 1, b);
		else
			fmt_value(c, et, v, off + i * stride, depth + 1, b);
		src_repeats_after(b, run, &i, &shown);
	}
	if (i < count)
		src_sb_str(b, "...");
	src_sb_str(b, "}");
}

/* Is d a definition of the struct/class (kind 's') or union ('u') whose
 * qualified name is want?  got: scratch. */
static bool defines(Dwarf_Die *d, char kind, const char *name, const struct src_sbuf *want,
		    struct src_sbuf *got)
{
	int tag = dwarf_tag(d);
	const char *n;
	size_t k;

	if ((kind == 'u') != (tag == DW_TAG_union_type) ||
	    (tag != DW_TAG_structure_type && tag != DW_TAG_class_type &&
	     tag != DW_TAG_union_type) ||
	    dwarf_hasattr(d, DW_AT_declaration) || !(n = dwarf_diename(d)))
		return false;
	/* the same name up to its template arguments, which compilers
	 * spell differently ("Box<long unsigned int>", "Box<unsigned
	 * long>"): those are compared in gdb's canonical form below */
	k = strcspn(name, "<");
	if (strncmp(n, name, k) || n[k] != name[k])
		return false;
	got->len = 0;
	got->full = false;
	got->buf[0] = '\0';
	src_qualified_name(d, true, got);
	return !got->full && !strcmp(got->buf, want->buf);
}

/* The definition in scope (a CU, a namespace and the ones in it). */
static bool definition_in(Dwarf_Die *scope, char kind, const char *name,
			  const struct src_sbuf *want, struct src_sbuf *got, Dwarf_Die *out,
			  int depth)
{
	Dwarf_Die d;

	if (depth > 16 || dwarf_child(scope, &d) != 0)
		return false;
	do {
		if (dwarf_tag(&d) == DW_TAG_namespace) {
			if (definition_in(&d, kind, name, want, got, out, depth + 1))
				return true;
		} else if (defines(&d, kind, name, want, got)) {
			*out = d;
			return true;
		}
	} while (dwarf_siblingof(&d, &d) == 0);
	return false;
}

/* The definition in one module's DWARF (every CU, type unit and .dwo
 * file).  True when found. */
static bool definition_in_file(const struct src_mod *m, char kind, const char *name,
			       const struct src_sbuf *want, struct src_sbuf *got, Dwarf_Die *out)
{
	struct src_unit_iter it = { 0 };
	Dwarf_Die cu;

	while (m->dw && src_unit_next(m, &it, true, &cu))
		if (definition_in(&cu, kind, name, want, got, out, 0))
			return true;
	return false;
}

/* The definition searched for: in the declaration's own file first,
 * then in every other module's, as gdb's lookup of a transparent type
 * goes through every objfile (a class the program declares and a
 * library defines).  found->dw NULL: none. */
static void definition_search(struct hs_src *s, Dwarf *from, char kind, const char *name,
			      const struct src_sbuf *want, struct src_tdef *found)
{
	struct src_sbuf *got = calloc(1, sizeof *got);
	const struct src_mod *fm = src_mod_of_dwarf(s, from);
	Dwarf_Die d;
	size_t i;
	bool hit = false;

	found->dw = NULL;
	if (!got)
		return;
	if (fm)
		hit = definition_in_file(fm, kind, name, want, got, &d);
	for (i = 0; !hit && i < s->n_mods; i++)
		if (&s->mods[i] != fm)
			hit = definition_in_file(&s->mods[i], kind, name, want, got, &d);
	if (hit) { /* the unit's own Dwarf: a .dwo file's, perhaps */
		found->dw = dwarf_cu_getdwarf(d.cu);
		found->off = src_die_ref(&d);
	}
	free(got);
}

/* A struct, class or union that DWARF only declares (clang leaves out a
 * class another file defines, std::string among them): gdb prints it as
 * a definition of the same name, else as "<incomplete type>".  The
 * search (every CU of every module, at worst) is done once per name:
 * s->tdefs keeps its answer.  True when found. */
static bool type_definition(struct hs_src *s, Dwarf_Die *decl, Dwarf_Die *out)
{
	Dwarf *dw = dwarf_cu_getdwarf(decl->cu);
	const char *name = dwarf_diename(decl);
	struct src_sbuf *want = calloc(1, sizeof *want);
	char kind = dwarf_tag(decl) == DW_TAG_union_type ? 'u' : 's';
	struct src_tdef one, *e = NULL;
	bool found = false;
	size_t i;

	if (!dw || !name || !want)
		goto out;
	src_qualified_name(decl, true, want);
	if (want->full)
		goto out;
	for (i = 0; i < s->n_tdefs && !e; i++)
		if (s->tdefs[i].from == dw && s->tdefs[i].kind == kind &&
		    !strcmp(s->tdefs[i].name, want->buf))
			e = &s->tdefs[i];
	if (!e) {
		definition_search(s, dw, kind, name, want, &one);
		one.from = dw;
		one.kind = kind;
		one.name = strdup(want->buf);
		e = &one;
		/* kept when there is room (a cache: an answer not kept is
		 * searched for again) */
		if (one.name && (s->n_tdefs < s->cap_tdefs ||
				 hs_grow((void **)&s->tdefs, &s->cap_tdefs, s->n_tdefs + 1,
					  sizeof *s->tdefs) == 0)) {
			s->tdefs[s->n_tdefs++] = one;
			e = &s->tdefs[s->n_tdefs - 1];
		} else {
			free(one.name);
		}
	}
	found = e->dw && src_ref_die(e->dw, e->off, out);
out:
	free(want);
	return found;
}

/* A scalar under print/FMT (c->fmt): the letter's text, its kind and
 * signedness from the type (an enum's from its underlying type). */
static void fmt_letter(struct src_ctx *c, Dwarf_Die *t, const uint8_t *raw, size_t size,
		       struct src_sbuf *b)
{
	enum src_scalar k = SRC_SC_INT;
	Dwarf_Attribute a;
	Dwarf_Word enc = DW_ATE_unsigned;
	Dwarf_Die u = *t;

	if (dwarf_tag(t) == DW_TAG_pointer_type)
		k = SRC_SC_PTR;
	else if (dwarf_tag(t) == DW_TAG_enumeration_type && !(src_die_type(t, &u) && src_peel(&u, &u)))
		u = *t;
	if (k == SRC_SC_INT && dwarf_attr(&u, DW_AT_encoding, &a))
		dwarf_formudata(&a, &enc);
	if (enc == DW_ATE_float)
		k = SRC_SC_FLOAT;
	if (src_fmt_scalar(c, c->fmt, raw, size, k, enc == DW_ATE_signed ||
			   enc == DW_ATE_signed_char || enc == DW_ATE_float, b))
		src_sb_str(b, "<error: Value can't be converted to integer.>");
}

static void fmt_value(struct src_ctx *c, Dwarf_Die *type, const struct src_vsrc *v,
		      uint64_t off, int depth, struct src_sbuf *b)
{
	Dwarf_Die t, et;
	uint64_t size;
	uint8_t raw[32]; /* up to a _Complex long double */
	const char *pre;
	int tag;

	if (b->full)
		return;
	if (!src_peel(type, &t)) {
		src_sb_str(b, "<void>");
		return;
	}
	tag = dwarf_tag(&t);
	size = src_type_size(&t);
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_ptr_to_member_type:
		if ((tag == DW_TAG_reference_type || tag == DW_TAG_rvalue_reference_type ||
		     tag == DW_TAG_pointer_type) && size == 0)
			size = 8; /* gcc gives C++ references no byte size */
		if (tag == DW_TAG_ptr_to_member_type && size == 0)
			size = die_is_ptmf(&t) ? 16 : 8;
		if (size == 0 || size > sizeof raw || src_vread(c, v, off, raw, size)) {
			src_sb_str(b, size && size <= sizeof raw ? unread_text(v, off, size) :
				   "<unreadable>");
			return;
		}
		if (c->fmt && (tag == DW_TAG_base_type || tag == DW_TAG_enumeration_type ||
			       tag == DW_TAG_pointer_type) && !is_complex(&t)) {
			fmt_letter(c, &t, raw, size, b);
		} else if (tag == DW_TAG_reference_type || tag == DW_TAG_rvalue_reference_type) {
			uint64_t p = 0;

			memcpy(&p, raw, 8);
			fmt_reference(c, &t, p, depth, b);
		} else if (tag == DW_TAG_ptr_to_member_type) {
			fmt_ptr_to_member(c, &t, raw, size, b);
		} else if (tag == DW_TAG_base_type && size <= 4 && wide_char_kind(type, &pre)) {
			fmt_wide_char(raw, size, pre, b); /* C's typedefs too */
		} else if (tag == DW_TAG_base_type) {
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
		if (dwarf_hasattr(&t, DW_AT_declaration) && !type_definition(c->s, &t, &t)) {
			src_sb_str(b, "<incomplete type>");
			return;
		}
		if (c->pretty && c->pretty(c, &t, v, off, depth, b) == 0)
			return;
		fmt_struct(c, &t, v, off, depth, b);
		return;
	case DW_TAG_array_type: {
		uint64_t dims[8];
		int nd = array_bounds(&t, dims, 8);

		if (!src_die_type(&t, &et) || nd == 0) {
			src_sb_str(b, "<unknown array>");
			return;
		}
		if (fmt_array_unsized(c, &et, dims, nd, v, off, b))
			return;
		fmt_array_dim(c, &et, dims, nd, 0, v, off, depth, b);
		return;
	}
	case DW_TAG_subroutine_type:
		src_sb_str(b, "{function}");
		return;
	default:
		src_sb_str(b, "<unsupported type>");
		return;
	}
}

void src_fmt_value(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v, uint64_t off,
		   int depth, struct src_sbuf *b)
{
	fmt_value(c, t, v, off, depth, b);
}

void src_char_escaped(struct src_sbuf *b, uint8_t ch)
{
	put_char_escaped(b, ch, '\'');
}

bool src_is_char_type(Dwarf_Die *t)
{
	return is_char_type(t);
}

size_t src_wide_char_kind(Dwarf_Die *t, const char **prefix)
{
	return wide_char_kind(t, prefix);
}

void src_string_text(struct src_sbuf *b, const uint8_t *p, size_t n, bool ellipsis)
{
	put_string(b, p, n, ellipsis);
}

int src_array_bounds(Dwarf_Die *t, uint64_t *dims, int max)
{
	return array_bounds(t, dims, max);
}

/* An empty text for a top-level value (NULL: ENOMEM); text_end() gives
 * it as a malloc'd string and frees it. */
static struct src_sbuf *text_begin(struct src_ctx *c)
{
	struct src_sbuf *b = malloc(sizeof *b);

	if (!b)
		return NULL;
	b->len = 0;
	b->full = false;
	b->buf[0] = 0;
	c->n_statmem = 0;
	c->statmem_top = false;
	return b;
}

static char *text_end(struct src_sbuf *b)
{
	char *out = strdup(b->buf);

	free(b);
	return out;
}

char *src_subarray_text(struct src_ctx *c, Dwarf_Die *t, int dim, const struct src_vsrc *v)
{
	struct src_sbuf *b = text_begin(c);
	uint64_t dims[8];
	int nd = array_bounds(t, dims, 8);
	Dwarf_Die et;

	if (!b)
		return NULL;
	if (dim < nd && src_die_type(t, &et))
		fmt_array_dim(c, &et, dims, nd, dim, v, 0, 0, b);
	else
		src_sb_str(b, "<unknown array>");
	return text_end(b);
}

char *src_value_text(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v)
{
	struct src_sbuf *b = text_begin(c);

	if (!b)
		return NULL;
	if (t)
		fmt_value(c, t, v, 0, 0, b);
	else
		src_sb_str(b, "<void>");
	return text_end(b);
}
