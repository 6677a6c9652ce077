/* rec_shims.c - the few libc symbols that libzstd.a needs inside the tool.
 *
 * A Valgrind tool is linked with -nodefaultlibs: there is no libc.  Debian's
 * libzstd.a only needs an allocator and the mem* family for compression, and
 * it is built with the stack protector, which reads the canary at %fs:0x28.
 * The Valgrind host never sets %fs, so rec_tls_init() points it at a block
 * of our own.  Guest code never sees the host's %fs: VEX keeps the guest's
 * in guest_FS_CONST.
 */
#include "rec_internal.h"

#include "pub_tool_mallocfree.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcassert.h"

/* memcpy, memmove and memset come from libcoregrind (m_main.c). */
void *malloc(unsigned long n);
void *calloc(unsigned long n, unsigned long m);
void free(void *p);
int memcmp(const void *a, const void *b, unsigned long n);
void __stack_chk_fail(void);

void *malloc(unsigned long n)
{
	return VG_(malloc)("hs.zstd", n ? n : 1);
}

void *calloc(unsigned long n, unsigned long m)
{
	return VG_(calloc)("hs.zstd", n ? n : 1, m ? m : 1);
}

void free(void *p)
{
	if (p)
		VG_(free)(p);
}

int memcmp(const void *a, const void *b, unsigned long n)
{
	return VG_(memcmp)(a, b, n);
}

void __stack_chk_fail(void)
{
	VG_(tool_panic)("hindsight: stack smashing detected in the recorder");
}

/* fs:0 must point to itself (the TCB convention), fs:0x28 is the canary. */
static unsigned long rec_tls_block[64] __attribute__((aligned(64)));

void rec_tls_init(void)
{
	SysRes r;

	rec_tls_block[0] = (unsigned long)rec_tls_block;
	rec_tls_block[5] = 0x5eedc0ffee15deadUL;
	r = VG_(do_syscall)(__NR_arch_prctl, 0x1002 /* ARCH_SET_FS */,
			    (UWord)rec_tls_block, 0, 0, 0, 0, 0, 0);
	if (sr_isError(r))
		VG_(tool_panic)("hindsight: cannot set up the recorder's TLS");
}
