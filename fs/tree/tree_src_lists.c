/* tree_src_lists.c - the streamed files calls/<f> and lines/.../<line>, from cached arrays. */
#include "tree_src_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define SITE_SLOTS 64       /* caller names cached by calls/<f> (a power of 2) */
/* The caller and signature columns of calls/<f> whole, as gdb's bt and
 * info breakpoints print them (a template instance over STL types runs to
 * thousands of characters); a line is at most tree_walk's 16384. */
#define CALLER_MAX 8192
#define SIG_MAX 8000
_Static_assert(3 * 21 + CALLER_MAX + 32 + SIG_MAX + 2 <= sizeof(((struct tree_walk *)0)->line),
	       "a calls/<f> line fits tree_walk's line");

/* ---- the item arrays of calls/<f> and lines/.../<line> ----------------------------- */

static int grow(struct list_slot *l, size_t item)
{
	size_t cap = l->cap ? 2 * l->cap : 1024;
	void *p = realloc(item == sizeof(uint64_t) ? (void *)l->ts : (void *)l->calls, cap * item);

	if (!p)
		return -ENOMEM;
	if (item == sizeof(uint64_t))
		l->ts = p;
	else
		l->calls = p;
	l->cap = cap;
	return 0;
}

struct call_fill {
	struct list_slot *l;
	uint64_t t0;            /* tree_src_calls_from's */
	uint64_t mark;          /* TREE_STUB_STOP on a stub's own stops */
	const struct hs_db_image *img;
	struct hs_src *s;
	uint64_t callee;
	bool checked;           /* bp set from the first call */
	struct tree_bphit bp;
};

static int add_call(void *ctx, const struct hs_db_call *c)
{
	struct call_fill *f = ctx;
	struct list_slot *l = f->l;

	if (c->t_call < f->t0)
		return 0;
	/* a call gdb's `break f` does not stop in is none of calls/<f>'s
	 * (tree_src_bphit.c) */
	if (!f->checked) {
		tree_src_bphit_init(&f->bp, f->img, f->s, f->callee, c->t_call);
		f->checked = true;
	}
	if (!tree_src_bphit(&f->bp, c))
		return 0;
	if (l->n == l->cap && grow(l, sizeof(*c)) < 0)
		return -ENOMEM;
	l->calls[l->n] = *c;
	l->calls[l->n++].callee |= f->mark;
	return 0;
}

static int add_line_t(void *ctx, const struct hs_db_line_start *ls)
{
	struct list_slot *l = ctx;

	if (l->n == l->cap && grow(l, sizeof(uint64_t)) < 0)
		return -ENOMEM;
	l->ts[l->n++] = ls->t;
	return 0;
}

static int call_t_cmp(const void *a, const void *b)
{
	const struct hs_db_call *x = a, *y = b;

	if (x->t_call != y->t_call)
		return x->t_call < y->t_call ? -1 : 1;
	/* a call through a stub stops in the stub first (TREE_STUB_STOP) */
	return (int)!(x->callee & TREE_STUB_STOP) - (int)!(y->callee & TREE_STUB_STOP);
}

static int sig_cmp(const void *a, const void *b)
{
	const struct call_sig *x = a, *y = b;

	return x->callee < y->callee ? -1 : x->callee > y->callee;
}

/* The signature of a callee key: its function's, or an inlined copy's
 * (the function a call through a PLT stub reaches: its entry). */
void tree_src_callee_sig(const struct hs_db_image *img, struct hs_src *s, uint64_t callee,
			 char *buf, size_t cap)
{
	struct hs_src_loc loc;
	uint64_t entry;

	if ((callee & TREE_STUB_STOP) &&
	    hs_src_lookup(s, tree_src_reached(img, s, callee), &loc) == 0 && loc.function) {
		snprintf(buf, cap, "%s", loc.function); /* the stub's: "f(int)@plt" */
		return;
	}
	if (HS_DB_INLINE_K(callee)) {
		if (hs_src_inline_entry_signature(s, HS_DB_INLINE_PC(callee),
						  HS_DB_INLINE_K(callee), buf, cap) == 0)
			return;
		entry = HS_DB_INLINE_PC(callee);
	} else {
		entry = tree_src_reached(img, s, callee);
		if (hs_src_function_signature(s, entry, buf, cap) == 0)
			return;
	}
	snprintf(buf, cap, "0x%" PRIx64, entry);
}

/* l->sigs of the callees listed (had[i]: callee i of cn has calls in l),
 * when they have more than one signature (gdb's `break f` on overloads:
 * `info breakpoints` names each location by it); none otherwise. */
static int fill_sigs(const struct hs_db_image *img, struct hs_src *s,
		     const struct call_name *cn, const bool *had, struct list_slot *l)
{
	char buf[SIG_MAX];
	bool differ = false;

	l->sigs = calloc(cn->n_callees, sizeof(*l->sigs));
	if (!l->sigs)
		return -ENOMEM;
	for (size_t i = 0; i < cn->n_callees; i++) {
		if (!had[i])
			continue;
		tree_src_callee_sig(img, s, cn->callees[i], buf, sizeof(buf));
		l->sigs[l->n_sigs].callee = cn->callees[i];
		if (!(l->sigs[l->n_sigs].sig = strdup(buf)))
			return -ENOMEM;
		differ |= l->n_sigs && strcmp(buf, l->sigs[0].sig);
		l->n_sigs++;
	}
	if (!differ) {
		for (size_t i = 0; i < l->n_sigs; i++)
			free(l->sigs[i].sig);
		free(l->sigs);
		l->sigs = NULL;
		l->n_sigs = 0;
		return 0;
	}
	qsort(l->sigs, l->n_sigs, sizeof(*l->sigs), sig_cmp);
	return 0;
}

uint64_t tree_src_sig_hash(const char *sig)
{
	char buf[512];
	size_t k = 0;

	for (; *sig && k < sizeof(buf); sig++)
		if (*sig != ' ')
			buf[k++] = *sig;
	return XXH64(buf, k, 0);
}

/* Is want the hash of s[0..n) or of a tail of it after a "::" of its
 * name part (before the parameters at params; at an operator's keyword
 * the scan stops: its '<' and '(' are no brackets)? */
static bool sig_tail_hash(const char *s, size_t n, size_t params, uint64_t want)
{
	int depth = 0;

	if (XXH64(s, n, 0) == want)
		return true;
	for (size_t i = 0; i + 2 < params; i++) {
		if ((i == 0 || s[i - 1] == ':') && !strncmp(s + i, "operator", 8))
			break;
		if (s[i] == '<' || s[i] == '{' || s[i] == '(')
			depth++;
		else if ((s[i] == '>' || s[i] == '}' || s[i] == ')') && depth)
			depth--;
		else if (!depth && s[i] == ':' && s[i + 1] == ':' &&
			 XXH64(s + i + 2, n - i - 2, 0) == want)
			return true;
	}
	return false;
}

bool tree_src_sig_matches(const char *sig, uint64_t want)
{
	char buf[512], bare[512];
	size_t k = 0, params = 0, b = 0, bare_params = 0;
	int depth = 0;

	for (; *sig && k < sizeof(buf); sig++)
		if (*sig != ' ')
			buf[k++] = *sig;
	/* the parameters: the first '(' outside brackets ("{lambda(int)#1}") */
	while (params < k && (buf[params] != '(' || depth)) {
		depth += buf[params] == '<' || buf[params] == '{' ? 1 :
			 (buf[params] == '>' || buf[params] == '}') && depth ? -1 : 0;
		params++;
	}
	if (sig_tail_hash(buf, k, params, want))
		return true;
	if (memmem(buf, params, "operator", 8))
		return false;
	/* gdb leaves out the template arguments its query has none of */
	depth = 0;
	for (size_t i = 0; i < k; i++) {
		if (i < params && buf[i] == '<')
			depth++;
		else if (i < params && buf[i] == '>' && depth)
			depth--;
		else if (!depth || i >= params)
			bare[b++] = buf[i];
		if (i + 1 == params)
			bare_params = b;
	}
	return b < k && sig_tail_hash(bare, b, bare_params, want);
}

/* Whether callee i of the name is one a node picks (tree_calls_lookup):
 * all, the overload at entry b, those of signature hash b, or those of
 * FILE (bit i of b). */
static bool picked(const struct hs_db_image *img, struct hs_src *s,
		   const struct hs_tree_node *n, size_t i, uint64_t callee)
{
	char buf[512];

	if (!n->b)
		return true;
	if (n->sub == CALL_BY_FILE)
		return i < 64 && (n->b >> i & 1);
	if (n->sub != CALL_BY_SIG)
		return !HS_DB_INLINE_K(callee) && tree_src_reached(img, s, callee) == n->b;
	tree_src_callee_sig(img, s, callee, buf, sizeof(buf));
	return tree_src_sig_matches(buf, n->b);
}

/* Copies of the name's functions nested in each other that start at one
 * pc (gcc's leaf inlined into leaf inlined into rec) are one stop of
 * gdb's `break leaf`, one hit, shown as the outermost copy (the others
 * hidden): of the inlined entries at one t_call, the one of the lowest
 * view stays (l sorted by t_call). */
static void drop_nested_entries(struct hs_src *s, struct list_slot *l)
{
	size_t w = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct hs_db_call *c = &l->calls[i], *p = w ? &l->calls[w - 1] : NULL;

		if (p && p->t_call == c->t_call && p->flags & c->flags & HS_DB_CALL_INLINE) {
			if (tree_src_entry_view(s, c->callee) < tree_src_entry_view(s, p->callee))
				*p = *c;
			continue;
		}
		l->calls[w++] = *c;
	}
	l->n = w;
}

static int fill_list(struct hs_tree *tree, const struct hs_tree_node *n, struct list_slot *l)
{
	const struct hs_db_image *img = tree_image(tree, n);
	const struct call_name *cn;
	struct tree_src_image *si;
	struct hs_src *s = NULL;
	uint64_t main_t = UINT64_MAX;
	uint32_t main_view;
	bool *had;
	int err;

	if (n->kind == K_LINE) {
		si = tree_src_image_of(tree, n);
		return hs_db_line_times(img, (uint32_t)si->lines.e[n->sub].leaf, (uint32_t)n->a,
					add_line_t, l);
	}
	err = tree_src_get_names(tree, n, &si);
	if (err == 0)
		err = tree_src_get(tree, n, &s);
	if (err < 0)
		return err;
	if (n->a >= si->n_names + si->n_groups)
		return -ENOENT;
	cn = &si->names[n->a];
	if (tree_main_t(tree, n, &main_t, &main_view) < 0)
		main_t = UINT64_MAX;
	if (!(had = calloc(cn->n_callees + 1, sizeof(*had))))
		return -ENOMEM;
	for (size_t i = 0; i < cn->n_callees; i++) {
		uint64_t callee = cn->callees[i];
		struct call_fill f = { l, tree_src_calls_from(s, callee, main_t),
				       callee & TREE_STUB_STOP, img, s, callee, false, { 0 } };
		size_t n0 = l->n;

		if (!picked(img, s, n, i, callee))
			continue; /* one overload of the name (tree_calls_lookup) */
		err = hs_db_calls_to(img, callee & ~TREE_STUB_STOP, add_call, &f);
		tree_src_bphit_free(&f.bp);
		if (err < 0)
			goto out;
		had[i] = l->n > n0;
	}
	err = 0;
	if (cn->n_callees > 1 && l->n) {
		qsort(l->calls, l->n, sizeof(*l->calls), call_t_cmp);
		drop_nested_entries(s, l);
	}
	if (cn->n_callees > 1 && !n->b)
		err = fill_sigs(img, s, cn, had, l);
out:
	free(had);
	return err;
}

static void items_free(struct list_slot *l)
{
	free(l->calls);
	free(l->ts);
	for (size_t i = 0; i < l->n_sigs; i++)
		free(l->sigs[i].sig);
	free(l->sigs);
}

static bool node_eq(const struct hs_tree_node *a, const struct hs_tree_node *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* A referenced slot holding n's items (release with put_list). */
static int get_list(struct hs_tree *tree, const struct hs_tree_node *n, struct list_slot **out)
{
	struct tree_src *ts = tree->src;
	struct list_slot fresh = { 0 }, *slot = NULL;
	int err;

	pthread_mutex_lock(&ts->lock);
	for (size_t i = 0; i < LIST_SLOTS; i++) {
		if (ts->lists[i].used && node_eq(&ts->lists[i].key, n)) {
			ts->lists[i].refs++;
			ts->lists[i].last_used = ++ts->clock;
			*out = &ts->lists[i];
			pthread_mutex_unlock(&ts->lock);
			return 0;
		}
	}
	pthread_mutex_unlock(&ts->lock);
	err = fill_list(tree, n, &fresh);
	if (err < 0) {
		items_free(&fresh);
		return err;
	}
	pthread_mutex_lock(&ts->lock);
	for (size_t i = 0; i < LIST_SLOTS; i++) {
		struct list_slot *l = &ts->lists[i];
		if (l->used && node_eq(&l->key, n)) { /* another thread was first */
			slot = l;
			items_free(&fresh);
			goto found;
		}
	}
	for (size_t i = 0; i < LIST_SLOTS; i++) {
		struct list_slot *l = &ts->lists[i];
		if (l->refs)
			continue;
		if (!slot || !l->used || (slot->used && l->last_used < slot->last_used))
			slot = l;
		if (!l->used)
			break;
	}
	if (!slot) { /* every slot is being read: a private copy */
		pthread_mutex_unlock(&ts->lock);
		slot = malloc(sizeof(*slot));
		if (!slot) {
			items_free(&fresh);
			return -ENOMEM;
		}
		*slot = fresh;
		slot->key = *n;
		slot->used = false; /* marks it private */
		slot->refs = 1;
		*out = slot;
		return 0;
	}
	items_free(slot);
	*slot = fresh;
	slot->key = *n;
	slot->used = true;
found:
	slot->refs++;
	slot->last_used = ++ts->clock;
	*out = slot;
	pthread_mutex_unlock(&ts->lock);
	return 0;
}

static void put_list(struct hs_tree *tree, struct list_slot *l)
{
	struct tree_src *ts = tree->src;

	if (l < ts->lists || l >= ts->lists + LIST_SLOTS) {
		items_free(l);
		free(l);
		return;
	}
	pthread_mutex_lock(&ts->lock);
	l->refs--;
	pthread_mutex_unlock(&ts->lock);
}

/* The real function holding pc, or 0x... */
static void function_at(struct hs_src *s, uint64_t pc, char *buf, size_t cap)
{
	struct hs_src_loc loc;

	if (hs_src_lookup(s, pc, &loc) == 0 && loc.function)
		snprintf(buf, cap, "%s", loc.function);
	else
		snprintf(buf, cap, "0x%" PRIx64, pc);
}

void tree_src_caller_name(struct hs_src *s, uint64_t call_site, char *buf, size_t cap)
{
	struct hs_src_inline in[32];

	/* a call made from inlined code: gdb's frame 1 is the innermost
	 * copy holding the call (frames above #0 hide no copy) */
	if (hs_src_inline_frames(s, call_site, in, 32) > 0 && in[0].function)
		snprintf(buf, cap, "%s", in[0].function);
	else
		function_at(s, call_site, buf, cap);
}

uint32_t tree_src_entry_view(struct hs_src *s, uint64_t key)
{
	uint64_t pc = HS_DB_INLINE_PC(key), ids[32], chain[32];
	unsigned k = HS_DB_INLINE_K(key), h = tree_src_hidden(s, pc);
	size_t ne = hs_src_inline_entries(s, pc, ids, 32), nc;

	if (!k || k > ne || !h)
		return 0;
	nc = hs_src_inline_chain(s, pc, chain, 32);
	for (size_t j = 0; j < nc && j < h; j++)
		if (chain[j] == ids[k - 1])
			return h - (uint32_t)j; /* the copy is frame #0 */
	return 0;
}

void tree_src_inline_caller(struct hs_src *s, uint64_t key, char *buf, size_t cap)
{
	const char *name, *caller;

	if (hs_src_inline_entry_names(s, HS_DB_INLINE_PC(key), HS_DB_INLINE_K(key), &name,
				      &caller) == 0 && caller)
		snprintf(buf, cap, "%s", caller);
	else
		function_at(s, HS_DB_INLINE_PC(key), buf, cap);
}

int hs_tree_list_window(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t first,
			size_t max, uint64_t *ts, size_t *got, uint64_t *total)
{
	struct list_slot *l;
	int err;

	*got = 0;
	*total = 0;
	if (n->kind != K_CALL && n->kind != K_LINE)
		return -EINVAL;
	err = get_list(tree, n, &l);
	if (err < 0)
		return err;
	*total = l->n;
	for (uint64_t i = first; i < l->n && *got < max; i++)
		ts[(*got)++] = n->kind == K_CALL ? l->calls[i].t_call : l->ts[i];
	put_list(tree, l);
	return 0;
}

/* The fifth column of calls/<f>: how a call began or ended when not by a
 * call instruction and its return (nothing otherwise): its words, joined
 * by commas. */
char *tree_src_put_how(char *p, uint32_t flags)
{
	static const struct { uint32_t flag; const char *word; } how[] = {
		{ HS_DB_CALL_INLINE, "inline" },
		{ HS_DB_CALL_SIGNAL, "signal" },
		{ HS_DB_CALL_UNWOUND, "unwound" },
		{ HS_DB_CALL_TAIL, "tail" },
	};
	char sep = ' ';

	/* entered by a tail call out of a handler: it runs on the signal
	 * frame (HS_DB_CALL_SIGNAL) but no delivery entered it */
	if (flags & HS_DB_CALL_TAILIN)
		flags &= ~HS_DB_CALL_SIGNAL;
	for (size_t i = 0; i < sizeof(how) / sizeof(how[0]); i++) {
		size_t n = strlen(how[i].word);

		if (!(flags & how[i].flag))
			continue;
		*p++ = sep;
		memcpy(p, how[i].word, n);
		p += n;
		sep = ',';
	}
	return p;
}

/* calls/<f>: "<t_call> <t_return or -> <depth> <caller>[ <how>]", by
 * t_call; an inlined copy's entry, where the copies starting at its pc
 * are hidden, names its t_call "<t>.<k>", the view of that moment whose
 * frame #0 is the copy (time/<t>.<k>: where gdb's `break f` stops); how: "signal" (a handler entered by a signal's delivery; caller
 * is the function it interrupted), "unwound" (left by longjmp or an
 * exception at t_return), "tail" (left by a tail call out of it at
 * t_return, which is the tail-called function's t_call + 1), or several,
 * joined by commas.  Where f covers functions of more than one signature
 * (l->sigs: overloads), a tab and the signature of the one entered. */
int tree_gen_calls(struct tree_walk *w)
{
	/* callers by call site: a few sites make most calls */
	struct site { uint64_t addr; uint32_t view; char name[CALLER_MAX]; } *sites;
	char tname[CALLER_MAX];
	struct list_slot *l;
	struct hs_src *s;
	size_t lo = 0, hi;
	int err = tree_src_get(w->tree, &w->node, &s);

	if (err < 0)
		return err;
	sites = calloc(SITE_SLOTS, sizeof(*sites));
	if (!sites)
		return -ENOMEM;
	err = get_list(w->tree, &w->node, &l);
	if (err < 0) {
		free(sites);
		return err;
	}
	hi = l->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (l->calls[mid].t_call < w->t0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < l->n; i++) {
		const struct hs_db_call *c = &l->calls[i];
		/* an inlined copy's caller depends on the copy (its key) */
		uint64_t ck = c->flags & HS_DB_CALL_INLINE ? c->callee : c->call_site;
		struct site *st = &sites[(ck * 0x9e3779b97f4a7c15ull) >> 58];
		const char *caller;
		char *p = w->line;

		if (st->addr != ck || !st->name[0]) {
			st->view = 0;
			if (c->flags & HS_DB_CALL_INLINE) { /* the frame it is inlined into */
				tree_src_inline_caller(s, ck, st->name, sizeof(st->name));
				st->view = tree_src_entry_view(s, ck);
			} else {
				tree_src_caller_name(s, ck, st->name, sizeof(st->name));
			}
			st->addr = ck;
		}
		caller = st->name;
		/* entered by a tail call: its call site is the call of the frame
		 * it replaced; gdb's frame 1 is the function that jumped where
		 * it shows that as a "tailcall" frame */
		if ((c->flags & HS_DB_CALL_TAILIN) &&
		    tree_src_tail_caller(tree_image(w->tree, &w->node), s, c, tname,
					 sizeof(tname)) == 0)
			caller = tname;
		p += tree_put_u64(p, c->t_call);
		if (st->view) { /* time/<t>.<k>: the copy as frame #0 */
			*p++ = '.';
			p += tree_put_u64(p, st->view);
		}
		*p++ = ' ';
		if (c->t_ret == HS_DB_NO_RETURN)
			*p++ = '-';
		else
			p += tree_put_u64(p, c->t_ret);
		*p++ = ' ';
		p += tree_put_u64(p, c->depth);
		*p++ = ' ';
		size_t cl = strlen(caller);
		memcpy(p, caller, cl);
		p += cl;
		p = tree_src_put_how(p, c->flags);
		if (l->n_sigs) {
			struct call_sig key = { c->callee, NULL };
			const struct call_sig *g = bsearch(&key, l->sigs, l->n_sigs,
							   sizeof(key), sig_cmp);
			size_t gl = g ? strlen(g->sig) : 0;

			*p++ = '\t';
			memcpy(p, g ? g->sig : "", gl);
			p += gl;
		}
		*p++ = '\n';
		err = tree_emit(w, c->t_call, w->line, (size_t)(p - w->line));
		if (err)
			break;
	}
	put_list(w->tree, l);
	free(sites);
	return err;
}

/* lines/.../<line>: one t per line. */
int tree_gen_line(struct tree_walk *w)
{
	struct list_slot *l;
	size_t lo = 0, hi;
	int err = get_list(w->tree, &w->node, &l);

	if (err < 0)
		return err;
	hi = l->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (l->ts[mid] < w->t0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < l->n; i++) {
		size_t k = tree_put_u64(w->line, l->ts[i]);
		w->line[k++] = '\n';
		err = tree_emit(w, l->ts[i], w->line, k);
		if (err)
			break;
	}
	put_list(w->tree, l);
	return err;
}
