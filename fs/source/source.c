/* source.c - fs/source: modules, symbols and line tables on libdwfl.
 *
 * See source_i.h for the design: everything is loaded by hs_src_finish()
 * into immutable sorted arrays, so lookups need no lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source_i.h"
#include "hindsight/util.h"

#define PAGE_MASK_4K (~(uint64_t)0xfff)

void src_warn(struct hs_src *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (s->warn)
		s->warn(s->warn_ctx, line);
	else
		fprintf(stderr, "%s\n", line);
}

/* ---- lifecycle -------------------------------------------------------- */

static void src_syms_free(struct src_sym *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].dname);
		free(v[i].bname);
		free(v[i].fname);
		free(v[i].mname);
	}
	free(v);
}

int hs_src_new(const struct hs_src_options *opt, struct hs_src **out)
{
	struct hs_src *s;
	size_t i;

	if (!out)
		return -EINVAL;
	s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->dw_lock, NULL);
	if (opt) {
		s->warn = opt->warn;
		s->warn_ctx = opt->warn_ctx;
		if (opt->pack_dir && !(s->pack_dir = strdup(opt->pack_dir)))
			goto nomem;
		if (opt->n_source_dirs) {
			s->source_dirs = calloc(opt->n_source_dirs, sizeof *s->source_dirs);
			if (!s->source_dirs)
				goto nomem;
			for (i = 0; i < opt->n_source_dirs; i++) {
				s->source_dirs[i] = strdup(opt->source_dirs[i]);
				if (!s->source_dirs[i])
					goto nomem;
				s->n_source_dirs++;
			}
		}
	}
	*out = s;
	return 0;
nomem:
	hs_src_free(s);
	return -ENOMEM;
}

void hs_src_free(struct hs_src *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_mods; i++) {
		free(s->mods[i].rows);
		free(s->mods[i].more);
		src_inline_map_free(s->mods[i].inl);
		src_cu_ranges_free(&s->mods[i]);
		src_units_free(&s->mods[i]);
		src_syms_free(s->mods[i].syms, s->mods[i].n_syms);
		src_syms_free(s->mods[i].objs, s->mods[i].n_objs);
		free((char *)s->mods[i].pub.path);
		free((char *)s->mods[i].pub.file);
	}
	src_names_free(s->cx_names);
	free(s->pack_dir);
	free(s->debuginfo_path);
	free(s->mods);
	for (i = 0; i < s->n_dnames; i++)
		free(s->dnames[i]);
	free(s->dnames);
	for (i = 0; i < s->n_tdefs; i++)
		free(s->tdefs[i].name);
	free(s->tdefs);
	if (s->dwfl)
		dwfl_end(s->dwfl);
	for (i = 0; i < s->n_maps; i++)
		free(s->maps[i].path);
	free(s->maps);
	for (i = 0; i < s->n_files; i++)
		free(s->files[i]);
	free(s->files);
	free(s->file_hash);
	free(s->cu_valid);
	free(s->block_memo);
	for (i = 0; s->source_dirs && i < s->n_source_dirs; i++)
		free(s->source_dirs[i]);
	free(s->source_dirs);
	pthread_mutex_destroy(&s->dw_lock);
	free(s);
}

int hs_src_add_mapping(struct hs_src *s, const char *path, uint64_t start,
		       uint64_t end, uint64_t offset, uint32_t prot)
{
	struct src_map *m;

	if (!s || !path || end <= start || s->finished)
		return -EINVAL;
	/* "[vdso]", "[heap]", "": not files */
	if (path[0] != '/')
		return 0;
	if (hs_grow((void **)&s->maps, &s->cap_maps, s->n_maps + 1, sizeof(*s->maps)))
		return -ENOMEM;
	m = &s->maps[s->n_maps];
	m->path = strdup(path);
	if (!m->path)
		return -ENOMEM;
	m->start = start;
	m->end = end;
	m->offset = offset;
	m->prot = prot;
	s->n_maps++;
	return 0;
}

/* ---- interned file names ------------------------------------------------ */

static uint32_t str_hash(const char *p)
{
	uint32_t h = 2166136261u;

	while (*p)
		h = (h ^ (uint8_t)*p++) * 16777619u;
	return h;
}

static int hash_grow(struct hs_src *s)
{
	uint32_t cap = s->hash_cap ? s->hash_cap * 2 : 256;
	uint32_t *h = calloc(cap, sizeof *h);
	uint32_t i, j;

	if (!h)
		return -ENOMEM;
	for (i = 0; i < s->n_files; i++) {
		j = str_hash(s->files[i]) & (cap - 1);
		while (h[j])
			j = (j + 1) & (cap - 1);
		h[j] = i + 1;
	}
	free(s->file_hash);
	s->file_hash = h;
	s->hash_cap = cap;
	return 0;
}

/* The id of path, added if new (finish only: single thread). */
static int file_intern(struct hs_src *s, const char *path, uint32_t *id)
{
	uint32_t j;

	if ((s->n_files + 1) * 2 > s->hash_cap && hash_grow(s))
		return -ENOMEM;
	j = str_hash(path) & (s->hash_cap - 1);
	while (s->file_hash[j]) {
		if (!strcmp(s->files[s->file_hash[j] - 1], path)) {
			*id = s->file_hash[j] - 1;
			return 0;
		}
		j = (j + 1) & (s->hash_cap - 1);
	}
	if (s->n_files == s->cap_files) {
		uint32_t cap = s->cap_files ? s->cap_files * 2 : 64;
		char **nf = realloc(s->files, cap * sizeof *nf);

		if (!nf)
			return -ENOMEM;
		s->files = nf;
		s->cap_files = cap;
	}
	s->files[s->n_files] = strdup(path);
	if (!s->files[s->n_files])
		return -ENOMEM;
	s->file_hash[j] = s->n_files + 1;
	*id = s->n_files++;
	return 0;
}

const char *src_file_find(const struct hs_src *s, const char *comp_dir, const char *f)
{
	char *full = NULL;
	const char *path = f, *ret = NULL;
	uint32_t j;

	if (!s->hash_cap)
		return NULL;
	if (f[0] != '/' && comp_dir && *comp_dir) {
		if (asprintf(&full, "%s/%s", comp_dir, f) < 0)
			return NULL;
		path = full;
	}
	j = str_hash(path) & (s->hash_cap - 1);
	while (s->file_hash[j] && !ret) {
		if (!strcmp(s->files[s->file_hash[j] - 1], path))
			ret = s->files[s->file_hash[j] - 1];
		j = (j + 1) & (s->hash_cap - 1);
	}
	free(full);
	return ret;
}

const char *hs_src_file_name(const struct hs_src *s, uint32_t file_id)
{
	if (!s || file_id >= s->n_files)
		return NULL;
	return s->files[file_id];
}

/* ---- loading: ELF, bias, symbols --------------------------------------- */

static int mod_cmp_start(const void *a, const void *b)
{
	const struct src_mod *x = a, *y = b;

	return x->pub.start < y->pub.start ? -1 : x->pub.start > y->pub.start;
}

/* The load bias of path given its mappings: the mapping whose offset is
 * that of a PT_LOAD segment (page aligned) puts that segment's page at the
 * mapping's start.  ET_EXEC files are not moved.  *vend: the end of its
 * PT_LOAD segments in memory (ELF address).  -ENOEXEC: not ELF. */
static int elf_bias(struct hs_src *s, const char *path, const char *file,
		    uint64_t *bias, uint64_t *vend)
{
	int fd, ret = -ENOEXEC;
	Elf *elf = NULL;
	GElf_Ehdr eh;
	size_t nph, i, k;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		goto out;
	*bias = 0;
	*vend = 0;
	ret = 0;
	if (elf_getphdrnum(elf, &nph))
		goto out;
	/* the end of the last segment in memory (p_memsz: .bss past what
	 * the file maps is still the module's, in an anonymous mapping) */
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    ph.p_vaddr + ph.p_memsz > *vend)
			*vend = ph.p_vaddr + ph.p_memsz;
	}
	if (eh.e_type == ET_EXEC)
		goto out;
	for (k = 0; k < s->n_maps; k++) {
		const struct src_map *m = &s->maps[k];

		if (strcmp(m->path, path))
			continue;
		for (i = 0; i < nph; i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
				continue;
			if ((ph.p_offset & PAGE_MASK_4K) == m->offset) {
				*bias = m->start - (ph.p_vaddr & PAGE_MASK_4K);
				goto out;
			}
		}
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}

/* gdb's order of minimal symbols (minsyms.c): by address, then by name;
 * of several at one address gdb names a frame by the last (src_sym_find). */
static int sym_cmp(const void *a, const void *b)
{
	const struct src_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool has_symtab(Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while (elf && (scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			return true;
	return false;
}

/* C++ names of the symbols v (names.c). */
static int demangle_syms(struct src_sym *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].dname = src_demangle(v[i].name);
		if (!v[i].dname) {
			/* NULL also on ENOMEM: the name is then the symbol */
			v[i].mname = src_minsym_name(v[i].name);
			continue;
		}
		v[i].bname = src_break_name(v[i].dname);
		if (!v[i].bname)
			return -ENOMEM;
	}
	return 0;
}

/* Does a compilation unit of m come from clang?  clang gives every
 * function its DW_AT_linkage_name, gcc only those with linkage. */
static bool mod_has_clang(struct src_mod *m)
{
	Dwarf_Addr db;
	Dwarf *dw = dwfl_module_getdwarf(m->dm, &db);
	Dwarf_CU *cu = NULL;
	uint8_t ut;

	for (;;) {
		Dwarf_Die cud, sub = { 0 };
		Dwarf_Attribute a;
		const char *p;

		if (!dw || dwarf_get_units(dw, cu, &cu, NULL, &ut, &cud, &sub) != 0)
			return false;
		/* a split unit's producer is in its .dwo file */
		p = dwarf_formstring(dwarf_attr(ut == DW_UT_skeleton && sub.cu ? &sub : &cud,
						DW_AT_producer, &a));
		if (p && strstr(p, "clang"))
			return true;
	}
}

/* gdb's name of the function of m at addr whose DWARF gives no linkage
 * name (src_dwarf_computed_name), NULL when it has one or no DWARF. */
static char *computed_frame_name(struct src_mod *m, uint64_t addr)
{
	Dwarf_Addr bias, lo;
	Dwarf_Attribute a;
	Dwarf_Die *cu = dwfl_module_addrdie(m->dm, addr, &bias), *scopes = NULL;
	char *out = NULL;
	int n;

	if (cu)
		cu = src_split_unit(m, cu);
	n = cu ? dwarf_getscopes(cu, addr - bias, &scopes) : 0;

	for (int i = 0; i < n && !out; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram &&
		    dwarf_entrypc(&scopes[i], &lo) == 0 && lo + bias == addr) {
			if (!dwarf_attr_integrate(&scopes[i], DW_AT_linkage_name, &a))
				out = src_dwarf_computed_name(&scopes[i]);
			break;
		}
	free(scopes);
	return out;
}

/* gdb's frame names of m's C++ functions where they are not the break
 * name (src_sym.fname).  gdb names a frame by the function's DWARF
 * linkage name, demangled, where DWARF has one: gcc gives it to the
 * functions with linkage (a local symbol has none: gdb then builds the
 * name from DW_AT_name, the short name, "operator()" for main's lambda),
 * clang to all. */
static int frame_names(struct src_mod *m)
{
	int clang = -1;

	for (size_t i = 0; i < m->n_syms; i++) {
		struct src_sym *v = &m->syms[i];
		char *f;

		if (!v->dname)
			continue;
		/* no linkage name (gcc's local symbol): gdb computes the name
		 * from DWARF; it shows it whole where its parser fails on it
		 * (a template's instance over a lambda), else as bname */
		if (v->rank == 2 && src_name_unparsed(v->dname) &&
		    !(clang < 0 ? (clang = mod_has_clang(m)) : clang)) {
			f = computed_frame_name(m, v->addr);
			if (f && src_name_unparsed(f)) {
				/* and `break` takes that name (without the
				 * parameters), not the demangled symbol's:
				 * "std::move<main()::<lambda(int, int)>&>" */
				char *b = src_break_name(f);

				if (!b) {
					free(f);
					return -ENOMEM;
				}
				free(v->bname);
				v->bname = b;
				v->fname = f;
			} else {
				free(f);
			}
			continue;
		}
		if (!(f = src_frame_name(v->dname)))
			return -ENOMEM;
		if (!strcmp(f, v->bname) ||
		    (v->rank == 2 && !(clang < 0 ? (clang = mod_has_clang(m)) : clang))) {
			free(f);
			continue;
		}
		v->fname = f;
		/* a name gdb parses is also what calls/ files it under and
		 * `break` takes whole: clang's "main::$_0::operator()" (main's
		 * mangled scope has no parameters), where name_bounds cuts
		 * main's scope off for gcc's local names (gdb's "operator()") */
		if (!src_name_unparsed(v->dname)) {
			char *b = strdup(f);

			if (!b)
				return -ENOMEM;
			free(v->bname);
			v->bname = b;
		}
	}
	return 0;
}

/* Appends the synthetic name@plt symbols of m's PLT stubs (plt.c). */
static int add_plt_syms(struct src_mod *m)
{
	struct src_sym *plt, *nv;
	size_t n;
	GElf_Addr b = 0;
	Elf *elf = dwfl_module_getelf(m->dm, &b);
	int ret = src_plt_syms(elf, b, &plt, &n);

	if (ret || !n)
		return ret;
	nv = realloc(m->syms, (m->n_syms + n) * sizeof *nv);
	if (!nv) {
		while (n--)
			free(plt[n].dname);
		free(plt);
		return -ENOMEM;
	}
	memcpy(nv + m->n_syms, plt, n * sizeof *plt);
	m->syms = nv;
	m->n_syms += n;
	free(plt);
	qsort(m->syms, m->n_syms, sizeof *m->syms, sym_cmp); /* load_syms's early return */
	return 0;
}

/* The end of section shndx of elf (as loaded: + bias), 0 when unknown. */
static uint64_t section_end(Elf *elf, GElf_Word shndx, GElf_Addr bias)
{
	Elf_Scn *scn;
	GElf_Shdr sh;

	if (!elf || shndx == SHN_UNDEF || shndx == SHN_ABS || shndx == SHN_COMMON ||
	    !(scn = elf_getscn(elf, shndx)) || !gelf_getshdr(scn, &sh) || !sh.sh_size)
		return 0;
	return sh.sh_addr + sh.sh_size + bias;
}

/* Function symbols of m (symtab, else dynsym), sorted. */
static int load_syms(struct src_mod *m)
{
	int n = dwfl_module_getsymtab(m->dm), i, ret;
	size_t k = 0;

	if (n <= 0)
		return add_plt_syms(m);
	m->syms = calloc((size_t)n, sizeof *m->syms);
	m->objs = calloc((size_t)n, sizeof *m->objs);
	if (!m->syms || !m->objs)
		return -ENOMEM;
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr, sbias = 0;
		GElf_Word shndx;
		Elf *selem = NULL;
		const char *name = dwfl_module_getsym_info(m->dm, i, &sym, &addr,
							   &shndx, &selem, &sbias);
		int type;

		if (!name || !*name || sym.st_shndx == SHN_UNDEF)
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type == STT_OBJECT || type == STT_TLS) && sym.st_size) {
			if (type == STT_OBJECT) {
				m->objs[m->n_objs].addr = addr;
				m->objs[m->n_objs].size = sym.st_size;
				m->objs[m->n_objs].name = name;
				m->objs[m->n_objs].rank =
					GELF_ST_BIND(sym.st_info) == STB_LOCAL ? 2 : 0;
				m->n_objs++;
			}
			continue;
		}
		if (type != STT_FUNC && type != STT_GNU_IFUNC)
			continue;
		m->syms[k].addr = addr;
		m->syms[k].size = sym.st_size;
		m->syms[k].name = name;
		m->syms[k].ifunc = type == STT_GNU_IFUNC;
		m->syms[k].sec_end = section_end(selem, shndx, sbias);
		switch (GELF_ST_BIND(sym.st_info)) {
		case STB_GLOBAL: m->syms[k].rank = 0; break;
		case STB_WEAK: m->syms[k].rank = 1; break;
		default: m->syms[k].rank = 2; break;
		}
		k++;
	}
	m->n_syms = k;
	/* has_symbols: a symbol table with functions (the name@plt ones
	 * are gdb's synthetic symbols, there in a stripped file too) */
	m->pub.has_symbols = k > 0;
	if (demangle_syms(m->syms, m->n_syms) || demangle_syms(m->objs, m->n_objs) ||
	    frame_names(m))
		return -ENOMEM;
	if ((ret = add_plt_syms(m)))
		return ret;
	qsort(m->syms, m->n_syms, sizeof *m->syms, sym_cmp);
	qsort(m->objs, m->n_objs, sizeof *m->objs, sym_cmp);
	{
		GElf_Addr b;
		Dwarf_Addr db;
		Dwarf *dw = dwfl_module_getdwarf(m->dm, &db);

		m->full_symtab = has_symtab(dwfl_module_getelf(m->dm, &b)) ||
				 (dw && has_symtab(dwarf_getelf(dw)));
	}
	return 0;
}

/* The symbol holding addr, as gdb's lookup_minimal_symbol_by_pc_section
 * picks it: of the symbols at the highest address at or below addr (in
 * addr's section), the last by name that has a size (but a global one
 * just before a local one of the same size wins; a size-0 one only
 * when none has); a sized symbol that ends below addr gives way to the one
 * before it when that one still holds addr.  NULL when none holds it. */
const struct src_sym *src_sym_find(const struct src_mod *m, uint64_t addr)
{
	size_t lo = HS_UPPER_BOUND(m->syms, m->n_syms, addr, addr);
	long k, zero = -1;

	for (k = (long)lo - 1; k >= 0; k--) {
		const struct src_sym *f = &m->syms[k];

		if (f->sec_end && addr >= f->sec_end)
			continue; /* a symbol of another section (_init, for .plt) */
		/* gdb prefers a global or weak function (mst_text) to a local
		 * one or an ifunc just before it of the same size at the same
		 * address (a_pub over the static z_impl it aliases) */
		if (k > 0 && (f->rank == 2 || f->ifunc) && m->syms[k - 1].rank != 2 &&
		    !m->syms[k - 1].ifunc && m->syms[k - 1].addr == f->addr &&
		    m->syms[k - 1].size == f->size)
			continue;
		if (!f->size && zero < 0) {
			zero = k;
			continue;
		}
		if (k > 0 && f->size && addr - f->addr >= f->size &&
		    addr - m->syms[k - 1].addr < m->syms[k - 1].size)
			continue;
		break;
	}
	if (zero >= 0 && (k < 0 || !m->syms[k].size))
		k = zero;
	if (k < 0)
		return NULL;
	if (m->syms[k].size && addr - m->syms[k].addr >= m->syms[k].size)
		k = zero;
	return k < 0 ? NULL : &m->syms[k];
}

const char *src_addr_symbol(const struct hs_src *s, uint64_t addr,
			    uint64_t *off)
{
	const struct src_mod *m = src_mod_find(s, addr);
	const struct src_sym *f;
	size_t lo;

	if (!m)
		return NULL;
	lo = HS_UPPER_BOUND(m->objs, m->n_objs, addr, addr);
	if (lo && addr - m->objs[lo - 1].addr < m->objs[lo - 1].size) {
		*off = addr - m->objs[lo - 1].addr;
		return SRC_SYM_PNAME(&m->objs[lo - 1]);
	}
	/* a size-0 symbol (_fini) says nothing of the data after it */
	f = src_sym_find(m, addr);
	if (!f || addr - f->addr >= f->size || f->nameless)
		return NULL;
	*off = addr - f->addr;
	return SRC_SYM_PNAME(f);
}

int src_obj_address(const struct hs_src *s, const char *name, uint64_t *addr)
{
	size_t i, k;

	for (i = 0; i < s->n_mods; i++)
		for (k = 0; k < s->mods[i].n_objs; k++)
			if (!strcmp(s->mods[i].objs[k].name, name)) {
				*addr = s->mods[i].objs[k].addr;
				return 0;
			}
	return -ENOENT;
}

/* ---- loading: line tables ----------------------------------------------- */

struct row_vec {
	struct src_row *v;
	size_t n, cap;
};

static int row_push(struct row_vec *rv, const struct src_row *r)
{
	if (hs_grow((void **)&rv->v, &rv->cap, rv->n + 1, sizeof(*rv->v)))
		return -ENOMEM;
	rv->v[rv->n++] = *r;
	return 0;
}

/* Rows of one sequence come in address order; sequences may not.  The
 * order of rows at one address matters (rows_dedup), so sort stably:
 * a merge sort, as qsort is not stable. */
static void rows_sort_stable(struct src_row *v, size_t n, struct src_row *tmp)
{
	size_t mid, i, j, k;

	if (n < 2)
		return;
	mid = n / 2;
	rows_sort_stable(v, mid, tmp);
	rows_sort_stable(v + mid, n - mid, tmp);
	if (v[mid - 1].addr <= v[mid].addr)
		return;
	memcpy(tmp, v, n * sizeof *v);
	for (i = 0, j = mid, k = 0; i < mid && j < n;)
		v[k++] = tmp[j].addr < tmp[i].addr ? tmp[j++] : tmp[i++];
	while (i < mid)
		v[k++] = tmp[i++];
	while (j < n)
		v[k++] = tmp[j++];
}

/* Keeps one row per address, the one gdb uses: the last is_stmt row at
 * that address if any, else the last row; an end-of-sequence row only
 * when no sequence starts there.  libdw puts an end row before the other
 * rows at its address, so a row that only closed its sequence (no code:
 * gdb's record_line deletes it) looks like one that starts a sequence;
 * a sequence starts in a CU's code, so past an end row a row is kept only
 * where a CU's ranges hold the address (crt1's _start, right after main's
 * last row, has none: it is no line of main's). */
/* Whether gdb 13's line table loses the row v[q] of the rows [i, j) at
 * one address (dwarf2/read.c, lnp_state_machine::record_line): a row of
 * another file that gdb records later at that address ends q's file with
 * an end marker there, which deletes that file's entries at the address
 * (buildsym record_line).  gdb records a row unless it switches files to
 * a non-statement row where a statement row was seen at the address. */
static bool row_lost(const struct src_row *v, size_t i, size_t j, size_t q)
{
	uint32_t last = v[i].file_id;
	bool stmt = false;

	for (size_t r = i; r < j; r++) {
		bool ignored = v[r].zero || (v[r].file_id != last && stmt && !v[r].is_stmt);

		stmt |= v[r].is_stmt;
		if (ignored)
			continue;
		last = v[r].file_id;
		if (r > q && v[r].file_id != v[q].file_id)
			return true;
	}
	return false;
}

/* Keeps in m->more the statement rows of [i, j) other than pick's line
 * that gdb keeps too. */
static void rows_keep_more(struct src_mod *m, struct src_row *v, size_t i, size_t j,
			   size_t pick)
{
	for (size_t q = i; q < j; q++) {
		if (q == pick || !v[q].line || !v[q].is_stmt ||
		    (v[q].line == v[pick].line && v[q].file_id == v[pick].file_id) ||
		    row_lost(v, i, j, q))
			continue;
		if (hs_grow((void **)&m->more, &m->cap_more, m->n_more + 1, sizeof(*m->more)))
			return; /* ENOMEM: break FILE:LINE misses a zero-length row */
		m->more[m->n_more++] = v[q];
		v[pick].more = 1;
	}
}

static size_t rows_dedup(struct src_mod *m, struct src_row *v, size_t n)
{
	size_t i = 0, k = 0;

	while (i < n) {
		size_t j = i, pick = SIZE_MAX, last_line = SIZE_MAX, end = SIZE_MAX;

		while (j < n && v[j].addr == v[i].addr) {
			if (v[j].zero) {
				j++;
				continue; /* gdb has no such row: the code is the row before's */
			}
			if (v[j].line) {
				last_line = j;
				if (v[j].is_stmt)
					pick = j;
			} else {
				end = j;
			}
			j++;
		}
		if (end != SIZE_MAX && last_line != SIZE_MAX) {
			/* libdwfl's CU lookup takes the CU before a gap for
			 * the gap: its ranges say */
			Dwarf_Addr bias;
			Dwarf_Die *cu = src_cu_at(m, v[i].addr, &bias);

			if (!cu || dwarf_haspc(cu, v[i].addr - bias) != 1)
				pick = last_line = SIZE_MAX;
		}
		if (pick == SIZE_MAX)
			pick = last_line != SIZE_MAX ? last_line : end;
		if (pick == SIZE_MAX) {
			i = j; /* line-0 rows only */
			continue;
		}
		/* gdb looks for the flag on every row of the address */
		for (size_t q = i; q < j; q++)
			v[pick].prologue_end |= v[q].prologue_end && !v[q].zero;
		if (j - i > 1 && v[pick].line)
			rows_keep_more(m, v, i, j, pick);
		v[k++] = v[pick];
		i = j;
	}
	return k;
}

/* What gdb's line program state machine keeps for its rule on repeated
 * rows (dwarf2/read.c, lnp_state_machine): the file a switch starts from
 * (m_last_subfile: the file last recorded, or the one current when the
 * program switched files, whatever became of its row) and the line last
 * recorded; the row before (the file and line the machine stood on); the
 * address of the rows before and whether one of them there was a
 * statement (a non-statement row of another file there is dropped). */
struct disc_state {
	uint32_t last_file, last_line, sm_file, sm_line;
	uint64_t last_addr;
	bool disc_seen, stmt_at_addr;
};
#define DISC_STATE_INIT { UINT32_MAX, 0, UINT32_MAX, 0, 0, false, false }

/* gdb's rule for repeated rows (dwarf_record_line_p, PR 17276): a row of
 * the same file and line as the row recorded before it is dropped when
 * that line has had a non-zero discriminator since the machine's line
 * last changed (gcc splits a loop's line into rows with discriminators;
 * gdb merges them back, so returning into such a row is not a new line
 * for `step`).  Without discriminators a repeated row is kept: gcc marks
 * the end of a prologue that way.  A row gdb ignores (line 0, or a
 * non-statement row of another file at an address with a statement row)
 * records nothing, so the row after it is compared with the one before.
 * Updates the state; true: drop r. */
static bool drop_same_line_row(Dwarf_Line *l, const struct src_row *r, struct disc_state *st)
{
	unsigned int disc = 0;
	bool changed, ignore, drop;

	dwarf_linediscriminator(l, &disc);
	if (st->sm_file != UINT32_MAX && r->file_id != st->sm_file)
		st->last_file = st->sm_file; /* DW_LNS_set_file: handle_set_file */
	if (r->line != st->sm_line || r->file_id != st->sm_file)
		st->disc_seen = disc != 0;
	else
		st->disc_seen |= disc != 0;
	st->sm_file = r->file_id;
	st->sm_line = r->line;
	changed = r->file_id != st->last_file;
	ignore = r->zero ||
		 (changed && st->last_addr == r->addr && !r->is_stmt && st->stmt_at_addr);
	drop = !ignore && !changed && r->line == st->last_line && st->disc_seen;
	if (!ignore) {
		st->last_file = r->file_id;
		st->last_line = r->line;
	}
	if (st->last_addr != r->addr) {
		st->stmt_at_addr = false;
		st->last_addr = r->addr;
	}
	st->stmt_at_addr |= r->is_stmt;
	return drop; /* an ignored row is kept: rows_dedup drops it */
}

/* Interns a DWARF file name, made absolute with the CU's comp_dir as gdb
 * and addr2line do ("tests/x.c" -> "/build/dir/tests/x.c"). */
static int file_intern_cu(struct hs_src *s, const char *comp_dir,
			  const char *f, uint32_t *id)
{
	char *full;
	int ret;

	if (f[0] == '/' || !comp_dir || !*comp_dir)
		return file_intern(s, f, id);
	if (asprintf(&full, "%s/%s", comp_dir, f) < 0)
		return -ENOMEM;
	ret = file_intern(s, full, id);
	free(full);
	return ret;
}

/* What the line tables of a module are read into. */
struct lines_load {
	struct row_vec rv;        /* Hindsight's rows, unsorted */
	struct src_lt_ends ends;  /* the ends of gdb's ranges */
	const uint8_t *sec;       /* .debug_line (NULL: no ends) */
	size_t sec_size;
};

/* The CU's lowest and highest addresses: *lo as in DWARF, *hi absolute
 * (gdb's range end when no table has an entry past the pc: the CU's
 * global block's end). */
static void cu_bounds(const struct src_mod *m, Dwarf_Die *cu, uint64_t *lo, uint64_t *hi)
{
	Dwarf_Addr base, a, b, top = 0, low = UINT64_MAX;
	ptrdiff_t off = 0;

	while ((off = dwarf_ranges(cu, off, &base, &a, &b)) > 0) {
		top = b > top ? b : top;
		low = a < low ? a : low;
	}
	*lo = low == UINT64_MAX ? 0 : low;
	*hi = top ? top + m->dwbias : 0;
}

/* gdb's ranges over the CU's files (ids: its file table's, by the
 * program's file number): their ends in ll->ends.  A program gdb would
 * not read leaves the CU's rows their next row as end. */
static int cu_range_ends(const struct hs_src *s, struct src_mod *m, Dwarf_Die *cu,
			 const char *comp_dir, const uint32_t *ids, size_t nf,
			 struct lines_load *ll)
{
	Dwarf_Attribute attr;
	Dwarf_Word off;
	const char *name = dwarf_diename(cu);
	/* the CU's own file: its name as its file table names it */
	const char *main_path = name && *name ? src_file_find(s, comp_dir, name) : NULL;
	struct src_lt_cu lc = { ll->sec, ll->sec_size, 0, ids, nf, UINT32_MAX, m->dwbias, 0, 0 };
	int ret;

	if (!ll->sec || dwarf_formudata(dwarf_attr(cu, DW_AT_stmt_list, &attr), &off) != 0)
		return 0;
	for (size_t i = 0; i < nf && main_path; i++)
		if (ids[i] != UINT32_MAX && s->files[ids[i]] == main_path)
			lc.main_file = ids[i];
	lc.off = off;
	cu_bounds(m, cu, &lc.low, &lc.end);
	ret = src_lt_cu_ends(&lc, &ll->ends);
	return ret == -EBADMSG ? 0 : ret;
}

/* Interns the CU's files (as gdb, every file of its table) and reads its
 * ranges' ends. */
static int cu_files(struct hs_src *s, struct src_mod *m, Dwarf_Die *cu, const char *comp_dir,
		    struct lines_load *ll)
{
	Dwarf_Files *files;
	uint32_t *ids = NULL;
	size_t nf, i;
	int ret = 0;

	if (dwarf_getsrcfiles(cu, &files, &nf) != 0)
		nf = 0;
	if (nf && !(ids = malloc(nf * sizeof *ids)))
		return -ENOMEM;
	for (i = 0; i < nf && !ret; i++) {
		const char *f = dwarf_filesrc(files, i, NULL, NULL);

		ids[i] = UINT32_MAX;
		if (f && *f)
			ret = file_intern_cu(s, comp_dir, f, &ids[i]);
	}
	if (!ret)
		ret = cu_range_ends(s, m, cu, comp_dir, ids, nf, ll);
	free(ids);
	return ret;
}

static int load_cu_lines(struct hs_src *s, struct src_mod *m, Dwarf_Die *cu,
			 struct lines_load *ll)
{
	struct row_vec *rv = &ll->rv;
	Dwarf_Attribute attr;
	const char *comp_dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
	const char *prev_f = NULL;
	uint32_t prev_id = 0;
	/* the rows before in the sequence, for gdb's discriminator rule */
	struct disc_state ds = DISC_STATE_INIT;
	Dwarf_Lines *lines;
	size_t nl, i;
	int ret;

	if (dwarf_getsrclines(cu, &lines, &nl) != 0) {
		/* a CU without a line table is fine; a broken one is not */
		if (!dwarf_hasattr(cu, DW_AT_stmt_list))
			return 0;
		return -EBADMSG;
	}
	if ((ret = cu_files(s, m, cu, comp_dir, ll)))
		return ret;
	for (i = 0; i < nl; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		struct src_row r = { 0 };
		Dwarf_Addr a;
		bool flag = false;
		int line = 0, col = 0;
		const char *f;

		if (!l || dwarf_lineaddr(l, &a))
			return -EBADMSG;
		r.addr = a + m->dwbias;
		dwarf_lineendsequence(l, &flag);
		if (!flag) {
			dwarf_lineno(l, &line);
			dwarf_linecol(l, &col);
			f = dwarf_linesrc(l, NULL, NULL);
			if (!f)
				return -EBADMSG;
			/* names are stable pointers into the CU's file table */
			if (f != prev_f) {
				if ((ret = file_intern_cu(s, comp_dir, f, &prev_id)))
					return ret;
				prev_f = f;
			}
			r.file_id = prev_id;
			r.line = line > 0 ? (uint32_t)line : 0;
			r.column = col > 0 && col < 65536 ? (uint16_t)col : 0;
			flag = false;
			dwarf_linebeginstatement(l, &flag);
			r.is_stmt = flag;
			flag = false;
			dwarf_lineprologueend(l, &flag);
			r.prologue_end = flag;
			r.zero = !r.line;
			if (drop_same_line_row(l, &r, &ds))
				continue;
		} else {
			ds = (struct disc_state)DISC_STATE_INIT;
		}
		if ((ret = row_push(rv, &r)))
			return ret;
	}
	return 0;
}

/* Reads n bytes of the module's code at addr (from the ELF file's
 * PT_LOAD segments); false if they are not in the file. */
static bool code_read(struct src_mod *m, uint64_t addr, uint8_t *buf, size_t n)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(m->dm, &bias);
	size_t nph, i;

	if (!elf || elf_getphdrnum(elf, &nph))
		return false;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;
		Elf_Data *d;
		uint64_t va = addr - bias;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    va < ph.p_vaddr || va + n > ph.p_vaddr + ph.p_filesz)
			continue;
		d = elf_getdata_rawchunk(elf, (int64_t)(ph.p_offset + va - ph.p_vaddr), n,
					 ELF_T_BYTE);
		if (!d || d->d_size < n)
			return false;
		memcpy(buf, d->d_buf, n);
		return true;
	}
	return false;
}

/* Where gdb's `step` into the function at entry stops (and `break f` in a
 * CU without location lists): amd64_analyze_prologue finds
 * [endbr64;] push %rbp; mov %rsp,%rbp and skips it, then
 * skip_prologue_sal / handle_step_into_function move a stop that falls
 * inside a row to the end of gdb's range there (find_pc_line's end, the
 * next row unless its per-file tables say more), if that is still in
 * the function.  A
 * function without that frame setup (-O2) is stopped at its entry.
 * Returns entry when nothing is skipped. */
static uint64_t prologue_end(struct src_mod *m, uint64_t entry, uint64_t end)
{
	static const uint8_t endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
	uint8_t c[12];
	uint64_t p = 0, post;
	const struct src_row *r;
	size_t k;

	if (!code_read(m, entry, c, sizeof c))
		return entry;
	if (!memcmp(c, endbr64, 4))
		p = 4;
	if (c[p] != 0x55) /* push %rbp */
		return entry;
	if ((c[p + 1] == 0x48 && c[p + 2] == 0x89 && c[p + 3] == 0xe5) ||
	    (c[p + 1] == 0x48 && c[p + 2] == 0x8b && c[p + 3] == 0xec))
		post = entry + p + 4; /* mov %rsp,%rbp */
	else if ((c[p + 1] == 0x89 && c[p + 2] == 0xe5) ||
		 (c[p + 1] == 0x8b && c[p + 2] == 0xec))
		post = entry + p + 3; /* mov %esp,%ebp */
	else
		return entry; /* frameless for gdb */
	r = src_row_find(m, post);
	if (!r || r->addr == post)
		return post;
	if (r->end) /* the end of gdb's range there (linerange.c) */
		return r->end < end ? r->end : post;
	k = (size_t)(r - m->rows) + 1;
	if (k < m->n_rows && m->rows[k].addr < end)
		return m->rows[k].addr;
	return post;
}

/* Marks the rows gdb's `step` skips when it enters the function at
 * [entry, end): the row starts from its entry up to prologue_end(). */
static void mark_prologue(struct src_mod *m, uint64_t entry, uint64_t end)
{
	const struct src_row *r = src_row_find(m, entry);
	uint64_t stop;
	size_t k;

	if (!r || r->addr != entry || !r->line)
		return;
	stop = prologue_end(m, entry, end);
	/* 2: the whole row is skipped (gdb never stops inside it, so an
	 * instruction anywhere in it is still the prologue; a one-line
	 * function's entry row, whose next row is the same line, matters) */
	for (k = (size_t)(r - m->rows); k < m->n_rows && m->rows[k].addr < stop; k++)
		m->rows[k].prologue = k + 1 < m->n_rows && m->rows[k + 1].addr <= stop ? 2 : 1;
}

static int prologue_die_cb(Dwarf_Die *die, void *arg)
{
	struct src_mod *m = arg;
	Dwarf_Addr lo, hi;

	if (dwarf_lowpc(die, &lo) == 0 && dwarf_highpc(die, &hi) == 0)
		mark_prologue(m, lo + m->dwbias, hi + m->dwbias);
	return DWARF_CB_OK;
}

/* Functions from the symbol table, or from DWARF when there is no
 * .symtab (a stripped file with debug info kept). */
static void mark_prologues(struct src_mod *m)
{
	struct src_unit_iter it = { 0 };
	Dwarf_Die cu;
	size_t i;

	for (i = 0; i < m->n_syms; i++) {
		const struct src_sym *f = &m->syms[i];
		uint64_t end = f->size ? f->addr + f->size : UINT64_MAX;

		if (i + 1 < m->n_syms && m->syms[i + 1].addr > f->addr &&
		    m->syms[i + 1].addr < end)
			end = m->syms[i + 1].addr;
		mark_prologue(m, f->addr, end);
	}
	if (m->full_symtab)
		return;
	while (src_unit_next(m, &it, false, &cu))
		dwarf_getfuncs(&cu, prologue_die_cb, m, 0);
}

static void mod_problem(struct hs_src *s, struct src_mod *m, const char *what)
{
	snprintf(m->problem, sizeof m->problem, "%s", what);
	m->pub.problem = m->problem;
	src_warn(s, "hindsight: %s: %s", m->pub.path, what);
}

/* The rows of every CU of m and the ends of gdb's ranges in ll.
 * -EBADMSG: corrupt DWARF. */
static int load_cus(struct hs_src *s, struct src_mod *m, struct lines_load *ll)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	int r, ret = 0;

	if (src_lt_section(m->dw, &ll->sec, &ll->sec_size) != 0)
		ll->sec = NULL;
	while ((r = dwarf_nextcu(m->dw, off, &next, &hsize, NULL, NULL, NULL)) == 0) {
		Dwarf_Die cu;

		if (!dwarf_offdie(m->dw, off + hsize, &cu))
			return -EBADMSG;
		if ((ret = load_cu_lines(s, m, &cu, ll)))
			return ret;
		off = next;
	}
	return r < 0 ? -EBADMSG : 0;
}

static int load_lines(struct hs_src *s, struct src_mod *m)
{
	struct lines_load ll = { 0 };
	struct src_row *tmp = NULL;
	int ret;
	char why[200];

	m->dw = dwfl_module_getdwarf(m->dm, &m->dwbias);
	if (!m->dw)
		return 0; /* no debug info: not a problem, symbols still work */
	{
		const char *debug = NULL;

		dwfl_module_info(m->dm, NULL, NULL, NULL, NULL, NULL, NULL, &debug);
		if (debug && strcmp(debug, m->pub.file))
			m->pub.debug_file = debug; /* libdwfl's, until dwfl_end */
	}
	ret = load_cus(s, m, &ll);
	if (ret == -EBADMSG) {
		snprintf(why, sizeof why, "corrupt DWARF (%s): line tables and variables skipped",
			 dwarf_errmsg(-1));
		mod_problem(s, m, why);
		m->dw = NULL;
		ret = 0;
	}
	if (ret || !m->dw || (ll.rv.n && !(tmp = malloc(ll.rv.n * sizeof *tmp)))) {
		free(ll.rv.v);
		free(ll.ends.v);
		return ret || !m->dw ? ret : -ENOMEM;
	}
	rows_sort_stable(ll.rv.v, ll.rv.n, tmp);
	free(tmp);
	m->rows = ll.rv.v;
	m->n_rows = rows_dedup(m, ll.rv.v, ll.rv.n);
	src_lt_apply(m->rows, m->n_rows, &ll.ends);
	m->pub.has_dwarf = true;
	mark_prologues(m);
	return 0;
}

/* ---- finish ------------------------------------------------------------ */

static bool is_regular(const char *path);

/* The packed copy of a recorded path (PACK/paths/PATH, a link into the
 * pack's objects), or NULL when the trace is not packed or the pack does
 * not hold it.  Caller frees. */
static char *src_packed(const struct hs_src *s, const char *path)
{
	char *p;

	if (!s->pack_dir || path[0] != '/' ||
	    asprintf(&p, "%s/paths%s", s->pack_dir, path) < 0)
		return NULL;
	if (is_regular(p))
		return p;
	free(p);
	return NULL;
}

/* libdwfl's search path: the pack's build-id folder first, then its
 * default (the module's folder, .debug/, /usr/lib/debug). */
static int set_debuginfo_path(struct hs_src *s)
{
	s->cb.debuginfo_path = &s->debuginfo_path;
	if (!s->pack_dir)
		return 0;
	if (asprintf(&s->debuginfo_path, "%s/debug::.debug:/usr/lib/debug",
		     s->pack_dir) < 0) {
		s->debuginfo_path = NULL;
		return -ENOMEM;
	}
	return 0;
}

int hs_src_finish(struct hs_src *s)
{
	size_t i, k;
	int ret;

	if (!s || s->finished)
		return -EINVAL;
	s->finished = true;
	s->cb.find_elf = dwfl_build_id_find_elf;
	s->cb.find_debuginfo = dwfl_standard_find_debuginfo;
	s->cb.section_address = dwfl_offline_section_address;
	if ((ret = set_debuginfo_path(s)))
		return ret;
	s->dwfl = dwfl_begin(&s->cb);
	if (!s->dwfl)
		return -ENOMEM;
	s->mods = calloc(s->n_maps ? s->n_maps : 1, sizeof *s->mods);
	if (!s->mods)
		return -ENOMEM;

	/* one module per file mapped executable, in order of first mapping */
	dwfl_report_begin(s->dwfl);
	for (i = 0; i < s->n_maps; i++) {
		const struct src_map *mp = &s->maps[i];
		struct src_mod *m;
		uint64_t start = UINT64_MAX, end = 0, bias = 0, vend = 0;
		bool exec = false, seen = false;
		int r;

		for (k = 0; k < i && !seen; k++)
			seen = !strcmp(s->maps[k].path, mp->path);
		if (seen)
			continue;
		for (k = i; k < s->n_maps; k++) {
			if (strcmp(s->maps[k].path, mp->path))
				continue;
			exec |= !!(s->maps[k].prot & PROT_EXEC);
			if (s->maps[k].start < start)
				start = s->maps[k].start;
			if (s->maps[k].end > end)
				end = s->maps[k].end;
		}
		if (!exec)
			continue;
		/* first one wins: a later file over an earlier one's range (a
		 * library dlopen'ed where a dlclose'd one was); one module per
		 * address range, so say that its code is named by the first */
		for (k = 0; k < s->n_mods; k++)
			if (start < s->mods[k].pub.end && s->mods[k].pub.start < end)
				break;
		if (k < s->n_mods) {
			src_warn(s, "hindsight: %s was mapped at 0x%" PRIx64 "-0x%" PRIx64
				 " after %s there: the source level names that code by %s",
				 mp->path, start, end, s->mods[k].pub.path, s->mods[k].pub.path);
			continue;
		}
		m = &s->mods[s->n_mods++];
		m->pub.path = strdup(mp->path);
		if (!m->pub.path)
			return -ENOMEM;
		m->pub.start = start;
		m->pub.end = end;
		m->pub.file = src_packed(s, mp->path);
		if (!m->pub.file && !(m->pub.file = strdup(mp->path)))
			return -ENOMEM;
		r = elf_bias(s, mp->path, m->pub.file, &bias, &vend);
		if (r == -ENOEXEC) {
			/* not ELF: kept as a bare range, no warning */
			snprintf(m->problem, sizeof m->problem, "not an ELF file");
			m->pub.problem = m->problem;
			continue;
		}
		if (r) {
			mod_problem(s, m, r == -ENOENT ? "file not found" : strerror(-r));
			continue;
		}
		m->pub.bias = bias;
		if (vend + bias > m->pub.end)
			m->pub.end = vend + bias;
		m->dm = dwfl_report_elf(s->dwfl, m->pub.path, m->pub.file, -1,
					bias, true);
		if (!m->dm) {
			char why[200];

			snprintf(why, sizeof why, "unreadable ELF (%s)", dwfl_errmsg(-1));
			mod_problem(s, m, why);
		}
	}
	if (dwfl_report_end(s->dwfl, NULL, NULL) != 0)
		return -ENOMEM;
	qsort(s->mods, s->n_mods, sizeof *s->mods, mod_cmp_start);
	/* a segment's memory past its file never overlaps the next module */
	for (i = 0; i + 1 < s->n_mods; i++)
		if (s->mods[i].pub.end > s->mods[i + 1].pub.start)
			s->mods[i].pub.end = s->mods[i + 1].pub.start;

	for (i = 0; i < s->n_mods; i++) {
		struct src_mod *m = &s->mods[i];

		if (!m->dm)
			continue;
		/* the split units first: frame_names reads them */
		if ((ret = src_units_load(m)) || (ret = load_syms(m)) || (ret = load_lines(s, m)))
			return ret;
		if (!m->pub.has_symbols && !m->pub.has_dwarf && !m->pub.problem)
			mod_problem(s, m, "stripped: no symbols and no debug info");
	}
	return 0;
}

/* ---- modules and lookups ------------------------------------------------ */

size_t hs_src_module_count(const struct hs_src *s)
{
	return s ? s->n_mods : 0;
}

const struct hs_src_module *hs_src_module_at(const struct hs_src *s, size_t i)
{
	if (!s || i >= s->n_mods)
		return NULL;
	return &s->mods[i].pub;
}

struct src_mod *src_mod_find(const struct hs_src *s, uint64_t addr)
{
	size_t lo = HS_UPPER_BOUND(s->mods, s->n_mods, pub.start, addr);

	if (lo == 0 || addr >= s->mods[lo - 1].pub.end)
		return NULL;
	return &s->mods[lo - 1];
}

const struct src_row *src_row_find(const struct src_mod *m, uint64_t addr)
{
	size_t lo = HS_UPPER_BOUND(m->rows, m->n_rows, addr, addr);

	if (lo == 0)
		return NULL;
	return &m->rows[lo - 1];
}

/* name (owned) interned in s: the copy kept, or NULL (ENOMEM). */
static const char *intern(struct hs_src *s, char *brk)
{
	size_t i;

	if (!brk)
		return NULL;
	for (i = 0; i < s->n_dnames; i++)
		if (!strcmp(s->dnames[i], brk)) {
			free(brk);
			return s->dnames[i];
		}
	if (hs_grow((void **)&s->dnames, &s->cap_dnames, s->n_dnames + 1, sizeof(*s->dnames))) {
		free(brk);
		return NULL;
	}
	s->dnames[s->n_dnames++] = brk;
	return brk;
}

const char *src_dwarf_cplus_name(struct hs_src *s, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *ln = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
	char *dem, *brk;

	if (!ln || !(dem = src_demangle(ln)))
		return NULL;
	brk = src_break_name(dem);
	free(dem);
	return intern(s, brk);
}

const char *src_intern_break(struct hs_src *s, const char *sig)
{
	const char *r;

	pthread_mutex_lock(&s->dw_lock);
	r = intern(s, src_break_name(sig));
	pthread_mutex_unlock(&s->dw_lock);
	return r;
}

const char *src_dwarf_frame_name(struct hs_src *s, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *ln = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
	char *dem, *brk;

	if (!ln || !(dem = src_demangle(ln)))
		return NULL;
	brk = src_frame_name(dem);
	free(dem);
	return intern(s, brk);
}

const char *src_dwarf_scoped_name(struct hs_src *s, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Die origin;
	const char *name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
	struct src_sbuf *b;
	const char *r = NULL;

	if (!name || !src_die_cplus(die) || !(b = calloc(1, sizeof *b)))
		return NULL;
	/* an inlined copy's scopes are its abstract origin's (then its
	 * declaration's, in its class) */
	while (dwarf_attr(die, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &origin) &&
	       dwarf_dieoffset(&origin) != dwarf_dieoffset(die))
		die = &origin;
	src_scope_prefix(die, false, b);
	src_sb_str(b, name);
	if (!b->full)
		r = intern(s, strdup(b->buf));
	free(b);
	return r;
}

const char *src_dwarf_plain_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));

	return n ? n : dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

/* The DWARF subprogram (not inlined) holding addr: name and entry. */
/* The start of the first of die's DW_AT_ranges; false when it has none. */
static bool first_range(Dwarf_Die *die, Dwarf_Addr *lo)
{
	Dwarf_Addr base, start, end;

	if (dwarf_ranges(die, 0, &base, &start, &end) <= 0)
		return false;
	*lo = start;
	return true;
}

static int dwarf_function_locked(struct hs_src *s, struct src_mod *m, uint64_t addr,
				 const char **name, uint64_t *entry, bool *cplus);

static int dwarf_function(struct hs_src *s, struct src_mod *m, uint64_t addr,
			  const char **name, uint64_t *entry)
{
	int ret;

	if (!m->dw)
		return -ENODATA;
	pthread_mutex_lock(&s->dw_lock);
	ret = dwarf_function_locked(s, m, addr, name, entry, NULL);
	pthread_mutex_unlock(&s->dw_lock);
	return ret;
}

const char *src_pointer_symbol(struct hs_src *s, uint64_t addr, uint64_t *off)
{
	const char *sym = src_addr_symbol(s, addr, off), *name;
	struct src_mod *m = src_mod_find(s, addr);
	const struct src_sym *f;
	uint64_t entry;
	bool cplus = false;

	/* gdb's build_address_symbolic: the function holding addr (its
	 * DWARF name, from its entry), unless a minimal symbol starts
	 * exactly at addr and the function does not; C++ keeps the
	 * symbol's demangled signature ("use(int)"), gdb's print name */
	if (!m || !m->dw || dwarf_function_locked(s, m, addr, &name, &entry, &cplus) || cplus)
		return sym;
	f = src_sym_find(m, addr);
	if (f && f->addr == addr && entry != addr && sym)
		return sym;
	*off = addr - entry;
	return name;
}

/* dwarf_function under dw_lock; cplus (NULL: not asked): the function
 * has a C++ linkage name; asked, a C++ function without one (main) is
 * named as gdb's <sym> names it, src_cplus_physname ("main()"). */
static int dwarf_function_locked(struct hs_src *s, struct src_mod *m, uint64_t addr,
				 const char **name, uint64_t *entry, bool *cplus)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu, *scopes = NULL;
	const char *cname;
	int n, i, ret = -ENOENT;

	if (!m->dw)
		return -ENODATA;
	cu = src_cu_at(m, addr, &bias);
	if (!cu)
		goto out;
	n = dwarf_getscopes(cu, addr - bias, &scopes);
	/* past an inlined copy dwarf_getscopes goes on with the abstract
	 * function's scopes: the real function holds the innermost copy */
	for (i = 0; i < n; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_inlined_subroutine) {
			Dwarf_Die *up = NULL;
			int k = dwarf_getscopes_die(&scopes[i], &up);

			free(scopes);
			scopes = up;
			n = k;
			break;
		}
	for (i = n - 1; i >= 0; i--) {
		Dwarf_Addr lo;

		if (dwarf_tag(&scopes[i]) != DW_TAG_subprogram)
			continue;
		*name = src_dwarf_plain_name(&scopes[i]);
		if (!*name)
			continue;
		/* a function split in parts (gcc's f.cold) has DW_AT_ranges and
		 * no DW_AT_low_pc: its first range is the part it is entered by */
		if (dwarf_entrypc(&scopes[i], &lo) != 0 && !first_range(&scopes[i], &lo))
			continue;
		cname = src_dwarf_cplus_name(s, &scopes[i]);
		/* gdb's <sym> (cplus asked for): a C++ function without a
		 * linkage name by its computed name, "main()" */
		if (cplus)
			*cplus = cname != NULL;
		if (!cname && cplus && src_die_cplus(&scopes[i]))
			cname = intern(s, src_cplus_physname(&scopes[i]));
		if (cname)
			*name = cname;
		*entry = lo + bias;
		ret = 0;
		break;
	}
out:
	free(scopes);
	return ret;
}

/* The names of a C function's frame (sym, not mangled), as gdb's: the
 * DWARF subprogram's at sym's entry, which is also what gdb's <sym+off>
 * says ("__GI_raise", where the symbols say raise, gsignal, __GI_raise);
 * without one its minimal symbol's print name. */
static void c_names(struct hs_src *s, struct src_mod *m, const struct src_sym *sym,
		    uint64_t addr, struct hs_src_loc *out)
{
	const char *dname = m->dw ? src_dwarf_entry_name(s, m, sym->addr) : NULL;
	uint64_t dentry;

	if (dname) {
		out->function = out->break_name = out->signature = dname;
		return;
	}
	/* gcc's clones ("f.constprop.0", "f.isra.0", "f.part.0"): gdb
	 * names them by their DWARF name, "f".  A ".cold" part is a piece
	 * of f's own DWARF ranges (entry elsewhere): gdb's frames say "f"
	 * there too; the offset stays from the part's symbol ("f+0x12" is
	 * 0x12 into f.cold, where gdb's `info symbol` says f[cold] + 18):
	 * gdb's name first, as every frame's. */
	if (strchr(sym->name, '.') && m->dw &&
	    dwarf_function(s, m, addr, &dname, &dentry) == 0 &&
	    (dentry == sym->addr || strstr(sym->name, ".cold"))) {
		out->function = out->break_name = dname;
		return;
	}
	if (sym->mname && !out->file)
		out->function = out->break_name = sym->mname;
}

/* Is sym a C++ thunk (this-adjusting, virtual or covariant)? */
static bool sym_thunk(const struct src_sym *sym)
{
	return sym->name && (!strncmp(sym->name, "_ZTh", 4) || !strncmp(sym->name, "_ZTv", 4) ||
			     !strncmp(sym->name, "_ZTc", 4));
}

/* The start of an answer about addr (out: size bytes, zeroed): -EINVAL
 * when there is no finished s or no out; else 0, with the module holding
 * addr in *m (NULL: none) and its line row there in *r (NULL: none, or a
 * row with no line). */
static int addr_start(struct hs_src *s, uint64_t addr, void *out, size_t size,
		      struct src_mod **m, const struct src_row **r)
{
	if (!s || !out || !s->finished)
		return -EINVAL;
	memset(out, 0, size);
	*m = src_mod_find(s, addr);
	*r = *m ? src_row_find(*m, addr) : NULL;
	if (*r && !(*r)->line)
		*r = NULL;
	return 0;
}

int hs_src_lookup(struct hs_src *s, uint64_t addr, struct hs_src_loc *out)
{
	struct src_mod *m;
	const struct src_sym *sym;
	const struct src_row *r;
	int err = addr_start(s, addr, out, sizeof *out, &m, &r);

	if (err)
		return err;
	if (!m)
		return -ENOENT;
	out->module = &m->pub;
	if (r) {
		out->file = s->files[r->file_id];
		out->line = r->line;
		out->column = r->column;
	}
	sym = src_sym_find(m, addr);
	if (sym) {
		/* gdb's frame name: with debug info the function's name
		 * without parameters ("Fruit::price"), without it the
		 * demangled symbol ("std::ostream::operator<<(int)").  A
		 * C++ thunk has no DWARF function even where it has line
		 * rows (g++'s virtual thunks): gdb names it by its symbol,
		 * "virtual thunk to Diamond::vb()" */
		out->linkage_name = sym->name;
		out->signature = SRC_SYM_DNAME(sym);
		out->break_name = SRC_SYM_BNAME(sym);
		out->function = !out->file || sym_thunk(sym) ? out->signature :
				sym->fname ? sym->fname : out->break_name;
		out->func_start = sym->addr;
		if (!sym->dname) /* C++'s names are its symbols' */
			c_names(s, m, sym, addr, out);
	} else if (dwarf_function(s, m, addr, &out->function, &out->func_start)) {
		out->function = NULL;
		out->func_start = 0;
	} else {
		out->signature = out->break_name = out->linkage_name = out->function;
	}
	return 0;
}

/* Is addr in a stub gdb has no name for (src_sym.nameless)? */
static bool src_nameless(const struct hs_src *s, uint64_t addr)
{
	const struct src_mod *m = src_mod_find(s, addr);
	const struct src_sym *f = m ? src_sym_find(m, addr) : NULL;

	return f && f->nameless;
}

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');

	return b ? b + 1 : p;
}

int src_format_where_pc(struct hs_src *s, uint64_t addr, uint64_t pc, char *buf, size_t cap)
{
	struct hs_src_loc loc;

	if (!buf && cap)
		return -EINVAL;
	if (!s || hs_src_lookup(s, addr, &loc))
		return snprintf(buf, cap, "0x%" PRIx64, pc);
	if (!loc.function || src_nameless(s, addr))
		return snprintf(buf, cap, "0x%" PRIx64 " in %s", pc,
				base_name(loc.module->path));
	if (!loc.file)
		return snprintf(buf, cap, "%s+0x%" PRIx64, loc.function,
				pc - loc.func_start);
	return snprintf(buf, cap, "%s+0x%" PRIx64 " %s:%" PRIu32, loc.function,
			pc - loc.func_start, base_name(loc.file), loc.line);
}

int hs_src_format_where(struct hs_src *s, uint64_t addr, char *buf, size_t cap)
{
	return src_format_where_pc(s, addr, addr, buf, cap);
}

int hs_src_line_info(struct hs_src *s, uint64_t addr,
		     struct hs_src_line_info *out)
{
	struct src_mod *m;
	const struct src_row *r;
	int err = addr_start(s, addr, out, sizeof *out, &m, &r);

	if (err || !r)
		return err;
	out->file_id = r->file_id;
	out->line = r->line;
	out->row_addr = r->addr;
	/* rows are one per address: the next one ends this one (an
	 * end-of-sequence row included); gdb's range may go on past it */
	out->row_next = (size_t)(r - m->rows) + 1 < m->n_rows ? r[1].addr : m->pub.end;
	out->row_end = r->end ? r->end : out->row_next;
	out->row_start = r->addr == addr;
	out->is_stmt = out->row_start && r->is_stmt;
	out->prologue = out->row_start && r->prologue;
	out->in_prologue = r->prologue;
	out->more_stmt = out->row_start && r->more;
	src_inline_at(s, m, addr, &out->inline_frame, &out->inline_hidden);
	return 0;
}

/* Of the statement rows in v[0..n) of a file in ids: line itself, or else
 * the least line past it, in *best. */
static bool stmt_line_scan(const struct src_row *v, size_t n, const uint8_t *ids,
			   uint32_t line, uint32_t *best)
{
	for (size_t k = 0; k < n; k++) {
		if (!v[k].line || !v[k].is_stmt || !ids[v[k].file_id])
			continue;
		if (v[k].line == line)
			return true;
		if (v[k].line > line && (!*best || v[k].line < *best))
			*best = v[k].line;
	}
	return false;
}

int hs_src_break_line(struct hs_src *s, const char *path, uint32_t line, uint32_t *out)
{
	uint8_t *ids;
	uint32_t best = 0;
	bool exact = false;

	if (!s || !s->finished || !path || !out)
		return -EINVAL;
	if (!(ids = calloc(s->n_files ? s->n_files : 1, 1)))
		return -ENOMEM;
	for (uint32_t i = 0; i < s->n_files; i++)
		ids[i] = s->files[i] && !strcmp(s->files[i], path);
	for (size_t i = 0; i < s->n_mods && !exact; i++) {
		const struct src_mod *m = &s->mods[i];

		exact = stmt_line_scan(m->rows, m->n_rows, ids, line, &best) ||
			stmt_line_scan(m->more, m->n_more, ids, line, &best);
	}
	free(ids);
	*out = exact ? line : best;
	return *out ? 0 : -ENOENT;
}

int hs_src_row_before(struct hs_src *s, uint64_t addr, uint64_t lo, struct hs_src_line_info *out)
{
	const struct src_mod *m;
	const struct src_row *r;

	if (!s || !s->finished || !out)
		return -EINVAL;
	if (addr <= lo || !(m = src_mod_find(s, addr - 1)) || !(r = src_row_find(m, addr - 1)))
		return -ENOENT;
	for (size_t k = (size_t)(r - m->rows) + 1; k-- > 0 && m->rows[k].addr >= lo;)
		if (m->rows[k].line)
			return hs_src_line_info(s, m->rows[k].addr, out);
	return -ENOENT;
}

int hs_src_row_after(struct hs_src *s, uint64_t addr, uint64_t hi, struct hs_src_line_info *out)
{
	const struct src_mod *m;
	const struct src_row *r;
	size_t k;

	if (!s || !s->finished || !out)
		return -EINVAL;
	if (addr >= hi || !(m = src_mod_find(s, addr)))
		return -ENOENT;
	r = src_row_find(m, addr);
	k = r ? (size_t)(r - m->rows) + (r->addr < addr) : 0;
	for (; m->rows && k < m->n_rows && m->rows[k].addr < hi; k++)
		if (m->rows[k].line)
			return hs_src_line_info(s, m->rows[k].addr, out);
	return -ENOENT;
}

size_t hs_src_stmt_lines_at(struct hs_src *s, uint64_t addr, uint32_t *file, uint32_t *line,
			    size_t max)
{
	struct src_mod *m;
	const struct src_row *r;
	struct hs_src_line_info li;
	size_t lo, n = 0;

	if (addr_start(s, addr, &li, sizeof li, &m, &r) || !r || r->addr != addr || !r->more)
		return 0;
	lo = HS_UPPER_BOUND(m->more, m->n_more, addr, addr - 1);
	for (; lo < m->n_more && m->more[lo].addr == addr && n < max; lo++, n++) {
		file[n] = m->more[lo].file_id;
		line[n] = m->more[lo].line;
	}
	return n;
}

bool hs_src_dynamic_linker(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	/* ld-2.NN.so: its name before glibc 2.34 made it ld-linux-*.so.2 */
	return strncmp(base, "ld-linux", 8) == 0 || strncmp(base, "ld-2.", 5) == 0;
}

int hs_src_break_addr(struct hs_src *s, uint64_t entry, uint64_t *out)
{
	const struct src_mod *m;
	const struct src_sym *f;
	const struct src_row *r;

	if (!s || !out || !s->finished)
		return -EINVAL;
	if (!(m = src_mod_find(s, entry)) || !(f = src_sym_find(m, entry)) || f->addr != entry ||
	    !(r = src_row_find(m, entry)))
		return -ENOENT;
	/* gdb 13's skip_prologue_using_linetable: the first row of the
	 * function, from its entry on, that carries the flag, in the line
	 * table of the file of the entry's row only (find_pc_line's symtab:
	 * gdb keeps one table a file, and clang -O1 marks the prologue's end
	 * on a row of a header whose code is inlined into the first
	 * statement, which gdb then does not see) */
	for (size_t k = (size_t)(r - m->rows); k < m->n_rows; k++) {
		uint64_t a = m->rows[k].addr;

		if ((f->size && a >= entry + f->size) ||
		    (!f->size && a > entry && src_sym_find(m, a) != f))
			break; /* past the function */
		if (a >= entry && m->rows[k].prologue_end && m->rows[k].line &&
		    m->rows[k].file_id == r->file_id) {
			*out = a;
			return 0;
		}
	}
	return -ENOENT;
}

/* gdb's locations_valid (dwarf2/read.c): a CU whose variables have
 * location lists (a DW_AT_location or DW_AT_frame_base that is a section
 * offset: has_loclist) made by GCC 4.5 or later. */
static bool die_has_loclist(Dwarf_Die *die, int depth)
{
	static const unsigned at[] = { DW_AT_location, DW_AT_frame_base };
	Dwarf_Attribute a;
	Dwarf_Die ch;
	unsigned form;

	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		if (!dwarf_attr(die, at[i], &a))
			continue;
		form = dwarf_whatform(&a);
		if (form == DW_FORM_sec_offset || form == DW_FORM_loclistx ||
		    form == DW_FORM_data4 || form == DW_FORM_data8)
			return true;
	}
	if (depth > 64 || dwarf_child(die, &ch) != 0)
		return false;
	do {
		if (die_has_loclist(&ch, depth + 1))
			return true;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

static bool cu_locations_valid(Dwarf_Die *cu)
{
	const char *p = dwarf_formstring(dwarf_attr(cu, DW_AT_producer, &(Dwarf_Attribute){ 0 }));
	int major, minor;

	/* producer_is_gcc: "GNU <language> <major>.<minor>..." */
	if (!p || strncmp(p, "GNU ", 4) != 0)
		return false;
	p += 4;
	while (*p && *p != ' ')
		p++;
	if (*p == ' ')
		p++;
	if (sscanf(p, "%d.%d", &major, &minor) != 2 || major < 4 || (major == 4 && minor < 5))
		return false;
	return die_has_loclist(cu, 0);
}

bool hs_src_locations_valid(struct hs_src *s, uint64_t addr)
{
	const struct src_mod *m;
	Dwarf_Die *cu;
	Dwarf_Addr bias;
	uint64_t off;
	bool valid = false;

	if (!s || !s->finished || !(m = src_mod_find(s, addr)) || !m->dm || !m->dw)
		return false;
	pthread_mutex_lock(&s->dw_lock);
	if (!(cu = src_cu_at(m, addr, &bias)))
		goto out;
	off = src_die_key(m, cu); /* .dwo files' offsets are alike */
	for (size_t i = 0; i < s->n_cu_valid; i++) {
		if (s->cu_valid[i].m == m && s->cu_valid[i].cu == off) {
			valid = s->cu_valid[i].valid;
			goto out;
		}
	}
	valid = cu_locations_valid(cu);
	if (s->n_cu_valid == s->cap_cu_valid) {
		size_t cap = s->cap_cu_valid ? 2 * s->cap_cu_valid : 16;
		struct src_cu_valid *v = realloc(s->cu_valid, cap * sizeof(*v));

		if (!v)
			goto out; /* answered, not remembered */
		s->cu_valid = v;
		s->cap_cu_valid = cap;
	}
	s->cu_valid[s->n_cu_valid++] = (struct src_cu_valid){ m, off, valid };
out:
	pthread_mutex_unlock(&s->dw_lock);
	return valid;
}

/* Whether gdb makes a block of the lexical block d: only one that holds
 * symbols of its own (dwarf2/read.c read_lexical_block_scope). */
static bool lexical_has_symbols(Dwarf_Die *d)
{
	Dwarf_Die c;

	if (dwarf_child(d, &c) != 0)
		return false;
	do {
		switch (dwarf_tag(&c)) {
		case DW_TAG_variable: case DW_TAG_typedef: case DW_TAG_structure_type:
		case DW_TAG_union_type: case DW_TAG_enumeration_type: case DW_TAG_label:
		case DW_TAG_class_type: case DW_TAG_imported_module:
			return true;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* Appends to path[*n] the DIEs below d holding pc, outermost first:
 * through namespaces, into functions, inlined copies and lexical blocks
 * whose ranges hold pc. */
static int scope_walk(Dwarf_Die *d, Dwarf_Addr pc, Dwarf_Die **path, int *n, int *cap)
{
	Dwarf_Die c;

	if (*n > 256 || dwarf_child(d, &c) != 0)
		return 0;
	do {
		int tag = dwarf_tag(&c);

		if (tag == DW_TAG_namespace) {
			int k = *n;

			if (scope_walk(&c, pc, path, n, cap))
				return -ENOMEM;
			if (*n > k)
				return 0;
		} else if ((tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
			    tag == DW_TAG_lexical_block) && dwarf_haspc(&c, pc) == 1) {
			if (*n == *cap) {
				Dwarf_Die *v = realloc(*path, (size_t)(*cap ? 2 * *cap : 8) * sizeof(*v));

				if (!v)
					return -ENOMEM;
				*path = v;
				*cap = *cap ? 2 * *cap : 8;
			}
			(*path)[(*n)++] = c;
			return scope_walk(&c, pc, path, n, cap);
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

int src_getscopes(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die **scopes)
{
	Dwarf_Die *path = NULL;
	int n = dwarf_getscopes(cu, pc, scopes), k = 0, cap = 0;

	if (n > 0)
		return n;
	/* libdw finds none where it cannot resolve an inlined copy's
	 * abstract origin (clang -O2 DWARF 5: an implicit
	 * Item::operator=(Item&&) inlined in std::__insertion_sort, "no
	 * address value"), while gdb's blocks hold the pc: the DIEs that
	 * hold it, innermost first (the copies' own containers, as
	 * dwarf_getscopes_die gives them), the CU last */
	*scopes = NULL;
	if (dwarf_haspc(cu, pc) != 1 || scope_walk(cu, pc, &path, &k, &cap) || !k) {
		free(path);
		return n;
	}
	*scopes = malloc((size_t)(k + 1) * sizeof(**scopes));
	if (!*scopes) {
		free(path);
		return -1;
	}
	for (int i = 0; i < k; i++)
		(*scopes)[i] = path[k - 1 - i];
	(*scopes)[k] = *cu;
	free(path);
	return k + 1;
}

#define BLOCK_MEMO_SLOTS (1u << 16)

uint64_t hs_src_block_at(struct hs_src *s, uint64_t addr)
{
	const struct src_mod *m;
	Dwarf_Die *cu, *scopes = NULL;
	struct src_block_memo *slot = NULL;
	Dwarf_Addr bias;
	uint64_t id = 0;
	int n = 0;

	if (!s || !s->finished || !(m = src_mod_find(s, addr)) || !m->dm || !m->dw)
		return 0;
	pthread_mutex_lock(&s->dw_lock);
	if (!s->block_memo)
		s->block_memo = calloc(BLOCK_MEMO_SLOTS, sizeof(*s->block_memo));
	if (s->block_memo) { /* (without it: computed every time) */
		slot = &s->block_memo[(addr * 0x9e3779b97f4a7c15ull) >> 48];
		if (slot->addr1 == addr + 1) {
			id = slot->id;
			pthread_mutex_unlock(&s->dw_lock);
			return id;
		}
	}
	if ((cu = src_cu_at(m, addr, &bias)))
		n = src_getscopes(cu, addr - bias, &scopes);
	for (int i = 0; i < n && !id; i++)
		if (dwarf_tag(&scopes[i]) != DW_TAG_lexical_block || lexical_has_symbols(&scopes[i]))
			id = src_die_key(m, &scopes[i]) + 1;
	if (slot)
		*slot = (struct src_block_memo){ addr + 1, id };
	pthread_mutex_unlock(&s->dw_lock);
	free(scopes);
	return id;
}

/* The real function's DIE among dwarf_getscopes' scopes: past an
 * inlined copy they go on with the abstract function's, so the copy's own
 * containers are looked up (as inline.c does). */
static bool real_function(Dwarf_Die *scopes, int n, Dwarf_Die *out)
{
	Dwarf_Die *up = NULL;
	bool found = false;

	for (int i = 0; i < n && !found; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_subprogram) {
			*out = scopes[i];
			found = true;
		} else if (tag == DW_TAG_inlined_subroutine) {
			int k = dwarf_getscopes_die(&scopes[i], &up);

			found = k > 1 && real_function(up + 1, k - 1, out);
			free(up);
			break;
		}
	}
	return found;
}

size_t hs_src_function_ranges(struct hs_src *s, uint64_t addr, uint64_t *lo, uint64_t *hi,
			      size_t max)
{
	const struct src_mod *m;
	Dwarf_Die *cu, *scopes = NULL, fn;
	Dwarf_Addr bias, base, start, end;
	ptrdiff_t off = 0;
	size_t n = 0;
	int k = 0;

	if (!s || !s->finished || !(m = src_mod_find(s, addr)) || !m->dm || !m->dw)
		return 0;
	pthread_mutex_lock(&s->dw_lock);
	if ((cu = src_cu_at(m, addr, &bias)))
		k = dwarf_getscopes(cu, addr - bias, &scopes);
	if (k > 0 && real_function(scopes, k, &fn))
		while (n < max && (off = dwarf_ranges(&fn, off, &base, &start, &end)) > 0) {
			lo[n] = start + bias;
			hi[n++] = end + bias;
		}
	pthread_mutex_unlock(&s->dw_lock);
	free(scopes);
	return n;
}

bool hs_src_step_stops(struct hs_src *s, uint64_t addr)
{
	struct hs_src_line_info li;
	const struct src_mod *m;

	if (!s || !s->finished || !(m = src_mod_find(s, addr)) ||
	    hs_src_dynamic_linker(m->pub.path))
		return false;
	return hs_src_line_info(s, addr, &li) == 0 && li.line != 0;
}

bool hs_src_thunk(struct hs_src *s, uint64_t addr)
{
	const struct src_mod *m;
	const struct src_sym *f;

	if (!s || !s->finished || !(m = src_mod_find(s, addr)) || !(f = src_sym_find(m, addr)))
		return false;
	return sym_thunk(f);
}

bool hs_src_ifunc_resolver(struct hs_src *s, uint64_t addr)
{
	const struct src_mod *m;
	const struct src_sym *f;
	size_t k;

	if (!s || !s->finished || !(m = src_mod_find(s, addr)) || !(f = src_sym_find(m, addr)))
		return false;
	/* any symbol at the function's address (glibc: strlen_ifunc, a
	 * local function, and strlen, the ifunc, side by side) */
	for (k = (size_t)(f - m->syms); k > 0 && m->syms[k - 1].addr == f->addr; k--)
		;
	for (; k < m->n_syms && m->syms[k].addr == f->addr; k++)
		if (m->syms[k].ifunc)
			return true;
	return false;
}

int hs_src_ifunc_names(struct hs_src *s, hs_src_name_fn cb, void *ctx)
{
	char name[256];
	int r = 0;

	for (size_t i = 0; s && s->finished && i < s->n_mods && !r; i++) {
		const struct src_mod *m = &s->mods[i];

		for (size_t k = 0; k < m->n_syms && !r; k++) {
			size_t len;

			if (!m->syms[k].ifunc || !m->syms[k].name)
				continue;
			len = src_unversioned_len(m->syms[k].name);
			if (len >= sizeof(name))
				continue;
			memcpy(name, m->syms[k].name, len);
			name[len] = 0;
			r = cb(ctx, name, true);
		}
	}
	return r;
}

/* ---- functions by name ---------------------------------------------------- */

struct func_walk {
	const char *name;
	uint64_t bias;
	uint64_t *seen;
	size_t n_seen, cap_seen;
	hs_src_addr_fn cb;
	void *ctx;
	int count;
	int stop;
	int err;
};

/* Reports addr once; 1 when the callback asks to stop. */
static int func_report(struct func_walk *w, uint64_t addr)
{
	size_t i;

	for (i = 0; i < w->n_seen; i++)
		if (w->seen[i] == addr)
			return 0;
	if (hs_grow((void **)&w->seen, &w->cap_seen, w->n_seen + 1, sizeof(*w->seen))) {
		w->err = -ENOMEM;
		return 1;
	}
	w->seen[w->n_seen++] = addr;
	w->count++;
	if (w->cb && w->cb(w->ctx, addr)) {
		w->stop = 1;
		return 1;
	}
	return 0;
}

/* A DWARF subprogram named w->name: by its name, or in C++ by its
 * linkage name as a symbol would be (names.c). */
static bool func_die_matches(Dwarf_Die *die, const char *name)
{
	Dwarf_Attribute a;
	const char *n = dwarf_diename(die);
	struct src_sym sym = { .name = NULL };
	bool ok;

	if (n && !strcmp(n, name))
		return true;
	sym.name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
	if (!sym.name)
		return false;
	sym.dname = src_demangle(sym.name);
	sym.bname = src_break_name(sym.dname);
	ok = src_sym_matches(&sym, name);
	free(sym.dname);
	free(sym.bname);
	return ok;
}

static int func_die_cb(Dwarf_Die *die, void *arg)
{
	struct func_walk *w = arg;
	Dwarf_Addr entry;

	if (dwarf_entrypc(die, &entry) != 0 || !func_die_matches(die, w->name))
		return DWARF_CB_OK;
	return func_report(w, entry + w->bias) ? DWARF_CB_ABORT : DWARF_CB_OK;
}

int hs_src_function_entries(struct hs_src *s, const char *name,
			    hs_src_addr_fn cb, void *ctx)
{
	struct func_walk w = { .name = name, .cb = cb, .ctx = ctx };
	size_t i, k;

	if (!s || !name || !s->finished)
		return -EINVAL;
	for (i = 0; i < s->n_mods && !w.stop && !w.err; i++) {
		struct src_mod *m = &s->mods[i];

		for (k = 0; k < m->n_syms; k++)
			if (src_sym_matches(&m->syms[k], name) &&
			    func_report(&w, m->syms[k].addr))
				break;
	}
	/* DWARF subprograms: static functions a stripped symbol table lost
	 * (only there: a walk of every DIE of a big program takes 0.1 s) */
	for (i = 0; i < s->n_mods && !w.stop && !w.err; i++) {
		struct src_mod *m = &s->mods[i];
		struct src_unit_iter it = { 0 };
		Dwarf_Die cu;

		if (!m->dw || m->full_symtab)
			continue;
		w.bias = m->dwbias;
		pthread_mutex_lock(&s->dw_lock);
		while (!w.stop && !w.err && src_unit_next(m, &it, false, &cu))
			dwarf_getfuncs(&cu, func_die_cb, &w, 0);
		pthread_mutex_unlock(&s->dw_lock);
	}
	free(w.seen);
	return w.err ? w.err : w.count;
}

int hs_src_function_signature(struct hs_src *s, uint64_t entry, char *buf, size_t cap)
{
	struct hs_src_loc loc;

	if (hs_src_lookup(s, entry, &loc) || !loc.function || loc.func_start != entry)
		return -ENOENT;
	/* C++: the demangled symbol ("int add<int>(int, int)", gdb prints it
	 * without the return type); C: the frame name */
	if (loc.linkage_name && !strncmp(loc.linkage_name, "_Z", 2) && loc.signature) {
		char *clone;

		snprintf(buf, cap, "%s", src_sig_name(loc.signature));
		/* gcc's clone (_ZNK1X4sizeEv.isra.0) has DWARF of the
		 * function it copies, whose name gdb shows: "X::size() const",
		 * not the symbol's "... [clone .isra.0]" */
		if (loc.file && (clone = strstr(buf, " [clone .")))
			*clone = 0;
	} else {
		snprintf(buf, cap, "%s", loc.function);
	}
	return 0;
}

int hs_src_demangled_signature(const char *mangled, char *buf, size_t cap)
{
	char *d = src_demangle(mangled);

	if (!d)
		return -EINVAL;
	snprintf(buf, cap, "%s", src_sig_name(d));
	free(d);
	return 0;
}

int hs_src_function_names(struct hs_src *s, uint64_t entry, hs_src_name_fn cb, void *ctx)
{
	struct src_mod *m;
	struct hs_src_loc loc;
	const struct src_sym *f;
	size_t lo;
	bool dwarf;
	int r = 0;

	if (!s || !cb || !s->finished || !(m = src_mod_find(s, entry)))
		return s && cb ? 0 : -EINVAL;
	if (hs_src_lookup(s, entry, &loc) == 0 && loc.break_name && loc.func_start == entry &&
	    (r = cb(ctx, loc.break_name, false)))
		return r;
	if (!(f = src_sym_find(m, entry)) || f->addr != entry)
		return 0;
	/* gdb's `break` on an ifunc's name goes to the function the resolver
	 * returns, unless DWARF makes the resolver a function of its own */
	dwarf = src_dwarf_entry_name(s, m, entry) != NULL;
	/* the first symbol at entry: the ones there are side by side */
	for (lo = (size_t)(f - m->syms); lo > 0 && m->syms[lo - 1].addr == entry; lo--)
		;
	for (; lo < m->n_syms && m->syms[lo].addr == entry && !r; lo++) {
		const struct src_sym *y = &m->syms[lo];
		size_t k = src_unversioned_len(y->name);
		char *plain;

		if (y->dname) {
			r = cb(ctx, SRC_SYM_BNAME(y), false);
			continue;
		}
		if (y->mname && (r = cb(ctx, y->mname, false)))
			break;
		if (!y->name[k]) {
			r = cb(ctx, y->name, y->ifunc && !dwarf);
			continue;
		}
		if (!(plain = strndup(y->name, k)))
			return -ENOMEM;
		r = cb(ctx, plain, y->ifunc && !dwarf);
		free(plain);
	}
	return r;
}

/* ---- source files ------------------------------------------------------------ */

int hs_src_source_files(struct hs_src *s, hs_src_file_fn cb, void *ctx)
{
	uint32_t i;
	int r;

	if (!s || !cb || !s->finished)
		return -EINVAL;
	for (i = 0; i < s->n_files; i++) {
		/* "<built-in>" and the like are no files */
		if (strchr(s->files[i], '<'))
			continue;
		r = cb(ctx, s->files[i]);
		if (r)
			return r < 0 ? r : 0;
	}
	return 0;
}

static bool is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int hs_src_source_find(struct hs_src *s, const char *dwarf_path,
		       char **disk_path)
{
	const char *suffix[64];
	size_t n = 0, k, d;
	const char *p;
	char *cand;

	if (!s || !dwarf_path || !*dwarf_path || !disk_path)
		return -EINVAL;
	*disk_path = NULL;
	if ((*disk_path = src_packed(s, dwarf_path)))
		return 0;
	if (is_regular(dwarf_path)) {
		*disk_path = strdup(dwarf_path);
		return *disk_path ? 0 : -ENOMEM;
	}
	/* suffix[k]: the path from its k-th component on, longest first */
	for (p = dwarf_path; *p && n < 64;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		suffix[n++] = p;
		p = strchr(p, '/');
		if (!p)
			break;
	}
	for (k = 0; k < n; k++) {
		/* ".." components cannot match inside a folder */
		if (!strncmp(suffix[k], "../", 3))
			continue;
		for (d = 0; d < s->n_source_dirs; d++) {
			if (asprintf(&cand, "%s/%s", s->source_dirs[d], suffix[k]) < 0)
				return -ENOMEM;
			if (is_regular(cand)) {
				*disk_path = cand;
				return 0;
			}
			free(cand);
		}
	}
	return -ENOENT;
}
