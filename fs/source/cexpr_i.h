/* cexpr_i.h - private to the C expression files: cexpr.c (tokens, names,
 * operators, the grammar), cexpr_val.c (types and values: *p, a[i],
 * members), cexpr_names.c (the index of every module's global names),
 * cexpr_std.c (libstdc++'s containers: gdb's pretty printers' text,
 * their elements, their methods computed) and cexpr_out.c (gdb's print
 * text, children, hs_src_eval): C values over DWARF types.
 *
 * A type is a DWARF DIE plus pointer levels we made up ("&x" where the
 * program never names "int *"), or a made-up integer type (literals,
 * arithmetic, sizeof).  A value is an lvalue in target memory (read
 * lazily: arrays can be big) or bytes (registers, results), as
 * struct src_vsrc.  Every function here runs under s->dw_lock.
 */
#ifndef HS_CEXPR_I_H
#define HS_CEXPR_I_H

#include "source_i.h"

enum cx_kind { CT_DIE, CT_INT, CT_VOID, CT_FLOAT, CT_SYN /* $_siginfo's aggregates */ };

/* A type gdb makes up that DWARF has no DIE for: $_siginfo's struct and
 * unions (cexpr_siginfo.c).  off: from the parent's start; n: kids (for
 * CX_SYN_INTS the int elements); tname: gdb's type name. */
enum { CX_SYN_INT, CX_SYN_UINT, CX_SYN_SHORT, CX_SYN_LONG, CX_SYN_PTR, CX_SYN_STRUCT,
       CX_SYN_UNION, CX_SYN_INTS };
struct cx_syn {
	const char *name;
	uint8_t kind;
	uint8_t off;
	uint8_t size;
	uint8_t n;
	const struct cx_syn *kids;
	const char *tname;
};

/* What a type is once typedefs and qualifiers are peeled. */
enum cx_class { CL_INT, CL_FLOAT, CL_PTR, CL_ARRAY, CL_STRUCT, CL_FUNC, CL_VOID,
		CL_REF, CL_OTHER };

struct cx_type {
	enum cx_kind kind;
	Dwarf_Die die;          /* CT_DIE */
	int nptr;               /* pointer levels on top of it */
	int dim;                /* an array DIE: dimensions indexed already
				 * (int g[3][4]: g[1] is dim 1 of it) */
	uint64_t arr_n;         /* gdb's v@n: an array of arr_n of the rest */
	uint8_t ref;            /* a cast's (T &): 1, (T &&): 2: a reference to
				 * the rest (the value's bytes are the address) */
	uint8_t size;           /* CT_INT, CT_FLOAT (4, 8, 16) */
	bool sign;              /* CT_INT */
	const char *name;       /* CT_INT, CT_FLOAT: gdb's name ("int",
				 * "unsigned long", "double") */
	uint8_t reg;            /* CX_REG_*: a register's own gdb type */
	bool cplus_code;        /* CX_REG_CODE in a C++ frame: "void (void)" */
	const struct cx_syn *syn; /* CT_SYN */
};

/* gdb's types of registers that C has no words for (cexpr_regs.c) */
enum {
	CX_REG_NONE,
	CX_REG_NOTEXT,  /* CT_INT int8_t..int64_t: a number, never a char */
	CX_REG_EFLAGS,  /* CT_INT i386_eflags: "[ PF ZF IF ]" */
	CX_REG_CODE,    /* CT_VOID: void (), so $pc is a void (*)() */
	CX_REG_VEC,     /* CT_INT of 16 or 32 bytes: gdb's union vec128 or
			 * vec256 ($xmm0, $ymm0), bytes in v.bytes */
};

struct cx_val {
	struct cx_type ty;
	struct src_vsrc v;      /* v.in_mem: an lvalue at v.addr */
	bool optout;            /* <optimized out> */
	/* a data symbol without debug information (gdb's "<data variable,
	 * no debug info>"), its name: only a cast or & may use it */
	const char *msym;
};

#define CX_ERR_MAX 1024

struct cx {
	struct src_ctx *c;
	const char *text;       /* the whole expression */
	const char *p;          /* the cursor */
	/* the current token */
	int tk;                 /* TK_* (cexpr.c) */
	const char *ts;         /* its text */
	size_t tlen;
	uint64_t tnum;          /* TK_NUM, TK_CHAR */
	bool tunsigned, tlong;
	bool tquoted;           /* TK_ID written 'name' (gdb's quoted name) */
	long double tflt;       /* TK_NUM with tfsize: a floating literal */
	uint8_t tfsize;         /* 0: an integer; 4, 8, 16: float, double, long double */
	int noeval;             /* inside sizeof: no memory reads */
	const char *amp_at;     /* the operand of the last unary '&' (gdb's want_address) */
	char err[CX_ERR_MAX];   /* set once: the first error wins */
	bool failed;
	/* where names are looked up */
	Dwarf_Die cu;           /* the compile unit at pc (have_cu) */
	bool have_cu;
	Dwarf_Die *scopes;      /* dwarf_getscopes at pc (libdw's malloc) */
	int nscopes, f;         /* f: the function shown's index */
	int first;              /* its innermost block's index */
	Dwarf_Die func;         /* the subprogram of its frame base */
	bool wants_outer;       /* hs_src_eval.wants_outer */
};

/* cexpr_names.c */
/* Does the DWARF name have name[0..len) (a template instance's written
 * another way too: "min3<long>" for "min3<long int>", spaces aside)? */
bool cx_name_eq(const char *have, const char *name, size_t len);
/* cexpr.c */
/* The entry of function d as gdb's BLOCK_ENTRY_PC: its low pc, else the
 * start of its first range (a function split in hot and cold parts); false
 * when it has no code. */
bool cx_func_entry(Dwarf_Die *d, Dwarf_Addr *pc);
/* Records gdb's message (printf-like) and returns -EINVAL. */
int cx_fail(struct cx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parses and evaluates the whole of x->text into out: 0 or -EINVAL
 * (x->err says why), -ENOMEM. */
int cx_eval(struct cx *x, struct cx_val *out);

/* cexpr_regs.c */
/* $name (name[0..len), without the '$'): a register of the selected
 * frame as gdb's print shows it ($pc, $sp, $fp, $rax, $eax, $ax, $al,
 * $ah, $r8d, $eflags...), void for a name that is none (gdb's empty
 * convenience variable).  0 or -EINVAL with gdb's message. */
int cx_register(struct cx *x, const char *name, size_t len, struct cx_val *out);
/* The text of a CX_REG_EFLAGS value u: gdb's "[ ZF PF ]". */
void cx_eflags_text(uint64_t u, struct src_sbuf *b);
/* The text of a CX_REG_VEC value: gdb's union of its vector views,
 * "{v8_bfloat16 = {0, ...}, ..., uint128 = 0}", under c->fmt's print/FMT. */
void cx_vec_text(struct src_ctx *c, const struct cx_val *v, struct src_sbuf *b);

/* cexpr_siginfo.c */
/* $_siginfo: the signal's at this moment (hs_src_target.siginfo), else
 * gdb's at a breakpoint stop (SIGTRAP, SI_KERNEL).  0. */
int cx_siginfo(struct cx *x, struct cx_val *out);
/* Member k of CT_SYN value v (an element of _pad): a CT_INT, a void *,
 * or a CT_SYN aggregate.  0, -ENOENT past the last. */
int cx_syn_kid(const struct cx_val *v, size_t k, struct cx_val *out);
/* v.name[0..len): 0, -ENOENT (not an aggregate), -EINVAL (gdb's error). */
int cx_syn_member(struct cx *x, const struct cx_val *v, const char *name, size_t len,
		  struct cx_val *out);

/* gdb's error for *v, v->m, arithmetic on a CT_SYN value.  -EINVAL. */
int cx_syn_fail(struct cx *x);
/* v[i] of _pad (gdb's vector); gdb's errors for others.  0 or -EINVAL. */
int cx_syn_index(struct cx *x, const struct cx_val *v, int64_t i, struct cx_val *out);

/* cexpr_float.c */
/* A made-up floating value of size 4 (float), 8 (double) or 16 (long double). */
void cx_float_val(struct cx_val *out, long double d, uint8_t size);
/* An integer or floating value as a long double.  0 or -EINVAL (x->err). */
int cx_float_get(struct cx *x, const struct cx_val *v, long double *out);
/* Whether a scalar (integer, pointer, floating) value is non-zero. */
int cx_truth(struct cx *x, const struct cx_val *v, bool *out);
/* a op b where either is floating (gdb's promotion).  0 or -EINVAL. */
int cx_float_binop(struct cx *x, const char *op, const struct cx_val *a, const struct cx_val *b,
		   struct cx_val *out);
/* (to)v where to or v is floating.  0 or -EINVAL. */
int cx_float_cast(struct cx *x, const struct cx_type *to, struct cx_val *v);
/* A floating literal at p ("1.5", ".5", "1e3", "2.5f", "1.0L"): its value,
 * size (4, 8, 16) and end; false when p is no floating literal. */
bool cx_float_literal(const char *p, const char **end, long double *d, uint8_t *size);

/* cexpr_val.c */
/* A made-up integer type of size bytes (gdb's names: "int", "unsigned long"). */
void cx_int_type(struct cx_type *t, uint8_t size, bool sign);
/* The type "pointer to t" (the program's own DIE for it when there is one). */
void cx_pointer_to(const struct cx_type *t, struct cx_type *out);
/* A made-up integer value. */
void cx_int_val(struct cx_val *out, uint64_t u, uint8_t size, bool sign);
/* A made-up C++ bool (CT_INT of one byte named "bool": prints true/false). */
void cx_bool_val(struct cx_val *out, bool c);
/* C's decay: an array as a pointer to its first element, a function as a
 * pointer to it; other values are left alone.  0 or -EINVAL. */
int cx_decay(struct cx *x, struct cx_val *v);
/* Bytes [off, off + size of ty) of v as a value of type ty. */
void cx_sub_value(const struct cx_val *v, uint64_t off, const struct cx_type *ty,
		  struct cx_val *out);
/* The member name[0..len) of struct type t (anonymous members and base
 * classes searched too): its DIE and byte offset from t's start.  A
 * virtual base's offset is read from v's vtable (v NULL: taken as 0, to
 * ask whether the name is there at all). */
bool cx_find_member(struct cx *x, const struct cx_val *v, Dwarf_Die *t, const char *name,
		    size_t len, Dwarf_Die *out, uint64_t *off);
enum cx_class cx_class_of(const struct cx_type *t, Dwarf_Die *peeled);
uint64_t cx_size(const struct cx_type *t);
/* The type a pointer points to / an array's element type. */
bool cx_target(const struct cx_type *t, struct cx_type *out);
/* The value's bytes as an integer (pointer, enum, bool, char...). */
int cx_scalar(struct cx *x, const struct cx_val *v, uint64_t *u, bool *sign);
/* The lvalue *p (p a pointer), at addr of type target. */
void cx_lval(struct cx_val *out, const struct cx_type *ty, uint64_t addr);
/* member / element / target of v (0 or -EINVAL with x->err) */
int cx_member(struct cx *x, const struct cx_val *v, const char *name, size_t len,
	      struct cx_val *out);
/* The member (or DW_TAG_inheritance base) DIE m at byte offset off of v. */
int cx_member_at(struct cx *x, const struct cx_val *v, Dwarf_Die *m, uint64_t off,
		 struct cx_val *out);
/* A member's (or base's) constant offset; false for a virtual base. */
bool cx_member_offset(Dwarf_Die *m, uint64_t *off);
int cx_index(struct cx *x, const struct cx_val *v, int64_t i, struct cx_val *out);
/* gdb's refusal of pointer math (p + n, p[n]) on pointer type pt whose
 * target has no length: a variable-length or unbounded array behind a
 * DWARF pointer ("Cannot perform pointer math on incomplete types...").
 * 0, or -EINVAL with x->err. */
int cx_ptr_math_check(struct cx *x, const struct cx_type *pt);
int cx_deref(struct cx *x, const struct cx_val *v, struct cx_val *out);
/* The pointer a libstdc++ iterator (_M_current) or std::vector (_M_start)
 * holds: what gdb's *it, it->m and v[i] read.  -ENOENT for other values. */
int cx_std_pointer(struct cx *x, const struct cx_val *v, struct cx_val *out);
/* A std::vector's length (_M_finish - _M_start), its children in the
 * variables tree as gdb's pretty printer shows them; -ENOENT for others. */
int cx_std_vector_len(struct cx *x, const struct cx_val *v, uint64_t *n);
/* cexpr_std.c: libstdc++'s containers as gdb's pretty printers and
 * xmethods show them. */
/* src_ctx.pretty for hs_src_eval: a container's text, -ENOENT for others. */
int cx_std_pretty(struct src_ctx *c, Dwarf_Die *t, const struct src_vsrc *v, uint64_t off,
		  int depth, struct src_sbuf *b);
/* The children a container shows in the variables tree (its elements, a
 * smart pointer's get()); -ENOENT for a vector, std::array and others. */
int cx_std_count(struct cx *x, const struct cx_val *v, uint64_t *n);
/* Called for each child shown: its value (NULL: unreadable), name and
 * expression (malloc'd, owned by the callee even on error). */
typedef int cx_child_fn(void *ctx, const struct cx_val *cv, char *name, char *expr);
/* fn for children first..first+count-1 of v, whose expression is expr. */
int cx_std_children(struct cx *x, const struct cx_val *v, const char *expr, uint64_t first,
		    uint64_t count, cx_child_fn *fn, void *ctx);
/* The pointer (or array) behind a container: a smart pointer's, a
 * string's, a vector's data, std::array's elements (smart_only: only
 * smart pointers', for *p).  -ENOENT for other values. */
int cx_std_pointer_of(struct cx *x, const struct cx_val *v, bool smart_only, struct cx_val *out);
/* Does gdb print v (a class value) through a libstdc++ pretty printer? */
bool cx_std_printed(const struct cx_val *v);
/* v[i] of a std::vector<bool> (a bool); -ENOENT for other values. */
int cx_std_elem(struct cx *x, const struct cx_val *v, int64_t i, struct cx_val *out);
/* obj.m(args): the method computed from the fields; gdb-like errors for
 * what is not computed. */
int cx_std_call(struct cx *x, const struct cx_val *obj, const char *m, size_t len,
		struct cx_val *args, int nargs, struct cx_val *out);
/* cexpr_out.c */
/* gdb's names of gcc's integer types in type text s (freed; new text). */
char *cx_gdb_names(char *s);
/* Is e a chain of names, members and subscripts (no parentheses needed)? */
bool cx_simple_expr(const char *e);
/* The expression of member m of expression e ("a.m", "p->m", "(e).m"). */
char *cx_member_expr(const char *e, const char *m);

/* cexpr_names.c: the index of every module's global names.  0, -ENOENT,
 * -ENOMEM (then search without it). */
int cx_names_var(struct cx *x, const char *name, size_t len, Dwarf_Die *out, size_t *mod);
/* An external variable with a type and no location or constant (a
 * declaration; libc's `environ`, `program_invocation_name`): gdb's
 * LOC_UNRESOLVED, at the address of the ELF symbol of its name. */
bool cx_var_unresolved(Dwarf_Die *d);
int cx_names_func(struct cx *x, const char *name, size_t len, Dwarf_Die *out, size_t *mod);
/* One name of a C++ qualified name ("ns", "inner", "g" of ns::inner::g). */
struct cx_comp {
	const char *s;
	size_t len;
};
/* Is d the definition (DW_AT_specification) of a variable declared
 * elsewhere than directly in scope (in a namespace, a class)?  Then its
 * plain name does not find it there. */
bool cx_spec_outside(Dwarf_Die *scope, Dwarf_Die *d);
/* The namespaces and classes that hold the frame's function, outermost
 * first, into comps (at most max): their count (0: none, or in C). */
int cx_frame_holders(struct cx *x, struct cx_comp *comps, int max);
/* Is nm (NULL: none) the name c? */
bool cx_comp_is(const char *nm, const struct cx_comp *c);
/* The variable named by comps[0..n) (n >= 2): a namespace's or a class's
 * static member, whose definition (DW_AT_specification) sits at the top
 * of its compile unit.  0, -ENOENT, -ENOMEM. */
int cx_names_qualified(struct cx *x, const struct cx_comp *comps, int n, Dwarf_Die *out,
		       size_t *mod);
/* The function (a method, a namespace's function) with code named
 * comps[0..n) (n >= 2).  0, -ENOENT, -ENOMEM. */
int cx_names_qualified_func(struct cx *x, const struct cx_comp *comps, int n, Dwarf_Die *out,
			    size_t *mod);
/* gdb's error for comps[0..n) (n >= 2) that names no variable: no such
 * scope, no such member of a class ("There is no field named x"), a
 * non-static member, a type, no such name in a namespace.  -EINVAL. */
int cx_qualified_fail(struct cx *x, const struct cx_comp *comps, int n);
int cx_names_type(struct cx *x, const int *tags, const char *name, Dwarf_Die *out);
int cx_names_enumerator(struct cx *x, const char *name, size_t len, Dwarf_Die *type,
			Dwarf_Die *enumerator);

/* types.c */
/* The C name of a pointer (nptr levels) to type t, as gdb writes it:
 * "int (*(*)[3])(int)", "int (*(*)(int))(int)", "char **".  Caller
 * frees; NULL on ENOMEM. */
char *src_type_ptr_name(Dwarf_Die *t, int nptr);

/* cexpr_tls.c */
/* When module c->m's thread-local block does not exist yet in the
 * thread of c->regs (a dlopen'ed library the thread has not touched):
 * gdb's error for a variable there into msg, and 0; else -ENOENT. */
int cx_tls_deferred(const struct src_ctx *c, char *msg, size_t cap);

/* C++ references read through: the referenced lvalue. */
int cx_coerce_ref(struct cx *x, struct cx_val *v);

#endif
