/* cexpr_out.c - fs/source: hs_src_eval: the names in scope at a moment,
 * a value's text as gdb's `print` writes it, and its children.
 *
 * gdb's print differs from the values of `info locals` in one way at the
 * top: a pointer shows its type first, "(struct node *) 0x4052a0", except
 * a plain char pointer, which shows its string (c_value_print's "hack").
 * A C++ reference shows "(int &) @0x7ffe...: 5".  Inner values are the
 * formatter's (format.c), the same text as locals/.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cexpr_i.h"
#include "hindsight/util.h"

#define CX_PAGE_MAX 1000         /* children in one answer */

static void sb_init(struct src_sbuf *b)
{
	b->len = 0;
	b->full = false;
	b->buf[0] = 0;
}

/* gdb's names of gcc's integer types ("long unsigned int" is "unsigned
 * long" in gdb's messages), in type text s (freed; the result is new). */
char *cx_gdb_names(char *s)
{
	static const char *const map[][2] = {
		{ "long long unsigned int", "unsigned long long" },
		{ "long long int", "long long" },
		{ "long unsigned int", "unsigned long" },
		{ "short unsigned int", "unsigned short" },
		{ "long int", "long" },
		{ "short int", "short" },
	};
	size_t k;
	char *at;

	for (k = 0; s && k < sizeof map / sizeof map[0]; k++) {
		size_t from = strlen(map[k][0]), to = strlen(map[k][1]);

		while ((at = strstr(s, map[k][0])) &&
		       (at == s || !(at[-1] == '_' || (at[-1] >= 'a' && at[-1] <= 'z'))) &&
		       !(at[from] == '_' || (at[from] >= 'a' && at[from] <= 'z'))) {
			/* the new text is shorter: in place */
			memmove(at + to, at + from, strlen(at + from) + 1);
			memcpy(at, map[k][1], to);
		}
	}
	return s;
}

static char *type_text(const struct cx_type *t);

/* gdb's v@n type: "int [3]", "char *[2]". */
static char *repeat_type_text(const struct cx_type *t)
{
	struct cx_type e = *t;
	char *el, *out = NULL;

	e.arr_n = 0;
	el = type_text(&e);
	if (el && asprintf(&out, "%s%s[%" PRIu64 "]", el,
			   el[0] && el[strlen(el) - 1] == '*' ? "" : " ", t->arr_n) < 0)
		out = NULL;
	free(el);
	return out;
}

/* The C name of t ("int (*)[4]" for a made-up pointer to an array). */
static char *type_text(const struct cx_type *t)
{
	char *base, *out = NULL;
	const char *cut;
	int tag = t->kind == CT_DIE ? dwarf_tag((Dwarf_Die *)&t->die) : 0;
	char stars[32];
	int n = t->nptr < 30 ? t->nptr : 30;

	if (t->arr_n)
		return repeat_type_text(t);
	if (t->ref) {
		/* gdb: "(Sized &)", "(char *&)", "(Sized &&)" */
		struct cx_type e = *t;

		e.ref = 0;
		base = type_text(&e);
		if (base && asprintf(&out, "%s%s%s", base,
				     base[0] && base[strlen(base) - 1] == '*' ? "" : " ",
				     t->ref == 2 ? "&&" : "&") < 0)
			out = NULL;
		free(base);
		return out;
	}
	if (t->kind == CT_SYN && !n)
		return strdup(t->syn->tname);
	if (t->kind == CT_VOID && t->reg == CX_REG_CODE) {
		/* $pc: "void (*)()" */
		memset(stars, '*', (size_t)n);
		stars[n] = 0;
		if (asprintf(&out, n ? "void (%s)(%s)" : "void (%s%s)", stars,
			     t->cplus_code ? "void" : "") < 0)
			out = NULL;
		return out;
	}
	if (t->kind == CT_DIE && n && !t->dim)
		return cx_gdb_names(src_type_ptr_name((Dwarf_Die *)&t->die, n));
	if (t->kind == CT_INT || t->kind == CT_FLOAT)
		base = strdup(t->name);
	else if (t->kind == CT_VOID)
		base = strdup("void");
	else
		base = cx_gdb_names(src_type_name((Dwarf_Die *)&t->die));
	if (base && t->dim > 0 && (cut = strchr(base, '['))) {
		/* "int [3][4]" row: "int [4]" */
		const char *rest = cut;

		for (int d = 0; d < t->dim && *rest == '['; d++)
			rest = strchr(rest, ']') ? strchr(rest, ']') + 1 : rest + strlen(rest);
		memmove((char *)cut, rest, strlen(rest) + 1);
	}
	/* a function returning a pointer: gdb's "void *(size_t)" */
	if (base && (cut = strchr(base, '(')) && cut - base >= 2 && cut[-1] == ' ' &&
	    cut[-2] == '*')
		memmove((char *)cut - 1, cut, strlen(cut) + 1);
	if (!base || !n)
		return base;
	memset(stars, '*', (size_t)n);
	stars[n] = 0;
	cut = tag == DW_TAG_array_type ? strchr(base, '[') :
	      tag == DW_TAG_subroutine_type || tag == DW_TAG_subprogram ? strchr(base, '(') : NULL;
	if (!cut && (cut = strstr(base, "(*"))) {
		/* a pointer to a pointer to a function or an array: gdb's
		 * "int (**)(int)" */
		if (asprintf(&out, "%.*s(%s%s", (int)(cut - base), base, stars, cut + 1) < 0)
			out = NULL;
	} else if (cut) {
		if (asprintf(&out, "%.*s(%s)%s", (int)(cut - base), base, stars, cut) < 0)
			out = NULL;
	} else if (asprintf(&out, "%s%s%s", base,
			    base[0] && base[strlen(base) - 1] == '*' ? "" : " ", stars) < 0) {
		out = NULL;
	}
	free(base);
	return out;
}

/* gdb prints no "(type) " before a pointer whose type is a plain
 * pointer to char (qualifiers allowed, typedefs not). */
static bool plain_char_pointer(const struct cx_type *t)
{
	Dwarf_Die d;
	const char *n;
	int guard = 0;

	if (t->kind == CT_INT)
		return t->nptr == 1 && !strcmp(t->name, "char");
	if (t->kind != CT_DIE || t->nptr > 1)
		return false;
	d = t->die;
	while (!t->nptr && (dwarf_tag(&d) == DW_TAG_const_type ||
			    dwarf_tag(&d) == DW_TAG_volatile_type) && ++guard < 8)
		if (!src_die_type(&d, &d))
			return false;
	if (!t->nptr && (dwarf_tag(&d) != DW_TAG_pointer_type || !src_die_type(&d, &d)))
		return false;
	while ((dwarf_tag(&d) == DW_TAG_const_type || dwarf_tag(&d) == DW_TAG_volatile_type) &&
	       ++guard < 8)
		if (!src_die_type(&d, &d))
			return false;
	n = dwarf_diename(&d);
	if (!n)
		return false;
	/* gdb's c_value_print: a pointer to a type named char, or to one
	 * of textual_name()'s (C's are typedefs) */
	return (dwarf_tag(&d) == DW_TAG_base_type && !strcmp(n, "char")) ||
	       !strcmp(n, "wchar_t") || !strcmp(n, "char16_t") || !strcmp(n, "char32_t");
}

/* The class of method m's artificial `this` (its pointee). */
static bool this_class(Dwarf_Die *m, Dwarf_Die *cls)
{
	Dwarf_Die ch;

	if (dwarf_child(m, &ch) != 0)
		return false;
	do {
		if (dwarf_tag(&ch) == DW_TAG_formal_parameter &&
		    dwarf_hasattr_integrate(&ch, DW_AT_artificial))
			return src_die_type(&ch, cls) && src_peel(cls, cls) &&
			       dwarf_tag(cls) == DW_TAG_pointer_type && src_die_type(cls, cls) &&
			       src_peel(cls, cls);
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

/* "&Base::f" of a virtual method: gdb makes the pointer to member of its
 * vtable index (not offset) plus 1 (gnuv3_make_method_ptr) and prints
 * that as any ("&virtual table offset 2", or the method whose slot that
 * number divided by 8 is). */
static bool virtual_method_ptr(const struct cx_val *v, struct src_sbuf *b)
{
	Dwarf_Die m = v->ty.die, cls;
	Dwarf_Attribute a;
	Dwarf_Word virt = 0;
	uint64_t idx;

	if (v->ty.kind != CT_DIE || v->ty.nptr != 1 || dwarf_tag(&m) != DW_TAG_subprogram ||
	    !dwarf_attr_integrate(&m, DW_AT_virtuality, &a) || dwarf_formudata(&a, &virt) ||
	    !virt || !src_vtable_index(&m, &idx) || !this_class(&m, &cls))
		return false;
	src_virtual_ptmf_text(&cls, idx | 1, 0, b);
	return true;
}

/* A made-up integer ("int", a char literal without a char type). */
static void int_text(struct cx *x, const struct cx_val *v, struct src_sbuf *b)
{
	uint64_t u;
	bool sign;

	if (cx_scalar(x, v, &u, &sign))
		return;
	if (sign && v->ty.size < 8 && (u >> (v->ty.size * 8 - 1) & 1))
		u |= ~(uint64_t)0 << (v->ty.size * 8);
	else if (v->ty.size < 8)
		u &= ((uint64_t)1 << (v->ty.size * 8)) - 1;
	if (v->ty.reg == CX_REG_EFLAGS) {
		cx_eflags_text(u, b);
		return;
	}
	if (v->ty.name && !strcmp(v->ty.name, "bool") && u <= 1) {
		src_sb_str(b, u ? "true" : "false");
		return;
	}
	if (sign)
		src_sb_fmt(b, "%" PRId64, (int64_t)u);
	else
		src_sb_fmt(b, "%" PRIu64, u);
	if (v->ty.size == 1 && v->ty.reg != CX_REG_NOTEXT) {
		uint8_t ch = (uint8_t)u;

		if (ch >= 32 && ch < 127 && ch != '\'' && ch != '\\')
			src_sb_fmt(b, " '%c'", ch);
		else
			src_sb_fmt(b, " '\\%03o'", ch);
	}
}

static int value_text(struct cx *x, const struct cx_val *v, bool top, struct src_sbuf *b);

/* gdb's v@n under its default print settings (src_ctx.gdb_print): a
 * string for chars, NULs and all, else {a, b <repeats 12 times>, c}
 * (200 elements at most, then "..."). */
static int repeat_text(struct cx *x, const struct cx_val *v, struct src_sbuf *b)
{
	struct cx_type et;
	struct cx_val e;
	Dwarf_Die p;
	uint64_t i, shown, n = v->ty.arr_n, esize;
	const char *prefix = "";

	cx_target(&v->ty, &et);
	esize = cx_size(&et);
	if (et.kind == CT_DIE && !et.nptr && !x->c->fmt && cx_class_of(&et, &p) == CL_INT &&
	    (src_is_char_type(&p) || src_wide_char_kind(&p, &prefix))) {
		size_t w = src_is_char_type(&p) ? 1 : src_wide_char_kind(&p, &prefix);
		uint8_t *buf = malloc(n ? n * w : 1);
		int r = 0;

		if (!buf)
			return -ENOMEM;
		if (src_vread(x->c, &v->v, 0, buf, n * w))
			r = cx_fail(x, "Cannot access memory at address 0x%" PRIx64, v->v.addr);
		else
			src_gdb_wstring_text(b, buf, n, w, w == 1 ? "" : prefix, false);
		free(buf);
		return r;
	}
	src_sb_str(b, "{");
	for (i = 0, shown = 0; i < n && shown < SRC_MAX_ELEMS && !b->full; i++) {
		uint64_t run = v->v.in_mem ? src_run_length(x->c, &v->v, i * esize, esize, n - i)
					   : 1;

		if (i)
			src_sb_str(b, ", ");
		if (cx_index(x, v, (int64_t)i, &e) || value_text(x, &e, false, b))
			return -EINVAL;
		src_repeats_after(b, run, &i, &shown);
	}
	src_sb_str(b, i < n ? "...}" : "}");
	return 0;
}

/* print/FMT (x->c->fmt) of a scalar cexpr made or a pointer: its letter's
 * text (no "(type) " before a pointer); 1 for a value format.c prints
 * (a DWARF-typed integer, an aggregate) or cx_vec_text ($xmm0). */
static int letter_text(struct cx *x, const struct cx_val *v, struct src_sbuf *b)
{
	enum cx_class k = cx_class_of(&v->ty, NULL);
	enum src_scalar sk = SRC_SC_INT;
	uint8_t raw[16] = { 0 };
	size_t size = 8;
	uint64_t u = 0;
	bool sign = false;

	if (v->ty.reg == CX_REG_VEC && !v->ty.nptr)
		return 1; /* cx_vec_text's elements */
	if (k == CL_FUNC && !v->ty.nptr) {
		/* gdb reads a function's first byte: p/x main is 0x55 */
		sk = SRC_SC_FUNC;
		size = 1;
		if (x->c->fmt != 'c' && x->c->fmt != 'a' &&
		    src_ctx_read(x->c, v->v.addr, raw, 1) != 1)
			return cx_fail(x, "Cannot access memory at address 0x%" PRIx64, v->v.addr);
	} else if (v->ty.nptr || k == CL_PTR) {
		sk = SRC_SC_PTR;
		if (cx_scalar(x, v, &u, &sign))
			return -EINVAL;
		memcpy(raw, &u, 8);
	} else if (v->ty.kind == CT_INT) {
		if (cx_scalar(x, v, &u, &sign))
			return -EINVAL;
		size = v->ty.size;
		sign = v->ty.sign;
		memcpy(raw, &u, 8);
	} else if (v->ty.kind == CT_FLOAT) {
		sk = SRC_SC_FLOAT;
		size = v->ty.size;
		sign = true;
		memcpy(raw, v->v.bytes, size < 16 ? size : 16);
	} else {
		return 1;
	}
	if (src_fmt_scalar(x->c, x->c->fmt, raw, size, sk, sign, b))
		return cx_fail(x, "Value can't be converted to integer.");
	return 0;
}

/* A CT_SYN aggregate ($_siginfo): {a = 1, b = {...}}, _pad's ints
 * {1, 2, 0 <repeats 26 times>}. */
static int syn_text(struct cx *x, const struct cx_val *v, struct src_sbuf *b)
{
	const struct cx_syn *n = v->ty.syn;
	struct cx_val kid;
	size_t k, run;

	src_sb_str(b, "{");
	for (k = 0; k < n->n; k += run) {
		run = 1;
		if (cx_syn_kid(v, k, &kid))
			break;
		src_sb_str(b, k ? ", " : "");
		if (n->kind != CX_SYN_INTS)
			src_sb_fmt(b, "%s = ", n->kids[k].name);
		if (value_text(x, &kid, false, b))
			return -EINVAL;
		while (n->kind == CX_SYN_INTS && k + run < n->n &&
		       !memcmp(v->v.bytes + k * 4, v->v.bytes + (k + run) * 4, 4))
			run++;
		if (run > SRC_REPEATS)
			src_sb_fmt(b, " <repeats %zu times>", run);
		else
			run = 1;
	}
	src_sb_str(b, "}");
	return 0;
}

/* The text of v into b; top: as `print` shows the whole value.  0, or
 * -EINVAL with gdb's message (top only: inside, errors are text). */
static int value_text(struct cx *x, const struct cx_val *v, bool top, struct src_sbuf *b)
{
	enum cx_class k = cx_class_of(&v->ty, NULL);
	uint64_t size = cx_size(&v->ty);

	if (v->optout) {
		src_sb_str(b, "<optimized out>");
		return 0;
	}
	if (v->ty.kind == CT_VOID && !v->ty.nptr && v->ty.reg == CX_REG_CODE) {
		/* *$pc: gdb's code at an address */
		src_sb_str(b, v->ty.cplus_code ? "{void (void)} " : "{void ()} ");
		src_pointer_text(x->c, NULL, v->v.addr, b);
		return 0;
	}
	if (v->ty.kind == CT_VOID && !v->ty.nptr) {
		src_sb_str(b, "void");
		return 0;
	}
	if (v->ty.kind == CT_SYN && !v->ty.nptr)
		return syn_text(x, v, b);
	if (v->v.in_mem && size > SRC_MAX_VALUE_SIZE) {
		if (top)
			return cx_fail(x, "value requires %" PRIu64 " bytes, which is more "
				       "than max-value-size", size);
		src_sb_str(b, "<error: value is too large>");
		return 0;
	}
	if (v->v.in_mem && size) {
		uint8_t *tmp = malloc(size);
		bool ok = tmp && src_vread(x->c, &v->v, 0, tmp, size) == 0;

		free(tmp);
		if (!ok && top)
			return cx_fail(x, "Cannot access memory at address 0x%" PRIx64, v->v.addr);
		if (!ok) {
			src_sb_fmt(b, "<error: Cannot access memory at address 0x%" PRIx64 ">",
				   v->v.addr);
			return 0;
		}
	}
	if (x->c->fmt && !v->ty.arr_n) {
		int r = letter_text(x, v, b);

		if (r <= 0)
			return r;
	}
	if (v->ty.arr_n)
		return repeat_text(x, v, b);
	if (top && k == CL_REF) {
		/* a printer applies to a reference as to its target: gdb shows
		 * no "(const std::vector<int> &) @0x...:" before its text */
		struct cx_val t = *v;

		if (cx_coerce_ref(x, &t) == 0 && cx_std_printed(&t))
			return value_text(x, &t, false, b);
		x->failed = false;
	}
	if (k == CL_FUNC && !v->ty.nptr) {
		/* gdb: {int (struct node *)} 0x401136 <tally> */
		char *tn = type_text(&v->ty);

		src_sb_fmt(b, "{%s} ", tn ? tn : "?");
		free(tn);
		src_pointer_text(x->c, NULL, v->v.addr, b);
		return 0;
	}
	if (top && virtual_method_ptr(v, b))
		return 0;
	if (top && (k == CL_PTR || k == CL_REF) && (v->ty.ref || !plain_char_pointer(&v->ty))) {
		char *tn = type_text(&v->ty);

		src_sb_fmt(b, "(%s) ", tn ? tn : "?");
		free(tn);
	}
	if (v->ty.ref) {
		/* a cast's reference: gdb's "@0x7ffe...: {...}" after its type */
		struct cx_val t = *v;

		if (cx_coerce_ref(x, &t))
			return -EINVAL;
		src_sb_fmt(b, "@0x%" PRIx64 ": ", t.v.addr);
		return value_text(x, &t, false, b);
	}
	if (v->ty.reg == CX_REG_VEC && !v->ty.nptr) {
		cx_vec_text(x->c, v, b);
	} else if (v->ty.kind == CT_INT && !v->ty.nptr) {
		int_text(x, v, b);
	} else if (v->ty.kind == CT_FLOAT && !v->ty.nptr) {
		src_float_text(v->v.bytes, v->ty.size, b);
	} else if (v->ty.nptr) {
		uint64_t p = 0;
		bool sign;

		if (cx_scalar(x, v, &p, &sign))
			return -EINVAL;
		src_pointer_text(x->c, v->ty.nptr == 1 && v->ty.kind == CT_DIE ?
				 (Dwarf_Die *)&v->ty.die : NULL, p, b);
	} else {
		Dwarf_Die p;
		char *t = v->ty.dim > 0 && cx_class_of(&v->ty, &p) == CL_ARRAY ?
			  src_subarray_text(x->c, &p, v->ty.dim, &v->v) :
			  src_value_text(x->c, (Dwarf_Die *)&v->ty.die, &v->v);

		if (!t)
			return -ENOMEM;
		src_sb_str(b, t);
		free(t);
	}
	return 0;
}

/* ---- children ------------------------------------------------------------- */

/* Is e a chain of names, members and subscripts ("a.b->c[i+1]")?  Then
 * a child's expression needs no parentheses around it. */
bool cx_simple_expr(const char *e)
{
	int depth = 0;

	if (!(*e == '_' || (*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z')))
		return false;
	for (; *e; e++) {
		if (*e == '[')
			depth++;
		else if (*e == ']')
			depth--;
		else if (depth)
			continue;
		else if (*e == '-' && e[1] == '>')
			e++;
		else if (!(*e == '_' || *e == '.' || (*e >= 'a' && *e <= 'z') ||
			   (*e >= 'A' && *e <= 'Z') || (*e >= '0' && *e <= '9')))
			return false;
	}
	return depth == 0;
}

char *cx_member_expr(const char *e, const char *m)
{
	char *out = NULL;
	int r;

	if (cx_simple_expr(e))
		r = asprintf(&out, "%s.%s", e, m);
	else if (e[0] == '*' && cx_simple_expr(e + 1))
		r = asprintf(&out, "%s->%s", e + 1, m);
	else
		r = asprintf(&out, "(%s).%s", e, m);
	return r < 0 ? NULL : out;
}

static uint64_t array_count(const struct cx_type *t)
{
	Dwarf_Die p;
	uint64_t dims[8];

	if (t->arr_n)
		return t->arr_n;
	if (cx_class_of(t, &p) != CL_ARRAY || t->dim >= src_array_bounds(&p, dims, 8))
		return 0;
	return dims[t->dim];
}

/* Calls fn for each data member and base class of struct type st, the
 * type of v (a virtual base's offset is read from its vtable; left out
 * where it cannot be read). */
static int each_field(struct cx *x, const struct cx_val *v, Dwarf_Die *st,
		      int (*fn)(void *ctx, Dwarf_Die *m, uint64_t off), void *ctx)
{
	Dwarf_Die ch;
	int r;

	if (dwarf_child(st, &ch) != 0)
		return 0;
	do {
		int tag = dwarf_tag(&ch);
		uint64_t off;

		if (tag != DW_TAG_member && tag != DW_TAG_inheritance)
			continue;
		if (dwarf_hasattr(&ch, DW_AT_external) || dwarf_hasattr(&ch, DW_AT_declaration))
			continue;
		if (!cx_member_offset(&ch, &off) &&
		    (tag != DW_TAG_inheritance || src_base_offset(x->c, &ch, &v->v, 0, &off)))
			continue;
		r = fn(ctx, &ch, off);
		if (r)
			return r;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return 0;
}

static int count_field(void *ctx, Dwarf_Die *m, uint64_t off)
{
	(void)m;
	(void)off;
	++*(uint64_t *)ctx;
	return 0;
}

/* How many children v shows: members, elements, or a pointer's target. */
static uint64_t child_count(struct cx *x, const struct cx_val *vin)
{
	struct cx_val v = *vin;
	struct cx_type t;
	Dwarf_Die st;
	uint64_t n = 0, p;
	bool sign;
	enum cx_class k;

	if (v.optout || cx_coerce_ref(x, &v))
		goto none;
	k = cx_class_of(&v.ty, &st);
	if (k == CL_STRUCT && cx_std_vector_len(x, &v, &n) == 0)
		; /* its elements, not its _Vector_base */
	else if (k == CL_STRUCT && (x->failed = false, cx_std_count(x, &v, &n) == 0))
		; /* a container's elements, as gdb's pretty printer lists them */
	else if (k == CL_STRUCT)
		each_field(x, &v, &st, count_field, &n);
	else if (k == CL_ARRAY)
		n = array_count(&v.ty);
	else if (k == CL_PTR && cx_target(&v.ty, &t) && cx_class_of(&t, NULL) != CL_VOID &&
		 cx_class_of(&t, NULL) != CL_FUNC && cx_scalar(x, &v, &p, &sign) == 0 && p)
		n = 1;
none:
	x->failed = false;
	return n;
}

struct kids {
	struct cx *x;
	const struct cx_val *v;
	const char *expr;
	uint64_t first, count, i;
	struct hs_src_value *out;
	size_t n;
};

/* Fills one child: cv's text, type, place, and its own children count. */
static int put_child(struct kids *k, const struct cx_val *cv, char *name, char *expr)
{
	struct hs_src_value *o = &k->out[k->n++];
	struct src_sbuf *b = malloc(sizeof *b);
	int r = 0;

	o->name = name;
	o->expr = expr;
	if (!b || !name || !expr) {
		free(b);
		return -ENOMEM;
	}
	sb_init(b);
	if (cv) {
		r = value_text(k->x, cv, false, b);
		o->type = type_text(&cv->ty);
		o->in_mem = cv->v.in_mem;
		o->addr = cv->v.addr;
		o->size = cx_size(&cv->ty);
		o->n_children = child_count(k->x, cv);
	} else {
		src_sb_fmt(b, "<error: %s>", k->x->err);
		o->type = strdup("");
	}
	k->x->failed = false;
	o->value = strdup(b->buf);
	free(b);
	if (r == -ENOMEM || !o->value || !o->type)
		return -ENOMEM;
	return 0;
}

static int field_child(void *ctx, Dwarf_Die *m, uint64_t off)
{
	struct kids *k = ctx;
	struct cx_val cv;
	char *name = NULL, *expr = NULL;
	bool base = dwarf_tag(m) == DW_TAG_inheritance;

	if (k->i++ < k->first || k->n >= k->count)
		return 0;
	if (base) {
		Dwarf_Die bt;
		char *tn = src_die_type(m, &bt) ? src_type_name(&bt) : NULL;

		if (tn && asprintf(&name, "<%s>", tn) >= 0 &&
		    asprintf(&expr, cx_simple_expr(k->expr) ? "(%s)%s" : "(%s)(%s)", tn,
			     k->expr) < 0)
			expr = NULL;
		free(tn);
	} else {
		const char *mn = dwarf_diename(m);

		name = strdup(mn ? mn : "<anonymous>");
		expr = mn ? cx_member_expr(k->expr, mn) : strdup(k->expr);
	}
	if (cx_member_at(k->x, k->v, m, off, &cv))
		return put_child(k, NULL, name, expr);
	return put_child(k, &cv, name, expr);
}

static int std_child(void *ctx, const struct cx_val *cv, char *name, char *expr)
{
	struct kids *k = ctx;

	if (k->n >= k->count) {
		free(name);
		free(expr);
		return 0;
	}
	return put_child(k, cv, name, expr);
}

static int children(struct cx *x, const struct cx_val *vin, const char *expr, uint64_t first,
		    uint64_t count, struct hs_src_eval *out)
{
	struct kids k = { .x = x, .expr = expr, .first = first };
	struct cx_val v = *vin, cv;
	uint64_t total = child_count(x, vin), i;
	Dwarf_Die st;
	enum cx_class cl;
	int r = 0;

	if (first >= total || !count)
		return 0;
	if (count > CX_PAGE_MAX)
		count = CX_PAGE_MAX;
	if (count > total - first)
		count = total - first;
	k.count = count;
	k.out = calloc(count, sizeof *k.out);
	if (!k.out)
		return -ENOMEM;
	out->children = k.out;
	if (cx_coerce_ref(x, &v))
		return 0;
	k.v = &v;
	cl = cx_class_of(&v.ty, &st);
	if (cl == CL_STRUCT && cx_std_vector_len(x, &v, &i) == 0) {
		cl = CL_ARRAY; /* v[i], as cx_index reads it */
		x->failed = false;
	}
	if (cl == CL_STRUCT && cx_std_count(x, &v, &i) == 0) {
		r = cx_std_children(x, &v, expr, first, count, std_child, &k);
	} else if (cl == CL_STRUCT) {
		x->failed = false;
		r = each_field(x, &v, &st, field_child, &k);
	} else if (cl == CL_ARRAY) {
		for (i = first; i < first + count && !r; i++) {
			char *name = NULL, *e = NULL;

			if (asprintf(&name, "[%" PRIu64 "]", i) < 0)
				name = NULL;
			if (asprintf(&e, cx_simple_expr(expr) ? "%s[%" PRIu64 "]" :
				     "(%s)[%" PRIu64 "]", expr, i) < 0)
				e = NULL;
			r = put_child(&k, cx_index(x, &v, (int64_t)i, &cv) ? NULL : &cv, name, e);
		}
	} else {
		char *name = NULL, *e = NULL;

		if (asprintf(&e, cx_simple_expr(expr) ? "*%s" : "*(%s)", expr) < 0)
			e = NULL;
		name = e ? strdup(e) : NULL;
		r = put_child(&k, cx_deref(x, &v, &cv) ? NULL : &cv, name, e);
	}
	out->n_children = k.n;
	return r;
}

/* ---- the entry --------------------------------------------------------------- */

static void value_release(struct hs_src_value *v)
{
	free(v->name);
	free(v->expr);
	free(v->type);
	free(v->value);
}

void hs_src_eval_release(struct hs_src_eval *e)
{
	if (!e)
		return;
	free(e->error);
	value_release(&e->v);
	for (size_t i = 0; i < e->n_children; i++)
		value_release(&e->children[i]);
	free(e->children);
	memset(e, 0, sizeof *e);
}

/* Where names are looked up at c->pc: its compile unit and scopes. */
static void scopes_at(struct cx *x)
{
	struct src_ctx *c = x->c;
	Dwarf_Addr bias;
	Dwarf_Die *cu;

	x->f = x->first = 0;
	if (!c->m || !c->m->dw || !(cu = src_cu_at(c->m, c->pc, &bias)))
		return;
	c->bias = bias;
	x->cu = *cu;
	x->have_cu = true;
	x->nscopes = dwarf_getscopes(cu, c->pc - bias, &x->scopes);
	if (x->nscopes < 0)
		x->nscopes = 0;
	x->f = src_frame_scope(&x->scopes, &x->nscopes, c->tg->hide_inline, &x->first);
	/* the frame base lives on the concrete out-of-line subprogram */
	if (src_frame_func(x->scopes, x->nscopes, x->f, &x->func) == 0)
		c->func = &x->func;
}

static int eval_top(struct cx *x, const char *expr, uint64_t first, uint64_t count,
		    struct hs_src_eval *out)
{
	struct src_sbuf *b = malloc(sizeof *b);
	struct cx_val v;
	int r;

	if (!b)
		return -ENOMEM;
	sb_init(b);
	r = cx_eval(x, &v);
	if (!r && v.msym)
		r = cx_coerce_ref(x, &v); /* gdb's "'x' has unknown type" */
	if (!r)
		r = value_text(x, &v, true, b);
	if (r == -EINVAL) {
		out->wants_outer = x->wants_outer;
		out->error = strdup(x->err);
		r = out->error ? 0 : -ENOMEM;
		goto out;
	}
	if (r)
		goto out;
	out->v.expr = strdup(expr);
	out->v.value = strdup(b->buf);
	out->v.type = type_text(&v.ty);
	out->v.in_mem = v.v.in_mem;
	out->v.addr = v.v.addr;
	out->v.size = cx_size(&v.ty);
	out->v.n_children = child_count(x, &v);
	if (!out->v.expr || !out->v.value || !out->v.type) {
		r = -ENOMEM;
		goto out;
	}
	r = children(x, &v, expr, first, count, out);
out:
	free(b);
	return r;
}

/* gdb's print/FMT (print_command_parse_format, decode_format): "/x e"
 * gives *fmt 'x' (0: the default print, /s and /r too) and *rest e; its
 * errors into err.  0 or -EINVAL. */
static int print_format(const char *expr, char *fmt, const char **rest, char *err, size_t cap)
{
	const char *p = expr;
	bool count = false;
	char size = 0, f = 0;

	*fmt = 0;
	*rest = expr;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '/')
		return 0;
	if (p[1] >= '0' && p[1] <= '9')
		count = strtol(p + 1, NULL, 10) != 1; /* gdb's atoi */
	for (p++; *p >= '0' && *p <= '9'; p++)
		;
	for (; *p >= 'a' && *p <= 'z'; p++) {
		if (*p == 'b' || *p == 'h' || *p == 'w' || *p == 'g')
			size = *p;
		else if (*p != 'r')
			f = *p;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	*rest = p;
	if (size) {
		snprintf(err, cap, "Size letters are meaningless in \"print\" command.");
		return -EINVAL;
	}
	if (count) {
		snprintf(err, cap, "Item count other than 1 is meaningless in \"print\" command.");
		return -EINVAL;
	}
	if (f == 'i') {
		snprintf(err, cap, "Format letter \"i\" is meaningless in \"print\" command.");
		return -EINVAL;
	}
	if (f && f != 's' && !src_fmt_letter_ok(f)) {
		snprintf(err, cap, "Undefined output format \"%c\".", f);
		return -EINVAL;
	}
	*fmt = f == 's' ? 0 : f;
	return 0;
}

int hs_src_eval(struct hs_src *s, const struct hs_src_target *tg, const char *expr,
		uint64_t first, uint64_t count, struct hs_src_eval *out)
{
	struct src_ctx c = { .s = s, .tg = tg };
	struct cx x = { .c = &c, .text = expr };
	struct src_ctx *prev;
	int r;

	if (!s || !tg || !tg->regs || !tg->read_mem || !expr || !out || !s->finished)
		return -EINVAL;
	memset(out, 0, sizeof *out);
	if (print_format(expr, &c.fmt, &x.text, x.err, sizeof x.err)) {
		out->error = strdup(x.err);
		return out->error ? 0 : -ENOMEM;
	}
	expr = x.text;
	c.regs = tg->regs;
	c.pc = tg->regs->rip;
	c.pretty = cx_std_pretty; /* locals/ prints without them */
	c.gdb_print = true;       /* gdb's defaults (locals/: null-stop on, repeats unlimited) */
	c.m = src_mod_find(s, c.pc);
	c.pages = malloc(SRC_NPAGES * sizeof *c.pages);
	if (!c.pages)
		return -ENOMEM;
	for (int i = 0; i < SRC_NPAGES; i++)
		c.pages[i].addr = UINT64_MAX;
	pthread_mutex_lock(&s->dw_lock);
	scopes_at(&x);
	prev = src_bounds_frame(&c); /* variable-length arrays: this frame's */
	r = eval_top(&x, expr, first, count, out);
	src_bounds_frame(prev);
	pthread_mutex_unlock(&s->dw_lock);
	free(x.scopes);
	free(c.pages);
	if (r)
		hs_src_eval_release(out);
	return r;
}

int hs_src_globals(struct hs_src *s, uint64_t pc, char ***names, size_t *n)
{
	struct src_mod *m = src_mod_find(s, pc);
	Dwarf_Addr bias;
	Dwarf_Die *cu, ch;
	char **v = NULL;
	size_t k = 0, cap = 0;
	int r = 0;

	*names = NULL;
	*n = 0;
	if (!m || !m->dw)
		return -ENODATA;
	pthread_mutex_lock(&s->dw_lock);
	cu = src_cu_at(m, pc, &bias);
	if (!cu || dwarf_child(cu, &ch) != 0) {
		r = cu ? 0 : -ENODATA;
		goto out;
	}
	do {
		const char *name = dwarf_diename(&ch);

		if (dwarf_tag(&ch) != DW_TAG_variable || !name || !dwarf_hasattr(&ch, DW_AT_location))
			continue;
		if (hs_grow((void **)&v, &cap, k + 1, sizeof(*v))) {
			r = -ENOMEM;
			break;
		}
		v[k] = strdup(name);
		if (!v[k]) {
			r = -ENOMEM;
			break;
		}
		k++;
	} while (dwarf_siblingof(&ch, &ch) == 0);
out:
	pthread_mutex_unlock(&s->dw_lock);
	if (r) {
		while (k)
			free(v[--k]);
		free(v);
		return r;
	}
	*names = v;
	*n = k;
	return 0;
}
