// find_method.cc - a C++ method called many times (this, a reference, a
// std::string const&, a double) returning a value, for the calls panel's
// test (tests/e2e/api_calls.sh) against gdb's bt/finish.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

// a function whose signature runs past 512 characters (the API's caller
// and signature fields were cut at 256 and 512)
typedef std::map<std::string, std::vector<std::pair<std::string, std::map<int, std::string>>>> Index;
template <class T> __attribute__((noinline)) size_t weigh(const T &t)
{
	return t.size();
}

// in a frame of its own: main's locals keep their places (the comparison
// with gdb reads memos[]' uninitialised bytes)
static __attribute__((noinline)) void index_demo()
{
	Index idx;
	idx["k"].push_back({ "v", { { 1, "w" } } });
	std::printf("%zu\n", weigh(idx));
}

class Account {
public:
	explicit Account(long start) : balance_(start) {}
	__attribute__((noinline)) long deposit(int amount, const std::string &memo, double fee)
	{
		balance_ += amount - (long)fee + (long)memo.size();
		return balance_;
	}
	long balance() const { return balance_; }
	// a class returned in memory (not trivially copyable) and a small
	// struct returned in rax:rdx
	__attribute__((noinline)) std::string label(int k) const
	{
		return "acct-" + std::to_string(balance_ % 1000) + "-" + std::to_string(k);
	}
	struct split {
		long whole;
		int cents;
	};
	__attribute__((noinline)) split parts(int scale) const
	{
		return split{ balance_ / scale, (int)(balance_ % scale) };
	}

private:
	long balance_;
};

int main()
{
	Account acc(100);
	std::string memos[] = { "rent", "food", "book" };

	for (int i = 0; i < 6; i++)
	{
		std::printf("%ld\n", acc.deposit(i * 10, memos[i % 3], 0.5 * i));
		std::printf("%s %ld\n", acc.label(i).c_str(), acc.parts(7 + i).whole);
	}
	index_demo();
	return acc.balance() > 0 ? 0 : 1;
}
