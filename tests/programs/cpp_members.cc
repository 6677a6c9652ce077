#include <cstdio>
namespace zoo {
struct Outer {
	enum Kind { SMALL, BIG };
	Kind k;
	static const int limit = 5;
	static long total;
};
long Outer::total = 11;
}
struct A { int a; };
struct B1 : virtual A { int b1; };
struct B2 : virtual A { int b2; };
struct D : B1, B2 { int d; };
struct Empty {};
struct P { int x; double y; int get() const { return x; } };
int g(int &r, P *pp, int P::*pm, int (P::*pf)() const, zoo::Outer o, D &dd, Empty e)
{
	int &r2 = r;
	bool flag = r > 1;
	return r2 + pp->*pm + (pp->*pf)() + o.k + dd.a + flag;
}
int twice(int x);
double twice(double x);
template <typename T> T add(T a, T b);
int main()
{
	int v = 3;
	P p = {4, 1.5};
	zoo::Outer o; o.k = zoo::Outer::BIG;
	D d; d.a = 1; d.b1 = 2; d.b2 = 3; d.d = 4;
	Empty e;
	int sum = g(v, &p, &P::x, &P::get, o, d, e) + twice(2) + (int)twice(1.5);
	sum += add(1, 2) + (int)add(3L, 4L) + add(5, 6);
	return sum > 1000;
}

// overloads and a template, for the break-name lookups of test_source
int twice(int x) { return 2 * x; }
double twice(double x) { return 2 * x; }
template <typename T> T add(T a, T b) { return a + b; }
template int add<int>(int, int);
template long add<long>(long, long);
