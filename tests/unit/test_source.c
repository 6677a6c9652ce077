/* test_source.c - fs/source (symbols, lines, variables) against nm, addr2line and gdb.
 *
 * The group setup records build/programs/example and a fixture with many
 * kinds of variables (compiled here from the source below) with
 * build/bin/hindsight, builds their databases, and makes broken copies of
 * the example (stripped, no debug info, corrupt .debug_info) under
 * build/tests/tmp-source/.  Tests run from the repository root, as
 * tests/run.sh does.  The oracles are the binutils and gdb of the machine,
 * run natively on the same files: nothing here is a hard-coded address.
 *
 * Set HS_KEEP=1 to keep the scratch folder.
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
#include <sys/mman.h>
#include <unistd.h>

#include "hindsight/db.h"
#include "hindsight/source.h"

#include "testlib.h"

/* a folder of its own for the ASan build, which tests/run.sh may run at
 * the same time */
#ifdef __SANITIZE_ADDRESS__
#define TMP "build/tests/tmp-source-san"
#else
#define TMP "build/tests/tmp-source"
#endif
#define EXAMPLE "build/programs/example"
#define CPP_OBJECTS "build/programs/cpp_objects"
#define CPP_MEMBERS "build/programs/cpp_members"
#define CPP_PLT "build/programs/cpp_plt"
#define NM_OPS "build/programs/nm_ops"

static char root[PATH_MAX];

/* The variables fixture: its probe() line is where gdb and we compare. */
static const char vars_c[] =
	"#include <stdbool.h>\n"
	"#include <string.h>\n"
	"enum color { RED, GREEN = 5, BLUE };\n"
	"struct point { int x, y; };\n"
	"struct rec {\n"
	"	char name[16];\n"
	"	struct point p;\n"
	"	enum color c;\n"
	"	unsigned flag : 1;\n"
	"	signed small : 4;\n"
	"	double d;\n"
	"	const char *s;\n"
	"};\n"
	"union num { int i; unsigned char b[4]; };\n"
	"static int probe(int depth, const struct rec *r, char tag)\n"
	"{\n"
	"	int zeros[20];\n"
	"	int grid[2][3] = { { 1, 2, 3 }, { 4, 5, 6 } };\n"
	"	char empty[16];\n"
	"	char full[4] = { 'a', 'b', 'c', 'd' };\n"
	"	unsigned char uc = 200;\n"
	"	signed char sc = -3;\n"
	"	bool yes = true;\n"
	"	float f = 1.5f;\n"
	"	long neg = -1234567890123L;\n"
	"	unsigned long big_u = 18446744073709551615UL;\n"
	"	union num u;\n"
	"	struct rec copy = *r;\n"
	"	char big[300];\n"
	"	short many[250];\n"
	"	struct point *pp = &copy.p, *null = 0;\n"
	"	memset(big, 'x', sizeof big - 1);\n"
	"	big[sizeof big - 1] = 0;\n"
	"	for (int k = 0; k < 250; k++)\n"
	"		many[k] = (short)(k * 7 - 100);\n"
	"	memset(zeros, 0, sizeof zeros);\n"
	"	memset(empty, 0, sizeof empty);\n"
	"	u.i = 0x01020304;\n"
	"	{\n"
	"		int depth = 99; /* shadows the parameter */\n"
	"		zeros[3] = depth + tag; /* probe line */\n"
	"	}\n"
	"	return zeros[3] + grid[1][2] + full[0] + uc + sc + yes + (int)f +\n"
	"	       (int)neg + (int)big_u + u.b[0] + copy.p.x + big[3] + many[9] +\n"
	"	       pp->y + (null != 0);\n"
	"}\n"
	"int main(void)\n"
	"{\n"
	"	struct rec r = { \"Ada\", { 3, -4 }, GREEN, 1, -2, 2.25, \"hi\\n\\\"there\\\"\" };\n"
	"	return probe(1, &r, 'Z') == 0;\n"
	"}\n";

/* First line of a command's output, without its newline. */
static int sh_line(char *out, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int sh_line(char *out, size_t cap, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	FILE *p;
	int ok;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	ok = fgets(out, (int)cap, p) != NULL;
	pclose(p);
	if (!ok)
		return -1;
	out[strcspn(out, "\n")] = 0;
	return 0;
}

static char *abs_path(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int k;
	char *b = buf[k++ % 4];

	snprintf(b, PATH_MAX, "%s/%s", root, rel);
	return b;
}

/* ---- mappings as the kernel makes them (no recording needed) ------------ */

/* Adds path's PT_LOAD segments at base like the kernel's ELF loader does,
 * reading the program headers with readelf (an independent parser). */
static void map_like_kernel(struct hs_src *s, const char *path, uint64_t base)
{
	char cmd[PATH_MAX + 64], line[512];
	FILE *p;

	snprintf(cmd, sizeof cmd, "readelf -lW '%s'", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof line, p)) {
		unsigned long long off, vaddr, paddr, fsz, msz;
		char flags[8] = "";
		uint32_t prot = 0;

		if (sscanf(line, " LOAD 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx %7[RWE ]",
			   &off, &vaddr, &paddr, &fsz, &msz, flags) < 6)
			continue;
		if (strchr(flags, 'R'))
			prot |= PROT_READ;
		if (strchr(flags, 'W'))
			prot |= PROT_WRITE;
		if (strchr(flags, 'E'))
			prot |= PROT_EXEC;
		assert_int_equal(hs_src_add_mapping(s, path, base + (vaddr & ~0xfffull),
						    (base + vaddr + msz + 0xfff) & ~0xfffull,
						    off & ~0xfffull, prot), 0);
	}
	pclose(p);
}

#define BASE 0x555555554000ull /* where gdb (no ASLR) puts a PIE */

struct warns {
	char lines[8][512];
	int n;
};

static void warn_cb(void *ctx, const char *line)
{
	struct warns *w = ctx;

	if (w->n < 8)
		snprintf(w->lines[w->n], sizeof w->lines[0], "%s", line);
	w->n++;
}

static struct hs_src *open_file(const char *path, struct warns *w)
{
	struct hs_src_options o = { .warn = warn_cb, .warn_ctx = w };
	struct hs_src *s;

	memset(w, 0, sizeof *w);
	assert_int_equal(hs_src_new(&o, &s), 0);
	map_like_kernel(s, path, BASE);
	assert_int_equal(hs_src_finish(s), 0);
	return s;
}

/* nm's value of symbol name in path, 0 if none. */
static uint64_t nm_value(const char *path, const char *name)
{
	char line[256];

	if (sh_line(line, sizeof line, "nm '%s' | awk '$3 == \"%s\" { print $1 }'",
		    path, name))
		return 0;
	return strtoull(line, NULL, 16);
}

static void test_symbols_match_nm(void **state)
{
	const char *names[] = { "copy_name", "open_account", "apply", "main" };
	struct warns w;
	struct hs_src *s = open_file(abs_path(EXAMPLE), &w);
	const struct hs_src_module *m;
	size_t i;

	(void)state;
	assert_int_equal(w.n, 0);
	assert_int_equal(hs_src_module_count(s), 1);
	m = hs_src_module_at(s, 0);
	assert_string_equal(m->path, abs_path(EXAMPLE));
	assert_int_equal(m->bias, BASE);
	assert_true(m->has_symbols);
	assert_true(m->has_dwarf);
	assert_null(m->problem);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		uint64_t v = nm_value(EXAMPLE, names[i]);
		struct hs_src_loc loc;

		assert_true(v != 0);
		assert_int_equal(hs_src_lookup(s, BASE + v + 3, &loc), 0);
		assert_string_equal(loc.function, names[i]);
		assert_int_equal(loc.func_start, BASE + v);
		assert_ptr_equal(loc.module, m);
	}
	assert_int_equal(hs_src_lookup(s, 0x1000, &(struct hs_src_loc){ 0 }), -ENOENT);
	hs_src_free(s);
}

/* hs_src_symbols: every sized function and data symbol nm -S lists, at
 * its address plus the load bias, with its size and kind. */
struct sym_seen {
	char name[64];
	uint64_t addr, size;
	bool function, found;
};

static int on_sym(void *ctx, const struct hs_src_symbol *sym)
{
	struct sym_seen *want = ctx;

	for (; want->name[0]; want++)
		if (!strcmp(want->name, sym->name) && want->addr == sym->addr) {
			assert_int_equal(sym->size, want->size);
			assert_int_equal(sym->function, want->function);
			want->found = true;
		}
	return 0;
}

static void test_symbol_list_matches_nm(void **state)
{
	struct sym_seen want[64] = { 0 };
	struct warns w;
	struct hs_src *s = open_file(abs_path(EXAMPLE), &w);
	char line[256];
	size_t n = 0;
	FILE *p;

	(void)state;
	snprintf(line, sizeof(line), "nm -S '%s'", EXAMPLE);
	p = popen(line, "r");
	assert_non_null(p);
	while (n < 63 && fgets(line, sizeof(line), p)) {
		unsigned long long v, sz;
		char type, name[64];

		if (sscanf(line, "%llx %llx %c %63s", &v, &sz, &type, name) != 4 ||
		    !strchr("TtDdBb", type) || !sz)
			continue;
		snprintf(want[n].name, sizeof(want[n].name), "%s", name);
		want[n].addr = BASE + v;
		want[n].size = sz;
		want[n].function = type == 'T' || type == 't';
		n++;
	}
	pclose(p);
	assert_true(n > 5);
	assert_int_equal(hs_src_symbols(s, on_sym, want), 0);
	for (size_t i = 0; i < n; i++)
		if (!want[i].found)
			fail_msg("hs_src_symbols has no %s at 0x%" PRIx64, want[i].name, want[i].addr);
	hs_src_free(s);
}

/* Every row start agrees with addr2line on file and line. */
static void test_lines_match_addr2line(void **state)
{
	struct warns w;
	struct hs_src *s = open_file(abs_path(EXAMPLE), &w);
	uint64_t start = nm_value(EXAMPLE, "copy_name");
	uint64_t end = nm_value(EXAMPLE, "main") + 0x40, a;
	char cmd[65536], *p = cmd, line[PATH_MAX + 64];
	uint64_t addrs[4096];
	size_t n = 0, k = 0;
	FILE *f;

	(void)state;
	p += snprintf(p, sizeof cmd, "addr2line -e %s", EXAMPLE);
	for (a = start; a < end && n < 4096; a++) {
		struct hs_src_line_info li;

		assert_int_equal(hs_src_line_info(s, BASE + a, &li), 0);
		if (!li.row_start)
			continue;
		addrs[n++] = a;
		p += snprintf(p, (size_t)(cmd + sizeof cmd - p), " 0x%" PRIx64, a);
	}
	assert_true(n > 30);
	/* each row runs up to the next one */
	for (k = 0; k + 1 < n; k++) {
		struct hs_src_line_info li;

		assert_int_equal(hs_src_line_info(s, BASE + addrs[k], &li), 0);
		assert_int_equal(li.row_addr, BASE + addrs[k]);
		assert_int_equal(li.row_end, BASE + addrs[k + 1]);
		assert_int_equal(hs_src_line_info(s, BASE + addrs[k + 1] - 1, &li), 0);
		assert_int_equal(li.row_addr, BASE + addrs[k]);
		assert_false(li.row_start && addrs[k + 1] - 1 != addrs[k]);
	}
	k = 0;
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) && k < n) {
		struct hs_src_loc loc;
		char want[PATH_MAX + 64];

		line[strcspn(line, " \n")] = 0; /* "file:line (discriminator 1)" */
		assert_int_equal(hs_src_lookup(s, BASE + addrs[k], &loc), 0);
		snprintf(want, sizeof want, "%s:%u", loc.file, loc.line);
		assert_string_equal(want, line);
		k++;
	}
	pclose(f);
	assert_int_equal(k, n);
	hs_src_free(s);
}

/* Every address of fn in prog: the inlined frames (hs_src_inline_frames,
 * then the real function) agree with `addr2line -i`'s, innermost first:
 * the function (names only where with_names: binutils names a C++
 * template's copy by its caller) and, for the outer frames, the call
 * site (the innermost line is the line table's, where addr2line takes
 * the last of several rows at one address and gdb another: test_lines
 * and the e2e tests compare it with gdb). */
static void check_inline_frames(const char *prog, const char *fn, bool with_names, int *n_inl)
{
	struct warns w;
	struct hs_src *s = open_file(abs_path(prog), &w);
	uint64_t start = nm_value(prog, fn), a;
	char cmd[65536], *p = cmd, line[PATH_MAX + 64];
	FILE *f;

	assert_true(start != 0);
	p += snprintf(p, sizeof cmd, "addr2line -C -a -i -f -e %s", prog);
	for (a = start; a < start + 0x200; a++) {
		struct hs_src_loc loc;

		if (hs_src_lookup(s, BASE + a, &loc) || loc.func_start != BASE + start)
			break;
		p += snprintf(p, sizeof cmd - (size_t)(p - cmd), " 0x%" PRIx64, a);
	}
	assert_true(a > start + 8);
	f = popen(cmd, "r");
	assert_non_null(f);
	a = 0;
	if (!fgets(line, sizeof line, f))
		fail_msg("addr2line printed nothing");
	while (!feof(f)) {
		struct hs_src_inline in[16];
		struct hs_src_loc loc;
		uint64_t addr = strtoull(line, NULL, 16);
		int n, k = 0;

		assert_int_equal(hs_src_lookup(s, BASE + addr, &loc), 0);
		n = hs_src_inline_frames(s, BASE + addr, in, 16);
		assert_true(n >= 0);
		*n_inl += n > 0;
		/* pairs "function", "file:line (discriminator N)" up to the next address */
		while (fgets(line, sizeof line, f) && strncmp(line, "0x", 2) != 0) {
			char got[PATH_MAX + 64], name[512];

			snprintf(name, sizeof name, "%s", line);
			name[strcspn(name, "(\n")] = 0; /* "Counter::bump()" */
			if (!fgets(line, sizeof line, f))
				fail_msg("addr2line: a function without a line");
			line[strcspn(line, " \n")] = 0;
			if (k > n)
				fail_msg("0x%" PRIx64 ": addr2line has more frames than %d", addr, n + 1);
			if (with_names && strcmp(name, k < n ? in[k].function : loc.function))
				fail_msg("0x%" PRIx64 " frame %d: %s, addr2line %s", addr, k,
					 k < n ? in[k].function : loc.function, name);
			if (k > 0) {
				snprintf(got, sizeof got, "%s:%u", in[k - 1].call_file,
					 in[k - 1].call_line);
				assert_string_equal(got, line);
			}
			k++;
		}
		assert_int_equal(k, n + 1);
		a++;
	}
	pclose(f);
	assert_true(a > 8);
	hs_src_free(s);
}

/* -O2 programs whose helpers gcc inlined: inlined twice at two sites, two
 * deep, calls made from inside a copy, C++ methods and a template. */
static void test_inline_frames_match_addr2line(void **state)
{
	int n_inl = 0;

	(void)state;
	check_inline_frames("build/programs/inl_basic_o2", "main", true, &n_inl);
	check_inline_frames("build/programs/inl_calls_o2", "twice", true, &n_inl);
	check_inline_frames("build/programs/inl_calls_o2", "main", true, &n_inl);
	check_inline_frames("build/programs/inl_methods_o2", "main", false, &n_inl);
	assert_true(n_inl > 20);
}

/* gdb's breakpoint on a function (its prologue skip) lands on the first
 * row after the ones we flag as prologue; in the -O2 program, where the
 * functions set up no frame, on the entry, which is then no prologue. */
static void test_prologue_matches_gdb_breakpoints(void **state)
{
	static const struct {
		const char *prog, *fn;
	} cases[] = {
		{ EXAMPLE, "copy_name" }, { EXAMPLE, "open_account" },
		{ EXAMPLE, "rename_account" }, { EXAMPLE, "apply" },
		{ EXAMPLE, "print_ledger" }, { EXAMPLE, "main" },
		{ "build/programs/loops_o2", "gcd.constprop.0" },
		{ "build/programs/loops_o2", "collatz_steps" },
		{ "build/programs/loops_o2", "digit_sum" },
		/* bodies on their opening line: the rows after the prologue
		 * are of the same line, and still where gdb stops */
		{ "build/programs/step_oneline", "twice" },
		{ "build/programs/step_oneline", "sum" },
		{ "build/programs/step_oneline", "by_value" },
		{ "build/programs/step_oneline", "main" },
		{ "build/programs/step_oneline_o2", "twice" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct warns w;
		struct hs_src *s = open_file(abs_path(cases[i].prog), &w);
		uint64_t entry = BASE + nm_value(cases[i].prog, cases[i].fn), a, bp;
		struct hs_src_line_info li;
		char line[512];

		assert_true(entry != BASE);
		assert_int_equal(sh_line(line, sizeof line,
					 "gdb -q -batch -ex \"break '%s'\" %s 2>&1 | "
					 "sed -n 's/^Breakpoint 1 at 0x\\([0-9a-f]*\\):.*/\\1/p'",
					 cases[i].fn, cases[i].prog), 0);
		bp = BASE + strtoull(line, NULL, 16);
		assert_int_equal(hs_src_line_info(s, entry, &li), 0);
		assert_true(li.row_start && li.is_stmt);
		assert_true(hs_src_step_stops(s, bp));
		/* gcc 12 marks no prologue end: break is where step stops */
		assert_int_equal(hs_src_break_addr(s, entry, &a), -ENOENT);
		if (bp == entry) {
			assert_false(li.prologue || li.in_prologue);
			hs_src_free(s);
			continue;
		}
		assert_true(li.prologue && li.in_prologue);
		for (a = entry + 1; a < bp; a++) {
			assert_int_equal(hs_src_line_info(s, a, &li), 0);
			assert_false(li.row_start && !li.prologue);
			assert_true(li.in_prologue);
		}
		assert_int_equal(hs_src_line_info(s, bp, &li), 0);
		assert_true(li.row_start && li.is_stmt);
		assert_false(li.prologue || li.in_prologue);
		hs_src_free(s);
	}
}

static void test_where_format(void **state)
{
	struct warns w;
	struct hs_src *s = open_file(abs_path(EXAMPLE), &w);
	uint64_t cn = BASE + nm_value(EXAMPLE, "copy_name");
	char buf[256], want[256], line[256];
	int len;

	(void)state;
	assert_int_equal(sh_line(line, sizeof line, "addr2line -e %s 0x%" PRIx64
				 " | sed 's,.*/,,'", EXAMPLE, (uint64_t)(cn - BASE)), 0);
	len = hs_src_format_where(s, cn, buf, sizeof buf);
	snprintf(want, sizeof want, "copy_name+0x0 %s", line);
	assert_string_equal(buf, want);
	assert_int_equal(len, (int)strlen(want));
	/* length wanted, like snprintf */
	assert_int_equal(hs_src_format_where(s, cn, buf, 4), len);
	assert_string_equal(buf, "cop");
	hs_src_format_where(s, 0x10, buf, sizeof buf);
	assert_string_equal(buf, "0x10");
	hs_src_free(s);
}

static int count_cb(void *ctx, uint64_t addr)
{
	*(uint64_t *)ctx = addr;
	return 0;
}

struct file_hunt {
	const char *suffix;
	int found;
};

static int file_cb(void *ctx, const char *path)
{
	struct file_hunt *h = ctx;
	size_t n = strlen(path), k = strlen(h->suffix);

	if (n >= k && !strcmp(path + n - k, h->suffix))
		h->found++;
	return 0;
}

static void test_function_entries_and_sources(void **state)
{
	struct warns w;
	struct hs_src *s;
	uint64_t got = 0;
	struct file_hunt h = { "/tests/programs/example.c", 0 };
	const char *dirs[] = { TMP "/nowhere", TMP "/srcs" };
	struct hs_src_options o = { .source_dirs = dirs, .n_source_dirs = 2 };
	char *disk = NULL, want[PATH_MAX];

	(void)state;
	s = open_file(abs_path(EXAMPLE), &w);
	assert_int_equal(hs_src_function_entries(s, "apply", count_cb, &got), 1);
	assert_int_equal(got, BASE + nm_value(EXAMPLE, "apply"));
	assert_int_equal(hs_src_function_entries(s, "no_such_function", count_cb, &got), 0);
	assert_int_equal(hs_src_source_files(s, file_cb, &h), 0);
	assert_int_equal(h.found, 1);
	assert_int_equal(hs_src_source_find(s, abs_path("tests/programs/example.c"), &disk), 0);
	assert_string_equal(disk, abs_path("tests/programs/example.c"));
	free(disk);
	hs_src_free(s);

	/* --sources: the longest trailing part of the path that exists */
	assert_int_equal(sh("mkdir -p %s/srcs/programs %s/srcs/x && "
			    "cp tests/programs/example.c %s/srcs/programs/ && "
			    "cp tests/programs/example.c %s/srcs/", TMP, TMP, TMP, TMP), 0);
	assert_int_equal(hs_src_new(&o, &s), 0);
	assert_int_equal(hs_src_finish(s), 0);
	assert_int_equal(hs_src_source_find(s, "/gone/build/tests/programs/example.c", &disk), 0);
	snprintf(want, sizeof want, "%s/srcs/programs/example.c", TMP);
	assert_string_equal(disk, want);
	free(disk);
	assert_int_equal(hs_src_source_find(s, "/gone/example.c", &disk), 0);
	snprintf(want, sizeof want, "%s/srcs/example.c", TMP);
	assert_string_equal(disk, want);
	free(disk);
	assert_int_equal(hs_src_source_find(s, "/gone/nothing.c", &disk), -ENOENT);
	hs_src_free(s);
}

/* A packed trace (hindsight pack): the ELF and the source are read from
 * PACK/paths/<recorded path> once the recorded files are gone, and not at
 * all without pack_dir. */
static void test_pack_dir_reads_packed_copies(void **state)
{
	char gone[PATH_MAX], pack[PATH_MAX], *disk = NULL;
	struct hs_src_options o = { .warn = warn_cb };
	struct warns w = { 0 };
	const struct hs_src_module *m;
	struct hs_src *s;

	(void)state;
	o.warn_ctx = &w;
	snprintf(gone, sizeof gone, "%s", abs_path(TMP "/gone/example"));
	snprintf(pack, sizeof pack, "%s", abs_path(TMP "/pack"));
	assert_int_equal(sh("rm -rf %s/gone %s/pack && mkdir -p %s/gone %s/pack/objects "
			    "%s/pack/paths%s/gone %s/pack/paths/old/src && "
			    "cp %s %s/pack/objects/1 && "
			    "cp tests/programs/example.c %s/pack/objects/2 && "
			    "ln -s %s/objects/1 %s/pack/paths%s && "
			    "ln -s %s/objects/2 %s/pack/paths/old/src/example.c",
			    TMP, TMP, TMP, TMP, TMP, abs_path(TMP), TMP, EXAMPLE, TMP,
			    TMP, pack, TMP, gone, pack, TMP), 0);
	for (int packed = 0; packed < 2; packed++) {
		o.pack_dir = packed ? pack : NULL;
		assert_int_equal(hs_src_new(&o, &s), 0);
		/* mapped while it was there, gone before the modules load */
		assert_int_equal(sh("cp %s %s/gone/example", EXAMPLE, TMP), 0);
		map_like_kernel(s, gone, BASE);
		assert_int_equal(sh("rm %s/gone/example", TMP), 0);
		assert_int_equal(hs_src_finish(s), 0);
		assert_int_equal(hs_src_module_count(s), 1);
		m = hs_src_module_at(s, 0);
		assert_string_equal(m->path, gone);
		assert_int_equal(m->has_dwarf, packed);
		assert_int_equal(hs_src_source_find(s, "/old/src/example.c", &disk),
				 packed ? 0 : -ENOENT);
		if (packed) {
			assert_int_equal(m->problem == NULL, 1);
			assert_non_null(strstr(m->file, "/pack/paths/"));
			assert_non_null(strstr(disk, "/pack/paths/old/src/example.c"));
		} else {
			assert_string_equal(m->problem, "file not found");
		}
		free(disk);
		disk = NULL;
		hs_src_free(s);
	}
}

/* ---- C++ names, PLT stubs, .bss -------------------------------------------- */

/* The number of locations gdb's `break q` finds in prog (0: none). */
static int gdb_break_locations(const char *prog, const char *q)
{
	char line[64];

	if (sh_line(line, sizeof line, "gdb -nx -batch -ex \"break %s\" %s 2>&1 | "
		    "grep '^Breakpoint 1 at' | sed 's/.*(\\([0-9]*\\) locations)$/\\1/; "
		    "s/^Breakpoint.*/1/'", q, prog))
		return 0;
	long n = strtol(line, NULL, 10);

	return n > 0 && n < 1000000 ? (int)n : 0;
}

static int entry_cb(void *ctx, uint64_t addr)
{
	(void)addr;
	(*(int *)ctx)++;
	return 0;
}

/* What a user types to gdb's break finds as many functions here as gdb
 * finds locations: names, scopes, wild names, templates, overloads,
 * signatures and symbols. */
static void test_cxx_break_names_match_gdb(void **state)
{
	static const struct {
		const char *prog, *q;
	} cases[] = {
		{ CPP_MEMBERS, "twice" }, { CPP_MEMBERS, "twice(int)" },
		{ CPP_MEMBERS, "twice(double)" }, { CPP_MEMBERS, "add" },
		{ CPP_MEMBERS, "add<int>" }, { CPP_MEMBERS, "add<long>(long, long)" },
		{ CPP_MEMBERS, "P::get" }, { CPP_MEMBERS, "get" }, { CPP_MEMBERS, "g" },
		{ CPP_MEMBERS, "_Z5twicei" }, { CPP_MEMBERS, "main" },
		{ CPP_OBJECTS, "std::vector<int, std::allocator<int> >::push_back" },
		{ CPP_OBJECTS, "std::vector<int,std::allocator<int>>::push_back" },
		{ CPP_OBJECTS, "push_back" }, { CPP_OBJECTS, "quote" },
		{ CPP_OBJECTS, "Fruit::price" }, { CPP_OBJECTS, "price" },
		{ CPP_OBJECTS, "quote(Item const&, long)" },
		{ CPP_OBJECTS, "Fruit::price() const" }, { CPP_OBJECTS, "_ZNK5Fruit5priceEv" },
		{ CPP_OBJECTS, "Pet::speak" }, { CPP_OBJECTS, "speak" },
		{ CPP_OBJECTS, "operator-" }, { CPP_OBJECTS, "__gnu_cxx::operator-" },
		{ CPP_OBJECTS, "__gnu_cxx::operator-<int*, std::vector<int, std::allocator<int> > >" },
		{ CPP_OBJECTS, "no_such_function" },
		/* operators: templates ("operator< <int>"), conversions,
		 * new[]/delete[], a literal operator; lambdas */
		{ NM_OPS, "operator<" }, { NM_OPS, "std::operator<" },
		{ NM_OPS, "operator< <int>" }, { NM_OPS, "operator<(M const&, int)" },
		{ NM_OPS, "std::operator< <char, std::char_traits<char>, std::allocator<char> >" },
		{ NM_OPS, "operator+" }, { NM_OPS, "operator+<int>" },
		{ NM_OPS, "M::operator()" }, { NM_OPS, "M::operator()<int>" },
		{ NM_OPS, "operator int" }, { NM_OPS, "M::operator int" },
		{ NM_OPS, "M::operator char const*" }, { NM_OPS, "M::operator new[]" },
		{ NM_OPS, "operator delete[]" }, { NM_OPS, "operator->" },
		{ NM_OPS, "operator[]" }, { NM_OPS, "operator==" }, { NM_OPS, "M::operator<<(int)" },
		{ NM_OPS, "operator()" }, { NM_OPS, "main::{lambda(int, int)#1}::operator()" },
		{ NM_OPS, "{lambda(int, int)#1}::operator()" },
		{ NM_OPS, "main::{lambda(int, int)#1}::operator()(int, int) const" },
		{ NM_OPS, "twice(int)::{lambda(int)#1}::operator()" },
		{ NM_OPS, "twice::{lambda(int)#1}::operator()" },
		/* no symbol table: DWARF's linkage names */
		{ TMP "/cpp_members.dwarfonly", "twice" },
		{ TMP "/cpp_members.dwarfonly", "P::get" },
		{ TMP "/cpp_members.dwarfonly", "add<long>(long, long)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct warns w;
		struct hs_src *s = open_file(abs_path(cases[i].prog), &w);
		int n = 0, want = gdb_break_locations(cases[i].prog, cases[i].q);

		if (hs_src_function_entries(s, cases[i].q, entry_cb, &n) != want || n != want)
			fail_msg("break %s in %s: %d entries, gdb %d locations", cases[i].q,
				 cases[i].prog, n, want);
		hs_src_free(s);
	}
}

#define LIBSTDCXX "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"

/* The value of the symbol nm -C (-D: dynamic symbols) prints as dem in
 * path; 0 if none. */
static uint64_t nm_demangled(const char *path, const char *dem, bool dyn)
{
	char line[64];

	/* without the version of a dynamic symbol ("...@@GLIBCXX_3.4") */
	if (sh_line(line, sizeof line, "nm -C %s '%s' | awk -v n='%s' "
		    "'{ d = substr($0, 20); sub(/@.*$/, \"\", d) } d == n { print $1; exit }'",
		    dyn ? "-D" : "", path, dem))
		return 0;
	return strtoull(line, NULL, 16);
}

/* Functions nm -C names so (libstdc++'s dynamic symbols, nm_ops built by
 * g++ 12) and the names gdb 13 gives them: the break name (what `break`
 * takes and calls/ lists; gdb's frame name of a function with DWARF) and,
 * where gdb's C++ parser fails on the name (operator"", a lambda's
 * "{lambda(int)#1}", a function type in template arguments), bt's frame
 * name: the signature without return type, or for a function whose DWARF
 * has no linkage name, the name gdb builds from DWARF. */
static void test_cxx_operator_names(void **state)
{
	static const struct {
		const char *path, *dem, *brk, *frame;
	} cases[] = {
		{ NM_OPS, "bool std::operator< <char, std::char_traits<char>, std::allocator<char> >"
		  "(std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > "
		  "const&, std::__cxx11::basic_string<char, std::char_traits<char>, "
		  "std::allocator<char> > const&)",
		  "std::operator< <char, std::char_traits<char>, std::allocator<char> >", NULL },
		{ LIBSTDCXX, "std::basic_ostream<char, std::char_traits<char> >& std::operator<< "
		  "<std::char_traits<char> >(std::basic_ostream<char, std::char_traits<char> >&, "
		  "char const*)", "std::operator<< <std::char_traits<char> >", NULL },
		{ LIBSTDCXX, "std::basic_istream<char, std::char_traits<char> >& std::operator>><char, "
		  "std::char_traits<char> >(std::basic_istream<char, std::char_traits<char> >&, char&)",
		  "std::operator>><char, std::char_traits<char> >", NULL },
		{ LIBSTDCXX, "std::basic_ios<char, std::char_traits<char> >::operator void*() const",
		  "std::basic_ios<char, std::char_traits<char> >::operator void*", NULL },
		{ LIBSTDCXX, "std::__exception_ptr::exception_ptr::operator void "
		  "(std::__exception_ptr::exception_ptr::*)()() const",
		  "std::__exception_ptr::exception_ptr::operator void "
		  "(std::__exception_ptr::exception_ptr::*)()", NULL },
		{ LIBSTDCXX, "operator new[](unsigned long)", "operator new[]", NULL },
		{ NM_OPS, "bool operator< <double>(M const&, double)", "operator< <double>", NULL },
		{ NM_OPS, "int operator+<int>(int, M const&)", "operator+<int>", NULL },
		{ NM_OPS, "operator\"\" _km(unsigned long long)", "operator\"\" _km",
		  "operator\"\" _km(unsigned long long)" },
		{ NM_OPS, "M::operator<<(int)", "M::operator<<", NULL },
		{ NM_OPS, "M::operator()(int, int) const", "M::operator()", NULL },
		{ NM_OPS, "double M::operator()<double>(double) const", "M::operator()<double>", NULL },
		{ NM_OPS, "M::operator->()", "M::operator->", NULL },
		{ NM_OPS, "M::operator[](int)", "M::operator[]", NULL },
		{ NM_OPS, "M::operator new[](unsigned long)", "M::operator new[]", NULL },
		{ NM_OPS, "M::operator delete[](void*)", "M::operator delete[]", NULL },
		{ NM_OPS, "M::operator int() const", "M::operator int", NULL },
		{ NM_OPS, "M::operator char const*() const", "M::operator char const*", NULL },
		{ NM_OPS, "M::operator std::__cxx11::basic_string<char, std::char_traits<char>, "
		  "std::allocator<char> >() const",
		  "M::operator std::__cxx11::basic_string<char, std::char_traits<char>, "
		  "std::allocator<char> >", NULL },
		/* g++'s lambda in main: DWARF has no linkage name, gdb builds
		 * "operator()" */
		{ NM_OPS, "main::{lambda(int, int)#1}::operator()(int, int) const", "operator()", NULL },
		/* an instance over it: gdb's name from DWARF, whole in bt */
		{ NM_OPS, "int call_with<main::{lambda(int, int)#1}>(main::{lambda(int, int)#1})",
		  "call_with<main()::<lambda(int, int)> >",
		  "call_with<main()::<lambda(int, int)> >(struct {...})" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bool dyn = !strcmp(cases[i].path, LIBSTDCXX);
		uint64_t at = nm_demangled(cases[i].path, cases[i].dem, dyn);
		const char *want = cases[i].frame ? cases[i].frame : cases[i].brk;
		struct hs_src_loc loc;
		struct warns w;
		struct hs_src *s;

		if (!at)
			fail_msg("nm -C %s has no %s", cases[i].path, cases[i].dem);
		s = open_file(dyn ? cases[i].path : abs_path(cases[i].path), &w);
		assert_int_equal(hs_src_lookup(s, BASE + at, &loc), 0);
		if (!loc.break_name || strcmp(loc.break_name, cases[i].brk))
			fail_msg("break name of %s: %s, gdb %s", cases[i].dem, loc.break_name,
				 cases[i].brk);
		/* no DWARF (libstdc++): gdb's frame is the symbol's signature */
		if (!dyn && (!loc.function || strcmp(loc.function, want)))
			fail_msg("frame name of %s: %s, gdb %s", cases[i].dem, loc.function, want);
		hs_src_free(s);
	}
}

/* A C++ function's names: gdb's frame name (break name) with line info,
 * the demangled signature, the symbol. */
static void test_cxx_function_names(void **state)
{
	struct warns w;
	struct hs_src *s = open_file(abs_path(CPP_OBJECTS), &w);
	uint64_t price = BASE + nm_value(CPP_OBJECTS, "_ZNK5Fruit5priceEv");
	uint64_t quote = BASE + nm_value(CPP_OBJECTS, "_ZL5quoteRK4Iteml");
	struct hs_src_loc loc;
	char buf[256];

	(void)state;
	assert_true(price != BASE && quote != BASE);
	assert_int_equal(hs_src_lookup(s, price + 4, &loc), 0);
	assert_string_equal(loc.function, "Fruit::price");
	assert_string_equal(loc.break_name, "Fruit::price");
	assert_string_equal(loc.signature, "Fruit::price() const");
	assert_string_equal(loc.linkage_name, "_ZNK5Fruit5priceEv");
	assert_int_equal(loc.func_start, price);
	assert_int_equal(hs_src_lookup(s, quote, &loc), 0);
	assert_string_equal(loc.function, "quote");
	assert_string_equal(loc.signature, "quote(Item const&, long)");
	hs_src_format_where(s, quote, buf, sizeof buf);
	assert_string_equal(buf, "quote+0x0 cpp_objects.cc:50");
	hs_src_free(s);

	/* no symbol table: the DWARF linkage name gives the same name */
	s = open_file(abs_path(TMP "/cpp_members.dwarfonly"), &w);
	price = BASE + nm_value(CPP_MEMBERS, "_ZNK1P3getEv");
	assert_true(price != BASE);
	assert_int_equal(hs_src_lookup(s, price + 4, &loc), 0);
	assert_string_equal(loc.function, "P::get");
	assert_int_equal(loc.func_start, price);
	hs_src_free(s);
}

/* A C++ library without debug info: every sampled function's name is the
 * demangled signature gdb's `info symbol` gives (verbose, as gdb:
 * "std::basic_ostream<char, std::char_traits<char> >::operator<<(int)"). */
static void test_cxx_names_without_debug_info_match_gdb(void **state)
{
	const char *lib = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
	char cmd[PATH_MAX], line[4096];
	struct warns w;
	struct hs_src *s;
	FILE *p;
	int n = 0;

	(void)state;
	if (access(lib, R_OK)) {
		skip();
		return;
	}
	s = open_file(lib, &w);
	/* every 53rd function whose address no other symbol shares; gdb
	 * answers for all of them in one run */
	assert_int_equal(sh("nm -D --defined-only %s | awk '$2 ~ /^[TW]$/ && $3 ~ /^_Z/ "
			    "{ print $1 }' | sort | uniq -u | awk 'NR %% 53 == 1' > %s/libsyms && "
			    "awk '{ print \"info symbol 0x\" $1 \" + 4\" }' %s/libsyms > %s/libsyms.gdb && "
			    "gdb -nx -batch -x %s/libsyms.gdb %s > %s/libnames.out 2>&1 && "
			    "paste -d' ' %s/libsyms %s/libnames.out > %s/libnames",
			    lib, TMP, TMP, TMP, TMP, lib, TMP, TMP, TMP, TMP), 0);
	snprintf(cmd, sizeof cmd, "%s/libnames", TMP);
	p = fopen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof line, p)) {
		uint64_t a = BASE + strtoull(line, NULL, 16);
		char *name = strchr(line, ' '), *end;
		struct hs_src_loc loc;

		if (!name || !(end = strstr(name, " + 4 in section")))
			continue;
		name++;
		*end = 0;
		assert_int_equal(hs_src_lookup(s, a + 4, &loc), 0);
		if (!loc.function || strcmp(loc.function, name) || loc.func_start != a)
			fail_msg("0x%" PRIx64 ": %s, gdb %s", a - BASE,
				 loc.function ? loc.function : "(none)", name);
		n++;
	}
	fclose(p);
	assert_true(n >= 20);
	hs_src_free(s);
}

/* Every stub objdump (bfd's synthetic symbols, as gdb's) names in .plt,
 * .plt.sec and .plt.got is found under that name, -O0, -O2 -z now, IBT. */
static void test_plt_stubs_match_objdump(void **state)
{
	static const char *const progs[] = {
		CPP_PLT, CPP_OBJECTS, TMP "/plt_now", TMP "/plt_ibt",
	};
	size_t i;

	(void)state;
	assert_int_equal(sh("cc -g -O2 -Wl,-z,now -o %s/plt_now tests/programs/cpp_plt.c && "
			    "cc -g -O0 -fcf-protection=full -Wl,-z,ibtplt -o %s/plt_ibt "
			    "tests/programs/cpp_plt.c", TMP, TMP), 0);
	for (i = 0; i < sizeof progs / sizeof progs[0]; i++) {
		struct warns w;
		struct hs_src *s = open_file(abs_path(progs[i]), &w);
		char cmd[PATH_MAX + 128], line[512];
		FILE *p;
		int n = 0;

		snprintf(cmd, sizeof cmd, "objdump -d -C -j .plt -j .plt.sec -j .plt.got '%s' "
			 "2>/dev/null | sed -n 's/^\\([0-9a-f]*\\) <\\(.*@plt\\)>:$/\\1 \\2/p'",
			 progs[i]);
		p = popen(cmd, "r");
		assert_non_null(p);
		while (fgets(line, sizeof line, p)) {
			uint64_t a = BASE + strtoull(line, NULL, 16);
			char *name = strchr(line, ' ') + 1;
			struct hs_src_loc loc;
			char where[512], want[512];

			name[strcspn(name, "\n")] = 0;
			assert_int_equal(hs_src_lookup(s, a + 4, &loc), 0);
			if (!loc.function || strcmp(loc.function, name) || loc.func_start != a)
				fail_msg("%s: 0x%" PRIx64 ": %s, objdump %s", progs[i], a - BASE,
					 loc.function ? loc.function : "(none)", name);
			hs_src_format_where(s, a + 4, where, sizeof where);
			snprintf(want, sizeof want, "%s+0x4", name);
			assert_string_equal(where, want);
			n++;
		}
		pclose(p);
		assert_true(n >= 3); /* malloc, printf, free at least */
		hs_src_free(s);
	}
}

/* .bss past what the file maps (the kernel's anonymous continuation of
 * the data segment) is still the module's: a pointer into it has a name. */
static void test_bss_past_file_mapping(void **state)
{
	struct hs_src *s;
	char cmd[PATH_MAX + 64], line[512];
	const char *path = abs_path(CPP_PLT);
	uint64_t big = nm_value(CPP_PLT, "big");
	struct hs_src_loc loc;
	FILE *p;

	(void)state;
	assert_true(big != 0);
	assert_int_equal(hs_src_new(NULL, &s), 0);
	snprintf(cmd, sizeof cmd, "readelf -lW '%s'", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof line, p)) {
		unsigned long long off, vaddr, paddr, fsz, msz;
		char flags[8] = "";

		if (sscanf(line, " LOAD 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx %7[RWE ]",
			   &off, &vaddr, &paddr, &fsz, &msz, flags) < 6)
			continue;
		/* file-backed part only, as a recording's map events say */
		assert_int_equal(hs_src_add_mapping(s, path, BASE + (vaddr & ~0xfffull),
						    (BASE + vaddr + fsz + 0xfff) & ~0xfffull,
						    off & ~0xfffull,
						    strchr(flags, 'E') ? PROT_READ | PROT_EXEC
								       : PROT_READ), 0);
	}
	pclose(p);
	assert_int_equal(hs_src_finish(s), 0);
	assert_int_equal(hs_src_lookup(s, BASE + big + 4096, &loc), 0);
	assert_non_null(loc.module);
	assert_true(loc.module->end >= BASE + big + (1 << 20));
	hs_src_free(s);
}

/* ---- bad input ------------------------------------------------------------ */

static void test_no_debug_info_keeps_symbols(void **state)
{
	struct warns w;
	struct hs_src *s = open_file(abs_path(TMP "/example.nodebug"), &w);
	const struct hs_src_module *m = hs_src_module_at(s, 0);
	uint64_t v = nm_value(TMP "/example.nodebug", "copy_name");
	struct hs_src_loc loc;
	struct hs_src_line_info li;
	char buf[256];

	(void)state;
	assert_true(m->has_symbols);
	assert_false(m->has_dwarf);
	assert_int_equal(w.n, 0);
	assert_int_equal(hs_src_lookup(s, BASE + v, &loc), 0);
	assert_string_equal(loc.function, "copy_name");
	assert_null(loc.file);
	assert_int_equal(hs_src_line_info(s, BASE + v, &li), 0);
	assert_int_equal(li.line, 0);
	/* gdb's step runs such code to its return: calls from it are leapt */
	assert_false(hs_src_step_stops(s, BASE + v + 4));
	assert_false(hs_src_step_stops(s, 16)); /* in no module */
	hs_src_format_where(s, BASE + v + 4, buf, sizeof buf);
	assert_string_equal(buf, "copy_name+0x4");
	hs_src_free(s);
}

/* The dynamic linker, by its name before and since glibc 2.34. */
static void test_dynamic_linker_names(void **state)
{
	(void)state;
	assert_true(hs_src_dynamic_linker("/lib64/ld-linux-x86-64.so.2"));
	assert_true(hs_src_dynamic_linker("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
	assert_true(hs_src_dynamic_linker("/lib/x86_64-linux-gnu/ld-2.31.so"));
	assert_true(hs_src_dynamic_linker("ld-linux-x86-64.so.2"));
	assert_false(hs_src_dynamic_linker("/usr/lib/x86_64-linux-gnu/libc.so.6"));
	assert_false(hs_src_dynamic_linker("/home/me/ld-helper/prog"));
	assert_false(hs_src_dynamic_linker("/usr/lib/libld-2.so"));
}

static void test_stripped_and_missing_files(void **state)
{
	struct warns w;
	struct hs_src *s = open_file(abs_path(TMP "/example.stripped"), &w);
	const struct hs_src_module *m = hs_src_module_at(s, 0);
	struct hs_src_options o = { .warn = warn_cb, .warn_ctx = &w };
	char buf[256], want[256];
	uint64_t cn = BASE + nm_value(EXAMPLE, "copy_name");

	(void)state;
	/* .dynsym of a PIE has no local functions: an address and a module */
	assert_false(m->has_dwarf);
	hs_src_format_where(s, cn, buf, sizeof buf);
	snprintf(want, sizeof want, "0x%" PRIx64 " in example.stripped", cn);
	assert_string_equal(buf, want);
	hs_src_free(s);

	memset(&w, 0, sizeof w);
	assert_int_equal(hs_src_new(&o, &s), 0);
	assert_int_equal(hs_src_add_mapping(s, "/nonexistent/libgone.so", 0x7f0000000000,
					    0x7f0000004000, 0, PROT_READ | PROT_EXEC), 0);
	map_like_kernel(s, abs_path(EXAMPLE), BASE);
	assert_int_equal(hs_src_finish(s), 0);
	assert_int_equal(hs_src_module_count(s), 2);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.lines[0], "/nonexistent/libgone.so"));
	assert_non_null(strstr(w.lines[0], "file not found"));
	hs_src_format_where(s, 0x7f0000000010, buf, sizeof buf);
	assert_string_equal(buf, "0x7f0000000010 in libgone.so");
	/* the rest still works */
	hs_src_format_where(s, BASE + nm_value(EXAMPLE, "main"), buf, sizeof buf);
	assert_true(!strncmp(buf, "main+0x0 example.c:", 19));
	hs_src_free(s);
}

/* No .symtab but DWARF: functions, entries and prologues from DWARF. */
static void test_dwarf_without_symbols(void **state)
{
	struct warns w;
	struct hs_src *s = open_file(abs_path(TMP "/example.dwarfonly"), &w);
	uint64_t apply = BASE + nm_value(EXAMPLE, "apply"), got = 0;
	struct hs_src_loc loc;
	struct hs_src_line_info li;

	(void)state;
	assert_true(hs_src_module_at(s, 0)->has_dwarf);
	assert_int_equal(hs_src_lookup(s, apply + 9, &loc), 0);
	assert_string_equal(loc.function, "apply");
	assert_int_equal(loc.func_start, apply);
	assert_int_equal(hs_src_function_entries(s, "apply", count_cb, &got), 1);
	assert_int_equal(got, apply);
	assert_int_equal(hs_src_line_info(s, apply, &li), 0);
	assert_true(li.row_start && li.prologue);
	hs_src_free(s);
}

static void test_corrupt_dwarf_is_skipped_with_a_warning(void **state)
{
	struct warns w;
	struct hs_src *s = open_file(abs_path(TMP "/example.corrupt"), &w);
	const struct hs_src_module *m = hs_src_module_at(s, 0);
	struct hs_src_loc loc;

	(void)state;
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.lines[0], "example.corrupt"));
	assert_non_null(strstr(w.lines[0], "corrupt DWARF"));
	assert_false(m->has_dwarf);
	assert_non_null(m->problem);
	assert_true(m->has_symbols);
	assert_int_equal(hs_src_lookup(s, BASE + nm_value(EXAMPLE, "apply"), &loc), 0);
	assert_string_equal(loc.function, "apply");
	hs_src_free(s);
}

/* ---- variables on a recording ------------------------------------------- */

struct rec {
	struct hs_db *db;
	const struct hs_db_image *img;
	struct hs_src *src;
	uint64_t t; /* for read_mem */
};

static ssize_t rec_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct rec *r = ctx;

	return hs_db_mem_read(r->img, r->t, addr, len, buf);
}

static void rec_open(struct rec *r, const char *dir)
{
	struct hs_db_map *maps;
	struct hs_db_image_info ii;
	size_t n, i;

	memset(r, 0, sizeof *r);
	assert_int_equal(hs_db_open(dir, NULL, &r->db), 0);
	r->img = hs_db_image_at(r->db, 0);
	assert_non_null(r->img);
	assert_int_equal(hs_src_new(NULL, &r->src), 0);
	/* just before the end, every library is mapped */
	hs_db_image_info(r->img, &ii);
	assert_int_equal(hs_db_maps_at(r->img, ii.t_end - 1, &maps, &n), 0);
	for (i = 0; i < n; i++)
		if (maps[i].path && maps[i].path[0] == '/')
			assert_int_equal(hs_src_add_mapping(r->src, maps[i].path, maps[i].start,
							    maps[i].end, maps[i].offset,
							    maps[i].prot), 0);
	free(maps);
	assert_int_equal(hs_src_finish(r->src), 0);
}

static void rec_close(struct rec *r)
{
	hs_src_free(r->src);
	hs_db_close(r->db);
}

struct first_call {
	uint64_t callee, t_call, t_ret;
	int skip;
};

static int call_cb(void *ctx, const struct hs_db_call *c)
{
	struct first_call *f = ctx;

	if (c->callee != f->callee || f->t_call)
		return 0;
	if (f->skip-- > 0)
		return 0;
	f->t_call = c->t_call;
	f->t_ret = c->t_ret;
	return 1;
}

/* The first t inside the nth (from 0) call of function name where rip is
 * at the first row of line; UINT64_MAX if none. */
static uint64_t t_at_line(struct rec *r, const char *name, int nth, uint32_t line)
{
	struct first_call f = { 0 };
	struct hs_db_image_info ii;
	uint64_t t;

	hs_db_image_info(r->img, &ii);
	assert_int_equal(hs_src_function_entries(r->src, name, count_cb, &f.callee), 1);
	f.skip = nth;
	hs_db_calls(r->img, 0, ii.t_end, call_cb, &f);
	assert_true(f.t_call != 0);
	for (t = f.t_call; t < f.t_ret && t < ii.t_end; t++) {
		struct hs_db_regs regs;
		struct hs_src_line_info li;
		struct hs_src_loc loc;

		assert_int_equal(hs_db_regs_at(r->img, t, 0, &regs), 0);
		/* callees run in between: libc has line numbers too */
		if (hs_src_line_info(r->src, regs.regs.rip, &li) == 0 && li.row_start &&
		    li.line == line && hs_src_lookup(r->src, regs.regs.rip, &loc) == 0 &&
		    loc.function && !strcmp(loc.function, name))
			return t;
	}
	return UINT64_MAX;
}

/* "name = value" lines of our locals at t, params first, like gdb's
 * `info args` then `info locals`. */
static char *locals_text(struct rec *r, uint64_t t, bool types)
{
	struct hs_db_regs regs;
	struct hs_src_target tg = { .regs = &regs.regs, .read_mem = rec_read, .ctx = r };
	struct hs_src_var *v;
	size_t n, i;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	r->t = t;
	assert_int_equal(hs_db_regs_at(r->img, t, 0, &regs), 0);
	assert_int_equal(hs_src_locals(r->src, &tg, &v, &n), 0);
	for (i = 0; i < n; i++) {
		if (types)
			fprintf(f, "%s %s: ", v[i].is_param ? "arg" : "local", v[i].type);
		fprintf(f, "%s = %s\n", v[i].name, v[i].value);
	}
	fclose(f);
	hs_src_vars_free(v, n);
	return out;
}

static void test_locals_in_example_match_gdb(void **state)
{
	struct rec r;
	uint64_t t;
	char *got;

	(void)state;
	rec_open(&r, TMP "/rec-example");
	/* the rename: copy_name's fifth call, at "n = size" (line 36) */
	t = t_at_line(&r, "copy_name", 4, 36);
	assert_true(t != UINT64_MAX);
	got = locals_text(&r, t, true);
	printf("%s", got);
	assert_non_null(strstr(got, "arg char *: dst = 0x"));
	assert_non_null(strstr(got, " <ledger> \"Ada Lovelace\"\n"));
	assert_non_null(strstr(got, "arg size_t: size = 16\n"));
	assert_non_null(strstr(got, " \"Alexandria Okonkwo-Smith\"\n"));
	assert_non_null(strstr(got, "arg const char *: src = 0x"));
	assert_non_null(strstr(got, "local size_t: n = 24\n"));
	free(got);

	/* main at "for (int i..." after the rename (line 91), as gdb says */
	t = t_at_line(&r, "main", 0, 91);
	assert_true(t != UINT64_MAX);
	got = locals_text(&r, t, false);
	printf("%s", got);
	assert_string_equal(got,
		"i = 0\n"
		"txns = {{account = 0, amount = 125075}, {account = 1, amount = -2250}, "
		"{account = 2, amount = 98010}, {account = 3, amount = 4420}, "
		"{account = 0, amount = -13999}, {account = 2, amount = 10101}, "
		"{account = 1, amount = 77777}, {account = 3, amount = -1200}}\n"
		"expected = 318934\n"
		"total = 0\n");
	free(got);
	rec_close(&r);
}

/* gdb's `info args` + `info locals` at the probe line of the fixture,
 * natively, against ours on the recording, line for line.  gdb prints
 * char arrays up to their NUL and no <repeats> (source.h's format, and
 * scripts/gdb-oracle.py's settings). */
static void test_locals_of_every_kind_match_gdb(void **state)
{
	struct rec r;
	uint64_t t;
	char *got, want[16384], args[4096], expect[20480], line[4096];
	size_t wl = 0, al = 0;
	bool in_locals = false;
	FILE *p;
	int probe_line = 0, k = 0;

	(void)state;
	/* the probe line's number in the fixture */
	for (const char *q = vars_c; *q; q++) {
		if (*q == '\n')
			k++;
		if (!strncmp(q, "/* probe line */", 16)) {
			probe_line = k + 1;
			break;
		}
	}
	assert_true(probe_line > 0);
	snprintf(line, sizeof line,
		 "gdb -q -batch -ex 'set width 0' -ex 'set print null-stop on' "
		 "-ex 'set print repeats unlimited' -ex 'break vars.c:%d' -ex run "
		 "-ex 'info args' -ex 'echo ---\\n' -ex 'info locals' %s/vars 2>/dev/null",
		 probe_line, TMP);
	p = popen(line, "r");
	assert_non_null(p);
	want[0] = 0;
	args[0] = 0;
	while (fgets(line, sizeof line, p)) {
		if (!strcmp(line, "---\n")) {
			in_locals = true;
			continue;
		}
		/* keep "name = value" lines, not gdb's chatter */
		if (!strstr(line, " = ") || strchr("[B(", line[0]) ||
		    !strncmp(line, "Breakpoint", 10) || strstr(line, "/* probe line */"))
			continue;
		if (in_locals)
			wl += (size_t)snprintf(want + wl, sizeof want - wl, "%s", line);
		else
			al += (size_t)snprintf(args + al, sizeof args - al, "%s", line);
	}
	pclose(p);
	/* every declaration gdb lists, a parameter an inner block shadows
	 * too, in its order: info args, then info locals (source.h) */
	snprintf(expect, sizeof expect, "%s%s", args, want);
	assert_true(wl > 100);

	rec_open(&r, TMP "/rec-vars");
	t = t_at_line(&r, "probe", 0, (uint32_t)probe_line);
	assert_true(t != UINT64_MAX);
	got = locals_text(&r, t, false);
	/* pointers differ (valgrind's heap and stack are elsewhere): compare
	 * what follows them */
	printf("gdb:\n%s\nours:\n%s", expect, got);
	{
		char *a = expect, *b = got;

		while (*a && *b) {
			if (!strncmp(a, "0x", 2) && !strncmp(b, "0x", 2)) {
				a += 2 + strspn(a + 2, "0123456789abcdef");
				b += 2 + strspn(b + 2, "0123456789abcdef");
				continue;
			}
			if (*a != *b)
				break;
			a++;
			b++;
		}
		if (*a || *b)
			fail_msg("differs at gdb: \"%.60s\" ours: \"%.60s\"", a, b);
	}
	free(got);
	rec_close(&r);
}

/* C++ locals' type names are gdb's (`whatis`): qualified, no struct
 * keyword, references, pointers to members. */
static void test_cxx_local_types_match_gdb(void **state)
{
	struct rec r;
	struct hs_db_regs regs;
	struct hs_src_target tg = { .regs = &regs.regs, .read_mem = rec_read, .ctx = &r };
	struct hs_src_var *v;
	size_t n, i;
	uint64_t t;

	(void)state;
	rec_open(&r, TMP "/rec-members");
	t = t_at_line(&r, "g", 0, 21);
	assert_true(t != UINT64_MAX);
	r.t = t;
	assert_int_equal(hs_db_regs_at(r.img, t, 0, &regs), 0);
	assert_int_equal(hs_src_locals(r.src, &tg, &v, &n), 0);
	assert_true(n >= 9);
	for (i = 0; i < n; i++) {
		char line[512], want[512];

		assert_int_equal(sh_line(line, sizeof line, "gdb -nx -batch -ex 'break "
					 "cpp_members.cc:21' -ex run -ex 'whatis %s' %s 2>&1 | "
					 "sed -n 's/^type = //p'", v[i].name, CPP_MEMBERS), 0);
		snprintf(want, sizeof want, "%s", line);
		if (strcmp(v[i].type, want))
			fail_msg("%s: type %s, gdb %s", v[i].name, v[i].type, want);
	}
	hs_src_vars_free(v, n);
	rec_close(&r);
}

static void test_locals_without_debug_info(void **state)
{
	struct warns w;
	struct hs_src *s = open_file(abs_path(TMP "/example.nodebug"), &w);
	struct hs_trace_regs regs = { 0 };
	struct hs_src_target tg = { .regs = &regs, .read_mem = rec_read };
	struct hs_src_var *v = NULL;
	size_t n = 0;

	(void)state;
	regs.rip = BASE + nm_value(TMP "/example.nodebug", "apply") + 8;
	assert_int_equal(hs_src_locals(s, &tg, &v, &n), -ENODATA);
	assert_int_equal(n, 0);
	regs.rip = 0x10;
	assert_int_equal(hs_src_locals(s, &tg, &v, &n), -ENOENT);
	hs_src_free(s);
}

/* Many threads at once on one handle (line tables, symbols, and the
 * locked libdw paths: DWARF-only lookups and locals) give the answers
 * one thread gives. */
#define TH_SPAN 0x500
static ssize_t no_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return -EIO;
}

struct th_arg {
	struct hs_src *s;
	uint64_t lo;
	char (*want)[128];
	int bad;
};

static void *th_run(void *p)
{
	struct th_arg *a = p;
	struct hs_trace_regs regs = { 0 };
	struct hs_src_target tg = { .regs = &regs, .read_mem = no_mem };
	uint64_t x;

	for (int round = 0; round < 4; round++)
		for (x = 0; x < TH_SPAN; x++) {
			struct hs_src_var *v;
			size_t n;
			char buf[128];

			hs_src_format_where(a->s, a->lo + x, buf, sizeof buf);
			if (strcmp(buf, a->want[x]))
				a->bad++;
			/* no memory: values are <unreadable>, but scopes and
			 * types are walked under the lock */
			regs.rip = a->lo + x;
			if (x % 16 == 0 && hs_src_locals(a->s, &tg, &v, &n) == 0)
				hs_src_vars_free(v, n);
		}
	return NULL;
}

static void test_threads(void **state)
{
	const char *files[] = { EXAMPLE, TMP "/example.dwarfonly" };
	static char want[TH_SPAN][128];
	struct th_arg a[4];
	pthread_t th[4];
	size_t f;
	int i;

	(void)state;
	for (f = 0; f < 2; f++) {
		struct warns w;
		struct hs_src *s = open_file(abs_path(files[f]), &w);
		uint64_t lo = BASE + nm_value(EXAMPLE, "copy_name");

		for (i = 0; i < TH_SPAN; i++)
			hs_src_format_where(s, lo + (uint64_t)i, want[i], sizeof want[i]);
		assert_non_null(strstr(want[0x100], ".c:"));
		for (i = 0; i < 4; i++) {
			a[i] = (struct th_arg){ s, lo, want, 0 };
			assert_int_equal(pthread_create(&th[i], NULL, th_run, &a[i]), 0);
		}
		for (i = 0; i < 4; i++) {
			pthread_join(th[i], NULL);
			assert_int_equal(a[i].bad, 0);
		}
		hs_src_free(s);
	}
}

/* ---- the unwinder ---------------------------------------------------------- */

/* The function names of the unwound stack at r->t, space separated. */
static void unwound_names(struct rec *r, const struct hs_trace_regs *regs, char *out,
			  size_t cap)
{
	struct hs_src_target tg = { .regs = regs, .read_mem = rec_read, .ctx = r };
	uint64_t pcs[64];
	int n = hs_src_unwind(r->src, &tg, pcs, 64);
	size_t len = 0;

	assert_true(n >= 1);
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		struct hs_src_loc loc;
		uint64_t a = i ? pcs[i] - 1 : pcs[i];   /* a return address: the call */

		assert_int_equal(hs_src_lookup(r->src, a, &loc), 0);
		len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "",
					loc.function ? loc.function : "?");
		assert_true(len < cap);
	}
}

/* The call tree's function names at t: rip's, then each open call's call
 * site's, innermost first. */
static void call_tree_names(struct rec *r, uint64_t t, const struct hs_trace_regs *regs,
			    char *out, size_t cap)
{
	struct hs_db_call fr[64];
	int n = hs_db_backtrace(r->img, t, 0, fr, 64);
	size_t len = 0;

	assert_true(n >= 1);
	out[0] = 0;
	for (int i = 0; i <= n; i++) {
		struct hs_src_loc loc;

		assert_int_equal(hs_src_lookup(r->src, i ? fr[i - 1].call_site : regs->rip,
					       &loc), 0);
		len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "",
					loc.function ? loc.function : "?");
		assert_true(len < cap);
	}
}

/* In the example's deepest calls the unwinder (CFI over the recording's
 * registers and memory) and the call tree agree frame for frame. */
static void test_unwind_matches_call_tree(void **state)
{
	static const struct { const char *fn; int nth; uint32_t line; } at[] = {
		{ "copy_name", 4, 36 }, { "copy_name", 0, 33 }, { "main", 0, 91 },
	};
	struct rec r;
	char got[1024], want[1024];
	uint64_t pcs[4];

	(void)state;
	rec_open(&r, TMP "/rec-example");
	for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
		struct hs_db_regs regs;

		r.t = t_at_line(&r, at[k].fn, at[k].nth, at[k].line);
		assert_true(r.t != UINT64_MAX);
		assert_int_equal(hs_db_regs_at(r.img, r.t, 0, &regs), 0);
		unwound_names(&r, &regs.regs, got, sizeof got);
		call_tree_names(&r, r.t, &regs.regs, want, sizeof want);
		printf("t %" PRIu64 ": %s\n", r.t, got);
		assert_string_equal(got, want);
		assert_non_null(strstr(got, "main __libc_start_call_main"));
		assert_int_equal(strncmp(got, at[k].fn, strlen(at[k].fn)), 0);
	}
	/* bad arguments */
	{
		struct hs_trace_regs regs = { 0 };
		struct hs_src_target tg = { .regs = &regs, .read_mem = rec_read, .ctx = &r };

		assert_int_equal(hs_src_unwind(r.src, &tg, pcs, 0), -EINVAL);
		assert_int_equal(hs_src_unwind(r.src, NULL, pcs, 4), -EINVAL);
		assert_int_equal(hs_src_unwind(NULL, &tg, pcs, 4), -EINVAL);
		/* nowhere: rip alone, nothing to unwind with */
		regs.rip = 0x10;
		assert_int_equal(hs_src_unwind(r.src, &tg, pcs, 4), 1);
		assert_int_equal(pcs[0], 0x10);
	}
	rec_close(&r);
}

/* Unwinds from many threads at once on one handle give one thread's
 * answer (the handle's libdwfl state is shared: calls are serialised). */
struct uw_arg {
	struct rec *r;
	const struct hs_trace_regs *regs;
	const char *want;
	int bad;
};

static void *uw_run(void *p)
{
	struct uw_arg *a = p;
	char got[1024];

	for (int i = 0; i < 50; i++) {
		unwound_names(a->r, a->regs, got, sizeof got);
		if (strcmp(got, a->want))
			a->bad++;
	}
	return NULL;
}

static void test_unwind_threads(void **state)
{
	struct rec r;
	struct hs_db_regs regs;
	char want[1024];
	struct uw_arg a[4];
	pthread_t th[4];

	(void)state;
	rec_open(&r, TMP "/rec-example");
	r.t = t_at_line(&r, "copy_name", 4, 36);
	assert_true(r.t != UINT64_MAX);
	assert_int_equal(hs_db_regs_at(r.img, r.t, 0, &regs), 0);
	unwound_names(&r, &regs.regs, want, sizeof want);
	for (int i = 0; i < 4; i++) {
		a[i] = (struct uw_arg){ &r, &regs.regs, want, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, uw_run, &a[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(a[i].bad, 0);
	}
	rec_close(&r);
}

/* ---- setup ----------------------------------------------------------------- */

static int setup(void **state)
{
	FILE *f;

	(void)state;
	if (!getcwd(root, sizeof root))
		return -1;
	if (sh("rm -rf %s && mkdir -p %s", TMP, TMP))
		return -1;
	f = fopen(TMP "/vars.c", "w");
	if (!f)
		return -1;
	fputs(vars_c, f);
	fclose(f);
	/* -fcf-protection=none: no endbr64, like the example's flags */
	if (sh("cd %s && cc -g -O0 -fno-omit-frame-pointer -o vars vars.c", TMP) ||
	    sh("strip -o %s/example.stripped %s", TMP, EXAMPLE) ||
	    sh("objcopy --strip-debug %s %s/example.nodebug", EXAMPLE, TMP) ||
	    sh("strip -s --keep-section='.debug_*' -o %s/example.dwarfonly %s", TMP, EXAMPLE) ||
	    sh("strip -s --keep-section='.debug_*' -o %s/cpp_members.dwarfonly %s", TMP,
	       CPP_MEMBERS) ||
	    sh("cp %s %s/example.corrupt", EXAMPLE, TMP))
		return -1;
	/* overwrite the first unit's DWARF version (bytes 4-5 of .debug_info) */
	if (sh("off=$(readelf -SW %s/example.corrupt | "
	       "awk '$2 == \".debug_info\" { print $5 } $3 == \".debug_info\" { print $6 }'); "
	       "printf '\\377\\177' | dd of=%s/example.corrupt bs=1 seek=$((0x$off + 4)) "
	       "conv=notrunc status=none", TMP, TMP))
		return -1;
	if (sh("build/bin/hindsight record -o %s/rec-example -- %s >/dev/null 2>&1 && "
	       "build/bin/hindsight build %s/rec-example >/dev/null", TMP, EXAMPLE, TMP) ||
	    sh("build/bin/hindsight record -o %s/rec-vars -- %s/vars >/dev/null 2>&1; "
	       "build/bin/hindsight build %s/rec-vars >/dev/null", TMP, TMP, TMP) ||
	    sh("build/bin/hindsight record -o %s/rec-members -- %s >/dev/null 2>&1 && "
	       "build/bin/hindsight build %s/rec-members >/dev/null", TMP, CPP_MEMBERS, TMP))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (!getenv("HS_KEEP"))
		sh("rm -rf %s", TMP);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symbols_match_nm),
		cmocka_unit_test(test_symbol_list_matches_nm),
		cmocka_unit_test(test_lines_match_addr2line),
		cmocka_unit_test(test_inline_frames_match_addr2line),
		cmocka_unit_test(test_prologue_matches_gdb_breakpoints),
		cmocka_unit_test(test_where_format),
		cmocka_unit_test(test_function_entries_and_sources),
		cmocka_unit_test(test_cxx_break_names_match_gdb),
		cmocka_unit_test(test_cxx_operator_names),
		cmocka_unit_test(test_cxx_function_names),
		cmocka_unit_test(test_cxx_names_without_debug_info_match_gdb),
		cmocka_unit_test(test_plt_stubs_match_objdump),
		cmocka_unit_test(test_bss_past_file_mapping),
		cmocka_unit_test(test_no_debug_info_keeps_symbols),
		cmocka_unit_test(test_dynamic_linker_names),
		cmocka_unit_test(test_stripped_and_missing_files),
		cmocka_unit_test(test_dwarf_without_symbols),
		cmocka_unit_test(test_corrupt_dwarf_is_skipped_with_a_warning),
		cmocka_unit_test(test_locals_in_example_match_gdb),
		cmocka_unit_test(test_locals_of_every_kind_match_gdb),
		cmocka_unit_test(test_cxx_local_types_match_gdb),
		cmocka_unit_test(test_locals_without_debug_info),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_unwind_matches_call_tree),
		cmocka_unit_test(test_unwind_threads),
		cmocka_unit_test(test_pack_dir_reads_packed_copies),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
