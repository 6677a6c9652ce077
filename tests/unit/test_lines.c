/* test_lines.c - the builder's external sort (builder/db/dbb_sort.c), which
 * makes callee.hdb and lineidx.hdb: the same order whether the records fit
 * in memory or go through many runs on disk, every record once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hindsight/dbsort.h"

#define REC 24

static char dir[] = "/tmp/hs-test-lines.XXXXXX";

static int cmp_rec(const void *a, const void *b)
{
	return memcmp(a, b, REC);
}

/* cmp_rec's order (memcmp of the first 16 bytes; the rest are zeros) as a
 * key: the bytes big endian */
static void key_rec(const void *rec, uint64_t *hi, uint64_t *lo)
{
	const uint8_t *r = rec;

	*hi = *lo = 0;
	for (int i = 0; i < 8; i++) {
		*hi = *hi << 8 | r[i];
		*lo = *lo << 8 | r[8 + i];
	}
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* n records (with duplicates of the key part, distinct as a whole) through a
 * sorter of mem bytes and threads; returns them in the order it gave them. */
static uint8_t *sorted_th(size_t n, size_t mem, uint64_t seed, dbb_sort_key_fn key,
			  unsigned threads)
{
	struct dbb_sort *s;
	uint8_t *out = malloc(n * REC + 1), rec[REC];
	const void *p;
	size_t k = 0;

	assert_non_null(out);
	assert_int_equal(dbb_sort_new(dir, "t", REC, mem, cmp_rec, key, &s), 0);
	dbb_sort_threads(s, threads);
	for (size_t i = 0; i < n; i++) {
		uint64_t k50 = rnd(&seed) % 50;

		memset(rec, 0, sizeof(rec));
		memcpy(rec, &k50, 8);
		memcpy(rec + 8, &i, 8);
		assert_int_equal(dbb_sort_add(s, rec), 0);
	}
	assert_int_equal(dbb_sort_finish(s), 0);
	while (dbb_sort_next(s, &p) == 1) {
		assert_true(k < n);
		memcpy(out + k++ * REC, p, REC);
	}
	assert_int_equal(k, n);
	dbb_sort_free(s);
	return out;
}

static uint8_t *sorted(size_t n, size_t mem, uint64_t seed, dbb_sort_key_fn key)
{
	return sorted_th(n, mem, seed, key, 1);
}

/* Runs written in threads, each radix sorted in 4 slices (65,536 keys a
 * slice at least): the same order as one thread's. */
static void sort_threads_same_order(void **state)
{
	size_t n = 300000;
	uint8_t *one = sorted_th(n, 1 << 30, 9, key_rec, 1);
	uint8_t *four = sorted_th(n, 1 << 30, 9, key_rec, 4);
	uint8_t *runs = sorted_th(n, 270000 * REC, 9, key_rec, 4);
	uint8_t *qs = sorted_th(n, 70000 * REC, 9, NULL, 4);

	(void)state;
	for (size_t i = 1; i < n; i++)
		assert_true(cmp_rec(one + (i - 1) * REC, one + i * REC) < 0);
	assert_memory_equal(one, four, n * REC);
	assert_memory_equal(one, runs, n * REC);
	assert_memory_equal(one, qs, n * REC);
	free(one);
	free(four);
	free(runs);
	free(qs);
}

static void sort_runs_equal_memory(void **state)
{
	size_t n = 5000;
	uint8_t *mem = sorted(n, 1 << 20, 7, NULL), *runs = sorted(n, 37 * REC, 7, NULL);
	/* the radix sort of a key with cmp's order gives the same */
	uint8_t *rmem = sorted(n, 1 << 20, 7, key_rec), *rruns = sorted(n, 37 * REC, 7, key_rec);

	(void)state;
	for (size_t i = 1; i < n; i++)
		assert_true(cmp_rec(mem + (i - 1) * REC, mem + i * REC) < 0);
	assert_memory_equal(mem, runs, n * REC);
	assert_memory_equal(mem, rmem, n * REC);
	assert_memory_equal(mem, rruns, n * REC);
	free(mem);
	free(runs);
	free(rmem);
	free(rruns);
}

static void sort_empty_and_one(void **state)
{
	struct dbb_sort *s;
	const void *p;
	uint8_t rec[REC] = { 1 };

	(void)state;
	assert_int_equal(dbb_sort_new(dir, "e", REC, 4 * REC, cmp_rec, key_rec, &s), 0);
	assert_int_equal(dbb_sort_finish(s), 0);
	assert_int_equal(dbb_sort_next(s, &p), 0);
	dbb_sort_free(s);
	assert_int_equal(dbb_sort_new(dir, "o", REC, REC, cmp_rec, key_rec, &s), 0);
	assert_int_equal(dbb_sort_add(s, rec), 0);
	assert_int_equal(dbb_sort_add(s, rec), 0); /* a second run */
	assert_int_equal(dbb_sort_finish(s), 0);
	assert_int_equal(dbb_sort_next(s, &p), 1);
	assert_memory_equal(p, rec, REC);
	assert_int_equal(dbb_sort_next(s, &p), 1);
	assert_int_equal(dbb_sort_next(s, &p), 0);
	dbb_sort_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sort_runs_equal_memory),
		cmocka_unit_test(sort_empty_and_one),
		cmocka_unit_test(sort_threads_same_order),
	};
	int ret;

	if (!mkdtemp(dir))
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	/* the sorter removes its runs: the folder must be empty */
	if (rmdir(dir) != 0) {
		fprintf(stderr, "test_lines: %s not empty: runs left behind\n", dir);
		ret = 1;
	}
	return ret;
}
