// cpp_more.cc - more C++ values for src_oracle_cpp: std::nullptr_t, function
// pointers, reference members (not followed), lambdas, anonymous namespaces,
// long double, __int128, bool bit-fields, std::array, std::vector<bool>.
#include <cstddef>
#include <array>
#include <vector>
namespace { struct Hidden { int h; }; }
struct R { int &r; const char *s; };
int twice(int x) { return 2 * x; }
struct Bits { bool on : 1; unsigned mode : 3; };
int main()
{
	int five = 5;
	std::nullptr_t np = nullptr;
	int (*fp)(int) = twice;
	R rr = {five, "str"};
	int x = 3;
	auto lam = [x, &five](int y) { return x + five + y; };
	Hidden hd = {9};
	long double ld = 1.25;
	__int128 big = 12345;
	Bits bits = {true, 5};
	std::array<int, 3> ar = {1, 2, 3};
	std::vector<bool> vb(3, true);
	void *vp = &five;
	const int ci = 4;
	volatile int vi = 6;
	return lam(1) + hd.h + fp(1) + (np == nullptr) + (int)ld + (int)big + bits.mode + ar[0] + vb.size() + (vp != 0) + ci + vi == 0;
}
