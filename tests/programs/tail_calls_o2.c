/* tail_calls_o2.c - tail calls at -O2: `return f(x);` becomes `jmp f`, so f
 * is entered without a call and returns straight to its caller's caller.
 * Mutual recursion by tail calls, a chain of them, tail calls into libc
 * through the PLT (strlen, printf), one through a function pointer (jmp
 * *reg), and jumps that are no tail calls: a switch's jump table and a
 * loop inside leaf functions, whose rsp is the one of their entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile int sink;

__attribute__((noinline)) static int is_odd(unsigned n);

__attribute__((noinline)) static int is_even(unsigned n)
{
	if (n == 0)
		return 1;
	return is_odd(n - 1);
}

__attribute__((noinline)) static int is_odd(unsigned n)
{
	if (n == 0)
		return 0;
	return is_even(n - 1);
}

__attribute__((noinline)) int step3(int x)
{
	sink = x;
	return x * 3 + sink;
}

__attribute__((noinline)) int step2(int x)
{
	sink = x;
	return step3(x + 1);
}

__attribute__((noinline)) int step1(int x)
{
	sink = x;
	return step2(x * 2);
}

__attribute__((noinline)) size_t len_of(const char *s)
{
	return strlen(s);
}

__attribute__((noinline)) int say(int v)
{
	return printf("v=%d\n", v);
}

__attribute__((noinline)) int twice(int x)
{
	return x * 2 + sink;
}

__attribute__((noinline)) int thrice(int x)
{
	return x * 3 + sink;
}

int (*volatile op)(int) = twice;

__attribute__((noinline)) int apply(int x)
{
	return op(x + 1);
}

/* a jump table and a loop, rsp as at the entry: no tail calls */
__attribute__((noinline)) int classify(int c)
{
	switch (c) {
	case 0: return sink + 11;
	case 1: return sink * 7;
	case 2: return sink - 5;
	case 3: return sink ^ 9;
	case 4: return sink + 100;
	case 5: return sink * 13;
	default: return -1;
	}
}

__attribute__((noinline)) int count_bits(unsigned v)
{
	int n = 0;

	while (v) {
		n += v & 1;
		v >>= 1;
	}
	return n;
}

int main(int argc, char **argv)
{
	int total = 0;

	(void)argv;
	for (int i = 0; i < 3; i++)
		total += is_even((unsigned)(argc + 4 + i));
	total += step1(argc);
	total += step1(argc + 1);
	total += (int)len_of("hello, tail");
	for (int i = 0; i < 7; i++)
		total += classify(i + argc - 1) + count_bits((unsigned)(i * 37));
	total += apply(argc);
	op = thrice;
	total += apply(argc + 2);
	total += say(total);
	return total == 12345;
}
