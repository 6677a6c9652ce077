/* locals.c - fs/source: the variables in scope at a moment.
 *
 * Only the innermost frame (the registers the caller gives).  Scopes come
 * from dwarf_getscopes at rip, locations from expr.c, text from format.c.
 * Every libdw call runs under s->dw_lock (libdw is not thread-safe).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_i.h"
#include "hindsight/util.h"

/* ---- variables in scope ------------------------------------------------------ */

struct var_list {
	struct hs_src_var *v;
	size_t n, cap;
};

/* Whether some variable of l is in locals/ as file. */
static bool file_taken(const struct var_list *l, size_t n, const char *file)
{
	for (size_t i = 0; i < n; i++)
		if (l->v[i].file && !strcmp(l->v[i].file, file))
			return true;
	return false;
}

int src_getlocation(const struct src_ctx *c, Dwarf_Attribute *attr, Dwarf_Addr pc,
		    Dwarf_Op **ops, size_t *nops)
{
	Dwarf_Addr base, start, end, fentry;
	ptrdiff_t off = 0;

	if (!c->func || dwarf_entrypc(c->func, &fentry) != 0 || fentry != pc)
		return dwarf_getlocation_addr(attr, pc, ops, nops, 1);
	while ((off = dwarf_getlocations(attr, off, &base, &start, &end, ops, nops)) > 0)
		if ((start <= pc && pc < end) || (start == pc && end == pc))
			return 1;
	return off < 0 ? -1 : 0;
}

int src_var_vsrc(struct src_ctx *c, Dwarf_Die *d, Dwarf_Die *type, struct src_vsrc *v)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	uint64_t size = 0;
	Dwarf_Block blk;
	Dwarf_Word w;
	int r;

	memset(v, 0, sizeof *v);
	if (type && dwarf_aggregate_size(type, &w) == 0)
		size = w;
	if (dwarf_attr(d, DW_AT_location, &attr)) {
		r = src_getlocation(c, &attr, c->pc - c->bias, &ops, &nops);
		if (r <= 0 || nops == 0)
			return -ENODATA;
		return src_eval_ops(c, &attr, ops, nops, v, size, 0);
	}
	if (!dwarf_attr_integrate(d, DW_AT_const_value, &attr))
		return -ENODATA;
	if (dwarf_formblock(&attr, &blk) == 0) {
		v->size = blk.length < SRC_VBUF_MAX ? blk.length : SRC_VBUF_MAX;
		memcpy(v->bytes, blk.data, v->size);
	} else if (dwarf_formudata(&attr, &w) == 0) {
		v->size = 8;
		memcpy(v->bytes, &w, 8);
	} else {
		return -ENODATA;
	}
	memset(v->valid, 1, v->size);
	return 0;
}

/* A pointer variable whose location at c->pc is DW_OP_implicit_pointer:
 * it points to an object that has no address (gcc -O2 keeps the pointee
 * in registers); gdb prints it as <synthetic pointer>. */
static bool synthetic_pointer(struct src_ctx *c, Dwarf_Die *d, Dwarf_Die *t)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	Dwarf_Die p;

	if (!t || !src_peel(t, &p) || dwarf_tag(&p) != DW_TAG_pointer_type ||
	    !dwarf_attr(d, DW_AT_location, &attr) ||
	    src_getlocation(c, &attr, c->pc - c->bias, &ops, &nops) <= 0)
		return false;
	return nops == 1 && (ops[0].atom == DW_OP_implicit_pointer ||
			     ops[0].atom == DW_OP_GNU_implicit_pointer);
}

/* gdb reads a variable's whole value from memory before it prints any of
 * it: 0 when that succeeds, else -EIO and *bad the first byte it could
 * not read. */
static int value_unreadable(struct src_ctx *c, const struct src_vsrc *v, Dwarf_Die *type,
			    uint64_t *bad)
{
	Dwarf_Word size;

	if (!v->in_mem || !type || dwarf_aggregate_size(type, &size) != 0)
		return 0;
	return src_ctx_unreadable(c, v->addr, size, bad);
}

/* Value text of variable DIE d named name (caller frees; NULL on ENOMEM):
 * where its memory cannot be read, gdb's info locals line "<error reading
 * variable n (Cannot access memory at address 0x7ffc...)>" (and gdb's
 * error for a value past max-value-size), and so where
 * its location expression fails as gdb's does ("... (That operation is
 * not available on integers of more than 8 bytes.)>"). */
static char *var_value(struct src_ctx *c, Dwarf_Die *d, const char *name, Dwarf_Die *type)
{
	struct src_vsrc *v = calloc(1, sizeof *v);
	uint64_t bad = 0;
	char *out;
	int r;

	if (!v)
		return NULL;
	r = src_var_vsrc(c, d, type, v);
	if (r == -ENODATA && synthetic_pointer(c, d, type))
		out = strdup("<synthetic pointer>");
	else if (r == -EIO)
		out = strdup("<unreadable>");
	else if (r == -EDOM) { /* gdb's error in the location expression */
		if (asprintf(&out, "<error reading variable %s (%s)>", name, c->expr_err) < 0)
			out = NULL;
	} else if (r)
		out = strdup("<optimized out>");
	else if (type && src_type_size(type) > SRC_MAX_VALUE_SIZE) {
		/* gdb allocates no value past max-value-size (a big array, a
		 * VLA whose bound is not set yet) */
		if (asprintf(&out, "<error reading variable %s (value requires %" PRIu64 " bytes, "
			     "which is more than max-value-size)>", name, src_type_size(type)) < 0)
			out = NULL;
	} else if (value_unreadable(c, v, type, &bad)) {
		if (asprintf(&out, "<error reading variable %s (Cannot access memory at "
			     "address 0x%" PRIx64 ")>", name, bad) < 0)
			out = NULL;
	} else
		out = src_value_text(c, type, v);
	free(v);
	return out;
}

/* gdb's val_print_scalar_type_p: not an aggregate, through references. */
static bool is_scalar(Dwarf_Die *t)
{
	Dwarf_Die cur;
	int guard = 0, tag;

	if (!t || !src_peel(t, &cur))
		return true;
	while ((tag = dwarf_tag(&cur)) == DW_TAG_reference_type ||
	       tag == DW_TAG_rvalue_reference_type)
		if (++guard > 32 || !src_die_type(&cur, &cur) || !src_peel(&cur, &cur))
			return true;
	return tag != DW_TAG_structure_type && tag != DW_TAG_class_type &&
	       tag != DW_TAG_union_type && tag != DW_TAG_array_type;
}

/* A type that is DW_TAG_unspecified_type under typedefs and qualifiers
 * (decltype(nullptr)). */
static bool is_unspecified(Dwarf_Die *t)
{
	Dwarf_Die cur = *t;
	int guard = 0, tag;

	while ((tag = dwarf_tag(&cur)) == DW_TAG_typedef || tag == DW_TAG_const_type ||
	       tag == DW_TAG_volatile_type)
		if (++guard > 32 || !src_die_type(&cur, &cur))
			return false;
	return tag == DW_TAG_unspecified_type;
}

/* The value parameter d had on entry to its function (gdb's
 * read_variable_at_entry): its location at the function's entry (a DWARF
 * address) must be one general register, whose entry value the caller's
 * call site gives.  Values of up to 8 bytes (a small struct too: the
 * frame line shows "p=p@entry=..."); a reference is left out (gdb wants
 * DW_AT_call_data_value for it). */
int src_param_entry(struct src_ctx *c, Dwarf_Die *d, Dwarf_Die *t, Dwarf_Addr entry,
		    uint64_t *ev, char *why, size_t cap)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	Dwarf_Die p;
	uint64_t regno = 0, size;
	bool ref, other, fb = false;
	int tag, r;

	if (why && cap)
		why[0] = 0;
	if (!t || !src_peel(t, &p))
		return -ENOTSUP;
	tag = dwarf_tag(&p);
	size = src_type_size(&p);
	ref = tag == DW_TAG_reference_type || tag == DW_TAG_rvalue_reference_type;
	other = ref || tag == DW_TAG_array_type || size == 0 || size > 8;
	if (other && !why)
		return -ENOTSUP;
	if (!dwarf_attr(d, DW_AT_location, &attr) ||
	    src_getlocation(c, &attr, entry, &ops, &nops) <= 0)
		return -ENOENT;
	if (nops == 1 && ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
		regno = ops[0].atom - DW_OP_reg0;
	else if (nops == 1 && ops[0].atom == DW_OP_regx && ops[0].number <= 32)
		regno = ops[0].number;
	else if (nops == 1 && ops[0].atom == DW_OP_fbreg)
		fb = true; /* gdb's DW_OP_fbreg kind: no site's parameter matches
			    * here, only print's error needs the search */
	else {
		if (why)
			snprintf(why, cap, "DWARF-2 expression error: DW_OP_entry_value is "
				 "supported only for single DW_OP_reg* or for DW_OP_fbreg(*)");
		return -ENODATA;
	}
	if (fb && !why)
		return -ENODATA;
	if (regno == 7 || regno == 16)
		return -ENOTSUP;
	/* an aggregate: gdb's errors only (no site passes one in a register
	 * here that we read); a reference wants the site's
	 * DW_AT_call_data_value, which we do not read */
	r = src_entry_value_why(c, regno, fb || (other && !ref), ev, why, cap);
	if (r == 0 && ref) {
		snprintf(why, cap, "Cannot resolve DW_AT_call_data_value");
		return -ENODATA;
	}
	return r;
}

static bool entry_of(struct src_ctx *c, Dwarf_Die *d, Dwarf_Die *t, Dwarf_Addr entry,
		     uint64_t *ev)
{
	return src_param_entry(c, d, t, entry, ev, NULL, 0) == 0;
}

/* An unreadable scalar parameter in gdb's frame line: "<error reading
 * variable: MSG>" where info args says "<error reading variable n (MSG)>"
 * (var_value).  NULL when nv's value is no such error (or on ENOMEM). */
static char *frame_error(const struct hs_src_var *nv)
{
	static const char head[] = "<error reading variable ";
	size_t k = sizeof head - 1, nl = strlen(nv->name), len = strlen(nv->value);
	const char *msg = nv->value + k + nl + 2;
	char *out;

	if (!nv->scalar || len < k + nl + 4 || strncmp(nv->value, head, k) ||
	    strncmp(nv->value + k, nv->name, nl) || strncmp(nv->value + k + nl, " (", 2) ||
	    strcmp(nv->value + len - 2, ")>"))
		return NULL;
	if (asprintf(&out, "<error reading variable: %.*s>", (int)(len - k - nl - 4), msg) < 0)
		return NULL;
	return out;
}

/* gdb's text of parameter d in a frame line with `print entry-values
 * default`: "x=5"; with its entry value known too, "x=x@entry=5" when
 * the two are equal, else "x=6, x@entry=5" ("x=<optimized out>,
 * x@entry=5").  Aggregates are "..." (`print frame-arguments scalars`).
 * gdb resolves no entry value in an inlined copy's frame line.  NULL on
 * ENOMEM. */
static char *frame_arg(struct src_ctx *c, Dwarf_Die *d, Dwarf_Die *t, const struct hs_src_var *nv,
		       Dwarf_Addr entry, bool inlined)
{
	struct src_vsrc *v = calloc(1, sizeof *v);
	char *err = frame_error(nv);
	const char *shown = err ? err : nv->scalar ? nv->value : "...";
	uint64_t ev, cur = 0;
	char *et = NULL, *out = NULL;
	size_t size;
	int r = -1;

	if (!v)
		return NULL;
	if (inlined || !entry_of(c, d, t, entry, &ev)) {
		r = asprintf(&out, "%s=%s", nv->name, shown);
		goto done;
	}
	size = src_type_size(t);
	memcpy(v->bytes, &ev, 8);
	memset(v->valid, 1, 8);
	v->size = size;
	et = nv->scalar ? src_value_text(c, t, v) : strdup("...");
	if (!et)
		goto done;
	if (src_var_vsrc(c, d, t, v) == 0 && src_vread(c, v, 0, &cur, size) == 0 &&
	    !memcmp(&cur, &ev, size))
		r = asprintf(&out, "%s=%s@entry=%s", nv->name, nv->name, et);
	else
		r = asprintf(&out, "%s=%s, %s@entry=%s", nv->name, shown, nv->name, et);
done:
	free(err);
	free(et);
	free(v);
	return r < 0 ? NULL : out;
}

/* A variable whose DW_AT_const_value gdb keeps as bytes (LOC_CONST_BYTES:
 * a block, 8 data bytes, a string; gcc -O2's `double k = 3.0`): gdb's
 * info locals lists no such symbol (iterate_over_block_locals), info
 * args and print do.  gdb takes the constant before any location. */
static bool const_bytes(Dwarf_Die *d)
{
	Dwarf_Attribute a;

	if (!dwarf_attr_integrate(d, DW_AT_const_value, &a))
		return false;
	switch (dwarf_whatform(&a)) {
	case DW_FORM_data1: case DW_FORM_data2: case DW_FORM_data4:
	case DW_FORM_sdata: case DW_FORM_udata: case DW_FORM_implicit_const:
	case DW_FORM_addr: case DW_FORM_addrx: case DW_FORM_GNU_addr_index:
	case DW_FORM_addrx1: case DW_FORM_addrx2: case DW_FORM_addrx3: case DW_FORM_addrx4:
		return false; /* LOC_CONST, or an address (LOC_COMPUTED) */
	default:
		return true;
	}
}

static int add_var(struct src_ctx *c, struct var_list *l, Dwarf_Die *d, bool param,
		   Dwarf_Addr entry, bool inlined)
{
	const char *name = dwarf_diename(d);
	Dwarf_Die type, *tp = NULL;
	struct hs_src_var *nv;

	if (!name)
		return 0;
	if (dwarf_hasattr_integrate(d, DW_AT_declaration) &&
	    !dwarf_hasattr(d, DW_AT_location))
		return 0; /* "extern int x;" inside a block */
	if (!param && const_bytes(d))
		return 0;
	if (src_die_type(d, &type))
		tp = &type;
	if (hs_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return -ENOMEM;
	nv = &l->v[l->n];
	memset(nv, 0, sizeof *nv);
	nv->name = strdup(name);
	if (dwarf_decl_line(d, &nv->decl_line) != 0)
		nv->decl_line = 0;
	nv->type = src_type_name(tp);
	if (tp && is_unspecified(tp)) {
		/* std::nullptr_t: gdb 13 reads it as void and says so */
		if (asprintf(&nv->value, "<error reading variable %s (Attempt to "
			     "dereference a generic pointer.)>", name) < 0)
			nv->value = NULL;
	} else {
		nv->value = var_value(c, d, name, tp);
	}
	nv->is_param = param;
	nv->scalar = is_scalar(tp);
	l->n++;
	if (!nv->name || !nv->type || !nv->value)
		return -ENOMEM;
	if (param && !(nv->frame_arg = frame_arg(c, d, tp, nv, entry, inlined)))
		return -ENOMEM;
	return 0;
}

/* A walk of src_block_vars: parameters or variables, each to fn. */
struct var_walk {
	bool params;
	int (*fn)(void *ctx, Dwarf_Die *d);
	void *ctx;
};

static int block_children(struct var_walk *w, Dwarf_Die *scope, int depth);

/* One child DIE of a scope: a variable (or parameter), or a lexical block
 * with no address at all, whose children gdb puts in the enclosing block
 * (read_lexical_block_scope's PC_BOUNDS_NOT_PRESENT: the lexical blocks
 * of an abstract function's tree are such). */
static int child_vars(struct var_walk *w, Dwarf_Die *d, int depth)
{
	int tag = dwarf_tag(d);

	if (w->params ? tag == DW_TAG_formal_parameter : tag == DW_TAG_variable)
		return w->fn(w->ctx, d);
	if (tag == DW_TAG_lexical_block && depth < 64 && !dwarf_hasattr(d, DW_AT_low_pc) &&
	    !dwarf_hasattr(d, DW_AT_ranges))
		return block_children(w, d, depth + 1);
	return 0;
}

static int block_children(struct var_walk *w, Dwarf_Die *scope, int depth)
{
	Dwarf_Die child;
	int ret = 0;

	if (dwarf_child(scope, &child) != 0)
		return 0;
	do
		ret = child_vars(w, &child, depth);
	while (!ret && dwarf_siblingof(&child, &child) == 0);
	return ret;
}

/* Whether the children of concrete and abstract have the same tags one by
 * one (gdb's are_isomorphic: then a child without DW_AT_abstract_origin
 * stands for the abstract child at its place). */
static bool same_shape(Dwarf_Die *concrete, Dwarf_Die *abstract)
{
	Dwarf_Die a, b;
	int ra = dwarf_child(concrete, &a), rb = dwarf_child(abstract, &b);

	while (ra == 0 && rb == 0) {
		if (dwarf_tag(&a) != dwarf_tag(&b))
			return false;
		ra = dwarf_siblingof(&a, &a);
		rb = dwarf_siblingof(&b, &b);
	}
	return ra != 0 && rb != 0;
}

/* The abstract DIE concrete child d stands for, into *out: the end of its
 * DW_AT_abstract_origin chain; a lexical block without one (clang's) the
 * abstract child at its place (*twin, NULL unless the shapes match).
 * False when it stands for none. */
static bool origin_of(Dwarf_Die *d, const Dwarf_Die *twin, Dwarf_Die *out)
{
	Dwarf_Attribute attr;
	Dwarf_Die cur = *d;
	int guard = 0;

	while (guard++ < 16 && dwarf_attr(&cur, DW_AT_abstract_origin, &attr) &&
	       dwarf_formref_die(&attr, out) && dwarf_dieoffset(out) != dwarf_dieoffset(&cur))
		cur = *out;
	if (guard > 1) {
		*out = cur;
		return true;
	}
	if (twin && dwarf_tag(d) == DW_TAG_lexical_block) {
		*out = *twin;
		return true;
	}
	return false;
}

static int cmp_off(const void *a, const void *b)
{
	Dwarf_Off x = *(const Dwarf_Off *)a, y = *(const Dwarf_Off *)b;

	return x < y ? -1 : x > y;
}

/* The offsets of the abstract DIEs scope's children stand for, sorted
 * (*offs malloc'd, caller frees); call sites stand for none. */
static int referenced(Dwarf_Die *scope, Dwarf_Die *origin, Dwarf_Off **offs, size_t *n)
{
	bool shaped = same_shape(scope, origin);
	Dwarf_Die child, twin, o;
	size_t cap = 0;
	bool more;

	*offs = NULL;
	*n = 0;
	if (dwarf_child(scope, &child) != 0)
		return 0;
	more = shaped && dwarf_child(origin, &twin) == 0;
	do {
		int tag = dwarf_tag(&child);

		if (tag != DW_TAG_call_site && tag != DW_TAG_GNU_call_site &&
		    origin_of(&child, more ? &twin : NULL, &o)) {
			if (hs_grow((void **)offs, &cap, *n + 1, sizeof(**offs)))
				return -ENOMEM;
			(*offs)[(*n)++] = dwarf_dieoffset(&o);
		}
		more = more && dwarf_siblingof(&twin, &twin) == 0;
	} while (dwarf_siblingof(&child, &child) == 0);
	if (*n)
		qsort(*offs, *n, sizeof(**offs), cmp_off);
	return 0;
}

/* gdb's inherit_abstract_dies: the children of scope's abstract origin
 * that none of its own children stands for belong to scope too (a
 * variable the copy left out: <optimized out>; the variables of an
 * abstract lexical block the copy has no block for, flattened into
 * scope). */
static int inherited_vars(struct var_walk *w, Dwarf_Die *scope)
{
	Dwarf_Attribute attr;
	Dwarf_Die origin, oc;
	Dwarf_Off *offs = NULL, off;
	size_t n = 0;
	int ret = 0;

	if (!dwarf_attr(scope, DW_AT_abstract_origin, &attr) ||
	    !dwarf_formref_die(&attr, &origin) || dwarf_child(&origin, &oc) != 0)
		return 0;
	ret = referenced(scope, &origin, &offs, &n);
	if (ret)
		goto out;
	do {
		off = dwarf_dieoffset(&oc);
		if (!n || !bsearch(&off, offs, n, sizeof(*offs), cmp_off))
			ret = child_vars(w, &oc, 0);
	} while (!ret && dwarf_siblingof(&oc, &oc) == 0);
out:
	free(offs);
	return ret;
}

int src_block_vars(Dwarf_Die *scope, bool params, int (*fn)(void *ctx, Dwarf_Die *d),
		   void *ctx)
{
	struct var_walk w = { params, fn, ctx };
	int ret = block_children(&w, scope, 0);

	return ret ? ret : inherited_vars(&w, scope);
}

/* What scope_vars adds to l, with add_var's arguments. */
struct var_add {
	struct src_ctx *c;
	struct var_list *l;
	bool params;
	Dwarf_Addr entry;
	bool inlined;
};

static int add_one(void *ctx, Dwarf_Die *d)
{
	struct var_add *a = ctx;

	return add_var(a->c, a->l, d, a->params, a->entry, a->inlined);
}

/* Adds the variables (or parameters) of the block gdb makes of scope. */
static int scope_vars(struct src_ctx *c, struct var_list *l, Dwarf_Die *scope,
		      bool params, Dwarf_Addr entry, bool inlined)
{
	struct var_add a = { c, l, params, entry, inlined };

	return src_block_vars(scope, params, add_one, &a);
}

void hs_src_vars_free(struct hs_src_var *vars, size_t n)
{
	size_t i;

	if (!vars)
		return;
	for (i = 0; i < n; i++) {
		free(vars[i].name);
		free(vars[i].type);
		free(vars[i].value);
		free(vars[i].frame_arg);
		free(vars[i].file);
	}
	free(vars);
}

int src_frame_scope(Dwarf_Die **scopes, int *ns, unsigned hide, int *first)
{
	int f;

	*first = 0;
	for (f = 0; f < *ns; f++) {
		int tag = dwarf_tag(&(*scopes)[f]);
		Dwarf_Die *up = NULL;
		int n;

		if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine)
			continue;
		if (tag == DW_TAG_subprogram || hide == 0)
			break;
		/* up[0] is the copy itself, then the blocks holding it */
		n = dwarf_getscopes_die(&(*scopes)[f], &up);
		if (n <= 1) {
			free(up);
			break; /* no container known: show the copy */
		}
		free(*scopes);
		*scopes = up;
		*ns = n;
		hide--;
		f = 0;
		*first = 1;
	}
	return f;
}

int src_frame_func(Dwarf_Die *scopes, int ns, int f, Dwarf_Die *out)
{
	for (int i = f; i < ns; i++) {
		int tag = dwarf_tag(&scopes[i]), n, r = -1;
		Dwarf_Die *up = NULL;

		if (tag == DW_TAG_subprogram) {
			*out = scopes[i];
			return 0;
		}
		if (tag != DW_TAG_inlined_subroutine)
			continue;
		n = dwarf_getscopes_die(&scopes[i], &up);
		for (int j = 1; j < n && r; j++)
			if (dwarf_tag(&up[j]) == DW_TAG_subprogram) {
				*out = up[j];
				r = 0;
			}
		free(up);
		return r;
	}
	return -1;
}

/* Names each variable of all (innermost first: an inner block's
 * locals, the function's, then the parameters) its file in locals/: the
 * first of a name as it is, one an inner declaration hides
 * "name:LINE" (its declaration's line; "name:LINE.2"... where two
 * share it).  0 or -ENOMEM. */
static int name_files(struct var_list *all)
{
	for (size_t i = 0; i < all->n; i++) {
		struct hs_src_var *v = &all->v[i];
		char *f = strdup(v->name);

		for (int k = 1; f && file_taken(all, i, f); k++) {
			free(f);
			if ((k == 1 ? asprintf(&f, "%s:%d", v->name, v->decl_line) :
			     asprintf(&f, "%s:%d.%d", v->name, v->decl_line, k)) < 0)
				f = NULL;
		}
		if (!f)
			return -ENOMEM;
		v->file = f;
	}
	return 0;
}

/* The variables in gdb's order, parameters (info args) then locals
 * (info locals, innermost block first), into *vars, *n (caller frees
 * with hs_src_vars_free): params' and locals' entries move there. */
static int merge_vars(struct var_list *params, struct var_list *locals,
		      struct hs_src_var **vars, size_t *n)
{
	size_t np = params->n, nl = locals->n;
	struct var_list all = { calloc(np + nl ? np + nl : 1, sizeof(*all.v)), np + nl, 0 };
	struct hs_src_var *out = calloc(np + nl ? np + nl : 1, sizeof(*out));
	int ret;

	if (!all.v || !out) {
		free(all.v);
		free(out);
		return -ENOMEM;
	}
	/* innermost first to name them (an empty list's array is NULL) */
	for (size_t j = 0; j < nl; j++)
		all.v[j] = out[np + j] = locals->v[j];
	for (size_t j = 0; j < np; j++)
		all.v[nl + j] = out[j] = params->v[j];
	params->n = locals->n = 0;
	ret = name_files(&all);
	for (size_t j = 0; j < nl; j++)
		out[np + j].file = all.v[j].file;
	for (size_t j = 0; j < np; j++)
		out[j].file = all.v[nl + j].file;
	free(all.v);
	*vars = out;
	*n = np + nl;
	if (ret) {
		hs_src_vars_free(out, np + nl);
		*vars = NULL;
		*n = 0;
	}
	return ret;
}

int hs_src_locals(struct hs_src *s, const struct hs_src_target *tg,
		  struct hs_src_var **vars, size_t *n)
{
	struct src_ctx c = { .s = s, .tg = tg };
	struct var_list params = { 0 }, locals = { 0 };
	struct src_ctx *prev;
	Dwarf_Die *cu, *scopes = NULL, func;
	Dwarf_Addr bias, entry;
	int ns, i, f, first, ret = 0;
	bool inlined;
	uint64_t rip;

	if (!s || !tg || !tg->regs || !tg->read_mem || !vars || !n || !s->finished)
		return -EINVAL;
	*vars = NULL;
	*n = 0;
	rip = tg->regs->rip;
	c.regs = tg->regs;
	c.pc = rip;
	c.gdb_print = tg->gdb_print;
	c.m = src_mod_find(s, rip);
	if (!c.m)
		return -ENOENT;
	if (!c.m->dw)
		return -ENODATA;
	c.pages = malloc(SRC_NPAGES * sizeof *c.pages);
	if (!c.pages)
		return -ENOMEM;
	for (i = 0; i < SRC_NPAGES; i++)
		c.pages[i].addr = UINT64_MAX;
	pthread_mutex_lock(&s->dw_lock);
	cu = src_cu_at(c.m, rip, &bias);
	if (!cu) {
		ret = -ENODATA;
		goto out;
	}
	c.bias = bias;
	/* (libdw finds no scope at some pcs of inlined copies: src_getscopes
	 * then walks the CU as gdb's blocks hold the pc) */
	ns = src_getscopes(cu, rip - bias, &scopes);
	if (ns <= 0) {
		ret = -ENODATA;
		goto out;
	}
	/* the function shown: a subprogram or an inlined instance */
	f = src_frame_scope(&scopes, &ns, tg->hide_inline, &first);
	if (f == ns) {
		ret = -ENODATA;
		goto out;
	}
	/* the frame base lives on the concrete out-of-line subprogram */
	if (src_frame_func(scopes, ns, f, &func) == 0)
		c.func = &func;
	/* where gdb reads the parameters' entry values: the function's (or
	 * the inlined copy's) entry */
	if (dwarf_entrypc(&scopes[f], &entry) != 0)
		entry = rip - bias;
	inlined = dwarf_tag(&scopes[f]) == DW_TAG_inlined_subroutine;
	prev = src_bounds_frame(&c); /* variable-length arrays: this frame's */
	/* innermost blocks first: they shadow outer declarations */
	for (i = first; i <= f && !ret; i++)
		ret = scope_vars(&c, &locals, &scopes[i], false, entry, inlined);
	/* (parameters the concrete instance leaves out, gcc's constructors'
	 * __in_chrg, constant-propagated ones: gdb takes them from the
	 * abstract origin, after the others, as <optimized out>) */
	if (!ret)
		ret = scope_vars(&c, &params, &scopes[f], true, entry, inlined);
	src_bounds_frame(prev);
	if (ret)
		goto out;
	ret = merge_vars(&params, &locals, vars, n);
out:
	pthread_mutex_unlock(&s->dw_lock);
	free(c.pages);
	free(scopes);
	hs_src_vars_free(params.v, params.n);
	hs_src_vars_free(locals.v, locals.n);
	return ret;
}
