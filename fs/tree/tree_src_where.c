/* tree_src_where.c - time/<t>/where and backtrace, with the unwinder as fallback. */
#include "tree_src_i.h"

#include <capstone.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* frames read at first; a deeper stack is read again whole (gdb's bt
 * prints every frame, the 2000 of a stack overflow too) */
#define BT_FIRST 256

/* ---- time/<t>/where, backtrace ---------------------------------------------------- */

int tree_src_regs_at(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_db_regs **out)
{
	struct hs_db_regs *r = malloc(sizeof(*r)); /* not on a FUSE thread's stack */
	int err;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	err = hs_db_regs_at(tree_image(tree, n), n->t, 0, r);
	if (err < 0) {
		free(r);
		return err;
	}
	*out = r;
	return 0;
}

int tree_src_at(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src **s,
		struct hs_db_regs **r)
{
	int err = tree_src_get(tree, n, s);

	*r = NULL;
	return err < 0 ? err : tree_src_regs_at(tree, n, r);
}

/* ---- the dynamic loader's names of modules -----------------------------------------
 * A frame in no function reads "0x7f.. in libstdc++.so.6.0.30", the file
 * mapped.  gdb says "from /lib/x86_64-linux-gnu/libstdc++.so.6": the
 * l_name of the module's link_map, the path the dynamic loader opened (a
 * link to the file).  The program's own list at the moment says it
 * (_r_debug.r_map, each entry's l_addr the module's load bias); the
 * executable's l_name is empty, and it keeps its file's name. */

struct ld_names {
	struct hs_tree_mem_at mc;
	struct hs_src *s;
	uint64_t r_debug;       /* 0: not looked up yet; UINT64_MAX: none */
};

static int find_r_debug(void *ctx, const struct hs_src_symbol *sym)
{
	const char *nm = sym->linkage_name;

	if (sym->function || strncmp(nm, "_r_debug", 8) || (nm[8] && nm[8] != '@'))
		return 0;
	*(uint64_t *)ctx = sym->addr;
	return 1;
}

/* The l_name of the link_map whose l_addr is bias into buf: false when
 * there is none or it is empty. */
static bool ld_name(struct ld_names *ln, uint64_t bias, char *buf, size_t cap)
{
	uint64_t map, lm[4]; /* l_addr, l_name, l_ld, l_next */
	ssize_t got;

	if (!ln->r_debug) {
		ln->r_debug = UINT64_MAX;
		hs_src_symbols(ln->s, find_r_debug, &ln->r_debug);
	}
	/* struct r_debug: int r_version, then r_map */
	if (ln->r_debug == UINT64_MAX ||
	    hs_tree_read_mem_at(&ln->mc, ln->r_debug + 8, &map, sizeof map) != sizeof map)
		return false;
	for (int i = 0; map && i < 4096; i++, map = lm[3]) {
		if (hs_tree_read_mem_at(&ln->mc, map, lm, sizeof lm) != sizeof lm)
			return false;
		if (lm[0] != bias)
			continue;
		got = hs_tree_read_mem_at(&ln->mc, lm[1], buf, cap - 1);
		if (got <= 0)
			return false;
		buf[got] = 0;
		return buf[0] != 0;
	}
	return false;
}

/* buf, the text of a frame at pc: where it names no function ("0x.. in
 * FILE"), the module's name as the dynamic loader has it. */
static void loaded_name(struct ld_names *ln, uint64_t pc, char *buf, size_t cap)
{
	char pre[32], name[512];
	int k = snprintf(pre, sizeof pre, "0x%" PRIx64 " in ", pc);
	const struct hs_src_module *m = NULL;

	if (!ln || strncmp(buf, pre, (size_t)k))
		return;
	for (size_t i = 0; !m && i < hs_src_module_count(ln->s); i++) {
		m = hs_src_module_at(ln->s, i);
		if (pc < m->start || pc >= m->end)
			m = NULL;
	}
	if (m && ld_name(ln, m->bias, name, sizeof name))
		snprintf(buf + k, cap - (size_t)k, "%s", name);
}

static void put_where(FILE *f, struct ld_names *ln, uint64_t addr)
{
	char buf[4096]; /* C++ names run past 1024 (gdb cuts none) */

	hs_src_format_where(ln->s, addr, buf, sizeof(buf));
	loaded_name(ln, addr, buf, sizeof(buf));
	fputs(buf, f);
}

/* ---- inlined frames ----------------------------------------------------------------
 * Code inlined into a function is shown as gdb shows it: a frame per
 * inlined copy holding the pc, innermost first, then the real function
 * at the outermost copy's call site (hs_src_inline_frames).  The call tree
 * knows nothing of them (no call made them), so they carry no t_call:
 * "inlined" stands in its column. */

#define INL_MAX 32

/* The frames at pc: n inlined ones (none where no code was inlined),
 * each "#num where inlined", then "#num where" of the real function with
 * no newline (its caller ends the line).  At the stop, the innermost
 * `hide` copies are left out: those that start at pc, as gdb hides them
 * (a moment shows the call site, as gdb does when it arrives there by
 * `step`, `next`, `finish`, a return or a signal: hs_src_inline_hidden),
 * less the ones a view shows (time/<t>.<k>: a user breakpoint on the
 * copy's function, or gdb's `step` into it). */
static void put_frames(FILE *f, struct ld_names *ln, uint64_t pc, uint64_t shown, unsigned hide,
		       int *num)
{
	struct hs_src_inline in[INL_MAX];
	char buf[4096];
	int n = hs_src_inline_frames(ln->s, pc, in, INL_MAX);

	if (n < 0)
		n = 0;
	for (int k = hide > (unsigned)n ? 0 : (int)hide; k <= n; k++) {
		hs_src_format_frame(ln->s, pc, shown, in, (size_t)n, (size_t)k, buf, sizeof(buf));
		loaded_name(ln, shown, buf, sizeof(buf));
		fprintf(f, "#%d %s%s", (*num)++, buf, k < n ? " inlined\n" : "");
	}
}

unsigned tree_src_hidden(struct hs_src *s, uint64_t pc)
{
	int h = hs_src_inline_hidden(s, pc);

	return h > 0 ? (unsigned)h : 0;
}

unsigned tree_src_hidden_view(struct hs_src *s, uint64_t pc, uint32_t view)
{
	unsigned h = tree_src_hidden(s, pc);

	return view < h ? h - view : 0;
}

int tree_src_views(struct hs_tree *tree, const struct hs_tree_node *n, unsigned *h)
{
	struct hs_db_regs *r;
	struct hs_src *s;
	int err = tree_src_at(tree, n, &s, &r);

	*h = 0;
	if (err < 0)
		return err;
	*h = tree_src_hidden(s, r->regs.rip);
	free(r);
	return 0;
}

/* time/<t>/where: the innermost frame shown, an inlined function's when
 * the pc is in inlined code; at the first instruction of a copy, the
 * caller at the call site (gdb's inline frame skipping), or in a view
 * the innermost copy it shows. */
int tree_where_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct hs_src_inline in[INL_MAX];
	struct hs_db_regs *r;
	struct hs_src *s;
	char buf[4096];
	int err = tree_src_at(tree, n, &s, &r), ni, h;

	if (err < 0)
		return err;
	ni = hs_src_inline_frames(s, r->regs.rip, in, INL_MAX);
	h = (int)tree_src_hidden_view(s, r->regs.rip, n->view);
	if (ni < 0 || h > ni)
		h = 0;
	hs_src_format_frame(s, r->regs.rip, r->regs.rip, in, ni > 0 ? (size_t)ni : 0, (size_t)h, buf,
			    sizeof(buf));
	loaded_name(&(struct ld_names){ { tree_image(tree, n), n->t }, s, 0 }, r->regs.rip, buf,
		    sizeof(buf));
	fputs(buf, f);
	fputc('\n', f);
	free(r);
	return 0;
}

/* ---- the unwinder as the backtrace's fallback ----------------------------------------
 * The call tree knows the calls the recording saw.  It has no answer for
 * the frames entered before the recording began (beyond the outermost
 * open call, "-") nor for frames entered without a call: a signal handler
 * runs on top of the interrupted function, whose own frame and the
 * kernel's trampoline (__restore_rt) no call made.  There the libdwfl
 * unwinder (hs_src_unwind, CFI over the recorded registers and memory)
 * answers, and its frames are marked "(unwound)" instead of a t_call.  It
 * is also the cross-check: unwound frames are used only while they agree
 * with the call tree's frames, function by function. */

#define UW_MAX 512

struct bt_unwound {
	uint64_t pcs[UW_MAX];
	uint64_t fn[UW_MAX];    /* function entry of each frame, 0: none */
	bool exact[UW_MAX];     /* pc is where it stopped, not a return address */
	int n;
};

/* The entry of the function holding addr, 0 when none. */
static uint64_t func_of(struct hs_src *s, uint64_t addr)
{
	struct hs_src_loc loc;

	if (hs_src_lookup(s, addr, &loc) || !loc.function)
		return 0;
	return loc.func_start;
}

/* The address whose function and line a frame is at: its pc when exact,
 * else the call before the return address.  glibc's trampoline
 * __restore_rt is the return address of a handler; the byte before it is
 * a nop outside any symbol (so that CFI lookups at pc - 1 find its FDE). */
static uint64_t unwound_addr(struct hs_src *s, const struct bt_unwound *u, int k)
{
	uint64_t pc = u->pcs[k];

	if (u->exact[k] || (!func_of(s, pc - 1) && func_of(s, pc)))
		return pc;
	return pc - 1;
}

/* The unwinder reads the stack a word at a time (return addresses, saved
 * registers), and each database read reconstructs memory at t: so whole
 * pages are read once and kept for the one unwind. */
#define BT_PAGE 4096u
#define BT_PAGES 4
struct bt_mem {
	const struct hs_db_image *img;
	uint64_t t;
	struct {
		uint64_t addr;          /* UINT64_MAX: empty */
		ssize_t len;            /* bytes readable from addr */
		uint8_t data[BT_PAGE];
	} page[BT_PAGES];
	unsigned next;              /* slot to reuse next (round robin) */
};

static ssize_t bt_read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct bt_mem *m = ctx;
	uint64_t pa = addr & ~(uint64_t)(BT_PAGE - 1);
	unsigned i;

	if (len > BT_PAGE || (addr - pa) + len > BT_PAGE)
		return hs_db_mem_read(m->img, m->t, addr, len, buf);
	for (i = 0; i < BT_PAGES && m->page[i].addr != pa; i++)
		;
	if (i == BT_PAGES) {
		ssize_t got;

		i = m->next++ % BT_PAGES;
		m->page[i].addr = UINT64_MAX; /* its data is being replaced */
		got = hs_db_mem_read(m->img, m->t, pa, BT_PAGE, m->page[i].data);
		/* a page that is not all there: ask for exactly the bytes */
		if (got != (ssize_t)BT_PAGE)
			return hs_db_mem_read(m->img, m->t, addr, len, buf);
		m->page[i].addr = pa;
		m->page[i].len = got;
	}
	memcpy(buf, m->page[i].data + (addr - pa), len);
	return (ssize_t)len;
}

/* The signal trampoline a handler returns into (glibc's __restore_rt). */
static bool is_trampoline(struct hs_src *s, uint64_t pc)
{
	struct hs_src_loc loc;

	return !hs_src_lookup(s, pc, &loc) && loc.function && !strcmp(loc.function, "__restore_rt");
}

static int unwind_at(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src *s,
		     const struct hs_db_regs *r, struct bt_unwound *u)
{
	struct bt_mem *mc = malloc(sizeof(*mc)); /* 16 KiB: not on a FUSE stack */
	struct hs_src_target tg = { .regs = &r->regs, .read_mem = bt_read_mem, .ctx = mc };
	int got;

	u->n = 0;
	if (!mc)
		return -ENOMEM;
	mc->img = tree_image(tree, n);
	mc->t = n->t;
	mc->next = 0;
	for (int i = 0; i < BT_PAGES; i++)
		mc->page[i].addr = UINT64_MAX;
	got = hs_src_unwind(s, &tg, u->pcs, UW_MAX);
	free(mc);
	if (got < 0)
		return got;
	u->n = got;
	for (int k = 0; k < u->n; k++) {
		/* the frame a signal interrupted follows the trampoline */
		u->exact[k] = k == 0 || is_trampoline(s, u->pcs[k - 1]);
		u->fn[k] = func_of(s, unwound_addr(s, u, k));
	}
	return 0;
}

/* "function+0xoff file:line" for an unwound frame: the offset of its pc
 * (a return address, as gdb prints it), the function and line of the
 * call (the byte before). */
static void put_unwound(FILE *f, struct ld_names *ln, const struct bt_unwound *u, int k)
{
	struct hs_src *s = ln->s;
	uint64_t a = unwound_addr(s, u, k), pc = u->pcs[k];
	struct hs_src_loc loc;

	if (a == pc || hs_src_lookup(s, a, &loc) || !loc.function) {
		put_where(f, ln, a);
		return;
	}
	fprintf(f, "%s+0x%" PRIx64, loc.function, pc - loc.func_start);
	if (loc.file) {
		const char *b = strrchr(loc.file, '/');

		fprintf(f, " %s:%" PRIu32, b ? b + 1 : loc.file, loc.line);
	}
}

/* Prints unwound frames from..to (inclusive), numbering on from *num. */
static void put_unwound_range(FILE *f, struct ld_names *ln, const struct bt_unwound *u, int from,
			      int to, int *num)
{
	for (int k = from; k <= to; k++) {
		fprintf(f, "#%d ", (*num)++);
		put_unwound(f, ln, u, k);
		fputs(" (unwound)\n", f);
	}
}

/* ---- tail calls -----------------------------------------------------------------
 * A frame entered by a tail call (HS_DB_CALL_TAILIN) replaced the frame
 * that jumped, which the call tree has closed.  gdb shows such functions
 * as frames of their own ("tailcall" frames, at the jump) when DWARF
 * call-site info leads from the caller's call to the running function by
 * one chain of tail calls: a direct call, direct jumps, in functions with
 * DWARF, and no function twice (its search visits each once).  Here the
 * chain is the one that ran: the frames the tail calls replaced (the
 * innermost call open as each was made), with loops erased, shown under
 * the same conditions. */

#define TAIL_MAX TREE_TAIL_MAX

struct tail_hop {
	uint64_t fn, jump, t_call;   /* function, its jump, its call's t */
};

/* The length of the instruction in b if it is a near jmp rel8/rel32 (want
 * 0xe9) or a call rel32 (want 0xe8), else 0. */
static int direct_insn(const uint8_t *b, ssize_t n, uint8_t want)
{
	ssize_t k = 0;

	while (k < n && (b[k] == 0x66 || b[k] == 0x67 || b[k] == 0xf2 || b[k] == 0xf3 ||
			 b[k] == 0x2e || b[k] == 0x3e))
		k++;
	if (k < n && (b[k] & 0xf0) == 0x40)
		k++;
	if (k >= n)
		return 0;
	if (b[k] == want)
		return (int)k + 5;
	return want == 0xe9 && b[k] == 0xeb ? (int)k + 2 : 0;
}

static bool with_dwarf(struct hs_src *s, uint64_t addr)
{
	struct hs_src_loc loc;

	return hs_src_lookup(s, addr, &loc) == 0 && loc.module && loc.module->has_dwarf &&
	       loc.function;
}

/* Is the instruction at addr (as memory held it at t) direct_insn(want),
 * and does DWARF have a call-site entry for it (gdb follows only those)? */
static bool direct_at(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
		      uint64_t addr, uint8_t want)
{
	uint8_t b[16];
	ssize_t got = hs_db_mem_read(img, t, addr, sizeof(b), b);
	int len = got > 0 ? direct_insn(b, got, want) : 0;

	return len > 0 && hs_src_call_site(s, addr + (uint64_t)len);
}

struct entry_find {
	uint64_t want;
	bool found;
};

static int entry_is(void *ctx, uint64_t addr)
{
	struct entry_find *e = ctx;

	e->found = e->found || addr == e->want;
	return e->found; /* stops at the match */
}

/* gdb finds the function a call site names by its name: through a PLT
 * stub, the symbol the stub is named after must be the function reached
 * (an ifunc's symbol is its resolver, not the implementation that runs). */
static bool named_target(const struct hs_db_image *img, struct hs_src *s, uint64_t callee,
			 uint64_t x)
{
	struct entry_find e = { x, false };
	struct hs_src_loc loc;
	char name[512];
	size_t len;

	if (tree_src_reached(img, s, callee) == callee)
		return true;
	if (hs_src_lookup(s, callee, &loc) || !loc.function)
		return false;
	len = strlen(loc.function);
	if (len < 4 || len - 4 >= sizeof(name) || strcmp(loc.function + len - 4, "@plt"))
		return false;
	memcpy(name, loc.function, len - 4);
	name[len - 4] = '\0';
	return hs_src_function_entries(s, name, entry_is, &e) > 0 && e.found;
}

#define TAIL_SCAN_RANGES 8
#define TAIL_SCAN_BYTES 65536

/* How the function holding fn (its code as memory held it at t) left for
 * target by a jump: TJ_NONE when no jump could make gdb show a tail-call
 * frame (no direct jmp there with a DWARF call-site entry), TJ_ONE with
 * *jump when its code tells which (its one direct jmp there, no
 * conditional or indirect jump that could go there too), else TJ_ASK:
 * the registers at the jump tell (a replay, which costs a calls/ listing
 * a millisecond a line). */
enum tail_jump { TJ_ASK, TJ_NONE, TJ_ONE };

static enum tail_jump jump_to(const struct hs_db_image *img, struct hs_src *s, uint64_t t,
			      uint64_t fn, uint64_t target, uint64_t *jump)
{
	uint64_t lo[TAIL_SCAN_RANGES], hi[TAIL_SCAN_RANGES];
	size_t nr = hs_src_function_ranges(s, fn, lo, hi, TAIL_SCAN_RANGES);
	unsigned direct = 0, sites = 0;
	bool other = false, doubt = false;
	uint8_t *code = NULL;
	csh h;

	if (nr == 0)
		return TJ_NONE; /* no DWARF function there: no call-site entries */
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		return TJ_ASK;
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	for (size_t i = 0; i < nr && !doubt; i++) {
		size_t n = hi[i] - lo[i], count;
		cs_insn *in = NULL;

		if (n > TAIL_SCAN_BYTES || !(code = realloc(code, n ? n : 1)) ||
		    hs_db_mem_read(img, t, lo[i], n, code) != (ssize_t)n) {
			doubt = true;
			break;
		}
		count = cs_disasm(h, code, n, lo[i], 0, &in);
		doubt = count == 0 || in[count - 1].address + in[count - 1].size != hi[i];
		for (size_t k = 0; k < count; k++) {
			const cs_x86 *x = &in[k].detail->x86;

			if (!cs_insn_group(h, &in[k], CS_GRP_JUMP))
				continue;
			if (x->op_count < 1 || x->operands[0].type != X86_OP_IMM) {
				other = true; /* jmp *reg or *mem: anywhere */
			} else if ((uint64_t)x->operands[0].imm != target) {
				continue;
			} else if (in[k].id != X86_INS_JMP) {
				other = true;
			} else {
				direct++;
				*jump = in[k].address;
				sites += hs_src_call_site(s, in[k].address + in[k].size);
			}
		}
		if (count)
			cs_free(in, count);
	}
	free(code);
	cs_close(&h);
	if (doubt)
		return TJ_ASK;
	if (!sites)
		return TJ_NONE;
	return direct == 1 && !other ? TJ_ONE : TJ_ASK;
}

/* The tail-call frames gdb shows under the frame of call c, innermost
 * first, into out[TAIL_MAX]; returns how many (0 on any doubt). */
static int tail_frames(const struct hs_db_image *img, struct hs_src *s,
		       const struct hs_db_call *c, struct tail_hop *out)
{
	struct tail_hop ran[TAIL_MAX], path[TAIL_MAX + 1];
	struct hs_db_call cur = *c, prev;
	struct hs_db_regs *r = malloc(sizeof(*r));
	uint64_t x;
	int k = 0, m = 0;

	if (!r)
		return 0;
	while ((cur.flags & HS_DB_CALL_TAILIN) && k < TAIL_MAX) {
		uint64_t from, jump;

		/* the jump is in the function prev entered: without DWARF there
		 * gdb shows no tail-call frame; with it, the jump is found by
		 * the code where it can be, else by the registers (a replay) */
		if (hs_db_backtrace(img, cur.t_call, cur.tid, &prev, 1) < 1 ||
		    !(prev.flags & HS_DB_CALL_TAIL) || prev.t_ret != cur.t_call + 1 ||
		    !with_dwarf(s, from = tree_src_reached(img, s, prev.callee)))
			goto none;
		switch (jump_to(img, s, cur.t_call, from, cur.callee, &jump)) {
		case TJ_NONE:
			goto none;
		case TJ_ASK:
			if (hs_db_regs_at(img, cur.t_call, cur.tid, r) < 0)
				goto none;
			jump = r->regs.rip;
			break;
		case TJ_ONE:
			break;
		}
		if (!direct_at(img, s, cur.t_call, jump, 0xe9) || !with_dwarf(s, jump))
			goto none;
		ran[k++] = (struct tail_hop){ func_of(s, jump), jump, prev.t_call };
		cur = prev;
	}
	if ((cur.flags & HS_DB_CALL_TAILIN) || !with_dwarf(s, cur.call_site) ||
	    !direct_at(img, s, cur.t_call, cur.call_site, 0xe8))
		goto none;
	/* from the caller's side, loops erased; then the running function */
	for (int j = k - 1; j >= 0; j--) {
		int p = 0;

		while (p < m && path[p].fn != ran[j].fn)
			p++;
		path[p] = ran[j];
		m = p + 1;
	}
	x = func_of(s, tree_src_reached(img, s, c->callee));
	if (!named_target(img, s, c->callee, x))
		goto none;
	for (int p = 0; p < m; p++)
		if (path[p].fn == x)
			m = p;
	for (int p = 0; p < m; p++)
		out[p] = path[m - 1 - p];
	free(r);
	return m;
none:
	free(r);
	return 0;
}

/* A tail-call frame, at its jump: gdb names it by the function holding
 * the jump, the innermost inlined copy if the jump is in one (and shows
 * no frames for the copies around it), at the jump's line; its pc is the
 * address after the jump (the call site's return pc in DWARF). */
static void put_tail(FILE *f, struct ld_names *ln, uint64_t jump)
{
	struct hs_src_inline in[INL_MAX];
	char buf[4096];
	int n = hs_src_inline_frames(ln->s, jump, in, INL_MAX);
	int len = hs_db_insn_len(ln->mc.img, ln->mc.t, jump);
	uint64_t pc = len > 0 ? jump + (uint64_t)len : jump;

	hs_src_format_frame(ln->s, jump, pc, in, n > 0 ? (size_t)n : 0, 0, buf, sizeof(buf));
	loaded_name(ln, pc, buf, sizeof(buf));
	fputs(buf, f);
}

bool tree_src_trampoline(struct hs_src *s, uint64_t pc)
{
	return is_trampoline(s, pc);
}

int tree_src_tail_jumps(const struct hs_db_image *img, struct hs_src *s,
			const struct hs_db_call *c, uint64_t *jump, uint64_t *t_jump)
{
	struct tail_hop tail[TAIL_MAX];
	int n = tail_frames(img, s, c, tail);

	for (int j = 0; j < n; j++) {
		jump[j] = tail[j].jump;
		t_jump[j] = tail[j].t_call;
	}
	return n;
}

int tree_src_tail_caller(const struct hs_db_image *img, struct hs_src *s,
			 const struct hs_db_call *c, char *buf, size_t cap)
{
	uint64_t jump[TREE_TAIL_MAX], t_jump[TREE_TAIL_MAX];
	struct hs_src_inline in[INL_MAX];
	struct hs_src_loc loc;
	int ni;

	if (tree_src_tail_jumps(img, s, c, jump, t_jump) <= 0)
		return -ENOENT;
	/* put_tail's name: the innermost copy holding the jump, else its function */
	ni = hs_src_inline_frames(s, jump[0], in, INL_MAX);
	if (ni > 0 && in[0].function)
		snprintf(buf, cap, "%s", in[0].function);
	else if (hs_src_lookup(s, jump[0], &loc) == 0 && loc.function)
		snprintf(buf, cap, "%s", loc.function);
	else
		return -ENOENT;
	return 0;
}

/* The pc gdb shows for frame i at pc: an outer frame's is the return
 * address, the instruction after its call (the call's line is the
 * frame's); frame 0's and an interrupted one's (under a signal handler)
 * are where they stopped. */
static uint64_t frame_pc(const struct hs_db_image *img, const struct hs_db_call *fr, int i,
			 uint64_t pc)
{
	int len;

	if (i == 0 || (fr[i - 1].flags & HS_DB_CALL_SIGNAL))
		return pc;
	len = hs_db_insn_len(img, fr[i - 1].t_call, pc);
	return len > 0 ? pc + (uint64_t)len : pc;
}

/* #0 is where rip is, entered by the innermost open call; #k (k > 0) is
 * at the call site of frame k-1, entered by the next call out; the
 * outermost frame was entered before the recording began: "-".  Frames
 * the call tree cannot know come from the unwinder, marked "(unwound)":
 * between a frame that is not in the function its call entered (a signal
 * handler, with the trampoline and the interrupted function under it) and
 * the next call-tree frame, and beyond the outermost one.  The unwinder's
 * frame k is matched to the call tree's frame by function; once they
 * disagree (an unwind that went wrong), it is not used any more. */
int tree_backtrace_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct hs_db_call *fr = malloc(BT_FIRST * sizeof(*fr));
	struct bt_unwound *u = malloc(sizeof(*u));
	struct tail_hop *tail = malloc(TAIL_MAX * sizeof(*tail));
	struct hs_db_regs *r = NULL;
	struct ld_names ln;
	struct hs_src *s;
	int err, open, num = 0, k = 0;

	if (!fr || !u || !tail) {
		err = -ENOMEM;
		goto out;
	}
	err = tree_src_at(tree, n, &s, &r);
	if (err < 0)
		goto out;
	open = hs_db_backtrace(tree_image(tree, n), n->t, r->tid, fr, BT_FIRST);
	if (open > BT_FIRST) {
		struct hs_db_call *all = realloc(fr, (size_t)open * sizeof(*fr));

		if (!all) {
			err = -ENOMEM;
			goto out;
		}
		fr = all;
		open = hs_db_backtrace(tree_image(tree, n), n->t, r->tid, fr, (size_t)open);
	}
	if (open < 0) {
		err = open;
		goto out;
	}
	ln = (struct ld_names){ { tree_image(tree, n), n->t }, s, 0 };
	if (unwind_at(tree, n, s, r, u) < 0)
		u->n = 0;       /* no unwinder here: the call tree alone */
	for (int i = 0; i <= open; i++) {
		uint64_t pc = i == 0 ? r->regs.rip : fr[i - 1].call_site;
		uint64_t fpc = func_of(s, pc);

		if (i == 0 && open > 0 && (fr[0].flags & HS_DB_CALL_SIGNAL) &&
		    is_trampoline(s, pc))
			continue; /* the handler returned into the trampoline: gdb's
				   * frame 0 is the line below, nothing above it */
		if (i > 0 && (fr[i - 1].flags & HS_DB_CALL_SIGNAL)) {
			/* a handler entered by delivery, as gdb shows it; frame
			 * i is the interrupted pc itself, and the unwinder's
			 * frame for the trampoline is this line */
			fprintf(f, "#%d <signal handler called>\n", num++);
			if (k < u->n && is_trampoline(s, u->pcs[k]))
				k++;
		}
		put_frames(f, &ln, pc, frame_pc(tree_image(tree, n), fr, i, pc),
			   i == 0 ? tree_src_hidden_view(s, pc, n->view) : 0, &num);
		if (i < open)
			fprintf(f, " %" PRIu64 "\n", fr[i].t_call);
		else
			fputs(" -\n", f);
		if (i < open && (fr[i].flags & HS_DB_CALL_TAILIN)) {
			int nt = tail_frames(tree_image(tree, n), s, &fr[i], tail);

			for (int j = 0; j < nt; j++) {
				fprintf(f, "#%d ", num++);
				put_tail(f, &ln, tail[j].jump);
				fprintf(f, " %" PRIu64 "\n", tail[j].t_call);
			}
		}
		/* the cross-check: unwound frame k is this frame */
		if (k < u->n && (!fpc || u->fn[k] != fpc))
			u->n = 0;
		if (k >= u->n)
			continue;
		if (i == open) {
			put_unwound_range(f, &ln, u, k + 1, u->n - 1, &num);
			break;
		}
		uint64_t entered = func_of(s, tree_src_reached(tree_image(tree, n), s,
								fr[i].callee));
		uint64_t caller = func_of(s, fr[i].call_site);
		int m = -1;

		/* (a pc still in the stub the call entered, on its way to
		 * `entered`, is in the function its call entered) */
		if (entered && fpc != entered && fpc != func_of(s, fr[i].callee)) {
			/* not in the function the call entered: the frames
			 * down to that function (interrupted) are missing */
			for (int j = k + 1; j < u->n && m < 0; j++)
				if (u->fn[j] == entered)
					m = j;
			/* or none is on the stack (a tail call replaced it):
			 * down to the frame under which the caller is */
			for (int j = k; j + 1 < u->n && m < 0; j++)
				if (u->fn[j + 1] == caller)
					m = j;
		}
		/* on a signal frame (a tail call out of a handler): the
		 * trampoline under it is the marker's line */
		if (m > k && (fr[i].flags & HS_DB_CALL_SIGNAL) && is_trampoline(s, u->pcs[m]))
			m--;
		if (m > k)
			put_unwound_range(f, &ln, u, k + 1, m, &num);
		k = m > k ? m + 1 : k + 1;
	}
out:
	free(r);
	free(u);
	free(tail);
	free(fr);
	return err;
}
