// ev_scope.c - gdb's scope forms in eval/: a function's static local
// from another frame (bump::calls, 'bump'::calls), a file's variables
// ('ev_scope.c'::g_counter) and functions (src_val_eval.sh); statics
// whose symbols gdb decodes as Ada names (gcc's "Hits.1" stays whole,
// clang's "other.Hits" is <other[Hits]>).
#include <stdio.h>

static long g_counter;
int g_pub = 7;
static int g_arr[3] = { 4, 5, 6 };

static int bump(void)
{
	static int calls = 100;

	calls++;
	g_counter += calls;
	return calls;
}

static int other(int v)
{
	static int calls = 5;
	static const char *tag = "other";
	static int Hits;

	calls += v;
	Hits++;
	return calls + (tag[0] == 'o') + Hits;
}

int main(void)
{
	int last, calls = 1;

	bump();
	bump();
	other(3);
	last = bump();
	printf("%d %ld %d %d\n", last, g_counter, g_pub + g_arr[1], calls); /* line: sc-stop */
	return 0;
}
