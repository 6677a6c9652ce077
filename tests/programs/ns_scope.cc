// ns_scope.cc - namespace-qualified globals, static members, ::x (issue 10)
#include <cstdio>
#include <cstdlib>
#include <csignal>

int x = 7;
int g = 1;
static int sx = 70;
namespace ns {
int g = 2;
double d = 2.5;
const char *s = "in ns";
namespace inner {
int g = 3;
long arr[3] = { 4, 5, 6 };
}
}
namespace {
int anon = 9;
}
struct Cls {
	static int count;
	static const char *label;
	int v;
	int get() { return v + count; }
};
int Cls::count = 11;
const char *Cls::label = "cls";

static int (*fp)(int) = abs;
static int *dp = &ns::inner::g;

__attribute__((noinline)) int use(int x)
{
	int sx = x + 1;
	return sx + ::x + ns::g + ns::inner::g + anon + Cls::count; // line: ns-stop
}

int main(int argc, char **argv)
{
	Cls c = { 5 };
	int r = use(argc + 40) + c.get() + (fp != 0) + (dp != 0) + (int)ns::d + (*ns::s);
	printf("%d\n", r);
	return 0;
}
