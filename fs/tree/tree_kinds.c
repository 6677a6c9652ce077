/* tree_kinds.c - every kind of node in one table, and the folders whose names are computed.
 *
 * A row says what a path is: its name in its folder, the folder kind, the
 * type, and the hook that makes its contents.  Folders list their fixed
 * rows in table order, then what their list hook adds.  To add a file
 * under time/<t>/ (issue 5's where, backtrace):
 *
 *   [K_T_WHERE] = { "where", K_T, FILE, KF_T, .text = where_text },
 *
 * a link to another moment (next-line, finish, caller):
 *
 *   [K_T_FINISH] = { "finish", K_T, LINK, KF_T, .target = finish_t },
 *
 * and a folder with computed names (calls/<function>, lines/<file>/):
 * a row with lookup and list hooks, whose children's rows have name NULL.
 */
#include "tree_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIR HS_TREE_DIR
#define FILE_ HS_TREE_FILE
#define LINK HS_TREE_LINK

/* ---- names ------------------------------------------------------------------ */

int tree_parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -EINVAL;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

/* Hex digits after "0x", lower or upper case, at most 16. */
static int parse_hex(const char *s, const char **end, uint64_t *v)
{
	uint64_t x = 0;
	int n = 0;

	for (; *s; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (n == 16)
			return -EINVAL;
		x = x << 4 | (uint64_t)d;
	}
	if (!n)
		return -EINVAL;
	*end = s;
	*v = x;
	return 0;
}

/* ---- time/ ---------------------------------------------------------------------- */

/* time/<t> and time/<t>.<k>: view k (1..h) of moment t, where h inlined
 * copies start at its pc (tree_src_views): the outermost k of them are
 * shown, as gdb shows them after `break f` on an inlined f or a `step`
 * into the copy at the same pc.  A k outside 1..h names nothing. */
static int lookup_time(struct hs_tree *tree, const struct hs_tree_node *dir,
		       const char *name, struct hs_tree_node *out)
{
	const char *dot = strchr(name, '.');
	char num[24];
	uint64_t t, k = 0;
	unsigned h;
	size_t len = dot ? (size_t)(dot - name) : strlen(name);

	if (len >= sizeof(num))
		return -ENOENT;
	memcpy(num, name, len);
	num[len] = '\0';
	if (tree_parse_u64(num, &t) < 0 || t > tree_t_end(tree, dir))
		return -ENOENT;
	if (dot && (tree_parse_u64(dot + 1, &k) < 0 || k == 0 || k > UINT32_MAX))
		return -ENOENT;
	tree_node_child(out, dir, K_T);
	out->t = t;
	if (!k)
		return 0;
	if (tree_src_views(tree, out, &h) < 0 || k > h)
		return -ENOENT;
	out->view = (uint32_t)k;
	return 0;
}

static int mark_start(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		      uint32_t *view)
{
	*t = 0;
	return 0;
}

static int mark_end(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		    uint32_t *view)
{
	*t = tree_t_end(tree, n);
	return 0;
}

/* The fatal signal's delivery: the last signal event with the number the
 * exit record names, when the image ended by a signal. */
struct crash_scan {
	int32_t signo;
	bool killed, found;
	uint64_t t;
};

static int crash_event(void *ctx, const struct hs_db_event *ev)
{
	struct crash_scan *c = ctx;

	if (ev->tag == HS_EV_EXIT && ev->len >= 8 && hs_le32(ev->payload) == HS_EXIT_SIGNAL) {
		c->killed = true;
		c->signo = (int32_t)hs_le32(ev->payload + 4);
	}
	return 0;
}

static int crash_signal(void *ctx, const struct hs_db_event *ev)
{
	struct crash_scan *c = ctx;

	if (ev->len >= 8 && (int32_t)hs_le32(ev->payload + 4) == c->signo) {
		c->found = true;
		c->t = ev->t;
	}
	return 0;
}

static int crash_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		   uint32_t *view)
{
	struct tree_image *ti = tree_image_facts(tree, n);
	struct crash_scan c = { 0 };
	int err = 0;

	pthread_mutex_lock(&tree->lock);
	if (ti->crash_done) {
		err = ti->crash_err;
		*t = ti->crash_t;
		pthread_mutex_unlock(&tree->lock);
		return err;
	}
	pthread_mutex_unlock(&tree->lock);
	err = hs_db_events(ti->img, ti->info.t_end, ti->info.t_end,
			   HS_DB_KIND_BIT(HS_EV_EXIT), crash_event, &c);
	if (!err && c.killed)
		err = hs_db_events(ti->img, 0, ti->info.t_end, HS_DB_KIND_BIT(HS_EV_SIGNAL),
				   crash_signal, &c);
	if (!err)
		err = c.found ? 0 : c.killed ? 0 : -ENOENT;
	*t = c.found ? c.t : ti->info.t_end;
	pthread_mutex_lock(&tree->lock);
	ti->crash_done = true;
	ti->crash_err = err;
	ti->crash_t = *t;
	pthread_mutex_unlock(&tree->lock);
	return err;
}

static int crash_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t;
	uint32_t view;

	return crash_t(tree, n, &t, &view);
}

/* ---- time/<t>/ ------------------------------------------------------------------ */

static int next_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		  uint32_t *view)
{
	if (n->t >= tree_t_end(tree, n))
		return -ENOENT;
	*t = n->t + 1;
	return 0;
}

static int prev_t(struct hs_tree *tree, const struct hs_tree_node *n, uint64_t *t,
		  uint32_t *view)
{
	if (n->t == 0)
		return -ENOENT;
	*t = n->t - 1;
	return 0;
}

static int next_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return n->t < tree_t_end(tree, n) ? 0 : -ENOENT;
}

static int prev_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	return n->t > 0 ? 0 : -ENOENT;
}

/* insn: the instruction that runs next; none after the last one, unless
 * a signal killed the image there: then the one it interrupted (a fault's
 * faulting instruction, which did not retire) */
static int insn_exists(struct hs_tree *tree, const struct hs_tree_node *n)
{
	uint64_t t_end = tree_t_end(tree, n), t;

	if (n->t < t_end)
		return 0;
	uint32_t view;

	return n->t == t_end && crash_t(tree, n, &t, &view) == 0 ? 0 : -ENOENT;
}

/* ---- reg/ ------------------------------------------------------------------------ */

static const char *const xmm_names[] = {
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
	"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
};

static size_t n_db_regs;
static pthread_once_t db_regs_once = PTHREAD_ONCE_INIT;

static void count_db_regs(void)
{
	while (hs_db_reg_name(n_db_regs))
		n_db_regs++;
}

const char *tree_reg_name(size_t i)
{
	pthread_once(&db_regs_once, count_db_regs);
	if (i < n_db_regs)
		return hs_db_reg_name(i);
	i -= n_db_regs;
	return i < sizeof(xmm_names) / sizeof(xmm_names[0]) ? xmm_names[i] : NULL;
}

static int lookup_reg(struct hs_tree *tree, const struct hs_tree_node *dir,
		      const char *name, struct hs_tree_node *out)
{
	/* gdb's name for rflags opens it too (not listed: one file each) */
	if (strcmp(name, "eflags") == 0)
		name = "rflags";
	for (size_t i = 0; tree_reg_name(i); i++) {
		if (strcmp(name, tree_reg_name(i)) == 0) {
			tree_node_child(out, dir, K_T_REG);
			out->sub = (uint32_t)i;
			return 0;
		}
	}
	return -ENOENT;
}

static int list_reg(struct hs_tree *tree, const struct hs_tree_node *dir,
		    hs_tree_dir_fn cb, void *ctx)
{
	struct hs_tree_node c;
	int err;

	for (size_t i = 0; tree_reg_name(i); i++) {
		tree_node_child(&c, dir, K_T_REG);
		c.sub = (uint32_t)i;
		err = cb(ctx, tree_reg_name(i), &c);
		if (err)
			return err;
	}
	return 0;
}

/* ---- threads/ --------------------------------------------------------------------- */

/* threads/<tid>: the OS tids of the image's threads (db.h "Thread ids"),
 * in order of creation.  Should the OS have given one tid to two threads
 * of a recording, the first has the name. */
static int lookup_thread(struct hs_tree *tree, const struct hs_tree_node *dir,
			 const char *name, struct hs_tree_node *out)
{
	const struct hs_db_image *img = tree_image(tree, dir);
	uint64_t v;

	if (!img || tree_parse_u64(name, &v) < 0 || v == 0 || v > UINT32_MAX ||
	    !hs_db_thread_find(img, (uint32_t)v))
		return -ENOENT;
	tree_node_child(out, dir, K_THREAD);
	out->a = v;
	return 0;
}

static int list_threads(struct hs_tree *tree, const struct hs_tree_node *dir,
			hs_tree_dir_fn cb, void *ctx)
{
	const struct hs_db_image *img = tree_image(tree, dir);
	const struct hs_db_thread *v;
	struct hs_tree_node c;
	char name[16];
	size_t n;
	int err = 0;

	if (!img)
		return -ENOENT;
	n = hs_db_threads(img, &v);
	for (size_t i = 0; !err && i < n; i++) {
		if (!v[i].tid || hs_db_thread_find(img, v[i].tid) != &v[i])
			continue; /* unknown, or a name already listed */
		tree_node_child(&c, dir, K_THREAD);
		c.a = v[i].tid;
		snprintf(name, sizeof(name), "%" PRIu32, v[i].tid);
		err = cb(ctx, name, &c);
	}
	return err;
}

/* ---- writes/ --------------------------------------------------------------------- */

/* writes/<0xADDR>[+LEN]: hex address, decimal or 0x-hex length 1..1 MiB,
 * inside the user half of the address space.  Other spellings of one
 * range (0x10+8, 0x010+0x8) are the same file, as hard links are. */
static int lookup_write(struct hs_tree *tree, const struct hs_tree_node *dir,
			const char *name, struct hs_tree_node *out)
{
	const char *end;
	uint64_t addr, len = 1;

	if (strncmp(name, "0x", 2) != 0 || parse_hex(name + 2, &end, &addr) < 0)
		return -ENOENT;
	if (*end == '+') {
		if (strncmp(end + 1, "0x", 2) == 0) {
			if (parse_hex(end + 3, &end, &len) < 0 || *end)
				return -ENOENT;
		} else if (tree_parse_u64(end + 1, &len) < 0) {
			return -ENOENT;
		}
	} else if (*end) {
		return -ENOENT;
	}
	if (len == 0 || len > TREE_WRITE_MAX || addr >= TREE_MEM_SIZE || len > TREE_MEM_SIZE - addr)
		return -ENOENT;
	tree_node_child(out, dir, K_WRITE);
	out->a = addr;
	out->b = len;
	return 0;
}

/* ---- processes/ ------------------------------------------------------------------- */

static int lookup_process(struct hs_tree *tree, const struct hs_tree_node *dir,
			  const char *name, struct hs_tree_node *out)
{
	for (size_t i = 0; i < tree->n_images; i++) {
		if (strcmp(tree->images[i].info.name, name) == 0) {
			memset(out, 0, sizeof(*out));
			out->kind = K_PROC;
			out->image = (uint16_t)i;
			out->flags = NODE_IN_PROC;
			return 0;
		}
	}
	return -ENOENT;
}

static int list_processes(struct hs_tree *tree, const struct hs_tree_node *dir,
			  hs_tree_dir_fn cb, void *ctx)
{
	struct hs_tree_node c;
	int err;

	for (size_t i = 0; i < tree->n_images && i <= UINT16_MAX; i++) {
		memset(&c, 0, sizeof(c));
		c.kind = K_PROC;
		c.image = (uint16_t)i;
		c.flags = NODE_IN_PROC;
		err = cb(ctx, tree->images[i].info.name, &c);
		if (err)
			return err;
	}
	return 0;
}

/* ---- the table ----------------------------------------------------------------- */

const struct tree_kind tree_kinds[K_COUNT] = {
	/* folders */
	[K_ROOT] = { NULL, K_NONE, DIR, 0 },
	[K_PROC] = { NULL, K_PROCESSES, DIR, 0 },
	[K_TOP] = { NULL, K_NONE, DIR, 0 },
	[K_PROCESSES] = { "processes", K_ROOT, DIR, 0, .lookup = lookup_process,
			  .list = list_processes },
	/* the top of every image, in listing order */
	[K_README] = { "README", K_TOP, FILE_, 0, .text = tree_readme_text, .size = tree_readme_size },
	[K_INFO] = { "info", K_TOP, FILE_, 0, .text = tree_info_file },
	[K_STDOUT] = { "stdout", K_TOP, FILE_, KF_PIN, .gen = tree_gen_output },
	[K_STDERR] = { "stderr", K_TOP, FILE_, KF_PIN, .gen = tree_gen_output },
	[K_EVENTS] = { "events", K_TOP, FILE_, KF_PIN, .gen = tree_gen_events },
	[K_SYSCALLS] = { "syscalls", K_TOP, FILE_, KF_PIN, .gen = tree_gen_syscalls },
	[K_OUTPUT] = { "output", K_TOP, FILE_, KF_PIN, .gen = tree_gen_output },
	[K_TIME] = { "time", K_TOP, DIR, 0, .lookup = lookup_time },
	[K_THREADS] = { "threads", K_TOP, DIR, 0, .lookup = lookup_thread, .list = list_threads },
	[K_WRITES] = { "writes", K_TOP, DIR, 0, .lookup = lookup_write },
	/* source level (tree_source.c, tree_src_*.c) */
	[K_MODULES] = { "modules", K_TOP, FILE_, 0, .text = tree_modules_text },
	[K_CALLS] = { "calls", K_TOP, DIR, 0, .lookup = tree_calls_lookup, .list = tree_calls_list },
	[K_LINES] = { "lines", K_TOP, DIR, 0, .lookup = tree_lines_lookup, .list = tree_lines_list },
	[K_SOURCES] = { "sources", K_TOP, DIR, 0, .lookup = tree_sources_lookup,
			.list = tree_sources_list },
	/* time/: named marks (ls shows them); any number resolves (lookup_time) */
	[K_MARK_START] = { "start", K_TIME, LINK, 0, .target = mark_start },
	[K_MARK_END] = { "end", K_TIME, LINK, 0, .target = mark_end },
	[K_MARK_CRASH] = { "crash", K_TIME, LINK, 0, .target = crash_t, .exists = crash_exists },
	[K_MARK_MAIN] = { "main", K_TIME, LINK, 0, .target = tree_main_t,
			  .exists = tree_main_exists },
	[K_T] = { NULL, K_TIME, DIR, KF_T },
	/* time/<t>/ */
	[K_T_REGS] = { "regs", K_T, FILE_, KF_T, .text = tree_regs_text, .size = tree_regs_size },
	[K_T_REGDIR] = { "reg", K_T, DIR, KF_T, .lookup = lookup_reg, .list = list_reg },
	[K_T_MEM] = { "mem", K_T, FILE_, KF_T | KF_DIRECT, .read = tree_mem_read, .attr = tree_mem_attr },
	[K_T_MAPS] = { "maps", K_T, FILE_, KF_T, .text = tree_maps_text },
	[K_T_INSN] = { "insn", K_T, FILE_, KF_T, .text = tree_insn_text, .exists = insn_exists },
	[K_T_THREAD] = { "thread", K_T, FILE_, KF_T, .text = tree_thread_at_text },
	[K_T_NEXT] = { "next", K_T, LINK, KF_T, .target = next_t, .exists = next_exists },
	[K_T_PREV] = { "prev", K_T, LINK, KF_T, .target = prev_t, .exists = prev_exists },
	[K_T_WHERE] = { "where", K_T, FILE_, KF_T, .text = tree_where_text },
	[K_T_SOURCE] = { "source", K_T, FILE_, KF_T, .text = tree_source_at_text,
			 .exists = tree_source_at_exists },
	[K_T_BACKTRACE] = { "backtrace", K_T, FILE_, KF_T, .text = tree_backtrace_text },
	[K_T_LOCALS] = { "locals", K_T, DIR, KF_T, .lookup = tree_locals_lookup,
			 .list = tree_locals_list },
	[K_T_NEXT_LINE] = { "next-line", K_T, LINK, KF_T, .target = tree_next_line_t,
			    .exists = tree_next_line_exists },
	[K_T_PREV_LINE] = { "prev-line", K_T, LINK, KF_T, .target = tree_prev_line_t,
			    .exists = tree_prev_line_exists },
	[K_T_STEP_INTO] = { "step-into", K_T, LINK, KF_T, .target = tree_step_into_t,
			    .exists = tree_step_into_exists },
	[K_T_STEP_BACK] = { "step-back", K_T, LINK, KF_T, .target = tree_step_back_t,
			    .exists = tree_step_back_exists },
	[K_T_FINISH] = { "finish", K_T, LINK, KF_T, .target = tree_finish_t,
			 .exists = tree_finish_exists },
	[K_T_CALLER] = { "caller", K_T, LINK, KF_T, .target = tree_caller_t,
			 .exists = tree_caller_exists },
	[K_T_EVALDIR] = { "eval", K_T, DIR, KF_T, .lookup = tree_eval_lookup,
			   .list = tree_eval_list },
	[K_T_GLOBALS] = { "globals", K_T, FILE_, KF_T, .text = tree_globals_text },
	/* time/<t>/locals/ */
	[K_T_NODEBUG] = { "no-debug-info", K_T_LOCALS, FILE_, KF_T, .text = tree_nodebug_text,
			  .exists = tree_nodebug_exists },
	[K_T_LOCAL] = { NULL, K_T_LOCALS, FILE_, KF_T, .text = tree_local_text },
	/* time/<t>/reg/<name> */
	[K_T_REG] = { NULL, K_T_REGDIR, FILE_, KF_T, .text = tree_regs_text, .size = tree_regs_size },
	/* time/<t>/eval/<expr> */
	[K_T_EVAL] = { NULL, K_T_EVALDIR, FILE_, KF_T, .text = tree_eval_text },
	/* threads/<tid>, writes/<range> */
	[K_THREAD] = { NULL, K_THREADS, FILE_, 0, .text = tree_thread_text },
	[K_WRITE] = { NULL, K_WRITES, FILE_, KF_NOSIZE, .gen = tree_gen_writes },
	/* calls/<function>, lines/<path>/<line>, sources/<path> */
	[K_CALL] = { NULL, K_CALLS, FILE_, 0, .gen = tree_gen_calls },
	[K_LINEDIR] = { NULL, K_LINES, DIR, 0, .lookup = tree_lines_lookup, .list = tree_lines_list },
	[K_LINE] = { NULL, K_LINEDIR, FILE_, 0, .gen = tree_gen_line },
	[K_SRCDIR] = { NULL, K_SOURCES, DIR, 0, .lookup = tree_sources_lookup,
		       .list = tree_sources_list },
	[K_SRCFILE] = { NULL, K_SRCDIR, FILE_, 0, .text = tree_source_text },
};
