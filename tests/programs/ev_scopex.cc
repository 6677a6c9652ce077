// ev_scopex.cc - gdb's C++ scope forms in eval/: enum class values
// (Mode::Slow), free operator functions (operator+, &operator+), a
// function's static local (bump::calls), a file's variables
// ('ev_scopex.cc'::g_total), static members and namespace variables
// (src_val_eval.sh).
#include <cstdio>

enum class Mode { Fast = 1, Slow = 4 };
enum Plain { P0, P1 };

struct V2 {
	int x, y;
};

static V2 operator+(V2 a, V2 b)
{
	return V2{ a.x + b.x, a.y + b.y };
}

bool operator==(V2 a, V2 b)
{
	return a.x == b.x && a.y == b.y;
}

struct Cls {
	static int count;
	int v;
	int get() const { return v + count; }
};
int Cls::count = 3;

namespace ns {
int nv = 11;
int twice(int v)
{
	static int seen = 0;
	seen += v;
	return 2 * v + seen;
}
}

static long g_total;
static Mode g_mode = Mode::Slow;

static int bump(void)
{
	static int calls = 100;
	calls++;
	g_total += calls;
	return calls;
}

int main()
{
	Mode m = Mode::Fast;
	V2 a{ 1, 2 }, b{ 3, 4 };
	Cls c{ 5 };

	bump();
	bump();
	V2 s = a + b;
	int t = ns::twice(s.x) + c.get() + (a == b);
	std::printf("%d %d %d %ld %d\n", s.x, t, (int)m, g_total, (int)g_mode); /* line: scx-stop */
	return 0;
}
