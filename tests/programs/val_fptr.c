/* val_fptr.c - gdb's type names of pointers to arrays of function
 * pointers, of functions returning function pointers and of pointers
 * to them (issue 10): "int (*(*)[3])(int)", "int (*(int))(int)". */
static int inc(int a) { return a + 1; }
static int dec(int a) { return a - 1; }
int (*tab[3])(int) = { inc, dec, inc };
int (*(*p)[3])(int) = &tab;
int (**pp)(int) = tab;
int (*(*q2)[2][3])(int);
int (*(**ppa)[3])(int) = &p;
typedef int (*fn_t)(int);
fn_t (*pt)[3] = &tab;
int (*(*fr)(int))(int);
static int (*pick(int k))(int) { return k ? inc : dec; }
int (*(*arrp[2])[3])(int) = { &tab, &tab };

int main(void)
{
	fr = pick;
	return (*p)[1](3) + pp[0](1) + (ppa != 0) + (*pt)[0](0) + fr(1)(2) + (*arrp[1])[2](0) + (q2 != 0) - 10; /* line: fp-stop */
}
