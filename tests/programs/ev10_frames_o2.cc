// ev10_frames_o2.cc - frame names at -O2 (src_ev10_frames.sh): inlined
// copies of members of a class template over a lambda in a namespace
// (gdb names them from DWARF: "ns::Holder<main()::<lambda(int)> >::run"),
// lambdas inlined and out of line, and throws that gcc moves into a
// function's .cold part (the frame reads safe_div.cold+0xoff).
#include <cstdio>
#include <functional>
#include <stdexcept>

namespace ns {
template <typename F> struct Holder {
	F f;
	int run(int x) { return f(x) + 1; }
	static int srun(Holder &h, int x) { return h.run(x) * 2; }
};
} // namespace ns

__attribute__((noipa)) int leaf(int v)
{
	return v * 3;
}

/* its throw goes into safe_div.cold */
__attribute__((noinline)) int safe_div(int a, int b)
{
	if (__builtin_expect(b == 0, 0))
		throw std::invalid_argument("safe_div"); /* line: cold-throw */
	return a / b;
}

template <typename T> T checked(T a, T b)
{
	if (b == 0)
		throw std::domain_error("zero");
	return leaf(a / b);
}

int main(int argc, char **argv)
{
	int base = argc + (argv[0] == nullptr);
	auto f = [&base](int d) { return checked(10 * base, d); };
	ns::Holder<decltype(f)> h{ f };
	std::function<int(int)> g = [&h](int d) { return ns::Holder<decltype(f)>::srun(h, d); };
	int s = 0;

	for (int d : { 5, 0, 2 }) {
		try {
			s += g(d);
		} catch (const std::domain_error &) {
			s -= 1;
		}
	}
	try {
		s += safe_div(s, argc - 1);
	} catch (const std::invalid_argument &) {
		s += 100;
	}
	std::printf("%d\n", s);
	return 0;
}
