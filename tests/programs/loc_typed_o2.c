/* loc_typed_o2.c - locals at -O2 whose locations are typed DWARF
 * expressions (src_locals_gdb): doubles and floats computed from
 * registers and memory (DW_OP_regval_type, DW_OP_deref_type,
 * DW_OP_const_type), integer/float conversions (DW_OP_convert), a
 * struct of floats kept in pieces, float parameters gdb finds at the
 * caller (DW_OP_entry_value), a long double in an x87 register
 * (DW_OP_regx st0), shadowed names, and 16-byte values: a double
 * converted to _Float128 (IEEE quad, printed with 36 digits), __int128
 * values gdb 13 cannot compute ("<error reading variable big (That
 * operation is not available on integers of more than 8 bytes.)>"),
 * and structs in pieces: bit-fields in DW_OP_bit_pieces (gcc), members
 * optimized out inside the struct, clang's "Incompatible types on DWARF
 * stack" in a bit-field's piece. */
#include <stdio.h>

#ifdef __clang__
typedef __float128 f128;
#else
typedef _Float128 f128;
#endif

struct vec2 { float x, y; };

__attribute__((noinline)) double scale(double v, int k)
{
	double d = v * k;
	printf("scale %g\n", d); /* SCALE */
	return d + 1.0;
}

__attribute__((noinline)) float mix(float a, float b, short s)
{
	float m = a * 0.25f + b;
	long wide = s;
	double as_d = s;
	printf("mix %g %ld\n", (double)m, wide); /* MIX */
	return m + (float)as_d;
}

__attribute__((noinline)) struct vec2 grow(struct vec2 p, float by)
{
	struct vec2 q = { p.x * by, p.y + by };
	printf("grow %g\n", (double)q.x); /* GROW */
	return q;
}

__attribute__((noinline)) unsigned sum_u(const unsigned char *b, int n)
{
	unsigned s = 0;
	for (int i = 0; i < n; i++) {
		unsigned s = b[i] * 3u;
		printf("byte %u\n", s); /* BYTE */
	}
	for (int i = 0; i < n; i++)
		s += b[i];
	return s;
}

__attribute__((noinline)) long double widen(long double x, int k)
{
	long double y = x * k + 0.5L;
	printf("widen %Lg\n", y); /* WIDEN */
	return y - x;
}

struct flags { unsigned a : 3; unsigned b : 5; int c : 7; unsigned d : 1; };
struct trio { int x; short y; char z; };

__attribute__((noinline)) int keep(int v)
{
	__asm__ volatile("" ::: "memory");
	return v;
}

__attribute__((noinline)) int use_flags(int n)
{
	struct flags f = { 0 };

	f.a = n & 7;
	f.b = n + 3;
	f.c = -n;
	f.d = 1;
	keep(n); /* FLAGS */
	int r = f.a + f.b + f.c + f.d;
	keep(r); /* FLAGSUM */
	return r;
}

__attribute__((noinline)) int use_trio(int n)
{
	struct trio m = { n * 2, (short)(n + 1), 'k' };

	keep(m.x); /* TRIO */
	m.x += keep(m.y);
	keep(m.z); /* TRIOZ */
	return m.x + m.z;
}

__attribute__((noinline)) long wide128(int n)
{
	f128 q = n * 1.5;
	__int128 big = ((__int128)n << 100) - 12345;
	unsigned __int128 ub = ~(unsigned __int128)0 - n;
	long r = printf("wide %d\n", n); /* WIDE */
	return r + (long)q + (long)big + (long)ub;
}

int main(int argc, char **argv)
{
	double t = scale(2.5, argc + 2);
	t += scale(t, 3);
	float f = mix(1.5f, (float)t, (short)(argc - 40));
	struct vec2 p = { 1.25f, f };
	struct vec2 q = grow(p, 2.0f);
	unsigned char bytes[5] = { 1, 2, 250, (unsigned char)argc, 0 };
	unsigned u = sum_u(bytes, 4);
	long double w = widen(1.25L, argc + 1);
	w += widen(w, 3);
	u += (unsigned)wide128(argc + 2);
	u += (unsigned)(use_flags(argc + 4) + use_trio(argc + 9));
	printf("%g %g %g %g %u %Lg %s\n", t, (double)f, (double)q.x, (double)q.y, u, w,
	       argv[0] ? "ok" : ""); /* PRINT */
	return 0;
}
