/* types.c - fs/source: C and C++ type names, C++ scopes, capped text.
 *
 * Type names are C's ("struct account *", "char [16]") or, in a C++
 * compile unit, gdb's ("Fruit &", "std::vector<int, std::allocator<int> >",
 * "int (P::*)(const P * const)").  Callers hold s->dw_lock.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cexpr_i.h"

/* ---- a capped text buffer ---------------------------------------------- */

void src_sb_put(struct src_sbuf *b, const char *p, size_t n)
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

void src_sb_str(struct src_sbuf *b, const char *p)
{
	src_sb_put(b, p, strlen(p));
}

void src_sb_fmt(struct src_sbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		src_sb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---- types ----------------------------------------------------------------- */

bool src_die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out);
}

/* Strips typedefs and cv-qualifiers. */
bool src_peel(Dwarf_Die *t, Dwarf_Die *out)
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

uint64_t src_type_size(Dwarf_Die *t)
{
	Dwarf_Word w;

	return dwarf_aggregate_size(t, &w) == 0 ? w : 0;
}

/* ---- C++ scopes ---------------------------------------------------------- */

/* True when die is in a C++ compile unit: names are then qualified
 * ("std::vector<int, std::allocator<int> >") and written without the C
 * tag keyword, as gdb does. */
bool src_die_cplus(Dwarf_Die *die)
{
	Dwarf_Die cu;
	int lang;

	if (!dwarf_diecu(die, &cu, NULL, NULL))
		return false;
	lang = dwarf_srclang(&cu);
	return lang == DW_LANG_C_plus_plus || lang == DW_LANG_C_plus_plus_03 ||
	       lang == DW_LANG_C_plus_plus_11 || lang == DW_LANG_C_plus_plus_14;
}

/* A C++ name as gdb writes it: gcc names template arguments of integer
 * types "long unsigned int", gdb's canonical form (cp_canonicalize_string)
 * is "unsigned long" ("std::allocator<unsigned long>"). */
static void sb_cplus_name(struct src_sbuf *b, const char *name)
{
	static const char *const canon[][2] = {
		{ "long long unsigned int", "unsigned long long" },
		{ "long long int", "long long" },
		{ "long unsigned int", "unsigned long" },
		{ "short unsigned int", "unsigned short" },
		{ "short int", "short" },
		{ "long int", "long" },
	};
	const char *p = name;

	if (!strchr(name, '<')) {
		src_sb_str(b, name);
		return;
	}
	while (*p) {
		size_t i, k = 0;

		if (p == name || !(isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			for (i = 0; i < sizeof canon / sizeof canon[0]; i++) {
				k = strlen(canon[i][0]);
				if (!strncmp(p, canon[i][0], k) &&
				    !(isalnum((unsigned char)p[k]) || p[k] == '_')) {
					src_sb_str(b, canon[i][1]);
					break;
				}
				k = 0;
			}
		if (k) {
			p += k;
			continue;
		}
		src_sb_put(b, p++, 1);
	}
}

/* The "a::b::" prefix of the scopes (namespaces, classes) that hold die,
 * as gdb qualifies C++ names; with self, die's own name too.  A
 * definition outside its class (DW_AT_specification) takes the scopes of
 * its declaration. */
void src_scope_prefix(Dwarf_Die *die, bool self, struct src_sbuf *b)
{
	Dwarf_Die *scopes = NULL, spec;
	Dwarf_Attribute a;
	int n, i;

	if (dwarf_attr(die, DW_AT_specification, &a) && dwarf_formref_die(&a, &spec))
		die = &spec;
	n = dwarf_getscopes_die(die, &scopes);
	for (i = n - 1; i >= (self ? 0 : 1); i--) {
		int tag = dwarf_tag(&scopes[i]);
		const char *name = dwarf_diename(&scopes[i]);

		if (tag == DW_TAG_namespace)
			src_sb_str(b, name ? name : "(anonymous namespace)");
		else if ((tag == DW_TAG_structure_type || tag == DW_TAG_class_type ||
			  tag == DW_TAG_union_type || tag == DW_TAG_enumeration_type) &&
			 name)
			sb_cplus_name(b, name);
		else
			continue;
		src_sb_str(b, "::");
	}
	free(scopes);
}

/* die's name, qualified in C++ ("std::allocator<int>"). */
void src_qualified_name(Dwarf_Die *die, bool cplus, struct src_sbuf *b)
{
	const char *name = dwarf_diename(die);

	if (cplus) {
		src_scope_prefix(die, false, b);
		sb_cplus_name(b, name ? name : "{...}");
		return;
	}
	src_sb_str(b, name ? name : "{...}");
}

static void type_name_rec(Dwarf_Die *t, struct src_sbuf *pre, struct src_sbuf *post,
			  int depth, bool cplus);

/* Array dimensions "[N][M]" of array type t into b. */
static void array_dims(Dwarf_Die *t, struct src_sbuf *b)
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
			src_sb_fmt(b, "[%" PRIu64 "]", (uint64_t)w);
		else if (dwarf_attr(&child, DW_AT_upper_bound, &a) &&
			 !dwarf_formudata(&a, &w))
			src_sb_fmt(b, "[%" PRIu64 "]", (uint64_t)w + 1);
		else
			src_sb_str(b, "[]");
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* A pointer to member's name: "int P::*", "int (P::*)(const P * const)". */
static void ptm_type_name(Dwarf_Die *t, Dwarf_Die *sub, struct src_sbuf *pre,
			  struct src_sbuf *post, int depth, bool cplus)
{
	Dwarf_Die cls, pt;
	struct src_sbuf p2, q2, cn;
	Dwarf_Attribute ca;

	p2.len = q2.len = cn.len = 0;
	p2.full = q2.full = cn.full = false;
	p2.buf[0] = q2.buf[0] = cn.buf[0] = 0;
	if (dwarf_attr(t, DW_AT_containing_type, &ca) && dwarf_formref_die(&ca, &cls))
		src_qualified_name(&cls, cplus, &cn);
	if (!sub) {
		src_sb_str(pre, "void ");
		src_sb_str(pre, cn.buf);
		src_sb_str(pre, "::*");
		return;
	}
	type_name_rec(sub, &p2, &q2, depth + 1, cplus);
	if (src_peel(sub, &pt) && dwarf_tag(&pt) == DW_TAG_subroutine_type) {
		src_sb_str(pre, p2.buf);
		src_sb_str(pre, "(");
		src_sb_str(pre, cn.buf);
		src_sb_str(pre, "::*");
		src_sb_str(post, ")");
		src_sb_str(post, q2.buf);
		return;
	}
	src_sb_str(pre, p2.buf);
	if (p2.len && p2.buf[p2.len - 1] != '*')
		src_sb_str(pre, " ");
	src_sb_str(pre, cn.buf);
	src_sb_str(pre, "::*");
	src_sb_str(post, q2.buf);
}

static void type_name_rec(Dwarf_Die *t, struct src_sbuf *pre, struct src_sbuf *post,
			  int depth, bool cplus);

static void sb_init(struct src_sbuf *b)
{
	b->len = 0;
	b->full = false;
	b->buf[0] = 0;
}

/* The space between a type's text before the name and what a declarator
 * adds there: "char *" + "[2]" and "int (*" + "(*" stay together,
 * "int" + " [3]" and "int" + " (*" do not. */
static void sb_sep(struct src_sbuf *pre)
{
	char last = pre->len ? pre->buf[pre->len - 1] : ' ';

	if (last != ' ' && last != '*' && last != '(' && last != '&')
		src_sb_str(pre, " ");
}

/* A function type t (returning sub; NULL: void): the return type around
 * the name and the parameters ("int (*(int))(int)", a function that
 * returns a function pointer). */
static void func_type_name(Dwarf_Die *t, Dwarf_Die *sub, struct src_sbuf *pre,
			   struct src_sbuf *post, int depth, bool cplus)
{
	Dwarf_Die child;
	struct src_sbuf rp, rq;
	bool first = true;

	/* the return type around the name and the parameters: "int
	 * (*(int))(int)", a function returning a function pointer */
	sb_init(&rp);
	sb_init(&rq);
	if (sub)
		type_name_rec(sub, &rp, &rq, depth + 1, cplus);
	else
		src_sb_str(&rp, "void");
	src_sb_str(pre, rp.buf);
	sb_sep(pre);
	src_sb_str(post, "(");
	if (dwarf_child(t, &child) == 0) {
		do {
			Dwarf_Die pt;
			struct src_sbuf p2, q2;

			if (dwarf_tag(&child) == DW_TAG_unspecified_parameters) {
				src_sb_str(post, first ? "..." : ", ...");
				first = false;
				continue;
			}
			if (dwarf_tag(&child) != DW_TAG_formal_parameter ||
			    !src_die_type(&child, &pt))
				continue;
			sb_init(&p2);
			sb_init(&q2);
			type_name_rec(&pt, &p2, &q2, depth + 1, cplus);
			/* gdb makes a method's artificial `this` a const
			 * pointer ("int (P::*)(const P * const)") */
			if (cplus && dwarf_hasattr(&child, DW_AT_artificial) &&
			    dwarf_tag(&pt) == DW_TAG_pointer_type)
				src_sb_str(&p2, " const");
			if (!first)
				src_sb_str(post, ", ");
			src_sb_str(post, p2.buf);
			src_sb_str(post, q2.buf);
			first = false;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	src_sb_str(post, first && !cplus ? "void)" : ")");
	src_sb_str(post, rq.buf);
}

/* C declarator order: pre holds what goes before the name, post what
 * goes after ("char (*)[16]": pre "char (*", post ")[16]").  A
 * declarator's own part sits next to the name, inside its target's
 * ("int (*(*)[3])(int)": the pointer's "(*" and ")" inside the array's
 * "[3]", inside its element's "(*" ... ")(int)"). */
static void type_name_rec(Dwarf_Die *t, struct src_sbuf *pre, struct src_sbuf *post,
			  int depth, bool cplus)
{
	Dwarf_Die sub;
	const char *name = dwarf_diename(t);
	int tag = dwarf_tag(t);
	bool has_sub = src_die_type(t, &sub);

	if (depth > 16) {
		src_sb_str(pre, "?");
		return;
	}
	switch (tag) {
	case DW_TAG_base_type:
		src_sb_str(pre, name ? name : "?");
		return;
	case DW_TAG_typedef:
		if (cplus && name)
			src_qualified_name(t, cplus, pre);
		else
			src_sb_str(pre, name ? name : "?");
		return;
	case DW_TAG_unspecified_type:
		src_sb_str(pre, name ? name : "void");
		return;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_class_type:
		if (cplus && name) {
			src_qualified_name(t, cplus, pre);
			return;
		}
		src_sb_str(pre, tag == DW_TAG_union_type ? "union " :
		       tag == DW_TAG_enumeration_type ? "enum " : "struct ");
		src_sb_str(pre, name ? name : "{...}");
		return;
	case DW_TAG_ptr_to_member_type:
		ptm_type_name(t, has_sub ? &sub : NULL, pre, post, depth, cplus);
		return;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type: {
		Dwarf_Die target;
		int ttag = has_sub ? dwarf_tag(&sub) : 0;
		struct src_sbuf p2, q2;

		if (!has_sub) {
			src_sb_str(pre, "void *");
			return;
		}
		sb_init(&p2);
		sb_init(&q2);
		target = sub;
		if (ttag == DW_TAG_array_type || ttag == DW_TAG_subroutine_type) {
			type_name_rec(&target, &p2, &q2, depth + 1, cplus);
			src_sb_str(pre, p2.buf);
			sb_sep(pre);
			src_sb_str(pre, "(*");
			src_sb_str(post, ")");
			src_sb_str(post, q2.buf);
			return;
		}
		type_name_rec(&target, &p2, &q2, depth + 1, cplus);
		src_sb_str(pre, p2.buf);
		if (p2.len && p2.buf[p2.len - 1] != '*')
			src_sb_str(pre, " ");
		src_sb_str(pre, tag == DW_TAG_pointer_type ? "*" :
		       tag == DW_TAG_reference_type ? "&" : "&&");
		src_sb_str(post, q2.buf);
		return;
	}
	case DW_TAG_const_type:
	case DW_TAG_volatile_type: {
		const char *q = tag == DW_TAG_const_type ? "const" : "volatile";

		if (!has_sub) {
			src_sb_fmt(pre, "%s void", q);
			return;
		}
		if (dwarf_tag(&sub) == DW_TAG_pointer_type) {
			type_name_rec(&sub, pre, post, depth + 1, cplus);
			src_sb_fmt(pre, " %s", q);
			return;
		}
		src_sb_fmt(pre, "%s ", q);
		type_name_rec(&sub, pre, post, depth + 1, cplus);
		return;
	}
	case DW_TAG_array_type: {
		struct src_sbuf dims, p2, q2;

		sb_init(&dims);
		sb_init(&p2);
		sb_init(&q2);
		if (has_sub)
			type_name_rec(&sub, &p2, &q2, depth + 1, cplus);
		array_dims(t, &dims);
		src_sb_str(pre, p2.buf);
		sb_sep(pre);
		/* the dimensions next to the name, the element's after: "int
		 * (*[3])(int)" (an array of arrays is one DIE with all its
		 * dimensions in C) */
		src_sb_str(post, dims.buf);
		src_sb_str(post, q2.buf);
		return;
	}
	case DW_TAG_subprogram: /* a function itself (cexpr.c): its type */
	case DW_TAG_subroutine_type:
		func_type_name(t, has_sub ? &sub : NULL, pre, post, depth, cplus);
		return;
	default:
		src_sb_str(pre, name ? name : "?");
		return;
	}
}

/* d with its const and volatile qualifiers taken off: false when a
 * qualifier has no type. */
static bool unqualified(Dwarf_Die *d)
{
	for (int i = 0; i < 8 && (dwarf_tag(d) == DW_TAG_const_type ||
				  dwarf_tag(d) == DW_TAG_volatile_type); i++)
		if (!src_die_type(d, d))
			return false;
	return true;
}

/* The class of method fn (its artificial `this` points to it) into cls:
 * false for a function that is none (a static method too). */
static bool method_class(Dwarf_Die *fn, struct src_sbuf *cls)
{
	Dwarf_Die ch, t;

	if (dwarf_child(fn, &ch) != 0)
		return false;
	while (dwarf_tag(&ch) != DW_TAG_formal_parameter)
		if (dwarf_siblingof(&ch, &ch) != 0)
			return false;
	if (!dwarf_hasattr_integrate(&ch, DW_AT_artificial) || !src_die_type(&ch, &t) ||
	    !unqualified(&t) || dwarf_tag(&t) != DW_TAG_pointer_type || !src_die_type(&t, &t) ||
	    !unqualified(&t))
		return false;
	src_qualified_name(&t, true, cls);
	return cls->len > 0;
}

/* The C name of type t, or of a pointer (nptr levels) to it; a pointer
 * to a method is gdb's pointer to member, "int (Cls::*)(Cls * const)". */
static char *name_text(Dwarf_Die *t, int nptr)
{
	struct src_sbuf *pre = malloc(sizeof *pre), *post = malloc(sizeof *post);
	int tag = t ? dwarf_tag(t) : 0;
	bool wrap = tag == DW_TAG_array_type || tag == DW_TAG_subroutine_type ||
		    tag == DW_TAG_subprogram;
	char *out = NULL;
	size_t n;

	if (!pre || !post)
		goto out;
	sb_init(pre);
	sb_init(post);
	if (t)
		type_name_rec(t, pre, post, 0, src_die_cplus(t));
	else
		src_sb_str(pre, "void");
	if (nptr) {
		/* a pointer to an array or a function: "int (*)[3]",
		 * "int (**)(int)" */
		struct src_sbuf cls;

		sb_init(&cls);
		sb_sep(pre);
		src_sb_str(pre, wrap ? "(" : "");
		if (nptr == 1 && tag == DW_TAG_subprogram && method_class(t, &cls)) {
			src_sb_str(pre, cls.buf);
			src_sb_str(pre, "::");
		}
		for (int k = 0; k < nptr; k++)
			src_sb_str(pre, "*");
		src_sb_str(pre, wrap ? ")" : "");
	}
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

/* The C name of type t ("struct account *", "char [16]"); caller frees. */
char *src_type_name(Dwarf_Die *t)
{
	return name_text(t, 0);
}

char *src_type_ptr_name(Dwarf_Die *t, int nptr)
{
	return name_text(t, nptr);
}
