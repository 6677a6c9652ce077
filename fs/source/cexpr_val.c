/* cexpr_val.c - fs/source: the types and values of C expressions (cexpr_i.h).
 *
 * What an expression's values are made of: DWARF types with pointer
 * levels on top, made-up integers, lvalues in target memory or bytes;
 * reading them as integers, C's decay of arrays and functions, *p, a[i],
 * members (through anonymous members and base classes, bit-fields).
 * The parser (cexpr.c) builds expressions out of these.  gdb's messages
 * (valarith.c, valops.c) where one fails.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cexpr_i.h"

/* ---- types ---------------------------------------------------------------- */

void cx_int_type(struct cx_type *t, uint8_t size, bool sign)
{
	memset(t, 0, sizeof *t);
	t->kind = CT_INT;
	t->size = size;
	t->sign = sign;
	t->name = size == 8 ? (sign ? "long" : "unsigned long") :
		  size == 1 ? (sign ? "char" : "unsigned char") :
		  size == 2 ? (sign ? "short" : "unsigned short") :
		  (sign ? "int" : "unsigned int");
}

enum cx_class cx_class_of(const struct cx_type *t, Dwarf_Die *peeled)
{
	Dwarf_Die p;

	if (t->arr_n)
		return CL_ARRAY;
	if (t->ref)
		return CL_REF;
	if (t->nptr)
		return CL_PTR;
	if (t->kind == CT_INT)
		return CL_INT;
	if (t->kind == CT_FLOAT)
		return CL_FLOAT;
	if (t->kind == CT_SYN)
		return CL_OTHER; /* cx_member and value_text know it */
	if (t->kind == CT_VOID || !src_peel((Dwarf_Die *)&t->die, &p))
		return CL_VOID;
	if (peeled)
		*peeled = p;
	switch (dwarf_tag(&p)) {
	case DW_TAG_base_type: {
		Dwarf_Attribute a;
		Dwarf_Word enc = 0;

		if (dwarf_attr(&p, DW_AT_encoding, &a))
			dwarf_formudata(&a, &enc);
		return enc == DW_ATE_float || enc == DW_ATE_complex_float ? CL_FLOAT : CL_INT;
	}
	case DW_TAG_enumeration_type:
		return CL_INT;
	case DW_TAG_pointer_type:
		return CL_PTR;
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		return CL_REF;
	case DW_TAG_array_type:
		return CL_ARRAY;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type:
		return CL_STRUCT;
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram: /* a function named in the expression */
		return CL_FUNC;
	default:
		return CL_OTHER;
	}
}

uint64_t cx_size(const struct cx_type *t)
{
	Dwarf_Die p;
	enum cx_class k = cx_class_of(t, &p);
	uint64_t n;

	if (t->arr_n) {
		struct cx_type e = *t;

		e.arr_n = 0;
		return t->arr_n * cx_size(&e);
	}
	if (t->nptr || t->ref)
		return 8;
	if (t->kind == CT_INT || t->kind == CT_FLOAT)
		return t->size;
	if (t->kind == CT_SYN)
		return t->syn->size;
	if (k == CL_VOID || k == CL_FUNC)
		return 1; /* gdb's sizeof(void) */
	if (k == CL_ARRAY && t->dim > 0) {
		uint64_t dims[8];
		int nd = src_array_bounds(&p, dims, 8);
		Dwarf_Die et;

		n = src_die_type(&p, &et) ? src_type_size(&et) : 0;
		for (int i = t->dim; i < nd; i++)
			n *= dims[i];
		return n;
	}
	n = src_type_size(&p);
	if (!n && (k == CL_PTR || k == CL_REF))
		n = 8;
	return n;
}

bool cx_target(const struct cx_type *t, struct cx_type *out)
{
	Dwarf_Die p;
	enum cx_class k = cx_class_of(t, &p);

	if (t->arr_n) {
		*out = *t;
		out->arr_n = 0;
		return true;
	}
	if (t->ref) {
		*out = *t;
		out->ref = 0;
		return true;
	}
	if (t->nptr) {
		*out = *t;
		out->nptr--;
		return true;
	}
	if (k != CL_PTR && k != CL_ARRAY && k != CL_REF)
		return false;
	if (k == CL_ARRAY) {
		uint64_t dims[8];

		if (t->dim + 1 < src_array_bounds(&p, dims, 8)) {
			/* a row of a multi-dimensional array */
			*out = *t;
			out->die = p;
			out->dim++;
			return true;
		}
	}
	memset(out, 0, sizeof *out);
	if (!src_die_type(&p, &out->die))
		out->kind = CT_VOID;
	return true;
}

/* A pointer DIE to t's DIE in its compile unit (gcc keeps them at the
 * top): used instead of a made-up level, so char * prints its string. */
static bool find_pointer_die(Dwarf_Die *t, Dwarf_Die *out)
{
	Dwarf_Die cu, ch, tgt;
	Dwarf_Off want = dwarf_dieoffset(t);

	if (!dwarf_diecu(t, &cu, NULL, NULL) || dwarf_child(&cu, &ch) != 0)
		return false;
	do {
		if (dwarf_tag(&ch) == DW_TAG_pointer_type && src_die_type(&ch, &tgt) &&
		    dwarf_dieoffset(&tgt) == want && !dwarf_hasattr(&ch, DW_AT_name)) {
			*out = ch;
			return true;
		}
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

/* The type "pointer to t". */
void cx_pointer_to(const struct cx_type *t, struct cx_type *out)
{
	Dwarf_Die pd;

	*out = *t;
	if (t->kind == CT_DIE && !t->nptr && !t->dim && find_pointer_die((Dwarf_Die *)&t->die, &pd)) {
		out->die = pd;
		return;
	}
	out->nptr++;
}

/* ---- values ----------------------------------------------------------------- */

void cx_lval(struct cx_val *out, const struct cx_type *ty, uint64_t addr)
{
	memset(out, 0, sizeof *out);
	out->ty = *ty;
	out->v.in_mem = true;
	out->v.addr = addr;
	out->v.size = cx_size(ty);
}

void cx_bool_val(struct cx_val *out, bool c)
{
	cx_int_val(out, c, 1, false);
	out->ty.name = "bool";
}

void cx_int_val(struct cx_val *out, uint64_t u, uint8_t size, bool sign)
{
	memset(out, 0, sizeof *out);
	cx_int_type(&out->ty, size, sign);
	memcpy(out->v.bytes, &u, size);
	memset(out->v.valid, 1, size);
	out->v.size = size;
}

static int mem_error(struct cx *x, uint64_t addr)
{
	return cx_fail(x, "Cannot access memory at address 0x%" PRIx64, addr);
}

int cx_scalar(struct cx *x, const struct cx_val *v, uint64_t *u, bool *sign)
{
	Dwarf_Die p;
	enum cx_class k = cx_class_of(&v->ty, &p);
	uint64_t size = cx_size(&v->ty);
	uint8_t raw[8] = { 0 };

	*u = 0; /* set on every path: callers read it only on 0, the analyser
		 * cannot see that cx_fail never returns 0 */
	*sign = false;
	if (v->optout)
		return cx_fail(x, "value has been optimized out");
	if (v->ty.kind == CT_SYN && !v->ty.nptr)
		return cx_syn_fail(x);
	if (k != CL_INT && k != CL_PTR)
		return cx_fail(x, "Argument to arithmetic operation not a number or boolean.");
	/* __int128: gdb 13's unpack_long (a vector register is no integer) */
	if (k == CL_INT && size > 8 && v->ty.reg != CX_REG_VEC)
		return cx_fail(x, "%s", SRC_ERR_WIDE_INT);
	if (size == 0 || size > 8)
		return cx_fail(x, "Argument to arithmetic operation not a number or boolean.");
	if (x->noeval && v->v.in_mem) {
		/* inside sizeof: no memory is read (bytes at hand are used) */
		*u = 0;
		*sign = false;
		return 0;
	}
	if (src_vread(x->c, &v->v, 0, raw, size))
		return mem_error(x, v->v.in_mem ? v->v.addr : 0);
	memcpy(u, raw, 8);
	*sign = false;
	if (k == CL_INT) {
		if (v->ty.kind == CT_INT) {
			*sign = v->ty.sign;
		} else {
			Dwarf_Attribute a;
			Dwarf_Word enc = DW_ATE_signed;
			Dwarf_Die ut;

			/* an enum's sign is its underlying type's (or signed) */
			if (dwarf_tag(&p) == DW_TAG_enumeration_type && src_die_type(&p, &ut))
				p = ut;
			if (dwarf_attr(&p, DW_AT_encoding, &a))
				dwarf_formudata(&a, &enc);
			*sign = enc == DW_ATE_signed || enc == DW_ATE_signed_char ||
				(dwarf_tag(&p) == DW_TAG_enumeration_type &&
				 !dwarf_hasattr(&p, DW_AT_encoding));
		}
		if (*sign && size < 8 && (raw[size - 1] & 0x80))
			*u |= ~(uint64_t)0 << (size * 8);
	}
	return 0;
}

int cx_coerce_ref(struct cx *x, struct cx_val *v)
{
	struct cx_type t;
	uint64_t p = 0;

	if (v->msym)
		return cx_fail(x, "'%.*s' has unknown type; cast it to its declared type",
			       (int)src_unversioned_len(v->msym), v->msym);
	if (cx_class_of(&v->ty, NULL) != CL_REF)
		return 0;
	if (!x->noeval && src_vread(x->c, &v->v, 0, &p, 8))
		return mem_error(x, v->v.in_mem ? v->v.addr : 0);
	if (!cx_target(&v->ty, &t)) /* a reference always has a target */
		return 0;
	cx_lval(v, &t, p);
	return 0;
}

/* An array as a pointer to its first element, a function as a pointer
 * to it (C's decay). */
int cx_decay(struct cx *x, struct cx_val *v)
{
	struct cx_type et, pt;
	uint64_t addr = v->v.addr;

	if (cx_class_of(&v->ty, NULL) == CL_FUNC && !v->ty.nptr) {
		pt = v->ty;
		pt.nptr = 1;
		cx_int_val(v, addr, 8, false);
		v->ty = pt;
		return 0;
	}
	if (cx_class_of(&v->ty, NULL) != CL_ARRAY)
		return 0;
	if (!v->v.in_mem)
		return cx_fail(x, "Attempt to take address of value not located in memory.");
	cx_target(&v->ty, &et);
	cx_pointer_to(&et, &pt);
	cx_int_val(v, addr, 8, false);
	v->ty = pt;
	return 0;
}

/* Bytes [off, off+size) of v as a value of type ty. */
void cx_sub_value(const struct cx_val *v, uint64_t off, const struct cx_type *ty,
		      struct cx_val *out)
{
	struct cx_val r;

	if (v->v.in_mem) {
		cx_lval(out, ty, v->v.addr + off);
		return;
	}
	memset(&r, 0, sizeof r);
	r.ty = *ty;
	r.optout = v->optout;
	r.v.size = cx_size(ty);
	if (off < v->v.size) {
		size_t n = v->v.size - off < r.v.size ? v->v.size - off : r.v.size;

		memcpy(r.v.bytes, v->v.bytes + off, n);
		memcpy(r.v.valid, v->v.valid + off, n);
	}
	*out = r;
}

/* libstdc++'s containers without gdb's Python xmethods: a class whose
 * name starts with prefix (its template arguments follow), else false. */
static bool std_class(const struct cx_val *v, const char *prefix)
{
	Dwarf_Die st;
	const char *n;

	if (cx_class_of(&v->ty, &st) != CL_STRUCT)
		return false;
	n = dwarf_diename(&st);
	return n && !strncmp(n, prefix, strlen(prefix));
}

/* The pointer a C++ iterator or container holds, for *it, it->m and v[i]
 * as gdb evaluates them by calling operator*, operator-> or operator[]
 * in the live process (a recording runs nothing): a vector's or string's
 * iterator (__gnu_cxx::__normal_iterator: _M_current) and std::vector
 * (_M_impl._M_start).  0 with out set, -ENOENT for any other value. */
int cx_std_pointer(struct cx *x, const struct cx_val *vin, struct cx_val *out)
{
	/* a copy: callers pass out == vin */
	struct cx_val impl, vc = *vin, *v = &vc;

	if (std_class(v, "__normal_iterator<"))
		return cx_member(x, v, "_M_current", strlen("_M_current"), out) ? -EINVAL : 0;
	if (std_class(v, "vector<") && !std_class(v, "vector<bool")) {
		if (cx_member(x, v, "_M_impl", strlen("_M_impl"), &impl))
			return -EINVAL;
		return cx_member(x, &impl, "_M_start", strlen("_M_start"), out) ? -EINVAL : 0;
	}
	/* smart pointers, strings, std::array (cexpr_std.c) */
	return cx_std_pointer_of(x, v, false, out);
}

int cx_std_vector_len(struct cx *x, const struct cx_val *v, uint64_t *n)
{
	struct cx_val impl, start, finish;
	struct cx_type et;
	uint64_t a, b, esize;
	bool sign;

	if (!std_class(v, "vector<") || std_class(v, "vector<bool"))
		return -ENOENT;
	if (cx_member(x, v, "_M_impl", strlen("_M_impl"), &impl) ||
	    cx_member(x, &impl, "_M_start", strlen("_M_start"), &start) ||
	    cx_member(x, &impl, "_M_finish", strlen("_M_finish"), &finish) ||
	    cx_scalar(x, &start, &a, &sign) || cx_scalar(x, &finish, &b, &sign) ||
	    !cx_target(&start.ty, &et))
		return -EINVAL;
	esize = cx_size(&et);
	*n = b >= a && esize ? (b - a) / esize : 0;
	return 0;
}

int cx_deref(struct cx *x, const struct cx_val *vin, struct cx_val *out)
{
	struct cx_val v = *vin;
	struct cx_type t;
	uint64_t p;
	bool sign;
	enum cx_class k;

	if (cx_coerce_ref(x, &v))
		return -EINVAL;
	if (v.ty.kind == CT_SYN && !v.ty.nptr)
		return cx_syn_fail(x);
	k = cx_class_of(&v.ty, NULL);
	if (k == CL_ARRAY) {
		if (!cx_target(&v.ty, &t))
			return cx_fail(x, "Attempt to take contents of a non-pointer value.");
		cx_sub_value(&v, 0, &t, out);
		return 0;
	}
	if (k == CL_FUNC) {
		*out = v; /* *f is f, as in C */
		return 0;
	}
	if (k == CL_INT) {
		/* gdb: "*" on an integer reads an int at that address */
		if (cx_scalar(x, &v, &p, &sign))
			return -EINVAL;
		cx_int_type(&t, 4, true);
		cx_lval(out, &t, p);
		return 0;
	}
	if (k == CL_STRUCT) {
		/* an iterator's, a smart pointer's *p (gdb's xmethods) */
		int err = std_class(&v, "__normal_iterator<") ? cx_std_pointer(x, &v, &v) :
			  cx_std_pointer_of(x, &v, true, &v);

		if (err && err != -ENOENT)
			return err;
		k = cx_class_of(&v.ty, NULL);
	}
	if (k != CL_PTR || !cx_target(&v.ty, &t))
		return cx_fail(x, "Attempt to take contents of a non-pointer value.");
	if (cx_class_of(&t, NULL) == CL_VOID && t.reg != CX_REG_CODE) /* *$pc: code */
		return cx_fail(x, "Attempt to take contents of a non-pointer value.");
	if (cx_scalar(x, &v, &p, &sign))
		return -EINVAL;
	cx_lval(out, &t, p);
	return 0;
}

int cx_ptr_math_check(struct cx *x, const struct cx_type *pt)
{
	struct cx_type t;
	Dwarf_Die p;

	if (pt->arr_n || pt->ref || !cx_target(pt, &t) || t.kind != CT_DIE || t.dim || t.arr_n ||
	    cx_class_of(&t, &p) != CL_ARRAY || !src_array_dynamic(&p))
		return 0;
	/* a pointer the program's DWARF types (double (*)[variable length])
	 * points to the unresolved array; one made by & (&vla) to the
	 * value's resolved type, of no length only without bounds */
	if (pt->nptr == 0 || cx_size(&t) == 0)
		return cx_fail(x, "Cannot perform pointer math on incomplete types, try casting "
				  "to a known type, or void *.");
	return 0;
}

int cx_index(struct cx *x, const struct cx_val *vin, int64_t i, struct cx_val *out)
{
	struct cx_val v = *vin;
	struct cx_type et;
	enum cx_class k;
	uint64_t p, esize;
	bool sign;

	if (cx_coerce_ref(x, &v))
		return -EINVAL;
	if (v.ty.kind == CT_SYN && !v.ty.nptr)
		return cx_syn_index(x, &v, i, out);
	k = cx_class_of(&v.ty, NULL);
	if (k == CL_STRUCT) {
		int r = cx_std_elem(x, &v, i, out);

		if (r != -ENOENT)
			return r;
	}
	if (k == CL_STRUCT && cx_std_pointer(x, &v, &v) == 0)
		k = cx_class_of(&v.ty, NULL); /* gdb's xmethods: v[i] is _M_start[i] */
	if (x->failed)
		return -EINVAL;
	if (k == CL_STRUCT && cx_std_printed(&v)) /* m[key]: gdb would call it */
		return cx_std_call(x, &v, "operator[]", strlen("operator[]"), NULL, 0, out);
	if (k != CL_ARRAY && k != CL_PTR) {
		char *n = src_type_name(v.ty.kind == CT_DIE ? &v.ty.die : NULL);

		cx_fail(x, "cannot subscript something of type `%s'",
			v.ty.kind == CT_INT || v.ty.kind == CT_FLOAT ? v.ty.name : n ? n : "void");
		free(n);
		return -EINVAL;
	}
	if (!cx_target(&v.ty, &et))
		return cx_fail(x, "cannot subscript this value");
	esize = cx_size(&et);
	if (k == CL_ARRAY) {
		cx_sub_value(&v, (uint64_t)i * esize, &et, out);
		return 0;
	}
	if (cx_class_of(&et, NULL) == CL_VOID)
		return cx_fail(x, "Attempt to take contents of a non-pointer value.");
	if (cx_ptr_math_check(x, &v.ty) || cx_scalar(x, &v, &p, &sign))
		return -EINVAL;
	cx_lval(out, &et, p + (uint64_t)i * esize);
	return 0;
}

/* ---- members ------------------------------------------------------------------ */

static bool member_offset(Dwarf_Die *m, uint64_t *off)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	*off = 0;
	if (!dwarf_attr(m, DW_AT_data_member_location, &a))
		return true; /* a union's members */
	if (dwarf_formudata(&a, &w) != 0)
		return false; /* a virtual base: an expression */
	*off = w;
	return true;
}

/* A bit-field member: its value extracted into an integer of its type. */
static int bitfield(struct cx *x, const struct cx_val *v, uint64_t byte_off, Dwarf_Die *m,
		    const struct cx_type *mt, struct cx_val *out)
{
	Dwarf_Attribute a;
	Dwarf_Word bits = 0, bitoff = 0, bsz = 0;
	uint64_t size = cx_size(mt), u = 0;
	uint8_t raw[16] = { 0 };
	bool sign = false;
	struct cx_val probe;

	dwarf_formudata(dwarf_attr(m, DW_AT_bit_size, &a), &bits);
	if (dwarf_attr(m, DW_AT_data_bit_offset, &a)) {
		dwarf_formudata(&a, &bitoff);
	} else if (dwarf_attr(m, DW_AT_bit_offset, &a)) {
		/* DWARF 2/3: from the most significant bit of the storage unit */
		dwarf_formudata(&a, &bitoff);
		bsz = size;
		if (dwarf_attr(m, DW_AT_byte_size, &a))
			dwarf_formudata(&a, &bsz);
		bitoff = byte_off * 8 + bsz * 8 - bitoff - bits;
		byte_off = 0;
	}
	bitoff += byte_off * 8;
	if (bits == 0 || bits > 64 || size > 8)
		return cx_fail(x, "unsupported bit-field");
	if (!x->noeval &&
	    src_vread(x->c, &v->v, bitoff / 8, raw, (bitoff % 8 + bits + 7) / 8))
		return mem_error(x, v->v.in_mem ? v->v.addr + bitoff / 8 : 0);
	for (uint64_t b = 0; b < bits; b++) {
		uint64_t at = bitoff % 8 + b;

		u |= (uint64_t)(raw[at / 8] >> (at % 8) & 1) << b;
	}
	memset(&probe, 0, sizeof probe);
	probe.ty = *mt;
	probe.v.size = size;
	memset(probe.v.valid, 1, size);
	if (cx_scalar(x, &probe, &(uint64_t){ 0 }, &sign))
		return -EINVAL;
	if (sign && bits < 64 && (u >> (bits - 1) & 1))
		u |= ~(uint64_t)0 << bits;
	memset(out, 0, sizeof *out);
	out->ty = *mt;
	out->v.size = size;
	memcpy(out->v.bytes, &u, size);
	memset(out->v.valid, 1, size);
	return 0;
}

/* The offset of base or member ch of the object at byte at of v: its
 * constant, or for a virtual base what the object's vtable says (v NULL:
 * 0, the caller asks whether a name is there).  False when unknown. */
static bool place_of(struct cx *x, const struct cx_val *v, uint64_t at, Dwarf_Die *ch,
		     uint64_t *o)
{
	if (member_offset(ch, o))
		return true;
	if (!v || x->noeval)
		return true; /* sizeof reads no memory: any place will do */
	return dwarf_tag(ch) == DW_TAG_inheritance &&
	       src_base_offset(x->c, ch, &v->v, at, o) == 0;
}

static bool find_member(struct cx *x, const struct cx_val *v, uint64_t at, Dwarf_Die *t,
			const char *name, size_t len, Dwarf_Die *out, uint64_t *off, int depth)
{
	Dwarf_Die ch, sub;

	if (depth > 16 || dwarf_child(t, &ch) != 0)
		return false;
	do {
		int tag = dwarf_tag(&ch);
		const char *n = dwarf_diename(&ch);
		uint64_t o;

		if (tag != DW_TAG_member && tag != DW_TAG_inheritance)
			continue;
		if (dwarf_hasattr(&ch, DW_AT_external) || dwarf_hasattr(&ch, DW_AT_declaration))
			continue; /* a static member: not in the object */
		if (!place_of(x, v, at, &ch, &o))
			continue;
		if (tag == DW_TAG_member && n && strlen(n) == len && !strncmp(n, name, len)) {
			*out = ch;
			*off = at + o;
			return true;
		}
		if ((tag == DW_TAG_inheritance || !n) && src_die_type(&ch, &sub) &&
		    src_peel(&sub, &sub) &&
		    find_member(x, v, at + o, &sub, name, len, out, off, depth + 1))
			return true;
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return false;
}

bool cx_find_member(struct cx *x, const struct cx_val *v, Dwarf_Die *t, const char *name,
		    size_t len, Dwarf_Die *out, uint64_t *off)
{
	return find_member(x, v, 0, t, name, len, out, off, 0);
}

int cx_member_at(struct cx *x, const struct cx_val *v, Dwarf_Die *m, uint64_t off,
		 struct cx_val *out)
{
	struct cx_type mt;

	memset(&mt, 0, sizeof mt);
	if (!src_die_type(m, &mt.die))
		mt.kind = CT_VOID;
	if (dwarf_tag(m) == DW_TAG_member && dwarf_hasattr(m, DW_AT_bit_size))
		return bitfield(x, v, off, m, &mt, out);
	cx_sub_value(v, off, &mt, out);
	return 0;
}

int cx_member(struct cx *x, const struct cx_val *vin, const char *name, size_t len,
	      struct cx_val *out)
{
	struct cx_val v = *vin;
	Dwarf_Die st, m;
	uint64_t off;

	if (cx_coerce_ref(x, &v))
		return -EINVAL;
	if (v.ty.kind == CT_SYN && !v.ty.nptr)
		return cx_syn_member(x, &v, name, len, out);
	if (cx_class_of(&v.ty, &st) != CL_STRUCT)
		return -ENOENT;
	if (!cx_find_member(x, &v, &st, name, len, &m, &off))
		return cx_fail(x, "There is no member named %.*s.", (int)len, name);
	return cx_member_at(x, &v, &m, off, out);
}

bool cx_member_offset(Dwarf_Die *m, uint64_t *off)
{
	return member_offset(m, off);
}

