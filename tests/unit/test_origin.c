/* test_origin.c - hs_db_reg_origin against a naive backward scan of hs_db_regs_at.
 *
 * The group setup records small.c and threads.c with small chunks
 * (--chunk-kb 16, the smallest: many chunk boundaries for the search to cross) and
 * builds them.  For random t, threads and registers, the naive answer is
 * the first t' going down from t whose value differs: origin is t' + 1.
 * The scan is capped (SCAN_CAP steps); past the cap the test checks the
 * answer's defining properties instead: the value at origin equals the
 * value at t, the value at origin - 1 differs, and sampled moments in
 * between hold the value too.
 *
 * Set HS_KEEP=1 to keep the scratch folder, HS_TEST_SEED to change the
 * random choices (printed on failure).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hindsight/db.h"

#include "testlib.h"

#define SCAN_CAP 1500

static char scratch[PATH_MAX];
static uint64_t seed = 20240611;

struct rec {
	const char *name, *argv;
	char dir[PATH_MAX];
	struct hs_db *db;
	const struct hs_db_image *img;
};

static struct rec r_small = { .name = "small", .argv = "build/programs/small" };
static struct rec r_threads = { .name = "threads", .argv = "build/programs/threads" };

static uint64_t rnd(void)
{
	return testlib_rnd(&seed);
}

static int record(struct rec *r)
{
	snprintf(r->dir, sizeof(r->dir), "%s/%s", scratch, r->name);
	if (testlib_record_build(r->name, r->dir, "--chunk-kb 16 ", r->argv, "--shards 2 "))
		return -1;
	if (hs_db_open(r->dir, NULL, &r->db) != 0)
		return -1;
	r->img = hs_db_image_at(r->db, 0);
	return r->img ? 0 : -1;
}

static int group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	const char *s = getenv("HS_TEST_SEED");

	(void)state;
	if (s)
		seed = strtoull(s, NULL, 0);
	snprintf(scratch, sizeof(scratch), "%s/hs-test-origin.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch))
		return -1;
	if (record(&r_small) || record(&r_threads))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	hs_db_close(r_small.db);
	hs_db_close(r_threads.db);
	if (!getenv("HS_KEEP") || strcmp(getenv("HS_KEEP"), "1") != 0)
		sh("rm -rf %s", scratch);
	else
		fprintf(stderr, "kept %s\n", scratch);
	return 0;
}

/* The value of reg of thread tid at t: 0, or what hs_db_regs_at said. */
static int value_at(const struct hs_db_image *img, uint64_t t, uint32_t *tid, const char *reg,
		    uint8_t out[32], uint32_t *size)
{
	static struct hs_db_regs r; /* 2 KB: not on the stack */
	int err = hs_db_regs_at(img, t, *tid, &r);

	if (err)
		return err;
	*tid = r.tid; /* 0 asked for the thread at t: the scan stays on it */
	return hs_db_reg_value(&r, reg, out, size);
}

static const char *const regs[] = {
	"rip", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r11", "r12",
	"r15", "rflags", "fs_base", "xmm0", "ymm1", "xmm15", "sseround", "ftop", "fpreg0",
};

/* One question, checked against the naive scan. */
static void check_one(const struct hs_db_image *img, uint64_t t, uint32_t tid, const char *reg)
{
	uint8_t v[32], w[32];
	uint32_t size, wsize;
	uint64_t origin = 0, naive = 0;
	bool found = false, capped = true;
	int err, got;

	got = hs_db_reg_origin(img, t, tid, reg, &origin);
	err = value_at(img, t, &tid, reg, v, &size);
	if (err) {
		if (got != err)
			fail_msg("t=%" PRIu64 " tid=%u %s: regs say %d, origin %d (seed %" PRIu64 ")",
				 t, tid, reg, err, got, seed);
		return;
	}
	for (uint64_t k = 0; k <= SCAN_CAP && k <= t; k++) {
		uint64_t u = t - k;

		err = value_at(img, u, &tid, reg, w, &wsize);
		if (err == -ESRCH) { /* the thread had not started */
			capped = false;
			break;
		}
		assert_int_equal(err, 0);
		if (memcmp(v, w, size) != 0) {
			found = true;
			capped = false;
			naive = u + 1;
			break;
		}
		if (u == 0)
			capped = false;
	}
	if (!capped) {
		if (found) {
			if (got != 0 || origin != naive)
				fail_msg("t=%" PRIu64 " tid=%u %s: origin %d t=%" PRIu64
					 ", naive t=%" PRIu64 " (seed %" PRIu64 ")",
					 t, tid, reg, got, origin, naive, seed);
		} else if (got != -ENOENT) {
			fail_msg("t=%" PRIu64 " tid=%u %s: never changed, but origin %d t=%" PRIu64
				 " (seed %" PRIu64 ")", t, tid, reg, got, origin, seed);
		}
		return;
	}
	/* past the cap: the properties */
	if (got == -ENOENT)
		return; /* would need a scan to the thread's start */
	assert_int_equal(got, 0);
	assert_true(origin + SCAN_CAP < t);
	assert_int_equal(value_at(img, origin, &tid, reg, w, &wsize), 0);
	assert_memory_equal(v, w, size);
	assert_true(origin > 0);
	assert_int_equal(value_at(img, origin - 1, &tid, reg, w, &wsize), 0);
	assert_memory_not_equal(v, w, size);
	for (int i = 0; i < 40; i++) {
		uint64_t u = origin + rnd() % (t - origin);

		assert_int_equal(value_at(img, u, &tid, reg, w, &wsize), 0);
		assert_memory_equal(v, w, size);
	}
}

static void check_image(const struct hs_db_image *img, int n)
{
	struct hs_db_image_info info;

	hs_db_image_info(img, &info);
	for (int i = 0; i < n; i++) {
		uint64_t t = rnd() % (info.t_end + 1);
		const char *reg = regs[rnd() % (sizeof(regs) / sizeof(regs[0]))];
		uint32_t tid = 0;

		if (i % 4 == 3 && hs_db_thread_at(img, rnd() % (info.t_end + 1), &tid) != 0)
			tid = 0; /* some questions about another thread than t's */
		check_one(img, t, tid, reg);
	}
}

static void test_origin_matches_naive_scan_small(void **state)
{
	(void)state;
	check_image(r_small.img, 40);
}

static void test_origin_matches_naive_scan_threads(void **state)
{
	(void)state;
	check_image(r_threads.img, 40);
}

/* Chosen moments: the first and last states, and t just after a change
 * of rip (every instruction), whose origin is t itself. */
static void test_origin_edges(void **state)
{
	const struct hs_db_image *img = r_small.img;
	struct hs_db_image_info info;
	uint64_t o;

	(void)state;
	hs_db_image_info(img, &info);
	assert_int_equal(hs_db_reg_origin(img, 0, 0, "rip", &o), -ENOENT);
	assert_int_equal(hs_db_reg_origin(img, 1000, 0, "rip", &o), 0);
	assert_int_equal(o, 1000);
	assert_int_equal(hs_db_reg_origin(img, 1000, 0, "nosuchreg", &o), -ENOENT);
	assert_int_equal(hs_db_reg_origin(img, info.t_end + 1, 0, "rip", &o), -ERANGE);
	check_one(img, info.t_end, 0, "rax");
	check_one(img, info.t_end, 0, "rsp");
	check_one(img, 1, 0, "rsp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_origin_edges),
		cmocka_unit_test(test_origin_matches_naive_scan_small),
		cmocka_unit_test(test_origin_matches_naive_scan_threads),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
