/* cexpr_names.c - fs/source: every global name of every module, for C expressions.
 *
 * A name that is not the frame's (a global, a static of another file, a
 * type for a cast, an enumerator) would otherwise cost a walk over every
 * compile unit of every module: libc's debug information has thousands,
 * tens of milliseconds per miss.  So the first expression that needs one
 * collects the top-level DIEs of every compile unit once (variables,
 * types, enumerators) into one array sorted by name; a lookup is then a
 * binary search.  Names are borrowed from libdw (valid until dwfl_end),
 * DIEs kept as (module, offset).  Built and read under s->dw_lock.
 *
 * A namespace's or a class's variable is also indexed by its qualified
 * name ("ns::C7::v"), computed once per unit by one walk over its
 * namespaces (and the classes that declare such a variable): looking
 * each definition's declaration up from the unit's top made a lookup of
 * "ns::C7999::v" cost a walk per class with a member "v".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cexpr_i.h"
#include "hindsight/util.h"

/* NK_VAR_UNRES: gdb's LOC_UNRESOLVED, an external variable without a
 * location (cx_var_unresolved), found after the variables that have one */
/* NK_VAR_SCOPED: the definition of a namespace's or a class's variable
 * (its declaration is in that scope), found by its qualified name only */
enum { NK_VAR_EXT, NK_VAR_STATIC, NK_VAR_UNRES, NK_TYPE, NK_ENUMERATOR, NK_FUNC,
       NK_VAR_SCOPED };

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool in_scope(Dwarf_Die *scope, Dwarf_Off off)
{
	Dwarf_Die ch;

	if (dwarf_child(scope, &ch) != 0)
		return false;
	do {
		if (dwarf_dieoffset(&ch) == off)
			return true;
		if (dwarf_dieoffset(&ch) > off)
			return false;
		/* an anonymous namespace's names are its scope's (gdb's
		 * using directive) */
		if (dwarf_tag(&ch) == DW_TAG_namespace && !dwarf_diename(&ch) &&
		    in_scope(&ch, off))
			return true;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

bool cx_spec_outside(Dwarf_Die *scope, Dwarf_Die *d)
{
	Dwarf_Attribute a;
	Dwarf_Die decl;

	if (!dwarf_attr(d, DW_AT_specification, &a) || !dwarf_formref_die(&a, &decl))
		return false;
	return !in_scope(scope, dwarf_dieoffset(&decl));
}

bool cx_var_unresolved(Dwarf_Die *d)
{
	return dwarf_hasattr_integrate(d, DW_AT_external) &&
	       dwarf_hasattr_integrate(d, DW_AT_type) && !dwarf_hasattr(d, DW_AT_location) &&
	       !dwarf_hasattr_integrate(d, DW_AT_const_value);
}

struct cx_name {
	const char *name;
	uint32_t mod;
	uint8_t kind;
	uint16_t tag;           /* NK_TYPE: the DIE's tag */
	Dwarf_Off off;          /* the DIE (an enumerator's: its enum type) */
	Dwarf_Off sub;          /* NK_ENUMERATOR: the enumerator itself */
};

/* A variable or a function by its qualified name: the definition of a
 * namespace's or a class's variable or function (gcc: at the top of the unit, DW_AT_specification to
 * its declaration in that scope), or a variable with a location inside
 * a namespace (clang puts the definition there). */
struct cx_qname {
	char *name;             /* "ns::inner::g", malloc'd */
	uint32_t mod;
	bool func;              /* a function's (a method's) definition */
	Dwarf_Off off;
};

struct src_names {
	struct cx_name *e;
	size_t n, cap;
	struct cx_qname *q;
	size_t nq, qcap;
};

void src_names_free(struct src_names *nm)
{
	if (!nm)
		return;
	for (size_t i = 0; i < nm->nq; i++)
		free(nm->q[i].name);
	free(nm->q);
	free(nm->e);
	free(nm);
}

static int add(struct src_names *nm, const struct cx_name *e)
{
	if (hs_grow((void **)&nm->e, &nm->cap, nm->n + 1, sizeof(*nm->e)))
		return -ENOMEM;
	nm->e[nm->n++] = *e;
	return 0;
}

static bool is_type_tag(int tag)
{
	return tag == DW_TAG_typedef || tag == DW_TAG_structure_type ||
	       tag == DW_TAG_class_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_enumeration_type || tag == DW_TAG_base_type;
}

/* The enumerators of enum type t. */
static int add_enumerators(struct src_names *nm, const struct src_mod *m, uint32_t mod,
			   Dwarf_Die *t)
{
	Dwarf_Off unit = src_unit_key(m, t);
	Dwarf_Die e;
	int r = 0;

	if (dwarf_child(t, &e) != 0)
		return 0;
	do {
		const char *n = dwarf_diename(&e);

		if (dwarf_tag(&e) == DW_TAG_enumerator && n)
			r = add(nm, &(struct cx_name){ .name = n, .mod = mod, .kind = NK_ENUMERATOR,
						       .off = dwarf_dieoffset(t) | unit,
						       .sub = dwarf_dieoffset(&e) | unit });
	} while (!r && dwarf_siblingof(&e, &e) == 0);
	return r;
}

/* Does function d have code: a low pc, or ranges (a function gcc split
 * in a hot and a cold part, main and main.cold)? */
static bool has_code(Dwarf_Die *d)
{
	Dwarf_Addr pc;

	return cx_func_entry(d, &pc);
}

static int add_cu(struct src_names *nm, const struct src_mod *m, uint32_t mod, Dwarf_Die *cu)
{
	Dwarf_Off unit = src_unit_key(m, cu);
	Dwarf_Die ch;
	int r = 0;

	if (dwarf_child(cu, &ch) != 0)
		return 0;
	do {
		int tag = dwarf_tag(&ch);
		const char *n = dwarf_diename(&ch);
		struct cx_name e = { .name = n, .mod = mod, .tag = (uint16_t)tag,
				     .off = dwarf_dieoffset(&ch) | unit };

		if (tag == DW_TAG_enumeration_type)
			r = add_enumerators(nm, m, mod, &ch);
		if (r || !n)
			continue;
		if (tag == DW_TAG_variable) {
			bool ext = dwarf_hasattr_integrate(&ch, DW_AT_external);

			if (cx_spec_outside(cu, &ch))
				e.kind = NK_VAR_SCOPED;
			else if (cx_var_unresolved(&ch))
				e.kind = NK_VAR_UNRES;
			else if (dwarf_hasattr_integrate(&ch, DW_AT_declaration) &&
				 !dwarf_hasattr(&ch, DW_AT_location) &&
				 !dwarf_hasattr(&ch, DW_AT_specification))
				continue; /* a definition (specification) without a
					   * location is gdb's <optimized out> */
			else
				e.kind = ext ? NK_VAR_EXT : NK_VAR_STATIC;
			r = add(nm, &e);
		} else if (tag == DW_TAG_subprogram && has_code(&ch)) {
			e.kind = NK_FUNC;
			r = add(nm, &e);
		} else if (is_type_tag(tag) && !dwarf_hasattr(&ch, DW_AT_declaration) &&
			   !dwarf_hasattr(&ch, DW_AT_signature)) {
			/* (a stub of a type unit's type: the type unit's is
			 * indexed) */
			e.kind = NK_TYPE;
			r = add(nm, &e);
		}
	} while (!r && dwarf_siblingof(&ch, &ch) == 0);
	return r;
}

static int by_name(const void *a, const void *b)
{
	const struct cx_name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->mod != y->mod)
		return x->mod < y->mod ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int qualify_cu(struct src_names *nm, const struct src_mod *m, uint32_t mod,
		      Dwarf_Die *cu, size_t first);

static int by_qname(const void *a, const void *b)
{
	const struct cx_qname *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->mod != y->mod)
		return x->mod < y->mod ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static struct src_names *names_of(struct hs_src *s)
{
	struct src_names *nm;

	if (s->cx_names_done)
		return s->cx_names;
	s->cx_names_done = true;
	nm = calloc(1, sizeof *nm);
	if (!nm)
		return NULL;
	for (size_t i = 0; i < s->n_mods; i++) {
		const struct src_mod *m = &s->mods[i];
		struct src_unit_iter it = { 0 };
		Dwarf_Die cu;

		/* the type units too: -fdebug-types-section's types are there */
		while (m->dw && src_unit_next(m, &it, true, &cu)) {
			size_t first = nm->n;

			if (add_cu(nm, m, (uint32_t)i, &cu) ||
			    qualify_cu(nm, m, (uint32_t)i, &cu, first)) {
				src_names_free(nm);
				return NULL; /* ENOMEM: names are then searched unindexed */
			}
		}
	}
	if (nm->n > 1) /* nm->e is NULL when there is none */
		qsort(nm->e, nm->n, sizeof *nm->e, by_name);
	if (nm->nq > 1)
		qsort(nm->q, nm->nq, sizeof *nm->q, by_qname);
	s->cx_names = nm;
	return nm;
}

/* strcmp(e, name[0..len)), the order the array is sorted in. */
static int cmp_key(const char *e, const char *name, size_t len)
{
	int c = strncmp(e, name, len);

	return c ? c : e[len] ? 1 : 0;
}

/* The range [*lo, *hi) of entries named name[0..len). */
static bool range_of(const struct src_names *nm, const char *name, size_t len, size_t *lo,
		     size_t *hi)
{
	size_t a = 0, b = nm->n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (cmp_key(nm->e[mid].name, name, len) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	while (a < nm->n && cmp_key(nm->e[a].name, name, len) == 0)
		a++;
	*hi = a;
	return *hi > *lo;
}

/* The index (built on first use) and the range of name in it: 0,
 * -ENOENT, -ENOMEM. */
static int named(struct hs_src *s, const char *name, size_t len, struct src_names **nm,
		 size_t *lo, size_t *hi)
{
	*nm = names_of(s);
	if (!*nm)
		return -ENOMEM;
	if (!range_of(*nm, name, len, lo, hi))
		return -ENOENT;
	HS_ANALYZER_ASSUME((*nm)->e != NULL); /* a name found: e holds it */
	return 0;
}

int cx_names_var(struct cx *x, const char *name, size_t len, Dwarf_Die *out, size_t *mod)
{
	struct hs_src *s = x->c->s;
	struct src_names *nm;
	const struct cx_name *best = NULL;
	size_t lo, hi, m0 = x->c->m ? (size_t)(x->c->m - s->mods) : SIZE_MAX;
	int rank = 99, r = named(s, name, len, &nm, &lo, &hi);

	if (r)
		return r;
	/* gdb's order: the module's globals (those with a location first),
	 * any module's, then statics */
	for (size_t i = lo; i < hi; i++) {
		const struct cx_name *e = &nm->e[i];
		int k = e->kind == NK_VAR_EXT ? (e->mod == m0 ? 0 : 2) :
			e->kind == NK_VAR_UNRES ? (e->mod == m0 ? 1 : 3) :
			e->kind == NK_VAR_STATIC ? (e->mod == m0 ? 4 : 5) : 99;

		if (k < rank) {
			rank = k;
			best = e;
		}
	}
	if (!best || !src_key_die(&s->mods[best->mod], best->off, out))
		return -ENOENT;
	*mod = best->mod;
	return 0;
}

int cx_names_type(struct cx *x, const int *tags, const char *name, Dwarf_Die *out)
{
	struct hs_src *s = x->c->s;
	struct src_names *nm;
	size_t lo, hi;
	int r = named(s, name, strlen(name), &nm, &lo, &hi);

	if (r)
		return r;
	for (size_t i = lo; i < hi; i++) {
		const struct cx_name *e = &nm->e[i];

		if (e->kind != NK_TYPE)
			continue;
		for (int k = 0; tags[k]; k++)
			if (e->tag == tags[k] && src_key_die(&s->mods[e->mod], e->off, out))
				return 0;
	}
	return -ENOENT;
}

int cx_names_enumerator(struct cx *x, const char *name, size_t len, Dwarf_Die *type,
			Dwarf_Die *enumerator)
{
	struct hs_src *s = x->c->s;
	struct src_names *nm;
	size_t lo, hi;
	int r = named(s, name, len, &nm, &lo, &hi);

	if (r)
		return r;
	for (size_t i = lo; i < hi; i++) {
		const struct cx_name *e = &nm->e[i];

		if (e->kind == NK_ENUMERATOR && src_key_die(&s->mods[e->mod], e->off, type) &&
		    src_key_die(&s->mods[e->mod], e->sub, enumerator))
			return 0;
	}
	return -ENOENT;
}

/* name[0..len) as gdb compares template names (cp_canonicalize_string,
 * in part): spaces only between two words, C++'s integer names ("long
 * int" is "long"), into out; false when it does not fit. */
static bool canon_name(const char *name, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	char *t;

	for (size_t i = 0; i < len; i++) {
		char ch = name[i];

		if (ch == ' ' || ch == '\t') {
			size_t j = i;

			while (j < len && (name[j] == ' ' || name[j] == '\t'))
				j++;
			if (n && j < len && is_word_char(out[n - 1]) && is_word_char(name[j])) {
				if (n + 1 >= cap)
					return false;
				out[n++] = ' ';
			}
			i = j - 1;
			continue;
		}
		if (n + 1 >= cap)
			return false;
		out[n++] = ch;
	}
	out[n] = 0;
	t = cx_gdb_names(out); /* in place: the new text is shorter */
	return t != NULL;
}

bool cx_name_eq(const char *have, const char *name, size_t len)
{
	char a[512], b[512];

	if (!have)
		return false;
	if (strlen(have) == len && !strncmp(have, name, len))
		return true;
	if (!memchr(name, '<', len) || !strchr(have, '<'))
		return false;
	return canon_name(have, strlen(have), a, sizeof a) && canon_name(name, len, b, sizeof b) &&
	       !strcmp(a, b);
}

int cx_names_func(struct cx *x, const char *name, size_t len, Dwarf_Die *out, size_t *mod)
{
	struct hs_src *s = x->c->s;
	struct src_names *nm;
	size_t lo, hi;
	const char *lt = memchr(name, '<', len);
	int r = named(s, name, len, &nm, &lo, &hi);

	if (r == -ENOENT && lt && nm) {
		/* a template's instance by its arguments written another way
		 * ("min3<long>" for DWARF's "min3<long int>"): the names
		 * "min3<..." */
		size_t k = (size_t)(lt - name) + 1;

		range_of(nm, name, k, &lo, &hi);
		for (hi = lo; hi < nm->n && !strncmp(nm->e[hi].name, name, k); hi++)
			;
		r = 0;
	}
	if (r)
		return r;
	for (size_t i = lo; i < hi; i++)
		if (nm->e[i].kind == NK_FUNC && cx_name_eq(nm->e[i].name, name, len) &&
		    src_key_die(&s->mods[nm->e[i].mod], nm->e[i].off, out)) {
			*mod = nm->e[i].mod;
			return 0;
		}
	return -ENOENT;
}

bool cx_comp_is(const char *nm, const struct cx_comp *c)
{
	return nm && strlen(nm) == c->len && !strncmp(nm, c->s, c->len);
}

/* The names of the namespaces and classes that hold the DIE at target in
 * scope, outermost first, from comps[k] on (at most max in all): their
 * count, -1 when target is not in scope.  An anonymous namespace is
 * passed through, as gdb's using directive does. */
static int holders(Dwarf_Die *scope, Dwarf_Off target, struct cx_comp *comps, int k, int max)
{
	Dwarf_Die ch;

	if (dwarf_child(scope, &ch) != 0)
		return -1;
	do {
		int tag = dwarf_tag(&ch), r;
		const char *nm = dwarf_diename(&ch);

		if (dwarf_dieoffset(&ch) == target)
			return k;
		if (dwarf_dieoffset(&ch) > target)
			return -1; /* children come before the next sibling */
		if (tag != DW_TAG_namespace && tag != DW_TAG_structure_type &&
		    tag != DW_TAG_class_type && tag != DW_TAG_union_type)
			continue;
		if (!nm && tag == DW_TAG_namespace && (r = holders(&ch, target, comps, k, max)) >= 0)
			return r;
		if (!nm || k == max)
			continue;
		comps[k] = (struct cx_comp){ nm, strlen(nm) };
		if ((r = holders(&ch, target, comps, k + 1, max)) >= 0)
			return r;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return -1;
}

/* d, or the declaration it completes (its abstract origin's, its
 * specification), where its scope is. */
static void declaration(Dwarf_Die *d, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	*out = *d;
	for (int i = 0; i < 4; i++)
		if (!(dwarf_attr(out, DW_AT_abstract_origin, &a) ||
		      dwarf_attr(out, DW_AT_specification, &a)) ||
		    !dwarf_formref_die(&a, out))
			return;
}

int cx_frame_holders(struct cx *x, struct cx_comp *comps, int max)
{
	Dwarf_Die decl, cu;
	int n;

	if (x->f >= x->nscopes || x->f < 0)
		return 0;
	declaration(&x->scopes[x->f], &decl);
	if (!dwarf_diecu(&decl, &cu, NULL, NULL))
		return 0;
	n = holders(&cu, dwarf_dieoffset(&decl), comps, 0, max);
	return n > 0 ? n : 0;
}

/* ---- the qualified names ------------------------------------------------------- */

/* A definition of the unit (def) whose declaration is the DIE at decl. */
struct q_target {
	Dwarf_Off decl, def;
	bool func;
};

/* One walk over a unit's namespaces: the definitions to name, sorted by
 * their declarations' offsets, and the qualified name so far. */
struct q_walk {
	struct src_names *nm;
	uint32_t mod;
	Dwarf_Off unit;         /* src_unit_key of the unit: a def is a key */
	struct q_target *t;
	size_t nt, cap;
	bool collect;           /* the first walk: the definitions in namespaces */
	char path[1024];
};

static int by_decl(const void *a, const void *b)
{
	const struct q_target *x = a, *y = b;

	return x->decl < y->decl ? -1 : x->decl > y->decl;
}

/* prefix[0..plen) "::" name as the qualified name of the DIE at off. */
static int add_qname(struct src_names *nm, uint32_t mod, Dwarf_Off off, bool func,
		     const char *prefix, size_t plen, const char *name)
{
	char *q;

	if (hs_grow((void **)&nm->q, &nm->qcap, nm->nq + 1, sizeof(*nm->q)) ||
	    asprintf(&q, "%.*s::%s", (int)plen, prefix, name) < 0)
		return -ENOMEM;
	nm->q[nm->nq++] = (struct cx_qname){ .name = q, .mod = mod, .func = func, .off = off };
	return 0;
}

/* The first target whose declaration is at off or after. */
static size_t target_from(const struct q_walk *w, Dwarf_Off off)
{
	size_t a = 0, b = w->nt;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (w->t[mid].decl < off)
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

static bool holder_tag(int tag)
{
	return tag == DW_TAG_namespace || tag == DW_TAG_structure_type ||
	       tag == DW_TAG_class_type || tag == DW_TAG_union_type;
}

/* A target: the definition d (clang puts a namespace's static member's
 * there, DW_AT_specification to the class's declaration) whose
 * declaration is the DIE at decl. */
static int add_target(struct q_walk *w, Dwarf_Off decl, Dwarf_Off def, bool func)
{
	if (hs_grow((void **)&w->t, &w->cap, w->nt + 1, sizeof(*w->t)))
		return -ENOMEM;
	w->t[w->nt++] = (struct q_target){ decl, def, func };
	return 0;
}

/* The first walk, at d (of tag tag) in a namespace: a definition of a
 * variable declared elsewhere in the unit is a target. */
static int collect(struct q_walk *w, Dwarf_Die *d, int tag)
{
	Dwarf_Die decl, cu, dcu;

	if ((tag != DW_TAG_variable && tag != DW_TAG_subprogram) ||
	    !dwarf_hasattr(d, DW_AT_specification) ||
	    (tag == DW_TAG_subprogram && !has_code(d)))
		return 0;
	declaration(d, &decl);
	if (!dwarf_diecu(d, &cu, NULL, NULL) || !dwarf_diecu(&decl, &dcu, NULL, NULL) ||
	    dcu.addr != cu.addr)
		return 0;
	return add_target(w, dwarf_dieoffset(&decl), dwarf_dieoffset(d) | w->unit,
			  tag == DW_TAG_subprogram);
}

/* The children of scope, named w->path[0..plen) (depth holders deep; in
 * a namespace when ns): the targets declared there get their qualified
 * names, and so do the variables defined there.  The holders are those
 * of holders(): an anonymous namespace passed through, an unnamed class
 * not entered, at most 16; a class is entered only when it declares a
 * target (its members are many, its static variables few). */
static int q_walk(struct q_walk *w, Dwarf_Die *scope, size_t plen, int depth, bool ns)
{
	Dwarf_Die ch, sib;
	bool more;
	int r = 0;

	if (dwarf_child(scope, &ch) != 0)
		return 0;
	for (more = true; more && !r; ch = sib) {
		Dwarf_Off off = dwarf_dieoffset(&ch), end;
		int tag = dwarf_tag(&ch);
		const char *nm = dwarf_diename(&ch);
		size_t i = target_from(w, off), k;

		more = dwarf_siblingof(&ch, &sib) == 0;
		end = more ? dwarf_dieoffset(&sib) : (Dwarf_Off)-1;
		if (w->collect) {
			r = ns ? collect(w, &ch, tag) : 0;
			if (!r && tag == DW_TAG_namespace)
				r = q_walk(w, &ch, plen, depth, true);
			continue;
		}
		for (; plen && nm && !r && i < w->nt && w->t[i].decl == off; i++)
			r = add_qname(w->nm, w->mod, w->t[i].def, w->t[i].func, w->path, plen, nm);
		/* clang defines a namespace's variable where it declares it,
		 * both compilers a namespace's function */
		if (!r && plen && ns && nm && !dwarf_hasattr(&ch, DW_AT_specification) &&
		    ((tag == DW_TAG_variable && dwarf_hasattr(&ch, DW_AT_location)) ||
		     (tag == DW_TAG_subprogram && has_code(&ch))))
			r = add_qname(w->nm, w->mod, off | w->unit, tag == DW_TAG_subprogram, w->path,
				      plen, nm);
		if (r || !holder_tag(tag))
			continue;
		if (!nm && tag == DW_TAG_namespace) {
			r = q_walk(w, &ch, plen, depth, true);
			continue;
		}
		i = target_from(w, off + 1);
		if (!nm || depth == 16 ||
		    (tag != DW_TAG_namespace && (i >= w->nt || !w->t || w->t[i].decl >= end)) ||
		    (k = strlen(nm)) + plen + 2 >= sizeof w->path)
			continue;
		if (plen)
			memcpy(w->path + plen, "::", 2);
		memcpy(w->path + plen + (plen ? 2 : 0), nm, k);
		r = q_walk(w, &ch, plen + (plen ? 2 : 0) + k, depth + 1, tag == DW_TAG_namespace);
	}
	return r;
}

/* The qualified name of the definition at def whose declaration decl is
 * in another unit (rare: a unit imported, dwz's shared one). */
static int qualify_far(struct src_names *nm, uint32_t mod, Dwarf_Off def, bool func,
		       Dwarf_Die *decl)
{
	struct cx_comp h[16];
	char path[1024];
	Dwarf_Die cu;
	const char *name = dwarf_diename(decl);
	size_t plen = 0;
	int n;

	if (!name || !dwarf_diecu(decl, &cu, NULL, NULL) ||
	    (n = holders(&cu, dwarf_dieoffset(decl), h, 0, 16)) < 1)
		return 0;
	for (int k = 0; k < n; k++) {
		if (plen + h[k].len + 2 >= sizeof path)
			return 0;
		if (k) {
			memcpy(path + plen, "::", 2);
			plen += 2;
		}
		memcpy(path + plen, h[k].s, h[k].len);
		plen += h[k].len;
	}
	return add_qname(nm, mod, def, func, path, plen, name);
}

/* cx_spec_outside of function d, or of the abstract function it is an
 * out-of-line copy of. */
static bool func_spec_outside(Dwarf_Die *cu, Dwarf_Die *d)
{
	Dwarf_Attribute a;
	Dwarf_Die o;

	if (dwarf_attr(d, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &o))
		return cx_spec_outside(cu, &o);
	return cx_spec_outside(cu, d);
}

/* The qualified names of unit cu (of m, module mod), whose index
 * entries are nm->e[first..]: 0 or -ENOMEM. */
static int qualify_cu(struct src_names *nm, const struct src_mod *m, uint32_t mod,
		      Dwarf_Die *cu, size_t first)
{
	struct q_walk w = { .nm = nm, .mod = mod, .unit = src_unit_key(m, cu), .collect = true };
	int r = 0;

	for (size_t i = first; i < nm->n && !r; i++) {
		bool func = nm->e[i].kind == NK_FUNC;
		Dwarf_Die d, decl, dcu;

		/* a method's definition, or a namespace's function's (an
		 * out-of-line copy of an inlined one: its abstract origin's,
		 * g++ -O2's) */
		if ((nm->e[i].kind != NK_VAR_SCOPED && !func) ||
		    !src_key_die(m, nm->e[i].off, &d) || (func && !func_spec_outside(cu, &d)))
			continue;
		declaration(&d, &decl);
		if (!dwarf_diecu(&decl, &dcu, NULL, NULL) || dcu.addr != cu->addr)
			r = qualify_far(nm, mod, nm->e[i].off, func, &decl);
		else
			r = add_target(&w, dwarf_dieoffset(&decl), nm->e[i].off, func);
	}
	/* the definitions inside namespaces (clang's), then the names; C
	 * has no namespaces and no classes with static members */
	if (!w.nt && !src_die_cplus(cu)) {
		free(w.t);
		return r;
	}
	if (!r)
		r = q_walk(&w, cu, 0, 0, false);
	w.collect = false;
	if (w.nt > 1)
		qsort(w.t, w.nt, sizeof *w.t, by_decl);
	if (!r)
		r = q_walk(&w, cu, 0, 0, false);
	free(w.t);
	return r;
}

/* What comps[k..n) names in scope, namespaces and classes on the way
 * (anonymous namespaces passed through; a namespace opened several
 * times is searched in each of its DIEs): a holder (namespace, class)
 * when holder, else a constant (a class's "static const int K = 5",
 * which has no definition elsewhere). */
static bool chain_in(Dwarf_Die *scope, const struct cx_comp *comps, int k, int n, bool holder,
		     Dwarf_Die *out)
{
	Dwarf_Die ch;

	if (dwarf_child(scope, &ch) != 0)
		return false;
	do {
		int tag = dwarf_tag(&ch);
		const char *nm = dwarf_diename(&ch);
		bool is_holder = holder_tag(tag) && !dwarf_hasattr(&ch, DW_AT_declaration);

		if (!nm && tag == DW_TAG_namespace && chain_in(&ch, comps, k, n, holder, out))
			return true;
		if (!cx_comp_is(nm, &comps[k]))
			continue;
		if (k == n - 1 && (holder ? is_holder :
				   (tag == DW_TAG_variable || tag == DW_TAG_member) &&
				   dwarf_hasattr(&ch, DW_AT_const_value))) {
			*out = ch;
			return true;
		}
		if (k < n - 1 && is_holder && chain_in(&ch, comps, k + 1, n, holder, out))
			return true;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

/* comps[0..n) joined by "::" into buf; NULL (buf holds what fits) when
 * it is longer. */
static const char *join(const struct cx_comp *comps, int n, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = 0;
	for (int k = 0; k < n; k++) {
		if (len + comps[k].len + 3 >= cap)
			return NULL;
		if (k) {
			memcpy(buf + len, "::", 2);
			len += 2;
		}
		memcpy(buf + len, comps[k].s, comps[k].len);
		len += comps[k].len;
		buf[len] = 0;
	}
	return buf;
}

/* The definition named comps[0..n) (a function's when func): this
 * module's first, then any module's.  0, -ENOENT, -ENOMEM. */
static int qualified(struct cx *x, const struct cx_comp *comps, int n, bool func, Dwarf_Die *out,
		     size_t *mod)
{
	struct hs_src *s = x->c->s;
	struct src_names *nm = names_of(s);
	size_t lo = 0, hi, m0 = x->c->m ? (size_t)(x->c->m - s->mods) : SIZE_MAX;
	char key[1024];

	if (!nm)
		return -ENOMEM;
	if (!join(comps, n, key, sizeof key))
		return -ENOENT;
	for (hi = nm->nq; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(nm->q[mid].name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* this module's definition first, then any module's */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = lo; i < nm->nq && !strcmp(nm->q[i].name, key); i++) {
			const struct cx_qname *q = &nm->q[i];

			if ((pass == 0) != (q->mod == m0) || q->func != func ||
			    !src_key_die(&s->mods[q->mod], q->off, out))
				continue;
			*mod = q->mod;
			return 0;
		}
	return -ENOENT;
}

int cx_names_qualified_func(struct cx *x, const struct cx_comp *comps, int n, Dwarf_Die *out,
			    size_t *mod)
{
	return qualified(x, comps, n, true, out, mod);
}

int cx_names_qualified(struct cx *x, const struct cx_comp *comps, int n, Dwarf_Die *out,
		       size_t *mod)
{
	struct hs_src *s = x->c->s;
	size_t m0 = x->c->m ? (size_t)(x->c->m - s->mods) : SIZE_MAX;
	int r = qualified(x, comps, n, false, out, mod);

	if (r != -ENOENT)
		return r;
	if (m0 < s->n_mods && x->have_cu && chain_in(&x->cu, comps, 0, n, false, out)) {
		*mod = m0;
		return 0;
	}
	return -ENOENT;
}

/* ---- gdb's errors for a qualified name that names no variable -------------------- */

/* A type named c directly in scope (an anonymous namespace's too). */
static bool type_child(Dwarf_Die *scope, const struct cx_comp *c)
{
	Dwarf_Die ch;

	if (dwarf_child(scope, &ch) != 0)
		return false;
	do {
		int tag = dwarf_tag(&ch);

		if (tag == DW_TAG_namespace && !dwarf_diename(&ch) && type_child(&ch, c))
			return true;
		if ((holder_tag(tag) || is_type_tag(tag)) && cx_comp_is(dwarf_diename(&ch), c))
			return true;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

/* The holder comps[0..k): in the unit, else (a class) in any unit. */
static bool holder_find(struct cx *x, const struct cx_comp *comps, int k, Dwarf_Die *out)
{
	static const int cls[] = { DW_TAG_structure_type, DW_TAG_class_type, DW_TAG_union_type, 0 };
	char first[256];
	Dwarf_Die top;

	if (chain_in(&x->cu, comps, 0, k, true, out))
		return true;
	if (comps[0].len >= sizeof first)
		return false;
	memcpy(first, comps[0].s, comps[0].len);
	first[comps[0].len] = 0;
	if (cx_names_type(x, cls, first, &top) != 0)
		return false;
	*out = top;
	return k == 1 || chain_in(&top, comps, 1, k, true, out);
}

/* The error of the last component of comps[0..n) in holder h, a class. */
static int member_fail(struct cx *x, Dwarf_Die *h, const struct cx_comp *last)
{
	Dwarf_Die m;
	uint64_t off = 0;

	if (cx_find_member(x, NULL, h, last->s, last->len, &m, &off)) {
		if (dwarf_tag(&m) == DW_TAG_member && !dwarf_hasattr(&m, DW_AT_external) &&
		    !dwarf_hasattr(&m, DW_AT_declaration))
			return cx_fail(x, "Cannot reference non-static field \"%.*s\"",
				       (int)last->len, last->s);
		return -ENOENT; /* a static member without a definition */
	}
	if (type_child(h, last))
		return cx_fail(x, "Attempt to use a type name as an expression");
	return cx_fail(x, "There is no field named %.*s", (int)last->len, last->s);
}


int cx_qualified_fail(struct cx *x, const struct cx_comp *comps, int n)
{
	struct cx_comp q[32];
	char path[512];
	Dwarf_Die h;
	int pre, k = 0, r;

	if (!x->have_cu)
		return cx_fail(x, "No symbol \"%.*s\" in current context.", (int)comps[0].len,
			       comps[0].s);
	/* the deepest holder that comps[0..k) names, in the scopes of the
	 * frame's function first, innermost first (as relative_var) */
	pre = n > 16 ? 0 : cx_frame_holders(x, q, 16);
	for (; pre >= 0; pre--) {
		memcpy(&q[pre], comps, (size_t)n * sizeof *comps);
		for (k = n - 1; k > 0 && !holder_find(x, q, pre + k, &h); k--)
			;
		if (k > 0)
			break;
	}
	if (pre < 0)
		return cx_fail(x, "No symbol \"%.*s\" in current context.", (int)comps[0].len,
			       comps[0].s);
	if (k < n - 1)
		return cx_fail(x, "No type \"%.*s\" within class or namespace \"%s\".",
			       (int)comps[k].len, comps[k].s, (join(q, pre + k, path, sizeof path), path));
	if (dwarf_tag(&h) != DW_TAG_namespace && (r = member_fail(x, &h, &comps[n - 1])) != -ENOENT)
		return r;
	if (dwarf_tag(&h) == DW_TAG_namespace && type_child(&h, &comps[n - 1]))
		return cx_fail(x, "Attempt to use a type name as an expression");
	return cx_fail(x, "No symbol \"%.*s\" in namespace \"%s\".", (int)comps[n - 1].len,
		       comps[n - 1].s, (join(q, pre + n - 1, path, sizeof path), path));
}
