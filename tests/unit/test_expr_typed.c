/* test_expr_typed.c - the typed DWARF stack values of fs/source/expr_typed.c
 * compute as gdb 13's dwarf2/expr.c and valarith.c do (the rules quoted
 * at each case; src_locals_gdb.sh compares whole variables with gdb). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "../../fs/source/source_i.h"

static struct src_tval tv_int(uint8_t kind, uint8_t size, int64_t v)
{
	struct src_tval t = { .size = size, .kind = kind };

	memcpy(t.b, &v, size);
	return t;
}

static struct src_tval tv_float(float f)
{
	struct src_tval t = { .size = 4, .kind = SRC_TV_FLOAT };

	memcpy(t.b, &f, 4);
	return t;
}

static struct src_tval tv_double(double d)
{
	struct src_tval t = { .size = 8, .kind = SRC_TV_FLOAT };

	memcpy(t.b, &d, 8);
	return t;
}

static double as_double(const struct src_tval *t)
{
	double d;

	assert_int_equal(t->size, 8);
	memcpy(&d, t->b, 8);
	return d;
}

/* value_binop wants equal types: "Incompatible types on DWARF stack" */
static void test_binary_ops_want_one_type(void **state)
{
	struct src_tval a = tv_int(SRC_TV_SIGNED, 4, 1), b = tv_int(SRC_TV_SIGNED, 8, 1);
	struct src_tval g, d = tv_double(1.0);

	(void)state;
	assert_int_equal(src_tv_binary(DW_OP_plus, &a, &b), -ENODATA);
	a = tv_int(SRC_TV_SIGNED, 4, 1);
	b = tv_int(SRC_TV_UNSIGNED, 4, 1);
	assert_int_equal(src_tv_binary(DW_OP_plus, &a, &b), -ENODATA);
	/* the generic type is an 8-byte signed integer (base_types_equal_p) */
	src_tv_generic(&g, 5);
	b = tv_int(SRC_TV_SIGNED, 8, 2);
	assert_int_equal(src_tv_binary(DW_OP_plus, &g, &b), 0);
	assert_int_equal(src_tv_u64(&g), 7);
	src_tv_generic(&g, 1);
	assert_int_equal(src_tv_binary(DW_OP_plus, &g, &d), -ENODATA);
}

/* floating-point arithmetic in the type's own precision */
static void test_float_arithmetic_in_its_precision(void **state)
{
	struct src_tval a = tv_float(16777216.0f), b = tv_float(1.0f);
	struct src_tval x = tv_double(13.5), y = tv_double(26.0), c;
	float f;

	(void)state;
	/* 2^24 + 1 is no float: it rounds back to 2^24 */
	assert_int_equal(src_tv_binary(DW_OP_plus, &a, &b), 0);
	memcpy(&f, a.b, 4);
	assert_true(f == 16777216.0f);
	assert_int_equal(src_tv_binary(DW_OP_plus, &x, &y), 0);
	assert_true(as_double(&x) == 39.5);
	/* comparisons push the generic type */
	x = tv_double(1.5);
	y = tv_double(2.5);
	c = x;
	assert_int_equal(src_tv_binary(DW_OP_lt, &c, &y), 0);
	assert_int_equal(c.kind, SRC_TV_GENERIC);
	assert_int_equal(src_tv_u64(&c), 1);
	/* value_neg; abs of a negative value */
	assert_int_equal(src_tv_unary(DW_OP_neg, &x, 0), 0);
	assert_true(as_double(&x) == -1.5);
	assert_int_equal(src_tv_unary(DW_OP_abs, &x, 0), 0);
	assert_true(as_double(&x) == 1.5);
	/* DW_OP_not needs an integer (dwarf_require_integral) */
	assert_int_equal(src_tv_unary(DW_OP_not, &x, 0), -ENODATA);
}

/* DW_OP_mod: the generic type's is unsigned ("old-style" untyped
 * values), a typed one is Knuth's (the sign of the divisor), and x mod 0
 * is x; DW_OP_div by 0 is gdb's "Division by zero" */
static void test_div_and_mod(void **state)
{
	struct src_tval a, b;

	(void)state;
	src_tv_generic(&a, (uint64_t)-7);
	src_tv_generic(&b, 2);
	assert_int_equal(src_tv_binary(DW_OP_mod, &a, &b), 0);
	assert_int_equal(src_tv_u64(&a), 1); /* 0xffff...f9 % 2 */
	src_tv_generic(&a, (uint64_t)-7);
	assert_int_equal(src_tv_binary(DW_OP_div, &a, &b), 0);
	assert_int_equal((int64_t)src_tv_u64(&a), -3);
	a = tv_int(SRC_TV_SIGNED, 4, -7);
	b = tv_int(SRC_TV_SIGNED, 4, 2);
	assert_int_equal(src_tv_binary(DW_OP_mod, &a, &b), 0);
	assert_int_equal(src_tv_u64(&a), 1);
	a = tv_int(SRC_TV_SIGNED, 4, 7);
	b = tv_int(SRC_TV_SIGNED, 4, -2);
	assert_int_equal(src_tv_binary(DW_OP_mod, &a, &b), 0);
	assert_int_equal(src_tv_u64(&a), 0xffffffffu); /* -1 in 4 bytes */
	src_tv_generic(&a, 9);
	src_tv_generic(&b, 0);
	assert_int_equal(src_tv_binary(DW_OP_mod, &a, &b), 0);
	assert_int_equal(src_tv_u64(&a), 9);
	src_tv_generic(&a, 9);
	assert_int_equal(src_tv_binary(DW_OP_div, &a, &b), -ENODATA);
}

/* shifts in the type's width: DW_OP_shr through the unsigned type,
 * DW_OP_shra the signed one; a count past the width gives 0, or -1 for
 * a right shift of a negative value (check_valid_shift_count: gdb 13's
 * `print 1 << 40` is 0, `print -8 >> 40` -1) */
static void test_shifts_in_the_type_width(void **state)
{
	struct src_tval a = tv_int(SRC_TV_SIGNED, 4, -8), b = tv_int(SRC_TV_SIGNED, 4, 1);

	(void)state;
	assert_int_equal(src_tv_binary(DW_OP_shr, &a, &b), 0);
	assert_int_equal(src_tv_u64(&a), 0x7ffffffcu);
	a = tv_int(SRC_TV_UNSIGNED, 4, 0x80000000u);
	b = tv_int(SRC_TV_UNSIGNED, 4, 4);
	assert_int_equal(src_tv_binary(DW_OP_shra, &a, &b), 0);
	assert_int_equal(src_tv_u64(&a), 0xf8000000u);
	a = tv_int(SRC_TV_SIGNED, 4, 1);
	b = tv_int(SRC_TV_SIGNED, 4, 32);
	assert_int_equal(src_tv_binary(DW_OP_shl, &a, &b), 0);
	assert_int_equal(src_tv_u64(&a), 0);
	src_tv_generic(&a, (uint64_t)-8);
	src_tv_generic(&b, 64);
	assert_int_equal(src_tv_binary(DW_OP_shra, &a, &b), 0);
	assert_int_equal(src_tv_u64(&a), UINT64_MAX);
	src_tv_generic(&a, (uint64_t)-8);
	assert_int_equal(src_tv_binary(DW_OP_shr, &a, &b), 0);
	assert_int_equal(src_tv_u64(&a), 0);
}

/* DW_OP_convert is value_cast: integers extend by their signedness and
 * are cut to the new size, floats truncate toward zero (saturating), and
 * integers become floats; DW_OP_reinterpret keeps the bytes, same size
 * only; DW_OP_plus_uconst gives the generic type */
static void test_convert_and_reinterpret(void **state)
{
	struct src_tval t = tv_int(SRC_TV_SIGNED, 2, -39), to_l = tv_int(SRC_TV_SIGNED, 8, 0);
	struct src_tval to_d = tv_double(0), to_u1 = tv_int(SRC_TV_UNSIGNED, 1, 0);

	(void)state;
	assert_int_equal(src_tv_convert(&t, &to_l), 0);
	assert_int_equal((int64_t)src_tv_u64(&t), -39);
	t = tv_int(SRC_TV_SIGNED, 2, -39);
	assert_int_equal(src_tv_convert(&t, &to_d), 0);
	assert_true(as_double(&t) == -39.0);
	t = tv_double(-2.75);
	assert_int_equal(src_tv_convert(&t, &to_l), 0);
	assert_int_equal((int64_t)src_tv_u64(&t), -2);
	t = tv_double(1e300);
	assert_int_equal(src_tv_convert(&t, &to_l), 0);
	assert_int_equal(src_tv_u64(&t), (uint64_t)INT64_MAX);
	t = tv_int(SRC_TV_SIGNED, 4, 0x1ff);
	assert_int_equal(src_tv_convert(&t, &to_u1), 0);
	assert_int_equal(src_tv_u64(&t), 0xff);
	t = tv_int(SRC_TV_UNSIGNED, 8, 0x3ff8000000000000);
	assert_int_equal(src_tv_reinterpret(&t, &to_d), 0);
	assert_true(as_double(&t) == 1.5);
	t = tv_int(SRC_TV_UNSIGNED, 4, 1);
	assert_int_equal(src_tv_reinterpret(&t, &to_d), -ENODATA);
	t = tv_int(SRC_TV_UNSIGNED, 4, 0xfffffffe);
	assert_int_equal(src_tv_unary(DW_OP_plus_uconst, &t, 3), 0);
	assert_int_equal(t.kind, SRC_TV_GENERIC);
	assert_int_equal(src_tv_u64(&t), 0x100000001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binary_ops_want_one_type),
		cmocka_unit_test(test_float_arithmetic_in_its_precision),
		cmocka_unit_test(test_div_and_mod),
		cmocka_unit_test(test_shifts_in_the_type_width),
		cmocka_unit_test(test_convert_and_reinterpret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
