// inl4_cxx_o2.cc - the same chains as inl4_chain_o2.c in C++ at -O2:
// in-class methods inlined into each other, a member template, a lambda
// called where it is defined, and an out-of-line method whose body is
// copies on the line of its call.
#include <cstdio>

volatile int k4_sink = 2;

struct Acc {
	int v;
	int scaled(int x) const { return x * k4_sink + v; }
	int bump(int x) { v += scaled(x); return v; }
	template <typename T> T twice(T x) { return bump(int(x)) + bump(int(x) + 1); }
	__attribute__((noinline)) int run(int n);
};

int Acc::run(int n)
{
	int r = twice(n); r += scaled(r & 7);
	for (int i = 0; i < n; i++)
		r -= bump(i);
	return r;
}

__attribute__((noinline)) static int k4_apply(Acc &a, int x)
{
	auto f = [&a](int y) { return a.scaled(y) + 1; };
	return f(x) + f(x + 3);
}

int main(int argc, char **)
{
	Acc a{argc};
	int r = a.run(argc + 1);
	r += k4_apply(a, r & 3);
	r += a.twice(argc);
	std::printf("%d\n", r);
	return 0;
}
