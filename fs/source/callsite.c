/* callsite.c - DWARF's call-site entries (DW_TAG_call_site; gcc's
 * DW_TAG_GNU_call_site before DWARF 5).  gcc writes them only where it
 * tracks variables (-O1 and up), and gdb shows tail-call frames only when
 * the call under them is one: its chain of tail calls starts at the call
 * site of the return address (gdb's dwarf2/frame-tailcall.c), so a call
 * from code built at -O0 shows the function it reached and no tail-call
 * frame between. */
#include "source_i.h"

#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Is there a call-site entry for return address ret (a DWARF address)
 * under die: its children, through lexical blocks and inlined copies? */
static bool site_below(Dwarf_Die *die, Dwarf_Addr ret, int depth)
{
	Dwarf_Die child;

	if (depth > 64 || dwarf_child(die, &child) != 0)
		return false;
	do {
		int tag = dwarf_tag(&child);
		Dwarf_Attribute a;
		Dwarf_Addr pc;

		if (tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site) {
			if ((dwarf_attr(&child, DW_AT_call_return_pc, &a) ||
			     dwarf_attr(&child, DW_AT_low_pc, &a)) &&
			    dwarf_formaddr(&a, &pc) == 0 && pc == ret)
				return true;
		} else if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine) {
			if (site_below(&child, ret, depth + 1))
				return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* The concrete function DIE under die (through namespaces) whose code
 * holds pc (a DWARF address). */
static bool func_holding(Dwarf_Die *die, Dwarf_Addr pc, Dwarf_Die *out, int depth)
{
	Dwarf_Die child;

	if (depth > 16 || dwarf_child(die, &child) != 0)
		return false;
	do {
		int tag = dwarf_tag(&child);

		if (tag == DW_TAG_subprogram && dwarf_haspc(&child, pc) == 1) {
			*out = child;
			return true;
		}
		if (tag == DW_TAG_namespace && func_holding(&child, pc, out, depth + 1))
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

bool hs_src_call_site(struct hs_src *s, uint64_t ret)
{
	struct src_mod *m = ret ? src_mod_find(s, ret - 1) : NULL;
	Dwarf_Die *cu, *scopes = NULL;
	Dwarf_Addr bias;
	bool found = false;
	int n;

	if (!m || !m->dm || !m->dw)
		return false;
	pthread_mutex_lock(&s->dw_lock);
	/* the call instruction ends at ret: its scopes are those of ret - 1 */
	cu = src_cu_at(m, ret - 1, &bias);
	n = cu ? dwarf_getscopes(cu, ret - 1 - bias, &scopes) : 0;
	/* the innermost inlined copy holding the call (gcc writes the entry
	 * under it; past it dwarf_getscopes goes on with the abstract
	 * function's scopes, which have no call sites), else the outermost
	 * function holding the call */
	if (n > 0 && dwarf_tag(&scopes[0]) == DW_TAG_inlined_subroutine)
		found = site_below(&scopes[0], ret - bias, 0);
	for (int i = n - 1; i >= 0 && !found; i--) {
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			found = site_below(&scopes[i], ret - bias, 0);
			break;
		}
	}
	/* past a lexical block of an inlined copy, dwarf_getscopes' last
	 * subprogram is an inlined function's abstract one (no call sites):
	 * the concrete function holding the call has them all, at any depth
	 * (g++ -O2: std::map's _M_emplace_hint_unique inlined in main) */
	if (!found && cu) {
		Dwarf_Die fn;

		found = func_holding(cu, ret - 1 - bias, &fn, 0) && site_below(&fn, ret - bias, 0);
	}
	pthread_mutex_unlock(&s->dw_lock);
	free(scopes);
	return found;
}

/* ---- call-site targets and tail-call chains (DW_OP_entry_value) ------------ */

/* The entry address of a function DIE (runtime: + bias), or 0. */
static uint64_t die_entry(Dwarf_Die *fn, Dwarf_Addr bias)
{
	Dwarf_Addr lo;

	return dwarf_entrypc(fn, &lo) == 0 ? lo + bias : 0;
}

/* The address of m's function symbol name (any version of it; not a
 * "name@plt" stub), or 0. */
static uint64_t mod_sym_address(const struct src_mod *m, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < m->n_syms; i++) {
		const char *sn = m->syms[i].name;

		if (sn && src_unversioned_len(sn) == len && !strncmp(sn, name, len))
			return m->syms[i].addr;
	}
	return 0;
}

/* name's function symbol in m, else (s not NULL) in any module, as gdb's
 * lookup_minimal_symbol finds a call's target in the library that
 * defines it; 0 if none. */
static uint64_t sym_address(const struct hs_src *s, const struct src_mod *m, const char *name)
{
	uint64_t at = mod_sym_address(m, name);

	for (size_t i = 0; s && !at && i < s->n_mods; i++)
		if (&s->mods[i] != m)
			at = mod_sym_address(&s->mods[i], name);
	return at;
}

int src_site_target(const struct hs_src *s, const struct src_mod *m, Dwarf_Addr bias,
		    Dwarf_Die *site, uint64_t *at)
{
	Dwarf_Attribute a;
	Dwarf_Die o;
	const char *name;

	*at = 0;
	if (!dwarf_attr(site, DW_AT_call_origin, &a) && !dwarf_attr(site, DW_AT_abstract_origin, &a))
		return -ENOENT; /* an indirect call: DW_AT_call_target */
	if (!dwarf_formref_die(&a, &o))
		return -ENODATA;
	*at = die_entry(&o, bias);
	if (*at)
		return 0;
	/* a declaration: gdb takes the symbol of its linkage name (else its
	 * name); the abstract function of inlined copies (DW_AT_inline, no
	 * address) gives gdb no target, and so no entry value */
	if (!dwarf_hasattr_integrate(&o, DW_AT_declaration))
		return -ENODATA;
	if ((dwarf_attr_integrate(&o, DW_AT_linkage_name, &a) ||
	     dwarf_attr_integrate(&o, DW_AT_MIPS_linkage_name, &a)) &&
	    (name = dwarf_formstring(&a)))
		*at = sym_address(s, m, name);
	if (!*at && (name = dwarf_diename(&o)))
		*at = sym_address(s, m, name);
	return *at ? 0 : -ENODATA;
}

/* The out-of-line function DIE under die (its children, through
 * namespaces and classes) whose code starts at a. */
static bool func_under(Dwarf_Die *die, uint64_t a, Dwarf_Addr bias, Dwarf_Die *out, int depth)
{
	Dwarf_Die child;

	if (depth > 16 || dwarf_child(die, &child) != 0)
		return false;
	do {
		int tag = dwarf_tag(&child);

		if (tag == DW_TAG_subprogram && die_entry(&child, bias) == a) {
			*out = child;
			return true;
		}
		if ((tag == DW_TAG_namespace || tag == DW_TAG_class_type ||
		     tag == DW_TAG_structure_type) && func_under(&child, a, bias, out, depth + 1))
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

bool src_func_at(const struct src_mod *m, uint64_t a, Dwarf_Die *out)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu = src_cu_at(m, a, &bias);

	return cu && func_under(cu, a, bias, out, 0);
}

#define TAIL_SITES 32

/* The tail-call sites under die (through lexical blocks and inlined
 * copies) into out: how many, at most max. */
static int tail_sites(Dwarf_Die *die, Dwarf_Die *out, int n, int max, int depth)
{
	Dwarf_Die child;

	if (depth > 64 || dwarf_child(die, &child) != 0)
		return n;
	do {
		int tag = dwarf_tag(&child);

		if (n >= max)
			break;
		if (tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site) {
			if (dwarf_hasattr(&child, DW_AT_call_tail_call) ||
			    dwarf_hasattr(&child, DW_AT_GNU_tail_call))
				out[n++] = child;
		} else if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine) {
			n = tail_sites(&child, out, n, max, depth + 1);
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return n;
}

struct tail_walk {
	const struct src_mod *m;
	Dwarf_Addr bias;
	uint64_t to;
	Dwarf_Die path[SRC_TAIL_MAX], best[SRC_TAIL_MAX];
	int n_found, best_len;
};

/* Depth-first over the tail calls of the function at from: every chain
 * that reaches w->to, the last one kept in best. */
static void tail_walk(struct tail_walk *w, uint64_t from, int len)
{
	Dwarf_Die fn, sites[TAIL_SITES];
	int n;

	if (len >= SRC_TAIL_MAX || w->n_found > 1 || !src_func_at(w->m, from, &fn))
		return;
	n = tail_sites(&fn, sites, 0, TAIL_SITES, 0);
	for (int i = 0; i < n && w->n_found <= 1; i++) {
		uint64_t t;

		if (src_site_target(NULL, w->m, w->bias, &sites[i], &t) || t == from)
			continue;
		w->path[len] = sites[i];
		if (t == w->to) {
			w->n_found++;
			memcpy(w->best, w->path, (size_t)(len + 1) * sizeof(Dwarf_Die));
			w->best_len = len + 1;
		} else {
			tail_walk(w, t, len + 1);
		}
	}
}

int src_tail_chain(const struct src_mod *m, Dwarf_Addr bias, uint64_t from, uint64_t to,
		   Dwarf_Die chain[SRC_TAIL_MAX])
{
	struct tail_walk *w = calloc(1, sizeof(*w));
	int n = 0;

	if (!w || !m->dm)
		goto out;
	w->m = m;
	w->bias = bias;
	w->to = to;
	tail_walk(w, from, 0);
	if (w->n_found == 1) {
		n = w->best_len;
		memcpy(chain, w->best, (size_t)n * sizeof(Dwarf_Die));
	}
out:
	free(w);
	return n;
}

#define SELF_TAIL_FUNCS 64

bool src_self_tail_call(const struct src_mod *m, Dwarf_Addr bias, uint64_t fn)
{
	uint64_t *todo = malloc(SELF_TAIL_FUNCS * sizeof(*todo));
	Dwarf_Die *sites = malloc(TAIL_SITES * sizeof(*sites)), die;
	size_t n = 0, head = 0;
	bool self = false;

	if (!todo || !sites || !m->dm)
		goto out;
	todo[n++] = fn;
	/* breadth first over every function fn reaches by tail calls; each
	 * visited once (the list is small: functions of one module) */
	while (head < n && !self) {
		int ns;

		if (!src_func_at(m, todo[head++], &die))
			continue;
		ns = tail_sites(&die, sites, 0, TAIL_SITES, 0);
		for (int i = 0; i < ns && !self; i++) {
			uint64_t t;
			size_t k;

			if (src_site_target(NULL, m, bias, &sites[i], &t))
				continue;
			self = t == fn;
			for (k = 0; k < n && todo[k] != t; k++)
				;
			if (k == n && n < SELF_TAIL_FUNCS)
				todo[n++] = t;
		}
	}
out:
	free(todo);
	free(sites);
	return self;
}
