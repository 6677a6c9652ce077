// step_methods.cc - C++ methods defined in the class body (on one line):
// gdb's `step` stops in each after its prologue.  Built -O0 and -O2 by
// tests/e2e/src_step_gdb.sh (no libc calls before the last line).
#define NI __attribute__((noinline))

class Counter {
public:
	NI Counter(int s) : x(s) {}
	NI int get() const { return x; }
	NI void inc() { x++; }
	NI int add(int d) { x += d; return x; }
	NI static int twice(int v) { return 2 * v; }
private:
	int x;
};

struct Box {
	int w, h;
	NI int area() const
	{
		return w * h;
	}
};

volatile int sink;

int main()
{
	Counter c(sink + 5);
	c.inc();
	int v = c.get();
	v += c.add(3);
	v += Counter::twice(v);
	Box b{ v, 2 };
	v += b.area();
	sink = v; // REV_FROM
	return 0;
}
