// inlc_cpp_o2.cc - calls/<f> of C++ functions inlined at -O2: a method
// defined in its class, a function template, a lambda called in place,
// a static function also called out of line through a pointer, a copy
// left by an exception thrown from a function it calls, and a lambda in
// a member function defined in its class (gdb names its frame by its
// whole signature).
#include <cstdio>
#include <stdexcept>

static volatile int sink;

struct Box {
	int w, h;
	int area() const { sink = w; return w * h + sink; }
	int grow(int d) { w += d; return area(); }
	int each(int n)
	{
		auto step = [this](int k) {
			sink = k;
			return k * w;
		};
		int s = 0;
		for (int i = 0; i < n; i++)
			s += step(i);
		return s;
	}
};

template <typename T> static inline T clampv(T v, T lo, T hi)
{
	sink = 1;
	return v < lo ? lo : v > hi ? hi : v;
}

static inline int twice(int x)
{
	sink = x;
	return 2 * x + sink;
}

static __attribute__((noinline)) int risky(int n)
{
	if (n == 2)
		throw std::runtime_error("two");
	sink = n;
	return n;
}

static inline int guarded(int n)
{
	sink = -n;
	return risky(n) + 1;
}

int (*volatile fp)(int) = twice;

int main()
{
	Box b{2, 3};
	int s = 0;

	for (int i = 0; i < 3; i++)
		s += b.grow(i);
	s += clampv(s, 0, 50) + clampv(s, 100, 200);
	auto add = [&s](int v) { sink = v; s += v; };
	add(4);
	add(twice(s & 3));
	for (int i = 1; i < 4; i++) {
		try {
			s += guarded(i);
		} catch (const std::exception &e) {
			s += 1000;
		}
	}
	s += fp(7);
	s += b.each(s & 3);
	std::printf("%d\n", s);
	return 0;
}
