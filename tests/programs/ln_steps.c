/* ln_steps.c - a file with step stops but no break location (src_ln_hits.sh):
 * ln_steps_asm.s's helper has only non-statement rows, of ln_steps_only.c,
 * so gdb's `step` into it stops there while `break ln_steps_only.c:3` finds
 * no line. */
int helper(int);

int main(void)
{
	int s = 0;

	for (int i = 0; i < 3; i++)
		s += helper(i);
	return s == 6 ? 0 : 1;
}
