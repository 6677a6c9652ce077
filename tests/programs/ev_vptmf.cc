// ev_vptmf.cc - pointers to virtual member functions in eval/ as gdb
// prints them (Itanium ABI: 1 + the vtable offset): "&virtual Base::f()
// const", "&virtual table offset 2" for gdb's own &Base::f, a this
// adjustment through a second base, and std::function's union member
// (src_val_eval.sh).
#include <cstdio>
#include <functional>

struct Base {
	virtual ~Base() {}
	virtual int f() const { return 1; }
	virtual int g(int x) { return x; }
	int h() { return 3; }
};
struct D : Base {
	int f() const override { return 2; }
	virtual int k() { return 4; }
};
struct M1 {
	virtual int m1() { return 5; }
	long pad;
};
struct M2 : M1, D {
	int k() override { return 6; }
};
struct Holder {
	int (Base::*pm)(int);
	int (D::*pk)();
};

int main()
{
	int (Base::*pf)() const = &Base::f;
	int (Base::*pg)(int) = &Base::g;
	int (Base::*ph)() = &Base::h;
	int (D::*pk)() = &D::k;
	int (M2::*pmk)() = &M2::k;
	int (M2::*pmf)() const = &M2::f;
	int (M2::*pmh)() = &M2::h;
	int (Base::*pnull)() = nullptr;
	Holder hold = { &Base::g, &D::k };
	int factor = 3;
	std::function<int(int)> byval = [factor](int a) { return a * factor; };
	D d;
	M2 m;
	int r = (d.*pf)() + (d.*pg)(1) + (d.*ph)() + (d.*pk)() + (m.*pmk)() + (m.*pmf)() +
		(m.*pmh)() + (pnull ? 1 : 0) + (d.*hold.pm)(2) + byval(2);
	std::printf("%d\n", r); /* line: vp-stop */
	return 0;
}
