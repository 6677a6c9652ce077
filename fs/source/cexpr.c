/* cexpr.c - fs/source: C expressions over DWARF types and target memory.
 *
 * A recursive-descent parser that evaluates as it parses (no tree: nothing
 * has side effects, and values are lazy lvalues, so `sizeof *p` reads
 * nothing).  Precedence climbing for the binary operators, C's table:
 *
 *   ?:  ||  &&  |  ^  &  == !=  < > <= >=  << >>  @  + -  * / %
 *
 * (@ is gdb's: `*p@3` is the 3 objects from p on, an array.)
 *   unary: - + ! ~ * & sizeof (cast)      postfix: [] . ->
 *
 * Names as gdb finds them in `print`: the frame's blocks innermost first
 * up to its function, `this`'s members, the compile unit's statics and
 * globals, then the globals and statics of every module (the index of
 * cexpr_names.c), enumerators, functions.  Messages are gdb's own words
 * (gdb/valarith.c, valops.c, c-exp.y), so a user reads the same thing in
 * both.  Types and values themselves are cexpr_val.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cexpr_i.h"

enum { TK_END, TK_ID, TK_NUM, TK_CHAR, TK_PUNCT, TK_BAD, TK_REG /* $name */ };

int cx_fail(struct cx *x, const char *fmt, ...)
{
	va_list ap;

	if (!x->failed) {
		va_start(ap, fmt);
		vsnprintf(x->err, sizeof x->err, fmt, ap);
		va_end(ap);
		x->failed = true;
	}
	return -EINVAL;
}

/* ---- tokens -------------------------------------------------------------- */

static const char *const puncts[] = {
	"->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "::",
	"(", ")", "[", "]", ".", "*", "&", "+", "-", "/", "%", "<", ">",
	"!", "~", "|", "^", ",", "?", ":", "@", NULL
};

static bool is_id(int ch, bool first)
{
	return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (!first && ch >= '0' && ch <= '9');
}

/* A char literal's value after the opening quote; *end after the closing
 * one.  -1 when malformed. */
static int char_lit(const char *p, const char **end)
{
	int v;

	if (*p == '\\') {
		p++;
		switch (*p) {
		case 'n': v = '\n'; p++; break;
		case 't': v = '\t'; p++; break;
		case 'r': v = '\r'; p++; break;
		case 'a': v = '\a'; p++; break;
		case 'b': v = '\b'; p++; break;
		case 'f': v = '\f'; p++; break;
		case 'v': v = '\v'; p++; break;
		case 'e': v = 27; p++; break;
		case 'x':
			p++;
			v = (int)strtol(p, (char **)&p, 16) & 0xff;
			break;
		default:
			if (*p >= '0' && *p <= '7') {
				v = 0;
				for (int k = 0; k < 3 && *p >= '0' && *p <= '7'; k++)
					v = v * 8 + (*p++ - '0');
				v &= 0xff;
			} else if (*p) {
				v = (unsigned char)*p++;
			} else {
				return -1;
			}
		}
	} else if (*p && *p != '\'') {
		v = (unsigned char)*p++;
	} else {
		return -1;
	}
	if (*p != '\'')
		return -1;
	*end = p + 1;
	return v;
}

/* gdb's quoted name: 'func', 'file.c' (more than one character between
 * the quotes, a char literal's escape aside) as a name token without its
 * quotes.  False for a char literal. */
static bool quoted_name(struct cx *x, const char *p)
{
	const char *end, *q = strchr(p + 1, '\'');

	if (char_lit(p + 1, &end) >= 0 || !q || q - p < 3)
		return false;
	x->tk = TK_ID;
	x->tquoted = true;
	x->ts = p + 1;
	x->tlen = (size_t)(q - p - 1);
	x->p = q + 1;
	return true;
}

/* gdb's find_template_name_end: at p ('<'), the end of a template
 * argument list of names, commas, '&', '*', parentheses, brackets and
 * spaces ("<int, char *>"), nested ones too; p itself when it is none
 * ("a < b": no closing '>'; ">>" is two brackets only with a space). */
static const char *template_name_end(const char *p)
{
	const char *q = p;
	int depth = 1;
	bool right = false;
	int colons = 0;

	while (*++q) {
		char ch = *q;

		if (ch == '\'' || ch == '"' || ch == '{' || ch == '}')
			return p;
		if (ch == '<') {
			if (colons || right)
				return p;
			depth++;
		} else if (ch == '>') {
			if (colons || right)
				return p;
			right = true;
			if (--depth == 0)
				return q + 1;
		} else if (ch == ':') {
			if (colons > 1)
				return p;
			colons++;
		} else if (ch != ' ' && !is_id((unsigned char)ch, false) && ch != ',' && ch != '&' &&
			   ch != '*' && ch != '(' && ch != ')' && ch != '[' && ch != ']') {
			return p;
		}
		if (ch != ':')
			colons = 0;
		if (ch != '>')
			right = false;
	}
	return p;
}

/* Names whose '<' gdb's lexer leaves alone: the C++ casts, and the
 * operators (names.c's business: "operator<"). */
static bool template_name_exempt(const char *name, size_t len)
{
	static const char *const words[] = { "dynamic_cast", "static_cast", "reinterpret_cast",
					     "const_cast", "operator" };

	for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
		if (len == strlen(words[k]) && !strncmp(name, words[k], len))
			return true;
	return false;
}

static void next(struct cx *x)
{
	const char *p = x->p;

	x->tquoted = false;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	x->ts = p;
	x->tunsigned = x->tlong = false;
	x->tfsize = 0;
	if (!*p) {
		x->tk = TK_END;
		x->tlen = 0;
	} else if (is_id((unsigned char)*p, true)) {
		while (is_id((unsigned char)*p, false))
			p++;
		x->tk = TK_ID;
		/* template arguments right after a name are the name's
		 * ("max<int>", not max < int >), as gdb's lexer takes them
		 * (in C too: "g<3>0" is no symbol "g<3>") */
		if (*p == '<' && !template_name_exempt(x->ts, (size_t)(p - x->ts)))
			p = template_name_end(p);
	} else if (*p == '$' && is_id((unsigned char)p[1], false)) {
		for (p++; is_id((unsigned char)*p, false); p++)
			;
		x->tk = TK_REG;
	} else if (((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')) &&
		   cx_float_literal(p, &p, &x->tflt, &x->tfsize)) {
		x->tk = is_id((unsigned char)*p, false) ? TK_BAD : TK_NUM;
	} else if (*p >= '0' && *p <= '9') {
		char *e;

		x->tnum = strtoull(p, &e, 0);
		p = e;
		while (*p == 'u' || *p == 'U' || *p == 'l' || *p == 'L') {
			if (*p == 'u' || *p == 'U')
				x->tunsigned = true;
			else
				x->tlong = true;
			p++;
		}
		x->tk = is_id((unsigned char)*p, false) ? TK_BAD : TK_NUM;
	} else if (*p == '\'' && quoted_name(x, p)) {
		return;
	} else if (*p == '\'') {
		int v = char_lit(p + 1, &p);

		x->tk = v < 0 ? TK_BAD : TK_CHAR;
		x->tnum = (uint64_t)(v < 0 ? 0 : v);
		if (v < 0)
			p = x->ts + 1;
	} else {
		size_t k;

		x->tk = TK_BAD;
		for (k = 0; puncts[k]; k++) {
			size_t n = strlen(puncts[k]);

			if (!strncmp(p, puncts[k], n)) {
				x->tk = TK_PUNCT;
				p += n;
				break;
			}
		}
		if (x->tk == TK_BAD)
			p++;
	}
	x->tlen = (size_t)(p - x->ts);
	x->p = p;
}

static bool is_op(const struct cx *x, const char *op)
{
	return x->tk == TK_PUNCT && x->tlen == strlen(op) && !strncmp(x->ts, op, x->tlen);
}

static bool is_word(const struct cx *x, const char *w)
{
	return x->tk == TK_ID && x->tlen == strlen(w) && !strncmp(x->ts, w, x->tlen);
}

static int syntax_error(struct cx *x)
{
	return cx_fail(x, "A syntax error in expression, near `%s'.", x->ts);
}

static int expect(struct cx *x, const char *op)
{
	if (!is_op(x, op))
		return syntax_error(x);
	next(x);
	return 0;
}

/* ---- names ------------------------------------------------------------------------ */

static bool type_find(struct cx *x, const int *tags, const char *name, Dwarf_Die *out);
static bool qualifier(const struct cx *x);

static bool name_is(Dwarf_Die *d, const char *name, size_t len)
{
	return cx_name_eq(dwarf_diename(d), name, len);
}

/* Is d's location a thread-local one (it ends in form_tls_address)? */
static bool tls_var(Dwarf_Die *d)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr(d, DW_AT_location, &a) || dwarf_getlocation(&a, &ops, &n) != 0 || !n)
		return false;
	return ops[n - 1].atom == DW_OP_form_tls_address ||
	       ops[n - 1].atom == DW_OP_GNU_push_tls_address;
}

/* The variable's value; a failure to read its location is gdb's message. */
static int var_val(struct cx *x, Dwarf_Die *d, struct cx_val *out)
{
	char msg[CX_ERR_MAX];
	Dwarf_Die t;
	int r;

	memset(out, 0, sizeof *out);
	if (src_die_type(d, &t))
		out->ty.die = t;
	else
		out->ty.kind = CT_VOID;
	r = src_var_vsrc(x->c, d, out->ty.kind == CT_DIE ? &out->ty.die : NULL, &out->v);
	if (r == -ENODATA && !x->noeval && tls_var(d) &&
	    cx_tls_deferred(x->c, msg, sizeof msg) == 0)
		return cx_fail(x, "%s", msg);
	if (r == -ENODATA) {
		out->optout = true;
		r = 0;
	}
	if (r == -EDOM) /* gdb's error in the location expression */
		return cx_fail(x, "%s", x->c->expr_err);
	if (r == -EIO)
		return cx_fail(x, "Cannot access memory for the location of %s",
			       dwarf_diename(d));
	if (out->v.in_mem)
		out->v.size = cx_size(&out->ty);
	return r;
}

/* The first data symbol named name[0..len) (its version aside) of a
 * binding rank up to max_rank (src_sym.rank), modules in address order. */
static const struct src_sym *data_symbol(const struct hs_src *s, const char *name, size_t len,
					 int max_rank)
{
	for (size_t i = 0; i < s->n_mods; i++)
		for (size_t k = 0; k < s->mods[i].n_objs; k++) {
			const struct src_sym *o = &s->mods[i].objs[k];

			if (o->rank <= max_rank && !strncmp(o->name, name, len) &&
			    src_unversioned_len(o->name) == len)
				return o;
		}
	return NULL;
}

/* The address of the first global data symbol named name (its version
 * aside: the executable's copy is "stdout@GLIBC_2.2.5"), modules in
 * address order, the executable's first: 0 or -ENOENT.  gdb's
 * get_symbol_address for a shared library's external variable (a copy
 * relocation may have moved the live object into the executable) and
 * its minimal symbol lookup of a LOC_UNRESOLVED one. */
static int global_data_address(const struct hs_src *s, const char *name, uint64_t *addr)
{
	const struct src_sym *o = data_symbol(s, name, strlen(name), 0);

	if (!o)
		return -ENOENT;
	*addr = o->addr;
	return 0;
}

/* A global variable's linkage name (C: its name), or NULL. */
static const char *linkage_name(Dwarf_Die *d)
{
	Dwarf_Attribute a;
	const char *name = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_linkage_name, &a));

	return name ? name : dwarf_diename(d);
}

/* A global variable d of module x->c->m: its value; an external one in
 * memory at the address global_data_address gives (an external variable
 * without a location, cx_var_unresolved, gdb's LOC_UNRESOLVED, only
 * there: libc's `environ`, an alias of __environ, which DWARF defines). */
static int global_val(struct cx *x, Dwarf_Die *d, struct cx_val *out)
{
	const char *name = linkage_name(d);
	uint64_t addr;
	Dwarf_Die t;
	int r;

	if (!cx_var_unresolved(d)) {
		r = var_val(x, d, out);
		if (r == 0 && out->v.in_mem && !out->optout && name &&
		    dwarf_hasattr_integrate(d, DW_AT_external) &&
		    global_data_address(x->c->s, name, &addr) == 0)
			out->v.addr = addr;
		return r;
	}
	if (!name || global_data_address(x->c->s, name, &addr))
		return cx_fail(x, "No global symbol \"%s\".", name ? name : "?");
	memset(out, 0, sizeof *out);
	if (src_die_type(d, &t))
		out->ty.die = t;
	else
		out->ty.kind = CT_VOID;
	out->v.in_mem = true;
	out->v.addr = addr;
	out->v.size = cx_size(&out->ty);
	return 0;
}

/* A variable (or parameter) named name declared directly in scope. */
static bool scope_find(Dwarf_Die *scope, const char *name, size_t len, bool params,
		       Dwarf_Die *out)
{
	Dwarf_Die ch;

	if (dwarf_child(scope, &ch) != 0)
		return false;
	do {
		int tag = dwarf_tag(&ch);

		if ((tag == DW_TAG_variable || (params && tag == DW_TAG_formal_parameter)) &&
		    name_is(&ch, name, len)) {
			if (dwarf_hasattr_integrate(&ch, DW_AT_declaration) &&
			    !dwarf_hasattr(&ch, DW_AT_location))
				continue; /* "extern int x;": found as a global */
			if (cx_spec_outside(scope, &ch))
				continue; /* ns::x, Cls::x: by that name only */
			*out = ch;
			return true;
		}
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

/* What local_find looks for in a block. */
struct local_name {
	Dwarf_Die *scope;
	const char *name;
	size_t len;
	Dwarf_Die *out;
};

static int local_match(void *ctx, Dwarf_Die *d)
{
	struct local_name *ln = ctx;

	if (!name_is(d, ln->name, ln->len) ||
	    (dwarf_hasattr_integrate(d, DW_AT_declaration) && !dwarf_hasattr(d, DW_AT_location)) ||
	    cx_spec_outside(ln->scope, d))
		return 0; /* (as scope_find) */
	*ln->out = *d;
	return 1;
}

/* The frame's own names: blocks innermost first, then parameters; each
 * block's variables as gdb's (src_block_vars: an inlined copy's abstract
 * ones it has no DIE for too, <optimized out>). */
static bool local_find(struct cx *x, const char *name, size_t len, Dwarf_Die *out)
{
	struct local_name ln = { NULL, name, len, out };

	for (int i = x->first; i < x->nscopes && i <= x->f; i++) {
		ln.scope = &x->scopes[i];
		if (src_block_vars(&x->scopes[i], false, local_match, &ln) == 1)
			return true;
	}
	ln.scope = &x->scopes[x->f];
	return x->f < x->nscopes && src_block_vars(&x->scopes[x->f], true, local_match, &ln) == 1;
}

/* A global or static named name in the compile units of module m (cu
 * first, when given). */
static bool module_find(struct src_mod *m, Dwarf_Die *first, const char *name, size_t len,
			Dwarf_Die *out)
{
	struct src_unit_iter it = { 0 };
	Dwarf_Die cu;

	if (first && scope_find(first, name, len, false, out))
		return true;
	if (!m->dw)
		return false;
	while (src_unit_next(m, &it, false, &cu))
		if ((!first || cu.addr != first->addr) && scope_find(&cu, name, len, false, out))
			return true;
	return false;
}

/* Enumerator e of enum type t as a value of that type. */
static bool enum_value(Dwarf_Die *t, Dwarf_Die *e, struct cx_val *out)
{
	Dwarf_Attribute a;
	Dwarf_Sword sv = 0;
	uint64_t size;

	if (!dwarf_attr(e, DW_AT_const_value, &a) || dwarf_formsdata(&a, &sv))
		return false;
	memset(out, 0, sizeof *out);
	out->ty.die = *t;
	size = cx_size(&out->ty);
	out->v.size = size && size <= 8 ? size : 4;
	memcpy(out->v.bytes, &sv, out->v.size);
	memset(out->v.valid, 1, out->v.size);
	return true;
}

/* An enumerator of an enum type declared in scope (the function's
 * blocks, then the compile unit): a value of that enum type. */
static bool enum_in(Dwarf_Die *scope, const char *name, size_t len, struct cx_val *out)
{
	Dwarf_Die ch, e;

	if (dwarf_child(scope, &ch) != 0)
		return false;
	do {
		if (dwarf_tag(&ch) != DW_TAG_enumeration_type || dwarf_child(&ch, &e) != 0)
			continue;
		do {
			if (dwarf_tag(&e) == DW_TAG_enumerator && name_is(&e, name, len) &&
			    enum_value(&ch, &e, out))
				return true;
		} while (dwarf_siblingof(&e, &e) == 0);
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

static bool enumerator(struct cx *x, const char *name, size_t len, struct cx_val *out)
{
	Dwarf_Die t, e;

	for (int i = x->first; i < x->nscopes && i <= x->f; i++)
		if (enum_in(&x->scopes[i], name, len, out))
			return true;
	if (x->have_cu && enum_in(&x->cu, name, len, out))
		return true;
	return cx_names_enumerator(x, name, len, &t, &e) == 0 && enum_value(&t, &e, out);
}

/* Without the index (no memory for it): the compile units of the
 * frame's module, then of every module. */
static bool slow_find(struct cx *x, const char *name, size_t len, Dwarf_Die *out, size_t *mi)
{
	struct hs_src *s = x->c->s;

	if (x->c->m && module_find(x->c->m, NULL, name, len, out)) {
		*mi = (size_t)(x->c->m - s->mods);
		return true;
	}
	for (size_t i = 0; i < s->n_mods; i++)
		if (module_find(&s->mods[i], NULL, name, len, out)) {
			*mi = i;
			return true;
		}
	return false;
}

/* A function by the name of its ELF symbol where DWARF names it otherwise
 * (libc's printf is __printf, malloc __GI___libc_malloc): as gdb, the
 * minimal symbol of that name, then the subprogram whose entry it is. */
static bool alias_func(struct cx *x, const char *name, size_t len, Dwarf_Die *out, size_t *mi)
{
	struct hs_src *s = x->c->s;

	for (size_t i = 0; i < s->n_mods; i++) {
		struct src_mod *m = &s->mods[i];

		for (size_t k = 0; m->dw && m->dm && k < m->n_syms; k++) {
			const struct src_sym *f = &m->syms[k];
			Dwarf_Addr bias, entry;
			Dwarf_Die *cu, *sc = NULL;
			int n;

			if (strncmp(f->name, name, len) || src_unversioned_len(f->name) != len)
				continue;
			cu = src_cu_at(m, f->addr, &bias);
			n = cu ? dwarf_getscopes(cu, f->addr - bias, &sc) : 0;
			for (int j = n - 1; j >= 0; j--)
				if (dwarf_tag(&sc[j]) == DW_TAG_subprogram &&
				    cx_func_entry(&sc[j], &entry) && entry + bias == f->addr) {
					*out = sc[j];
					*mi = i;
					free(sc);
					return true;
				}
			free(sc);
		}
	}
	return false;
}

bool cx_func_entry(Dwarf_Die *d, Dwarf_Addr *pc)
{
	Dwarf_Addr base, end;

	return dwarf_lowpc(d, pc) == 0 || dwarf_ranges(d, 0, &base, pc, &end) > 0;
}

/* The value of function d (with code) of module mi: its entry. */
static bool func_val(struct cx *x, Dwarf_Die *d, size_t mi, struct cx_val *out)
{
	struct hs_src *s = x->c->s;
	Dwarf_Addr lo;

	if (mi >= s->n_mods || !cx_func_entry(d, &lo))
		return false;
	memset(out, 0, sizeof *out);
	out->ty.die = *d;
	out->v.in_mem = true;
	out->v.addr = lo + (x->c->m == &s->mods[mi] ? x->c->bias : s->mods[mi].dwbias);
	out->v.size = 1;
	return true;
}

/* A function of that name with code (a DW_TAG_subprogram with a low pc
 * or ranges)
 * in the compile unit, else any: its DIE, of module *mi. */
static bool func_die(struct cx *x, const char *name, size_t len, Dwarf_Die *d, size_t *mi)
{
	struct hs_src *s = x->c->s;
	Dwarf_Die ch;
	Dwarf_Addr lo;

	if (x->have_cu && dwarf_child(&x->cu, &ch) == 0) {
		do {
			if (dwarf_tag(&ch) == DW_TAG_subprogram && name_is(&ch, name, len) &&
			    cx_func_entry(&ch, &lo)) {
				*d = ch;
				*mi = (size_t)(x->c->m - s->mods);
				return true;
			}
		} while (dwarf_siblingof(&ch, &ch) == 0);
	}
	if (cx_names_func(x, name, len, d, mi) == 0 && cx_func_entry(d, &lo))
		return true;
	return alias_func(x, name, len, d, mi) && cx_func_entry(d, &lo);
}

/* The value at the entry of the function of that name. */
static bool function(struct cx *x, const char *name, size_t len, struct cx_val *out)
{
	Dwarf_Die d;
	size_t mi = SIZE_MAX;

	return func_die(x, name, len, &d, &mi) && func_val(x, &d, mi, out);
}

/* A thread-local symbol without debug information (a static
 * executable's errno): as nodebug_data, at its offset (st_value) in the
 * thread's block of its module; false when there is none. */
static bool tls_nodebug(struct cx *x, const char *name, size_t len, struct cx_val *out)
{
	struct src_ctx *c = x->c;
	struct src_mod *m0 = c->m;

	for (size_t i = 0; i < c->s->n_mods; i++) {
		struct src_mod *m = &c->s->mods[i];
		int n = m->dm ? dwfl_module_getsymtab(m->dm) : -1;

		for (int k = 1; k < n; k++) {
			GElf_Sym sym;
			GElf_Addr a;
			const char *sn = dwfl_module_getsym_info(m->dm, k, &sym, &a, NULL, NULL, NULL);
			struct cx_type t;
			uint64_t block;
			int r;

			if (!sn || GELF_ST_TYPE(sym.st_info) != STT_TLS || sym.st_shndx == SHN_UNDEF ||
			    strncmp(sn, name, len) || src_unversioned_len(sn) != len)
				continue;
			c->m = m;
			r = src_tls_block(c, &block);
			c->m = m0;
			if (r)
				return false;
			cx_int_type(&t, 4, true);
			t.name = "<thread local variable, no debug info>";
			cx_lval(out, &t, block + sym.st_value);
			out->msym = sn;
			return true;
		}
	}
	return false;
}

/* A data symbol without debug information (a static executable's
 * stdout, a library without DWARF): gdb's "<data variable, no debug
 * info>", an int at the symbol's address that only a cast or & may use
 * (cx_val.msym).  Global symbols first, then file-local ones. */
static bool nodebug_data(struct cx *x, const char *name, size_t len, struct cx_val *out)
{
	const struct src_sym *o = data_symbol(x->c->s, name, len, 0);
	struct cx_type t;

	if (!o)
		o = data_symbol(x->c->s, name, len, 2);
	if (!o)
		return tls_nodebug(x, name, len, out);
	cx_int_type(&t, 4, true);
	t.name = "<data variable, no debug info>";
	cx_lval(out, &t, o->addr);
	out->msym = o->name;
	return true;
}

/* The variable comps[0..n) names inside the namespaces and classes that
 * hold the frame's function, innermost first (gdb: "g" in ns::f is
 * ns::g, "In::cnt" ns::In::cnt): 0 or -ENOENT. */
static int relative_var(struct cx *x, const struct cx_comp *comps, int n, Dwarf_Die *d,
			size_t *mi)
{
	struct cx_comp q[32];
	int k = n > 16 ? 0 : cx_frame_holders(x, q, 16);

	for (; k > 0; k--) {
		memcpy(&q[k], comps, (size_t)n * sizeof *comps);
		if (cx_names_qualified(x, q, k + n, d, mi) == 0)
			return 0;
	}
	return -ENOENT;
}

/* global_val of d, a DIE of module mi. */
static int module_global_val(struct cx *x, Dwarf_Die *d, size_t mi, struct cx_val *out)
{
	struct src_ctx *c = x->c;
	struct src_mod *m0 = c->m;
	Dwarf_Addr bias0 = c->bias;
	int r;

	c->m = &c->s->mods[mi];
	if (c->m != m0)
		c->bias = c->m->dwbias;
	r = global_val(x, d, out);
	c->m = m0;
	c->bias = bias0;
	return r;
}

/* Does name[0..len) name a C++ class, union, enum or typedef? */
static bool type_name(struct cx *x, const char *name, size_t len)
{
	static const int tags[] = { DW_TAG_structure_type, DW_TAG_class_type,
				    DW_TAG_union_type, DW_TAG_enumeration_type,
				    DW_TAG_typedef, 0 };
	char buf[256];
	Dwarf_Die t;

	if (!x->have_cu || !src_die_cplus(&x->cu) || len >= sizeof buf)
		return false;
	memcpy(buf, name, len);
	buf[len] = 0;
	return type_find(x, tags, buf, &t);
}

static bool func_in(Dwarf_Die *scope, const char *name, size_t len, Dwarf_Die *out);

/* A variable, enumerator or function by its plain name; global: only
 * file-level ones (gdb's "::name"). */
static int ident(struct cx *x, const char *name, size_t len, bool global, struct cx_val *out)
{
	Dwarf_Die d, self, cls;
	struct cx_val thisv;
	size_t mi = 0;
	int r;

	if (!global && local_find(x, name, len, &d))
		return var_val(x, &d, out);
	/* a C++ method: its class's members by their plain name */
	if (!global && local_find(x, "this", 4, &self) && src_die_type(&self, &cls) &&
	    src_peel(&cls, &cls) && src_die_type(&cls, &cls) && src_peel(&cls, &cls) &&
	    cx_find_member(x, NULL, &cls, name, len, &d, &(uint64_t){ 0 })) {
		if (var_val(x, &self, &thisv) || cx_deref(x, &thisv, &thisv))
			return -EINVAL;
		return cx_member(x, &thisv, name, len, out);
	}
	if (!global && relative_var(x, &(struct cx_comp){ name, len }, 1, &d, &mi) == 0)
		return module_global_val(x, &d, mi, out);
	if (x->have_cu && scope_find(&x->cu, name, len, false, &d))
		return var_val(x, &d, out);
	/* gdb's static block of the unit holds its functions too: they come
	 * before other modules' variables (libm's static "f1") */
	if (x->have_cu && x->c->m && func_in(&x->cu, name, len, &d) &&
	    func_val(x, &d, (size_t)(x->c->m - x->c->s->mods), out))
		return 0;
	r = cx_names_var(x, name, len, &d, &mi);
	if (r == -ENOMEM && slow_find(x, name, len, &d, &mi))
		r = 0;
	if (r == 0)
		return module_global_val(x, &d, mi, out);
	if (enumerator(x, name, len, out))
		return 0;
	if (function(x, name, len, out))
		return 0;
	if (nodebug_data(x, name, len, out))
		return 0;
	if (type_name(x, name, len))
		return cx_fail(x, "Attempt to use a type name as an expression");
	return cx_fail(x, "No symbol \"%.*s\" in current context.", (int)len, name);
}

/* Is the token "@" followed by the word "entry" (gdb's lexer's ENTRY
 * token: "x@entry", "x @ entry", not "x@entryx")? */
static bool at_entry(const struct cx *x)
{
	const char *p = x->ts + 1;

	if (x->tk != TK_PUNCT || x->tlen != 1 || *x->ts != '@')
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	return !strncmp(p, "entry", 5) && !is_id((unsigned char)p[5], false);
}

/* name@entry: the parameter's value on entry to the frame's function
 * (gdb's var_entry_value_operation), its errors gdb's. */
static int entry_ident(struct cx *x, const char *name, size_t len, struct cx_val *out)
{
	char why[CX_ERR_MAX];
	Dwarf_Die d;
	Dwarf_Addr entry;
	uint64_t ev = 0;
	int r;

	if (!local_find(x, name, len, &d) || dwarf_tag(&d) != DW_TAG_formal_parameter ||
	    dwarf_hasattr_integrate(&d, DW_AT_const_value))
		return cx_fail(x, "@entry can be used only for function parameters, not for "
			       "\"%.*s\"", (int)len, name);
	if (var_val(x, &d, out))
		return -EINVAL;
	if (x->noeval)
		return 0;
	/* gdb reads the location at get_frame_func, get_pc_function_start:
	 * the entry of the function holding the frame's code, an inlined
	 * copy's caller's (its parameters are then mostly <optimized out>) */
	if (!x->c->func || !cx_func_entry(x->c->func, &entry))
		entry = x->c->pc - x->c->bias;
	r = src_param_entry(x->c, &d, out->ty.kind == CT_DIE ? &out->ty.die : NULL, entry, &ev,
			    why, sizeof why);
	memset(&out->v, 0, sizeof out->v);
	out->optout = false;
	if (r == -ENOENT || r == -ENOTSUP) {
		out->optout = true;
		return 0;
	}
	if (r && why[0])
		return cx_fail(x, "%s", why);
	if (r) {
		out->optout = true;
		return 0;
	}
	out->v.size = cx_size(&out->ty);
	memcpy(out->v.bytes, &ev, sizeof ev);
	memset(out->v.valid, 1, sizeof ev);
	return 0;
}

/* "Mode::Slow", an enumerator of an enum class (gdb's scoped enum;
 * a plain enum's is no symbol to gdb 13), else gdb's error for comps. */
static int enum_class_value(struct cx *x, const struct cx_comp *comps, struct cx_val *out)
{
	static const int tags[] = { DW_TAG_enumeration_type, 0 };
	char name[256];
	Dwarf_Die t, e;

	if (comps[0].len >= sizeof name)
		return cx_qualified_fail(x, comps, 2);
	memcpy(name, comps[0].s, comps[0].len);
	name[comps[0].len] = 0;
	if (!type_find(x, tags, name, &t) || !dwarf_hasattr(&t, DW_AT_enum_class))
		return cx_qualified_fail(x, comps, 2);
	if (dwarf_child(&t, &e) == 0)
		do {
			if (dwarf_tag(&e) == DW_TAG_enumerator &&
			    name_is(&e, comps[1].s, comps[1].len) && enum_value(&t, &e, out))
				return 0;
		} while (dwarf_siblingof(&e, &e) == 0);
	return cx_fail(x, "no constant named \"%.*s\" in enum \"%s\"", (int)comps[1].len,
		       comps[1].s, name);
}

/* gdb's value_struct_elt_for_reference: a virtual method named Cls::f
 * is only a value under a unary '&' (a pointer to member) or in sizeof;
 * else "Cannot reference virtual member function".  Parentheses and a
 * leading "::" may stand between the '&' and the name. */
static int virtual_unless_amp(struct cx *x, Dwarf_Die *d, const struct cx_comp *comps, int n)
{
	Dwarf_Attribute a;
	Dwarf_Word virt = 0;

	if (x->noeval || !dwarf_attr_integrate(d, DW_AT_virtuality, &a) ||
	    dwarf_formudata(&a, &virt) || !virt)
		return 0;
	if (x->amp_at && x->amp_at <= comps[0].s &&
	    strspn(x->amp_at, " (:") >= (size_t)(comps[0].s - x->amp_at))
		return 0;
	return cx_fail(x, "Cannot reference virtual member function \"%.*s\"",
		       (int)comps[n - 1].len, comps[n - 1].s);
}

/* A variable named by a C++ qualified name, comps[0..n). */
static int qualified_var(struct cx *x, const struct cx_comp *comps, int n, struct cx_val *out)
{
	Dwarf_Die d;
	size_t mi = 0;

	if (cx_names_qualified(x, comps, n, &d, &mi) == 0 ||
	    relative_var(x, comps, n, &d, &mi) == 0)
		return module_global_val(x, &d, mi, out);
	/* a method, a namespace's function */
	if (cx_names_qualified_func(x, comps, n, &d, &mi) == 0 && func_val(x, &d, mi, out))
		return virtual_unless_amp(x, &d, comps, n);
	if (n == 2)
		return enum_class_value(x, comps, out);
	return cx_qualified_fail(x, comps, n);
}

/* ---- gdb's blocks: "func::name", "'file.c'::name" ------------------------------ */

/* The compile unit of file name[0..len): its DW_AT_name or that name's
 * last components (gdb's lookup_symtab), of module *mi. */
static bool file_cu(struct cx *x, const char *name, size_t len, Dwarf_Die *out, size_t *mi)
{
	struct hs_src *s = x->c->s;

	for (size_t i = 0; i < s->n_mods; i++) {
		struct src_unit_iter it = { 0 };

		while (s->mods[i].dw && src_unit_next(&s->mods[i], &it, false, out)) {
			const char *n = dwarf_diename(out);
			size_t nl = n ? strlen(n) : 0;

			if (n && nl >= len && !strncmp(n + nl - len, name, len) &&
			    (nl == len || n[nl - len - 1] == '/')) {
				*mi = i;
				return true;
			}
		}
	}
	return false;
}

/* Does variable d live in a frame (a parameter, a local on the stack or
 * in a register) rather than at a fixed address?  gdb's
 * symbol_read_needs_frame. */
static bool frame_var(Dwarf_Die *d)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;

	if (dwarf_tag(d) == DW_TAG_formal_parameter)
		return true;
	if (!dwarf_attr(d, DW_AT_location, &a))
		return false; /* a constant, or optimized out */
	if (dwarf_getlocation(&a, &ops, &n) != 0)
		return true; /* a location list: pc-dependent */
	for (size_t k = 0; k < n; k++)
		if (ops[k].atom != DW_OP_addr && ops[k].atom != DW_OP_addrx &&
		    ops[k].atom != DW_OP_GNU_addr_index && ops[k].atom != DW_OP_form_tls_address &&
		    ops[k].atom != DW_OP_GNU_push_tls_address)
			return true;
	return false;
}

static Dwarf_Off origin_off(Dwarf_Die *d)
{
	Dwarf_Attribute a;
	Dwarf_Die o;

	if (dwarf_attr(d, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &o))
		return dwarf_dieoffset(&o);
	return dwarf_dieoffset(d);
}

/* Is fn (of module mi) the function of the frame shown? */
static bool frame_func(struct cx *x, Dwarf_Die *fn, size_t mi)
{
	Dwarf_Die *sh;

	if (x->f >= x->nscopes || x->c->m != &x->c->s->mods[mi])
		return false;
	sh = &x->scopes[x->f];
	return dwarf_dieoffset(sh) == dwarf_dieoffset(fn) || origin_off(sh) == origin_off(fn);
}

/* Does frame f (of the target's outer frames) run in function blk of
 * module mi, its own code or a copy inlined there (gdb's
 * block_innermost_frame: the frame's block is in blk's)?  Then its
 * context is set up in c (a copy of x's) and its scopes' function in
 * *func. */
static bool frame_in(struct cx *x, const struct hs_src_frame *f, Dwarf_Die *blk, size_t mi,
		     struct src_ctx *c, Dwarf_Die *func)
{
	struct src_mod *m = &x->c->s->mods[mi];
	Dwarf_Die *cu, *scopes = NULL;
	Dwarf_Addr bias;
	int n, fi, first;
	bool in = false;

	if (src_mod_find(x->c->s, f->regs.rip) != m || !(cu = src_cu_at(m, f->regs.rip, &bias)))
		return false;
	n = dwarf_getscopes(cu, f->regs.rip - bias, &scopes);
	if (n <= 0) {
		free(scopes);
		return false;
	}
	fi = src_frame_scope(&scopes, &n, f->hide_inline, &first);
	if (fi < n && src_frame_func(scopes, n, fi, func) == 0 &&
	    dwarf_dieoffset(func) == dwarf_dieoffset(blk)) {
		*c = *x->c;
		c->regs = &f->regs;
		c->pc = f->regs.rip;
		c->m = m;
		c->bias = bias;
		c->func = func;
		in = true;
	}
	free(scopes);
	return in;
}

/* gdb's "No frame is currently executing in block f." with f the
 * function's print name (C++: "inner(int)", its demangled linkage name or
 * the name gdb computes, without the return type). */
static int no_frame(struct cx *x, Dwarf_Die *blk)
{
	Dwarf_Attribute a;
	const char *ln = dwarf_formstring(dwarf_attr_integrate(blk, DW_AT_linkage_name, &a));
	char *name = NULL;
	int r;

	if (src_die_cplus(blk))
		name = ln ? src_demangle(ln) : src_cplus_physname(blk);
	r = cx_fail(x, "No frame is currently executing in block %s.",
		    name ? src_sig_name(name) : dwarf_diename(blk));
	free(name);
	return r;
}

/* Local d of function blk (of module mi) where the frame shown runs
 * elsewhere: as gdb, in the innermost frame further out that runs in
 * blk (the target's outer frames), else gdb's error. */
static int outer_var(struct cx *x, Dwarf_Die *blk, size_t mi, Dwarf_Die *d, struct cx_val *out)
{
	const struct hs_src_target *tg = x->c->tg;

	if (!tg->outer_given)
		x->wants_outer = true;
	for (size_t k = 0; tg->outer_given && k < tg->n_outer; k++) {
		struct hs_src_target ftg = *tg;
		struct src_ctx fc, *c0 = x->c;
		Dwarf_Die func;
		int r;

		if (!frame_in(x, &tg->outer[k], blk, mi, &fc, &func))
			continue;
		ftg.regs = &tg->outer[k].regs;
		ftg.frame_regs = &tg->outer[k].shown;
		ftg.hide_inline = tg->outer[k].hide_inline;
		ftg.no_frame_base = tg->outer[k].no_frame_base;
		fc.tg = &ftg;
		/* the value keeps no pointer to the frame's context: its
		 * bytes, or an address read later from the same memory */
		x->c = &fc;
		r = var_val(x, d, out);
		x->c = c0;
		return r;
	}
	return no_frame(x, blk);
}

/* A function with code named name[0..len) directly in scope. */
static bool func_in(Dwarf_Die *scope, const char *name, size_t len, Dwarf_Die *out)
{
	Dwarf_Addr lo;

	if (dwarf_child(scope, out) != 0)
		return false;
	do {
		if (dwarf_tag(out) == DW_TAG_subprogram && name_is(out, name, len) &&
		    cx_func_entry(out, &lo))
			return true;
	} while (dwarf_siblingof(out, out) == 0);
	return false;
}

/* Variable or function name[0..len) seen from block blk (a function or
 * a compile unit of module mi): gdb's lookup_symbol from that block, its
 * function's outermost scope, its file's, then every file's. */
static int block_name(struct cx *x, Dwarf_Die *blk, size_t mi, const char *name, size_t len,
		      struct cx_val *out)
{
	Dwarf_Die cu, d;
	bool fn = dwarf_tag(blk) == DW_TAG_subprogram;

	if (fn && (scope_find(blk, name, len, true, &d) ||
		   (dwarf_dieoffset(blk) != origin_off(blk) &&
		    dwarf_offdie(dwarf_cu_getdwarf(blk->cu), origin_off(blk), &cu) &&
		    scope_find(&cu, name, len, true, &d)))) {
		if (!frame_var(&d))
			return module_global_val(x, &d, mi, out);
		if (!frame_func(x, blk, mi))
			return outer_var(x, blk, mi, &d, out);
		return var_val(x, &d, out);
	}
	if (!fn)
		cu = *blk;
	else if (!dwarf_diecu(blk, &cu, NULL, NULL))
		return -EINVAL;
	if (scope_find(&cu, name, len, false, &d))
		return module_global_val(x, &d, mi, out);
	if (func_in(&cu, name, len, &d) && func_val(x, &d, mi, out))
		return 0;
	if (ident(x, name, len, true, out) == 0)
		return 0;
	x->failed = false;
	return cx_fail(x, "No symbol \"%.*s\" in specified context.", (int)len, name);
}

/* Is the name token a block's (gdb's BLOCKNAME, FILENAME): a function's
 * (not a C++ class's or namespace's) or, quoted, a file's? */
static bool block_start(struct cx *x, Dwarf_Die *blk, size_t *mi)
{
	static const int tags[] = { DW_TAG_structure_type, DW_TAG_class_type,
				    DW_TAG_union_type, DW_TAG_enumeration_type,
				    DW_TAG_typedef, DW_TAG_namespace, 0 };
	char name[256];
	Dwarf_Die t;

	if (x->tlen >= sizeof name)
		return false;
	memcpy(name, x->ts, x->tlen);
	name[x->tlen] = 0;
	if (x->have_cu && src_die_cplus(&x->cu) && type_find(x, tags, name, &t))
		return false;
	return func_die(x, x->ts, x->tlen, blk, mi) ||
	       (x->tquoted && file_cu(x, x->ts, x->tlen, blk, mi));
}

/* "block::name", "block::func::name" (the current token is block's
 * name, "::" next), as gdb's c-exp.y. */
static int block_ident(struct cx *x, Dwarf_Die *blk, size_t mi, struct cx_val *out)
{
	Dwarf_Die cu, f;
	const char *name;
	size_t len;

	next(x);
	for (;;) {
		next(x); /* the "::" */
		if (x->tk != TK_ID)
			return syntax_error(x);
		name = x->ts;
		len = x->tlen;
		next(x);
		if (!is_op(x, "::"))
			return block_name(x, blk, mi, name, len, out);
		cu = *blk;
		if (dwarf_tag(blk) == DW_TAG_subprogram && !dwarf_diecu(blk, &cu, NULL, NULL))
			return -EINVAL;
		if (!func_in(&cu, name, len, &f) &&
		    !func_die(x, name, len, &f, &mi))
			return cx_fail(x, "No function \"%.*s\" in specified context.", (int)len,
				       name);
		*blk = f;
	}
}

/* "operator+", "operator ==", "operator[]": the operator after the word
 * "operator" (the current token) read into buf, *c its name
 * ("operator+"), as a function's DW_AT_name spells it: 0 or -EINVAL. */
static int operator_name(struct cx *x, char *buf, struct cx_comp *c)
{
	size_t n = 0;
	const char *p;

	if (x->tk != TK_PUNCT && x->tk != TK_BAD)
		return -EINVAL;
	if (is_op(x, "(") || is_op(x, "[")) {
		char close = is_op(x, "(") ? ')' : ']';

		p = x->ts + 1;
		while (*p == ' ')
			p++;
		if (*p != close)
			return -EINVAL;
		x->p = p + 1;
		n = (size_t)snprintf(buf, 16, "operator%c%c", x->ts[0], close);
	} else {
		p = x->ts + x->tlen;
		/* "+=", "<<=": the lexer reads "=" alone as no operator */
		n = (size_t)snprintf(buf, 16, "operator%.*s%s", (int)x->tlen, x->ts,
				     *p == '=' && x->ts[x->tlen - 1] != '=' ? "=" : "");
		x->p = *p == '=' && x->ts[x->tlen - 1] != '=' ? p + 1 : p;
	}
	c->s = buf;
	c->len = n;
	next(x);
	return 0;
}

static int parse_expr(struct cx *x, struct cx_val *out);
static bool cplus(const struct cx *x);
static bool type_start(struct cx *x);

/* An unknown name followed by "(" in C++ (x->err says it is no symbol):
 * gdb's parser takes it for a call found by its arguments' types (ADL)
 * and reads the arguments as expressions first, so their errors come
 * first ("max<int>(long, int)": a syntax error near `long, int)'), then
 * the name's.  Always -EINVAL. */
static int unknown_call(struct cx *x)
{
	char err[CX_ERR_MAX];
	struct cx_val v;

	memcpy(err, x->err, sizeof err);
	x->failed = false;
	next(x);
	x->noeval++;
	while (!is_op(x, ")")) {
		if (type_start(x)) {
			/* a type where a value must be: gdb's parser fails at a
			 * keyword ("int"), after a type's name ("V2") */
			bool named = x->tk == TK_ID && !is_word(x, "int") && !is_word(x, "char") &&
				     !is_word(x, "long") && !is_word(x, "short") &&
				     !is_word(x, "unsigned") && !is_word(x, "signed") &&
				     !is_word(x, "float") && !is_word(x, "double") &&
				     !is_word(x, "void") && !is_word(x, "bool") &&
				     !is_word(x, "const") && !is_word(x, "volatile") &&
				     !is_word(x, "struct") && !is_word(x, "union") &&
				     !is_word(x, "enum") && !is_word(x, "class");

			x->noeval--;
			if (named)
				next(x);
			return syntax_error(x);
		}
		if (parse_expr(x, &v)) {
			x->noeval--;
			return -EINVAL;
		}
		if (!is_op(x, ","))
			break;
		next(x);
	}
	x->noeval--;
	if (expect(x, ")"))
		return -EINVAL;
	x->failed = false;
	return cx_fail(x, "%s", err);
}

/* A name, "::name" (the global scope: no local, no member of this) or
 * "a::b::name" (a namespace's or a class's variable), as gdb's print. */
static int scoped_ident(struct cx *x, struct cx_val *out)
{
	struct cx_comp comps[16];
	char opname[16];
	bool global = is_op(x, "::");
	int n = 0;

	if (global) {
		next(x);
	} else if (x->tk == TK_ID && qualifier(x)) {
		Dwarf_Die blk;
		size_t mi = 0;

		if (block_start(x, &blk, &mi))
			return block_ident(x, &blk, mi, out);
	}
	for (;;) {
		if (x->tk != TK_ID || is_word(x, "sizeof") || n == 16)
			return syntax_error(x);
		comps[n].s = x->ts;
		comps[n++].len = x->tlen;
		next(x);
		if (comps[n - 1].len == 8 && !strncmp(comps[n - 1].s, "operator", 8) &&
		    operator_name(x, opname, &comps[n - 1]))
			return syntax_error(x);
		if (!is_op(x, "::"))
			break;
		next(x);
	}
	if (n == 1 && !global && at_entry(x)) {
		next(x);
		next(x);
		return entry_ident(x, comps[0].s, comps[0].len, out);
	}
	if (n == 1) {
		int r = ident(x, comps[0].s, comps[0].len, global, out);

		if (r == -EINVAL && !global && cplus(x) && is_op(x, "(") &&
		    !strncmp(x->err, "No symbol \"", 11))
			return unknown_call(x);
		return r;
	}
	return qualified_var(x, comps, n, out);
}

/* ---- type names (casts, sizeof) --------------------------------------------------- */

/* A type DIE named name with one of tags[] (0-ended) in the CU, then any CU. */
static bool type_in_scope(Dwarf_Die *scope, const int *tags, const char *name, Dwarf_Die *out)
{
	Dwarf_Die ch;

	if (dwarf_child(scope, &ch) != 0)
		return false;
	do {
		int tag = dwarf_tag(&ch);

		for (int k = 0; tags[k]; k++)
			if (tag == tags[k] && name_is(&ch, name, strlen(name)) &&
			    !dwarf_hasattr(&ch, DW_AT_declaration)) {
				*out = ch;
				return true;
			}
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

static bool type_find(struct cx *x, const int *tags, const char *name, Dwarf_Die *out)
{
	struct hs_src *s = x->c->s;

	int r;

	if (x->have_cu && type_in_scope(&x->cu, tags, name, out))
		return true;
	r = cx_names_type(x, tags, name, out);
	if (r != -ENOMEM)
		return r == 0;
	for (size_t i = 0; i < s->n_mods; i++) {
		struct src_unit_iter it = { 0 };
		Dwarf_Die cu;

		while (s->mods[i].dw && src_unit_next(&s->mods[i], &it, true, &cu))
			if (type_in_scope(&cu, tags, name, out))
				return true;
	}
	return false;
}

static const int tags_typedef[] = { DW_TAG_typedef, DW_TAG_structure_type,
				    DW_TAG_class_type, DW_TAG_union_type,
				    DW_TAG_enumeration_type, 0 };
static const int tags_base[] = { DW_TAG_base_type, 0 };

static bool cplus(const struct cx *x)
{
	return x->have_cu && src_die_cplus((Dwarf_Die *)&x->cu);
}

/* Is "::" next after the current token?  Then a class's name starts a
 * qualified name ("sizeof(Cls::count)"), not a type. */
static bool qualifier(const struct cx *x)
{
	const char *p = x->p;

	while (*p == ' ' || *p == '\t')
		p++;
	return p[0] == ':' && p[1] == ':';
}

/* Is the current token the start of a type name (after "(" or sizeof)? */
static bool type_start(struct cx *x)
{
	static const char *const kw[] = { "struct", "union", "enum", "class", "unsigned",
					  "signed", "int", "char", "short", "long", "float",
					  "double", "void", "_Bool", "bool", "const",
					  "volatile", NULL };
	char name[128];
	Dwarf_Die d;

	if (x->tk != TK_ID)
		return false;
	for (int k = 0; kw[k]; k++)
		if (is_word(x, kw[k]))
			return true;
	if (x->tlen >= sizeof name || qualifier(x))
		return false;
	memcpy(name, x->ts, x->tlen);
	name[x->tlen] = 0;
	if (local_find(x, name, x->tlen, &d))
		return false;
	if (!type_find(x, (const int[]){ DW_TAG_typedef, 0 }, name, &d) &&
	    !(cplus(x) && type_find(x, tags_typedef, name, &d)))
		return false;
	return true;
}

/* The C words of a base type, as gdb names the type they make. */
static int base_words(struct cx *x, struct cx_type *out)
{
	int nlong = 0, nshort = 0, nunsigned = 0, nsigned = 0, nchar = 0, nint = 0;
	const char *other = NULL, *name;
	struct cx_type t;

	for (;; next(x)) {
		if (is_word(x, "long"))
			nlong++;
		else if (is_word(x, "short"))
			nshort++;
		else if (is_word(x, "unsigned"))
			nunsigned++;
		else if (is_word(x, "signed"))
			nsigned++;
		else if (is_word(x, "char"))
			nchar++;
		else if (is_word(x, "int"))
			nint++;
		else if (!other && !nlong && !nshort && !nunsigned && !nsigned && !nchar &&
			 !nint && (is_word(x, "float") || is_word(x, "double") ||
				   is_word(x, "void") || is_word(x, "_Bool") || is_word(x, "bool")))
			other = is_word(x, "float") ? "float" : is_word(x, "double") ? "double" :
				is_word(x, "void") ? "void" : is_word(x, "bool") ? "bool" : "_Bool";
		else if (is_word(x, "const") || is_word(x, "volatile"))
			continue;
		else
			break;
	}
	if (other && !strcmp(other, "double") && nlong)
		other = "long double";
	if (other && !strcmp(other, "void")) {
		memset(out, 0, sizeof *out);
		out->kind = CT_VOID;
		return 0;
	}
	if (other) {
		if (!type_find(x, tags_base, other, &out->die))
			return cx_fail(x, "No symbol \"%s\" in current context.", other);
		out->kind = CT_DIE;
		out->nptr = 0;
		return 0;
	}
	if (nchar)
		cx_int_type(&t, 1, !nunsigned);
	else if (nshort)
		cx_int_type(&t, 2, !nunsigned);
	else if (nlong)
		cx_int_type(&t, 8, !nunsigned);
	else
		cx_int_type(&t, 4, !nunsigned);
	name = nchar && nsigned ? "signed char" : nlong > 1 ?
	       (nunsigned ? "unsigned long long" : "long long") : t.name;
	t.name = name;
	*out = t;
	/* the program's own type of that name, when it has one ("int",
	 * "char", "unsigned int": gcc's names for the others differ) */
	memset(&out->die, 0, sizeof out->die);
	if (type_find(x, tags_base, name, &out->die))
		out->kind = CT_DIE;
	return 0;
}

/* A type name: words or a tag or a typedef, then *s. */
static int parse_type(struct cx *x, struct cx_type *out)
{
	static const char *const tagw[] = { "struct", "union", "enum", "class" };
	static const int tagt[] = { DW_TAG_structure_type, DW_TAG_union_type,
				    DW_TAG_enumeration_type, DW_TAG_class_type };
	char name[128];
	int k;

	while (is_word(x, "const") || is_word(x, "volatile"))
		next(x);
	memset(out, 0, sizeof *out);
	for (k = 0; k < 4 && !is_word(x, tagw[k]); k++)
		;
	if (k < 4) {
		int tags[3] = { tagt[k], k == 0 ? DW_TAG_class_type : 0, 0 };

		next(x);
		if (x->tk != TK_ID || x->tlen >= sizeof name)
			return syntax_error(x);
		memcpy(name, x->ts, x->tlen);
		name[x->tlen] = 0;
		if (!type_find(x, tags, name, &out->die))
			return cx_fail(x, "No %s type named %s.", k == 1 ? "union" :
				       k == 2 ? "enum" : "struct", name);
		next(x);
	} else if (x->tk == TK_ID && type_start(x) && !is_word(x, "unsigned") &&
		   !is_word(x, "signed") && !is_word(x, "int") && !is_word(x, "char") &&
		   !is_word(x, "short") && !is_word(x, "long") && !is_word(x, "float") &&
		   !is_word(x, "double") && !is_word(x, "void") && !is_word(x, "_Bool") &&
		   !is_word(x, "bool")) {
		memcpy(name, x->ts, x->tlen);
		name[x->tlen] = 0;
		if (!type_find(x, (const int[]){ DW_TAG_typedef, 0 }, name, &out->die) &&
		    !type_find(x, tags_typedef, name, &out->die))
			return cx_fail(x, "No symbol \"%s\" in current context.", name);
		next(x);
	} else if (base_words(x, out)) {
		return -EINVAL;
	}
	while (is_word(x, "const") || is_word(x, "volatile"))
		next(x);
	while (is_op(x, "*")) {
		struct cx_type p;

		cx_pointer_to(out, &p);
		*out = p;
		next(x);
		while (is_word(x, "const") || is_word(x, "volatile"))
			next(x);
	}
	if (is_op(x, "&") || is_op(x, "&&")) {
		/* gdb: (T &)x is a reference to (T)x, const dropped */
		out->ref = is_op(x, "&&") ? 2 : 1;
		next(x);
	}
	return 0;
}

/* ---- operators --------------------------------------------------------------------- */

/* Are class DIEs a and b one class (one DIE, or one name: every compile
 * unit has its own copy)? */
static bool same_class(Dwarf_Die *a, Dwarf_Die *b)
{
	char *na, *nb;
	bool same;

	if (dwarf_dieoffset(a) == dwarf_dieoffset(b))
		return true;
	if (!dwarf_diename(a) || !dwarf_diename(b) || strcmp(dwarf_diename(a), dwarf_diename(b)))
		return false;
	na = src_type_name(a);
	nb = src_type_name(b);
	same = na && nb && !strcmp(na, nb);
	free(na);
	free(nb);
	return same;
}

/* The byte offset of base class want in the object of class t at byte at
 * of v, searched depth first as gdb's search_struct_field: a virtual
 * base's offset read from the object's vtable (v NULL: no object, only
 * the constant offsets; v VB_ANY: is want a base at all, any offset). */
#define VB_ANY ((const struct cx_val *)1)
static bool find_base(struct cx *x, const struct cx_val *v, uint64_t at, Dwarf_Die *t,
		      Dwarf_Die *want, uint64_t *off, int depth)
{
	Dwarf_Die ch, b;

	if (same_class(t, want)) {
		*off = at;
		return true;
	}
	if (depth > 16 || dwarf_child(t, &ch) != 0)
		return false;
	do {
		uint64_t o;

		if (dwarf_tag(&ch) != DW_TAG_inheritance || !src_die_type(&ch, &b) ||
		    !src_peel(&b, &b))
			continue;
		if (!cx_member_offset(&ch, &o) && v != VB_ANY &&
		    (!v || x->noeval || src_base_offset(x->c, &ch, &v->v, at, &o)))
			continue;
		if (find_base(x, v, at + o, &b, want, off, depth + 1))
			return true;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

/* The run-time type of the polymorphic object at addr, as gdb's
 * value_rtti_type reads it: the vtable its vptr points into ("vtable for
 * Dog": its class name in *name) and the offset to the whole object. */
static bool rtti(struct cx *x, uint64_t addr, uint64_t *full, const char **name)
{
	uint64_t vptr, o;
	int64_t top;
	const char *sym;

	if (x->noeval || src_ctx_read(x->c, addr, &vptr, 8) != 8)
		return false;
	sym = src_addr_symbol(x->c->s, vptr, &o);
	if (!sym || strncmp(sym, "vtable for ", 11) ||
	    src_ctx_read(x->c, vptr - 16, &top, 8) != 8)
		return false;
	*full = addr + (uint64_t)top;
	*name = sym + 11;
	return true;
}

/* v (of class sv) as class st, as gdb's value_cast_structs: a base class
 * subobject, or for a derived class the object holding v (through the
 * run-time type when v has one).  -ENOENT when st is neither. */
static int class_cast(struct cx *x, const struct cx_val *v, Dwarf_Die *sv, Dwarf_Die *st,
		      const struct cx_type *to, struct cx_val *out)
{
	struct cx_type own;
	uint64_t off, full;
	const char *real;
	char *want;
	bool whole;

	if (find_base(x, v, 0, sv, st, &off, 0)) {
		cx_sub_value(v, off, to, out);
		return 0;
	}
	if (!v->v.in_mem)
		return -ENOENT;
	if (find_base(x, VB_ANY, 0, st, sv, &off, 0) && rtti(x, v->v.addr, &full, &real)) {
		want = src_type_name(st);
		whole = want && !strcmp(want, real);
		free(want);
		/* gdb: the whole object when it is of class st, else v's own
		 * subobject of the whole: v as it is, of its own class */
		own = v->ty; /* out may be v */
		cx_lval(out, whole ? to : &own, whole ? full : v->v.addr);
		return 0;
	}
	if (!find_base(x, NULL, 0, st, sv, &off, 0))
		return -ENOENT;
	cx_lval(out, to, v->v.addr - off);
	return 0;
}

/* (Base *)p and (Derived *)p move the pointer as the class cast moves
 * the object (gdb's value_cast_pointers); -ENOENT: only the type changes. */
static int pointer_cast(struct cx *x, const struct cx_type *to, struct cx_val *v)
{
	struct cx_type tt, vt;
	struct cx_val obj;
	Dwarf_Die st, sv;
	uint64_t p;
	bool sign;

	if (!cx_target(to, &tt) || !cx_target(&v->ty, &vt) ||
	    cx_class_of(&tt, &st) != CL_STRUCT || cx_class_of(&vt, &sv) != CL_STRUCT)
		return -ENOENT;
	if (cx_scalar(x, v, &p, &sign))
		return -EINVAL;
	if (!p || same_class(&sv, &st))
		return -ENOENT; /* gdb leaves a null pointer alone */
	cx_lval(&obj, &vt, p);
	if (class_cast(x, &obj, &sv, &st, &tt, &obj))
		return -ENOENT;
	cx_int_val(v, obj.v.addr, 8, false);
	v->ty = *to;
	return 0;
}

static int cast(struct cx *x, const struct cx_type *to, struct cx_val *v);

/* (T &)x: a reference to (T)x, which must be in memory (of the class
 * the cast gave: gdb's value_ref of it).  A scalar of T's size stays the
 * lvalue it is (gdb's value_cast keeps it: (int &)i, (char *&)p). */
static int ref_cast(struct cx *x, const struct cx_type *to, struct cx_val *v)
{
	struct cx_type t = *to;
	enum cx_class kt, kv;
	uint64_t addr;

	t.ref = 0;
	if (cx_coerce_ref(x, v))
		return -EINVAL;
	kt = cx_class_of(&t, NULL);
	kv = cx_class_of(&v->ty, NULL);
	if (v->v.in_mem && (kt == CL_INT || kt == CL_PTR || kt == CL_FLOAT) &&
	    (kv == CL_INT || kv == CL_PTR || kv == CL_FLOAT) && cx_size(&t) == cx_size(&v->ty))
		cx_lval(v, &t, v->v.addr);
	else if (cast(x, &t, v))
		return -EINVAL;
	if (!v->v.in_mem)
		return cx_fail(x, "Attempt to take address of value not located in memory.");
	addr = v->v.addr;
	t = v->ty;
	t.ref = to->ref;
	cx_int_val(v, addr, 8, false);
	v->ty = t;
	return 0;
}

static int cast(struct cx *x, const struct cx_type *to, struct cx_val *v)
{
	enum cx_class kt = cx_class_of(to, NULL), kv;
	Dwarf_Die st, sv;
	uint64_t u;
	bool sign;
	int r;

	if (v->msym) {
		/* gdb reads a symbol without debug info as the cast's type */
		cx_lval(v, to, v->v.addr);
		return 0;
	}
	if (to->ref)
		return ref_cast(x, to, v);
	if (cx_coerce_ref(x, v))
		return -EINVAL;
	if (cx_decay(x, v) < 0)
		return -EINVAL;
	kv = cx_class_of(&v->ty, &sv);
	if (kt == CL_VOID) {
		memset(v, 0, sizeof *v);
		v->ty = *to;
		return 0;
	}
	if (kt == CL_STRUCT) {
		cx_class_of(to, &st);
		if (kv == CL_STRUCT && class_cast(x, v, &sv, &st, to, v) == 0)
			return 0;
	}
	if (kt == CL_PTR && kv == CL_PTR && (r = pointer_cast(x, to, v)) != -ENOENT)
		return r;
	if ((kt == CL_STRUCT || kv == CL_STRUCT) && v->v.in_mem) {
		/* gdb reads an object in memory as the other type */
		cx_lval(v, to, v->v.addr);
		return 0;
	}
	if (kt == CL_FLOAT || kv == CL_FLOAT)
		return cx_float_cast(x, to, v);
	if ((kt != CL_INT && kt != CL_PTR) || (kv != CL_INT && kv != CL_PTR))
		return cx_fail(x, "Invalid cast.");
	if (cx_scalar(x, v, &u, &sign))
		return -EINVAL;
	memset(v, 0, sizeof *v);
	v->ty = *to;
	v->v.size = cx_size(to);
	memcpy(v->v.bytes, &u, v->v.size < 8 ? v->v.size : 8);
	memset(v->v.valid, 1, v->v.size);
	return 0;
}

/* C's usual arithmetic conversions on two integers: size and sign. */
static void arith_type(const struct cx_val *a, bool sa, const struct cx_val *b, bool sb,
		       uint8_t *size, bool *sign)
{
	uint64_t za = cx_size(&a->ty) < 4 ? 4 : cx_size(&a->ty);
	uint64_t zb = cx_size(&b->ty) < 4 ? 4 : cx_size(&b->ty);

	/* smaller ones are int (signed) after promotion */
	if (cx_size(&a->ty) < 4)
		sa = true;
	if (cx_size(&b->ty) < 4)
		sb = true;
	*size = (uint8_t)(za > zb ? za : zb);
	if (za == zb)
		*sign = sa && sb;
	else
		*sign = za > zb ? sa : sb;
}

static int64_t sext(uint64_t u, uint8_t size)
{
	if (size < 8 && (u >> (size * 8 - 1) & 1))
		u |= ~(uint64_t)0 << (size * 8);
	else if (size < 8)
		u &= ((uint64_t)1 << (size * 8)) - 1;
	return (int64_t)u;
}

static int int_op(struct cx *x, const char *op, uint64_t a, uint64_t b, uint8_t size,
		  bool sign, struct cx_val *out)
{
	uint64_t r = 0;
	int64_t sa = sext(a, size), sb = sext(b, size);

	if (!sign && size < 8) {
		a &= ((uint64_t)1 << (size * 8)) - 1;
		b &= ((uint64_t)1 << (size * 8)) - 1;
	}
	if ((!strcmp(op, "/") || !strcmp(op, "%")) && b == 0)
		return cx_fail(x, "Division by zero");
	if (!strcmp(op, "+")) r = a + b;
	else if (!strcmp(op, "-")) r = a - b;
	else if (!strcmp(op, "*")) r = a * b;
	else if (!strcmp(op, "/")) r = sign ? (uint64_t)(sa / sb) : a / b;
	else if (!strcmp(op, "%")) r = sign ? (uint64_t)(sa % sb) : a % b;
	else if (!strcmp(op, "<<")) r = a << (b & 63);
	else if (!strcmp(op, ">>")) r = sign ? (uint64_t)(sa >> (b & 63)) : a >> (b & 63);
	else if (!strcmp(op, "&")) r = a & b;
	else if (!strcmp(op, "|")) r = a | b;
	else if (!strcmp(op, "^")) r = a ^ b;
	else {
		bool c;

		if (!strcmp(op, "==")) c = a == b;
		else if (!strcmp(op, "!=")) c = a != b;
		else if (!strcmp(op, "<")) c = sign ? sa < sb : a < b;
		else if (!strcmp(op, ">")) c = sign ? sa > sb : a > b;
		else if (!strcmp(op, "<=")) c = sign ? sa <= sb : a <= b;
		else if (!strcmp(op, ">=")) c = sign ? sa >= sb : a >= b;
		else if (!strcmp(op, "&&")) c = a && b;
		else c = a || b; /* || */
		cx_int_val(out, c, 4, true);
		return 0;
	}
	cx_int_val(out, r, size, sign);
	return 0;
}

static bool is_cmp(const char *op)
{
	return !strcmp(op, "==") || !strcmp(op, "!=") || !strcmp(op, "<") ||
	       !strcmp(op, ">") || !strcmp(op, "<=") || !strcmp(op, ">=") ||
	       !strcmp(op, "&&") || !strcmp(op, "||");
}

static int arith_binop(struct cx *x, const char *op, struct cx_val *a, struct cx_val *b,
		       struct cx_val *out);

/* A binary operator's value.  In a C++ frame a comparison or a logical
 * operator gives a bool, as gdb's evaluator does in the frame's language
 * (`x == 3` prints true; C's int 1). */
static int binop(struct cx *x, const char *op, struct cx_val *a, struct cx_val *b,
		 struct cx_val *out)
{
	int err = arith_binop(x, op, a, b, out);

	if (!err && is_cmp(op) && cplus(x))
		cx_bool_val(out, out->v.bytes[0] != 0);
	return err;
}

static int arith_binop(struct cx *x, const char *op, struct cx_val *a, struct cx_val *b,
		       struct cx_val *out)
{
	enum cx_class ka, kb;
	uint64_t ua, ub;
	bool sa, sb, sign;
	uint8_t size;

	if (cx_coerce_ref(x, a) || cx_coerce_ref(x, b) || cx_decay(x, a) || cx_decay(x, b))
		return -EINVAL;
	ka = cx_class_of(&a->ty, NULL);
	kb = cx_class_of(&b->ty, NULL);
	if (ka == CL_FLOAT || kb == CL_FLOAT)
		return cx_float_binop(x, op, a, b, out);
	if (cx_scalar(x, a, &ua, &sa) || cx_scalar(x, b, &ub, &sb))
		return -EINVAL;
	if (ka == CL_PTR && kb == CL_PTR && !strcmp(op, "-")) {
		struct cx_type t;
		uint64_t es;

		cx_target(&a->ty, &t);
		es = cx_size(&t) ? cx_size(&t) : 1;
		cx_int_val(out, (uint64_t)((int64_t)(ua - ub) / (int64_t)es), 8, true);
		return 0;
	}
	if ((ka == CL_PTR) != (kb == CL_PTR) && (!strcmp(op, "+") || !strcmp(op, "-"))) {
		struct cx_val *p = ka == CL_PTR ? a : b;
		struct cx_type t, pt = p->ty;
		uint64_t n = ka == CL_PTR ? ub : ua, base = ka == CL_PTR ? ua : ub;

		if (!strcmp(op, "-") && kb == CL_PTR)
			return cx_fail(x, "Argument to arithmetic operation not a number or boolean.");
		if (cx_ptr_math_check(x, &pt))
			return -EINVAL;
		cx_target(&pt, &t);
		n *= cx_size(&t);
		cx_int_val(out, !strcmp(op, "+") ? base + n : base - n, 8, false);
		out->ty = pt;
		return 0;
	}
	if ((ka == CL_PTR || kb == CL_PTR) && !is_cmp(op))
		return cx_fail(x, "Argument to arithmetic operation not a number or boolean.");
	arith_type(a, sa, b, sb, &size, &sign);
	if (ka == CL_PTR || kb == CL_PTR) {
		size = 8;
		sign = false;
	}
	return int_op(x, op, ua, ub, size, sign, out);
}

/* gdb's artificial array v@n: n objects of v's type from v's address. */
static int repeat(struct cx *x, struct cx_val *v, struct cx_val *n)
{
	uint64_t u;
	bool sign;

	if (cx_coerce_ref(x, v) || cx_coerce_ref(x, n) || cx_scalar(x, n, &u, &sign))
		return -EINVAL;
	if (!v->v.in_mem || v->ty.arr_n)
		return cx_fail(x, "Only values in memory can be extended with '@'.");
	if ((int64_t)u <= 0 || u > INT32_MAX)
		return cx_fail(x, "Invalid number %" PRId64 " of repetitions.", (int64_t)u);
	v->ty.arr_n = u;
	v->v.size = cx_size(&v->ty);
	return 0;
}

/* ---- the grammar ---------------------------------------------------------------------- */

static int parse_expr(struct cx *x, struct cx_val *out);
static int parse_unary(struct cx *x, struct cx_val *out);

static int parse_primary(struct cx *x, struct cx_val *out)
{
	if (x->tk == TK_NUM && x->tfsize) {
		cx_float_val(out, x->tflt, x->tfsize);
		next(x);
		return 0;
	}
	if (x->tk == TK_NUM) {
		uint64_t n = x->tnum;
		bool big = x->tlong || n > (x->tunsigned ? UINT32_MAX : INT32_MAX);

		cx_int_val(out, n, big ? 8 : 4, !x->tunsigned && (big ? n <= INT64_MAX : true));
		next(x);
		return 0;
	}
	if ((is_word(x, "true") || is_word(x, "false")) && !x->tquoted && cplus(x)) {
		cx_bool_val(out, is_word(x, "true")); /* C++'s literals (C has none) */
		next(x);
		return 0;
	}
	if (x->tk == TK_CHAR) {
		struct cx_type t;

		cx_int_val(out, x->tnum, 1, true);
		if (type_find(x, tags_base, "char", &t.die)) {
			out->ty.kind = CT_DIE;
			out->ty.die = t.die;
		}
		next(x);
		return 0;
	}
	if (is_op(x, "(")) {
		next(x);
		if (parse_expr(x, out))
			return -EINVAL;
		return expect(x, ")");
	}
	if (is_op(x, "::") || (x->tk == TK_ID && !is_word(x, "sizeof")))
		return scoped_ident(x, out);
	if (x->tk == TK_REG) {
		const char *n = x->ts + 1;
		size_t len = x->tlen - 1;

		next(x);
		if (*n >= '0' && *n <= '9') /* $1: gdb's value history, not kept */
			return cx_fail(x, "History has not yet reached $%.*s.", (int)len, n);
		return cx_register(x, n, len, out);
	}
	return syntax_error(x);
}

/* Is the name token followed by "(": a method call? */
static bool peek_call(const struct cx *x)
{
	const char *p = x->ts + x->tlen;

	while (*p == ' ' || *p == '\t')
		p++;
	return x->tk == TK_ID && *p == '(';
}

/* obj.name(args) at the name token: a recording runs no code, so only
 * what libstdc++'s containers' fields tell is computed (cexpr_std.c). */
static int method_call(struct cx *x, const struct cx_val *obj, struct cx_val *out)
{
	const char *name = x->ts;
	size_t len = x->tlen;
	struct cx_val *args = calloc(2, sizeof *args);
	int n = 0, r = 0;

	if (!args)
		return -ENOMEM;
	next(x); /* the name */
	next(x); /* ( */
	while (!r && !is_op(x, ")")) {
		if (n == 2) {
			r = cx_fail(x, "Too many arguments in method call.");
			break;
		}
		r = parse_expr(x, &args[n++]);
		if (!r && !is_op(x, ")"))
			r = expect(x, ",");
	}
	if (!r)
		r = expect(x, ")");
	if (!r)
		r = cx_std_call(x, obj, name, len, args, n, out);
	free(args);
	return r ? -EINVAL : 0;
}

/* "f(TYPE, ...)" at the "(" after function f: gdb's type instance of
 * an overloaded name ("operator==(V2, V2)", "&max<int>(int, int)"),
 * whose value gdb 13 gives as f's, whatever the types.  0 past the ")";
 * 1 when the parentheses hold no type (a call: left to the caller);
 * -EINVAL. */
static int type_instance(struct cx *x)
{
	const char *save = x->p, *save_ts = x->ts;
	struct cx_type t;

	next(x);
	if (!type_start(x)) {
		x->p = save;
		x->ts = save_ts;
		x->tk = TK_PUNCT;
		x->tlen = 1;
		return 1;
	}
	for (;;) {
		if (parse_type(x, &t))
			return -EINVAL;
		if (!is_op(x, ","))
			break;
		next(x);
	}
	return expect(x, ")");
}

static int parse_postfix(struct cx *x, struct cx_val *out)
{
	if (parse_primary(x, out))
		return -EINVAL;
	for (;;) {
		if (is_op(x, "[")) {
			struct cx_val i;
			uint64_t u;
			bool sign;

			next(x);
			if (parse_expr(x, &i) || expect(x, "]"))
				return -EINVAL;
			if (cx_coerce_ref(x, &i) || cx_scalar(x, &i, &u, &sign))
				return -EINVAL;
			if (cx_index(x, out, (int64_t)u, out))
				return -EINVAL;
		} else if (is_op(x, ".") || is_op(x, "->")) {
			bool arrow = is_op(x, "->");
			struct cx_val base = *out;
			int r;

			next(x);
			if (x->tk != TK_ID)
				return syntax_error(x);
			/* gdb reads through pointers for both . and -> */
			if (cx_coerce_ref(x, &base))
				return -EINVAL;
			if (arrow && base.ty.kind == CT_SYN && !base.ty.nptr)
				return cx_syn_fail(x);
			/* it->m on a std iterator: gdb calls its operator-> */
			if (arrow && cx_class_of(&base.ty, NULL) == CL_STRUCT) {
				r = cx_std_pointer(x, &base, &base);
				if (r && r != -ENOENT)
					return r;
			}
			while (cx_class_of(&base.ty, NULL) == CL_PTR ||
			       cx_class_of(&base.ty, NULL) == CL_ARRAY)
				if (cx_deref(x, &base, &base) || cx_coerce_ref(x, &base))
					return -EINVAL;
			if (peek_call(x)) {
				if (method_call(x, &base, out))
					return -EINVAL;
				continue;
			}
			r = cx_member(x, &base, x->ts, x->tlen, out);
			if (r == -ENOENT)
				return cx_fail(x, "Attempt to extract a component of a value "
					       "that is not a structure%s.", arrow ? " pointer" : "");
			if (r)
				return r;
			next(x);
		} else if (is_op(x, "(") && cx_class_of(&out->ty, NULL) == CL_FUNC) {
			int r = type_instance(x);

			if (r)
				return r < 0 ? r : 0;
		} else {
			return 0;
		}
	}
}

/* Finds the type named by comps[k..n) inside scope: namespaces and
 * classes on the way (a CU opens "std" many times: every one is tried). */
static bool find_qualified(Dwarf_Die *scope, char **comps, int k, int n, Dwarf_Die *out)
{
	Dwarf_Die ch;

	if (dwarf_child(scope, &ch) != 0)
		return false;
	do {
		int tag = dwarf_tag(&ch);
		const char *nm = dwarf_diename(&ch);
		bool type = tag == DW_TAG_structure_type || tag == DW_TAG_class_type ||
			    tag == DW_TAG_union_type || tag == DW_TAG_typedef ||
			    tag == DW_TAG_enumeration_type || tag == DW_TAG_base_type;

		if (!nm || strcmp(nm, comps[k]))
			continue;
		if (k == n - 1 && type && !dwarf_hasattr(&ch, DW_AT_declaration)) {
			*out = ch;
			return true;
		}
		if (k < n - 1 && (tag == DW_TAG_namespace || tag == DW_TAG_structure_type ||
				  tag == DW_TAG_class_type) &&
		    find_qualified(&ch, comps, k + 1, n, out))
			return true;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

/* A cast to a C++ qualified or template type, as the variables tree
 * writes a container's element ("*(std::vector<int, std::allocator<int>
 * > *)0x4052a0"): the text after "(" to its ")", looked up in the
 * compile unit at pc.  0 with x->p after the ")"; -ENOENT: not one. */
static int qualified_type(struct cx *x, struct cx_type *out)
{
	const char *p = x->p, *end;
	char *text, *comps[16];
	int depth = 0, n = 0, stars = 0;
	size_t len;
	bool found;
	uint8_t ref = 0;

	for (end = p; *end && (depth || *end != ')'); end++)
		depth += *end == '<' || *end == '(' ? 1 : *end == '>' || *end == ')' ? -1 : 0;
	if (!*end || !x->have_cu || !cplus(x))
		return -ENOENT;
	len = (size_t)(end - p);
	text = strndup(p, len);
	if (!text)
		return -ENOMEM;
	while (len && text[len - 1] == ' ')
		len--;
	while (len && text[len - 1] == '&' && ref < 2) {
		ref++;
		len--;
	}
	while (len && (text[len - 1] == ' ' || text[len - 1] == '*'))
		stars += text[--len] == '*';
	text[len] = 0;
	if (!strstr(text, "::") && !strchr(text, '<')) {
		free(text);
		return -ENOENT;
	}
	/* split at the "::" outside template arguments */
	comps[n++] = text;
	depth = 0;
	for (char *q = text; *q && n < 16; q++) {
		depth += *q == '<' ? 1 : *q == '>' ? -1 : 0;
		if (!depth && q[0] == ':' && q[1] == ':') {
			*q = 0;
			comps[n++] = q + 2;
			q++;
		}
	}
	memset(out, 0, sizeof *out);
	found = find_qualified(&x->cu, comps, 0, n, &out->die);
	free(text);
	if (!found)
		return -ENOENT;
	x->p = end + 1;
	out->kind = CT_DIE;
	out->nptr = stars;
	out->ref = ref;
	return 0;
}

static int parse_sizeof(struct cx *x, struct cx_val *out)
{
	struct cx_type t;
	struct cx_val v;
	int r;

	next(x);
	if (is_op(x, "(")) {
		const char *save = x->p;

		/* "sizeof(ns::In)", a qualified or template type */
		if ((r = qualified_type(x, &t)) != -ENOENT) {
			if (r)
				return r;
			next(x);
			cx_int_val(out, cx_size(&t), 8, false);
			return 0;
		}
		next(x);
		if (type_start(x)) {
			if (parse_type(x, &t) || expect(x, ")"))
				return -EINVAL;
			cx_int_val(out, cx_size(&t), 8, false);
			return 0;
		}
		x->p = save;
		x->ts = save - 1;
		x->tk = TK_PUNCT;
		x->tlen = 1;
	}
	x->noeval++;
	r = parse_unary(x, &v);
	x->noeval--;
	if (r || (v.msym && cx_coerce_ref(x, &v)))
		return -EINVAL;
	if (cx_class_of(&v.ty, NULL) == CL_REF)
		cx_target(&v.ty, &v.ty);
	cx_int_val(out, cx_size(&v.ty), 8, false);
	return 0;
}

static int parse_unary(struct cx *x, struct cx_val *out)
{
	if (is_op(x, "-") || is_op(x, "+") || is_op(x, "!") || is_op(x, "~")) {
		char op = *x->ts;
		struct cx_val zero;

		next(x);
		if (parse_unary(x, out))
			return -EINVAL;
		cx_int_val(&zero, 0, 4, true);
		if (op == '+')
			return binop(x, "+", &zero, out, out);
		if (op == '-')
			return binop(x, "-", &zero, out, out);
		if (op == '!')
			return binop(x, "==", out, &zero, out);
		if (cx_coerce_ref(x, out))
			return -EINVAL;
		if (cx_class_of(&out->ty, NULL) == CL_FLOAT)
			return cx_fail(x, "Argument to complement operation not an integer, boolean.");
		cx_int_val(&zero, ~(uint64_t)0, 4, true);
		return binop(x, "^", out, &zero, out);
	}
	if (is_op(x, "*")) {
		next(x);
		return parse_unary(x, out) || cx_deref(x, out, out) ? -EINVAL : 0;
	}
	if (is_op(x, "&")) {
		struct cx_type pt;

		next(x);
		x->amp_at = x->ts;
		if (parse_unary(x, out) || (!out->msym && cx_coerce_ref(x, out)))
			return -EINVAL;
		if (!out->v.in_mem)
			return cx_fail(x, "Attempt to take address of value not located in memory.");
		cx_pointer_to(&out->ty, &pt);
		cx_int_val(out, out->v.addr, 8, false);
		out->ty = pt;
		return 0;
	}
	if (is_word(x, "sizeof"))
		return parse_sizeof(x, out);
	if (is_op(x, "(")) {
		const char *save = x->p, *save_ts = x->ts;
		struct cx_type qt;

		if (qualified_type(x, &qt) == 0) {
			next(x);
			return parse_unary(x, out) ? -EINVAL : cast(x, &qt, out);
		}
		next(x);
		if (type_start(x)) {
			struct cx_type t;

			if (parse_type(x, &t) || expect(x, ")") || parse_unary(x, out))
				return -EINVAL;
			return cast(x, &t, out);
		}
		x->p = save;
		x->ts = save_ts;
		x->tk = TK_PUNCT;
		x->tlen = 1;
	}
	return parse_postfix(x, out);
}

static int prec_of(const struct cx *x)
{
	static const struct { const char *op; int prec; } tab[] = {
		{ "||", 1 }, { "&&", 2 }, { "|", 3 }, { "^", 4 }, { "&", 5 },
		{ "==", 6 }, { "!=", 6 }, { "<", 7 }, { ">", 7 }, { "<=", 7 }, { ">=", 7 },
		{ "<<", 8 }, { ">>", 8 }, { "@", 9 }, { "+", 10 }, { "-", 10 }, { "*", 11 },
		{ "/", 11 }, { "%", 11 },
	};

	if (x->tk != TK_PUNCT)
		return 0;
	for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++)
		if (is_op(x, tab[k].op))
			return tab[k].prec;
	return 0;
}

static int parse_binary(struct cx *x, int min, struct cx_val *out)
{
	int p;

	if (parse_unary(x, out))
		return -EINVAL;
	while ((p = prec_of(x)) >= min && p > 0) {
		char op[3] = { 0 };
		struct cx_val rhs;

		if (at_entry(x)) /* gdb's ENTRY token after no name */
			return syntax_error(x);
		memcpy(op, x->ts, x->tlen);
		next(x);
		if (parse_binary(x, p + 1, &rhs) ||
		    (op[0] == '@' ? repeat(x, out, &rhs) : binop(x, op, out, &rhs, out)))
			return -EINVAL;
	}
	return 0;
}

/* cond ? a : b (both sides are evaluated: nothing has side effects) */
static int parse_expr(struct cx *x, struct cx_val *out)
{
	struct cx_val *ab;
	bool u;
	int r;

	if (parse_binary(x, 1, out))
		return -EINVAL;
	if (!is_op(x, "?"))
		return 0;
	next(x);
	ab = malloc(2 * sizeof *ab);
	if (!ab)
		return -ENOMEM;
	r = parse_expr(x, &ab[0]);
	if (!r)
		r = expect(x, ":");
	if (!r)
		r = parse_expr(x, &ab[1]);
	if (!r && (cx_coerce_ref(x, out) || cx_decay(x, out) || cx_truth(x, out, &u)))
		r = -EINVAL;
	if (!r)
		*out = ab[u ? 0 : 1];
	free(ab);
	return r;
}

int cx_eval(struct cx *x, struct cx_val *out)
{
	x->p = x->text;
	next(x);
	if (x->tk == TK_END)
		return cx_fail(x, "Argument required (expression to compute).");
	if (parse_expr(x, out))
		return -EINVAL;
	if (is_op(x, ")")) /* gdb's lexer ends the expression there */
		return cx_fail(x, "Junk after end of expression.");
	if (x->tk != TK_END)
		return syntax_error(x);
	return 0;
}
