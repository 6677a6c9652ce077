/* A shared library built without -g (no line info) that calls back into
 * main.c: gdb's `step` runs it, callbacks included, to its return. */
int nodbg_apply(int (*f)(int), int x)
{
	int r = 0;

	for (int i = 0; i < 3; i++)
		r += f(x + i);
	return r;
}

int nodbg_plain(int x)
{
	return x * 3 + 1;
}
