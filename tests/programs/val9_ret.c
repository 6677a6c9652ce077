/* val9_ret.c - return values in every SysV x86-64 class (rax:rdx, xmm0:xmm1,
 * x87 st0, memory) for src_val9_ret: compared with gdb's `finish`. */
#include <stdio.h>

struct two_d { double x, y; };
struct dl { double d; long l; };
struct ff3 { float a, b, c; };
struct one_ld { long double v; };

__attribute__((noinline)) long double third(int i) { return i / 3.0L; }
__attribute__((noinline)) long double neg_big(int i) { return -0.75L * i - 1024; }
__attribute__((noinline)) _Complex double cplx(double r) { return r + 2.0i * r; }
__attribute__((noinline)) _Complex long double cplxl(int i) { return i * 0.5L - 4.0iL * i; }
__attribute__((noinline)) _Complex float cplxf(float r) { return r - 0.5fi; }
__attribute__((noinline)) __int128 wide(long a) { return (__int128)a * 1000000000000LL * 1000000000LL; }
__attribute__((noinline)) unsigned __int128 uwide(unsigned long a) { return (unsigned __int128)a << 100; }
__attribute__((noinline)) struct two_d mk_two(double a) { struct two_d t = { a, a * 4 }; return t; }
__attribute__((noinline)) struct dl mk_dl(double a) { struct dl t = { a / 8, (long)a * 3 }; return t; }
__attribute__((noinline)) struct ff3 mk_ff3(float a) { struct ff3 t = { a, a + 1, a + 2 }; return t; }
__attribute__((noinline)) struct one_ld mk_one_ld(int i) { struct one_ld t = { i / 7.0L }; return t; }
__attribute__((noinline)) double plain(double a) { return a * 1.5; }

int main(void)
{
	long double a = third(1), b = neg_big(2);
	_Complex double c = cplx(1.5);
	_Complex float cf = cplxf(3);
	_Complex long double cl = cplxl(3);
	__int128 w = wide(-7);
	unsigned __int128 uw = uwide(3);
	struct two_d t = mk_two(0.25);
	struct dl d = mk_dl(9);
	struct ff3 f = mk_ff3(1.5f);
	struct one_ld o = mk_one_ld(1);
	double p = plain(2);

	printf("%Lg %Lg %g %g %Lg %d %d %g %g %ld %g %Lg %g\n", a, b, __real__ c, __imag__ cf, __imag__ cl,
	       (int)(w >> 64), (int)(uw >> 100), t.y, d.d, d.l, f.c, o.v, p);
	return 0;
}
