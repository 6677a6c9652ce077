// ev_tuple.cc - std::tuple in eval/ as gdb 13 prints it with libstdc++'s
// printers ("std::tuple containing = {[1] = 1, [2] = ...}", "empty
// std::tuple"), also inside a unique_ptr's internals (src_val_eval.sh).
#include <cstdio>
#include <memory>
#include <string>
#include <tuple>

struct Empty {};
struct Pt {
	int x, y;
};

int main()
{
	std::tuple<int, double, std::string> t3{ 1, 2.5, "three" };
	std::tuple<> t0;
	std::tuple<Empty, int> te{ Empty{}, 7 };
	std::tuple<Pt, std::tuple<char, long>> tn{ Pt{ 1, 2 }, std::make_tuple('c', 9L) };
	std::tuple<int *, std::pair<int, int>> tp{ nullptr, { 4, 5 } };
	auto up = std::make_unique<Pt>(Pt{ 3, 4 });
	std::printf("%d %zu %d %c %d %d\n", std::get<0>(t3), sizeof t0, std::get<1>(te),
		    std::get<0>(std::get<1>(tn)), std::get<1>(tp).second, up->x); /* line: tu-stop */
	return 0;
}
