// ln_deep.cc - lines/FILE/N and where against gdb (src_ln_hits.sh) where
// line tables are crowded or odd:
//  - at -O2, g++ inlines outer->mid->inner->leaf into main and starts them
//    all at one address: a row per line of each copy there (more than a
//    dozen rows at one pc), and gdb's `break` on the innermost copy's lines
//    has a location at that pc;
//  - std::vector and std::map operations inlined many levels deep, and
//    std::sort moving a struct with a std::string (clang -O2 DWARF 5: libdw's
//    dwarf_getscopes finds no scope in the inlined implicit operator=, gdb
//    has a block there: one location per copy);
//  - a throw caught two frames up: clang's landing pads are line-0 rows,
//    which gdb drops (the pad is the line of the row before it);
//  - a virtual thunk (Both::vb through a Base*) whose rows g++ puts in the
//    line table: gdb's `break` has a location in it, and its frame is named
//    by the demangled symbol, parameters included.
#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

volatile int sink;

struct Tracker {
	int id;
	Tracker(int i) : id(i) {}
	~Tracker() { sink = id; }
};

static inline int leaf(int x)
{
	Tracker t(x);
	if (x > 40)
		throw std::runtime_error("big");
	return x * 3;
}

static inline int inner(int x)
{
	int r = leaf(x + 1);
	return r + 1;
}

static inline int mid(int x)
{
	int r = inner(x + 2);
	return r - 2;
}

static inline int outer(int x)
{
	int r = mid(x * 2);
	return r + 5;
}

static int __attribute__((noinline)) guarded(int x)
{
	Tracker t(100 + x);
	int r = outer(x);
	sink = r;
	return r;
}

static int __attribute__((noinline)) catcher(int x)
{
	try {
		return guarded(x);
	} catch (const std::exception &e) {
		return -1;
	}
}

static int __attribute__((noinline)) fill(int n)
{
	std::vector<int> v;
	std::map<int, int> m;

	for (int i = 0; i < n; i++) {
		v.push_back(i * i);
		m[i % 3] += v.back();
	}
	int s = 0;
	for (auto &kv : m)
		s += kv.first * kv.second;
	return s + (int)v.size();
}

struct Item {
	std::string name;
	int score;
};

static int __attribute__((noinline)) order(int n)
{
	std::vector<Item> v;

	for (int i = 0; i < n; i++)
		v.push_back({ std::string(1, (char)('a' + i)), (i * 7) % 5 });
	std::sort(v.begin(), v.end(), [](const Item &a, const Item &b) { return a.score > b.score; });
	return v.front().name[0];
}

struct Base {
	int b = 1;
	virtual int vb() { return b; }
	virtual ~Base() {}
};
struct Left : virtual Base {
	int l = 2;
};
struct Right : virtual Base {
	int r = 3;
};
struct Both : Left, Right {
	int d = 4;
	int vb() override { return b + d; }
};

static int __attribute__((noinline)) call_vb(Base *p)
{
	return p->vb();
}

int main()
{
	int s = outer(1);
	Both both;

	s += catcher(2) + catcher(30);
	s += fill(7) + order(5);
	for (int i = 0; i < 2; i++)
		s += call_vb(&both);
	std::printf("%d\n", s);
	return 0;
}
