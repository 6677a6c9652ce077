/* util.h - the small helpers every module would otherwise write again.
 *
 * Owner: the common layer (header only, so that any module may use it
 * without a link-order edge).  Users: builder/, fs/ and server/ (not the recorder:
 * it has no libc; it may use le.h).
 *
 *   hs_grow()        an array's capacity at least `need` elements
 *   hs_grow_zero()   the same for a table indexed by an id, new entries zeroed
 *   hs_read_full()   exactly n bytes at an offset (pread)
 *   hs_write_all()   all n bytes, at an offset (pwrite) or the file's
 *   hs_spill_open()  an unlinked temporary file in a folder
 *   hs_hexval()      a hex digit's value
 *   hs_buf_fill()    what fits of a stream into a fixed buffer
 *   HS_UPPER_BOUND() in an array sorted by a 64-bit key, how many
 *                    elements have a key <= a value (a binary search)
 *   HS_ANALYZER_ASSUME(c)  an invariant clang's analyser (make scan)
 *                    cannot see; nothing in a normal build
 *
 * Errors: 0 or -errno (-ENOMEM, or the system call's). */
#ifndef HINDSIGHT_UTIL_H
#define HINDSIGHT_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#ifdef __clang_analyzer__
#define HS_ANALYZER_ASSUME(c) do { if (!(c)) __builtin_unreachable(); } while (0)
#else
#define HS_ANALYZER_ASSUME(c) ((void)0)
#endif

/* Makes *p hold at least `need` elements of `elem` bytes (doubling, at
 * least 16); *cap counts elements.  On -ENOMEM *p and *cap are unchanged
 * (the caller still owns and frees *p).  New elements are not zeroed. */
static inline int hs_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 16;
	void *q;

	HS_ANALYZER_ASSUME(*p || !*cap);
	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	if (c > SIZE_MAX / elem)
		return -ENOMEM;
	q = realloc(*p, c * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

/* hs_grow() for a table indexed by an id (a tid, a file id): the new
 * elements are zeroed, so every index below *cap is a valid, empty
 * entry. */
static inline int hs_grow_zero(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t old = *cap;
	int err = hs_grow(p, cap, need, elem);

	if (!err && *cap > old)
		memset((char *)*p + old * elem, 0, (*cap - old) * elem);
	return err;
}

/* Reads exactly n bytes at off (pread, EINTR retried): 0, -EBADMSG when
 * the file ends before (a file cut short), or -errno. */
static inline int hs_read_full(int fd, void *buf, size_t n, uint64_t off)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EBADMSG;
		done += (size_t)r;
	}
	return 0;
}

/* Writes all n bytes (EINTR retried) at off with pwrite, or at the file
 * offset with write when off is negative: 0 or -errno (-EIO if nothing
 * could be written). */
static inline int hs_write_all(int fd, const void *buf, size_t n, int64_t off)
{
	const char *p = buf;

	while (n) {
		ssize_t w = off < 0 ? write(fd, p, n) : pwrite(fd, p, n, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
		if (off >= 0)
			off += w;
	}
	return 0;
}

/* An unlinked read-write file in dir (O_TMPFILE, else mkstemp and
 * unlink): no name is ever left behind, even by a crash.  Returns the fd
 * (caller closes) or -errno. */
static inline int hs_spill_open(const char *dir)
{
	char path[4096];
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != ENOENT))
		return fd >= 0 ? fd : -errno;
	if ((size_t)snprintf(path, sizeof path, "%s/hs-spill-XXXXXX", dir) >= sizeof path)
		return -ENAMETOOLONG;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	return fd;
}

/* The value of hex digit c (either case), or -1. */
static inline int hs_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Copies what fits of the *n bytes at *p into buf (cap bytes, *fill of
 * them in use) and advances *p, *n and *fill past it: a writer that
 * flushes buf when it is full.  Returns whether buf is now full. */
static inline bool hs_buf_fill(void *buf, size_t *fill, size_t cap,
			       const uint8_t **p, size_t *n)
{
	size_t k = cap - *fill;

	if (k > *n)
		k = *n;
	memcpy((char *)buf + *fill, *p, k);
	*fill += k;
	*p += k;
	*n -= k;
	return *fill == cap;
}

/* In the n elements of `size` bytes at base, sorted by the uint64_t at
 * key_off in each: how many have a key <= key, i.e. the index of the
 * first one above it (C++'s upper_bound).  Element i - 1, when i > 0, is
 * then the last one at or below key. */
static inline size_t hs_upper_bound_u64(const void *base, size_t n, size_t size,
					size_t key_off, uint64_t key)
{
	const char *b = (const char *)base + key_off;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t k;

		memcpy(&k, b + mid * size, sizeof k);
		if (k <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* hs_upper_bound_u64() over arr[0..n) by its 64-bit member (a path such
 * as pub.start may name a nested one). */
#define HS_UPPER_BOUND(arr, n, member, key) __extension__({ \
	_Static_assert(sizeof((arr)->member) == 8, "HS_UPPER_BOUND needs a 64-bit key"); \
	hs_upper_bound_u64((arr), (n), sizeof(*(arr)), \
			   offsetof(__typeof__(*(arr)), member), (key)); })

#endif
