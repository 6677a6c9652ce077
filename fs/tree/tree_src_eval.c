/* tree_src_eval.c - time/<t>/eval/<expr>: a C expression's value at t, and hs_tree_eval.
 *
 * The expression is one path component, percent-escaped where it must be:
 * "%2F" for '/', and "%25" for a '%' that two hex digits follow ("a%25b0";
 * "7 % 3" needs none).  Any %XX is decoded, so a shell user may escape
 * more.  `cat time/5000/eval/acc[1].balance` prints what gdb's
 * `print acc[1].balance` prints there (without "$1 = "), or gdb's error
 * message ("No symbol \"x\" in current context.").
 *
 * Nodes are small values, so an expression is interned: node.a is its
 * index + 1 in a table that only grows (the same text always gets the
 * same node, and so the same inode number and cached text).  The table is
 * capped (EVAL_MAX_NAMES, EVAL_MAX_BYTES): past that a new expression is
 * -ENOSPC; hs_tree_eval, which the server uses, needs no node.
 */
#include "tree_src_i.h"

#include "hindsight/le.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVAL_MAX_NAMES (1u << 20)
#define EVAL_MAX_BYTES (64u << 20)
#define EVAL_EXPR_MAX 4096

struct tree_eval_names {
	char **s;
	size_t n, cap, bytes;
	uint32_t *hash;          /* open addressing: index + 1, 0 empty */
	size_t n_hash;           /* a power of two, > 2 n */
};

void tree_eval_names_free(struct tree_eval_names *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++)
		free(e->s[i]);
	free(e->s);
	free(e->hash);
	free(e);
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static int rehash(struct tree_eval_names *e, size_t n_hash)
{
	uint32_t *h = calloc(n_hash, sizeof *h);

	if (!h)
		return -ENOMEM;
	for (size_t i = 0; i < e->n; i++) {
		size_t k = str_hash(e->s[i]) & (n_hash - 1);

		while (h[k])
			k = (k + 1) & (n_hash - 1);
		h[k] = (uint32_t)i + 1;
	}
	free(e->hash);
	e->hash = h;
	e->n_hash = n_hash;
	return 0;
}

/* The index of text (added when new), under the tree_src lock. */
static int intern(struct tree_eval_names *e, const char *text, uint32_t *idx)
{
	size_t k, len = strlen(text);

	HS_ANALYZER_ASSUME(e->n_hash || !e->n); /* the table is made with the first name */
	if (e->n_hash) {
		for (k = str_hash(text) & (e->n_hash - 1); e->hash[k];
		     k = (k + 1) & (e->n_hash - 1))
			if (!strcmp(e->s[e->hash[k] - 1], text)) {
				*idx = e->hash[k] - 1;
				return 0;
			}
	}
	if (e->n >= EVAL_MAX_NAMES || e->bytes + len > EVAL_MAX_BYTES)
		return -ENOSPC;
	if (hs_grow((void **)&e->s, &e->cap, e->n + 1, sizeof(*e->s)))
		return -ENOMEM;
	if ((e->n + 1) * 2 >= e->n_hash && rehash(e, e->n_hash ? e->n_hash * 2 : 128))
		return -ENOMEM;
	e->s[e->n] = strdup(text);
	if (!e->s[e->n])
		return -ENOMEM;
	for (k = str_hash(text) & (e->n_hash - 1); e->hash[k]; k = (k + 1) & (e->n_hash - 1))
		;
	e->hash[k] = (uint32_t)e->n + 1;
	e->bytes += len;
	*idx = (uint32_t)e->n++;
	return 0;
}

#define HEXDIGITS "0123456789abcdefABCDEF"

/* Decodes the %XX escapes of a path component (a '%' not followed by two
 * hex digits is itself: "7 % 3"): 0 or -ENOENT (%00, too long). */
static int unescape(const char *in, char *out, size_t cap)
{
	size_t n = 0;

	for (; *in; in++) {
		int ch = (unsigned char)*in;

		if (ch == '%' && in[1] && in[2] && strchr(HEXDIGITS, in[1]) &&
		    strchr(HEXDIGITS, in[2])) {
			unsigned v = 0;

			sscanf(in + 1, "%2x", &v);
			if (v == 0)
				return -ENOENT;
			ch = (int)v;
			in += 2;
		}
		if (n + 1 >= cap)
			return -ENOENT;
		out[n++] = (char)ch;
	}
	out[n] = 0;
	return n ? 0 : -ENOENT;
}

int tree_eval_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		     const char *name, struct hs_tree_node *out)
{
	struct tree_src *ts = tree->src;
	char *text = malloc(EVAL_EXPR_MAX);
	uint32_t idx = 0;
	int err;

	if (!text)
		return -ENOMEM;
	if (!ts) {
		err = -ENOENT;
		goto out;
	}
	err = unescape(name, text, EVAL_EXPR_MAX);
	if (err)
		goto out;
	pthread_mutex_lock(&ts->lock);
	if (!ts->eval)
		ts->eval = calloc(1, sizeof *ts->eval);
	err = ts->eval ? intern(ts->eval, text, &idx) : -ENOMEM;
	pthread_mutex_unlock(&ts->lock);
	if (err)
		goto out;
	tree_node_child(out, dir, K_T_EVAL);
	out->a = (uint64_t)idx + 1;
out:
	free(text);
	return err;
}

/* eval/ lists nothing: any expression is a name in it. */
int tree_eval_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		   hs_tree_dir_fn cb, void *ctx)
{
	(void)tree;
	(void)dir;
	(void)cb;
	(void)ctx;
	return 0;
}

/* A frame of the backtrace at n->t, as gdb's `frame N` selects it. */
struct eval_frame {
	struct hs_db_regs *r;       /* where names are looked up and DWARF
				     * locations read: rip is the frame's pc
				     * (in an outer frame its call) */
	struct hs_trace_regs shown; /* gdb's $pc, $sp, $rax... there */
	unsigned hide;              /* inlined copies at rip passed over */
	uint32_t view;              /* the moment's view (time/<t>.<k>) */
	bool abnormal;              /* a trampoline's or tail call's frame */
	const struct hs_db_call *fr;
	int open;
};

#define SIGFRAME_GREGS 48   /* rt_sigframe: the restorer's address, then
			     * ucontext's uc_flags, uc_link, uc_stack */
#define INL_MAX 32

/* The 8 bytes at addr at t, little endian; def when unreadable. */
static uint64_t read_u64(const struct hs_db_image *img, uint64_t t, uint64_t addr, uint64_t def)
{
	uint8_t b[8];

	return hs_db_mem_read(img, t, addr, sizeof b, b) == (ssize_t)sizeof b ? hs_le64(b) : def;
}

/* The registers a signal interrupted (gdb's sigtramp frame reads the
 * same): the ucontext's gregs on the handler's stack at the delivery
 * (r8..r15 rdi rsi rbp rbx rdx rax rcx rsp rip eflags, Linux's order). */
static int sig_regs(const struct hs_db_image *img, const struct hs_db_call *c,
		    struct hs_db_regs *out)
{
	static const uint8_t gpr[16] = { 8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4 };
	uint8_t g[18 * 8];
	int err = hs_db_regs_at(img, c->t_call, c->tid, out);

	if (err < 0)
		return err;
	if (hs_db_mem_read(img, c->t_call, out->regs.gpr[4] + SIGFRAME_GREGS, sizeof g, g) !=
	    (ssize_t)sizeof g)
		return -ENOENT;
	for (int i = 0; i < 16; i++)
		out->regs.gpr[gpr[i]] = hs_le64(g + i * 8);
	out->regs.rip = hs_le64(g + 16 * 8);
	out->regs.rflags = hs_le64(g + 17 * 8);
	return 0;
}

/* One frame out: the registers of the frame call c returns to.  In
 * gdb's view ("same value" for what CFI does not save) the caller-saved
 * registers stay the inner frame's; rsp and the callee-saved ones are
 * the caller's (as at the call) and $pc is the return address.  A frame
 * a signal interrupted has all its registers in the signal frame. */
static int step_out(const struct hs_db_image *img, const struct hs_db_call *c,
		    struct eval_frame *f)
{
	static const uint8_t saved[] = { 3, 4, 5, 12, 13, 14, 15 }; /* rbx rsp rbp r12..r15 */
	uint64_t ret = 0;
	int err;

	if (c->flags & HS_DB_CALL_SIGNAL) {
		err = sig_regs(img, c, f->r);
		f->shown = f->r->regs;
		return err;
	}
	err = hs_db_regs_at(img, c->t_call, c->tid, f->r);
	if (err < 0)
		return err;
	if (c->flags & HS_DB_CALL_TAILIN) {
		/* t_call is the jump that replaced the called function: the
		 * return address is on top of the stack, the caller's
		 * registers restored, and the call itself at call_site */
		ret = read_u64(img, c->t_call, f->r->regs.gpr[4], c->call_site);
		f->r->regs.gpr[4] += 8;
		f->r->regs.rip = c->call_site;
	} else {
		ret = read_u64(img, c->t_call + 1, f->r->regs.gpr[4] - 8, c->call_site);
	}
	for (size_t k = 0; k < sizeof saved; k++)
		f->shown.gpr[saved[k]] = f->r->regs.gpr[saved[k]];
	f->shown.rip = ret;
	return 0;
}

/* gdb's <signal handler called> frame under the handler entered by call
 * c: its pc is the trampoline the handler returns to, its sp above it. */
static int trampoline_regs(const struct hs_db_image *img, const struct hs_db_call *c,
			   struct eval_frame *f)
{
	uint64_t ret;
	int err = hs_db_regs_at(img, c->t_call, c->tid, f->r);

	if (err < 0)
		return err;
	ret = read_u64(img, c->t_call, f->r->regs.gpr[4], 0);
	if (!ret)
		return -ENOENT;
	f->r->regs.rip = ret;
	f->r->regs.gpr[4] += 8;
	f->shown.rip = ret;
	f->shown.gpr[4] = f->r->regs.gpr[4];
	return 0;
}

/* The tail-call frames under the frame of call c (each a function that
 * jumped to the next one): frame `want` among them is the jump, with the
 * registers of its moment (gdb shows the jump's caller as it was). */
static int walk_tail(const struct hs_db_image *img, struct hs_src *s, struct eval_frame *f,
		     const struct hs_db_call *c, uint32_t want, uint32_t *num)
{
	uint64_t jump[TREE_TAIL_MAX], t_jump[TREE_TAIL_MAX];
	int nt = tree_src_tail_jumps(img, s, c, jump, t_jump), err;

	if (want < *num || want - *num >= (uint32_t)(nt > 0 ? nt : 0)) {
		*num += (uint32_t)(nt > 0 ? nt : 0);
		return 0;
	}
	err = hs_db_regs_at(img, t_jump[want - *num], c->tid, f->r);
	if (err < 0)
		return err;
	f->r->regs.rip = jump[want - *num];
	f->shown = f->r->regs;
	f->hide = 0;
	f->abnormal = true;
	return 1;
}

/* The frames of the group at call depth i (its inlined copies, then the
 * function), numbered from *num as the backtrace numbers them; 1 when
 * `want` is among them (f->hide set), 0 when not, or -errno. */
static int walk_one(const struct hs_db_image *img, struct hs_src *s, struct eval_frame *f,
		    int i, uint32_t want, uint32_t *num)
{
	const struct hs_db_call *fr = f->fr;
	struct hs_src_inline in[INL_MAX];
	unsigned h = 0;
	int ni, err;

	if (i == 0 && f->open > 0 && (fr[0].flags & HS_DB_CALL_SIGNAL) &&
	    tree_src_trampoline(s, f->r->regs.rip))
		return 0; /* the handler returned: no frame 0 above the trampoline */
	if (i > 0 && (fr[i - 1].flags & HS_DB_CALL_SIGNAL) && (*num)++ == want) {
		/* unwound from the handler's frame (f->shown still its) */
		f->abnormal = true;
		return trampoline_regs(img, &fr[i - 1], f) < 0 ? -ENOENT : 1;
	}
	if (i > 0 && (err = step_out(img, &fr[i - 1], f)) < 0)
		return err;
	ni = hs_src_inline_frames(s, f->r->regs.rip, in, INL_MAX);
	if (i == 0)
		h = tree_src_hidden_view(s, f->r->regs.rip, f->view);
	if (ni < 0 || h > (unsigned)ni)
		ni = (int)(h = 0);
	if (want - *num <= (unsigned)ni - h && want >= *num) {
		f->hide = h + (want - *num);
		return 1;
	}
	*num += (unsigned)ni - h + 1;
	return i < f->open && (fr[i].flags & HS_DB_CALL_TAILIN) ?
	       walk_tail(img, s, f, &fr[i], want, num) : 0;
}

/* Frame `want` of the backtrace at n->t (time/<t>/backtrace's #N: gdb's
 * numbers, an inlined copy and <signal handler called> each a frame).
 * Frames the backtrace takes from the unwinder alone (past a call tree
 * that does not see them) are not counted: frames past them are off.
 * -ENOENT for a number past the outermost frame. */
static int frame_select(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src *s,
			uint32_t want, struct eval_frame *f)
{
	const struct hs_db_image *img = tree_image(tree, n);
	struct hs_db_call *fr = NULL;
	uint32_t num = 0;
	int err = tree_src_regs_at(tree, n, &f->r);

	if (err < 0)
		return err;
	f->shown = f->r->regs;
	fr = malloc(((size_t)want + 1) * sizeof *fr);
	if (!fr)
		return -ENOMEM;
	f->fr = fr;
	f->open = hs_db_backtrace(img, n->t, f->r->tid, fr, want + 1);
	err = f->open < 0 ? f->open : -ENOENT;
	for (int i = 0; i <= f->open && err == -ENOENT; i++) {
		int r = walk_one(img, s, f, i, want, &num);

		if (r < 0 || r == 1)
			err = r < 0 ? r : 0;
	}
	free(fr);
	f->fr = NULL;
	return err;
}

static int eval_at(struct hs_tree *tree, const struct hs_tree_node *n, uint32_t frame,
		   const char *expr, uint64_t first, uint64_t count, struct hs_src_eval *out)
{
	struct hs_tree_mem_at mc = { tree_image(tree, n), n->t };
	struct hs_src_target tg = { 0 };
	struct eval_frame *f = calloc(1, sizeof *f);
	struct hs_src *s;
	int err = f ? tree_src_get(tree, n, &s) : -ENOMEM;

	if (err < 0)
		goto out;
	f->view = n->view;
	err = frame_select(tree, n, s, frame, f);
	if (err < 0)
		goto out;
	tg.regs = &f->r->regs;
	tg.frame_regs = &f->shown;
	tg.hide_inline = f->hide;
	tg.no_frame_base = f->abnormal;
	tg.read_mem = hs_tree_read_mem_at;
	tg.ctx = &mc;
	err = hs_src_eval(s, &tg, expr, first, count, out);
out:
	if (f)
		free(f->r);
	free(f);
	return err;
}

int tree_eval_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct tree_src *ts = tree->src;
	struct hs_src_eval e;
	char *expr = NULL;
	int err;

	if (!ts)
		return -ENOENT;
	pthread_mutex_lock(&ts->lock);
	if (ts->eval && n->a >= 1 && n->a <= ts->eval->n)
		expr = strdup(ts->eval->s[n->a - 1]);
	pthread_mutex_unlock(&ts->lock);
	if (!expr)
		return -ENOENT;
	err = eval_at(tree, n, 0, expr, 0, 0, &e);
	free(expr);
	if (err < 0)
		return err;
	fprintf(f, "%s\n", e.error ? e.error : e.v.value);
	hs_src_eval_release(&e);
	return 0;
}

int hs_tree_eval(struct hs_tree *tree, const struct hs_tree_eval_at *at, const char *expr,
		 struct hs_src_eval *out)
{
	struct hs_tree_node n;

	if (!tree || !at || !expr || !out || at->image >= tree->n_images)
		return -EINVAL;
	memset(&n, 0, sizeof n);
	n.kind = K_T;
	n.image = (uint16_t)at->image;
	n.flags = at->image ? NODE_IN_PROC : 0;
	n.t = at->t;
	if (at->t > tree_t_end(tree, &n))
		return -ENOENT;
	if (at->view) {
		unsigned h;
		int err = tree_src_views(tree, &n, &h);

		if (err < 0 || at->view > h)
			return err < 0 ? err : -ENOENT;
		n.view = at->view;
	}
	return eval_at(tree, &n, at->frame, expr, at->first, at->count, out);
}

/* time/<t>/globals: one name per line, the globals and statics of the
 * compile unit of rip (empty without debug info there). */
int tree_globals_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct hs_db_regs *r = NULL;
	struct hs_src *s;
	char **names = NULL;
	size_t k = 0;
	int err = tree_src_at(tree, n, &s, &r);

	if (err < 0)
		return err;
	err = hs_src_globals(s, r->regs.rip, &names, &k);
	free(r);
	if (err == -ENODATA)
		return 0;
	for (size_t i = 0; i < k; i++) {
		if (!err)
			fprintf(f, "%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	return err;
}
