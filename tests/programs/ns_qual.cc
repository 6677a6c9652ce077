// ns_qual.cc - gdb's answers to C++ qualified names (issue 10): static
// members of classes in namespaces and nested classes, defined by gcc at
// the unit's top and by clang inside the namespace; gdb's errors for
// names that are no variable (no such field, a non-static field, a type,
// no such scope); methods and a namespace's functions as values.
namespace ns {
struct In {
	static int cnt;
	int m;
	struct Deep {
		static int d;
	};
	int twice() { return m * 2; }
};
int In::cnt = 3;
int In::Deep::d = 4;
int g = 2;
namespace inner {
int h = 5;
}
int nf(int a) { return a + 1; }
}
struct Cls {
	static int count;
	int v;
	int get() { return v; }
	enum E { EA = 1 };
};
int Cls::count = 11;
union U {
	int a;
	static int su;
};
int U::su = 6;

__attribute__((noinline)) int use(int x)
{
	ns::In in = { 7 };
	return x + ns::In::cnt + ns::In::Deep::d + Cls::count + ns::g + U::su + ns::inner::h + in.twice(); // line: q-stop
}

int main()
{
	Cls c = { 5 };
	return use(c.get()) + ns::nf(1) > 1000;
}
