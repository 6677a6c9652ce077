/* tree_src_calls.c - calls/: the folder of called functions, one name each. */
#include "tree_src_i.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- calls/ -------------------------------------------------------------------- */

struct callee_scan {
	const struct hs_db_image *img;
	struct hs_src *src;
	uint64_t main_t;        /* tree_main_t's, UINT64_MAX: none */
	struct call_name *v;
	size_t n, cap;
	/* the callees that are PLT stubs, by the stub's name (malloc@plt) */
	struct call_name *stubs;
	size_t n_stubs, cap_stubs;
	int err;
};

/* The dynamic linker's inlined copies (its own malloc, calloc, free
 * wrappers, which call the allocator ld.so is given): gdb's `break
 * malloc` stops in them.  Set before `run`, it stops there during the
 * start-up too, which under Valgrind is not a native run's (ld.so also
 * loads and relocates Valgrind's preload libraries: more allocations);
 * set at main (gdb's `start`), in those the program makes ld.so run
 * (lazy binding, dlopen, exit).  calls/ follows the latter: a copy's
 * entries before main's break are left out (tree_src_calls_from). */
static bool ldso_copy(struct hs_src *s, uint64_t callee)
{
	struct hs_src_loc loc;

	return HS_DB_INLINE_K(callee) &&
	       hs_src_lookup(s, HS_DB_INLINE_PC(callee), &loc) == 0 && loc.module &&
	       hs_src_dynamic_linker(loc.module->path);
}

/* Whether the image runs a dynamic linker (no static binary). */
static bool image_dynamic(struct hs_src *s)
{
	for (size_t i = 0; i < hs_src_module_count(s); i++)
		if (hs_src_dynamic_linker(hs_src_module_at(s, i)->path))
			return true;
	return false;
}

/* An ifunc's resolver in a dynamically linked image: ld.so calls it when
 * it relocates a library (elf_machine_lazy_rel: libc's own IRELATIVE
 * slots, the start-up libraries' before main), before gdb learns of the
 * library (its solib event follows the relocation), so gdb's `break
 * strcpy` never stops there; later calls (lazy binding: _dl_fixup) are
 * its hits.  Left out before main as ld.so's copies are.  A static
 * binary's resolvers run in its start-up and are kept (README). */
static bool ldso_resolver(struct hs_src *s, uint64_t callee)
{
	return !HS_DB_INLINE_K(callee) && hs_src_ifunc_resolver(s, callee) && image_dynamic(s);
}

uint64_t tree_src_calls_from(struct hs_src *s, uint64_t callee, uint64_t main_t)
{
	return ldso_copy(s, callee) || ldso_resolver(s, callee) ? main_t : 0;
}

struct count_from {
	uint64_t t0, n;
};

static int count_call(void *ctx, const struct hs_db_call *c)
{
	struct count_from *f = ctx;

	f->n += c->t_call >= f->t0;
	return 0;
}

/* The recording holds calls a native run does not make: ld.so runs the
 * init functions of Valgrind's vgpreload_*.so, which gdb knows nothing
 * of; those calls are left out of calls/. */
static bool in_valgrind_preload(struct hs_src *s, uint64_t addr)
{
	struct hs_src_loc loc;
	const char *base;

	if (hs_src_lookup(s, addr, &loc) || !loc.module || !loc.module->path)
		return false;
	base = strrchr(loc.module->path, '/');
	return base && !strncmp(base + 1, "vgpreload_", 10);
}

static int name_cmp(const void *a, const void *b)
{
	const struct call_name *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* The name of a function entry: its break name (what a user types to
 * gdb's `break`: "Fruit::price", overloads under one name) when the
 * address is its start, else "0x<addr>" (no symbol, or a name with a '/'
 * in it). */
static void callee_name(struct hs_src *s, uint64_t addr, char *buf, size_t cap)
{
	struct hs_src_loc loc;
	const char *name;

	if (hs_src_lookup(s, addr, &loc) || loc.func_start != addr)
		goto none;
	name = loc.break_name ? loc.break_name : loc.function;
	if (name && name[0] && !strchr(name, '/') && strcmp(name, ".") &&
	    strcmp(name, "..") && strlen(name) < cap) {
		snprintf(buf, cap, "%s", name);
		return;
	}
none:
	snprintf(buf, cap, "0x%" PRIx64, addr);
}

uint64_t tree_src_reached(const struct hs_db_image *img, struct hs_src *s, uint64_t callee)
{
	struct hs_src_loc loc;
	uint64_t to;
	size_t len;

	if (callee & TREE_STUB_STOP)
		return callee & ~TREE_STUB_STOP; /* the stub itself */
	if (hs_src_lookup(s, callee, &loc) == 0 && loc.function && loc.func_start == callee &&
	    ((len = strlen(loc.function)) < 4 || strcmp(loc.function + len - 4, "@plt")))
		return callee; /* a function's own entry */
	return hs_db_stub_target(img, callee, &to) == 0 ? to : callee;
}

/* The name of an inlined copy's entries (db_format.h, HS_DB_INLINE_KEY):
 * its function's, as `break` takes it (gdb's frame name, C++'s without
 * parameters). */
static void inline_name(struct hs_src *s, uint64_t key, char *buf, size_t cap)
{
	const char *name, *caller;

	if (hs_src_inline_entry_names(s, HS_DB_INLINE_PC(key), HS_DB_INLINE_K(key), &name,
				      &caller) == 0 && name && name[0] && !strchr(name, '/') &&
	    strlen(name) < cap) {
		snprintf(buf, cap, "%s", name);
		return;
	}
	snprintf(buf, cap, "0x%" PRIx64 "~%u", HS_DB_INLINE_PC(key), HS_DB_INLINE_K(key));
}

/* A callee that is a PLT stub (a call filed under the function the stub
 * leads to) is kept under the stub's name too: gdb's `break malloc@plt`
 * stops in the stubs of that name (the program's and each library's),
 * each time a call goes through one. */
static bool stub_name(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	return len > 4 && !strcmp(name + len - 4, "@plt") && !strchr(name, '/');
}

/* A name of one callee appended to *v (*n of *cap). */
static int name_push(struct call_name **v, size_t *n, size_t *cap, const char *name,
		     uint64_t callee, uint64_t calls)
{
	uint64_t *one;

	if (hs_grow((void **)v, cap, *n + 1, sizeof(**v)) || !(one = malloc(sizeof(*one))))
		return -ENOMEM;
	*one = callee;
	(*v)[*n] = (struct call_name){ strdup(name), one, 1, calls, 1 };
	if (!(*v)[*n].name) {
		free(one);
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

/* ... by its name as gdb shows it ("operator new(unsigned long)@plt";
 * gdb's `break _Znwm@plt` is not looked up: plt.c keeps no mangled name).
 * 1: a C++ function's stub (a parameter list in its name), 0: none or
 * another stub, -errno. */
static int collect_stub(struct callee_scan *c, uint64_t callee, uint64_t calls)
{
	struct hs_src_loc loc;
	int err;

	if (hs_src_lookup(c->src, callee, &loc) || loc.func_start != callee ||
	    !stub_name(loc.function))
		return 0;
	err = name_push(&c->stubs, &c->n_stubs, &c->cap_stubs, loc.function, callee, calls);
	return err < 0 ? err : strchr(loc.function, '(') != NULL;
}

static int left_untailed(void *ctx, const struct hs_db_call *c)
{
	(void)ctx;
	return !(c->flags & HS_DB_CALL_TAIL);
}

/* Code without a symbol that is a lone `jmp *GOT` (a -fno-plt library's
 * static `return free(p);`): a stub by its bytes (tree_src_reached). */
static bool nameless_stub(struct callee_scan *c, uint64_t callee)
{
	struct hs_src_loc loc;
	uint64_t to;

	return hs_src_lookup(c->src, callee, &loc) == 0 && !loc.function &&
	       hs_db_stub_target(c->img, callee, &to) == 0;
}

/* A C++ thunk (`this` adjusted, then `jmp f`) is a hop of the call, as a
 * PLT stub is: every call of it goes on as an entry of f (a tail call),
 * which gdb's `break f` counts, and gdb's `break f` has no location in
 * the thunk.  So a thunk whose every call left by a tail call is no
 * callee of its own (1); one that ran its own copy of f's body (-O2) is
 * (0); -errno on a read error.  So is a stub without a name whose jump
 * the builder took for a tail call (code without a symbol that jumps to
 * a function: dbb_lsrc_tail_target): its calls are the function's. */
static int thunk_hop(struct callee_scan *c, uint64_t callee)
{
	int r;

	if (HS_DB_INLINE_K(callee) ||
	    (!hs_src_thunk(c->src, callee) && !nameless_stub(c, callee)))
		return 0;
	r = hs_db_calls_to(c->img, callee, left_untailed, NULL);
	return r < 0 ? r : !r;
}

static int collect_callee(void *ctx, uint64_t callee, uint64_t calls)
{
	struct callee_scan *c = ctx;
	char name[256];
	int hop = thunk_hop(c, callee);

	if (hop)
		return hop < 0 ? hop : 0;

	/* a call through the PLT is filed under the function it reaches */
	if (ldso_copy(c->src, callee) || ldso_resolver(c->src, callee)) {
		struct count_from f = { c->main_t, 0 };
		int err = hs_db_calls_to(c->img, callee, count_call, &f);

		if (err < 0)
			return err;
		if (!f.n)
			return 0; /* only in the start-up */
		calls = f.n;
	}
	if (HS_DB_INLINE_K(callee))
		inline_name(c->src, callee, name, sizeof(name));
	else if (in_valgrind_preload(c->src, callee))
		return 0;
	else if ((hop = collect_stub(c, callee, calls)) < 0)
		return hop;
	else
		callee_name(c->src, tree_src_reached(c->img, c->src, callee), name, sizeof(name));
	/* a C++ function's stub whose function is known: gdb's `break` on
	 * the function's name stops in the stub too (TREE_STUB_STOP) */
	if (hop == 1 && tree_src_reached(c->img, c->src, callee) != callee &&
	    (hop = name_push(&c->v, &c->n, &c->cap, name, callee | TREE_STUB_STOP, calls)))
		return hop;
	return name_push(&c->v, &c->n, &c->cap, name, callee, calls);
}

/* name without its template arguments (every balanced <...>) into out;
 * false when it has none (an operator: hs_src_name_strip_templates). */
static bool strip_templates(const char *name, char *out, size_t cap)
{
	size_t k = 0;
	int depth = 0;
	bool any = false;

	if (strstr(name, "operator")) /* its symbol is no bracket */
		return hs_src_name_strip_templates(name, out, cap);
	for (const char *p = name; *p; p++) {
		if (*p == '<') {
			depth++;
			any = true;
		} else if (*p == '>' && depth) {
			depth--;
		} else if (!depth) {
			if (k + 1 >= cap)
				return false;
			out[k++] = *p;
		}
	}
	out[k] = 0;
	return any && !depth && k;
}

struct tmpl {
	char stripped[256];
	size_t name;     /* index in names[] */
};

static int tmpl_cmp(const void *a, const void *b)
{
	const struct tmpl *x = a, *y = b;
	int c = strcmp(x->stripped, y->stripped);

	return c ? c : (x->name < y->name ? -1 : x->name > y->name);
}

/* Names whose functions a listed name's `break` also stops in (gdb's
 * wild matching: X::size and twice<int> for a listed size and twice),
 * merged into it once its own callees and aliases are known
 * (wild_apply): the listed node into takes in node from's. */
struct wild_pend {
	size_t into, from;
};

struct wild_pends {
	struct wild_pend *v;
	size_t n, cap;
};

/* The nodes t[0..m) (distinct) go into the listed node into. */
static int wild_defer(struct wild_pends *p, size_t into, const struct tmpl *t, size_t m)
{
	if (hs_grow((void **)&p->v, &p->cap, p->n + m, sizeof(*p->v)))
		return -ENOMEM;
	for (size_t k = 0; k < m; k++)
		if (t[k].name != into)
			p->v[p->n++] = (struct wild_pend){ into, t[k].name };
	return 0;
}

/* One group entry for names v[t[0..m)], appended at v[*n] (room made). */
static int add_group(struct call_name **v, size_t *n, size_t *cap, const struct tmpl *t,
		     size_t m)
{
	struct call_name g = { .name = strdup(t[0].stripped) };

	for (size_t k = 0; k < m; k++)
		g.n_callees += (*v)[t[k].name].n_callees;
	g.callees = calloc(g.n_callees, sizeof(*g.callees));
	if (!g.name || !g.callees || hs_grow((void **)v, cap, *n + 1, sizeof(**v))) {
		free(g.name);
		free(g.callees);
		return -ENOMEM;
	}
	g.n_callees = 0;
	for (size_t k = 0; k < m; k++) {
		const struct call_name *c = &(*v)[t[k].name];

		memcpy(g.callees + g.n_callees, c->callees, c->n_callees * sizeof(*g.callees));
		g.n_callees += c->n_callees;
		g.calls += c->calls;
	}
	(*v)[(*n)++] = g;
	return 0;
}

/* The template groups after the w sorted names of v: a stripped name of
 * one name or more that is no name listed itself (a single instance too:
 * inlined, it has no entry that the alias lookup could find); one that is
 * takes them in (p: gdb's `break twice` stops in twice(double) and in
 * every twice<T>). */
static int add_groups(struct call_name **v, size_t w, size_t *cap, size_t *n_groups,
		      struct wild_pends *p)
{
	struct tmpl *t = calloc(w ? w : 1, sizeof(*t));
	size_t nt = 0, n = w;
	int err = 0;

	*n_groups = 0;
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < w; i++)
		if (strip_templates((*v)[i].name, t[nt].stripped, sizeof(t[nt].stripped)))
			t[nt++].name = i;
	if (nt)
		qsort(t, nt, sizeof(*t), tmpl_cmp);
	for (size_t i = 0, j; i < nt && !err; i = j) {
		struct call_name key = { .name = t[i].stripped }, *own;

		for (j = i + 1; j < nt && !strcmp(t[j].stripped, t[i].stripped); j++)
			;
		own = bsearch(&key, *v, w, sizeof(key), name_cmp);
		err = own ? wild_defer(p, (size_t)(own - *v), t + i, j - i) :
			    add_group(v, &n, cap, t + i, j - i);
	}
	*n_groups = n - w;
	free(t);
	return err;
}

/* ---- aliases ---------------------------------------------------------------------
 * A function has several names (libc's raise: raise, gsignal, __GI_raise)
 * and one name can belong to several functions (strlen: the dynamic
 * linker's own and libc's ifunc resolver, which gdb names strlen_ifunc).
 * gdb's `break f` stops in every function that f names, so calls/<f> holds
 * the calls of all of them: the file listed as f takes in the calls of the
 * other functions that carry f as an alias, and an alias that several
 * listed names carry (and none is) gets a group, looked up like a
 * template's. */

static int entry_cmp(const void *a, const void *b)
{
	const struct call_entry *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Every callee of the w names of v by the function it reaches (*out,
 * sorted; caller frees). */
static int reach_table(const struct hs_db_image *img, struct hs_src *s,
		       const struct call_name *v, size_t w, struct call_entry **out, size_t *n)
{
	size_t total = 0, k = 0;

	for (size_t i = 0; i < w; i++)
		total += v[i].n_callees;
	if (!(*out = malloc((total + 1) * sizeof(**out))))
		return -ENOMEM;
	for (size_t i = 0; i < w; i++)
		for (size_t j = 0; j < v[i].n_callees; j++)
			if (!HS_DB_INLINE_K(v[i].callees[j]) && !(v[i].callees[j] & TREE_STUB_STOP))
				(*out)[k++] = (struct call_entry){
					tree_src_reached(img, s, v[i].callees[j]), i };
	qsort(*out, k, sizeof(**out), entry_cmp);
	*n = k;
	return 0;
}

struct alias_ref {
	char *name;
	size_t node;    /* index in names[] */
	bool bound;     /* an ifunc's name for the function its slot holds */
};

struct alias_scan {
	struct alias_ref *v;
	size_t n, cap;
	size_t node;
	const char *own;        /* the node's own name: no alias of itself */
	const struct hs_db_image *img;
	uint64_t callee;        /* the callee key being named */
	const struct call_entry *reach; /* every node's callees by entry */
	size_t n_reach;
};

static int alias_push(struct alias_scan *a, const char *name, size_t node)
{
	if (hs_grow((void **)&a->v, &a->cap, a->n + 1, sizeof(*a->v)))
		return -ENOMEM;
	a->v[a->n].name = strdup(name);
	if (!a->v[a->n].name)
		return -ENOMEM;
	a->v[a->n].bound = false;
	a->v[a->n++].node = node;
	return 0;
}

static int first_return(void *ctx, const struct hs_db_call *c)
{
	struct hs_db_call *out = ctx;

	if (c->t_ret == HS_DB_NO_RETURN)
		return 0;
	*out = *c;
	return 1;
}

/* The node of the function an ifunc's resolver (the callee a->callee)
 * returned the first time it returned; false when none. */
static bool ifunc_target(const struct alias_scan *a, size_t *node)
{
	struct hs_db_call c = { .t_ret = HS_DB_NO_RETURN };
	struct hs_db_regs *r;
	struct call_entry key = { 0, 0 }, *hit = NULL;

	if (hs_db_calls_to(a->img, a->callee, first_return, &c) < 0 || c.t_ret == HS_DB_NO_RETURN)
		return false;
	if (!(r = malloc(sizeof(*r))))
		return false;
	if (hs_db_regs_at(a->img, c.t_ret, c.tid, r) == 0) {
		key.addr = r->regs.gpr[0]; /* rax */
		hit = a->n_reach ? bsearch(&key, a->reach, a->n_reach, sizeof(key), entry_cmp) : NULL;
	}
	free(r);
	if (hit)
		*node = hit->name;
	return hit != NULL;
}

static int alias_collect(void *ctx, const char *name, bool ifunc)
{
	struct alias_scan *a = ctx;
	size_t target;
	int err = 0;

	if (strchr(name, '/') || !name[0])
		return 0;
	if (strcmp(name, a->own))
		err = alias_push(a, name, a->node);
	/* gdb's `break name` on an ifunc also stops in what it resolved to */
	if (!err && ifunc && ifunc_target(a, &target) && target != a->node)
		err = alias_push(a, name, target);
	return err;
}

static int alias_cmp(const void *x, const void *y)
{
	const struct alias_ref *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	return c ? c : (a->node < b->node ? -1 : a->node > b->node);
}

/* The callees of v[from] appended to *dst (n: its count, room made). */
static int callees_add(uint64_t **dst, size_t *n, const struct call_name *from)
{
	uint64_t *p = realloc(*dst, (*n + from->n_callees) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	memcpy(p + *n, from->callees, from->n_callees * sizeof(*p));
	*dst = p;
	*n += from->n_callees;
	return 0;
}

struct alias_merge {
	uint64_t *callees;      /* the node's, then its aliases' */
	size_t n_callees;
	uint64_t calls;
};

/* Alias name, carried by the nodes node[0..k) (distinct): merged into the
 * node named so when there is one (into its *mg, which starts as a copy
 * of the node: the originals of v[] are read, so merges do not chain),
 * else a group appended at v[*n] when two nodes or more carry it. */
static int alias_apply(struct call_name **v, size_t w, size_t *n, size_t *cap,
		       struct alias_merge *mg, const char *name, const size_t *node, size_t k,
		       bool bound)
{
	struct call_name key = { .name = (char *)name }, g = { 0 };
	struct call_name *own = bsearch(&key, *v, w, sizeof(key), name_cmp);
	int err = 0;

	if (own) {
		struct alias_merge *m = &mg[own - *v];

		if (!m->callees) {
			err = callees_add(&m->callees, &m->n_callees, own);
			m->calls = own->calls;
		}
		for (size_t j = 0; j < k && !err; j++) {
			err = callees_add(&m->callees, &m->n_callees, &(*v)[node[j]]);
			m->calls += (*v)[node[j]].calls;
		}
		return err;
	}
	if (k < 2 && !bound)
		return 0; /* looked up by its own entries (hs_src_function_entries) */
	g.name = strdup(name);
	for (size_t j = 0; j < k && !err && g.name; j++) {
		err = callees_add(&g.callees, &g.n_callees, &(*v)[node[j]]);
		g.calls += (*v)[node[j]].calls;
	}
	if (!g.name || err || hs_grow((void **)v, cap, *n + 1, sizeof(**v))) {
		free(g.name);
		free(g.callees);
		return -ENOMEM;
	}
	(*v)[(*n)++] = g;
	return 0;
}

/* The merged nodes take their new callees (or, on error, nothing). */
static void alias_finish(struct call_name *v, size_t w, struct alias_merge *mg, int err)
{
	for (size_t i = 0; i < w && mg; i++) {
		if (!mg[i].callees)
			continue;
		if (err) {
			free(mg[i].callees);
			continue;
		}
		free(v[i].callees);
		v[i].callees = mg[i].callees;
		v[i].n_callees = mg[i].n_callees;
		v[i].calls = mg[i].calls;
	}
}

/* ---- ifuncs bound at start-up ----------------------------------------------
 * gdb's `break strlen` on an ifunc (libc's strlen) goes to the function a
 * bound GOT slot of that name leads to (elf_gnu_ifunc_resolve_by_got: the
 * slot of a stub strlen@plt, once it no longer leads back into the stub),
 * else it stays at the resolver.  In a program bound at start-up (-z now:
 * Debian's hardened jq and sqlite3; LD_BIND_NOW) the slots are bound
 * before gdb sets its breakpoints, and `break strlen` stops in
 * __strlen_avx2 at every call; with lazy binding a slot is bound at its
 * first call, after main: the resolver, called by the lazy resolver.
 * calls/strlen follows gdb: a stub's slot as it was at main's break. */

struct ifunc_set {
	char **v;
	size_t n, cap;
};

static int ifunc_add(void *ctx, const char *name, bool ifunc)
{
	struct ifunc_set *f = ctx;

	(void)ifunc;
	if (hs_grow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v)) ||
	    !(f->v[f->n] = strdup(name)))
		return -ENOMEM;
	f->n++;
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void ifunc_set_free(struct ifunc_set *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
}

static int first_call(void *ctx, const struct hs_db_call *c)
{
	*(uint64_t *)ctx = c->t_call + 1;
	return 1;
}

static int libc_start_entry(void *ctx, uint64_t addr)
{
	*(uint64_t *)ctx = addr;
	return 1;
}

/* When gdb's breakpoints would be set: main's break, or in a program
 * without a symbol for main (a stripped one: jq), the entry of
 * __libc_start_main, which _start calls once ld.so relocated the start-up
 * libraries; UINT64_MAX when neither is known. */
static uint64_t breakpoints_set(const struct hs_db_image *img, struct hs_src *s, uint64_t main_t)
{
	uint64_t entry = 0, t = UINT64_MAX;

	if (main_t != UINT64_MAX)
		return main_t;
	if (hs_src_function_entries(s, "__libc_start_main", libc_start_entry, &entry) > 0)
		hs_db_calls_to(img, entry, first_call, &t);
	return t;
}

/* The aliases "strlen" of the functions that the stubs strlen@plt (stubs:
 * the callees that are stubs, by their names) lead to when the
 * breakpoints are set (breakpoints_set), for the names that are ifuncs. */
static int bound_ifunc_aliases(struct alias_scan *a, struct hs_src *s,
			       const struct call_name *stubs, size_t n_stubs, uint64_t main_t)
{
	struct ifunc_set ifuncs = { 0 };
	char name[256], *want = name;
	int err = 0;

	if (n_stubs)
		main_t = breakpoints_set(a->img, s, main_t);
	if (main_t == UINT64_MAX || (err = hs_src_ifunc_names(s, ifunc_add, &ifuncs)) || !ifuncs.n)
		goto out;
	qsort(ifuncs.v, ifuncs.n, sizeof(*ifuncs.v), str_cmp);
	for (size_t i = 0; i < n_stubs && !err; i++) {
		size_t len = strlen(stubs[i].name);

		if (len <= 4 || len - 4 >= sizeof(name) || strchr(stubs[i].name, '('))
			continue;
		memcpy(name, stubs[i].name, len - 4);
		name[len - 4] = 0;
		if (!bsearch(&want, ifuncs.v, ifuncs.n, sizeof(*ifuncs.v), str_cmp))
			continue;
		for (size_t j = 0; j < stubs[i].n_callees && !err; j++) {
			struct call_entry key = { 0, 0 }, *hit;

			if (hs_db_stub_target_at(a->img, stubs[i].callees[j], main_t, &key.addr) != 0)
				continue;
			hit = a->n_reach ? bsearch(&key, a->reach, a->n_reach, sizeof(key),
						   entry_cmp) : NULL;
			if (hit && !(err = alias_push(a, name, hit->name)))
				a->v[a->n - 1].bound = true;
		}
	}
out:
	ifunc_set_free(&ifuncs);
	return err;
}

/* Every alias of the w listed names of *v (their functions' other names,
 * hs_src_function_names), applied after the *n_groups groups there are;
 * stubs and main_t: bound_ifunc_aliases'. */
static int add_aliases(const struct hs_db_image *img, struct hs_src *s, struct call_name **v,
		       size_t w, size_t *cap, size_t *n_groups, const struct call_name *stubs,
		       size_t n_stubs, uint64_t main_t)
{
	struct alias_scan a = { .img = img };
	struct alias_merge *mg = calloc(w ? w : 1, sizeof(*mg));
	size_t n = w + *n_groups, *node = NULL;
	struct call_entry *reach = NULL;
	int err = mg ? 0 : -ENOMEM;

	if (!err)
		err = reach_table(img, s, *v, w, &reach, &a.n_reach);
	a.reach = reach;
	for (size_t i = 0; i < w && !err; i++) {
		a.node = i;
		a.own = (*v)[i].name;
		for (size_t j = 0; j < (*v)[i].n_callees && !err; j++) {
			a.callee = (*v)[i].callees[j];
			if (!HS_DB_INLINE_K(a.callee) && !(a.callee & TREE_STUB_STOP))
				err = hs_src_function_names(s, tree_src_reached(img, s, a.callee),
							    alias_collect, &a);
		}
	}
	if (!err)
		err = bound_ifunc_aliases(&a, s, stubs, n_stubs, main_t);
	if (!err && a.n) {
		qsort(a.v, a.n, sizeof(*a.v), alias_cmp);
		if (!(node = malloc(a.n * sizeof(*node))))
			err = -ENOMEM;
	}
	for (size_t i = 0, j; i < a.n && !err; i = j) {
		size_t k = 0;
		bool bound = false;

		for (j = i; j < a.n && !strcmp(a.v[j].name, a.v[i].name); j++) {
			if (j == i || a.v[j].node != a.v[j - 1].node)
				node[k++] = a.v[j].node;
			bound |= a.v[j].bound;
		}
		err = alias_apply(v, w, &n, cap, mg, a.v[i].name, node, k, bound);
	}
	alias_finish(*v, w, mg, err);
	for (size_t i = 0; i < a.n; i++)
		free(a.v[i].name);
	free(a.v);
	free(node);
	free(mg);
	free(reach);
	*n_groups = n - w;
	return err;
}

/* ---- short names -----------------------------------------------------------------
 * gdb's `break norm1` (wild matching: src_sym_matches) stops in every
 * function whose qualified name ends in the components typed (norm1 and
 * Point::norm1 for geo::Point::norm1, ~Guard for Guard::~Guard), with or
 * without template arguments (Box::get for geo::Box<int>::get).  The
 * alias lookup finds a function by its entry that way, but a function
 * that only ran inlined has none, and a short name of several functions
 * stands for all of them.  So each short name of a function that only ran
 * inlined, or of two listed names or more, gets a group (looked up, not
 * listed), and a short name that is listed itself takes in the functions
 * it names in other scopes (wild_apply: gdb's `break size` stops in size
 * and in every X::size, ns::size, Y<int>::size; `break X::size` in
 * A::X::size too; gdb 13 matches so also after a leading "::"). */

/* The keyword operator at p (not "cooperator")? */
static bool at_operator(const char *name, const char *p)
{
	char c = p[8];

	return !strncmp(p, "operator", 8) && (p == name || p[-1] == ':' || p[-1] == ' ') &&
	       !(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		 (c >= '0' && c <= '9'));
}

static int wild_key(struct tmpl **t, size_t *n, size_t *cap, const char *key, size_t node)
{
	size_t len = strlen(key);

	if (len >= sizeof((*t)->stripped) || key[0] == '{')
		return 0; /* a lambda's class has no name to type */
	if (hs_grow((void **)t, cap, *n + 1, sizeof(**t)))
		return -ENOMEM;
	memcpy((*t)[*n].stripped, key, len + 1);
	(*t)[(*n)++].name = node;
	return 0;
}

/* The tails of name after each "::" outside brackets (an operator's own
 * '<' and '(' are none: the scan stops at it), keys of node. */
static int wild_tails(struct tmpl **t, size_t *n, size_t *cap, const char *name, size_t node)
{
	int depth = 0, err = 0;

	for (const char *p = name; *p && !err && !at_operator(name, p); p++) {
		if (*p == '<' || *p == '(' || *p == '{')
			depth++;
		else if ((*p == '>' || *p == ')' || *p == '}') && depth)
			depth--;
		else if (!depth && p[0] == ':' && p[1] == ':' && p[2])
			err = wild_key(t, n, cap, ++p + 1, node);
	}
	return err;
}

/* The name of a node listed by its address (a name too long for the
 * listing: std::regex_match<...> of a few hundred characters), from its
 * first callee; NULL when it has none with a scope or template. */
static const char *long_name(const struct hs_db_image *img, struct hs_src *s,
			     const struct call_name *v)
{
	uint64_t callee = v->callees[0], at;
	const char *name = NULL, *caller;
	struct hs_src_loc loc;

	if (strncmp(v->name, "0x", 2) || !v->n_callees)
		return NULL;
	if (HS_DB_INLINE_K(callee)) {
		if (hs_src_inline_entry_names(s, HS_DB_INLINE_PC(callee), HS_DB_INLINE_K(callee),
					      &name, &caller))
			return NULL;
	} else if (hs_src_lookup(s, at = tree_src_reached(img, s, callee), &loc) == 0 &&
		   loc.func_start == at) {
		name = loc.break_name ? loc.break_name : loc.function;
	}
	return name && (strstr(name, "::") || strchr(name, '<')) && !strchr(name, '/') ? name : NULL;
}

/* The keys of node i: its name's tails, and those of the name without
 * template arguments; a name listed by its address also by that name
 * without template arguments (std::regex_match). */
static int wild_keys(const struct hs_db_image *img, struct hs_src *s, const struct call_name *v,
		     size_t i, struct tmpl **t, size_t *nt, size_t *cap)
{
	const char *name = long_name(img, s, &v[i]);
	char stripped[256];
	size_t k;
	int err;

	if (!name && !strstr(v[i].name, "::") && !strchr(v[i].name, '<'))
		return 0; /* C: no scope nor template to leave out */
	if (!name)
		name = v[i].name;
	err = wild_tails(t, nt, cap, name, i);
	if (!err && strip_templates(name, stripped, sizeof(stripped))) {
		err = wild_tails(t, nt, cap, stripped, i);
		if (!err && name != v[i].name)
			err = wild_key(t, nt, cap, stripped, i);
	}
	/* gdb's `break` also takes the name without the function's own
	 * template arguments ("S<int>::emplace_back" for S<int>::
	 * emplace_back<int>, "_Iter_comp_iter<...>::operator()",
	 * "operator<" for operator< <int>), whole or its last components */
	k = hs_src_name_untemplated_len(name);
	if (!err && k < strlen(name) && k < sizeof(stripped)) {
		memcpy(stripped, name, k);
		stripped[k] = 0;
		err = wild_key(t, nt, cap, stripped, i);
		if (!err)
			err = wild_tails(t, nt, cap, stripped, i);
	}
	return err;
}

/* The nodes t[0..m) of a key (sorted) less repeats: their count. */
static size_t wild_unique(struct tmpl *t, size_t m)
{
	size_t k = 1;

	for (size_t i = 1; i < m; i++)
		if (t[i].name != t[k - 1].name)
			t[k++] = t[i];
	return k;
}

/* The group g (a template's) takes in the nodes t[0..m) it lacks: gdb's
 * `break geo::twice` also stops in a::geo::twice<long>. */
static int wild_merge(struct call_name *v, struct call_name *g, const struct tmpl *t, size_t m)
{
	int err = 0;

	for (size_t i = 0; i < m && !err; i++) {
		const struct call_name *c = &v[t[i].name];
		bool have = !c->n_callees;

		for (size_t j = 0; j < g->n_callees && !have; j++)
			have = g->callees[j] == c->callees[0];
		if (have)
			continue;
		err = callees_add(&g->callees, &g->n_callees, c);
		g->calls += c->calls;
	}
	return err;
}

/* Does the key of t[0..m) (its nodes distinct) need a group of its own:
 * two listed names or more, or one that only ran inlined?  Those of a
 * listed name (deferred to p) or a template's group (merged in) do not;
 * *merged: 0 or -errno. */
static bool wild_wanted(struct call_name *v, size_t w, size_t n_groups, const struct tmpl *t,
			size_t m, struct wild_pends *p, int *merged)
{
	struct call_name key = { .name = (char *)t[0].stripped }, *own;

	*merged = 0;
	if ((own = bsearch(&key, v, w, sizeof(key), name_cmp))) {
		*merged = wild_defer(p, (size_t)(own - v), t, m);
		return false;
	}
	for (size_t g = w; g < w + n_groups; g++)
		if (!strcmp(v[g].name, t[0].stripped)) {
			*merged = wild_merge(v, &v[g], t, m);
			return false;
		}
	if (m > 1)
		return true;
	for (size_t i = 0; i < v[t[0].name].n_callees; i++)
		if (!HS_DB_INLINE_K(v[t[0].name].callees[i]))
			return false; /* the alias lookup finds its entry */
	return true;
}

/* The groups of short names after the w names and *n_groups groups of v
 * (those of listed names deferred to p). */
static int add_wild_groups(const struct hs_db_image *img, struct hs_src *s, struct call_name **v,
			   size_t w, size_t *cap, size_t *n_groups, struct wild_pends *p)
{
	struct tmpl *t = NULL;
	size_t nt = 0, cap_t = 0, n = w + *n_groups;
	int err = 0;

	for (size_t i = 0; i < w && !err; i++)
		err = wild_keys(img, s, *v, i, &t, &nt, &cap_t);
	if (nt)
		qsort(t, nt, sizeof(*t), tmpl_cmp);
	for (size_t i = 0, j; i < nt && !err; i = j) {
		size_t m;

		for (j = i + 1; j < nt && !strcmp(t[j].stripped, t[i].stripped); j++)
			;
		m = wild_unique(t + i, j - i);
		if (wild_wanted(*v, w, *n_groups, t + i, m, p, &err) && !err)
			err = add_group(v, &n, cap, t + i, m);
	}
	free(t);
	*n_groups = n - w;
	return err;
}

static int u64_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* The callees of v[from][0..n_own) that v[into] lacks, appended to it
 * (sorted: into's merged callees are unique there). */
static int wild_take(struct call_name *into, const struct call_name *from,
		     const uint64_t *own_sorted)
{
	size_t n = into->n_callees;
	uint64_t *p = realloc(into->callees, (n + from->n_own) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	into->callees = p;
	for (size_t i = 0; i < from->n_own; i++)
		if (!into->n_own || !own_sorted ||
		    !bsearch(&from->callees[i], own_sorted, into->n_own, sizeof(uint64_t), u64_cmp))
			p[n++] = from->callees[i];
	into->n_callees = n;
	into->calls += from->calls;
	return 0;
}

/* The callees of a listed node past its own: sorted, repeats left out
 * (two scopes' names can bring one function twice). */
static void wild_unique_tail(struct call_name *c)
{
	uint64_t *t = c->callees + c->n_own;
	size_t n = c->n_callees - c->n_own, k = 0;

	if (!n)
		return;
	qsort(t, n, sizeof(*t), u64_cmp);
	for (size_t i = 0; i < n; i++)
		if (!k || t[i] != t[k - 1])
			t[k++] = t[i];
	c->n_callees = c->n_own + k;
}

/* The deferred merges of p into the w listed names of v: each takes in
 * the own callees (n_own: its functions and aliases, set here) of the
 * names it stands for too, reading no other merge's. */
static int wild_apply(struct call_name *v, size_t w, const struct wild_pends *p)
{
	uint64_t *own = NULL;
	size_t into = SIZE_MAX;
	int err = 0;

	for (size_t i = 0; i < w; i++)
		v[i].n_own = v[i].n_callees;
	for (size_t i = 0; i < p->n && !err; i++) {
		if (p->v[i].into != into) {
			into = p->v[i].into;
			free(own);
			own = malloc((v[into].n_own + 1) * sizeof(*own));
			if (!own) {
				err = -ENOMEM;
				break;
			}
			memcpy(own, v[into].callees, v[into].n_own * sizeof(*own));
			qsort(own, v[into].n_own, sizeof(*own), u64_cmp);
		}
		err = wild_take(&v[into], &v[p->v[i].from], own);
	}
	free(own);
	for (size_t i = 0; i < w; i++)
		wild_unique_tail(&v[i]);
	return err;
}

static int pend_cmp(const void *a, const void *b)
{
	const struct wild_pend *x = a, *y = b;

	return x->into < y->into ? -1 : x->into > y->into;
}

/* The stub names (c->stubs: malloc@plt, one callee each) as groups after
 * the w names and *n_groups groups of c->v, one per name (the stubs of
 * the program and of each library); a name listed itself (a stub whose
 * target is not known) needs none.  c->stubs is used up. */
static int add_stub_groups(struct callee_scan *c, size_t w, size_t *n_groups)
{
	size_t n = w + *n_groups, i, j;
	int err = 0;

	if (c->n_stubs)
		qsort(c->stubs, c->n_stubs, sizeof(*c->stubs), name_cmp);
	for (i = 0; i < c->n_stubs; i = j) {
		struct call_name *g = &c->stubs[i];

		for (j = i + 1; j < c->n_stubs && !strcmp(c->stubs[j].name, g->name); j++) {
			if (!err)
				err = callees_add(&g->callees, &g->n_callees, &c->stubs[j]);
			g->calls += c->stubs[j].calls;
		}
		if (err || bsearch(g, c->v, w, sizeof(*g), name_cmp))
			continue;
		if (hs_grow((void **)&c->v, &c->cap, n + 1, sizeof(*c->v))) {
			err = -ENOMEM;
			continue;
		}
		c->v[n++] = *g;
		g->name = NULL;
		g->callees = NULL;
	}
	for (i = 0; i < c->n_stubs; i++) {
		free(c->stubs[i].name);
		free(c->stubs[i].callees);
	}
	free(c->stubs);
	c->stubs = NULL;
	c->n_stubs = 0;
	*n_groups = n - w;
	return err;
}

/* Sorted by name, entries of the same name merged. */
static int build_names(struct hs_tree *tree, const struct hs_tree_node *n,
		       struct tree_src_image *si, struct hs_src *s, uint64_t main_t)
{
	struct callee_scan c = { .img = tree_image(tree, n), .src = s, .main_t = main_t };
	struct wild_pends pend = { 0 };
	size_t w = 0, i;
	int err;

	err = hs_db_callees(tree_image(tree, n), collect_callee, &c);

	if (err < 0)
		goto fail;
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), name_cmp);
	for (i = 0; i < c.n; i++) {
		if (w && strcmp(c.v[w - 1].name, c.v[i].name) == 0) {
			struct call_name *d = &c.v[w - 1];
			uint64_t *p = realloc(d->callees, (d->n_callees + 1) * sizeof(*p));
			if (!p) {
				err = -ENOMEM;
				goto fail_merging;
			}
			p[d->n_callees++] = c.v[i].callees[0];
			d->callees = p;
			d->calls += c.v[i].calls;
			free(c.v[i].name);
			free(c.v[i].callees);
			continue;
		}
		c.v[w++] = c.v[i];
	}
	c.n = w;
	err = add_groups(&c.v, w, &c.cap, &si->n_groups, &pend);
	if (err == 0)
		err = add_wild_groups(c.img, s, &c.v, w, &c.cap, &si->n_groups, &pend);
	if (err == 0)
		err = add_aliases(c.img, s, &c.v, w, &c.cap, &si->n_groups, c.stubs, c.n_stubs,
				  main_t);
	if (err == 0) {
		if (pend.n)
			qsort(pend.v, pend.n, sizeof(*pend.v), pend_cmp);
		err = wild_apply(c.v, w, &pend);
	}
	free(pend.v);
	if (err == 0)
		err = add_stub_groups(&c, w, &si->n_groups);
	if (err < 0) {
		c.n = w + si->n_groups;
		si->n_groups = 0;
		goto fail;
	}
	si->names = c.v;
	si->n_names = w;
	return 0;
fail_merging:
	/* c.v[0..w) are merged, c.v[i..n) not yet looked at; the ones between
	 * were freed (merged) or moved down into c.v[0..w) */
	for (size_t k = i; k < c.n; k++) {
		free(c.v[k].name);
		free(c.v[k].callees);
	}
	c.n = w;
fail:
	for (size_t k = 0; k < c.n; k++) {
		free(c.v[k].name);
		free(c.v[k].callees);
	}
	free(c.v);
	for (size_t k = 0; k < c.n_stubs; k++) {
		free(c.stubs[k].name);
		free(c.stubs[k].callees);
	}
	free(c.stubs);
	return err;
}

int tree_src_get_names(struct hs_tree *tree, const struct hs_tree_node *n,
			struct tree_src_image **out)
{
	struct tree_src_image *si = tree_src_image_of(tree, n);
	struct hs_src *s;
	uint64_t main_t;
	uint32_t main_view;
	int err = tree_src_get(tree, n, &s);

	if (err < 0)
		return err;
	/* before the lock: tree_main_t takes it */
	if (tree_main_t(tree, n, &main_t, &main_view) < 0)
		main_t = UINT64_MAX;
	pthread_mutex_lock(&si->lock);
	if (!si->calls_done) {
		si->calls_err = build_names(tree, n, si, s, main_t);
		si->calls_done = true;
	}
	err = si->calls_err;
	pthread_mutex_unlock(&si->lock);
	*out = si;
	return err;
}

/* si->entries: every name's callees by the function they reach. */
static int build_entries(struct hs_tree *tree, const struct hs_tree_node *n,
			 struct tree_src_image *si, struct hs_src *s)
{
	const struct hs_db_image *img = tree_image(tree, n);
	size_t total = 0, k = 0;

	for (size_t i = 0; i < si->n_names; i++)
		total += si->names[i].n_own;
	si->entries = malloc((total + 1) * sizeof(*si->entries));
	if (!si->entries)
		return -ENOMEM;
	/* a function's entry is its own name's, not that of a name whose
	 * `break` also stops there (n_own) */
	for (size_t i = 0; i < si->n_names; i++)
		for (size_t j = 0; j < si->names[i].n_own; j++)
			if (!HS_DB_INLINE_K(si->names[i].callees[j]) && /* no function's entry */
			    !(si->names[i].callees[j] & TREE_STUB_STOP))
				si->entries[k++] = (struct call_entry){
					tree_src_reached(img, s, si->names[i].callees[j]), i };
	qsort(si->entries, k, sizeof(*si->entries), entry_cmp);
	si->n_entries = k;
	return 0;
}

struct alias_find {
	const struct tree_src_image *si;
	const struct call_entry *hit;  /* the first called entry the name has */
	size_t n_hits;                 /* its name's entries the name has */
};

static int alias_entry(void *ctx, uint64_t addr)
{
	struct alias_find *f = ctx;
	struct call_entry key = { addr, 0 };
	const struct call_entry *e = f->si->n_entries ?
		bsearch(&key, f->si->entries, f->si->n_entries, sizeof(key), entry_cmp) : NULL;

	if (e && !f->hit)
		f->hit = e;
	if (e && e->name == f->hit->name)
		f->n_hits++;
	return 0;
}

/* The name (listed or a group) that covers every function gdb's `break
 * SIG` stops in: its name without parameters ("size" of "size() const":
 * size(), ns::size(), X::size() const are all in it; "geo::scale" of
 * "geo::scale(long, int)": an overload that only ran inlined), else the
 * one its function's entry is filed under (hit); -1. */
static ssize_t sig_node(const struct tree_src_image *si, const char *sig,
			const struct call_entry *hit)
{
	struct call_name key = { 0 }, *n = NULL;
	char name[256];
	int angle = 0;
	size_t k;

	if (strstr(sig, "operator")) /* "operator()(int) const": no parameter list to cut */
		return hit ? (ssize_t)hit->name : -1;
	for (k = 0; sig[k] && k + 1 < sizeof(name) && (sig[k] != '(' || angle); k++) {
		angle += sig[k] == '<' ? 1 : sig[k] == '>' ? -1 : 0;
		name[k] = sig[k];
	}
	while (k && name[k - 1] == ' ')
		k--;
	name[k] = 0;
	key.name = name;
	if (si->n_names)
		n = bsearch(&key, si->names, si->n_names, sizeof(key), name_cmp);
	for (size_t g = si->n_names; !n && g < si->n_names + si->n_groups; g++)
		if (!strcmp(si->names[g].name, name))
			n = &si->names[g];
	return n ? n - si->names : hit ? (ssize_t)hit->name : -1;
}

/* calls/<signature> ("Leaf::bump(double)"): the calls of the name's
 * callees of that signature (hs_src_function_signature's, spaces left
 * out, or a tail of it: tree_src_sig_matches), as gdb's `break
 * Leaf::bump(double)` stops in that overload, its inlined copies too;
 * -ENOENT when none has it. */
static int sig_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		      const struct tree_src_image *si, struct hs_src *s, const char *sig,
		      const struct call_entry *hit, struct hs_tree_node *out)
{
	const struct hs_db_image *img = tree_image(tree, dir);
	ssize_t node = sig_node(si, sig, hit);
	uint64_t want = tree_src_sig_hash(sig);
	size_t match = 0;
	char buf[512];

	if (node < 0)
		return -ENOENT;
	for (size_t i = 0; i < si->names[node].n_callees; i++) {
		tree_src_callee_sig(img, s, si->names[node].callees[i], buf, sizeof(buf));
		match += tree_src_sig_matches(buf, want);
	}
	if (!match)
		return -ENOENT;
	tree_node_child(out, dir, K_CALL);
	out->a = (uint64_t)node;
	if (match < si->names[node].n_callees) {
		out->sub = CALL_BY_SIG;
		out->b = want;
	}
	return 0;
}

/* calls/<alias>: another name of a function that was called (malloc for
 * __libc_malloc, a mangled C++ name): the same node as the name listed,
 * or, when a signature or a mangled name picks one of its overloads
 * ("Leaf::bump(int)", "_ZN4Leaf4bumpEi" of calls/Leaf::bump), that
 * overload's calls alone (b: its entry, which fill_list keeps). */
static int alias_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
			struct tree_src_image *si, const char *name, struct hs_tree_node *out)
{
	struct alias_find f = { .si = si };
	struct hs_src *s;
	char sig[512];
	int err = tree_src_get(tree, dir, &s);

	if (err < 0)
		return err;
	pthread_mutex_lock(&si->lock);
	if (!si->entries_done) {
		err = build_entries(tree, dir, si, s);
		si->entries_done = err == 0;
	}
	pthread_mutex_unlock(&si->lock);
	if (err < 0)
		return err;
	err = hs_src_function_entries(s, name, alias_entry, &f);
	if (err < 0)
		return err;
	if (strchr(name, '(') && strncmp(name, "_Z", 2) &&
	    (err = sig_lookup(tree, dir, si, s, name, f.hit, out)) != -ENOENT)
		return err;
	/* gdb demangles a mangled name and looks the signature up, in
	 * every scope (`break _Z4sizev` stops in ns::size() too) */
	if (!strncmp(name, "_Z", 2) && hs_src_demangled_signature(name, sig, sizeof(sig)) == 0 &&
	    strchr(sig, '(') && (err = sig_lookup(tree, dir, si, s, sig, f.hit, out)) != -ENOENT)
		return err;
	if (!f.hit)
		return -ENOENT;
	tree_node_child(out, dir, K_CALL);
	out->a = (uint64_t)f.hit->name;
	/* a signature or a mangled name picks a function; a plain name
	 * (an alias: free for __GI___libc_free) means all its name holds */
	if ((strchr(name, '(') || !strncmp(name, "_Z", 2)) && f.n_hits == 1 &&
	    si->names[f.hit->name].n_callees > 1)
		out->b = f.hit->addr;
	return 0;
}

/* Is the callee's function defined in file (gdb's FILE of `break
 * FILE:FUNCTION`: the source file's name or a tail of its path that
 * starts after a '/')?  gdb looks FUNCTION up in the compilation units
 * that have a file named FILE (hs_src_function_in_file): an inlined copy
 * is in none; a function without DWARF is its minimal symbol, taken when
 * the line row at its entry names FILE. */
static bool callee_in_file(const struct hs_db_image *img, struct hs_src *s, uint64_t callee,
			   const char *file)
{
	uint64_t pc;
	struct hs_src_loc loc;
	size_t n = strlen(file), m;
	int r;

	if (HS_DB_INLINE_K(callee) || (callee & TREE_STUB_STOP))
		return false; /* (a stub has no file) */
	pc = tree_src_reached(img, s, callee);
	if ((r = hs_src_function_in_file(s, pc, file)) != -ENODATA)
		return r > 0;
	if (hs_src_lookup(s, pc, &loc) != 0 || !loc.file)
		return false;
	m = strlen(loc.file);
	return m >= n && !strcmp(loc.file + m - n, file) && (m == n || loc.file[m - n - 1] == '/');
}

/* Is the callee one the node fn picks of its name's (all; the overload at
 * entry b; those of signature hash b: tree_calls_lookup)? */
static bool node_picks(const struct hs_db_image *img, struct hs_src *s,
		       const struct hs_tree_node *fn, uint64_t callee)
{
	char buf[512];

	if (!fn->b)
		return true;
	if (fn->sub != CALL_BY_SIG)
		return !HS_DB_INLINE_K(callee) && tree_src_reached(img, s, callee) == fn->b;
	tree_src_callee_sig(img, s, callee, buf, sizeof(buf));
	return tree_src_sig_matches(buf, fn->b);
}

/* calls/FILE:FUNCTION: the calls of FUNCTION's callees defined in FILE, as
 * gdb's `break FILE:FUNCTION` stops only there (two static functions of
 * one name in two files); -ENOENT when name is not of that form (FILE has
 * a '.' and no ':', so that C++'s A::f is not taken for one) or none is. */
static int file_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		       const char *name, struct hs_tree_node *out)
{
	const char *colon = strchr(name, ':');
	struct hs_tree_node fn;
	const struct call_name *cn;
	struct tree_src_image *si;
	char file[PATH_MAX];
	struct hs_src *s;
	uint64_t mask = 0;
	int err;

	if (!colon || colon[1] == ':' || !colon[1] || strchr(colon + 1, ':') == colon + 1 ||
	    (size_t)(colon - name) >= sizeof(file) || !memchr(name, '.', (size_t)(colon - name)))
		return -ENOENT;
	memcpy(file, name, (size_t)(colon - name));
	file[colon - name] = 0;
	err = tree_calls_lookup(tree, dir, colon + 1, &fn);
	if (err == 0)
		err = tree_src_get_names(tree, dir, &si);
	if (err == 0)
		err = tree_src_get(tree, dir, &s);
	if (err != 0)
		return err;
	cn = &si->names[fn.a];
	/* with a signature too (`break a.cc:size()`): those of both */
	for (size_t i = 0; i < cn->n_callees && i < 64; i++)
		if (node_picks(tree_image(tree, dir), s, &fn, cn->callees[i]) &&
		    callee_in_file(tree_image(tree, dir), s, cn->callees[i], file))
			mask |= 1ull << i;
	if (!mask)
		return -ENOENT;
	*out = fn;
	if (fn.b || mask != (cn->n_callees >= 64 ? UINT64_MAX : (1ull << cn->n_callees) - 1)) {
		out->sub = CALL_BY_FILE;
		out->b = mask;
	}
	return 0;
}

int tree_calls_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		      const char *name, struct hs_tree_node *out)
{
	struct tree_src_image *si;
	struct call_name key = { .name = (char *)name };
	struct call_name *hit;
	int err = tree_src_get_names(tree, dir, &si);

	if (err < 0)
		return err;
	/* gdb 13's `break ::size` still stops in X::size: a leading "::"
	 * names no scope */
	if (name[0] == ':' && name[1] == ':' && name[2] && name[2] != ':')
		return tree_calls_lookup(tree, dir, name + 2, out);
	hit = si->n_names ? bsearch(&key, si->names, si->n_names, sizeof(key), name_cmp) : NULL;
	for (size_t g = si->n_names; !hit && g < si->n_names + si->n_groups; g++)
		if (!strcmp(si->names[g].name, name))
			hit = &si->names[g];
	if (hit) {
		tree_node_child(out, dir, K_CALL);
		out->a = (uint64_t)(hit - si->names);
		return 0;
	}
	err = alias_lookup(tree, dir, si, name, out);
	return err == -ENOENT ? file_lookup(tree, dir, name, out) : err;
}

int tree_calls_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		    hs_tree_dir_fn cb, void *ctx)
{
	struct tree_src_image *si;
	struct hs_tree_node c;
	int err = tree_src_get_names(tree, dir, &si);

	for (size_t i = 0; !err && i < si->n_names; i++) {
		tree_node_child(&c, dir, K_CALL);
		c.a = i;
		err = cb(ctx, si->names[i].name, &c);
	}
	return err;
}
