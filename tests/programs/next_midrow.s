# next_midrow.s - gcc -g -O0 -S of the C below, with its line rows edited
# (.loc) into what gcc -O2 writes where it interleaves statements: in walk,
# line 10's statement rows around a non-statement row of line 12 (no call:
# gdb's `next` keeps line 10 there and goes on); in walk2, f called from a
# non-statement row of line 21 whose middle it returns into, then a
# statement row of line 20 again.  gdb's `next` from f's last line (called
# from walk2) takes line 21 at the return and stops at that row of line 20.
#
#	#include <stdio.h>
#	volatile int sink;
#	__attribute__((noinline)) int f(int x)
#	{
#		sink = x;
#		return x * 3;
#	}
#	int walk(int n)
#	{
#		int a = n;
#		a += 1;      /* .loc 10: line 10 */
#		a *= 3;      /* line 12, is_stmt 0 */
#		a -= f(a);   /* until the call: line 10 */
#		a ^= 5;
#		sink = a;
#		return a;
#	}
#	int walk2(int n)
#	{
#		int a = n;
#		a -= f(a);   /* line 21, is_stmt 0, the call and the sub */
#		a ^= 5;      /* line 20 */
#		sink = a;
#		return a;
#	}
#	int main(int argc, char **argv)
#	{
#		int b = 0;
#		(void)argv;
#		b += walk(argc);
#		b += walk2(b);
#		printf("%d\n", b);
#		return b & 1;
#	}
	.file	"next_midrow.c"
	.text
.Ltext0:
	.file 0 "." "next_midrow.c"
	.globl	sink
	.bss
	.align 4
	.type	sink, @object
	.size	sink, 4
sink:
	.zero	4
	.text
	.globl	f
	.type	f, @function
f:
.LFB0:
	.file 1 "next_midrow.c"
	.loc 1 4 1
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset 6, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register 6
	movl	%edi, -4(%rbp)
	.loc 1 5 7
	movl	-4(%rbp), %eax
	movl	%eax, sink(%rip)
	.loc 1 6 11
	movl	-4(%rbp), %edx
	movl	%edx, %eax
	addl	%eax, %eax
	addl	%edx, %eax
	.loc 1 7 1
	popq	%rbp
	.cfi_def_cfa 7, 8
	ret
	.cfi_endproc
.LFE0:
	.size	f, .-f
	.globl	walk
	.type	walk, @function
walk:
.LFB1:
	.loc 1 9 1
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset 6, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register 6
	subq	$24, %rsp
	movl	%edi, -20(%rbp)
	.loc 1 10 6
	movl	-20(%rbp), %eax
	movl	%eax, -4(%rbp)
	.loc 1 10 4
	addl	$1, -4(%rbp)
	.loc 1 12 4 is_stmt 0
	movl	-4(%rbp), %edx
	movl	%edx, %eax
	addl	%eax, %eax
	addl	%edx, %eax
	movl	%eax, -4(%rbp)
	.loc 1 10 7 is_stmt 1
	movl	-4(%rbp), %eax
	movl	%eax, %edi
	call	f
	.loc 1 13 4
	subl	%eax, -4(%rbp)
	.loc 1 14 4
	xorl	$5, -4(%rbp)
	.loc 1 15 7
	movl	-4(%rbp), %eax
	movl	%eax, sink(%rip)
	.loc 1 16 9
	movl	-4(%rbp), %eax
	.loc 1 17 1
	leave
	.cfi_def_cfa 7, 8
	ret
	.cfi_endproc
.LFE1:
	.size	walk, .-walk
	.globl	walk2
	.type	walk2, @function
walk2:
.LFB2:
	.loc 1 19 1
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset 6, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register 6
	subq	$24, %rsp
	movl	%edi, -20(%rbp)
	.loc 1 20 6
	movl	-20(%rbp), %eax
	movl	%eax, -4(%rbp)
	.loc 1 21 7 is_stmt 0
	movl	-4(%rbp), %eax
	movl	%eax, %edi
	call	f
	subl	%eax, -4(%rbp)
	.loc 1 20 4 is_stmt 1
	xorl	$5, -4(%rbp)
	.loc 1 23 7
	movl	-4(%rbp), %eax
	movl	%eax, sink(%rip)
	.loc 1 24 9
	movl	-4(%rbp), %eax
	.loc 1 25 1
	leave
	.cfi_def_cfa 7, 8
	ret
	.cfi_endproc
.LFE2:
	.size	walk2, .-walk2
	.section	.rodata
.LC0:
	.string	"%d\n"
	.text
	.globl	main
	.type	main, @function
main:
.LFB3:
	.loc 1 27 1
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset 6, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register 6
	subq	$32, %rsp
	movl	%edi, -20(%rbp)
	movq	%rsi, -32(%rbp)
	.loc 1 28 6
	movl	$0, -4(%rbp)
	.loc 1 30 7
	movl	-20(%rbp), %eax
	movl	%eax, %edi
	call	walk
	.loc 1 30 4
	addl	%eax, -4(%rbp)
	.loc 1 31 7
	movl	-4(%rbp), %eax
	movl	%eax, %edi
	call	walk2
	.loc 1 31 4
	addl	%eax, -4(%rbp)
	.loc 1 32 2
	movl	-4(%rbp), %eax
	movl	%eax, %esi
	leaq	.LC0(%rip), %rax
	movq	%rax, %rdi
	movl	$0, %eax
	call	printf@PLT
	.loc 1 33 11
	movl	-4(%rbp), %eax
	andl	$1, %eax
	.loc 1 34 1
	leave
	.cfi_def_cfa 7, 8
	ret
	.cfi_endproc
.LFE3:
	.size	main, .-main
.Letext0:
	.file 2 "/usr/include/stdio.h"
	.section	.debug_info,"",@progbits
.Ldebug_info0:
	.long	0x190
	.value	0x5
	.byte	0x1
	.byte	0x8
	.long	.Ldebug_abbrev0
	.uleb128 0x7
	.long	.LASF15
	.byte	0x1d
	.long	.LASF0
	.long	.LASF1
	.quad	.Ltext0
	.quad	.Letext0-.Ltext0
	.long	.Ldebug_line0
	.uleb128 0x1
	.byte	0x8
	.byte	0x7
	.long	.LASF2
	.uleb128 0x1
	.byte	0x4
	.byte	0x7
	.long	.LASF3
	.uleb128 0x1
	.byte	0x1
	.byte	0x8
	.long	.LASF4
	.uleb128 0x1
	.byte	0x2
	.byte	0x7
	.long	.LASF5
	.uleb128 0x1
	.byte	0x1
	.byte	0x6
	.long	.LASF6
	.uleb128 0x1
	.byte	0x2
	.byte	0x5
	.long	.LASF7
	.uleb128 0x8
	.byte	0x4
	.byte	0x5
	.string	"int"
	.uleb128 0x9
	.long	0x58
	.uleb128 0x1
	.byte	0x8
	.byte	0x5
	.long	.LASF8
	.uleb128 0x2
	.long	0x70
	.uleb128 0x1
	.byte	0x1
	.byte	0x6
	.long	.LASF9
	.uleb128 0xa
	.long	0x70
	.uleb128 0xb
	.long	.LASF16
	.byte	0x1
	.byte	0x2
	.byte	0xe
	.long	0x5f
	.uleb128 0x9
	.byte	0x3
	.quad	sink
	.uleb128 0xc
	.long	.LASF17
	.byte	0x2
	.value	0x164
	.byte	0xc
	.long	0x58
	.long	0xaa
	.uleb128 0xd
	.long	0xaa
	.uleb128 0xe
	.byte	0
	.uleb128 0x2
	.long	0x77
	.uleb128 0x3
	.long	.LASF12
	.byte	0x1a
	.long	0x58
	.quad	.LFB3
	.quad	.LFE3-.LFB3
	.uleb128 0x1
	.byte	0x9c
	.long	0xf5
	.uleb128 0x6
	.long	.LASF10
	.byte	0xe
	.long	0x58
	.uleb128 0x2
	.byte	0x91
	.sleb128 -36
	.uleb128 0x6
	.long	.LASF11
	.byte	0x1b
	.long	0xf5
	.uleb128 0x2
	.byte	0x91
	.sleb128 -48
	.uleb128 0x4
	.string	"b"
	.byte	0x1c
	.long	0x58
	.uleb128 0x2
	.byte	0x91
	.sleb128 -20
	.byte	0
	.uleb128 0x2
	.long	0x6b
	.uleb128 0x3
	.long	.LASF13
	.byte	0x12
	.long	0x58
	.quad	.LFB2
	.quad	.LFE2-.LFB2
	.uleb128 0x1
	.byte	0x9c
	.long	0x132
	.uleb128 0x5
	.string	"n"
	.byte	0x12
	.byte	0xf
	.long	0x58
	.uleb128 0x2
	.byte	0x91
	.sleb128 -36
	.uleb128 0x4
	.string	"a"
	.byte	0x14
	.long	0x58
	.uleb128 0x2
	.byte	0x91
	.sleb128 -20
	.byte	0
	.uleb128 0x3
	.long	.LASF14
	.byte	0x8
	.long	0x58
	.quad	.LFB1
	.quad	.LFE1-.LFB1
	.uleb128 0x1
	.byte	0x9c
	.long	0x16a
	.uleb128 0x5
	.string	"n"
	.byte	0x8
	.byte	0xe
	.long	0x58
	.uleb128 0x2
	.byte	0x91
	.sleb128 -36
	.uleb128 0x4
	.string	"a"
	.byte	0xa
	.long	0x58
	.uleb128 0x2
	.byte	0x91
	.sleb128 -20
	.byte	0
	.uleb128 0xf
	.string	"f"
	.byte	0x1
	.byte	0x3
	.byte	0x1f
	.long	0x58
	.quad	.LFB0
	.quad	.LFE0-.LFB0
	.uleb128 0x1
	.byte	0x9c
	.uleb128 0x5
	.string	"x"
	.byte	0x3
	.byte	0x25
	.long	0x58
	.uleb128 0x2
	.byte	0x91
	.sleb128 -20
	.byte	0
	.byte	0
	.section	.debug_abbrev,"",@progbits
.Ldebug_abbrev0:
	.uleb128 0x1
	.uleb128 0x24
	.byte	0
	.uleb128 0xb
	.uleb128 0xb
	.uleb128 0x3e
	.uleb128 0xb
	.uleb128 0x3
	.uleb128 0xe
	.byte	0
	.byte	0
	.uleb128 0x2
	.uleb128 0xf
	.byte	0
	.uleb128 0xb
	.uleb128 0x21
	.sleb128 8
	.uleb128 0x49
	.uleb128 0x13
	.byte	0
	.byte	0
	.uleb128 0x3
	.uleb128 0x2e
	.byte	0x1
	.uleb128 0x3f
	.uleb128 0x19
	.uleb128 0x3
	.uleb128 0xe
	.uleb128 0x3a
	.uleb128 0x21
	.sleb128 1
	.uleb128 0x3b
	.uleb128 0xb
	.uleb128 0x39
	.uleb128 0x21
	.sleb128 5
	.uleb128 0x27
	.uleb128 0x19
	.uleb128 0x49
	.uleb128 0x13
	.uleb128 0x11
	.uleb128 0x1
	.uleb128 0x12
	.uleb128 0x7
	.uleb128 0x40
	.uleb128 0x18
	.uleb128 0x7c
	.uleb128 0x19
	.uleb128 0x1
	.uleb128 0x13
	.byte	0
	.byte	0
	.uleb128 0x4
	.uleb128 0x34
	.byte	0
	.uleb128 0x3
	.uleb128 0x8
	.uleb128 0x3a
	.uleb128 0x21
	.sleb128 1
	.uleb128 0x3b
	.uleb128 0xb
	.uleb128 0x39
	.uleb128 0x21
	.sleb128 6
	.uleb128 0x49
	.uleb128 0x13
	.uleb128 0x2
	.uleb128 0x18
	.byte	0
	.byte	0
	.uleb128 0x5
	.uleb128 0x5
	.byte	0
	.uleb128 0x3
	.uleb128 0x8
	.uleb128 0x3a
	.uleb128 0x21
	.sleb128 1
	.uleb128 0x3b
	.uleb128 0xb
	.uleb128 0x39
	.uleb128 0xb
	.uleb128 0x49
	.uleb128 0x13
	.uleb128 0x2
	.uleb128 0x18
	.byte	0
	.byte	0
	.uleb128 0x6
	.uleb128 0x5
	.byte	0
	.uleb128 0x3
	.uleb128 0xe
	.uleb128 0x3a
	.uleb128 0x21
	.sleb128 1
	.uleb128 0x3b
	.uleb128 0x21
	.sleb128 26
	.uleb128 0x39
	.uleb128 0xb
	.uleb128 0x49
	.uleb128 0x13
	.uleb128 0x2
	.uleb128 0x18
	.byte	0
	.byte	0
	.uleb128 0x7
	.uleb128 0x11
	.byte	0x1
	.uleb128 0x25
	.uleb128 0xe
	.uleb128 0x13
	.uleb128 0xb
	.uleb128 0x3
	.uleb128 0x1f
	.uleb128 0x1b
	.uleb128 0x1f
	.uleb128 0x11
	.uleb128 0x1
	.uleb128 0x12
	.uleb128 0x7
	.uleb128 0x10
	.uleb128 0x17
	.byte	0
	.byte	0
	.uleb128 0x8
	.uleb128 0x24
	.byte	0
	.uleb128 0xb
	.uleb128 0xb
	.uleb128 0x3e
	.uleb128 0xb
	.uleb128 0x3
	.uleb128 0x8
	.byte	0
	.byte	0
	.uleb128 0x9
	.uleb128 0x35
	.byte	0
	.uleb128 0x49
	.uleb128 0x13
	.byte	0
	.byte	0
	.uleb128 0xa
	.uleb128 0x26
	.byte	0
	.uleb128 0x49
	.uleb128 0x13
	.byte	0
	.byte	0
	.uleb128 0xb
	.uleb128 0x34
	.byte	0
	.uleb128 0x3
	.uleb128 0xe
	.uleb128 0x3a
	.uleb128 0xb
	.uleb128 0x3b
	.uleb128 0xb
	.uleb128 0x39
	.uleb128 0xb
	.uleb128 0x49
	.uleb128 0x13
	.uleb128 0x3f
	.uleb128 0x19
	.uleb128 0x2
	.uleb128 0x18
	.byte	0
	.byte	0
	.uleb128 0xc
	.uleb128 0x2e
	.byte	0x1
	.uleb128 0x3f
	.uleb128 0x19
	.uleb128 0x3
	.uleb128 0xe
	.uleb128 0x3a
	.uleb128 0xb
	.uleb128 0x3b
	.uleb128 0x5
	.uleb128 0x39
	.uleb128 0xb
	.uleb128 0x27
	.uleb128 0x19
	.uleb128 0x49
	.uleb128 0x13
	.uleb128 0x3c
	.uleb128 0x19
	.uleb128 0x1
	.uleb128 0x13
	.byte	0
	.byte	0
	.uleb128 0xd
	.uleb128 0x5
	.byte	0
	.uleb128 0x49
	.uleb128 0x13
	.byte	0
	.byte	0
	.uleb128 0xe
	.uleb128 0x18
	.byte	0
	.byte	0
	.byte	0
	.uleb128 0xf
	.uleb128 0x2e
	.byte	0x1
	.uleb128 0x3f
	.uleb128 0x19
	.uleb128 0x3
	.uleb128 0x8
	.uleb128 0x3a
	.uleb128 0xb
	.uleb128 0x3b
	.uleb128 0xb
	.uleb128 0x39
	.uleb128 0xb
	.uleb128 0x27
	.uleb128 0x19
	.uleb128 0x49
	.uleb128 0x13
	.uleb128 0x11
	.uleb128 0x1
	.uleb128 0x12
	.uleb128 0x7
	.uleb128 0x40
	.uleb128 0x18
	.uleb128 0x7a
	.uleb128 0x19
	.byte	0
	.byte	0
	.byte	0
	.section	.debug_aranges,"",@progbits
	.long	0x2c
	.value	0x2
	.long	.Ldebug_info0
	.byte	0x8
	.byte	0
	.value	0
	.value	0
	.quad	.Ltext0
	.quad	.Letext0-.Ltext0
	.quad	0
	.quad	0
	.section	.debug_line,"",@progbits
.Ldebug_line0:
	.section	.debug_str,"MS",@progbits,1
.LASF3:
	.string	"unsigned int"
.LASF16:
	.string	"sink"
.LASF14:
	.string	"walk"
.LASF13:
	.string	"walk2"
.LASF2:
	.string	"long unsigned int"
.LASF9:
	.string	"char"
.LASF15:
	.string	"GNU C17 12.2.0 -mtune=generic -march=x86-64 -g -O0 -fasynchronous-unwind-tables"
.LASF4:
	.string	"unsigned char"
.LASF12:
	.string	"main"
.LASF8:
	.string	"long int"
.LASF10:
	.string	"argc"
.LASF5:
	.string	"short unsigned int"
.LASF17:
	.string	"printf"
.LASF7:
	.string	"short int"
.LASF6:
	.string	"signed char"
.LASF11:
	.string	"argv"
	.section	.debug_line_str,"MS",@progbits,1
.LASF1:
	.string	"."
.LASF0:
	.string	"next_midrow.c"
	.section	.note.GNU-stack,"",@progbits
