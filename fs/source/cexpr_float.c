/* cexpr_float.c - floating-point values in C expressions, as gdb's
 * `print` computes them: literals (1.5 double, 1.5f float, 1.5L long
 * double), + - * / and comparisons, ! ?: && ||, unary -, and casts
 * between integers and floating types.
 *
 * gdb promotes as its binop_promote does: the result of an operation
 * with a floating operand has the larger floating type of the two (a
 * float times an int is a float, a float plus a double a double); the
 * arithmetic is done in long double and rounded to that type.  Integer
 * operators (% << >> & | ^ ~) on a floating value are gdb's errors.
 * Every function here runs under s->dw_lock, as cexpr.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cexpr_i.h"

/* A made-up floating type of size 4, 8 or 16 (long double: x87's ten
 * bytes in sixteen, as the ABI stores it). */
static void float_type(struct cx_type *t, uint8_t size)
{
	memset(t, 0, sizeof *t);
	t->kind = CT_FLOAT;
	t->size = size;
	t->name = size == 4 ? "float" : size == 8 ? "double" : "long double";
}

void cx_float_val(struct cx_val *out, long double d, uint8_t size)
{
	memset(out, 0, sizeof *out);
	float_type(&out->ty, size);
	if (size == 4) {
		float f = (float)d;

		memcpy(out->v.bytes, &f, 4);
	} else if (size == 8) {
		double dd = (double)d;

		memcpy(out->v.bytes, &dd, 8);
	} else {
		memcpy(out->v.bytes, &d, 10);
	}
	memset(out->v.valid, 1, size);
	out->v.size = size;
}

/* The floating size a value of class k and type t computes in: its own
 * for a floating type, 0 for an integer (it takes the other's). */
static uint8_t float_size(const struct cx_val *v, enum cx_class k)
{
	uint64_t z = cx_size(&v->ty);

	if (k != CL_FLOAT)
		return 0;
	return z >= 10 ? 16 : (uint8_t)z;
}

int cx_float_get(struct cx *x, const struct cx_val *v, long double *out)
{
	Dwarf_Die p = { 0 };
	enum cx_class k = cx_class_of(&v->ty, &p);
	uint8_t raw[16] = { 0 };
	uint64_t size = cx_size(&v->ty), u;
	bool sign;

	*out = 0;
	if (k == CL_INT) {
		if (cx_scalar(x, v, &u, &sign))
			return -EINVAL;
		*out = sign ? (long double)(int64_t)u : (long double)u;
		return 0;
	}
	if (k != CL_FLOAT || (size != 4 && size != 8 && size != 16 && size != 10))
		return cx_fail(x, "Argument to arithmetic operation not a number or boolean.");
	if (v->optout)
		return cx_fail(x, "value has been optimized out");
	if (x->noeval && v->v.in_mem)
		return 0; /* inside sizeof: no memory is read */
	if (src_vread(x->c, &v->v, 0, raw, size))
		return cx_fail(x, "Cannot access memory at address 0x%" PRIx64,
			       v->v.in_mem ? v->v.addr : 0);
	if (size == 4) {
		float f;

		memcpy(&f, raw, 4);
		*out = f;
	} else if (size == 8) {
		double d;

		memcpy(&d, raw, 8);
		*out = d;
	} else if (v->ty.kind == CT_DIE && src_quad_name(dwarf_diename(&p))) {
		src_quad q; /* IEEE quad: computed here at long double's precision */

		memcpy(&q, raw, 16);
		*out = (long double)q;
	} else {
		long double ld = 0;

		memcpy(&ld, raw, 10);
		*out = ld;
	}
	return 0;
}

int cx_truth(struct cx *x, const struct cx_val *v, bool *out)
{
	long double d;
	uint64_t u;
	bool sign;

	*out = false;
	if (cx_class_of(&v->ty, NULL) == CL_FLOAT) {
		if (cx_float_get(x, v, &d))
			return -EINVAL;
		*out = d != 0;
		return 0;
	}
	if (cx_scalar(x, v, &u, &sign))
		return -EINVAL;
	*out = u != 0;
	return 0;
}

static bool op_is(const char *op, const char *s)
{
	return strcmp(op, s) == 0;
}

int cx_float_binop(struct cx *x, const char *op, const struct cx_val *a, const struct cx_val *b,
		   struct cx_val *out)
{
	enum cx_class ka = cx_class_of(&a->ty, NULL), kb = cx_class_of(&b->ty, NULL);
	uint8_t za = float_size(a, ka), zb = float_size(b, kb);
	long double da, db, r;
	int c;

	if ((ka != CL_INT && ka != CL_FLOAT) || (kb != CL_INT && kb != CL_FLOAT))
		return cx_fail(x, "Argument to arithmetic operation not a number or boolean.");
	if (op_is(op, "%") || op_is(op, "<<") || op_is(op, ">>") || op_is(op, "&") ||
	    op_is(op, "|") || op_is(op, "^"))
		return cx_fail(x, "Integer-only operation on floating point number.");
	if (cx_float_get(x, a, &da) || cx_float_get(x, b, &db))
		return -EINVAL;
	if (op_is(op, "+")) r = da + db;
	else if (op_is(op, "-")) r = da - db;
	else if (op_is(op, "*")) r = da * db;
	else if (op_is(op, "/")) r = da / db; /* gdb: inf, -inf, nan */
	else {
		if (op_is(op, "==")) c = da == db;
		else if (op_is(op, "!=")) c = da != db;
		else if (op_is(op, "<")) c = da < db;
		else if (op_is(op, ">")) c = da > db;
		else if (op_is(op, "<=")) c = da <= db;
		else if (op_is(op, ">=")) c = da >= db;
		else if (op_is(op, "&&")) c = da != 0 && db != 0;
		else c = da != 0 || db != 0; /* || */
		cx_int_val(out, (uint64_t)c, 4, true);
		return 0;
	}
	cx_float_val(out, r, za > zb ? za : zb);
	return 0;
}

int cx_float_cast(struct cx *x, const struct cx_type *to, struct cx_val *v)
{
	enum cx_class kt = cx_class_of(to, NULL), kv = cx_class_of(&v->ty, NULL);
	uint64_t size = cx_size(to), u;
	long double d;
	struct cx_val r;

	if ((kt != CL_INT && kt != CL_FLOAT) || (kv != CL_INT && kv != CL_FLOAT) ||
	    size == 0 || size > 16)
		return cx_fail(x, "Invalid cast.");
	if (cx_float_get(x, v, &d))
		return -EINVAL;
	if (kt == CL_FLOAT) {
		cx_float_val(&r, d, size >= 10 ? 16 : (uint8_t)size);
	} else {
		/* as gdb (target-float.c to_longest): through a signed 64-bit
		 * integer, saturated (NaN and values from 2^63 up give its
		 * maximum, also for unsigned types), then cut to the type */
		if (d >= -0x1p63L && d < 0x1p63L)
			u = (uint64_t)(int64_t)d;
		else if (d < -0x1p63L)
			u = (uint64_t)INT64_MIN;
		else
			u = (uint64_t)INT64_MAX;
		cx_int_val(&r, u, (uint8_t)(size > 8 ? 8 : size), true);
	}
	r.ty = *to;
	*v = r;
	return 0;
}

bool cx_float_literal(const char *p, const char **end, long double *d, uint8_t *size)
{
	const char *q = p;
	char *e;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return false; /* hex: an integer (gdb has no hex floats either) */
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q != '.' && *q != 'e' && *q != 'E')
		return false;
	*d = strtold(p, &e);
	if (e == p || (*q != '.' && e == q)) /* "1e": not a number */
		return false;
	*size = 8;
	if (*e == 'f' || *e == 'F') {
		*size = 4;
		e++;
	} else if (*e == 'l' || *e == 'L') {
		*size = 16;
		e++;
	}
	*end = e;
	return true;
}
