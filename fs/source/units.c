/* units.c - fs/source: DWARF units other than one plain compile unit.
 *
 * Type units (-fdebug-types-section: DWARF 4's .debug_types, DWARF 5's
 * DW_UT_type units in .debug_info) hold a type once for every CU that
 * uses it; the CU keeps only a stub, a DW_TAG_structure_type (or class,
 * union, enum) with DW_AT_signature (DW_FORM_ref_sig8) and perhaps
 * DW_AT_declaration.  gdb reads the type from its unit; so do we: libdw's
 * dwarf_formref_die finds a signature's unit in either section.
 *
 * Split DWARF (-gsplit-dwarf): the executable keeps a skeleton unit (the
 * line table, the address ranges, DW_AT_dwo_name); its DIEs are in a .dwo
 * file, which libdw opens itself (where DW_AT_comp_dir says) as a Dwarf of
 * its own: dwarf_get_units' subdie.  The units' walks here (src_unit_next)
 * give the split unit for its skeleton, and src_cu_at gives it for an
 * address.
 *
 * A DIE kept by offset (the names index, the type definitions found) is
 * kept as a key: its offset, with the split file (its index in m->splits,
 * plus one) and the section (.debug_types) in the high bits; a DIE of the
 * executable's .debug_info has its offset as its key.
 */
#include "source_i.h"

#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hindsight/util.h"

#define KEY_TYPES ((Dwarf_Off)1 << 63)
#define KEY_SPLIT_SHIFT 40
#define KEY_OFF_MASK (((Dwarf_Off)1 << KEY_SPLIT_SHIFT) - 1)
#define KEY_SPLIT_MAX ((size_t)1 << 22)

bool src_type_unit(Dwarf_Die *t, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	Dwarf_Die d;

	if (!dwarf_attr(t, DW_AT_signature, &a) || !dwarf_formref_die(&a, &d)) {
		*out = *t;
		return false;
	}
	*out = d;
	return true;
}

static bool is_type_unit(uint8_t ut)
{
	return ut == DW_UT_type || ut == DW_UT_split_type;
}

int src_units_load(struct src_mod *m)
{
	Dwarf_Addr b;
	Dwarf *dw = dwfl_module_getdwarf(m->dm, &b);
	Dwarf_CU *cu = NULL;
	uint8_t ut;

	for (;;) {
		Dwarf_Die cud, sub = { 0 };

		if (!dw || dwarf_get_units(dw, cu, &cu, NULL, &ut, &cud, &sub) != 0)
			break;
		if (ut != DW_UT_skeleton || !sub.cu || m->n_splits >= KEY_SPLIT_MAX)
			continue; /* no .dwo found: its skeleton stays (lines only) */
		if (hs_grow((void **)&m->splits, &m->cap_splits, m->n_splits + 1,
			    sizeof *m->splits))
			return -ENOMEM;
		m->splits[m->n_splits++] = (struct src_split){
			.skeleton = dwarf_dieoffset(&cud),
			.dw = dwarf_cu_getdwarf(sub.cu),
			.unit = sub,
		};
	}
	return 0;
}

void src_units_free(struct src_mod *m)
{
	free(m->splits); /* the Dwarfs are libdw's, ended with m->dw's */
	m->splits = NULL;
	m->n_splits = m->cap_splits = 0;
}

Dwarf_Die *src_split_unit(const struct src_mod *m, Dwarf_Die *cu)
{
	Dwarf_Off off = dwarf_dieoffset(cu);
	uint8_t ut = 0;

	if (!m->n_splits || dwarf_cu_info(cu->cu, NULL, &ut, NULL, NULL, NULL, NULL, NULL) != 0 ||
	    ut != DW_UT_skeleton)
		return cu;
	for (size_t i = 0; i < m->n_splits; i++)
		if (m->splits[i].skeleton == off)
			return &m->splits[i].unit;
	return cu;
}

bool src_unit_next(const struct src_mod *m, struct src_unit_iter *it, bool types,
		   Dwarf_Die *out)
{
	uint8_t ut;

	while (it->split <= m->n_splits) {
		Dwarf *dw = it->split ? m->splits[it->split - 1].dw : m->dw;
		Dwarf_Die cud, sub = { 0 };

		if (!dw || dwarf_get_units(dw, it->cu, &it->cu, NULL, &ut, &cud, &sub) != 0) {
			/* then the .dwo files' type units, when types */
			it->cu = NULL;
			it->split = types ? it->split + 1 : m->n_splits + 1;
			continue;
		}
		if (it->split && !is_type_unit(ut))
			continue; /* a split unit: given for its skeleton */
		if (is_type_unit(ut) && !types)
			continue;
		*out = ut == DW_UT_skeleton && sub.cu ? sub : cud;
		return true;
	}
	return false;
}

Dwarf_Off src_die_ref(Dwarf_Die *d)
{
	Dwarf_Half ver = 0;
	uint8_t ut = 0;
	Dwarf_Off off = dwarf_dieoffset(d);

	if (dwarf_cu_info(d->cu, &ver, &ut, NULL, NULL, NULL, NULL, NULL) == 0 && ver < 5 &&
	    is_type_unit(ut))
		off |= KEY_TYPES;
	return off;
}

bool src_ref_die(Dwarf *dw, Dwarf_Off ref, Dwarf_Die *out)
{
	Dwarf_Off off = ref & KEY_OFF_MASK;

	if (!dw)
		return false;
	return (ref & KEY_TYPES ? dwarf_offdie_types(dw, off, out) :
		dwarf_offdie(dw, off, out)) != NULL;
}

Dwarf_Off src_unit_key(const struct src_mod *m, Dwarf_Die *d)
{
	Dwarf *dw = dwarf_cu_getdwarf(d->cu);
	Dwarf_Off k = src_die_ref(d) & KEY_TYPES;

	if (dw != m->dw)
		for (size_t i = 0; i < m->n_splits; i++)
			if (m->splits[i].dw == dw) {
				k |= (Dwarf_Off)(i + 1) << KEY_SPLIT_SHIFT;
				break;
			}
	return k;
}

Dwarf_Off src_die_key(const struct src_mod *m, Dwarf_Die *d)
{
	return dwarf_dieoffset(d) | src_unit_key(m, d);
}

bool src_key_die(const struct src_mod *m, Dwarf_Off key, Dwarf_Die *out)
{
	size_t i = (size_t)((key & ~KEY_TYPES) >> KEY_SPLIT_SHIFT);

	if (i > m->n_splits)
		return false;
	return src_ref_die(i ? m->splits[i - 1].dw : m->dw, key & (KEY_OFF_MASK | KEY_TYPES), out);
}

const struct src_mod *src_mod_of_dwarf(const struct hs_src *s, Dwarf *dw)
{
	for (size_t i = 0; dw && i < s->n_mods; i++) {
		const struct src_mod *m = &s->mods[i];

		if (m->dw == dw)
			return m;
		for (size_t k = 0; k < m->n_splits; k++)
			if (m->splits[k].dw == dw)
				return m;
	}
	return NULL;
}
