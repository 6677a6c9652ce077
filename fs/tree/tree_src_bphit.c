/* tree_src_bphit.c - does gdb's `break f` stop in a call of f?  calls/<f>
 * lists the calls in which it does.
 *
 * gdb's `break f` sits past f's prologue (tree_src_break_t): with clang,
 * on the first row marked prologue_end.  Where straight-line code leads
 * from f's entry there (no jump, call or return before it: gcc's entry or
 * its frame setup, clang's usual prologue), every call of f stops there.
 * clang -O2 puts that row past a branch at times (gcd's prologue_end on
 * its 64-bit idiv path, which a call with 32-bit operands never runs):
 * gdb does not stop in such a call, so it is no hit.  The call stays in
 * the call tree, backtraces and finish; only calls/<f> leaves it out. */
#include "tree_src_i.h"

#include <capstone.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Bytes from an entry to its break address decoded, at most (a prologue
 * is a few instructions; clang's prologue_end past a branch is near). */
#define BP_SPAN 256
/* Rows of f looked at for a row of the break address's line before it. */
#define BP_ROWS 4096

/* Straight-line code from entry to bp: decoded from the memory at t, no
 * instruction before bp that jumps, calls, returns or traps. */
static bool straight_to(const struct hs_db_image *img, uint64_t t, uint64_t entry, uint64_t bp)
{
	uint8_t code[BP_SPAN];
	uint64_t pc = entry;
	size_t n = (size_t)(bp - entry), count;
	cs_insn *in = NULL;
	csh h;
	bool ok = false;

	if (bp <= entry || n > sizeof(code) || hs_db_mem_read(img, t, entry, n, code) != (ssize_t)n)
		return bp == entry;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		return false;
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	count = cs_disasm(h, code, n, entry, 0, &in);
	for (size_t i = 0; i < count; i++) {
		if (in[i].address != pc)
			break;
		if (cs_insn_group(h, &in[i], CS_GRP_JUMP) || cs_insn_group(h, &in[i], CS_GRP_CALL) ||
		    cs_insn_group(h, &in[i], CS_GRP_RET) || cs_insn_group(h, &in[i], CS_GRP_INT) ||
		    cs_insn_group(h, &in[i], CS_GRP_IRET))
			break;
		pc += in[i].size;
		if (pc == bp) {
			ok = true;
			break;
		}
	}
	if (count)
		cs_free(in, count);
	cs_close(&h);
	return ok;
}

/* Whether bp's row is the first statement row of its line in the
 * function at entry (rows of its inlined copies too): gdb's `break
 * FILE:LINE` of that line then has its location in f at bp, and its hits
 * (lineidx.hdb, lines/<file>/<line>) in f's frame are runs of bp. */
static bool first_row(struct hs_src *s, uint64_t entry, uint64_t bp,
		      const struct hs_src_line_info *at)
{
	struct hs_src_line_info li;
	struct hs_src_loc loc;
	uint64_t pc = entry;

	for (unsigned k = 0; k < BP_ROWS; k++) {
		if (hs_src_row_after(s, pc, bp, &li) != 0)
			return true;
		if (hs_src_lookup(s, li.row_addr, &loc) != 0 || loc.func_start != entry)
			return true; /* past the function */
		if (li.is_stmt && li.file_id == at->file_id && li.line == at->line)
			return false;
		pc = li.row_addr + 1;
	}
	return false;
}

struct file_find {
	const char *path;
	uint32_t id;
	bool found;
};

static int file_is(void *ctx, uint32_t file_id, const char *path)
{
	struct file_find *f = ctx;

	if (strcmp(path, f->path))
		return 0;
	f->id = file_id;
	f->found = true;
	return 1;
}

static int add_hit(void *ctx, const struct hs_db_line_start *ls)
{
	struct tree_bphit *b = ctx;

	if (hs_grow((void **)&b->hits, &b->cap, b->n + 1, sizeof(*b->hits)))
		return -ENOMEM;
	b->hits[b->n++] = (struct tree_bphit_hit){ ls->t, ls->tid, ls->depth };
	return 0;
}

void tree_src_bphit_init(struct tree_bphit *b, const struct hs_db_image *img, struct hs_src *s,
			 uint64_t callee, uint64_t t_call)
{
	struct hs_src_line_info li;
	struct file_find ff = { 0 };
	uint64_t entry, bp;

	memset(b, 0, sizeof(*b));
	b->every = true;
	if (HS_DB_INLINE_K(callee) || (callee & TREE_STUB_STOP))
		return; /* an inlined copy's entry is gdb's stop (view) */
	entry = tree_src_reached(img, s, callee);
	if (hs_src_locations_valid(s, entry) || hs_src_break_addr(s, entry, &bp) != 0)
		return; /* at the entry, or past a frame setup gcc makes */
	if (straight_to(img, t_call + 1, entry, bp))
		return;
	/* a call hits bp where gdb's `break FILE:LINE` of bp's line hits
	 * in the call's own frame, its location in f at bp */
	if (hs_src_line_info(s, bp, &li) != 0 || !li.line || !first_row(s, entry, bp, &li) ||
	    !(ff.path = hs_src_file_name(s, li.file_id)) ||
	    hs_db_line_files(img, file_is, &ff) < 0 || !ff.found)
		return;
	if (hs_db_line_times(img, ff.id, li.line, add_hit, b) < 0) {
		tree_src_bphit_free(b);
		b->every = true;
		return;
	}
	b->every = false;
}

void tree_src_bphit_free(struct tree_bphit *b)
{
	free(b->hits);
	b->hits = NULL;
	b->n = b->cap = 0;
}

bool tree_src_bphit(const struct tree_bphit *b, const struct hs_db_call *c)
{
	uint64_t t1 = c->t_ret == HS_DB_NO_RETURN ? UINT64_MAX : c->t_ret;
	size_t lo = 0, hi = b->n;

	if (b->every)
		return true;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (b->hits[mid].t <= c->t_call)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < b->n && b->hits[i].t <= t1; i++)
		if (b->hits[i].tid == c->tid && b->hits[i].depth == c->depth + 1)
			return true;
	return false;
}
