/* nog.c - built without -g: wrap() has no line info and tail-jumps into
 * helper(), which has (st_wrap/dbg.c); gdb's step into wrap() runs it to
 * its return, helper included. */
int st_helper(int x) __attribute__((visibility("hidden")));

int st_wrap(int x)
{
	return st_helper(x * 2);
}
