/* cmd_pack.c - `hindsight pack TRACE`: copy into the trace every file it
 * needs to be built and debugged elsewhere (cli_pack.h: the manifest and
 * the store; builder/trace/trace_pack.c: the layout readers use).
 *
 * What is packed, per process image:
 *   - every regular file mapped (HS_EV_MAP with HS_MAP_FILE), when its
 *     mapped bytes still hash to what was recorded (else a warning: the
 *     file changed since the recording and packing it would not help);
 *   - the separate debug file libdwfl finds for each ELF module (by
 *     build-id under /usr/lib/debug/.build-id, by .gnu_debuglink, or, with
 *     DEBUGINFOD_URLS set, through libdebuginfod, which libdw loads
 *     itself), and the dwz file its .gnu_debugaltlink names;
 *   - every source file the DWARF names that exists (or that --sources
 *     DIR holds, as the tree finds it).
 * --exclude-system leaves out files under /usr, /lib*, /bin, /sbin, /etc.
 * Nothing already in the pack is read again: a second pack adds nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <elfutils/libdwelf.h>

#include "cli.h"
#include "cli_pack.h"
#include "hindsight/source.h"
#include "hindsight/trace.h"
#include "hindsight/trace_format.h"
#include "hindsight/util.h"

struct pack_opts {
	const char *trace;
	bool exclude_system;
	const char **sources;
	size_t n_sources;
};

struct fmap {
	char *path;
	uint64_t start, end, offset;
	uint32_t prot;
};

/* One image's file mappings, gathered from its events. */
struct gather {
	struct cli_pack *pack;
	const struct pack_opts *o;
	struct hs_trace_mem_files *files;
	struct fmap *maps;
	size_t n, cap;
	int ret;
};

static bool is_system(const char *path)
{
	static const char *const pre[] = { "/usr/", "/lib/", "/lib64/", "/lib32/",
					   "/libx32/", "/bin/", "/sbin/", "/etc/" };

	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (!strncmp(path, pre[i], strlen(pre[i])))
			return true;
	return false;
}

static int noop_write(void *ctx, uint64_t t, uint64_t addr, uint64_t len, const uint8_t *d)
{
	(void)ctx, (void)t, (void)addr, (void)len, (void)d;
	return 0;
}

static int noop_zero(void *ctx, uint64_t t, uint64_t addr, uint64_t len)
{
	(void)ctx, (void)t, (void)addr, (void)len;
	return 0;
}

/* HS_EV_MAP of a file: remember it; pack the file if its bytes are still
 * those recorded (hs_trace_mem_event checks content_xxh, and says which
 * file changed). */
static int g_event(void *ctx, uint64_t t, uint32_t tid, uint32_t tag, const uint8_t *pl,
		   uint32_t len)
{
	static const struct hs_trace_mem_visitor mv = { .write = noop_write, .zero = noop_zero };
	struct gather *g = ctx;
	struct hs_trace_map mp;
	struct fmap *f;
	struct stat st;

	(void)tid;
	if (tag != HS_EV_MAP || hs_trace_map_parse(pl, len, &mp) || !(mp.flags & HS_MAP_FILE) ||
	    !mp.path_len || hs_trace_map_is_tool(mp.path, mp.path_len))
		return 0;
	if (hs_grow((void **)&g->maps, &g->cap, g->n + 1, sizeof(*g->maps)))
		return g->ret = -ENOMEM;
	f = &g->maps[g->n];
	if (!(f->path = strndup(mp.path, mp.path_len)))
		return g->ret = -ENOMEM;
	f->start = mp.addr;
	f->end = mp.addr + mp.len;
	f->prot = mp.prot;
	f->offset = mp.file_offset;
	g->n++;
	if (cli_pack_has(g->pack, "file", f->path) ||
	    (g->o->exclude_system && is_system(f->path)) ||
	    stat(f->path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (hs_trace_mem_event(&mv, g->files, t, tag, pl, len) != 0)
		return 0; /* gone or changed: said once per file */
	if (cli_pack_add(g->pack, "file", f->path, f->path) < 0)
		return g->ret = -ENOMEM;
	return 0;
}

static void fmaps_free(struct gather *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->maps[i].path);
	free(g->maps);
	g->maps = NULL;
	g->n = g->cap = 0;
}

/* The build-id of an ELF file in hex (caller frees), NULL if none. */
static char *file_build_id(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
	const void *id = NULL;
	ssize_t n = elf ? dwelf_elf_gnu_build_id(elf, &id) : -1;
	char *hex = n > 0 ? malloc(2 * (size_t)n + 1) : NULL;

	for (ssize_t i = 0; hex && i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", ((const uint8_t *)id)[i]);
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	return hex;
}

/* The dwz file a debug file's .gnu_debugaltlink names: by its build-id
 * under /usr/lib/debug, else its name (relative to the debug file). */
static char *altlink_file(const char *debug, char **alt_id)
{
	int fd = open(debug, O_RDONLY | O_CLOEXEC);
	Elf *elf = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	char *out = NULL;

	*alt_id = NULL;
	while (elf && !elf_getshdrstrndx(elf, &shstrndx) && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *name, *nm;
		size_t nl;

		if (!gelf_getshdr(scn, &sh) ||
		    !(name = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    strcmp(name, ".gnu_debugaltlink") || !(d = elf_getdata(scn, NULL)) ||
		    !d->d_buf || !memchr(d->d_buf, 0, d->d_size))
			continue;
		nm = d->d_buf;
		nl = strlen(nm) + 1;
		if (nl < d->d_size && (*alt_id = malloc(2 * (d->d_size - nl) + 1))) {
			for (size_t i = 0; i < d->d_size - nl; i++)
				snprintf(*alt_id + 2 * i, 3, "%02x", ((const uint8_t *)d->d_buf)[nl + i]);
			if (asprintf(&out, "/usr/lib/debug/.build-id/%.2s/%s.debug", *alt_id,
				     *alt_id + 2) >= 0 && access(out, R_OK) != 0) {
				free(out);
				out = NULL;
			}
		}
		if (!out && nm[0] == '/')
			out = strdup(nm);
		else if (!out) {
			const char *slash = strrchr(debug, '/');
			int dl = slash ? (int)(slash - debug) : 1;

			if (asprintf(&out, "%.*s/%s", dl, slash ? debug : ".", nm) < 0)
				out = NULL;
		}
		break;
	}
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	return out;
}

/* A debug file by build-id (and its dwz file). */
static int add_debug(struct cli_pack *p, const struct pack_opts *o, const char *debug)
{
	char *id = NULL, *alt = NULL, *alt_id = NULL;
	int ret = 0;

	if (o->exclude_system && is_system(debug))
		return 0;
	if ((id = file_build_id(debug)))
		ret = cli_pack_add(p, "debug", id, debug);
	/* by its path too: found through .gnu_debuglink next to the ELF */
	if (ret >= 0 && strncmp(debug, p->dir, strlen(p->dir)))
		ret = cli_pack_add(p, "file", debug, debug);
	if (ret >= 0 && (alt = altlink_file(debug, &alt_id)) && alt_id &&
	    !(o->exclude_system && is_system(alt)) && access(alt, R_OK) == 0)
		ret = cli_pack_add(p, "debug", alt_id, alt);
	free(id);
	free(alt);
	free(alt_id);
	return ret < 0 ? ret : 0;
}

struct src_walk {
	struct cli_pack *pack;
	const struct pack_opts *o;
	struct hs_src *src;
	int ret;
};

static int add_source(void *ctx, const char *dwarf_path)
{
	struct src_walk *w = ctx;
	char *disk = NULL;

	if (dwarf_path[0] != '/' || cli_pack_has(w->pack, "source", dwarf_path) ||
	    (w->o->exclude_system && is_system(dwarf_path)))
		return 0;
	if (hs_src_source_find(w->src, dwarf_path, &disk) == 0 &&
	    cli_pack_add(w->pack, "source", dwarf_path, disk) < 0)
		w->ret = -ENOMEM;
	free(disk);
	return w->ret;
}

static void quiet(void *ctx, const char *line)
{
	(void)ctx, (void)line;
}

/* Debug files and sources of one image's modules, found as the readers
 * find them (fs/source), the existing pack included. */
static int add_debug_and_sources(struct cli_pack *p, const struct pack_opts *o,
				 const struct gather *g)
{
	bool have_pack = access(p->dir, F_OK) == 0;
	struct hs_src_options so = { .source_dirs = o->sources, .n_source_dirs = o->n_sources,
				     .warn = quiet, .pack_dir = have_pack ? p->dir : NULL };
	struct src_walk w = { .pack = p, .o = o };
	int ret;

	if ((ret = hs_src_new(&so, &w.src)))
		return ret;
	for (size_t i = 0; i < g->n && !ret; i++)
		ret = hs_src_add_mapping(w.src, g->maps[i].path, g->maps[i].start, g->maps[i].end,
					 g->maps[i].offset, g->maps[i].prot);
	if (ret || (ret = hs_src_finish(w.src)))
		goto out;
	for (size_t i = 0; i < hs_src_module_count(w.src) && !ret; i++) {
		const struct hs_src_module *m = hs_src_module_at(w.src, i);

		if (m->debug_file)
			ret = add_debug(p, o, m->debug_file);
		else if (!m->has_dwarf && getenv("DEBUGINFOD_URLS") &&
			 !(o->exclude_system && is_system(m->path)))
			fprintf(stderr, "hindsight pack: warning: %s: no debug info, not even "
				"through debuginfod (DEBUGINFOD_URLS)\n", m->path);
	}
	if (!ret && (ret = hs_src_source_files(w.src, add_source, &w)) == 0)
		ret = w.ret;
out:
	hs_src_free(w.src);
	return ret;
}

static int pack_image(struct cli_pack *p, const struct pack_opts *o, const char *dir)
{
	struct gather g = { .pack = p, .o = o };
	struct hs_trace_visitor vis = { .ctx = &g, .event = g_event };
	struct hs_trace_image *img = NULL;
	struct hs_trace_err err = { "" };
	struct hs_trace_stats st = { 0 };
	bool complete;
	int ret;

	if ((ret = hs_trace_mem_files_new(&g.files)))
		return ret;
	ret = hs_trace_image_open(dir, &img, &err);
	if (!ret)
		ret = hs_trace_image_decode(img, &vis, false, &st, &complete, &err);
	if (ret && g.n) /* a cut recording: pack what it mapped before the cut */
		ret = 0;
	if (ret)
		fprintf(stderr, "hindsight pack: %s\n", err.msg[0] ? err.msg : strerror(-ret));
	if (!ret)
		ret = g.ret;
	if (!ret)
		ret = add_debug_and_sources(p, o, &g);
	hs_trace_image_close(img);
	hs_trace_mem_files_free(g.files);
	fmaps_free(&g);
	return ret;
}

static int usage(FILE *f)
{
	fprintf(f, "usage: hindsight pack [--exclude-system] [--sources DIR]... TRACE\n"
		"Copies into TRACE/pack every file the recording needs to be built and\n"
		"debugged elsewhere: each mapped file (program, libraries, the dynamic\n"
		"loader), separate debug info (build-id, debuglink, dwz, debuginfod when\n"
		"DEBUGINFOD_URLS is set) and the source files the DWARF names.  Content-\n"
		"addressed (XXH64), idempotent, atomic.  build, mount, cat, serve then read\n"
		"the packed copies.\n"
		"  --exclude-system  leave out files under /usr, /lib, /bin, /sbin, /etc\n"
		"  --sources DIR     also look for source files under DIR (repeatable)\n");
	return f == stdout ? 0 : 2;
}

static int parse(int argc, char **argv, struct pack_opts *o)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
		if (!strcmp(argv[i], "--exclude-system")) {
			o->exclude_system = true;
		} else if (!strcmp(argv[i], "--sources") && i + 1 < argc) {
			const char **v = realloc(o->sources, (o->n_sources + 1) * sizeof(*v));

			if (!v)
				return -ENOMEM;
			o->sources = v;
			v[o->n_sources++] = argv[++i];
		} else if (argv[i][0] != '-' && !o->trace) {
			o->trace = argv[i];
		} else {
			fprintf(stderr, "hindsight pack: bad argument '%s'\n", argv[i]);
			return -EINVAL;
		}
	}
	return o->trace ? 0 : -EINVAL;
}

int cli_pack_main(int argc, char **argv)
{
	struct pack_opts o = { 0 };
	struct hs_trace_proc *procs = NULL;
	struct hs_trace_err err = { "" };
	struct cli_pack p;
	size_t n = 0;
	int ret = parse(argc, argv, &o), status = 2;

	if (ret) {
		free(o.sources);
		return usage(ret > 0 ? stdout : stderr);
	}
	elf_version(EV_CURRENT);
	if (hs_trace_list_procs(o.trace, &procs, &n, &err) || n == 0) {
		fprintf(stderr, "hindsight pack: %s: %s\n", o.trace,
			err.msg[0] ? err.msg : "no recorded process image");
		free(o.sources);
		return 2;
	}
	if ((ret = cli_pack_load(o.trace, &p)))
		goto out;
	for (size_t i = 0; i < n && !ret; i++)
		ret = pack_image(&p, &o, procs[i].dir);
	if (ret)
		goto out;
	if (p.n == p.n_old) {
		printf("hindsight pack: nothing to add (%zu files already packed)\n", p.n);
		status = 0;
		goto out;
	}
	if ((ret = cli_pack_publish(&p)))
		goto out;
	printf("hindsight pack: %s/pack: %zu files added (%zu hardlinked, %zu copied, "
	       "%llu bytes), %zu in all\n", o.trace, p.n - p.n_old, p.linked, p.copied,
	       (unsigned long long)p.bytes_added, p.n);
	status = 0;
out:
	if (ret)
		fprintf(stderr, "hindsight pack: %s: %s\n", o.trace, strerror(-ret));
	cli_pack_free(&p);
	hs_trace_procs_free(procs, n);
	free(o.sources);
	return status;
}
