// step_range.cc - gdb's step range at a function's entry whose first row is
// a header's line (g++ -O2: std::string's inlined allocator and constructor
// code at greet's entry, rows of several files at one address): gdb's
// find_pc_line range there runs past the rows of other files that follow,
// and its `step` stops at none of the inlined copies' entries inside it.
// Built -O2 and -O0 by tests/e2e/src_step_gdb.sh.
#include <cstdio>
#include <string>
#include <vector>

__attribute__((noinline)) std::string greet(const std::string &who)
{
	return "hi " + who;
}

__attribute__((noinline)) std::string shout(std::string s)
{
	for (char &c : s)
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
	return s + "!";
}

__attribute__((noinline)) size_t total(const std::vector<std::string> &v)
{
	size_t n = 0;
	for (const std::string &s : v)
		n += s.size();
	return n;
}

int main()
{
	std::vector<std::string> v;
	v.push_back(greet("bob"));
	v.push_back(shout(greet("ann")));
	std::puts(v[1].c_str());
	return total(v) != 13;
}
