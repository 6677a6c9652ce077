// iv_cpp_o2.cc - in-class methods inlined into each other that start at
// the same pc (Box::twice -> Box::area -> Leaf::get), a function template
// two deep, and a lambda: gdb's `break` on each shows the copy as frame #0.
#include <cstdio>

volatile int sink = 1;

struct Leaf {
	int v;
	int get() const { return sink + v; }
};

struct Box {
	Leaf l;
	int area() const { int a = l.get(); return a * 2; }
	int twice() const { int b = area(); return b + 1; }
};

template <typename T> static inline T scale(T x) { return x * (T)sink; }
template <typename T> static inline T scale2(T x) { T y = scale(x); return y + 3; }

__attribute__((noinline)) int work(const Box &b, int n)
{
	int acc = 0;
	auto bump = [&](int k) { return (int)sink + k; };
	for (int i = 0; i < n; i++) {
		acc += b.twice();
		acc = acc * 3 + scale2(i);
		acc ^= bump(i);
	}
	return acc;
}

int main(int argc, char **)
{
	Box b{{argc}};
	std::printf("%d\n", work(b, 3));
	return 0;
}
