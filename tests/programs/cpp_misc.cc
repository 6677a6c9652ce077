// cpp_misc.cc - more C++ values for src_oracle_cpp: a class's static member of
// its own type, unions, anonymous members, wide chars, std::unique_ptr,
// std::map, a long std::string, references to arrays and rvalue references.
#include <map>
#include <memory>
#include <string>
struct S { static S inst; int v; };
S S::inst;
union U { int i; float f; };
struct Anon { struct { int a, b; } pt; union { long l; double d; }; };
struct WithArr { S items[2]; const char *names[2]; };
enum Plain { ONE = 1, TWO };
int main()
{
	S s; s.v = 1;
	U u; u.i = 1;
	Anon an; an.pt.a = 1; an.pt.b = 2; an.l = 3;
	WithArr wa = {{{4}, {5}}, {"x", "y"}};
	wchar_t wc = L'A';
	char16_t c16 = u'B';
	char32_t c32 = U'C';
	Plain pl = TWO;
	std::unique_ptr<int> up(new int(7));
	std::string longs(40, 'z');
	std::map<int, int> mp; mp[1] = 2;
	int arr[3] = {1, 2, 3};
	int (&ra)[3] = arr;
	int &&rr = 5;
	return (s.v + u.i + an.pt.a + wa.items[0].v + wc + c16 + c32 + pl + *up + (int)longs.size() + mp[1] + ra[0] + rr) == 0;
}
