/* nm_ops.cc - C++ operators as functions (src_nm_names, test_source):
 * operator templates ("operator< <int>", std::operator< on strings:
 * the demangler's space before the template arguments), conversion
 * operators, new[]/delete[], a literal operator, operator() (a
 * template too, also in a class template), member templates, lambdas in
 * main and in another function, and a function whose name is longer
 * than a file name may be. */
#include <cstdio>
#include <map>
#include <string>
#include <new>
struct Km { long v; };
Km operator""_km(unsigned long long x) { return Km{(long)x}; }
struct M {
	int a[4];
	int &operator[](int i) { return a[i]; }
	int operator()(int x, int y) const { return x + y; }
	template <typename T> T operator()(T x) const { return x; }
	operator int() const { return a[0]; }
	operator std::string() const { return "m"; }
	operator const char *() const { return "c"; }
	M *operator->() { return this; }
	bool operator==(const M &o) const { return a[0] == o.a[0]; }
	void *operator new[](std::size_t n) { return ::operator new(n); }
	void operator delete[](void *p) { ::operator delete(p); }
	M &operator<<(int x) { a[1] = x; return *this; }
};
/* member templates of a class template: gdb's `break W<int>::put` and
 * `break W<int>::operator()` stop in their instances too ("W<int>::
 * put<double>": a linespec leaves the function's own template arguments
 * out when none are typed) */
template <typename T> struct W {
	T v;
	template <typename U> U put(U x) { return x + (U)v; }
	template <typename U> bool operator()(U x) const { return x > (U)v; }
};
template <typename T> bool operator<(const M &m, T x) { return m.a[0] < x; }
template <typename T> T operator+(T x, const M &m) { return x + m.a[0]; }
/* a break name over NAME_MAX (its template arguments: 390 bytes), whose
 * mangled name is short (substitutions): calls/ files it by address */
namespace a_namespace_with_a_rather_long_name_so_that_the_function_name_gets_long {
struct a_struct_with_a_rather_long_name_too_so_that_the_function_name_gets_long {
	int v;
};
int __attribute__((noinline)) leaf_of_long(int x) { return x * 3; }
template <typename A, typename B, typename C> int over_name_max(A *a, B *b, C *c)
{
	return leaf_of_long(a->v + b->v + c->v) + 1;
}
}
namespace ns_long = a_namespace_with_a_rather_long_name_so_that_the_function_name_gets_long;

/* an instance over main's lambda: g++ gives it no linkage name, gdb
 * names it from DWARF ("call_with<main()::<lambda(int, int)> >(struct
 * {...})") */
template <typename F> static int call_with(F f) { return f(1, 2); }

static int twice(int k)
{
	auto inc = [k](int a) { return a + k; };
	return inc(k) + inc(1);
}
int main()
{
	M m{{1, 2, 3, 4}}, n{{2, 0, 0, 0}};
	std::string s = "b", t = "a";
	int r = m[1] + m(1, 2) + m(3) + (int)m(2.0) + (int)m;
	std::string ms = m;
	const char *cp = m;
	auto add = [&r](int a, int b) { r++; return a + b; };
	r += m->a[2] + (m == n) + (m < 5) + (m < 2.5) + (1 + m) + (int)(3_km).v;
	r += add(1, 2) + call_with(add) + twice(3) + (s < t) + (t < s);
	W<int> w{1};
	r += w.put(2) + (int)w.put(1.5) + w(3) + w(0.5);
	ns_long::a_struct_with_a_rather_long_name_too_so_that_the_function_name_gets_long ls{r};
	r += ns_long::over_name_max(&ls, &ls, &ls);
	M *arr = new M[2];
	delete[] arr;
	m << 4;
	std::printf("%s %s %d\n", ms.c_str(), cp, r);
	return 0;
}
