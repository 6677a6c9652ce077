// st_throwend.cc - `next` over a call that throws to a catch in the frame
// stepped (src_st_step.sh): gdb here finds no exception handler to stop
// at (libgcc has no unwind probes, _Unwind_DebugHook no debug info), so
// its step-resume breakpoint at the call's return address is never hit
// and its `next` runs the program to its end.
#include <cstdio>
#include <stdexcept>

static int depth_seen;

static int thrower(int n)
{
	depth_seen = n;
	if (n == 3)
		throw std::runtime_error("boom");
	return thrower(n + 1) + 1;
}

int main()
{
	int r = 0;
	puts("start");
	r += depth_seen;
	depth_seen = r + 1;
	try {
		r = thrower(1);
		puts("not reached");
	} catch (const std::exception &e) {
		r = -1;
	}
	std::printf("r=%d depth=%d\n", r, depth_seen);
	return 0;
}
