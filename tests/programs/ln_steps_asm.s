# ln_steps_asm.s - helper for ln_steps.c: its rows name ln_steps_only.c (a
# file that does not exist) and are no statements (is_stmt 0).
	.file 1 "ln_steps_only.c"
	.text
	.globl	helper
	.type	helper, @function
helper:
	.loc 1 3 0 is_stmt 0
	movl	%edi, %eax
	.loc 1 4 0 is_stmt 0
	addl	$1, %eax
	ret
	.size	helper, .-helper
	.section	.note.GNU-stack,"",@progbits
