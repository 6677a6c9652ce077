// calls_inlthrow_o2.cc - an inlined copy left by an exception that lands in
// the frame holding the copy (src_calls_gdb.sh): wrap() is inlined into
// run(), whose first instruction of the copy is the call of must_positive;
// must_positive throws, run catches.  calls/wrap's entries that the throw
// left end where the landing pad runs, flagged inline,unwound.
#include <cstdio>
#include <stdexcept>

__attribute__((noinline)) int must_positive(int x)
{
	if (x < 0)
		throw std::invalid_argument("negative");
	return x;
}

static inline int wrap(int x)
{
	return must_positive(x) * 3 + 1;
}

__attribute__((noinline)) int run(int a)
{
	int r = 0;
	try {
		r = wrap(a);
		r += wrap(a + 1);
	} catch (const std::exception &e) {
		r = -1;
	}
	return r;
}

int main()
{
	int s = run(4) + run(-1) + run(-5);
	std::printf("%d\n", s);
	return 0;
}
