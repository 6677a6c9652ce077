/* testlib.h - helpers the unit tests (tests/unit/test_*.c) share: a
 * reproducible random sequence and a shell command.  Header only (static
 * inline: a test that uses one of them gets no warning for the others). */
#ifndef HINDSIGHT_TESTLIB_H
#define HINDSIGHT_TESTLIB_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* The next number of xorshift64* from *seed (not 0): the same sequence
 * for the same seed, so that a failure can be replayed. */
static inline uint64_t testlib_rnd(uint64_t *seed)
{
	*seed ^= *seed >> 12;
	*seed ^= *seed << 25;
	*seed ^= *seed >> 27;
	return *seed * 0x2545f4914f6cdd1dull;
}

/* Runs the command line fmt (printf-style, up to 4 KiB) with system():
 * its exit status, or -1 when no shell could run it. */
static inline int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

#endif
