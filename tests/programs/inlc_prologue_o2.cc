// inlc_prologue_o2.cc - inlined copies that start at the entry of the
// function holding them (clang++ -O2 puts a first statement's copies,
// Guard's and level3's, at the function's first instruction, before its
// prologue): gdb's `break level3` stops past that function's prologue
// (src_calls_inline.sh).
#include <cstdio>

struct Guard {
	int id;
	Guard(int i) : id(i) {}
	~Guard() { std::printf("~G%d\n", id); }
};

static int level3(int x)
{
	Guard g(3);
	return x + 1;
}

static int level2(int x)
{
	Guard g(2);
	int r = level3(x);
	return r * 2;
}

__attribute__((noinline)) int work(int n)
{
	int r = level2(n);
	std::printf("work %d\n", r);
	return r;
}

int main()
{
	int a = level2(1);
	a += work(a);
	std::printf("%d\n", a);
	return 0;
}
