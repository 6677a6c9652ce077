/* rec_spec_arm: exactly 4016 instructions, counted by hand (no libc):
 * 3 to start, 1000 passes of cmp/ja/dec/jnz (4000), the block at 3: (test,
 * je) in the 5 passes where ja is taken (10), and 3 to exit.
 *
 * The block at 3: is the shape VEX speculates when it chases (strcmp-avx2's
 * `ja; test; je back`): with --vex-guest-chase=yes Valgrind runs its IMarks
 * in all 1000 passes and a tool counts 6006.  rec_icount_matches_lackey
 * checks the recording says 4016. */
__asm__(".globl _start\n_start:\n"
	"mov $1000, %ecx\n"
	"xor %eax, %eax\n"
	"xor %edx, %edx\n"
	"1: cmp $995, %ecx\n"
	"ja 3f\n"
	"2: dec %ecx\n"
	"jnz 1b\n"
	"mov $60, %eax\n"
	"xor %edi, %edi\n"
	"syscall\n"
	"3: test $0x100, %eax\n"
	"je 2b\n"
	"ud2\n");
