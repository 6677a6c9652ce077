/* inline.c - fs/source: the inlined copies of functions holding an address
 * (DW_TAG_inlined_subroutine), gdb's inline frames.
 *
 * gdb's inline frames at a pc are the inlined-subroutine blocks that hold
 * it, innermost first (inline-frame.c, block_for_pc): each is a frame named
 * by its abstract origin, at the pc's line for the innermost and at the
 * inner copy's DW_AT_call_line for the others, the real function last.
 * dwarf_getscopes() gives exactly those scopes.  It walks the compile
 * unit's DIEs, which libdw does not let two threads do at once: under
 * s->dw_lock, like the variable code.
 */
#include "source_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The start of the range of die holding a (DWARF addresses); a when none. */
static Dwarf_Addr range_start(Dwarf_Die *die, Dwarf_Addr a)
{
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;

	while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0)
		if (start <= a && a < end)
			return start;
	return a;
}

/* One inlined copy's frame, from its DIE (under dw_lock). */
static void inline_of(struct hs_src *s, Dwarf_Die *cu, Dwarf_Die *die, Dwarf_Addr a,
		      Dwarf_Addr bias, struct hs_src_inline *o)
{
	Dwarf_Attribute attr;
	Dwarf_Files *files;
	Dwarf_Word w;
	Dwarf_Addr entry;
	size_t nf;
	const char *f;

	memset(o, 0, sizeof(*o));
	o->function = src_dwarf_cplus_name(s, die);
	if (!o->function)
		o->function = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
	if (!o->function)
		o->function = "??";
	/* gcc gives each copy an entry pc; its code may start below it */
	if (dwarf_entrypc(die, &entry) != 0 || a < entry)
		entry = range_start(die, a);
	o->start = entry + bias;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &attr), &w) == 0)
		o->call_line = (uint32_t)w;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &attr), &w) == 0 &&
	    dwarf_getsrcfiles(cu, &files, &nf) == 0 && w < nf &&
	    (f = dwarf_filesrc(files, w, NULL, NULL)) != NULL)
		o->call_file = src_file_find(s, dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir,
									       &attr)), f);
}

int hs_src_inline_frames(struct hs_src *s, uint64_t addr, struct hs_src_inline *out,
			 size_t max)
{
	struct src_mod *m;
	Dwarf_Die *cu, *scopes = NULL;
	Dwarf_Addr bias;
	int n, got = 0;

	if (!s || !s->finished || (!out && max))
		return -EINVAL;
	m = src_mod_find(s, addr);
	if (!m || !m->dw || !m->dm)
		return 0;
	pthread_mutex_lock(&s->dw_lock);
	cu = dwfl_module_addrdie(m->dm, addr, &bias);
	n = cu ? dwarf_getscopes(cu, addr - bias, &scopes) : 0;
	for (int i = 0; i < n && (size_t)got < max; i++) {
		int tag = dwarf_tag(&scopes[i]);
		Dwarf_Die *up = NULL;

		if (tag == DW_TAG_subprogram)
			break;  /* the real function: hs_src_lookup's */
		if (tag != DW_TAG_inlined_subroutine)
			continue;
		inline_of(s, cu, &scopes[i], addr - bias, bias, &out[got++]);
		/* past an inlined copy dwarf_getscopes goes on with the
		 * abstract function's scopes; the copy's own containers
		 * (the copy it was inlined into, the real function) are
		 * the DIEs holding it (as eu-addr2line -i finds them) */
		n = dwarf_getscopes_die(&scopes[i], &up);
		free(scopes);
		scopes = up;
		i = 0;  /* up[0] is the copy itself */
	}
	pthread_mutex_unlock(&s->dw_lock);
	free(scopes);
	return got;
}

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');

	return b ? b + 1 : p;
}

int hs_src_format_frame(struct hs_src *s, uint64_t addr, const struct hs_src_inline *in,
			size_t n, size_t k, char *buf, size_t cap)
{
	struct hs_src_loc loc;
	const char *file;
	uint32_t line;

	if (!buf && cap)
		return -EINVAL;
	if (k >= n + 1 || (k == 0 && n == 0) || !s || hs_src_lookup(s, addr, &loc) ||
	    (k == n && !loc.function))
		return hs_src_format_where(s, addr, buf, cap);
	file = k == 0 ? loc.file : in[k - 1].call_file;
	line = k == 0 ? loc.line : in[k - 1].call_line;
	if (k < n)
		return snprintf(buf, cap, "%s+0x%" PRIx64 " %s:%" PRIu32, in[k].function,
				addr - in[k].start, file ? base_name(file) : "??", line);
	return snprintf(buf, cap, "%s+0x%" PRIx64 " %s:%" PRIu32, loc.function,
			addr - loc.func_start, file ? base_name(file) : "??", line);
}
