// ns_thread.cc - a std::thread's frames: libstdc++'s thread entry has no
// symbol, gdb's bt says "?? () from /lib/.../libstdc++.so.6" (issue 10)
#include <cstdio>
#include <thread>

static int total;

__attribute__((noinline)) static void work(int n)
{
	total += n; // line: thread-stop
}

int main()
{
	std::thread t(work, 5);
	t.join();
	printf("%d\n", total);
	return 0;
}
