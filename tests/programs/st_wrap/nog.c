/* nog.c - built without -g: wrap() has no line info and tail-jumps into
 * helper(), which has (st_wrap/dbg.c); gdb's step into wrap() runs it to
 * its return, helper included.  st_apply() calls back f, which has lines:
 * from a stop in f, gdb's step and next stop where f returns into
 * st_apply ("0x... in st_apply ()"), and from there its step enters the
 * next call of f, its next runs st_apply to its return. */
int st_helper(int x) __attribute__((visibility("hidden")));

int st_wrap(int x)
{
	return st_helper(x * 2);
}

int st_apply(int (*f)(int), int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += f(i);
	return s;
}
