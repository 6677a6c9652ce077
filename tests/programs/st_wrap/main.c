/* main.c - calls a library function without line info that tail-jumps
 * into one with lines (st_wrap/nog.c), then a -g one, then one without
 * line info that calls back bump (st_wrap/nog.c: st_apply). */
int st_wrap(int x);
int st_apply(int (*f)(int), int n);

static int twice(int x)
{
	return x * 2;
}

static int bump(int x)
{
	int y = x + 1;

	return y * 3;
}

int main(void)
{
	int a = st_wrap(4);

	a += twice(a);
	a += st_apply(bump, 2);
	return a > 1000;
}
