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
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cexpr_i.h"
#include "hindsight/util.h"

/* NK_VAR_UNRES: gdb's LOC_UNRESOLVED, an external variable without a
 * location (cx_var_unresolved), found after the variables that have one */
enum { NK_VAR_EXT, NK_VAR_STATIC, NK_VAR_UNRES, NK_TYPE, NK_ENUMERATOR, NK_FUNC };

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

struct src_names {
	struct cx_name *e;
	size_t n, cap;
};

void src_names_free(struct src_names *nm)
{
	if (!nm)
		return;
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
static int add_enumerators(struct src_names *nm, uint32_t mod, Dwarf_Die *t)
{
	Dwarf_Die e;
	int r = 0;

	if (dwarf_child(t, &e) != 0)
		return 0;
	do {
		const char *n = dwarf_diename(&e);

		if (dwarf_tag(&e) == DW_TAG_enumerator && n)
			r = add(nm, &(struct cx_name){ .name = n, .mod = mod, .kind = NK_ENUMERATOR,
						       .off = dwarf_dieoffset(t),
						       .sub = dwarf_dieoffset(&e) });
	} while (!r && dwarf_siblingof(&e, &e) == 0);
	return r;
}

static int add_cu(struct src_names *nm, uint32_t mod, Dwarf_Die *cu)
{
	Dwarf_Die ch;
	int r = 0;

	if (dwarf_child(cu, &ch) != 0)
		return 0;
	do {
		int tag = dwarf_tag(&ch);
		const char *n = dwarf_diename(&ch);
		struct cx_name e = { .name = n, .mod = mod, .tag = (uint16_t)tag,
				     .off = dwarf_dieoffset(&ch) };

		if (tag == DW_TAG_enumeration_type)
			r = add_enumerators(nm, mod, &ch);
		if (r || !n)
			continue;
		if (tag == DW_TAG_variable) {
			bool ext = dwarf_hasattr_integrate(&ch, DW_AT_external);

			if (cx_var_unresolved(&ch))
				e.kind = NK_VAR_UNRES;
			else if (dwarf_hasattr_integrate(&ch, DW_AT_declaration) &&
				 !dwarf_hasattr(&ch, DW_AT_location) &&
				 !dwarf_hasattr(&ch, DW_AT_specification))
				continue; /* a definition (specification) without a
					   * location is gdb's <optimized out> */
			else
				e.kind = ext ? NK_VAR_EXT : NK_VAR_STATIC;
			r = add(nm, &e);
		} else if (tag == DW_TAG_subprogram && dwarf_hasattr(&ch, DW_AT_low_pc)) {
			e.kind = NK_FUNC;
			r = add(nm, &e);
		} else if (is_type_tag(tag) && !dwarf_hasattr(&ch, DW_AT_declaration)) {
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
		Dwarf *dw = s->mods[i].dw;
		Dwarf_Off off = 0, next_off;
		size_t hsize;
		Dwarf_Die cu;

		while (dw && dwarf_nextcu(dw, off, &next_off, &hsize, NULL, NULL, NULL) == 0) {
			if (dwarf_offdie(dw, off + hsize, &cu) && add_cu(nm, (uint32_t)i, &cu)) {
				src_names_free(nm);
				return NULL; /* ENOMEM: names are then searched unindexed */
			}
			off = next_off;
		}
	}
	if (nm->n > 1) /* nm->e is NULL when there is none */
		qsort(nm->e, nm->n, sizeof *nm->e, by_name);
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
	if (!best || !dwarf_offdie(s->mods[best->mod].dw, best->off, out))
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
			if (e->tag == tags[k] && dwarf_offdie(s->mods[e->mod].dw, e->off, out))
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

		if (e->kind == NK_ENUMERATOR && dwarf_offdie(s->mods[e->mod].dw, e->off, type) &&
		    dwarf_offdie(s->mods[e->mod].dw, e->sub, enumerator))
			return 0;
	}
	return -ENOENT;
}

int cx_names_func(struct cx *x, const char *name, size_t len, Dwarf_Die *out, size_t *mod)
{
	struct hs_src *s = x->c->s;
	struct src_names *nm;
	size_t lo, hi;
	int r = named(s, name, len, &nm, &lo, &hi);

	if (r)
		return r;
	for (size_t i = lo; i < hi; i++)
		if (nm->e[i].kind == NK_FUNC &&
		    dwarf_offdie(s->mods[nm->e[i].mod].dw, nm->e[i].off, out)) {
			*mod = nm->e[i].mod;
			return 0;
		}
	return -ENOENT;
}

bool cx_comp_is(const char *nm, const struct cx_comp *c)
{
	return nm && strlen(nm) == c->len && !strncmp(nm, c->s, c->len);
}

/* Is the DIE at target in scope under the names comps[k..n) (the last
 * one its own)?  Namespaces, classes, structs and unions on the way; an
 * anonymous namespace is passed through, as gdb's using directive does. */
static bool path_is(Dwarf_Die *scope, Dwarf_Off target, const struct cx_comp *comps, int k,
		    int n)
{
	Dwarf_Die ch;

	if (dwarf_child(scope, &ch) != 0)
		return false;
	do {
		int tag = dwarf_tag(&ch);
		const char *nm = dwarf_diename(&ch);

		if (dwarf_dieoffset(&ch) == target)
			return k == n - 1 && cx_comp_is(nm, &comps[k]);
		if (tag != DW_TAG_namespace && tag != DW_TAG_structure_type &&
		    tag != DW_TAG_class_type && tag != DW_TAG_union_type)
			continue;
		if (dwarf_dieoffset(&ch) > target)
			return false; /* children come before the next sibling */
		if (!nm && tag == DW_TAG_namespace && path_is(&ch, target, comps, k, n))
			return true;
		if (k < n - 1 && cx_comp_is(nm, &comps[k]) && path_is(&ch, target, comps, k + 1, n))
			return true;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

/* Is d (a variable at the top of its unit, or inside a namespace) named
 * comps[0..n)?  Its declaration's place decides. */
static bool qualified_is(Dwarf_Die *d, const struct cx_comp *comps, int n)
{
	Dwarf_Attribute a;
	Dwarf_Die decl = *d, cu;

	if (dwarf_attr(d, DW_AT_specification, &a) && !dwarf_formref_die(&a, &decl))
		return false;
	if (!dwarf_diecu(&decl, &cu, NULL, NULL))
		return false;
	return path_is(&cu, dwarf_dieoffset(&decl), comps, 0, n);
}

int cx_names_qualified(struct cx *x, const struct cx_comp *comps, int n, Dwarf_Die *out,
		       size_t *mod)
{
	struct hs_src *s = x->c->s;
	struct src_names *nm;
	size_t lo, hi, m0 = x->c->m ? (size_t)(x->c->m - s->mods) : SIZE_MAX;
	int r = named(s, comps[n - 1].s, comps[n - 1].len, &nm, &lo, &hi);

	if (r)
		return r;
	/* this module's definition first, then any module's */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = lo; i < hi; i++) {
			const struct cx_name *e = &nm->e[i];

			if ((e->kind != NK_VAR_EXT && e->kind != NK_VAR_STATIC) ||
			    (pass == 0) != (e->mod == m0) ||
			    !dwarf_offdie(s->mods[e->mod].dw, e->off, out) ||
			    !qualified_is(out, comps, n))
				continue;
			*mod = e->mod;
			return 0;
		}
	return -ENOENT;
}
