// nm_thunk.cc - C++ thunks (src_nm_names.sh): D overrides fb of its
// second base B (a non-virtual thunk adjusts `this` by -16, then jumps to
// D::fb) and fv of its virtual base V (a virtual thunk).  Calls through
// B* and V* go through the thunks; gdb's `break D::fb` has no location in
// the thunk and stops in D::fb once per call, so a thunk is a hop of the
// call, as a PLT stub is: calls/D::fb counts them, and no thunk is listed.
#include <cstdio>

struct A {
	virtual ~A() {}
	virtual int fa(int x) { return x + 1; }
	int a = 1;
};
struct B {
	virtual ~B() {}
	virtual int fb(int x) { return x + 2; }
	int b = 2;
};
struct V {
	virtual int fv(int x) { return x + 3; }
	int v = 3;
};
struct D : A, B, virtual V {
	int fa(int x) override { return x * 2 + a; }
	int fb(int x) override { return x * 3 + b + d; }
	int fv(int x) override { return x * 4 + v; }
	int d = 4;
};

static int __attribute__((noinline)) via_b(B *p, int x)
{
	return p->fb(x);
}

static int __attribute__((noinline)) via_v(V *p, int x)
{
	return p->fv(x);
}

int main()
{
	D d;
	A *pa = &d;
	B *pb = new D;
	int s = 0;

	for (int i = 0; i < 3; i++)
		s += pa->fa(i) + via_b(&d, i) + via_v(&d, i);
	s += d.fb(1);
	delete pb;
	std::printf("%d\n", s);
	return 0;
}
