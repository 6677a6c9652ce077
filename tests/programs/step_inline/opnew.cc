// step_inline/opnew.cc - an operator new without line info (built without -g
// and linked, with nodbg.c's allocator, into step_inline_o2 by
// tests/e2e/src_step_gdb.sh): gdb's next runs it to its return from
// step_inline_o2.cc's inlined allocators, and no line start in it marks
// where the stretch of main's own code around it ends.
#include <cstddef>
#include <new>

extern "C" void *ext_alloc(size_t n);

void *operator new(size_t n)
{
	return ext_alloc(n);
}

void operator delete(void *) noexcept {}
void operator delete(void *, size_t) noexcept {}
