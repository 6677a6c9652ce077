/* nm_alias.c - one function, several symbols (src_nm_names.sh builds it
 * without -g: the names are the ELF symbols').  gdb names a frame by the
 * last symbol at its address sorted by name, but a global or weak one just
 * before a local one of the same size wins (minsyms.c's preference for
 * mst_text): a_pub over the static z_impl; y_loc1 over b_glob and
 * m_loc2 (only the symbol just before the last is looked at, and m_loc2
 * is local too); w_weak over k_glob (weak and global are alike).  Built
 * -static, its strlen goes through a stub of .plt (an IRELATIVE slot)
 * that gdb has no name for. */
#include <stdio.h>
#include <string.h>

static int __attribute__((noinline)) z_impl(int x)
{
	return x * 3 + 1;
}
int a_pub(int x) __attribute__((alias("z_impl")));

static int __attribute__((noinline)) m_loc2(int x)
{
	return x - 7;
}
static int y_loc1(int x) __attribute__((alias("m_loc2")));
int b_glob(int x) __attribute__((alias("m_loc2")));

int __attribute__((noinline)) k_glob(int x)
{
	return x ^ 5;
}
int w_weak(int x) __attribute__((weak, alias("k_glob")));

int main(int argc, char **argv)
{
	printf("%d\n", a_pub(argc) + y_loc1(argc) + w_weak(argc) + b_glob(2) + z_impl(1) +
	       (int)strlen(argv[0]));
	return 0;
}
