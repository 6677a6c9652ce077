// find_method.cc - a C++ method called many times (this, a reference, a
// std::string const&, a double) returning a value, for the calls panel's
// test (tests/e2e/api_calls.sh) against gdb's bt/finish.
#include <cstdio>
#include <string>

class Account {
public:
	explicit Account(long start) : balance_(start) {}
	__attribute__((noinline)) long deposit(int amount, const std::string &memo, double fee)
	{
		balance_ += amount - (long)fee + (long)memo.size();
		return balance_;
	}
	long balance() const { return balance_; }

private:
	long balance_;
};

int main()
{
	Account acc(100);
	std::string memos[] = { "rent", "food", "book" };

	for (int i = 0; i < 6; i++)
		std::printf("%ld\n", acc.deposit(i * 10, memos[i % 3], 0.5 * i));
	return (int)(acc.balance() & 0x7f);
}
