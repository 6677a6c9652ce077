/* testlib.h - helpers the unit tests (tests/unit/test_*.c) share: a
 * reproducible random sequence, a shell command, a recording made and
 * built.  Header only (static inline: a test that uses one of them gets
 * no warning for the others).  Run from the repository root. */
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

/* Records the command line argv with `hindsight record REC_OPTS-o DIR`
 * and builds it with `hindsight build BUILD_OPTSDIR` (each option string
 * empty or ending in a space); the tools' output in DIR.out, DIR.err and
 * DIR.build.  0, or -1 with a line naming NAME on stderr. */
static inline int testlib_record_build(const char *name, const char *dir, const char *rec_opts,
				       const char *argv, const char *build_opts)
{
	if (sh("build/bin/hindsight record %s-o %s -- %s </dev/null >%s.out 2>%s.err", rec_opts,
	       dir, argv, dir, dir) != 0) {
		fprintf(stderr, "recording %s failed (see %s.err)\n", name, dir);
		return -1;
	}
	if (sh("build/bin/hindsight build %s%s >%s.build 2>&1", build_opts, dir, dir) != 0) {
		fprintf(stderr, "building %s failed (see %s.build)\n", name, dir);
		return -1;
	}
	return 0;
}

#endif
