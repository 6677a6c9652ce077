// c2_short_o2.cc - functions that exist only inlined at -O2 (a method, a
// destructor, templates, an anonymous namespace's function), looked up
// by the short names gdb's `break` takes (calls/norm1, calls/~Guard,
// calls/Box::get, calls/twice), next to out-of-line functions of the same
// short name (size: one inlined, one not).
#include <cstdio>

volatile int sink;

namespace geo {
struct Point {
	double x, y;
	double norm1() const { return (x < 0 ? -x : x) + (y < 0 ? -y : y); }
};

template <typename T> struct Box {
	T v;
	T get() const { return v + 1; }
	int size() const { return 3; }
};

template <typename T> T twice(T a) { return a + a; }
} // namespace geo

struct Guard {
	int id;
	explicit Guard(int i) : id(i) { sink = i; }
	~Guard() { sink = -id; }
};

struct Bag {
	int n;
	__attribute__((noinline, noclone)) int size() const { sink = n; return n; }
};

namespace {
int bump(int a) { return a * 3 + 1; }
} // namespace

namespace geo {
// out of line (its address is taken) and inlined where called directly
int sq(int a) { return a * a + 1; }
int (*volatile sq_ptr)(int) = sq;
} // namespace geo

// instances whose names are too long for calls/ to list them (filed by
// address): calls/lg holds both
struct TypeWithANameLongEnoughThatThreeOfThemMakeATemplateNameOfOverTwoHundredFiftySixChars_A {};
struct TypeWithANameLongEnoughThatThreeOfThemMakeATemplateNameOfOverTwoHundredFiftySixChars_B {};
using LgA = TypeWithANameLongEnoughThatThreeOfThemMakeATemplateNameOfOverTwoHundredFiftySixChars_A;
using LgB = TypeWithANameLongEnoughThatThreeOfThemMakeATemplateNameOfOverTwoHundredFiftySixChars_B;
template <class X, class Y, class Z> __attribute__((noinline)) int lg(int a)
{
	sink = a;
	return a + (int)sizeof(X);
}

static int use_guard(int k)
{
	Guard g(k);
	return k + 1;
}

int main(int argc, char **argv)
{
	geo::Point p[4] = { { 1, -2 }, { -3, 4 }, { 5, 6 }, { -7, -8 } };
	geo::Box<int> bi{ argc };
	geo::Box<double> bd{ 2.5 };
	Bag bag{ argc + 1 };
	double s = 0;
	int t = 0;

	(void)argv;
	for (int i = 0; i < 4; i++) {
		p[i].x += sink;
		s += p[i].norm1();
	}
	for (int i = 0; i < 3; i++) {
		t += use_guard(i);
		t += lg<LgA, LgB, LgA>(i) + lg<LgB, LgA, LgB>(i + 1);
		int v = sink + i;

		bi.v = v;
		bd.v = v;
		t += bi.get() + bi.size() + bag.size();
		t += bump(v) + geo::twice(v) + geo::sq(v) + geo::sq_ptr(v);
		s += bd.get() + geo::twice(s);
	}
	printf("%g %d\n", s, t);
	return 0;
}
