// i10_overload.cc - overloads under one name in calls/ (src_i10_overload.sh): member
// (Leaf::bump(int), Leaf::bump(double), a const one), free functions in a
// namespace, a template's instances; at -O2 some copies are inlined.
#include <cstdio>

static volatile int sink;

struct Leaf {
	long total;
	void bump(int v);
	void bump(double v);
	int bump() const { return (int)total + sink; }
};

__attribute__((noinline)) void Leaf::bump(int v)
{
	total += v;
	sink = (int)total;
}

void Leaf::bump(double v)
{
	total += (long)(v * 2);
	sink = (int)total;
}

namespace geo {
int scale(int a) { return a * 3 + sink; }
long scale(long a, int k) { return a * k + sink; }
}

template <typename T> T add(T a, T b)
{
	sink = (int)a;
	return a + b;
}

int main()
{
	Leaf l{ 0 };
	for (int i = 0; i < 3; i++)
		l.bump(i);
	l.bump(2.5);
	int c = l.bump();
	long s = geo::scale(c) + geo::scale(4L, 2) + geo::scale(1);
	s += add(1, 2) + add(3L, 4L) + (long)add(1.5, 2.0);
	std::printf("%ld %ld\n", l.total, s);
	return 0;
}
