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

	if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, out))
		return false;
	src_type_unit(out, out);
	return true;
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

/* ---- array bounds ----------------------------------------------------------
 * A variable-length array's bound is a DWARF expression (gcc: DW_OP_fbreg
 * N; DW_OP_deref) or a reference to an artificial variable (clang's
 * __vla_expr0, gcc -O2's), computed in the frame that declares it.  gdb
 * resolves such a type against its selected frame when it makes a value
 * of it (resolve_dynamic_type); here the frame whose values are being
 * evaluated or printed (hs_src_eval, hs_src_locals) is the thread's
 * bounds frame, set around that work under dw_lock. */

static __thread struct src_ctx *bounds_frame;

struct src_ctx *src_bounds_frame(struct src_ctx *c)
{
	struct src_ctx *old = bounds_frame;

	bounds_frame = c;
	return old;
}

/* The integer value of variable DIE d (the artificial variable a bound
 * refers to) in the bounds frame: 0, or -ENODATA. */
static int bound_variable(Dwarf_Die *d, uint64_t *out)
{
	struct src_ctx *c = bounds_frame;
	Dwarf_Die t;
	struct src_vsrc *v;
	uint64_t size = 0;
	int r = -ENODATA;

	if (!c || !src_die_type(d, &t) || (size = src_type_size(&t)) == 0 || size > 8)
		return -ENODATA;
	v = malloc(sizeof *v);
	if (!v)
		return -ENOMEM;
	*out = 0;
	if (src_var_vsrc(c, d, &t, v) == 0 && src_vread(c, v, 0, out, size) == 0)
		r = 0;
	free(v);
	return r;
}

/* The value of a bound given as a DWARF expression (a), as gdb's
 * dwarf2_evaluate_property takes it: the address of the memory location
 * it computes, or the value it leaves. */
static int bound_expr(Dwarf_Attribute *a, uint64_t *out)
{
	struct src_ctx *c = bounds_frame;
	struct src_vsrc *v;
	Dwarf_Op *ops;
	size_t n;
	int r = -ENODATA;

	if (!c || dwarf_getlocation(a, &ops, &n) != 0 || n == 0)
		return -ENODATA;
	v = malloc(sizeof *v);
	if (!v)
		return -ENOMEM;
	if (src_eval_ops(c, a, ops, n, v, 8, 0) == 0) {
		*out = 0;
		if (v->in_mem)
			*out = v->addr, r = 0;
		else if (src_vread(c, v, 0, out, v->size < 8 ? v->size : 8) == 0)
			r = 0;
	}
	free(v);
	return r;
}

/* How a subrange's bound attribute is given. */
enum bound_kind {
	BOUND_CONST,    /* a constant */
	BOUND_EXPR,     /* a DWARF expression */
	BOUND_VAR,      /* a reference to a variable with a location */
	/* a reference to a DIE without a location (clang -O2's __vla_expr0
	 * with a DW_AT_const_value): gdb 13's attr_to_dynamic_prop takes no
	 * such form and leaves the high bound at its default 0: one
	 * element ("int [1]") */
	BOUND_GDB_ONE,
	BOUND_BAD,
};

static enum bound_kind bound_kind(Dwarf_Attribute *a, Dwarf_Die *var)
{
	Dwarf_Word w;

	switch (dwarf_whatform(a)) {
	case DW_FORM_exprloc:
	case DW_FORM_block:
	case DW_FORM_block1:
	case DW_FORM_block2:
	case DW_FORM_block4:
		return BOUND_EXPR;
	case DW_FORM_ref1:
	case DW_FORM_ref2:
	case DW_FORM_ref4:
	case DW_FORM_ref8:
	case DW_FORM_ref_udata:
	case DW_FORM_ref_addr:
		if (!dwarf_formref_die(a, var))
			return BOUND_BAD;
		return dwarf_hasattr(var, DW_AT_location) ? BOUND_VAR : BOUND_GDB_ONE;
	default:
		return dwarf_formudata(a, &w) == 0 ? BOUND_CONST : BOUND_BAD;
	}
}

int src_subrange_count(Dwarf_Die *r, uint64_t *n)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Die var;
	uint64_t v = 0;
	bool count = dwarf_attr(r, DW_AT_count, &a) != NULL;
	int err = -ENODATA;

	if (!count && !dwarf_attr(r, DW_AT_upper_bound, &a))
		return -ENODATA; /* an array of unknown length */
	switch (bound_kind(&a, &var)) {
	case BOUND_CONST:
		err = dwarf_formudata(&a, &w);
		v = w;
		break;
	case BOUND_EXPR:
		err = bound_expr(&a, &v);
		break;
	case BOUND_VAR:
		err = bound_variable(&var, &v);
		break;
	case BOUND_GDB_ONE:
		*n = 1;
		return 0;
	case BOUND_BAD:
		break;
	}
	if (err)
		return -ENODATA;
	/* an empty array's upper bound is -1 (C's lower bound is 0) */
	*n = count ? v : (int64_t)v < 0 ? 0 : v + 1;
	return 0;
}

/* Is subrange r's length computed in a frame, or unknown (no bound)? */
static bool subrange_dynamic(Dwarf_Die *r)
{
	Dwarf_Attribute a;
	Dwarf_Die var;
	enum bound_kind k;

	if (!dwarf_attr(r, DW_AT_count, &a) && !dwarf_attr(r, DW_AT_upper_bound, &a))
		return true;
	k = bound_kind(&a, &var);
	return k == BOUND_EXPR || k == BOUND_VAR;
}

/* How gdb names the dimension of subrange r where it does not resolve it
 * (through a pointer): "[N]" for a constant, "[variable length]" for a
 * computed bound, "[]" for none (clang's VLA parameter, a flexible array
 * member). */
static void subrange_unresolved(Dwarf_Die *r, struct src_sbuf *b)
{
	uint64_t n;

	if (!dwarf_hasattr(r, DW_AT_count) && !dwarf_hasattr(r, DW_AT_upper_bound))
		src_sb_str(b, "[]");
	else if (subrange_dynamic(r))
		src_sb_str(b, "[variable length]");
	else if (src_subrange_count(r, &n) == 0)
		src_sb_fmt(b, "[%" PRIu64 "]", n);
	else
		src_sb_str(b, "[]");
}

bool src_array_dynamic(Dwarf_Die *t)
{
	Dwarf_Die child;

	if (dwarf_tag(t) != DW_TAG_array_type || dwarf_child(t, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) == DW_TAG_subrange_type && subrange_dynamic(&child))
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* The size of array type t (peeled) whose bounds libdw does not take
 * (computed ones, references): its dimensions' counts (in the bounds
 * frame) times its element's size. */
static uint64_t dynamic_array_size(Dwarf_Die *t)
{
	uint64_t dims[8], n;
	int nd = src_array_bounds(t, dims, 8);
	Dwarf_Die et;

	if (nd <= 0 || !src_die_type(t, &et))
		return 0;
	n = src_type_size(&et);
	for (int i = 0; i < nd; i++)
		n *= dims[i];
	return n;
}

uint64_t src_type_size(Dwarf_Die *t)
{
	Dwarf_Word w;
	Dwarf_Die p;

	if (dwarf_aggregate_size(t, &w) == 0)
		return w;
	if (src_peel(t, &p) && dwarf_tag(&p) == DW_TAG_array_type)
		return dynamic_array_size(&p);
	return 0;
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

static void sb_init(struct src_sbuf *b)
{
	b->len = 0;
	b->full = false;
	b->buf[0] = 0;
}

/* ---- C++ names as gdb canonicalises them ------------------------------- */

/* gdb reads a C++ class's DWARF name through its own name parser
 * (cp_canonicalize_string) and prints it as the demangler would: "int*",
 * "int const", "char const* const&", "0ul", "unsigned long", "> >".  gcc
 * writes most names that way already (but "long unsigned int"); clang
 * writes "int *", "const int", "0UL".  The text below is that printing
 * for the forms template arguments take; a name it cannot follow
 * (gcc's "<lambda(int)>", operators) is kept as it is. */

enum cp_tok { CP_END, CP_ID, CP_NUM, CP_PUNCT, CP_CHAR, CP_BAD };

/* The token at *p (spaces skipped): its start in *s, length in *n. */
static enum cp_tok cp_next(const char *p, const char **s, size_t *n)
{
	while (*p == ' ')
		p++;
	*s = p;
	*n = 0;
	if (!*p)
		return CP_END;
	if (isalpha((unsigned char)*p) || *p == '_' || isdigit((unsigned char)*p)) {
		bool num = isdigit((unsigned char)*p);

		while (isalnum((unsigned char)p[*n]) || p[*n] == '_')
			(*n)++;
		return num ? CP_NUM : CP_ID;
	}
	if (*p == '\'') { /* a plain character literal: 'a', '\n' */
		*n = p[1] == '\\' ? 4 : 3;
		return p[1] && p[2] && (p[1] != '\\' || p[3]) && p[*n - 1] == '\'' ? CP_CHAR
										: CP_BAD;
	}
	if (!strchr("<>,*&()[]:-~", *p))
		return CP_BAD; /* clang's "(lambda at f.cc:6:43)", strings */
	*n = (p[0] == ':' && p[1] == ':') || (p[0] == '&' && p[1] == '&') ? 2 : 1;
	return CP_PUNCT;
}

static char cp_last(const struct src_sbuf *b)
{
	return b->len ? b->buf[b->len - 1] : ' ';
}

static bool cp_word_end(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* An integer literal with its suffix as the demangler writes it:
 * "0UL" -> "0ul", "3LLU" -> "3ull"; hexadecimal and plain ones as they are. */
static void cp_number(struct src_sbuf *b, const char *s, size_t n)
{
	size_t d = 0, i, u = 0, l = 0;

	if (n > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		src_sb_put(b, s, n);
		return;
	}
	while (d < n && isdigit((unsigned char)s[d]))
		d++;
	for (i = d; i < n; i++) {
		if (s[i] == 'u' || s[i] == 'U')
			u++;
		else if (s[i] == 'l' || s[i] == 'L')
			l++;
		else
			break;
	}
	if (i < n || u > 1 || l > 2) {
		src_sb_put(b, s, n);
		return;
	}
	src_sb_put(b, s, d);
	src_sb_str(b, u ? "u" : "");
	src_sb_str(b, l == 2 ? "ll" : l ? "l" : "");
}

static bool cp_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && !strncmp(s, w, n);
}

static bool cp_builtin_word(const char *s, size_t n)
{
	return cp_is(s, n, "unsigned") || cp_is(s, n, "signed") || cp_is(s, n, "long") ||
	       cp_is(s, n, "short") || cp_is(s, n, "int") || cp_is(s, n, "char");
}

/* A run of integer type words at p ("long unsigned int") as gdb names the
 * type ("unsigned long"); returns the text after the run. */
static const char *cp_builtin(struct src_sbuf *b, const char *p)
{
	int un = 0, sg = 0, lg = 0, sh = 0, ch = 0;
	const char *s, *q = p;
	size_t n;

	while (cp_next(q, &s, &n) == CP_ID && cp_builtin_word(s, n)) {
		un += cp_is(s, n, "unsigned");
		sg += cp_is(s, n, "signed");
		lg += cp_is(s, n, "long");
		sh += cp_is(s, n, "short");
		ch += cp_is(s, n, "char");
		q = s + n;
	}
	if (cp_word_end(cp_last(b)))
		src_sb_str(b, " ");
	if (ch)
		src_sb_str(b, un ? "unsigned char" : sg ? "signed char" : "char");
	else
		src_sb_fmt(b, "%s%s", un ? "unsigned " : "",
			   sh ? "short" : lg >= 2 ? "long long" : lg ? "long" : "int");
	return q;
}

static const char *cp_seq(struct src_sbuf *b, const char *p, bool arg, int depth);

/* One token into b with the demangler's spacing. */
static void cp_emit(struct src_sbuf *b, enum cp_tok k, const char *s, size_t n)
{
	char last = cp_last(b);

	if (k == CP_ID || k == CP_NUM) {
		if (cp_word_end(last) || last == '*' || last == '&' || last == '>' ||
		    (last == ')' && k == CP_ID))
			src_sb_str(b, " ");
		if (k == CP_NUM)
			cp_number(b, s, n);
		else
			src_sb_put(b, s, n);
		return;
	}
	if ((*s == '(' || *s == '[') &&
	    (cp_word_end(last) || last == '>' || (*s == '(' && (last == '*' || last == '&'))))
		src_sb_str(b, " ");
	if (*s == '>' && last == '>')
		src_sb_str(b, " ");
	src_sb_put(b, s, n);
	if (*s == ',')
		src_sb_str(b, " ");
}

/* A template argument list after its '<': "<" args ">" into b; returns
 * the text after the '>', NULL when the name does not parse. */
static const char *cp_targs(struct src_sbuf *b, const char *p, int depth)
{
	const char *s;
	size_t n;

	src_sb_str(b, "<");
	for (;;) {
		p = cp_seq(b, p, true, depth + 1);
		if (!p || cp_next(p, &s, &n) != CP_PUNCT)
			return NULL;
		if (*s == '>') {
			cp_emit(b, CP_PUNCT, s, 1);
			return s + 1;
		}
		if (*s != ',')
			return NULL;
		cp_emit(b, CP_PUNCT, s, 1);
		p = s + 1;
	}
}

/* A name's head: identifiers, "::" and template argument lists, the
 * type a leading const qualifies.  Returns the text after it. */
static const char *cp_head(struct src_sbuf *b, const char *p, int depth)
{
	const char *s;
	enum cp_tok k;
	size_t n;

	while (p && (k = cp_next(p, &s, &n)) != CP_END) {
		if (k == CP_ID && cp_builtin_word(s, n))
			p = cp_builtin(b, s);
		else if (k == CP_ID && !cp_is(s, n, "const") && !cp_is(s, n, "volatile") &&
			 (cp_last(b) == ':' || !cp_word_end(cp_last(b))))
			cp_emit(b, k, s, n), p = s + n;
		else if (k == CP_PUNCT && n == 2 && *s == ':')
			cp_emit(b, k, s, n), p = s + n;
		else if (k == CP_PUNCT && *s == '<')
			p = cp_targs(b, s + 1, depth);
		else
			break;
	}
	return p;
}

/* Is the '(' before p one gdb's name parser takes: a cast or a group
 * ("(unsigned char)1", "int (*)(long)"), or the parameters of a function
 * type whose declarator came before ("(*)(long)")?  Not a bare function
 * type's ("void(int)"). */
static bool cp_declarator(const struct src_sbuf *b, const char *p)
{
	char last = cp_last(b);
	const char *s;
	size_t n;

	if (!cp_word_end(last) && last != '>' && last != '*' && last != '&')
		return true;
	return cp_next(p, &s, &n) == CP_PUNCT && (*s == '*' || *s == '&');
}

/* A sequence up to the end, or (arg) up to a ',' or '>' outside
 * parentheses; a leading const/volatile goes after the type it
 * qualifies ("const int" -> "int const").  NULL: no parse. */
static const char *cp_seq(struct src_sbuf *b, const char *p, bool arg, int depth)
{
	const char *s, *cv[2];
	size_t n, ncv = 0, i;
	enum cp_tok k;
	int paren = 0;

	if (depth > 32)
		return NULL;
	while (ncv < 2 && cp_next(p, &s, &n) == CP_ID &&
	       (cp_is(s, n, "const") || cp_is(s, n, "volatile")))
		cv[ncv++] = s, p = s + n;
	if (ncv) {
		p = cp_head(b, p, depth);
		for (i = 0; p && i < ncv; i++)
			cp_emit(b, CP_ID, cv[i], *cv[i] == 'c' ? 5 : 8);
	}
	while (p && (k = cp_next(p, &s, &n)) != CP_END) {
		if (k == CP_PUNCT && arg && !paren && (*s == ',' || *s == '>'))
			return s;
		if (k == CP_PUNCT && *s == '<') {
			p = cp_targs(b, s + 1, depth);
			continue;
		}
		if (k == CP_ID && cp_builtin_word(s, n)) {
			p = cp_builtin(b, s);
			continue;
		}
		if (k == CP_BAD || (k == CP_CHAR && cp_word_end(cp_last(b))))
			return NULL; /* gdb's parser fails too: the name stays */
		if (k == CP_CHAR) { /* gdb: (char)'a'; clang's casts stay */
			src_sb_str(b, cp_last(b) == ')' ? "" : "(char)");
			src_sb_put(b, s, n);
			p = s + n;
			continue;
		}
		if (k == CP_PUNCT && *s == '(' && !cp_declarator(b, s + 1))
			return NULL; /* a bare function type, "void(int)": gdb's
				      * parser takes none, the name stays */
		if (k == CP_PUNCT && *s == '(')
			paren++;
		if (k == CP_PUNCT && *s == ')' && --paren < 0)
			return NULL;
		if (k == CP_PUNCT && *s == '>')
			return NULL;
		cp_emit(b, k, s, n);
		p = s + n;
	}
	return p && !arg && !paren ? p : NULL;
}

/* A C++ class, union or enum name as gdb writes it (see above). */
static void sb_cplus_name(struct src_sbuf *b, const char *name)
{
	struct src_sbuf t;

	sb_init(&t);
	if (!strchr(name, '<') || name[0] == '<' || strstr(name, "operator") ||
	    !cp_seq(&t, name, false, 0) || t.full) {
		src_sb_str(b, name);
		return;
	}
	src_sb_str(b, t.buf);
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

/* Array dimensions "[N][M]" of array type t into b; resolved: the type
 * of a value (gdb resolves a variable-length array's bounds in the
 * frame: "int [6]"), else as a pointer's target ("int (*)[variable
 * length]"). */
static void array_dims(Dwarf_Die *t, struct src_sbuf *b, bool resolved)
{
	Dwarf_Die child;
	uint64_t n;

	if (dwarf_child(t, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) != DW_TAG_subrange_type)
			continue;
		if (!resolved)
			subrange_unresolved(&child, b);
		else if (src_subrange_count(&child, &n) == 0)
			src_sb_fmt(b, "[%" PRIu64 "]", n);
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
	src_sb_str(post, first ? "void)" : ")"); /* C++ too: "int (void)" */
	src_sb_str(post, rq.buf);
}

/* C declarator order: pre holds what goes before the name, post what
 * goes after ("char (*)[16]": pre "char (*", post ")[16]").  A
 * declarator's own part sits next to the name, inside its target's
 * ("int (*(*)[3])(int)": the pointer's "(*" and ")" inside the array's
 * "[3]", inside its element's "(*" ... ")(int)"). */
static bool unqualified(Dwarf_Die *d);
static void qualified_name(Dwarf_Die *t, struct src_sbuf *pre, struct src_sbuf *post,
			   int depth, bool cplus, bool c, bool v);
static void array_name(Dwarf_Die *t, struct src_sbuf *pre, struct src_sbuf *post,
		       int depth, bool cplus, bool elem_c, bool elem_v);

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
		Dwarf_Die target, bare;
		int ttag;
		struct src_sbuf p2, q2;

		if (!has_sub) {
			src_sb_str(pre, "void *");
			return;
		}
		/* a pointer or reference to a (qualified) array: "const int (&)[2]" */
		bare = sub;
		ttag = unqualified(&bare) ? dwarf_tag(&bare) : 0;
		sb_init(&p2);
		sb_init(&q2);
		target = sub;
		if (ttag == DW_TAG_array_type || ttag == DW_TAG_subroutine_type) {
			type_name_rec(&target, &p2, &q2, depth + 1, cplus);
			src_sb_str(pre, p2.buf);
			sb_sep(pre);
			src_sb_str(pre, tag == DW_TAG_pointer_type ? "(*" :
				   tag == DW_TAG_reference_type ? "(&" : "(&&");
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
	case DW_TAG_volatile_type:
		qualified_name(t, pre, post, depth, cplus, false, false);
		return;
	case DW_TAG_array_type:
		array_name(t, pre, post, depth, cplus, false, false);
		return;
	case DW_TAG_subprogram: /* a function itself (cexpr.c): its type */
	case DW_TAG_subroutine_type:
		func_type_name(t, has_sub ? &sub : NULL, pre, post, depth, cplus);
		return;
	default:
		src_sb_str(pre, name ? name : "?");
		return;
	}
}

/* Array type t's name; elem_c, elem_v: qualifiers of the array itself,
 * which C (and gdb) puts on its elements: "const struct txn [8]". */
static void array_name(Dwarf_Die *t, struct src_sbuf *pre, struct src_sbuf *post,
		       int depth, bool cplus, bool elem_c, bool elem_v)
{
	struct src_sbuf dims, p2, q2;
	Dwarf_Die sub;
	bool has_sub = src_die_type(t, &sub);

	sb_init(&dims);
	sb_init(&p2);
	sb_init(&q2);
	if (has_sub && (elem_c || elem_v))
		qualified_name(&sub, &p2, &q2, depth + 1, cplus, elem_c, elem_v);
	else if (has_sub)
		type_name_rec(&sub, &p2, &q2, depth + 1, cplus);
	array_dims(t, &dims, depth == 0);
	src_sb_str(pre, p2.buf);
	sb_sep(pre);
	/* the dimensions next to the name, the element's after: "int
	 * (*[3])(int)" (an array of arrays is one DIE with all its
	 * dimensions in C) */
	src_sb_str(post, dims.buf);
	src_sb_str(post, q2.buf);
}

/* Type t with qualifiers c, v added to its own.  gdb prints them in one
 * order, "const volatile", however the DWARF nests them, after a pointer
 * ("char * const"), and on the elements of an array (a const array of
 * const elements is "const T [N]", not "const const T [N]"). */
static void qualified_name(Dwarf_Die *t, struct src_sbuf *pre, struct src_sbuf *post,
			   int depth, bool cplus, bool c, bool v)
{
	Dwarf_Die sub = *t;
	bool has_sub = true;
	const char *q;

	for (int i = 0; i < 8 && has_sub && (dwarf_tag(&sub) == DW_TAG_const_type ||
					     dwarf_tag(&sub) == DW_TAG_volatile_type); i++) {
		c |= dwarf_tag(&sub) == DW_TAG_const_type;
		v |= dwarf_tag(&sub) == DW_TAG_volatile_type;
		has_sub = src_die_type(&sub, &sub);
	}
	if (!c && !v) {
		type_name_rec(&sub, pre, post, depth, cplus);
		return;
	}
	q = c && v ? "const volatile" : c ? "const" : "volatile";
	if (!has_sub) {
		src_sb_fmt(pre, "%s void", q);
		return;
	}
	if (dwarf_tag(&sub) == DW_TAG_array_type) {
		array_name(&sub, pre, post, depth, cplus, c, v);
		return;
	}
	if (dwarf_tag(&sub) == DW_TAG_pointer_type) {
		type_name_rec(&sub, pre, post, depth + 1, cplus);
		src_sb_fmt(pre, " %s", q);
		return;
	}
	src_sb_fmt(pre, "%s ", q);
	type_name_rec(&sub, pre, post, depth + 1, cplus);
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
	Dwarf_Die bare;
	int tag = t ? dwarf_tag(t) : 0;
	/* a pointer to a (qualified) array: "const int (*)[3]" */
	int bare_tag = t && (bare = *t, unqualified(&bare)) ? dwarf_tag(&bare) : tag;
	bool wrap = bare_tag == DW_TAG_array_type || tag == DW_TAG_subroutine_type ||
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
