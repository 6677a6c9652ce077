// inl2_cpp_o2.cc - C++ at -O2: in-class member functions and a member
// template inlined into a loop, a template function inlined two deep, and
// a static inline from a header (inl2_util.h).
#include <cstdio>
extern "C" {
#include "inl2_util.h"
}

volatile int inl2_sink;

struct Acc {
	int total = 0;
	void add(int v) { total += v; inl2_sink = total; }
	int get() const { return total; }
	template <typename T> void add_twice(T v)
	{
		add(static_cast<int>(v));
		add(static_cast<int>(v));
	}
};

template <typename T> static inline T twice(T v)
{
	inl2_sink = static_cast<int>(v);
	return v + v;
}

template <typename T> static inline T quad(T v)
{
	T a = twice(v);
	return twice(a);
}

static __attribute__((noinline)) int finish_up(const Acc &a)
{
	return inl2_clamp(a.get(), 0, 50);
}

int main()
{
	Acc a;
	for (int i = 0; i < 3; i++)
		a.add(i);
	a.add_twice(2L);
	int q = quad(a.get());
	int r = finish_up(a);
	std::printf("%d %d\n", q, r);
	return 0;
}
