// c2_wild.cc - gdb's wild matching where the short name is itself a
// function: `break size` stops in size() and size(int), and in X::size,
// ns::size, Y<int>::size, A::X::size (X::size(int) and Y<T>::size run
// inlined at -O2, X::size() and A::X::size() as .isra clones there);
// `break X::size` in A::X::size too; `break size() const` in every
// scope's; `break twice` in twice(double), twice<T> and ns::twice<T>.
#include <cstdio>
volatile int sink;

__attribute__((noinline)) int size() { return sink + 1; }
__attribute__((noinline)) int size(int a) { return sink + a; }

struct X {
	int n;
	__attribute__((noinline)) int size() const { sink = n; return n; }
	int size(int k) const { return n + k; } /* inlined at -O2 */
};

namespace ns {
__attribute__((noinline)) int size() { return sink + 2; }
}

template <typename T> struct Y {
	T v;
	int size() const { return (int)v + 7; }
};

namespace A {
struct X {
	int m;
	__attribute__((noinline)) int size() const { return m * 2; }
};
}

template <typename T> __attribute__((noinline)) T twice(T a) { return a + a; }
__attribute__((noinline)) double twice(double a) { return a * 2; }
namespace ns {
template <typename T> T twice(T a) { return a + a + 1; } /* inlined at -O2 */
}

int main(int argc, char **argv)
{
	X x{ argc };
	A::X ax{ argc + 1 };
	Y<int> yi{ argc };
	Y<long> yl{ argc };
	int t = 0;

	(void)argv;
	for (int i = 0; i < 3; i++) {
		t += size() + size(i);
		t += x.size() + x.size(i);
		t += ns::size();
		t += yi.size() + yl.size();
		t += twice(i) + (int)twice(1.5 * i) + ns::twice(i) + (int)twice(2L);
		if (i)
			t += ax.size();
	}
	printf("%d\n", t);
	return 0;
}
