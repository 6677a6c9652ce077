/* step_oneline.c - functions whose body is on their opening line, and a
 * one-line main: gdb's `step` stops in each after its prologue (and
 * `break main` there too).  No libc calls, so that gdb's `record full`
 * can reverse-step through it.  step_oneline_o2.c is the same at -O2. */
#define NI __attribute__((noinline))
static NI int add1(int x) { return x + 1; }
NI int twice(int x) { return add1(x) * 2; }
NI int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
struct pair { int a, b; };
NI int sum(struct pair *q) { int s = q->a; s += q->b; return s; }
NI void bump(int *v) { if (*v > 3) *v -= 1; else *v += 2; }
NI int by_value(struct pair q) { return q.a * q.b; }
volatile int sink;
int main(void) { int v = twice(sink + 3); struct pair q = { v, 2 }; v += sum(&q); v += fact(4); bump(&v); v += by_value(q); sink = v; return v == 0; }
