// ev_cold.cc - functions split in a hot and a cold part (g++ -O2: main.cold,
// ns::twice(int) [clone .cold]; DWARF gives them DW_AT_ranges, no
// DW_AT_low_pc) and main with parameters, as values in eval/ (gdb's
// entry: the first range's start; <main(int, char**)>), a static function
// whose parameters gdb's name prints the demangler's way ("char const*",
// "S const&": gdb canonicalizes the name it computes) (src_val_eval.sh).
#include <cstdio>
#include <stdexcept>

struct S {
	int a;
};

static int __attribute__((noinline)) f1(const char *s, char **v, S *p, const S &r, int (*fp)(int),
					unsigned long long u, S &&rr)
{
	return s[0] + (v != 0) + p->a + r.a + (fp != 0) + (int)u + rr.a;
}

namespace ns {
int __attribute__((noinline)) twice(int v)
{
	if (__builtin_expect(v > 1000, 0)) {
		std::printf("big %d\n", v);
		throw std::runtime_error("big");
	}
	return 2 * v;
}
}

int main(int argc, char **argv)
{
	if (__builtin_expect(argc > 5, 0)) {
		std::printf("many %s\n", argv[1]);
		throw std::runtime_error("many");
	}
	S s{ 1 };
	int r = ns::twice(argc) + f1("x", argv, &s, s, nullptr, 1, S{ 3 });
	std::printf("%d\n", r); /* line: cold-stop */
	return 0;
}
