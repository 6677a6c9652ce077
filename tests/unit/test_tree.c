/* test_tree.c - the tree library (fs/tree) on real recordings: names, links, listings, sizes, streams, inode numbers.
 *
 * The group setup records a few programs with build/bin/hindsight (run from
 * the repository root, as tests/run.sh does) and builds their databases.
 * The tree is compared with itself (listings against lookups, sizes
 * against reads, slices against whole files, threads against one reader)
 * and with the query library it sits on.
 *
 * Set HS_KEEP=1 to keep the scratch folder, HS_TEST_SEED to change the
 * random choices (printed on failure).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hindsight/db.h"
#include "hindsight/tree.h"

#include "testlib.h"

static char scratch[PATH_MAX];
static uint64_t seed = 20240501;

static uint64_t rnd(void)
{
	return testlib_rnd(&seed);
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* ---- recordings ------------------------------------------------------------ */

struct rec {
	const char *name;
	const char *argv;
	char dir[PATH_MAX];
};

static struct rec r_example = { .name = "example", .argv = "build/programs/example" };
static struct rec r_threads = { .name = "threads", .argv = "build/programs/threads" };
static struct rec r_fork = { .name = "forkexec", .argv = "build/programs/forkexec" };
static struct rec r_dd = { .name = "dd", .argv = "/bin/dd if=/dev/zero bs=1 count=2000" };

static int record(struct rec *r)
{
	snprintf(r->dir, sizeof(r->dir), "%s/%s", scratch, r->name);
	return testlib_record_build(r->name, r->dir, "", r->argv, "");
}

static int group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	const char *s = getenv("HS_TEST_SEED");

	if (s)
		seed = strtoull(s, NULL, 0);
	if (access("build/bin/hindsight", X_OK) != 0 || access("build/programs/example", X_OK) != 0) {
		fprintf(stderr, "test_tree: run from the repository root after make test "
			"(needs build/bin/hindsight and build/programs)\n");
		return -1;
	}
	snprintf(scratch, sizeof(scratch), "%s/hs-test-tree.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch))
		return -1;
	if (record(&r_example) || record(&r_threads) || record(&r_fork) || record(&r_dd))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	if (getenv("HS_KEEP") && strcmp(getenv("HS_KEEP"), "1") == 0)
		fprintf(stderr, "kept %s\n", scratch);
	else if (scratch[0])
		sh("rm -rf %s", scratch);
	return 0;
}

static struct hs_tree *open_tree(const struct rec *r)
{
	struct hs_tree *tree = NULL;

	assert_int_equal(hs_tree_open(r->dir, 0, &tree), 0);
	return tree;
}

static uint64_t t_end(struct hs_tree *tree)
{
	struct hs_db_image_info info;

	hs_db_image_info(hs_tree_image_at(tree, 0), &info);
	return info.t_end;
}

/* A whole file, read in reads of `step` bytes; caller frees. */
static char *read_all(struct hs_tree *tree, const struct hs_tree_node *n, size_t step,
		      size_t *len)
{
	size_t cap = 1 << 16, got = 0;
	char *buf = malloc(cap);

	assert_non_null(buf);
	for (;;) {
		ssize_t r;

		if (got + step > cap) {
			cap = 2 * (got + step);
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		r = hs_tree_read(tree, n, buf + got, step, got);
		assert_true(r >= 0);
		if (r == 0)
			break;
		got += (size_t)r;
	}
	*len = got;
	return buf;
}

static char *read_path(struct hs_tree *tree, const char *path, size_t *len)
{
	struct hs_tree_node n;

	assert_int_equal(hs_tree_resolve(tree, path, true, &n), 0);
	return read_all(tree, &n, 1 << 20, len);
}

static bool same_node(const struct hs_tree_node *a, const struct hs_tree_node *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* ---- inode numbers ------------------------------------------------------------ */

static void test_tree_ino_encodes_nodes_and_hashes_the_rest(void **state)
{
	struct hs_tree *tree = open_tree(&r_example);
	struct hs_db_image_info info;
	char main_thread[32];
	const char *paths[] = {
		"", "README", "events", "time", "time/0", "time/12345", "time/12345/regs",
		"time/12345/reg", "time/12345/reg/rax", "time/12345/reg/xmm15", "time/12345/mem",
		"time/start", "time/12345/next", "threads", main_thread, "writes", "processes",
	};
	struct hs_tree_node n[sizeof(paths) / sizeof(paths[0])], back;
	uint64_t ino[sizeof(paths) / sizeof(paths[0])];
	char path[64];

	/* threads/<tid>: the main thread's tid is the pid */
	hs_db_image_info(hs_tree_image_at(tree, 0), &info);
	snprintf(main_thread, sizeof(main_thread), "threads/%" PRIu32, info.pid);
	{
		/* the tree's own image calls say what the database says */
		struct hs_db_image_info ti;
		size_t n_img = hs_tree_image_count(tree), used, cap;

		assert_true(n_img >= 1);
		assert_non_null(hs_tree_image_at(tree, 0));
		assert_null(hs_tree_image_at(tree, n_img));
		assert_int_equal(hs_tree_image_info(tree, 0, &ti), 0);
		assert_int_equal(ti.pid, info.pid);
		assert_int_equal(ti.t_end, info.t_end);
		assert_string_equal(ti.name, info.name);
		assert_null(hs_tree_image_at(tree, n_img));
		assert_int_equal(hs_tree_image_info(tree, n_img, &ti), -ENOENT);
		hs_tree_cache_stats(tree, &used, &cap);
		assert_true(cap > 0 && used <= cap);
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(hs_tree_resolve(tree, paths[i], false, &n[i]), 0);
		ino[i] = hs_tree_ino(&n[i]);
		assert_true(ino[i] != 0);
		/* every one of these encodes its node */
		assert_int_equal(hs_tree_node_of_ino(ino[i], &back), 0);
		assert_true(same_node(&back, &n[i]));
		assert_int_equal(hs_tree_ino(&n[i]), ino[i]); /* deterministic */
		for (size_t j = 0; j < i; j++)
			assert_true(ino[j] != ino[i]);
	}
	assert_int_equal(ino[0], 1); /* the root */
	/* writes/<range> is a hash: the number does not give the node back */
	assert_int_equal(hs_tree_resolve(tree, "writes/0x1000+16", false, &n[0]), 0);
	assert_true(hs_tree_ino(&n[0]) >> 63);
	assert_int_equal(hs_tree_node_of_ino(hs_tree_ino(&n[0]), &back), -ENOENT);
	assert_int_equal(hs_tree_resolve(tree, "writes/0x1000+0x10", false, &n[1]), 0);
	assert_int_equal(hs_tree_ino(&n[1]), hs_tree_ino(&n[0])); /* one range, one file */
	/* every reg/ file of one moment has its own number */
	for (size_t i = 0; i < 60; i++) {
		const char *names[] = { "rax", "rip", "ymm0", "xmm0", "fpreg7" };
		snprintf(path, sizeof(path), "time/%zu/reg/%s", 1000 + i / 5, names[i % 5]);
		assert_int_equal(hs_tree_resolve(tree, path, false, &n[0]), 0);
		assert_int_equal(hs_tree_node_of_ino(hs_tree_ino(&n[0]), &back), 0);
		assert_true(same_node(&back, &n[0]));
	}
	/* numbers that are not ours */
	assert_int_equal(hs_tree_node_of_ino(2, &back), -ENOENT);
	assert_int_equal(hs_tree_node_of_ino(0x7f00000000000000ull, &back), -ENOENT);
	hs_tree_close(tree);
}

/* ---- names ---------------------------------------------------------------------- */

static void test_tree_resolve_follows_links_dots_and_slashes(void **state)
{
	struct hs_tree *tree = open_tree(&r_example);
	struct hs_tree_node a, b;
	uint64_t end = t_end(tree);
	char path[128];

	assert_int_equal(hs_tree_resolve(tree, "time/6/regs", true, &a), 0);
	assert_int_equal(hs_tree_resolve(tree, "time/5/next/regs", true, &b), 0);
	assert_true(same_node(&a, &b));
	assert_int_equal(hs_tree_resolve(tree, "//time//7/prev/./regs/", true, &b), 0);
	assert_true(same_node(&a, &b));
	assert_int_equal(hs_tree_resolve(tree, "time/6/reg/../regs", true, &b), 0);
	assert_true(same_node(&a, &b));
	assert_int_equal(hs_tree_resolve(tree, "/time/start/next/next/next/next/next/next/regs", true, &b), 0);
	assert_true(same_node(&a, &b));
	/* the last component: the link itself, or where it leads */
	assert_int_equal(hs_tree_resolve(tree, "time/end", false, &a), 0);
	assert_int_equal(hs_tree_type(&a), HS_TREE_LINK);
	assert_int_equal(hs_tree_resolve(tree, "time/end", true, &a), 0);
	assert_int_equal(hs_tree_type(&a), HS_TREE_DIR);
	snprintf(path, sizeof(path), "time/%" PRIu64, end);
	assert_int_equal(hs_tree_resolve(tree, path, true, &b), 0);
	assert_true(same_node(&a, &b));
	/* .. above the root is the root */
	assert_int_equal(hs_tree_resolve(tree, "../../README", true, &a), 0);
	assert_int_equal(hs_tree_resolve(tree, "README", true, &b), 0);
	assert_true(same_node(&a, &b));
	assert_int_equal(hs_tree_resolve(tree, "", true, &a), 0);
	assert_int_equal(hs_tree_ino(&a), 1);
	{
		char buf[32];
		assert_int_equal(hs_tree_resolve(tree, "time/5/next", false, &a), 0);
		assert_int_equal(hs_tree_readlink(tree, &a, buf, sizeof(buf)), 4);
		assert_string_equal(buf, "../6");
		assert_int_equal(hs_tree_resolve(tree, "time/start", false, &a), 0);
		assert_int_equal(hs_tree_readlink(tree, &a, buf, sizeof(buf)), 1);
		assert_string_equal(buf, "0");
		assert_int_equal(hs_tree_readlink(tree, &a, buf, 1), -ENAMETOOLONG);
	}
	hs_tree_close(tree);
}

static void test_tree_rejects_malformed_names(void **state)
{
	struct hs_tree *tree = open_tree(&r_example);
	struct hs_tree_node n;
	char path[300];
	const char *enoent[] = {
		"nosuch", "time/abc", "time/-1", "time/+1", "time/01", "time/ 1", "time/1 ",
		"time/0x10", "time/1e3", "time/18446744073709551616", "time/1/nosuch",
		"time/1/reg/nosuch", "time/1/reg/RAX", "threads/0", "threads/01", "threads/x",
		"threads/1", /* a slot, no OS thread of this process */
		"threads/4294967297", "writes/x", "writes/0x", "writes/0x+1", "writes/0x10+0",
		"writes/0x10+1048577", "writes/0x10+-1", "writes/0x10+", "writes/0x800000000000",
		"writes/0x7fffffffffff+2", "writes/0x11111111111111111", "writes/0x10+8x",
		"processes/x", "processes/1.2.3", "time/crash",
		/* views time/<t>.<k>: k from 1 to the copies hidden at t (none
		 * here: ld.so's first instruction) */
		"time/1.0", "time/1.", "time/.1", "time/1.01", "time/1.1", "time/1.-1",
		"time/1.1.1", "time/1.4294967296", "time/1.x", "time/1.1/where",
	};

	for (size_t i = 0; i < sizeof(enoent) / sizeof(enoent[0]); i++) {
		int err = hs_tree_resolve(tree, enoent[i], true, &n);
		if (err != -ENOENT)
			fail_msg("%s: %d, expected -ENOENT", enoent[i], err);
	}
	assert_int_equal(hs_tree_resolve(tree, "README/x", true, &n), -ENOTDIR);
	assert_int_equal(hs_tree_resolve(tree, "time/1/regs/x", true, &n), -ENOTDIR);
	snprintf(path, sizeof(path), "time/%" PRIu64, t_end(tree) + 1);
	assert_int_equal(hs_tree_resolve(tree, path, true, &n), -ENOENT);
	snprintf(path, sizeof(path), "time/%" PRIu64 "/next", t_end(tree));
	assert_int_equal(hs_tree_resolve(tree, path, false, &n), -ENOENT);
	snprintf(path, sizeof(path), "time/%" PRIu64 "/insn", t_end(tree));
	assert_int_equal(hs_tree_resolve(tree, path, false, &n), -ENOENT);
	assert_int_equal(hs_tree_resolve(tree, "time/0/prev", false, &n), -ENOENT);
	memset(path, 'x', 280);
	path[280] = 0;
	assert_int_equal(hs_tree_resolve(tree, path, true, &n), -ENAMETOOLONG);
	/* the wrong kind of node */
	assert_int_equal(hs_tree_resolve(tree, "time", true, &n), 0);
	assert_int_equal(hs_tree_read(tree, &n, path, 10, 0), -EISDIR);
	assert_int_equal(hs_tree_resolve(tree, "README", true, &n), 0);
	assert_int_equal(hs_tree_child(tree, &n, "x", &n), -ENOTDIR);
	/* a forged node is refused, not trusted */
	memset(&n, 0, sizeof(n));
	n.kind = 999;
	assert_int_equal(hs_tree_read(tree, &n, path, 10, 0), -ENOENT);
	n.kind = 1;
	n.image = 999;
	assert_int_equal(hs_tree_readdir(tree, &n, NULL, NULL), -ENOENT);
	hs_tree_close(tree);
}

/* ---- listings, attributes ---------------------------------------------------------- */

struct walk {
	struct hs_tree *tree;
	const struct hs_tree_node *dir;
	const char *path;
	size_t entries, files;
};

static int check_entry(void *ctx, const char *name, const struct hs_tree_node *child)
{
	struct walk *w = ctx;
	struct hs_tree_node c;
	struct hs_tree_attr a;

	w->entries++;
	/* a listed name looks up to the same node */
	if (hs_tree_child(w->tree, w->dir, name, &c) != 0 || !same_node(&c, child))
		fail_msg("%s/%s: lookup differs from the listing", w->path, name);
	assert_int_equal(hs_tree_getattr(w->tree, child, &a), 0);
	assert_int_equal(a.type, hs_tree_type(child));
	assert_int_equal(a.ino, hs_tree_ino(child));
	if (a.type == HS_TREE_FILE && a.size_known && a.size < (1ull << 40)) {
		size_t len;
		char *text = read_all(w->tree, child, 4096, &len);

		if (len != a.size)
			fail_msg("%s/%s: getattr says %" PRIu64 " bytes, read %zu", w->path, name,
				 a.size, len);
		free(text);
		w->files++;
	}
	return 0;
}

static size_t walk_dir(struct hs_tree *tree, const char *path)
{
	struct hs_tree_node dir;
	struct walk w = { tree, &dir, path, 0, 0 };

	assert_int_equal(hs_tree_resolve(tree, path, true, &dir), 0);
	assert_int_equal(hs_tree_readdir(tree, &dir, check_entry, &w), 0);
	assert_true(w.entries > 0);
	return w.files;
}

static void check_listings(const struct rec *r)
{
	struct hs_tree *tree = open_tree(r);
	uint64_t end = t_end(tree);
	char path[128];
	size_t files = 0;

	files += walk_dir(tree, "");
	files += walk_dir(tree, "time");
	files += walk_dir(tree, "threads");
	files += walk_dir(tree, "processes");
	for (int i = 0; i < 4; i++) {
		uint64_t t = i == 0 ? 0 : i == 1 ? end : rnd_below(end);
		snprintf(path, sizeof(path), "time/%" PRIu64, t);
		files += walk_dir(tree, path);
		snprintf(path, sizeof(path), "time/%" PRIu64 "/reg", t);
		files += walk_dir(tree, path);
	}
	assert_true(files > 60);
	hs_tree_close(tree);
}

static void test_tree_listings_match_lookups_and_sizes_match_reads(void **state)
{
	check_listings(&r_example);
	check_listings(&r_threads);
	check_listings(&r_fork);
}

/* ---- source level ------------------------------------------------------------------- */

/* The first line of calls/<f>: t_call and t_ret. */
static void first_call(struct hs_tree *tree, const char *f, uint64_t *t_call, uint64_t *t_ret)
{
	char path[128];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "calls/%s", f);
	text = read_path(tree, path, &len);
	assert_true(len > 0);
	assert_int_equal(sscanf(text, "%" SCNu64 " %" SCNu64, t_call, t_ret), 2);
	free(text);
}

static void test_tree_source_paths_agree(void **state)
{
	struct hs_tree *tree = open_tree(&r_example);
	struct hs_tree_node n;
	uint64_t t_call, t_ret, t_main, t_main_ret;
	char path[PATH_MAX], want[128], link[64], cwd[PATH_MAX];
	size_t len;
	char *text;

	/* main is called once; just after the call rip is its first byte */
	first_call(tree, "main", &t_main, &t_main_ret);
	snprintf(path, sizeof(path), "time/%" PRIu64 "/where", t_main + 1);
	text = read_path(tree, path, &len);
	assert_true(strncmp(text, "main+0x0 ", 9) == 0);
	assert_non_null(strstr(text, "example.c:"));
	free(text);
	/* finish and caller lead to the call's return and call */
	snprintf(path, sizeof(path), "time/%" PRIu64 "/finish", t_main + 1);
	assert_int_equal(hs_tree_resolve(tree, path, false, &n), 0);
	assert_true(hs_tree_readlink(tree, &n, link, sizeof(link)) > 0);
	snprintf(want, sizeof(want), "../%" PRIu64, t_main_ret);
	assert_string_equal(link, want);
	snprintf(path, sizeof(path), "time/%" PRIu64 "/caller", t_main + 1);
	assert_int_equal(hs_tree_resolve(tree, path, false, &n), 0);
	assert_true(hs_tree_readlink(tree, &n, link, sizeof(link)) > 0);
	snprintf(want, sizeof(want), "../%" PRIu64, t_main);
	assert_string_equal(link, want);
	/* inside copy_name: the backtrace goes through open_account to main,
	 * frame 0 is where, and the locals hold the name being copied */
	first_call(tree, "copy_name", &t_call, &t_ret);
	assert_true(t_call > t_main && t_ret < t_main_ret);
	snprintf(path, sizeof(path), "time/%" PRIu64 "/next-line/backtrace", t_call + 1);
	text = read_path(tree, path, &len);
	assert_true(strncmp(text, "#0 copy_name+0x", 15) == 0);
	assert_non_null(strstr(text, "\n#1 open_account+0x"));
	assert_non_null(strstr(text, "\n#2 main+0x"));
	snprintf(want, sizeof(want), " %" PRIu64 "\n#1 ", t_call);
	assert_non_null(strstr(text, want));
	free(text);
	snprintf(path, sizeof(path), "time/%" PRIu64 "/next-line/locals/src", t_call + 1);
	text = read_path(tree, path, &len);
	assert_non_null(strstr(text, "\"Ada Lovelace\""));
	free(text);
	snprintf(path, sizeof(path), "time/%" PRIu64 "/next-line/locals", t_call + 1);
	walk_dir(tree, path);
	/* before main: ld.so's code; locals/ still lists something and reads */
	walk_dir(tree, "time/0/locals");
	/* every calls/ file and every line of example.c: listings match
	 * lookups, sizes match reads */
	walk_dir(tree, "calls");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(path, sizeof(path), "lines%s/tests/programs/example.c", cwd);
	assert_true(walk_dir(tree, path) > 20);
	snprintf(path, sizeof(path), "sources%s/tests/programs/example.c", cwd);
	text = read_path(tree, path, &len);
	assert_non_null(strstr(text, "dst[n] = '\\0';"));
	free(text);
	/* .. of a lines/ folder is its parent folder */
	snprintf(path, sizeof(path), "lines%s/tests/programs/example.c/..", cwd);
	assert_int_equal(hs_tree_resolve(tree, path, true, &n), 0);
	snprintf(path, sizeof(path), "lines%s/tests/programs", cwd);
	{
		struct hs_tree_node m;
		assert_int_equal(hs_tree_resolve(tree, path, true, &m), 0);
		assert_true(same_node(&n, &m));
	}
	assert_int_equal(hs_tree_resolve(tree, "calls/no-such-function", true, &n), -ENOENT);
	assert_int_equal(hs_tree_resolve(tree, "lines/no/such/file.c/1", true, &n), -ENOENT);
	hs_tree_close(tree);
}

static void test_tree_processes_have_the_same_layout(void **state)
{
	struct hs_tree *tree = open_tree(&r_fork);
	size_t n_img = hs_tree_image_count(tree);
	char path[256];

	assert_true(n_img >= 2); /* the parent and the exec'd child */
	for (size_t i = 0; i < n_img; i++) {
		struct hs_db_image_info info;
		struct hs_db_regs *regs = malloc(sizeof(*regs));
		struct hs_tree_node n;
		uint8_t v[32];
		uint32_t size;
		size_t len;
		char *text, want[64];

		hs_db_image_info(hs_tree_image_at(tree, i), &info);
		snprintf(path, sizeof(path), "processes/%s/time/%" PRIu64 "/reg/rip", info.name,
			 info.t_end / 2);
		text = read_path(tree, path, &len);
		assert_int_equal(hs_db_regs_at(hs_tree_image_at(tree, i), info.t_end / 2, 0, regs), 0);
		assert_int_equal(hs_db_reg_value(regs, "rip", v, &size), 0);
		snprintf(want, sizeof(want), "0x%016" PRIx64 "\n", (uint64_t)v[0] | (uint64_t)v[1] << 8 |
			 (uint64_t)v[2] << 16 | (uint64_t)v[3] << 24 | (uint64_t)v[4] << 32 |
			 (uint64_t)v[5] << 40 | (uint64_t)v[6] << 48 | (uint64_t)v[7] << 56);
		assert_int_equal(len, strlen(want));
		assert_memory_equal(text, want, len);
		free(text);
		free(regs);
		/* the same top-level names, without processes/ */
		snprintf(path, sizeof(path), "processes/%s/processes", info.name);
		assert_int_equal(hs_tree_resolve(tree, path, true, &n), -ENOENT);
		snprintf(path, sizeof(path), "processes/%s/time/end/..", info.name);
		assert_int_equal(hs_tree_resolve(tree, path, true, &n), 0);
		walk_dir(tree, path);
		snprintf(path, sizeof(path), "processes/%s", info.name);
		walk_dir(tree, path);
	}
	/* a fork child's writes/ begin with what it inherited, marked with
	 * the parent's name; reading from a later offset gives the same bytes */
	{
		struct hs_db_image_info parent, child;
		struct hs_tree_node n;
		size_t len;
		char *text, *first_nl;
		char buf[64];

		hs_db_image_info(hs_tree_image_at(tree, 0), &parent);
		hs_db_image_info(hs_tree_image_at(tree, 1), &child);
		snprintf(path, sizeof(path), "processes/%s/time/0/reg/rsp", child.name);
		text = read_path(tree, path, &len);
		snprintf(path, sizeof(path), "processes/%s/writes/0x%" PRIx64 "+8", child.name,
			 (uint64_t)strtoull(text, NULL, 16));
		free(text);
		text = read_path(tree, path, &len);
		first_nl = memchr(text, '\n', len);
		assert_non_null(first_nl);
		snprintf(buf, sizeof(buf), " %s\n", parent.name);
		assert_true((size_t)(first_nl + 1 - text) > strlen(buf));
		assert_memory_equal(first_nl + 1 - strlen(buf), buf, strlen(buf));
		assert_int_equal(hs_tree_resolve(tree, path, true, &n), 0);
		for (size_t off = 0; off < len; off += 37) {
			char piece[64];
			ssize_t got = hs_tree_read(tree, &n, piece, sizeof(piece), off);
			size_t want = len - off < sizeof(piece) ? len - off : sizeof(piece);

			assert_int_equal(got, (ssize_t)want);
			assert_memory_equal(piece, text + off, want);
		}
		free(text);
	}
	/* the top is the first image, as another folder (its own inode numbers) */
	{
		struct hs_db_image_info info;
		struct hs_tree_node a, b;
		size_t la, lb;
		char *ta, *tb;

		hs_db_image_info(hs_tree_image_at(tree, 0), &info);
		snprintf(path, sizeof(path), "processes/%s/time", info.name);
		assert_int_equal(hs_tree_resolve(tree, path, true, &a), 0);
		assert_int_equal(hs_tree_resolve(tree, "time", true, &b), 0);
		assert_true(hs_tree_ino(&a) != hs_tree_ino(&b));
		snprintf(path, sizeof(path), "processes/%s/events", info.name);
		ta = read_path(tree, path, &la);
		tb = read_path(tree, "events", &lb);
		assert_int_equal(la, lb);
		assert_memory_equal(ta, tb, la);
		free(ta);
		free(tb);
	}
	hs_tree_close(tree);
}

static void test_tree_readme_explains_every_top_entry(void **state)
{
	struct hs_tree *tree = open_tree(&r_example);
	const char *names[] = { "info", "stdout", "stderr", "events", "syscalls", "output",
				"time/start", "time/end", "time/crash", "time/<t>/regs",
				"time/<t>/reg/<name>", "time/<t>/mem", "time/<t>/maps",
				"time/<t>/insn", "time/<t>/thread", "next, prev", "threads/<tid>",
				"writes/0xADDR[+LEN]", "processes/<pid>.<n>/", "SEEK_DATA", "EIO" };
	size_t len;
	char *text = read_path(tree, "README", &len);

	text = realloc(text, len + 1);
	text[len] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strstr(text, names[i]))
			fail_msg("README does not explain %s", names[i]);
	free(text);
	hs_tree_close(tree);
}

/* ---- mem ---------------------------------------------------------------------------- */

static void test_tree_mem_reads_and_seeks_follow_the_mappings(void **state)
{
	struct hs_tree *tree = open_tree(&r_example);
	const struct hs_db_image *img = hs_tree_image_at(tree, 0);
	uint64_t t = t_end(tree) / 2;
	struct hs_db_map *maps;
	struct hs_tree_node n;
	struct hs_tree_attr a;
	size_t count;
	char path[64];
	uint8_t buf[4096], want[4096];

	snprintf(path, sizeof(path), "time/%" PRIu64 "/mem", t);
	assert_int_equal(hs_tree_resolve(tree, path, true, &n), 0);
	assert_int_equal(hs_tree_getattr(tree, &n, &a), 0);
	assert_int_equal(a.size, 1ull << 47);
	assert_true(a.direct_io);
	assert_int_equal(hs_db_maps_at(img, t, &maps, &count), 0);
	assert_true(count > 3);
	{
		uint64_t mapped = 0;
		for (size_t i = 0; i < count; i++)
			mapped += maps[i].end - maps[i].start;
		assert_int_equal(a.blocks, mapped);
	}
	for (size_t i = 0; i < count; i++) {
		const struct hs_db_map *m = &maps[i];
		bool joined = i + 1 < count && maps[i + 1].start == m->end;

		assert_int_equal(hs_tree_seek(tree, &n, m->start, SEEK_DATA), (int64_t)m->start);
		if (!joined)
			assert_int_equal(hs_tree_seek(tree, &n, m->start, SEEK_HOLE), (int64_t)m->end);
		if (i == 0 || maps[i - 1].end != m->start) {
			/* a hole before it */
			assert_int_equal(hs_tree_seek(tree, &n, m->start - 1, SEEK_HOLE),
					 (int64_t)m->start - 1);
			assert_int_equal(hs_tree_seek(tree, &n, m->start - 1, SEEK_DATA), (int64_t)m->start);
			assert_int_equal(hs_tree_read(tree, &n, buf, 16, m->start - 16), -EIO);
		}
		/* the last bytes, and a read running off the end */
		assert_int_equal(hs_tree_read(tree, &n, buf, 64, m->end - 64), 64);
		assert_int_equal(hs_db_mem_read(img, t, m->end - 64, 64, want), 64);
		assert_memory_equal(buf, want, 64);
		if (!joined)
			assert_int_equal(hs_tree_read(tree, &n, buf, 4096, m->end - 100), 100);
	}
	assert_int_equal(hs_tree_seek(tree, &n, maps[count - 1].end, SEEK_DATA), -ENXIO);
	assert_int_equal(hs_tree_seek(tree, &n, 1ull << 47, SEEK_HOLE), -ENXIO);
	assert_int_equal(hs_tree_read(tree, &n, buf, 16, 1ull << 47), 0);
	assert_int_equal(hs_tree_read(tree, &n, buf, 16, UINT64_MAX - 8), 0);
	free(maps);
	hs_tree_close(tree);
}

/* ---- large generated files ----------------------------------------------------------- */

/* Slices at random offsets of a fresh tree (no size asked first, far
 * offsets first) equal the whole file: generated from checkpoints (no
 * spill), then with the spill. */
static void check_slices(const struct rec *r, const char *path)
{
	struct hs_tree *tree = open_tree(r);
	struct hs_tree_node n;
	size_t len;
	char *whole = read_path(tree, path, &len), *buf = malloc(1 << 17);

	hs_tree_close(tree);
	assert_true(len > 0);
	for (int round = 0; round < 2; round++) {
		setenv("HS_TREE_SPILL_MB", round == 0 ? "0" : "1024", 1);
		tree = open_tree(r);
		assert_int_equal(hs_tree_resolve(tree, path, true, &n), 0);
		for (int i = 0; i < (round == 0 ? 25 : 60); i++) {
			uint64_t off = i < 5 ? len - (uint64_t)i * len / 7 : rnd_below(len + 10);
			size_t size = 1 + (size_t)rnd_below(i % 3 == 0 ? 1 << 17 : 300);
			size_t want = off >= len ? 0 : size < len - off ? size : len - off;
			ssize_t got = hs_tree_read(tree, &n, buf, size, off);

			if (got != (ssize_t)want)
				fail_msg("%s %s: read %zu at %" PRIu64 ": %zd, expected %zu (seed %" PRIu64 ")",
					 r->name, path, size, off, got, want, seed);
			assert_memory_equal(buf, whole + off, want);
		}
		if (round == 1) {
			struct hs_tree_attr a;
			assert_int_equal(hs_tree_getattr(tree, &n, &a), 0);
			assert_int_equal(a.size, len);
		}
		hs_tree_close(tree);
	}
	unsetenv("HS_TREE_SPILL_MB");
	free(buf);
	free(whole);
}

static void test_tree_large_files_read_at_any_offset(void **state)
{
	struct hs_tree *tree = open_tree(&r_dd);
	struct hs_tree_node n;
	struct hs_tree_attr a;

	/* big enough for many 64 KiB checkpoints */
	assert_int_equal(hs_tree_resolve(tree, "events", true, &n), 0);
	assert_int_equal(hs_tree_getattr(tree, &n, &a), 0);
	assert_true(a.size > (512u << 10));
	hs_tree_close(tree);
	check_slices(&r_dd, "events");
	check_slices(&r_dd, "syscalls");
	check_slices(&r_dd, "output");
	check_slices(&r_threads, "syscalls");
	check_slices(&r_example, "stdout");
}

struct reader {
	struct hs_tree *tree;
	const char *whole;
	size_t len;
	uint64_t seed;
	int bad;
};

static void *read_slices(void *arg)
{
	struct reader *rd = arg;
	struct hs_tree_node n;
	char *buf = malloc(1 << 16);
	uint64_t s = rd->seed;

	if (!buf || hs_tree_resolve(rd->tree, "events", true, &n) != 0) {
		rd->bad++;
		free(buf);
		return NULL;
	}
	for (int i = 0; i < 40; i++) {
		uint64_t off;
		size_t size, want;
		ssize_t got;

		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		off = (s * 0x2545f4914f6cdd1dull) % rd->len;
		size = 1 + (size_t)(s >> 40) % (1 << 16);
		want = size < rd->len - off ? size : rd->len - off;
		got = hs_tree_read(rd->tree, &n, buf, size, off);
		if (got != (ssize_t)want || memcmp(buf, rd->whole + off, want) != 0)
			rd->bad++;
	}
	free(buf);
	return NULL;
}

static void test_tree_concurrent_readers_of_one_file_agree(void **state)
{
	struct hs_tree *tree = open_tree(&r_dd);
	struct reader rd[8];
	pthread_t th[8];
	size_t len;
	char *whole = read_path(tree, "events", &len);

	hs_tree_close(tree);
	setenv("HS_TREE_SPILL_MB", "0", 1); /* every read generates */
	tree = open_tree(&r_dd); /* fresh: nothing generated yet */
	for (int i = 0; i < 8; i++) {
		rd[i] = (struct reader){ tree, whole, len, seed + (uint64_t)i * 7919, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, read_slices, &rd[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(rd[i].bad, 0);
	}
	unsetenv("HS_TREE_SPILL_MB");
	hs_tree_close(tree);
	free(whole);
}

/* Every syscall entry has one line, with its own thread's result, but
 * Valgrind's own calls: the vDSO's (gettimeofday, time, clock_gettime,
 * getcpu), the clone3 and rseq it answers with ENOSYS, and ld.so's loading
 * of its preload library (the entries events marks so); and the first
 * line is the execve that started the program, which no record holds. */
struct entry_count {
	const struct hs_db_image *img;
	size_t n;
};

static int count_entry(void *ctx, const struct hs_db_event *ev)
{
	struct entry_count *c = ctx;
	uint32_t nr = hs_le32(ev->payload + 4);
	char text[HS_DB_TEXT_MAX];

	if (ev->tag == HS_EV_SYSCALL_ENTER && nr != 96 && nr != 201 && nr != 228 && nr != 309 &&
	    !(hs_db_event_format(c->img, ev, text, sizeof text) >= 0 &&
	      strstr(text, "/* loads Valgrind's preload library */")))
		c->n++;
	if (ev->tag == HS_EV_SYSCALL_EXIT && (nr == 334 || nr == 435) &&
	    hs_le32(ev->payload + 8) && hs_le64(ev->payload + 16) == ENOSYS)
		c->n--;
	return 0;
}

static void test_tree_syscalls_pair_entries_with_results(void **state)
{
	const struct rec *recs[] = { &r_threads, &r_dd, &r_fork };

	for (size_t k = 0; k < 3; k++) {
		struct hs_tree *tree = open_tree(recs[k]);
		const struct hs_db_image *img = hs_tree_image_at(tree, 0);
		size_t len, lines = 0, unknown = 0;
		struct entry_count entries = { img, 1 }; /* the execve at t=0 */
		char *text = read_path(tree, "syscalls", &len), *p, *nl;

		assert_int_equal(hs_db_events(img, 0, t_end(tree),
					      HS_DB_KIND_BIT(HS_EV_SYSCALL_ENTER) |
						      HS_DB_KIND_BIT(HS_EV_SYSCALL_EXIT),
					      count_entry, &entries), 0);
		assert_memory_equal(text, "0 ", 2); /* it is first */
		for (p = text; p < text + len; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(text + len - p));
			assert_non_null(nl);
			*nl = 0;
			if (!strstr(p, ") = "))
				fail_msg("%s: syscalls line without a result: %s", recs[k]->name, p);
			if (strcmp(nl - 4, ") = ?") == 0)
				unknown++;
			lines++;
		}
		assert_int_equal(lines, entries.n);
		assert_true(unknown <= 2); /* exit_group, execve: nothing else is lost */
		hs_tree_close(tree);
		/* a queue of one: every entry that waits is looked up ahead */
		{
			size_t len1;
			char *text1;

			setenv("HS_TREE_SC_QUEUE", "1", 1);
			tree = open_tree(recs[k]);
			unsetenv("HS_TREE_SC_QUEUE");
			text1 = read_path(tree, "syscalls", &len1);
			for (p = text; p < text + len; p++)
				if (!*p)
					*p = '\n'; /* undo the cuts above */
			assert_int_equal(len1, len);
			assert_memory_equal(text1, text, len);
			free(text1);
			hs_tree_close(tree);
		}
		free(text);
	}
}

/* ---- files that depend on t ------------------------------------------------------------ */

static void test_tree_regs_equal_the_query_library(void **state)
{
	struct hs_tree *tree = open_tree(&r_threads);
	const struct hs_db_image *img = hs_tree_image_at(tree, 0);
	struct hs_db_regs *regs = malloc(sizeof(*regs));
	uint64_t end = t_end(tree);
	char path[64];

	for (int i = 0; i < 30; i++) {
		uint64_t t = rnd_below(end + 1);
		size_t len;
		char *text, *line;
		uint32_t tid;

		snprintf(path, sizeof(path), "time/%" PRIu64 "/regs", t);
		text = read_path(tree, path, &len);
		text = realloc(text, len + 1);
		text[len] = 0;
		assert_int_equal(hs_db_regs_at(img, t, 0, regs), 0);
		line = strstr(text, "rsp 0x");
		assert_non_null(line);
		assert_int_equal(strtoull(line + 4, NULL, 16), regs->regs.gpr[4]);
		free(text);
		snprintf(path, sizeof(path), "time/%" PRIu64 "/thread", t);
		text = read_path(tree, path, &len);
		assert_int_equal(hs_db_thread_at(img, t, &tid), 0);
		/* the tree shows the OS tid, the db API speaks slots */
		assert_int_equal(strtoul(text, NULL, 10), hs_db_thread_os_tid(img, tid, t));
		assert_int_equal(regs->tid, tid);
		free(text);
	}
	free(regs);
	hs_tree_close(tree);
}

static void test_tree_threads_list_every_thread(void **state)
{
	struct hs_tree *tree = open_tree(&r_threads);
	const struct hs_db_image *img = hs_tree_image_at(tree, 0);
	const struct hs_db_thread *th;
	struct hs_db_image_info info;
	size_t len, n = hs_db_threads(img, &th);
	char path[32], *text;

	/* threads.c: main and four pthreads, named by their OS tids */
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		char head[32];

		snprintf(path, sizeof(path), "threads/%" PRIu32, th[i].tid);
		text = read_path(tree, path, &len);
		text = realloc(text, len + 1);
		text[len] = 0;
		snprintf(head, sizeof(head), "tid %" PRIu32 "\n", th[i].tid);
		assert_true(strncmp(text, head, strlen(head)) == 0);
		assert_non_null(strstr(text, "\nran "));
		assert_non_null(strstr(text, "\nexited "));
		if (i > 0)
			assert_non_null(strstr(text, "\ncreated "));
		free(text);
	}
	/* the main thread's tid is the process id */
	hs_db_image_info(img, &info);
	assert_int_equal(th[0].tid, info.pid);
	hs_tree_close(tree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_ino_encodes_nodes_and_hashes_the_rest),
		cmocka_unit_test(test_tree_resolve_follows_links_dots_and_slashes),
		cmocka_unit_test(test_tree_rejects_malformed_names),
		cmocka_unit_test(test_tree_listings_match_lookups_and_sizes_match_reads),
		cmocka_unit_test(test_tree_source_paths_agree),
		cmocka_unit_test(test_tree_processes_have_the_same_layout),
		cmocka_unit_test(test_tree_readme_explains_every_top_entry),
		cmocka_unit_test(test_tree_mem_reads_and_seeks_follow_the_mappings),
		cmocka_unit_test(test_tree_large_files_read_at_any_offset),
		cmocka_unit_test(test_tree_concurrent_readers_of_one_file_agree),
		cmocka_unit_test(test_tree_syscalls_pair_entries_with_results),
		cmocka_unit_test(test_tree_regs_equal_the_query_library),
		cmocka_unit_test(test_tree_threads_list_every_thread),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
