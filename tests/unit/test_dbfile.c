/* test_dbfile.c - unit tests of block files (fs/dbfile): round trips,
 * damaged blocks, files cut short. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hindsight/dbfile.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/hs-test-dbfile.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A path in the scratch folder; the last 4 stay valid. */
static char *path_of(const char *name)
{
	static char p[4][128];
	static unsigned k;
	char *s = p[k++ % 4];

	snprintf(s, sizeof(p[0]), "%s/%s", dir, name);
	return s;
}

/* Record i: key i/3 (keys repeat), i's bytes, length 16 + i % 200. */
static size_t make_rec(uint64_t i, uint8_t *r)
{
	size_t len = 16 + i % 200;

	for (size_t k = 0; k < len; k++)
		r[k] = (uint8_t)(i * 31 + k);
	memcpy(r, &i, 8);
	return len;
}

struct pos {
	uint32_t block, offset;
	size_t len;
};

/* Writes n records; returns where each went (caller frees). */
static struct pos *write_file_threads(const char *path, uint64_t n, int level,
				      unsigned threads)
{
	struct hs_dbfile_writer *w;
	struct pos *pos = calloc(n + 1, sizeof(*pos));
	uint8_t r[256];

	assert_non_null(pos);
	assert_int_equal(hs_dbfile_create(path, HS_DB_EVENTS, level, NULL, &w), 0);
	assert_int_equal(hs_dbfile_parallel(w, threads), 0);
	for (uint64_t i = 0; i < n; i++) {
		pos[i].len = make_rec(i, r);
		assert_int_equal(hs_dbfile_append(w, i / 3, r, pos[i].len, &pos[i].block,
						  &pos[i].offset), 0);
	}
	assert_int_equal(hs_dbfile_finish(w), 0);
	return pos;
}

static struct pos *write_file(const char *path, uint64_t n, int level)
{
	return write_file_threads(path, n, level, 0);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	b = malloc(*len + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

/* Blocks compressed by worker threads are written in order: the same
 * bytes, and append says the same block for each record. */
static void test_dbfile_parallel_writer_writes_the_same_bytes(void **state)
{
	const uint64_t n = 30000;
	struct pos *p0 = write_file_threads(path_of("p0.hdb"), n, 3, 0);
	struct pos *p4 = write_file_threads(path_of("p4.hdb"), n, 3, 4);
	struct pos *p2 = write_file_threads(path_of("p2.hdb"), 10, 3, 2); /* one block */
	size_t l0, l4;
	char *b0 = slurp(path_of("p0.hdb"), &l0), *b4 = slurp(path_of("p4.hdb"), &l4);

	assert_int_equal(l0, l4);
	assert_memory_equal(b0, b4, l0);
	for (uint64_t i = 0; i < n; i++) {
		assert_int_equal(p0[i].block, p4[i].block);
		assert_int_equal(p0[i].offset, p4[i].offset);
	}
	free(b0);
	free(b4);
	free(p0);
	free(p4);
	free(p2);
}

static void test_dbfile_round_trip_keeps_every_record_where_append_said(void **state)
{
	const uint64_t n = 20000;
	struct pos *pos = write_file(path_of("rt.hdb"), n, 3);
	struct hs_dbfile *f;
	uint8_t *data = NULL, r[256];
	size_t cur = SIZE_MAX;

	assert_int_equal(hs_dbfile_open(path_of("rt.hdb"), HS_DB_EVENTS, NULL, &f), 0);
	assert_int_equal(hs_dbfile_record_count(f), n);
	assert_true(hs_dbfile_block_count(f) > 1);
	for (uint64_t i = 0; i < n; i++) {
		const struct hs_dbfile_block_info *bi = hs_dbfile_block(f, pos[i].block);

		assert_non_null(bi);
		if (cur != pos[i].block) {
			free(data);
			assert_int_equal(hs_dbfile_read_block(f, pos[i].block, &data), 0);
			cur = pos[i].block;
		}
		assert_true(pos[i].offset + pos[i].len <= bi->raw);
		assert_true(i / 3 >= bi->first_key && i / 3 <= bi->last_key);
		make_rec(i, r);
		assert_memory_equal(data + pos[i].offset, r, pos[i].len);
	}
	/* find: the last block whose first key is <= key */
	for (uint64_t k = 0; k < n / 3; k += 97) {
		size_t b = hs_dbfile_find(f, k);

		assert_true(hs_dbfile_block(f, b)->first_key <= k);
		if (b + 1 < hs_dbfile_block_count(f))
			assert_true(hs_dbfile_block(f, b + 1)->first_key > k ||
				    hs_dbfile_block(f, b + 1)->first_key == k);
	}
	assert_int_equal(hs_dbfile_verify(f), 0);
	free(data);
	hs_dbfile_close(f);
	free(pos);
}

static void test_dbfile_rejects_decreasing_keys_and_wrong_kind(void **state)
{
	struct hs_dbfile_writer *w;
	struct hs_dbfile *f;
	uint8_t r[16] = { 0 };

	assert_int_equal(hs_dbfile_create(path_of("dec.hdb"), HS_DB_RUNS, 1, NULL, &w), 0);
	assert_int_equal(hs_dbfile_append(w, 5, r, sizeof(r), NULL, NULL), 0);
	assert_int_equal(hs_dbfile_append(w, 4, r, sizeof(r), NULL, NULL), -EINVAL);
	assert_int_equal(hs_dbfile_finish(w), 0);
	assert_int_equal(hs_dbfile_open(path_of("dec.hdb"), HS_DB_CALLS, NULL, &f), -EBADMSG);
	assert_null(f);
	/* O_EXCL: an existing file is never overwritten */
	assert_int_equal(hs_dbfile_create(path_of("dec.hdb"), HS_DB_RUNS, 1, NULL, &w), -EEXIST);
}

static void flip_byte(const char *path, off_t off)
{
	int fd = open(path, O_RDWR);
	uint8_t b;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, off), 1);
	b ^= 0x40;
	assert_int_equal(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

static void test_dbfile_corrupt_block_is_ebadmsg_and_others_still_read(void **state)
{
	const uint64_t n = 20000;
	struct pos *pos = write_file(path_of("bad.hdb"), n, 3);
	struct hs_dbfile *f;
	const struct hs_dbfile_block_info *bi;
	uint8_t *data;
	size_t nb;

	assert_int_equal(hs_dbfile_open(path_of("bad.hdb"), HS_DB_EVENTS, NULL, &f), 0);
	nb = hs_dbfile_block_count(f);
	assert_true(nb >= 3);
	bi = hs_dbfile_block(f, 1);
	/* a byte in the middle of block 1's compressed bytes */
	flip_byte(path_of("bad.hdb"), (off_t)(bi->offset + 32 + bi->comp / 2));
	assert_int_equal(hs_dbfile_read_block(f, 1, &data), -EBADMSG);
	assert_null(data);
	assert_int_equal(hs_dbfile_read_block(f, 0, &data), 0);
	free(data);
	assert_int_equal(hs_dbfile_read_block(f, 2, &data), 0);
	free(data);
	assert_int_equal(hs_dbfile_verify(f), -EBADMSG);
	/* a block header byte too */
	bi = hs_dbfile_block(f, 2);
	flip_byte(path_of("bad.hdb"), (off_t)(bi->offset + 5));
	assert_int_equal(hs_dbfile_read_block(f, 2, &data), -EBADMSG);
	hs_dbfile_close(f);
	free(pos);
}

/* A file closed for want of descriptors opens again at the next read;
 * one replaced in the meantime (a new build in the same folder) is
 * refused with -ESTALE, not read at its old directory's offsets. */
static void test_dbfile_reopened_file_must_be_the_same(void **state)
{
	struct pos *pos = write_file(path_of("a.hdb"), 5000, 3), *pos2;
	struct hs_dbfile *f;
	uint8_t *data, *again;
	size_t nb;

	assert_int_equal(hs_dbfile_open(path_of("a.hdb"), HS_DB_EVENTS, NULL, &f), 0);
	nb = hs_dbfile_block_count(f);
	assert_int_equal(hs_dbfile_read_block(f, 0, &data), 0);
	hs_dbfile_fd_close_idle();
	assert_int_equal(hs_dbfile_fd_open_count(), 0);
	assert_int_equal(hs_dbfile_read_block(f, 0, &again), 0);
	assert_memory_equal(data, again, hs_dbfile_block(f, 0)->raw);
	free(again);
	assert_int_equal(hs_dbfile_fd_open_count(), 1);
	/* the same records at another level: another file of another size */
	pos2 = write_file(path_of("b.hdb"), 5000, 19);
	assert_int_equal(rename(path_of("b.hdb"), path_of("a.hdb")), 0);
	/* still open: the old file's bytes */
	assert_int_equal(hs_dbfile_read_block(f, nb - 1, &again), 0);
	free(again);
	hs_dbfile_fd_close_idle();
	assert_int_equal(hs_dbfile_read_block(f, 0, &again), -ESTALE);
	assert_null(again);
	assert_int_equal(hs_dbfile_read_block(f, 0, &again), -ESTALE);
	hs_dbfile_close(f);
	free(data);
	free(pos);
	free(pos2);
}

static void test_dbfile_damaged_header_or_directory_never_opens(void **state)
{
	struct pos *pos = write_file(path_of("hdr.hdb"), 3000, 1);
	struct hs_dbfile *f;
	struct stat st;

	flip_byte(path_of("hdr.hdb"), 20);
	assert_int_equal(hs_dbfile_open(path_of("hdr.hdb"), HS_DB_EVENTS, NULL, &f), -EBADMSG);
	flip_byte(path_of("hdr.hdb"), 20);
	assert_int_equal(hs_dbfile_open(path_of("hdr.hdb"), HS_DB_EVENTS, NULL, &f), 0);
	hs_dbfile_close(f);
	/* the directory is the last bytes of the file */
	assert_int_equal(stat(path_of("hdr.hdb"), &st), 0);
	flip_byte(path_of("hdr.hdb"), st.st_size - 3);
	assert_int_equal(hs_dbfile_open(path_of("hdr.hdb"), HS_DB_EVENTS, NULL, &f), -EBADMSG);
	free(pos);
}

static void copy_prefix(const char *from, const char *to, off_t len)
{
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char *buf = malloc((size_t)len + 1);

	assert_true(in >= 0 && out >= 0 && buf);
	assert_int_equal(pread(in, buf, (size_t)len, 0), len);
	assert_int_equal(write(out, buf, (size_t)len), len);
	close(in);
	close(out);
	free(buf);
}

static void test_dbfile_truncated_file_never_validates(void **state)
{
	struct pos *pos = write_file(path_of("full.hdb"), 5000, 3);
	struct hs_dbfile *f;
	struct stat st;

	assert_int_equal(stat(path_of("full.hdb"), &st), 0);
	/* every cut, at a spread of lengths: header, blocks, directory */
	for (off_t len = 0; len < st.st_size; len += len < 200 ? 7 : 997) {
		copy_prefix(path_of("full.hdb"), path_of("cut.hdb"), len);
		f = NULL;
		assert_int_not_equal(hs_dbfile_open(path_of("cut.hdb"), HS_DB_EVENTS, NULL, &f), 0);
		assert_null(f);
	}
	copy_prefix(path_of("full.hdb"), path_of("cut.hdb"), st.st_size - 1);
	assert_int_not_equal(hs_dbfile_open(path_of("cut.hdb"), HS_DB_EVENTS, NULL, &f), 0);
	free(pos);
}

static void test_dbfile_unfinished_writer_leaves_an_invalid_file(void **state)
{
	struct hs_dbfile_writer *w;
	struct hs_dbfile *f;
	uint8_t r[256];

	assert_int_equal(hs_dbfile_create(path_of("ab.hdb"), HS_DB_EVENTS, 3, NULL, &w), 0);
	for (uint64_t i = 0; i < 5000; i++) {
		size_t len = make_rec(i, r);

		assert_int_equal(hs_dbfile_append(w, i, r, len, NULL, NULL), 0);
	}
	hs_dbfile_abort(w); /* as a killed builder would leave it */
	assert_int_equal(hs_dbfile_open(path_of("ab.hdb"), HS_DB_EVENTS, NULL, &f), -EBADMSG);
}

static void test_dbfile_empty_file_round_trips(void **state)
{
	struct hs_dbfile_writer *w;
	struct hs_dbfile *f;

	assert_int_equal(hs_dbfile_create(path_of("empty.hdb"), HS_DB_CALLS, 3, NULL, &w), 0);
	assert_int_equal(hs_dbfile_finish(w), 0);
	assert_int_equal(hs_dbfile_open(path_of("empty.hdb"), HS_DB_CALLS, NULL, &f), 0);
	assert_int_equal(hs_dbfile_block_count(f), 0);
	assert_int_equal(hs_dbfile_record_count(f), 0);
	assert_int_equal(hs_dbfile_verify(f), 0);
	hs_dbfile_close(f);
}

/* A file names its build and image; opening it for another is refused,
 * without an identity to check (NULL) it opens. */
static void test_dbfile_identity_is_checked_on_open(void **state)
{
	struct hs_dbfile_ident a = { 0x1234abcd5678ef01ull, "100.0" }, got;
	struct hs_dbfile_ident other_image = a, other_build = a;
	struct hs_dbfile_writer *w;
	struct hs_dbfile *f;
	uint8_t rec[8] = { 1 };

	snprintf(other_image.image, sizeof(other_image.image), "101.0");
	other_build.build ^= 1;
	assert_int_equal(hs_dbfile_create(path_of("id.hdb"), HS_DB_RUNS, 1, &a, &w), 0);
	assert_int_equal(hs_dbfile_append(w, 5, rec, sizeof(rec), NULL, NULL), 0);
	assert_int_equal(hs_dbfile_finish(w), 0);
	assert_int_equal(hs_dbfile_open(path_of("id.hdb"), HS_DB_RUNS, &a, &f), 0);
	hs_dbfile_ident(f, &got);
	assert_true(got.build == a.build);
	assert_string_equal(got.image, "100.0");
	hs_dbfile_close(f);
	assert_int_equal(hs_dbfile_open(path_of("id.hdb"), HS_DB_RUNS, &other_image, &f), -EBADMSG);
	assert_null(f);
	assert_int_equal(hs_dbfile_open(path_of("id.hdb"), HS_DB_RUNS, &other_build, &f), -EBADMSG);
	assert_int_equal(hs_dbfile_open(path_of("id.hdb"), HS_DB_RUNS, NULL, &f), 0);
	hs_dbfile_close(f);
	/* the identity is under the header's checksum */
	flip_byte(path_of("id.hdb"), 66);
	assert_int_equal(hs_dbfile_open(path_of("id.hdb"), HS_DB_RUNS, NULL, &f), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dbfile_round_trip_keeps_every_record_where_append_said, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbfile_parallel_writer_writes_the_same_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbfile_rejects_decreasing_keys_and_wrong_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbfile_corrupt_block_is_ebadmsg_and_others_still_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbfile_damaged_header_or_directory_never_opens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbfile_truncated_file_never_validates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbfile_unfinished_writer_leaves_an_invalid_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbfile_empty_file_round_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbfile_identity_is_checked_on_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbfile_reopened_file_must_be_the_same, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
