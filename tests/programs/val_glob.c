/* val_glob.c - libc's globals that the executable uses directly, so that
 * copy relocations put the live objects in its .bss (gdb prints those,
 * not libc's stale ones, and names them stdout@GLIBC_2.2.5), and libc's
 * aliases (environ, program_invocation_short_name); data symbols
 * without debug information (val_asmvar, val_asmtls, defined in
 * assembly: gdb's "<data variable, no debug info>") (tests/e2e/src_val_eval.sh). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

__asm__(".data\n.globl val_asmvar\n.type val_asmvar, @object\n.size val_asmvar, 8\n"
	".balign 8\nval_asmvar: .quad 0x1234567890\n.text\n");
/* and a thread-local one (a static executable's errno is such) */
__asm__(".section .tdata,\"awT\",@progbits\n.globl val_asmtls\n.type val_asmtls, @object\n"
	".size val_asmtls, 4\n.balign 4\nval_asmtls: .long 77\n.text\n");

static char *fake_env[] = { "VAL_A=1", "VAL_B=2", NULL };

int main(void)
{
	stdout = stderr;
	environ = fake_env;
	optind = 5;
	opterr = 0;
	fprintf(stderr, "%p %d %s\n", (void *)environ, optind, /* line: glob-stop */
		program_invocation_short_name);
	return 0;
}
