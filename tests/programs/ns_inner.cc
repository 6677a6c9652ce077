// ns_inner.cc - names inside a namespace function: g is ns::g there, In::cnt (issue 10)
#include <cstdio>
namespace ns {
static int z = 3;
int g = 2;
struct In { static int cnt; static const int K = 5; static constexpr double D = 1.5; };
int In::cnt = 8;
__attribute__((noinline)) int f(int a)
{
	return a + g + z + In::cnt; // line: f-stop
}
}
int g = 1;
int main(int argc, char **argv)
{
	int r = ns::f(argc) + ns::In::K;
	printf("%d %f\n", r, ns::In::D);
	return 0;
}
