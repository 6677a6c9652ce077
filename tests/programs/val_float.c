/* val_float.c - floating-point values in eval/ expressions against gdb's
 * print (issue 10): float, double and long double locals and globals in
 * arithmetic with each other and with integers, literals (1.5, 2.5f,
 * 1e3, .5, 3.0L), comparisons, casts both ways, inf and NaN, and gdb's
 * errors for integer-only operators on them; _Float128 (IEEE quad: 36
 * digits) and __int128 values, whose arithmetic gdb 13 refuses. */
#include <math.h>
#include <stdio.h>

float g_f = 1.1f;
double g_d = 2.5;
long double g_ld = 1.25L;
double g_nan;
_Float128 g_q = 1.0f128 / 3;
__int128 g_i128 = -((__int128)1 << 100) - 7;
unsigned __int128 g_u128 = ~(unsigned __int128)0 - 1;

struct sample {
	float ratio;
	double weight;
	int n;
};

int main(int argc, char **argv)
{
	struct sample s = { 0.75f, 1e-3, 7 };
	double avg = 10.0 / 3;
	float half = 0.5f;
	int k = argc + 2;
	_Float128 q = k * 0.1f128;

	(void)argv;
	g_nan = NAN;
	g_q += q;
	printf("%g %g %d\n", avg * half, s.weight * k, s.n); /* line: float-stop */
	return 0;
}
