// step_cxx.cc - one-line lambdas, templates and virtual methods, and
// std::sort calling back a lambda: gdb's `step` stops in each after its
// prologue, and goes through the library headers' inline code.  Built -O0
// by tests/e2e/src_step_gdb.sh (at -O2 gdb's stepping into inlined calls
// stops at the call's line first: not compared).
#include <algorithm>
#include <string>
#include <vector>

template <typename T> T maxof(T a, T b) { return a > b ? a : b; }

struct Shape {
	virtual ~Shape() {}
	virtual int area() const = 0;
};
struct Square : Shape {
	int s;
	explicit Square(int v) : s(v) {}
	int area() const override { return s * s; }
};

volatile int sink;

int main()
{
	auto twice = [](int x) { return x * 2; };
	std::vector<int> v = { 3, 1, 2 };
	std::sort(v.begin(), v.end(), [](int a, int b) { return a < b; });
	int r = twice(v[0]) + maxof(v[1], v[2]);
	Square q(3);
	const Shape &sh = q;
	r += sh.area();
	std::string s = "abc";
	r += (int)s.size();
	sink = r;
	return 0;
}
