/* exception.cc - a std::runtime_error thrown through two frames and caught in main, once per loop round that throws. */
#include <cstdio>
#include <stdexcept>

static __attribute__((noinline)) int inner(int x)
{
	if (x > 2)
		throw std::runtime_error("too big");
	return x;
}

static __attribute__((noinline)) int middle(int x)
{
	int r = inner(x);
	return r + 1;
}

static __attribute__((noinline)) int after(int x)
{
	return x + 100;
}

int main()
{
	int got = 0;
	for (int i = 1; i < 5; i++) {
		try {
			got += middle(i);
		} catch (const std::exception &e) {
			got += after(i);
		}
	}
	std::printf("%d\n", got);
	return 0;
}
