// inlc_lambda.cc - how gdb names the frames of lambdas and of a local
// class's functions: by their whole demangled signature when they have
// linkage (defined in a function defined in its class, or in a template),
// else by the short name ("operator()", "L::g").  src_calls_inline.sh.
#include <cstdio>

static volatile int sink;

struct K {
	int v;
	int in_class(int a)
	{
		struct L {
			int g(int w)
			{
				return w * 2; // TAG_LOCAL_IN
			}
		};
		auto f = [this](int x) {
			sink = x;
			return x + v; // TAG_IN
		};
		L l;
		return f(a) + l.g(a);
	}
	int out_class(int a);
	template <typename T> int tmpl(T a)
	{
		auto g = [](T y) {
			sink = (int)y;
			return (int)y * 2; // TAG_TMPL
		};
		return g(a);
	}
};

int K::out_class(int a)
{
	auto f = [a](int x) {
		sink = x;
		return x * a; // TAG_OUT
	};
	return f(a);
}

namespace ns {
struct Q {
	int m(int a)
	{
		auto h = [](int x) {
			sink = x;
			return x - 1; // TAG_NS
		};
		return h(a);
	}
};
} // namespace ns

int main()
{
	K k{3};
	auto top = [&k](int z) {
		sink = z;
		return k.in_class(z); // TAG_MAIN
	};
	ns::Q q;
	std::printf("%d\n", top(1) + k.out_class(2) + k.tmpl(5) + q.m(4));
	return 0;
}
