// ev_outer.cc - gdb's names in eval/ (src_val_eval.sh): "func::local" of
// a frame further out (gdb's block_innermost_frame: outer::x from
// inner's frame, main::lm), the print name in gdb's "No frame is currently
// executing in block inner(int)."; template functions by their arguments
// (max<int>, min3<long>: DWARF's "min3<long int>"), gdb's type instances
// ("operator==(V2, V2)", "&max<int>(int, int)": the function, whatever the
// types), methods and a static member function as values.
#include <cstdio>

struct V2 {
	int x, y;
};

bool operator==(V2 a, V2 b)
{
	return a.x == b.x && a.y == b.y;
}

struct Fruit {
	int cents;
	int price() const { return cents * 2; }
	static int make(int c) { return c + 1; }
};

template <typename T> T max(T a, T b)
{
	return a > b ? a : b;
}

template <typename T> T min3(T a, T b, T c)
{
	return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

int __attribute__((noinline)) inner(int k)
{
	volatile int depth = k + 1;

	std::printf("%d\n", depth); /* line: in-stop */
	return depth;
}

int __attribute__((noinline)) outer(int n)
{
	volatile int x = n * 3;
	int y = inner(x) + 1;

	return y + x;
}

int main()
{
	Fruit f{ 7 };
	V2 a{ 1, 2 }, b{ 3, 4 };
	volatile int lm = 5;
	int r = f.price() + Fruit::make(2) + max<int>(3, 4) + (int)max<double>(1.5, 2.5) +
		(int)min3<long>(1, 2, 3) + (a == b);

	r += outer(lm);
	std::printf("%d\n", r); /* line: m-stop */
	return 0;
}
