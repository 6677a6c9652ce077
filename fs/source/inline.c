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
#include "hindsight/util.h"

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
	o->function = src_dwarf_frame_name(s, die);
	if (!o->function)
		o->function = src_dwarf_scoped_name(s, die);
	if (!o->function)
		o->function = src_dwarf_plain_name(die);
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
	uint64_t fr, hid;
	int n, got = 0;

	if (!s || !s->finished || (!out && max))
		return -EINVAL;
	m = src_mod_find(s, addr);
	if (!m || !m->dw || !m->dm)
		return 0;
	/* most code is in no copy: the map answers without a DIE walk */
	src_inline_at(s, m, addr, &fr, &hid);
	if (!fr)
		return 0;
	pthread_mutex_lock(&s->dw_lock);
	cu = src_cu_at(m, addr, &bias);
	n = cu ? src_getscopes(cu, addr - bias, &scopes) : 0;
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

int hs_src_format_frame(struct hs_src *s, uint64_t addr, uint64_t pc,
			const struct hs_src_inline *in, size_t n, size_t k, char *buf, size_t cap)
{
	struct hs_src_loc loc;
	const char *file;
	uint32_t line;

	if (!buf && cap)
		return -EINVAL;
	if (k >= n + 1 || (k == 0 && n == 0) || !s || hs_src_lookup(s, addr, &loc) ||
	    (k == n && !loc.function))
		return src_format_where_pc(s, addr, pc, buf, cap);
	file = k == 0 ? loc.file : in[k - 1].call_file;
	line = k == 0 ? loc.line : in[k - 1].call_line;
	if (!line) {
		/* a call site of line 0 (clang's thunk calling the method it
		 * inlined), or a pc without line info in a copy: gdb's frame
		 * has no line (find_frame_sal: "we don't know where the call
		 * site is"), "f ()" without "at" */
		if (k < n)
			return snprintf(buf, cap, "%s+0x%" PRIx64, in[k].function,
					pc - in[k].start);
		return snprintf(buf, cap, "%s+0x%" PRIx64, loc.function, pc - loc.func_start);
	}
	if (k < n)
		return snprintf(buf, cap, "%s+0x%" PRIx64 " %s:%" PRIu32, in[k].function,
				pc - in[k].start, file ? base_name(file) : "??", line);
	return snprintf(buf, cap, "%s+0x%" PRIx64 " %s:%" PRIu32, loc.function,
			pc - loc.func_start, file ? base_name(file) : "??", line);
}

/* ---- which copy a pc is in, as gdb's `step` sees it ----------------------------------
 * gdb's step (infrun.c) stops where the pc arrives at the start of an
 * inlined copy ("stepped into inlined function") when the frame it then
 * shows is the frame it was stepping in.  At a stop gdb first hides the
 * copies that start at the pc (skip_inline_frames: the copy's entry, its
 * first range's start in gdb 13, or an address whose previous byte is in
 * neither the copy nor a block inside it), innermost outwards; the frame
 * left is the "hidden" frame.  A stop that hid copies shows the caller at
 * the call site and enters the copies on the next `step`, without
 * running: so after a stop the frame is the innermost copy, and after a
 * range refreshed without a stop it is the hidden one (the builder keeps
 * it, builder/db/dbb_lines.c).
 *
 * Per module, on first use: every copy (its parent copy, depth, entry)
 * from a walk of all DIEs (libc's debug info: about 350k DIEs, 60 ms),
 * and the address space cut into segments, each with its innermost copy
 * (a sweep over the copies' ranges, which nest: at each depth at most one
 * copy holds an address). */

#define INL_DEPTH 64

struct inl_copy {
	int32_t parent;         /* index, -1: the real function */
	int32_t depth;
	uint64_t entry;
	Dwarf_Off die;          /* its DW_TAG_inlined_subroutine (0: unknown) */
};

struct inl_seg {
	uint64_t start, end;
	int32_t copy;           /* innermost copy, -1: none */
};

/* A C subprogram's entry and gdb's name of its frames (src_dwarf_entry_name). */
struct inl_func {
	uint64_t entry;
	const char *name;       /* borrowed from libdw */
	size_t seq;             /* DIE order: of several at one entry gdb
				 * names the frame by the last (kill, not
				 * __kill: gas's aliases of one function) */
};

struct src_inl_map {
	struct inl_copy *copies;
	size_t n_copies, cap_copies;
	struct inl_seg *segs;
	size_t n_segs;
	struct inl_func *funcs; /* sorted by entry */
	size_t n_funcs, cap_funcs;
};

/* A range's end points while the map is built: end before start at the
 * same address. */
struct inl_ev {
	uint64_t at;
	int32_t copy;
	bool start;
};

struct inl_build {
	struct src_inl_map *map;
	const struct src_mod *mod;
	struct inl_ev *ev;
	size_t n_ev, cap_ev;
	int err;
};

static void inl_add(struct inl_build *b, Dwarf_Die *die, Dwarf_Addr bias, int32_t parent,
		    int32_t depth, int32_t *idx)
{
	struct src_inl_map *m = b->map;
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;
	bool first = true;

	if ((b->err = hs_grow((void **)&m->copies, &m->cap_copies, m->n_copies + 1,
				  sizeof(*m->copies))))
		return;
	*idx = (int32_t)m->n_copies;
	m->copies[m->n_copies++] = (struct inl_copy){ parent, depth, 0, src_die_key(b->mod, die) };
	while ((off = dwarf_ranges(die, off, &base, &start, &end)) > 0) {
		if (start >= end)
			continue;       /* gcc writes empty ones */
		if (first)
			m->copies[*idx].entry = start + bias;
		first = false;
		if ((b->err = hs_grow((void **)&b->ev, &b->cap_ev, b->n_ev + 2, sizeof(*b->ev))))
			return;
		b->ev[b->n_ev++] = (struct inl_ev){ start + bias, *idx, true };
		b->ev[b->n_ev++] = (struct inl_ev){ end + bias, *idx, false };
	}
}

/* Keeps the entry and name of subprogram die (one with code), when its
 * name is no C++ one (those come from the symbols, names.c). */
static void func_add(struct inl_build *b, Dwarf_Die *die, Dwarf_Addr bias)
{
	struct src_inl_map *m = b->map;
	const char *name;
	Dwarf_Addr entry;

	Dwarf_Addr base, end;

	/* a function split in parts (gcc's f.cold) has only DW_AT_ranges:
	 * its first range is where it is entered */
	if ((dwarf_entrypc(die, &entry) != 0 && dwarf_ranges(die, 0, &base, &entry, &end) <= 0) ||
	    !(name = src_dwarf_plain_name(die)) || !strncmp(name, "_Z", 2))
		return;
	if ((b->err = hs_grow((void **)&m->funcs, &m->cap_funcs, m->n_funcs + 1,
				     sizeof(*m->funcs))))
		return;
	m->funcs[m->n_funcs] = (struct inl_func){ entry + bias, name, m->n_funcs };
	m->n_funcs++;
}

/* Depth-first through the scopes that can hold code: functions, blocks,
 * copies and (C++) namespaces. */
static void inl_walk(struct inl_build *b, Dwarf_Die *d, Dwarf_Addr bias, int32_t parent,
		     int32_t depth)
{
	Dwarf_Die c;

	if (depth >= INL_DEPTH || dwarf_child(d, &c) != 0)
		return;
	do {
		int tag = dwarf_tag(&c);
		int32_t in = parent;

		if (tag == DW_TAG_subprogram) {
			in = -1;
			func_add(b, &c, bias);
		}
		if (tag == DW_TAG_inlined_subroutine)
			inl_add(b, &c, bias, parent, depth, &in);
		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
		    tag == DW_TAG_lexical_block || tag == DW_TAG_namespace)
			inl_walk(b, &c, bias, in, tag == DW_TAG_inlined_subroutine ? depth + 1 : depth);
	} while (b->err == 0 && dwarf_siblingof(&c, &c) == 0);
}

static int cmp_ev(const void *a, const void *b)
{
	const struct inl_ev *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (int)x->start - (int)y->start; /* ends first */
}

/* The segments, from the sorted end points. */
static int inl_sweep(struct inl_build *b)
{
	struct src_inl_map *m = b->map;
	int32_t active[INL_DEPTH];
	size_t cap = 0;

	for (int d = 0; d < INL_DEPTH; d++)
		active[d] = -1;
	if (b->n_ev)
		qsort(b->ev, b->n_ev, sizeof(*b->ev), cmp_ev);
	for (size_t i = 0; i < b->n_ev;) {
		uint64_t at = b->ev[i].at;
		int32_t inner = -1;

		for (; i < b->n_ev && b->ev[i].at == at; i++) {
			const struct inl_ev *e = &b->ev[i];
			int32_t d = m->copies[e->copy].depth;

			if (e->start)
				active[d] = e->copy;
			else if (active[d] == e->copy)
				active[d] = -1;
		}
		for (int d = INL_DEPTH - 1; d >= 0 && inner < 0; d--)
			inner = active[d];
		if (m->n_segs && m->segs[m->n_segs - 1].end == UINT64_MAX)
			m->segs[m->n_segs - 1].end = at;
		if (m->n_segs && m->segs[m->n_segs - 1].copy == inner &&
		    m->segs[m->n_segs - 1].end == at) {
			m->segs[m->n_segs - 1].end = UINT64_MAX;
			continue;
		}
		if (hs_grow((void **)&m->segs, &cap, m->n_segs + 1, sizeof(*m->segs)))
			return -ENOMEM;
		m->segs[m->n_segs++] = (struct inl_seg){ at, UINT64_MAX, inner };
	}
	return 0;
}

static int cmp_func(const void *a, const void *b)
{
	const struct inl_func *x = a, *y = b;

	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static int cmp_func_seq(const void *a, const void *b)
{
	const struct inl_func *x = a, *y = b;
	int c = cmp_func(a, b);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Under dw_lock.  On ENOMEM the module has no copies for `step` (it then
 * stops at fewer places, as before copies were known). */
static void inl_load(struct src_mod *mod)
{
	struct src_inl_map *m = calloc(1, sizeof(*m));
	struct inl_build b = { .map = m, .mod = mod };
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;

	if (!m)
		return;
	/* a skeleton's DIEs are its split unit's (-gsplit-dwarf) */
	while ((cu = dwfl_module_nextcu(mod->dm, cu, &bias)) != NULL && b.err == 0)
		inl_walk(&b, src_split_unit(mod, cu), bias, -1, 0);
	if (b.err == 0)
		b.err = inl_sweep(&b);
	if (b.err == 0 && m->n_funcs)
		qsort(m->funcs, m->n_funcs, sizeof(*m->funcs), cmp_func_seq);
	free(b.ev);
	if (b.err) {
		src_inline_map_free(m);
		return;
	}
	mod->inl = m;
}

void src_inline_map_free(struct src_inl_map *m)
{
	if (!m)
		return;
	free(m->copies);
	free(m->segs);
	free(m->funcs);
	free(m);
}

/* The innermost copy holding addr, -1: none. */
static int32_t inl_innermost(const struct src_inl_map *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n_segs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->segs[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr >= m->segs[lo - 1].end)
		return -1;
	return m->segs[lo - 1].copy;
}

/* Is copy a c or inside c? */
static bool inl_within(const struct src_inl_map *m, int32_t copy, int32_t c)
{
	for (int n = 0; copy >= 0 && n < INL_DEPTH; n++, copy = m->copies[copy].parent)
		if (copy == c)
			return true;
	return false;
}

bool hs_src_inline_holds(struct hs_src *s, uint64_t frame, uint64_t addr)
{
	uint64_t idx = frame >> 32;
	struct src_mod *mod;
	int32_t copy = (int32_t)(frame & 0xffffffffu) - 1;

	if (!s || !frame || idx >= s->n_mods)
		return false;
	mod = &s->mods[idx];
	/* the map is loaded: frame came from it */
	if (src_mod_find(s, addr) != mod ||
	    !__atomic_load_n(&mod->inl_done, __ATOMIC_ACQUIRE) || !mod->inl ||
	    (size_t)copy >= mod->inl->n_copies)
		return false;
	return inl_within(mod->inl, inl_innermost(mod->inl, addr), copy);
}

/* Loads mod's map once (mod->dw and mod->dm set). */
static void inl_ensure(struct hs_src *s, struct src_mod *mod)
{
	if (!__atomic_load_n(&mod->inl_done, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&s->dw_lock);
		if (!mod->inl_done)
			inl_load(mod);
		__atomic_store_n(&mod->inl_done, 1, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&s->dw_lock);
	}
}

const char *src_dwarf_entry_name(struct hs_src *s, struct src_mod *mod, uint64_t addr)
{
	const struct src_inl_map *m;
	const struct inl_func key = { addr, NULL, 0 }, *hit, *end;

	if (!mod->dw || !mod->dm)
		return NULL;
	inl_ensure(s, mod);
	if (!(m = mod->inl) || !m->n_funcs)
		return NULL;
	hit = bsearch(&key, m->funcs, m->n_funcs, sizeof(key), cmp_func);
	if (!hit)
		return NULL;
	/* gdb's block of the pc is the last subprogram at that entry */
	for (end = m->funcs + m->n_funcs; hit + 1 < end && hit[1].entry == addr; hit++)
		;
	return hit->name;
}

void src_inline_at(struct hs_src *s, struct src_mod *mod, uint64_t addr, uint64_t *frame,
		   uint64_t *hidden)
{
	const struct src_inl_map *m;
	uint64_t id = (uint64_t)(mod - s->mods) << 32;
	int32_t c, prev;

	*frame = *hidden = 0;
	if (!mod->dw || !mod->dm)
		return;
	inl_ensure(s, mod);
	m = mod->inl;
	if (!m || (c = inl_innermost(m, addr)) < 0)
		return;
	*frame = id | (uint32_t)(c + 1);
	/* gdb's skip_inline_frames */
	prev = inl_innermost(m, addr - 1);
	while (c >= 0 && (m->copies[c].entry == addr || !inl_within(m, prev, c)))
		c = m->copies[c].parent;
	*hidden = c < 0 ? 0 : id | (uint32_t)(c + 1);
}

/* The depth of a frame id of src_inline_at (0: the real function). */
static int inl_depth(const struct src_inl_map *m, uint64_t frame)
{
	uint32_t c = (uint32_t)(frame & 0xffffffffu);

	return c == 0 || c > m->n_copies ? 0 : m->copies[c - 1].depth + 1;
}

int hs_src_inline_hidden(struct hs_src *s, uint64_t addr)
{
	struct src_mod *m;
	uint64_t fr, hid;

	if (!s || !s->finished)
		return -EINVAL;
	m = src_mod_find(s, addr);
	if (!m)
		return 0;
	src_inline_at(s, m, addr, &fr, &hid);
	if (!fr || fr == hid || !m->inl)
		return 0;
	return inl_depth(m->inl, fr) - inl_depth(m->inl, hid);
}

bool hs_src_inline_in_function(struct hs_src *s, uint64_t addr)
{
	const struct src_inl_map *im;
	const struct src_sym *f;
	struct src_mod *m;
	uint64_t fr, hid, lo, hi;
	size_t a = 0, b;

	if (!s || !s->finished || !(m = src_mod_find(s, addr)))
		return false;
	src_inline_at(s, m, addr, &fr, &hid); /* loads the map */
	if (!(im = m->inl) || !im->n_copies)
		return false;
	if (!(f = src_sym_find(m, addr)) || !f->size)
		return true;    /* no bounds known: assume it may */
	lo = f->addr;
	hi = f->addr + f->size;
	b = im->n_segs;
	while (a < b) {     /* the first segment ending past lo */
		size_t mid = a + (b - a) / 2;

		if (im->segs[mid].end <= lo)
			a = mid + 1;
		else
			b = mid;
	}
	for (; a < im->n_segs && im->segs[a].start < hi; a++)
		if (im->segs[a].copy >= 0)
			return true;
	return false;
}

/* ---- the entries of copies: where gdb's `break f` stops ------------------------------
 * gdb 13 puts a location of `break f` at every inlined copy of f, at the
 * copy's entry: the start of its first range (BLOCK_ENTRY_PC; it does not
 * read DW_AT_entry_pc), the map's entry.  A copy that starts at addr holds
 * it, so the copies entered at addr are among the innermost copy's chain. */

/* The copy of a frame id (module, index), or -1. */
static int32_t inl_copy_of(struct hs_src *s, uint64_t frame, const struct src_inl_map **m)
{
	uint64_t idx = frame >> 32;
	uint32_t c = (uint32_t)(frame & 0xffffffffu);
	struct src_mod *mod;

	if (!s || !frame || idx >= s->n_mods)
		return -1;
	mod = &s->mods[idx];
	if (mod->dw && mod->dm)
		inl_ensure(s, mod); /* a handle that has not looked at addresses yet */
	if (!mod->inl ||
	    c == 0 || c > mod->inl->n_copies)
		return -1;
	*m = mod->inl;
	return (int32_t)c - 1;
}

/* The innermost copy holding addr (its map into *m, the module part of
 * its frame id into *mod_id), or -1. */
static int32_t inl_first(struct hs_src *s, uint64_t addr, const struct src_inl_map **m,
			 uint64_t *mod_id)
{
	uint64_t fr, hid;
	struct src_mod *mod;

	if (!s || !s->finished || !(mod = src_mod_find(s, addr)))
		return -1;
	src_inline_at(s, mod, addr, &fr, &hid); /* loads the map */
	*mod_id = fr & ~(uint64_t)0xffffffffu;
	return inl_copy_of(s, fr, m);
}

/* The copies that start at addr, innermost first, into out[max]. */
static size_t starting_at(struct hs_src *s, uint64_t addr, uint64_t *out, size_t max)
{
	const struct src_inl_map *m = NULL;
	uint64_t id;
	int32_t c = inl_first(s, addr, &m, &id);
	size_t n = 0;

	for (int d = 0; c >= 0 && d < INL_DEPTH; d++, c = m->copies[c].parent)
		if (m->copies[c].entry == addr && n < max)
			out[n++] = id | (uint32_t)(c + 1);
	return n;
}

/* Rows of a prologue looked at, at most (a prologue is a few rows). */
#define BREAK_SCAN 64

/* Where gdb 13's `break` on the function that starts at entry stops
 * (symtab.c skip_prologue_sal): the first row marked prologue_end
 * (clang); else the entry where gdb trusts the CU's locations (gcc -O2:
 * nothing skipped); else past the rows its prologue analysis skips. */
static uint64_t function_break_pc(struct hs_src *s, uint64_t entry)
{
	struct hs_src_line_info li;
	uint64_t pc = entry, pe;

	if (hs_src_break_addr(s, entry, &pe) == 0)
		return pe;
	if (hs_src_locations_valid(s, entry))
		return entry;
	for (unsigned rows = 0; rows < BREAK_SCAN; rows++) {
		if (hs_src_line_info(s, pc, &li) != 0 || !li.line || !li.in_prologue ||
		    li.row_next <= pc)
			break;
		pc = li.row_next;
	}
	return pc;
}

/* gdb's skip_prologue_sal moves a location at the start of the function
 * holding it, even one of an inlined copy that starts there (clang -O2:
 * main's first statement inlined, its copies at main's entry), past that
 * function's prologue: `break f` stops there, in the innermost block at
 * that pc.  So the copies that start at a function's entry are entered at
 * its breakpoint address.  *fn: the function's entry, *bp: that address
 * (equal when nothing moves). */
static void moved_copies(struct hs_src *s, uint64_t addr, uint64_t *fn, uint64_t *bp)
{
	struct hs_src_loc loc;
	uint64_t one;

	*fn = *bp = addr;
	if (hs_src_lookup(s, addr, &loc) != 0 || !loc.function || loc.func_start > addr ||
	    !starting_at(s, loc.func_start, &one, 1))
		return;
	*fn = loc.func_start;
	*bp = function_break_pc(s, loc.func_start);
}

size_t hs_src_inline_entries(struct hs_src *s, uint64_t addr, uint64_t *out, size_t max)
{
	uint64_t fn, bp;
	size_t n;

	moved_copies(s, addr, &fn, &bp);
	if (fn == addr && bp > addr)
		return 0; /* moved to bp */
	n = starting_at(s, addr, out, max);
	if (fn < addr && bp == addr) /* and the copies moved here from fn */
		n += starting_at(s, fn, out + n, max - n);
	return n;
}

size_t hs_src_inline_chain(struct hs_src *s, uint64_t addr, uint64_t *out, size_t max)
{
	const struct src_inl_map *m = NULL;
	uint64_t id;
	int32_t c = inl_first(s, addr, &m, &id);
	size_t n = 0;

	for (int d = 0; c >= 0 && d < INL_DEPTH && n < max; d++, c = m->copies[c].parent)
		out[n++] = id | (uint32_t)(c + 1);
	return n;
}

bool hs_src_inline_within(struct hs_src *s, uint64_t inner, uint64_t outer)
{
	const struct src_inl_map *m = NULL;
	int32_t ci, co;

	if (!inner || !outer || inner >> 32 != outer >> 32)
		return false;
	if ((ci = inl_copy_of(s, inner, &m)) < 0 || (co = inl_copy_of(s, outer, &m)) < 0)
		return false;
	return inl_within(m, ci, co);
}

/* The frame name of copy c entered at addr, from its own DIE: what
 * hs_src_inline_frames names it, without walking the compile unit's
 * scopes down to addr (dwarf_getscopes: calls/ of python3, thousands of
 * inlined copies in a few huge units, took 10 s to list).  NULL when the
 * DIE is not at hand. */
static const char *copy_name(struct hs_src *s, struct src_mod *mod, const struct src_inl_map *m,
			     int32_t c, uint64_t addr)
{
	struct hs_src_inline o = { 0 };
	Dwarf_Addr bias;
	Dwarf_Die *cu, die;

	if (!mod->dm || !m->copies[c].die)
		return NULL;
	pthread_mutex_lock(&s->dw_lock);
	cu = src_cu_at(mod, addr, &bias);
	if (cu && src_key_die(mod, m->copies[c].die, &die) &&
	    dwarf_tag(&die) == DW_TAG_inlined_subroutine)
		inline_of(s, cu, &die, addr - bias, bias, &o);
	pthread_mutex_unlock(&s->dw_lock);
	return o.function;
}

/* The k-th copy entered at addr: c in *m of mod, *depth its place in the
 * chain (hs_src_inline_frames' order: both are the nesting at addr). */
static int entry_copy(struct hs_src *s, uint64_t addr, unsigned k, struct src_mod **mod,
		      const struct src_inl_map **m, int32_t *c, int *depth)
{
	uint64_t fr, hid, ids[INL_DEPTH];
	int32_t at;
	int i = 0;

	*m = NULL;
	if (!s || !s->finished || !k || !(*mod = src_mod_find(s, addr)) ||
	    hs_src_inline_entries(s, addr, ids, INL_DEPTH) < k ||
	    (*c = inl_copy_of(s, ids[k - 1], m)) < 0)
		return -ENOENT;
	/* its place among the copies holding addr (-1: a copy moved here
	 * that ends before addr) */
	src_inline_at(s, *mod, addr, &fr, &hid);
	for (at = inl_copy_of(s, fr, m); at >= 0 && at != *c && i < INL_DEPTH; i++)
		at = (*m)->copies[at].parent;
	*depth = at == *c ? i : -1;
	return 0;
}

int hs_src_inline_entry_names(struct hs_src *s, uint64_t addr, unsigned k, const char **name,
			      const char **caller)
{
	struct hs_src_inline in[INL_DEPTH];
	const struct src_inl_map *m;
	struct hs_src_loc loc;
	struct src_mod *mod;
	int32_t c;
	int n, i;

	*name = *caller = NULL;
	if (entry_copy(s, addr, k, &mod, &m, &c, &i))
		return -ENOENT;
	if ((*name = copy_name(s, mod, m, c, addr)) != NULL) {
		const char *own = *name;

		*name = src_name_unparsed(own) ? src_intern_break(s, own) : own;
		if (m->copies[c].parent >= 0)
			*caller = copy_name(s, mod, m, m->copies[c].parent, addr);
		else if (hs_src_lookup(s, addr, &loc) == 0)
			*caller = loc.function;
		if (m->copies[c].parent < 0 || *caller)
			return 0;
	}
	n = hs_src_inline_frames(s, addr, in, INL_DEPTH);
	if (i < 0 || n <= i)
		return -ENOENT;
	/* calls/ files it by its break name; the frame name is gdb's bt's */
	*name = src_name_unparsed(in[i].function) ? src_intern_break(s, in[i].function) :
						     in[i].function;
	if (i + 1 < n)
		*caller = in[i + 1].function;
	else if (hs_src_lookup(s, addr, &loc) == 0)
		*caller = loc.function;
	return 0;
}

int hs_src_inline_entry_signature(struct hs_src *s, uint64_t addr, unsigned k, char *buf,
				  size_t cap)
{
	const struct src_inl_map *m;
	const char *name = NULL, *caller;
	struct src_mod *mod;
	Dwarf_Attribute a;
	Dwarf_Addr bias;
	Dwarf_Die die;
	char *dem = NULL;
	int32_t c;
	int i;

	if (entry_copy(s, addr, k, &mod, &m, &c, &i))
		return -ENOENT;
	if (mod->dm && m->copies[c].die) {
		pthread_mutex_lock(&s->dw_lock);
		if (src_cu_at(mod, addr, &bias) && src_key_die(mod, m->copies[c].die, &die) &&
		    dwarf_tag(&die) == DW_TAG_inlined_subroutine) {
			name = dwarf_formstring(dwarf_attr_integrate(&die, DW_AT_linkage_name, &a));
			/* C: the plain name; C++: the demangled one */
			if (!name || !(dem = src_demangle(name)))
				name = dwarf_formstring(dwarf_attr_integrate(&die, DW_AT_name, &a));
		}
		snprintf(buf, cap, "%s", dem ? src_sig_name(dem) : name ? name : "");
		pthread_mutex_unlock(&s->dw_lock);
		free(dem);
		if (name)
			return 0;
	}
	/* no DIE at hand: its frame name, without parameters */
	if (hs_src_inline_entry_names(s, addr, k, &name, &caller))
		return -ENOENT;
	snprintf(buf, cap, "%s", name);
	return 0;
}

uint64_t hs_src_inline_at(struct hs_src *s, uint64_t addr)
{
	struct src_mod *mod;
	uint64_t fr, hid;

	if (!s || !s->finished || !(mod = src_mod_find(s, addr)))
		return 0;
	src_inline_at(s, mod, addr, &fr, &hid);
	return fr;
}
