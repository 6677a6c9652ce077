/* cu_lookup.c - fs/source: the compile unit that holds an address.
 *
 * dwfl_module_addrdie() finds a CU only through .debug_aranges in the
 * elfutils we build against (0.188).  clang emits no .debug_aranges unless
 * asked (-gdwarf-aranges), and a strip or objcopy may drop it, so there it
 * finds nothing and every variable question fails.  gdb does not need
 * aranges: it reads each CU's DW_AT_low_pc/high_pc or DW_AT_ranges.  So do
 * we, for the CUs that aranges do not cover: a sorted table of their
 * address ranges, built once per module on the first miss (under dw_lock,
 * like the other libdw work; or during hs_src_finish on its one thread),
 * searched by binary search.
 */
#include "source_i.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

/* One address range of a CU, in DWARF addresses (without the bias). */
struct src_cu_range {
	Dwarf_Addr lo, hi;
	Dwarf_Addr reach;   /* the largest hi of this and every earlier entry */
	Dwarf_Die cu;
};

struct cu_vec {
	struct src_cu_range *v;
	size_t n, cap;
};

static int off_cmp(const void *a, const void *b)
{
	Dwarf_Off x = *(const Dwarf_Off *)a, y = *(const Dwarf_Off *)b;

	return x < y ? -1 : x > y;
}

static int range_cmp(const void *a, const void *b)
{
	const struct src_cu_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

/* The sorted CU offsets that .debug_aranges names (dwfl_module_addrdie
 * finds those itself); *n 0 when there are none.  0 or -ENOMEM. */
static int aranged_cus(Dwarf *dw, Dwarf_Off **out, size_t *n)
{
	Dwarf_Aranges *ar;
	size_t nar = 0, i, k = 0;
	Dwarf_Off *v;

	*out = NULL;
	*n = 0;
	if (dwarf_getaranges(dw, &ar, &nar) != 0 || nar == 0)
		return 0;
	v = malloc(nar * sizeof *v);
	if (!v)
		return -ENOMEM;
	for (i = 0; i < nar; i++) {
		Dwarf_Off off;

		if (dwarf_getarangeinfo(dwarf_onearange(ar, i), NULL, NULL, &off) == 0)
			v[k++] = off;
	}
	qsort(v, k, sizeof *v, off_cmp);
	*out = v;
	*n = k;
	return 0;
}

static int push_range(struct cu_vec *cv, Dwarf_Die *cu, Dwarf_Addr lo, Dwarf_Addr hi)
{
	if (cv->n == cv->cap) {
		size_t cap = cv->cap ? 2 * cv->cap : 64;
		struct src_cu_range *v = realloc(cv->v, cap * sizeof *v);

		if (!v)
			return -ENOMEM;
		cv->v = v;
		cv->cap = cap;
	}
	cv->v[cv->n++] = (struct src_cu_range){ .lo = lo, .hi = hi, .cu = *cu };
	return 0;
}

/* The ranges of every CU of m that aranges do not name, sorted.  A range
 * that starts at 0 is a function the linker discarded (gdb skips those
 * too, "start address of zero"). */
static int cu_ranges_build(const struct src_mod *m, struct cu_vec *cv)
{
	Dwarf_Off off = 0, next, *known = NULL;
	size_t hsize, n_known, i;
	int ret;

	ret = aranged_cus(m->dw, &known, &n_known);
	if (ret)
		return ret;
	while (dwarf_nextcu(m->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Off die_off = off + hsize;
		Dwarf_Addr base, lo, hi;
		Dwarf_Die cu;
		ptrdiff_t r = 0;

		off = next;
		if (n_known && bsearch(&die_off, known, n_known, sizeof *known, off_cmp))
			continue;
		if (!dwarf_offdie(m->dw, die_off, &cu))
			continue;
		while ((r = dwarf_ranges(&cu, r, &base, &lo, &hi)) > 0)
			if (lo != 0 && hi > lo && (ret = push_range(cv, &cu, lo, hi)))
				goto out;
	}
	if (cv->n) /* none: v is NULL, which qsort must not get */
		qsort(cv->v, cv->n, sizeof *cv->v, range_cmp);
	for (i = 0; i < cv->n; i++)
		cv->v[i].reach = i && cv->v[i - 1].reach > cv->v[i].hi ?
			cv->v[i - 1].reach : cv->v[i].hi;
out:
	free(known);
	return ret;
}

Dwarf_Die *src_cu_at(const struct src_mod *cm, uint64_t addr, Dwarf_Addr *bias)
{
	/* the table is a cache filled on first use, under the same rules
	 * as the rest of m's libdw state (dw_lock, or finish's one thread) */
	struct src_mod *m = (struct src_mod *)cm;
	Dwarf_Die *cu;
	Dwarf_Addr a;
	size_t lo, hi;

	if (!m->dm)
		return NULL;
	/* a skeleton's split unit (-gsplit-dwarf) holds the DIEs */
	cu = dwfl_module_addrdie(m->dm, addr, bias);
	if (cu || !m->dw)
		return cu ? src_split_unit(m, cu) : NULL;
	if (!m->cu_ranges_done) {
		struct cu_vec cv = { 0 };

		if (cu_ranges_build(m, &cv)) {
			free(cv.v); /* out of memory: try again next time */
			return NULL;
		}
		m->cu_ranges = cv.v;
		m->n_cu_ranges = cv.n;
		m->cu_ranges_done = true;
	}
	a = addr - m->dwbias;
	/* the first entry that starts above a; then back while an earlier
	 * entry can still reach a (ranges of different CUs may nest) */
	lo = 0;
	hi = m->n_cu_ranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->cu_ranges[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0 && m->cu_ranges[lo - 1].reach > a) {
		struct src_cu_range *e = &m->cu_ranges[--lo];

		if (a >= e->lo && a < e->hi) {
			*bias = m->dwbias;
			return src_split_unit(m, &e->cu);
		}
	}
	return NULL;
}

void src_cu_ranges_free(struct src_mod *m)
{
	free(m->cu_ranges);
	m->cu_ranges = NULL;
	m->n_cu_ranges = 0;
	m->cu_ranges_done = false;
}
