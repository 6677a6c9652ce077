// inl4_tmpl_o2.cc - chains of step, next and reverse-step through C++
// inlined at -O2 (tests/e2e/src_inl4_chains.sh): a constructor and an
// operator inlined on one line, a function template two deep, std::max
// and a virtual call made from an inlined copy.
#include <algorithm>
#include <cstdio>

volatile int t4_k = 4;

struct Vec {
	int x, y;
	Vec(int a, int b) : x(a + t4_k), y(b) {}
	Vec operator+(const Vec &o) const { return Vec(x + o.x, y + o.y); }
	int dot() const { return x * y; }
};

struct Shape {
	virtual int area() const = 0;
	virtual ~Shape() {}
};

struct Sq : Shape {
	int s;
	explicit Sq(int v) : s(v) {}
	int area() const override { return s * s + t4_k; }
};

template <typename T> static inline T t4_clamp(T v) { return std::max(v, T(t4_k)); }
template <typename T> static inline T t4_twice(T v) { return t4_clamp(v) * 2; }

__attribute__((noinline)) static int t4_area(const Shape &sh, int n)
{
	int a = t4_twice(sh.area());
	return a + t4_twice(n);
}

int main(int argc, char **)
{
	Vec v(argc, 2), w = v + Vec(3, argc);
	Sq q(argc + 1);
	int r = w.dot(); r += t4_area(q, v.dot());
	r += t4_twice(r & 3);
	std::printf("%d\n", r);
	return 0;
}
