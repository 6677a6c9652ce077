// ev_vbase.cc - virtual base class subobjects, as gdb's print shows them
// (issue 10): the offset of a virtual base is a DWARF expression that
// reads the vbase offset from the object's vtable (gcc's DW_OP_constu,
// DW_OP_const1u past vcall offsets, DW_OP_const2u past many of them).
#include <cstdio>

struct Base {
	virtual ~Base() {}
	virtual int f(int x) { return x + 1; }
};
struct Mid : virtual Base {
	int m = 3;
	int f(int x) override { return x * m; }
};
struct Leaf : Mid {
	int l = 10;
	int f(int x) override
	{
		return Mid::f(x) + l + (*this).m; /* line: vb-this */
	}
};

// a diamond: A shared by B1 and B2, with members
struct A {
	int a = 1;
	long along = -2;
	virtual int va() { return a; }
};
struct B1 : virtual A { int b1 = 2; int va() override { return b1; } };
struct B2 : virtual A { int b2 = 3; };
struct D : B1, B2 { int d = 4; };

// a nearly empty virtual base (only its vptr) is its derived class's
// primary base: the vcall offsets of its many virtual functions come
// before the vbase offset in the vtable (DW_OP_const2u 304)
struct Wide {
#define V(n) virtual int v##n() { return n; }
	V(0) V(1) V(2) V(3) V(4) V(5) V(6) V(7) V(8) V(9)
	V(10) V(11) V(12) V(13) V(14) V(15) V(16) V(17) V(18) V(19)
	V(20) V(21) V(22) V(23) V(24) V(25) V(26) V(27) V(28) V(29)
	V(30) V(31) V(32) V(33) V(34)
#undef V
};
struct WMid : virtual Wide {
	int wm = 8;
#define V(n) int v##n() override { return n + 100; }
	V(0) V(1) V(2) V(3) V(4) V(5) V(6) V(7) V(8) V(9)
	V(10) V(11) V(12) V(13) V(14) V(15) V(16) V(17) V(18) V(19)
	V(20) V(21) V(22) V(23) V(24) V(25) V(26) V(27) V(28) V(29)
	V(30) V(31) V(32) V(33) V(34)
#undef V
};
struct WLeaf : WMid { int wl = 9; };

static int use(Base &b, A &a, Wide &w) { return b.f(2) + a.va() + w.v34(); }

int main()
{
	Leaf leaf;
	Mid mid;
	D d;
	WLeaf wleaf;
	Leaf *pl = &leaf;
	Leaf &rl = leaf;
	Base &b = leaf;
	D *pd = &d;
	int r = use(b, d, wleaf) + leaf.f(1) + mid.f(1) + pl->l + rl.l + pd->d;
	std::printf("%d\n", r); /* line: vb-stop */
	return 0;
}
