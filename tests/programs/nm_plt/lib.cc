// nm_plt/lib.cc - a C++ library the program calls through its PLT
// (src_nm_names.sh): overloads ns::work, and a C function.
namespace ns {
int work(int x)
{
	return x * 2 + 1;
}
int work(int x, int y)
{
	return x + y;
}
} // namespace ns

extern "C" int c_add(int a, int b)
{
	return a + b;
}
