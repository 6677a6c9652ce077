/* dbb_lsrc.c - the modules of an image's mappings (fs/source) for the line
 * pass and the calls tracker, loaded once per build for all the images
 * that map the same files at the same places, and the build's warnings.
 *
 * Loading the modules is most of what a small image costs to build: libc's
 * symbols and its line tables from libc6-dbg are read and sorted before
 * the first lookup.  A shell's children and each run of one program map
 * the same files at the same addresses (Valgrind places them), so the
 * build keeps what it loaded, counted by reference, and a few unused sets
 * for the next image.  fs/source locks its own lazily made state, so one
 * set serves many threads.  Frame ids of inlined copies are (module index,
 * copy index): the same for a shared set as for one loaded anew.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "hindsight/util.h"
#include "hindsight/source.h"
#include "hindsight/trace.h"
#include "dbb_i.h"

/* Unused sets kept for a next image: each can be tens of MB (libc's
 * debug info), and images of one program come one after another. */
#define LCACHE_IDLE 2

struct dbb_lsrc {
	struct hs_src *src;
	struct dbb_range *ranges;    /* modules with DWARF lines */
	size_t n_ranges;
	/* the cache's; cache NULL: this one is not shared */
	struct dbb_lcache *cache;
	struct dbb_fmap *key;        /* the mappings it was made of */
	size_t n_key;
	unsigned refs;               /* 0: unused, kept for a next image */
	uint64_t used;               /* the cache's clock when last let go */
	struct dbb_lsrc *next;
};

struct dbb_lcache {
	pthread_mutex_t lock;
	struct dbb_warnlog *log;
	const char *pack_dir;
	struct dbb_lsrc *all;
	unsigned n_idle;
	uint64_t clock;
};

/* ---- warnings said once -------------------------------------------------- */

void dbb_warnlog_init(struct dbb_warnlog *w, FILE *f)
{
	*w = (struct dbb_warnlog){ .f = f };
	pthread_mutex_init(&w->lock, NULL);
}

void dbb_warnlog_free(struct dbb_warnlog *w)
{
	free(w->said);
	w->said = NULL;
	w->n = w->cap = 0;
	pthread_mutex_destroy(&w->lock);
}

void dbb_warnlog_say(struct dbb_warnlog *w, const char *kind, const char *line)
{
	uint64_t h;
	bool said = false;

	if (!w)
		return;
	h = XXH64(line, strlen(line), XXH64(kind, strlen(kind), 0));
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < w->n && !said; i++)
		said = w->said[i] == h;
	if (!said) {
		if (!hs_grow((void **)&w->said, &w->cap, w->n + 1, sizeof(*w->said)))
			w->said[w->n++] = h;
		fprintf(w->f, "hindsight build: %s: %s\n", kind, line);
	}
	pthread_mutex_unlock(&w->lock);
}

static void warn_line(void *ctx, const char *line)
{
	dbb_warnlog_say(ctx, "warning", line);
}

/* ---- one set of modules ---------------------------------------------------- */

static void lsrc_destroy(struct dbb_lsrc *ls)
{
	if (!ls)
		return;
	hs_src_free(ls->src);
	free(ls->ranges);
	dbb_fmaps_free(ls->key, ls->n_key);
	free(ls);
}

static int lsrc_load(const struct dbb_fmap *maps, size_t n_maps, const char *pack_dir,
		     struct dbb_warnlog *log, struct dbb_lsrc **out)
{
	struct hs_src_options so = { .warn = warn_line, .warn_ctx = log, .pack_dir = pack_dir };
	struct dbb_lsrc *ls = calloc(1, sizeof(*ls));
	int ret;

	*out = NULL;
	if (!ls)
		return -ENOMEM;
	if ((ret = hs_src_new(&so, &ls->src)))
		goto fail;
	/* the dynamic linker too, for its inlined copies alone (its own
	 * malloc, calloc, free wrappers: gdb's `break malloc` stops there);
	 * no line starts (gdb's `step` goes through its lazy symbol resolver
	 * rather than stopping in it) and no tail calls (its resolver's jump
	 * to the bound function is a hop of the call) */
	for (size_t i = 0; i < n_maps && !ret; i++)
		if (!hs_trace_map_is_tool(maps[i].path, strlen(maps[i].path)))
			ret = hs_src_add_mapping(ls->src, maps[i].path, maps[i].start,
						 maps[i].end, maps[i].offset, maps[i].prot);
	if (ret || (ret = hs_src_finish(ls->src)))
		goto fail;
	ls->ranges = calloc(hs_src_module_count(ls->src) + 1, sizeof(*ls->ranges));
	if (!ls->ranges) {
		ret = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < hs_src_module_count(ls->src); i++) {
		const struct hs_src_module *mod = hs_src_module_at(ls->src, i);

		/* whole pages: the pass decides per page (module mappings are) */
		if (mod->has_dwarf)
			ls->ranges[ls->n_ranges++] = (struct dbb_range){
				mod->start & ~(uint64_t)4095, (mod->end + 4095) & ~(uint64_t)4095,
				hs_src_dynamic_linker(mod->path) };
	}
	*out = ls;
	return 0;
fail:
	lsrc_destroy(ls);
	return ret;
}

/* ---- the build's cache ------------------------------------------------------ */

int dbb_lcache_new(struct dbb_warnlog *log, const char *pack_dir, struct dbb_lcache **out)
{
	struct dbb_lcache *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	c->log = log;
	c->pack_dir = pack_dir;
	*out = c;
	return 0;
}

void dbb_lcache_free(struct dbb_lcache *c)
{
	if (!c)
		return;
	while (c->all) {
		struct dbb_lsrc *ls = c->all;

		c->all = ls->next;
		lsrc_destroy(ls);
	}
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* The mappings' identity: the t of their events does not matter. */
static bool same_maps(const struct dbb_fmap *a, size_t na, const struct dbb_fmap *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].start != b[i].start || a[i].end != b[i].end ||
		    a[i].offset != b[i].offset || a[i].prot != b[i].prot ||
		    strcmp(a[i].path, b[i].path))
			return false;
	return true;
}

/* An entry of c made of maps, with a reference taken; c locked. */
static struct dbb_lsrc *cache_take(struct dbb_lcache *c, const struct dbb_fmap *maps,
				   size_t n_maps)
{
	for (struct dbb_lsrc *ls = c->all; ls; ls = ls->next) {
		if (!same_maps(ls->key, ls->n_key, maps, n_maps))
			continue;
		if (ls->refs++ == 0)
			c->n_idle--;
		return ls;
	}
	return NULL;
}

static int fmaps_dup(const struct dbb_fmap *maps, size_t n, struct dbb_fmap **out)
{
	struct dbb_fmap *v = calloc(n + 1, sizeof(*v));

	*out = NULL;
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i] = maps[i];
		if (!(v[i].path = strdup(maps[i].path))) {
			dbb_fmaps_free(v, i);
			return -ENOMEM;
		}
	}
	*out = v;
	return 0;
}

/* The set of maps from c, or loaded and put in c (c NULL: loaded, not
 * shared). */
static int lsrc_get(struct dbb_lcache *c, const struct dbb_fmap *maps, size_t n_maps,
		    const char *pack_dir, struct dbb_lsrc **out)
{
	struct dbb_lsrc *ls, *had;
	int ret;

	*out = NULL;
	if (!c)
		return lsrc_load(maps, n_maps, pack_dir, NULL, out);
	pthread_mutex_lock(&c->lock);
	ls = cache_take(c, maps, n_maps);
	pthread_mutex_unlock(&c->lock);
	if (ls) {
		*out = ls;
		return 0;
	}
	/* loaded unlocked: other images go on meanwhile */
	if ((ret = lsrc_load(maps, n_maps, c->pack_dir, c->log, &ls)))
		return ret;
	if (fmaps_dup(maps, n_maps, &ls->key)) {
		*out = ls; /* not shared, still right */
		return 0;
	}
	ls->n_key = n_maps;
	pthread_mutex_lock(&c->lock);
	had = cache_take(c, maps, n_maps); /* another thread loaded it too */
	if (!had) {
		ls->cache = c;
		ls->refs = 1;
		ls->next = c->all;
		c->all = ls;
	}
	pthread_mutex_unlock(&c->lock);
	if (had) {
		lsrc_destroy(ls);
		ls = had;
	}
	*out = ls;
	return 0;
}

/* ---- the image's view ------------------------------------------------------ */

int dbb_lsrc_new(struct dbb_lcache *cache, const struct dbb_fmap *maps, size_t n_maps,
		 bool symbols, const char *pack_dir, struct dbb_lsrc **out)
{
	struct dbb_lsrc *ls;
	int ret;

	*out = NULL;
	if ((ret = lsrc_get(cache, maps, n_maps, pack_dir, &ls)))
		return ret;
	if (!ls->n_ranges && !symbols) {
		/* no debug info anywhere: no lines, and no pass over the trace */
		dbb_lsrc_free(ls);
		return 0;
	}
	*out = ls;
	return 0;
}

void dbb_lsrc_free(struct dbb_lsrc *ls)
{
	struct dbb_lcache *c;
	struct dbb_lsrc *gone = NULL;

	if (!ls)
		return;
	if (!(c = ls->cache)) {
		lsrc_destroy(ls);
		return;
	}
	pthread_mutex_lock(&c->lock);
	if (--ls->refs == 0) {
		ls->used = ++c->clock;
		c->n_idle++;
	}
	if (c->n_idle > LCACHE_IDLE) {
		/* the least recently let go leaves the cache */
		struct dbb_lsrc **p, **oldest = NULL;

		for (p = &c->all; *p; p = &(*p)->next)
			if (!(*p)->refs && (!oldest || (*p)->used < (*oldest)->used))
				oldest = p;
		if (oldest) { /* there is one: n_idle counts them */
			gone = *oldest;
			*oldest = gone->next;
			c->n_idle--;
		}
	}
	pthread_mutex_unlock(&c->lock);
	lsrc_destroy(gone); /* outside the lock: freeing libc's debug info takes a while */
}

struct hs_src *dbb_lsrc_src(const struct dbb_lsrc *ls)
{
	return ls ? ls->src : NULL;
}

const struct dbb_range *dbb_lsrc_ranges(const struct dbb_lsrc *ls, size_t *n)
{
	*n = ls ? ls->n_ranges : 0;
	return ls ? ls->ranges : NULL;
}

bool dbb_lsrc_has_lines(const struct dbb_lsrc *ls)
{
	for (size_t i = 0; ls && i < ls->n_ranges; i++)
		if (!ls->ranges[i].inline_only)
			return true;
	return false;
}

/* In the dynamic linker (loaded for its inlined copies alone)? */
static bool in_ldso(const struct hs_src_loc *loc)
{
	return loc->module && hs_src_dynamic_linker(loc->module->path);
}

/* Ends with "@plt": gdb's name of a PLT stub (fs/source). */
static bool plt_name(const char *name)
{
	size_t n = strlen(name);

	return n >= 4 && !strcmp(name + n - 4, "@plt");
}

bool dbb_lsrc_tail_target(struct dbb_lsrc *ls, uint64_t from, uint64_t to)
{
	struct hs_src_loc a, b;

	if (!ls || hs_src_lookup(ls->src, to, &b) || !b.function || b.func_start != to ||
	    in_ldso(&b) || strstr(b.linkage_name ? b.linkage_name : b.function, ".cold"))
		return false;
	if (hs_src_lookup(ls->src, from, &a) || in_ldso(&a))
		return false;
	/* code without a symbol (a stripped library's static function, which
	 * Debian's .so files are full of) leaves its function when it jumps
	 * to a function's entry: `jmp free@plt` is a tail call.  (A callee
	 * that is a lone `jmp *GOT`, -fno-plt code, is a stub whose jump is the
	 * call's hop: the tree files its calls under the function reached, the
	 * tail calls out of it; tree_src_calls.c.) */
	if (!a.function)
		return true;
	/* the jump leaves a function (not the dynamic linker's) that is no
	 * PLT stub (its jmp *GOT is the call's hop) */
	if (plt_name(a.function))
		return false;
	return a.func_start != to;
}

static bool keep_direct(void *ctx, uint64_t addr, uint64_t dst)
{
	return ctx && dbb_lsrc_tail_target(ctx, addr, dst);
}

void dbb_lsrc_keep_direct(struct dbb_lsrc *ls, struct hs_trace_code *code)
{
	hs_trace_code_keep_direct(code, keep_direct, ls);
}

bool dbb_lsrc_covers(const struct dbb_lsrc *a, const struct dbb_lsrc *b)
{
	for (size_t i = 0; b && i < b->n_ranges; i++) {
		size_t k;

		for (k = 0; a && k < a->n_ranges; k++)
			if (a->ranges[k].start == b->ranges[i].start &&
			    a->ranges[k].end == b->ranges[i].end)
				break;
		if (!a || k == a->n_ranges)
			return false;
	}
	return true;
}
