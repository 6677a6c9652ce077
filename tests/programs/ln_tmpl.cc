// ln_tmpl.cc - lines/FILE/N against gdb's break hits in C++ (src_ln_hits.sh):
// a template line instantiated twice (one location per function), in-class
// one-line methods, a lambda called on its own line, an exception caught.
#include <cstdio>
#include <stdexcept>

volatile int sink;

template <typename T> T twice(T v)
{
	return v + v;
}

struct Box {
	int v;
	int get() const { return v; }
	void add(int d) { v += d; }
};

static int risky(int i)
{
	if (i == 2)
		throw std::runtime_error("two");
	return i;
}

int main()
{
	Box b{1};
	auto sq = [](int x) { return x * x; };
	for (int i = 0; i < 4; i++) {
		b.add(twice(i) + sq(i));
		sink = (int)twice(1.5 * i);
		try {
			sink = risky(i);
		} catch (const std::exception &e) {
			sink = -1;
		}
	}
	std::printf("%d\n", b.get());
	return 0;
}
