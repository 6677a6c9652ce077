/* inl_tailjcc_o2.c - tail calls by conditional jumps (jne/je to another
 * function's entry), as hand-written assembly (glibc's) and newer
 * compilers make them: cond_tail(x) is `if (x) return slow_path(x);
 * return 0;` with a jne rel8, cond_tail32(x) `if (!x) return
 * slow_path(7); return x;` with a je rel32.  Each is taken some of the
 * times it runs. */
#include <stdio.h>

volatile int sink;

__attribute__((noinline)) int slow_path(int x)
{
	sink = x;
	return x * 5 + sink;
}

int cond_tail(int x);
int cond_tail32(int x);
__asm__(".text\n"
	".globl cond_tail\n"
	".type cond_tail, @function\n"
	"cond_tail:\n"
	"\ttestl %edi, %edi\n"
	"\tjne slow_path\n"
	"\txorl %eax, %eax\n"
	"\tret\n"
	".size cond_tail, .-cond_tail\n"
	".globl cond_tail32\n"
	".type cond_tail32, @function\n"
	"cond_tail32:\n"
	"\tmovl %edi, %eax\n"
	"\tmovl $7, %edi\n"
	"\ttestl %eax, %eax\n"
	"\t{disp32} je slow_path\n"
	"\tret\n"
	".size cond_tail32, .-cond_tail32\n");

__attribute__((noinline)) int work(int i)
{
	int s = cond_tail(i & 1 ? i : 0);

	s += cond_tail32(i % 3);
	return s;
}

int main(void)
{
	int s = 0;

	for (int i = 0; i < 6; i++)
		s += work(i);
	printf("%d\n", s);
	return 0;
}
