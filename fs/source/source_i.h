/* source_i.h - fs/source internals shared by its files (not a public API).
 *
 * Design.  hs_src_finish() does all the loading, under no lock, on one
 * thread: it reports every module to libdwfl, copies each module's
 * function symbols and line-table rows into plain sorted arrays, and
 * interns every source file name.  After that those arrays never change,
 * so symbol and line questions (hs_src_lookup, hs_src_line_info, the
 * builder's hot path) are lock-free binary searches.  Only the variable
 * code walks DIEs through libdw, which is not thread-safe: it holds
 * s->dw_lock.
 */
#ifndef HS_SOURCE_I_H
#define HS_SOURCE_I_H

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <pthread.h>

#include "hindsight/source.h"

/* One line-table row, absolute address. */
struct src_row {
	uint64_t addr;
	uint32_t file_id;
	uint32_t line;      /* 0 for an end-of-sequence row: no line here */
	uint16_t column;
	uint8_t is_stmt;
	uint8_t prologue;
};

/* One function symbol, absolute address. */
struct src_sym {
	uint64_t addr, size;
	const char *name;   /* borrowed from libelf: valid until dwfl_end */
	int rank;           /* binding preference: global 0, weak 1, local 2 */
};

struct src_mod {
	struct hs_src_module pub;
	Dwfl_Module *dm;    /* NULL when the file could not be opened */
	Dwarf *dw;          /* NULL without (usable) DWARF */
	Dwarf_Addr dwbias;
	struct src_row *rows;   /* sorted by addr, one per address */
	size_t n_rows;
	struct src_sym *syms;   /* function symbols, sorted by addr */
	size_t n_syms;
	struct src_sym *objs;   /* data symbols with a size, sorted by addr */
	size_t n_objs;
	bool full_symtab;       /* a .symtab (not only .dynsym): every
				 * function with code has a symbol */
	char problem[256];
};

struct src_map {
	char *path;
	uint64_t start, end, offset;
	uint32_t prot;
};

struct hs_src {
	char **source_dirs;
	size_t n_source_dirs;
	hs_src_warn_fn warn;
	void *warn_ctx;

	struct src_map *maps;
	size_t n_maps, cap_maps;
	bool finished;

	Dwfl *dwfl;
	Dwfl_Callbacks cb;
	pthread_mutex_t dw_lock;  /* every libdw/libdwfl call after finish */

	struct src_mod *mods;     /* sorted by pub.start, no overlaps */
	size_t n_mods;

	/* interned source file names: ids are indexes */
	char **files;
	uint32_t n_files, cap_files;
	uint32_t *file_hash;      /* open addressing: id + 1, 0 empty */
	uint32_t hash_cap;
};

/* The module holding addr, or NULL. */
struct src_mod *src_mod_find(const struct hs_src *s, uint64_t addr);
/* The row in effect at addr (the last one at or below it), or NULL. */
const struct src_row *src_row_find(const struct src_mod *m, uint64_t addr);

/* The symbol an address points into, for printing pointers as gdb does
 * ("0x4010 <table+8>"): a data object holding it, else a function.  NULL
 * if none; *off is addr's offset in it. */
const char *src_addr_symbol(const struct hs_src *s, uint64_t addr,
			    uint64_t *off);

/* Warning line through the user's callback (printf-like). */
void src_warn(struct hs_src *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
