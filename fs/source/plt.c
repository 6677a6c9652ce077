/* plt.c - fs/source: synthetic "name@plt" symbols for PLT stubs.
 *
 * No symbol table names the stubs of .plt, .plt.sec and .plt.got, so an
 * address in one would otherwise fall to the symbol before it ("_init+0x70").
 * gdb and objdump (bfd's elf_x86_64_get_synthetic_symtab) name each stub
 * after the relocation of the GOT slot its indirect jump goes through:
 * R_X86_64_JUMP_SLOT in .rela.plt (lazy and -z now binding), and
 * R_X86_64_GLOB_DAT in .rela.dyn for .plt.got stubs, and an ifunc's
 * R_X86_64_IRELATIVE as "*ABS*+0xADDEND@plt".  We do the same: a
 * stub is an entry of the section (16 bytes, or sh_entsize) holding a
 * `jmp *disp(%rip)` (ff 25, maybe after a bnd prefix f2), whose slot a
 * relocation names.  PLT0 and lazy IBT .plt entries (push; jmp PLT0) have
 * no such jump and get no symbol, as in gdb.  bfd makes these symbols
 * only for a file with dynamic symbols: a static executable's stubs (its
 * IRELATIVE ones) have none in gdb, and are marked nameless here.
 */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_i.h"
#include "hindsight/util.h"

struct got_name {
	uint64_t slot;      /* ELF address of the GOT slot */
	const char *name;   /* borrowed from libelf; NULL: abs */
	char abs[32];       /* an IRELATIVE slot: "*ABS*+0xADDEND" as bfd */
};

struct plt_scan {
	struct got_name *v;
	size_t n, cap;
};

static int got_push(struct plt_scan *ps, uint64_t slot, const char *name)
{
	if (hs_grow((void **)&ps->v, &ps->cap, ps->n + 1, sizeof(*ps->v)))
		return -ENOMEM;
	ps->v[ps->n].slot = slot;
	ps->v[ps->n].name = name;
	ps->v[ps->n].abs[0] = 0;
	ps->n++;
	return 0;
}

/* The symbol names of the JUMP_SLOT and GLOB_DAT relocations of one
 * SHT_RELA section. */
static int scan_rela(Elf *elf, Elf_Scn *scn, GElf_Shdr *sh, struct plt_scan *ps)
{
	Elf_Data *d = elf_getdata(scn, NULL), *sd;
	Elf_Scn *symscn = elf_getscn(elf, sh->sh_link);
	GElf_Shdr ssh;
	size_t i, n;
	int ret;

	if (!d || !symscn || !gelf_getshdr(symscn, &ssh) || !sh->sh_entsize)
		return 0;
	sd = elf_getdata(symscn, NULL);
	if (!sd)
		return 0;
	n = sh->sh_size / sh->sh_entsize;
	for (i = 0; i < n; i++) {
		GElf_Rela r;
		GElf_Sym sym;
		const char *name;
		unsigned type;

		if (!gelf_getrela(d, (int)i, &r))
			break;
		type = (unsigned)GELF_R_TYPE(r.r_info);
		if (type == R_X86_64_IRELATIVE) {
			/* an ifunc resolved at load: no symbol, objdump and
			 * gdb say "*ABS*+0x9f550@plt" */
			if ((ret = got_push(ps, r.r_offset, NULL)))
				return ret;
			snprintf(ps->v[ps->n - 1].abs, sizeof ps->v[0].abs,
				 "*ABS*+0x%" PRIx64, (uint64_t)r.r_addend);
			continue;
		}
		if (type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT)
			continue;
		if (!GELF_R_SYM(r.r_info) || !gelf_getsym(sd, (int)GELF_R_SYM(r.r_info), &sym))
			continue;
		name = elf_strptr(elf, ssh.sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		if (type == R_X86_64_GLOB_DAT && GELF_ST_TYPE(sym.st_info) != STT_FUNC &&
		    GELF_ST_TYPE(sym.st_info) != STT_NOTYPE)
			continue;
		if ((ret = got_push(ps, r.r_offset, name)))
			return ret;
	}
	return 0;
}

static const char *got_lookup(const struct plt_scan *ps, uint64_t slot)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (ps->v[i].slot == slot)
			return ps->v[i].name ? ps->v[i].name : ps->v[i].abs;
	return NULL;
}

/* "name@plt", C++ names demangled as gdb shows them; caller frees. */
static char *plt_name(const char *name)
{
	char *dem = src_demangle(name), *out = NULL;

	if (asprintf(&out, "%s@plt", dem ? dem : name) < 0)
		out = NULL;
	free(dem);
	return out;
}

/* Has elf dynamic symbols (more than .dynsym's null one)? */
static bool has_dynsyms(Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_DYNSYM && sh.sh_entsize &&
		    sh.sh_size / sh.sh_entsize > 1)
			return true;
	return false;
}

/* The stubs of one PLT section: appended to *out (grown as needed). */
static int scan_plt(Elf_Scn *scn, GElf_Shdr *sh, uint64_t bias,
		    const struct plt_scan *ps, struct src_sym **out, size_t *n,
		    size_t *cap, bool nameless)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	uint64_t es = sh->sh_entsize >= 8 ? sh->sh_entsize : 16, e;

	if (!d || !d->d_buf || d->d_size < sh->sh_size)
		return 0;
	for (e = 0; e + es <= sh->sh_size; e += es) {
		const uint8_t *p = (const uint8_t *)d->d_buf + e;
		const char *name = NULL;
		uint64_t k;

		for (k = 0; k + 6 <= es && !name; k++) {
			int32_t disp;

			if (p[k] != 0xff || p[k + 1] != 0x25)
				continue;
			memcpy(&disp, p + k + 2, 4);
			name = got_lookup(ps, sh->sh_addr + e + k + 6 + (int64_t)disp);
		}
		if (!name)
			continue;
		if (hs_grow((void **)out, cap, *n + 1, sizeof(**out)))
			return -ENOMEM;
		memset(&(*out)[*n], 0, sizeof **out);
		(*out)[*n].dname = plt_name(name);
		if (!(*out)[*n].dname)
			return -ENOMEM;
		(*out)[*n].name = (*out)[*n].dname;
		(*out)[*n].addr = sh->sh_addr + e + bias;
		(*out)[*n].size = es;
		(*out)[*n].rank = 2;
		(*out)[*n].nameless = nameless;
		(*n)++;
	}
	return 0;
}

int src_plt_syms(Elf *elf, uint64_t bias, struct src_sym **out, size_t *n)
{
	struct plt_scan ps = { 0 };
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstrndx, cap = 0;
	int ret = 0;

	*out = NULL;
	*n = 0;
	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		return 0;
	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_RELA &&
		    (ret = scan_rela(elf, scn, &sh, &ps)))
			goto out;
	if (!ps.n)
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *sname;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
			continue;
		sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!sname || (strcmp(sname, ".plt") && strcmp(sname, ".plt.sec") &&
			       strcmp(sname, ".plt.got")))
			continue;
		if ((ret = scan_plt(scn, &sh, bias, &ps, out, n, &cap, !has_dynsyms(elf))))
			goto out;
	}
out:
	free(ps.v);
	if (ret) {
		for (size_t i = 0; i < *n; i++)
			free((*out)[i].dname);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ret;
}
