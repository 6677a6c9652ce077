// cpp_tnames.cc - class names with template arguments of many forms, for
// src_oracle_cpp: gdb prints them canonicalised ("int const", "char
// const* const&", "0ul", "unsigned long"), whatever the compiler wrote.
template <typename T, unsigned long N, long M, unsigned char C, bool B>
struct Tag { T v; };
template <typename F> struct Fn { F f; };
template <typename... A> struct Many { int n; };
template <char C, int I> struct Lit { int l; };
int twice(int x) { return 2 * x; }
struct D1 : Tag<const int *, 3UL, -2L, 7, true> { int d; };
struct D2 : Fn<int (*)(int)>, Many<const char *const &, unsigned long long, short, int[3], Many<long double> > { int e; };
// gdb's parser takes no bare function type ("void(int)": the name as the
// compiler wrote it) and writes 'a' as (char)'a'
struct D3 : Many<void(int)>, Lit<'a', -3> { int f; };
int main()
{
	D1 a; a.v = nullptr; a.d = 1;
	D2 b; b.f = twice; b.n = 2; b.e = 3;
	Tag<volatile unsigned, 0, 5, 'a', false> c = {4};
	D3 d; d.n = 5; d.l = 6; d.f = 7;
	return a.d + b.n + b.e + (int)c.v + b.f(1) + d.f == 0;
}
