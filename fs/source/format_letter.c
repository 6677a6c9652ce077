/* format_letter.c - fs/source: gdb's `print/FMT` of one scalar (eval/'s
 * "/x expr"): the letters x d u o t z c a, as gdb 13's
 * print_scalar_formatted prints them (and f).
 *
 * f prints an integer of 4, 8 or 16 bytes as the float of its bits.
 * x o t z d u print the value's bytes as an integer of the type's length
 * (a float's bits too: `p/x 1.5` is 0x3ff8000000000000; a long double's
 * 16 bytes, 128-bit numbers), d signed and u unsigned whatever the type
 * says (`p/d (unsigned char)200` is -56).  c and a convert the value
 * first (gdb's unpack_long: a float truncated, a signed type sign
 * extended): c to a char of the type's signedness ("65 'A'"), a to an
 * address with its symbol ("0x4010 <g>").  Callers hold s->dw_lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "source_i.h"

bool src_fmt_letter_ok(char f)
{
	return f && strchr("xduotzcaf", f);
}

/* The bytes as an unsigned 128-bit number; sign: sign-extended from size. */
static unsigned __int128 wide_of(const uint8_t *raw, size_t size, bool sign)
{
	unsigned __int128 w = 0;

	if (size > 16)
		size = 16;
	memcpy(&w, raw, size);
	if (sign && size < 16 && size && (raw[size - 1] & 0x80))
		w |= ~(unsigned __int128)0 << (size * 8);
	return w;
}

/* w in base 2, 8 or 16, at least min digits ("0" for zero). */
static void put_base(struct src_sbuf *b, unsigned __int128 w, unsigned base, size_t min)
{
	char digits[132];
	size_t n = sizeof digits;

	digits[--n] = 0;
	do {
		digits[--n] = "0123456789abcdef"[(unsigned)(w % base)];
		w /= base;
	} while (w && n > 1);
	while (sizeof digits - 1 - n < min && n > 1)
		digits[--n] = '0';
	src_sb_str(b, digits + n);
}

/* gdb's unpack_long: the value as a signed 64-bit integer.  -EINVAL for
 * a function (gdb's "Value can't be converted to integer."). */
static int value_long(const uint8_t *raw, size_t size, enum src_scalar k, bool sign,
		      int64_t *out)
{
	long double d = 0;

	if (k == SRC_SC_FUNC)
		return -EINVAL;
	if (k != SRC_SC_FLOAT) {
		*out = (int64_t)(uint64_t)wide_of(raw, size < 8 ? size : 8, sign && k == SRC_SC_INT);
		return 0;
	}
	if (size == 4) {
		float f;

		memcpy(&f, raw, 4);
		d = f;
	} else if (size == 8) {
		double f;

		memcpy(&f, raw, 8);
		d = f;
	} else if (size == 16 || size == 10) {
		memcpy(&d, raw, 10);
	}
	*out = d != d ? 0 : d >= 0x1p63L ? INT64_MAX : d <= -0x1p63L ? INT64_MIN : (int64_t)d;
	return 0;
}

/* The size gdb's print_scalar_formatted reads of a type: an x87 long
 * double's 10 significant bytes for x d u o t (z pads to its 16). */
static size_t bits_size(size_t size, enum src_scalar k, char f)
{
	return k == SRC_SC_FLOAT && size == 16 && f != 'z' ? 10 : size;
}

int src_fmt_scalar(struct src_ctx *c, char f, const uint8_t *raw, size_t size,
		   enum src_scalar k, bool sign, struct src_sbuf *b)
{
	size_t n = bits_size(size, k, f);
	unsigned __int128 w = wide_of(raw, n, f == 'd');
	uint8_t wb[16];
	int64_t v;

	switch (f) {
	case 'x':
		src_sb_str(b, "0x");
		put_base(b, wide_of(raw, n, false), 16, 1);
		return 0;
	case 'z':
		src_sb_str(b, "0x");
		put_base(b, wide_of(raw, n, false), 16, n * 2);
		return 0;
	case 'o':
		w = wide_of(raw, n, false);
		if (w)
			src_sb_str(b, "0");
		put_base(b, w, 8, 1);
		return 0;
	case 't':
		put_base(b, wide_of(raw, n, false), 2, 1);
		return 0;
	case 'd':
	case 'u':
		memcpy(wb, &w, 16);
		src_int128_text(b, wb, f == 'd');
		return 0;
	case 'c':
		if (value_long(raw, size, k, sign, &v))
			return -EINVAL;
		/* a char of the type's signedness: gdb's builtin_true_char */
		if (sign && k != SRC_SC_PTR)
			src_sb_fmt(b, "%d '", (int)(int8_t)(uint8_t)v);
		else
			src_sb_fmt(b, "%u '", (unsigned)(uint8_t)v);
		src_char_escaped(b, (uint8_t)v);
		src_sb_str(b, "'");
		return 0;
	case 'f':
		/* an integer of a float's length as that float's bits
		 * (gdb's float_type_from_length), others in decimal */
		if (k == SRC_SC_FLOAT || size == 4 || size == 8 || size == 16)
			src_float_text(raw, size, b);
		else {
			w = wide_of(raw, size, sign);
			memcpy(wb, &w, 16);
			src_int128_text(b, wb, sign);
		}
		return 0;
	case 'a':
		if (value_long(raw, size, k, sign, &v))
			return -EINVAL;
		src_pointer_text(c, NULL, (uint64_t)v, b);
		return 0;
	default:
		return -EINVAL;
	}
}
