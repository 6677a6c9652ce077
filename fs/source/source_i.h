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
	uint8_t prologue_end; /* DWARF's flag (clang sets it; gcc 12 does not) */
	uint8_t more;         /* m->more holds other statement rows of addr */
	/* a row of line 0 that ends no sequence: gdb 13 ignores it
	 * (dwarf2/read.c, record_line: `!end_sequence && m_line == 0`), so
	 * its code is the previous row's line; only rows_dedup sees it */
	uint8_t zero;
	/* the end of gdb's find_pc_line range at addr (linerange.c), past
	 * the next row where gdb's per-file tables say so; 0: the next row */
	uint64_t end;
};

/* ---- gdb's line ranges (linerange.c) ------------------------------------
 * src_lt_cu_ends appends to out the end of gdb's find_pc_line range at
 * every address where one of the CU's per-file tables has an entry (only
 * where it finds a line); src_lt_apply sets the module's rows' end from
 * all its CUs' ends, and frees them.  src_lt_section finds .debug_line
 * (borrowed from dw's Elf).  Errors: -ENOMEM, -EBADMSG (a malformed
 * program), -ENOENT (no .debug_line). */
struct src_lt_cu {
	const uint8_t *sec;       /* .debug_line */
	size_t sec_size;
	uint64_t off;             /* the CU's DW_AT_stmt_list */
	const uint32_t *file_ids; /* the program's file number -> file id
				   * (UINT32_MAX: none), n_files of them */
	size_t n_files;
	uint32_t main_file;       /* the CU's own file (its DW_AT_name) */
	uint64_t bias;            /* DWARF address -> absolute */
	uint64_t low;             /* the CU's lowest address, as in DWARF */
	uint64_t end;             /* its highest (absolute): gdb's last resort */
};
struct src_lt_end {
	uint64_t addr, end;
};
struct src_lt_ends {
	struct src_lt_end *v;
	size_t n, cap;
};
int src_lt_cu_ends(const struct src_lt_cu *cu, struct src_lt_ends *out);
int src_lt_section(Dwarf *dw, const uint8_t **sec, size_t *size);
void src_lt_apply(struct src_row *rows, size_t n, struct src_lt_ends *ends);

/* One function symbol, absolute address. */
struct src_sym {
	uint64_t addr, size;
	const char *name;   /* borrowed from libelf: valid until dwfl_end */
	int rank;           /* binding preference: global 0, weak 1, local 2 */
	/* C++ (names.c): the demangled signature and the break name, owned
	 * (freed by hs_src_free); NULL for a name that is not mangled */
	char *dname, *bname;
	/* gdb's frame name (with debug info) where it is not bname, owned
	 * (NULL: bname): DWARF gives the function's linkage name (a global
	 * or weak symbol; every symbol under clang) and gdb names the frame
	 * by it, demangled (src_frame_name): a lambda's or a local class's
	 * function by its whole signature (in a function defined in its
	 * class or inline: "K::in_class(int)::{lambda(int)#1}::operator()
	 * (int) const"), clang's "main::$_0::operator()" */
	char *fname;
	/* gdb's print name of a minimal symbol where it is not the symbol
	 * (src_minsym_name: "msort_with_tmp.part" for msort_with_tmp.part.0),
	 * owned; NULL: the symbol */
	char *mname;
	bool ifunc;         /* STT_GNU_IFUNC: the function is its resolver */
	/* a PLT stub of a file without dynamic symbols (a static binary's
	 * IRELATIVE stubs): bfd gives gdb no name for it, and gdb shows
	 * "?? ()" there; it stays a symbol (a stub: calls go through it) */
	bool nameless;
	uint64_t sec_end;   /* the end of its section (absolute), 0: unknown */
};
/* The name gdb shows for sym in <sym+off> and for a frame without debug
 * info (signature), and its break name (the frame name with debug info). */
#define SRC_SYM_DNAME(sym) ((sym)->dname ? (sym)->dname : (sym)->name)
/* gdb's print name of a minimal symbol (<sym+off> of a data address) */
#define SRC_SYM_PNAME(sym) ((sym)->dname ? (sym)->dname : (sym)->mname ? (sym)->mname : (sym)->name)
#define SRC_SYM_BNAME(sym) ((sym)->bname ? (sym)->bname : SRC_SYM_DNAME(sym))

struct src_cu_range;

/* A skeleton unit's split unit (-gsplit-dwarf). */
struct src_split {
	Dwarf_Off skeleton;     /* the skeleton's DIE in m->dw */
	Dwarf *dw;              /* the .dwo file's (libdw's) */
	Dwarf_Die unit;         /* its unit DIE */
};

struct src_mod {
	struct hs_src_module pub;
	Dwfl_Module *dm;    /* NULL when the file could not be opened */
	Dwarf *dw;          /* NULL without (usable) DWARF */
	Dwarf_Addr dwbias;
	struct src_row *rows;   /* sorted by addr, one per address */
	size_t n_rows;
	/* the statement rows of other lines that rows_dedup dropped (gdb's
	 * `break FILE:LINE` finds them: hs_src_stmt_lines_at), by addr */
	struct src_row *more;
	size_t n_more, cap_more;
	struct src_sym *syms;   /* function symbols, sorted by addr */
	size_t n_syms;
	struct src_sym *objs;   /* data symbols with a size, sorted by addr */
	size_t n_objs;
	bool full_symtab;       /* a .symtab (not only .dynsym): every
				 * function with code has a symbol */
	/* inline.c: where inlined copies are, loaded on first use under
	 * dw_lock (inl_done set after, release); NULL: none */
	struct src_inl_map *inl;
	int inl_done;
	/* cu_lookup.c: the ranges of the CUs .debug_aranges does not name,
	 * built on first need (src_cu_at) */
	struct src_cu_range *cu_ranges;
	size_t n_cu_ranges;
	bool cu_ranges_done;
	/* units.c: the split units (.dwo files) of the skeleton units, in
	 * the order of the skeletons (src_units_load) */
	struct src_split *splits;
	size_t n_splits, cap_splits;
	char problem[256];
};

struct src_map {
	char *path;
	uint64_t start, end, offset;
	uint32_t prot;
};

struct src_tdef {
	char *name;        /* qualified, as src_qualified_name writes it */
	char kind;         /* 's' struct or class, 'u' union */
	Dwarf *from;       /* the file of the declaration */
	Dwarf *dw;         /* where the definition is, NULL: none */
	Dwarf_Off off;     /* its DIE (src_die_ref) */
};

struct hs_src {
	char **source_dirs;
	size_t n_source_dirs;
	char *pack_dir;           /* TRACE/pack, or NULL (not packed) */
	char *debuginfo_path;     /* libdwfl's search path (cb.debuginfo_path) */
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

	/* C++ names of DWARF-only functions (hs_src_lookup without a
	 * symbol), interned under dw_lock; freed by hs_src_free */
	char **dnames;
	size_t n_dnames, cap_dnames;

	/* format.c: where the definition of a class DWARF only declares
	 * was found (dw NULL: nowhere), by qualified name, kind and the
	 * declaring file; under dw_lock; freed by hs_src_free */
	struct src_tdef *tdefs;
	size_t n_tdefs, cap_tdefs;

	/* global names for C expressions (cexpr_names.c), built once under
	 * dw_lock on first use; freed by hs_src_free */
	struct src_names *cx_names;
	bool cx_names_done;

	/* hs_src_block_at's answers by address (direct-mapped, addr + 1: 0
	 * empty), under dw_lock: the builder asks for the same rows' blocks
	 * again and again, and each answer walks a CU (dwarf_getscopes) */
	struct src_block_memo { uint64_t addr1, id; } *block_memo;

	/* hs_src_locations_valid's answers by CU (DIE offset), under dw_lock */
	struct src_cu_valid { const struct src_mod *m; uint64_t cu; bool valid; } *cu_valid;
	size_t n_cu_valid, cap_cu_valid;

	/* interned source file names: ids are indexes */
	char **files;
	uint32_t n_files, cap_files;
	uint32_t *file_hash;      /* open addressing: id + 1, 0 empty */
	uint32_t hash_cap;
};

/* The CU DIE of m holding addr and its bias, as dwfl_module_addrdie's
 * (which finds only CUs that .debug_aranges names: clang emits none by
 * default), else from the CUs' own address ranges; NULL when no CU holds
 * addr.  Under dw_lock (or in hs_src_finish): it fills a per-module cache
 * (cu_lookup.c). */
Dwarf_Die *src_cu_at(const struct src_mod *m, uint64_t addr, Dwarf_Addr *bias);
/* The out-of-line function DIE whose code starts at the runtime address a
 * (dwarf_getscopes would go from an inlined copy at a into the abstract
 * function's scopes, not to the function holding it); under dw_lock
 * (callsite.c). */
bool src_func_at(const struct src_mod *m, uint64_t a, Dwarf_Die *out);
void src_cu_ranges_free(struct src_mod *m);

/* units.c: type units and split units (.dwo files).  src_units_load
 * finds m's split units (m->dm's DWARF's): 0 or -ENOMEM. */
int src_units_load(struct src_mod *m);
void src_units_free(struct src_mod *m);
/* cu's split unit when cu is a skeleton of m whose .dwo was found, else
 * cu; the pointer is m's (or cu). */
Dwarf_Die *src_split_unit(const struct src_mod *m, Dwarf_Die *cu);
/* A walk over m's units: { 0 } first. */
struct src_unit_iter {
	Dwarf_CU *cu;
	size_t split;           /* 0: m->dw's units, k: m->splits[k - 1]'s */
};
/* The next unit's DIE of m into out, false at the end: each compile unit
 * (a skeleton's split unit in its place), and the type units (the .dwo
 * files' too) when types. */
bool src_unit_next(const struct src_mod *m, struct src_unit_iter *it, bool types,
		   Dwarf_Die *out);
/* A DIE's reference in its own Dwarf (its offset, and whether it is in
 * .debug_types) and back. */
Dwarf_Off src_die_ref(Dwarf_Die *d);
bool src_ref_die(Dwarf *dw, Dwarf_Off ref, Dwarf_Die *out);
/* A DIE of m (of its DWARF or of a .dwo file) as a key, and back: the
 * offset for a DIE in m->dw's .debug_info, else with high bits set
 * (src_unit_key: those bits of d's unit, the same for every DIE in it). */
Dwarf_Off src_die_key(const struct src_mod *m, Dwarf_Die *d);
Dwarf_Off src_unit_key(const struct src_mod *m, Dwarf_Die *d);
bool src_key_die(const struct src_mod *m, Dwarf_Off key, Dwarf_Die *out);
/* The module whose DWARF (or .dwo file) dw is, NULL: none. */
const struct src_mod *src_mod_of_dwarf(const struct hs_src *s, Dwarf *dw);

/* The module holding addr, or NULL. */
struct src_mod *src_mod_find(const struct hs_src *s, uint64_t addr);
/* The row in effect at addr (the last one at or below it), or NULL. */
const struct src_row *src_row_find(const struct src_mod *m, uint64_t addr);

/* dwarf_getscopes, or where it finds no scope in a CU holding pc (libdw
 * fails on some inlined copies' abstract origins), the DIEs holding pc
 * found by a walk, innermost first, the CU last.  Under dw_lock. */
int src_getscopes(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die **scopes);
/* hs_src_format_where() of addr, with pc's address and offset printed (an
 * outer frame's return address; its function and line are addr's). */
int src_format_where_pc(struct hs_src *s, uint64_t addr, uint64_t pc, char *buf, size_t cap);

/* The symbol an address points into, for printing pointers as gdb does
 * ("0x4010 <table+8>"): a data object holding it, else a function.  NULL
 * if none; *off is addr's offset in it. */
const char *src_addr_symbol(const struct hs_src *s, uint64_t addr,
			    uint64_t *off);
/* The name gdb's print gives a pointer to addr, <name+off>: in a C
 * function with DWARF, the function's DWARF name ("__GI_raise" where the
 * symbol says raise), else src_addr_symbol's.  Under dw_lock. */
const char *src_pointer_symbol(struct hs_src *s, uint64_t addr, uint64_t *off);

/* The address of the data object whose symbol (as in the symbol table:
 * mangled in C++) is name, in any module: 0 or -ENOENT. */
int src_obj_address(const struct hs_src *s, const char *name, uint64_t *addr);

/* The synthetic "name@plt" symbols of elf's PLT stubs (plt.c), at
 * address + bias, in *out (caller frees each dname, then *out; a
 * symbol's name is its dname).  0 (none: *n 0) or -ENOMEM. */
int src_plt_syms(Elf *elf, uint64_t bias, struct src_sym **out, size_t *n);

/* The break name of a C++ subprogram or inlined copy (its demangled
 * linkage name without parameters: "Fruit::price"), interned in s->dnames
 * so that it lives as long as the handle; NULL without a linkage name (C)
 * or on ENOMEM.  Called under dw_lock (source.c). */
const char *src_dwarf_cplus_name(struct hs_src *s, Dwarf_Die *die);
/* A C++ die's DW_AT_name qualified by the namespaces and classes that hold
 * it (an inlined copy's: its abstract origin's), as gdb names a frame
 * from DWARF ("std::_Function_handler<int(int), main()::<lambda(int)>
 * >::_M_invoke"); NULL in C or without a name.  Under dw_lock (source.c). */
const char *src_dwarf_scoped_name(struct hs_src *s, Dwarf_Die *die);
/* The interned name of a CU's file f (made absolute with comp_dir as the
 * line tables' names are), NULL when not interned.  Read-only: safe after
 * hs_src_finish() from any thread (source.c). */
const char *src_file_find(const struct hs_src *s, const char *comp_dir, const char *f);

/* The name gdb gives the frame of a function with DWARF (a C one: C++
 * names come from their symbols) whose entry is addr: the subprogram's
 * linkage name, else its name ("__GI_raise" for libc's raise, which an
 * asm label renames); NULL when m has no such subprogram.  Borrowed from
 * libdw, valid until hs_src_free.  Loads m's map of inlined copies on
 * first use (inline.c): never call with dw_lock held. */
const char *src_dwarf_entry_name(struct hs_src *s, struct src_mod *m, uint64_t addr);
/* The name gdb gives a frame of the subprogram or inlined copy die: its
 * linkage name when it has one, else its name (both through its abstract
 * origin or specification); for C, where C++'s demangled names do not
 * apply.  Borrowed from libdw; NULL when it has neither. */
const char *src_dwarf_plain_name(Dwarf_Die *die);

/* The function symbol of m holding addr (source.c), NULL when none. */
const struct src_sym *src_sym_find(const struct src_mod *m, uint64_t addr);

/* The inlined copy of m holding addr (*frame) and the frame gdb shows
 * when a `step` arrives at addr (*hidden: the copies that start at addr
 * hidden), as ids unique in the handle; 0: the real function (inline.c).
 * Lock-free once m's map is loaded (the first call loads it under
 * dw_lock: never call with dw_lock held). */
struct src_inl_map;
void src_inline_at(struct hs_src *s, struct src_mod *m, uint64_t addr, uint64_t *frame,
		   uint64_t *hidden);
void src_inline_map_free(struct src_inl_map *map);  /* accepts NULL */

/* ---- C++ names (names.c) ------------------------------------------------- */

/* gdb's name of a C++ function whose DWARF has no linkage name (main, a
 * static function, a lambda's handler): dwarf2_compute_name's scopes,
 * name and parameter types ("main()", "operator+(V2, V2)",
 * "std::_Function_handler<int(int), main()::<lambda(int)> >::_M_manager(
 * std::_Any_data &, const std::_Any_data &, std::_Manager_operation)"),
 * what gdb's <sym> after a pointer to code says.  Caller frees. */
char *src_cplus_physname(Dwarf_Die *die);

/* The demangled name of a C++ symbol ("_ZNK5Fruit5priceEv" -> "Fruit::price()
 * const"); NULL when name is not mangled.  Caller frees. */
char *src_demangle(const char *name);
/* The break name of a demangled signature: without return type,
 * parameters and qualifiers ("int add<int>(int, int)" -> "add<int>").
 * Caller frees; NULL on ENOMEM. */
char *src_break_name(const char *sig);
/* sig without a template function's return type ("int add<int>(int,
 * int)" -> "add<int>(int, int)"): gdb's name of a location in it, as
 * `info breakpoints` prints it.  Points into sig. */
const char *src_sig_name(const char *sig);
/* Is the name in sig in a function's local scope (a lambda, a local
 * class: "f(int)::{lambda(int)#1}::operator()(int) const")? */
bool src_name_local(const char *sig);
/* Does gdb's bt show a frame of sig (with debug info, DWARF naming its
 * linkage name) by the whole signature without return type
 * (src_sig_name), its C++ name parser failing on the name: a lambda's
 * "{lambda(int)#1}" (also in template arguments), a function's local
 * scope "f(int)::", operator<=> or operator"" ("std::operator<=><char,
 * ...>(...)", "operator"" _km(unsigned long long)")? */
bool src_name_unparsed(const char *sig);
/* gdb's frame name of a function whose DWARF names its linkage name sig
 * (demangled): the signature without return type where gdb's parser
 * fails on it (src_name_unparsed), else without its parameters too
 * ("main::$_2::operator()", "std::operator< <char, ...>").  Caller frees;
 * NULL on ENOMEM. */
char *src_frame_name(const char *sig);
/* The name gdb 13 computes for the C++ function die when DWARF gives no
 * linkage name (g++'s functions without linkage), with its parameters as
 * gdb's type printer writes them: "std::__invoke_impl<int, main(int,
 * char**)::<lambda(int, int)>&, int, int>(std::__invoke_other, struct
 * {...} &)".  Caller frees; NULL without a name or on ENOMEM. */
char *src_dwarf_computed_name(Dwarf_Die *die);
/* The name gdb gives a frame of the function or inlined copy die (C++):
 * the demangled linkage name where it is in a function's local scope,
 * else its break name; NULL without a linkage name.  Interned in s. */
const char *src_dwarf_frame_name(struct hs_src *s, Dwarf_Die *die);
/* The break name of sig, interned in s (takes dw_lock: not under it). */
const char *src_intern_break(struct hs_src *s, const char *sig);
/* gdb's print name of the minimal symbol name when it is not the name
 * itself, else NULL (caller frees): gdb's ada_decode, which it applies to
 * every symbol no other language claims ("msort_with_tmp.part.0" ->
 * "msort_with_tmp.part", "f.cold" -> "f[cold]", clang's "bump.calls" ->
 * "bump[calls]"; not "__pthread_kill_implementation.constprop.0", which
 * starts with '_', nor gcc's "Counter.5": names.c). */
char *src_minsym_name(const char *name);
/* The length of name without a symbol version ("memcpy@@GLIBC_2.14",
 * "pthread_cond_wait@GLIBC_2.2.5"): gdb also knows such a symbol by its
 * name without version. */
size_t src_unversioned_len(const char *name);
/* Whether what a user types to gdb's `break` names sym: its symbol, its
 * break name or signature (spaces as gdb ignores them), wildly (a name
 * matches every scope's function of that name) and with or without
 * template arguments. */
bool src_sym_matches(const struct src_sym *sym, const char *query);

struct src_names;
void src_names_free(struct src_names *nm); /* accepts NULL */

/* Warning line through the user's callback (printf-like). */
void src_warn(struct hs_src *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- variables (locals.c, expr.c, format.c) ------------------------------ */

#define SRC_MAX_DEPTH 20    /* nesting of struct/array values shown (gdb's
			     * `print max-depth` default) */
#define SRC_MAX_ELEMS 200   /* elements and string chars shown */

/* A value is either in target memory (read lazily: arrays can be big) or
 * in a byte buffer (registers, implicit values, pieces).  valid[] marks
 * buffer bytes that are known (pieces can leave holes). */
#define SRC_VBUF_MAX 256
struct src_vsrc {
	bool in_mem;
	uint64_t addr;
	uint8_t bytes[SRC_VBUF_MAX];
	uint8_t valid[SRC_VBUF_MAX];
	size_t size;
	bool pieces;        /* composed of DW_OP_pieces, size bytes in all */
};

/* Target memory is read a page at a time and kept for the duration of
 * one hs_src_locals() call: formatting reads many small pieces (members,
 * elements, string bytes) and each target read can be costly (the
 * database reconstructs memory at t). */
#define SRC_PAGE 4096u
#define SRC_NPAGES 64
struct src_page {
	uint64_t addr;      /* page address; UINT64_MAX: empty slot */
	size_t len;         /* bytes readable from addr (short near a hole) */
	uint8_t data[SRC_PAGE];
};

struct src_sbuf;

struct src_ctx {
	struct hs_src *s;
	const struct hs_src_target *tg;
	struct src_page *pages; /* SRC_NPAGES slots, direct mapped */
	const struct hs_trace_regs *regs; /* this frame's registers */
	uint32_t invalid;   /* DWARF registers 0-16 not known in this frame */
	uint64_t pc;        /* where to look things up: rip, or in a caller
			     * frame the return address - 1 (the call) */
	struct src_mod *m;
	Dwarf_Addr bias;        /* DWARF address + bias = runtime address */
	Dwarf_Die *func;        /* the innermost subprogram (for fbreg) */
	/* format.c, per value: addresses of the C++ static members of class
	 * type being printed (gdb's dont_print_statmem stack: a class's
	 * static member of its own type prints once, then "<same as static
	 * member of an already seen type>") */
	uint64_t statmem[32];
	int n_statmem;
	bool statmem_top;       /* the next struct is a static member's */
	/* gdb's pretty printers (cexpr_std.c), for /api/eval and eval/ only:
	 * a class value's text into b, or -ENOENT for the raw {...} text
	 * (locals/ leaves it NULL: gdb's print without pretty printers) */
	int (*pretty)(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v,
		      uint64_t off, int depth, struct src_sbuf *b);
	/* gdb's default print settings, for /api/eval and eval/ only:
	 * `print null-stop off` (a char array to its end, NULs and all)
	 * and `print repeats 10` (runs of more than 10 equal elements as
	 * "<repeats N times>"); locals/ leaves it false (source.h) */
	bool gdb_print;
	/* the gdb error of the last src_eval_ops that returned -EDOM (a
	 * static string: SRC_ERR_*) */
	const char *expr_err;
	/* gdb's print/FMT letter for eval/'s "/x expr" (0: none): scalars
	 * print as format_letter.c says, char arrays as numbers too */
	char fmt;
};

/* Like tg->read_mem, through the page cache: the bytes read (short at
 * unreadable memory), or -EIO when none. */
ssize_t src_ctx_read(const struct src_ctx *c, uint64_t addr, void *out, size_t len);
/* gdb reads a whole value (up to its max-value-size, 64 KiB) before it
 * prints any of it: 0 when the size bytes at addr are readable, else -EIO
 * and *bad the first byte that is not (gdb's "Cannot access memory at
 * address" address). */
#define SRC_VALUE_READ_MAX 65536
int src_ctx_unreadable(const struct src_ctx *c, uint64_t addr, uint64_t size, uint64_t *bad);
/* Reads len bytes at off of the value: 0, or -EIO. */
int src_vread(const struct src_ctx *c, const struct src_vsrc *v, uint64_t off,
	      void *out, size_t len);
/* cexpr_tls.c: the start of the thread-local block of module c->m in the
 * thread whose registers are c->regs (its fs_base), as libthread_db
 * finds it: 0; -ENOENT: no link_map list or module there; -ENODATA: no
 * block (not allocated yet); -EIO: unreadable memory. */
int src_tls_block(const struct src_ctx *c, uint64_t *out);
/* frame.c: x87 register st(i) as gdb reads it: Valgrind's double (VEX
 * keeps x87 values as doubles), widened to the 10 bytes of a long double
 * at out. */
void src_x87_st(const struct hs_trace_regs *r, unsigned i, uint8_t *out);
/* expr_typed.c: a value of the DWARF expression stack and its base type,
 * as gdb's (see there). */
enum src_tv_kind { SRC_TV_GENERIC, SRC_TV_SIGNED, SRC_TV_UNSIGNED, SRC_TV_BOOL, SRC_TV_FLOAT };
struct src_tval {
	uint8_t b[16];      /* the value's bytes, little-endian: size of them */
	uint8_t size;       /* the type's: 8 for the generic type */
	uint8_t kind;       /* enum src_tv_kind */
	uint8_t quad;       /* a 16-byte float that is IEEE quad (_Float128),
			     * not the x87's long double */
};
/* gdb's errors in an expression's arithmetic (src_tv_*: -E2BIG, -EPROTO),
 * which gdb's info locals shows as "<error reading variable x (MSG)>"
 * and print as the message (expr.c keeps it in src_ctx.expr_err and
 * returns -EDOM) */
#define SRC_ERR_WIDE_INT "That operation is not available on integers of more than 8 bytes."
#define SRC_ERR_TYPES "Incompatible types on DWARF stack"
/* v as a value of the generic type. */
void src_tv_generic(struct src_tval *t, uint64_t v);
/* *t of base type DIE type, value 0: 0, or -ENODATA (not a base type, or
 * one not evaluated). */
int src_tv_of_die(Dwarf_Die *type, struct src_tval *t);
bool src_tv_integral(const struct src_tval *t);
/* The value's bytes as an unsigned number (gdb's fetch_address). */
uint64_t src_tv_u64(const struct src_tval *t);
/* DW_OP_convert, DW_OP_reinterpret to to's type; the unary and binary
 * operations of at (*a becomes the result): 0, -ENODATA, or gdb's
 * errors: -E2BIG (SRC_ERR_WIDE_INT: __int128 arithmetic), -EPROTO
 * (SRC_ERR_TYPES). */
int src_tv_convert(struct src_tval *t, const struct src_tval *to);
int src_tv_reinterpret(struct src_tval *t, const struct src_tval *to);
int src_tv_unary(uint8_t at, struct src_tval *t, uint64_t number);
int src_tv_binary(uint8_t at, struct src_tval *a, const struct src_tval *b);
/* Evaluates a DWARF location description (ops, from attr, which may be
 * NULL) into res, for an object of size bytes.  0; -ENODATA: optimized
 * out or not evaluable; -EIO: memory it needed was unreadable; -EDOM:
 * gdb's evaluation fails with the error c->expr_err. */
int src_eval_ops(struct src_ctx *c, Dwarf_Attribute *attr, const Dwarf_Op *ops,
		 size_t n, struct src_vsrc *res, size_t size, int depth);
/* DW_OP_entry_value(DW_OP_regN) (expr.c): the value DWARF register regno
 * had when c's function was entered, from its caller's call-site
 * parameters (through a unique chain of tail calls, as gdb's
 * dwarf_expr_reg_to_entry_parameter): 0 or -ENODATA. */
int src_entry_reg_value(struct src_ctx *c, uint64_t regno, int depth, uint64_t *out);
/* The same at depth 0 for `print x@entry`, with gdb's error text into
 * why (cap bytes; left empty where we have none) when there is no value;
 * fb: gdb's DW_OP_fbreg kind, which no call site's parameter matches
 * here (only the error).  0 or -ENODATA. */
int src_entry_value_why(struct src_ctx *c, uint64_t regno, bool fb, uint64_t *out, char *why,
			size_t cap);
/* locals.c: parameter d's (of type t) value on entry to its function, whose
 * entry is the DWARF address entry (gdb's read_variable_at_entry): 0 with
 * *ev; -ENOENT: no location there (gdb's <optimized out>); -ENODATA with
 * gdb's error in why (possibly empty); -ENOTSUP: a value we do not
 * compute (over 8 bytes, a reference, an array). */
int src_param_entry(struct src_ctx *c, Dwarf_Die *d, Dwarf_Die *t, Dwarf_Addr entry,
		    uint64_t *ev, char *why, size_t cap);
/* callsite.c: the runtime address call site site (of module m, bias)
 * calls, into *at, as gdb's read_call_site_scope finds it (a declared
 * function by its symbol, in m, else in any module of s when s is not
 * NULL): 0; -ENOENT: an indirect call (its DW_AT_call_target, evaluated
 * in the caller, says); -ENODATA: none gdb knows (an origin without an
 * address or a symbol). */
int src_site_target(const struct hs_src *s, const struct src_mod *m, Dwarf_Addr bias,
		    Dwarf_Die *site, uint64_t *at);
/* The unique chain of tail-call sites by which the function at from
 * reaches the function at to (same module): their count, 0 when none
 * or several (gdb then resolves no entry value). */
#define SRC_TAIL_MAX 4
int src_tail_chain(const struct src_mod *m, Dwarf_Addr bias, uint64_t from, uint64_t to,
		   Dwarf_Die chain[SRC_TAIL_MAX]);
/* Whether the function at fn can reach itself by tail calls (gdb's
 * func_verify_no_selftailcall: it then resolves no entry value in it). */
bool src_self_tail_call(const struct src_mod *m, Dwarf_Addr bias, uint64_t fn);
/* The variables (params: the formal parameters) of the block gdb makes of
 * scope (a function, an inlined copy, a lexical block), each to fn in
 * order until fn returns non-zero (what it returns; -ENOMEM): scope's own,
 * those of its lexical blocks that have no address (flattened), then the
 * children of its abstract origin that none of its own stands for (gdb's
 * inherit_abstract_dies: an inlined copy's variables it has no DIE for,
 * <optimized out>).  Under dw_lock (locals.c). */
int src_block_vars(Dwarf_Die *scope, bool params, int (*fn)(void *ctx, Dwarf_Die *d),
		   void *ctx);
/* gdb's dwarf2_find_location_expression: the expression of location attr
 * at DWARF address pc (dwarf_getlocation_addr's answer, *ops borrowed),
 * except at the entry of c->func, where a list's first entry holding pc
 * may be an empty one at pc (gcc's [entry, entry) record of the value at
 * the function's entry: gdb takes it there).  1 found, 0 none, -1 error. */
int src_getlocation(const struct src_ctx *c, Dwarf_Attribute *attr, Dwarf_Addr pc,
		    Dwarf_Op **ops, size_t *nops);
/* The value of variable (or parameter) DIE d of type type (may be NULL)
 * at c->pc into v (locals.c): 0; -ENODATA: optimized out; -EIO: memory
 * its location needed was unreadable. */
int src_var_vsrc(struct src_ctx *c, Dwarf_Die *d, Dwarf_Die *type, struct src_vsrc *v);
/* The frame shown among dwarf_getscopes' *ns scopes (*scopes, malloc'd)
 * once `hide` inlined copies are passed over (struct hs_src_target's
 * hide_inline): the index of its function (a subprogram or an inlined
 * instance; *ns when none) and in *first the index of its innermost
 * block.  Past a copy dwarf_getscopes goes on with the abstract
 * function's scopes, so a hidden copy's containers replace the array
 * (dwarf_getscopes_die).  Under s->dw_lock. */
int src_frame_scope(Dwarf_Die **scopes, int *ns, unsigned hide, int *first);
/* The concrete subprogram whose DW_AT_frame_base the variables of scope
 * f use (gdb: the real function's, for inlined copies too), into *out:
 * in scopes from f on, or, past an inlined copy (dwarf_getscopes goes on
 * with its abstract definition's scopes), among the copy's containers.
 * 0, or -1 when none is known. */
int src_frame_func(Dwarf_Die *scopes, int ns, int f, Dwarf_Die *out);

/* ---- types and text (types.c) ------------------------------------------- */

/* A capped text buffer: text past HS_SRC_VALUE_MAX - 4 bytes is cut and
 * ends in "..." (full is then set and later text is dropped). */
struct src_sbuf {
	char buf[HS_SRC_VALUE_MAX];
	size_t len;
	bool full;
};
void src_sb_put(struct src_sbuf *b, const char *p, size_t n);
void src_sb_str(struct src_sbuf *b, const char *p);
void src_sb_fmt(struct src_sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The DW_AT_type of die (a type unit's type for a stub that names one
 * by signature: src_type_unit). */
bool src_die_type(Dwarf_Die *die, Dwarf_Die *out);
/* units.c: the type that stub t names by DW_AT_signature (in a type
 * unit) into out, true; else false and out is t.  out may be t. */
bool src_type_unit(Dwarf_Die *t, Dwarf_Die *out);
/* t without typedefs and cv-qualifiers into out; false for (const) void. */
bool src_peel(Dwarf_Die *t, Dwarf_Die *out);
/* The byte size of type t, 0 if unknown. */
uint64_t src_type_size(Dwarf_Die *t);
/* IEEE binary128 (_Float128, __float128): gcc knows the C23 name, clang
 * 14 only its own; glibc's headers declare strfromf128 for gcc only. */
#ifdef __FLT128_MAX__
typedef _Float128 src_quad;
#else
typedef __float128 src_quad;
int strfromf128(char *str, size_t n, const char *format, src_quad fp);
#endif

/* gdb's `max-value-size` default: a bigger value is not read ("value
 * requires N bytes, which is more than max-value-size") */
#define SRC_MAX_VALUE_SIZE (64u << 10)
/* A variable-length array's bounds are computed in the thread's bounds
 * frame: c (NULL: none) while values of c's frame are evaluated or
 * printed, under dw_lock; returns the previous one, to put back. */
struct src_ctx *src_bounds_frame(struct src_ctx *c);
/* The element count of subrange DIE r: its constant, or its computed
 * bound (DWARF expression, artificial variable) in the bounds frame.  0,
 * or -ENODATA (no bound: a flexible array member; not computable). */
int src_subrange_count(Dwarf_Die *r, uint64_t *n);
/* Is array type t's length computed (a variable-length array) or
 * unknown (no bound)?  gdb's pointer math refuses a pointer to one. */
bool src_array_dynamic(Dwarf_Die *t);
/* Whether die is in a C++ compile unit (names qualified, no C tags). */
bool src_die_cplus(Dwarf_Die *die);
/* Appends the "a::b::" of the namespaces and classes holding die (with
 * self, die's own name too), as gdb qualifies C++ names. */
void src_scope_prefix(Dwarf_Die *die, bool self, struct src_sbuf *b);
/* Appends die's name, qualified in C++ ("std::allocator<unsigned long>"). */
void src_qualified_name(Dwarf_Die *die, bool cplus, struct src_sbuf *b);
/* The offset of base class inh (a DW_TAG_inheritance) from the object at
 * byte off of v: its constant, or for a virtual base what the object's
 * vtable says (format.c).  0, or -EIO when v is not in memory. */
int src_base_offset(struct src_ctx *c, Dwarf_Die *inh, const struct src_vsrc *v,
		    uint64_t off, uint64_t *out);
/* The C name of type t ("struct account *", "char [16]"; NULL: "void").
 * Caller frees; NULL on ENOMEM. */
char *src_type_name(Dwarf_Die *t);
/* format.c: a virtual method's vtable index (DW_AT_vtable_elem_location). */
bool src_vtable_index(Dwarf_Die *m, uint64_t *idx);
/* format.c: gdb's name of the virtual method in vtable slot voff (an
 * index) of class cls, this adjusted by adj (then in the non-virtual base
 * at that offset): the demangled "Base::f() const"; NULL when none.
 * Caller frees. */
char *src_virtual_method(Dwarf_Die *cls, uint64_t voff, int64_t adj, int depth);
/* A virtual pointer to member function (ptr odd: 1 + the vtable offset)
 * as gdb prints it: "&virtual Base::f() const", or "&virtual table
 * offset 16[, this adjustment 8]" when cls (NULL: unknown) has none. */
void src_virtual_ptmf_text(Dwarf_Die *cls, uint64_t ptr, int64_t adj, struct src_sbuf *b);

/* Appends pointer value p to target type target (NULL: void or unknown)
 * as gdb shows it: 0x..., the symbol it points into, a C string. */
void src_pointer_text(struct src_ctx *c, Dwarf_Die *target, uint64_t p, struct src_sbuf *b);
/* A float (4), double (8) or long double (10 or 16 bytes) as gdb prints
 * it: %g to the type's digits, inf, -nan(0x8000000000000) (format.c). */
void src_float_text(const uint8_t *raw, size_t size, struct src_sbuf *b);
/* Whether a 16-byte floating base type of this name is IEEE quad
 * (__float128, _Float128: gdb's i386_floatformat_for_type), and such a
 * value as gdb prints it. */
bool src_quad_name(const char *name);
void src_quad_text(const uint8_t *raw, struct src_sbuf *b);
/* Whether t is a char type whose arrays print as strings. */
bool src_is_char_type(Dwarf_Die *t);
/* A quoted, escaped C string of n chars, as gdb writes one; ellipsis: it
 * went on past them ("..." after the quote). */
void src_string_text(struct src_sbuf *b, const uint8_t *p, size_t n, bool ellipsis);
/* gdb's text of a whole char array of len chars under `print null-stop
 * off`, `print repeats 10`, `print elements 200`: one trailing NUL
 * dropped, runs of more than 10 equal chars as 'c' <repeats N times>
 * between quoted pieces, "..." when it went on past 200 chars.  more:
 * p is the first len chars of a longer string (gdb's force_ellipses: no
 * NUL dropped, "..." after). */
void src_gdb_string_text(struct src_sbuf *b, const uint8_t *p, size_t len, bool more);
/* The same for chars of w bytes (wchar_t, char16_t, char32_t): prefix
 * ("L", "u", "U") once before the first piece, as gdb writes it. */
void src_gdb_wstring_text(struct src_sbuf *b, const uint8_t *p, size_t len, size_t w,
			  const char *prefix, bool more);
/* A wide char type's width in bytes and gdb's quote prefix; 0 for others. */
size_t src_wide_char_kind(Dwarf_Die *t, const char **prefix);
/* The same run test for other elements: how many of the n elements of
 * esize bytes at off of v, from the first, are equal to it (1 when
 * unreadable or too big to compare). */
uint64_t src_run_length(const struct src_ctx *c, const struct src_vsrc *v, uint64_t off,
			uint64_t esize, uint64_t n);
#define SRC_REPEATS 10  /* gdb's `print repeats` default */
/* After the element at *i of an array printed as gdb does, the first of
 * run equal ones: a run longer than `print repeats` says so, is passed
 * over (*i) and counts as that many elements shown (*shown, against the
 * 200-element limit); else the element counts as one. */
void src_repeats_after(struct src_sbuf *b, uint64_t run, uint64_t *i, uint64_t *shown);
/* A 16-byte integer at raw in decimal, as gdb 13 prints __int128. */
void src_int128_text(struct src_sbuf *b, const uint8_t *raw, bool sign);
/* A char's text between quotes as gdb escapes it: \\n, \\310. */
void src_char_escaped(struct src_sbuf *b, uint8_t ch);
/* format_letter.c: gdb's print/FMT of one scalar of size bytes raw. */
enum src_scalar { SRC_SC_INT, SRC_SC_FLOAT, SRC_SC_PTR, SRC_SC_FUNC };
/* Is f a letter src_fmt_scalar prints (x d u o t z c a)? */
bool src_fmt_letter_ok(char f);
/* Its text into b: 0, or -EINVAL where gdb says "Value can't be converted
 * to integer." (c, a of a function).  sign: the type is signed. */
int src_fmt_scalar(struct src_ctx *c, char f, const uint8_t *raw, size_t size,
		   enum src_scalar k, bool sign, struct src_sbuf *b);
/* The element counts of array type t's dimensions into dims; how many. */
int src_array_bounds(Dwarf_Die *t, uint64_t *dims, int max);
/* The text of dimensions dim.. of multi-dimensional array type t (the
 * value v is one element of dimension dim - 1): "{10, 11, 12, 13}". */
char *src_subarray_text(struct src_ctx *c, Dwarf_Die *t, int dim, const struct src_vsrc *v);
/* The text of the value v of type t (format: source.h).  Caller frees;
 * NULL on ENOMEM. */
char *src_value_text(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v);
/* Appends the text of the value at byte off of v, of type t, nested
 * depth levels deep (a container's element, cexpr_std.c). */
void src_fmt_value(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v, uint64_t off,
		   int depth, struct src_sbuf *b);

#endif
