// cpp_badref.cc - references to memory that cannot be read (src_oracle_cpp.sh):
// gdb's info locals prints "r = <error reading variable: Cannot access memory
// at address 0x8>" for the reference itself, "r = @0x8" for one inside a struct.
#include <cstdio>

struct S {
	int a;
	long b;
};
struct H {
	S *p;
	int &r;
};

int main(int argc, char **)
{
	int *bad = (int *)(long)(argc * 8);
	int &r = *bad;
	S &sr = *(S *)bad;
	H h = { (S *)bad, r };
	std::printf("%p %p %p\n", (void *)&r, (void *)&sr, (void *)&h); // line: badref-stop
	return 0;
}
