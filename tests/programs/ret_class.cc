// ret_class.cc - small C++ classes returned by value (tests/e2e/api_calls.sh):
// one with a user copy constructor, a user destructor, a virtual
// function, a member of such a class or a move constructor is returned in
// memory whatever its size (the Itanium ABI; gcc does not say so in its
// DWARF, clang does); a defaulted copy and a plain struct come in registers.
#include <cstdio>
struct NonTriv { int k; NonTriv(int v) : k(v) {} NonTriv(const NonTriv &o) : k(o.k) {} };
struct UserDtor { int k; long m; ~UserDtor() { std::printf("%s", ""); } };
struct Defaulted { int k; Defaulted(int v) : k(v) {} Defaulted(const Defaulted &) = default; };
struct Virt { int k; Virt(int v) : k(v) {} virtual int get() const { return k; } };
struct Holder { NonTriv n; int z; };
struct Plain { int a; double b; };
struct MoveOnly { int k; MoveOnly(int v) : k(v) {} MoveOnly(MoveOnly &&o) : k(o.k) {} };
template <class T> struct TBox { T v; TBox(T x) : v(x) {} TBox(const TBox &o) : v(o.v) {} };
__attribute__((noinline)) NonTriv mk_nt(int v) { return NonTriv(v); }
__attribute__((noinline)) UserDtor mk_ud(int v) { UserDtor u; u.k = v; u.m = 7; return u; }
__attribute__((noinline)) Defaulted mk_df(int v) { return Defaulted(v); }
__attribute__((noinline)) Virt mk_vt(int v) { return Virt(v); }
__attribute__((noinline)) Holder mk_ho(int v) { return Holder{ NonTriv(v), v + 1 }; }
__attribute__((noinline)) Plain mk_pl(int v) { return Plain{ v, v * 0.5 }; }
__attribute__((noinline)) MoveOnly mk_mo(int v) { return MoveOnly(v); }
__attribute__((noinline)) TBox<int> mk_tb(int v) { return TBox<int>(v); }
int main()
{
	int s = 0;
	for (int i = 1; i < 3; i++) {
		s += mk_nt(i).k + mk_ud(i).k + mk_df(i).k + mk_vt(i).get() + mk_ho(i).z;
		s += (int)mk_pl(i).b + mk_mo(i).k + mk_tb(i).v;
	}
	std::printf("%d\n", s);
	return 0;
}
