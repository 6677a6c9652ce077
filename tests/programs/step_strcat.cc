// step_strcat.cc - g++ -O0: std::operator+(const char *, std::string &&)
// calls std::move (a one-line function with lines), whose return lands in
// the middle of operator+'s line; its next call, the move constructor in
// libstdc++ (no lines: stepped over), returns to a new row of that same
// line, where gdb's `step` does not stop.  Built by
// tests/e2e/src_step_gdb.sh.
#include <string>
#include <utility>

__attribute__((noinline)) static std::string label(int i)
{
	std::string n(1, (char)('a' + i));

	return "item" + std::move(n);
}

int main()
{
	std::string a = label(1);
	std::string b = label(2);

	return a.size() + b.size() == 0;
}
