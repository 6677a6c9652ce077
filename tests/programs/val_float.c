/* val_float.c - floating-point values in eval/ expressions against gdb's
 * print (issue 10): float, double and long double locals and globals in
 * arithmetic with each other and with integers, literals (1.5, 2.5f,
 * 1e3, .5, 3.0L), comparisons, casts both ways, inf and NaN, and gdb's
 * errors for integer-only operators on them. */
#include <math.h>
#include <stdio.h>

float g_f = 1.1f;
double g_d = 2.5;
long double g_ld = 1.25L;
double g_nan;

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

	(void)argv;
	g_nan = NAN;
	printf("%g %g %d\n", avg * half, s.weight * k, s.n); /* line: float-stop */
	return 0;
}
