/* source.h - debug information of a recorded process image: symbols,
 * line tables, source files and variables.
 *
 * Owner: fs/source (libhssource.a), built on elfutils' libdw/libdwfl.
 * Users: builder/db (the lines index: which instruction starts a line),
 * fs/tree (where, backtrace, locals, calls/, lines/, sources/), the HTTP
 * server through the tree.
 *
 * It knows nothing of the database or the trace: the caller describes the
 * ELF files that were mapped (hs_src_add_mapping, from the recording's map
 * events) and, for variables, supplies registers and memory through a
 * struct hs_src_target.  So the builder (from trace events) and the query
 * side (from the database) can both use it.
 *
 * Modules.  One module per ELF file mapped executable, at the load bias
 * its mappings imply.  Symbols come from .symtab, else .dynsym, plus
 * gdb's synthetic "name@plt" ones for PLT stubs (from the relocations of
 * their GOT slots); C++ names are demangled as gdb spells them.  Lines,
 * functions and variables from DWARF (the file itself, or a separate
 * debug file found by build-id under /usr/lib/debug, as gdb does).  A file
 * that is missing, not ELF, or whose DWARF is corrupt is kept as a module
 * without that information, and one warning line (naming the file and
 * what is wrong) goes to the warn callback; nothing else fails.
 * The module set is the union over the whole recording: if two files were
 * mapped at the same address at different times, the first one wins (a
 * documented limit: dlclose then dlopen of another file at the same place).
 *
 * Ownership.  hs_src_new() returns a handle freed with hs_src_free().
 * Strings in results (names, paths) are borrowed from the handle, valid
 * until hs_src_free(), unless a function says the caller frees them.
 *
 * Threads.  hs_src_add_mapping() and hs_src_finish() are called by one
 * thread before anything else.  After hs_src_finish() every query may run
 * from any number of threads at once (internal caches are locked).
 *
 * Errors: 0 or -errno.  -ENOENT: no answer (no module, no symbol, no line,
 * no such variable or file); -ENODATA: the module has no debug info (the
 * answer needs DWARF); -EINVAL: bad arguments; -EIO: target memory could
 * not be read; -ENOMEM.
 */
#ifndef HINDSIGHT_SOURCE_H
#define HINDSIGHT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hindsight/trace.h" /* struct hs_trace_regs */

struct hs_src;

/* Called once per problem found in a module, with one line of text (no
 * newline), e.g. "hindsight: /usr/lib/x.so: corrupt DWARF (...): skipped". */
typedef void (*hs_src_warn_fn)(void *ctx, const char *line);

struct hs_src_options {
	/* --sources DIR, in order: where source files are looked for when the
	 * DWARF path does not exist (by the path's trailing components, longest
	 * match first).  Borrowed; copied by hs_src_new(). */
	const char *const *source_dirs;
	size_t n_source_dirs;
	hs_src_warn_fn warn;   /* NULL: lines go to stderr */
	void *warn_ctx;
	/* TRACE/pack of a packed recording (hindsight pack), or NULL.  A
	 * recorded path P is read from PACK/paths/P when that exists (ELF
	 * files, DWARF source files), and separate debug files are looked
	 * for by build-id under PACK/debug before the system's folders: a
	 * file changed or deleted since the pack changes no answer.
	 * Borrowed; copied by hs_src_new(). */
	const char *pack_dir;
};

/* opt may be NULL.  Caller frees with hs_src_free(). */
int hs_src_new(const struct hs_src_options *opt, struct hs_src **out);
void hs_src_free(struct hs_src *s); /* accepts NULL */

/* One file-backed mapping of the recording: [start, end) mapped from file
 * offset `offset` of `path`, with PROT_* bits prot.  Mappings that are not
 * executable are accepted (they fix the load bias of PIE files whose first
 * mapping is read-only) but a file never mapped executable is not a
 * module.  Non-ELF files are ignored without a warning. */
int hs_src_add_mapping(struct hs_src *s, const char *path, uint64_t start,
		       uint64_t end, uint64_t offset, uint32_t prot);
/* Loads the modules (symbols, line tables) once all mappings are added. */
int hs_src_finish(struct hs_src *s);

/* ---- modules and symbols ----------------------------------------------- */

struct hs_src_module {
	const char *path;      /* as mapped */
	uint64_t start, end;   /* address range of all its mappings, end
				* extended to its last PT_LOAD's p_memsz (the
				* .bss the kernel maps anonymously after the
				* file's pages), up to the next module */
	uint64_t bias;         /* load bias: address = ELF vaddr + bias */
	bool has_symbols;      /* .symtab or .dynsym */
	bool has_dwarf;        /* line tables and DIEs */
	const char *problem;   /* NULL, or why it has less: "file not found",
				* "not an ELF file", "corrupt DWARF: ..." */
	const char *file;      /* the file read: path, or its packed copy */
	const char *debug_file; /* the separate debug file libdw found for
				* it, NULL when none (DWARF in the file
				* itself, or no DWARF) */
};
size_t hs_src_module_count(const struct hs_src *s);
const struct hs_src_module *hs_src_module_at(const struct hs_src *s, size_t i);

/* Where an address is. */
struct hs_src_loc {
	const struct hs_src_module *module; /* NULL: in no module */
	const char *function;  /* the symbol or DWARF subprogram containing
				* addr (the innermost inlined one's caller:
				* the real function), NULL if none; gdb's
				* frame name: C++ demangled, without
				* parameters where addr has line info
				* ("Fruit::price"), the whole signature
				* where not ("std::ostream::operator<<(int)") */
	/* The same function's three names (all NULL without function):
	 * break_name is what a user types to gdb's `break` and the name
	 * calls are filed under ("Fruit::price", "add<int>", "main");
	 * signature the demangled symbol, gdb's <sym+off> name
	 * ("Fruit::price() const"); linkage_name the symbol itself
	 * ("_ZNK5Fruit5priceEv").  For C all three are the plain name. */
	const char *break_name;
	const char *signature;
	const char *linkage_name;
	uint64_t func_start;   /* its entry address (valid with function) */
	const char *file;      /* source file of addr's line row, NULL if none */
	uint32_t line;         /* 0 if none */
	uint32_t column;
};
/* -ENOENT only when addr is in no module. */
int hs_src_lookup(struct hs_src *s, uint64_t addr, struct hs_src_loc *out);

/* Writes "function+0xoff file:line" for addr (the `where` format of the
 * tree): "+0x0" is kept, " file:line" is left out without line info,
 * "0xADDR in MODULE" without a symbol, "0xADDR" in no module.  Returns the
 * length it wanted, like snprintf. */
int hs_src_format_where(struct hs_src *s, uint64_t addr, char *buf, size_t cap);

/* Every function entry named name (symbol tables and DWARF; a static
 * function may exist in several files): cb(ctx, entry address).  Returns
 * the number found (0: none).  cb returns 0 to go on.  name is what gdb's
 * `break` accepts: the symbol ("_ZL5quoteRK4Iteml"), the break name
 * ("Fruit::price", "std::vector<int, std::allocator<int> >::push_back"),
 * a name in any scope ("price": every X::price, as gdb's wild matching),
 * a template without its arguments ("add": every add<T>), or the full
 * signature ("quote(Item const&, long)"); spaces are ignored where C++
 * ignores them.  Overloads and template instances give all their entries. */
typedef int (*hs_src_addr_fn)(void *ctx, uint64_t addr);
int hs_src_function_entries(struct hs_src *s, const char *name,
			    hs_src_addr_fn cb, void *ctx);

/* Is the function starting at entry in file, as gdb's `break FILE:FUNCTION`
 * judges (FILE: a file's name or a tail of its path after a '/'): 1 when a
 * file of the line header of its DWARF subprogram's compilation unit has
 * that name, 0 when none has; -ENODATA when no DWARF subprogram starts at
 * entry (gdb then takes the minimal symbol when the line row at entry is
 * FILE's), -ENOENT in no module. */
int hs_src_function_in_file(struct hs_src *s, uint64_t entry, const char *file);

/* Every name gdb's `break` knows the function at entry by (its aliases):
 * each symbol at that address (without a version: "memcpy" for
 * "memcpy@@GLIBC_2.14"; C++: its break name), the name gdb prints for it,
 * its DWARF name: cb(ctx, name, ifunc), names may repeat.  ifunc: the
 * name is an STT_GNU_IFUNC symbol's and no DWARF function is there, so
 * gdb's `break name` also stops in the function the resolver returns (a
 * static binary's strlen: resolver and __strlen_avx2).  Names are
 * borrowed, valid only during the call.  Returns 0, or cb's first non-zero
 * value (the walk stops), or -ENOMEM. */
typedef int (*hs_src_name_fn)(void *ctx, const char *name, bool ifunc);
int hs_src_function_names(struct hs_src *s, uint64_t entry, hs_src_name_fn cb, void *ctx);

/* The function at entry as gdb's `info breakpoints` names a location in
 * it, which tells overloads apart: its demangled signature without a
 * template's return type ("Leaf::bump(int)", "add<int>(int, int)",
 * "Leaf::bump() const"); C: its name, as hs_src_lookup's function.  Into
 * buf (truncated to cap).  0, or -ENOENT (no function starts at entry). */
int hs_src_function_signature(struct hs_src *s, uint64_t entry, char *buf, size_t cap);
/* A C++ symbol ("_ZNK1X4sizeEv") as hs_src_function_signature spells its
 * function ("X::size() const"): gdb's `break _ZNK1X4sizeEv` looks that up,
 * in every scope.  Into buf (truncated to cap); -EINVAL: not mangled. */
int hs_src_demangled_signature(const char *mangled, char *buf, size_t cap);

/* ---- inlined functions ------------------------------------------------------
 * At -O2 a function's body can be copied into its caller
 * (DW_TAG_inlined_subroutine).  gdb shows each copy holding the pc as a
 * frame of its own, innermost first, all at the same pc: "#0 helper (...)
 * at a.c:5", "#1 main () at a.c:20", where 20 is the copy's call site
 * (DW_AT_call_file/line).  hs_src_lookup() names the real function (the
 * symbol's); these are the frames inside it. */
struct hs_src_inline {
	const char *function;  /* the inlined function, as gdb names its
				* frame (C++: "Fruit::price") */
	uint64_t start;        /* where its offset counts from: the copy's
				* entry pc, or the start of the copy's range
				* holding addr when addr is below the entry */
	const char *call_file; /* the call site in the frame outside it
				* (NULL when DWARF does not say) */
	uint32_t call_line;
};
/* The inlined copies holding addr, innermost first, into out[max].
 * Returns how many (0: none, no DWARF, or addr in no module); -EINVAL.
 * Serialised on the handle's libdw lock; a walk of addr's compile unit. */
int hs_src_inline_frames(struct hs_src *s, uint64_t addr, struct hs_src_inline *out,
			 size_t max);
/* Frame k (0 innermost, n the real function) of the n inlined frames in
 * at addr, in the `where` format: "function+0xoff file:line", the line of
 * addr for k == 0 and the call site of frame k - 1 for k > 0.  The offset
 * is pc's: an outer frame's pc is its return address (as gdb's), while
 * its function and line are those of the call before it (addr); pc ==
 * addr elsewhere.  Returns the length it wanted, like snprintf. */
int hs_src_format_frame(struct hs_src *s, uint64_t addr, uint64_t pc,
			const struct hs_src_inline *in, size_t n, size_t k, char *buf, size_t cap);

/* How many of the inlined copies holding addr gdb hides at a stop there
 * (skip_inline_frames: the copies that start at addr, innermost outwards;
 * see hs_src_line_info's inline_hidden): gdb shows frame k = that count
 * of hs_src_inline_frames' (the caller at the call site) unless the stop
 * is a `step` into the copy or a breakpoint on the inlined function.
 * 0 where none (or no copies); -EINVAL.  Lock-free once loaded. */
int hs_src_inline_hidden(struct hs_src *s, uint64_t addr);

/* Whether the function (symbol) holding addr has inlined copies in it:
 * where it has none, stepping there needs no inline rules. */
bool hs_src_inline_in_function(struct hs_src *s, uint64_t addr);

/* Whether addr is in the inlined copy frame (an inline_frame id of
 * hs_src_line_info(), 0: none) or in a copy inside it: gdb's `finish` out
 * of an inline frame runs until the pc is not.  Lock-free. */
bool hs_src_inline_holds(struct hs_src *s, uint64_t frame, uint64_t addr);

/* The entries of inlined copies, where gdb 13's `break f` stops in each
 * copy of f: the start of the copy's first range, but for a copy that
 * starts at the entry of the function holding it (clang -O2), that
 * function's breakpoint address past its prologue (skip_prologue_sal),
 * after the copies that start there themselves.  hs_src_inline_entries
 * gives the copies entered at addr, innermost first (several when nested
 * copies start together), as frame ids of hs_src_line_info's inline_frame
 * kind, into out[max]; returns how many (0: none).  Lock-free once addr's
 * module is loaded (hs_src_line_info loads it). */
size_t hs_src_inline_entries(struct hs_src *s, uint64_t addr, uint64_t *out, size_t max);
/* The innermost copy holding addr (hs_src_line_info's inline_frame, also
 * where the line table has no line: gcc's line-0 rows), 0: none. */
uint64_t hs_src_inline_at(struct hs_src *s, uint64_t addr);
/* The copies holding addr, innermost first, as frame ids of
 * hs_src_line_info's inline_frame kind, into out[max] (the frames of
 * hs_src_inline_frames, in the same order): how many (0: none).  The
 * frame gdb shows with the innermost k of them hidden is out[k] (k < n),
 * else the real function.  Lock-free once addr's module is loaded. */
size_t hs_src_inline_chain(struct hs_src *s, uint64_t addr, uint64_t *out, size_t max);
/* Is copy `inner` (a frame id, 0: none) the copy `outer` or inside it?
 * Lock-free; false for ids of different modules. */
bool hs_src_inline_within(struct hs_src *s, uint64_t inner, uint64_t outer);
/* The k-th (1: innermost) copy entered at addr: its function's name and
 * the name of the frame it is inlined into (the next copy out, or the
 * real function), as gdb's backtrace names them; borrowed, valid until
 * hs_src_free.  0, or -ENOENT (no such copy).  Takes the libdw lock. */
int hs_src_inline_entry_names(struct hs_src *s, uint64_t addr, unsigned k, const char **name,
			      const char **caller);
/* The length of name (a function's name as gdb's break takes it) without
 * the template argument list that ends it ("S<int>::get<long>" -> 9,
 * "operator< <int>" -> 9): gdb's `break` finds the instance by that name
 * too; strlen(name) when it ends in none.  Pure. */
size_t hs_src_name_untemplated_len(const char *name);
/* name without any template argument list, an operator's symbol kept
 * ("ns::Box<int>::operator()<long>" -> "ns::Box::operator()", "operator<
 * <int>" -> "operator<") into out[cap]: false when it has none, is too
 * long, or names new, delete or a conversion operator.  Pure. */
bool hs_src_name_strip_templates(const char *name, char *out, size_t cap);
/* The k-th copy entered at addr as hs_src_function_signature names a
 * function: "Leaf::bump(double)" (C: its name).  0, or -ENOENT. */
int hs_src_inline_entry_signature(struct hs_src *s, uint64_t addr, unsigned k, char *buf,
				  size_t cap);

/* ---- lines (for gdb-like stepping) ----------------------------------------
 * A "line start" follows gdb's `step`: an instruction at the first address
 * of an is_stmt line-table row whose (file, line) differs from the line
 * the thread was in, or reached by a jump/call/return; never the prologue
 * row gdb skips when it steps into a function (the row at a function's
 * entry, when the function has a later row: gdb's skip_prologue_using_sal).
 * fs/source answers what the table says about one address; the builder
 * runs the per-thread state machine over the trace. */
struct hs_src_line_info {
	uint32_t file_id;      /* dense id, stable for the handle's life;
				* hs_src_file_name() gives its path */
	uint32_t line;         /* 0: no line info for addr */
	bool row_start;        /* addr is the first address of a row ... */
	bool is_stmt;          /* ... and that row is a statement */
	bool prologue;         /* that row is a function-entry row gdb skips */
	bool more_stmt;        /* addr is a row start where statement rows of
				* other lines lie too (hs_src_stmt_lines_at) */
	bool in_prologue;      /* addr is anywhere in such a row: gdb's `step`
				* runs to the prologue's end without looking,
				* so the rest of that row takes no line either
				* (a one-line function's body row is of the
				* same line and must still start) */
	/* Inlined copies (ids unique in the handle, 0: the real function):
	 * the innermost one holding addr, and the frame gdb's `step` shows
	 * when it arrives at addr, where the copies that start at addr are
	 * hidden (inline-frame.c, skip_inline_frames).  They differ where a
	 * copy starts: gdb's `step` stops there ("stepped into inlined
	 * function") when that hidden frame is the one it was stepping in,
	 * and enters the copies on the next step without running. */
	uint64_t inline_frame, inline_hidden;
	/* The row holding addr, [row_addr, row_end) (valid with line): gdb's
	 * `step` range.  gdb (infrun.c, process_event_stop_test) steps
	 * through it without looking, stops at the start of an is_stmt row
	 * of another line, and at a non-statement row's start keeps its
	 * current line (same frame) or forgets it (frame changed: returned
	 * or called), taking the row as its new range.  row_end is gdb's
	 * find_pc_line end, which its per-file tables may put past the next
	 * row (row_next): past rows of other files, inlined copies' entries
	 * included (fs/source/linerange.c). */
	uint64_t row_addr, row_end, row_next;
};
/* Fast (a lock-free binary search in tables loaded by hs_src_finish());
 * safe from many threads.  0, with line 0 when addr has no line info (in
 * no module, a module without DWARF, or a gap in the table); -EINVAL. */
int hs_src_line_info(struct hs_src *s, uint64_t addr,
		     struct hs_src_line_info *out);
const char *hs_src_file_name(const struct hs_src *s, uint32_t file_id);
/* The statement rows at addr of other lines than hs_src_line_info's row
 * (rows of no length, gcc -O2: `int f(int a) {` and its first statement
 * at one address): gdb's `break FILE:LINE` stops at addr for each.  Up to
 * max (file_id, line) pairs, their count. */
size_t hs_src_stmt_lines_at(struct hs_src *s, uint64_t addr, uint32_t *file, uint32_t *line,
			    size_t max);
/* The line gdb 13's `break PATH:LINE` puts its breakpoint on (linespec.c,
 * decode_digits_ordinary): line itself where a statement row of it lies
 * in any module, else the least line past it that has one (a line
 * without code: a blank, a comment, a declaration, a lone brace, moves
 * there, even into the next function).  path as hs_src_file_name gives
 * it.  -ENOENT: no such line (past the file's last). */
int hs_src_break_line(struct hs_src *s, const char *path, uint32_t line, uint32_t *out);
/* Walking a module's rows with a line (line-0 rows and gaps passed over,
 * which end no function: clang and gcc -O2 put line-0 rows inside one):
 * the last row start below addr and at or above lo, the first at or above
 * addr and below hi; its hs_src_line_info at that start.  -ENOENT: none. */
int hs_src_row_before(struct hs_src *s, uint64_t addr, uint64_t lo, struct hs_src_line_info *out);
int hs_src_row_after(struct hs_src *s, uint64_t addr, uint64_t hi, struct hs_src_line_info *out);
/* Whether path is the dynamic linker (ld-linux-*.so.2, ld-2.NN.so): gdb's
 * `step` runs through its lazy symbol resolver (and whatever that calls,
 * such as libc's ifunc resolvers) rather than stopping in it, so its
 * lines are no line starts (builder/db) and are not stepped into (the
 * tree's step-into). */
bool hs_src_dynamic_linker(const char *path);
/* Whether gdb's `step` would stop in code at addr: it has line info and
 * is not in the dynamic linker.  A call made from code where this is
 * false is one gdb's `step` runs through without stopping (a callback
 * called by a library without debug info, an ifunc resolver called by
 * the lazy resolver). */
bool hs_src_step_stops(struct hs_src *s, uint64_t addr);
/* Whether addr is in an ifunc's resolver: an STT_GNU_IFUNC symbol starts
 * where the function holding it does (glibc's strlen_ifunc, under the
 * ifunc strlen): gdb's `step` runs through such code as through the
 * dynamic linker (in_solib_dynsym_resolve_code). */
bool hs_src_ifunc_resolver(struct hs_src *s, uint64_t addr);
/* Every STT_GNU_IFUNC symbol's name, without its version ("strlen"):
 * cb(ctx, name, true), names may repeat (borrowed for the call).  Returns
 * 0 or cb's first non-zero value. */
int hs_src_ifunc_names(struct hs_src *s, hs_src_name_fn cb, void *ctx);
/* Whether addr is in a C++ thunk (non-virtual, virtual or covariant
 * return: _ZTh, _ZTv, _ZTc): gdb's `step` never stops in one, it goes on
 * to the function the thunk stands for as if that were called. */
bool hs_src_thunk(struct hs_src *s, uint64_t addr);
/* Where gdb 13's `break` puts a breakpoint on the function that starts at
 * entry when its line table marks the prologue's end (DWARF prologue_end,
 * which clang writes): the first such row of the function in the file of
 * its entry's row (gdb reads one table a file: clang -O1 marks a header's
 * row where the first statement inlines a constructor, and gdb then finds
 * none).  -ENOENT when it has none (gcc): then `break` stops where `step`
 * into it does, at its first line start (at its entry without a frame
 * setup: amd64_analyze_prologue). */
int hs_src_break_addr(struct hs_src *s, uint64_t entry, uint64_t *out);
/* Whether the CU holding addr is one gdb trusts at a function's entry
 * (symtab.c skip_prologue_sal, the CU's locations_valid: its variables
 * have location lists and GCC 4.5+ made it): gdb's `break` on a function
 * there stops at its entry, no prologue skipped.  Takes the libdw lock. */
bool hs_src_locations_valid(struct hs_src *s, uint64_t addr);

/* The innermost block holding addr as gdb's block_for_pc sees it: an
 * inlined copy, a function, or a lexical block with symbols of its own (gdb
 * makes no block of one without); an id to compare with other addresses of
 * the module (its DIE's offset + 1), 0 without DWARF.  Takes the libdw
 * lock and walks the CU: for rare questions (gdb's `break FILE:LINE` keeps
 * one location per block). */
uint64_t hs_src_block_at(struct hs_src *s, uint64_t addr);

/* The address ranges of the real (not inlined) function holding addr as
 * DWARF gives them (DW_AT_ranges in order, or low/high pc): gdb's block of
 * the function, whose entry pc is the first range's start (gcc -O2 puts a
 * function's cold part, main.cold, in a range of its own below its entry).
 * Up to max [lo, hi) pairs, their count; 0 without such a function.  Takes
 * the libdw lock and walks the CU. */
size_t hs_src_function_ranges(struct hs_src *s, uint64_t addr, uint64_t *lo, uint64_t *hi,
			      size_t max);

/* Does DWARF have a call-site entry (DW_TAG_call_site) for the call that
 * returns to ret?  gcc writes them at -O1 and up; gdb shows tail-call
 * frames only above such a call.  false without DWARF. */
bool hs_src_call_site(struct hs_src *s, uint64_t ret);

/* ---- source files ---------------------------------------------------------- */

/* Every source file named by the DWARF of any module (compile units' line
 * tables), by path as DWARF says it (absolute after joining comp_dir).
 * cb returns 0 to go on. */
typedef int (*hs_src_file_fn)(void *ctx, const char *dwarf_path);
int hs_src_source_files(struct hs_src *s, hs_src_file_fn cb, void *ctx);
/* Where the text of a DWARF source path is on this machine: its packed
 * copy (pack_dir), else the path itself if it exists, else a file under
 * one of the --sources folders.
 * Caller frees *disk_path with free().  -ENOENT when nowhere. */
int hs_src_source_find(struct hs_src *s, const char *dwarf_path,
		       char **disk_path);

/* ---- variables ----------------------------------------------------------- */

/* A frame further out than the one an evaluation selects
 * (hs_src_target.outer), as the target's own fields describe that one. */
struct hs_src_frame {
	struct hs_trace_regs regs;   /* as hs_src_target.regs */
	struct hs_trace_regs shown;  /* as hs_src_target.frame_regs */
	unsigned hide_inline;
	bool no_frame_base;
};

/* The state of the program at one moment, for evaluating DWARF location
 * expressions: the registers of the innermost frame and memory. */
struct hs_src_target {
	const struct hs_trace_regs *regs;
	/* Copies of inlined functions that start at rip to pass over,
	 * innermost first (hs_src_inline_hidden: at a stop gdb shows their
	 * caller at the call site, and its variables); 0 in other frames. */
	unsigned hide_inline;
	/* The registers an expression's $pc, $sp, $rax... show (hs_src_eval):
	 * gdb's in the frame selected, whose $pc is the return address and
	 * whose caller-saved registers are the inner frame's; NULL: regs. */
	const struct hs_trace_regs *frame_regs;
	/* The frame is a signal trampoline's or a tail call's: gdb's $fp
	 * (the frame base of a normal frame only) is 0 there. */
	bool no_frame_base;
	/* Values under gdb's default print settings (`print null-stop off`:
	 * char arrays to their end, NULs and all; `print repeats 10`), as
	 * gdb's `finish` and `info args` print them: the HTTP calls panel's
	 * (hs_src_locals and hs_src_return_value; false: locals/'s settings) */
	bool gdb_print;
	/* Reads len bytes at addr into buf: the byte count read (short when
	 * the range runs into unmapped memory), or -errno. */
	ssize_t (*read_mem)(void *ctx, uint64_t addr, void *buf, size_t len);
	void *ctx;
	/* With outer_given, the frames out from the selected one, its
	 * caller first (n_outer, the outermost last; borrowed): gdb's
	 * "func::name" reads a local of the innermost of them that runs in
	 * func.  Without it hs_src_eval asks for them where an expression
	 * needs them (hs_src_eval.wants_outer). */
	const struct hs_src_frame *outer;
	size_t n_outer;
	bool outer_given;
	/* gdb's $_siginfo (hs_src_eval): the kernel's siginfo_t (128 bytes)
	 * of the signal delivered at this moment to this thread (gdb's stop
	 * "Program received signal"); NULL: none, $_siginfo is then gdb's at
	 * a breakpoint (SIGTRAP, si_code SI_KERNEL). */
	const uint8_t *siginfo;
};

/* One variable in scope at regs->rip, formatted by type: integers in
 * decimal, chars as 65 'A', pointers 0x..., char arrays and char * as C
 * strings, arrays and structs in gdb's {a = 1, b = {...}} form, enums by
 * name, floats with %g.  Depth and size are capped (HS_SRC_VALUE_MAX bytes
 * of text, nesting 20 levels as gdb's `print max-depth`, 200 elements); cut text ends in "...".
 * Exactly gdb's `info locals` text with `set print null-stop on` and
 * `set print repeats unlimited` (scripts/gdb-oracle.py's settings): char
 * arrays end at their NUL, no <repeats N times>; pointers into a data
 * object or function say so as gdb does ("0x4010 <table+8>"). */
#define HS_SRC_VALUE_MAX 4096
struct hs_src_var {
	char *name;            /* caller frees (hs_src_vars_free) */
	char *type;            /* "int", "struct account *", ... */
	char *value;           /* text, or "<optimized out>", "<unreadable>" */
	bool is_param;
	bool scalar;           /* not a struct, union, class or array (nor a
				* reference to one): what gdb's frame lines
				* print (`print frame-arguments scalars`);
				* the others show as "..." there */
	char *frame_arg;       /* a parameter as gdb's frame line prints it
				* (`print entry-values default`): "x=5",
				* "x=x@entry=5", "x=6, x@entry=5", "s=...";
				* NULL for a local */
	int decl_line;         /* its declaration's line (0: not known) */
	char *file;            /* its name in time/<t>/locals/: name for the
				* innermost declaration of a name (what
				* gdb's print finds), "name:LINE" for one
				* an inner block hides ("name:LINE.2" for
				* a second there) */
};
/* The parameters then locals in scope at the innermost frame, as gdb's
 * info args + info locals list them (locals innermost block first): a
 * name an inner block redeclares comes once per declaration, the
 * outer ones told apart by their file names.  Locations: DWARF expressions and location lists, the frame base
 * through CFI, DW_OP_entry_value through the caller's call-site
 * parameters, through a unique chain of tail calls when that site calls
 * another function (gdb's x@entry; as gdb, a register no CFI rule saves
 * reads in the caller as in the callee).  Parameters carry frame_arg,
 * their text in gdb's frame lines (entry values, "...", <synthetic
 * pointer>).  -ENODATA: no debug info for rip (the tree
 * says "no debug info"); -ENOENT: rip is in no module.  Caller frees with
 * hs_src_vars_free(). */
int hs_src_locals(struct hs_src *s, const struct hs_src_target *tg,
		  struct hs_src_var **vars, size_t *n);
void hs_src_vars_free(struct hs_src_var *vars, size_t n);

/* The value a function returns, as gdb's `finish` prints it ("Value
 * returned is $1 = <value>"): entry is the function's entry address, tg
 * the state just after its return (rax, rdx, xmm0, xmm1; memory for a
 * value returned through the caller's buffer, whose address is in rax).
 * *type is its C type name, *value its text (the formatter of
 * hs_src_locals; with tg->gdb_print, finish's "(TYPE) " before a pointer
 * other than to char and before a reference, TYPE with typedefs peeled).  -ENOENT: the function returns void, or entry is in no
 * module; -ENODATA: no debug info for it.  Caller frees both with free(). */
int hs_src_return_value(struct hs_src *s, uint64_t entry, const struct hs_src_target *tg,
			char **type, char **value);

/* ---- every symbol (a search box's list) ---------------------------------- */

struct hs_src_symbol {
	const char *name;         /* functions: the break name; data: the
				   * demangled symbol */
	const char *linkage_name; /* the symbol itself */
	uint64_t addr, size;
	bool function;            /* else a data object (a global, a static) */
	const char *module;       /* the module's path */
};
/* Calls cb for every function and data symbol of every module, module by
 * module, by address (PLT stubs as "name@plt").  Strings are borrowed
 * from the handle.  cb returns 0 to go on; another value stops the walk
 * and is returned. */
typedef int (*hs_src_symbol_fn)(void *ctx, const struct hs_src_symbol *sym);
int hs_src_symbols(struct hs_src *s, hs_src_symbol_fn cb, void *ctx);
/* ---- C expressions (cexpr.c) ------------------------------------------------ */

/* One value of an evaluation: the expression's, or one of its children
 * (a struct's members and base classes, an array's elements, a
 * pointer's target). */
struct hs_src_value {
	char *name;            /* child: "qty", "[3]", "*p", "<Base>"; top: NULL */
	char *expr;            /* a C expression that evaluates to it again
				* ("it->qty", "acc[1]", "*p") */
	char *type;            /* "struct node *" */
	char *value;           /* text, as gdb's `print` shows it (without
				* "$1 = "), under gdb's default
				* print settings; children as inside a struct */
	uint64_t addr;         /* where it lives, when in_mem */
	bool in_mem;
	uint64_t size;         /* bytes */
	uint64_t n_children;   /* 0: a leaf */
};

/* The result of hs_src_eval.  error is gdb's message when the expression
 * cannot be evaluated ("No symbol \"x\" in current context.", "Cannot
 * access memory at address 0x0", "There is no member named q.", "A syntax
 * error in expression, near `)'."); then nothing else is set. */
struct hs_src_eval {
	char *error;
	/* error is gdb's "No frame is currently executing in block f."
	 * for a local of a frame further out, and the target gave no outer
	 * frames: evaluate again with them (hs_src_target.outer) */
	bool wants_outer;
	struct hs_src_value v;
	struct hs_src_value *children; /* the page asked for, in order */
	size_t n_children;
};

/* Evaluates the C expression expr at the target's moment, as gdb's `print`
 * in the innermost frame: identifiers are the frame's locals and
 * parameters (innermost block first), `this`'s members in a C++ method,
 * then the statics and globals of the compile unit, of the module, of
 * every module; integer and char literals; . -> [] unary * & - ! ~, casts
 * to named types and pointers to them ("(struct node *)p"), sizeof,
 * + - * / % << >> & | ^ && || ?:, comparisons, parentheses; pointer
 * arithmetic scaled by the pointee size; gdb's artificial arrays v@n;
 * gdb's "/x expr" (print/FMT), "x@entry" and "$_siginfo" (tg->siginfo);
 * registers ($pc, $sp, $fp, $rax.., $eax, $ax, $al, $eflags, $xmm0: tg->frame_regs)
 * with gdb's types.  Text under gdb's default print settings (char
 * arrays past their NUL, <repeats N times>), unlike hs_src_locals.  No floating-point arithmetic,
 * no function calls, no assignment (the recording is read-only).
 * Children first..first+count-1 of the value go to out->children.
 * 0 (out->error set or not); -EINVAL; -ENOMEM.  Caller frees with
 * hs_src_eval_release().  Serialised on the handle's libdw lock. */
int hs_src_eval(struct hs_src *s, const struct hs_src_target *tg, const char *expr,
		uint64_t first, uint64_t count, struct hs_src_eval *out);
void hs_src_eval_release(struct hs_src_eval *e); /* accepts NULL */

/* The names of the globals and file statics of the compile unit holding
 * pc (what the variables panel lists besides the locals), in declaration
 * order.  -ENODATA: no debug info at pc; -ENOMEM.  Caller frees each name
 * and *names. */
int hs_src_globals(struct hs_src *s, uint64_t pc, char ***names, size_t *n);

/* ---- unwinding ------------------------------------------------------------ */

/* The stack at the target's moment, unwound with libdwfl from tg->regs
 * and tg->read_mem (CFI from .debug_frame/.eh_frame of the modules, else
 * the frame-pointer rule): pcs[0] is rip; pcs[k], k > 0, is frame k's pc
 * as libdwfl gives it: a return address (look its line up at pcs[k] - 1,
 * the call), except the frame a signal interrupted (the one after glibc's
 * trampoline __restore_rt), whose pc is exactly where it stopped.  The
 * unwind ends at the outermost frame (_start's CFI says "no caller"), at
 * memory the target cannot read, or at a frame without CFI whose frame
 * pointer leads nowhere.  Returns the number of pcs written (>= 1, at most
 * max); -EINVAL; -ENODATA when libdwfl cannot unwind this image (no ELF
 * module).  Serialised on the handle's libdw lock (a Dwfl holds one
 * unwinder state): safe from many threads, one unwind at a time. */
int hs_src_unwind(struct hs_src *s, const struct hs_src_target *tg,
		  uint64_t *pcs, size_t max);

#endif
