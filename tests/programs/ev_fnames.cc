// ev_fnames.cc - gdb's names of C++ functions after pointers to code in
// eval/: "<main()>", "{int (void)}", a lambda's std::function handlers
// (src_val_eval.sh).
#include <cstdio>
#include <functional>
#include <string>
struct S { int v; int get() const { return v; } void set(int x) { v = x; } static int sf(const std::string &s) { return (int)s.size(); } };
template <typename T> struct Box { T t; T take(const T &o) const { return t + o; } };
static int noargs(void) { return 1; }
int extfn(const char *p, S &s) { return p[0] + s.v; }
namespace { int anon_fn(long x) { return (int)x; } }
template <typename T> T tmpl(T a) { return a; }
int main()
{
	S s{3};
	Box<int> b{2};
	int (S::*mg)() const = &S::get;
	int (*fp)(void) = noargs;
	int (*ep)(const char *, S &) = extfn;
	std::function<int(int)> lam = [&s](int x) { return x + s.v; };
	int r = noargs() + extfn("a", s) + anon_fn(2) + tmpl(3) + b.take(4) + S::sf("xy") + (s.*mg)() + lam(1) + fp() + ep("b", s);
	s.set(r);
	std::printf("%d\n", r); /* line: a-stop */
	return 0;
}
