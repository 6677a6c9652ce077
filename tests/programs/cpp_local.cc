// cpp_local.cc - functions gdb names by their local scope: a local class's
// method (L::g), lambdas in a free function, in a namespace's function
// and in a member function defined outside its class (operator()), and a
// function in an anonymous namespace.  tests/e2e/src_cpp_local.sh.
#include <cstdio>

namespace ns {
int free_fn(int x)
{
	auto a = [x](int y) { return x + y; }; // LAMBDA_A
	return a(1) + a(2);
}
} // namespace ns

static int local_class(int x)
{
	struct L {
		int g(int v) { return v * 2; } // LOCAL_G
	};
	L l;
	return l.g(x) + l.g(x + 1);
}

struct C {
	int out_class(int x);
};

int C::out_class(int x)
{
	auto c = [x](int y) { return x - y; }; // LAMBDA_C
	return c(3);
}

namespace {
int anon(int z) { return z - 1; } // ANON
} // namespace

int main()
{
	C o;
	std::printf("%d\n", ns::free_fn(1) + local_class(2) + o.out_class(3) + anon(2));
	return 0;
}
