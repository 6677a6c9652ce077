/* tree_src_eval.c - time/<t>/eval/<expr>: a C expression's value at t, and hs_tree_eval.
 *
 * The expression is one path component, percent-escaped where it must be:
 * "%2F" for '/', and "%25" for a '%' that two hex digits follow ("a%25b0";
 * "7 % 3" needs none).  Any %XX is decoded, so a shell user may escape
 * more.  `cat time/5000/eval/acc[1].balance` prints what gdb's
 * `print acc[1].balance` prints there (without "$1 = "), or gdb's error
 * message ("No symbol \"x\" in current context.").  gdb's forms "%2Fx e"
 * (print/x), "n@entry" and "$_siginfo" (the signal delivered at t to its
 * thread: hs_db_signal_siginfo) too.
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
	struct hs_db_call *fr;     /* the calls open (malloc'd) */
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

/* Called for each frame of a walk (frames_walk) with its number, the
 * backtrace's #N, and f holding its registers (f->r->regs, f->shown,
 * f->hide, f->abnormal): non-zero stops the walk (returned). */
typedef int frame_fn(void *arg, uint32_t num, struct eval_frame *f);

/* fn on an abnormal frame (a trampoline's, a tail call's): f as it sets
 * it up, put back after when the walk goes on. */
struct frame_save {
	struct hs_trace_regs regs, shown;
	unsigned hide;
};

static void frame_keep(const struct eval_frame *f, struct frame_save *k)
{
	k->regs = f->r->regs;
	k->shown = f->shown;
	k->hide = f->hide;
}

static void frame_back(struct eval_frame *f, const struct frame_save *k)
{
	f->r->regs = k->regs;
	f->shown = k->shown;
	f->hide = k->hide;
	f->abnormal = false;
}

/* The tail-call frames under the frame of call c (each a function that
 * jumped to the next one): each is the jump, with the registers of its
 * moment (gdb shows the jump's caller as it was). */
static int walk_tail(const struct hs_db_image *img, struct hs_src *s, struct eval_frame *f,
		     const struct hs_db_call *c, frame_fn *fn, void *arg, uint32_t *num)
{
	uint64_t jump[TREE_TAIL_MAX], t_jump[TREE_TAIL_MAX];
	int nt = tree_src_tail_jumps(img, s, c, jump, t_jump), err;
	struct frame_save k;

	for (int j = 0; j < nt; j++) {
		frame_keep(f, &k);
		err = hs_db_regs_at(img, t_jump[j], c->tid, f->r);
		if (err < 0)
			return err;
		f->r->regs.rip = jump[j];
		f->shown = f->r->regs;
		f->hide = 0;
		f->abnormal = true;
		if ((err = fn(arg, (*num)++, f)))
			return err;
		frame_back(f, &k);
	}
	return 0;
}

/* The frames of the group at call depth i (its inlined copies, then the
 * function), numbered from *num as the backtrace numbers them, each
 * passed to fn: what fn returns when non-zero, else 0; -errno. */
static int walk_one(const struct hs_db_image *img, struct hs_src *s, struct eval_frame *f,
		    int i, size_t n_fr, frame_fn *fn, void *arg, uint32_t *num)
{
	const struct hs_db_call *fr = f->fr;
	struct hs_src_inline in[INL_MAX];
	struct frame_save k;
	unsigned h = 0;
	int ni, err;

	if (i == 0 && f->open > 0 && (fr[0].flags & HS_DB_CALL_SIGNAL) &&
	    tree_src_trampoline(s, f->r->regs.rip))
		return 0; /* the handler returned: no frame 0 above the trampoline */
	if (i > 0 && (fr[i - 1].flags & HS_DB_CALL_SIGNAL)) {
		/* unwound from the handler's frame (f->shown still its) */
		uint32_t at = (*num)++;

		frame_keep(f, &k);
		f->abnormal = true;
		if (trampoline_regs(img, &fr[i - 1], f) == 0 && (err = fn(arg, at, f)))
			return err;
		frame_back(f, &k);
	}
	if (i > 0 && (err = step_out(img, &fr[i - 1], f)) < 0)
		return err;
	ni = hs_src_inline_frames(s, f->r->regs.rip, in, INL_MAX);
	if (i == 0)
		h = tree_src_hidden_view(s, f->r->regs.rip, f->view);
	if (ni < 0 || h > (unsigned)ni)
		ni = (int)(h = 0);
	for (unsigned j = h; j <= (unsigned)ni; j++) {
		f->hide = j;
		if ((err = fn(arg, (*num)++, f)))
			return err;
	}
	return i < f->open && (size_t)i < n_fr && (fr[i].flags & HS_DB_CALL_TAILIN) ?
	       walk_tail(img, s, f, &fr[i], fn, arg, num) : 0;
}

/* The calls open at n->t (up to max of them, all with max UINT32_MAX)
 * and the registers there into f: the count fetched, or -errno. */
static ssize_t frames_fetch(struct hs_tree *tree, const struct hs_tree_node *n,
			    struct eval_frame *f, uint32_t max)
{
	const struct hs_db_image *img = tree_image(tree, n);
	struct hs_db_call *fr;
	int err = tree_src_regs_at(tree, n, &f->r);

	if (err < 0)
		return err;
	f->shown = f->r->regs;
	if (max == UINT32_MAX) {
		err = hs_db_backtrace(img, n->t, f->r->tid, NULL, 0);
		if (err < 0)
			return err;
		max = (uint32_t)err;
	}
	fr = malloc(((size_t)max + 1) * sizeof *fr);
	if (!fr)
		return -ENOMEM;
	f->fr = fr;
	f->open = hs_db_backtrace(img, n->t, f->r->tid, fr, max);
	if (f->open < 0)
		return f->open;
	return f->open < (int)max ? f->open : (ssize_t)max;
}

/* fn on each frame of the backtrace at n->t from frame 0 out (gdb's
 * numbers, an inlined copy and <signal handler called> each a frame),
 * over the n_fr calls fetched (frames_fetch).  Frames the backtrace takes
 * from the unwinder alone (past a call tree that does not see them) are
 * not walked. */
static int frames_walk(const struct hs_db_image *img, struct hs_src *s, struct eval_frame *f,
		       size_t n_fr, frame_fn *fn, void *arg)
{
	uint32_t num = 0;
	int r = 0;

	for (int i = 0; i <= f->open && (size_t)i <= n_fr && !r; i++)
		r = walk_one(img, s, f, i, n_fr, fn, arg, &num);
	return r;
}

static int frame_is(void *arg, uint32_t num, struct eval_frame *f)
{
	(void)f;
	return num == *(const uint32_t *)arg;
}

/* Frame `want` of the backtrace at n->t (time/<t>/backtrace's #N) into f;
 * -ENOENT for a number past the outermost frame. */
static int frame_select(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src *s,
			uint32_t want, struct eval_frame *f)
{
	ssize_t got = frames_fetch(tree, n, f, want + 1);
	int err = got < 0 ? (int)got :
		  frames_walk(tree_image(tree, n), s, f, (size_t)got, frame_is, &want);

	free(f->fr);
	f->fr = NULL;
	return err == 1 ? 0 : err < 0 ? err : -ENOENT;
}

/* The frames out from frame `from` (hs_src_target.outer). */
struct outer_list {
	uint32_t from;
	struct hs_src_frame *v;
	size_t n, cap;
};

static int outer_add(void *arg, uint32_t num, struct eval_frame *f)
{
	struct outer_list *l = arg;

	if (num <= l->from)
		return 0;
	if (hs_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return -ENOMEM;
	l->v[l->n++] = (struct hs_src_frame){ .regs = f->r->regs, .shown = f->shown,
					      .hide_inline = f->hide,
					      .no_frame_base = f->abnormal };
	return 0;
}

/* The frames out from frame `from` at n->t, into l (caller frees l->v). */
static int outer_frames(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src *s,
			struct outer_list *l)
{
	struct eval_frame f = { .view = n->view };
	ssize_t got = frames_fetch(tree, n, &f, UINT32_MAX);
	int err = got < 0 ? (int)got :
		  frames_walk(tree_image(tree, n), s, &f, (size_t)got, outer_add, l);

	free(f.fr);
	free(f.r);
	return err;
}

static int eval_at(struct hs_tree *tree, const struct hs_tree_node *n, uint32_t frame,
		   const char *expr, uint64_t first, uint64_t count, struct hs_src_eval *out)
{
	struct hs_tree_mem_at mc = { tree_image(tree, n), n->t };
	struct hs_src_target tg = { 0 };
	struct eval_frame *f = calloc(1, sizeof *f);
	struct hs_src *s;
	uint8_t si[HS_SIGINFO_SIZE];
	uint32_t tid;
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
	/* $_siginfo: a signal delivered to this moment's thread here */
	if (hs_db_thread_at(mc.img, n->t, &tid) == 0 &&
	    hs_db_signal_siginfo(mc.img, n->t, tid, si) == 0)
		tg.siginfo = si;
	err = hs_src_eval(s, &tg, expr, first, count, out);
	if (err == 0 && out->wants_outer) {
		/* a local of a frame further out ("outer::x"): again, with
		 * the frames out from this one */
		struct outer_list l = { .from = frame };

		hs_src_eval_release(out);
		err = outer_frames(tree, n, s, &l);
		tg.outer = l.v;
		tg.n_outer = l.n;
		tg.outer_given = true;
		if (err == 0)
			err = hs_src_eval(s, &tg, expr, first, count, out);
		free(l.v);
	}
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
