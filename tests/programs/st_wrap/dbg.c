/* dbg.c - built with -g, into the same library as nog.c */
int st_helper(int x) __attribute__((visibility("hidden")));

int st_helper(int x)
{
	int y = x + 1;

	return y * 3;
}
