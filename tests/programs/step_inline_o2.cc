// step_inline_o2.cc - gdb's step and next through small inlined constructors
// and allocators at -O2 (built with g++ and clang++ by
// tests/e2e/src_step_gdb.sh): a `new` made inside an inlined copy returns
// into the caller's own code, to a row of the copy's line (clang) or to a row
// that is no statement (both): gdb's line there is that row's, or none, so
// the next copy whose call site is the line stepped is a stop (`next` at 26
// a second time, at push_back's copy; `step` at 28 and 29 where operator[]
// returns).
#include <vector>
#include <map>
#include <string>
struct Base { virtual ~Base() {} virtual int get() const = 0; };
struct One : Base { int v; One(int x) : v(x) {} int get() const override { return v; } };
struct Two : Base { int a, b; Two(int x, int y) : a(x), b(y) {} int get() const override { return a * b; } };
static int sum(const std::vector<Base *> &v)
{
	int s = 0;
	for (auto *p : v)
		s += p->get();
	return s;
}
int main()
{
	std::vector<Base *> v;
	v.push_back(new One(4));
	v.push_back(new Two(2, 5));
	v.push_back(new One(7));
	std::map<std::string, int> m;
	m["a"] = 1;
	m["bb"] = 2;
	int s = sum(v);
	for (auto &e : m)
		s += e.second;
	for (auto *p : v)
		delete p;
	return s == 42;
}
