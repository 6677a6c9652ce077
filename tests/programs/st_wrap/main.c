/* main.c - calls a library function without line info that tail-jumps
 * into one with lines (st_wrap/nog.c), then a -g one. */
int st_wrap(int x);

static int twice(int x)
{
	return x * 2;
}

int main(void)
{
	int a = st_wrap(4);

	a += twice(a);
	return a > 1000;
}
