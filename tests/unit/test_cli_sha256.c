/* test_cli_sha256.c - unit tests of the SHA-256 behind `hindsight bom`'s
 * file hashes (builder/cli/cli_sha256.c through hindsight/sha256.h; the
 * CLI is no library: the Makefile links that one object into this test).
 * Oracles: FIPS 180-4's examples, and for every length 0..300 around the 55/56/64-byte padding edges, sha256sum(1) of
 * the same bytes, fed whole, byte by byte and in odd pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hindsight/sha256.h"

static void hex_of(const unsigned char md[32], char hex[65])
{
	int i;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static void digest(const void *p, size_t n, size_t piece, char hex[65])
{
	struct cli_sha256 s;
	unsigned char md[32];
	size_t off;

	cli_sha256_init(&s);
	for (off = 0; off < n; off += piece)
		cli_sha256_update(&s, (const char *)p + off, n - off < piece ? n - off : piece);
	cli_sha256_final(&s, md);
	hex_of(md, hex);
}

static void test_sha256_fips_examples(void **state)
{
	char hex[65], *million = malloc(1000000);

	digest("", 0, 1, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	digest("abc", 3, 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	assert_non_null(million);
	memset(million, 'a', 1000000);
	digest(million, 1000000, 1000000, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	digest(million, 1000000, 4099, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

/* every length 0..300, whole, in 1-byte and 7-byte pieces, and through
 * cli_sha256_file(), against sha256sum of the same file */
static void test_sha256_lengths_match_sha256sum(void **state)
{
	char path[] = "/tmp/test_cli_sha256.XXXXXX", cmd[128], want[80], hex[65];
	unsigned char buf[300];
	size_t n, i;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	for (i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	for (n = 0; n <= sizeof buf; n++) {
		FILE *p;

		assert_int_equal(ftruncate(fd, 0), 0);
		assert_int_equal(pwrite(fd, buf, n, 0), (ssize_t)n);
		snprintf(cmd, sizeof cmd, "sha256sum %s", path);
		p = popen(cmd, "r");
		assert_non_null(p);
		assert_non_null(fgets(want, sizeof want, p));
		pclose(p);
		want[64] = 0;
		digest(buf, n, n ? n : 1, hex);
		assert_string_equal(hex, want);
		digest(buf, n, 1, hex);
		assert_string_equal(hex, want);
		digest(buf, n, 7, hex);
		assert_string_equal(hex, want);
		assert_int_equal(cli_sha256_file(path, hex), 0);
		assert_string_equal(hex, want);
	}
	close(fd);
	unlink(path);
	assert_int_equal(cli_sha256_file(path, hex), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_fips_examples),
		cmocka_unit_test(test_sha256_lengths_match_sha256sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
