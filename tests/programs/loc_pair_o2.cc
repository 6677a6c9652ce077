// loc_pair_o2.cc - C++ locals at -O2 (src_locals_gdb): small structs
// passed and kept in registers (pieces of SSE and general registers),
// float and integer conversions, a reference, a reference parameter gcc's
// IPA-SRA replaced by its member (DW_OP_GNU_parameter_ref: gdb asks the
// caller's call site), and names shadowed by nested blocks (gdb's info locals lists each declaration, innermost
// first; print finds the innermost).  Also built at -O0 by the test.
#include <cstdio>

struct P { double x; long n; };
struct F2 { float a, b; };

__attribute__((noinline)) P step(P p, F2 f, int k)
{
	P q = { p.x * f.a + k, p.n + (long)f.b };
	{
		double x = q.x / 2;
		long n = q.n * 3;
		{
			float x = (float)n + f.b;
			int k = (int)x % 5;
			printf("inner %g %d\n", (double)x, k); // INNER
		}
		printf("mid %g %ld\n", x, n); // MID
	}
	return q;
}

__attribute__((noinline)) F2 swap(const F2 &f, short s)
{
	F2 r = { f.b * s, f.a - s };
	unsigned short us = (unsigned short)s;
	long long wide = s * 1000LL;
	printf("swap %g %u %lld\n", (double)r.a, us, wide); // SWAP
	return r;
}

struct Acc {
	int v;
	int scaled(int x) const { return x * 2 + v; }
};

/* acc's address escapes: it lives in memory, which the call site of
 * apply names for apply's a */
__attribute__((noinline)) void acc_bump(Acc &a)
{
	a.v += 2;
}

__attribute__((noinline)) static int apply(Acc &a, int x)
{
	auto f = [&a](int y) { return a.scaled(y) + 1; };
	return f(x) + f(x + 3);
}

int main(int argc, char **argv)
{
	P p = { 1.5, argc };
	F2 f = { 0.5f, 3.0f };
	double sum = 0;
	for (int i = 0; i < 3; i++) {
		P p2 = step(p, f, i + argc);
		sum += p2.x;
		F2 f2 = swap(f, (short)(i - 2));
		sum += f2.a;
		p.n += p2.n;
	}
	Acc acc{argc + 6};
	acc_bump(acc);
	sum += apply(acc, (int)sum & 3);
	printf("%g %ld %s\n", sum, p.n, argv[0] ? "ok" : ""); // END
	return 0;
}
