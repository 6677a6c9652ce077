/* tree_source.c - the source-level paths of the tree (issue 5):
 *
 *   time/<t>/where          "function+0xoff file:line" (hs_src_format_where)
 *   time/<t>/backtrace      "#<n> <where> <t_call>" per frame, innermost first
 *   time/<t>/locals/<name>  a variable's value; locals/no-debug-info instead
 *                           when rip has no DWARF
 *   time/<t>/next-line, prev-line, finish, caller     links to ../<t'>
 *   calls/<function>        "<t_call> <t_return> <depth> <caller>" per call
 *   lines/<file path as folders>/<line>   the t of every start of the line
 *   sources/<path>          source files (DWARF paths, --sources folders)
 *   modules                 every module (ELF file) and what it lacks
 *
 * Each image gets one struct hs_src (fs/source), built on first use from
 * the image's file mappings (hs_db_file_maps) and shared by all threads.
 * What it warns about (missing files, corrupt DWARF) is kept and shown in
 * `modules`; nothing here fails because debug information is missing:
 * where falls back to addresses, locals says no-debug-info.
 *
 * Names map to small indices so that nodes stay values: calls/<f> is the
 * index of f in the image's sorted table of callee names; lines/ and
 * sources/ folders are indices into a table of path components (struct
 * ptab); lines/.../<line> carries the file's index in sub and the line in
 * a; locals/<name> the variable's index in the list at t.
 *
 * calls/<f> and lines/.../<line> can be long (millions of lines): they are
 * streamed (tree_stream.c) from arrays of their items, kept for the few
 * most recently read files (LIST_SLOTS), so that a read at any offset is a
 * binary search, not a scan from the start.
 */
#include "tree_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BT_MAX 256          /* frames shown; deeper stacks end in a note */
#define LIST_SLOTS 8
#define LOCALS_SLOTS 8
#define SITE_SLOTS 64       /* caller names cached by calls/<f> (a power of 2) */

/* ---- path tables: a path's components as a tree of indices ------------------- */

struct pt_ent {
	char *name;            /* one component */
	uint32_t parent;       /* index + 1 of the folder, 0: the top */
	int64_t leaf;          /* a file's id (line file id, source index), -1 */
};

struct ptab {
	struct pt_ent *e;
	size_t n, cap;
	uint32_t *hash;        /* open addressing: index + 1, 0 empty */
	size_t n_hash;         /* a power of two, > 2 n */
	uint32_t *order;       /* indices sorted by (parent, name) */
};

static uint64_t pt_key(uint32_t parent, const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ull ^ parent;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 1099511628211ull;
	return h;
}

static int pt_rehash(struct ptab *p)
{
	size_t n = p->n_hash ? p->n_hash * 2 : 256;
	uint32_t *h = calloc(n, sizeof(*h));

	if (!h)
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		size_t k = pt_key(p->e[i].parent, p->e[i].name, strlen(p->e[i].name)) & (n - 1);
		while (h[k])
			k = (k + 1) & (n - 1);
		h[k] = (uint32_t)i + 1;
	}
	free(p->hash);
	p->hash = h;
	p->n_hash = n;
	return 0;
}

/* The entry named name[0..len) in folder parent (index + 1): its index, or -1. */
static int64_t pt_find(const struct ptab *p, uint32_t parent, const char *name, size_t len)
{
	size_t k;

	if (!p->n_hash)
		return -1;
	k = pt_key(parent, name, len) & (p->n_hash - 1);
	for (; p->hash[k]; k = (k + 1) & (p->n_hash - 1)) {
		const struct pt_ent *e = &p->e[p->hash[k] - 1];
		if (e->parent == parent && strncmp(e->name, name, len) == 0 && !e->name[len])
			return p->hash[k] - 1;
	}
	return -1;
}

static int64_t pt_get(struct ptab *p, uint32_t parent, const char *name, size_t len)
{
	int64_t i = pt_find(p, parent, name, len);
	struct pt_ent *e;
	int err;

	if (i >= 0)
		return i;
	if (p->n >= UINT32_MAX - 1)
		return -ENOMEM;
	if ((p->n + 1) * 2 >= p->n_hash) {
		err = pt_rehash(p);
		if (err < 0)
			return err;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		e = realloc(p->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		p->e = e;
		p->cap = cap;
	}
	e = &p->e[p->n];
	e->name = strndup(name, len);
	if (!e->name)
		return -ENOMEM;
	e->parent = parent;
	e->leaf = -1;
	size_t k = pt_key(parent, name, len) & (p->n_hash - 1);
	while (p->hash[k])
		k = (k + 1) & (p->n_hash - 1);
	p->hash[k] = (uint32_t)p->n + 1;
	return (int64_t)p->n++;
}

/* Adds path (its components; "." and empty ones dropped, ".." taken
 * lexically) as a file with id leaf.  A path that names an existing
 * folder, or nothing, is ignored. */
static int pt_add(struct ptab *p, const char *path, int64_t leaf)
{
	uint32_t stack[256];
	size_t depth = 0;
	const char *s = path;

	while (*s) {
		const char *end = strchr(s, '/');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if (len == 0 || (len == 1 && s[0] == '.')) {
			/* nothing */
		} else if (len == 2 && s[0] == '.' && s[1] == '.') {
			if (depth)
				depth--;
		} else {
			int64_t i;
			if (depth == sizeof(stack) / sizeof(stack[0]))
				return 0;
			i = pt_get(p, depth ? stack[depth - 1] + 1 : 0, s, len);
			if (i < 0)
				return (int)i;
			stack[depth++] = (uint32_t)i;
		}
		s += len;
		if (*s == '/')
			s++;
	}
	if (depth && p->e[stack[depth - 1]].leaf < 0)
		p->e[stack[depth - 1]].leaf = leaf;
	return 0;
}

static const struct ptab *sort_tab;

static int pt_cmp(const void *a, const void *b)
{
	const struct pt_ent *x = &sort_tab->e[*(const uint32_t *)a];
	const struct pt_ent *y = &sort_tab->e[*(const uint32_t *)b];

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return strcmp(x->name, y->name);
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static int pt_seal(struct ptab *p)
{
	p->order = malloc((p->n ? p->n : 1) * sizeof(*p->order));
	if (!p->order)
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++)
		p->order[i] = (uint32_t)i;
	pthread_mutex_lock(&sort_lock); /* qsort has no context argument */
	sort_tab = p;
	qsort(p->order, p->n, sizeof(*p->order), pt_cmp);
	pthread_mutex_unlock(&sort_lock);
	return 0;
}

static void pt_free(struct ptab *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->e[i].name);
	free(p->e);
	free(p->hash);
	free(p->order);
	memset(p, 0, sizeof(*p));
}

/* The first position in order[] of folder parent's entries. */
static size_t pt_first(const struct ptab *p, uint32_t parent)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->e[p->order[mid]].parent < parent)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- per image state ------------------------------------------------------------ */

struct call_name {
	char *name;
	uint64_t *callees;     /* function entries with that name */
	size_t n_callees;
	uint64_t calls;
};

struct tree_src_image {
	pthread_mutex_t lock;  /* builds below, once each */
	bool src_done;
	int src_err;
	struct hs_src *src;
	char *notes;           /* warnings of fs/source, one per line */
	size_t notes_len;

	bool calls_done;
	int calls_err;
	struct call_name *names;   /* sorted by name */
	size_t n_names;

	bool lines_done;
	int lines_err;
	struct ptab lines;         /* leaf: the db's line file id */

	bool main_done;
	int main_err;
	uint64_t main_t;           /* time/main */

	bool sources_done;
	int sources_err;
	struct ptab sources;       /* leaf: index into disk[] */
	char **disk;
	size_t n_disk;
};

/* The item arrays of calls/<f> and lines/.../<line> (see the top). */
struct list_slot {
	struct hs_tree_node key;
	bool used;
	int refs;
	uint64_t last_used;
	struct hs_db_call *calls;  /* calls/<f> */
	uint64_t *ts;              /* lines/.../<line> */
	size_t n, cap;
};

struct locals_slot {
	bool used;
	uint16_t image;
	uint64_t t;
	uint64_t last_used;
	int err;                  /* -ENODATA: no debug info */
	struct hs_src_var *vars;
	size_t n;
	char note[160];
};

struct tree_src {
	struct tree_src_image *images;
	size_t n_images;
	char **source_dirs;
	size_t n_source_dirs;
	pthread_mutex_t lock;      /* the slots below */
	uint64_t clock;
	struct list_slot lists[LIST_SLOTS];
	struct locals_slot locals[LOCALS_SLOTS];
};

int tree_src_open(struct hs_tree *tree, const char *const *dirs, size_t n_dirs)
{
	struct tree_src *ts = calloc(1, sizeof(*ts));

	if (!ts)
		return -ENOMEM;
	tree->src = ts;
	pthread_mutex_init(&ts->lock, NULL);
	ts->images = calloc(tree->n_images ? tree->n_images : 1, sizeof(*ts->images));
	if (!ts->images)
		return -ENOMEM;
	ts->n_images = tree->n_images;
	for (size_t i = 0; i < ts->n_images; i++)
		pthread_mutex_init(&ts->images[i].lock, NULL);
	if (n_dirs) {
		ts->source_dirs = calloc(n_dirs, sizeof(char *));
		if (!ts->source_dirs)
			return -ENOMEM;
		for (size_t i = 0; i < n_dirs; i++) {
			ts->source_dirs[i] = strdup(dirs[i]);
			if (!ts->source_dirs[i])
				return -ENOMEM;
			ts->n_source_dirs++;
		}
	}
	return 0;
}

void tree_src_close(struct hs_tree *tree)
{
	struct tree_src *ts = tree->src;

	if (!ts)
		return;
	for (size_t i = 0; ts->images && i < ts->n_images; i++) {
		struct tree_src_image *si = &ts->images[i];

		hs_src_free(si->src);
		free(si->notes);
		for (size_t k = 0; k < si->n_names; k++) {
			free(si->names[k].name);
			free(si->names[k].callees);
		}
		free(si->names);
		pt_free(&si->lines);
		pt_free(&si->sources);
		for (size_t k = 0; k < si->n_disk; k++)
			free(si->disk[k]);
		free(si->disk);
		pthread_mutex_destroy(&si->lock);
	}
	free(ts->images);
	for (size_t i = 0; i < LIST_SLOTS; i++) {
		free(ts->lists[i].calls);
		free(ts->lists[i].ts);
	}
	for (size_t i = 0; i < LOCALS_SLOTS; i++)
		hs_src_vars_free(ts->locals[i].vars, ts->locals[i].n);
	for (size_t i = 0; i < ts->n_source_dirs; i++)
		free(ts->source_dirs[i]);
	free(ts->source_dirs);
	pthread_mutex_destroy(&ts->lock);
	free(ts);
	tree->src = NULL;
}

static struct tree_src_image *src_image(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return tree->src && n->image < tree->src->n_images ? &tree->src->images[n->image] : NULL;
}

/* ---- the debug information of an image ------------------------------------------ */

static void keep_warning(void *ctx, const char *line)
{
	struct tree_src_image *si = ctx;
	size_t n = strlen(line);
	char *p = realloc(si->notes, si->notes_len + n + 2);

	if (!p)
		return;
	memcpy(p + si->notes_len, line, n);
	p[si->notes_len + n] = '\n';
	p[si->notes_len + n + 1] = 0;
	si->notes = p;
	si->notes_len += n + 1;
}

static int add_map(void *ctx, const struct hs_db_file_map *m)
{
	return hs_src_add_mapping(ctx, m->path, m->start, m->end, m->offset, m->prot);
}

/* The image's hs_src, built on first use (called with si->lock held). */
static int build_src(struct hs_tree *tree, const struct hs_tree_node *n,
		     struct tree_src_image *si)
{
	struct hs_src_options opt = {
		.source_dirs = (const char *const *)tree->src->source_dirs,
		.n_source_dirs = tree->src->n_source_dirs,
		.warn = keep_warning,
		.warn_ctx = si,
	};
	int err;

	err = hs_src_new(&opt, &si->src);
	if (!err)
		err = hs_db_file_maps(tree_image(tree, n), add_map, si->src);
	if (!err)
		err = hs_src_finish(si->src);
	if (err < 0) {
		hs_src_free(si->src);
		si->src = NULL;
	}
	return err;
}

/* The image's debug information (borrowed, lives as long as the tree). */
static int get_src(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src **out)
{
	struct tree_src_image *si = src_image(tree, n);
	int err;

	*out = NULL;
	if (!si)
		return -ENOENT;
	pthread_mutex_lock(&si->lock);
	if (!si->src_done) {
		si->src_err = build_src(tree, n, si);
		si->src_done = true;
	}
	err = si->src_err;
	*out = si->src;
	pthread_mutex_unlock(&si->lock);
	return err;
}

/* modules: one line per module, then fs/source's warnings:
 *   0x<start>-0x<end> <path> [symbols] [dwarf] [problem: ...] */
int tree_modules_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct tree_src_image *si = src_image(tree, n);
	struct hs_src *s;
	int err = get_src(tree, n, &s);

	if (err < 0)
		return err;
	for (size_t i = 0; i < hs_src_module_count(s); i++) {
		const struct hs_src_module *m = hs_src_module_at(s, i);

		fprintf(f, "0x%" PRIx64 "-0x%" PRIx64 " %s %s %s", m->start, m->end, m->path,
			m->has_symbols ? "symbols" : "no-symbols",
			m->has_dwarf ? "dwarf" : "no-dwarf");
		if (m->problem)
			fprintf(f, " (%s)", m->problem);
		fputc('\n', f);
	}
	pthread_mutex_lock(&si->lock);
	if (si->notes)
		fputs(si->notes, f);
	pthread_mutex_unlock(&si->lock);
	return 0;
}

/* ---- time/<t>/where, backtrace ---------------------------------------------------- */

static int regs_at(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_db_regs **out)
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

static void put_where(FILE *f, struct hs_src *s, uint64_t addr)
{
	char buf[1024];

	hs_src_format_where(s, addr, buf, sizeof(buf));
	fputs(buf, f);
}

int tree_where_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct hs_db_regs *r;
	struct hs_src *s;
	int err = get_src(tree, n, &s);

	if (err < 0)
		return err;
	err = regs_at(tree, n, &r);
	if (err < 0)
		return err;
	put_where(f, s, r->regs.rip);
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
		struct hs_src_loc loc;

		/* the frame a signal interrupted follows the trampoline */
		u->exact[k] = k == 0 ||
			(!hs_src_lookup(s, u->pcs[k - 1], &loc) && loc.function &&
			 !strcmp(loc.function, "__restore_rt"));
		u->fn[k] = func_of(s, unwound_addr(s, u, k));
	}
	return 0;
}

/* "function+0xoff file:line" for an unwound frame: the offset of its pc
 * (a return address, as gdb prints it), the function and line of the
 * call (the byte before). */
static void put_unwound(FILE *f, struct hs_src *s, const struct bt_unwound *u, int k)
{
	uint64_t a = unwound_addr(s, u, k), pc = u->pcs[k];
	struct hs_src_loc loc;

	if (a == pc || hs_src_lookup(s, a, &loc) || !loc.function) {
		put_where(f, s, a);
		return;
	}
	fprintf(f, "%s+0x%" PRIx64, loc.function, pc - loc.func_start);
	if (loc.file) {
		const char *b = strrchr(loc.file, '/');

		fprintf(f, " %s:%" PRIu32, b ? b + 1 : loc.file, loc.line);
	}
}

/* Prints unwound frames from..to (inclusive), numbering on from *num. */
static void put_unwound_range(FILE *f, struct hs_src *s, const struct bt_unwound *u, int from,
			      int to, int *num)
{
	for (int k = from; k <= to && *num < BT_MAX; k++) {
		fprintf(f, "#%d ", (*num)++);
		put_unwound(f, s, u, k);
		fputs(" (unwound)\n", f);
	}
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
	struct hs_db_call *fr = malloc(BT_MAX * sizeof(*fr));
	struct bt_unwound *u = malloc(sizeof(*u));
	struct hs_db_regs *r = NULL;
	struct hs_src *s;
	int err, open, num = 0, k = 0;

	if (!fr || !u) {
		err = -ENOMEM;
		goto out;
	}
	err = get_src(tree, n, &s);
	if (!err)
		err = regs_at(tree, n, &r);
	if (err < 0)
		goto out;
	open = hs_db_backtrace(tree_image(tree, n), n->t, r->tid, fr, BT_MAX);
	if (open < 0) {
		err = open;
		goto out;
	}
	if (unwind_at(tree, n, s, r, u) < 0)
		u->n = 0;       /* no unwinder here: the call tree alone */
	for (int i = 0; i <= open && i <= BT_MAX; i++) {
		uint64_t pc = i == 0 ? r->regs.rip : fr[i - 1].call_site;
		uint64_t fpc = func_of(s, pc);

		if (i == BT_MAX || num >= BT_MAX) {
			fprintf(f, "... %d more frames\n", open - i + 1);
			break;
		}
		fprintf(f, "#%d ", num++);
		put_where(f, s, pc);
		if (i < open)
			fprintf(f, " %" PRIu64 "\n", fr[i].t_call);
		else
			fputs(" -\n", f);
		/* the cross-check: unwound frame k is this frame */
		if (k < u->n && (!fpc || u->fn[k] != fpc))
			u->n = 0;
		if (k >= u->n)
			continue;
		if (i == open) {
			put_unwound_range(f, s, u, k + 1, u->n - 1, &num);
			break;
		}
		uint64_t entered = func_of(s, fr[i].callee);
		uint64_t caller = func_of(s, fr[i].call_site);
		int m = -1;

		if (entered && fpc != entered) {
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
		if (m > k)
			put_unwound_range(f, s, u, k + 1, m, &num);
		k = m > k ? m + 1 : k + 1;
	}
out:
	free(r);
	free(u);
	free(fr);
	return err;
}

/* ---- links: next-line, prev-line, finish, caller ------------------------------------ */

/* A link that cannot be computed (no lines index, an old database) is
 * left out of listings like one that does not exist, so that ls time/<t>
 * always works; reading it still reports why. */
static int link_exists(int err)
{
	return err == -ENOSYS || err == -ENODATA || err == -EOPNOTSUPP ? -ENOENT : err;
}

static int step_t(struct hs_tree *tree, const struct hs_tree_node *n, enum hs_db_step how,
		  uint64_t *t)
{
	return hs_db_step_line(tree_image(tree, n), n->t, how, t);
}

int tree_next_line_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	return step_t(tree, n, HS_DB_STEP_OVER, t);
}

int tree_prev_line_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	return step_t(tree, n, HS_DB_STEP_BACK_OVER, t);
}

int tree_step_into_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	return step_t(tree, n, HS_DB_STEP_INTO, t);
}

int tree_step_back_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	return step_t(tree, n, HS_DB_STEP_BACK_INTO, t);
}

int tree_step_into_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return link_exists(tree_step_into_t(tree, n, &t));
}

int tree_step_back_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return link_exists(tree_step_back_t(tree, n, &t));
}

int tree_next_line_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return link_exists(tree_next_line_t(tree, n, &t));
}

int tree_prev_line_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return link_exists(tree_prev_line_t(tree, n, &t));
}

/* The innermost call open at t. */
static int open_call(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_db_call *c)
{
	int open;

	open = hs_db_backtrace(tree_image(tree, n), n->t, 0, c, 1);
	if (open < 0)
		return open;
	return open == 0 ? -ENOENT : 0;
}

int tree_finish_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	struct hs_db_call c;
	int err = open_call(tree, n, &c);

	if (err < 0)
		return err;
	if (c.t_ret == HS_DB_NO_RETURN)
		return -ENOENT;
	*t = c.t_ret;
	return 0;
}

int tree_caller_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	struct hs_db_call c;
	int err = open_call(tree, n, &c);

	if (err < 0)
		return err;
	*t = c.t_call;
	return 0;
}

int tree_finish_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return link_exists(tree_finish_t(tree, n, &t));
}

int tree_caller_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return link_exists(tree_caller_t(tree, n, &t));
}

/* ---- time/<t>/locals/ ------------------------------------------------------------ */

struct mem_ctx {
	const struct hs_db_image *img;
	uint64_t t;
};

static ssize_t read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct mem_ctx *m = ctx;

	return hs_db_mem_read(m->img, m->t, addr, len, buf);
}

/* The variables at n->t, from a small cache of recent moments: a listing
 * and the reads of each file that follow it ask the same t.  Copies the
 * one asked for (index i; SIZE_MAX: none) and the count, under the lock. */
struct locals_answer {
	int err;                /* 0, -ENODATA (no debug info) */
	size_t n;
	char note[160];         /* with -ENODATA */
};

static int locals_fill(struct hs_tree *tree, const struct hs_tree_node *n,
		       struct locals_slot *out)
{
	struct hs_db_regs *r;
	struct hs_src *s;
	struct mem_ctx mc = { tree_image(tree, n), n->t };
	struct hs_src_target tg = { 0 };
	int err = get_src(tree, n, &s);

	if (err < 0)
		return err;
	err = regs_at(tree, n, &r);
	if (err < 0)
		return err;
	tg.regs = &r->regs;
	tg.read_mem = read_mem;
	tg.ctx = &mc;
	err = hs_src_locals(s, &tg, &out->vars, &out->n);
	if (err == -ENODATA || err == -ENOENT) {
		char where[128];

		hs_src_format_where(s, r->regs.rip, where, sizeof(where));
		snprintf(out->note, sizeof(out->note), "no debug info at %s", where);
		out->vars = NULL;
		out->n = 0;
		err = -ENODATA;
	}
	free(r);
	return err;
}

/* Runs fn on the variables at n's t with the cache locked. */
static int with_locals(struct hs_tree *tree, const struct hs_tree_node *n,
		       int (*fn)(void *ctx, const struct locals_slot *l), void *ctx)
{
	struct tree_src *ts = tree->src;
	struct locals_slot fresh = { 0 }, *slot = NULL, *old = NULL;
	int err;

	pthread_mutex_lock(&ts->lock);
	for (size_t i = 0; i < LOCALS_SLOTS; i++) {
		struct locals_slot *l = &ts->locals[i];
		if (l->used && l->image == n->image && l->t == n->t) {
			l->last_used = ++ts->clock;
			err = fn(ctx, l);
			pthread_mutex_unlock(&ts->lock);
			return err;
		}
	}
	pthread_mutex_unlock(&ts->lock);
	/* outside the lock: DWARF and memory reads */
	fresh.err = locals_fill(tree, n, &fresh);
	if (fresh.err < 0 && fresh.err != -ENODATA)
		return fresh.err;
	fresh.used = true;
	fresh.image = n->image;
	fresh.t = n->t;
	pthread_mutex_lock(&ts->lock);
	for (size_t i = 0; i < LOCALS_SLOTS; i++) {
		struct locals_slot *l = &ts->locals[i];
		if (!l->used) {
			slot = l;
			break;
		}
		if (!old || l->last_used < old->last_used)
			old = l;
	}
	if (!slot) {
		slot = old;
		hs_src_vars_free(slot->vars, slot->n);
	}
	*slot = fresh;
	slot->last_used = ++ts->clock;
	err = fn(ctx, slot);
	pthread_mutex_unlock(&ts->lock);
	return err;
}

struct locals_q {
	struct hs_tree *tree;
	const struct hs_tree_node *dir;
	const char *name;          /* lookup: the name */
	struct hs_tree_node *out;
	hs_tree_dir_fn cb;         /* list */
	void *cb_ctx;
	uint32_t index;            /* text: the variable */
	FILE *f;
	bool nodebug_file;         /* text: locals/no-debug-info */
	/* a listing copies the names out, to call cb without the lock */
	char **names;
	size_t n_names;
	bool no_debug;
};

static int q_lookup(void *ctx, const struct locals_slot *l)
{
	struct locals_q *q = ctx;

	if (l->err == -ENODATA)
		return -ENOENT;
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->vars[i].name, q->name) == 0) {
			tree_node_child(q->out, q->dir, K_T_LOCAL);
			q->out->sub = (uint32_t)i;
			return 0;
		}
	}
	return -ENOENT;
}

static int q_names(void *ctx, const struct locals_slot *l)
{
	struct locals_q *q = ctx;

	q->no_debug = l->err == -ENODATA;
	if (!l->n)
		return 0;
	q->names = calloc(l->n, sizeof(char *));
	if (!q->names)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++) {
		q->names[i] = strdup(l->vars[i].name);
		if (!q->names[i])
			return -ENOMEM;
		q->n_names = i + 1;
	}
	return 0;
}

static int q_text(void *ctx, const struct locals_slot *l)
{
	struct locals_q *q = ctx;

	if (q->nodebug_file) {
		if (l->err != -ENODATA)
			return -ENOENT;
		fprintf(q->f, "%s\n", l->note);
		return 0;
	}
	if (l->err == -ENODATA || q->index >= l->n)
		return -ENOENT; /* the cache changed under a stale node */
	fprintf(q->f, "%s\n", l->vars[q->index].value);
	return 0;
}

int tree_locals_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		       const char *name, struct hs_tree_node *out)
{
	struct locals_q q = { .tree = tree, .dir = dir, .name = name, .out = out };

	return with_locals(tree, dir, q_lookup, &q);
}

int tree_locals_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		     hs_tree_dir_fn cb, void *ctx)
{
	struct locals_q q = { .tree = tree, .dir = dir };
	struct hs_tree_node c;
	int err = with_locals(tree, dir, q_names, &q);

	for (size_t i = 0; !err && i < q.n_names; i++) {
		tree_node_child(&c, dir, K_T_LOCAL);
		c.sub = (uint32_t)i;
		err = cb(ctx, q.names[i], &c);
	}
	for (size_t i = 0; i < q.n_names; i++)
		free(q.names[i]);
	free(q.names);
	return err;
}

int tree_local_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct hs_tree_node dir;
	struct locals_q q = { .tree = tree, .index = n->sub, .f = f };

	tree_node_parent(n, &dir);
	return with_locals(tree, &dir, q_text, &q);
}

static int q_nodebug(void *ctx, const struct locals_slot *l)
{
	return l->err == -ENODATA ? 0 : -ENOENT;
}

int tree_nodebug_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	struct hs_tree_node dir;

	tree_node_parent(n, &dir);
	return with_locals(tree, &dir, q_nodebug, NULL);
}

int tree_nodebug_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct hs_tree_node dir;
	struct locals_q q = { .tree = tree, .f = f, .nodebug_file = true };

	tree_node_parent(n, &dir);
	return with_locals(tree, &dir, q_text, &q);
}

/* ---- calls/ -------------------------------------------------------------------- */

struct callee_scan {
	struct hs_src *src;
	struct call_name *v;
	size_t n, cap;
	int err;
};

static int name_cmp(const void *a, const void *b)
{
	const struct call_name *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* The name of a function entry: its symbol when the address is its start,
 * else "0x<addr>" (no symbol, or a name with a '/' in it). */
static void callee_name(struct hs_src *s, uint64_t addr, char *buf, size_t cap)
{
	struct hs_src_loc loc;

	if (hs_src_lookup(s, addr, &loc) == 0 && loc.function && loc.func_start == addr &&
	    loc.function[0] && !strchr(loc.function, '/') && strcmp(loc.function, ".") &&
	    strcmp(loc.function, "..") && strlen(loc.function) < cap) {
		snprintf(buf, cap, "%s", loc.function);
		return;
	}
	snprintf(buf, cap, "0x%" PRIx64, addr);
}

static int collect_callee(void *ctx, uint64_t callee, uint64_t calls)
{
	struct callee_scan *c = ctx;
	char name[256];
	uint64_t *v;

	callee_name(c->src, callee, name, sizeof(name));
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct call_name *p = realloc(c->v, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		c->v = p;
		c->cap = cap;
	}
	v = malloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	*v = callee;
	c->v[c->n] = (struct call_name){ strdup(name), v, 1, calls };
	if (!c->v[c->n].name) {
		free(v);
		return -ENOMEM;
	}
	c->n++;
	return 0;
}

/* Sorted by name, entries of the same name merged. */
static int build_names(struct hs_tree *tree, const struct hs_tree_node *n,
		       struct tree_src_image *si, struct hs_src *s)
{
	struct callee_scan c = { .src = s };
	size_t w = 0;
	int err;

	err = hs_db_callees(tree_image(tree, n), collect_callee, &c);

	if (err < 0)
		goto fail;
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), name_cmp);
	for (size_t i = 0; i < c.n; i++) {
		if (w && strcmp(c.v[w - 1].name, c.v[i].name) == 0) {
			struct call_name *d = &c.v[w - 1];
			uint64_t *p = realloc(d->callees, (d->n_callees + 1) * sizeof(*p));
			if (!p) {
				err = -ENOMEM;
				goto fail;
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
	si->names = c.v;
	si->n_names = w;
	return 0;
fail:
	for (size_t i = 0; i < c.n; i++) {
		free(c.v[i].name);
		free(c.v[i].callees);
	}
	free(c.v);
	return err;
}

static int get_names(struct hs_tree *tree, const struct hs_tree_node *n,
		     struct tree_src_image **out)
{
	struct tree_src_image *si = src_image(tree, n);
	struct hs_src *s;
	int err = get_src(tree, n, &s);

	if (err < 0)
		return err;
	pthread_mutex_lock(&si->lock);
	if (!si->calls_done) {
		si->calls_err = build_names(tree, n, si, s);
		si->calls_done = true;
	}
	err = si->calls_err;
	pthread_mutex_unlock(&si->lock);
	*out = si;
	return err;
}

int tree_calls_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		      const char *name, struct hs_tree_node *out)
{
	struct tree_src_image *si;
	struct call_name key = { .name = (char *)name };
	struct call_name *hit;
	int err = get_names(tree, dir, &si);

	if (err < 0)
		return err;
	hit = si->n_names ? bsearch(&key, si->names, si->n_names, sizeof(key), name_cmp) : NULL;
	if (!hit)
		return -ENOENT;
	tree_node_child(out, dir, K_CALL);
	out->a = (uint64_t)(hit - si->names);
	return 0;
}

int tree_calls_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		    hs_tree_dir_fn cb, void *ctx)
{
	struct tree_src_image *si;
	struct hs_tree_node c;
	int err = get_names(tree, dir, &si);

	for (size_t i = 0; !err && i < si->n_names; i++) {
		tree_node_child(&c, dir, K_CALL);
		c.a = i;
		err = cb(ctx, si->names[i].name, &c);
	}
	return err;
}

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

static int add_call(void *ctx, const struct hs_db_call *c)
{
	struct list_slot *l = ctx;

	if (l->n == l->cap && grow(l, sizeof(*c)) < 0)
		return -ENOMEM;
	l->calls[l->n++] = *c;
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

	return x->t_call < y->t_call ? -1 : x->t_call > y->t_call;
}

static int fill_list(struct hs_tree *tree, const struct hs_tree_node *n, struct list_slot *l)
{
	const struct hs_db_image *img = tree_image(tree, n);
	struct tree_src_image *si;
	int err;

	if (n->kind == K_LINE) {
		si = src_image(tree, n);
		return hs_db_line_times(img, (uint32_t)si->lines.e[n->sub].leaf, (uint32_t)n->a,
					add_line_t, l);
	}
	err = get_names(tree, n, &si);
	if (err < 0)
		return err;
	if (n->a >= si->n_names)
		return -ENOENT;
	for (size_t i = 0; i < si->names[n->a].n_callees; i++) {
		err = hs_db_calls_to(img, si->names[n->a].callees[i], add_call, l);
		if (err < 0)
			return err;
	}
	if (si->names[n->a].n_callees > 1 && l->n)
		qsort(l->calls, l->n, sizeof(*l->calls), call_t_cmp);
	return 0;
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
		free(fresh.calls);
		free(fresh.ts);
		return err;
	}
	pthread_mutex_lock(&ts->lock);
	for (size_t i = 0; i < LIST_SLOTS; i++) {
		struct list_slot *l = &ts->lists[i];
		if (l->used && node_eq(&l->key, n)) { /* another thread was first */
			slot = l;
			free(fresh.calls);
			free(fresh.ts);
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
			free(fresh.calls);
			free(fresh.ts);
			return -ENOMEM;
		}
		*slot = fresh;
		slot->key = *n;
		slot->used = false; /* marks it private */
		slot->refs = 1;
		*out = slot;
		return 0;
	}
	free(slot->calls);
	free(slot->ts);
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
		free(l->calls);
		free(l->ts);
		free(l);
		return;
	}
	pthread_mutex_lock(&ts->lock);
	l->refs--;
	pthread_mutex_unlock(&ts->lock);
}

/* calls/<f>: "<t_call> <t_return or -> <depth> <caller>", by t_call. */
int tree_gen_calls(struct tree_walk *w)
{
	/* callers by call site: a few sites make most calls */
	struct site { uint64_t addr; char name[256]; } *sites;
	struct list_slot *l;
	struct hs_src *s;
	size_t lo = 0, hi;
	int err = get_src(w->tree, &w->node, &s);

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
		struct site *st = &sites[(c->call_site * 0x9e3779b97f4a7c15ull) >> 58];
		const char *caller;
		char *p = w->line;
		struct hs_src_loc loc;

		if (st->addr != c->call_site || !st->name[0]) {
			if (hs_src_lookup(s, c->call_site, &loc) == 0 && loc.function)
				snprintf(st->name, sizeof(st->name), "%s", loc.function);
			else
				snprintf(st->name, sizeof(st->name), "0x%" PRIx64, c->call_site);
			st->addr = c->call_site;
		}
		caller = st->name;
		p += tree_put_u64(p, c->t_call);
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

/* ---- lines/ -------------------------------------------------------------------- */

static int add_line_file(void *ctx, uint32_t file_id, const char *path)
{
	return pt_add(ctx, path, file_id);
}

static int get_lines(struct hs_tree *tree, const struct hs_tree_node *n,
		     struct tree_src_image **out)
{
	struct tree_src_image *si = src_image(tree, n);
	int err;

	if (!si)
		return -ENOENT;
	pthread_mutex_lock(&si->lock);
	if (!si->lines_done) {
		err = hs_db_line_files(tree_image(tree, n), add_line_file, &si->lines);
		if (!err)
			err = pt_seal(&si->lines);
		si->lines_err = err;
		si->lines_done = true;
	}
	err = si->lines_err;
	pthread_mutex_unlock(&si->lock);
	*out = si;
	return err;
}

/* folder index + 1 of a lines/ or sources/ folder node (0: the top) */
static uint32_t folder_of(const struct hs_tree_node *dir)
{
	return dir->kind == K_LINEDIR || dir->kind == K_SRCDIR ? (uint32_t)dir->a + 1 : 0;
}

struct line_find {
	uint32_t line;
	bool found;
};

static int find_line(void *ctx, uint32_t line, uint64_t starts)
{
	struct line_find *lf = ctx;

	if (line == lf->line) {
		lf->found = true;
		return 1;
	}
	return 0;
}

int tree_lines_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
		      const char *name, struct hs_tree_node *out)
{
	struct tree_src_image *si;
	uint32_t folder = folder_of(dir);
	int64_t i;
	uint64_t v;
	int err = get_lines(tree, dir, &si);

	if (err < 0)
		return err;
	i = pt_find(&si->lines, folder, name, strlen(name));
	if (i >= 0) {
		tree_node_child(out, dir, K_LINEDIR);
		out->a = (uint64_t)i;
		return 0;
	}
	/* a line number of a file */
	if (folder && si->lines.e[folder - 1].leaf >= 0 && tree_parse_u64(name, &v) == 0 &&
	    v > 0 && v <= UINT32_MAX) {
		struct line_find lf = { (uint32_t)v, false };

		err = hs_db_line_numbers(tree_image(tree, dir), (uint32_t)si->lines.e[folder - 1].leaf,
					 find_line, &lf);
		if (err < 0)
			return err;
		if (!lf.found)
			return -ENOENT;
		tree_node_child(out, dir, K_LINE);
		out->sub = folder - 1;
		out->a = v;
		return 0;
	}
	return -ENOENT;
}

struct line_list {
	struct hs_tree_node dir;
	hs_tree_dir_fn cb;
	void *ctx;
};

static int list_line(void *ctx, uint32_t line, uint64_t starts)
{
	struct line_list *ll = ctx;
	struct hs_tree_node c;
	char name[16];

	tree_node_child(&c, &ll->dir, K_LINE);
	c.sub = (uint32_t)ll->dir.a;
	c.a = line;
	snprintf(name, sizeof(name), "%" PRIu32, line);
	return ll->cb(ll->ctx, name, &c);
}

static int list_folder(const struct ptab *p, const struct hs_tree_node *dir, uint16_t kind,
		       hs_tree_dir_fn cb, void *ctx)
{
	uint32_t folder = folder_of(dir);
	struct hs_tree_node c;
	int err = 0;

	for (size_t k = pt_first(p, folder); !err && k < p->n; k++) {
		uint32_t i = p->order[k];
		if (p->e[i].parent != folder)
			break;
		tree_node_child(&c, dir, kind);
		c.a = i;
		err = cb(ctx, p->e[i].name, &c);
	}
	return err;
}

int tree_lines_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		    hs_tree_dir_fn cb, void *ctx)
{
	struct tree_src_image *si;
	uint32_t folder = folder_of(dir);
	int err = get_lines(tree, dir, &si);

	if (!err)
		err = list_folder(&si->lines, dir, K_LINEDIR, cb, ctx);
	if (!err && folder && si->lines.e[folder - 1].leaf >= 0) {
		struct line_list ll = { *dir, cb, ctx };
		err = hs_db_line_numbers(tree_image(tree, dir), (uint32_t)si->lines.e[folder - 1].leaf,
					 list_line, &ll);
	}
	return err;
}

/* ---- sources/ -------------------------------------------------------------------- */

struct src_add {
	struct hs_src *s;
	struct tree_src_image *si;
	size_t cap;
};

static int add_source(void *ctx, const char *dwarf_path)
{
	struct src_add *a = ctx;
	struct tree_src_image *si = a->si;
	char *disk;
	int err = hs_src_source_find(a->s, dwarf_path, &disk);

	if (err == -ENOENT)
		return 0; /* not on this machine: not listed */
	if (err < 0)
		return err;
	if (si->n_disk == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;
		char **p = realloc(si->disk, cap * sizeof(*p));
		if (!p) {
			free(disk);
			return -ENOMEM;
		}
		si->disk = p;
		a->cap = cap;
	}
	si->disk[si->n_disk] = disk;
	err = pt_add(&si->sources, dwarf_path, (int64_t)si->n_disk);
	si->n_disk++;
	return err;
}

static int get_sources(struct hs_tree *tree, const struct hs_tree_node *n,
		       struct tree_src_image **out)
{
	struct tree_src_image *si = src_image(tree, n);
	struct hs_src *s;
	int err = get_src(tree, n, &s);

	if (err < 0)
		return err;
	pthread_mutex_lock(&si->lock);
	if (!si->sources_done) {
		struct src_add a = { s, si, 0 };
		err = hs_src_source_files(s, add_source, &a);
		if (!err)
			err = pt_seal(&si->sources);
		si->sources_err = err;
		si->sources_done = true;
	}
	err = si->sources_err;
	pthread_mutex_unlock(&si->lock);
	*out = si;
	return err;
}

int tree_sources_lookup(struct hs_tree *tree, const struct hs_tree_node *dir,
			const char *name, struct hs_tree_node *out)
{
	struct tree_src_image *si;
	int64_t i;
	int err = get_sources(tree, dir, &si);

	if (err < 0)
		return err;
	i = pt_find(&si->sources, folder_of(dir), name, strlen(name));
	if (i < 0)
		return -ENOENT;
	tree_node_child(out, dir, si->sources.e[i].leaf >= 0 ? K_SRCFILE : K_SRCDIR);
	out->a = (uint64_t)i;
	return 0;
}

int tree_sources_list(struct hs_tree *tree, const struct hs_tree_node *dir,
		      hs_tree_dir_fn cb, void *ctx)
{
	struct tree_src_image *si;
	uint32_t folder = folder_of(dir);
	struct hs_tree_node c;
	int err = get_sources(tree, dir, &si);
	const struct ptab *p = &si->sources;

	for (size_t k = err ? p->n : pt_first(p, folder); !err && k < p->n; k++) {
		uint32_t i = p->order[k];
		if (p->e[i].parent != folder)
			break;
		tree_node_child(&c, dir, p->e[i].leaf >= 0 ? K_SRCFILE : K_SRCDIR);
		c.a = i;
		err = cb(ctx, p->e[i].name, &c);
	}
	return err;
}

int tree_source_text(struct hs_tree *tree, const struct hs_tree_node *n, FILE *f)
{
	struct tree_src_image *si;
	char buf[65536];
	size_t got;
	FILE *in;
	int err = get_sources(tree, n, &si);

	if (err < 0)
		return err;
	if (n->a >= si->sources.n || si->sources.e[n->a].leaf < 0)
		return -ENOENT;
	in = fopen(si->disk[si->sources.e[n->a].leaf], "r");
	if (!in)
		return -EIO; /* it was there when listed */
	while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, got, f);
	err = ferror(in) ? -EIO : 0;
	fclose(in);
	return err;
}

/* ".." of the nodes whose folder is a table entry. */
int tree_src_parent(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_tree_node *out)
{
	struct tree_src_image *si = src_image(tree, n);
	const struct ptab *p;
	uint32_t folder;

	if (!si)
		return -ENOENT;
	if (n->kind == K_LINE) {
		tree_node_parent(n, out); /* K_LINEDIR, with the file's index */
		out->a = n->sub;
		return 0;
	}
	p = n->kind == K_LINEDIR ? &si->lines : &si->sources;
	if (n->a >= p->n)
		return -ENOENT;
	folder = p->e[n->a].parent;
	tree_node_parent(n, out);
	if (folder) {
		out->kind = n->kind == K_LINEDIR ? K_LINEDIR : K_SRCDIR;
		out->a = folder - 1;
	} else {
		struct hs_tree_node top;
		memset(&top, 0, sizeof(top));
		top.kind = (n->flags & NODE_IN_PROC) ? K_PROC : K_ROOT;
		top.image = n->image;
		top.flags = n->flags & NODE_IN_PROC;
		tree_node_child(out, &top, n->kind == K_LINEDIR ? K_LINES : K_SOURCES);
	}
	return 0;
}

/* ---- time/main -------------------------------------------------------------------- */

struct main_find {
	const struct hs_db_image *img;
	uint64_t t_call;           /* the earliest call of any entry named main */
	bool found;
};

static int on_main_call(void *ctx, const struct hs_db_call *c)
{
	struct main_find *m = ctx;

	if (!m->found || c->t_call < m->t_call) {
		m->t_call = c->t_call;
		m->found = true;
	}
	return 1; /* calls come by t_call: the first is the earliest */
}

static int on_main_entry(void *ctx, uint64_t addr)
{
	struct main_find *m = ctx;
	int err = hs_db_calls_to(m->img, addr, on_main_call, m);

	return err < 0 ? err : 0;
}

/* Where gdb's `break main` stops: main's first line start (after its
 * prologue), or main's entry without line info there.  The start must be
 * main's own: a line of a function main calls first would be deeper. */
static int main_t(struct hs_tree *tree, const struct hs_tree_node *n, struct hs_src *s,
		  uint64_t *t)
{
	struct main_find m = { .img = tree_image(tree, n) };
	struct hs_db_regs r;
	struct hs_src_loc loc;
	uint64_t t1;
	int err = hs_src_function_entries(s, "main", on_main_entry, &m);

	if (err < 0)
		return err;
	if (!m.found)
		return -ENOENT;
	*t = m.t_call + 1; /* the call has run: rip at main's entry */
	if (hs_db_step_line(m.img, m.t_call, HS_DB_STEP_INTO, &t1) == 0 &&
	    hs_db_regs_at(m.img, t1, 0, &r) == 0 &&
	    hs_src_lookup(s, r.regs.rip, &loc) == 0 && loc.function &&
	    strcmp(loc.function, "main") == 0)
		*t = t1;
	return 0;
}

int tree_main_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t)
{
	struct tree_src_image *si = src_image(tree, n);
	struct hs_src *s;
	int err;

	if (!si)
		return -ENOENT;
	err = get_src(tree, n, &s);
	pthread_mutex_lock(&si->lock);
	if (!si->main_done) {
		si->main_err = err < 0 ? err : main_t(tree, n, s, &si->main_t);
		si->main_done = true;
	}
	err = si->main_err;
	*t = si->main_t;
	pthread_mutex_unlock(&si->lock);
	return err;
}

int tree_main_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;

	return link_exists(tree_main_t(tree, n, &t));
}
