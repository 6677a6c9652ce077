/* st_rnmix.c - prev-line against gdb 13's reverse-next (src_st_step.sh):
 * nested calls f(g(x)), a() || b(), calls in a for header, a struct
 * argument, several calls on one line; gcc and clang, -O0 and -O2. */
#include <stdio.h>

__attribute__((noinline)) int g(int x) { asm(""); return x + 3; }
__attribute__((noinline)) int f(int x) { asm(""); return x * 2; }
__attribute__((noinline)) int a(int x) { asm(""); return x > 5; }
__attribute__((noinline)) int b(int x) { asm(""); return x < 2; }
__attribute__((noinline)) int lim(int n) { asm(""); return n + 2; }

struct pt { int x, y; };
__attribute__((noinline)) static int sum(struct pt p) { asm(""); return p.x + p.y; }

int main(int argc, char **argv)
{
	int r = f(g(argc));
	int s = a(r) || b(argc);
	int t = 0;
	for (int i = g(0); i < lim(argc + 4); i = i + f(1))
		t += i;
	struct pt p = { f(r), g(s) }; int u = sum(p) + f(g(t));
	if (a(u) && b(r - 1))
		t++;
	printf("%d %d %d %d\n", r, s, t, u);
	return 0;
}
