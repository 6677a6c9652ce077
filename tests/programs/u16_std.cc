// u16_std.cc (u16_std_o2.cc includes it, at -O2) - libstdc++ containers for the expression box: gdb's pretty
// printers' text and the methods its xmethods compute.
#include <array>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <stack>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

struct Item {
	int qty;
	double price;
};

struct Bag {
	std::string name;
	std::vector<int> ids;
	int n;
};

/* opaque to the optimizer: every container stays in memory at -O2 */
__attribute__((noinline)) static int use(const void *p)
{
	asm volatile("" : : "r"(p) : "memory");
	return p != nullptr;
}

static volatile int g_sink;

__attribute__((noinline)) static void stop(void)
{
	asm volatile("" : : : "memory");
}

/* containers by reference: (const std::vector<int> &) @0x...: ... */
__attribute__((noinline)) static int probe(const std::vector<int> &v,
					   const std::map<int, std::string> &mm,
					   const std::string &str)
{
	stop();
	/* the nop: at -O2 the line would start where an inlined copy of
	 * size() does, and gdb's break on it would show the copy, where a
	 * moment shows probe (the copies hidden, as gdb's step arrives) */
	asm volatile("nop"); g_sink = 1; // line: probe-ret
	return (int)v.size() + (int)mm.size() + (int)str.size();
}

int main()
{
	std::vector<int> items = { 1, 2, 3 };
	items.reserve(4);
	std::vector<Item> stock = { { 3, 1.5 }, { 7, 2.25 } };
	std::vector<std::vector<int>> grid = { { 1, 2 }, {}, { 3 } };
	std::vector<bool> flags = { true, false, true };
	std::vector<int> empty;
	std::vector<int> big(250);
	for (int i = 0; i < 250; i++)
		big[i] = i;
	std::string s = "text";
	std::string longs(40, 'x');
	std::string es;
	std::array<int, 3> arr = { 4, 5, 6 };
	std::unique_ptr<Item> up(new Item{ 9, 0.5 });
	std::unique_ptr<Item> nup;
	std::shared_ptr<Item> sp = std::make_shared<Item>(Item{ 2, 4.0 });
	std::shared_ptr<Item> sp2 = sp;
	std::shared_ptr<Item> nsp;
	std::map<int, std::string> m = { { 1, "one" }, { 3, "three" } };
	std::set<int> st = { 5, 1, 3 };
	std::list<int> li = { 7, 8 };
	std::list<int> eli;
	std::unordered_map<int, int> um = { { 1, 10 } };
	std::optional<int> opt = 5;
	std::optional<int> nopt;
	std::pair<int, std::string> pr(4, "four");
	Bag bag{ "bag", { 1, 2 }, 2 };
	std::vector<std::string> names = { "a", "bc" };
	std::map<int, int> bigm;
	std::list<int> bigl;
	for (int i = 0; i < 150; i++)
		bigm[i] = i * 2;
	for (int i = 0; i < 250; i++)
		bigl.push_back(i);
	std::string bigs(250, 'y');
	std::string nul("a\0b", 3);
	std::optional<std::vector<int>> ov = std::vector<int>{ 1, 2 };
	std::unique_ptr<char[]> ua(new char[3]{ 'a', 'b', 0 });
	std::weak_ptr<Item> wp = sp;
	std::map<std::string, std::vector<int>> mv = { { "k", { 1 } }, { "l", {} } };
	std::set<std::string> ss = { "x", "y" };
	std::map<int, Item> mi = { { 2, { 5, 0.25 } } };
	std::list<Item> lit = { { 1, 1.0 } };
	std::vector<Bag> bags = { { "b1", { 7 }, 1 } };
	std::unordered_set<int> us = { 42 };
	std::multimap<int, int> mm2 = { { 1, 1 }, { 1, 2 } };
	std::unique_ptr<int> ui(new int(77));
	std::shared_ptr<std::string> ssp = std::make_shared<std::string>("shared");
	std::vector<Item *> ptrs = { &stock[0], nullptr };
	std::deque<int> dq;
	for (int i = 0; i < 300; i++)
		dq.push_front(i); /* several buckets, the first one part full */
	std::deque<Item> dqi = { { 4, 0.5 } };
	std::stack<int> stk;
	stk.push(1);
	stk.push(2);
	std::queue<std::string> qu;
	qu.push("first");
	qu.push("second");
	std::string_view sv = std::string_view(longs).substr(0, 3);
	std::optional<std::string> os = std::string("opt");
	std::optional<Item> oi = Item{ 3, 3 };
	std::map<std::string, std::map<int, int>> nested = { { "a", { { 1, 2 } } } };
	std::vector<std::vector<std::string>> vvs = { { "x" }, { "y", "z" } };
	std::unique_ptr<Item[]> uarr(new Item[2]{ { 1, 1 }, { 2, 2 } });
	std::vector<std::unique_ptr<Item>> vu;
	vu.push_back(std::make_unique<Item>(Item{ 5, 5 }));
	vu.push_back(nullptr);
	std::unordered_map<std::string, int> su = { { "k", 1 }, { "j", 2 } };
	std::array<std::string, 2> as = { "p", "q" };
	std::vector<const char *> cstrs = { "lit", nullptr };
	std::list<std::pair<int, char>> lp = { { 1, 'c' } };
	int n = use(&items) + use(&stock) + use(&grid) + use(&flags) + use(&empty) + use(&big) +
		use(&s) + use(&longs) + use(&es) + use(&arr) + use(&up) + use(&nup) + use(&sp) +
		use(&sp2) + use(&nsp) + use(&m) + use(&st) + use(&li) + use(&eli) + use(&um) +
		use(&opt) + use(&nopt) + use(&pr) + use(&bag) + use(&names) + use(&bigm) +
		use(&bigl) + use(&bigs) + use(&nul) + use(&ov) + use(&ua) + use(&wp) + use(&mv) +
		use(&ss) + use(&mi) + use(&lit) + use(&bags) + use(&us) + use(&mm2) + use(&ui) +
		use(&ssp) + use(&ptrs) + use(&dq) + use(&dqi) + use(&stk) + use(&qu) + use(&sv) + use(&os) + use(&oi) + use(&nested) + use(&vvs) + use(&uarr) +
		use(&vu) + use(&su) + use(&as) + use(&cstrs) + use(&lp) - 32;
	stop();
	g_sink = n; // line: std-ret
	return n - 25 + (probe(items, m, s) == 9 ? 0 : 1);
}
