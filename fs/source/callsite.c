/* callsite.c - DWARF's call-site entries (DW_TAG_call_site; gcc's
 * DW_TAG_GNU_call_site before DWARF 5).  gcc writes them only where it
 * tracks variables (-O1 and up), and gdb shows tail-call frames only when
 * the call under them is one: its chain of tail calls starts at the call
 * site of the return address (gdb's dwarf2/frame-tailcall.c), so a call
 * from code built at -O0 shows the function it reached and no tail-call
 * frame between. */
#include "source_i.h"

#include <dwarf.h>
#include <stdlib.h>

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
	cu = dwfl_module_addrdie(m->dm, ret - 1, &bias);
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
	pthread_mutex_unlock(&s->dw_lock);
	free(scopes);
	return found;
}
