/* format.c - fs/source: C type names and gdb-like text of values.
 *
 * The format is source.h's: gdb's `info locals` with `print null-stop
 * on` and `print repeats unlimited`.  Text is capped at HS_SRC_VALUE_MAX
 * bytes (struct sbuf).  Callers hold s->dw_lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_i.h"

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

/* ---- types ----------------------------------------------------------------- */

bool src_die_type(Dwarf_Die *die, Dwarf_Die *out)
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
		if (++guard > 32 || !src_die_type(&cur, &cur))
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
	bool has_sub = src_die_type(t, &sub);

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
				    !src_die_type(&child, &pt))
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
char *src_type_name(Dwarf_Die *t)
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

static void fmt_value(struct src_ctx *c, Dwarf_Die *type, const struct src_vsrc *v,
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

/* The C string at addr (up to SRC_MAX_ELEMS chars), gdb style. */
static void put_c_string_at(struct src_ctx *c, uint64_t addr, struct sbuf *b)
{
	uint8_t buf[SRC_MAX_ELEMS + 1];
	size_t n = 0;

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
		sb_fmt(b, "<error: Cannot access memory at address 0x%" PRIx64 ">", addr);
		return;
	}
	put_string(b, buf, n < SRC_MAX_ELEMS ? n : SRC_MAX_ELEMS, true);
}

static void fmt_pointer(struct src_ctx *c, Dwarf_Die *ptype, uint64_t p, struct sbuf *b)
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
	if (src_die_type(ptype, &target) && is_char_type(&target)) {
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

static void fmt_struct(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v,
		       uint64_t off, int depth, struct sbuf *b)
{
	Dwarf_Die child;
	bool first = true;

	if (depth >= SRC_MAX_DEPTH) {
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
			if (!src_die_type(&child, &mt))
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
				if (bits > 64 || src_vread(c, v, off + boff / 8, buf,
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
static void fmt_array_dim(struct src_ctx *c, Dwarf_Die *et, const uint64_t *dims,
			  int ndims, int dim, const struct src_vsrc *v, uint64_t off,
			  int depth, struct sbuf *b)
{
	uint64_t esize = type_size(et), stride = esize, count = dims[dim], i;
	int k;

	for (k = dim + 1; k < ndims; k++)
		stride *= dims[k];
	if (dim == ndims - 1 && is_char_type(et)) {
		/* a C string: up to its NUL, at most SRC_MAX_ELEMS chars (gdb's
		 * `print null-stop on`, `print elements 200`) */
		uint8_t buf[SRC_MAX_ELEMS + 1];
		size_t want = count < SRC_MAX_ELEMS + 1 ? count : SRC_MAX_ELEMS + 1, n;

		if (src_vread(c, v, off, buf, want)) {
			sb_str(b, "<unreadable>");
			return;
		}
		for (n = 0; n < want && n < SRC_MAX_ELEMS && buf[n]; n++)
			;
		put_string(b, buf, n, n == SRC_MAX_ELEMS && want > SRC_MAX_ELEMS && buf[n]);
		return;
	}
	if (depth >= SRC_MAX_DEPTH) {
		sb_str(b, "{...}");
		return;
	}
	sb_str(b, "{");
	for (i = 0; i < count && i < SRC_MAX_ELEMS && !b->full; i++) {
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

static void fmt_value(struct src_ctx *c, Dwarf_Die *type, const struct src_vsrc *v,
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
		if (size == 0 || size > sizeof raw || src_vread(c, v, off, raw, size)) {
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

		if (!src_die_type(&t, &et) || nd == 0) {
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

char *src_value_text(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v)
{
	struct sbuf *b = malloc(sizeof *b);
	char *out;

	if (!b)
		return NULL;
	b->len = 0;
	b->full = false;
	b->buf[0] = 0;
	if (t)
		fmt_value(c, t, v, 0, 0, b);
	else
		sb_str(b, "<void>");
	out = strdup(b->buf);
	free(b);
	return out;
}
