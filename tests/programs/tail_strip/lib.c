/* lib.c - a library built as Debian builds them (tests/e2e/src_tail_gdb.sh):
 * -O2 -fPIC, then strip --strip-unneeded, so that its static functions
 * have no symbol at all.  Each static function below ends in a tail call
 * (`jmp free@plt`, or `jmp *free@GOTPCREL(%rip)` when built -fno-plt, or
 * `jmp tsl_count` inside the library), which gdb's `break free` counts as
 * free's entry. */
#include <stdlib.h>
#include <string.h>

static void release(void *p)
{
	free(p);
}

static void *obtain(size_t n)
{
	return malloc(n);
}

/* protected: calls from the library itself are direct (no PLT) */
__attribute__((visibility("protected"), noinline)) size_t tsl_count(const char *s, char c)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

static size_t count_e(const char *s)
{
	return tsl_count(s, 'e');
}

/* volatile: the calls stay indirect, so the static functions stay out of
 * line and keep their tail calls */
void (*volatile tsl_release)(void *) = release;
void *(*volatile tsl_obtain)(size_t) = obtain;
size_t (*volatile tsl_count_e)(const char *) = count_e;

void *tsl_dup(const char *s, size_t n)
{
	void *p = tsl_obtain(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

void tsl_drop(void *p)
{
	tsl_release(p);
}
