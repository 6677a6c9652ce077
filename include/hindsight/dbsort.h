/* dbsort.h - the database builder's external sort of fixed-size records
 * (builder/db/dbb_sort.c): the order of the merge's indexes (callee.hdb,
 * lineidx.hdb).
 *
 * Owner: builder/db (libhsdb.a).  Users: builder/db, tests/unit/test_lines.c.
 * Records that do not fit in memory go through sorted runs on disk; each
 * record comes out once, in the same order either way.
 * Errors: 0 or -errno (-ENOMEM, the files' system calls). */
#ifndef HINDSIGHT_DBSORT_H
#define HINDSIGHT_DBSORT_H

#include <stddef.h>
#include <stdint.h>

struct dbb_sort;
/* The key of a record as two words, hi first: their order must be cmp's. */
typedef void (*dbb_sort_key_fn)(const void *rec, uint64_t *hi, uint64_t *lo);
/* Runs go to dir/<prefix>.<k>.sp past mem_bytes of records; cmp must be
 * a total order; key (NULL: none) makes runs radix sorted.  Caller frees
 * with dbb_sort_free (which removes runs). */
int dbb_sort_new(const char *dir, const char *prefix, size_t rec, size_t mem_bytes,
		 int (*cmp)(const void *, const void *), dbb_sort_key_fn key,
		 struct dbb_sort **out);
/* threads > 1: a full buffer is sorted and written in a thread of its own
 * while the next one fills (memory: one more buffer). */
void dbb_sort_threads(struct dbb_sort *s, unsigned threads);
int dbb_sort_add(struct dbb_sort *s, const void *rec);
/* No more records; then dbb_sort_next gives them in order: 1 (*rec valid
 * until the next call), 0 at the end, or -errno. */
int dbb_sort_finish(struct dbb_sort *s);
int dbb_sort_next(struct dbb_sort *s, const void **rec);
void dbb_sort_free(struct dbb_sort *s); /* accepts NULL */

#endif
