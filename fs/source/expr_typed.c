/* expr_typed.c - fs/source: the values of the DWARF expression stack, typed
 * as gdb 13 types them (dwarf2/expr.c), for expr.c.
 *
 * Each stack entry is a value of a base type.  The untyped operations
 * (literals, registers plus an offset, DW_OP_deref, DW_OP_plus_uconst,
 * comparisons) push gdb's "generic type", a signed integer of the
 * address's size; DW_OP_const_type, regval_type, deref_type and convert
 * push values of the base type they name (a DW_TAG_base_type DIE).  A
 * binary operation wants two values of equal types (gdb's
 * base_types_equal_p: the generic type equals an 8-byte signed one) and
 * computes in that type as gdb's value_binop does: integers as 64-bit
 * signed or unsigned numbers cut to the type's size, floating-point
 * values in their own precision (IEEE quad's too: gdb's MPFR ops).  A
 * float where an integer is needed and a division by zero are -ENODATA
 * here; "Incompatible types on DWARF stack" is -EPROTO.  gdb 13 moves
 * __int128 values (DW_OP_const_type, regval_type, a DW_OP_convert to
 * one, sign-extended as pack_long stores a LONGEST) but any arithmetic,
 * comparison or conversion of one reads it as a LONGEST first, which
 * fails with "That operation is not available on integers of more than
 * 8 bytes." (-E2BIG).  Decimal and complex floats are not evaluated
 * (-ENODATA).
 */
#include <errno.h>
#include <string.h>

#include "source_i.h"

void src_tv_generic(struct src_tval *t, uint64_t v)
{
	memset(t, 0, sizeof *t);
	t->kind = SRC_TV_GENERIC;
	t->size = 8;
	memcpy(t->b, &v, 8);
}

int src_tv_of_die(Dwarf_Die *type, struct src_tval *t)
{
	Dwarf_Attribute a;
	Dwarf_Word enc, size;
	const char *name;

	memset(t, 0, sizeof *t);
	if (!type || dwarf_tag(type) != DW_TAG_base_type ||
	    !dwarf_attr(type, DW_AT_encoding, &a) || dwarf_formudata(&a, &enc) ||
	    !dwarf_attr(type, DW_AT_byte_size, &a) || dwarf_formudata(&a, &size))
		return -ENODATA;
	switch (enc) {
	case DW_ATE_signed: case DW_ATE_signed_char:
		t->kind = SRC_TV_SIGNED;
		break;
	case DW_ATE_unsigned: case DW_ATE_unsigned_char: case DW_ATE_UTF:
		t->kind = SRC_TV_UNSIGNED;
		break;
	case DW_ATE_boolean:
		t->kind = SRC_TV_BOOL;
		break;
	case DW_ATE_float:
		/* float, double, and x87's long double in 16 bytes (gdb's
		 * i386_floatformat_for_type: IEEE quad only by name) */
		name = dwarf_diename(type);
		if (size != 4 && size != 8 && size != 16)
			return -ENODATA;
		t->kind = SRC_TV_FLOAT;
		t->size = (uint8_t)size;
		t->quad = size == 16 && src_quad_name(name);
		return 0;
	default:
		return -ENODATA;
	}
	if (size == 0 || (size > 8 && size != 16))
		return -ENODATA;
	t->size = (uint8_t)size;
	return 0;
}

/* An integer gdb 13 cannot read as a LONGEST (__int128). */
static bool wide_int(const struct src_tval *t)
{
	return t->kind != SRC_TV_FLOAT && t->size > 8;
}

bool src_tv_integral(const struct src_tval *t)
{
	return t->kind != SRC_TV_FLOAT;
}

static bool is_signed(const struct src_tval *t)
{
	return t->kind == SRC_TV_GENERIC || t->kind == SRC_TV_SIGNED;
}

uint64_t src_tv_u64(const struct src_tval *t)
{
	uint64_t v = 0;

	memcpy(&v, t->b, t->size < 8 ? t->size : 8);
	return v;
}

/* gdb's value_as_long of an integer: extended by its signedness. */
static int64_t tv_long(const struct src_tval *t)
{
	uint64_t v = src_tv_u64(t);
	unsigned bits = t->size * 8u;

	if (bits < 64 && is_signed(t) && ((v >> (bits - 1)) & 1))
		v |= ~(uint64_t)0 << bits;
	return (int64_t)v;
}

/* gdb's pack_long: v cut to t's size (store_signed_integer: a LONGEST
 * sign-extended into a wider one, unsigned __int128 too). */
static void tv_set_long(struct src_tval *t, uint64_t v)
{
	memset(t->b, 0, sizeof t->b);
	if (t->kind == SRC_TV_BOOL)
		v = v != 0;
	memcpy(t->b, &v, t->size < 8 ? t->size : 8);
	if (t->size > 8 && (int64_t)v < 0)
		memset(t->b + 8, 0xff, t->size - 8);
}

/* Any float exactly as a quad (which holds the x87's long double), and
 * back, rounded once to t's format. */
static src_quad tv_quad(const struct src_tval *t)
{
	src_quad q;
	float f;
	double d;
	long double ld = 0;

	if (t->size == 4) {
		memcpy(&f, t->b, 4);
		return f;
	}
	if (t->size == 8) {
		memcpy(&d, t->b, 8);
		return d;
	}
	if (t->quad) {
		memcpy(&q, t->b, 16);
		return q;
	}
	memcpy(&ld, t->b, 10);
	return ld;
}

static void tv_set_quad(struct src_tval *t, src_quad v)
{
	float f;
	double d;
	long double ld;

	memset(t->b, 0, sizeof t->b);
	if (t->size == 4) {
		f = (float)v;
		memcpy(t->b, &f, 4);
	} else if (t->size == 8) {
		d = (double)v;
		memcpy(t->b, &d, 8);
	} else if (t->quad) {
		memcpy(t->b, &v, 16);
	} else {
		ld = (long double)v;
		memcpy(t->b, &ld, 10);
	}
}

/* A floating-point value, exactly (long double holds float's and
 * double's; a quad rounds), and back, rounded once to t's precision (v is
 * exact as a quad). */
static long double tv_float(const struct src_tval *t)
{
	return (long double)tv_quad(t);
}

static void tv_set_float(struct src_tval *t, long double v)
{
	tv_set_quad(t, (src_quad)v);
}

/* gdb's value_cast between base types (DW_OP_convert): an __int128 only
 * to its own type (value_cast returns it as it is). */
int src_tv_convert(struct src_tval *t, const struct src_tval *to)
{
	struct src_tval r = *to;
	long double f;

	if (wide_int(t))
		return t->size == to->size && t->kind == to->kind ? 0 : -E2BIG;
	if (to->kind == SRC_TV_FLOAT && (to->quad || t->quad)) {
		/* target_float_convert / from_longest: exact, one rounding */
		if (t->kind == SRC_TV_FLOAT)
			tv_set_quad(&r, tv_quad(t));
		else if (is_signed(t))
			tv_set_quad(&r, (src_quad)tv_long(t));
		else
			tv_set_quad(&r, (src_quad)src_tv_u64(t));
		*t = r;
		return 0;
	}
	if (to->kind == SRC_TV_FLOAT) {
		if (t->kind == SRC_TV_FLOAT)
			f = tv_float(t);
		else if (is_signed(t))
			f = (long double)tv_long(t);
		else
			f = (long double)src_tv_u64(t);
		tv_set_float(&r, f);
	} else if (t->kind == SRC_TV_FLOAT) {
		/* target_float_to_longest: out of range (and NaN) saturate */
		f = tv_float(t);
		if (f >= -0x1p63L && f < 0x1p63L)
			tv_set_long(&r, (uint64_t)(int64_t)f);
		else
			tv_set_long(&r, f < -0x1p63L ? (uint64_t)INT64_MIN : (uint64_t)INT64_MAX);
	} else {
		tv_set_long(&r, (uint64_t)tv_long(t));
	}
	*t = r;
	return 0;
}

int src_tv_reinterpret(struct src_tval *t, const struct src_tval *to)
{
	if (to->size != t->size)
		return -ENODATA; /* gdb: "DW_OP_reinterpret has wrong size" */
	t->kind = to->kind;
	t->quad = to->quad;
	return 0;
}

/* gdb's base_types_equal_p: the same kind of number, signedness and size
 * (the generic type is a signed integer). */
static bool same_type(const struct src_tval *a, const struct src_tval *b)
{
	if (a->size != b->size || a->quad != b->quad)
		return false;
	if (a->kind == b->kind)
		return true;
	return is_signed(a) && is_signed(b);
}

/* value_less (BINOP_LESS) and value_equal of two values of one type. */
static bool tv_less(const struct src_tval *a, const struct src_tval *b)
{
	if (a->kind == SRC_TV_FLOAT)
		return tv_quad(a) < tv_quad(b);
	if (is_signed(a))
		return tv_long(a) < tv_long(b);
	return src_tv_u64(a) < src_tv_u64(b);
}

static bool tv_equal(const struct src_tval *a, const struct src_tval *b)
{
	/* target_float_compare: neither less nor greater (NaN too) */
	if (a->kind == SRC_TV_FLOAT)
		return !(tv_quad(a) < tv_quad(b)) && !(tv_quad(a) > tv_quad(b));
	return src_tv_u64(a) == src_tv_u64(b);
}

/* BINOP_ADD..BINOP_DIV of two floats of one type: float's in double
 * (then rounded once more: exact for + - * /), double's in double, long
 * double's in long double. */
static int float_binop(uint8_t at, struct src_tval *a, const struct src_tval *b)
{
	long double x = tv_float(a), y = tv_float(b), r;

	if (a->quad) {
		src_quad qx = tv_quad(a), qy = tv_quad(b), qr;

		switch (at) {
		case DW_OP_plus: qr = qx + qy; break;
		case DW_OP_minus: qr = qx - qy; break;
		case DW_OP_mul: qr = qx * qy; break;
		case DW_OP_div: qr = qx / qy; break;
		default: return -ENODATA;
		}
		tv_set_quad(a, qr);
		return 0;
	}
	if (a->size <= 8) {
		double dx = (double)x, dy = (double)y;

		switch (at) {
		case DW_OP_plus: r = dx + dy; break;
		case DW_OP_minus: r = dx - dy; break;
		case DW_OP_mul: r = dx * dy; break;
		case DW_OP_div: r = dx / dy; break;
		default: return -ENODATA;
		}
	} else {
		switch (at) {
		case DW_OP_plus: r = x + y; break;
		case DW_OP_minus: r = x - y; break;
		case DW_OP_mul: r = x * y; break;
		case DW_OP_div: r = x / y; break;
		default: return -ENODATA;
		}
	}
	tv_set_float(a, r);
	return 0;
}

/* gdb's check_valid_shift_count: false for a negative count or one past
 * the type's width (gdb 13 then gives 0, -1 for a right shift of a
 * negative signed value: `print -8 >> 40` is -1 with a warning). */
static bool shift_ok(const struct src_tval *a, const struct src_tval *b)
{
	if (is_signed(b) && tv_long(b) < 0)
		return false;
	return src_tv_u64(b) < a->size * 8u;
}

/* BINOP_DIV, BINOP_MOD (Knuth's: the sign of the divisor; x mod 0 is x)
 * of integers, signed or not. */
static int int_divmod(uint8_t at, bool sgn, uint64_t x, uint64_t y, uint64_t *r)
{
	int64_t sx = (int64_t)x, sy = (int64_t)y, q;

	if (at == DW_OP_div) {
		if (!y)
			return -ENODATA; /* "Division by zero" */
		if (sgn && sy == -1)
			*r = -x; /* INT64_MIN / -1 wraps, as on gdb's host */
		else
			*r = sgn ? (uint64_t)(sx / sy) : x / y;
		return 0;
	}
	if (!y) {
		*r = x;
		return 0;
	}
	if (!sgn) {
		*r = x % y;
		return 0;
	}
	if (sy == -1) {
		*r = 0;
		return 0;
	}
	q = sx / sy;
	if (q < 0 && sx % sy != 0)
		q--;
	*r = (uint64_t)(sx - sy * q);
	return 0;
}

/* The integer operations of value_binop in a's type; *a becomes the
 * result. */
static int int_binop(uint8_t at, struct src_tval *a, const struct src_tval *b)
{
	bool sgn = is_signed(a);
	uint64_t x = sgn ? (uint64_t)tv_long(a) : src_tv_u64(a);
	uint64_t y = is_signed(b) ? (uint64_t)tv_long(b) : src_tv_u64(b), r;
	unsigned bits = a->size * 8u;

	switch (at) {
	case DW_OP_plus: r = x + y; break;
	case DW_OP_minus: r = x - y; break;
	case DW_OP_mul: r = x * y; break;
	case DW_OP_and: r = x & y; break;
	case DW_OP_or: r = x | y; break;
	case DW_OP_xor: r = x ^ y; break;
	case DW_OP_shl:
		r = shift_ok(a, b) ? x << y : 0;
		break;
	case DW_OP_shr: /* gdb casts the first to its unsigned type */
		if (bits < 64)
			x &= ~(~(uint64_t)0 << bits);
		r = shift_ok(a, b) ? x >> y : 0;
		break;
	case DW_OP_shra: /* ... and to its signed type */
		if (bits < 64 && ((x >> (bits - 1)) & 1))
			x |= ~(uint64_t)0 << bits;
		r = shift_ok(a, b) ? (uint64_t)((int64_t)x >> y) : (int64_t)x < 0 ? ~(uint64_t)0 : 0;
		break;
	case DW_OP_div:
	case DW_OP_mod:
		/* the generic type's mod is unsigned (gdb: "old-style"
		 * untyped values) */
		if (int_divmod(at, sgn && !(at == DW_OP_mod && a->kind == SRC_TV_GENERIC),
			       x, y, &r))
			return -ENODATA;
		break;
	default:
		return -ENODATA;
	}
	tv_set_long(a, r);
	return 0;
}

int src_tv_binary(uint8_t at, struct src_tval *a, const struct src_tval *b)
{
	bool r;

	if (!same_type(a, b))
		return -EPROTO;
	if (wide_int(a))
		return -E2BIG;
	switch (at) {
	case DW_OP_eq: r = tv_equal(a, b); break;
	case DW_OP_ne: r = !tv_equal(a, b); break;
	case DW_OP_lt: r = tv_less(a, b); break;
	case DW_OP_gt: r = tv_less(b, a); break;
	case DW_OP_le: r = !tv_less(b, a); break;
	case DW_OP_ge: r = !tv_less(a, b); break;
	default:
		if (a->kind == SRC_TV_FLOAT)
			return float_binop(at, a, b);
		return int_binop(at, a, b);
	}
	src_tv_generic(a, r);
	return 0;
}

int src_tv_unary(uint8_t at, struct src_tval *t, uint64_t number)
{
	struct src_tval zero = *t;

	if (wide_int(t))
		return -E2BIG;
	if (at == DW_OP_plus_uconst) {
		/* value_as_long plus the operand, as a generic value */
		if (!src_tv_integral(t))
			return -ENODATA;
		src_tv_generic(t, (uint64_t)tv_long(t) + number);
		return 0;
	}
	if (at == DW_OP_not) {
		if (!src_tv_integral(t))
			return -ENODATA;
		tv_set_long(t, ~src_tv_u64(t));
		return 0;
	}
	memset(zero.b, 0, sizeof zero.b);
	if (at == DW_OP_abs && !tv_less(t, &zero))
		return 0;
	/* DW_OP_neg, and abs of a negative value: value_neg */
	if (t->kind == SRC_TV_FLOAT)
		tv_set_quad(t, -tv_quad(t));
	else
		tv_set_long(t, -(uint64_t)tv_long(t));
	return 0;
}
