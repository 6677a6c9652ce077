// st_rncpp.cc - prev-line against gdb 13's reverse-next (src_st_step.sh):
// chained method calls, static members, calls in a for header.
#include <cstdio>

struct Acc {
	int v;
	__attribute__((noinline)) int get() const { asm(""); return v; }
	__attribute__((noinline)) Acc &add(int d) { asm(""); v += d; return *this; }
	__attribute__((noinline)) static int twice(int x) { asm(""); return 2 * x; }
};

__attribute__((noinline)) int mk(int x) { asm(""); return x + 1; }

int main(int argc, char **)
{
	Acc a{argc};
	a.add(mk(argc)).add(Acc::twice(a.get()));
	int s = a.get() + Acc::twice(mk(a.get()));
	for (int i = 0; i < a.get() % 4 + 1; i++)
		s += Acc::twice(i);
	std::printf("%d\n", s);
	return 0;
}
