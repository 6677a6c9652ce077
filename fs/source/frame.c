/* frame.c - fs/source: a function's return value as gdb's `finish` prints
 * it, and the list of every symbol (for a search box).
 *
 * Return values follow the SysV x86-64 ABI (classification of each
 * eightbyte, §3.2.3): INTEGER eightbytes come back in rax then rdx, SSE
 * ones in xmm0 then xmm1; a value over 16 bytes, a C++ class passed by
 * invisible reference (DW_AT_calling_convention, or for gcc, which does
 * not say, a user-provided copy constructor or destructor: gdb's rule),
 * or a long double beside
 * other members is returned in memory, whose address is in rax on return.
 * A long double alone (or a struct of one) is class X87: it comes back in
 * st(0), a _Complex long double in st(0) and st(1).  Valgrind keeps the
 * x87 registers as doubles, so such a value has a double's precision.
 * The text is format.c's, the formatter of locals: one formatter for all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "source_i.h"

enum ret_class { RC_NONE = 0, RC_INT, RC_SSE, RC_X87 };

#define RET_DEPTH 16

/* Whether a special member function DIE is the compiler's (implicit, or
 * defaulted in the class: trivial where its members' are). */
static bool implicit_member(Dwarf_Die *f)
{
	Dwarf_Attribute a;
	Dwarf_Word d = DW_DEFAULTED_no;

	if (dwarf_hasattr(f, DW_AT_artificial))
		return true;
	if (dwarf_attr(f, DW_AT_defaulted, &a))
		dwarf_formudata(&a, &d);
	return d == DW_DEFAULTED_in_class;
}

/* A constructor whose one parameter (after `this`) is a reference: a copy
 * or move constructor. */
static bool copy_or_move_ctor(Dwarf_Die *f)
{
	Dwarf_Die prm, t;
	int n = 0, tag = 0;

	if (dwarf_child(f, &prm) != 0)
		return false;
	do {
		if (dwarf_tag(&prm) != DW_TAG_formal_parameter ||
		    dwarf_hasattr(&prm, DW_AT_artificial))
			continue;
		if (n++ == 0 && src_die_type(&prm, &t))
			tag = dwarf_tag(&t);
	} while (dwarf_siblingof(&prm, &prm) == 0);
	return n == 1 && (tag == DW_TAG_reference_type || tag == DW_TAG_rvalue_reference_type);
}

/* The Itanium C++ ABI's "non-trivial for the purposes of calls" where the
 * producer does not say (gcc gives no DW_AT_calling_convention): a
 * user-provided copy or move constructor or destructor, a virtual
 * function or a virtual base.  Such a class is returned in memory
 * whatever its size, as gdb's gnuv3_pass_by_reference decides; its bases
 * and members are classified (and so checked) one by one. */
static bool cxx_by_reference(Dwarf_Die *cls)
{
	const char *name = dwarf_diename(cls);
	size_t nlen = name ? strcspn(name, "<") : 0;
	Dwarf_Die f;

	if (dwarf_child(cls, &f) != 0)
		return false;
	do {
		const char *fn;

		if (dwarf_hasattr(&f, DW_AT_virtuality))
			return true; /* a virtual function, or a virtual base */
		if (dwarf_tag(&f) != DW_TAG_subprogram || implicit_member(&f) ||
		    !(fn = dwarf_diename(&f)))
			continue;
		if (fn[0] == '~')
			return true;
		if (nlen && strncmp(fn, name, nlen) == 0 && (fn[nlen] == 0 || fn[nlen] == '<') &&
		    copy_or_move_ctor(&f))
			return true;
	} while (dwarf_siblingof(&f, &f) == 0);
	return false;
}

/* Classifies the eightbytes of type t placed at off into cls[2]: false
 * when the value goes in memory. */
static bool classify(Dwarf_Die *t, uint64_t off, enum ret_class cls[2], int depth)
{
	Dwarf_Die p, child, mt;
	Dwarf_Attribute a;
	Dwarf_Word enc = 0, cc;
	uint64_t size, esize, n;
	int tag;

	if (depth > RET_DEPTH || !src_peel(t, &p))
		return false;
	size = src_type_size(&p);
	tag = dwarf_tag(&p);
	if (size == 0 || off > 16 || size > 16 - off) /* no wrap on a bad DWARF size */
		return false;
	switch (tag) {
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		if (dwarf_attr(&p, DW_AT_calling_convention, &a) &&
		    dwarf_formudata(&a, &cc) == 0) {
			if (cc == DW_CC_pass_by_reference)
				return false;
		} else if (tag != DW_TAG_union_type && cxx_by_reference(&p)) {
			return false;
		}
		if (dwarf_child(&p, &child) != 0)
			return true;
		do {
			Dwarf_Word moff = 0;

			if (dwarf_tag(&child) != DW_TAG_member &&
			    dwarf_tag(&child) != DW_TAG_inheritance)
				continue;
			if (dwarf_hasattr(&child, DW_AT_external) ||
			    dwarf_hasattr(&child, DW_AT_declaration))
				continue; /* a static member */
			if (dwarf_attr(&child, DW_AT_data_member_location, &a))
				dwarf_formudata(&a, &moff);
			if (src_die_type(&child, &mt) && !classify(&mt, off + moff, cls, depth + 1))
				return false;
		} while (dwarf_siblingof(&child, &child) == 0);
		return true;
	case DW_TAG_array_type:
		if (!src_die_type(&p, &mt) || (esize = src_type_size(&mt)) == 0)
			return false;
		for (n = 0; n < size / esize; n++)
			if (!classify(&mt, off + n * esize, cls, depth + 1))
				return false;
		return true;
	case DW_TAG_base_type:
		if (dwarf_attr(&p, DW_AT_encoding, &a))
			dwarf_formudata(&a, &enc);
		if (enc == DW_ATE_float || enc == DW_ATE_complex_float) {
			if (enc == DW_ATE_float && size > 8) {
				/* long double: X87 (and X87UP), alone or in memory */
				if (off != 0 || cls[0] != RC_NONE)
					return false;
				cls[0] = cls[1] = RC_X87;
				return true;
			}
			if (size > 16)
				return false; /* _Complex long double: returned_bytes */
			for (n = off / 8; n <= (off + size - 1) / 8 && n < 2; n++) {
				if (cls[n] == RC_X87)
					return false; /* X87 merged with SSE: memory */
				if (cls[n] == RC_NONE)
					cls[n] = RC_SSE;
			}
			return true;
		}
		break;
	default:
		break;
	}
	for (n = off / 8; n <= (off + size - 1) / 8; n++) {
		if (n >= 2 || cls[n] == RC_X87)
			return false; /* past 16 bytes: memory */
		cls[n] = RC_INT;
	}
	return true;
}

void src_x87_st(const struct hs_trace_regs *r, unsigned i, uint8_t *out)
{
	long double ld;
	double d;
	uint64_t raw = r->fpreg[(r->ftop + i) & 7];

	memcpy(&d, &raw, sizeof d);
	ld = d;
	memcpy(out, &ld, 10);
}

/* _Complex long double: COMPLEX_X87, the real part in st(0), the
 * imaginary in st(1). */
static bool complex_x87(Dwarf_Die *t)
{
	Dwarf_Die p;
	Dwarf_Attribute a;
	Dwarf_Word enc = 0;

	if (!src_peel(t, &p) || dwarf_tag(&p) != DW_TAG_base_type)
		return false;
	if (dwarf_attr(&p, DW_AT_encoding, &a))
		dwarf_formudata(&a, &enc);
	return enc == DW_ATE_complex_float && src_type_size(&p) == 32;
}

/* The value of type t as it is at a return: in v (registers or memory). */
static void returned_bytes(const struct hs_trace_regs *r, Dwarf_Die *t, struct src_vsrc *v)
{
	enum ret_class cls[2] = { RC_NONE, RC_NONE };
	uint64_t size = src_type_size(t);
	int ni = 0, nx = 0;

	memset(v, 0, sizeof(*v));
	if (complex_x87(t)) {
		src_x87_st(r, 0, v->bytes);
		src_x87_st(r, 1, v->bytes + 16);
		v->size = size;
		memset(v->valid, 1, size);
		return;
	}
	if (!classify(t, 0, cls, 0)) {
		v->in_mem = true;
		v->addr = r->gpr[0]; /* rax: the caller's buffer */
		v->size = size;
		return;
	}
	if (cls[0] == RC_X87) {
		src_x87_st(r, 0, v->bytes);
		v->size = size;
		memset(v->valid, 1, size);
		return;
	}
	for (int i = 0; i < 2 && (uint64_t)i * 8 < size; i++) {
		size_t len = size - (uint64_t)i * 8 < 8 ? size - (uint64_t)i * 8 : 8;
		const uint8_t *src;

		if (cls[i] == RC_SSE)
			src = r->ymm[nx++];
		else
			src = (const uint8_t *)&r->gpr[ni++ == 0 ? 0 : 2]; /* rax, rdx */
		memcpy(v->bytes + i * 8, src, len);
	}
	v->size = size;
	memset(v->valid, 1, size);
}

/* Whether gdb's finish (a top-level print) puts "(TYPE) " before a value
 * of type t (typedefs peeled): pointers but those to plain char (their
 * string says enough), and references shown as "@0x...: v" (not those a
 * printer shows as their target). */
static bool finish_shows_type(Dwarf_Die *t, const char *text)
{
	Dwarf_Die d;
	const char *n;
	int tag = dwarf_tag(t);

	if (tag == DW_TAG_reference_type || tag == DW_TAG_rvalue_reference_type)
		return text[0] == '@';
	if (tag != DW_TAG_pointer_type)
		return false;
	if (!src_die_type(t, &d))
		return true; /* void * */
	for (int i = 0; i < 8 && (dwarf_tag(&d) == DW_TAG_const_type ||
				  dwarf_tag(&d) == DW_TAG_volatile_type); i++)
		if (!src_die_type(&d, &d))
			return true;
	n = dwarf_diename(&d);
	return dwarf_tag(&d) != DW_TAG_base_type || !n || strcmp(n, "char") != 0;
}

int hs_src_return_value(struct hs_src *s, uint64_t entry, const struct hs_src_target *tg,
			char **type, char **value)
{
	struct src_ctx c = { .s = s, .tg = tg };
	Dwarf_Die *cu, sub, rt, origin;
	Dwarf_Attribute a;
	struct src_vsrc *v = NULL;
	Dwarf_Addr bias;
	int ret = 0;

	if (!s || !tg || !tg->regs || !tg->read_mem || !type || !value || !s->finished)
		return -EINVAL;
	*type = *value = NULL;
	c.regs = tg->regs;
	c.pc = entry;
	c.gdb_print = tg->gdb_print;
	c.m = src_mod_find(s, entry);
	if (!c.m)
		return -ENOENT;
	if (!c.m->dw)
		return -ENODATA;
	c.pages = malloc(SRC_NPAGES * sizeof *c.pages);
	v = malloc(sizeof(*v));
	if (!c.pages || !v) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (int i = 0; i < SRC_NPAGES; i++)
		c.pages[i].addr = UINT64_MAX;
	pthread_mutex_lock(&s->dw_lock);
	cu = src_cu_at(c.m, entry, &bias);
	if (!cu || !src_func_at(c.m, entry, &sub)) {
		ret = -ENODATA;
		goto out;
	}
	c.bias = bias;
	c.func = &sub;
	/* a concrete instance names its type through its abstract origin */
	if (!src_die_type(&sub, &rt) &&
	    !(dwarf_attr(&sub, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &origin) &&
	      src_die_type(&origin, &rt))) {
		ret = -ENOENT; /* void */
		goto out;
	}
	if (!src_peel(&rt, &origin)) {
		ret = -ENOENT; /* void behind a typedef */
		goto out;
	}
	returned_bytes(tg->regs, &rt, v);
	*type = src_type_name(&rt);
	*value = src_value_text(&c, &rt, v);
	if (*type && *value && tg->gdb_print && finish_shows_type(&origin, *value)) {
		/* gdb's finish takes the return type with typedefs peeled
		 * (check_typedef): "(int (*)(int))" for a fn_t */
		char *peeled = src_type_name(&origin), *typed = NULL;

		if (!peeled || asprintf(&typed, "(%s) %s", peeled, *value) < 0)
			typed = NULL;
		free(peeled);
		free(*value);
		*value = typed;
	}
	if (!*type || !*value) {
		free(*type);
		free(*value);
		*type = *value = NULL;
		ret = -ENOMEM;
	}
out:
	pthread_mutex_unlock(&s->dw_lock);
out_free:
	free(v);
	free(c.pages);
	return ret;
}

/* ---- every symbol ------------------------------------------------------------ */

static int each_sym(const struct src_mod *m, const struct src_sym *v, size_t n, bool function,
		    hs_src_symbol_fn cb, void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		struct hs_src_symbol sym = {
			.name = function ? SRC_SYM_BNAME(&v[i]) : SRC_SYM_DNAME(&v[i]),
			.linkage_name = v[i].name,
			.addr = v[i].addr,
			.size = v[i].size,
			.function = function,
			.module = m->pub.path,
		};
		int err = cb(ctx, &sym);

		if (err)
			return err;
	}
	return 0;
}

int hs_src_symbols(struct hs_src *s, hs_src_symbol_fn cb, void *ctx)
{
	int err = 0;

	if (!s || !cb || !s->finished)
		return -EINVAL;
	for (size_t i = 0; i < s->n_mods && !err; i++) {
		const struct src_mod *m = &s->mods[i];

		err = each_sym(m, m->syms, m->n_syms, true, cb, ctx);
		if (!err)
			err = each_sym(m, m->objs, m->n_objs, false, cb, ctx);
	}
	return err;
}
