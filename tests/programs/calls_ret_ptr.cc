/* calls_ret_ptr.cc - functions that return pointers and references:
 * gdb's finish prints "(TYPE) " before a pointer (not before a plain char
 * pointer: its string says enough) and a reference, the return type with
 * typedefs peeled ("(int (*)(int))" for a fn_t); api_calls.sh compares
 * /api/calls' return values with it.  Also a struct of const volatile
 * pointers (gdb orders the qualifiers "const volatile"). */
#include <cstdio>
typedef int (*fn_t)(int);
static int helper(int x) { return x + 1; }
static int g[4] = {1, 2, 3, 4};
static const char *msg = "hello";
static unsigned char ubuf[4] = {65, 66, 0, 0};
struct S { int a; const volatile int *cvp; volatile const int *vcp; int *const volatile pcv; };
static fn_t pick(int k) { return k ? helper : nullptr; }
static int &slot(int i) { return g[i]; }
static const char *name(void) { return msg; }
static unsigned char *ub(void) { return ubuf; }
static void *vp(void) { return g; }
static const int *cip(void) { return g + 1; }
int main() {
	S s = {1, g, g, g};
	int r = pick(1)(2) + slot(2) + name()[0] + ub()[0] + (vp() != nullptr) + *cip();
	printf("%d %d\n", r, *s.cvp);
	return 0;
}
