// st_inlthrow.cc - g++ -O2: level3 is inlined into main; its `throw`
// line calls __cxa_allocate_exception (no line info), which returns into
// the middle of the inlined MyErr constructor called from that line:
// gdb's step stops there ("stepping through inlined function").
#include <stdexcept>

static int sink;

struct Guard {
	int id;
	Guard(int i) : id(i) {}
	~Guard() { sink += id; }
};

struct MyErr : std::runtime_error {
	int code;
	MyErr(const char *m, int c) : std::runtime_error(m), code(c) {}
};

static int level3(int x)
{
	Guard g(3);
	if (x > 1)
		throw MyErr("deep", x);
	return x + 1;
}

static int level2(int x)
{
	Guard g(2);
	int r = level3(x);
	return r * 2;
}

int main()
{
	int got = 0;
	try {
		got = level2(1);
		got += level2(5);
	} catch (const MyErr &e) {
		got += e.code;
	}
	return got == 9 && sink == 10 ? 0 : 1;
}
