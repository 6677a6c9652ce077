// tail_virt_o2.cc - C++ tail calls at -O2: a virtual call in tail position
// (jmp *vtable-slot), a member function tail-calling another, and a free
// function tail-calling a method; plus a throw through a tail-called frame.
#include <cstdio>
#include <stdexcept>

volatile int sink;

struct Shape {
	virtual ~Shape() {}
	virtual int area(int k) const = 0;
	__attribute__((noinline)) int scaled(int k) const { return area(k * 2); }
};

struct Square : Shape {
	int side;
	explicit Square(int s) : side(s) {}
	__attribute__((noinline)) int area(int k) const override { return side * side * k + sink; }
};

struct Circle : Shape {
	int r;
	explicit Circle(int x) : r(x) {}
	__attribute__((noinline)) int area(int k) const override { return 3 * r * r * k + sink; }
};

__attribute__((noinline)) int measure(const Shape &s, int k)
{
	return s.scaled(k + 1);
}

__attribute__((noinline)) int check(int v)
{
	if (v > 1000)
		throw std::runtime_error("too big");
	return v + sink;
}

__attribute__((noinline)) int guarded(int v)
{
	return check(v * 3);
}

int main(int argc, char **)
{
	Square sq(argc + 2);
	Circle ci(argc + 1);
	const Shape *all[] = { &sq, &ci, &sq };
	int total = 0;

	for (const Shape *s : all)
		total += measure(*s, argc);
	total += guarded(argc);
	try {
		total += guarded(argc * 1000);
	} catch (const std::exception &e) {
		std::printf("caught %s\n", e.what());
	}
	std::printf("total %d\n", total);
	return 0;
}
