// i10_dlopen_o2.cc - as i10_dlopen.c, in C++: libstdc++ allocates, throws and
// catches, then a dlopen after main (src_i10_ldso.sh).
#include <dlfcn.h>
#include <cstdio>
#include <string>
#include <vector>
#include <stdexcept>
int main()
{
	std::vector<std::string> v;
	for (int i = 0; i < 5; i++)
		v.push_back(std::string(40, 'a' + i));
	try {
		throw std::runtime_error("x");
	} catch (const std::exception &e) {
		std::printf("%s %zu\n", e.what(), v.size());
	}
	void *h = dlopen("libz.so.1", RTLD_NOW);
	if (h)
		dlclose(h);
	return 0;
}
