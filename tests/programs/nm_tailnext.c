/* nm_tailnext.c - a tail jump to the very next instruction: a_fn ends in
 * `jmp b_fn` and b_fn is laid out right after it (as gcc emits a sibling
 * call to the function that follows).  gdb's `break b_fn` stops there on
 * every call of a_fn, so calls/b_fn counts those (src_nm_names.sh). */
#include <stdio.h>

int a_fn(int x);
int b_fn(int x);

__asm__(".text\n"
	".globl a_fn\n.type a_fn,@function\na_fn:\n"
	"\taddl $2, %edi\n"
	"\tjmp b_fn\n"
	".size a_fn, .-a_fn\n"
	".globl b_fn\n.type b_fn,@function\nb_fn:\n"
	"\tleal 1(%rdi), %eax\n"
	"\tret\n"
	".size b_fn, .-b_fn\n");

int main(void)
{
	int s = 0;

	for (int i = 0; i < 3; i++)
		s += a_fn(i);
	s += b_fn(10);
	printf("%d\n", s);
	return 0;
}
