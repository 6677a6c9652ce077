/* A shared library built with -g, called through the PLT by main.c. */
int plt_square(int x)
{
	int y = x * x;

	return y + 1;
}

int plt_twice(int x) { return 2 * x; }
