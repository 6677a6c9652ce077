// nm_plt/main.cc - C++ functions called through PLT stubs (src_nm_names.sh):
// gdb's `break ns::work` stops in the stub "ns::work(int)@plt" and then in
// the function (its C++ matcher leaves out the parameter list), also for
// libstdc++'s operator new, operator delete and std::__throw_length_error;
// a C function's stub (c_add@plt, malloc@plt) is no match.
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace ns {
int work(int x);
int work(int x, int y);
} // namespace ns
extern "C" int c_add(int a, int b);

int main()
{
	int s = 0;
	for (int i = 0; i < 3; i++)
		s += ns::work(i);
	s += ns::work(1, 2);
	s = c_add(s, 1);
	int *p = new int(5);
	s += *p;
	delete p;
	std::vector<int> v;
	try {
		v.reserve(v.max_size() + 1);
	} catch (const std::length_error &) {
		s++;
	}
	std::printf("%d\n", s);
	return 0;
}
