/* regs_flags.c - flag-setting arithmetic at known lines, for the regs
 * file against gdb's `info registers` (tests/e2e/src_regs_gdb.sh): each
 * marked line runs after an instruction that leaves CF/ZF/SF/OF/PF/AF
 * in a different state. */
#include <stdio.h>

static volatile unsigned a = 3, b = 5;
static volatile int big = 0x7fffffff;

int main(void)
{
	unsigned d = a - b;          /* borrow: CF SF */
	int o = big + (int)a;        /* overflow: OF */
	unsigned z = a ^ a;          /* ZF PF */

	printf("%u %d %u\n", d, o, z); /* mark: after-xor */
	d = b - a;                   /* no borrow */
	printf("%u\n", d);           /* mark: after-sub */
	return 0;
}
