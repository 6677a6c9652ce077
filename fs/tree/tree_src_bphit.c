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
/* Rows of f looked at for another row of the break address's line. */
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

/* Whether bp's row is the only statement row of its line in the function
 * at entry (rows of its inlined copies too): then a start of that line in
 * f's own frame is a run of bp. */
static bool only_row(struct hs_src *s, uint64_t entry, uint64_t bp,
		     const struct hs_src_line_info *at)
{
	struct hs_src_line_info li;
	struct hs_src_loc loc;
	uint64_t pc = entry;

	for (unsigned k = 0; k < BP_ROWS; k++) {
		if (hs_src_row_after(s, pc, UINT64_MAX, &li) != 0)
			return true;
		if (hs_src_lookup(s, li.row_addr, &loc) != 0 || loc.func_start != entry)
			return true; /* past the function */
		if (li.row_addr != bp && li.is_stmt && li.file_id == at->file_id &&
		    li.line == at->line)
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
	/* a call hits bp where bp's line starts in the call's own frame at
	 * bp (the pc looked at unless no other row of f is that line's) */
	if (hs_src_line_info(s, bp, &li) != 0 || !li.line ||
	    !(ff.path = hs_src_file_name(s, li.file_id)) ||
	    hs_db_line_files(img, file_is, &ff) < 0 || !ff.found)
		return;
	b->every = false;
	b->file_id = ff.id;
	b->line = li.line;
	b->bp = bp;
	b->entry = entry;
	b->only = only_row(s, entry, bp, &li);
}

/* Instructions of a start of bp's line walked for bp, at most (the rest
 * of a line, its calls too); past them the call counts as a hit. */
#define BP_WALK 4096

struct start_find {
	const struct tree_bphit *b;
	const struct hs_db_image *img;
	struct hs_src *s;
	uint32_t tid, depth;
	struct hs_db_regs *r;
	int found;              /* 1 a hit, 0 none, -errno */
};

/* Does the frame run bp from the start of bp's line at t on, before an
 * instruction of f in another line (gdb's `step` range: its rows of that
 * line and of none)? */
static int walk_line(struct start_find *f, uint64_t t)
{
	struct hs_src_line_info li;
	struct hs_src_loc loc;
	int err;

	for (unsigned k = 0; k < BP_WALK; k++, t++) {
		if ((err = hs_db_regs_at(f->img, t, f->tid, f->r)))
			return err == -ERANGE ? 0 : err;
		if (f->r->regs.rip == f->b->bp)
			return 1;
		if (hs_src_lookup(f->s, f->r->regs.rip, &loc) != 0 ||
		    loc.func_start != f->b->entry)
			continue; /* a call made on that line, or its return */
		if (hs_src_line_info(f->s, f->r->regs.rip, &li) == 0 && li.line &&
		    li.row_start && li.is_stmt && li.line != f->b->line)
			return 0;
	}
	return 1;
}

static int start_is(void *ctx, const struct hs_db_line_start *ls)
{
	struct start_find *f = ctx;

	if (ls->tid != f->tid || ls->depth != f->depth || ls->file_id != f->b->file_id ||
	    ls->line != f->b->line)
		return 0;
	if (!f->b->only) { /* other rows of the line: does it reach bp? */
		if (!f->r && !(f->r = malloc(sizeof(*f->r))))
			return f->found = -ENOMEM;
		if ((f->found = walk_line(f, ls->t)) == 0)
			return 0;
	}
	return f->found = 1;
}

bool tree_src_bphit(const struct tree_bphit *b, const struct hs_db_image *img, struct hs_src *s,
		    const struct hs_db_call *c)
{
	struct start_find f = { b, img, s, c->tid, c->depth + 1, NULL, 0 };
	uint64_t t1 = c->t_ret == HS_DB_NO_RETURN ? UINT64_MAX : c->t_ret;
	int err;

	if (b->every)
		return true;
	err = hs_db_line_starts(img, c->t_call + 1, t1, c->tid, start_is, &f);
	free(f.r);
	/* a read error: the call is kept, as before the check */
	return err < 0 || f.found != 0;
}
