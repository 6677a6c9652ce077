// inl_methods_o2.cc - C++ methods that g++ inlines at -O2: in-class
// accessors, a method calling another inlined one, a template, and an
// inlined method that makes a real call.
#include <cstdio>

static volatile int sink;

__attribute__((noinline)) static int note(int v)
{
	sink = v;
	return v + 1;
}

struct Counter {
	int n;
	int step;
	void bump() { n += step; sink = n; }
	int twice() { bump(); bump(); return n; }
	int noted() { return note(n) * 2; }
};

template <typename T> static inline T sq(T x)
{
	sink = (int)x;
	return x * x;
}

int main()
{
	Counter c{ sink + 1, 2 };
	int a = c.twice();
	int b = sq(a);
	int d = c.noted();
	std::printf("%d %d %d\n", a, b, d);
	return 0;
}
